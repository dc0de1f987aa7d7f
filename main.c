/*
 * dump(8): options in the dash and the old key form, choosing the file
 * system, running the passes in order, the summary and the exit status.
 */
#include <sys/types.h>
#include <sys/stat.h>

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

char		*disk;
char		*tape;
char		*host;
char		*dumpdates = _PATH_DUMPDATES;
char		 lastlevel;
char		 level = '0';
int		 uflag;
int		 notify;
int		 pipeout;
int		 unlimited;
int		 cartridge;
int		 honorlevel = 1;
int		 ntrec;
long		 density;
int64_t		 tsize;
int64_t		 blocksperfile;
int64_t		 tapesize;
time_t		 tstart_writing;
struct s_spcl	 spcl;
unsigned char	*usedinomap, *dumpdirmap, *dumpinomap;
size_t		 mapsize;
dino_t		 curino;
int		 cachesize;

#define OPTSTRING	"0123456789aB:b:cD:d:f:h:L:nr:Ss:T:uWw"
#define ARGLETTERS	"BbDdfhLrsT"

static void	 usage(void) __attribute__((noreturn));
static int64_t	 numarg(const char *, const char *, int64_t, int64_t);
static char	**obsolete(int *, char **);
static char	*rawname(const char *, char **);
static void	 setfsname(const char *, char *, size_t);

static void
usage(void)
{
	(void)fprintf(stderr,
"usage: dump [-0123456789acnSu] [-B records] [-b blocksize] [-D dumpdates]\n"
"            [-d density] [-f file] [-h level] [-L label] [-r cachesize]\n"
"            [-s feet] [-T date] source\n");
	exit(X_STARTUP);
}

/* Parse a whole decimal number in [lo, hi]; anything else is fatal. */
static int64_t
numarg(const char *s, const char *what, int64_t lo, int64_t hi)
{
	char *ep;
	long long v;

	errno = 0;
	v = strtoll(s, &ep, 10);
	if (*s == '\0' || *ep != '\0' || errno == ERANGE || v < lo || v > hi)
		errx(X_STARTUP, "invalid %s: %s (must be %jd to %jd)", what,
		    s, (intmax_t)lo, (intmax_t)hi);
	return ((int64_t)v);
}

/*
 * The old key form: "dump 0uf /dev/nst0 /home".  Rewrite it into dash
 * form, the key's letters taking their arguments in order.
 */
static char **
obsolete(int *argcp, char **argv)
{
	char **nargv, **np, *key, *p;
	int argc = *argcp, i;
	char opt[3];

	if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0')
		return (argv);
	key = argv[1];
	if ((nargv = calloc((size_t)argc + strlen(key) + 1,
	    sizeof(*nargv))) == NULL)
		err(X_STARTUP, NULL);
	np = nargv;
	*np++ = argv[0];
	i = 2;
	for (p = key; *p != '\0'; p++) {
		opt[0] = '-';
		opt[1] = *p;
		opt[2] = '\0';
		if ((*np++ = strdup(opt)) == NULL)
			err(X_STARTUP, NULL);
		if (strchr(ARGLETTERS, *p) != NULL) {
			if (i >= argc) {
				warnx("option requires an argument -- %c", *p);
				usage();
			}
			*np++ = argv[i++];
		}
	}
	while (i < argc)
		*np++ = argv[i++];
	*np = NULL;
	*argcp = (int)(np - nargv);
	return (nargv);
}

/* For c_filesys: the mount point of dev, if the tables know it. */
static void
setfsname(const char *dev, char *out, size_t len)
{
	struct mntent *me;
	struct fstab *fs;
	FILE *mf;

	if ((mf = setmntent(_PATH_PROCMOUNTS, "r")) != NULL) {
		while ((me = getmntent(mf)) != NULL)
			if (strcmp(me->mnt_fsname, dev) == 0) {
				(void)snprintf(out, len, "%s", me->mnt_dir);
				(void)endmntent(mf);
				return;
			}
		(void)endmntent(mf);
	}
	if (setfsent() == 1) {
		while ((fs = getfsent()) != NULL)
			if (strcmp(fs->fs_spec, dev) == 0) {
				(void)snprintf(out, len, "%s", fs->fs_file);
				endfsent();
				return;
			}
		endfsent();
	}
	(void)snprintf(out, len, "an unlisted file system");
}

/*
 * Turn the source argument into a device or image path: a file or device
 * is used as it is; a mount point or an fstab entry names its device.
 */
