#!/bin/sh
# A bounded libFuzzer campaign on the UFS reader: run.sh FUZZER
# FUZZTIME seconds (default 600), in FUZZDIR (default /tmp/dump-fuzz);
# the corpus starts from seeds.tar.zst and regress.tar.zst and grows
# there.  New crashes and timeouts land in FUZZDIR/artifacts; keep each
# as a regression input (tests/fuzz/README).
set -u
fuzzer=$1
here=$(cd "$(dirname "$0")" && pwd)
time=${FUZZTIME:-600}
dir=${FUZZDIR:-/tmp/dump-fuzz}
mkdir -p "$dir/corpus" "$dir/artifacts" || exit 1
if [ -z "$(ls -A "$dir/corpus")" ]; then
	zstd -d -q -c "$here/seeds.tar.zst" | tar -x -C "$dir/corpus" &&
	zstd -d -q -c "$here/regress.tar.zst" | tar -x -C "$dir/corpus" ||
	    exit 1
fi
# Leaks are not findings: quit() ends the real program, and the harness
# jumps out of it.
ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-} \
timeout $((time + 120)) "$fuzzer" -fork=1 -ignore_timeouts=1 \
    -ignore_crashes=1 -ignore_ooms=1 -max_len=131072 -timeout=25 \
    -rss_limit_mb=2048 -max_total_time="$time" \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1
rc=$?
grep '^#' "$dir/log" | tail -1
echo "corpus: $(find "$dir/corpus" -type f | wc -l) inputs; artifacts:"
ls -l "$dir/artifacts"
exit $rc
