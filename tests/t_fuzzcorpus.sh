#! /usr/bin/env atf-sh
# The fuzz regression corpus: every input the UFS fuzzer found (crashes,
# hangs) and the seeds, run once through the harness built standalone,
# under ASan/UBSan where the compiler has them.  See tests/fuzz/README.

. "$(atf_get_srcdir)/common.sh"

atf_test_case corpus
corpus_head()
{
	atf_set descr "the UFS reader survives every stored fuzz input, each within 60 s"
}
corpus_body()
{
	require_tools cc zstd tar
	src=$(atf_get_srcdir)/..
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	# shellcheck disable=SC2086
	cc -D_GNU_SOURCE -I"$src" -std=c11 -O1 -g -DSTANDALONE $san \
	    -o harness "$src/tests/fuzz/fuzz_ufs.c" 2>cc.log ||
	    cc -D_GNU_SOURCE -I"$src" -std=c11 -O1 -g -DSTANDALONE \
	    -o harness "$src/tests/fuzz/fuzz_ufs.c" 2>cc.log ||
	    atf_fail "cannot build the harness: $(tail -3 cc.log)"
	mkdir in
	for t in seeds regress; do
		zstd -d -q -c "$src/tests/fuzz/$t.tar.zst" | tar -x -C in ||
		    atf_fail "cannot unpack $t.tar.zst"
	done
	n=0
	for f in in/*; do
		ASAN_OPTIONS=detect_leaks=0 timeout 60 ./harness "$f" \
		    >out 2>err
		rc=$?
		[ $rc -eq 124 ] && atf_fail "$(basename "$f"): hangs"
		[ $rc -eq 0 ] || { tail -20 err; atf_fail "$(basename "$f"): exit $rc"; }
		n=$((n + 1))
	done
	[ $n -ge 20 ] || atf_fail "only $n inputs"
}

atf_init_test_cases()
{
	atf_add_test_case corpus
}
