/*
 * The tape side.  The master assembles records as lists of slots (an inline
 * 1 KB block, or a run of disk bytes) and hands them round a ring of three
 * slave processes, a batch of records at a time.  Each slave reads the
 * disk runs of its batch, waits for its turn, writes the records (one
 * write(2) each to a device, so a tape keeps its record size; the batch in
 * one write to a file or pipe), passes the turn on with SIGUSR2 and
 * reports how many records landed whole, so the master always knows which
 * records reached the medium.  A batch is about 1 MB:
 * the turn, the request and the answer are paid once per batch, not once
 * per record.  The batch itself (slot lists and inline blocks) is laid out
 * in a memory area the master shares with that slave; the socket carries
 * only its size.
 * When a volume ends (its size is reached, or the medium says so), the
 * records that did not land are written again at the start of the next
 * volume, after its TS_TAPE header.  Each volume is written by a child
 * forked for it; its parent keeps the state of the volume's start and forks
 * again if the volume has to be rewritten.
 */
#include <sys/types.h>
#include <sys/mman.h>
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
#define BATCHBYTES	(1024 * 1024)	/* records of a batch, in bytes */
#define BATCHRECS	64		/* and at most this many */

/* One slot of a record: sl_ntp tape blocks from disk or inline. */
struct slot {
	int64_t		sl_off;		/* disk byte offset or SL_INLINE */
	int32_t		sl_len;		/* bytes to read; the rest is zero */
	int32_t		sl_ntp;		/* tape blocks covered */
};

/* A record's request: its slots, and how many blocks are inline. */
struct req {
	int32_t		rq_nslots;
	int32_t		rq_ninline;
	struct slot	rq_slots[MAXNTREC];
};

/*
 * A batch: in the slave's shared area, for each record a struct rhdr, its
 * rh_nslots slots and its rh_ninline inline blocks; on the socket, this.
 */
struct bhdr {
	int32_t		bh_nrec;	/* records in the batch */
	int32_t		bh_len;		/* bytes of the area they take */
};

struct rhdr {
	int32_t		rh_nslots;
	int32_t		rh_ninline;
};

/* A slave's answer for one batch. */
struct rep {
	int64_t		rp_wrote;	/* bytes of the first record not whole */
	int32_t		rp_nrec;	/* records written whole */
	int32_t		rp_errno;	/* errno of a failed write, or 0 */
	int32_t		rp_rderrs;	/* disk sectors that failed */
	int32_t		rp_pad;
};

/*
 * A record in the master.  Besides the request it remembers where it sits
 * in the stream, so it can be written again on the next volume: the
 * position of its first block, the inode being dumped and the end of the
 * last header's data, at its start and after each slot.
 */
struct rec {
	struct req	 r_req;
	unsigned char	*r_inline;	/* ntrec blocks */
	int		 r_filled;	/* tape blocks in it so far */
	int64_t		 r_tapea;	/* stream position of its start */
	int64_t		 r_hdrend;	/* hdrend at its start */
	dino_t		 r_ino;		/* inode at its start */
	int64_t		 r_slothdrend[MAXNTREC];
	dino_t		 r_slotino[MAXNTREC];
};

struct slave {
	pid_t		 sl_pid;
	int		 sl_fd;		/* master's end of the socketpair */
	int		 sl_busy;	/* its batch is sent, not answered */
	int		 sl_nrec;	/* records in its batch */
	struct rec	*sl_recs;	/* their bookkeeping (nbatch) */
	unsigned char	*sl_area;	/* the batch, shared with the slave */
	size_t		 sl_len;	/* bytes of it in use */
};

int64_t		 blockswritten;
int		 tapeno;

static struct slave	 slaves[SLAVES];
static int		 cur;		/* slave the next record goes to */
static struct rec	 rec;		/* record being filled */
static int		 nbatch;	/* records in a full batch */
static size_t		 bmsgmax;	/* largest batch in an area */
static int64_t		 pos;		/* stream position of the next block */
static int64_t		 hdrend;	/* position just past the last header's data */
static dino_t		 tino;		/* inode the stream is in */
static int64_t		 firstrec;	/* blocks written before this volume */
static int64_t		 sentthisvol;	/* records sent to this volume */
static double		 asize;		/* tape used, 0.1 inch */
static int		 tapefd = -1;
static int		 tapeisreg;
static int		 tapebulk;	/* a file or pipe: a batch per write */
int		 isslave;
static int		 volchanged;	/* bumped at each new volume */
static int		 nreplayed;	/* records this volume took over */
static int		 lastrec;	/* the record being flushed ends the dump */
static char		**volnames;	/* -f list */
static int		 nvolnames;
static char		*volpath;	/* output of this volume */
static struct volfile {			/* a regular file a volume went to */
	dev_t		 vf_dev;
	ino_t		 vf_ino;
	int		 vf_vol;
} *volfiles;
static int		 nvolfiles;
static char		*volcopy;	/* volpath, split for rmt */
static time_t		 tstart_volume;
static volatile sig_atomic_t caughtterm, caughtstatus, caughtchld;
static volatile sig_atomic_t intty, intkill, intfwd;	/* SIGINT, by origin */
static time_t		 lastdirect;	/* a SIGINT last came not from the parent */
static int		 liferd = -1;	/* the lifeline: see alloctape() */
static int		 lifew = -1;	/* its write end, held by the top only */
static pid_t		 toppid;	/* the process the shell started */
static pid_t		 slavemaster;	/* in a slave: its master */

static void	 putslot(int64_t, int32_t, int32_t, const void *, int64_t,
		    dino_t);
