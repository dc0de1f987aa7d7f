/*
 * The rmt client: start the remote side through a remote shell (ssh by
 * default), speak the rmt protocol to it, and parse every reply as hostile
 * input: bounded lines, strict numbers, never a byte more than was asked.
 */
#include <sys/types.h>
#include <sys/mtio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <err.h>
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

#define RMT_LINEMAX	30	/* an A/E/F line, as the BSD clients allow */
#define RMT_PATHMAX	63	/* classic servers read arguments into 64 bytes */
#define RMT_NAMEMAX	255	/* user and host names */
#define RMT_STATMAX	1024	/* S reply data */
#define RMT_REAPSECS	5	/* wait for the remote shell, then kill it */
#define RMT_TIMEOUT	600	/* default seconds to wait for a reply */

/* The rmt protocol's ioctl numbers (BSD, "version 1" of the handshake). */
#define RMT_WEOF	0
#define RMT_FSF		1
#define RMT_BSF		2
#define RMT_FSR		3
#define RMT_BSR		4
#define RMT_REW		5
#define RMT_OFFL	6
#define RMT_NOP		7

_Static_assert(sizeof(((struct rmtreply *)0)->rr_line) > RMT_LINEMAX,
    "rr_line holds a status line");

static char	 rhost[RMT_NAMEMAX + 1];	/* host to connect to */
static char	 ruser[RMT_NAMEMAX + 1];	/* remote user, or "" */
static int	 rmtfd = -1;	/* our end of the remote shell's stdio */
static pid_t	 rmtpid = -1;	/* the remote shell */
static pid_t	 rmtowner;	/* the process that started it */
static int	 rmtvers = -1;	/* handshake: -1 not asked, 0 old, >= 1 */
static int	 rmtisopen;	/* the server has a device open */
static int	 rmtoldsaid;	/* "too old" already said on this connection */
static int	 rmttimeout = RMT_TIMEOUT;	/* seconds, 0 for no limit */
static time_t	 rmtwaited;	/* when this request began to wait, or 0 */
static int	 rmttimedout;	/* the request ran out of time */
static void	(*rmtidle)(void);	/* called every second of a wait */
static int	 rmtticks;	/* blocking calls on rmtfd return each second */

static int	 namecheck(const char *, const char *);
static int	 rmtconnect(void);
static void	 rmtdrop(int);
static int	 rmtwait(int, short);
static int	 rmtidlecheck(void);
static void	 rmtlost(const char *);
static void	 rmtstuck(const char *);
static int	 rmtsend(const char *, const void *, size_t);
static int	 fdgetc(void *);
static int	 rmtcall(const char *, int64_t, int64_t *, int);
static int	 rmtversion(void);
static int	 rmtline(int (*)(void *), void *, char *, size_t, int,
		    const char **);
static int	 mapop(int);

/*
 * A user or host name: not empty, no leading '-' (it would be taken as an
 * option of the remote shell), only letters, digits, '.', '_' and '-'.
 * Returns 0 if fine, else prints why and returns -1.
 */
static int
namecheck(const char *what, const char *s)
{
	const char *p;

	if (*s == '\0') {
		warnx("remote output: empty %s name", what);
		return (-1);
	}
	if (strlen(s) > RMT_NAMEMAX) {
		warnx("remote output: %s name longer than %d characters",
		    what, RMT_NAMEMAX);
		return (-1);
	}
	if (*s == '-') {
		warnx("remote output: invalid %s name %s (begins with '-')",
		    what, s);
		return (-1);
	}
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-')) {
			warnx("remote output: invalid %s name %s (character "
			    "%#x)", what, s, (unsigned char)*p);
			return (-1);
		}
	return (0);
}

/*
 * Is spec a remote output, "[user@]host:file"?  The host part ends at the
 * first ':' and may not contain '/', so "./a:b" stays a local file.  A
 * remote spec is split in place; a bad one is fatal (before any I/O).
 * Returns 1 for remote (with *hostp and *pathp set), 0 for local.
 */
