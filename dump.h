/*
 * Shared types, globals and prototypes of dump(8).  Each global is defined
 * once, in the .c file that owns it; the exit codes live here.
 */
#ifndef DUMP_DUMP_H
#define DUMP_DUMP_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "dumprestore.h"

/* Exit codes. */
#define X_FINOK		0	/* normal exit */
#define X_STARTUP	1	/* bad arguments, before any I/O */
#define X_REWRITE	2	/* volume child: rewrite this volume */
#define X_ABORT		3	/* the dump was aborted */

typedef uint32_t dino_t;	/* inode numbers on tape are 32 bit */

/* The file system as read from its superblock, in host order. */
struct fsinfo {
	int		fs_swap;	/* on-disk order differs from host */
	int		fs_ufs2;
	int32_t		fs_bsize;
	int32_t		fs_fsize;
	int32_t		fs_frag;
	int32_t		fs_bshift;
	int32_t		fs_fshift;
	int32_t		fs_fragshift;
	int32_t		fs_fsbtodb;
	int32_t		fs_nindir;
	uint32_t	fs_inopb;
	uint32_t	fs_ipg;
	uint32_t	fs_ncg;
	int32_t		fs_fpg;
	int32_t		fs_sblkno;
	int32_t		fs_cblkno;
	int32_t		fs_iblkno;
	int32_t		fs_dblkno;
	int32_t		fs_cgoffset;
	int32_t		fs_cgmask;
	int32_t		fs_cgsize;
	int32_t		fs_maxsymlinklen;
	int32_t		fs_inodefmt;
	int32_t		fs_flags;
	int64_t		fs_size;	/* frags */
	int64_t		fs_sblockloc;
	int64_t		fs_time;
	dino_t		fs_maxino;	/* ncg * ipg */
	int		fs_isize;	/* 128 or 256 */
	char		fs_fsmnt[NAMELEN];
};

/* A dinode decoded into host order. */
struct dinode_h {
	uint16_t	di_mode;
	int16_t		di_nlink;
	uint32_t	di_uid;
	uint32_t	di_gid;
	uint32_t	di_flags;
	uint32_t	di_gen;
	uint32_t	di_extsize;
	uint64_t	di_size;
	uint64_t	di_blocks;	/* 512-byte sectors */
	int64_t		di_atime;
	int64_t		di_mtime;
	int64_t		di_ctime;
	int64_t		di_birthtime;
	int32_t		di_atimensec;
	int32_t		di_mtimensec;
	int32_t		di_ctimensec;
	int32_t		di_birthnsec;
	int64_t		di_db[12];
	int64_t		di_ib[3];
	unsigned char	di_raw[120];	/* the db/ib area as on disk */
};

/* Inode maps: bit for inode i is bit (i-1), as on tape. */
#define MAPBYTE(i)	(((i) - 1) / 8)
#define MAPBIT(i)	(1U << (((i) - 1) % 8))
#define SETINO(i, m)	((m)[MAPBYTE(i)] |= MAPBIT(i))
#define CLRINO(i, m)	((m)[MAPBYTE(i)] &= ~MAPBIT(i))
#define TSTINO(i, m)	((m)[MAPBYTE(i)] & MAPBIT(i))

