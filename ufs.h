/*
 * On-disk UFS1/UFS2 (FFS) layout: the superblock, cylinder group, dinode and
 * directory offsets dump needs, and the byte-order accessors that turn
 * on-disk integers into host integers.  No structs are overlaid on disk data:
 * every field is read through an accessor at a named offset.
 */
#ifndef DUMP_UFS_H
#define DUMP_UFS_H

#include <stdint.h>
#include <string.h>

/* Superblock locations, probed in this order. */
#define SBLOCK_UFS2	65536
#define SBLOCK_UFS1	8192
#define SBLOCK_FLOPPY	0
#define SBLOCK_PIGGY	262144
#define SBLOCKSIZE	8192
#define SBLOCKSEARCH	{ SBLOCK_UFS2, SBLOCK_UFS1, SBLOCK_FLOPPY, \
			    SBLOCK_PIGGY, -1 }

#define FS_UFS1_MAGIC	0x00011954
#define FS_UFS2_MAGIC	0x19540119
#define FS_BAD_MAGIC	0x19960408
#define CG_MAGIC	0x00090255

#define MINBSIZE	4096
#define MAXBSIZE	65536
#define MAXFRAG		8
#define DEV_BSIZE	512
#define DEV_BSHIFT	9
#define FSSIZEOF	1376		/* sizeof(struct fs) */

/* Superblock field offsets. */
#define FS_SBLKNO	8
#define FS_CBLKNO	12
#define FS_IBLKNO	16
#define FS_DBLKNO	20
#define FS_OLD_CGOFFSET	24
#define FS_OLD_CGMASK	28
#define FS_OLD_TIME	32
#define FS_OLD_SIZE	36
#define FS_NCG		44
#define FS_BSIZE	48
#define FS_FSIZE	52
#define FS_FRAG		56
#define FS_BMASK	72
#define FS_FMASK	76
#define FS_BSHIFT	80
#define FS_FSHIFT	84
#define FS_FRAGSHIFT	96
#define FS_FSBTODB	100
#define FS_SBSIZE	104
#define FS_NINDIR	116
#define FS_INOPB	120
#define FS_CGSIZE	160
#define FS_IPG		184
#define FS_FPG		188
#define FS_OLD_FLAGS	211
#define FS_FSMNT	212
#define FS_FSMNT_LEN	468
#define FS_VOLNAME	680
#define FS_SBLOCKLOC	1000
#define FS_TIME		1072
#define FS_SIZE		1080
#define FS_FLAGS	1312
#define FS_MAXSYMLINKLEN 1320
#define FS_OLD_INODEFMT	1324
#define FS_MAGIC	1372

#define FS_FLAGS_UPDATED 0x80
#define FS_DOSOFTDEP	0x02
#define FS_44INODEFMT	2

/* Cylinder group header offsets. */
#define CG_MAGIC_OFF	4
#define CG_CGX		12
#define CG_IUSEDOFF	92
#define CG_NIBLK	116
#define CG_INITEDIBLK	120
#define CG_FIXEDSIZE	168

/* Dinodes. */
#define UFS_NDADDR	12
#define UFS_NIADDR	3
#define UFS_ROOTINO	2
#define UFS1_DINODE_SIZE 128
#define UFS2_DINODE_SIZE 256
#define UFS1_MAXSYMLINKLEN 60
#define UFS2_MAXSYMLINKLEN 120

#define DI1_MODE	0
#define DI1_NLINK	2
#define DI1_SIZE	8
#define DI1_ATIME	16
#define DI1_ATIMENSEC	20
#define DI1_MTIME	24
#define DI1_MTIMENSEC	28
#define DI1_CTIME	32
#define DI1_CTIMENSEC	36
#define DI1_DB		40
#define DI1_IB		88
#define DI1_FLAGS	100
#define DI1_BLOCKS	104
#define DI1_GEN		108
#define DI1_UID		112
#define DI1_GID		116

#define DI2_MODE	0
#define DI2_NLINK	2
#define DI2_UID		4
#define DI2_GID		8
#define DI2_SIZE	16
#define DI2_BLOCKS	24
#define DI2_ATIME	32
#define DI2_MTIME	40
#define DI2_CTIME	48
#define DI2_BIRTHTIME	56
#define DI2_MTIMENSEC	64
#define DI2_ATIMENSEC	68
#define DI2_CTIMENSEC	72
#define DI2_BIRTHNSEC	76
#define DI2_GEN		80
#define DI2_FLAGS	88
#define DI2_EXTSIZE	92
#define DI2_DB		112
#define DI2_IB		208

#define IFMT		0170000
#define IFIFO		0010000
#define IFCHR		0020000
#define IFDIR		0040000
#define IFBLK		0060000
#define IFREG		0100000
#define IFLNK		0120000
#define IFSOCK		0140000
#define IFWHT		0160000

#define UF_NODUMP	0x00000001
#define SF_SNAPSHOT	0x00200000

/* Directories. */
#define DIRBLKSIZ	512
#define UFS_MAXNAMLEN	255
#define DIR_INO		0
#define DIR_RECLEN	4
#define DIR_TYPE	6
#define DIR_NAMLEN	7
#define DIR_NAME	8
#define DIRSIZ(n)	(8 + (((n) + 1 + 3) & ~3))

/* Byte-order accessors: p points at on-disk bytes, sw says swap. */
static inline uint16_t
ufs_get16(const void *p, int sw)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return (sw ? __builtin_bswap16(v) : v);
}

static inline uint32_t
ufs_get32(const void *p, int sw)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return (sw ? __builtin_bswap32(v) : v);
}

static inline uint64_t
ufs_get64(const void *p, int sw)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return (sw ? __builtin_bswap64(v) : v);
}

static inline void
ufs_put16(void *p, uint16_t v, int sw)
{
	if (sw)
		v = __builtin_bswap16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
ufs_put32(void *p, uint32_t v, int sw)
{
	if (sw)
		v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

#endif /* !DUMP_UFS_H */
