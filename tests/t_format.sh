#! /usr/bin/env atf-sh
# The dump stream of makefs images, read by tests/tapecat.py (an
# independent reader written from the format spec) and Debian restore(8);
# and the start-up and output errors of a level-0 dump.

. "$(atf_get_srcdir)/common.sh"

tapecat()
{
	python3 "$(atf_get_srcdir)/tapecat.py" "$@"
}

# tapecat_ok ARGS...: run tapecat into tc.out, fail on any fault.
tapecat_ok()
{
	tapecat "$@" >tc.out 2>tc.err ||
	    atf_fail "tapecat $*: $(oneline tc.err)"
}

# oneline FILE: the last lines of FILE on one line, for atf_fail.
oneline()
{
	tail -3 "$1" | tr '\n' ' '
}

expect_line()
{
	grep -qxF "$2" "$1" || atf_fail "$1: no line \"$2\""
}

NAME255=$(printf '%255s' '' | tr ' ' n)

# format_tree DIR: files for the format checks: a 255-byte name, a wide
# directory, a file spanning several TS_ADDR headers, a sparse file.
format_tree()
{
	mkdir -p "$1/wide" "$1/sub/deeper"
	echo "exactly 255" >"$1/$NAME255"
	_i=0
	while [ $_i -lt 400 ]; do
		: >"$1/wide/a-directory-entry-with-a-long-name-$_i"
		_i=$((_i + 1))
	done
	rand_file "$1/sub/big" $((1536 * 1024 + 100))
	rand_file "$1/sub/deeper/small" 3000
	ln -s sub/big "$1/link"
	sparse_file "$1/sparse" $((4 * 1024 * 1024)) 0 $((3 * 1024 * 1024))
}

# stream_checks VERSION ENDIAN MAGIC
stream_checks()
{
	require_tools makefs python3
	format_tree src
	make_image fs.img src "$1" "$2"
	for b in 1 10 64; do
		dump_ok -0 -b "$b" -f "out$b.dump" fs.img
		# tapecat checks every header's checksum and c_tapea, the
		# c_type sequence, the TS_END trailer and the record multiple.
		tapecat_ok -b "$b" -l -m -d / -d /wide "out$b.dump"
		expect_line tc.out "magic $3"
		expect_line tc.out "order native"
		expect_line tc.out "flags 0x2"
		grep -q '^ends [1-9]' tc.out || atf_fail "-b $b: no TS_END"
		[ $(($(stat -c %s "out$b.dump") % (b * 1024))) -eq 0 ] ||
		    atf_fail "-b $b: not whole records"
	done
	# Default records are 10 KB.
	dump_ok -0 -f outd.dump fs.img
	tapecat_ok -b 10 outd.dump

	tapecat_ok -b 10 -l -m -d / -d /wide -e /sub/big -e /sparse \
	    -x "/$NAME255" -o name255.out out10.dump
	# The paths on tape are the tree's paths.
	awk '$1 == "file" && $10 != "/" { print substr($10, 2) }' tc.out |
	    LC_ALL=C sort >tape.paths
	(cd src && find . -mindepth 1 | cut -c3- | LC_ALL=C sort) >src.paths
	diff src.paths tape.paths >paths.diff ||
	    atf_fail "paths on tape differ from the tree: $(oneline paths.diff)"
	# TS_CLRI and TS_BITS: every inode of the image, makefs numbering
	# them from 2 in the order it creates them.
	_n=$(($(find src -mindepth 1 -printf '%i\n' | sort -u | wc -l) + 1))
	_want="$(seq 2 $((_n + 1)) | tr '\n' ' ' | sed 's/ $//')"
	expect_line tc.out "clri $_want"
	expect_line tc.out "bits $_want"
	expect_line tc.out "inodes $_n"
	# A 255-byte name on tape, with its file's data.
	grep -q "^name 2 255 [0-9]* $NAME255\$" tc.out ||
	    atf_fail "no 255-byte name in the root directory on tape"
	cmp -s name255.out "src/$NAME255" ||
	    atf_fail "the file with the 255-byte name has other data on tape"
	# The wide directory: all 402 entries, over many directory blocks.
	_wino=$(awk '$1 == "file" && $10 == "/wide" { print $2 }' tc.out)
	_wsize=$(awk '$1 == "file" && $10 == "/wide" { print $6 }' tc.out)
	expect_line tc.out "entries $_wino 402"
	[ "$_wsize" -ge $((8 * 512)) ] ||
	    atf_fail "/wide is only $_wsize bytes: not several blocks"
	awk -v d="$_wino" '$1 == "name" && $2 == d { print $5 }' tc.out |
	    LC_ALL=C sort >wide.tape
	(cd src/wide && ls -a) | LC_ALL=C sort >wide.src
	diff wide.src wide.tape >/dev/null ||
	    atf_fail "names in /wide on tape differ from the tree"
	# sub/big needs four headers (1537 pieces); its data on tape is the
	# file.  makefs(8) writes every block of a sparse source file (it
	# does not keep holes), so /sparse is one run of data on tape too.
	expect_line tc.out "extent $(awk '$1 == "file" && $10 == "/sub/big" { print $2 }' tc.out) 0 $((1536 * 1024 + 100)) $(md5sum <src/sub/big | cut -c1-32)"
	_sino=$(awk '$1 == "file" && $10 == "/sparse" { print $2 }' tc.out)
	expect_line tc.out "extent $_sino 0 $((4 * 1024 * 1024)) $(md5sum <src/sparse | cut -c1-32)"
	[ "$(stat -c %s fs.img)" -gt $((4 * 1024 * 1024)) ] ||
	    atf_fail "makefs kept the holes of /sparse: extend this test"
	tapecat_ok -b 10 -H -l out10.dump
	_big=$(awk '$1 == "file" && $10 == "/sub/big" { print $2 }' tc.out)
	[ "$(awk -v i="$_big" '$1 == "header" && $4 == i' tc.out | wc -l)" = 4 ] ||
	    atf_fail "sub/big: not one TS_INODE and three TS_ADDR headers"
}

