/*
 * The tape side: records are assembled by the master as lists of slots
 * (an inline 1 KB block, or a run of disk bytes) and handed round a ring of
 * three slave processes.  Each slave reads its disk runs, waits for its turn,
 * writes its record, passes the turn on with SIGUSR2 and reports the byte
 * count back, so the master always knows which records reached the medium.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "pathnames.h"

#define SLAVES		3
#define SL_INLINE	(-1)	/* slot carries its block in the message */

/* One slot of a record: sl_ntp tape blocks from disk or inline. */
struct slot {
	int64_t		sl_off;		/* disk byte offset or SL_INLINE */
	int32_t		sl_len;		/* bytes to read; the rest is zero */
	int32_t		sl_ntp;		/* tape blocks covered */
};

/* A request as sent to a slave; inline blocks follow it. */
struct req {
	int32_t		rq_nslots;
	int32_t		rq_ninline;
	struct slot	rq_slots[MAXNTREC];
};

/* A slave's answer for one record. */
struct rep {
	int64_t		rp_wrote;	/* bytes written */
	int32_t		rp_errno;	/* errno of a failed write, or 0 */
	int32_t		rp_rderrs;	/* disk sectors that failed */
};

/* A record in the master: its request and where it sits in the stream. */
struct rec {
	struct req	 r_req;
	unsigned char	*r_inline;	/* ntrec blocks */
	int		 r_filled;	/* tape blocks in it so far */
	int64_t		 r_tapea;	/* tape block number of its start */
};

struct slave {
	pid_t		 sl_pid;
	int		 sl_fd;		/* master's end of the socketpair */
	int		 sl_busy;	/* has a record outstanding */
	struct rec	 sl_rec;	/* copy of that record */
};

int64_t		 blockswritten;
int		 tapeno;

static struct slave	 slaves[SLAVES];
static int		 cur;		/* slave the next record goes to */
static struct rec	 rec;		/* record being filled */
static int64_t		 tapea;		/* tape blocks produced */
static int64_t		 firstrec;	/* tape blocks before this volume */
static int		 tapefd = -1;
static int		 tapeisreg;
static volatile sig_atomic_t caughtsig;
int		 isslave;

static void	 flushrec(void);
static void	 getrep(struct slave *);
static void	 enslave(void);
static void	 doslave(int, int, pid_t) __attribute__((noreturn));
static void	 killall(void);
static ssize_t	 fullread(int, void *, size_t);
static int	 fullwrite(int, const void *, size_t);

static void
sigcatch(int signo)
{
	caughtsig = signo;
}

/* SIGALRM in a slave: only to interrupt a blocked write. */
static void
sigalrm(int signo)
{
	(void)signo;
}

/*
 * Quit if any slave has ended: a slave only ends when the master closes
 * its socket, so this is a death (kill -9, a crash).
 */
static void
checkslaves(void)
{
	int i, status;
	pid_t p;

	for (i = 0; i < SLAVES; i++) {
		if (slaves[i].sl_pid <= 0)
			continue;
		p = waitpid(slaves[i].sl_pid, &status, WNOHANG);
		if (p != slaves[i].sl_pid)
			continue;
		slaves[i].sl_pid = 0;
		if (WIFSIGNALED(status))
			quit("slave %d (pid %ld) was killed by signal %d\n",
			    i, (long)p, WTERMSIG(status));
		quit("slave %d (pid %ld) died unexpectedly (exit %d)\n", i,
		    (long)p, WEXITSTATUS(status));
	}
}

void
alloctape(void)
{
	struct sigaction sa;
	int i;

	if ((rec.r_inline = calloc(ntrec, TP_BSIZE)) == NULL)
		quit("out of memory\n");
	for (i = 0; i < SLAVES; i++)
		if ((slaves[i].sl_rec.r_inline = calloc(ntrec, TP_BSIZE)) ==
		    NULL)
			quit("out of memory\n");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = sigcatch;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
}

/* Read exactly n bytes; returns n, 0 at EOF before any byte, -1 on error. */
static ssize_t
fullread(int fd, void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return (-1);
		if (r == 0) {
			if (got == 0)
				return (0);
			errno = EPIPE;
			return (-1);
		}
		got += (size_t)r;
	}
	return ((ssize_t)got);
}

static int
fullwrite(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (-1);
		p += r;
		n -= (size_t)r;
	}
	return (0);
}

/*
 * Headers and master-built blocks go inline.
 */
void
writeblock(const void *blk)
{
	struct slot *s;

	s = &rec.r_req.rq_slots[rec.r_req.rq_nslots++];
	s->sl_off = SL_INLINE;
	s->sl_len = TP_BSIZE;
	s->sl_ntp = 1;
	memcpy(rec.r_inline + (size_t)rec.r_req.rq_ninline * TP_BSIZE, blk,
	    TP_BSIZE);
	rec.r_req.rq_ninline++;
	rec.r_filled++;
	tapea++;
	if (rec.r_filled == ntrec)
		flushrec();
}

