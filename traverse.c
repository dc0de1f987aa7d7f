/*
 * Everything that reads the file system: superblock, cylinder groups,
 * inodes, block maps and directories, and the four passes that decide what
 * is dumped (I and II) and hand it to the tape side (III and IV).  The image
 * is untrusted: every field is checked before it indexes or bounds anything.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump.h"
#include "ufs.h"

#define HASDUMPEDFILE	0x1
#define MAXSYMLINK	1024	/* MAXPATHLEN: what restore accepts */
#define BLK_NOCOPY	1	/* snapshot files: block not copied */
#define BLK_SNAP	2	/* snapshot files: block is the snapshot's */
#define HASSUBDIRS	0x2

/* One TP_BSIZE piece of a file waiting for its header. */
struct piece {
	int64_t		 p_off;		/* disk byte offset, -1 hole, -2 inline */
	int32_t		 p_len;		/* bytes to read from disk */
};

/* Callback for walkfile(): lbn, frag address (0 = hole), count, arg. */
typedef int (*blkfunc)(int64_t, int64_t, int64_t, void *);

struct fsinfo	 sblock;
int		 diskfd = -1;
dino_t		 maxino;
int64_t		 dumperrors;
int64_t		 disksize;		/* bytes in the image or device */
int64_t		 readerrs;		/* disk sectors zero-filled */

static unsigned char	*inobuf;	/* one block of inodes */
static int64_t		 inoblk = -1;	/* its frag address */
static unsigned char	 inobad[MAXBSIZE / DEV_BSIZE]; /* its unreadable sectors */
static struct piece	 pieces[TP_NINDIR];
static unsigned char	*piecedata;	/* inline pieces, TP_NINDIR blocks */
static int		 npieces;
static int		 firsthdr;	/* next header is TS_INODE */
static unsigned char	*indirbuf[UFS_NIADDR];
static unsigned char	*dirbuf;