atf_test_case ufs1_stream
ufs1_stream_head()
{
	atf_set descr "UFS1 (little-endian): NFS_MAGIC stream, checksums, c_tapea, records, long names, wide directory"
}
ufs1_stream_body()
{
	stream_checks 1 le 0xea6c
}

atf_test_case ufs2_stream
ufs2_stream_head()
{
	atf_set descr "UFS2 (big-endian): UFS2 magic stream in host order"
}
ufs2_stream_body()
{
	stream_checks 2 be 0x19540119
}

atf_test_case ufs1_be_stream
ufs1_be_stream_head()
{
	atf_set descr "UFS1 (big-endian): NFS_MAGIC stream in host order"
}
ufs1_be_stream_body()
{
	stream_checks 1 be 0xea6c
}

atf_test_case spec_types
spec_types_head()
{
	atf_set descr "devices, a fifo, a socket, owners and modes made by a makefs mtree spec, restored by Debian restore"
	atf_set require.user root
}
spec_types_body()
{
	require_tools makefs restore python3
	mkdir src
	echo data >src/f
	cat >fs.spec <<-'EOF'
	/set type=file uid=0 gid=0 mode=0644 time=1000000000.0
	.       type=dir mode=0755
	f       type=file uid=321 gid=654 mode=0604 time=1234567890.0
	chr     type=char mode=0620 uid=5 gid=6 device=native,4,5
	blk     type=block mode=0660 uid=7 gid=8 device=native,8,300
	fifo    type=fifo mode=0640 uid=9 gid=10
	sock    type=socket mode=0755 uid=11 gid=12
	ln      type=link link=f uid=13 gid=14
	sub     type=dir mode=0700 uid=15 gid=16
	..
	EOF
	makefs -t ffs -M 1m -o version=2 -F fs.spec fs.img src >makefs.log 2>&1 ||
	    atf_fail "makefs -F failed: $(oneline makefs.log)"
	dump_ok -0 -f out.dump fs.img
	tapecat_ok -b 10 -l out.dump
	restore_into "$PWD/out.dump" rst
	cd rst || atf_fail "no rst"
	for e in f chr blk fifo sock ln sub; do
		stat -c "%n %F %a %u:%g %t,%T %Y" "$e"
	done >../got
	cd ..
	cat >want <<-'EOF'
	f regular file 604 321:654 0,0 1234567890
	chr character special file 620 5:6 4,5 1000000000
	blk block special file 660 7:8 8,12c 1000000000
	fifo fifo 640 9:10 0,0 1000000000
	sock socket 755 11:12 0,0 1000000000
	ln symbolic link 777 13:14 0,0 1000000000
	sub directory 700 15:16 0,0 1000000000
	EOF
	# Linux symlinks have mode 777, whatever the spec said.
	diff want got >types.diff ||
	    atf_fail "restored special files differ: $(oneline types.diff)"
	[ "$(cat rst/f)" = data ] || atf_fail "f has other data"
	[ "$(readlink rst/ln)" = f ] || atf_fail "ln does not point to f"
	# The socket and fifo are on tape with no data, the devices with
	# c_rdev (glibc's encoding of 4,5 and 8,300).
	grep -q '^file [0-9]* 140755 11 12 0 ' tc.out ||
	    atf_fail "no socket on tape"
	grep -q '^file [0-9]* 10640 9 10 0 ' tc.out ||
	    atf_fail "no fifo on tape"
	grep -q "^file [0-9]* 20620 5 6 0 [0-9]* $(((4 << 8) | 5)) " tc.out ||
	    atf_fail "no character device 4,5 on tape"
	grep -q "^file [0-9]* 60660 7 8 0 [0-9]* $(((8 << 8) | (300 & 255) | ((300 >> 8) << 20))) " tc.out ||
	    atf_fail "no block device 8,300 on tape"
}

