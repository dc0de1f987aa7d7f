# dump(8): back up a UFS1/UFS2 file system in the BSD dump format.
#
# main.c	options, choosing the file system, the passes, exit status
# traverse.c	superblock, inodes, block maps, directories; passes I-IV
# tape.c	record assembly and the ring of three writing slaves
# optr.c	operator messages, questions, progress
# itime.c	/etc/dumpdates
# dumprmt.c	the rmt protocol client
# cache.c	the disk read path shared by the slaves

PROG=	dump
SRCS=	cache.c dumprmt.c itime.c main.c optr.c tape.c traverse.c
MAN=	dump.8
LINKS=	${BINDIR}/dump ${BINDIR}/rdump
MLINKS=	dump.8 rdump.8

BINDIR?=	/usr/sbin
MANDIR?=	/usr/share/man

CPPFLAGS+=	-D_GNU_SOURCE -I${.CURDIR}
CFLAGS+=	-std=c11 -O2 -g -Wall -Wextra -Werror -fno-common

MKDOC=	no
MKMAN?=	no

# The suite against the build; "check" adds a run under ASan and UBSan.
test: ${PROG}
	@sh ${.CURDIR}/tests/run.sh

dump-san: ${SRCS} ${.CURDIR}/dump.h ${.CURDIR}/ufs.h ${.CURDIR}/dumprestore.h
	${CC} ${CPPFLAGS} ${CFLAGS} -O1 -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer \
	    -o ${.TARGET} ${.ALLSRC:M*.c}

check: ${PROG} dump-san
	@DUMP_BINS="${.OBJDIR}/${PROG} ${.OBJDIR}/dump-san" \
	    sh ${.CURDIR}/tests/run.sh

CLEANFILES+=	dump-san

FUZZCC?=	clang
FUZZTIME?=	600

# Fuzz the rmt reply parser with libFuzzer for FUZZTIME seconds (clang,
# libclang-rt-dev).  New crashes land in ${.OBJDIR} as crash-*; copy them
# to tests/fuzz/rmt-regress/, which the test suite replays.
rmt-fuzz: ${.CURDIR}/tests/fuzz/fuzz_rmt.c ${.CURDIR}/dumprmt.c \
    ${.CURDIR}/dump.h
	${FUZZCC} ${CPPFLAGS} -std=c11 -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o ${.TARGET} ${.ALLSRC:M*.c}

fuzz-rmt: rmt-fuzz
	mkdir -p rmt-corpus
	./rmt-fuzz -max_total_time=${FUZZTIME} -max_len=4096 \
	    -print_final_stats=1 -artifact_prefix=${.OBJDIR}/ \
	    rmt-corpus ${.CURDIR}/tests/fuzz/rmt-regress

CLEANFILES+=	rmt-fuzz

# Fuzzing the UFS reader (tests/fuzz/README): "fuzz-ufs" runs a bounded
# libFuzzer campaign, FUZZTIME seconds in FUZZDIR.  Not part of "test";
# the inputs it has found run there through t_fuzzcorpus.sh.
FUZZDIR?=	/tmp/dump-fuzz
FUZZFLAGS=	-D_GNU_SOURCE -I${.CURDIR} -std=c11 -g -O1 \
		-fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all

fuzz_ufs: ${.CURDIR}/tests/fuzz/fuzz_ufs.c ${.CURDIR}/traverse.c \
	    ${.CURDIR}/dump.h ${.CURDIR}/ufs.h
	${FUZZCC} ${FUZZFLAGS} -o ${.TARGET} ${.CURDIR}/tests/fuzz/fuzz_ufs.c

fuzz-ufs: fuzz_ufs
	FUZZTIME=${FUZZTIME} FUZZDIR=${FUZZDIR} \
	    sh ${.CURDIR}/tests/fuzz/run.sh ${.OBJDIR}/fuzz_ufs

fuzz: fuzz-ufs fuzz-rmt

CLEANFILES+=	fuzz_ufs

# Against Linux dump and cat (long; not part of "test"): bench/run.sh.
.PHONY: bench
bench: ${PROG}
	@sh ${.CURDIR}/bench/run.sh

lint:
	mandoc -Tlint ${.CURDIR}/dump.8
	shellcheck ${.CURDIR}/tests/*.sh ${.CURDIR}/.ci/run

.include <bsd.prog.mk>
