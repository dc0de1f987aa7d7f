#! /usr/bin/env atf-sh
# Level-0 dumps of the real UFS images in /work/shared/images, judged by
# their README (paths, types, modes, owners, sizes, checksums, link
# targets, sparse data, times), Debian restore(8) and tests/tapecat.py.

. "$(atf_get_srcdir)/common.sh"

images_dir()
{
	atf_config_get images_dir /work/shared/images
}

# unpack NAME: decompress NAME.img.zst into ./NAME.img.
unpack()
{
	require_tools zstd restore python3
	[ -f "$(images_dir)/$1.img.zst" ] || atf_skip "$(images_dir)/$1.img.zst is missing"
	zstd -q -d -o "$1.img" "$(images_dir)/$1.img.zst" ||
	    atf_fail "zstd could not decompress $1.img.zst"
}

tapecat()
{
	python3 "$(atf_get_srcdir)/tapecat.py" "$@"
}

# listing DIR: path|type|mode|uid:gid|size|md5 or link target, per entry.
listing()
{
	(
	cd "$1" || exit 1
	find . -mindepth 1 ! -name restoresymtable | LC_ALL=C sort |
	while IFS= read -r _e; do
		case $(stat -c %F "$_e") in
		regular*)
			printf '%s|file|%s|%s\n' "${_e#./}" \
			    "$(stat -c '%a|%u:%g|%s' "$_e")" \
			    "$(md5sum <"$_e" | cut -c1-32)" ;;
		directory)
			printf '%s|dir|%s\n' "${_e#./}" \
			    "$(stat -c '%a|%u:%g' "$_e")" ;;
		symbolic*)
			printf '%s|link|%s|%s\n' "${_e#./}" \
			    "$(stat -c '%u:%g' "$_e")" "$(readlink "$_e")" ;;
		*)
			printf '%s|other|%s\n' "${_e#./}" \
			    "$(stat -c '%F|%a|%u:%g' "$_e")" ;;
		esac
	done
	)
}

# oneline: standard input on one line, for atf_fail.
oneline()
{
	head -c 400 | tr '\n' ' '
}

md5()
{
	md5sum | cut -c1-32
}

# zeros_then_x ZEROS XS: md5 of ZEROS zero bytes followed by XS "x" bytes.
zeros_then_x()
{
	{ head -c "$1" /dev/zero; head -c "$2" /dev/zero | tr '\0' x; } | md5
}

# check_file_lines EXPECTED TAPECAT-OUTPUT: the "file" lines of tapecat -l
# without mtime, rdev and nlink (ino mode uid gid size path) must match.
check_file_lines()
{
	awk '$1 == "file" { print $2, $3, $4, $5, $6, $10 }' "$2" >tape.files
	if ! diff "$1" tape.files >files.diff; then
		head -10 files.diff
		atf_fail "the inodes on tape differ from the image's README"
	fi
}

# expect_line FILE LINE: FILE must hold LINE.
expect_line()
{
	grep -qxF "$2" "$1" || atf_fail "$1: no line \"$2\""
}

# ---------------------------------------------------------------------
# test_ufs1 / test_ufs2: NetBSD makefs images, owner 1002, mtime 1780429315.

small_image()
{
	_n=$1 _magic=$2
	unpack "$_n"
	dump_ok -0 -f out.dump "$_n.img"
	tapecat -b 10 -l -m -d / out.dump >tc.out 2>tc.err ||
	    atf_fail "tapecat: $(oneline <tc.err)"
	expect_line tc.out "magic $_magic"
	expect_line tc.out "order native"
	expect_line tc.out "flags 0x2"
	expect_line tc.out "clri 2 3 4 5 6 7 8"
	expect_line tc.out "bits 2 3 4 5 6 7 8"
	cat >want.files <<-'EOF'
	2 40755 1002 1002 512 /
	3 120777 1002 1002 9 /link.txt
	4 100644 1002 1002 24576 /large.bin
	5 100644 1002 1002 10 /tiny.txt
	6 100644 1002 1002 11 /hello.txt
	7 40755 1002 1002 512 /subdir
	8 100644 1002 1002 11 /subdir/nested.txt
	EOF
	check_file_lines want.files tc.out
	# Every inode carries the makefs time.
	awk '$1 == "file" && $7 != 1780429315 { print }' tc.out >badtime
	[ -s badtime ] && atf_fail "mtime not 1780429315: $(oneline <badtime)"

	restore_into "$PWD/out.dump" rst
	_o=1002:1002
	{
		echo "hello.txt|file|644|$_o|11|$(printf 'Hello, UFS!' | md5)"
		echo "large.bin|file|644|$_o|24576|53db7ead277a279463780f6fa5ee60e6"
		echo "link.txt|link|$_o|hello.txt"
		echo "subdir|dir|755|$_o"
		echo "subdir/nested.txt|file|644|$_o|11|$(printf 'nested file' | md5)"
		echo "tiny.txt|file|644|$_o|10|$(printf 'tiny bytes' | md5)"
	} >want.list
	listing rst >got.list
	diff want.list got.list >list.diff ||
	    atf_fail "restored tree differs from the README: $(oneline <list.diff)"
	# large.bin: byte i is (i * 37 + 11) & 0xff.
	python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 37 + 11) & 255 for i in range(24576)))' >large.want
	cmp large.want rst/large.bin || atf_fail "large.bin content differs"
	for _f in hello.txt large.bin tiny.txt subdir subdir/nested.txt; do
		[ "$(stat -c %Y "rst/$_f")" = 1780429315 ] ||
		    atf_fail "$_f: mtime $(stat -c %Y "rst/$_f"), not 1780429315"
	done
}

