#!/bin/sh
# Run the test suite with kyua once for each binary named in DUMP_BINS
# (default: the build, ../dump) and print "N passed, N failed[, N skipped]"
# over all runs.  Exits non-zero if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bins=${DUMP_BINS:-$here/../dump}
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
cd "$here" || exit 1
rc=0
for bin in $bins; do
	[ -x "$bin" ] || { echo "run.sh: $bin: not built" >&2; exit 1; }
	echo "=== tests with $bin"
	kyua --logfile="$store/kyua.log" -v parallelism="${JOBS:-2}" \
	    -v "test_suites.dump.dump_bin=$bin" test \
	    --results-file="$store/results.db" --kyuafile=Kyuafile \
	    >"$store/out" 2>&1 || rc=1
	cat "$store/out"
	cat "$store/out" >>"$store/all"
	if [ $rc -ne 0 ] || [ "${VERBOSE:-0}" != 0 ]; then
		kyua --logfile="$store/kyua.log" report --verbose \
		    --results-file="$store/results.db" \
		    --results-filter=broken,failed 2>/dev/null | head -300
	fi
	rm -f "$store/results.db"
done
awk '
/  ->  passed/ { p++ }
/  ->  (failed|broken)/ { f++ }
/  ->  expected_failure/ { p++ }
/  ->  skipped/ { s++ }
END {
	if (s > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s
	else printf "%d passed, %d failed\n", p, f
}' "$store/all"
exit $rc