static void	 copyrec(struct rec *, const struct rec *);
static void	 flushrec(void);
static void	 addrec(struct slave *);
static void	 sendbatch(void);
static int	 getrep(struct slave *);
static void	 endvolume(int, int, int);
static void	 openvolume(void);
static void	 setouttype(const struct stat *);
static void	 openvolume_prompt(int);
static int	 volwritten(const char *);
static void	 closevolume(int);
static void	 replay(struct rec *, int);
static void	 enslave(void);
static void	 doslave(int, int, pid_t) __attribute__((noreturn));
static void	 killall(void);
static void	 checksignals(void);
static void	 rmtidle(void);
static ssize_t	 fullread(int, void *, size_t);
static int	 fullwrite(int, const void *, size_t);

/* A signal sent by a process (kill(2), sigqueue(3), Linux tkill(2)). */
#ifdef SI_TKILL
#define SENTBYPROC(c)	((c) == SI_USER || (c) == SI_QUEUE || (c) == SI_TKILL)
#else
#define SENTBYPROC(c)	((c) == SI_USER || (c) == SI_QUEUE)
#endif

/*
 * The one signal handler: it only records what came.  A SIGINT is told
 * apart by its origin: the terminal (which signals the whole foreground
 * process group), a kill(2) by the parent (an interrupt passed down the
 * chain of volume processes), or a kill(2) by anyone else.
 */
static void
sigcatch(int signo, siginfo_t *si, void *ctx)
{
	int save = errno;

	(void)ctx;
	switch (signo) {
	case SIGINT:
		if (si == NULL || !SENTBYPROC(si->si_code))
			intty = 1;
		else if (si->si_pid == getppid())
			intfwd = 1;
		else
			intkill = 1;
		break;
	case SIGUSR1:
		caughtstatus = 1;
		break;
	case SIGCHLD:
		caughtchld = 1;
		break;
	default:
		caughtterm = signo;
		break;
	}
	errno = save;
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

/* Catch a signal with sigcatch(), without SA_RESTART: waits see EINTR. */
static void
catchsig(int signo)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	(void)sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = sigcatch;
	sa.sa_flags = SA_SIGINFO;
	(void)sigaction(signo, &sa, NULL);
}

static void
setsignals(void)
{
	catchsig(SIGTERM);
	catchsig(SIGHUP);
	catchsig(SIGUSR1);
	catchsig(SIGINT);
}

/*
 * The lifeline.  The top process holds the only write end of a pipe that
 * nobody writes to; every other process of the dump holds the read end,
 * which becomes readable (end of file) once the top process is gone,
 * however it ended, even by SIGKILL.  A volume process checks it wherever
 * it waits, so the whole tree ends when the top process does, and never
 * records a dump the caller saw fail.  Plain POSIX, unlike a death signal
 * asked of the kernel.
 */
static void
makelifeline(void)
{
	int fds[2];

	if (pipe(fds) == -1)
		quit("cannot make a pipe: %s\n", strerror(errno));
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	liferd = fds[0];
	lifew = fds[1];
	toppid = getpid();
}

/* In a child just forked: only the top process keeps the write end. */
static void
droplifeline(void)
{
	if (lifew != -1)
		(void)close(lifew);
	lifew = -1;
}

/* The lifeline's descriptor for poll(2): -1 in the top process. */
static int
lifelinefd(void)
{
	return (lifew == -1 ? liferd : -1);
}

/* Has the top process ended?  One poll(2); for waits, not per record. */
static int
topgone(void)
{
	struct pollfd pfd;

	pfd.fd = lifelinefd();
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (pfd.fd == -1)
		return (0);
	return (poll(&pfd, 1, 0) == 1 && pfd.revents != 0);
}

static void
quittopgone(void)
{
	quit("the process that started this dump (pid %ld) has ended; "
	    "stopping\n", (long)toppid);
}

/*
 * Take a caught SIGINT.  Returns 0 if none came, or if it is only a copy
 * passed on by the parent of one that reached this process directly a
 * moment before (a kill of the whole process group reaches every
 * process, and each volume process passes it down as well); else
 * INT_TTY when it came from the terminal alone, INT_KILL when by kill(2).
 */
#define INT_TTY		1
#define INT_KILL	2

static int
takeint(void)
{
	int tty = intty, kil = intkill, fwd = intfwd;
	time_t now;

	if (!tty && !kil && !fwd)
		return (0);
	intty = intkill = intfwd = 0;
	now = time(NULL);
	if (tty || kil) {
		lastdirect = now;
		return (kil ? INT_KILL : INT_TTY);
	}
	if (now - lastdirect <= 1)
		return (0);
	return (INT_KILL);
}

