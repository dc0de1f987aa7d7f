/*
 * The operator: all "  DUMP: " messages, questions asked on the terminal,
 * progress and time left, and the final abort path.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "pathnames.h"

static time_t	tschedule;
static int	abortq;		/* the next question is whether to abort */

/* Print one "  DUMP: " line. */
static void
vmsg(const char *fmt, va_list ap)
{
	(void)fflush(stdout);
	(void)fprintf(stderr, "  DUMP: ");
	(void)vfprintf(stderr, fmt, ap);
	(void)fflush(stderr);
}

void
msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
quit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	dumpabort(0);
}

/*
 * Ask a yes/no question on the terminal, never on standard input.
 * Returns 1 for yes, 0 for no; aborts when there is no terminal.  While
 * it waits, signals are acted on: a termination signal or the end of the
 * top process aborts, SIGUSR1 prints the status line, and an interrupt
 * (^C) asks at once whether to abort the dump, then asks this again.
 */
int
query(const char *question)
{
	struct pollfd pfd;
	char buf[64];
	ssize_t n, i;
	int fd, fails = 0, r = -1, prompt = 1, first = -1, isabort;

	isabort = abortq;
	abortq = 0;
	if ((fd = open(_PATH_TTY, O_RDONLY | O_CLOEXEC)) == -1)
		quit("%s: no terminal to ask the operator (%s); "
		    "giving up\n", question, strerror(errno));
	while (r < 0) {
		if (prompt) {
			(void)fprintf(stderr, "  DUMP: %s: (\"yes\" or "
			    "\"no\") ", question);
			(void)fflush(stderr);
			prompt = 0;
		}
		/* Wake up every second to look at signals and the top. */
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, 1000);
		if (n != 1) {
			if (n == -1 && errno != EINTR) {
				(void)close(fd);
				quit("%s: %s\n", _PATH_TTY, strerror(errno));
			}
			if (sigwaiting() && !isabort) {
				(void)fprintf(stderr, "\n");
				askabort();
				prompt = 1;
				first = -1;
			}
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (++fails > 30) {
				(void)close(fd);
				quit("excessive operator query failures\n");
			}
			prompt = 1;
			continue;
		}
		/* The first byte of a line is the answer. */
		for (i = 0; i < n && r < 0; i++) {
			if (first == -1)
				first = (unsigned char)buf[i];
			if (buf[i] != '\n')
				continue;
			if (first == 'y' || first == 'Y')
				r = 1;
			else if (first == 'n' || first == 'N')
				r = 0;
			else {
				(void)fprintf(stderr,
				    "  DUMP: \"Yes\" or \"No\"?\n");
				prompt = 1;
			}
			first = -1;
		}
	}
	(void)close(fd);
	return (r);
}

/*
 * An interrupt: ask whether to abort, and abort on yes.  Interrupts that
 * come while this is asked are taken as the same one.
 */
void
askabort(void)
{
	msg("Interrupt received.\n");
	abortq = 1;
	if (query("Do you want to abort dump?"))
		dumpabort(0);
}

/*
 * With -n, tell the operators (group operator) on their terminals that
 * dump needs attention.  A missing wall(1) is not an error.
 */
void
broadcast(const char *message)
{
	struct sigaction sa, osa;
	char when[16];
	time_t now;
	FILE *fp;

	if (!notify)
		return;
	(void)time(&now);
	(void)strftime(when, sizeof(when), "%H:%M", localtime(&now));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, &osa);
	(void)fflush(stderr);
	if ((fp = popen(_PATH_WALL " -g operator", "w")) != NULL) {
		(void)fprintf(fp, "\a\aMessage from the dump program to all "
		    "operators at %s ...\n\nDUMP: NEEDS ATTENTION: %s", when,
		    message);
		(void)pclose(fp);
	}
	(void)sigaction(SIGPIPE, &osa, NULL);
}

/*
 * Every five minutes, say how far the dump is and how long it may take.
 */
void
timeest(void)
{
	time_t tnow, deltat;

	(void)time(&tnow);
	if (tschedule == 0)
		tschedule = tnow + 300;
	if (tnow < tschedule || blockswritten < 500 || tapesize <= 0)
		return;
	tschedule = tnow + 300;
	deltat = (time_t)((double)(tnow - tstart_writing) *
	    ((double)tapesize / (double)blockswritten - 1.0));
	if (deltat < 0)
		deltat = 0;
	msg("%3.2f%% done, finished in %jd:%02jd\n",
	    (double)blockswritten * 100.0 / (double)tapesize,
	    (intmax_t)(deltat / 3600), (intmax_t)((deltat % 3600) / 60));
}

/*
 * The status line, on SIGUSR1 (SIGINFO on the BSDs).
 */
void
statusline(void)
{
	time_t tnow, deltat;
	double rate = 0;

	(void)time(&tnow);
	if (tnow > tstart_writing)
		rate = (double)blockswritten / (double)(tnow - tstart_writing);
	if (blockswritten <= 0 || tapesize <= 0) {
		msg("0.00%% done, nothing written yet\n");
		return;
	}
	deltat = (time_t)((double)(tnow - tstart_writing) *
	    ((double)tapesize / (double)blockswritten - 1.0));
	if (deltat < 0)
		deltat = 0;
	msg("%3.2f%% done at %.0f KB/s, finished in %jd:%02jd\n",
	    (double)blockswritten * 100.0 / (double)tapesize, rate,
	    (intmax_t)(deltat / 3600), (intmax_t)((deltat % 3600) / 60));
}
