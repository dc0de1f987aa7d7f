#! /usr/bin/env atf-sh
# The dumpdates file (-u, -D) against hostile contents, odd names, links
# and special files, a user who may write the file but not its directory,
# and updates killed half way.  Judged by the file's bytes (checked with
# an encoder written here, in python), Linux dump 0.4b47 reading the file,
# Debian restore, and the levels dump picks as its base.

. "$(atf_get_srcdir)/common.sh"

# oneline [FILE...]: the files or standard input on one line.
oneline()
{
	cat "$@" | tr '\n' '|'
}

# small_image IMG: a small tree and its image.
small_image()
{
	mkdir -p "$1.d/a"
	echo one >"$1.d/one"
	echo two >"$1.d/a/two"
	make_image "$1" "$1.d" 2 le
}

# as_backup CMD...: run CMD as user backup with group disk (Amanda's
# identity), skipping when the machine has neither.
as_backup()
{
	setpriv --reuid=backup --regid=disk --init-groups "$@"
}

require_backup()
{
	require_tools setpriv
	id backup >/dev/null 2>&1 || atf_skip "no user backup"
	getent group disk >/dev/null 2>&1 || atf_skip "no group disk"
}

# shared_dir: a root-owned 0755 directory outside the work directory (which
# user backup cannot enter); removed by rm_shared_dir in the cleanup.
shared_dir()
{
	_sd=$(mktemp -d /tmp/dump-dd.XXXXXX) || atf_fail "mktemp"
	echo "$_sd" >shared.path
	chmod 755 "$_sd"
}

rm_shared_dir()
{
	if [ -f shared.path ]; then
		rm -rf "$(cat shared.path)"
	fi
}

# encode NAME...: each name as the dumpdates file must hold it: a
# backslash doubled, a byte outside printable ASCII or a space as a
# backslash and three octal digits, anything else as it is.
encode()
{
	python3 -c '
import os, sys
for a in sys.argv[1:]:
    out = ""
    for b in os.fsencode(a):
        if b == 0x5c:
            out += "\\\\"
        elif b <= 0x20 or b >= 0x7f:
            out += "\\%03o" % b
        else:
            out += chr(b)
    print(out)
' "$@"
}

atf_test_case nul_line
nul_line_head()
{
	atf_set descr "a NUL byte costs only its own line: the next line and its record survive -u"
	atf_set require.user root
}
nul_line_body()
{
	require_tools makefs
	small_image fs.img
	{
		printf '/dev/a 0 Mon Jan  5 10:00:00 2015\000xx\n'
		printf '/dev/other 1 Tue Feb  3 11:00:00 2015\n'
		printf '\000\n'
		printf '/dev/third 2 Wed Feb  4 11:00:00 2015\n'
	} >ddates
	dump_ok -0 -u -D "$PWD/ddates" -f o.dump fs.img
	for n in 1 3; do
		grep -q "ddates: line $n: " dump.log ||
		    atf_fail "line $n not reported: $(grep line dump.log | oneline)"
	done
	for n in 2 4; do
		grep -q "ddates: line $n: " dump.log &&
		    atf_fail "good line $n reported"
	done
	grep -q '^/dev/other  *1 Tue Feb  3 11:00:00 2015$' ddates ||
	    atf_fail "the line after the NUL was lost: $(oneline ddates)"
	grep -q '^/dev/third  *2 Wed Feb  4 11:00:00 2015$' ddates ||
	    atf_fail "lost /dev/third: $(oneline ddates)"
	[ "$(wc -l <ddates)" -eq 3 ] || atf_fail "dumpdates now: $(oneline ddates)"
	tr -d '\000' <ddates >ddates.nonul
	cmp -s ddates.nonul ddates || atf_fail "a NUL kept"
}

