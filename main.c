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
int		 autoload;
int		 subset;

#define OPTSTRING	"0123456789aB:b:cD:d:f:h:L:l:nr:Ss:T:uWw"
#define ARGLETTERS	"BbDdfhLlrsT"

static void	 usage(void) __attribute__((noreturn));
static int64_t	 numarg(const char *, const char *, int64_t, int64_t);
static char	**obsolete(int *, char **);
static char	*rawname(const char *, char **);
static void	 setfsname(const char *, char *, size_t);
static char	*mountedsubset(int, char **, char **, ino_t **);
static int	 samefile(const struct stat *, const struct stat *);
static void	 notsource(const char *);

static void
usage(void)
{
	(void)fprintf(stderr,
"usage: dump [-0123456789acnSu] [-B records] [-b blocksize] [-D dumpdates]\n"
"            [-d density] [-f file] [-h level] [-L label] [-l timeout]\n"
"            [-r cachesize] [-s feet] [-T date] source [file ...]\n"
"       dump -W | -w [-D dumpdates]\n");
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
	char *dev = NULL, *rp;
	const char *name;

	*mnt = NULL;
	if (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode)) {
		/*
		 * An image is named by its absolute path, so that dumpdates
		 * knows it by one name from any directory; devices keep the
		 * name they were given.
		 */
		if (S_ISREG(st.st_mode))
			dev = realpath(arg, NULL);
		else
			dev = strdup(arg);
		if (dev == NULL)
			err(X_STARTUP, "%s", arg);
		return (dev);
	}
	/* "/home/" and "home" name the mount point /home too. */
	rp = realpath(arg, NULL);
	name = rp != NULL ? rp : arg;
	if ((mf = setmntent(_PATH_PROCMOUNTS, "r")) != NULL) {
		while ((me = getmntent(mf)) != NULL)
			if (strcmp(me->mnt_dir, name) == 0) {
				free(dev);
				free(*mnt);
				if ((dev = strdup(me->mnt_fsname)) == NULL ||
				    (*mnt = strdup(me->mnt_dir)) == NULL)
					err(X_STARTUP, NULL);
			}
		(void)endmntent(mf);
		if (dev != NULL) {
			free(rp);
			return (dev);
		}
	}
	if (setfsent() == 1) {
		while ((fs = getfsent()) != NULL)
			if (strcmp(fs->fs_file, arg) == 0 ||
			    strcmp(fs->fs_file, name) == 0 ||
			    strcmp(fs->fs_spec, arg) == 0) {
				dev = strdup(fs->fs_spec);
				*mnt = strdup(fs->fs_file);
				break;
			}
		endfsent();
		if (dev != NULL) {
			free(rp);
			return (dev);
		}
	}
	free(rp);
	if (stat(arg, &st) == 0)
		return (NULL);		/* a directory: a subset dump */
	err(X_STARTUP, "%s", arg);
}

/*
 * A subset dump of a mounted file system: every argument must be a file
 * or directory on the same mounted file system, and none may be its mount
 * point.  Returns the device, sets *mnt and the arguments' inode numbers.
 */
static char *
mountedsubset(int argc, char **argv, char **mnt, ino_t **inos)
{
	struct mntent *me;
	struct stat st, mst;
	FILE *mf;
	char *dev = NULL, *rp, *type = NULL;
	size_t best = 0;
	dev_t fsdev = 0;
	int i;

	if ((*inos = calloc((size_t)argc, sizeof(**inos))) == NULL)
		err(X_STARTUP, NULL);
	*mnt = NULL;
	for (i = 0; i < argc; i++) {
		if (lstat(argv[i], &st) == -1)
			err(X_STARTUP, "%s", argv[i]);
		if (i == 0)
			fsdev = st.st_dev;
		else if (st.st_dev != fsdev)
			errx(X_STARTUP, "%s is not on the same file system "
			    "as %s", argv[i], argv[0]);
		(*inos)[i] = st.st_ino;
	}
	if ((mf = setmntent(_PATH_PROCMOUNTS, "r")) == NULL)
		err(X_STARTUP, "%s", _PATH_PROCMOUNTS);
	while ((me = getmntent(mf)) != NULL) {
		if (stat(me->mnt_dir, &mst) == -1 || mst.st_dev != fsdev ||
		    strlen(me->mnt_dir) < best)
			continue;
		best = strlen(me->mnt_dir);
		free(dev);
		free(*mnt);
		free(type);
		if ((dev = strdup(me->mnt_fsname)) == NULL ||
		    (*mnt = strdup(me->mnt_dir)) == NULL ||
		    (type = strdup(me->mnt_type)) == NULL)
			err(X_STARTUP, NULL);
	}
	(void)endmntent(mf);
	if (dev == NULL)
		errx(X_STARTUP, "%s: cannot find the file system it is on",
		    argv[0]);
	if (strcmp(type, "ufs") != 0)
		errx(X_STARTUP, "%s: not a mount point, and the file system "
		    "it is on (%s, %s on %s) is not UFS", argv[0], dev, type,
		    *mnt);
	free(type);
	for (i = 0; i < argc; i++) {
		if ((rp = realpath(argv[i], NULL)) == NULL)
			err(X_STARTUP, "%s", argv[i]);
		if (strcmp(rp, *mnt) == 0)
			errx(X_STARTUP, "%s: cannot dump a mount point and a "
			    "list of files together", argv[i]);
		free(rp);
	}
	return (dev);
}