int
rmtsplit(char *spec, char **hostp, char **pathp)
{
	char *c, *s;

	if ((c = strchr(spec, ':')) == NULL ||
	    ((s = strchr(spec, '/')) != NULL && s < c))
		return (0);
	*c = '\0';
	*hostp = spec;
	*pathp = c + 1;
	if (**pathp == '\0')
		errx(X_STARTUP, "remote output %s: no file name after ':'",
		    spec);
	if (strlen(*pathp) > RMT_PATHMAX)
		errx(X_STARTUP, "remote file name %s is longer than %d bytes, "
		    "which rmt servers cannot take", *pathp, RMT_PATHMAX);
	for (s = *pathp; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r')
			errx(X_STARTUP, "remote file name may not contain a "
			    "line break");
	if (rmthost(spec) == 0)
		exit(X_STARTUP);
	return (1);
}

/*
 * Choose the remote side: "host" or "user@host".  Nothing is started
 * until rmtopen().  Returns 1, or 0 (with a message) if the name is bad.
 */
int
rmthost(const char *h)
{
	const char *at;
	char user[RMT_NAMEMAX + 1], hname[RMT_NAMEMAX + 1];
	size_t ul;

	if ((at = strchr(h, '@')) != NULL) {
		ul = (size_t)(at - h);
		if (ul > RMT_NAMEMAX) {
			warnx("remote output: user name too long");
			return (0);
		}
		memcpy(user, h, ul);
		user[ul] = '\0';
		if (namecheck("user", user) == -1)
			return (0);
		h = at + 1;
	} else
		user[0] = '\0';
	if (strlen(h) > RMT_NAMEMAX) {
		warnx("remote output: host name too long");
		return (0);
	}
	(void)snprintf(hname, sizeof(hname), "%s", h);
	if (namecheck("host", hname) == -1)
		return (0);
	if (rmtfd != -1 && (strcmp(hname, rhost) != 0 ||
	    strcmp(user, ruser) != 0))
		(void)rmtclose();
	(void)snprintf(rhost, sizeof(rhost), "%s", hname);
	(void)snprintf(ruser, sizeof(ruser), "%s", user);
	return (1);
}

/*
 * Start "$RSH host [-l user] $RMT" (ssh with keep-alive options when RSH
 * is not set) with its stdin and stdout on one end of a socket pair.
 * The program is run with execvp, never through a shell; its stderr
 * stays ours so its complaints reach the operator.
 */
static int
rmtconnect(void)
{
	const char *rsh, *rmt, *argv[10];
	struct timeval tv;
	sigset_t none;
	int sv[2], i = 0;
	pid_t pid;

	if (rhost[0] == '\0') {
		errno = EDESTADDRREQ;
		return (-1);
	}
	if ((rmt = getenv("RMT")) == NULL || *rmt == '\0')
		rmt = _PATH_RMT;
	if ((rsh = getenv("RSH")) != NULL && *rsh != '\0')
		argv[i++] = rsh;
	else {
		/*
		 * Our own ssh also gives up on a host that stops answering
		 * (two minutes), so a dropped network cannot hang the dump.
		 */
		argv[i++] = rsh = _PATH_RSH;
		argv[i++] = "-o";
		argv[i++] = "ServerAliveInterval=30";
		argv[i++] = "-o";
		argv[i++] = "ServerAliveCountMax=4";
	}
	argv[i++] = rhost;
	if (ruser[0] != '\0') {
		argv[i++] = "-l";
		argv[i++] = ruser;
	}
	argv[i++] = rmt;
	argv[i] = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return (-1);
	switch (pid = fork()) {
	case -1:
		i = errno;
		(void)close(sv[0]);
		(void)close(sv[1]);
		errno = i;
		return (-1);
	case 0:
		/* dup2 clears close-on-exec on 0 and 1. */
		if (dup2(sv[1], STDIN_FILENO) == -1 ||
		    dup2(sv[1], STDOUT_FILENO) == -1)
			_exit(X_ABORT);
		closefrom(STDERR_FILENO + 1);
		(void)sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)signal(SIGPIPE, SIG_DFL);
		(void)signal(SIGINT, SIG_IGN);
		execvp(rsh, (char *const *)(uintptr_t)argv);
		(void)fprintf(stderr, "  DUMP: cannot run remote shell %s: "
		    "%s\n", rsh, strerror(errno));
		_exit(X_ABORT);
	default:
		break;
	}
	(void)close(sv[1]);
	/*
	 * A wait for the server returns every second, to look at signals
	 * and the time limit; set on the socket, this costs nothing per
	 * request.  Where the timeouts cannot be set, poll(2) waits.
	 */
	tv.tv_sec = 1;
	tv.tv_usec = 0;
	rmtticks = setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == 0 && setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO,
	    &tv, sizeof(tv)) == 0;
	rmtfd = sv[0];
	rmtpid = pid;
	rmtowner = getpid();
	rmtvers = -1;
	rmtisopen = 0;
	rmtoldsaid = 0;
	return (0);
}