static void	 reportino(dino_t, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 checksb(const unsigned char *, int64_t, int, int,
		    const char **);
static int64_t	 blkdatasize(const struct dinode_h *, int64_t);
static int64_t	 blkallocsize(const struct dinode_h *, int64_t);
static int	 walkfile(dino_t, const struct dinode_h *, blkfunc, void *);
static int	 walkindir(dino_t, int64_t, int, int64_t *, int64_t, blkfunc,
		    void *);
static void	 addpiece(dino_t, int64_t, int32_t, const void *);
static void	 flushpieces(dino_t);
static int	 fixdirchunk(dino_t, unsigned char *, int64_t);

/*
 * Problems already reported: a hash set of (inode, message) keys, so a
 * problem met again in a later pass is not reported or counted twice, and
 * a per-inode count that stops a wrecked inode from flooding the log.
 */
struct rkey {
	uint64_t	 k_key;		/* 0 = empty */
	uint32_t	 k_n;		/* for the count key: reports so far */
};
struct rset {
	struct rkey	*r_tab;
	size_t		 r_size, r_used;
};
static struct rset	 reported;	/* (ino + 1) << 32 | message hash */
static struct rset	 badsects;	/* sector + 1, master's reads */

#define MAXREPORTS	8	/* problems reported per inode */

static struct rkey *
rlookup(struct rset *rs, uint64_t key, int *isnew)
{
	struct rkey *nt, *old;
	size_t i, n, oldsize;

	if (rs->r_used * 2 >= rs->r_size) {
		oldsize = rs->r_size;
		old = rs->r_tab;
		n = oldsize == 0 ? 256 : oldsize * 2;
		if ((nt = calloc(n, sizeof(*nt))) == NULL)
			quit("out of memory\n");
		rs->r_tab = nt;
		rs->r_size = n;
		rs->r_used = 0;
		for (i = 0; i < oldsize; i++)
			if (old[i].k_key != 0)
				*rlookup(rs, old[i].k_key, isnew) = old[i];
		free(old);
	}
	i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (rs->r_size - 1);
	while (rs->r_tab[i].k_key != 0 && rs->r_tab[i].k_key != key)
		i = (i + 1) & (rs->r_size - 1);
	*isnew = rs->r_tab[i].k_key == 0;
	if (*isnew) {
		rs->r_tab[i].k_key = key;
		rs->r_tab[i].k_n = 0;
		rs->r_used++;
	}
	return (&rs->r_tab[i]);
}

/*
 * Report a problem with one inode, once.  The dump goes on; the count
 * makes the exit status say that it had errors.
 */
static void
reportino(dino_t ino, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	struct rkey *k;
	uint32_t h = 2166136261U;
	const char *p;
	int isnew;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (p = buf; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619U;
	(void)rlookup(&reported, ((uint64_t)ino + 1) << 32 | (h | 1), &isnew);
	if (!isnew)
		return;
	k = rlookup(&reported, ((uint64_t)ino + 1) << 32, &isnew);
	if (++k->k_n > MAXREPORTS)
		return;
	if (k->k_n == MAXREPORTS)
		msg("inode %" PRIu32 ": %s; further problems of this inode "
		    "are not reported\n", ino, buf);
	else
		msg("inode %" PRIu32 ": %s\n", ino, buf);
	dumperrors++;
}

/*
 * Count unreadable sectors: the master's own and those the slaves report.
 * Past MAXREADERRS since the operator last answered, ask whether to go
 * on; without a terminal query() gives up and the dump is aborted.
 */
static int64_t	readerrs_since;

void
readerrs_add(int64_t n)
{
	if (n <= 0)
		return;
	readerrs += n;
	readerrs_since += n;
	if (readerrs_since <= MAXREADERRS)
		return;
	msg("more than %d sectors of %s could not be read (%jd in all)\n",
	    MAXREADERRS, disk, (intmax_t)readerrs);
	if (!query("Do you want to attempt to continue?"))
		quit("dump stopped after %jd unreadable sectors\n",
		    (intmax_t)readerrs);
	readerrs_since = 0;
}

/*
 * Read len bytes at byte offset off.  A failed or short read is retried one
 * sector at a time; sectors that still fail are zero-filled, reported and
 * counted, and marked in badmap (one byte a sector) if it is not NULL.
 * Returns the number of failed sectors (0 on success).
 */
static int
breadmap(off_t off, void *buf, size_t len, unsigned char *badmap)
{
	unsigned char *p = buf;
	ssize_t n;
	size_t i;
	int bad = 0, newbad = 0, isnew;

	if (off < 0 || (int64_t)len > disksize || off > disksize - (off_t)len) {
		memset(buf, 0, len);
		if (badmap != NULL)
			memset(badmap, 1, (len + DEV_BSIZE - 1) / DEV_BSIZE);
		if (!isslave) {
			(void)rlookup(&badsects, (uint64_t)off / DEV_BSIZE + 1,
			    &isnew);
			if (!isnew)
				return (1);
		}
		msg("read beyond the end of %s: offset %jd, %zu bytes\n",
		    disk, (intmax_t)off, len);
		if (!isslave)
			readerrs_add(1);
		return (1);
	}
	n = cread(diskfd, buf, len, off);
	if (n == (ssize_t)len)
		return (0);
	for (i = 0; i < len; i += DEV_BSIZE) {
		size_t l = len - i < DEV_BSIZE ? len - i : DEV_BSIZE;

		n = cread(diskfd, p + i, l, off + (off_t)i);
		if (n == (ssize_t)l)
			continue;
		memset(p + i, 0, l);
		if (badmap != NULL)
			badmap[i / DEV_BSIZE] = 1;
		bad++;
		/* The master may read a sector again in a later pass. */
		if (!isslave) {
			(void)rlookup(&badsects, (uint64_t)(off + (off_t)i) /
			    DEV_BSIZE + 1, &isnew);
			if (!isnew)
				continue;
		}
		msg("read error from %s: %s: [sector %jd]: zero-filled\n",
		    disk, n < 0 ? strerror(errno) : "short read",
		    (intmax_t)((off + (off_t)i) / DEV_BSIZE));
		newbad++;
	}
	if (!isslave)
		readerrs_add(newbad);
	return (bad);
}

int
bread(off_t off, void *buf, size_t len)
{
	return (breadmap(off, buf, len, NULL));
}

/* Check one candidate superblock; on success fill sblock. */
static int
checksb(const unsigned char *sb, int64_t loc, int swap, int ufs2,
    const char **why)
{
	struct fsinfo f;
	int64_t dblk, cgs, end;
	uint32_t oldflags;

	memset(&f, 0, sizeof(f));
	f.fs_swap = swap;
	f.fs_ufs2 = ufs2;
#define G32(o)	((int32_t)ufs_get32(sb + (o), swap))
#define G64(o)	((int64_t)ufs_get64(sb + (o), swap))
	f.fs_bsize = G32(FS_BSIZE);
	f.fs_fsize = G32(FS_FSIZE);
	f.fs_frag = G32(FS_FRAG);
	f.fs_bshift = G32(FS_BSHIFT);
	f.fs_fshift = G32(FS_FSHIFT);
	f.fs_fragshift = G32(FS_FRAGSHIFT);
	f.fs_fsbtodb = G32(FS_FSBTODB);
	f.fs_nindir = G32(FS_NINDIR);
	f.fs_inopb = (uint32_t)G32(FS_INOPB);
	f.fs_ipg = (uint32_t)G32(FS_IPG);
	f.fs_ncg = (uint32_t)G32(FS_NCG);
	f.fs_fpg = G32(FS_FPG);
	f.fs_sblkno = G32(FS_SBLKNO);
	f.fs_cblkno = G32(FS_CBLKNO);
	f.fs_iblkno = G32(FS_IBLKNO);
	f.fs_dblkno = G32(FS_DBLKNO);
	f.fs_cgsize = G32(FS_CGSIZE);
	f.fs_maxsymlinklen = G32(FS_MAXSYMLINKLEN);
	f.fs_sblockloc = G64(FS_SBLOCKLOC);
	f.fs_isize = ufs2 ? UFS2_DINODE_SIZE : UFS1_DINODE_SIZE;
	if (ufs2) {
		f.fs_size = G64(FS_SIZE);
		f.fs_time = G64(FS_TIME);
		f.fs_inodefmt = FS_44INODEFMT;
		f.fs_flags = G32(FS_FLAGS);
	} else {
		f.fs_size = G32(FS_OLD_SIZE);
		f.fs_time = G32(FS_OLD_TIME);
		f.fs_inodefmt = G32(FS_OLD_INODEFMT);
		f.fs_cgoffset = G32(FS_OLD_CGOFFSET);
		f.fs_cgmask = G32(FS_OLD_CGMASK);
		oldflags = sb[FS_OLD_FLAGS];
		f.fs_flags = (oldflags & FS_FLAGS_UPDATED) ?
		    G32(FS_FLAGS) : (int32_t)(oldflags & 0x7f);
	}
#undef G32
#undef G64

	if ((ufs2 || (sb[FS_OLD_FLAGS] & FS_FLAGS_UPDATED)) &&
	    f.fs_sblockloc != loc) {
		*why = "superblock location field does not match";
		return (0);
	}
	if (f.fs_bsize < MINBSIZE || f.fs_bsize > MAXBSIZE ||
	    (f.fs_bsize & (f.fs_bsize - 1)) != 0 ||
	    f.fs_bshift < 12 || f.fs_bshift > 16 ||
	    1 << f.fs_bshift != f.fs_bsize) {
		*why = "bad block size";
		return (0);
	}
	if (f.fs_fsize < DEV_BSIZE || f.fs_fsize > f.fs_bsize ||
	    (f.fs_fsize & (f.fs_fsize - 1)) != 0 ||
	    f.fs_fshift < 9 || f.fs_fshift > 16 ||
	    1 << f.fs_fshift != f.fs_fsize) {
		*why = "bad fragment size";
		return (0);
	}
	if (f.fs_frag != f.fs_bsize / f.fs_fsize || f.fs_frag > MAXFRAG ||
	    f.fs_fragshift < 0 || f.fs_fragshift > 3 ||
	    1 << f.fs_fragshift != f.fs_frag) {
		*why = "bad fragments per block";
		return (0);
	}
	if (f.fs_fsbtodb < 0 || f.fs_fsbtodb > 7 ||
	    1 << f.fs_fsbtodb != f.fs_fsize / DEV_BSIZE) {
		*why = "bad sectors per fragment";
		return (0);
	}
	if ((uint32_t)f.fs_inopb != (uint32_t)(f.fs_bsize / f.fs_isize) ||
	    f.fs_nindir != f.fs_bsize / (ufs2 ? 8 : 4)) {
		*why = "bad inodes or pointers per block";
		return (0);
	}
	if (f.fs_ncg < 1 || f.fs_ipg < 1 || f.fs_ipg % f.fs_inopb != 0 ||
	    (uint64_t)f.fs_ncg * f.fs_ipg > UINT32_MAX - 1) {
		*why = "bad cylinder group or inode counts";
		return (0);
	}
	if (f.fs_fpg < f.fs_frag || f.fs_fpg % f.fs_frag != 0) {
		*why = "bad fragments per cylinder group";
		return (0);
	}
	if (f.fs_cgsize < CG_FIXEDSIZE || f.fs_cgsize > f.fs_bsize) {
		*why = "bad cylinder group size";
		return (0);
	}
	dblk = (int64_t)f.fs_iblkno +
	    (int64_t)(f.fs_ipg / f.fs_inopb) * f.fs_frag;
	if (f.fs_sblkno < 0 || f.fs_cblkno <= f.fs_sblkno ||
	    f.fs_iblkno <= f.fs_cblkno || f.fs_dblkno < dblk ||
	    f.fs_dblkno > f.fs_fpg) {
		*why = "bad cylinder group layout";
		return (0);
	}
	/* Byte offsets of frags must not overflow. */
	if (f.fs_size <= 0 || f.fs_size > INT64_MAX / MAXBSIZE) {
		*why = "bad file system size";
		return (0);
	}
	cgs = f.fs_size / f.fs_fpg + (f.fs_size % f.fs_fpg != 0);
	if (cgs != (int64_t)f.fs_ncg) {
		*why = "size does not match the number of cylinder groups";
		return (0);
	}
	if (f.fs_maxsymlinklen < 0 || f.fs_maxsymlinklen >
	    (ufs2 ? UFS2_MAXSYMLINKLEN : UFS1_MAXSYMLINKLEN)) {
		*why = "bad maximum inline symlink length";
		return (0);
	}
	if (!ufs2 && f.fs_cgmask != -1 && f.fs_cgoffset != 0 &&
	    (f.fs_cgoffset < 0 || f.fs_cgoffset > f.fs_fpg)) {
		*why = "bad cylinder group offset";
		return (0);
	}
	/*
	 * The last cylinder group's inodes must lie inside the image; the
	 * comparison is in frags, so nothing overflows (fs_size bounds the
	 * product, the stagger is at most one cylinder group).
	 */
	end = (int64_t)(f.fs_ncg - 1) * f.fs_fpg + dblk;
	if (!ufs2 && f.fs_cgmask != -1)
		end += (int64_t)f.fs_cgoffset * ((f.fs_ncg - 1) & ~f.fs_cgmask);
	if (end > disksize / f.fs_fsize) {
		*why = "file system is larger than the image (truncated?)";
		return (0);
	}
	f.fs_maxino = f.fs_ncg * f.fs_ipg;
	memcpy(f.fs_fsmnt, sb + FS_FSMNT, sizeof(f.fs_fsmnt) - 1);
	f.fs_fsmnt[sizeof(f.fs_fsmnt) - 1] = '\0';
	sblock = f;
	return (1);
}

/*
 * Open the disk read-only and find a usable superblock.
 */
void
fs_open(const char *name)
{
	static const int64_t locs[] = SBLOCKSEARCH;
	unsigned char *sb;
	const char *why = NULL, *w;
	static char rdwhy[128];
	struct stat st;
	uint32_t m, ms;
	ssize_t n;
	int i;

	if ((diskfd = open(name, O_RDONLY)) == -1)
		err(X_STARTUP, "cannot open %s", name);
	if (fstat(diskfd, &st) == -1)
		err(X_STARTUP, "%s", name);
	if (S_ISDIR(st.st_mode))
		errx(X_STARTUP, "%s: is a directory, not a file system",
		    name);
	if ((disksize = lseek(diskfd, 0, SEEK_END)) == -1)
		err(X_STARTUP, "%s: cannot find its size", name);
	if ((sb = malloc(SBLOCKSIZE)) == NULL)
		err(X_STARTUP, NULL);
	for (i = 0; locs[i] != -1; i++) {
		if (locs[i] + SBLOCKSIZE > disksize)
			continue;
		/* A location that cannot be read is passed over. */
		if ((n = cread(diskfd, sb, SBLOCKSIZE, locs[i])) !=
		    SBLOCKSIZE) {
			(void)snprintf(rdwhy, sizeof(rdwhy), "cannot read "
			    "the superblock at byte %jd (%s)",
			    (intmax_t)locs[i], n < 0 ? strerror(errno) :
			    "short read");
			if (why == NULL)
				why = rdwhy;
			continue;
		}
		m = ufs_get32(sb + FS_MAGIC, 0);
		ms = __builtin_bswap32(m);
		w = NULL;
		if (m == FS_UFS2_MAGIC || ms == FS_UFS2_MAGIC) {
			if (checksb(sb, locs[i], ms == FS_UFS2_MAGIC, 1, &w))
				break;
		} else if (m == FS_UFS1_MAGIC || ms == FS_UFS1_MAGIC) {
			/* A UFS1 magic at 65536 is a backup or stale copy. */
			if (locs[i] != SBLOCK_UFS2 &&
			    checksb(sb, locs[i], ms == FS_UFS1_MAGIC, 0, &w))
				break;
		} else if (m == FS_BAD_MAGIC || ms == FS_BAD_MAGIC)
			w = "newfs did not finish (bad magic)";
		if (w != NULL && why == NULL)
			why = w;
	}
	free(sb);
	if (locs[i] == -1) {
		if (why != NULL)
			errx(X_STARTUP, "%s: bad superblock: %s", name, why);
		errx(X_STARTUP, "%s: not a UFS file system "
		    "(no superblock found)", name);
	}
	maxino = sblock.fs_maxino;
	if ((inobuf = malloc(sblock.fs_bsize)) == NULL ||
	    (dirbuf = malloc(sblock.fs_bsize)) == NULL ||
	    (piecedata = malloc((size_t)TP_NINDIR * TP_BSIZE)) == NULL)
		err(X_STARTUP, NULL);
	for (i = 0; i < UFS_NIADDR; i++)
		if ((indirbuf[i] = malloc(sblock.fs_bsize)) == NULL)
			err(X_STARTUP, NULL);
}

/* First frag of cylinder group c (UFS1 staggers them). */
static int64_t
cgstart(uint32_t c)
{
	int64_t base = (int64_t)sblock.fs_fpg * c;

	if (!sblock.fs_ufs2 && sblock.fs_cgoffset != 0)
		base += (int64_t)sblock.fs_cgoffset * (c & ~sblock.fs_cgmask);
	return (base);
}

/* Is the run of frags [addr, addr + n) inside the file system? */
static int
fragsok(int64_t addr, int64_t n)
{
	return (addr > 0 && n > 0 && addr < sblock.fs_size &&
	    n <= sblock.fs_size - addr);
}

/*
 * Does the run of frags [addr, addr + n) overlap the superblock copy,
 * cylinder group header or inodes at the head of its cylinder group (or
 * the boot area of the first)?  Only called for runs inside the fs.
 */
static int
inmeta(int64_t addr, int64_t n)
{
	uint32_t c = (uint32_t)(addr / sblock.fs_fpg);
	int64_t lo, hi;

	lo = c == 0 ? 0 : cgstart(c) + sblock.fs_sblkno;
	hi = cgstart(c) + sblock.fs_dblkno;
	return (addr < hi && addr + n > lo);
}

/* Why a run of n frags at addr cannot belong to a file, or NULL. */
static const char *
badrun(int64_t addr, int64_t n)
{
	if (!fragsok(addr, n))
		return ("is outside the file system");
	if (inmeta(addr, n))
		return ("lies in cylinder group metadata");
	return (NULL);
}

/* Sectors per frag, for di_blocks. */
#define SECTPERFRAG	((uint64_t)sblock.fs_fsize / DEV_BSIZE)

static int	 checkino(dino_t, struct dinode_h *);
static int	 walking;		/* a walkfile() is in progress */

/*
 * Fetch inode ino, decoded and checked.  Returns 0, or -1 if it could not
 * be read or cannot be dumped at all (reported; it then reads as unused).
 */
int
getino(dino_t ino, struct dinode_h *dp)
{
	const unsigned char *p;
	int64_t blk;
	uint32_t cg;
	int sw = sblock.fs_swap, i;

	memset(dp, 0, sizeof(*dp));
	if (ino >= maxino)
		return (-1);
	cg = ino / sblock.fs_ipg;
	blk = cgstart(cg) + sblock.fs_iblkno +
	    ((int64_t)((ino % sblock.fs_ipg) / sblock.fs_inopb) <<
	    sblock.fs_fragshift);
	if (blk != inoblk) {
		inoblk = blk;
		memset(inobad, 0, sizeof(inobad));
		(void)breadmap(blk * sblock.fs_fsize, inobuf,
		    (size_t)sblock.fs_bsize, inobad);
	}
	p = inobuf + (ino % sblock.fs_inopb) * sblock.fs_isize;
	if (inobad[(p - inobuf) / DEV_BSIZE]) {
		if (ino == UFS_ROOTINO)
			quit("%s: the root inode could not be read\n", disk);
		reportino(ino, "could not be read (inode block %" PRId64
		    "); skipped", blk);
		return (-1);
	}
	if (sblock.fs_ufs2) {
		dp->di_mode = ufs_get16(p + DI2_MODE, sw);
		dp->di_nlink = (int16_t)ufs_get16(p + DI2_NLINK, sw);
		dp->di_uid = ufs_get32(p + DI2_UID, sw);
		dp->di_gid = ufs_get32(p + DI2_GID, sw);
		dp->di_size = ufs_get64(p + DI2_SIZE, sw);
		dp->di_blocks = ufs_get64(p + DI2_BLOCKS, sw);
		dp->di_atime = (int64_t)ufs_get64(p + DI2_ATIME, sw);
		dp->di_mtime = (int64_t)ufs_get64(p + DI2_MTIME, sw);
		dp->di_ctime = (int64_t)ufs_get64(p + DI2_CTIME, sw);
		dp->di_birthtime = (int64_t)ufs_get64(p + DI2_BIRTHTIME, sw);
		dp->di_mtimensec = (int32_t)ufs_get32(p + DI2_MTIMENSEC, sw);
		dp->di_atimensec = (int32_t)ufs_get32(p + DI2_ATIMENSEC, sw);
		dp->di_ctimensec = (int32_t)ufs_get32(p + DI2_CTIMENSEC, sw);
		dp->di_birthnsec = (int32_t)ufs_get32(p + DI2_BIRTHNSEC, sw);
		dp->di_gen = ufs_get32(p + DI2_GEN, sw);
		dp->di_flags = ufs_get32(p + DI2_FLAGS, sw);
		dp->di_extsize = ufs_get32(p + DI2_EXTSIZE, sw);
		for (i = 0; i < UFS_NDADDR; i++)
			dp->di_db[i] = (int64_t)ufs_get64(p + DI2_DB + 8 * i,
			    sw);
		for (i = 0; i < UFS_NIADDR; i++)
			dp->di_ib[i] = (int64_t)ufs_get64(p + DI2_IB + 8 * i,
			    sw);
		memcpy(dp->di_raw, p + DI2_DB, UFS2_MAXSYMLINKLEN);
	} else {
		dp->di_mode = ufs_get16(p + DI1_MODE, sw);
		dp->di_nlink = (int16_t)ufs_get16(p + DI1_NLINK, sw);
		dp->di_uid = ufs_get32(p + DI1_UID, sw);
		dp->di_gid = ufs_get32(p + DI1_GID, sw);
		dp->di_size = ufs_get64(p + DI1_SIZE, sw);
		dp->di_blocks = ufs_get32(p + DI1_BLOCKS, sw);
		dp->di_atime = (int32_t)ufs_get32(p + DI1_ATIME, sw);
		dp->di_mtime = (int32_t)ufs_get32(p + DI1_MTIME, sw);
		dp->di_ctime = (int32_t)ufs_get32(p + DI1_CTIME, sw);
		dp->di_atimensec = (int32_t)ufs_get32(p + DI1_ATIMENSEC, sw);
		dp->di_mtimensec = (int32_t)ufs_get32(p + DI1_MTIMENSEC, sw);
		dp->di_ctimensec = (int32_t)ufs_get32(p + DI1_CTIMENSEC, sw);
		dp->di_gen = ufs_get32(p + DI1_GEN, sw);
		dp->di_flags = ufs_get32(p + DI1_FLAGS, sw);
		for (i = 0; i < UFS_NDADDR; i++)
			dp->di_db[i] = (int32_t)ufs_get32(p + DI1_DB + 4 * i,
			    sw);
		for (i = 0; i < UFS_NIADDR; i++)
			dp->di_ib[i] = (int32_t)ufs_get32(p + DI1_IB + 4 * i,
			    sw);
		memcpy(dp->di_raw, p + DI1_DB, UFS1_MAXSYMLINKLEN);
	}
	if (dp->di_mode != 0 && checkino(ino, dp) == -1) {
		if (ino == UFS_ROOTINO)
			quit("%s: the root inode is unusable\n", disk);
		memset(dp, 0, sizeof(*dp));
		return (-1);
	}
	return (0);
}

/* Is this a symlink whose target lives in the inode itself? */
static int
inlinelink(const struct dinode_h *dp)
{
	return (dp->di_size > 0 &&
	    dp->di_size < (uint64_t)sblock.fs_maxsymlinklen &&
	    dp->di_blocks == 0);
}

/* Largest size the block map can describe, in bytes. */
static uint64_t
maxfilesize(void)
{
	uint64_t n = (uint64_t)sblock.fs_nindir, blks;

	blks = UFS_NDADDR + n + n * n + n * n * n;
	if (blks > UINT64_MAX / (uint64_t)sblock.fs_bsize)
		return (UINT64_MAX);
	return (blks * (uint64_t)sblock.fs_bsize);
}

/* Does an inode pointer inside the size point at no possible block? */
static int
suspect(const struct dinode_h *dp)
{
	int64_t nblks = (int64_t)((dp->di_size + (uint64_t)sblock.fs_bsize -
	    1) >> sblock.fs_bshift), start = UFS_NDADDR, span = 1;
	int i;

	for (i = 0; i < UFS_NDADDR && i < nblks; i++)
		if (dp->di_db[i] != 0 && badrun(dp->di_db[i], 1) != NULL)
			return (1);
	/* Only the indirect pointers the size reaches. */
	for (i = 0; i < UFS_NIADDR && start < nblks; i++) {
		if (dp->di_ib[i] != 0 && badrun(dp->di_ib[i], 1) != NULL)
			return (1);
		span *= sblock.fs_nindir;
		start += span;
	}
	return (0);
}

/* walkfile() callback: remember the last block that has data. */
static int
lastblock(int64_t lbn, int64_t addr, int64_t nblk, void *arg)
{
	if (addr != 0)
		*(int64_t *)arg = lbn + nblk - 1;
	return (0);
}

/*
 * A file whose block map holds garbage pointers, or whose block count is
 * impossible for its size: its size is as suspect as they are, and a
 * garbage size of petabytes would be dumped as holes for days.  Cut it to
 * the end of the last sound block.  Not done inside
 * another walk (pass II looking at a directory's entries), whose buffers
 * this walk would overwrite.
 */
static void
cutsize(dino_t ino, struct dinode_h *dp)
{
	int64_t last = -1;
	uint64_t cut;

	if (walking)
		return;
	(void)walkfile(ino, dp, lastblock, &last);
	cut = (uint64_t)(last + 1) << sblock.fs_bshift;
	if (cut >= dp->di_size)
		return;
	reportino(ino, "size %" PRIu64 " cut to %" PRIu64 ", the end of its "
	    "last sound block", dp->di_size, cut);
	dp->di_size = cut;
}

/*
 * Check the fields of an inode in use that bound what is read for it: the
 * size against the block map and against di_blocks.  A directory claiming
 * more bytes than its blocks hold is cut to them.  Returns -1 if the inode
 * cannot be dumped at all (reported), else 0.
 */
static int
checkino(dino_t ino, struct dinode_h *dp)
{
	uint64_t nb, n, nind, most, cut;
	int mode = dp->di_mode & IFMT;

	if (mode != IFREG && mode != IFDIR && mode != IFLNK)
		return (0);
	if (mode == IFLNK && inlinelink(dp))
		return (0);
	if (dp->di_size > maxfilesize()) {
		reportino(ino, "size %" PRIu64 " is beyond what its block map "
		    "can hold; skipped", dp->di_size);
		return (-1);
	}
	if (mode == IFLNK && dp->di_size >= MAXSYMLINK) {
		reportino(ino, "symbolic link of %" PRIu64 " bytes is too "
		    "long; skipped", dp->di_size);
		return (-1);
	}
	/*
	 * The most sectors a file of this size can own: every block, the
	 * indirect blocks above them (generously) and two blocks of
	 * extended attributes.
	 */
	n = (uint64_t)sblock.fs_nindir;
	nb = (dp->di_size + (uint64_t)sblock.fs_bsize - 1) >> sblock.fs_bshift;
	nind = 3 + nb / n + nb / (n * n) + 2;
	most = (nb + nind + 2) * (uint64_t)sblock.fs_frag * SECTPERFRAG;
	if (dp->di_blocks > most)
		reportino(ino, "%" PRIu64 " sectors allocated is more than "
		    "its size %" PRIu64 " can use", dp->di_blocks,
		    dp->di_size);
	if (mode != IFDIR && (dp->di_blocks > most || suspect(dp)))
		cutsize(ino, dp);
	/* Directories have no holes. */
	if (mode == IFDIR && dp->di_blocks < (dp->di_size + DEV_BSIZE - 1) /
	    DEV_BSIZE) {
		cut = dp->di_blocks * DEV_BSIZE & ~(uint64_t)(DIRBLKSIZ - 1);
		reportino(ino, "directory size %" PRIu64 " is more than its "
		    "%" PRIu64 " sectors hold; cut to %" PRIu64, dp->di_size,
		    dp->di_blocks, cut);
		dp->di_size = cut;
	}
	return (0);
}

/*
 * Tape blocks an inode will take: one header, its data (holes excluded, as
 * far as di_blocks tells), and a continuation header every TP_NINDIR blocks.
 */
int64_t
blockest(const struct dinode_h *dp)
{
	uint64_t blks, sizeest;

	switch (dp->di_mode & IFMT) {
	case IFREG:
	case IFDIR:
	case IFLNK:
		break;
	default:
		return (1);
	}
	if (inlinelink(dp) && (dp->di_mode & IFMT) == IFLNK)
		return (2);
	blks = dp->di_blocks / (TP_BSIZE / DEV_BSIZE);
	sizeest = (dp->di_size + TP_BSIZE - 1) / TP_BSIZE;
	if (blks > sizeest)
		blks = sizeest;
	if (blks > (uint64_t)INT64_MAX / 2)
		blks = (uint64_t)INT64_MAX / 2;
	return ((int64_t)(1 + blks + sizeest / TP_NINDIR));
}

/* Does this inode belong in a dump of this level? */
static int
changed(const struct dinode_h *dp)
{
	return (dp->di_mtime >= spcl.c_ddate || dp->di_ctime >= spcl.c_ddate);
}

static int
nodumpflag(const struct dinode_h *dp)
{
	return (level - '0' >= honorlevel && (dp->di_flags & UF_NODUMP));
}

/*
 * Why the cylinder group header read for group c cannot be trusted to
 * shorten the inode scan, or NULL.
 */
static const char *
badcg(uint32_t c, const unsigned char *cg)
{
	int sw = sblock.fs_swap;

	if (ufs_get32(cg + CG_MAGIC_OFF, sw) != CG_MAGIC)
		return ("bad magic number");
	if (ufs_get32(cg + CG_CGX, sw) != c)
		return ("wrong group number");
	if (sblock.fs_ufs2 && ufs_get32(cg + CG_NIBLK, sw) != sblock.fs_ipg)
		return ("wrong inode count");
	return (NULL);
}

/*
 * Pass I: read every inode in use, mark the used, directory and dump maps,
 * and add up the estimate.  Returns whether a directory was left out, so
 * pass II has work.
 */
int
mapfiles(dino_t maxi, int64_t *tsize)
{
	struct dinode_h di;
	unsigned char *cgbuf;
	uint32_t c, limit, i, iused, bytes, m;
	dino_t ino;
	int anydirskipped = 0, mode, softdep;
	const char *why;

	if ((cgbuf = malloc(sblock.fs_bsize)) == NULL)
		quit("out of memory\n");
	softdep = sblock.fs_flags & FS_DOSOFTDEP;
	for (c = 0; c < sblock.fs_ncg; c++) {
		limit = sblock.fs_ipg;
		if (sblock.fs_ufs2 || softdep) {
			why = NULL;
			if (bread((cgstart(c) + sblock.fs_cblkno) *
			    sblock.fs_fsize, cgbuf, sblock.fs_cgsize) != 0)
				why = "could not be read";
			if (why != NULL || (why = badcg(c, cgbuf)) != NULL) {
				msg("cylinder group %" PRIu32 ": %s; reading "
				    "all its inodes\n", c, why);
				dumperrors++;
			} else {
				if (sblock.fs_ufs2) {
					m = ufs_get32(cgbuf + CG_INITEDIBLK,
					    sblock.fs_swap);
					if (m < limit)
						limit = m;
				}
				iused = ufs_get32(cgbuf + CG_IUSEDOFF,
				    sblock.fs_swap);
				bytes = (sblock.fs_ipg + 7) / 8;
				if (softdep && iused < (uint32_t)
				    sblock.fs_cgsize && bytes <=
				    (uint32_t)sblock.fs_cgsize - iused) {
					/* Trust the map only to shorten. */
					while (limit > 0 && !(cgbuf[iused +
					    (limit - 1) / 8] &
					    (1 << ((limit - 1) % 8))))
						limit--;
				}
			}
		}
		for (i = 0; i < limit; i++) {
			ino = c * sblock.fs_ipg + i;
			if (ino < UFS_ROOTINO || ino >= maxi)
				continue;
			if (getino(ino, &di) == -1 || di.di_mode == 0)
				continue;
			mode = di.di_mode & IFMT;
			switch (mode) {
			case IFREG: case IFDIR: case IFLNK: case IFCHR:
			case IFBLK: case IFIFO: case IFSOCK:
				break;
			default:
				reportino(ino, "unknown file type %#o; "
				    "skipped", mode);
				continue;
			}
			if (ino == UFS_ROOTINO && mode != IFDIR)
				quit("%s: root inode is not a directory\n",
				    disk);
			SETINO(ino, usedinomap);
			if (mode == IFDIR)
				SETINO(ino, dumpdirmap);
			if (ino == UFS_ROOTINO || (!subset &&
			    changed(&di) && !nodumpflag(&di))) {
				SETINO(ino, dumpinomap);
				*tsize += blockest(&di);
				continue;
			}
			if (mode == IFDIR) {
				if (nodumpflag(&di))
					CLRINO(ino, usedinomap);
				anydirskipped = 1;
			}
		}
	}
	free(cgbuf);
	return (anydirskipped);
}

/*
 * The walk in progress.  Every mapped frag (data and indirect) is counted
 * against di_blocks: a map that holds more than di_blocks says is corrupt
 * (an indirect block loop, or pointers shared with other files), and the
 * rest of it is read as holes, so no walk costs more than its inode's
 * share of the disk.
 */
static struct {
	const struct dinode_h *w_dp;
	int64_t		 w_frags;		/* frags mapped so far */
	int64_t		 w_limit;		/* what di_blocks allows */
	int		 w_over;		/* the limit was passed */
	int64_t		 w_chain[UFS_NIADDR];	/* indirect blocks, by level */
} walk;

/*
 * Check a run of n frags at addr for inode ino before it is read: a bad
 * pointer is reported and reads as a hole (0 is returned).
 */
static int64_t
walkptr(dino_t ino, int64_t addr, int64_t n, const char *what, int64_t lbn)
{
	const char *why;

	if (addr == 0)
		return (0);
	if ((walk.w_dp->di_flags & SF_SNAPSHOT) && (addr == BLK_NOCOPY ||
	    addr == BLK_SNAP))
		return (0);
	if ((why = badrun(addr, n)) != NULL) {
		reportino(ino, "%s %" PRId64 " (at file block %" PRId64 ") %s; "
		    "read as a hole", what, addr, lbn, why);
		return (0);
	}
	if (walk.w_over)
		return (0);
	if (n > walk.w_limit - walk.w_frags) {
		reportino(ino, "block map holds more than the %" PRIu64
		    " sectors di_blocks counts (a loop or shared blocks); "
		    "the rest from file block %" PRId64 " is read as holes",
		    walk.w_dp->di_blocks, lbn);
		walk.w_over = 1;
		return (0);
	}
	walk.w_frags += n;
	return (addr);
}

/*
 * Walk the block map of a file: f(lbn, fragaddr, nblocks, arg) for every
 * logical block up to the size, with runs of holes passed as one call.
 * f returns non-zero to stop.  Bad pointers are reported and read as holes.
 * Returns non-zero if f stopped the walk.
 */
static int
walkfile(dino_t ino, const struct dinode_h *dp, blkfunc f, void *arg)
{
	int64_t nblks, lbn, span, a;
	int i, r = 0;

	if (dp->di_size > maxfilesize()) {
		reportino(ino, "size %" PRIu64 " is beyond what its block "
		    "map can hold", dp->di_size);
		return (1);
	}
	memset(&walk, 0, sizeof(walk));
	walking = 1;
	walk.w_dp = dp;
	walk.w_limit = dp->di_blocks / SECTPERFRAG > (uint64_t)INT64_MAX ?
	    INT64_MAX : (int64_t)(dp->di_blocks / SECTPERFRAG);
	nblks = (int64_t)((dp->di_size + (uint64_t)sblock.fs_bsize - 1) >>
	    sblock.fs_bshift);
	for (lbn = 0; lbn < nblks && lbn < UFS_NDADDR; lbn++) {
		a = walkptr(ino, dp->di_db[lbn],
		    blkallocsize(dp, lbn) / sblock.fs_fsize, "block", lbn);
		if ((r = f(lbn, a, 1, arg)) != 0)
			break;
	}
	span = 1;
	for (i = 0; r == 0 && i < UFS_NIADDR && lbn < nblks; i++) {
		span *= sblock.fs_nindir;
		r = walkindir(ino, dp->di_ib[i], i, &lbn,
		    nblks - lbn < span ? nblks - lbn : span, f, arg);
	}
	walking = 0;
	return (r);
}

/* Walk count blocks under an indirect block of the given level. */
static int
walkindir(dino_t ino, int64_t addr, int lvl, int64_t *lbn, int64_t count,
    blkfunc f, void *arg)
{
	unsigned char *buf = indirbuf[lvl];
	int64_t span = 1, a, n;
	int i, r;

	for (i = lvl + 1; i < UFS_NIADDR && addr != 0; i++)
		if (walk.w_chain[i] == addr) {
			reportino(ino, "indirect block %" PRId64 " points "
			    "back to itself; read as a hole", addr);
			addr = 0;
		}
	addr = walkptr(ino, addr, sblock.fs_frag, "indirect block", *lbn);
	if (addr == 0) {
		r = f(*lbn, 0, count, arg);
		*lbn += count;
		return (r);
	}
	walk.w_chain[lvl] = addr;
	(void)bread(addr * sblock.fs_fsize, buf, sblock.fs_bsize);
	for (i = 0; i < lvl; i++)
		span *= sblock.fs_nindir;
	for (i = 0; i < sblock.fs_nindir && count > 0; i++) {
		if (sblock.fs_ufs2)
			a = (int64_t)ufs_get64(buf + 8 * i, sblock.fs_swap);
		else
			a = (int32_t)ufs_get32(buf + 4 * i, sblock.fs_swap);
		n = count < span ? count : span;
		if (lvl == 0) {
			a = walkptr(ino, a, sblock.fs_frag, "block", *lbn);
			r = f(*lbn, a, 1, arg);
			*lbn += 1;
		} else
			r = walkindir(ino, a, lvl - 1, lbn, n, f, arg);
		if (r != 0)
			return (r);
		count -= n;
	}
	walk.w_chain[lvl] = 0;
	return (0);
}

/* State for searchdir(). */
struct dirscan {
	dino_t		 ds_ino;
	const struct dinode_h *ds_dp;
	int64_t		*ds_tsize;
	int		 ds_nodump;
	int		 ds_ret;
};

/* Bytes of logical block lbn that the file really uses. */
static int64_t
blkdatasize(const struct dinode_h *dp, int64_t lbn)
{
	uint64_t off = (uint64_t)lbn << sblock.fs_bshift;

	if (dp->di_size - off >= (uint64_t)sblock.fs_bsize)
		return (sblock.fs_bsize);
	return ((int64_t)(dp->di_size - off));
}

/* Bytes allocated on disk for logical block lbn (the sblksize rule). */
static int64_t
blkallocsize(const struct dinode_h *dp, int64_t lbn)
{
	int64_t n = blkdatasize(dp, lbn);

	if (lbn >= UFS_NDADDR || n == sblock.fs_bsize)
		return (sblock.fs_bsize);
	return ((n + sblock.fs_fsize - 1) & ~(int64_t)(sblock.fs_fsize - 1));
}

/*
 * Read directory block lbn of dp into dirbuf, converted to host order and
 * repaired where it is corrupt.  Returns the byte count, 0 for a hole.
 */
static int64_t
readdirblk(dino_t ino, const struct dinode_h *dp, int64_t lbn, int64_t addr)
{
	int64_t n = blkallocsize(dp, lbn), used = blkdatasize(dp, lbn), o;

	if (addr == 0)
		return (0);
	if (!fragsok(addr, n / sblock.fs_fsize)) {
		reportino(ino, "directory block %" PRId64 " is outside the "
		    "file system; skipped", addr);
		return (0);
	}
	(void)bread(addr * sblock.fs_fsize, dirbuf, (size_t)n);
	used = (used + DIRBLKSIZ - 1) & ~(int64_t)(DIRBLKSIZ - 1);
	for (o = 0; o < used; o += DIRBLKSIZ)
		(void)fixdirchunk(ino, dirbuf + o,
		    (lbn << sblock.fs_bshift) + o);
	return (used);
}

/*
 * Check one DIRBLKSIZ chunk entry by entry, swap its integers to host
 * order, and cut it short at the first bad entry (the entry before absorbs
 * the rest of the chunk), so restore always sees a well-formed directory.
 */
static int
fixdirchunk(dino_t ino, unsigned char *c, int64_t at)
{
	unsigned char *e, *prev = NULL;
	uint32_t dino;
	uint16_t reclen, namlen;
	int o, sw = sblock.fs_swap, oldfmt, bad = 0;

	oldfmt = sblock.fs_inodefmt < FS_44INODEFMT;
	for (o = 0; o < DIRBLKSIZ; o += reclen) {
		e = c + o;
		if (DIRBLKSIZ - o < 8) {
			/* Not even room for an entry's header. */
			reportino(ino, "bad directory entry length at offset "
			    "%" PRId64 " (%d bytes left)", at + o,
			    DIRBLKSIZ - o);
			bad = 1;
			break;
		}
		dino = ufs_get32(e + DIR_INO, sw);
		reclen = ufs_get16(e + DIR_RECLEN, sw);
		namlen = oldfmt ? ufs_get16(e + DIR_TYPE, sw) : e[DIR_NAMLEN];
		if (reclen < 8 || reclen % 4 != 0 || o + reclen > DIRBLKSIZ) {
			reportino(ino, "bad directory entry length %u at "
			    "offset %" PRId64, reclen, at + o);
			bad = 1;
			break;
		}
		if (dino != 0 && (dino >= maxino || namlen == 0 ||
		    namlen > UFS_MAXNAMLEN || DIRSIZ(namlen) > reclen ||
		    memchr(e + DIR_NAME, '\0', namlen) != NULL ||
		    memchr(e + DIR_NAME, '/', namlen) != NULL)) {
			reportino(ino, "bad directory entry at offset %" PRId64
			    " (inode %" PRIu32 ", name length %u)", at + o, dino,
			    namlen);
			bad = 1;
			break;
		}
		if (sw) {
			ufs_put32(e + DIR_INO, dino, 0);
			ufs_put16(e + DIR_RECLEN, reclen, 0);
			if (oldfmt)
				ufs_put16(e + DIR_TYPE, namlen, 0);
		}
		prev = e;
	}
	if (bad) {
		if (prev != NULL)
			ufs_put16(prev + DIR_RECLEN,
			    (uint16_t)(c + DIRBLKSIZ - prev), 0);
		else {
			memset(c, 0, 8);
			ufs_put16(c + DIR_RECLEN, DIRBLKSIZ, 0);
		}
	}
	return (bad);
}

typedef int (*entfunc)(uint32_t, const unsigned char *, uint16_t, void *);

/*
 * The entries of directory block lbn, as readdirblk() checked and
 * converted them: f(inode, name, name length, arg) for each entry in use,
 * until f returns non-zero, which is returned.
 */
static int
forentries(dino_t ino, const struct dinode_h *dp, int64_t lbn, int64_t addr,
    entfunc f, void *arg)
{
	unsigned char *e;
	int64_t n, o;
	uint32_t dino;
	uint16_t namlen;
	int oldfmt = sblock.fs_inodefmt < FS_44INODEFMT, r;

	if ((n = readdirblk(ino, dp, lbn, addr)) == 0)
		return (0);
	for (o = 0; o < n; o += ufs_get16(e + DIR_RECLEN, 0)) {
		e = dirbuf + o;
		dino = ufs_get32(e + DIR_INO, 0);
		if (dino == 0)
			continue;
		namlen = oldfmt ? ufs_get16(e + DIR_TYPE, 0) : e[DIR_NAMLEN];
		if ((r = f(dino, e + DIR_NAME, namlen, arg)) != 0)
			return (r);
	}
	return (0);
}

/* Is this name "." or ".."? */
static int
isdots(const unsigned char *name, uint16_t namlen)
{
	return (name[0] == '.' && (namlen == 1 ||
	    (namlen == 2 && name[1] == '.')));
}

/* Pass II helper: one entry of a directory. */
static int
searchent(uint32_t dino, const unsigned char *name, uint16_t namlen,
    void *arg)
{
	struct dirscan *ds = arg;
	struct dinode_h di;

	if (isdots(name, namlen))
		return (0);
	if (ds->ds_nodump) {
		if (getino(dino, &di) == -1)
			return (0);
		if (TSTINO(dino, dumpinomap)) {
			CLRINO(dino, dumpinomap);
			*ds->ds_tsize -= blockest(&di);
		}
		/* Subdirectories inherit nodump. */
		if ((di.di_mode & IFMT) == IFDIR) {
			SETINO(dino, dumpdirmap);
			CLRINO(dino, usedinomap);
			ds->ds_ret |= HASSUBDIRS;
		}
	} else {
		if (TSTINO(dino, dumpinomap))
			ds->ds_ret |= HASDUMPEDFILE;
		if (TSTINO(dino, dumpdirmap))
			ds->ds_ret |= HASSUBDIRS;
		if ((ds->ds_ret & (HASDUMPEDFILE | HASSUBDIRS)) ==
		    (HASDUMPEDFILE | HASSUBDIRS))
			return (1);
	}
	return (0);
}

/* Pass II helper: the entries of one directory block. */
static int
searchdir(int64_t lbn, int64_t addr, int64_t nblk, void *arg)
{
	struct dirscan *ds = arg;

	(void)nblk;
	return (forentries(ds->ds_ino, ds->ds_dp, lbn, addr, searchent, ds));
}

/*
 * Pass II: add every directory that leads to something dumped, and carry
 * nodump down directory trees.  Returns whether anything changed, so the
 * caller repeats the pass until it settles.
 */
int
mapdirs(dino_t maxi, int64_t *tsize)
{
	struct dinode_h di;
	struct dirscan ds;
	dino_t ino;
	int change = 0;

	for (ino = UFS_ROOTINO; ino < maxi; ino++) {
		if (!TSTINO(ino, dumpdirmap))
			continue;
		if (getino(ino, &di) == -1 || (di.di_mode & IFMT) != IFDIR)
			continue;
		memset(&ds, 0, sizeof(ds));
		ds.ds_ino = ino;
		ds.ds_dp = &di;
		ds.ds_tsize = tsize;
		/*
		 * A directory in the directory map but not in use is one
		 * excluded by nodump, its own flag or an ancestor's.
		 */
		ds.ds_nodump = !TSTINO(ino, usedinomap) &&
		    ino != UFS_ROOTINO;
		(void)walkfile(ino, &di, searchdir, &ds);
		if (ds.ds_ret & HASDUMPEDFILE) {
			if (!TSTINO(ino, dumpinomap)) {
				SETINO(ino, dumpinomap);
				*tsize += blockest(&di);
				change = 1;
			}
			continue;
		}
		if (ds.ds_nodump) {
			if (ds.ds_ret & HASSUBDIRS)
				change = 1;
			CLRINO(ino, dumpdirmap);
		} else if ((ds.ds_ret & HASSUBDIRS) == 0 &&
		    !TSTINO(ino, dumpinomap)) {
			CLRINO(ino, dumpdirmap);
			change = 1;
		}
	}
	return (change);
}

/* State for the subset helpers: one directory's entries. */
struct dirlist {
	dino_t		 dl_ino;
	const struct dinode_h *dl_dp;
	const char	*dl_name;	/* lookup: the name searched */
	size_t		 dl_namlen;
	dino_t		 dl_found;
	dino_t		*dl_kids;	/* listing: the entries' inodes */
	size_t		 dl_nkids, dl_maxkids;
};

/*
 * One entry of a directory: a lookup stops at the name searched; a listing
 * collects every entry but "." and "..".
 */
static int
listent(uint32_t dino, const unsigned char *name, uint16_t namlen,
    void *arg)
{
	struct dirlist *dl = arg;
	dino_t *nk;

	if (dl->dl_name != NULL) {
		if (namlen == dl->dl_namlen &&
		    memcmp(name, dl->dl_name, namlen) == 0) {
			dl->dl_found = dino;
			return (1);
		}
		return (0);
	}
	if (isdots(name, namlen))
		return (0);
	if (dl->dl_nkids == dl->dl_maxkids) {
		dl->dl_maxkids = dl->dl_maxkids ? 2 * dl->dl_maxkids : 64;
		nk = reallocarray(dl->dl_kids, dl->dl_maxkids, sizeof(*nk));
		if (nk == NULL)
			quit("out of memory\n");
		dl->dl_kids = nk;
	}
	dl->dl_kids[dl->dl_nkids++] = dino;
	return (0);
}

/* Look up or list the entries of one directory block. */
static int
listdir(int64_t lbn, int64_t addr, int64_t nblk, void *arg)
{
	struct dirlist *dl = arg;

	(void)nblk;
	return (forentries(dl->dl_ino, dl->dl_dp, lbn, addr, listent, dl));
}

/*
 * Subset dumps of an image: the inode a path inside the file system names,
 * looked up from the root without following symbolic links.  Returns 0 and
 * sets *why when there is no such file.
 */
dino_t
lookuppath(const char *path, const char **why)
{
	struct dinode_h di;
	struct dirlist dl;
	const char *p = path, *q;
	dino_t ino = UFS_ROOTINO;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && *q != '/'; q++)
			continue;
		if (getino(ino, &di) == -1 || (di.di_mode & IFMT) != IFDIR) {
			*why = "a component of the path is not a directory";
			return (0);
		}
		memset(&dl, 0, sizeof(dl));
		dl.dl_ino = ino;
		dl.dl_dp = &di;
		dl.dl_name = p;
		dl.dl_namlen = (size_t)(q - p);
		(void)walkfile(ino, &di, listdir, &dl);
		if (dl.dl_found == 0 || dl.dl_found >= maxino) {
			*why = "no such file or directory in the file system";
			return (0);
		}
		ino = dl.dl_found;
		p = q;
	}
	if (getino(ino, &di) == -1 || di.di_mode == 0) {
		*why = "its inode is not in use";
		return (0);
	}
	return (ino);
}

