#! /usr/bin/env atf-sh
# Corrupted copies of the shared real images: one field of the superblock,
# a cylinder group, an inode, an indirect block or a directory block is
# changed, and dump must say what is wrong exactly once, name the inode,
# finish (or refuse) with the documented exit status, never crash (the
# check target runs this under ASan/UBSan), and leave a dump restore reads.

. "$(atf_get_srcdir)/common.sh"

# Layout of the images (tests read the pointers they need from the image).
U1SB=8192	# test_ufs1: UFS1 LE, bsize 8192, fsize 1024
U2SB=65536	# ufs-little: UFS2 LE, bsize 32768, fsize 4096

# u1ino INO: byte offset of inode INO in test_ufs1 (one cylinder group).
u1ino()
{
	echo $(($(le_get 4 u1.img $((U1SB + 16))) * 1024 + $1 * 128))
}

# u2ino INO: byte offset of inode INO (< 256) in ufs-little.
u2ino()
{
	echo $(($(le_get 4 u2.img $((U2SB + 16))) * 4096 + $1 * 256))
}

# fresh IMG: start a subcase from the pristine copy.
fresh()
{
	cp "$1.orig" "$1"
}

# readable: the dump written must still be a dump restore can list.
readable()
{
	restore -t -f - <out.dump >list 2>rt.log ||
	    atf_fail "restore -t rejected the dump: $(tail -2 rt.log)"
	grep -q "$1" list || atf_fail "restore -t does not list $1"
}

setup_u1()
{
	require_tools restore od
	shared_image test_ufs1 u1.img
	cp u1.img u1.img.orig
}

# ufs-little's sparse3 is a 512 GB sparse file: a million headers, a
# 1 GB dump.  It gets the nodump flag and the u2 dumps run with -h 0.
setup_u2()
{
	require_tools restore od
	shared_image ufs-little u2.img
	le_put 4 u2.img $(($(u2ino 10) + 88)) 1
	cp u2.img u2.img.orig
}

# dir_entry IMG NAME: offset of the directory entry naming NAME (the
# first 4-aligned match, so not an inline symlink holding the name).
dir_entry()
{
	grep -obUa "$2" "$1" | while IFS=: read -r _o _x; do
		if [ $((_o % 4)) -eq 0 ]; then
			echo $((_o - 8))
			break
		fi
	done
}

atf_test_case superblock
superblock_head()
{
	atf_set descr "bad superblock fields (sizes, shifts, counts that overflow) are refused with exit 1"
}
superblock_body()
{
	setup_u1
	setup_u2
	fresh u1.img
	le_put 4 u1.img $((U1SB + 48)) 12345
	dump_expect 1 'bad superblock: bad block size' -0 -f out.dump u1.img
	fresh u1.img
	le_put 4 u1.img $((U1SB + 80)) 40
	dump_expect 1 'bad superblock: bad block size' -0 -f out.dump u1.img
	fresh u1.img
	le_put 4 u1.img $((U1SB + 52)) 0
	dump_expect 1 'bad superblock: bad fragment size' -0 -f out.dump u1.img
	fresh u2.img
	le_put 8 u2.img $((U2SB + 1080)) 9223372036854775807
	dump_expect 1 'bad superblock: bad file system size' -0 -h 0 -f out.dump u2.img
	fresh u2.img
	le_put 4 u2.img $((U2SB + 44)) 4294967295
	dump_expect 1 'bad superblock: bad cylinder group or inode counts' \
	    -0 -h 0 -f out.dump u2.img
	fresh u2.img
	le_put 4 u2.img $((U2SB + 184)) 2147483520
	dump_expect 1 'bad superblock: ' -0 -h 0 -f out.dump u2.img
	fresh u2.img
	le_put 4 u2.img $((U2SB + 188)) 2147483640
	dump_expect 1 'bad superblock: ' -0 -h 0 -f out.dump u2.img
	fresh u2.img
	le_put 4 u2.img $((U2SB + 1372)) 0
	dump_expect 1 'not a UFS file system' -0 -h 0 -f out.dump u2.img
	# A file system larger than the image holding it.
	head -c 2097152 u2.img.orig >u2.img
	dump_expect 1 'larger than the image' -0 -h 0 -f out.dump u2.img
}

