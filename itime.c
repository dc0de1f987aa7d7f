/*
 * /etc/dumpdates: read it, find the date of the base dump for this level,
 * record a finished dump under an exclusive lock (by an atomic replace, or
 * in place where the directory does not allow one), and list it for -W.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <fstab.h>
#include <inttypes.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "pathnames.h"

/* A larger file is not a table of dump dates; refused before reading. */
#define DDMAXSIZE	(64 * 1024 * 1024)
/* The temporary copy is <file>.dump-tmp.XXXXXX, beside the file. */
#define DDTMPSUFFIX	".dump-tmp."

struct dumpdate {
	char	*dd_name;	/* decoded: any bytes but NUL */
	char	 dd_level;
	time_t	 dd_date;
};

static struct dumpdate	*ddates;
static size_t		 nddates;
static char		*ddfile;	/* the file -u updates (no symlink) */

static int	 unctime(const char *, time_t *);
static void	 freedumpdates(void);
static char	*decodename(const char *, size_t);
static int	 parseline(char *, size_t, int, int);
static int	 readtable(int, int, size_t *, char **);
static int	 ddcmp(const void *, const void *);
static const char *filetype(mode_t);
static void	 loadtable(int);
static void	 prepareupdate(void);
static char	*encodename(const char *);
static char	*newtable(size_t *);
static void	 removestale(const char *, uid_t);
static int	 replacefile(const char *, const struct stat *, const char *,
		    size_t);
static void	 rewriteinplace(int, const char *, size_t, const char *,
		    size_t);
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
 * A name as the file holds it: "\\" is a backslash and "\ooo" (three
 * octal digits) the byte of that value, as fstab(5) writes a space as
 * "\040"; a backslash before anything else stands for itself, as older
 * dumps wrote such names raw.  NULL for "\000" or out of memory (errno).
 */
static char *
decodename(const char *s, size_t n)
{
	char *d, *q;
	size_t i;
	int v;

	if ((d = malloc(n + 1)) == NULL)
		return (NULL);
	for (i = 0, q = d; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			*q++ = '\\';
			i++;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' &&
		    s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
			    (s[i + 3] - '0');
			if (v == 0) {
				free(d);
				errno = EINVAL;
				return (NULL);
			}
			*q++ = (char)v;
			i += 3;
		} else
			*q++ = s[i];
	}
	*q = '\0';
	return (d);
}

/*
 * One line, without its newline: "name level date".  Returns 0 when it
 * was taken or skipped, -1 (errno) out of memory.  A bad line costs only
 * itself; an empty one (the padding an in-place update may leave after a
 * crash) is passed over in silence.
 */
static int
parseline(char *line, size_t len, int lineno, int report)
{
	struct dumpdate *nd;
	char *p, *name;
	size_t nlen;
	time_t t;

	if (len == 0)
		return (0);
	if (memchr(line, '\0', len) != NULL)
		goto bad;
	line[len] = '\0';
	for (p = line; *p != '\0' && !isspace((unsigned char)*p); p++)
		continue;
	nlen = (size_t)(p - line);
	while (isspace((unsigned char)*p))
		p++;
	if (nlen == 0 || !isdigit((unsigned char)p[0]) ||
	    !isspace((unsigned char)p[1]) || unctime(p + 2, &t) == -1)
		goto bad;
	if ((name = decodename(line, nlen)) == NULL) {
		if (errno == ENOMEM)
			return (-1);
		goto bad;
	}
	nd = reallocarray(ddates, nddates + 1, sizeof(*ddates));
	if (nd == NULL) {
		free(name);
		errno = ENOMEM;
		return (-1);
	}
	ddates = nd;
	ddates[nddates].dd_name = name;
	ddates[nddates].dd_level = p[0];
	ddates[nddates].dd_date = t;
	nddates++;
	return (0);
bad:
	if (report)
		msg("%s: line %d: not \"name level date\"; skipped\n",
		    dumpdates, lineno);
	return (0);
}

/*
 * Read the whole table from fd (from its start) and parse it.  A line
 * that is not "name level date" is reported with its number (when
 * report is set) and skipped; it is dropped when the file is next
 * rewritten.  With raw set, the bytes read are handed back too.
 * Returns 0, or -1 with errno set.
 */