/*
 * Subset dumps: put the file ino, and for a directory everything under
 * it, into the dump map.  Pass II then adds the directories above.
 */
void
mapsubset(dino_t top, int64_t *tsize)
{
	struct dinode_h di;
	struct dirlist dl;
	dino_t *stack = NULL, *ns, ino;
	size_t nstack = 0, maxstack = 0, i;

	memset(&dl, 0, sizeof(dl));
	ino = top;
	for (;;) {
		/* The root is in the map already, but is walked if named. */
		if (ino >= UFS_ROOTINO && ino < maxino &&
		    (ino == top || !TSTINO(ino, dumpinomap)) &&
		    getino(ino, &di) == 0 && di.di_mode != 0 &&
		    TSTINO(ino, usedinomap) && !nodumpflag(&di)) {
			if (!TSTINO(ino, dumpinomap)) {
				SETINO(ino, dumpinomap);
				*tsize += blockest(&di);
			}
			if ((di.di_mode & IFMT) == IFDIR) {
				dl.dl_ino = ino;
				dl.dl_dp = &di;
				dl.dl_nkids = 0;
				(void)walkfile(ino, &di, listdir, &dl);
				if (nstack + dl.dl_nkids > maxstack) {
					maxstack = 2 * (nstack + dl.dl_nkids);
					ns = reallocarray(stack, maxstack,
					    sizeof(*ns));
					if (ns == NULL)
						quit("out of memory\n");
					stack = ns;
				}
				for (i = 0; i < dl.dl_nkids; i++)
					stack[nstack++] = dl.dl_kids[i];
			}
		}
		if (nstack == 0)
			break;
		ino = stack[--nstack];
	}
	free(stack);
	free(dl.dl_kids);
}