/* Allocate the record buffers, split the -f list, catch signals. */
void
alloctape(void)
{
	struct sigaction sa;
	char *p, *list;
	unsigned char *area;
	int i;

	nbatch = BATCHBYTES / (ntrec * TP_BSIZE);
	if (nbatch > BATCHRECS)
		nbatch = BATCHRECS;
	if (nbatch < 1)
		nbatch = 1;
	bmsgmax = (size_t)nbatch * (sizeof(struct rhdr) + (size_t)ntrec *
	    (sizeof(struct slot) + TP_BSIZE));
	if ((rec.r_inline = calloc(ntrec, TP_BSIZE)) == NULL)
		quit("out of memory\n");
	/*
	 * One shared mapping, made before any fork, so the slaves of every
	 * volume see it at the same address.  A slave only reads its area,
	 * and only between the master's message and its own answer.
	 */
	area = mmap(NULL, bmsgmax * SLAVES, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		quit("cannot map the batch areas: %s\n", strerror(errno));
	for (i = 0; i < SLAVES; i++) {
		slaves[i].sl_recs = calloc((size_t)nbatch,
		    sizeof(*slaves[i].sl_recs));
		if (slaves[i].sl_recs == NULL)
			quit("out of memory\n");
		slaves[i].sl_area = area + (size_t)i * bmsgmax;
	}
	if ((list = strdup(tape)) == NULL)
		quit("out of memory\n");
	for (p = strtok(list, ","); p != NULL; p = strtok(NULL, ",")) {
		volnames = reallocarray(volnames, (size_t)nvolnames + 1,
		    sizeof(*volnames));
		if (volnames == NULL)
			quit("out of memory\n");
		volnames[nvolnames++] = p;
	}
	if (nvolnames == 0)
		quit("no output named\n");
	for (i = 0; i < SLAVES; i++)
		slaves[i].sl_fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	setsignals();
	makelifeline();
	rmtsetidle(rmtidle);
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
		if (r == -1 && errno == EINTR) {
			if (!isslave && caughtterm)
				quit("terminated by signal %d\n",
				    (int)caughtterm);
			continue;
		}
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
 * Add ntp tape blocks to the stream: inline (inl != NULL, one block) or
 * len bytes of disk at off, zero-padded to ntp blocks.  hend and ino are
 * the header end and inode once these blocks are in.  Runs are split at
 * record boundaries; each full record is flushed.
 */
static void
putslot(int64_t off, int32_t len, int32_t ntp, const void *inl,
    int64_t hend, dino_t ino)
{
	struct slot *s;
	int32_t k, l;
	int n;

	while (ntp > 0) {
		if (rec.r_filled == 0) {
			rec.r_tapea = pos;
			rec.r_hdrend = hdrend;
			rec.r_ino = tino;
		}
		k = ntrec - rec.r_filled;
		if (k > ntp)
			k = ntp;
		l = len < k * TP_BSIZE ? len : k * TP_BSIZE;
		n = rec.r_req.rq_nslots++;
		s = &rec.r_req.rq_slots[n];
		s->sl_ntp = k;
		s->sl_len = l;
		if (inl != NULL) {
			s->sl_off = SL_INLINE;
			memcpy(rec.r_inline + (size_t)rec.r_req.rq_ninline *
			    TP_BSIZE, inl, TP_BSIZE);
			rec.r_req.rq_ninline++;
		} else
			s->sl_off = off;
		hdrend = rec.r_slothdrend[n] = hend;
		tino = rec.r_slotino[n] = ino;
		off += (int64_t)k * TP_BSIZE;
		len -= l;
		ntp -= k;
		rec.r_filled += k;
		pos += k;
		if (rec.r_filled == ntrec)
			flushrec();
	}
}

/* Headers and master-built blocks go inline. */
void
writeblock(const void *blk)
{
	putslot(0, TP_BSIZE, 1, blk, hdrend, curino);
}

/* Finish the header in spcl for inode ino and queue it. */
static void
stamp(dino_t ino)
{
	int32_t sum, *lp;
	int i;

	spcl.c_inumber = ino;
	spcl.c_volume = tapeno;
	spcl.c_tapea = pos;
	spcl.c_old_tapea = (int32_t)pos;
	spcl.c_firstrec = firstrec;
	spcl.c_old_firstrec = (int32_t)firstrec;
	spcl.c_checksum = 0;
	lp = (int32_t *)(void *)&spcl;
	sum = 0;
	for (i = 0; i < (int)(sizeof(spcl) / sizeof(int32_t)); i++)
		sum = (int32_t)((uint32_t)sum + (uint32_t)lp[i]);
	spcl.c_checksum = (int32_t)((uint32_t)CHECKSUM - (uint32_t)sum);
}

void
writeheader(dino_t ino)
{
	int64_t blks = 0;
	int i;

	stamp(ino);
	switch (spcl.c_type) {
	case TS_INODE:
	case TS_ADDR:
		for (i = 0; i < spcl.c_count && i < TP_NINDIR; i++)
			if (spcl.c_addr[i])
				blks++;
		break;
	case TS_CLRI:
	case TS_BITS:
		blks = spcl.c_count;
		break;
	}
	putslot(0, TP_BSIZE, 1, &spcl, pos + 1 + blks, ino);
}

/*
 * Queue ntp tape blocks read from disk at byte offset off; len bytes come
 * from the disk and the rest of the ntp blocks is zero.
 */
void
dumpdisk(off_t off, size_t len, int ntp)
{
	putslot(off, (int32_t)len, ntp, NULL, hdrend, curino);
}

/*
 * Act on signals caught since the last record: only flags are read here,
 * no system call, for this runs once per record.
 */
static void
checksignals(void)
{
	if (caughtterm)
		quit("terminated by signal %d\n", (int)caughtterm);
	if (takeint())
		askabort();
	if (caughtstatus) {
		caughtstatus = 0;
		statusline();
	}
}

/*
 * For a process that waits (for an answer, a reply, the operator): quit
 * if the top process has gone or a termination signal came, print the
 * status line if asked.  Returns 1 if an interrupt came, for the caller
 * to ask about.
 */
int
sigwaiting(void)
{
	if (caughtterm)
		quit("terminated by signal %d\n", (int)caughtterm);
	if (topgone())
		quittopgone();
	if (caughtstatus) {
		caughtstatus = 0;
		statusline();
	}
	return (takeint() != 0);
}

/* The same, asking about an interrupt at once. */
void
checkwait(void)
{
	if (sigwaiting())
		askabort();
}

/*
 * Called by the rmt client every second it waits for the server: the
 * master acts on signals; a slave gives up once its master is gone.
 */
static void
rmtidle(void)
{
	if (isslave) {
		if (getppid() != slavemaster)
			_exit(X_ABORT);
		return;
	}
	checkwait();
}

/* Copy a record into one that has its own inline buffer. */
static void
copyrec(struct rec *dst, const struct rec *src)
{
	unsigned char *inl = dst->r_inline;

	*dst = *src;
	dst->r_inline = inl;
	memcpy(inl, src->r_inline, (size_t)src->r_req.rq_ninline * TP_BSIZE);
}

/*
 * Add the full record to the batch of the slave whose turn in the ring is
 * next, after collecting that slave's answer about its previous batch
 * (three batches ago); send the batch when it is full.
 */
static void
flushrec(void)
{
	struct slave *sl = &slaves[cur];
	int full, last = lastrec;

	lastrec = 0;
	checksignals();
	if (sl->sl_busy && getrep(sl))
		return;		/* a new volume took this record */
	addrec(sl);
	memset(&rec.r_req, 0, sizeof(rec.r_req));
	rec.r_filled = 0;
	if (sl->sl_nrec == nbatch)
		sendbatch();
	timeest();

	/* Count the record against the volume. */
	sentthisvol++;
	asize += (double)ntrec * TP_BSIZE / (double)density +
	    (cartridge ? 16 : density >= 625 ? 5 : 8);
	full = 0;
	if (!pipeout && !last) {
		if (blocksperfile > 0)
			full = sentthisvol * ntrec >= blocksperfile;
		else if (!unlimited)
			full = asize > (double)tsize;
	}
	if (full)
		endvolume(-1, 0, 0);
}

/*
 * Add the full record to the slave's batch: its slots and inline blocks
 * go to the shared area, its bookkeeping (for a replay) to sl_recs, with
 * the inline blocks left where they are in the area.
 */
static void
addrec(struct slave *sl)
{
	struct rec *r = &sl->sl_recs[sl->sl_nrec++];
	struct rhdr rh;
	unsigned char *m = sl->sl_area + sl->sl_len;
	size_t n;

	rh.rh_nslots = rec.r_req.rq_nslots;
	rh.rh_ninline = rec.r_req.rq_ninline;
	memcpy(m, &rh, sizeof(rh));
	m += sizeof(rh);
	n = (size_t)rh.rh_nslots * sizeof(struct slot);
	memcpy(m, rec.r_req.rq_slots, n);
	m += n;
	n = (size_t)rh.rh_ninline * TP_BSIZE;
	memcpy(m, rec.r_inline, n);
	*r = rec;
	r->r_inline = m;
	sl->sl_len = (size_t)(m + n - sl->sl_area);
}

/* Send the batch being filled, if any, and go on to the next slave. */
static void
sendbatch(void)
{
	struct slave *sl = &slaves[cur];
	struct bhdr bh;

	if (sl->sl_busy || sl->sl_nrec == 0)
		return;
	bh.bh_nrec = sl->sl_nrec;
	bh.bh_len = (int32_t)sl->sl_len;
	if (fullwrite(sl->sl_fd, &bh, sizeof(bh)) == -1) {
		checkslaves();
		quit("cannot send to slave %d: %s\n", cur, strerror(errno));
	}
	sl->sl_busy = 1;
	cur = (cur + 1) % SLAVES;
}

/*
 * Wait for a slave's answer about its batch.  Returns 0 if every record
 * was written whole, 1 if one was not and a new volume has taken it and
 * every later record over.
 */
static int
getrep(struct slave *sl)
{
	struct rep rp;
	struct pollfd pfd[2];
	int64_t intovol;
	int n;

	/*
	 * Wait for the answer, looking every second whether a slave died
	 * (the one asked may be waiting for a turn a dead one never passes)
	 * and at signals.  The lifeline is in the same poll, so the top
	 * process's end is seen at every batch at no extra cost.
	 */
	pfd[0].fd = sl->sl_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = lifelinefd();
	pfd[1].events = POLLIN;
	for (;;) {
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, 2, 1000);
		if (n > 0 && pfd[1].revents != 0)
			quittopgone();
		if (n > 0 && pfd[0].revents != 0)
			break;
		checksignals();
		checkslaves();
	}
	if (fullread(sl->sl_fd, &rp, sizeof(rp)) != (ssize_t)sizeof(rp)) {
		checkslaves();
		quit("slave %d (pid %ld) died unexpectedly\n",
		    (int)(sl - slaves), (long)sl->sl_pid);
	}
	sl->sl_busy = 0;
	if (rp.rp_nrec < 0 || rp.rp_nrec > sl->sl_nrec)
		quit("slave %d sent a bad answer\n", (int)(sl - slaves));
	readerrs_add(rp.rp_rderrs);
	blockswritten += (int64_t)rp.rp_nrec * ntrec;
	if (rp.rp_nrec == sl->sl_nrec) {
		sl->sl_nrec = 0;
		sl->sl_len = 0;
		return (0);
	}
	intovol = blockswritten - firstrec;
	if (rp.rp_errno != 0 && rp.rp_errno != ENOSPC) {
		msg("write error %jd blocks into volume %d of %s: %s\n",
		    (intmax_t)intovol, tapeno, volpath,
		    strerror(rp.rp_errno));
		broadcast("DUMP WRITE ERROR!\n");
		if (pipeout)
			quit("cannot recover from a write error on standard "
			    "output\n");
		if (query("Do you want to rewrite this volume?")) {
			msg("Closing this volume.  Prepare to restart with "
			    "new media;\n");
			msg("this dump volume will be rewritten.\n");
			killall();
			closevolume(0);
			Exit(X_REWRITE);
		}
		if (!query("Do you want to start the next volume?"))
			dumpabort(0);
	} else {
		if (pipeout)
			quit("end of media on standard output after %jd "
			    "blocks; cannot recover\n", (intmax_t)intovol);
		msg("End of media on %s after %jd blocks (%s)\n", volpath,
		    (intmax_t)intovol, rp.rp_errno ? strerror(rp.rp_errno) :
		    "short write");
	}
	if (intovol == 0)
		quit("%s: the volume ended in its first record; "
		    "it cannot hold any of the dump\n", volpath);
	endvolume((int)(sl - slaves), rp.rp_nrec, rp.rp_wrote > 0);
	return (1);
}

/*
 * End this volume and go on to the next.  failed >= 0 names the slave
 * whose record number first of its batch did not land: it and every
 * later record are written again on the next volume.  failed < 0: the
 * volume is full; send the last batch and wait for the batches in flight
 * first.
 */
static void
endvolume(int failed, int first, int partial)
{
	struct slave *sl;
	struct rec *rp;
	unsigned char *arena;
	size_t max = (size_t)SLAVES * (size_t)nbatch + 1;
	int i, j, n = 0, s, vol = volchanged;

	if (failed < 0) {
		sendbatch();
		for (i = 0; i < SLAVES; i++) {
			s = (cur + i) % SLAVES;
			if (slaves[s].sl_busy && getrep(&slaves[s]))
				return;	/* the medium ended first */
			if (volchanged != vol)
				return;
		}
		closevolume(1);
		startnewtape(NULL, 0);
		return;
	}
	/*
	 * In stream order: the rest of the failed batch, the batches sent
	 * after it (ring order), the one not sent yet, the record being
	 * filled.
	 */
	if ((rp = calloc(max, sizeof(*rp))) == NULL ||
	    (arena = calloc(max * (size_t)ntrec, TP_BSIZE)) == NULL)
		quit("out of memory\n");
	for (i = 0; i < (int)max; i++)
		rp[i].r_inline = arena + (size_t)i * (size_t)ntrec * TP_BSIZE;
	for (i = 0; i < SLAVES; i++) {
		s = (failed + i) % SLAVES;
		sl = &slaves[s];
		if (s == failed)
			j = first;
		else if (sl->sl_busy || s == cur)
			j = 0;
		else
			continue;
		for (; j < sl->sl_nrec; j++)
			copyrec(&rp[n++], &sl->sl_recs[j]);
		sl->sl_busy = 0;
		sl->sl_nrec = 0;
		sl->sl_len = 0;
	}
	if (rec.r_filled > 0)
		copyrec(&rp[n++], &rec);
	memset(&rec.r_req, 0, sizeof(rec.r_req));
	rec.r_filled = 0;
	killall();
	/* Nothing of a record that did not land stays on the volume. */
	if (partial && tapeisreg && ftruncate(tapefd,
	    (off_t)(blockswritten - firstrec) * TP_BSIZE) == -1)
		msg("%s: cannot cut off the partial record: %s\n", volpath,
		    strerror(errno));
	closevolume(0);
	startnewtape(rp, n);
	free(arena);
	free(rp);
}

/*
 * Write the records of a failed volume again, in order, after the new
 * volume's header.  Positions, inodes and header ends come back as they
 * were, so new records formed here carry the right bookkeeping.
 */
static void
replay(struct rec *rp, int n)
{
	struct slot *s;
	int i, j, k;

	for (i = 0; i < n; i++) {
		hdrend = rp[i].r_hdrend;
		tino = rp[i].r_ino;
		for (j = k = 0; j < rp[i].r_req.rq_nslots; j++) {
			s = &rp[i].r_req.rq_slots[j];
			if (s->sl_off == SL_INLINE)
				putslot(0, TP_BSIZE, 1, rp[i].r_inline +
				    (size_t)k++ * TP_BSIZE,
				    rp[i].r_slothdrend[j], rp[i].r_slotino[j]);
			else
				putslot(s->sl_off, s->sl_len, s->sl_ntp, NULL,
				    rp[i].r_slothdrend[j], rp[i].r_slotino[j]);
		}
	}
}

/*
 * In a volume's parent: wait for the process writing the volume, and
 * return its exit status as dump's.  Signals are acted on here, not in
 * the handler: SIGTERM, SIGHUP and SIGUSR1 are passed on to the child,
 * and so is a SIGINT sent with kill(2) (one from the terminal reached
 * the child as well).  If the top process ends, the child is given a
 * moment to see that itself, then terminated, then killed.
 */
static int
waitchild(pid_t pid)
{
	struct sigaction sa, osa;
	struct pollfd pfd;
	time_t now, termat = 0, killat = 0;
	pid_t p;
	int status;

	memset(&sa, 0, sizeof(sa));
	(void)sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = sigcatch;
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	(void)sigaction(SIGCHLD, &sa, &osa);
	pfd.fd = lifelinefd();
	pfd.events = POLLIN;
	for (;;) {
		caughtchld = 0;
		p = waitpid(pid, &status, WNOHANG);
		if (p == pid)
			break;
		if (p == -1 && errno != EINTR) {
			(void)sigaction(SIGCHLD, &osa, NULL);
			return (X_ABORT);
		}
		if (caughtterm) {
			(void)kill(pid, caughtterm);
			caughtterm = 0;
			if (killat == 0)
				killat = time(NULL) + 10;
		}
		if (caughtstatus) {
			caughtstatus = 0;
			(void)kill(pid, SIGUSR1);
		}
		if (takeint() == INT_KILL)
			(void)kill(pid, SIGINT);
		now = time(NULL);
		if (termat != 0 && now >= termat) {
			(void)kill(pid, SIGTERM);
			termat = 0;
		}
		if (killat != 0 && now >= killat) {
			(void)kill(pid, SIGKILL);
			killat = 0;
		}
		if (caughtchld)
			continue;
		pfd.revents = 0;
		if (poll(&pfd, 1, 1000) == 1 && pfd.revents != 0) {
			/* The top process is gone; stop watching for it. */
			pfd.fd = -1;
			termat = time(NULL) + 2;
			killat = termat + 3;
		}
	}
	(void)sigaction(SIGCHLD, &osa, NULL);
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	msg("the process writing volume %d was killed by signal %d\n",
	    tapeno, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return (X_ABORT);
}

/*
 * Start a volume: fork its writer (the parent keeps this state and waits,
 * ready to fork again for a rewrite), open the output, start the slaves,
 * write the TS_TAPE header and the records a failed volume left over.
 */
void
startnewtape(void *replayp, int nreplay)
{
	struct rec *rp = replayp;
	int64_t vtapea;
	dino_t vino;
	int status, attempt = 0, i;
	pid_t pid;
	char date[32];

	tapeno++;
	firstrec = blockswritten;
	volchanged++;
	nreplayed = nreplay;
	if (!pipeout) {
		for (;;) {
			pid = fork();
			if (pid == -1)
				quit("cannot fork the volume writer: %s\n",
				    strerror(errno));
			if (pid == 0) {
				droplifeline();
				break;
			}
			status = waitchild(pid);
			if (status == X_REWRITE) {
				attempt++;
				continue;
			}
			Exit(status == X_FINOK ? X_FINOK : X_ABORT);
		}
	}
	openvolume_prompt(attempt);
	openvolume();
	enslave();
	sentthisvol = 0;
	asize = 0;
	(void)time(&tstart_volume);

	/* The volume header shares the position of the first record. */
	vtapea = nreplay > 0 ? rp[0].r_tapea : pos;
	vino = nreplay > 0 ? rp[0].r_ino : tino;
	if (nreplay > 0)
		hdrend = rp[0].r_hdrend;
	pos = vtapea;
	spcl.c_type = TS_TAPE;
	memset(spcl.c_addr, 0, sizeof(spcl.c_addr));
	if (tapeno > 1) {
		spcl.c_flags |= DR_NEWHEADER;
		spcl.c_count = (int32_t)(hdrend - vtapea);
		if (spcl.c_count < 0)
			spcl.c_count = 0;
		for (i = 0; i < spcl.c_count && i < TP_NINDIR; i++)
			spcl.c_addr[i] = 1;
		stamp(vino);
		putslot(0, TP_BSIZE, 1, &spcl, hdrend, vino);
		pos--;		/* a continuation header is not counted */
		spcl.c_flags &= ~DR_NEWHEADER;
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y",
		    localtime(&tstart_volume));
		msg("Volume %d started with block %jd at: %s\n", tapeno,
		    (intmax_t)blockswritten, date);
		msg("Volume %d begins with blocks from inode %" PRIu32 "\n",
		    tapeno, vino);
		replay(rp, nreplay);
	} else {
		spcl.c_count = 1;
		stamp(0);
		putslot(0, TP_BSIZE, 1, &spcl, pos + 1, 0);
	}
}

/*
 * Pick this volume's output from the -f list (the last name repeats) and,
 * unless a fresh name from the list is waiting, ask for new media.
 */
static void
openvolume_prompt(int attempt)
{
	int listed = tapeno <= nvolnames, v;

	volpath = volnames[listed ? tapeno - 1 : nvolnames - 1];
	if (pipeout)
		return;
	if (attempt == 0 && ((tapeno == 1 || listed) || autoload > 0)) {
		/*
		 * No question unless the name is a file that holds a volume
		 * of this dump already (a list naming it twice, -l with one
		 * file): that one is only overwritten on the operator's word.
		 * With -l, openvolume() waits for the loader.
		 */
		if ((v = volwritten(volpath)) == 0)
			return;
		msg("%s holds volume %d of this dump; it is not overwritten "
		    "without the operator's word\n", volpath, v);
	}
	msg("Change Volumes: Mount volume #%d\n", tapeno);
	broadcast("CHANGE DUMP VOLUMES!\a\a\n");
	while (!query("Is the new volume mounted and ready to go?"))
		if (query("Do you want to abort?"))
			dumpabort(0);
}

/*
 * The volume a local regular file named path already holds in this dump,
 * or 0.  The list is kept by each volume's process and inherited by the
 * next one, so a volume that is being rewritten does not count.
 */
static int
volwritten(const char *path)
{
	struct stat st;
	const char *c, *sl;
	int i;

	/* A remote name (as rmtsplit() tells them) cannot be looked at. */
	c = strchr(path, ':');
	sl = strchr(path, '/');
	if (c != NULL && (sl == NULL || sl > c))
		return (0);
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return (0);
	for (i = 0; i < nvolfiles; i++)
		if (volfiles[i].vf_dev == st.st_dev &&
		    volfiles[i].vf_ino == st.st_ino)
			return (volfiles[i].vf_vol);
	return (0);
}

/*
 * Open this volume's output: standard output, a remote file through rmt
 * ("host:file", "user@host:file"), or a local file or device.  A failed
 * open is retried for -l seconds, then the operator is asked.
 */
static void
openvolume(void)
{
	struct stat st;
	const char *path = volpath;
	char *rpath;
	time_t t0 = time(NULL);
	int e;

	host = NULL;
	tapeisreg = tapebulk = 0;
	if (pipeout) {
		tapefd = STDOUT_FILENO;
		if (fstat(tapefd, &st) == 0)
			setouttype(&st);
		return;
	}
	free(volcopy);
	if ((volcopy = strdup(volpath)) == NULL)
		quit("out of memory\n");
	if (rmtsplit(volcopy, &host, &rpath))
		path = rpath;
	for (;;) {
		if (host != NULL)
			tapefd = rmtopen(path, O_WRONLY | O_CREAT | O_TRUNC);
		else if (strncmp(path, "/dev/", 5) == 0 &&
		    stat(path, &st) == -1) {
			/* Never create a plain file among the devices. */
			tapefd = -1;
		} else
			tapefd = open(path, O_WRONLY | O_CREAT | O_TRUNC,
			    0666);
		if (tapefd != -1)
			break;
		e = errno;
		if (e == EINTR) {
			checksignals();
			continue;
		}
		if (autoload > 0 && time(NULL) - t0 < autoload) {
			(void)sleep(1);
			continue;
		}
		msg("Cannot open output \"%s\": %s\n", volpath, strerror(e));
		if (!query("Do you want to retry the open?"))
			dumpabort(0);
		t0 = time(NULL);
	}
	if (host == NULL && fstat(tapefd, &st) == 0) {
		setouttype(&st);
		if (S_ISREG(st.st_mode)) {
			volfiles = reallocarray(volfiles,
			    (size_t)nvolfiles + 1, sizeof(*volfiles));
			if (volfiles == NULL)
				quit("out of memory\n");
			volfiles[nvolfiles].vf_dev = st.st_dev;
			volfiles[nvolfiles].vf_ino = st.st_ino;
			volfiles[nvolfiles++].vf_vol = tapeno;
		}
	}
}

/*
 * A regular file or a pipe has no records of its own: the slaves write a
 * whole batch at once, and a short write still says which records landed
 * whole.  A device (a tape) gets one write per record.
 */
static void
setouttype(const struct stat *st)
{
	tapeisreg = S_ISREG(st->st_mode);
	tapebulk = S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode);
}

