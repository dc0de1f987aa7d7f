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
static void	 readdumpdates(FILE *);
static void	 freedumpdates(void);

/* Parse a ctime(3) string ("Thu Nov 26 07:13:43 2026") as local time. */
static int
unctime(const char *s, time_t *t)
{
	struct tm tm;
	const char *e;

	memset(&tm, 0, sizeof(tm));
	e = strptime(s, "%a %b %d %H:%M:%S %Y", &tm);
	if (e == NULL)
		return (-1);
	while (isspace((unsigned char)*e))
		e++;
	if (*e != '\0')
		return (-1);
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

static void
readdumpdates(FILE *f)
{
	char line[1024], *p, *name;
	struct dumpdate *nd;
	size_t len;
	time_t t;
	int lineno = 0;

	freedumpdates();
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		p = line;
		name = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*name == '\0' || !isdigit((unsigned char)p[0]) ||
		    !isspace((unsigned char)p[1]) ||
		    unctime(p + 2, &t) == -1) {
			msg("%s: line %d: unknown format; skipped\n",
			    dumpdates, lineno);
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
	readdumpdates(f);
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
 * Record this dump: under an exclusive lock, write the new table to a
 * temporary file in the same directory, fsync it, and rename it over the
 * old one, so a crash or a full disk leaves the old file whole.
 */
void
putdumptime(void)
{
	char tmp[PATH_MAX], datestr[64];
	FILE *nf;
	size_t i;
	time_t t;
	int lfd, tfd, found = 0, dfd;
	char *dir, *slash;

	if ((lfd = open(dumpdates, O_RDWR | O_CREAT, 0664)) == -1)
		quit("cannot update %s: %s\n", dumpdates, strerror(errno));
	if (flock(lfd, LOCK_EX) == -1)
		quit("cannot lock %s: %s\n", dumpdates, strerror(errno));
	if ((tfd = dup(lfd)) == -1 || (nf = fdopen(tfd, "r")) == NULL)
		quit("%s: %s\n", dumpdates, strerror(errno));
	readdumpdates(nf);
	(void)fclose(nf);
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", dumpdates) >=
	    (int)sizeof(tmp))
		quit("%s: name too long\n", dumpdates);
	if ((tfd = mkstemp(tmp)) == -1)
		quit("cannot update %s: %s: %s\n", dumpdates, tmp,
		    strerror(errno));
	if ((nf = fdopen(tfd, "w")) == NULL)
		quit("%s: %s\n", tmp, strerror(errno));
	t = (time_t)spcl.c_date;
	for (i = 0; i < nddates; i++) {
		if (strcmp(ddates[i].dd_name, disk) == 0 &&
		    ddates[i].dd_level == level) {
			ddates[i].dd_date = t;
			found = 1;
		}
		(void)fprintf(nf, "%-16s %c %s", ddates[i].dd_name,
		    ddates[i].dd_level, ctime(&ddates[i].dd_date));
	}
	if (!found)
		(void)fprintf(nf, "%-16s %c %s", disk, level, ctime(&t));
	if (fflush(nf) != 0 || ferror(nf) || fsync(tfd) == -1) {
		int e = errno;

		(void)fclose(nf);
		(void)unlink(tmp);
		quit("cannot update %s: %s; the old file is unchanged\n",
		    dumpdates, strerror(e));
	}
	(void)fchmod(tfd, 0664);
	if (fclose(nf) != 0 || rename(tmp, dumpdates) == -1) {
		int e = errno;

		(void)unlink(tmp);
		quit("cannot update %s: %s; the old file is unchanged\n",
		    dumpdates, strerror(e));
	}
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