static char *
rawname(const char *arg, char **mnt)
{
	struct mntent *me;
	struct fstab *fs;
	struct stat st;
	FILE *mf;
	char *dev = NULL;

	*mnt = NULL;
	if (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode)) {
		if ((dev = strdup(arg)) == NULL)
			err(X_STARTUP, NULL);
		return (dev);
	}
	if ((mf = setmntent(_PATH_PROCMOUNTS, "r")) != NULL) {
		while ((me = getmntent(mf)) != NULL)
			if (strcmp(me->mnt_dir, arg) == 0) {
				dev = strdup(me->mnt_fsname);
				*mnt = strdup(me->mnt_dir);
			}
		(void)endmntent(mf);
		if (dev != NULL)
			return (dev);
	}
	if (setfsent() == 1) {
		while ((fs = getfsent()) != NULL)
			if (strcmp(fs->fs_file, arg) == 0 ||
			    strcmp(fs->fs_spec, arg) == 0) {
				dev = strdup(fs->fs_spec);
				*mnt = strdup(fs->fs_file);
				break;
			}
		endfsent();
		if (dev != NULL)
			return (dev);
	}
	if (stat(arg, &st) == 0)
		errx(X_STARTUP, "%s: is a directory but not a mount point "
		    "of a file system", arg);
	err(X_STARTUP, "%s", arg);
}