/*
 * Forget the connection: close our end and, if we started the remote
 * shell, reap it.  One that does not end within a few seconds of losing
 * its input is terminated (at once with hard, as when aborting or when
 * the server stopped answering), then killed, so nothing can hang here.
 */
static void
rmtdrop(int hard)
{
	int status, i;
	pid_t p = 0;

	if (rmtfd != -1)
		(void)close(rmtfd);
	rmtfd = -1;
	rmtisopen = 0;
	rmtvers = -1;
	if (rmtpid <= 0 || rmtowner != getpid()) {
		rmtpid = -1;
		return;
	}
	if (hard)
		(void)kill(rmtpid, SIGTERM);
	for (i = 0; i < (hard ? 2 : RMT_REAPSECS) * 10; i++) {
		p = waitpid(rmtpid, &status, WNOHANG);
		if (p == rmtpid || (p == -1 && errno != EINTR))
			break;
		if (p == 0)
			(void)nanosleep(&(struct timespec){ 0, 100000000 },
			    NULL);
	}
	if (p == 0) {
		(void)kill(rmtpid, hard ? SIGKILL : SIGTERM);
		while ((p = waitpid(rmtpid, &status, 0)) == -1 &&
		    errno == EINTR)
			;
	}
	if (p == rmtpid && WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	    !hard)
		msg("remote shell to %s exited with status %d\n", rhost,
		    WEXITSTATUS(status));
	else if (p == rmtpid && WIFSIGNALED(status) &&
	    WTERMSIG(status) != SIGTERM && !hard)
		msg("remote shell to %s killed by signal %d\n", rhost,
		    WTERMSIG(status));
	rmtpid = -1;
}

/* The connection is gone: say so, drop it, and fail with EPIPE. */
static void
rmtlost(const char *what)
{
	msg("Lost connection to remote host %s (during %s)\n", rhost, what);
	rmtdrop(0);
	errno = EPIPE;
}

/*
 * The server did not answer in time: say so and end the connection, its
 * remote shell included (a late reply would put the stream out of step).
 * Fails with ETIMEDOUT.
 */
static void
rmtstuck(const char *what)
{
	msg("rmt server on %s did not answer within %d seconds (during %s); "
	    "RMT_TIMEOUT sets the limit\n", rhost, rmttimeout, what);
	(void)shutdown(rmtfd, SHUT_RDWR);
	rmtdrop(1);
	errno = ETIMEDOUT;
}

/*
 * Every second a request waits for the server (and at every signal):
 * let the caller act on signals (rmtsetidle()), and give up once the
 * request has waited longer than the timeout.  Time the idle function
 * spends asking the operator does not count.  Returns 0 to go on
 * waiting, or -1 (rmttimedout set, errno ETIMEDOUT).
 */
static int
rmtidlecheck(void)
{
	time_t t;

	if (rmtwaited == 0)
		rmtwaited = time(NULL);
	if (rmtidle != NULL) {
		t = time(NULL);
		rmtidle();
		rmtwaited += time(NULL) - t;
	}
	if (rmttimeout > 0 && time(NULL) - rmtwaited >= rmttimeout) {
		rmttimedout = 1;
		errno = ETIMEDOUT;
		return (-1);
	}
	return (0);
}