atf_test_case names
names_head()
{
	atf_set descr "names with a space, newline, tab, backslash or non-ASCII byte round-trip; none forges a record"
	atf_set require.user root
}
names_body()
{
	require_tools makefs python3
	small_image fs.img
	nl='
'
	tab=$(printf '\t')
	set -- "sp ace.img" \
	    "x${nl}forged 0 Mon Jan  5 10:00:00 2015${nl}y.img" \
	    "t${tab}ab.img" 'back\slash.img' 'a\040b.img' \
	    "$(printf 'caf\303\251.img')" plain.img
	for f in "$@"; do
		cp fs.img "$f"
	done
	for f in "$@"; do
		dump_ok -0 -u -D "$PWD/ddates" -f o.dump "$f"
	done
	sleep 1
	for f in "$@"; do
		dump_ok -1 -u -D "$PWD/ddates" -f o.dump "$f"
		grep -q 'Date of last level 0 dump: the epoch' dump.log &&
		    atf_fail "level 1 of \"$f\" did not find its level 0: $(oneline ddates)"
	done
	grep -q '^forged ' ddates && atf_fail "a name forged a record: $(oneline ddates)"
	[ "$(wc -l <ddates)" -eq 14 ] ||
	    atf_fail "dumpdates does not have 14 lines: $(oneline ddates)"
	# Each name is there, encoded, at both levels, in the BSD layout.
	for f in "$@"; do
		enc=$(encode "$(realpath "$f")")
		for l in 0 1; do
			n=$(N=$enc L=$l awk '$1 == ENVIRON["N"] &&
			    $2 == ENVIRON["L"] && NF == 7' ddates | wc -l)
			[ "$n" -eq 1 ] ||
			    atf_fail "\"$f\" level $l: $n lines as $enc: $(oneline ddates)"
		done
	done
	# A plain name is written as before: padded to 16 columns.
	name=$(realpath plain.img)
	grep -Eq "^$name +0 [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\$" ddates ||
	    atf_fail "plain name not in the BSD layout: $(oneline ddates)"
	printf '%-16s 0 %s\n' /dev/x 'Mon Jan  5 10:00:00 2015' >short
	dump_ok -0 -u -D "$PWD/short" -f o.dump plain.img
	[ "$(head -1 short)" = "/dev/x           0 Mon Jan  5 10:00:00 2015" ] ||
	    atf_fail "short name not padded to 16 columns: $(oneline short)"
}

atf_test_case linux_interop cleanup
linux_interop_head()
{
	atf_set descr "Linux dump 0.4b47 and this dump read and update one dumpdates file in turn"
	atf_set require.user root
}
linux_interop_body()
{
	require_tools makefs mke2fs losetup
	linux=/usr/sbin/dump
	"$linux" 2>&1 | grep -q 'dump 0.4b' || atf_skip "no Linux dump at $linux"
	[ "$(realpath "$linux")" = "$(realpath "$(dump_bin)")" ] &&
	    atf_skip "$linux is the dump under test"
	small_image fs.img
	truncate -s 8M ext.img
	mke2fs -q -F ext.img || atf_fail "mke2fs"
	loop=$(losetup -f --show ext.img) || atf_skip "no loop device"
	echo "$loop" >loop.dev
	"$linux" -0u -D "$PWD/ddates" -f /dev/null "$loop" 2>linux.log ||
	    atf_fail "Linux dump level 0: $(tail -2 linux.log | oneline)"
	sleep 1
	dump_ok -0 -u -D "$PWD/ddates" -f o0.dump fs.img
	name=$(realpath fs.img)
	for n in "$name" "$loop"; do
		grep -Eq "^$n +0 [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\$" ddates ||
		    atf_fail "$n: no level 0 line in the BSD layout: $(oneline ddates)"
	done
	sleep 1
	# Linux dump finds its level 0 in the file this dump rewrote...
	"$linux" -1u -D "$PWD/ddates" -f /dev/null "$loop" 2>linux.log ||
	    atf_fail "Linux dump level 1: $(tail -2 linux.log | oneline)"
	grep -q 'Date of last level 0 dump: the epoch' linux.log &&
	    atf_fail "Linux dump did not find its level 0: $(oneline ddates)"
	grep -q 'Date of last level 0 dump: ' linux.log ||
	    atf_fail "Linux dump: $(oneline linux.log)"
	# ... and this dump finds its own in the file Linux dump rewrote.
	dump_ok -1 -u -D "$PWD/ddates" -f o1.dump fs.img
	grep -q 'Date of last level 0 dump: the epoch' dump.log &&
	    atf_fail "level 1 did not find the level 0: $(oneline ddates)"
	[ "$(wc -l <ddates)" -eq 4 ] || atf_fail "dumpdates: $(oneline ddates)"
}
linux_interop_cleanup()
{
	if [ -f loop.dev ]; then
		losetup -d "$(cat loop.dev)" 2>/dev/null
	fi
	true
}

atf_test_case symlink
symlink_head()
{
	atf_set descr "a dumpdates that is a symbolic link: its target is updated, the link stays"
	atf_set require.user root
}
symlink_body()
{
	require_tools makefs
	small_image fs.img
	mkdir real
	printf '/dev/other       0 Mon Jan  5 10:00:00 2015\n' >real/ddates
	ln -s real/ddates link
	dump_ok -0 -u -D "$PWD/link" -f o.dump fs.img
	[ -L link ] || atf_fail "the link was replaced"
	[ "$(readlink link)" = real/ddates ] || atf_fail "the link changed"
	[ "$(wc -l <real/ddates)" -eq 2 ] ||
	    atf_fail "the target was not updated: $(oneline real/ddates)"
	grep -q "^$(realpath fs.img) *0 " real/ddates ||
	    atf_fail "no record in the target: $(oneline real/ddates)"
	for f in real/*dump-tmp*; do
		[ -e "$f" ] && atf_fail "temporary file left: $f"
	done
	# A link to a file not there yet: the file is made.
	ln -s real/new link2
	dump_ok -0 -u -D "$PWD/link2" -f o.dump fs.img
	[ -L link2 ] || atf_fail "the dangling link was replaced"
	grep -q "^$(realpath fs.img) *0 " real/new ||
	    atf_fail "the link's target was not created"
	grep -q 'WARNING: .*link2 did not exist; created it empty' dump.log ||
	    atf_fail "no warning: $(oneline dump.log)"
}

atf_test_case not_regular
not_regular_head()
{
	atf_set descr "-D naming a device, a directory or a fifo is refused (status 1) before anything is dumped or opened"
	atf_set require.user root
}
not_regular_body()
{
	require_tools makefs timeout
	small_image fs.img
	mknod null c 1 3
	mkdir adir
	mkfifo fifo
	for f in null adir fifo; do
		for opt in -0u -1; do
			rm -f o.dump
			timeout 20 "$(dump_bin)" "$opt" -D "$PWD/$f" -f o.dump \
			    fs.img >out 2>err
			rc=$?
			[ $rc -eq 1 ] || atf_fail "$opt -D $f: status $rc: $(oneline err)"
			grep -q "$f.* is a.*not a regular file" err ||
			    atf_fail "$opt -D $f: $(oneline err)"
			[ -e o.dump ] && atf_fail "$opt -D $f: a dump was written"
		done
		timeout 20 "$(dump_bin)" -W -D "$PWD/$f" >out 2>err
		rc=$?
		[ $rc -eq 1 ] || atf_fail "-W -D $f: status $rc"
	done
	[ -c null ] || atf_fail "the device was replaced"
	[ -d adir ] || atf_fail "the directory was replaced"
	[ -p fifo ] || atf_fail "the fifo was replaced"
	[ -z "$(ls adir)" ] || atf_fail "something was written into the directory"
}

atf_test_case precheck cleanup
precheck_head()
{
	atf_set descr "-u checks before the dump that dumpdates can be written; a missing file is made; warnings and -W"
	atf_set require.user root
}
precheck_body()
{
	require_tools makefs
	require_backup
	small_image fs.img
	shared_dir
	d=$(cat shared.path)
	cp fs.img "$d/fs.img"
	chmod 644 "$d/fs.img"
	mkdir "$d/out"
	chown backup "$d/out"
	bin=$(dump_bin)
	# A file user backup may not write: refused before the dump starts.
	printf '/dev/other       0 Mon Jan  5 10:00:00 2015\n' >"$d/ro"
	chmod 644 "$d/ro"
	cp "$d/ro" ro.orig
	as_backup "$bin" -0u -D "$d/ro" -f "$d/out/o.dump" "$d/fs.img" 2>err
	rc=$?
	[ $rc -eq 1 ] || atf_fail "unwritable dumpdates: status $rc: $(oneline err)"
	grep -q "cannot update $d/ro: Permission denied" err ||
	    atf_fail "unwritable dumpdates: $(oneline err)"
	[ -e "$d/out/o.dump" ] && atf_fail "the dump ran before the check"
	cmp -s ro.orig "$d/ro" || atf_fail "the file changed"

	# -W with a file it cannot read: status 1, no listing.
	chmod 600 "$d/ro"
	as_backup "$bin" -W -D "$d/ro" >out 2>err
	rc=$?
	[ $rc -eq 1 ] || atf_fail "-W unreadable: status $rc: $(oneline err)"
	grep -q "cannot read $d/ro: Permission denied" err ||
	    atf_fail "-W unreadable: $(oneline err)"
	[ -s out ] && atf_fail "-W printed a listing: $(oneline out)"

	# Missing: a level 1 or -W warns; -u makes it, with a warning.
	dump_ok -1 -D "$PWD/none" -f o.dump fs.img
	grep -q "WARNING: $PWD/none does not exist; no earlier dump is known" \
	    dump.log || atf_fail "level 1: no warning: $(oneline dump.log)"
	[ -e none ] && atf_fail "a level 1 without -u made the file"
	"$bin" -W -D "$PWD/none" >out 2>err || atf_fail "-W of a missing file failed"
	grep -q "WARNING: $PWD/none does not exist" err ||
	    atf_fail "-W: no warning: $(oneline err)"
	dump_ok -0 -D "$PWD/none" -f o.dump fs.img
	grep -q WARNING dump.log && atf_fail "level 0 warned: $(oneline dump.log)"
	dump_ok -0 -u -D "$PWD/none" -f o.dump fs.img
	grep -q "WARNING: $PWD/none did not exist; created it empty" dump.log ||
	    atf_fail "-u: no warning: $(oneline dump.log)"
	grep -q "^$(realpath fs.img) *0 " none || atf_fail "not recorded: $(oneline none)"

	# A directory that does not exist: refused up front.
	"$bin" -0u -D "$PWD/nodir/ddates" -f o2.dump fs.img 2>err
	rc=$?
	[ $rc -eq 1 ] || atf_fail "missing directory: status $rc"
	grep -q "cannot update $PWD/nodir/ddates: No such file or directory" err ||
	    atf_fail "missing directory: $(oneline err)"
	[ -e o2.dump ] && atf_fail "missing directory: the dump ran"
	true
}
precheck_cleanup()
{
	rm_shared_dir
}

atf_test_case inplace_nonroot cleanup
inplace_nonroot_head()
{
	atf_set descr "user backup in group disk updates a 0664 root:disk dumpdates in a root 0755 directory, in place"
	atf_set require.user root
}
inplace_nonroot_body()
{
	require_tools makefs restore
	require_backup
	small_image fs.img
	shared_dir
	d=$(cat shared.path)
	mkdir "$d/etc" "$d/out"
	chown backup "$d/out"
	for i in 1 2 3 4; do
		cp fs.img "$d/fs$i.img"
	done
	chmod 644 "$d"/fs*.img
	dd=$d/etc/dumpdates
	# A Linux-style line (with its zone): rewritten shorter, so the
	# in-place update must cut the file.
	printf '/dev/other 0 Tue Feb  3 11:00:00 2015 +0000\n' >"$dd"
	chown root:disk "$dd"
	chmod 664 "$dd"
	ino=$(stat -c %i "$dd")
	bin=$(dump_bin)
	as_backup "$bin" -0u -D "$dd" -f "$d/out/o.dump" "$d/fs1.img" 2>dump.log ||
	    atf_fail "dump as backup: $(tail -3 dump.log | oneline)"
	grep -q 'DUMP IS DONE$' dump.log || atf_fail "$(oneline dump.log)"
	restore -t -f "$d/out/o.dump" >/dev/null 2>&1 ||
	    atf_fail "restore -t cannot read the dump"
	[ "$(stat -c '%i %U:%G %a' "$dd")" = "$ino root:disk 664" ] ||
	    atf_fail "the file was replaced: $(stat -c '%i %U:%G %a' "$dd")"
	want=$(TZ=UTC0 date -d '2015-02-03 11:00:00' +%s)
	got=$(awk '$1 == "/dev/other" { print $3, $4, $5, $6, $7 }' "$dd")
	[ "$(date -d "$got" +%s)" = "$want" ] ||
	    atf_fail "/dev/other's date changed: $(oneline "$dd")"
	grep -q "^$d/fs1.img *0 " "$dd" || atf_fail "not recorded: $(oneline "$dd")"
	[ "$(wc -l <"$dd")" -eq 2 ] || atf_fail "lines: $(oneline "$dd")"
	[ "$(grep -c . "$dd")" -eq 2 ] || atf_fail "padding left: $(oneline "$dd")"
	for f in "$d"/etc/*dump-tmp*; do
		[ -e "$f" ] && atf_fail "temporary file left: $f"
	done

	# Four at once, as backup: every record lands.
	pids=
	for i in 1 2 3 4; do
		as_backup "$bin" -1u -D "$dd" -f "$d/out/o$i.dump" \
		    "$d/fs$i.img" 2>"log$i" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || atf_fail "a dump failed: $(oneline log*)"
	done
	for i in 1 2 3 4; do
		grep -q "^$d/fs$i.img *1 " "$dd" ||
		    atf_fail "fs$i level 1 missing: $(oneline "$dd")"
	done
	[ "$(wc -l <"$dd")" -eq 6 ] || atf_fail "lines: $(oneline "$dd")"
	[ "$(stat -c %i "$dd")" = "$ino" ] || atf_fail "the file was replaced"
}
inplace_nonroot_cleanup()
{
	rm_shared_dir
}

atf_test_case stale_tmp
stale_tmp_head()
{
	atf_set descr "temporary copies left by killed updates are removed by the next -u; one being written is not"
	atf_set require.user root
}
stale_tmp_body()
{
	require_tools makefs flock
	small_image fs.img
	printf '/dev/other       0 Mon Jan  5 10:00:00 2015\n' >ddates
	for s in Ab12Cd zz99ZZ; do
		echo partial >"ddates.dump-tmp.$s"
	done
	touch -d '2020-01-01' ddates.dump-tmp.Ab12Cd
	# Not ours to remove: another owner, another name, a directory.
	echo x >ddates.dump-tmp.NoBody
	chown 65534 ddates.dump-tmp.NoBody
	echo x >ddates.dump-tmp.short
	echo x >ddates.Xy12Zw
	mkdir ddates.dump-tmp.DirDir
	# A dump updating the file now holds the lock while its copy exists.
	flock -x ddates sh -c 'echo new >ddates.dump-tmp.Active; : >locked;
	    sleep 3; if [ -e ddates.dump-tmp.Active ]; then echo kept;
	    else echo gone; fi >active.result; rm -f ddates.dump-tmp.Active' &
	holder=$!
	n=0
	while [ ! -e locked ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	dump_ok -0 -u -D "$PWD/ddates" -f o.dump fs.img
	wait "$holder"
	[ "$(cat active.result)" = kept ] ||
	    atf_fail "the copy being written was removed"
	for s in Ab12Cd zz99ZZ; do
		[ -e "ddates.dump-tmp.$s" ] && atf_fail "ddates.dump-tmp.$s left"
		grep -q "removed $PWD/ddates.dump-tmp.$s" dump.log ||
		    atf_fail "removal of $s not reported: $(oneline dump.log)"
	done
	for f in ddates.dump-tmp.NoBody ddates.dump-tmp.short ddates.Xy12Zw \
	    ddates.dump-tmp.DirDir; do
		[ -e "$f" ] || atf_fail "$f removed"
	done
	[ "$(wc -l <ddates)" -eq 2 ] || atf_fail "dumpdates: $(oneline ddates)"
}

atf_init_test_cases()
{
	atf_add_test_case nul_line
	atf_add_test_case names
	atf_add_test_case linux_interop
	atf_add_test_case symlink
	atf_add_test_case not_regular
	atf_add_test_case precheck
	atf_add_test_case inplace_nonroot
	atf_add_test_case stale_tmp
}
