/*
 * The rmt client: start the remote side, speak the rmt protocol, and parse
 * every reply strictly.  (Not yet implemented: remote output is refused.)
 */
#include <sys/types.h>

#include <errno.h>

#include "dump.h"

int
rmthost(const char *h)
{
	(void)h;
	errno = ENOSYS;
	return (0);
}

int
rmtopen(const char *path, int mode)
{
	(void)path;
	(void)mode;
	errno = ENOSYS;
	return (-1);
}

void
rmtclose(void)
{
}

ssize_t
rmtwrite(const void *buf, size_t len)
{
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return (-1);
}

int
rmtioctl(int op, int count)
{
	(void)op;
	(void)count;
	errno = ENOSYS;
	return (-1);
}