/*
 * Wait until the connection is readable (POLLIN) or writable (POLLOUT),
 * with rmtidlecheck() every second.  Only for a connection whose socket
 * refused the send and receive timeouts (rmtticks is 0); otherwise the
 * blocking calls themselves return every second, at no extra cost per
 * record.  Returns 0, or -1 on time out or if poll(2) fails.
 */
static int
rmtwait(int fd, short events)
{
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		pfd.revents = 0;
		n = poll(&pfd, 1, 1000);
		if (n == 1)
			return (0);
		if (n == -1 && errno != EINTR)
			return (-1);
		if (rmtidlecheck() == -1)
			return (-1);
	}
}

/*
 * Send a request line and optional data in full.  SIGPIPE is not raised
 * (MSG_NOSIGNAL); a closed peer is EPIPE, reported as a lost connection.
 * A send blocked on a server that takes nothing returns every second
 * (the socket's send timeout) or at a signal, for rmtidlecheck().
 */
static int
rmtsend(const char *line, const void *data, size_t len)
{
	const unsigned char *p;
	size_t n;
	ssize_t r;
	int part;

	rmtwaited = 0;
	rmttimedout = 0;
	for (part = 0; part < 2; part++) {
		p = part == 0 ? (const unsigned char *)line : data;
		n = part == 0 ? strlen(line) : len;
		while (n > 0) {
			if (!rmtticks && rmtwait(rmtfd, POLLOUT) == -1)
				r = -1;
			else
				r = send(rmtfd, p, n, MSG_NOSIGNAL);
			if (r == -1 && !rmttimedout && (errno == EINTR ||
			    errno == EAGAIN || errno == EWOULDBLOCK) &&
			    rmtidlecheck() == 0)
				continue;
			if (r == -1 && rmttimedout) {
				rmtstuck(part == 0 ? "a request" : "data");
				return (-1);
			}
			if (r <= 0) {
				rmtlost(part == 0 ? "a request" : "data");
				return (-1);
			}
			p += r;
			n -= (size_t)r;
		}
	}
	return (0);
}

/*
 * The byte source for a live connection: one byte per recv(2), so that
 * nothing past the reply is taken from the stream the slaves share.  A
 * receive that waits returns every second (the socket's receive
 * timeout) or at a signal, for rmtidlecheck().  Returns the byte, or -1
 * at end of stream (errno 0), on error, or when the time is up
 * (rmttimedout).
 */
static int
fdgetc(void *arg)
{
	unsigned char c;
	ssize_t r;
	int fd = *(int *)arg;

	for (;;) {
		if (!rmtticks && rmtwait(fd, POLLIN) == -1)
			return (-1);
		r = recv(fd, &c, 1, 0);
		if (r == 1)
			return (c);
		if (r == 0) {
			errno = 0;
			return (-1);
		}
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return (-1);
		if (rmtidlecheck() == -1)
			return (-1);
	}
}

/*
 * Read one line of at most cap bytes before its '\n' into buf (NUL
 * terminated, the '\n' dropped).  With sanitise, bytes that are not
 * printable ASCII become '?'; without it, a NUL byte is a protocol error.
 * Returns 0, -1 at end of stream or error, -2 on a protocol error.
 */
