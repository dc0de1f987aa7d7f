/*
 * /etc/dumpdates: read it, find the date of the base dump for this level,
 * and record a finished dump by replacing the file atomically.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"

struct dumpdate {
	char	*dd_name;
	char	 dd_level;
	time_t	 dd_date;
};

static struct dumpdate	*ddates;
static size_t		 nddates;

static int	 unctime(const char *, time_t *);
static void	 readdumpdates(FILE *, int);
static void	 freedumpdates(void);
static int	 ddcmp(const void *, const void *);
static void	 updatefailed(const char *, const char *, int)
		    __attribute__((noreturn));

/*
 * Parse a ctime(3) string ("Thu Nov 26 07:13:43 2026") as local time.
 * Linux dump appends the zone ("... 2026 +0100"); that form is read too,
 * and then the offset decides the time.
 */
static int
unctime(const char *s, time_t *t)
{
	struct tm tm;
	const char *e;
	long off = 0;
	int zone = 0;

	memset(&tm, 0, sizeof(tm));
	e = strptime(s, "%a %b %d %H:%M:%S %Y", &tm);
	/* Four-digit years only: the file is rewritten with ctime(3). */
	if (e == NULL || tm.tm_year < 0 || tm.tm_year > 9999 - 1900)
		return (-1);
	while (isspace((unsigned char)*e))
		e++;
	if ((e[0] == '+' || e[0] == '-') && isdigit((unsigned char)e[1]) &&
	    isdigit((unsigned char)e[2]) && isdigit((unsigned char)e[3]) &&
	    isdigit((unsigned char)e[4])) {
		if ((e[1] - '0') * 10 + (e[2] - '0') > 23 || e[3] > '5')
			return (-1);
		off = ((e[1] - '0') * 10 + (e[2] - '0')) * 3600 +
		    ((e[3] - '0') * 10 + (e[4] - '0')) * 60;
		if (e[0] == '-')
			off = -off;
		zone = 1;
		e += 5;
		while (isspace((unsigned char)*e))
			e++;
	}
	if (*e != '\0')
		return (-1);
	if (zone) {
		if ((*t = timegm(&tm)) == (time_t)-1)
			return (-1);
		*t -= off;
		return (0);
	}
	tm.tm_isdst = -1;
	if ((*t = mktime(&tm)) == (time_t)-1)
		return (-1);
	return (0);
}

static void
freedumpdates(void)
{
	size_t i;

	for (i = 0; i < nddates; i++)
		free(ddates[i].dd_name);
	free(ddates);
	ddates = NULL;
	nddates = 0;
}

/*
 * Read the table.  A line that is not "name level ctime-date" is reported
 * with its number (when report is set) and skipped; it is dropped when
 * the file is next rewritten.
 */
static void
readdumpdates(FILE *f, int report)
{
	char line[1024], *p, *name;
	struct dumpdate *nd;
	size_t len;
	time_t t;
	int lineno = 0, c, toolong;

	freedumpdates();
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		toolong = 0;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			/* Skip the rest of an over-long line. */
			while ((c = getc(f)) != EOF && c != '\n')
				continue;
			toolong = 1;
		}
		p = line;
		name = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (toolong || *name == '\0' || !isdigit((unsigned char)p[0]) ||
		    !isspace((unsigned char)p[1]) ||
		    unctime(p + 2, &t) == -1) {
			if (report)
				msg("%s: line %d: not \"name level date\"; "
				    "skipped\n", dumpdates, lineno);
			continue;
		}
		nd = reallocarray(ddates, nddates + 1, sizeof(*ddates));
		if (nd == NULL)
			quit("out of memory\n");
		ddates = nd;
		if ((ddates[nddates].dd_name = strdup(name)) == NULL)
			quit("out of memory\n");
		ddates[nddates].dd_level = p[0];
		ddates[nddates].dd_date = t;
		nddates++;
	}
	if (ferror(f))
		quit("cannot read %s: %s\n", dumpdates, strerror(errno));
}

/* By name, then newest first: the order of the file and of -W. */
static int
ddcmp(const void *a, const void *b)
{
	const struct dumpdate *x = a, *y = b;
	int r;

	if ((r = strcmp(x->dd_name, y->dd_name)) != 0)
		return (r);
	if (x->dd_date != y->dd_date)
		return (x->dd_date > y->dd_date ? -1 : 1);
	return (x->dd_level - y->dd_level);
}

/*
 * For -W and -w: read the table and hand out its entries sorted by name,
 * newest first.  Returns 0 past the end.
 */
int
dumpdate_get(size_t i, const char **name, char *lvl, time_t *date)
{
	if (i == 0) {
		initdumptimes();
		if (nddates > 1)
			qsort(ddates, nddates, sizeof(*ddates), ddcmp);
	}
	if (i >= nddates)
		return (0);
	*name = ddates[i].dd_name;
	*lvl = ddates[i].dd_level;
	*date = ddates[i].dd_date;
	return (1);
}

void
initdumptimes(void)
{
	FILE *f;

	if ((f = fopen(dumpdates, "r")) == NULL) {
		if (errno != ENOENT)
			quit("%s: %s\n", dumpdates, strerror(errno));
		return;
	}
	(void)flock(fileno(f), LOCK_SH);
	readdumpdates(f, 1);
	(void)fclose(f);
}

