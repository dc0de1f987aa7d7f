/*
 * The operator: all "  DUMP: " messages, questions asked on the terminal,
 * progress and time left, and the final abort path.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <fstab.h>
#include <limits.h>
#include <mntent.h>
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

/* One file system of the tables, for -W and -w. */
struct fsent {
	char	*fe_spec;	/* device as written in the table */
	char	*fe_real;	/* the device it resolves to, or NULL */
	char	*fe_file;	/* mount point */
	int	 fe_freq;	/* dump frequency in days, 0 none */
	int	 fe_ufs;
	int	 fe_seen;	/* has a dumpdates entry */
};

static struct fsent	*fsents;
static size_t		 nfsents;

/* The device a table entry names: UUID= and LABEL= as udev links them. */
static char *
resolvedev(const char *spec)
{
	char path[PATH_MAX];

	if (spec[0] != '/' && strncmp(spec, "UUID=", 5) != 0 &&
	    strncmp(spec, "LABEL=", 6) != 0)
		return (NULL);		/* "tmpfs", "proc": no device */
	if (strncmp(spec, "UUID=", 5) == 0)
		(void)snprintf(path, sizeof(path), "/dev/disk/by-uuid/%s",
		    spec + 5);
	else if (strncmp(spec, "LABEL=", 6) == 0)
		(void)snprintf(path, sizeof(path), "/dev/disk/by-label/%s",
		    spec + 6);
	else
		(void)snprintf(path, sizeof(path), "%s", spec);
	return (realpath(path, NULL));
}

static void
addfsent(const char *spec, const char *file, int freq, int ufs)
{
	struct fsent *n, *f;

	if ((n = reallocarray(fsents, nfsents + 1, sizeof(*n))) == NULL)
		quit("out of memory\n");
	fsents = n;
	f = &fsents[nfsents++];
	memset(f, 0, sizeof(*f));
	if ((f->fe_spec = strdup(spec)) == NULL ||
	    (f->fe_file = strdup(file)) == NULL)
		quit("out of memory\n");
	f->fe_real = resolvedev(spec);
	f->fe_freq = freq;
	f->fe_ufs = ufs;
}

/* Read /etc/fstab, then the mount table for what fstab does not list. */
static void
readfstabs(void)
{
	struct fstab *fs;
	struct mntent *me;
	FILE *mf;

	if (setfsent() == 1) {
		while ((fs = getfsent()) != NULL)
			addfsent(fs->fs_spec, fs->fs_file, fs->fs_freq,
			    strcmp(fs->fs_vfstype, "ufs") == 0);
		endfsent();
	}
	if ((mf = setmntent(_PATH_PROCMOUNTS, "r")) != NULL) {
		while ((me = getmntent(mf)) != NULL)
			addfsent(me->mnt_fsname, me->mnt_dir, 0, 0);
		(void)endmntent(mf);
	}
}

/* The first table entry (fstab before the mount table) naming a device. */
static struct fsent *
findfsent(const char *name)
{
	struct fsent *fe = NULL;
	char *real;
	size_t i;

	real = realpath(name, NULL);
	for (i = 0; i < nfsents && fe == NULL; i++)
		if (strcmp(fsents[i].fe_spec, name) == 0 || (real != NULL &&
		    fsents[i].fe_real != NULL &&
		    strcmp(fsents[i].fe_real, real) == 0))
			fe = &fsents[i];
	free(real);
	return (fe);
}

/*
 * -W: the newest dump of each file system in dumpdates, '>' marking those
 * due (fstab gives a dump frequency in days and the last dump is older);
 * -w: only those due.  UFS file systems in fstab with a frequency but no
 * dump at all are due too and listed last.
 */
void
lastdump(int arg)
{
	const char *name, *last = NULL;
	struct fsent *fe;
	char lvl, date[32];
	time_t t, now;
	size_t i;
	int due;

	(void)time(&now);
	readfstabs();
	(void)printf("%s\n", arg == 'w' ? "Dump these file systems:" :
	    "Last dump(s) done (Dump '>' file systems):");
	for (i = 0; dumpdate_get(i, &name, &lvl, &t); i++) {
		if (last != NULL && strcmp(name, last) == 0)
			continue;	/* an older entry of the same one */
		last = name;
		fe = findfsent(name);
		if (fe != NULL)
			fe->fe_seen = 1;
		due = fe != NULL && fe->fe_freq > 0 &&
		    t < now - (time_t)fe->fe_freq * 86400;
		if (arg == 'w' && !due)
			continue;
		(void)snprintf(date, sizeof(date), "%.16s", ctime(&t));
		(void)printf("%c %8s\t(%6s) Last dump: Level %c, Date %s\n",
		    due && arg != 'w' ? '>' : ' ', name,
		    fe != NULL ? fe->fe_file : "", lvl, date);
	}
	for (i = 0; i < nfsents; i++) {
		fe = &fsents[i];
		if (!fe->fe_ufs || fe->fe_freq <= 0 || fe->fe_seen ||
		    findfsent(fe->fe_spec) != fe)
			continue;
		(void)printf("%c %8s\t(%6s) Last dump: never\n",
		    arg == 'w' ? ' ' : '>', fe->fe_spec, fe->fe_file);
	}
	(void)fflush(stdout);
}