/* main.c */
extern char	*disk;		/* name of the disk file */
extern char	*tape;		/* name of the output */
extern char	*host;		/* remote host, or NULL */
extern char	*dumpdates;	/* dumpdates file */
extern char	 lastlevel;	/* level of the base dump */
extern char	 level;		/* this dump's level */
extern int	 uflag;		/* update dumpdates */
extern int	 notify;	/* notify the operator group */
extern int	 pipeout;	/* output is standard output */
extern int	 unlimited;	/* -a: write to end of media */
extern int	 cartridge;
extern int	 honorlevel;
extern int	 ntrec;		/* TP_BSIZE blocks per record */
extern long	 density;	/* bytes per 0.1 inch */
extern int64_t	 tsize;		/* tape length in 0.1 inch */
extern int64_t	 blocksperfile;	/* -B, in TP_BSIZE blocks */
extern int64_t	 tapesize;	/* estimated blocks */
extern time_t	 tstart_writing;
extern struct s_spcl spcl;	/* the header being built */
extern struct fsinfo sblock;
extern int	 diskfd;
extern unsigned char *usedinomap, *dumpdirmap, *dumpinomap;
extern size_t	 mapsize;	/* bytes in each inode map */
extern dino_t	 maxino;
extern dino_t	 curino;	/* inode being dumped */
extern int64_t	 dumperrors;	/* inodes reported and skipped */
extern int	 cachesize;	/* -r, in KB */
extern int	 autoload;	/* -l: seconds to wait for a loader */
extern int	 subset;	/* dumping a list of files, not the fs */

/* optr.c */
void	 msg(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 quit(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
int	 query(const char *);
void	 askabort(void);
void	 broadcast(const char *);
void	 timeest(void);
void	 statusline(void);

/* itime.c */
void	 initdumptimes(void);
void	 getdumptime(void);
void	 putdumptime(void);
void	 lastdump(int);

/* traverse.c */
void	 fs_open(const char *);
int	 getino(dino_t, struct dinode_h *);
int64_t	 blockest(const struct dinode_h *);
int	 mapfiles(dino_t, int64_t *);
int	 mapdirs(dino_t, int64_t *);
dino_t	 lookuppath(const char *, const char **);
void	 mapsubset(dino_t, int64_t *);
void	 dumpino(struct dinode_h *, dino_t);
void	 dumpmap(unsigned char *, int, dino_t);
int	 bread(off_t, void *, size_t);
void	 readerrs_add(int64_t);
extern int64_t	 readerrs;	/* disk sectors that could not be read */
#define MAXREADERRS	32	/* unreadable sectors before asking */

/* tape.c */
void	 alloctape(void);
void	 startnewtape(void *, int);
void	 writeheader(dino_t);
void	 writeblock(const void *);
void	 dumpdisk(off_t, size_t, int);
void	 trailer(void);
void	 dumpabort(int) __attribute__((noreturn));
void	 Exit(int) __attribute__((noreturn));
int	 sigwaiting(void);
void	 checkwait(void);
extern int64_t	 blockswritten;	/* blocks written on all volumes */
extern int	 tapeno;	/* current volume */
extern int	 isslave;	/* this process is a slave */

/* cache.c */
struct cslot {			/* one disk read of a record */
	off_t		 cs_off;
	size_t		 cs_len;
	void		*cs_buf;
	int		 cs_ok;		/* set when read whole */
};
ssize_t	 cread(int, void *, size_t, off_t);
void	 cread_slots(int, struct cslot *, int);

/* dumprmt.c */
#define RMT_MSGMAX	1024	/* longest error message taken from a server */

/* One rmt reply as parsed (exported for the fuzz harness). */
struct rmtreply {
	int		rr_kind;	/* 'A', 'E' or 'F' */
	int64_t		rr_val;		/* A: value; E, F: errno sent or -1 */
	char		rr_msg[RMT_MSGMAX + 1];	/* E, F: printable text */
	char		rr_line[32];	/* the status line, printable */
};

int	 rmtsplit(char *, char **, char **);
int	 rmthost(const char *);
int	 rmtopen(const char *, int);
int	 rmtclose(void);
void	 rmtdisconnect(void);
ssize_t	 rmtwrite(const void *, size_t);
int	 rmtioctl(int, int);
int	 rmtstatus(void *, size_t);
void	 rmtabort(void);
void	 rmtsetidle(void (*)(void));
void	 rmtsettimeout(int);
int	 rmtgetreply(int (*)(void *), void *, int64_t, struct rmtreply *,
	    const char **);
int	 rmtgetdata(int (*)(void *), void *, void *, size_t);

#endif /* !DUMP_DUMP_H */
