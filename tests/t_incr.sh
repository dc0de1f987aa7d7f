#! /usr/bin/env atf-sh
# Incremental dumps, the dumpdates file, -T, -W/-w, the nodump flag and
# subset dumps.  Dumps are judged by Debian restore(8) against the source
# tree, never against earlier dump output.

. "$(atf_get_srcdir)/common.sh"

# How the modified images keep their inode numbers.  restore -r of an
# incremental identifies files by inode number, so every inode that is
# not in the incremental must have the same number in the new image as in
# the old one.  makefs(8) numbers inodes in the order it walks the tree:
# all entries of a directory get consecutive numbers, in the order of its
# list for that directory (which follows readdir(3) on the source, a hash
# order on ext4), then it descends into the subdirectories in list order.
# The numbers of the unchanged inodes therefore stay the same when no
# directory changes its number of entries or the names of its
# subdirectories, and the subtrees keep their sizes, whatever the order
# within a directory.  The tree is built for that: a stable part "keep"
# (the hard cases of make_tree, changed only in place) and a part "vol"
# where every change happens in a directory of its own with a single
# entry: vol/a holds the file deleted and the one added in its place,
# vol/d likewise a directory with a file in it, vol/r the file renamed, vol/c the file changed, and vol/m holds src and
# dst, between which the directory mv moves: the subtrees of src and dst
# are numbered one after the other, so mv's subtree keeps its numbers.
# check_inos verifies this with an image reader independent of dump
# (ufsflags.py) for every path that must keep its number, before anything
# is judged.  An image-editing tool was the alternative; makefs keeps the
# images real and their times those of the source tree.

# oneline [FILE...]: the files or standard input on one line, for
# atf_fail messages.
oneline()
{
	cat "$@" | tr '\n' '|'
}

# light_tree DIR: the paths of make_tree that the checks below use, for
# the second run (the full make_tree makes the comparisons slow).
light_tree()
{
	mkdir -p "$1/sizes" "$1/wide" "$1/links" "$1/special" \
	    "$1/deep/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20"
	for _s in 1 1024 1025; do
		rand_file "$1/sizes/s$_s" "$_s"
	done
	rand_file "$1/sizes/dbl" 3000000
	for _i in 290 291 292 293 294 295 296 297 298 299; do
		echo "$_i" >"$1/wide/entry-with-a-longer-name-$_i"
	done
	echo bottom >"$1/deep/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20/file"
	echo hard >"$1/links/h1"
	ln "$1/links/h1" "$1/links/h2"
	ln "$1/links/h1" "$1/sizes/h3"
	mkfifo "$1/special/fifo"
}

# incr_tree DIR VERSION full|light: the level-0 tree.
incr_tree()
{
	if [ "$3" = full ]; then
		make_tree "$1/keep" 8192 1024 "$2"
	else
		light_tree "$1/keep"
	fi
	echo perm >"$1/keep/perm"
	mkdir -p "$1/vol/a" "$1/vol/c" "$1/vol/r" "$1/vol/m/src/mv/sub" \
	    "$1/vol/m/dst" "$1/vol/d/gone"
	echo gone >"$1/vol/d/gone/x"
	echo chg >"$1/vol/c/chg"
	echo del >"$1/vol/a/del"
	echo ren >"$1/vol/r/ren"
	rand_file "$1/vol/m/src/mv/f1" 20000
	echo f2 >"$1/vol/m/src/mv/f2"
	echo f3 >"$1/vol/m/src/mv/sub/f3"
}

# stable_paths: the paths (in the current src) whose inode numbers must
# never change: keep and vol without what is under vol/a and vol/d.
stable_paths()
{
	(cd src && find keep vol ! -path 'vol/a/*' ! -path 'vol/d/*' |
	    LC_ALL=C sort)
}

# record_inos IMG: the numbers of the stable paths, in stable_paths order
# and with the renamed and moved ones under their level-0 names.
record_inos()
{
	stable_paths >paths.now
	sed 's|^|/|' paths.now | tr '\n' '\0' |
	    xargs -0 python3 "$(atf_get_srcdir)/ufsflags.py" "$1" -l |
	    paste - paths.now |
	    sed -e 's|vol/r/ren2*$|vol/r/ren|' \
		-e 's|vol/m/dst/mv2*|vol/m/src/mv|' |
	    LC_ALL=C sort -k2 >inos.now ||
	    atf_fail "cannot read inode numbers from $1"
}