/* Two names for one file, or two nodes of one device. */
static int
samefile(const struct stat *a, const struct stat *b)
{
	if (a->st_dev == b->st_dev && a->st_ino == b->st_ino)
		return (1);
	return (((S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode)) ||
	    (S_ISCHR(a->st_mode) && S_ISCHR(b->st_mode))) &&
	    a->st_rdev == b->st_rdev);
}

/*
 * Refuse an output that is the source itself, under whatever name (a
 * symlink, another path, a hard link, another node of the device): it
 * would be truncated before a block of it is read.  Checked for every
 * local name of the list, and for standard output, before anything is
 * opened for writing.
 */
static void
notsource(const char *src)
{
	struct stat ss, os;
	char *copy, *e, *rh, *rpath;

	if (stat(src, &ss) == -1)
		return;		/* fs_open() says why */
	if (pipeout) {
		if (fstat(STDOUT_FILENO, &os) == 0 && samefile(&ss, &os))
			errx(X_STARTUP, "standard output is %s, the file "
			    "system being dumped", src);
		return;
	}
	if ((copy = strdup(tape)) == NULL)
		err(X_STARTUP, NULL);
	for (e = strtok(copy, ","); e != NULL; e = strtok(NULL, ",")) {
		if (rmtsplit(e, &rh, &rpath))
			continue;
		if (stat(e, &os) == 0 && samefile(&ss, &os))
			errx(X_STARTUP, "output %s is %s, the file system "
			    "being dumped; it would be overwritten", e, src);
	}
	free(copy);
}

