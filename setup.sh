#!/bin/sh
# Set up a fresh Debian machine (as root) and either run a demonstration or
# the whole test suite.
#   sh setup.sh demo    build, make a UFS2 image of a sample tree, dump it,
#                       and list the dump with restore -t
#   sh setup.sh test    build, run the suite plainly and under ASan/UBSan
set -eu
cd "$(dirname "$0")"
PACKAGES="bmake gcc clang libc6-dev makefs dump kyua atf-sh mandoc
    shellcheck openssh-server openssh-client expect tmux zstd python3
    util-linux coreutils findutils procps amanda-server amanda-client"

install_packages()
{
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
		    grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: run as root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp)
	# shellcheck disable=SC2086
	if ! { apt-get update -q && apt-get install -y -q $missing; } \
	    >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "setup.sh: cannot install:$missing" >&2
		exit 1
	fi
	rm -f "$log"
}

demo()
{
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/tree/docs" "$work/tree/bin"
	echo "hello from a UFS2 file system" >"$work/tree/docs/hello.txt"
	head -c 300000 /dev/urandom >"$work/tree/bin/blob"
	ln -s docs/hello.txt "$work/tree/link"
	makefs -t ffs -M 1m -o version=2 "$work/ufs2.img" "$work/tree" \
	    >/dev/null
	./dump -0 -f "$work/demo.dump" "$work/ufs2.img"
	echo "--- restore -t of the dump:"
	restore -t -f - <"$work/demo.dump"
}

install_packages
bmake >/dev/null
case ${1:-} in
demo)	demo ;;
test)	bmake check ;;
*)	echo "usage: sh setup.sh demo | test" >&2; exit 1 ;;
esac
