#!/bin/sh
# Set up a fresh Debian machine (as root) and either run a demonstration or
# the whole test suite.
#   sh setup.sh demo    build, make a UFS2 image of a sample tree, dump it,
#                       list and restore the dump with restore(8), compare
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
	echo "1. makefs builds a 1 MB UFS2 image of a small tree:" \
	    "a text file, 300 KB of random data, a symlink"
	mkdir -p "$work/tree/docs" "$work/tree/bin" "$work/restored"
	echo "hello from a UFS2 file system" >"$work/tree/docs/hello.txt"
	head -c 300000 /dev/urandom >"$work/tree/bin/blob"
	ln -s docs/hello.txt "$work/tree/link"
	makefs -t ffs -M 1m -o version=2 "$work/ufs2.img" "$work/tree" \
	    >/dev/null
	echo "2. dump -0 writes a level-0 dump of the image to a file"
	./dump -0 -f "$work/demo.dump" "$work/ufs2.img"
	echo "3. restore -t (Debian's restore, no code shared with dump)" \
	    "lists the dump"
	demo_restore -t
	echo "4. restore -r rebuilds the tree in a scratch directory;" \
	    "diff -r compares it with the source"
	(cd "$work/restored" && demo_restore -r)
	rm -f "$work/restored/restoresymtable"
	diff -r --no-dereference "$work/tree" "$work/restored" || {
		echo "setup.sh: demo: the restored tree differs" >&2
		exit 1
	}
	echo "   identical: the restored tree matches the source"
	echo "(restore 0.4b47 says \"Converting to new file system" \
	    "format.\" for every UFS2 dump; harmless, not shown)"
}

# demo_restore -t|-r: Debian's restore on the demo dump, never waiting for
# a terminal, its notice about UFS2 dumps left out of what it says.
demo_restore()
{
	rc=0
	restore "$1" -f "$work/demo.dump" </dev/null 2>"$work/err" || rc=$?
	grep -v '^Converting to new file system format\.$' "$work/err" >&2 || true
	[ "$rc" -eq 0 ] || {
		echo "setup.sh: demo: restore $1 exited $rc" >&2
		exit 1
	}
}

install_packages
bmake >/dev/null
case ${1:-} in
demo)	demo ;;
test)	bmake check ;;
*)	echo "usage: sh setup.sh demo | test" >&2; exit 1 ;;
esac
