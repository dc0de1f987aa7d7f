/*
 * The read path in front of the disk.  Every disk read of the master and
 * the slaves goes through here, with pread(2)/preadv(2) so no file offset
 * is shared between processes.
 *
 * cread() is one read at an offset.  cread_slots() reads the disk slots
 * of a batch of records: slots that follow each other on disk, or nearly
 * (a gap of at most CR_MAXGAP bytes: the unused tail of a fragment, a
 * block between two files), become one preadv(2) whose gaps land in a
 * scratch buffer, so a batch of many small files costs a few system
 * calls, not one per file.  A run that does not come back whole is
 * marked and the caller reads its slots again one by one (bread(), with
 * its retry by sector and its messages), so this path decides speed only,
 * never content.
 *
 * There is no block cache: -r is accepted and ignored.  One was measured
 * (README, "Performance") and did not pay off: the slaves never read a
 * block twice, and the master's repeated reads (inode blocks in passes I,
 * III and IV, directories in passes II and III) come from the kernel's
 * page cache for a system call each, which cost less than keeping copies.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "dump.h"

#define CR_MAXGAP	(16 * 1024)	/* bytes read and dropped to join */
#define CR_MAXIOV	256

static unsigned char	 scratch[CR_MAXGAP];

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

/*
 * Read iov (n entries, total bytes) at off whole.  Returns 0, or -1 if
 * the read failed or came back short (end of the disk).
 */
static int
readrun(int fd, struct iovec *iov, int n, size_t total, off_t off)
{
	ssize_t r;
	size_t got = 0;

	while (got < total) {
		r = preadv(fd, iov, n, off + (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (-1);
		got += (size_t)r;
		/* Rare: a short read; step past what arrived and go on. */
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (unsigned char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return (0);
}

static int
cmpslot(const void *a, const void *b)
{
	const struct cslot *x = *(const struct cslot *const *)a;
	const struct cslot *y = *(const struct cslot *const *)b;

	if (x->cs_off != y->cs_off)
		return (x->cs_off < y->cs_off ? -1 : 1);
	return (x < y ? -1 : x > y);
}

/*
 * Read n slots, each cs_len bytes at disk offset cs_off into cs_buf, in
 * as few system calls as their layout on disk allows: in the order of
 * their disk offsets (the files of a batch of records need not lie in
 * inode order on disk), joining neighbours.  Sets cs_ok for each slot
 * read whole; the caller reads the others itself.
 */
void
cread_slots(int fd, struct cslot *cs, int n)
{
	static struct cslot **ord;
	static int nord;
	struct cslot **o;
	struct iovec iov[CR_MAXIOV];
	off_t end, gap;
	size_t total;
	int i, j, k, m, niov;

	if (n > nord) {
		if ((o = reallocarray(ord, (size_t)n, sizeof(*o))) == NULL) {
			for (i = 0; i < n; i++)
				cs[i].cs_ok = 0;
			return;		/* the caller reads them one by one */
		}
		ord = o;
		nord = n;
	}
	/* Zero-length slots need no read. */
	for (i = m = 0; i < n; i++) {
		cs[i].cs_ok = cs[i].cs_len == 0;
		if (!cs[i].cs_ok)
			ord[m++] = &cs[i];
	}
	if (m > 1)
		qsort(ord, (size_t)m, sizeof(*ord), cmpslot);
	for (i = 0; i < m; i = j) {
		niov = 0;
		total = 0;
		end = ord[i]->cs_off;
		for (j = i; j < m; j++) {
			gap = ord[j]->cs_off - end;
			if (j > i && (gap < 0 || gap > CR_MAXGAP ||
			    niov + 2 > CR_MAXIOV))
				break;
			if (gap > 0) {
				iov[niov].iov_base = scratch;
				iov[niov++].iov_len = (size_t)gap;
				total += (size_t)gap;
			}
			iov[niov].iov_base = ord[j]->cs_buf;
			iov[niov++].iov_len = ord[j]->cs_len;
			total += ord[j]->cs_len;
			end = ord[j]->cs_off + (off_t)ord[j]->cs_len;
		}
		k = ord[i]->cs_off >= 0 &&
		    readrun(fd, iov, niov, total, ord[i]->cs_off) == 0;
		while (i < j)
			ord[i++]->cs_ok = k;
	}
}
