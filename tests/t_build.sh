#! /usr/bin/env atf-sh
# The sources build clean under gcc and clang with -Wall -Wextra -Werror,
# the manual is lint-clean, and the shell scripts pass shellcheck.

. "$(atf_get_srcdir)/common.sh"

top()
{
	echo "$(atf_get_srcdir)/.."
}

# build_with CC: compile every source with the project's warning flags.
build_with()
{
	require_tools "$1"
	for f in "$(top)"/*.c; do
		"$1" -std=c11 -D_GNU_SOURCE -I"$(top)" -Wall -Wextra -Werror \
		    -fno-common -O2 -c -o "$(basename "$f" .c).o" "$f" \
		    2>>cc.log || atf_fail "$1: $(head -5 cc.log)"
	done
	"$1" -o dump ./*.o 2>>cc.log || atf_fail "$1 link: $(head -5 cc.log)"
}

atf_test_case gcc_clean
gcc_clean_head() { atf_set descr "builds with gcc -Wall -Wextra -Werror"; }
gcc_clean_body() { build_with gcc; }

atf_test_case clang_clean
clang_clean_head() { atf_set descr "builds with clang -Wall -Wextra -Werror"; }
clang_clean_body() { build_with clang; }

atf_test_case manual_lint
manual_lint_head() { atf_set descr "mandoc -Tlint finds nothing in dump.8"; }
manual_lint_body()
{
	require_tools mandoc
	mandoc -Tlint -Wwarning "$(top)/dump.8" >lint.out 2>&1 ||
	    atf_fail "mandoc: $(head -3 lint.out)"
}

atf_test_case usage_matches_synopsis
usage_matches_synopsis_head()
{
	atf_set descr "every option letter of usage() is in the manual's SYNOPSIS"
}
usage_matches_synopsis_body()
{
	"$(dump_bin)" -Z 2>usage.txt
	[ $? -eq 1 ] || atf_fail "a bad option does not exit 1"
	letters=$(grep -o '\[-[A-Za-z0-9]*' usage.txt | cut -c3- | tr -d '\n')
	[ -n "$letters" ] || atf_fail "no options found in usage()"
	for l in $(echo "$letters" | sed 's/./& /g'); do
		grep -q "^\\.Op Fl [^ ]*$l" "$(top)/dump.8" ||
		    atf_fail "option -$l of usage() is not in the SYNOPSIS"
	done
}

atf_test_case shellcheck_clean
shellcheck_clean_head() { atf_set descr "shellcheck passes on the scripts"; }
shellcheck_clean_body()
{
	require_tools shellcheck
	shellcheck -s sh -e SC1090,SC1091,SC2034,SC2154 \
	    "$(top)"/tests/*.sh "$(top)/setup.sh" "$(top)/.ci/run" \
	    >sc.out 2>&1 || atf_fail "shellcheck: $(head -5 sc.out)"
}

# oneline FILE: the last lines of FILE on one line, for atf_fail.
oneline()
{
	tail -3 "$1" | tr '\n' ' '
}

# in_objdir ARGS...: bmake ARGS in the sources with the objects in ./obj,
# so nothing is built or written in the source tree.
in_objdir()
{
	mkdir -p obj
	MAKEOBJDIR=$PWD/obj bmake -C "$(top)" "$@"
}

# mode_of PATH: octal mode, owner uid, and the file's type.
mode_of()
{
	stat -c '%a %u %F' "$1"
}

atf_test_case install_destdir
install_destdir_head()
{
	atf_set descr "bmake install DESTDIR= puts dump, the rdump link and" \
	    "the manual (and its rdump.8 link) under /usr/local, or PREFIX"
	atf_set timeout 600
}
install_destdir_body()
{
	require_tools bmake cc makefs restore
	uid=$(id -u)
	in_objdir WITH_INSTALL_AS_USER=yes >build.log 2>&1 ||
	    atf_fail "bmake: $(oneline build.log)"
	in_objdir WITH_INSTALL_AS_USER=yes install DESTDIR="$PWD/root" \
	    >install.log 2>&1 || atf_fail "install: $(oneline install.log)"
	(cd root && find . ! -type d | LC_ALL=C sort) >got
	printf '%s\n' ./usr/local/sbin/dump ./usr/local/sbin/rdump \
	    ./usr/local/share/man/man8/dump.8 \
	    ./usr/local/share/man/man8/rdump.8 >want
	diff want got >files.diff ||
	    atf_fail "installed files: $(tr '\n' ' ' <files.diff)"
	b=root/usr/local/sbin m=root/usr/local/share/man/man8
	[ "$(mode_of $b/dump)" = "555 $uid regular file" ] ||
	    atf_fail "sbin/dump is $(mode_of $b/dump)"
	[ "$(stat -c %d:%i $b/rdump)" = "$(stat -c %d:%i $b/dump)" ] ||
	    atf_fail "sbin/rdump is not a hard link to sbin/dump"
	[ "$(mode_of $m/dump.8)" = "444 $uid regular file" ] ||
	    atf_fail "man8/dump.8 is $(mode_of $m/dump.8)"
	cmp -s $m/dump.8 "$(top)/dump.8" ||
	    atf_fail "man8/dump.8 is not the mdoc source"
	[ "$(readlink $m/rdump.8)" = dump.8 ] ||
	    atf_fail "man8/rdump.8 is not a link to dump.8"
	# The installed binary works: restore lists what it dumped.
	mkdir -p tree/d
	echo installed >tree/d/f
	makefs -t ffs -M 1m -o version=2 t.img tree >makefs.log 2>&1 ||
	    atf_fail "makefs: $(oneline makefs.log)"
	$b/dump -0 -f t.dump t.img 2>dump.log ||
	    atf_fail "installed dump: $(oneline dump.log)"
	restore -t -f t.dump </dev/null >list 2>/dev/null ||
	    atf_fail "restore -t of the installed dump's output failed"
	grep -q '\./d/f$' list || atf_fail "restore -t does not list ./d/f"
	# The usual overrides: PREFIX, BINDIR, and MANZ for gzip pages.
	in_objdir WITH_INSTALL_AS_USER=yes install DESTDIR="$PWD/root2" \
	    PREFIX=/opt/d BINDIR=/opt/d/bin MANZ=yes >install2.log 2>&1 ||
	    atf_fail "install: $(oneline install2.log)"
	(cd root2 && find . ! -type d | LC_ALL=C sort) >got
	printf '%s\n' ./opt/d/bin/dump ./opt/d/bin/rdump \
	    ./opt/d/share/man/man8/dump.8.gz \
	    ./opt/d/share/man/man8/rdump.8.gz >want
	diff want got >files.diff ||
	    atf_fail "installed files: $(tr '\n' ' ' <files.diff)"
	m=root2/opt/d/share/man/man8
	gzip -dc $m/dump.8.gz | cmp -s - "$(top)/dump.8" ||
	    atf_fail "man8/dump.8.gz is not the gzipped mdoc source"
	[ "$(readlink $m/rdump.8.gz)" = dump.8.gz ] ||
	    atf_fail "man8/rdump.8.gz is not a link to dump.8.gz"
}

atf_test_case install_refuses
install_refuses_head()
{
	atf_set descr "bmake install will not replace a file the package" \
	    "manager owns unless FORCE=yes; DESTDIR installs are not checked"
}
install_refuses_body()
{
	require_tools bmake
	# A stand-in package database that owns ./bin/dump.
	cat >owner <<-EOF
	#!/bin/sh
	[ "\$1" = "$PWD/bin/dump" ] || exit 1
	echo "fakepkg: \$1"
	EOF
	chmod +x owner
	mkdir bin
	echo original >bin/dump
	in_objdir install BINDIR="$PWD/bin" MANDIR="$PWD/man" \
	    PKGQUERY="$PWD/owner" >out 2>&1 &&
	    atf_fail "install replaced a file the package manager owns"
	[ "$(cat bin/dump)" = original ] || atf_fail "bin/dump was replaced"
	if [ -e bin/rdump ] || [ -e man ]; then
		atf_fail "install went on after refusing"
	fi
	grep -q "^install: $PWD/bin/dump belongs to the package fakepkg" out ||
	    atf_fail "no message naming the file and package: $(oneline out)"
	in_objdir install-check BINDIR="$PWD/bin" MANDIR="$PWD/man" \
	    PKGQUERY="$PWD/owner" FORCE=yes >out 2>&1 ||
	    atf_fail "FORCE=yes still refuses: $(oneline out)"
	in_objdir install-check DESTDIR="$PWD/stage" BINDIR="$PWD/bin" \
	    MANDIR="$PWD/man" PKGQUERY="$PWD/owner" >out 2>&1 ||
	    atf_fail "a DESTDIR install is refused: $(oneline out)"
	# The real database: Debian's dump owns /usr/sbin/dump (as /sbin/dump
	# on a merged /usr).  install-check only reads.
	if ! { dpkg-query -S /usr/sbin/dump || dpkg-query -S /sbin/dump; } \
	    >/dev/null 2>&1; then
		atf_skip "Debian's dump package is not installed"
	fi
	in_objdir install-check PREFIX=/usr >out 2>&1 &&
	    atf_fail "install PREFIX=/usr would replace Debian's dump"
	grep -q "^install: /usr/sbin/dump belongs to the package dump" out ||
	    atf_fail "no message naming /usr/sbin/dump: $(oneline out)"
}

atf_test_case demo_quiet
demo_quiet_head()
{
	atf_set descr "sh setup.sh demo runs without a terminal and on one," \
	    "says what each step shows, and prints no restore noise"
	atf_set timeout 300
}
demo_quiet_body()
{
	require_tools makefs restore setsid script bmake
	# setup.sh must not install anything from inside the suite.
	mkdir stub
	printf '#!/bin/sh\necho "apt-get: not from the tests" >&2\nexit 1\n' \
	    >stub/apt-get
	chmod +x stub/apt-get
	PATH=$PWD/stub:$PATH setsid sh "$(top)/setup.sh" demo </dev/null \
	    >notty.out 2>&1
	rc=$?
	grep -q -e 'not from the tests' -e 'run as root to install' notty.out &&
	    atf_skip "setup.sh would install packages: $(oneline notty.out)"
	[ $rc -eq 0 ] || atf_fail "demo without a terminal exited $rc:" \
	    "$(oneline notty.out)"
	PATH=$PWD/stub:$PATH script -q -e -c "sh '$(top)/setup.sh' demo" \
	    tty.out </dev/null >/dev/null 2>&1
	rc=$?
	[ $rc -eq 0 ] || atf_fail "demo on a terminal exited $rc:" \
	    "$(oneline tty.out)"
	for f in notty.out tty.out; do
		grep -e '/dev/tty' -e '^Converting' $f >noise &&
		    atf_fail "$f: $(oneline noise)"
		for step in '1\. makefs' '2\. dump -0' '3\. restore -t' \
		    '4\. restore -r' '   identical' '^  DUMP: DUMP IS DONE'; do
			grep -q "$step" $f || atf_fail "$f: no line '$step'"
		done
		grep -q '\./docs/hello\.txt' $f ||
		    atf_fail "$f: restore -t does not list ./docs/hello.txt"
	done
}

atf_test_case run_summary
run_summary_head()
{
	atf_set descr "tests/run.sh lists each skipped case with its reason," \
	    "keeps the results file it names, and ends with the count line"
	atf_set timeout 120
}
run_summary_body()
{
	require_tools kyua atf-sh
	cat >Kyuafile <<-EOF
	syntax(2)
	test_suite("dump")
	atf_test_program{name="t_fake.sh"}
	EOF
	cat >t_fake.sh <<-EOF
	#! /usr/bin/env atf-sh
	atf_test_case ok
	ok_body() { :; }
	atf_test_case skip
	skip_body() { atf_skip "no widget here"; }
	atf_test_case bad
	bad_body() { atf_fail "broken on purpose"; }
	atf_init_test_cases()
	{
		atf_add_test_case ok
		atf_add_test_case skip
		atf_add_test_case bad
	}
	EOF
	chmod +x t_fake.sh
	DUMP_BINS="$(dump_bin)" KYUAFILE=$PWD/Kyuafile RESULTS_DIR=$PWD/res \
	    JOBS=1 sh "$(top)/tests/run.sh" >out 2>&1 &&
	    atf_fail "run.sh exited 0 with a failed case"
	[ "$(tail -1 out)" = "1 passed, 1 failed, 1 skipped" ] ||
	    atf_fail "last line: $(tail -1 out)"
	grep -E '^[0-9]+/[0-9]+ passed' out >bad &&
	    atf_fail "kyua's count of skips as passes is shown: $(oneline bad)"
	# The skip and its reason, after every per-case line.
	n=$(grep -n "t_fake.sh:skip ($(basename "$(dump_bin)")): no widget here" \
	    out | tail -1 | cut -d: -f1)
	last=$(grep -n '  ->  ' out | tail -1 | cut -d: -f1)
	if [ -z "$n" ] || [ "$n" -lt "$last" ]; then
		atf_fail "the skip is not listed with its reason at the end"
	fi
	# Every results file named is there, and kyua reads the skip from it.
	sed -n 's/.*results in \([^ ]*\)$/\1/p' out >named
	[ -s named ] || atf_fail "no results file named"
	while read -r db; do
		kyua report --results-file="$db" --results-filter=skipped \
		    >report.out 2>&1 || atf_fail "$db: $(oneline report.out)"
		grep -q 'skip  ->  skipped: no widget here' report.out ||
		    atf_fail "$db does not hold the skip"
	done <named
}

atf_init_test_cases()
{
	atf_add_test_case gcc_clean
	atf_add_test_case clang_clean
	atf_add_test_case manual_lint
	atf_add_test_case usage_matches_synopsis
	atf_add_test_case shellcheck_clean
	atf_add_test_case install_destdir
	atf_add_test_case install_refuses
	atf_add_test_case demo_quiet
	atf_add_test_case run_summary
}