/*
 * Pieces: a file is cut into TP_BSIZE pieces, TP_NINDIR to a header.  The
 * header is written once its pieces are known, then the pieces' data.
 */
static void
addpiece(dino_t ino, int64_t off, int32_t len, const void *data)
{
	pieces[npieces].p_off = off;
	pieces[npieces].p_len = len;
	if (data != NULL) {
		memset(piecedata + (size_t)npieces * TP_BSIZE, 0, TP_BSIZE);
		memcpy(piecedata + (size_t)npieces * TP_BSIZE, data,
		    (size_t)len);
		pieces[npieces].p_off = -2;
	}
	if (++npieces == TP_NINDIR)
		flushpieces(ino);
}

static void
flushpieces(dino_t ino)
{
	int i, j, ntp;
	int64_t len;

	spcl.c_type = firsthdr ? TS_INODE : TS_ADDR;
	firsthdr = 0;
	spcl.c_count = npieces;
	memset(spcl.c_addr, 0, sizeof(spcl.c_addr));
	for (i = 0; i < npieces; i++)
		spcl.c_addr[i] = pieces[i].p_off != -1;
	writeheader(ino);
	for (i = 0; i < npieces; i = j) {
		if (pieces[i].p_off == -1) {
			j = i + 1;
			continue;
		}
		if (pieces[i].p_off == -2) {
			writeblock(piecedata + (size_t)i * TP_BSIZE);
			j = i + 1;
			continue;
		}
		/* Coalesce contiguous disk pieces into one request. */
		len = pieces[i].p_len;
		for (j = i + 1; j < npieces && pieces[j - 1].p_len ==
		    TP_BSIZE && pieces[j].p_off == pieces[j - 1].p_off +
		    TP_BSIZE; j++)
			len += pieces[j].p_len;
		ntp = j - i;
		dumpdisk(pieces[i].p_off, (size_t)len, ntp);
	}
	npieces = 0;
}