static int
rmtline(int (*get)(void *), void *arg, char *buf, size_t cap,
    int sanitise, const char **why)
{
	size_t n = 0;
	int c;

	for (;;) {
		if ((c = get(arg)) == -1)
			return (-1);
		if (c == '\n')
			break;
		if (n == cap) {
			buf[n] = '\0';
			*why = sanitise ? "error message longer than "
			    "1024 bytes" : "reply line longer than 30 bytes";
			return (-2);
		}
		if (sanitise && (c < 0x20 || c > 0x7e))
			c = '?';
		else if (!sanitise && c == '\0') {
			buf[n] = '\0';
			*why = "NUL byte in reply line";
			return (-2);
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return (0);
}

/*
 * Parse one reply from a byte source.  'A' must carry a decimal number
 * in [0, max]; 'E' and 'F' carry an errno value (kept only if it parses,
 * else -1) and a message line of at most RMT_MSGMAX bytes.  Returns 0,
 * -1 if the source ended or failed, -2 on a protocol error (*why says
 * which).  The source is read up to the end of the reply and no further.
 */
int
rmtgetreply(int (*get)(void *), void *arg, int64_t max, struct rmtreply *rr,
    const char **why)
{
	char line[RMT_LINEMAX + 1], *p;
	int64_t v;
	int r, digits;
	size_t i;

	memset(rr, 0, sizeof(*rr));
	*why = NULL;
	r = rmtline(get, arg, line, RMT_LINEMAX, 0, why);
	if (r == -1)
		return (r);
	/* A printable copy of the status line, for messages. */
	for (i = 0; line[i] != '\0'; i++)
		rr->rr_line[i] = (line[i] < 0x20 || line[i] > 0x7e) ? '?' :
		    line[i];
	if (r != 0)
		return (r);
	if (line[0] != 'A' && line[0] != 'E' && line[0] != 'F') {
		*why = "reply does not begin with A, E or F";
		return (-2);
	}
	rr->rr_kind = line[0];
	v = 0;
	digits = 0;
	for (p = line + 1; *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - (*p - '0')) / 10)
			break;
		v = v * 10 + (*p - '0');
		digits++;
	}
	if (rr->rr_kind == 'A') {
		if (digits == 0 || *p != '\0') {
			*why = "reply count is not a decimal number";
			return (-2);
		}
		if (v > max) {
			*why = "reply count is larger than asked for";
			return (-2);
		}
		rr->rr_val = v;
		return (0);
	}
	rr->rr_val = (digits > 0 && *p == '\0' && v <= 4095) ? v : -1;
	return (rmtline(get, arg, rr->rr_msg, RMT_MSGMAX, 1, why));
}

/*
 * Read exactly n bytes of reply data into buf (which holds at least n).
 * Returns 0, or -1 if the source ended first.
 */
int
rmtgetdata(int (*get)(void *), void *arg, void *buf, size_t n)
{
	unsigned char *p = buf;
	int c;

	while (n-- > 0) {
		if ((c = get(arg)) == -1)
			return (-1);
		*p++ = (unsigned char)c;
	}
	return (0);
}

/*
 * Map an errno number sent by the server to ours: the low numbers are the
 * same on Linux and the BSDs, the rest are not, so they become EIO.
 */
static int
maperrno(int64_t e)
{
	if (e >= 1 && e <= 34)
		return ((int)e);
	return (EIO);
}

/*
 * Read the reply to the request just sent.  Returns 0 with *valp set for
 * 'A'; -1 with errno set otherwise: the server's error (its message is
 * shown), EPIPE for a lost connection, EPROTO for a botched reply (the
 * connection is then dropped, since the stream cannot be trusted).
 */
static int
rmtcall(const char *what, int64_t max, int64_t *valp, int quiet)
{
	struct rmtreply rr;
	const char *why;
	int r;

	r = rmtgetreply(fdgetc, &rmtfd, max, &rr, &why);
	if (r == -1 && rmttimedout) {
		rmtstuck(what);
		return (-1);
	}
	if (r == -1) {
		rmtlost(what);
		return (-1);
	}
	if (r == -2) {
		msg("Protocol to remote tape server %s botched during %s: "
		    "%s (reply \"%s%s\")\n", rhost, what, why, rr.rr_line,
		    strlen(rr.rr_line) == RMT_LINEMAX ? "..." : "");
		/*
		 * The stream is out of step: shut the socket itself, not
		 * just our descriptor, so that no process sharing it (the
		 * other slaves) sends another record into it.
		 */
		(void)shutdown(rmtfd, SHUT_RDWR);
		rmtdrop(0);
		errno = EPROTO;
		return (-1);
	}
	if (rr.rr_kind == 'A') {
		if (valp != NULL)
			*valp = rr.rr_val;
		return (0);
	}
	if (!quiet)
		msg("rmt server on %s: %s: %s\n", rhost, what,
		    rr.rr_msg[0] != '\0' ? rr.rr_msg : "(no message)");
	if (rr.rr_kind == 'F')
		rmtisopen = 0;
	errno = rr.rr_val == -1 ? EIO : maperrno(rr.rr_val);
	return (-1);
}

