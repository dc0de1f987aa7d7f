#! /usr/bin/env atf-sh
# The sources build clean under gcc and clang with -Wall -Wextra -Werror,
# the manual is lint-clean, and the shell scripts pass shellcheck.

. "$(atf_get_srcdir)/common.sh"

top()
{
	echo "$(atf_get_srcdir)/.."
}

# build_with CC: compile every source with the project's warning flags.
build_with()
{
	require_tools "$1"
	for f in "$(top)"/*.c; do
		"$1" -std=c11 -D_GNU_SOURCE -I"$(top)" -Wall -Wextra -Werror \
		    -fno-common -O2 -c -o "$(basename "$f" .c).o" "$f" \
		    2>>cc.log || atf_fail "$1: $(head -5 cc.log)"
	done
	"$1" -o dump ./*.o 2>>cc.log || atf_fail "$1 link: $(head -5 cc.log)"
}

atf_test_case gcc_clean
gcc_clean_head() { atf_set descr "builds with gcc -Wall -Wextra -Werror"; }
gcc_clean_body() { build_with gcc; }

atf_test_case clang_clean
clang_clean_head() { atf_set descr "builds with clang -Wall -Wextra -Werror"; }
clang_clean_body() { build_with clang; }

atf_test_case manual_lint
manual_lint_head() { atf_set descr "mandoc -Tlint finds nothing in dump.8"; }
manual_lint_body()
{
	require_tools mandoc
	mandoc -Tlint -Wwarning "$(top)/dump.8" >lint.out 2>&1 ||
	    atf_fail "mandoc: $(head -3 lint.out)"
}

atf_test_case usage_matches_synopsis
usage_matches_synopsis_head()
{
	atf_set descr "every option letter of usage() is in the manual's SYNOPSIS"
}
usage_matches_synopsis_body()
{
	"$(dump_bin)" -Z 2>usage.txt
	[ $? -eq 1 ] || atf_fail "a bad option does not exit 1"
	letters=$(grep -o '\[-[A-Za-z0-9]*' usage.txt | cut -c3- | tr -d '\n')
	[ -n "$letters" ] || atf_fail "no options found in usage()"
	for l in $(echo "$letters" | sed 's/./& /g'); do
		grep -q "^\\.Op Fl [^ ]*$l" "$(top)/dump.8" ||
		    atf_fail "option -$l of usage() is not in the SYNOPSIS"
	done
}

atf_test_case shellcheck_clean
shellcheck_clean_head() { atf_set descr "shellcheck passes on the scripts"; }
shellcheck_clean_body()
{
	require_tools shellcheck
	shellcheck -s sh -e SC1090,SC1091,SC2034,SC2154 \
	    "$(top)"/tests/*.sh "$(top)/setup.sh" "$(top)/.ci/run" \
	    >sc.out 2>&1 || atf_fail "shellcheck: $(head -5 sc.out)"
}

atf_init_test_cases()
{
	atf_add_test_case gcc_clean
	atf_add_test_case clang_clean
	atf_add_test_case manual_lint
	atf_add_test_case usage_matches_synopsis
	atf_add_test_case shellcheck_clean
}
