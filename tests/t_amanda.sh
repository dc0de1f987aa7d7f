#! /usr/bin/env atf-sh
# Amanda (Debian's amanda-server and amanda-client 3.5) drives this dump as
# it drives any BSD dump: as user backup, "dump 0Ssf 1048576 - DEV" for the
# estimate and "dump 0usf 1048576 - DEV" for the backup, with record yes.
# Everything runs in private mount namespaces: our binary is bound over
# the dump Amanda was built with, /etc is an overlay whose changes land in
# the work directory, and Amanda's state directories are bound to it too;
# the machine's /etc, /var/lib/amanda and /var/log/amanda are not touched.
# Judged by Debian restore against the source trees, by Amanda's report and
# log, and by the sizes of the dumps Amanda hands back.

. "$(atf_get_srcdir)/common.sh"

CONF=dumptest

oneline()
{
	cat "$@" | tr '\n' '|'
}

# in_ns CMD...: run CMD in a new private mount namespace with the mounts
# set up (W/ns.sh); the overlay's upper directory keeps /etc's changes
# from one call to the next.
in_ns()
{
	unshare -m --propagation private sh "$W/ns.sh" "$@"
}

# as_amanda CMD...: CMD in the namespace as user backup, as Amanda runs.
as_amanda()
{
	in_ns setpriv --reuid=backup --regid=backup --init-groups \
	    env HOME="$W/home" "$@"
}

# amtree DIR: a tree whose level-1 changes keep the inode numbers of
# everything unchanged (see t_incr.sh): each change happens in a
# directory of its own.
amtree()
{
	mkdir -p "$1/keep/sub/deep" "$1/vol/a" "$1/vol/c" "$1/vol/r"
	rand_file "$1/keep/big" 300000
	rand_file "$1/keep/s1025" 1025
	echo hard >"$1/keep/h1"
	ln "$1/keep/h1" "$1/keep/sub/h2"
	ln -s ../big "$1/keep/sub/sym"
	echo deep >"$1/keep/sub/deep/file"
	echo perm >"$1/keep/perm"
	echo chg >"$1/vol/c/chg"
	echo del >"$1/vol/a/del"
	echo ren >"$1/vol/r/ren"
	mkfifo "$1/keep/fifo"
}

# inos IMG PATH...: the inode numbers of the paths in the image.
inos()
{
	_i=$1
	shift
	python3 "$(atf_get_srcdir)/ufsflags.py" "$_i" -l "$@" ||
	    atf_fail "cannot read inode numbers from $_i"
}

# ufs IMG DIR: a UFS2 image of a fixed size (so a rebuilt one has the
# same geometry and can be written over the first).
ufs()
{
	makefs -t ffs -s 8m -B le -o version=2 "$1" "$2" >makefs.log 2>&1 ||
	    atf_fail "makefs: $(tail -2 makefs.log | oneline)"
}

# attach IMG: a loop device for IMG in $loop, readable by group disk; the
# cleanup detaches it and puts its node's mode back.
attach()
{
	loop=$(losetup -f --show "$1") || atf_fail "no loop device for $1"
	printf '%s %s\n' "$loop" "$(stat -c '%a %g' "$loop")" >>loops
	chgrp disk "$loop" || atf_fail "chgrp $loop"
	chmod 660 "$loop" || atf_fail "chmod $loop"
}

# kb_of LOGFILE DEV LEVEL WHAT: a figure Amanda's dumper recorded for that
# dump: "kb" (the data it received) or "orig-kb" (the size sendbackup
# parsed from dump's "N tape blocks on N volume" line).
kb_of()
{
	awk -v d="$2" -v l="$3" -v w="$4" '$1 == "SUCCESS" &&
	    $2 == "dumper" && $4 == d && $6 == l {
		for (i = 7; i < NF; i++) if ($i == w) print $(i + 1)
	}' "$1" | sed 's/]$//' | tail -1
}

