#!/usr/bin/env python3
"""Generate the benchmark trees, deterministically (fixed seeds).

mktree.py small DIR SCALE   SCALE * 100,000 small files in SCALE * 1,000
                            directories (two levels), 0-32 KB, mean ~3.7 KB
mktree.py large DIR         a few large files of random data, two with holes

One process writes every file, so 100,000 files take seconds, not the
minutes of one shell command per file.
"""
import os
import random
import sys

MB = 1 << 20


def small(top, scale):
    rnd = random.Random(8 * scale)
    pool = rnd.randbytes(MB + 64 * 1024)
    # (share, lo, hi): half under 1 KB, a few up to 32 KB.
    bands = [(50, 0, 1024), (30, 1024, 4096), (15, 4096, 16384),
             (5, 16384, 32768)]
    weights = [b[0] for b in bands]
    n = 0
    for t in range(20 * scale):
        for s in range(50):
            d = os.path.join(top, "t%03d" % t, "s%02d" % s)
            os.makedirs(d)
            for f in range(100):
                _, lo, hi = rnd.choices(bands, weights)[0]
                size = rnd.randrange(lo, hi)
                off = rnd.randrange(0, len(pool) - size)
                with open(os.path.join(d, "file-%03d" % f), "wb") as fp:
                    fp.write(pool[off:off + size])
                n += 1
    return n


def dense(path, rnd, size):
    with open(path, "wb") as fp:
        left = size
        while left > 0:
            k = min(left, 4 * MB)
            fp.write(rnd.randbytes(k))
            left -= k


def sparse(path, rnd, size, runs):
    """size bytes, random data in the given (offset, length) runs, holes
    elsewhere."""
    with open(path, "wb") as fp:
        for off, ln in runs:
            fp.seek(off)
            fp.write(rnd.randbytes(ln))
        fp.truncate(size)


def large(top):
    rnd = random.Random(1)
    d = os.path.join(top, "large")
    os.makedirs(d)
    dense(os.path.join(d, "dense-256m"), rnd, 256 * MB)
    dense(os.path.join(d, "dense-128m"), rnd, 128 * MB + 12345)
    # 1 MB of data every 4 MB: 64 MB of data in 256 MB.
    sparse(os.path.join(d, "sparse-256m"), rnd, 256 * MB,
           [(i * 4 * MB, MB) for i in range(64)])
    # Data at both ends, a 190 MB hole between.
    sparse(os.path.join(d, "sparse-ends"), rnd, 200 * MB,
           [(0, 5 * MB), (195 * MB, 5 * MB)])
    return 4


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "small":
        n = small(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "large":
        n = large(sys.argv[2])
    else:
        sys.exit("usage: mktree.py small DIR SCALE | large DIR")
    print(n)


if __name__ == "__main__":
    main()