# --- errors ---------------------------------------------------------

# run_dump RC ARGS...: dump must exit RC; stderr in err.log.
run_dump()
{
	_want=$1
	shift
	timeout 60 "$(dump_bin)" "$@" >out.log 2>err.log
	_rc=$?
	no_crash
	[ $_rc = "$_want" ] ||
	    atf_fail "dump $* exited $_rc, not $_want: $(oneline err.log)"
}

no_crash()
{
	[ "$_rc" = 124 ] && atf_fail "dump hung (killed after 60 s)"
	[ "$_rc" -ge 128 ] && atf_fail "dump died of signal $((_rc - 128))"
	if grep -q -e 'Sanitizer' -e 'runtime error' err.log; then
		atf_fail "sanitizer: $(grep -m1 -e Sanitizer -e 'runtime error' err.log)"
	fi
	return 0
}

# said TEXT: stderr holds TEXT.
said()
{
	grep -qF -- "$1" err.log ||
	    atf_fail "no message with \"$1\": $(oneline err.log)"
}

atf_test_case bad_arguments
bad_arguments_head()
{
	atf_set descr "unknown option, missing source, -b 65, plain directory, not UFS: exit 1 with a message"
}
bad_arguments_body()
{
	run_dump 1 -0 -Q -f out.dump x
	said "usage: dump"
	run_dump 1 -0 -b 65 -f out.dump x
	said "65"
	run_dump 1 -0 -b 0 -f out.dump x
	run_dump 1 -0 -f out.dump "$PWD/no-such-image"
	said "$PWD/no-such-image"
	mkdir plain
	run_dump 1 -0 -f out.dump "$PWD/plain"
	said "$PWD/plain"
	said "mount point"
	head -c 1048576 /dev/urandom >random.img
	run_dump 1 -0 -f out.dump random.img
	said "random.img: not a UFS file system"
	: >empty.img
	run_dump 1 -0 -f out.dump empty.img
	said "not a UFS file system"
	[ -e out.dump ] && atf_fail "an output was created for a bad start"
	return 0
}