int
main(int argc, char *argv[])
{
	struct dinode_h di;
	char *mnt, *p, *label = NULL, *Tdate = NULL, **paths = NULL;
	char *copy, *e, *rh, *rpath, *Barg = NULL;
	char fsname[NAMELEN];
	const char *why;
	ino_t *inos = NULL;
	time_t t;
	dino_t ino;
	int ch, Sflag = 0, bflag = 0, Wflag = 0, anydirskipped, pass, i;
	int npaths = 0, remote = 0;
	int64_t feet = 0;
	int sizeset = 0;
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
			Barg = optarg;
			sizeset = 1;
			break;
		case 'b':
			ntrec = (int)numarg(optarg, "blocksize (KB per record)",
			    1, MAXNTREC);
			bflag = 1;
			break;
		case 'c':
			cartridge = 1;
			sizeset = 1;
			break;
		case 'D':
			dumpdates = optarg;
			break;
		case 'd':
			density = (long)numarg(optarg, "density", 10, 327670);
			sizeset = 1;
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
		case 'l':
			autoload = (int)numarg(optarg, "autoloader timeout "
			    "(seconds)", 1, 86400);
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
			sizeset = 1;
			break;
		case 'T':
			Tdate = optarg;
			break;
		case 'u':
			uflag = 1;
			break;
		case 'W':
		case 'w':
			Wflag = ch;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (Wflag) {
		if (argc > 0) {
			warnx("-%c takes no file system argument", Wflag);
			usage();
		}
		lastdump(Wflag);
		exit(X_FINOK);
	}
	if (argc < 1) {
		warnx("must specify a file system to dump");
		usage();
	}
	if (Tdate != NULL && uflag)
		errx(X_STARTUP, "-T and -u may not be used together");

	/*
	 * Volume geometry.  Without -B, -s, -d or -c dump writes until the
	 * medium says it is full, as the modern BSDs and Linux do.
	 */
	if (!sizeset)
		unlimited = 1;
	if (density == 0)
		density = cartridge ? 8000 : 1600;
	if (!bflag)
		ntrec = density >= 6250 ? HIGHDENSITYTREC : NTREC;
	if (feet == 0)
		feet = cartridge ? 1700 : 2300;
	tsize = feet * 120;
	density /= 10;		/* bytes per 0.1 inch */
	/*
	 * A volume holds its header and the records after it: at least
	 * two records.  Checked on the value as typed, then rounded down
	 * to whole records.
	 */
	if (blocksperfile > 0 && blocksperfile < 2 * ntrec)
		errx(X_STARTUP, "-B %s is too small: a volume must hold at "
		    "least %d KB (two %d KB records)", Barg, 2 * ntrec, ntrec);
	blocksperfile -= blocksperfile % ntrec;

	if (strcmp(tape, "-") == 0) {
		pipeout = 1;
		tape = "standard output";
	} else if (strcmp(tape, "") == 0 || strstr(tape, ",,") != NULL ||
	    tape[0] == ',' || tape[strlen(tape) - 1] == ',')
		errx(X_STARTUP, "bad output list \"%s\"", tape);
	else {
		/* Check every remote name of the list now, before any I/O. */
		if ((copy = strdup(tape)) == NULL)
			err(X_STARTUP, NULL);
		for (e = strtok(copy, ","); e != NULL; e = strtok(NULL, ","))
			remote |= rmtsplit(e, &rh, &rpath);
		free(copy);
	}
	if (remote && (p = getenv("RMT_TIMEOUT")) != NULL)
		rmtsettimeout((int)numarg(p, "RMT_TIMEOUT (seconds)", 0,
		    7 * 86400));

	/*
	 * The source: a file system, or a subset of one.  A subset is
	 * either an image or device followed by paths inside it, or files
	 * and directories on one mounted file system.
	 */
	if ((disk = rawname(argv[0], &mnt)) != NULL) {
		paths = argv + 1;
		npaths = argc - 1;
		subset = npaths > 0;
		if (subset && mnt != NULL)
			errx(X_STARTUP, "%s: cannot dump a mount point and a "
			    "list of files together", argv[0]);
	} else {
		disk = mountedsubset(argc, argv, &mnt, &inos);
		npaths = argc;
		subset = 1;
	}
	notsource(disk);
	memset(&spcl, 0, sizeof(spcl));
	if (mnt != NULL)
		(void)snprintf(fsname, sizeof(fsname), "%s", mnt);
	else
		setfsname(disk, fsname, sizeof(fsname));
	if (subset) {
		(void)snprintf(spcl.c_filesys, NAMELEN, "a subset of %s",
		    mnt != NULL ? mnt : disk);
		if (level != '0') {
			msg("a subset dump is done at level 0\n");
			level = '0';
		}
		if (uflag) {
			msg("ignoring -u for a subset dump\n");
			uflag = 0;
		}
		if (Tdate != NULL) {
			msg("ignoring -T for a subset dump\n");
			Tdate = NULL;
		}
	} else
		(void)snprintf(spcl.c_filesys, NAMELEN, "%s", fsname);
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
	if (subset && inos == NULL) {
		if ((inos = calloc((size_t)npaths, sizeof(*inos))) == NULL)
			err(X_STARTUP, NULL);
		for (i = 0; i < npaths; i++)
			if ((inos[i] = lookuppath(paths[i], &why)) == 0)
				errx(X_STARTUP, "%s: %s: %s", disk, paths[i],
				    why);
	}
	for (i = 0; subset && i < npaths; i++)
		if (inos[i] < 2 || inos[i] >= maxino)
			errx(X_STARTUP, "%s: inode %ju is not in %s", argv[i],
			    (uintmax_t)inos[i], disk);

	t = (time_t)spcl.c_date;
	msg("Date of this level %c dump: %s", level, ctime(&t));
	if (spcl.c_ddate == 0)
		msg("Date of last level %c dump: the epoch\n", lastlevel);
	else {
		t = (time_t)spcl.c_ddate;
		msg("Date of last level %c dump: %s", lastlevel, ctime(&t));
	}
	if (strchr(tape, ',') == NULL && (copy = strdup(tape)) != NULL) {
		if (rmtsplit(copy, &rh, &rpath))
			msg("Dumping %s (%s) to %s on host %s\n", disk,
			    spcl.c_filesys, rpath, rh);
		else
			msg("Dumping %s (%s) to %s\n", disk, spcl.c_filesys,
			    tape);
		free(copy);
	} else
		msg("Dumping %s (%s) to %s\n", disk, spcl.c_filesys, tape);
	msg("Label: %s\n", spcl.c_label);

	mapsize = ((size_t)maxino / 8 + 1 + TP_BSIZE - 1) &
	    ~(size_t)(TP_BSIZE - 1);
	if ((usedinomap = calloc(mapsize, 1)) == NULL ||
	    (dumpdirmap = calloc(mapsize, 1)) == NULL ||
	    (dumpinomap = calloc(mapsize, 1)) == NULL)
		quit("out of memory for inode maps (%zu bytes)\n", mapsize);

	msg("mapping (Pass I) [regular files]\n");
	anydirskipped = mapfiles(maxino, &tapesize);
	for (i = 0; subset && i < npaths; i++)
		mapsubset((dino_t)inos[i], &tapesize);
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
	startnewtape(NULL, 0);
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
	/*
	 * The last look at signals and the top process: a dump that was
	 * interrupted, terminated or whose caller is gone is not recorded.
	 */
	checkwait();

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
	if (uflag) {
		checkwait();
		putdumptime();
	}
	msg("DUMP IS DONE\n");
	broadcast("DUMP IS DONE!\n");
	Exit(X_FINOK);
}
