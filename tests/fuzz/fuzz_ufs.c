/*
 * Fuzz harness for the UFS reader (traverse.c): superblock probe and
 * checks, cylinder groups, inode decoding, block maps (direct and
 * indirect), directory parsing, and the piece lists of passes III/IV.
 *
 * traverse.c is included whole, so its static functions and buffers can
 * be reset between runs.  The tape side is stubbed: headers and blocks are
 * counted, disk runs are read with bread() as a slave would.  quit() and
 * err() jump back here instead of exiting.
 *
 * Input format: a list of chunks, each
 *	u32 little-endian offset, u16 little-endian length, length bytes
 * written into a zero-filled image of IMGSIZE bytes (offsets wrap).  A
 * truncated last chunk is written as far as it goes.  mkseed.c turns real
 * images into this format.
 *
 * Built with -fsanitize=fuzzer it is a libFuzzer target; with -DSTANDALONE
 * it is a program that runs each file named on its command line once (the
 * regression corpus of "bmake test").
 */
#include <err.h>
#include <setjmp.h>
#include <stdarg.h>
#include <sys/mman.h>

static jmp_buf	fz_jb;
static int	fz_verbose;

static void fz_errx(int, const char *, ...) __attribute__((noreturn));
/* err() and errx() both end the run; the harness has no errno to add. */
#define err	fz_errx
#define errx	fz_errx
#include "../../traverse.c"
#undef err
#undef errx

#define IMGSIZE		(16 * 1024 * 1024)

/* What main.c and the other files define for traverse.c. */
char		*disk = "fuzz";
char		*tape = "fuzz-out";
char		*host;
char		 level = '0';
int		 honorlevel = 1;
struct s_spcl	 spcl;
unsigned char	*usedinomap, *dumpdirmap, *dumpinomap;
size_t		 mapsize;
dino_t		 curino;
int64_t		 tapesize;
int		 isslave;
int		 subset;

static int64_t	fz_blocks;	/* tape blocks "written" */

/*
 * A sparse file may be petabytes long and still sound: its holes cost a
 * header per TP_NINDIR blocks.  Past this many tape blocks the run is
 * ended as if done, so such inputs are not reported as hangs.
 */
#define FZ_MAXBLOCKS	(256 * 1024)

static void
fz_vmsg(const char *fmt, va_list ap)
{
	if (fz_verbose) {
		(void)fprintf(stderr, "  DUMP: ");
		(void)vfprintf(stderr, fmt, ap);
	}
}

static void
fz_errx(int status, const char *fmt, ...)
{
	va_list ap;

	(void)status;
	va_start(ap, fmt);
	fz_vmsg(fmt, ap);
	va_end(ap);
	if (fz_verbose)
		(void)fprintf(stderr, "\n");
	longjmp(fz_jb, 1);
}

void
msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fz_vmsg(fmt, ap);
	va_end(ap);
}

void
quit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fz_vmsg(fmt, ap);
	va_end(ap);
	longjmp(fz_jb, 1);
}

int
query(const char *q)
{
	quit("%s: no operator while fuzzing\n", q);
}

void
dumpabort(int signo)
{
	(void)signo;
	longjmp(fz_jb, 1);
}

void
Exit(int status)
{
	(void)status;
	longjmp(fz_jb, 1);
}

void
writeheader(dino_t ino)
{
	(void)ino;
	if (spcl.c_count < 0 || spcl.c_count > TP_NINDIR)
		abort();
	if (++fz_blocks > FZ_MAXBLOCKS)
		longjmp(fz_jb, 1);
}

void
writeblock(const void *blk)
{
	(void)blk;
	fz_blocks++;
}

/* A slave would read this run; do it, so bad offsets show. */
void
dumpdisk(off_t off, size_t len, int ntp)
{
	static unsigned char buf[TP_NINDIR * TP_BSIZE];

	if (ntp < 1 || ntp > TP_NINDIR || len > (size_t)ntp * TP_BSIZE)
		abort();
	(void)bread(off, buf, len);
	fz_blocks += ntp;
}

ssize_t
cread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return (n);
}

/* Statics of traverse.c that change between runs. */
static void
fz_reset_local(void)
{
	readerrs = 0;
	readerrs_since = 0;
	free(reported.r_tab);
	free(badsects.r_tab);
	memset(&reported, 0, sizeof(reported));
	memset(&badsects, 0, sizeof(badsects));
	memset(&walk, 0, sizeof(walk));
	walking = 0;
}

