#! /usr/bin/env atf-sh
# The slaves' read path (cache.c cread_slots): the disk slots of a record
# are read in offset order, joined into one read across small gaps, and
# read again one by one when a joined read fails.  Judged by restoring
# with Debian restore(8) and comparing with the source tree.

. "$(atf_get_srcdir)/common.sh"

# small_tree DIR: 400 files of 512..9000 random bytes in 8 directories,
# so records hold many files, with fragment tails between them.
small_tree()
{
	python3 - "$1" <<'PY'
import os, random, sys
r = random.Random(4)
for d in range(8):
    p = os.path.join(sys.argv[1], "d%d" % d)
    os.makedirs(p)
    for f in range(50):
        with open(os.path.join(p, "f%02d" % f), "wb") as fp:
            fp.write(os.urandom(r.randrange(512, 9000)))
PY
}

# same_files SRC DST: every file of SRC has the same bytes in DST.
same_files()
{
	python3 - "$1" "$2" <<'PY' || atf_fail "restored files differ"
import os, sys
n = 0
for dp, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        p = os.path.join(dp, f)
        q = os.path.join(sys.argv[2], os.path.relpath(p, sys.argv[1]))
        if open(p, "rb").read() != open(q, "rb").read():
            sys.exit("%s differs" % q)
        n += 1
if n != 400:
    sys.exit("%d files, expected 400" % n)
PY
}

atf_test_case joined
joined_head()
{
	atf_set descr "records of many small files, UFS1 and UFS2, -b 64 and -b 10, restore the same files"
	atf_set require.user root
}
joined_body()
{
	require_tools makefs restore python3
	small_tree src
	for g in 1:8192:1024:64 2:32768:4096:64 2:32768:4096:10 \
	    2:65536:8192:64; do
		IFS=: read -r _v _b _f _r <<-EOF2
		$g
		EOF2
		[ -f "fs$_v$_b.img" ] || make_image "fs$_v$_b.img" src "$_v" le \
		    "bsize=$_b,fsize=$_f"
		dump_ok -0 -b "$_r" -f out.dump "fs$_v$_b.img"
		restore_into "$PWD/out.dump" "rst$_v$_b$_r"
		same_files src "rst$_v$_b$_r"
	done
	compare_trees src rst23276864
}

atf_test_case cut
cut_head()
{
	atf_set descr "an image cut inside the last file's data: dump says so, every file before the cut restores whole"
	atf_set require.user root
}
cut_body()
{
	require_tools makefs restore python3
	small_tree src
	make_image fs.img src 2 le "bsize=32768,fsize=4096"
	# Cut 100 bytes into the data that lies last in the image.
	_cut=$(python3 - <<'PY'
import os
img = open("fs.img", "rb").read()
last = 0
for dp, _, fs in os.walk("src"):
    for f in fs:
        d = open(os.path.join(dp, f), "rb").read()
        last = max(last, img.find(d[:256]))
print(last + 100)
PY
)
	head -c "$_cut" fs.img >cut.img
	"$(dump_bin)" -0 -b 64 -f out.dump cut.img >dump.out 2>dump.log
	_rc=$?
	[ $_rc = 3 ] || atf_fail "exit $_rc, expected 3: $(tail -1 dump.log)"
	grep -q "read beyond the end of .*/cut.img" dump.log ||
	    atf_fail "no message about the read past the end"
	restore_into "$PWD/out.dump" rst
	python3 - "$_cut" <<'PY' || atf_fail "a file before the cut differs"
import os, sys
cut = int(sys.argv[1])
img = open("fs.img", "rb").read()
whole = 0
for dp, _, fs in os.walk("src"):
    for f in fs:
        p = os.path.join(dp, f)
        d = open(p, "rb").read()
        if img.find(d[:256]) + len(d) > cut:
            continue
        r = open(os.path.join("rst", os.path.relpath(p, "src")), "rb").read()
        if r != d:
            sys.exit("%s differs" % p)
        whole += 1
if whole < 390:
    sys.exit("only %d files before the cut" % whole)
PY
}

atf_init_test_cases()
{
	atf_add_test_case joined
	atf_add_test_case cut
}
