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

# Installed under PREFIX, away from the distribution's own dump and
# restore; BINDIR, MANDIR and DESTDIR override as in any bsd.prog.mk build.
# The mk files' default MANTARGET (cat) would install nroff output in
# cat8; we install the mdoc source in man8, compressed when MANZ is set.
PREFIX?=	/usr/local
BINDIR?=	${PREFIX}/sbin
MANDIR?=	${PREFIX}/share/man
MANTARGET?=	man

CPPFLAGS+=	-D_GNU_SOURCE -I${.CURDIR}
CFLAGS+=	-std=c11 -O2 -g -Wall -Wextra -Werror -fno-common

# "install" first runs "install-check": on the live system (DESTDIR empty
# or /), it refuses to replace a file the package manager owns, naming the
# file and its package, unless FORCE=yes.  PKGQUERY prints the owner of a
# path and fails when there is none (the tests point it at a stub).
PKGQUERY?=	dpkg-query -S
INSTALLED=	${BINDIR}/${PROG} ${BINDIR}/rdump \
		${MANDIR}/man8/dump.8${MCOMPRESSSUFFIX} \
		${MANDIR}/man8/rdump.8${MCOMPRESSSUFFIX}

install-check: .PHONY
	@d="${DESTDIR}"; \
	[ -z "$$d" ] || [ "$$d" -ef / ] || exit 0; \
	[ "${FORCE}" = yes ] && exit 0; \
	bad=0; \
	for f in ${INSTALLED}; do \
		[ -e "$$f" ] || [ -h "$$f" ] || continue; \
		for c in "$$f" "$${f#/usr}" "/usr$$f" \
		    "$$(readlink -f "$$f")"; do \
			[ "$$c" -ef "$$f" ] || continue; \
			o=$$(${PKGQUERY} "$$c" 2>/dev/null) || continue; \
			echo "install: $$f belongs to the package" \
			    "$${o%%:*}; not replacing it (set PREFIX= or" \
			    "BINDIR=, or add FORCE=yes)" >&2; \
			bad=1; \
			break; \
		done; \
	done; \
	exit $$bad

beforeinstall: install-check ${PROG}

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

# The same checks as tests/t_build.sh.
lint:
	mandoc -Tlint -Wwarning ${.CURDIR}/dump.8
	shellcheck -s sh -e SC1090,SC1091,SC2034,SC2154 ${.CURDIR}/tests/*.sh \
	    ${.CURDIR}/setup.sh ${.CURDIR}/.ci/run

.include <bsd.prog.mk>