/*
 * Close this volume.  ok: every record was answered; let the slaves finish
 * and make sure what was written is on the medium.
 */
static void
closevolume(int ok)
{
	time_t now;
	char date[32];
	int i, status;
	pid_t p;

	if (ok) {
		for (i = 0; i < SLAVES; i++) {
			(void)close(slaves[i].sl_fd);
			slaves[i].sl_fd = -1;
		}
		for (i = 0; i < SLAVES; i++) {
			while ((p = waitpid(slaves[i].sl_pid, &status, 0)) ==
			    -1 && errno == EINTR)
				;
			slaves[i].sl_pid = 0;
			if (p == -1 || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0)
				quit("slave %d ended abnormally\n", i);
		}
		if (tapeisreg && fsync(tapefd) == -1)
			quit("%s: %s\n", volpath, strerror(errno));
	} else
		killall();
	msg("Closing %s\n", volpath);
	if (host != NULL && ok) {
		/* A tape's close writes its filemark: it must succeed. */
		if (rmtclose() == -1)
			quit("%s on %s could not be closed\n", volpath, host);
	} else if (host != NULL)
		rmtdisconnect();	/* a request may be half sent */
	else if (!pipeout && close(tapefd) == -1 && ok)
		quit("%s: %s\n", volpath, strerror(errno));
	tapefd = -1;
	(void)time(&now);
	(void)strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y",
	    localtime(&now));
	msg("Volume %d completed at: %s\n", tapeno, date);
	if (now > tstart_volume)
		msg("Volume %d transfer rate: %jd KB/s\n", tapeno,
		    (intmax_t)((blockswritten - firstrec) /
		    (now - tstart_volume)));
}