static int
readtable(int fd, int report, size_t *rawlen, char **raw)
{
	struct stat st;
	char *buf, *p, *nl;
	size_t len = 0, cap;
	ssize_t n;
	int lineno = 0, e;

	freedumpdates();
	if (fstat(fd, &st) == -1)
		return (-1);
	if (st.st_size > DDMAXSIZE) {
		errno = EFBIG;
		return (-1);
	}
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		return (-1);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > DDMAXSIZE) {
				free(buf);
				errno = EFBIG;
				return (-1);
			}
			if ((p = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return (-1);
			}
			buf = p;
			cap *= 2;
		}
		n = pread(fd, buf + len, cap - 1 - len, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = errno;
			free(buf);
			errno = e;
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (raw != NULL) {
		if ((*raw = malloc(len + 1)) == NULL) {
			free(buf);
			return (-1);
		}
		memcpy(*raw, buf, len);
		*rawlen = len;
	}
	/* Lines are cut at each newline only: a NUL costs its line. */
	for (p = buf; p < buf + len; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		if (parseline(p, (size_t)(nl - p), lineno, report) == -1) {
			free(buf);
			if (raw != NULL)
				free(*raw);
			errno = ENOMEM;
			return (-1);
		}
	}
	free(buf);
	return (0);
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

static const char *
filetype(mode_t m)
{
	if (S_ISDIR(m))
		return ("a directory");
	if (S_ISCHR(m))
		return ("a character device");
	if (S_ISBLK(m))
		return ("a block device");
	if (S_ISFIFO(m))
		return ("a fifo");
	if (S_ISSOCK(m))
		return ("a socket");
	return ("not a regular file");
}

/*
 * Read the table for this dump or for -W.  Only a regular file is read
 * (a fifo would hang, a tape device would be moved); that is checked
 * before it is opened.  A missing file is an empty table, with a warning
 * when warnmissing is set.  Anything else that keeps the table from being
 * read ends dump with status 1: nothing has been written yet.
 */
static void
loadtable(int warnmissing)
{
	struct stat st;
	int fd;

	if (stat(dumpdates, &st) == -1) {
		if (errno != ENOENT)
			err(X_STARTUP, "cannot read %s", dumpdates);
		if (warnmissing)
			msg("WARNING: %s does not exist; no earlier dump is "
			    "known\n", dumpdates);
		return;
	}
	if (!S_ISREG(st.st_mode))
		errx(X_STARTUP, "%s is %s, not a regular file; dump dates "
		    "are kept only in a regular file", dumpdates,
		    filetype(st.st_mode));
	fd = open(dumpdates, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		err(X_STARTUP, "cannot read %s", dumpdates);
	if (fstat(fd, &st) == -1)
		err(X_STARTUP, "cannot read %s", dumpdates);
	if (!S_ISREG(st.st_mode))
		errx(X_STARTUP, "%s is %s, not a regular file; dump dates "
		    "are kept only in a regular file", dumpdates,
		    filetype(st.st_mode));
	(void)flock(fd, LOCK_SH);
	if (readtable(fd, 1, NULL, NULL) == -1)
		err(X_STARTUP, "cannot read %s", dumpdates);
	(void)close(fd);
}

/*
 * With -u, before anything is dumped: the file must be a regular file
 * this user may write (a missing one is created, as the BSDs do), so
 * that a dump of hours does not end unrecorded.  Through a symbolic link
 * the target is the file updated; the link stays.
 */
static void
prepareupdate(void)
{
	struct stat st;
	int fd, created = 0;

	if (stat(dumpdates, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			errx(X_STARTUP, "cannot update %s: it is %s, not a "
			    "regular file", dumpdates, filetype(st.st_mode));
		fd = open(dumpdates, O_RDWR | O_NONBLOCK | O_NOCTTY |
		    O_CLOEXEC);
	} else if (errno == ENOENT) {
		/* A dangling symbolic link: its target is created. */
		fd = open(dumpdates, O_RDWR | O_CREAT | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC, 0664);
		created = 1;
	} else
		fd = -1;
	if (fd == -1)
		err(X_STARTUP, "cannot update %s", dumpdates);
	if (fstat(fd, &st) == -1)
		err(X_STARTUP, "cannot update %s", dumpdates);
	if (!S_ISREG(st.st_mode))
		errx(X_STARTUP, "cannot update %s: it is %s, not a regular "
		    "file", dumpdates, filetype(st.st_mode));
	(void)close(fd);
	if (created)
		msg("WARNING: %s did not exist; created it empty\n",
		    dumpdates);
	if ((ddfile = realpath(dumpdates, NULL)) == NULL)
		err(X_STARTUP, "cannot update %s", dumpdates);
}

/*
 * Before the dump: with -u, check that the file can be updated; then
 * read it, reporting bad lines.  A missing file matters to a dump that
 * needs a base date (level 1 to 9).
 */
void
initdumptimes(void)
{
	if (uflag)
		prepareupdate();
	loadtable(!uflag && level > '0');
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
 * A name as the file holds it (malloc'd; NULL out of memory): as it is,
 * unless it holds a backslash or a byte outside printable ASCII other
 * than space: those are escaped (see decodename()), so that a name cannot
 * end its field or its line early, while plain names keep the BSD layout.
 */
static char *
encodename(const char *name)
{
	const unsigned char *s;
	char *enc, *q;

	if ((enc = malloc(strlen(name) * 4 + 1)) == NULL)
		return (NULL);
	for (s = (const unsigned char *)name, q = enc; *s != '\0'; s++) {
		if (*s == '\\') {
			*q++ = '\\';
			*q++ = '\\';
		} else if (*s <= ' ' || *s >= 0x7f) {
			*q++ = '\\';
			*q++ = (char)('0' + (*s >> 6));
			*q++ = (char)('0' + ((*s >> 3) & 7));
			*q++ = (char)('0' + (*s & 7));
		} else
			*q++ = (char)*s;
	}
	*q = '\0';
	return (enc);
}

/* The new table, sorted, as the bytes of the file; NULL out of memory. */
static char *
newtable(size_t *len)
{
	char *buf = NULL, *enc, *ct;
	size_t i;
	FILE *f;

	if ((f = open_memstream(&buf, len)) == NULL)
		return (NULL);
	qsort(ddates, nddates, sizeof(*ddates), ddcmp);
	for (i = 0; i < nddates; i++) {
		if ((enc = encodename(ddates[i].dd_name)) == NULL)
			break;
		ct = ctime(&ddates[i].dd_date);
		if (ct != NULL)
			(void)fprintf(f, "%-16s %c %s", enc,
			    ddates[i].dd_level, ct);
		free(enc);
		if (ct == NULL)
			break;
	}
	if (ferror(f) || fclose(f) != 0 || i < nddates) {
		free(buf);
		errno = ENOMEM;
		return (NULL);
	}
	return (buf);
}

/*
 * Remove the temporary copies a killed dump left beside the file.  Only
 * called with the exclusive lock held on the current file: a dump writes
 * its copy only while it holds that lock, and the rename that ends its
 * update also ends the copy's name, so every copy found now is left over.
 * Only regular files with the name dump gives them, owned by the user
 * running dump or by the file's owner, are touched.
 */
static void
removestale(const char *path, uid_t owner)
{
	struct dirent *de;
	struct stat st;
	const char *base, *suf;
	char *dir;
	size_t blen;
	DIR *d;
	int dfd, i;

	if ((dir = strdup(path)) == NULL)
		return;
	base = strrchr(path, '/') + 1;	/* path is absolute */
	blen = strlen(base);
	dir[base - path] = '\0';
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strncmp(de->d_name + blen, DDTMPSUFFIX,
		    sizeof(DDTMPSUFFIX) - 1) != 0)
			continue;
		suf = de->d_name + blen + sizeof(DDTMPSUFFIX) - 1;
		for (i = 0; i < 6 && isalnum((unsigned char)suf[i]); i++)
			continue;
		if (i != 6 || suf[6] != '\0')
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) ||
		    (st.st_uid != geteuid() && st.st_uid != owner))
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			msg("removed %s%s, left by an interrupted update\n",
			    dir, de->d_name);
	}
	(void)closedir(d);
	free(dir);
}

/*
 * The atomic update: the new table goes to a temporary file beside the
 * old one, with its owner, group and mode, is flushed to disk and renamed
 * over it; then the directory is flushed.  Returns 0 when done, 1 when
 * this path is not open to this user (the directory is not writable, or
 * the copy could not get the old file's owner), and ends dump otherwise.
 */
static int
replacefile(const char *path, const struct stat *lst, const char *buf,
    size_t len)
{
	static char tmp[PATH_MAX];
	char *dir;
	size_t off;
	ssize_t n;
	int tfd, dfd, e;

	if (snprintf(tmp, sizeof(tmp), "%s" DDTMPSUFFIX "XXXXXX", path) >=
	    (int)sizeof(tmp))
		updatefailed("its name is too long", NULL, ENAMETOOLONG);
	if ((tfd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		if (errno == EACCES || errno == EPERM)
			return (1);
		updatefailed("cannot create a temporary file beside it",
		    NULL, errno);
	}
	if (fchown(tfd, lst->st_uid, lst->st_gid) == -1 ||
	    fchmod(tfd, lst->st_mode & 07777) == -1) {
		(void)close(tfd);
		(void)unlink(tmp);
		return (1);
	}
	for (off = 0; off < len; off += (size_t)n) {
		n = write(tfd, buf + off, len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			e = n == 0 ? EIO : errno;
			(void)close(tfd);
			updatefailed("cannot write the new copy", tmp, e);
		}
	}
	if (fsync(tfd) == -1) {
		e = errno;
		(void)close(tfd);
		updatefailed("cannot write the new copy", tmp, e);
	}
	if (close(tfd) == -1)
		updatefailed("cannot write the new copy", tmp, errno);
	if (rename(tmp, path) == -1)
		updatefailed("cannot rename the new copy over it", tmp,
		    errno);
	if ((dir = strdup(path)) != NULL) {
		dir[strrchr(path, '/') - path + 1] = '\0';
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
		    -1) {
			(void)fsync(dfd);
			(void)close(dfd);
		}
		free(dir);
	}
	return (0);
}

/*
 * The update in place, for a file this user may write in a directory he
 * may not (Amanda's user backup in group disk).  One write of the whole
 * new table from the start, padded with newlines to the old length so
 * that no old byte survives it, then fsync and the cut to the new length.
 * Blocks for a longer table are reserved first, so a full disk fails
 * before a byte changes; a write that fails puts the old bytes back.
 */
static void
rewriteinplace(int lfd, const char *buf, size_t len, const char *old,
    size_t oldlen)
{
	char *pad = NULL;
	const char *w = buf;
	size_t wlen = len;
	ssize_t n;
	int e;

	if (len > oldlen && (e = posix_fallocate(lfd, 0, (off_t)len)) != 0 &&
	    e != EOPNOTSUPP && e != EINVAL) {
		(void)ftruncate(lfd, (off_t)oldlen);
		updatefailed("cannot make room to rewrite it in place", NULL,
		    e);
	}
	if (oldlen > len) {
		if ((pad = malloc(oldlen)) == NULL)
			updatefailed("out of memory", NULL, ENOMEM);
		memcpy(pad, buf, len);
		memset(pad + len, '\n', oldlen - len);
		w = pad;
		wlen = oldlen;
	}
	do
		n = pwrite(lfd, w, wlen, 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)wlen) {
		e = n == -1 ? errno : EIO;
		free(pad);
		if (pwrite(lfd, old, oldlen, 0) != (ssize_t)oldlen ||
		    ftruncate(lfd, (off_t)oldlen) == -1) {
			msg("cannot update %s: cannot rewrite it in place: "
			    "%s\n", dumpdates, strerror(e));
			msg("the dump is complete, but it is not recorded; "
			    "%s may hold a mixture of old and new lines\n",
			    dumpdates);
			Exit(X_ABORT);
		}
		updatefailed("cannot rewrite it in place", NULL, e);
	}
	free(pad);
	if (fsync(lfd) == -1 || ftruncate(lfd, (off_t)len) == -1 ||
	    fsync(lfd) == -1)
		updatefailed("cannot rewrite it in place", NULL, errno);
}