# est_of DEV LEVEL: the estimate sendsize parsed from dump's output, in KB.
est_of()
{
	cat "$W"/vlog/client/"$CONF"/sendsize.*.debug 2>/dev/null |
	    sed -n "s|.*estimate size for $1 level $2: \([0-9]*\) KB\$|\1|p" |
	    tail -1
}

# lastrun: the datestamp of the newest amdump run.
lastrun()
{
	find "$W/state/log" -name 'log.*.0' | sed 's|.*/log\.\([0-9]*\)\.0$|\1|' |
	    sort | tail -1
}

# phase WHAT: note the time each step starts (phases.log, for slow runs).
phase()
{
	echo "$(date +%T) $*" >>phases.log
}

# near A B: A and B (positive) differ by at most 1%.
near()
{
	[ "$1" -gt 0 ] && [ "$2" -gt 0 ] &&
	    [ $(($1 > $2 ? $1 - $2 : $2 - $1)) -le $((($1 + 99) / 100)) ]
}

atf_test_case amanda cleanup
amanda_head()
{
	atf_set descr "Amanda 3.5 (auth local, chg-disk, holding disk, index, record yes) backs up and restores levels 0 and 1 as user backup"
	atf_set require.user root
	atf_set timeout 900
}
amanda_body()
{
	for t in amcheck amdump amadmin amreport amfetchdump amgetconf; do
		command -v "$t" >/dev/null 2>&1 || atf_skip "$t is not installed (amanda-server and amanda-client; setup.sh installs them)"
	done
	require_tools makefs restore python3 losetup unshare setpriv mount
	id backup >/dev/null 2>&1 || atf_skip "no user backup"
	getent group disk >/dev/null || atf_skip "no group disk"
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	    atf_fail "no overlay file system to keep /etc unchanged"
	amdumpbin=$(amgetconf build.DUMP) || atf_fail "amgetconf build.DUMP"
	dumppath=$(realpath "$amdumpbin") ||
	    atf_fail "Amanda's dump $amdumpbin is missing"
	bin=$(realpath "$(dump_bin)")
	[ "$bin" = "$dumppath" ] && atf_fail "the dump under test is $dumppath itself"

	W=$(mktemp -d /tmp/dump-amanda.XXXXXX) || atf_fail "mktemp"
	echo "$W" >amanda.dir
	chmod 755 "$W"
	mkdir -p "$W/etc-up/amanda/$CONF" "$W/etc-work" "$W/vtapes" \
	    "$W/holding" "$W/state/log" "$W/state/index" "$W/state/curinfo" \
	    "$W/vla" "$W/vlog" "$W/tmpam" "$W/home" "$W/mnt" "$W/out"
	chown backup:backup "$W/etc-up/amanda/$CONF" "$W/vtapes" \
	    "$W/holding" "$W/state" "$W/state/log" "$W/state/index" \
	    "$W/state/curinfo" "$W/vla" "$W/vlog" "$W/tmpam" "$W/home" \
	    "$W/out"
	: >"$W/vla/amandates"
	chown backup:backup "$W/vla/amandates"
	# Amanda programs chdir to /tmp/amanda (made when missing): bind it
	# too; if it is not there, make it now and remove it afterwards.
	if [ ! -e /tmp/amanda ]; then
		mkdir -m 700 /tmp/amanda && chown backup:backup /tmp/amanda &&
		    : >tmpamanda.made
	fi
	cat >"$W/ns.sh" <<EOF
set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir=$W/etc-up,workdir=$W/etc-work /etc
mount --bind $W/vla /var/lib/amanda
mount --bind $W/vlog /var/log/amanda
mount --bind $W/tmpam /tmp/amanda
mount --bind $bin $dumppath
cd /
exec "\$@"
EOF

	# Three file systems: A (by device; levels 0 and 1), B (a copy of A,
	# by its mount point in fstab), C (a copy with a broken inode).
	mkdir srcA
	amtree srcA
	sleep 1
	ufs a.img srcA
	cp a.img b.img
	cp a.img c.img
	ino=$(inos c.img /keep/big)
	# The UFS2 superblock is where its magic is (makefs puts it at 8192
	# for 8 KB blocks); a block pointer of the first inode block.
	sb=
	for o in 65536 8192; do
		[ "$(le_get 4 c.img $((o + 1372)))" = 424935705 ] && sb=$o
	done
	[ -n "$sb" ] || atf_fail "no UFS2 superblock in c.img"
	iblk=$(le_get 4 c.img $((sb + 16)))
	fsize=$(le_get 4 c.img $((sb + 52)))
	le_put 8 c.img $((iblk * fsize + ino * 256 + 112)) 1099511627776
	attach a.img
	loopA=$loop
	attach b.img
	loopB=$loop
	attach c.img
	loopC=$loop
	cp -a srcA snap0

	# The configuration, in the overlay's upper directory.
	cat >"$W/etc-up/amanda/$CONF/amanda.conf" <<EOF
org "$CONF"
mailto ""
dumpuser "backup"
inparallel 3
dumpcycle 7 days
runspercycle 1
tapecycle 4 tapes
runtapes 1
define changer vtl {
    tpchanger "chg-disk:$W/vtapes"
    property "num-slot" "4"
    property "auto-create-slot" "yes"
}
tpchanger "vtl"
tapelist "$W/state/tapelist"
tapetype "VT"
define tapetype VT {
    length 200 mbytes
}
labelstr "^DT-[0-9][0-9]*\$"
autolabel "DT-%%" empty
infofile "$W/state/curinfo"
logdir "$W/state/log"
indexdir "$W/state/index"
holdingdisk hd {
    directory "$W/holding"
    use 200 mbytes
}
define dumptype ufs-dump {
    program "DUMP"
    auth "local"
    index yes
    record yes
    compress none
    estimate client
    holdingdisk required
    max-warnings 0
}
define dumptype ufs-dump-once {
    ufs-dump
    retry-dump 1
}
EOF
	cat >"$W/etc-up/amanda/$CONF/disklist" <<EOF
localhost $loopA ufs-dump
localhost $W/mnt ufs-dump
localhost $loopC ufs-dump-once
EOF
	chown backup:backup "$W/etc-up/amanda/$CONF/amanda.conf" \
	    "$W/etc-up/amanda/$CONF/disklist"
	{ cat /etc/fstab; printf '%s %s ufs ro,noauto 0 0\n' "$loopB" "$W/mnt"; } \
	    >"$W/etc-up/fstab"
	# record yes: /etc/dumpdates is root:disk 0664 in /etc (root 0755),
	# which user backup may write but not replace.
	: >"$W/etc-up/dumpdates"
	chown root:disk "$W/etc-up/dumpdates"
	chmod 664 "$W/etc-up/dumpdates"
	ddino=$(stat -c %i "$W/etc-up/dumpdates")

	phase amcheck
	as_amanda amcheck "$CONF" >amcheck.out 2>&1 ||
	    atf_fail "amcheck: $(grep -E 'ERROR|WARNING|problem' amcheck.out | oneline)"
	grep -q 'Client check: 1 host checked in .* 0 problems found' \
	    amcheck.out || atf_fail "amcheck: $(oneline amcheck.out)"

	phase amdump run 1
	# Run 1: level 0 of A, B and C.
	as_amanda amdump "$CONF" >amdump1.out 2>&1
	d1=$(lastrun)
	[ -n "$d1" ] || atf_fail "amdump wrote no log: $(oneline amdump1.out)"
	# (amreport's status says that a dump failed.)
	as_amanda amreport "$CONF" -l "$W/state/log/log.$d1.0" \
	    -f "$W/out/report1" >/dev/null 2>&1
	cp "$W/out/report1" report1 || atf_fail "amreport wrote no report"
	grep -E "STRANGE|FAILED" report1 | grep -v "$loopC" |
	    grep -v '^FAILED DUMP DETAILS:$' >bad1 &&
	    atf_fail "run 1 report: $(oneline bad1)"
	# The broken one: failed, with dump's status and its messages.
	grep -q "$loopC lev 0 *FAILED .*$amdumpbin returned 3" report1 ||
	    atf_fail "the broken file system is not reported FAILED: $(oneline report1)"
	grep -q '^ *? *DUMP: 1 error: this dump is not complete$' report1 ||
	    atf_fail "the report does not show dump's error line: $(oneline report1)"
	grep -q "DUMP: inode $ino: " report1 ||
	    atf_fail "the report does not name the bad inode $ino"
	grep -q '^ *| *DUMP: DUMP IS DONE, WITH ERRORS$' report1 ||
	    atf_fail "the report lacks DUMP IS DONE, WITH ERRORS: $(oneline report1)"
	for d in "$loopA" "$W/mnt"; do
		grep -Eq "^localhost +$d +0 +[0-9]" report1 ||
		    atf_fail "$d: no level 0 in the report: $(oneline report1)"
	done

	# Sizes: Amanda's parse of our estimate against dump -S, and the
	# size Amanda recorded against the dump it hands back.
	est=$(est_of "$loopA" 0)
	own=$(in_ns "$bin" -0 -S "$loopA" 2>/dev/null)
	if [ -z "$est" ] || [ -z "$own" ] || ! near "$est" $((own / 1024)); then
		atf_fail "level 0 estimate: Amanda $est KB, dump -S $own bytes"
	fi
	phase "level 0 estimate: Amanda $est KB, dump -S $own bytes"
	phase amfetchdump A0
	as_amanda amfetchdump -p "$CONF" localhost "$loopA" "$d1" \
	    >a0.dump 2>fetch.log ||
	    atf_fail "amfetchdump A level 0: $(tail -3 fetch.log | oneline)"
	kb=$(kb_of "$W/state/log/log.$d1.0" "$loopA" 0 kb)
	orig=$(kb_of "$W/state/log/log.$d1.0" "$loopA" 0 orig-kb)
	size=$(($(stat -c %s a0.dump) / 1024))
	if ! near "$kb" "$size" || ! near "$orig" "$size"; then
		atf_fail "level 0: Amanda recorded kb $kb orig-kb $orig, the dump is $size KB"
	fi
	phase "level 0: Amanda recorded kb $kb orig-kb $orig, the dump is $size KB"
	phase amfetchdump B0
	as_amanda amfetchdump -p "$CONF" localhost "$W/mnt" "$d1" \
	    >b0.dump 2>fetch.log ||
	    atf_fail "amfetchdump B: $(tail -3 fetch.log | oneline)"

	phase change A
	# Change A in place, keeping the inode numbers of what is unchanged.
	stable="/keep/big /keep/s1025 /keep/h1 /keep/sub /keep/sub/sym /keep/sub/deep/file /keep/perm /vol/c/chg"
	# shellcheck disable=SC2086
	inos a.img $stable /vol/r/ren >inos.0
	echo more >>srcA/vol/c/chg
	chmod 600 srcA/keep/perm
	rm srcA/vol/a/del
	echo new >srcA/vol/a/new
	mv srcA/vol/r/ren srcA/vol/r/ren2
	rand_file srcA/keep/s1025 1025
	ufs a1.img srcA
	# shellcheck disable=SC2086
	inos a1.img $stable /vol/r/ren2 >inos.1
	cmp -s inos.0 inos.1 ||
	    atf_fail "test assumption broken: makefs renumbered unchanged inodes"
	dd if=a1.img of="$loopA" bs=64k conv=notrunc,fsync 2>/dev/null ||
	    atf_fail "cannot write the changed image"

	phase amdump run 2
	# Run 2: level 1 of A, forced.
	as_amanda amadmin "$CONF" force-level-1 localhost "$loopA" \
	    >force.out 2>&1 || atf_fail "force-level-1: $(oneline force.out)"
	as_amanda amdump "$CONF" localhost "$loopA" >amdump2.out 2>&1 ||
	    atf_fail "amdump run 2: $(oneline amdump2.out)"
	d2=$(lastrun)
	[ "$d2" != "$d1" ] || atf_fail "run 2 wrote no log"
	as_amanda amreport "$CONF" -l "$W/state/log/log.$d2.0" \
	    -f "$W/out/report2" >/dev/null 2>&1 || atf_fail "amreport of run 2"
	cp "$W/out/report2" report2 || atf_fail "amreport wrote no report"
	grep -E "STRANGE|FAILED" report2 >bad2 &&
	    atf_fail "run 2 report: $(oneline bad2)"
	grep -Eq "^localhost +$loopA +1 +[0-9]" report2 ||
	    atf_fail "no level 1 in the report: $(oneline report2)"
	est=$(est_of "$loopA" 1)
	own=$(in_ns "$bin" -1 -S "$loopA" 2>/dev/null)
	if [ -z "$est" ] || [ -z "$own" ] || ! near "$est" $((own / 1024)); then
		atf_fail "level 1 estimate: Amanda $est KB, dump -S $own bytes"
	fi
	phase "level 1 estimate: Amanda $est KB, dump -S $own bytes"
	phase amfetchdump A1
	as_amanda amfetchdump -p "$CONF" localhost "$loopA" "$d2" \
	    >a1.dump 2>fetch.log ||
	    atf_fail "amfetchdump A level 1: $(tail -3 fetch.log | oneline)"
	kb=$(kb_of "$W/state/log/log.$d2.0" "$loopA" 1 kb)
	orig=$(kb_of "$W/state/log/log.$d2.0" "$loopA" 1 orig-kb)
	size=$(($(stat -c %s a1.dump) / 1024))
	if ! near "$kb" "$size" || ! near "$orig" "$size"; then
		atf_fail "level 1: Amanda recorded kb $kb orig-kb $orig, the dump is $size KB"
	fi
	phase "level 1: Amanda recorded kb $kb orig-kb $orig, the dump is $size KB"
	[ "$(stat -c %s a1.dump)" -lt $(($(stat -c %s a0.dump) / 2)) ] ||
	    atf_fail "level 1 is not an incremental"

	# What record yes left: A at levels 0 and 1, B at 0, not C; the
	# file updated in place.
	dd=$W/etc-up/dumpdates
	for r in "$loopA 0" "$loopA 1" "$loopB 0"; do
		grep -q "^${r% *}  *${r#* } " "$dd" ||
		    atf_fail "dumpdates lacks $r: $(oneline "$dd")"
	done
	grep -q "^$loopC " "$dd" && atf_fail "the failed dump was recorded"
	[ "$(stat -c '%i %U:%G %a' "$dd")" = "$ddino root:disk 664" ] ||
	    atf_fail "dumpdates was replaced: $(stat -c '%i %U:%G %a' "$dd")"

	phase restore and compare
	# Debian restore rebuilds both trees from what Amanda hands back.
	restore_into "$PWD/a0.dump" rstA
	restore_into "$PWD/a1.dump" rstA
	compare_trees srcA rstA
	restore_into "$PWD/b0.dump" rstB
	compare_trees snap0 rstB

	phase finished
	cat phases.log >&2
	# No Amanda process is left.
	ps -u backup -o pid=,args= >left || true
	[ -s left ] && atf_fail "processes of user backup left: $(oneline left)"
	true
}
amanda_cleanup()
{
	if [ -f loops ]; then
		while read -r l mode gid; do
			losetup -d "$l" 2>/dev/null
			chgrp "$gid" "$l" 2>/dev/null
			chmod "$mode" "$l" 2>/dev/null
		done <loops
	fi
	if [ -f amanda.dir ]; then
		rm -rf "$(cat amanda.dir)"
	fi
	if [ -f tmpamanda.made ]; then
		rmdir /tmp/amanda 2>/dev/null
	fi
	true
}

atf_init_test_cases()
{
	atf_add_test_case amanda
}