/*
 * Finish the header in spcl for inode ino and queue it.
 */
void
writeheader(dino_t ino)
{
	int32_t sum, *lp;
	int i;

	spcl.c_inumber = ino;
	spcl.c_volume = tapeno;
	spcl.c_tapea = tapea;
	spcl.c_old_tapea = (int32_t)tapea;
	spcl.c_firstrec = firstrec;
	spcl.c_old_firstrec = (int32_t)firstrec;
	spcl.c_checksum = 0;
	lp = (int32_t *)(void *)&spcl;
	sum = 0;
	for (i = 0; i < (int)(sizeof(spcl) / sizeof(int32_t)); i++)
		sum = (int32_t)((uint32_t)sum + (uint32_t)lp[i]);
	spcl.c_checksum = (int32_t)((uint32_t)CHECKSUM - (uint32_t)sum);
	writeblock(&spcl);
}

/*
 * Queue ntp tape blocks read from disk at byte offset off; len bytes come
 * from the disk and the rest of the ntp blocks is zero.  Runs are split at
 * record boundaries.
 */
void
dumpdisk(off_t off, size_t len, int ntp)
{
	struct slot *s;
	int k;
	size_t l;

	while (ntp > 0) {
		k = ntrec - rec.r_filled;
		if (k > ntp)
			k = ntp;
		l = len < (size_t)k * TP_BSIZE ? len : (size_t)k * TP_BSIZE;
		s = &rec.r_req.rq_slots[rec.r_req.rq_nslots++];
		s->sl_off = off;
		s->sl_len = (int32_t)l;
		s->sl_ntp = k;
		off += (off_t)k * TP_BSIZE;
		len -= l;
		ntp -= k;
		rec.r_filled += k;
		tapea += k;
		if (rec.r_filled == ntrec)
			flushrec();
	}
}

/*
 * Hand the full record to the next slave, and collect the answer of the
 * slave after it, whose record is now two records old.
 */
static void
flushrec(void)
{
	struct slave *sl = &slaves[cur];

	if (caughtsig)
		quit("interrupted by signal %d\n", (int)caughtsig);
	if (sl->sl_busy)
		getrep(sl);
	if (fullwrite(sl->sl_fd, &rec.r_req, sizeof(rec.r_req)) == -1 ||
	    fullwrite(sl->sl_fd, rec.r_inline,
	    (size_t)rec.r_req.rq_ninline * TP_BSIZE) == -1) {
		checkslaves();
		quit("cannot send to slave %d: %s\n", cur, strerror(errno));
	}
	sl->sl_busy = 1;
	sl->sl_rec.r_req = rec.r_req;
	memcpy(sl->sl_rec.r_inline, rec.r_inline,
	    (size_t)rec.r_req.rq_ninline * TP_BSIZE);
	sl->sl_rec.r_filled = rec.r_filled;
	sl->sl_rec.r_tapea = rec.r_tapea;
	cur = (cur + 1) % SLAVES;
	memset(&rec.r_req, 0, sizeof(rec.r_req));
	rec.r_filled = 0;
	rec.r_tapea = tapea;
	timeest();
}

/* Wait for a slave's answer about its record and check it. */
static void
getrep(struct slave *sl)
{
	struct rep rp;
	struct pollfd pfd;
	ssize_t n;
	size_t want = (size_t)ntrec * TP_BSIZE;

	/*
	 * Wait for the answer, looking every second whether a slave died:
	 * the one asked may be waiting for a turn a dead one never passes.
	 */
	pfd.fd = sl->sl_fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 1000) != 1) {
		if (caughtsig)
			quit("interrupted by signal %d\n", (int)caughtsig);
		checkslaves();
	}
	n = fullread(sl->sl_fd, &rp, sizeof(rp));
	if (n != (ssize_t)sizeof(rp)) {
		checkslaves();
		quit("slave %d (pid %ld) died unexpectedly\n",
		    (int)(sl - slaves), (long)sl->sl_pid);
	}
	sl->sl_busy = 0;
	readerrs_add(rp.rp_rderrs);
	if (rp.rp_wrote == (int64_t)want) {
		blockswritten += ntrec;
		return;
	}
	if (rp.rp_errno != 0 && rp.rp_errno != ENOSPC)
		quit("write error %jd blocks into volume %d of %s: %s\n",
		    (intmax_t)(blockswritten - firstrec), tapeno, tape,
		    strerror(rp.rp_errno));
	if (pipeout)
		quit("end of media on standard output after %jd blocks; "
		    "cannot recover\n", (intmax_t)blockswritten);
	quit("end of media on %s after %jd blocks (%s)\n", tape,
	    (intmax_t)(blockswritten - firstrec),
	    rp.rp_errno ? strerror(rp.rp_errno) : "short write");
}

