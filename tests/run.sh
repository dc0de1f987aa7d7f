#!/bin/sh
# Run the test suite with kyua once for each binary named in DUMP_BINS
# (default: the build, ../dump).  kyua keeps its results in tests/work/
# (RESULTS_DIR), one file per binary, for "kyua report".  The output ends
# with the cases that were skipped and why, then the line "N passed,
# N failed[, N skipped]" over all runs, which CI reads.  Exits non-zero if
# anything failed.  KYUAFILE and JOBS choose another suite and parallelism.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bins=${DUMP_BINS:-$here/../dump}
kyuafile=${KYUAFILE:-$here/Kyuafile}
results=${RESULTS_DIR:-$here/work}
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
mkdir -p "$results" || exit 1
cd "$here" || exit 1
: >"$store/all"
: >"$store/skips"
rc=0
for bin in $bins; do
	[ -x "$bin" ] || { echo "run.sh: $bin: not built" >&2; exit 1; }
	name=$(basename "$bin")
	db=$results/$name.db
	rm -f "$db"
	echo "=== tests with $bin"
	r=0
	kyua --logfile="$store/kyua.log" -v parallelism="${JOBS:-2}" \
	    -v "test_suites.dump.dump_bin=$bin" test \
	    --results-file="$db" --kyuafile="$kyuafile" \
	    >"$store/out" 2>&1 || r=1
	[ $r -eq 0 ] || rc=1
	# kyua's own summary counts a skip as a pass; ours follows.
	sed -e '/^Results saved to /d' -e '/^[0-9]*\/[0-9]* passed (/d' \
	    -e '/^$/d' "$store/out"
	cat "$store/out" >>"$store/all"
	sed -n 's/^\(.*\)  ->  skipped: \(.*\)  \[[0-9.]*s\]$/  \1 ('"$name"'): \2/p' \
	    "$store/out" >>"$store/skips"
	awk -v name="$name" -v db="$db" '
	/  ->  (passed|expected_failure)/ { p++ }
	/  ->  (failed|broken)/ { f++ }
	/  ->  skipped/ { s++ }
	END {
		printf "=== %s: %d passed, %d failed, %d skipped", name, p, f, s
		if (system("test -f \"" db "\"") == 0)
			printf "; results in %s", db
		printf "\n"
	}' "$store/out"
	if [ $r -ne 0 ] || [ "${VERBOSE:-0}" != 0 ]; then
		kyua --logfile="$store/kyua.log" report --verbose \
		    --results-file="$db" \
		    --results-filter=broken,failed 2>/dev/null | head -300
	fi
done
if [ -s "$store/skips" ]; then
	echo "Skipped, with the reason each case gave:"
	cat "$store/skips"
fi
awk '
/  ->  (passed|expected_failure)/ { p++ }
/  ->  (failed|broken)/ { f++ }
/  ->  skipped/ { s++ }
END {
	if (s > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s
	else printf "%d passed, %d failed\n", p, f
}' "$store/all"
exit $rc