atf_test_case truncated
truncated_head()
{
	atf_set descr "truncated images: exit 1 or 3 with a message naming the image, never a crash or hang"
}
truncated_body()
{
	require_tools makefs timeout python3
	format_tree src
	make_image fs.img src 2 le
	_s=$(stat -c %s fs.img)
	# Where the data of sub/big and sub/deeper/small lie in the image
	# (their random bytes are unique there).
	_at=$(python3 -c '
import sys
img = open("fs.img", "rb").read()
big = open("src/sub/big", "rb").read()
small = open("src/sub/deeper/small", "rb").read()
print(img.find(big[800000:800064]), img.find(small[:64]) + 1000)')
	for cut in 4096 8192 9000 12288 16384 32768 65536 98304 $_at \
	    $((_s / 4)) $((_s / 2)) $((_s * 3 / 4)) $((_s - 1024)); do
		[ "$cut" -gt 0 ] || atf_fail "file data not found in the image"
		head -c "$cut" fs.img >cut.img
		timeout 60 "$(dump_bin)" -0 -f out.dump cut.img >out.log 2>err.log
		_rc=$?
		no_crash
		# makefs leaves one non-zero byte 301 bytes before the end of
		# every image; whether a cut drops data is judged without it.
		if [ "$(head -c $((_s - 512)) fs.img | tail -c +$((cut + 1)) |
		    tr -d '\000' | head -c 1 | wc -c)" = 0 ]; then
			[ $_rc = 0 ] && continue
		fi
		case $_rc in
		1|3)	;;
		*)	atf_fail "cut at $cut of $_s: exit $_rc: $(oneline err.log)" ;;
		esac
		said "cut.img"
		grep -q 'DUMP IS DONE$' err.log &&
		    atf_fail "cut at $cut: DUMP IS DONE with exit $_rc"
	done
	return 0
}

atf_test_case bad_output
bad_output_head()
{
	atf_set descr "an output that cannot be opened or fills up: exit 3, a message naming it, no DUMP IS DONE"
}
bad_output_body()
{
	require_tools makefs
	format_tree src
	make_image fs.img src 1 le
	run_dump 3 -0 -f "$PWD/no/such/dir/out.dump" fs.img
	said "$PWD/no/such/dir/out.dump"
	grep -q 'DUMP IS DONE' err.log && atf_fail "DUMP IS DONE printed"
	if [ -w /dev/full ]; then
		run_dump 3 -0 -f /dev/full fs.img
		said "/dev/full"
		grep -q 'DUMP IS DONE' err.log && atf_fail "DUMP IS DONE printed"
	fi
	# A pipe whose reader goes away: a write error on standard output.
	{
		timeout 60 "$(dump_bin)" -0 -f - fs.img 2>err.log
		echo $? >dump.rc
	} | head -c 10240 >/dev/null
	_rc=$(cat dump.rc)
	no_crash
	[ "$_rc" = 3 ] || atf_fail "dump to a closed pipe exited $_rc, not 3"
	said "standard output"
	grep -q 'DUMP IS DONE' err.log && atf_fail "DUMP IS DONE printed"
	return 0
}

