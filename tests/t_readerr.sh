#! /usr/bin/env atf-sh
# Read errors on the source: an LD_PRELOAD shim (tests/shim/readfail.c)
# fails chosen sectors of the image with EIO or a short read.  dump must
# retry per sector, zero-fill, name each sector, give the total, exit 3,
# and past 32 bad sectors ask the operator (no terminal: abort, exit 3).
# A device-mapper error target is used where the machine allows it.

. "$(atf_get_srcdir)/common.sh"

# test_ufs1: inodes from byte 32768 (sector 64, four to a sector),
# large.bin in frags 48, 56, 64 (sectors 96-143), tiny.txt at sector 84.

shim()
{
	require_tools cc od
	cc -shared -fPIC -o readfail.so "$(atf_get_srcdir)/shim/readfail.c" \
	    -ldl 2>cc.log || atf_fail "cannot build the shim: $(cat cc.log)"
	shared_image test_ufs1 u1.img
}

# faildump EIO SHORT ARGS...: dump with those sectors failing.
faildump()
{
	_e=$1 _s=$2
	shift 2
	env LD_PRELOAD="$PWD/readfail.so" READFAIL_PATH="$PWD/u1.img" \
	    READFAIL_EIO="$_e" READFAIL_SHORT="$_s" \
	    ASAN_OPTIONS="verify_asan_link_order=0:${ASAN_OPTIONS:-}" \
	    timeout 120 "$(dump_bin)" "$@" >dump.out 2>dump.log
}

# large.bin as it should come back: its pattern, bytes FROM-TO zeroed.
want_large()
{
	LC_ALL=C awk -v a="$1" -v b="$2" 'BEGIN { for (i = 0; i < 24576; i++)
	    if (i >= a && i <= b) printf "%c", 0
	    else printf "%c", (i * 37 + 11) % 256 }' >want.bin
}

atf_test_case data_eio
data_eio_head()
{
	atf_set descr "an EIO sector in file data: reported by number, zero-filled, counted, exit 3; the rest restores"
}
data_eio_body()
{
	require_tools restore
	shim
	faildump 100 '' -0 -f out.dump u1.img
	rc=$?
	[ "$(grep -c 'Input/output error: \[sector 100\]: zero-filled' dump.log)" -eq 1 ] ||
	    { cat dump.log; atf_fail "sector 100 not reported once"; }
	grep -q '1 disk sectors could not be read and were zero-filled' dump.log ||
	    atf_fail "no total"
	grep -q 'DUMP IS DONE, WITH ERRORS' dump.log || atf_fail "no WITH ERRORS"
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
	mkdir r
	(cd r && restore -r -y -f - <../out.dump) >r.log 2>&1 ||
	    atf_fail "restore failed: $(tail -2 r.log)"
	want_large 2048 2559
	cmp want.bin r/large.bin || atf_fail "large.bin is not the file with sector 100 zeroed"
	[ "$(cat r/tiny.txt)" = "tiny bytes" ] || atf_fail "tiny.txt damaged"
}

atf_test_case data_short
data_short_head()
{
	atf_set descr "a short read in file data is treated as a read error"
}
data_short_body()
{
	shim
	faildump '' 130 -0 -f out.dump u1.img
	rc=$?
	[ "$(grep -c 'short read: \[sector 130\]: zero-filled' dump.log)" -eq 1 ] ||
	    { cat dump.log; atf_fail "sector 130 not reported once"; }
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
}

atf_test_case inode_sector
inode_sector_head()
{
	atf_set descr "an unreadable sector of inodes: those inodes are reported and skipped, the others dumped"
}
inode_sector_body()
{
	require_tools restore
	shim
	# Sector 65: inodes 4-7 (large.bin, tiny.txt, hello.txt, subdir).
	faildump 65 '' -0 -f out.dump u1.img
	rc=$?
	[ "$(grep -c '\[sector 65\]' dump.log)" -eq 1 ] ||
	    { cat dump.log; atf_fail "sector 65 not reported once"; }
	grep -q '1 disk sectors could not be read' dump.log ||
	    atf_fail "sector 65 not counted once"
	for i in 4 5 6 7; do
		[ "$(grep -c "inode $i: could not be read" dump.log)" -eq 1 ] ||
		    { cat dump.log; atf_fail "inode $i not reported once"; }
	done
	grep -q 'inode 3:' dump.log && atf_fail "inode 3 reported"
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
	restore -t -f - <out.dump >list 2>/dev/null || atf_fail "restore -t failed"
	grep -q link.txt list || atf_fail "link.txt (inode 3) missing"
	# The root inode itself: nothing can be dumped.
	faildump 64 '' -0 -f out.dump u1.img
	rc=$?
	grep -q 'root inode could not be read' dump.log || atf_fail "no root message"
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
}