/*
 * Open the output and start the slaves; write the volume header.
 */
void
startnewtape(int top)
{
	struct stat st;

	(void)top;
	tapeno++;
	if (pipeout)
		tapefd = STDOUT_FILENO;
	else if (host != NULL) {
		if ((tapefd = rmtopen(tape, O_WRONLY | O_CREAT)) == -1)
			quit("cannot open %s:%s: %s\n", host, tape,
			    strerror(errno));
	} else {
		if ((tapefd = open(tape, O_WRONLY | O_CREAT | O_TRUNC,
		    0666)) == -1)
			quit("cannot open output %s: %s\n", tape,
			    strerror(errno));
	}
	if (host == NULL && fstat(tapefd, &st) == 0 && S_ISREG(st.st_mode))
		tapeisreg = 1;
	enslave();
	rec.r_tapea = tapea;
	spcl.c_type = TS_TAPE;
	spcl.c_count = 1;
	memset(spcl.c_addr, 0, sizeof(spcl.c_addr));
	spcl.c_flags &= ~DR_NEWHEADER;
	writeheader(0);
	if (tapeno > 1)
		msg("Volume %d begins with blocks from inode %" PRIu32 "\n",
		    tapeno, curino);
}

/*
 * Write the end of the dump: TS_END headers up to a full record; wait for
 * every record to be written and close the output.
 */
void
trailer(void)
{
	int i;

	spcl.c_type = TS_END;
	spcl.c_count = 0;
	memset(spcl.c_addr, 0, sizeof(spcl.c_addr));
	do
		writeheader(maxino - 1);
	while (rec.r_filled != 0);
	for (i = 0; i < SLAVES; i++) {
		if (slaves[cur].sl_busy)
			getrep(&slaves[cur]);
		cur = (cur + 1) % SLAVES;
	}
	for (i = 0; i < SLAVES; i++) {
		(void)close(slaves[i].sl_fd);
		slaves[i].sl_fd = -1;
	}
	for (i = 0; i < SLAVES; i++) {
		int status;
		pid_t p;

		while ((p = waitpid(slaves[i].sl_pid, &status, 0)) == -1 &&
		    errno == EINTR)
			;
		if (p == -1)
			quit("waitpid slave %d: %s\n", i, strerror(errno));
		slaves[i].sl_pid = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			quit("slave %d ended abnormally (status %#x)\n", i,
			    status);
	}
	if (readerrs > 0)
		msg("%jd disk sectors could not be read and were "
		    "zero-filled\n", (intmax_t)readerrs);
	if (tapeisreg && fsync(tapefd) == -1)
		quit("%s: %s\n", tape, strerror(errno));
	msg("Closing %s\n", tape);
	if (host != NULL)
		rmtclose();
	else if (!pipeout && close(tapefd) == -1)
		quit("%s: %s\n", tape, strerror(errno));
	tapefd = -1;
	if (readerrs > 0)
		dumperrors += readerrs;
}

/*
 * Start the ring.  Each slave gets its socket; every slave learns its
 * successor's pid, the last one only after all are forked.
 */
static void
enslave(void)
{
	int sv[2], i, j;
	pid_t next;
	sigset_t set;

	/* Slaves take the turn with sigtimedwait; keep SIGUSR2 blocked. */
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR2);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < SLAVES; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			quit("socketpair: %s\n", strerror(errno));
		switch (slaves[i].sl_pid = fork()) {
		case -1:
			(void)close(sv[0]);
			(void)close(sv[1]);
			slaves[i].sl_pid = 0;
			quit("fork: %s\n", strerror(errno));
		case 0:
			(void)close(sv[0]);
			for (j = 0; j < i; j++)
				(void)close(slaves[j].sl_fd);
			doslave(sv[1], i, getppid());
			/* NOTREACHED */
		default:
			break;
		}
		(void)close(sv[1]);
		slaves[i].sl_fd = sv[0];
		slaves[i].sl_busy = 0;
	}
	for (i = 0; i < SLAVES; i++) {
		next = slaves[(i + 1) % SLAVES].sl_pid;
		if (fullwrite(slaves[i].sl_fd, &next, sizeof(next)) == -1)
			quit("cannot start slave %d: %s\n", i,
			    strerror(errno));
	}
	cur = 0;
}

/*
 * A slave: read a request, fill the record, take the turn, write it, pass
 * the turn, report.  It never returns.
 */
