/*
 * The read path in front of the disk.  Every disk read of the master and
 * the slaves goes through cread(), with pread(2) so no file offset is
 * shared between processes.
 */
#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

#include "dump.h"

void
cache_init(int fd, size_t bytes, int bsize)
{
	(void)fd;
	(void)bytes;
	(void)bsize;
}

/* Read len bytes at off, looping over short reads.  -1 on error. */
ssize_t
cread(int fd, void *buf, size_t len, off_t off)
{
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, p + got, len - got, off + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return ((ssize_t)got);
}