/*
 * Open path on the server, starting the remote shell first if there is
 * no connection.  mode is open(2) flags; they are sent as the access
 * mode number, which every server reads the same, and the flag names,
 * which newer servers use (older ones do not create files).
 * Returns the connection's descriptor (only for testing against -1) or
 * -1 with errno set.
 */
int
rmtopen(const char *path, int mode)
{
	char req[RMT_PATHMAX + 128], flags[80];
	const char *acc;
	int64_t v;
	int n;

	if (strlen(path) > RMT_PATHMAX || strpbrk(path, "\r\n") != NULL) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	switch (mode & O_ACCMODE) {
	case O_RDONLY:
		acc = "O_RDONLY";
		break;
	case O_WRONLY:
		acc = "O_WRONLY";
		break;
	default:
		acc = "O_RDWR";
		break;
	}
	n = snprintf(flags, sizeof(flags), "%s%s%s%s%s", acc,
	    (mode & O_CREAT) ? "|O_CREAT" : "",
	    (mode & O_TRUNC) ? "|O_TRUNC" : "",
	    (mode & O_APPEND) ? "|O_APPEND" : "",
	    (mode & O_EXCL) ? "|O_EXCL" : "");
	if (n < 0 || (size_t)n >= sizeof(flags)) {
		errno = EINVAL;
		return (-1);
	}
	n = snprintf(req, sizeof(req), "O%s\n%d %s\n", path,
	    (mode & O_ACCMODE) == O_RDONLY ? 0 :
	    (mode & O_ACCMODE) == O_WRONLY ? 1 : 2, flags);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if (rmtfd == -1 && rmtconnect() == -1)
		return (-1);
	if (rmtsend(req, NULL, 0) == -1 || rmtcall("open", INT32_MAX, &v,
	    0) == -1)
		return (-1);
	rmtisopen = 1;
	return (rmtfd);
}

/*
 * Close the remote device and end the connection (the next rmtopen()
 * starts a new one).  Returns 0, or -1 if the close failed or the
 * connection was already lost.
 */
int
rmtclose(void)
{
	int64_t v;
	int r = 0;

	if (rmtfd == -1)
		return (0);
	if (rmtisopen) {
		if (rmtsend("C\n", NULL, 0) == -1)
			return (-1);
		if (rmtcall("close", INT32_MAX, &v, 0) == -1)
			r = -1;
	}
	rmtdrop(0);
	return (r);
}

/*
 * Drop the connection without a word to the server: for a process whose
 * stream may be in the middle of a request, e.g. the parent of a volume
 * child that died.  The next rmtopen() starts a new connection.
 */
void
rmtdisconnect(void)
{
	rmtdrop(0);
}

/*
 * For an abort: end the connection and the remote shell at once.  The
 * socket is shut down, not only closed, so that no slave holding a copy
 * keeps the server waiting.
 */
void
rmtabort(void)
{
	if (rmtfd != -1)
		(void)shutdown(rmtfd, SHUT_RDWR);
	rmtdrop(1);
}

/* The function rmtwait() calls every second, e.g. to act on signals. */
void
rmtsetidle(void (*fn)(void))
{
	rmtidle = fn;
}

/* Seconds to wait for each reply, 0 for no limit. */
void
rmtsettimeout(int secs)
{
	rmttimeout = secs;
}

/*
 * Write one record.  Returns the byte count the server reports (which may
 * be short, or 0), or -1 with errno: the server's (ENOSPC at the end of
 * the medium), EPIPE if the connection is lost, EPROTO on a bad reply.
 */
ssize_t
rmtwrite(const void *buf, size_t len)
{
	char req[32];
	int64_t v;

	if (rmtfd == -1) {
		errno = EPIPE;
		return (-1);
	}
	if (len == 0)
		return (0);
	if (len > (size_t)MAXNTREC * TP_BSIZE)
		len = (size_t)MAXNTREC * TP_BSIZE;
	(void)snprintf(req, sizeof(req), "W%zu\n", len);
	if (rmtsend(req, buf, len) == -1 || rmtcall("write", (int64_t)len,
	    &v, 0) == -1)
		return (-1);
	return ((ssize_t)v);
}

