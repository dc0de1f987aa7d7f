/*
 * LD_PRELOAD shim for the volume tests: makes write(2) to dump's output
 * files behave like a medium that ends or fails.
 *   WSHIM_MATCH=str    only files whose path contains str are affected
 *   WSHIM_LIMIT=n      a volume holds n bytes: the write that crosses n is
 *                      cut short there, later ones fail (WSHIM_MODE)
 *   WSHIM_MODE=enospc  fail with ENOSPC (default); "zero": return 0
 *   WSHIM_EIO=str      the first write to a file whose path contains str
 *                      fails with EIO, once (WSHIM_EIO_MARK names the file
 *                      that records that it happened)
 *   WSHIM_CHR=1        fstat(2) calls the matched files character devices,
 *                      so dump writes to them as to a tape, a record a write
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fstat)(int, struct stat *);

static int
pathof(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	return (0);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	const char *match, *lim, *mode, *eio, *mark;
	char path[4096];
	off_t off;
	long long limit;
	int mfd;

	if (real_write == NULL)
		real_write = (ssize_t (*)(int, const void *, size_t))
		    dlsym(RTLD_NEXT, "write");
	match = getenv("WSHIM_MATCH");
	if (match == NULL || fd <= 2 || pathof(fd, path, sizeof(path)) != 0 ||
	    strstr(path, match) == NULL)
		return (real_write(fd, buf, len));
	eio = getenv("WSHIM_EIO");
	mark = getenv("WSHIM_EIO_MARK");
	if (eio != NULL && mark != NULL && strstr(path, eio) != NULL) {
		mfd = open(mark, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (mfd != -1) {
			(void)close(mfd);
			errno = EIO;
			return (-1);
		}
	}
	lim = getenv("WSHIM_LIMIT");
	if (lim == NULL)
		return (real_write(fd, buf, len));
	limit = atoll(lim);
	off = lseek(fd, 0, SEEK_CUR);
	if (off < 0)
		return (real_write(fd, buf, len));
	if (off >= limit) {
		mode = getenv("WSHIM_MODE");
		if (mode != NULL && strcmp(mode, "zero") == 0)
			return (0);
		errno = ENOSPC;
		return (-1);
	}
	if ((long long)off + (long long)len > limit)
		len = (size_t)(limit - off);
	return (real_write(fd, buf, len));
}

int
fstat(int fd, struct stat *st)
{
	const char *match;
	char path[4096];
	int r;

	if (real_fstat == NULL)
		real_fstat = (int (*)(int, struct stat *))
		    dlsym(RTLD_NEXT, "fstat");
	r = real_fstat(fd, st);
	match = getenv("WSHIM_MATCH");
	if (r == 0 && getenv("WSHIM_CHR") != NULL && match != NULL &&
	    fd > 2 && pathof(fd, path, sizeof(path)) == 0 &&
	    strstr(path, match) != NULL)
		st->st_mode = (st->st_mode & ~(mode_t)S_IFMT) | S_IFCHR;
	return (r);
}