/* Set c_ddate and lastlevel from the latest dump at a lower level. */
void
getdumptime(void)
{
	size_t i;

	lastlevel = '0';
	spcl.c_ddate = 0;
	for (i = 0; i < nddates; i++) {
		if (strcmp(ddates[i].dd_name, disk) != 0 ||
		    ddates[i].dd_level >= level)
			continue;
		if (ddates[i].dd_date <= spcl.c_ddate)
			continue;
		spcl.c_ddate = ddates[i].dd_date;
		lastlevel = ddates[i].dd_level;
	}
	spcl.c_old_ddate = (int32_t)spcl.c_ddate;
}

/*
 * The update failed: say so, remove the temporary file, and end with the
 * abort status.  The dump itself is complete; the old table is intact.
 */
static void
updatefailed(const char *what, const char *tmp, int e)
{
	if (tmp != NULL)
		(void)unlink(tmp);
	msg("cannot update %s: %s: %s\n", dumpdates, what, strerror(e));
	msg("the dump is complete, but it is not recorded; %s is "
	    "unchanged\n", dumpdates);
	Exit(X_ABORT);
}

/*
 * Record this dump: under an exclusive lock, write the new table to a
 * temporary file in the same directory, fsync it, and rename it over the
 * old one, so a crash or a full disk leaves the old file whole.  The lock
 * is taken on the file itself; since the rename replaces that file, a
 * dump that waited for the lock checks that what it locked is still the
 * file of that name, and otherwise tries again with the new one.
 */
void
putdumptime(void)
{
	char tmp[PATH_MAX], datestr[64], *dir, *slash;
	struct stat lst, pst;
	FILE *nf;
	size_t i;
	time_t t;
	int lfd, tfd, found = 0, dfd, tries;

	for (tries = 0;; tries++) {
		if ((lfd = open(dumpdates, O_RDWR | O_CREAT, 0664)) == -1)
			updatefailed("cannot open it", NULL, errno);
		if (flock(lfd, LOCK_EX) == -1)
			updatefailed("cannot lock it", NULL, errno);
		if (fstat(lfd, &lst) == -1)
			updatefailed("fstat", NULL, errno);
		if (stat(dumpdates, &pst) == 0 && pst.st_dev == lst.st_dev &&
		    pst.st_ino == lst.st_ino)
			break;
		(void)close(lfd);
		if (tries > 100)
			updatefailed("it keeps being replaced", NULL, EAGAIN);
	}
	if ((tfd = dup(lfd)) == -1 || (nf = fdopen(tfd, "r")) == NULL)
		updatefailed("cannot read it", NULL, errno);
	readdumpdates(nf, 0);
	(void)fclose(nf);
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", dumpdates) >=
	    (int)sizeof(tmp))
		updatefailed("its name is too long", NULL, ENAMETOOLONG);
	if ((tfd = mkstemp(tmp)) == -1)
		updatefailed("cannot create a temporary file beside it",
		    NULL, errno);
	if ((nf = fdopen(tfd, "w")) == NULL)
		updatefailed(tmp, tmp, errno);
	t = (time_t)spcl.c_date;
	for (i = 0; i < nddates; i++)
		if (strcmp(ddates[i].dd_name, disk) == 0 &&
		    ddates[i].dd_level == level) {
			ddates[i].dd_date = t;
			found = 1;
		}
	if (!found) {
		struct dumpdate *nd;

		nd = reallocarray(ddates, nddates + 1, sizeof(*ddates));
		if (nd == NULL)
			updatefailed("out of memory", tmp, ENOMEM);
		ddates = nd;
		if ((ddates[nddates].dd_name = strdup(disk)) == NULL)
			updatefailed("out of memory", tmp, ENOMEM);
		ddates[nddates].dd_level = level;
		ddates[nddates].dd_date = t;
		nddates++;
	}
	qsort(ddates, nddates, sizeof(*ddates), ddcmp);
	for (i = 0; i < nddates; i++)
		(void)fprintf(nf, "%-16s %c %s", ddates[i].dd_name,
		    ddates[i].dd_level, ctime(&ddates[i].dd_date));
	if (fflush(nf) != 0 || ferror(nf) || fsync(tfd) == -1) {
		int e = errno;

		(void)fclose(nf);
		updatefailed("cannot write the new copy", tmp, e);
	}
	/* The new copy gets the old one's owner and mode, if it may. */
	(void)fchown(tfd, lst.st_uid, lst.st_gid);
	(void)fchmod(tfd, lst.st_mode & 07777);
	if (fclose(nf) != 0)
		updatefailed("cannot write the new copy", tmp, errno);
	if (rename(tmp, dumpdates) == -1)
		updatefailed("cannot rename the new copy over it", tmp,
		    errno);
	if ((dir = strdup(dumpdates)) != NULL) {
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash != NULL)
			*slash = '\0';
		if ((dfd = open(slash ? dir : ".", O_RDONLY)) != -1) {
			(void)fsync(dfd);
			(void)close(dfd);
		}
		free(dir);
	}
	(void)close(lfd);
	(void)strftime(datestr, sizeof(datestr), "%a %b %e %H:%M:%S %Y",
	    localtime(&t));
	msg("level %c dump on %s\n", level, datestr);
	freedumpdates();
}