/*
 * The version handshake, once per connection: "I-1" is answered with a
 * version number by servers that then read BSD ioctl numbers whatever
 * their own system is, and with an error by old servers, which take
 * their own system's numbers.  Returns the version (0 for old), or -1 if
 * the connection was lost.
 */
static int
rmtversion(void)
{
	int64_t v;

	if (rmtvers != -1)
		return (rmtvers);
	if (rmtsend("I-1\n0\n", NULL, 0) == -1)
		return (-1);
	if (rmtcall("version handshake", INT32_MAX, &v, 1) == 0)
		rmtvers = v >= 1 ? 1 : 0;
	else if (rmtfd == -1)
		return (-1);
	else
		rmtvers = 0;
	return (rmtvers);
}

/* Our <sys/mtio.h> operation to the protocol's number, or -1. */
static int
mapop(int op)
{
	switch (op) {
	case MTWEOF:
		return (RMT_WEOF);
	case MTFSF:
		return (RMT_FSF);
	case MTBSF:
		return (RMT_BSF);
	case MTFSR:
		return (RMT_FSR);
	case MTBSR:
		return (RMT_BSR);
	case MTREW:
		return (RMT_REW);
	case MTOFFL:
		return (RMT_OFFL);
	case MTNOP:
		return (RMT_NOP);
	default:
		return (-1);
	}
}

/*
 * A magnetic tape operation (MTREW, MTOFFL, MTWEOF ... as in <sys/mtio.h>)
 * on the remote device.  After the handshake a version-aware server gets
 * the protocol's numbers.  An old server uses its own system's numbers,
 * which we cannot know: the spacing operations (the same everywhere) are
 * sent, the others refused with ENOTSUP rather than risk, say, a rewind
 * turning into a filemark.  Returns the server's answer or -1.
 */
int
rmtioctl(int op, int count)
{
	char req[32];
	int64_t v;
	int rop, vers;

	if ((rop = mapop(op)) == -1 || count < 0) {
		errno = EINVAL;
		return (-1);
	}
	if (rmtfd == -1) {
		errno = EPIPE;
		return (-1);
	}
	if ((vers = rmtversion()) == -1)
		return (-1);
	if (vers == 0 && (rop < RMT_FSF || rop > RMT_BSR)) {
		if (!rmtoldsaid++)
			msg("rmt server on %s is too old to say which tape "
			    "operation numbers it takes; no rewind, offline "
			    "or filemark is sent to it\n", rhost);
		errno = ENOTSUP;
		return (-1);
	}
	(void)snprintf(req, sizeof(req), "I%d\n%d\n", rop, count);
	if (rmtsend(req, NULL, 0) == -1 ||
	    rmtcall("tape operation", INT32_MAX, &v, 0) == -1)
		return (-1);
	return ((int)v);
}

/*
 * The raw status (the server's struct mtget, in its own layout) into buf.
 * Only version-aware servers are asked: the framing of "S" differs
 * between the other servers.  Returns the number of bytes the server
 * sent (at most RMT_STATMAX; at most len are stored) or -1.
 */
int
rmtstatus(void *buf, size_t len)
{
	unsigned char data[RMT_STATMAX];
	int64_t v;
	int vers;

	if (rmtfd == -1) {
		errno = EPIPE;
		return (-1);
	}
	if ((vers = rmtversion()) == -1)
		return (-1);
	if (vers == 0) {
		errno = ENOTSUP;
		return (-1);
	}
	if (rmtsend("S", NULL, 0) == -1 ||
	    rmtcall("status", RMT_STATMAX, &v, 0) == -1)
		return (-1);
	if (rmtgetdata(fdgetc, &rmtfd, data, (size_t)v) == -1) {
		if (rmttimedout)
			rmtstuck("status");
		else
			rmtlost("status");
		return (-1);
	}
	memcpy(buf, data, (size_t)v < len ? (size_t)v : len);
	return ((int)v);
}