/*
 * Write the end of the dump: TS_END headers to a full record, then wait
 * for every record to be answered.  If the medium ends in these last
 * records they go on to a new volume like any others, TS_END headers
 * included; there, shifted by the volume header, the last of them only
 * needs more TS_END headers to fill its record.  A volume started because
 * the last one was full gets TS_END headers of its own.
 */
void
trailer(void)
{
	int i, s, vol, more = 1;

	do {
		spcl.c_type = TS_END;
		spcl.c_count = 0;
		memset(spcl.c_addr, 0, sizeof(spcl.c_addr));
		while (more || rec.r_filled != 0) {
			/* A volume this one fills is the last: no new one. */
			lastrec = rec.r_filled == ntrec - 1;
			writeheader(maxino - 1);
			more = 0;
		}
		vol = volchanged;
		sendbatch();
		for (i = 0; i < SLAVES && vol == volchanged; i++) {
			s = (cur + i) % SLAVES;
			if (slaves[s].sl_busy)
				(void)getrep(&slaves[s]);
		}
		more = nreplayed == 0;
	} while (vol != volchanged);
	closevolume(1);
	if (readerrs > 0) {
		msg("%jd disk sectors could not be read and were "
		    "zero-filled\n", (intmax_t)readerrs);
		dumperrors += readerrs;
	}
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
			quit("cannot fork a slave: %s\n", strerror(errno));
		case 0:
			(void)close(sv[0]);
			for (j = 0; j < i; j++)
				(void)close(slaves[j].sl_fd);
			droplifeline();
			doslave(sv[1], i, getppid());
			/* NOTREACHED */
		default:
			break;
		}
		(void)close(sv[1]);
		slaves[i].sl_fd = sv[0];
		slaves[i].sl_busy = 0;
		slaves[i].sl_nrec = 0;
		slaves[i].sl_len = 0;
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
 * In a slave: write len bytes to the output, going on after short writes.
 * Returns the bytes written; if that is short, *err is the errno of the
 * failed write (0 for a write of nothing).
 */