static void
doslave(int fd, int num, pid_t master)
{
	struct req rq;
	struct rep rp;
	struct sigaction sa;
	struct timespec ts;
	struct itimerval it;
	unsigned char *buf, *inl, *p;
	sigset_t set;
	pid_t next;
	ssize_t n, w;
	size_t size = (size_t)ntrec * TP_BSIZE;
	int i, haveturn = (num == 0), bad;

	isslave = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	/*
	 * A tick every second interrupts a write blocked on a slow reader,
	 * so a slave notices a dead master there too (no SA_RESTART).
	 */
	sa.sa_handler = sigalrm;
	(void)sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR2);
	if ((buf = malloc(size)) == NULL || (inl = malloc(size)) == NULL)
		_exit(X_ABORT);
	if (fullread(fd, &next, sizeof(next)) != (ssize_t)sizeof(next))
		_exit(X_ABORT);
	for (;;) {
		n = fullread(fd, &rq, sizeof(rq));
		if (n == 0 && getppid() != master)
			_exit(X_ABORT);
		if (n == 0)
			break;
		if (n != (ssize_t)sizeof(rq) || rq.rq_nslots < 0 ||
		    rq.rq_nslots > ntrec || rq.rq_ninline < 0 ||
		    rq.rq_ninline > ntrec)
			_exit(X_ABORT);
		if (rq.rq_ninline > 0 && fullread(fd, inl,
		    (size_t)rq.rq_ninline * TP_BSIZE) !=
		    (ssize_t)rq.rq_ninline * TP_BSIZE)
			_exit(X_ABORT);
		bad = 0;
		p = buf;
		for (i = 0; i < rq.rq_nslots; i++) {
			struct slot *s = &rq.rq_slots[i];
			size_t cap = (size_t)s->sl_ntp * TP_BSIZE;

			if (s->sl_ntp < 1 || (size_t)(p - buf) + cap > size ||
			    s->sl_len < 0 || (size_t)s->sl_len > cap)
				_exit(X_ABORT);
			if (s->sl_off != SL_INLINE) {
				bad += bread(s->sl_off, p, (size_t)s->sl_len);
				memset(p + s->sl_len, 0,
				    cap - (size_t)s->sl_len);
			}
			p += cap;
		}
		/* Inline blocks fill their slots in order. */
		p = buf;
		n = 0;
		for (i = 0; i < rq.rq_nslots; i++) {
			struct slot *s = &rq.rq_slots[i];

			if (s->sl_off == SL_INLINE)
				memcpy(p, inl + (size_t)n++ * TP_BSIZE,
				    TP_BSIZE);
			p += (size_t)s->sl_ntp * TP_BSIZE;
		}
		if ((size_t)(p - buf) != size)
			_exit(X_ABORT);
		/* Wait for the turn; give up if the master is gone. */
		while (!haveturn) {
			ts.tv_sec = 1;
			ts.tv_nsec = 0;
			if (sigtimedwait(&set, NULL, &ts) == SIGUSR2)
				haveturn = 1;
			else if (getppid() != master)
				_exit(X_ABORT);
		}
		memset(&rp, 0, sizeof(rp));
		rp.rp_rderrs = bad;
		if (host == NULL) {
			it.it_value.tv_sec = it.it_interval.tv_sec = 1;
			(void)setitimer(ITIMER_REAL, &it, NULL);
		}
		for (w = 0; w < (ssize_t)size; ) {
			if (host != NULL)
				n = rmtwrite(buf + w, size - (size_t)w);
			else
				n = write(tapefd, buf + w, size - (size_t)w);
			if (n == -1 && errno == EINTR) {
				if (getppid() != master)
					_exit(X_ABORT);
				continue;
			}
			if (n <= 0) {
				rp.rp_errno = n == 0 ? 0 : errno;
				break;
			}
			w += n;
		}
		if (host == NULL) {
			it.it_value.tv_sec = it.it_interval.tv_sec = 0;
			(void)setitimer(ITIMER_REAL, &it, NULL);
		}
		rp.rp_wrote = w;
		haveturn = 0;
		if (kill(next, SIGUSR2) == -1 && errno != ESRCH)
			_exit(X_ABORT);
		if (fullwrite(fd, &rp, sizeof(rp)) == -1)
			_exit(X_ABORT);
	}
	_exit(X_FINOK);
}

/* Kill and reap every slave. */
static void
killall(void)
{
	int i, status;

	for (i = 0; i < SLAVES; i++)
		if (slaves[i].sl_pid > 0)
			(void)kill(slaves[i].sl_pid, SIGKILL);
	for (i = 0; i < SLAVES; i++) {
		if (slaves[i].sl_pid <= 0)
			continue;
		while (waitpid(slaves[i].sl_pid, &status, 0) == -1 &&
		    errno == EINTR)
			;
		slaves[i].sl_pid = 0;
	}
}

void
dumpabort(int signo)
{
	(void)signo;
	if (isslave)
		_exit(X_ABORT);
	killall();
	msg("The ENTIRE dump is aborted.\n");
	Exit(X_ABORT);
}

void
Exit(int status)
{
	exit(status);
}
