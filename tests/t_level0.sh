#! /usr/bin/env atf-sh
# Level-0 dumps of makefs images, restored by Debian restore(8) and compared
# with the tree the image was built from.

. "$(atf_get_srcdir)/common.sh"

# roundtrip VERSION ENDIAN BSIZE FSIZE [dump options]
roundtrip()
{
	require_tools makefs restore
	_v=$1 _e=$2 _b=$3 _f=$4
	shift 4
	make_tree src "$_b" "$_f" "$_v"
	make_image fs.img src "$_v" "$_e" "bsize=$_b,fsize=$_f"
	dump_ok -0 "$@" -f out.dump fs.img
	restore_into "$PWD/out.dump" rst
	compare_trees src rst
	# The stream is whole records.
	_rec=$(echo "$*" | sed -n 's/.*-b \([0-9]*\).*/\1/p')
	[ -n "$_rec" ] || _rec=10
	[ $(($(stat -c %s out.dump) % (_rec * 1024))) -eq 0 ] ||
	    atf_fail "dump is not a whole number of $_rec KB records"
}

# geometry_case NAME VERSION ENDIAN BSIZE FSIZE
geometry_case()
{
	eval "atf_test_case $1
	$1_head() { atf_set descr 'UFS$2 $3-endian, bsize $4, fsize $5'; atf_set require.user root; }
	$1_body() { roundtrip $2 $3 $4 $5; }"
}
geometry_case ufs1_le 1 le 8192 1024
geometry_case ufs1_be 1 be 8192 1024
geometry_case ufs2_le 2 le 8192 1024
geometry_case ufs2_be 2 be 8192 1024
geometry_case ufs1_small 1 le 4096 512
geometry_case ufs2_large 2 le 65536 8192
geometry_case ufs2_be_small 2 be 4096 4096
geometry_case ufs1_be_large 1 be 32768 4096

atf_test_case blocksize
blocksize_head()
{
	atf_set descr "-b 1, 32 and 64 give whole records and the same files"
	atf_set require.user root
}
blocksize_body()
{
	require_tools makefs restore
	make_tree src 8192 1024 2
	make_image fs.img src 2 le
	for b in 1 32 64; do
		dump_ok -0 -b "$b" -f "out$b.dump" fs.img
		[ $(($(stat -c %s "out$b.dump") % (b * 1024))) -eq 0 ] ||
		    atf_fail "-b $b: not whole records"
		restore_into "$PWD/out$b.dump" "rst$b"
		compare_trees src "rst$b"
	done
}

atf_test_case stdout_and_keyform
stdout_and_keyform_head()
{
	atf_set descr "-f - writes the same stream as a file; the old key form works"
	atf_set require.user root
}
stdout_and_keyform_body()
{
	require_tools makefs restore
	make_tree src 8192 1024 1
	make_image fs.img src 1 le
	"$(dump_bin)" -0 -f - fs.img >pipe.dump 2>dump.log ||
	    atf_fail "dump -f - failed"
	grep -q 'DUMP IS DONE$' dump.log || atf_fail "no DUMP IS DONE"
	restore_into "$PWD/pipe.dump" rst
	compare_trees src rst
	"$(dump_bin)" 0bf 32 key.dump fs.img 2>key.log ||
	    atf_fail "key form failed: $(tail -2 key.log)"
	[ $(($(stat -c %s key.dump) % 32768)) -eq 0 ] ||
	    atf_fail "key form did not take -b 32"
	restore_into "$PWD/key.dump" rst2
	compare_trees src rst2
	TAPE=$PWD/env.dump "$(dump_bin)" -0 fs.img 2>env.log ||
	    atf_fail "TAPE= output failed"
	restore -t -f - <env.dump >list 2>&1 ||
	    atf_fail "restore -t rejected the TAPE= dump"
}

atf_test_case restore_t_C
restore_t_C_head()
{
	atf_set descr "restore -t lists every file of the tree; restore -C finds no difference, then finds a changed file"
	atf_set require.user root
}
restore_t_C_body()
{
	require_tools makefs restore
	make_tree src 8192 1024 2
	make_image fs.img src 2 le
	dump_ok -0 -f out.dump fs.img
	restore -t -f - <out.dump 2>/dev/null |
	    awk -F '\t' 'NF >= 2 { sub(/^\.\/?/, "", $2); if ($2 != "") print $2 }' |
	    LC_ALL=C sort >listed
	(cd src && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >expected
	diff expected listed || atf_fail "restore -t list differs from the tree"
	# -C compares against the live tree; ext4's own inode flags differ
	# from UFS's and are not what is checked here.
	restore -C -D "$PWD/src" -f - <out.dump >cmp.log 2>&1
	filter_compare cmp.log >cmp.diffs
	[ -s cmp.diffs ] && atf_fail "restore -C: $(head -3 cmp.diffs)"
	echo changed >>src/sizes/s1
	restore -C -D "$PWD/src" -f - <out.dump >cmp2.log 2>&1
	filter_compare cmp2.log >cmp2.diffs
	grep -q 'sizes/s1' cmp2.diffs ||
	    atf_fail "restore -C did not notice a changed file"
}

filter_compare()
{
	grep -v -e 'flags changed' -e Converting -e '/dev/tty' -e '^Dump ' \
	    -e '^Dumped from' -e '^Level ' -e '^Label' -e '^filesys' \
	    -e 'Some files were modified' "$1"
}

atf_init_test_cases()
{
	for _c in ufs1_le ufs1_be ufs2_le ufs2_be ufs1_small ufs2_large \
	    ufs2_be_small ufs1_be_large; do
		atf_add_test_case "$_c"
	done
	atf_add_test_case blocksize
	atf_add_test_case stdout_and_keyform
	atf_add_test_case restore_t_C
}