/*
 * Record this dump.  Under an exclusive lock on the file, read it again
 * (other dumps may have recorded theirs since this one started), merge,
 * and write the new table: by an atomic replace where the directory
 * allows it, else in place.  The lock is taken on the file itself; since
 * a replace puts a new file under the name, a dump that waited for the
 * lock checks that what it locked is still the file of that name, and
 * otherwise tries again with the new one.
 */
void
putdumptime(void)
{
	char datestr[64], *buf, *old = NULL;
	struct stat lst, pst;
	struct dumpdate *nd;
	size_t i, len, oldlen = 0;
	time_t t;
	int lfd, found = 0, tries;

	/* Set by prepareupdate(), which -u runs before the dump. */
	if (ddfile == NULL && (ddfile = realpath(dumpdates, NULL)) == NULL)
		updatefailed("cannot open it", NULL, errno);
	for (tries = 0;; tries++) {
		if ((lfd = open(ddfile, O_RDWR | O_CREAT | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0664)) == -1)
			updatefailed("cannot open it", NULL, errno);
		if (fstat(lfd, &lst) == -1)
			updatefailed("fstat", NULL, errno);
		if (!S_ISREG(lst.st_mode))
			updatefailed(filetype(lst.st_mode), NULL, EINVAL);
		if (flock(lfd, LOCK_EX) == -1)
			updatefailed("cannot lock it", NULL, errno);
		if (fstat(lfd, &lst) == -1)
			updatefailed("fstat", NULL, errno);
		if (stat(ddfile, &pst) == 0 && pst.st_dev == lst.st_dev &&
		    pst.st_ino == lst.st_ino)
			break;
		(void)close(lfd);
		if (tries > 100)
			updatefailed("it keeps being replaced", NULL, EAGAIN);
	}
	if (readtable(lfd, 0, &oldlen, &old) == -1)
		updatefailed("cannot read it", NULL, errno);
	t = (time_t)spcl.c_date;
	for (i = 0; i < nddates; i++)
		if (strcmp(ddates[i].dd_name, disk) == 0 &&
		    ddates[i].dd_level == level) {
			ddates[i].dd_date = t;
			found = 1;
		}
	if (!found) {
		nd = reallocarray(ddates, nddates + 1, sizeof(*ddates));
		if (nd == NULL)
			updatefailed("out of memory", NULL, ENOMEM);
		ddates = nd;
		if ((ddates[nddates].dd_name = strdup(disk)) == NULL)
			updatefailed("out of memory", NULL, ENOMEM);
		ddates[nddates].dd_level = level;
		ddates[nddates].dd_date = t;
		nddates++;
	}
	if ((buf = newtable(&len)) == NULL)
		updatefailed("out of memory", NULL, ENOMEM);
	removestale(ddfile, lst.st_uid);
	if (replacefile(ddfile, &lst, buf, len) != 0)
		rewriteinplace(lfd, buf, len, old, oldlen);
	free(buf);
	free(old);
	(void)close(lfd);
	(void)strftime(datestr, sizeof(datestr), "%a %b %e %H:%M:%S %Y",
	    localtime(&t));
	msg("level %c dump on %s\n", level, datestr);
	freedumpdates();
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
		errx(X_STARTUP, "out of memory");
	fsents = n;
	f = &fsents[nfsents++];
	memset(f, 0, sizeof(*f));
	if ((f->fe_spec = strdup(spec)) == NULL ||
	    (f->fe_file = strdup(file)) == NULL)
		errx(X_STARTUP, "out of memory");
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
 * dump at all are due too and listed last.  A missing dumpdates is an
 * empty one, with a warning; one that cannot be read ends -W with status
 * 1, as the listing would be wrong.
 */
void
lastdump(int arg)
{
	const char *name, *last = NULL;
	struct fsent *fe;
	char date[32], *enc;
	time_t now;
	size_t i;
	int due;

	(void)time(&now);
	loadtable(1);
	if (nddates > 1)
		qsort(ddates, nddates, sizeof(*ddates), ddcmp);
	readfstabs();
	(void)printf("%s\n", arg == 'w' ? "Dump these file systems:" :
	    "Last dump(s) done (Dump '>' file systems):");
	for (i = 0; i < nddates; i++) {
		name = ddates[i].dd_name;
		if (last != NULL && strcmp(name, last) == 0)
			continue;	/* an older entry of the same one */
		last = name;
		fe = findfsent(name);
		if (fe != NULL)
			fe->fe_seen = 1;
		due = fe != NULL && fe->fe_freq > 0 &&
		    ddates[i].dd_date < now - (time_t)fe->fe_freq * 86400;
		if (arg == 'w' && !due)
			continue;
		(void)snprintf(date, sizeof(date), "%.16s",
		    ctime(&ddates[i].dd_date));
		if ((enc = encodename(name)) == NULL)
			errx(X_STARTUP, "out of memory");
		(void)printf("%c %8s\t(%6s) Last dump: Level %c, Date %s\n",
		    due && arg != 'w' ? '>' : ' ', enc,
		    fe != NULL ? fe->fe_file : "", ddates[i].dd_level, date);
		free(enc);
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