# check_inos IMG EXPECTED: the unchanged files have their old numbers.
check_inos()
{
	record_inos "$1"
	diff "$2" inos.now >inos.diff ||
	    atf_fail "test assumption broken: makefs renumbered unchanged inodes: $(head -c 400 inos.diff | oneline)"
}

# listed DUMP: the names restore -t lists in a dump.
listed()
{
	restore -t -f - <"$1" 2>/dev/null |
	    awk -F '\t' 'NF >= 2 { sub(/^\.\//, "", $2); print $2 }'
}

incr_run()
{
	require_tools makefs restore python3
	_v=$1 _e=$2
	ddates=$PWD/dumpdates
	mkdir src
	incr_tree src "$_v" "$3"
	# Every time in the level-0 tree is before the level-0 dump.
	sleep 1
	make_image fs.img src "$_v" "$_e"
	record_inos fs.img
	cp inos.now inos.0
	dump_ok -0 -u -D "$ddates" -f l0.dump fs.img
	name=$(realpath fs.img)
	grep -q "^$name *0 " "$ddates" || atf_fail "no level 0 line in $ddates"

	# Level 1: changed, added, deleted, renamed, a directory moved, a
	# directory with a file deleted and another added,
	# a change of mode only (ctime), a file rewritten in place.
	echo more >>src/vol/c/chg
	rm src/vol/a/del
	echo new >src/vol/a/new
	mv src/vol/r/ren src/vol/r/ren2
	mv src/vol/m/src/mv src/vol/m/dst/mv
	rm -r src/vol/d/gone
	mkdir src/vol/d/came
	echo came >src/vol/d/came/y
	chmod 600 src/keep/perm
	rand_file src/keep/sizes/s1025 1025
	make_image fs.img src "$_v" "$_e"
	check_inos fs.img inos.0
	cp -a src snap1
	sleep 1
	dump_ok -1 -u -D "$ddates" -f l1.dump fs.img
	grep -q 'Date of last level 0 dump: ' dump.log ||
	    atf_fail "level 1 is not based on the level 0 dump"
	grep -q 'Date of last level 0 dump: the epoch' dump.log &&
	    atf_fail "level 1 did not find the level 0 dump in $ddates"

	# Level 2 (old key form): a file created at level 1 deleted, one
	# added, a directory renamed, a hard-linked file changed.
	rm src/vol/a/new
	echo c3 >src/vol/a/new3
	mv src/vol/m/dst/mv src/vol/m/dst/mv2
	echo more >>src/keep/links/h1
	make_image fs.img src "$_v" "$_e"
	check_inos fs.img inos.0
	sleep 1
	"$(dump_bin)" 2uDf "$ddates" l2.dump fs.img 2>dump.log ||
	    atf_fail "level 2 dump failed: $(tail -3 dump.log | oneline)"
	grep -q 'Date of last level 1 dump: ' dump.log ||
	    atf_fail "level 2 is not based on the level 1 dump"

	# dumpdates: one line per level, BSD format.
	[ "$(grep -c "^$name " "$ddates")" -eq 3 ] ||
	    atf_fail "$ddates does not have three lines: $(oneline "$ddates")"
	for l in 0 1 2; do
		grep -Eq "^$name +$l [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\$" "$ddates" ||
		    atf_fail "level $l line missing or malformed: $(oneline "$ddates")"
	done

	# The incrementals hold only what changed.
	s0=$(stat -c %s l0.dump) s1=$(stat -c %s l1.dump)
	[ "$s1" -lt $((s0 / 10)) ] ||
	    atf_fail "level 1 is not small ($s1 bytes, level 0 $s0)"
	listed l1.dump >l1.list
	for f in vol/c/chg vol/a/new vol/r/ren2 keep/perm keep/sizes/s1025 \
	    vol/d/came/y; do
		grep -qx "$f" l1.list || atf_fail "level 1 lacks $f"
	done
	for f in keep/sizes/s1024 keep/sizes/dbl vol/m/dst/mv/f1; do
		grep -qx "$f" l1.list && atf_fail "level 1 holds unchanged $f"
	done
	listed l2.dump >l2.list
	for f in vol/a/new3 keep/links/h1; do
		grep -qx "$f" l2.list || atf_fail "level 2 lacks $f"
	done
	for f in vol/c/chg vol/r/ren2 keep/sizes/s1025; do
		grep -qx "$f" l2.list && atf_fail "level 2 holds $f of level 1"
	done

	# restore -r level 0, then 1: the level-1 tree; then 2: the final.
	restore_into "$PWD/l0.dump" rst1
	restore_into "$PWD/l1.dump" rst1
	compare_trees snap1 rst1
	restore_into "$PWD/l0.dump" rst
	restore_into "$PWD/l1.dump" rst
	restore_into "$PWD/l2.dump" rst
	compare_trees src rst
}

