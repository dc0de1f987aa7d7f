/*
 * The BSD dump tape format: the 1024-byte header record, record types,
 * magics and flags.  The stream is written in the byte order of the host
 * running dump, so the header is an ordinary struct of fixed-width fields;
 * the static assertions pin every offset to the published layout.
 */
#ifndef DUMP_DUMPRESTORE_H
#define DUMP_DUMPRESTORE_H

#include <stddef.h>
#include <stdint.h>

#define TP_BSIZE	1024
#define NTREC		10
#define HIGHDENSITYTREC	32
#define MAXNTREC	64		/* -b limit: 64 KB records */
#define TP_NINDIR	(TP_BSIZE / 2)
#define LBLSIZE		16
#define NAMELEN		64

#define OFS_MAGIC	60011
#define NFS_MAGIC	60012
#define FS_UFS2_MAGIC_TAPE 0x19540119
#define CHECKSUM	84446

#define TS_TAPE		1
#define TS_INODE	2
#define TS_BITS		3
#define TS_ADDR		4
#define TS_END		5
#define TS_CLRI		6

#define DR_NEWHEADER	0x0001
#define DR_NEWINODEFMT	0x0002

struct s_spcl {
	int32_t		c_type;			/* 0 */
	int32_t		c_old_date;		/* 4 */
	int32_t		c_old_ddate;		/* 8 */
	int32_t		c_volume;		/* 12 */
	int32_t		c_old_tapea;		/* 16 */
	uint32_t	c_inumber;		/* 20 */
	int32_t		c_magic;		/* 24 */
	int32_t		c_checksum;		/* 28 */
	uint16_t	c_mode;			/* 32 */
	int16_t		c_spare1[3];		/* 34 */
	uint64_t	c_size;			/* 40 */
	int32_t		c_old_atime;		/* 48 */
	int32_t		c_atimensec;		/* 52 */
	int32_t		c_old_mtime;		/* 56 */
	int32_t		c_mtimensec;		/* 60 */
	int32_t		c_spare2[2];		/* 64 */
	int32_t		c_rdev;			/* 72 */
	int32_t		c_birthtimensec;	/* 76 */
	int64_t		c_birthtime;		/* 80 */
	int64_t		c_atime;		/* 88 */
	int64_t		c_mtime;		/* 96 */
	int32_t		c_extsize;		/* 104 */
	int32_t		c_spare4[6];		/* 108 */
	uint32_t	c_file_flags;		/* 132 */
	int32_t		c_spare5[2];		/* 136 */
	uint32_t	c_uid;			/* 144 */
	uint32_t	c_gid;			/* 148 */
	int32_t		c_spare6[2];		/* 152 */
	int32_t		c_count;		/* 160 */
	char		c_addr[TP_NINDIR];	/* 164 */
	char		c_label[LBLSIZE];	/* 676 */
	int32_t		c_level;		/* 692 */
	char		c_filesys[NAMELEN];	/* 696 */
	char		c_dev[NAMELEN];		/* 760 */
	char		c_host[NAMELEN];	/* 824 */
	int32_t		c_flags;		/* 888 */
	int32_t		c_old_firstrec;		/* 892 */
	int64_t		c_date;			/* 896 */
	int64_t		c_ddate;		/* 904 */
	int64_t		c_tapea;		/* 912 */
	int64_t		c_firstrec;		/* 920 */
	int32_t		c_spare[24];		/* 928 */
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct s_spcl) == TP_BSIZE, "tape header size");
_Static_assert(offsetof(struct s_spcl, c_size) == 40, "c_size");
_Static_assert(offsetof(struct s_spcl, c_rdev) == 72, "c_rdev");
_Static_assert(offsetof(struct s_spcl, c_atime) == 88, "c_atime");
_Static_assert(offsetof(struct s_spcl, c_file_flags) == 132, "c_file_flags");
_Static_assert(offsetof(struct s_spcl, c_uid) == 144, "c_uid");
_Static_assert(offsetof(struct s_spcl, c_count) == 160, "c_count");
_Static_assert(offsetof(struct s_spcl, c_addr) == 164, "c_addr");
_Static_assert(offsetof(struct s_spcl, c_label) == 676, "c_label");
_Static_assert(offsetof(struct s_spcl, c_level) == 692, "c_level");
_Static_assert(offsetof(struct s_spcl, c_filesys) == 696, "c_filesys");
_Static_assert(offsetof(struct s_spcl, c_flags) == 888, "c_flags");
_Static_assert(offsetof(struct s_spcl, c_date) == 896, "c_date");
_Static_assert(offsetof(struct s_spcl, c_firstrec) == 920, "c_firstrec");
_Static_assert(offsetof(struct s_spcl, c_spare) == 928, "c_spare");

#endif /* !DUMP_DUMPRESTORE_H */