atf_test_case test_ufs1
test_ufs1_head()
{
	atf_set descr "test_ufs1.img (NetBSD makefs UFS1): README contents"
	atf_set require.user root
}
test_ufs1_body()
{
	small_image test_ufs1 0xea6c
}

atf_test_case test_ufs2
test_ufs2_head()
{
	atf_set descr "test_ufs2.img (UFS2, superblock at 8192): README contents"
	atf_set require.user root
}
test_ufs2_body()
{
	small_image test_ufs2 0x19540119
}

# ---------------------------------------------------------------------
# ufs-little / ufs-big: FreeBSD newfs images with sparse files; sparse3 is
# 549 GB, so its dump is about 1 GB: it goes once through a pipe to
# tapecat and (by a fifo) to restore, which extracts everything else.

fuse_image()
{
	_n=$1 _t1=$2
	unpack "$_n"
	mkdir rst
	mkfifo restore.fifo
	(cd rst && exec restore -x -y -f - ./.snap ./dir1 ./file1 ./file3 \
	    ./link1 ./long-link ./sparse ./sparse2 ./xattrs ./xattrs2 \
	    ./xattrs3 <../restore.fifo) >restore.log 2>&1 &
	_rpid=$!
	_size=549890457600
	_last=$((_size - 1048576))
	{
		"$(dump_bin)" -0 -f - "$_n.img" 2>dump.log
		echo $? >dump.rc
	} | tee restore.fifo |
	    tapecat -b 10 -l -m -d / -e /sparse3 -e /sparse -e /sparse2 \
	    -e /file3 -e /long-link -e /link1 \
	    -x /sparse3 --offset "$_last" --length 1048576 -o sparse3.tail \
	    - >tc.out 2>tc.err
	_tc=$?
	wait $_rpid
	_rrc=$?
	if [ "$(cat dump.rc)" != 0 ] || ! grep -q 'DUMP IS DONE$' dump.log; then
		atf_fail "dump exited $(cat dump.rc): $(tail -2 dump.log | oneline)"
	fi
	[ $_tc = 0 ] || atf_fail "tapecat: $(oneline <tc.err)"
	[ $_rrc = 0 ] ||
	    atf_fail "restore -x exited $_rrc: $(grep -v Converting restore.log | tail -3 | oneline)"

	# The stream, by tapecat.
	expect_line tc.out "magic 0x19540119"
	expect_line tc.out "order native"
	expect_line tc.out "flags 0x2"
	_inos="2 3 4 5 6 7 8 9 10 11 12 13 256 512 513 768"
	expect_line tc.out "clri $_inos"
	expect_line tc.out "bits $_inos"
	cat >want.files <<-'EOF'
	2 40755 0 0 512 /
	3 40775 0 5 512 /.snap
	4 100644 0 0 23 /file1
	5 100644 0 0 1048576 /file3
	6 120755 0 0 20 /link1
	7 120755 0 0 1023 /long-link
	8 100644 0 0 134643712 /sparse
	9 100644 0 0 134615040 /sparse2
	10 100644 0 0 549890457600 /sparse3
	11 100644 0 0 0 /xattrs
	12 100644 0 0 0 /xattrs2
	13 100644 0 0 0 /xattrs3
	256 40755 0 0 512 /dir1/dir2
	512 40755 0 0 512 /dir1/dir2/dir3
	513 100644 0 0 12 /dir1/dir2/dir3/file2
	768 40755 0 0 512 /dir1
	EOF
	check_file_lines want.files tc.out
	awk '$1 == "file" && $10 == "/file1" { print $7 }' tc.out >t1
	[ "$(cat t1)" = "$_t1" ] || atf_fail "file1 mtime on tape $(cat t1), not $_t1"
	awk '$1 == "name" && $2 == 2 { print $5 }' tc.out | LC_ALL=C sort \
	    | tr '\n' ' ' >root.names
	[ "$(cat root.names)" = ". .. .snap dir1 file1 file3 link1 long-link sparse sparse2 sparse3 xattrs xattrs2 xattrs3 " ] ||
	    atf_fail "root directory entries: $(cat root.names)"

	# Holes: only the blocks the README names are on tape.  Block 4107
	# (zeros) and 4108 (x) of sparse and sparse2; 16781323 and 16781324
	# of sparse3.
	_zx=$(zeros_then_x 32768 32768)
	expect_line tc.out "size 10 $_size"
	expect_line tc.out "extent 10 549890392064 65536 $_zx"
	expect_line tc.out "size 8 134643712"
	expect_line tc.out "extent 8 134578176 65536 $_zx"
	expect_line tc.out "size 9 134615040"
	expect_line tc.out "extent 9 134578176 36864 $(zeros_then_x 32768 4096)"
	for _i in 8 9 10; do
		[ "$(grep -c "^extent $_i " tc.out)" = 1 ] ||
		    atf_fail "inode $_i: more data on tape than the README says: $(grep "^extent $_i " tc.out | oneline)"
	done
	_l3=$(awk 'BEGIN { for (i = 0; i < 65536; i++) printf "%015x\n", i }' | md5)
	[ "$_l3" = ec681056042f3cedfdf3f69887c94e2f ] ||
	    atf_fail "README's file3 description and md5 disagree"
	expect_line tc.out "extent 5 0 1048576 $_l3"
	expect_line tc.out "extent 6 0 20 $(printf dir1/dir2/dir3/file2 | md5)"
	_ll=$(printf '%1016s' '' | sed 's|  |./|g')//file1
	expect_line tc.out "extent 7 0 1023 $(printf %s "$_ll" | md5)"
	[ "$(stat -c %s sparse3.tail)" = 1048576 ] ||
	    atf_fail "the last MB of sparse3 is $(stat -c %s sparse3.tail) bytes"
	[ "$(md5 <sparse3.tail)" = "$(zeros_then_x $((1048576 - 32768)) 32768)" ] ||
	    atf_fail "the last MB of sparse3 read from tape is wrong"

	# The files, by restore.
	[ -e rst/sparse3 ] && atf_fail "restore extracted sparse3, not asked for"
	{
		echo ".snap|dir|775|0:5"
		echo "dir1|dir|755|0:0"
		echo "dir1/dir2|dir|755|0:0"
		echo "dir1/dir2/dir3|dir|755|0:0"
		echo "dir1/dir2/dir3/file2|file|644|0:0|12|$(echo 'Hello World' | md5)"
		echo "file1|file|644|0:0|23|$(echo 'This is a simple file.' | md5)"
		echo "file3|file|644|0:0|1048576|ec681056042f3cedfdf3f69887c94e2f"
		echo "link1|link|0:0|dir1/dir2/dir3/file2"
		echo "long-link|link|0:0|$_ll"
		echo "sparse|file|644|0:0|134643712|$(zeros_then_x 134610944 32768)"
		echo "sparse2|file|644|0:0|134615040|$(zeros_then_x 134610944 4096)"
		echo "xattrs|file|644|0:0|0|$(md5 </dev/null)"
		echo "xattrs2|file|644|0:0|0|$(md5 </dev/null)"
		echo "xattrs3|file|644|0:0|0|$(md5 </dev/null)"
	} >want.list
	listing rst >got.list
	diff want.list got.list >list.diff ||
	    atf_fail "restored tree differs from the README: $(oneline <list.diff)"
	[ "$(stat -c %Y rst/file1)" = "$_t1" ] ||
	    atf_fail "restored file1 mtime $(stat -c %Y rst/file1), not $_t1"
}

atf_test_case ufs_little
ufs_little_head()
{
	atf_set descr "ufs-little.img (FreeBSD UFS2 LE): README contents, sparse3 by tapecat"
	atf_set require.user root
}
ufs_little_body()
{
	fuse_image ufs-little 1722785995
}

atf_test_case ufs_big
ufs_big_head()
{
	atf_set descr "ufs-big.img (FreeBSD UFS2 BE): same tree, host-order stream"
	atf_set require.user root
}
ufs_big_body()
{
	fuse_image ufs-big 1722786605
}

atf_init_test_cases()
{
	atf_add_test_case test_ufs1
	atf_add_test_case test_ufs2
	atf_add_test_case ufs_little
	atf_add_test_case ufs_big
}