atf_test_case incr_ufs2
incr_ufs2_head()
{
	atf_set descr "levels 0, 1, 2 with -u: restore -r of all three gives the final tree (UFS2)"
	atf_set require.user root
}
incr_ufs2_body()
{
	incr_run 2 le full
}

atf_test_case incr_ufs1_be
incr_ufs1_be_head()
{
	atf_set descr "levels 0, 1, 2 with -u on a big-endian UFS1 image"
	atf_set require.user root
}
incr_ufs1_be_body()
{
	incr_run 1 be light
}

# small_image IMG: a small tree and its image.
small_image()
{
	mkdir -p "$1.d/a/b"
	echo one >"$1.d/one"
	echo two >"$1.d/a/two"
	echo three >"$1.d/a/b/three"
	make_image "$1" "$1.d" 2 le
}

atf_test_case dumpdates_lines
dumpdates_lines_head()
{
	atf_set descr "malformed dumpdates lines are reported by number and skipped; good ones are used"
	atf_set require.user root
}
dumpdates_lines_body()
{
	require_tools makefs
	small_image fs.img
	name=$(realpath fs.img)
	{
		echo "garbage"
		printf '%-16s 0 Mon Jan  5 10:00:00 2015\n' "$name"
		printf '%s 1\n' "$name"
		printf '%s x Mon Jan  5 10:00:00 2015\n' "$name"
		printf '%s 0 Mon Jan 32 10:00:00 2015\n' "$name"
		head -c 3000 /dev/zero | tr '\0' a
		echo
		printf '/dev/other 0 Tue Feb  3 11:00:00 2015 +0100\n'
		printf '%-16s 1 Tue Feb  3 11:00:00 2015 +0000\n' "$name"
	} >ddates
	cp ddates ddates.orig
	dump_ok -2 -u -D "$PWD/ddates" -f out.dump fs.img
	for n in 1 3 4 5 6; do
		grep -q "ddates: line $n: " dump.log ||
		    atf_fail "line $n not reported: $(grep line dump.log | oneline)"
	done
	for n in 2 7 8; do
		grep -q "ddates: line $n: " dump.log &&
		    atf_fail "good line $n reported"
	done
	# The base is the level 1 line: a Linux-style date with its zone.
	want=$(TZ=UTC0 date -d '2015-02-03 11:00:00' +%s)
	got=$(sed -n 's/.*Date of last level 1 dump: //p' dump.log)
	[ -n "$got" ] || atf_fail "no level 1 base: $(grep 'last level' dump.log | oneline)"
	[ "$(date -d "$got" +%s)" = "$want" ] ||
	    atf_fail "base date $got is not 2015-02-03 11:00 UTC"
	# The update keeps the good lines, adds level 2, drops the bad.
	[ "$(wc -l <ddates)" -eq 4 ] || atf_fail "dumpdates now: $(oneline ddates)"
	grep -q "^/dev/other  *0 Tue Feb  3 " ddates || atf_fail "lost /dev/other"
	grep -q "^$name  *2 " ddates || atf_fail "no level 2 line"
	grep -q "^$name  *0 Mon Jan  5 10:00:00 2015" ddates ||
	    atf_fail "lost the level 0 line"
	# -T and -u together are refused, -T gives the base.
	"$(dump_bin)" -1 -u -T 'Mon Jan  5 10:00:00 2015' -D "$PWD/ddates" \
	    -f x.dump fs.img 2>t.log && atf_fail "-T with -u accepted"
	dump_ok -1 -T 'Sat Mar  7 08:09:10 2020' -D "$PWD/ddates" -f t.dump fs.img
	grep -q 'Date of last level ? dump: Sat Mar  7 08:09:10 2020' dump.log ||
	    atf_fail "-T date not used: $(grep 'last level' dump.log | oneline)"
	"$(dump_bin)" -1 -T 'yesterday' -f x.dump fs.img 2>t.log
	[ $? -eq 1 ] || atf_fail "bad -T date not refused with status 1"
}

