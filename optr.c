/*
 * The operator: all "  DUMP: " messages, questions asked on the terminal,
 * progress and time left, and the final abort path.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "pathnames.h"

static time_t	tschedule;

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
 * Returns 1 for yes, 0 for no; aborts when there is no terminal.
 */
int
query(const char *question)
{
	char buf[64];
	FILE *tty;
	int fails = 0, r = -1;

	if ((tty = fopen(_PATH_TTY, "r")) == NULL)
		quit("%s: no terminal to ask the operator (%s); "
		    "giving up\n", question, strerror(errno));
	while (r < 0) {
		(void)fprintf(stderr, "  DUMP: %s: (\"yes\" or \"no\") ",
		    question);
		(void)fflush(stderr);
		if (fgets(buf, sizeof(buf), tty) == NULL) {
			clearerr(tty);
			if (terminating()) {
				(void)fclose(tty);
				quit("terminated while waiting for an "
				    "answer\n");
			}
			if (++fails > 30) {
				(void)fclose(tty);
				quit("excessive operator query failures\n");
			}
			continue;
		}
		if (buf[0] == 'y' || buf[0] == 'Y')
			r = 1;
		else if (buf[0] == 'n' || buf[0] == 'N')
			r = 0;
		else
			(void)fprintf(stderr, "  DUMP: \"Yes\" or \"No\"?\n");
	}
	(void)fclose(tty);
	return (r);
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