/* walkfile() callback for regular files and long symlinks. */
static int
filepieces(int64_t lbn, int64_t addr, int64_t nblk, void *arg)
{
	const struct dinode_h *dp = arg;
	int64_t data, alloc, np, j, k;
	int32_t len;

	for (k = 0; k < nblk; k++, lbn++) {
		data = blkdatasize(dp, lbn);
		np = (data + TP_BSIZE - 1) / TP_BSIZE;
		alloc = blkallocsize(dp, lbn);
		if (addr != 0 && !fragsok(addr, alloc / sblock.fs_fsize)) {
			reportino(curino, "block %" PRId64 " is outside the "
			    "file system; zero-filled", addr);
			addr = 0;
		}
		if (addr == 0) {
			for (j = 0; j < np; j++)
				addpiece(curino, -1, 0, NULL);
			continue;
		}
		for (j = 0; j < np; j++) {
			len = (int32_t)(alloc - j * TP_BSIZE < TP_BSIZE ?
			    alloc - j * TP_BSIZE : TP_BSIZE);
			addpiece(curino, addr * sblock.fs_fsize +
			    j * TP_BSIZE, len, NULL);
		}
	}
	return (0);
}

/* walkfile() callback for directories: data goes inline, in host order. */
static int
dirpieces(int64_t lbn, int64_t addr, int64_t nblk, void *arg)
{
	const struct dinode_h *dp = arg;
	unsigned char empty[TP_BSIZE];
	int64_t n, np, j, k;

	for (k = 0; k < nblk; k++, lbn++) {
		np = (blkdatasize(dp, lbn) + TP_BSIZE - 1) / TP_BSIZE;
		n = readdirblk(curino, dp, lbn, addr);
		if (n == 0 && addr == 0)
			reportino(curino, "directory has a hole at block %"
			    PRId64 "; written as empty", lbn);
		if (n == 0) {
			/* A hole or bad block: give restore empty chunks. */
			memset(empty, 0, sizeof(empty));
			for (j = 0; j < TP_BSIZE; j += DIRBLKSIZ)
				ufs_put16(empty + j + DIR_RECLEN, DIRBLKSIZ, 0);
			for (j = 0; j < np; j++)
				addpiece(curino, TP_BSIZE, TP_BSIZE, empty);
			continue;
		}
		for (j = 0; j < np; j++)
			addpiece(curino, TP_BSIZE, (int32_t)(n - j * TP_BSIZE <
			    TP_BSIZE ? n - j * TP_BSIZE : TP_BSIZE),
			    dirbuf + j * TP_BSIZE);
	}
	return (0);
}