static ssize_t
outwrite(const unsigned char *p, size_t len, int32_t *err, pid_t master)
{
	size_t w = 0;
	ssize_t n;

	while (w < len) {
		if (host != NULL)
			n = rmtwrite(p + w, len - w);
		else
			n = write(tapefd, p + w, len - w);
		if (n == -1 && errno == EINTR) {
			if (getppid() != master)
				_exit(X_ABORT);
			continue;
		}
		if (n <= 0) {
			*err = n == 0 ? 0 : errno;
			break;
		}
		w += (size_t)n;
	}
	return ((ssize_t)w);
}

/*
 * A slave: read a batch, fill its records, take the turn, write them,
 * pass the turn, report.  A record that did not land whole keeps the
 * turn, so nothing is written after it on this volume.  It never
 * returns.
 */
static void
doslave(int fd, int num, pid_t master)
{
	struct bhdr bh;
	struct rhdr rh;
	struct rep rp;
	struct sigaction sa;
	struct timespec ts;
	struct itimerval it;
	struct slot *s;
	struct cslot *cs;
	unsigned char *buf, *msg, *m, *mend, *inl, *p, *rb;
	sigset_t set;
	pid_t next;
	ssize_t n, w = 0;
	size_t size = (size_t)ntrec * TP_BSIZE, cap;
	int i, haveturn = (num == 0), bad, k, nd, r;

	isslave = 1;
	slavemaster = master;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGUSR1, &sa, NULL);
	/*
	 * A tick every second interrupts a write blocked on a slow reader,
	 * so a slave notices a dead master there too (no SA_RESTART).
	 */
	sa.sa_handler = sigalrm;
	(void)sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR2);
	msg = slaves[num].sl_area;
	if ((buf = malloc(size * (size_t)nbatch)) == NULL ||
	    (cs = calloc((size_t)nbatch * (size_t)ntrec, sizeof(*cs))) ==
	    NULL)
		_exit(X_ABORT);
	if (fullread(fd, &next, sizeof(next)) != (ssize_t)sizeof(next))
		_exit(X_ABORT);
	for (;;) {
		n = fullread(fd, &bh, sizeof(bh));
		if (n == 0 && getppid() != master)
			_exit(X_ABORT);
		if (n == 0)
			break;
		if (n != (ssize_t)sizeof(bh) || bh.bh_nrec < 1 ||
		    bh.bh_nrec > nbatch || bh.bh_len < 0 ||
		    (size_t)bh.bh_len > bmsgmax)
			_exit(X_ABORT);
		/*
		 * Lay the records out in buf: inline blocks copied, disk
		 * slots listed for one sorted read of the whole batch.
		 */
		m = msg;
		mend = msg + bh.bh_len;
		nd = 0;
		for (r = 0; r < bh.bh_nrec; r++) {
			if ((size_t)(mend - m) < sizeof(rh))
				_exit(X_ABORT);
			memcpy(&rh, m, sizeof(rh));
			m += sizeof(rh);
			if (rh.rh_nslots < 1 || rh.rh_nslots > ntrec ||
			    rh.rh_ninline < 0 || rh.rh_ninline > ntrec ||
			    (size_t)(mend - m) < (size_t)rh.rh_nslots *
			    sizeof(*s) + (size_t)rh.rh_ninline * TP_BSIZE)
				_exit(X_ABORT);
			/* Every part of the message is 8-byte aligned. */
			s = (struct slot *)(void *)m;
			inl = m + (size_t)rh.rh_nslots * sizeof(*s);
			m = inl + (size_t)rh.rh_ninline * TP_BSIZE;
			rb = p = buf + (size_t)r * size;
			for (i = k = 0; i < rh.rh_nslots; i++, s++) {
				cap = (size_t)s->sl_ntp * TP_BSIZE;
				if (s->sl_ntp < 1 ||
				    (size_t)(p - rb) + cap > size ||
				    s->sl_len < 0 || (size_t)s->sl_len > cap)
					_exit(X_ABORT);
				if (s->sl_off == SL_INLINE) {
					if (k >= rh.rh_ninline)
						_exit(X_ABORT);
					memcpy(p, inl + (size_t)k++ * TP_BSIZE,
					    TP_BSIZE);
				} else {
					cs[nd].cs_off = s->sl_off;
					cs[nd].cs_len = (size_t)s->sl_len;
					cs[nd].cs_buf = p;
					cs[nd++].cs_ok = 0;
					memset(p + s->sl_len, 0,
					    cap - (size_t)s->sl_len);
				}
				p += cap;
			}
			if ((size_t)(p - rb) != size)
				_exit(X_ABORT);
		}
		if (m != mend)
			_exit(X_ABORT);
		/* The disk slots in as few reads as they allow. */
		cread_slots(diskfd, cs, nd);
		bad = 0;
		for (i = 0; i < nd; i++)
			if (!cs[i].cs_ok)
				bad += bread(cs[i].cs_off, cs[i].cs_buf,
				    cs[i].cs_len);
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
		if (tapebulk) {
			w = outwrite(buf, size * (size_t)bh.bh_nrec,
			    &rp.rp_errno, master);
			r = (int)(w / (ssize_t)size);
			w -= (ssize_t)r * (ssize_t)size;
		} else {
			for (r = 0; r < bh.bh_nrec; r++) {
				w = outwrite(buf + (size_t)r * size, size,
				    &rp.rp_errno, master);
				if (w != (ssize_t)size)
					break;
			}
		}
		if (host == NULL) {
			it.it_value.tv_sec = it.it_interval.tv_sec = 0;
			(void)setitimer(ITIMER_REAL, &it, NULL);
		}
		rp.rp_nrec = r;
		if (r == bh.bh_nrec) {
			haveturn = 0;
			if (kill(next, SIGUSR2) == -1 && errno != ESRCH)
				_exit(X_ABORT);
		} else
			rp.rp_wrote = w;
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

	for (i = 0; i < SLAVES; i++) {
		if (slaves[i].sl_fd != -1)
			(void)close(slaves[i].sl_fd);
		slaves[i].sl_fd = -1;
		slaves[i].sl_busy = 0;
		slaves[i].sl_nrec = 0;
		slaves[i].sl_len = 0;
		if (slaves[i].sl_pid > 0)
			(void)kill(slaves[i].sl_pid, SIGKILL);
	}
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
	rmtabort();
	msg("The ENTIRE dump is aborted.\n");
	Exit(X_ABORT);
}

void
Exit(int status)
{
	exit(status);
}