atf_test_case concurrent
concurrent_head()
{
	atf_set descr "concurrent -u dumps of different file systems all end up in dumpdates"
	atf_set require.user root
}
concurrent_body()
{
	require_tools makefs
	for i in 1 2 3 4 5 6; do
		small_image "fs$i.img"
	done
	for round in 0 1 2; do
		pids=
		for i in 1 2 3 4 5 6; do
			"$(dump_bin)" "-$round" -u -D "$PWD/ddates" -f "o$i.dump" \
			    "fs$i.img" 2>"log$i" &
			pids="$pids $!"
		done
		for p in $pids; do
			wait "$p" || atf_fail "a dump failed: $(oneline log*)"
		done
	done
	for i in 1 2 3 4 5 6; do
		n=$(realpath "fs$i.img")
		for l in 0 1 2; do
			grep -q "^$n  *$l " ddates ||
			    atf_fail "fs$i level $l missing: $(oneline ddates)"
		done
	done
	[ "$(wc -l <ddates)" -eq 18 ] || atf_fail "dumpdates: $(oneline ddates)"
	ls ddates.* 2>/dev/null && atf_fail "temporary files left behind"
	true
}

# in_ns SCRIPT: run SCRIPT under sh in a private mount namespace, so its
# mounts vanish with it.
in_ns()
{
	unshare -m --propagation private sh -c "$1"
}

atf_test_case readonly_full
readonly_full_head()
{
	atf_set descr "a read-only dumpdates: refused before the dump (status 1); a full disk: reported, old file intact, status 3"
	atf_set require.user root
}
readonly_full_body()
{
	require_tools makefs unshare mount
	small_image fs.img
	mkdir ro full
	printf '%-16s 0 Mon Jan  5 10:00:00 2015\n' /dev/other >ro/ddates
	cp ro/ddates old
	d=$(dump_bin)
	in_ns "mount --bind ro ro && mount -o remount,ro,bind ro &&
	    '$d' -0 -u -D '$PWD/ro/ddates' -f o.dump fs.img 2>ro.log;
	    echo \$? >ro.rc; cp ro/ddates ro.after" ||
	    atf_skip "cannot make a read-only mount here"
	[ "$(cat ro.rc)" -eq 1 ] || atf_fail "read-only: status $(cat ro.rc)"
	grep -q 'cannot update .*ro/ddates: Read-only file system' ro.log ||
	    atf_fail "read-only not reported: $(tail -3 ro.log | oneline)"
	cmp -s old ro.after || atf_fail "read-only: old file changed"
	[ -e o.dump ] && atf_fail "read-only: the dump ran before the check"

	# A full file system: the new copy cannot be written.
	in_ns "mount -t tmpfs -o size=64k tmpfs full && cp old full/ddates &&
	    (head -c 1m /dev/zero >full/fill 2>/dev/null; true) &&
	    '$d' -0 -u -D '$PWD/full/ddates' -f o2.dump fs.img 2>full.log;
	    echo \$? >full.rc; cp full/ddates full.after; ls full >full.ls" ||
	    atf_skip "cannot mount a tmpfs here"
	[ "$(cat full.rc)" -eq 3 ] || atf_fail "full: status $(cat full.rc)"
	grep -q 'cannot update .*full/ddates: .*No space left' full.log ||
	    atf_fail "full disk not reported: $(tail -3 full.log | oneline)"
	cmp -s old full.after || atf_fail "full: old file changed"
	[ "$(sort full.ls | paste -sd' ')" = "ddates fill" ] ||
	    atf_fail "temporary file left: $(oneline full.ls)"
}