atf_test_case cylgroup
cylgroup_head()
{
	atf_set descr "a cylinder group header that cannot be trusted is reported; all its inodes are read"
}
cylgroup_body()
{
	setup_u2
	cg0=$(($(le_get 4 u2.img $((U2SB + 12))) * 4096))
	fresh u2.img
	le_put 4 u2.img $((cg0 + 4)) 305419896
	dump_expect 3 'cylinder group 0: bad magic number; reading all' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
	fresh u2.img
	le_put 4 u2.img $((cg0 + 12)) 3
	dump_expect 3 'cylinder group 0: wrong group number' \
	    -0 -h 0 -f out.dump u2.img
	fresh u2.img
	le_put 4 u2.img $((cg0 + 120)) 0
	le_put 4 u2.img $((cg0 + 116)) 7
	dump_expect 3 'cylinder group 0: wrong inode count' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
}

atf_test_case inodes
inodes_head()
{
	atf_set descr "bad block pointers, sizes, block counts and types in inodes"
}
inodes_body()
{
	setup_u1
	setup_u2
	i4=$(u1ino 4)
	# A direct block outside the file system: a hole, the rest dumped.
	fresh u1.img
	le_put 4 u1.img $((i4 + 40)) 2147483647
	dump_expect 3 '^  DUMP: inode 4: block 2147483647 \(at file block 0\) is outside the file system; read as a hole$' \
	    -0 -f out.dump u1.img
	mkdir r1
	(cd r1 && restore -r -y -f - <../out.dump) >r.log 2>&1 ||
	    atf_fail "restore -r failed: $(tail -2 r.log)"
	LC_ALL=C awk 'BEGIN { for (i = 0; i < 24576; i++)
	    printf "%c", (i * 37 + 11) % 256 }' >want.bin
	dd if=/dev/zero of=want.bin bs=8192 count=1 conv=notrunc 2>/dev/null
	cmp want.bin r1/large.bin ||
	    atf_fail "large.bin: not the file with its first block zeroed"
	[ "$(cat r1/hello.txt)" = "Hello, UFS!" ] || atf_fail "hello.txt lost"
	# A direct block in the inode table.
	fresh u1.img
	le_put 4 u1.img $((i4 + 44)) "$(le_get 4 u1.img $((U1SB + 16)))"
	dump_expect 3 'inode 4: block [0-9]+ \(at file block 1\) lies in cylinder group metadata' \
	    -0 -f out.dump u1.img
	readable large.bin
	# di_blocks 0 under three mapped blocks.
	fresh u1.img
	le_put 4 u1.img $((i4 + 104)) 0
	dump_expect 3 'inode 4: block map holds more than the 0 sectors di_blocks counts' \
	    -0 -f out.dump u1.img
	readable large.bin
	# Unknown file type.
	fresh u1.img
	le_put 2 u1.img "$(u1ino 5)" $((0130000 | 0644))
	dump_expect 3 'inode 5: unknown file type 0130000; skipped' \
	    -0 -f out.dump u1.img
	readable hello.txt
	# Root is not a directory: nothing sensible can be dumped.
	fresh u1.img
	le_put 2 u1.img "$(u1ino 2)" $((0100000 | 0644))
	dump_expect 3 'root inode is not a directory' -0 -f out.dump u1.img
	grep -q 'The ENTIRE dump is aborted' dump.log ||
	    atf_fail "no abort message"
	i5=$(u2ino 5)
	# UFS2: far more sectors than the size can use; the data is dumped.
	fresh u2.img
	le_put 8 u2.img $((i5 + 24)) 1099511627776
	dump_expect 3 'inode 5: 1099511627776 sectors allocated is more than its size 1048576 can use' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
	# An impossible block count and a terabyte size over one block: the
	# size is cut to the end of the last sound block.
	fresh u2.img
	le_put 8 u2.img $(($(u2ino 4) + 16)) 1099511627776
	le_put 8 u2.img $(($(u2ino 4) + 24)) 1125899906842624
	dump_expect 3 'inode 4: size 1099511627776 cut to 32768, the end of its last sound block' \
	    -0 -h 0 -f out.dump u2.img
	grep -q 'inode 4: 1125899906842624 sectors allocated is more than' dump.log ||
	    atf_fail "block count not reported"
	readable file1
	# A size no block map can describe: skipped, said so.
	fresh u2.img
	le_put 8 u2.img $((i5 + 16)) 4611686018427387904
	dump_expect 3 'inode 5: size 4611686018427387904 is beyond what its block map can hold; skipped' \
	    -0 -h 0 -f out.dump u2.img
	readable file1
	# A long symlink longer than any path.
	fresh u2.img
	le_put 8 u2.img $(($(u2ino 7) + 16)) 5000
	dump_expect 3 'inode 7: symbolic link of 5000 bytes is too long; skipped' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
	# A directory claiming far more than its blocks hold.
	fresh u1.img
	le_put 8 u1.img $(($(u1ino 7) + 8)) 1073741824
	dump_expect 3 'inode 7: directory size 1073741824 is more than its 2 sectors hold; cut to 1024' \
	    -0 -f out.dump u1.img
	readable hello.txt
}