/* Undo everything fs_open() and the passes leave behind. */
static void
fz_reset(void)
{
	int i;

	if (diskfd != -1)
		(void)close(diskfd);
	diskfd = -1;
	free(inobuf);
	free(dirbuf);
	free(piecedata);
	inobuf = dirbuf = piecedata = NULL;
	for (i = 0; i < UFS_NIADDR; i++) {
		free(indirbuf[i]);
		indirbuf[i] = NULL;
	}
	free(usedinomap);
	free(dumpdirmap);
	free(dumpinomap);
	usedinomap = dumpdirmap = dumpinomap = NULL;
	fz_reset_local();
	inoblk = -1;
	memset(inobad, 0, sizeof(inobad));
	npieces = 0;
	firsthdr = 0;
	dumperrors = 0;
	memset(&sblock, 0, sizeof(sblock));
	memset(&spcl, 0, sizeof(spcl));
	maxino = 0;
	mapsize = 0;
	tapesize = 0;
	fz_blocks = 0;
}

/* The passes as main.c runs them. */
static void
fz_dump(const char *path)
{
	struct dinode_h di;
	dino_t ino;
	int pass, any;

	fs_open(path);
	mapsize = ((size_t)maxino / 8 + 1 + TP_BSIZE - 1) &
	    ~(size_t)(TP_BSIZE - 1);
	if ((usedinomap = calloc(mapsize, 1)) == NULL ||
	    (dumpdirmap = calloc(mapsize, 1)) == NULL ||
	    (dumpinomap = calloc(mapsize, 1)) == NULL)
		abort();
	any = mapfiles(maxino, &tapesize);
	for (pass = 0; any && pass < 1000; pass++)
		any = mapdirs(maxino, &tapesize);
	dumpmap(usedinomap, TS_CLRI, maxino - 1);
	dumpmap(dumpinomap, TS_BITS, 2);
	for (ino = 2; ino < maxino; ino++) {
		if (!TSTINO(ino, dumpdirmap) || !TSTINO(ino, dumpinomap))
			continue;
		if (getino(ino, &di) == -1 || (di.di_mode & IFMT) != IFDIR)
			continue;
		dumpino(&di, ino);
	}
	for (ino = 2; ino < maxino; ino++) {
		if (!TSTINO(ino, dumpinomap))
			continue;
		if (getino(ino, &di) == -1 || di.di_mode == 0 ||
		    (di.di_mode & IFMT) == IFDIR)
			continue;
		dumpino(&di, ino);
	}
	if (fz_verbose)
		(void)fprintf(stderr, "fuzz: %jd tape blocks, %jd errors\n",
		    (intmax_t)fz_blocks, (intmax_t)dumperrors);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int memfd = -1;
	static char path[64];
	size_t o = 0;
	uint32_t off;
	uint16_t len;

	if (memfd == -1) {
		if ((memfd = memfd_create("fuzzimg", 0)) == -1)
			abort();
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) == -1 || ftruncate(memfd, IMGSIZE) == -1)
		abort();
	while (size - o >= 6) {
		off = ufs_get32(data + o, 0) % IMGSIZE;
		len = ufs_get16(data + o + 4, 0);
		o += 6;
		if (len > size - o)
			len = (uint16_t)(size - o);
		if (len > IMGSIZE - off)
			len = (uint16_t)(IMGSIZE - off);
		if (pwrite(memfd, data + o, len, off) != (ssize_t)len)
			abort();
		o += len;
	}
	if (setjmp(fz_jb) == 0)
		fz_dump(path);
	fz_reset();
	return (0);
}

#ifdef STANDALONE
int
main(int argc, char *argv[])
{
	unsigned char *buf;
	FILE *f;
	size_t n;
	int i;

	fz_verbose = getenv("FUZZ_VERBOSE") != NULL;
	if ((buf = malloc(IMGSIZE)) == NULL)
		return (1);
	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return (1);
		}
		n = fread(buf, 1, IMGSIZE, f);
		(void)fclose(f);
		if (fz_verbose)
			(void)fprintf(stderr, "fuzz: %s\n", argv[i]);
		(void)LLVMFuzzerTestOneInput(buf, n);
	}
	free(buf);
	return (0);
}
#endif