atf_test_case superblock
superblock_head()
{
	atf_set descr "an unreadable superblock stops dump before anything is written (exit 1)"
}
superblock_body()
{
	shim
	faildump 16 '' -0 -f out.dump u1.img
	rc=$?
	grep -q 'bad superblock: cannot read the superblock at byte 8192 (Input/output error)' dump.log ||
	    { cat dump.log; atf_fail "no message"; }
	[ $rc -eq 1 ] || atf_fail "exit $rc, expected 1"
	[ -e out.dump ] && atf_fail "output created"
	:
}

atf_test_case many_errors
many_errors_head()
{
	atf_set descr "more than 32 bad sectors: the operator is asked; with no terminal dump aborts with exit 3, no hang"
}
many_errors_body()
{
	require_tools setsid
	shim
	# setsid: no controlling terminal, so the question cannot be asked.
	env LD_PRELOAD="$PWD/readfail.so" READFAIL_PATH="$PWD/u1.img" \
	    READFAIL_EIO=96-143 \
	    ASAN_OPTIONS="verify_asan_link_order=0:${ASAN_OPTIONS:-}" \
	    timeout 120 setsid -w "$(dump_bin)" -0 -f out.dump u1.img \
	    </dev/null >dump.out 2>dump.log
	rc=$?
	[ $rc -ne 124 ] || atf_fail "dump hung"
	grep -q 'more than 32 sectors of .* could not be read' dump.log ||
	    { cat dump.log; atf_fail "no threshold message"; }
	grep -q 'no terminal to ask the operator' dump.log ||
	    atf_fail "no 'no terminal' message"
	grep -q 'The ENTIRE dump is aborted' dump.log || atf_fail "not aborted"
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
	# 32 or fewer: no question.
	faildump 96-127 '' -0 -f out.dump u1.img
	rc=$?
	grep -q 'more than 32' dump.log && atf_fail "asked at 32 sectors"
	grep -q '32 disk sectors could not be read' dump.log ||
	    { tail -5 dump.log; atf_fail "total of 32 not reported"; }
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
}

atf_test_case dm_error
dm_error_head()
{
	atf_set descr "a device-mapper error target over a loop device (where the machine allows it)"
	atf_set require.user root
	atf_set has.cleanup true
}
dm_error_body()
{
	require_tools losetup dmsetup
	shared_image test_ufs1 u1.img
	loop=$(losetup -f --show u1.img 2>lo.log) ||
	    atf_skip "no loop devices here: $(cat lo.log)"
	echo "$loop" >loopdev
	# Sectors 96-103 (large.bin's first block) give EIO.
	printf '0 96 linear %s 0\n96 8 error\n104 %d linear %s 104\n' \
	    "$loop" $((32768 - 104)) "$loop" >table
	if ! dmsetup create dumptest-$$ table >dm.log 2>&1; then
		losetup -d "$loop"
		rm -f loopdev
		atf_skip "device-mapper is not usable here: $(head -1 dm.log)"
	fi
	echo "dumptest-$$" >dmname
	"$(dump_bin)" -0 -f out.dump "/dev/mapper/dumptest-$$" 2>dump.log
	rc=$?
	dmsetup remove "dumptest-$$" && rm -f dmname
	losetup -d "$loop" && rm -f loopdev
	[ "$(grep -c 'zero-filled' dump.log)" -eq 8 ] ||
	    { cat dump.log; atf_fail "not 8 sectors reported"; }
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3"
}
dm_error_cleanup()
{
	[ -f dmname ] && dmsetup remove "$(cat dmname)" 2>/dev/null
	[ -f loopdev ] && losetup -d "$(cat loopdev)" 2>/dev/null
	:
}

atf_init_test_cases()
{
	atf_add_test_case data_eio
	atf_add_test_case data_short
	atf_add_test_case inode_sector
	atf_add_test_case superblock
	atf_add_test_case many_errors
	atf_add_test_case dm_error
}