int
main(int argc, char *argv[])
{
	struct dinode_h di;
	char *mnt, *p, *label = NULL, *Tdate = NULL;
	time_t t;
	dino_t ino;
	int ch, Sflag = 0, bflag = 0, anydirskipped, pass;
	int64_t feet = 0;
	double fetapes;
	struct tm tm;

	setvbuf(stderr, NULL, _IOLBF, 0);
	if ((p = getenv("TAPE")) != NULL && *p != '\0')
		tape = p;
	else
		tape = _PATH_DEFTAPE;
	argv = obsolete(&argc, argv);
	while ((ch = getopt(argc, argv, OPTSTRING)) != -1)
		switch (ch) {
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			level = (char)ch;
			break;
		case 'a':
			unlimited = 1;
			break;
		case 'B':
			blocksperfile = numarg(optarg, "number of blocks per "
			    "volume", 1, INT64_MAX / TP_BSIZE);
			break;
		case 'b':
			ntrec = (int)numarg(optarg, "blocksize (KB per record)",
			    1, MAXNTREC);
			bflag = 1;
			break;
		case 'c':
			cartridge = 1;
			break;
		case 'D':
			dumpdates = optarg;
			break;
		case 'd':
			density = (long)numarg(optarg, "density", 10, 327670);
			break;
		case 'f':
			tape = optarg;
			break;
		case 'h':
			honorlevel = (int)numarg(optarg, "honor level", 0, 10);
			break;
		case 'L':
			label = optarg;
			break;
		case 'n':
			notify = 1;
			break;
		case 'r':
			cachesize = (int)numarg(optarg, "cache size (KB)", 0,
			    1024 * 1024);
			break;
		case 'S':
			Sflag = 1;
			break;
		case 's':
			feet = numarg(optarg, "tape length (feet)", 1,
			    INT64_MAX / 120);
			break;
		case 'T':
			Tdate = optarg;
			break;
		case 'u':
			uflag = 1;
			break;
		case 'W':
		case 'w':
			errx(X_STARTUP, "-%c is not implemented yet", ch);
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		warnx("must specify a file system to dump");
		usage();
	}
	if (argc > 1) {
		warnx("too many arguments: %s", argv[1]);
		usage();
	}
	if (Tdate != NULL && uflag)
		errx(X_STARTUP, "-T and -u may not be used together");

	/* Volume geometry. */
	if (density == 0)
		density = cartridge ? 8000 : 1600;
	if (!bflag)
		ntrec = density >= 6250 ? HIGHDENSITYTREC : NTREC;
	if (feet == 0)
		feet = cartridge ? 1700 : 2300;
	tsize = feet * 120;
	density /= 10;		/* bytes per 0.1 inch */
	if (blocksperfile > 0)
		blocksperfile -= blocksperfile % ntrec;
	if (blocksperfile > 0 && blocksperfile < 2 * ntrec)
		errx(X_STARTUP, "-B %jd is too small for %d KB records",
		    (intmax_t)blocksperfile, ntrec);

	if (strcmp(tape, "-") == 0) {
		pipeout = 1;
		tape = "standard output";
	} else
		(void)rmtsplit(tape, &host, &tape);

	disk = rawname(argv[0], &mnt);
	memset(&spcl, 0, sizeof(spcl));
	if (mnt != NULL)
		(void)snprintf(spcl.c_filesys, NAMELEN, "%s", mnt);
	else
		setfsname(disk, spcl.c_filesys, NAMELEN);
	(void)snprintf(spcl.c_dev, NAMELEN, "%s", disk);
	if (gethostname(spcl.c_host, NAMELEN) == -1)
		(void)snprintf(spcl.c_host, NAMELEN, "unknown");
	spcl.c_host[NAMELEN - 1] = '\0';
	(void)snprintf(spcl.c_label, LBLSIZE, "%s",
	    label != NULL ? label : "none");
	spcl.c_level = level - '0';
	spcl.c_type = TS_TAPE;

	(void)time(&t);
	spcl.c_date = t;
	spcl.c_old_date = (int32_t)t;
	if (Tdate != NULL) {
		memset(&tm, 0, sizeof(tm));
		p = strptime(Tdate, "%a %b %d %H:%M:%S %Y", &tm);
		if (p == NULL || *p != '\0')
			errx(X_STARTUP, "bad -T date: %s (use the ctime(3) "
			    "format, e.g. \"Thu Nov 26 07:13:43 2026\")",
			    Tdate);
		tm.tm_isdst = -1;
		spcl.c_ddate = mktime(&tm);
		spcl.c_old_ddate = (int32_t)spcl.c_ddate;
		lastlevel = '?';
	} else {
		initdumptimes();
		getdumptime();
	}

	/* Open the file system before anything is written. */
	fs_open(disk);
	spcl.c_flags = (sblock.fs_ufs2 || sblock.fs_inodefmt >=
	    2) ? DR_NEWINODEFMT : 0;
	spcl.c_magic = sblock.fs_ufs2 ? FS_UFS2_MAGIC_TAPE : NFS_MAGIC;

	t = (time_t)spcl.c_date;
	msg("Date of this level %c dump: %s", level, ctime(&t));
	if (spcl.c_ddate == 0)
		msg("Date of last level %c dump: the epoch\n", lastlevel);
	else {
		t = (time_t)spcl.c_ddate;
		msg("Date of last level %c dump: %s", lastlevel, ctime(&t));
	}
	msg("Dumping %s (%s) to %s%s%s\n", disk, spcl.c_filesys, tape,
	    host ? " on host " : "", host ? host : "");
	msg("Label: %s\n", spcl.c_label);

	mapsize = ((size_t)maxino / 8 + 1 + TP_BSIZE - 1) &
	    ~(size_t)(TP_BSIZE - 1);
	if ((usedinomap = calloc(mapsize, 1)) == NULL ||
	    (dumpdirmap = calloc(mapsize, 1)) == NULL ||
	    (dumpinomap = calloc(mapsize, 1)) == NULL)
		quit("out of memory for inode maps (%zu bytes)\n", mapsize);

	msg("mapping (Pass I) [regular files]\n");
	anydirskipped = mapfiles(maxino, &tapesize);
	msg("mapping (Pass II) [directories]\n");
	pass = 0;
	while (anydirskipped) {
		anydirskipped = mapdirs(maxino, &tapesize);
		if (++pass > 1000)
			break;
	}

	/* The maps, their headers, the volume header and the trailer. */
	tapesize += 2 * (int64_t)(mapsize / TP_BSIZE + 1) + 1 + ntrec;
	if (pipeout || unlimited) {
		msg("estimated %jd tape blocks.\n", (intmax_t)tapesize);
		fetapes = 1;
	} else {
		if (blocksperfile > 0)
			fetapes = (double)tapesize / (double)blocksperfile;
		else
			fetapes = ((double)tapesize * TP_BSIZE /
			    (double)density + (double)tapesize / ntrec *
			    (cartridge ? 16 : density >= 625 ? 5 : 8)) /
			    (double)tsize;
		msg("estimated %jd tape blocks on %3.2f volume(s).\n",
		    (intmax_t)tapesize, fetapes);
	}
	if (Sflag) {
		(void)printf("%jd\n", (intmax_t)tapesize * TP_BSIZE);
		exit(X_FINOK);
	}

	alloctape();
	(void)time(&tstart_writing);
	startnewtape(1);
	dumpmap(usedinomap, TS_CLRI, maxino - 1);

	msg("dumping (Pass III) [directories]\n");
	dumpmap(dumpinomap, TS_BITS, 2);
	for (ino = 2; ino < maxino; ino++) {
		if (!TSTINO(ino, dumpdirmap) || !TSTINO(ino, dumpinomap))
			continue;
		if (getino(ino, &di) == -1 || (di.di_mode & 0170000) !=
		    0040000)
			continue;
		dumpino(&di, ino);
	}
	msg("dumping (Pass IV) [regular files]\n");
	for (ino = 2; ino < maxino; ino++) {
		if (!TSTINO(ino, dumpinomap))
			continue;
		if (getino(ino, &di) == -1 || di.di_mode == 0 ||
		    (di.di_mode & 0170000) == 0040000)
			continue;
		dumpino(&di, ino);
	}
	trailer();

	(void)time(&t);
	msg("%jd tape blocks on %d volume%s\n", (intmax_t)blockswritten,
	    tapeno, tapeno == 1 ? "" : "s");
	msg("Date this dump completed: %s", ctime(&t));
	if (t > tstart_writing)
		msg("Average transfer rate: %jd KB/s\n",
		    (intmax_t)(blockswritten / (t - tstart_writing)));
	if (dumperrors > 0) {
		msg("%jd error%s: this dump is not complete\n",
		    (intmax_t)dumperrors, dumperrors == 1 ? "" : "s");
		if (uflag)
			msg("%s not updated\n", dumpdates);
		msg("DUMP IS DONE, WITH ERRORS\n");
		Exit(X_ABORT);
	}
	if (uflag)
		putdumptime();
	msg("DUMP IS DONE\n");
	Exit(X_FINOK);
}