atf_test_case nodump
nodump_head()
{
	atf_set descr "UF_NODUMP is honoured from the -h level on, for files and whole directory trees"
	atf_set require.user root
}
nodump_body()
{
	require_tools makefs restore python3
	mkdir -p src/nd/sub/deeper src/keep
	# Unique contents: whether a file's data is in a dump is seen in
	# its bytes (restore -t only lists what dumped directories reach).
	echo skip-7f3a9 >src/skip
	echo in-7f3a9 >src/nd/in
	echo deep-7f3a9 >src/nd/sub/deeper/f
	echo keep-7f3a9 >src/keep/k
	make_image fs.img src 2 le
	fl=$(atf_get_srcdir)/ufsflags.py
	python3 "$fl" fs.img /skip UF_NODUMP >/dev/null
	python3 "$fl" fs.img /nd UF_NODUMP >/dev/null
	[ "$(python3 "$fl" fs.img /nd | cut -d' ' -f2)" = 0x1 ] ||
	    atf_fail "could not set the flag"
	all="keep keep/k nd nd/in nd/sub nd/sub/deeper nd/sub/deeper/f skip"
	none="keep keep/k"
	# check DUMP EXPECTED
	check()
	{
		rm -rf r
		restore_into "$PWD/$1" r
		got=$(cd r && find . -mindepth 1 ! -name restoresymtable |
		    sed 's|^\./||' | LC_ALL=C sort | paste -sd' ')
		[ "$got" = "$2" ] || atf_fail "$1: got '$got', want '$2'"
	}
	dump_ok -0 -u -D "$PWD/ddates" -f a.dump fs.img
	check a.dump "$all"
	dump_ok -0 -h 0 -f b.dump fs.img
	check b.dump "$none"
	# Level 1: every file changed since the level 0.
	sleep 1
	find src -exec touch {} +
	make_image fs.img src 2 le
	python3 "$fl" fs.img /skip UF_NODUMP >/dev/null
	python3 "$fl" fs.img /nd UF_NODUMP >/dev/null
	dump_ok -1 -D "$PWD/ddates" -f c.dump fs.img
	for f in skip in deep; do
		grep -aq "$f-7f3a9" c.dump && atf_fail "level 1 -h 1 holds $f"
	done
	grep -aq keep-7f3a9 c.dump || atf_fail "level 1 lacks keep/k"
	dump_ok -1 -h 2 -D "$PWD/ddates" -f d.dump fs.img
	for f in skip in deep keep; do
		grep -aq "$f-7f3a9" d.dump || atf_fail "level 1 -h 2 lacks $f"
	done
	grep -aq deep-7f3a9 b.dump && atf_fail "level 0 -h 0 holds deeper/f"

	# Restored over the level 0, the nodump tree goes away (as in BSD).
	restore_into "$PWD/a.dump" r2
	restore_into "$PWD/c.dump" r2
	got=$(cd r2 && find . -mindepth 1 ! -name restoresymtable |
	    sed 's|^\./||' | LC_ALL=C sort | paste -sd' ')
	case $got in
	*nd/sub*) atf_fail "nodump subtree restored at level 1: $got" ;;
	esac
}

atf_test_case subset
subset_head()
{
	atf_set descr "a subset dump of paths inside an image: level 0, no -u, restorable"
	atf_set require.user root
}
subset_body()
{
	require_tools makefs restore
	make_tree src 8192 1024 2
	echo top >src/topfile
	make_image fs.img src 2 le
	dump_ok -3 -u -D "$PWD/ddates" -f s.dump fs.img /links sizes/s1 \
	    /deep/d1/d2/d3
	grep -q 'a subset dump is done at level 0' dump.log ||
	    atf_fail "no level 0 message"
	grep -q 'ignoring -u for a subset dump' dump.log ||
	    atf_fail "no -u message"
	[ -e ddates ] && atf_fail "dumpdates written for a subset"
	restore -t -f - <s.dump >list 2>&1
	grep -q "Level 0 dump of a subset of /" list ||
	    atf_fail "header: $(grep Level list | oneline)"
	restore_into "$PWD/s.dump" rst
	mkdir -p want/sizes want/deep/d1/d2
	cp -a src/links want/
	cp -a src/sizes/s1 want/sizes/
	cp -a src/deep/d1/d2/d3 want/deep/d1/d2/
	# sizes/h3 is a hard link to links/h1, which is dumped.
	ln want/links/h1 want/sizes/h3
	# The directories on the way come from the image as they are.
	touch -r src/sizes want/sizes
	touch -r src/deep want/deep
	touch -r src/deep/d1 want/deep/d1
	touch -r src/deep/d1/d2 want/deep/d1/d2
	compare_trees want rst
	# Errors: a missing path, a non-directory on the way.
	"$(dump_bin)" -0 -f x.dump fs.img /nosuch 2>err.log
	[ $? -eq 1 ] || atf_fail "missing path: wrong status"
	grep -q 'nosuch: no such file' err.log || atf_fail "$(oneline err.log)"
	"$(dump_bin)" -0 -f x.dump fs.img /topfile/x 2>err.log
	[ $? -eq 1 ] || atf_fail "file on the way: wrong status"
	grep -q 'not a directory' err.log || atf_fail "$(oneline err.log)"
	# On mounted file systems (no UFS mount on Linux here: errors only).
	"$(dump_bin)" -0 -f x.dump / /etc 2>err.log
	[ $? -eq 1 ] || atf_fail "mount point with files: wrong status"
	grep -q 'cannot dump a mount point and a list' err.log ||
	    atf_fail "$(oneline err.log)"
	"$(dump_bin)" -0 -f x.dump /etc /proc/self 2>err.log
	[ $? -eq 1 ] || atf_fail "two file systems: wrong status"
	grep -q 'is not on the same file system' err.log ||
	    atf_fail "$(oneline err.log)"
}