atf_test_case output_is_source
output_is_source_head()
{
	atf_set descr "an output that is the source itself (same path, a symlink, another path, a hard link, in a -f list, standard output) is refused with exit 1 before it is opened; the image is untouched"
}
output_is_source_body()
{
	require_tools makefs
	format_tree src
	make_image fs.img src 2 le
	sum=$(md5sum <fs.img)
	mkdir sub
	ln -s ../fs.img sub/link.img
	ln fs.img hard.img
	for out in fs.img "$PWD/fs.img" sub/link.img sub/../fs.img hard.img \
	    "first.dump,sub/link.img"; do
		run_dump 1 -0 -f "$out" fs.img
		said "${out#*,}"
		said "the file system being dumped"
		[ "$(md5sum <fs.img)" = "$sum" ] ||
		    atf_fail "-f $out: the image was changed"
		[ -e first.dump ] && atf_fail "-f $out: an output was opened"
	done
	# The source named through the symlink, the output by its path.
	run_dump 1 -0 -f fs.img sub/link.img
	said "fs.img"
	# Standard output appended to the image.
	# shellcheck disable=SC2094
	timeout 60 "$(dump_bin)" -0 -f - fs.img >>fs.img 2>err.log
	_rc=$?
	no_crash
	[ "$_rc" = 1 ] || atf_fail "-f - >>fs.img exited $_rc, not 1"
	said "standard output"
	[ "$(md5sum <fs.img)" = "$sum" ] || atf_fail "-f -: the image was changed"
	# Another file is fine.
	run_dump 0 -0 -f other.dump fs.img
	restore -t -f other.dump >/dev/null 2>&1 || atf_fail "restore -t failed"
}

atf_test_case small_volume
small_volume_head()
{
	atf_set descr "-B below two records is refused with exit 1, quoting the value as typed; two records are accepted"
}
small_volume_body()
{
	require_tools makefs
	format_tree src
	make_image fs.img src 2 le
	for b in 1 5 9 10 19; do
		run_dump 1 -0 -B "$b" -f out.dump fs.img
		said "-B $b is too small"
		said "20 KB"
		[ -e out.dump ] && atf_fail "-B $b: an output was created"
	done
	run_dump 1 0Bbf 127 64 out.dump fs.img
	said "-B 127 is too small"
	[ -e out.dump ] && atf_fail "-B 127 -b 64: an output was created"
	# The smallest accepted sizes: two records (-S stops before writing).
	run_dump 0 -0 -B 20 -S fs.img
	run_dump 0 -0 -b 1 -B 2 -S fs.img
	run_dump 0 -0 -b 64 -B 128 -S fs.img
}

atf_test_case tapecat_self
tapecat_self_head()
{
	atf_set descr "tapecat.py itself rejects damaged streams (a flipped header byte, a lost trailer, a trailer followed by zeros, a partial record)"
}
tapecat_self_body()
{
	require_tools makefs python3
	mkdir src
	echo hello >src/a
	rand_file src/b 70000
	make_image fs.img src 2 le
	dump_ok -0 -f good.dump fs.img
	tapecat_ok -b 10 good.dump
	_n=$(($(stat -c %s good.dump) / 1024))
	# A flipped byte in the TS_CLRI header's label.
	cp good.dump bad1.dump
	printf 'X' | dd of=bad1.dump bs=1 seek=$((1024 + 680)) conv=notrunc 2>/dev/null
	tapecat -b 10 bad1.dump >/dev/null 2>err1 &&
	    atf_fail "tapecat took a header with a bad checksum"
	grep -q 'block 1: bad checksum' err1 || atf_fail "tapecat: $(oneline err1)"
	# The last record (with the TS_END headers) lost.
	head -c $(((_n - 10) * 1024)) good.dump >bad2.dump
	tapecat bad2.dump >/dev/null 2>err2 &&
	    atf_fail "tapecat took a stream without TS_END"
	# Zeros after the trailer, and a record that is not whole.
	{ cat good.dump; head -c 1024 /dev/zero; } >bad3.dump
	tapecat bad3.dump >/dev/null 2>err3 &&
	    atf_fail "tapecat took zeros after TS_END"
	tapecat -b 64 good.dump >/dev/null 2>err4 &&
	    atf_fail "tapecat took 10 KB records as 64 KB ones"
	return 0
}

atf_init_test_cases()
{
	atf_add_test_case tapecat_self
	atf_add_test_case ufs1_stream
	atf_add_test_case ufs2_stream
	atf_add_test_case ufs1_be_stream
	atf_add_test_case spec_types
	atf_add_test_case bad_arguments
	atf_add_test_case truncated
	atf_add_test_case bad_output
	atf_add_test_case output_is_source
	atf_add_test_case small_volume
}