atf_test_case indirect
indirect_head()
{
	atf_set descr "indirect blocks: pointers outside the file system, and a loop back to itself"
}
indirect_body()
{
	setup_u2
	i5=$(u2ino 5)
	i8=$(u2ino 8)
	# file3's single indirect block: its fourth entry (file block 15).
	fresh u2.img
	ind=$(($(le_get 8 u2.img $((i5 + 208))) * 4096))
	le_put 8 u2.img $((ind + 24)) 123456789
	dump_expect 3 'inode 5: block 123456789 \(at file block 15\) is outside the file system; read as a hole' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
	# The indirect block itself outside.
	fresh u2.img
	le_put 8 u2.img $((i5 + 208)) 99999999
	dump_expect 3 'inode 5: indirect block 99999999 \(at file block 12\) is outside' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
	# sparse's double indirect block pointing at itself: reported once
	# (pass III and IV both see it), no endless walk.
	fresh u2.img
	dbl=$(le_get 8 u2.img $((i8 + 216)))
	le_put 8 u2.img $((dbl * 4096)) "$dbl"
	dump_expect 3 "inode 8: indirect block $dbl points back to itself" \
	    -0 -h 0 -f out.dump u2.img
	readable sparse
	# Every entry of file3's indirect block naming the same block: the
	# walk stops at what di_blocks allows.
	fresh u2.img
	ind=$(($(le_get 8 u2.img $((i5 + 208))) * 4096))
	first=$(le_get 8 u2.img "$ind")
	i=1
	while [ $i -lt 20 ]; do
		le_put 8 u2.img $((ind + 8 * i)) "$first"
		i=$((i + 1))
	done
	le_put 8 u2.img $((i5 + 24)) 64
	dump_expect 3 'inode 5: block map holds more than the 64 sectors' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
}

atf_test_case directories
directories_head()
{
	atf_set descr "directory entries with bad lengths, names or inode numbers are cut off, once, with the directory's inode"
}
directories_body()
{
	setup_u1
	setup_u2
	# test_ufs1's root directory: the entry naming subdir.
	fresh u1.img
	e=$(dir_entry u1.img subdir)
	le_put 4 u1.img "$e" 99999
	dump_expect 3 'inode 2: bad directory entry at offset [0-9]+ \(inode 99999, name length 6\)' \
	    -0 -f out.dump u1.img
	readable hello.txt
	fresh u1.img
	le_put 1 u1.img $((e + 9)) 47
	dump_expect 3 'inode 2: bad directory entry at offset [0-9]+ \(inode 7, name length 6\)' \
	    -0 -f out.dump u1.img
	readable tiny.txt
	fresh u1.img
	le_put 2 u1.img $((e + 4)) 3
	dump_expect 3 'inode 2: bad directory entry length 3 at offset' \
	    -0 -f out.dump u1.img
	readable tiny.txt
	# Entries ending 4 bytes short of the chunk: no room for a header.
	fresh u1.img
	le_put 2 u1.img $((e + 4)) $((508 - e % 512))
	dump_expect 3 'inode 2: bad directory entry length at offset 508 \(4 bytes left\)' \
	    -0 -f out.dump u1.img
	readable subdir
	fresh u1.img
	le_put 1 u1.img $((e + 7)) 200
	dump_expect 3 'inode 2: bad directory entry at offset [0-9]+ \(inode 7, name length 200\)' \
	    -0 -f out.dump u1.img
	# UFS2: dir1's block, a zero record length.
	fresh u2.img
	e=$(dir_entry u2.img dir2)
	le_put 2 u2.img $((e + 4)) 0
	dump_expect 3 'inode 768: bad directory entry length 0 at offset' \
	    -0 -h 0 -f out.dump u2.img
	readable file3
}

atf_init_test_cases()
{
	atf_add_test_case superblock
	atf_add_test_case cylgroup
	atf_add_test_case inodes
	atf_add_test_case indirect
	atf_add_test_case directories
}