atf_test_case W_w
W_w_head()
{
	atf_set descr "-W and -w print the dumpdates table against /etc/fstab"
	atf_set require.user root
}
W_w_body()
{
	require_tools unshare mount
	now=$(date '+%a %b %e %H:%M:%S %Y')
	{
		printf '%-16s 0 Mon Jan  5 10:00:00 2015\n' /dev/old
		printf '%-16s 1 Tue Jan  6 10:00:00 2015\n' /dev/old
		printf '%-16s 0 %s\n' /dev/fresh "$now"
		printf '%-16s 0 Mon Jan  5 10:00:00 2015\n' /dev/nofreq
		printf '%-16s 2 Mon Jan  5 10:00:00 2015\n' /dev/unlisted
	} >ddates
	cat >fstab <<EOF
/dev/old	/old	ufs	rw	1 2
/dev/fresh	/fresh	ufs	rw	1 2
/dev/nofreq	/nofreq	ufs	rw	0 2
/dev/never	/never	ufs	rw	7 2
/dev/ext	/ext	ext4	rw	1 2
EOF
	d=$(dump_bin)
	in_ns "mount --bind '$PWD/fstab' /etc/fstab &&
	    '$d' -W -D '$PWD/ddates' >W.out 2>W.err; echo \$? >W.rc;
	    '$d' -w -D '$PWD/ddates' >w.out 2>w.err; echo \$? >w.rc" ||
	    atf_skip "cannot bind-mount an fstab here"
	[ "$(cat W.rc)$(cat w.rc)" = 00 ] ||
	    atf_fail "-W/-w status $(cat W.rc) $(cat w.rc)"
	cat >W.want <<EOF
Last dump(s) done (Dump '>' file systems):
  /dev/fresh	(/fresh) Last dump: Level 0, Date ${now%:*}
  /dev/nofreq	(/nofreq) Last dump: Level 0, Date Mon Jan  5 10:00
> /dev/old	(  /old) Last dump: Level 1, Date Tue Jan  6 10:00
  /dev/unlisted	(      ) Last dump: Level 2, Date Mon Jan  5 10:00
> /dev/never	(/never) Last dump: never
EOF
	diff W.want W.out || atf_fail "-W output differs"
	cat >w.want <<EOF
Dump these file systems:
  /dev/old	(  /old) Last dump: Level 1, Date Tue Jan  6 10:00
  /dev/never	(/never) Last dump: never
EOF
	diff w.want w.out || atf_fail "-w output differs"
	"$(dump_bin)" -W fs.img 2>/dev/null && atf_fail "-W with a file system"
	true
}

atf_init_test_cases()
{
	atf_add_test_case incr_ufs2
	atf_add_test_case incr_ufs1_be
	atf_add_test_case dumpdates_lines
	atf_add_test_case concurrent
	atf_add_test_case readonly_full
	atf_add_test_case nodump
	atf_add_test_case subset
	atf_add_test_case W_w
}
