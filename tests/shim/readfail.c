/*
 * LD_PRELOAD shim for the read-error tests: reads of one file fail at
 * chosen 512-byte sectors.
 *
 *	READFAIL_PATH	the file (as given to open(2)) whose reads fail
 *	READFAIL_EIO	sectors that fail with EIO: "12,40-47"
 *	READFAIL_SHORT	sectors where a read comes back short (0 bytes)
 *
 * A read that starts before a bad sector returns the bytes up to it, as a
 * disk does; one that starts on it fails (EIO) or returns 0 (short).
 * Build: cc -shared -fPIC -o readfail.so readfail.c -ldl
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static dev_t	 fdev;
static ino_t	 fino;
static int	 have;

/* Is sector s in the list "a,b-c,..."? */
static int
inlist(const char *list, long long s)
{
	char *end;
	long long a, b;

	while (list != NULL && *list != '\0') {
		a = strtoll(list, &end, 10);
		if (end == list)
			return (0);
		b = a;
		if (*end == '-')
			b = strtoll(end + 1, &end, 10);
		if (s >= a && s <= b)
			return (1);
		list = *end == ',' ? end + 1 : NULL;
	}
	return (0);
}

static int
ours(int fd)
{
	struct stat st;
	const char *p;

	if (!have) {
		if ((p = getenv("READFAIL_PATH")) == NULL || stat(p, &st) == -1)
			return (0);
		fdev = st.st_dev;
		fino = st.st_ino;
		have = 1;
	}
	return (fstat(fd, &st) == 0 && st.st_dev == fdev &&
	    st.st_ino == fino);
}

/*
 * How many bytes of [off, off + len) may be read before a bad sector:
 * len if none; -1 (EIO) or 0 (short) if the first sector is bad.
 */
static ssize_t
allowed(off_t off, size_t len)
{
	const char *eio = getenv("READFAIL_EIO");
	const char *shrt = getenv("READFAIL_SHORT");
	long long s;
	off_t o;

	for (o = off; o < off + (off_t)len; o = (o / 512 + 1) * 512) {
		s = o / 512;
		if (inlist(eio, s) || inlist(shrt, s)) {
			if (o > off)
				return (o - off);
			if (inlist(eio, s)) {
				errno = EIO;
				return (-1);
			}
			return (0);
		}
	}
	return ((ssize_t)len);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);
	ssize_t n;

	if (real == NULL)
		real = (ssize_t (*)(int, void *, size_t, off_t))
		    dlsym(RTLD_NEXT, "pread");
	if (ours(fd)) {
		n = allowed(off, len);
		if (n <= 0)
			return (n);
		len = (size_t)n;
	}
	return (real(fd, buf, len, off));
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	return (pread(fd, buf, len, off));
}

/*
 * preadv, as the slaves join a record's reads: the same rules as pread
 * over the whole run, a failure or a cut where the first bad sector is.
 */
ssize_t
preadv(int fd, const struct iovec *iov, int n, off_t off)
{
	static ssize_t (*real)(int, const struct iovec *, int, off_t);
	struct iovec cut[64];
	size_t total = 0, left;
	ssize_t a;
	int i, m;

	if (real == NULL)
		real = (ssize_t (*)(int, const struct iovec *, int, off_t))
		    dlsym(RTLD_NEXT, "preadv");
	if (!ours(fd) || n > 64)
		return (real(fd, iov, n, off));
	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	a = allowed(off, total);
	if (a <= 0)
		return (a);
	left = (size_t)a;
	for (i = m = 0; i < n && left > 0; i++, m++) {
		cut[m] = iov[i];
		if (cut[m].iov_len > left)
			cut[m].iov_len = left;
		left -= cut[m].iov_len;
	}
	return (real(fd, cut, m, off));
}

ssize_t
preadv64(int fd, const struct iovec *iov, int n, off_t off)
{
	return (preadv(fd, iov, n, off));
}

ssize_t
read(int fd, void *buf, size_t len)
{
	static ssize_t (*real)(int, void *, size_t);
	off_t off;
	ssize_t n;

	if (real == NULL)
		real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT,
		    "read");
	if (ours(fd) && (off = lseek(fd, 0, SEEK_CUR)) != -1) {
		n = allowed(off, len);
		if (n <= 0)
			return (n);
		len = (size_t)n;
	}
	return (real(fd, buf, len));
}
