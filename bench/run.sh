#!/bin/sh
# The benchmark in one command: build ./dump if needed, build the images
# once (cached in bench/work/), then time our dump, Linux dump and cat.
# Needs root (losetup, for Linux dump), makefs, mkfs.ext4, dump, python3.
# Arguments go to bench.py: --runs N, --only full,small,large,small4,file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/../dump" ] || (cd "$here/.." && bmake >/dev/null)
exec python3 "$here/bench.py" "$@"