/* Nanoseconds from disk to microseconds, 0 when out of range. */
static int32_t
usecs(int32_t nsec)
{
	if (nsec < 0 || nsec > 999999999)
		return (0);
	return (nsec / 1000);
}

/*
 * Dump one inode: its header, then its data.
 */
void
dumpino(struct dinode_h *dp, dino_t ino)
{
	unsigned char link[TP_BSIZE];
	int mode = dp->di_mode & IFMT;

	curino = ino;
	spcl.c_mode = dp->di_mode;
	spcl.c_size = dp->di_size;
	spcl.c_old_atime = (int32_t)dp->di_atime;
	spcl.c_atime = dp->di_atime;
	/*
	 * Sub-second times go out in microseconds: Debian's restore hands
	 * these fields to utimes() as tv_usec and refuses the whole time
	 * when they hold nanoseconds; BSD restores divide by 1000, so they
	 * still get the exact second.
	 */
	spcl.c_atimensec = usecs(dp->di_atimensec);
	spcl.c_old_mtime = (int32_t)dp->di_mtime;
	spcl.c_mtime = dp->di_mtime;
	spcl.c_mtimensec = usecs(dp->di_mtimensec);
	spcl.c_birthtime = dp->di_birthtime;
	spcl.c_birthtimensec = usecs(dp->di_birthnsec);
	spcl.c_rdev = 0;
	spcl.c_extsize = 0;
	spcl.c_file_flags = dp->di_flags;
	spcl.c_uid = dp->di_uid;
	spcl.c_gid = dp->di_gid;
	spcl.c_spare1[0] = dp->di_nlink;
	firsthdr = 1;
	npieces = 0;

	switch (mode) {
	case IFLNK:
		if (inlinelink(dp)) {
			memset(link, 0, sizeof(link));
			memcpy(link, dp->di_raw, (size_t)dp->di_size);
			addpiece(ino, TP_BSIZE, TP_BSIZE, link);
			break;
		}
		/* FALLTHROUGH */
	case IFREG:
		if (dp->di_size > 0)
			(void)walkfile(ino, dp, filepieces, dp);
		break;
	case IFDIR:
		if (dp->di_size % DIRBLKSIZ != 0)
			reportino(ino, "directory size %" PRIu64 " is not a "
			    "multiple of %d", dp->di_size, DIRBLKSIZ);
		if (dp->di_size > 0)
			(void)walkfile(ino, dp, dirpieces, dp);
		break;
	case IFCHR:
	case IFBLK:
		spcl.c_rdev = (int32_t)dp->di_db[0];
		break;
	case IFIFO:
	case IFSOCK:
		break;
	default:
		reportino(ino, "unknown file type %#o; not dumped", mode);
		return;
	}
	if (npieces > 0 || firsthdr)
		flushpieces(ino);
}

/*
 * Dump an inode map (TS_CLRI or TS_BITS): a header and the map's blocks.
 */
void
dumpmap(unsigned char *map, int type, dino_t ino)
{
	size_t i;

	spcl.c_type = type;
	spcl.c_count = (int32_t)(mapsize / TP_BSIZE);
	memset(spcl.c_addr, 0, sizeof(spcl.c_addr));
	writeheader(ino);
	for (i = 0; i < mapsize; i += TP_BSIZE)
		writeblock(map + i);
}
