#!/usr/bin/env python3
"""Benchmark our dump against Linux dump(8) and cat(1); see bench/README.md.

Builds (once; cached under bench/work/) UFS2 images with makefs and ext4
images of the same trees with mkfs.ext4 -d, then times, warm cache, best
of --runs:

  ours    ./dump -0 -b 64 -f /dev/null IMAGE.ufs
  linux   /usr/sbin/dump -0 -b 64 -f /dev/null /dev/loopN  (IMAGE.ext4)
  cat     cat IMAGE.ufs > /dev/null
  and, on the full image, ./dump -0 -b 64 -f FILE against cp + fsync.

Images: full (100,000 small files in 1,000 directories plus four large
files, two with holes: 1.3 GB), small and large (the two parts alone),
small4 (4x the inodes of small, for the cost per inode).  Linux dump takes
a file system from fstab or a device, not an image file, so the ext4 image
is attached read-only to a loop device for it.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MB = 1 << 20


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def du_bytes(path):
    n = 0
    for dp, _, fs in os.walk(path):
        for f in fs:
            n += os.lstat(os.path.join(dp, f)).st_blocks * 512
    return n


def count_inodes(path):
    n = 1
    for _, ds, fs in os.walk(path):
        n += len(ds) + len(fs)
    return n


def build(work, name, tree, ninodes):
    """Make name.ufs and name.ext4 from tree unless they exist."""
    ufs = os.path.join(work, name + ".ufs")
    ext = os.path.join(work, name + ".ext4")
    if not os.path.exists(ufs):
        print("bench: makefs %s" % ufs, flush=True)
        sh("makefs", "-t", "ffs", "-o", "version=2", "-f",
           str(ninodes // 10), ufs + ".tmp", tree,
           stdout=subprocess.DEVNULL)
        os.rename(ufs + ".tmp", ufs)
    if not os.path.exists(ext):
        print("bench: mkfs.ext4 %s" % ext, flush=True)
        size = du_bytes(tree) * 12 // 10 + 64 * MB
        sh("mkfs.ext4", "-q", "-F", "-N", str(ninodes * 11 // 10), "-d",
           tree, ext + ".tmp", str(size // 1024) + "k",
           stdout=subprocess.DEVNULL)
        os.rename(ext + ".tmp", ext)


def images(work):
    """The trees are generated once and deleted once imaged."""
    tree = os.path.join(work, "tree")
    need = [n for n in ("full", "small", "large", "small4")
            if not (os.path.exists(os.path.join(work, n + ".ufs")) and
                    os.path.exists(os.path.join(work, n + ".ext4")))]
    if not need:
        return
    mk = os.path.join(HERE, "mktree.py")
    if need != ["small4"]:
        full = os.path.join(tree, "full")
        if not os.path.isdir(os.path.join(full, "large")):
            shutil.rmtree(tree, ignore_errors=True)
            print("bench: generating the 1 GB tree", flush=True)
            sh(sys.executable, mk, "small", os.path.join(full, "small"),
               "1", stdout=subprocess.DEVNULL)
            sh(sys.executable, mk, "large", full, stdout=subprocess.DEVNULL)
        build(work, "full", full, count_inodes(full))
        build(work, "small", os.path.join(full, "small"),
              count_inodes(os.path.join(full, "small")))
        build(work, "large", os.path.join(full, "large"), 16)
        shutil.rmtree(full)
    if "small4" in need:
        t4 = os.path.join(tree, "small4")
        shutil.rmtree(t4, ignore_errors=True)
        print("bench: generating the 4x tree", flush=True)
        sh(sys.executable, mk, "small", t4, "4", stdout=subprocess.DEVNULL)
        build(work, "small4", t4, count_inodes(t4))
        shutil.rmtree(t4)
    shutil.rmtree(tree, ignore_errors=True)


def ufs_inodes(img):
    """Inodes in use (files and directories) and inodes in all, from the
    UFS2 superblock: cstotal nifree/ndir and ncg * ipg."""
    with open(img, "rb") as f:
        for loc in (65536, 8192, 262144):
            f.seek(loc)
            sb = f.read(8192)
            if struct.unpack_from("<I", sb, 1372)[0] == 0x19540119:
                break
        else:
            sys.exit("bench: %s: no UFS2 superblock" % img)
    ncg, = struct.unpack_from("<i", sb, 44)
    ipg, = struct.unpack_from("<i", sb, 184)
    # fs_cstotal (UFS2): cs_ndir, cs_nbfree, cs_nifree, cs_nffree (int64)
    ndir, _, nifree, _ = struct.unpack_from("<qqqq", sb, 1008)
    total = ncg * ipg
    return total - nifree - 2, total


RSSFILE = "/tmp/bench-rss.%d" % os.getpid()


def run(argv, out="/dev/null"):
    """Run argv, output to out; return (seconds, peak RSS in KB of its
    largest process).  GNU time(1) stands between: a child forked from
    Python would carry Python's own RSS in its ru_maxrss."""
    fa = [(os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT |
           os.O_TRUNC, 0o644),
          (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
    argv = ["/usr/bin/time", "-f", "%M", "-o", RSSFILE] + argv
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=fa)
    _, status, _ = os.wait4(pid, 0)
    t = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s failed (status %d)" %
                 (" ".join(argv), os.waitstatus_to_exitcode(status)))
    with open(RSSFILE) as f:
        rss = int(f.read().split()[-1])
    os.unlink(RSSFILE)
    return t, rss


def best(argv, runs, out="/dev/null", before=None):
    res = []
    for i in range(runs + 1):
        if before:
            before()
        r = run(argv, out)
        if i > 0:		# the first run warms the cache
            res.append(r)
    return min(r[0] for r in res), max(r[1] for r in res)


def dumpbytes(prog, src, work):
    """Bytes a dump of src writes (the data it moves)."""
    out = os.path.join(work, "size.dump")
    sh(prog, "-0", "-b", "64", "-f", out, src, stdout=subprocess.DEVNULL,
       stderr=subprocess.DEVNULL)
    n = os.path.getsize(out)
    os.unlink(out)
    return n


class Loop:
    def __init__(self, img):
        self.dev = subprocess.run(["losetup", "-r", "-f", "--show", img],
                                  check=True, capture_output=True,
                                  text=True).stdout.strip()

    def close(self):
        subprocess.run(["losetup", "-d", self.dev])


def measure(name, work, ours, linux, runs, rows):
    ufs = os.path.join(work, name + ".ufs")
    ext = os.path.join(work, name + ".ext4")
    used, total = ufs_inodes(ufs)
    nbytes = dumpbytes(ours, ufs, work)
    isize = os.path.getsize(ufs)
    t_ours, m_ours = best([ours, "-0", "-b", "64", "-f", "/dev/null", ufs],
                          runs)
    t_cat, _ = best(["cat", ufs], runs)
    lo = Loop(ext)
    try:
        t_catl, _ = best(["cat", lo.dev], runs)
        t_lin, m_lin = best([linux, "-0", "-b", "64", "-f", "/dev/null",
                             lo.dev], runs)
        lbytes = dumpbytes(linux, lo.dev, work)
    finally:
        lo.close()
    limit = 32 * 1024 + total * 2 / 8 / 1024
    r = dict(name=name, files=used, inodes=total, ours=t_ours, linux=t_lin,
             cat=t_cat, rss=m_ours, rsslin=m_lin)
    rows.append(r)
    print("%s: %d files and directories, UFS2 image %.0f MB, "
          "ext4 image %.0f MB" % (name, used, isize / MB,
                                  os.path.getsize(ext) / MB))
    print("   ours  %6.3f s  %6.0f MB %6.0f MB/s %7.0f files/s  "
          "peak RSS %5.1f MB (target %.1f MB)" %
          (t_ours, nbytes / MB, nbytes / MB / t_ours, used / t_ours,
           m_ours / 1024, limit / 1024))
    print("   linux %6.3f s  %6.0f MB %6.0f MB/s %7.0f files/s  "
          "peak RSS %5.1f MB" %
          (t_lin, lbytes / MB, lbytes / MB / t_lin, used / t_lin,
           m_lin / 1024))
    print("   cat   %6.3f s  %6.0f MB/s (UFS2 image);  %.3f s %.0f MB/s "
          "(ext4 image, loop device)" %
          (t_cat, isize / MB / t_cat, t_catl,
           os.path.getsize(ext) / MB / t_catl))
    print("   ours vs linux: %.2fx the speed (files/s); ours vs cat: %.2fx "
          "the throughput; %.2f us/file ours, %.2f linux" %
          (t_lin / t_ours, (nbytes / t_ours) / (isize / t_cat),
           t_ours / used * 1e6, t_lin / used * 1e6), flush=True)


def tofile(work, ours, runs):
    ufs = os.path.join(work, "full.ufs")
    out = os.path.join(work, "out.dump")
    cp = os.path.join(work, "copy.img")

    def clean():
        for f in (out, cp):
            if os.path.exists(f):
                os.unlink(f)
    t_d, _ = best([ours, "-0", "-b", "64", "-f", out, ufs], runs,
                  before=clean)
    nbytes = os.path.getsize(out)
    t_c, _ = best(["sh", "-c", 'cp "$1" "$2" && sync "$2"', "sh", ufs, cp],
                  runs, before=clean)
    isize = os.path.getsize(ufs)
    clean()
    print("to a file (full): ours %.3f s %.0f MB/s; cp+fsync %.3f s "
          "%.0f MB/s; ours/cp throughput %.2fx" %
          (t_d, nbytes / MB / t_d, t_c, isize / MB / t_c,
           (nbytes / t_d) / (isize / t_c)), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dump", default=os.path.join(HERE, "..", "dump"))
    ap.add_argument("--linux", default="/usr/sbin/dump")
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--only", help="comma list of: full,small,large,"
                    "small4,file")
    a = ap.parse_args()
    for t in ("makefs", "mkfs.ext4", "losetup", "/usr/bin/time", a.linux,
              a.dump):
        if shutil.which(t) is None:
            sys.exit("bench: %s is not installed or built" % t)
    os.makedirs(a.work, exist_ok=True)
    images(a.work)
    ours = os.path.abspath(a.dump)
    only = (a.only or "full,small,large,small4,file").split(",")
    rows = []
    print("best of %d warm runs; load: %s" %
          (a.runs, open("/proc/loadavg").read().strip()), flush=True)
    for n in ("full", "small", "large", "small4"):
        if n in only:
            measure(n, a.work, ours, a.linux, a.runs, rows)
    if "file" in only:
        tofile(a.work, ours, a.runs)
    by = {r["name"]: r for r in rows}
    if "small" in by and "small4" in by:
        s, s4 = by["small"], by["small4"]
        print("scaling 4x inodes: ours %.2f -> %.2f us/file (x%.2f), "
              "linux %.2f -> %.2f us/file (x%.2f); peak RSS ours %.1f -> "
              "%.1f MB" %
              (s["ours"] / s["files"] * 1e6, s4["ours"] / s4["files"] * 1e6,
               (s4["ours"] / s4["files"]) / (s["ours"] / s["files"]),
               s["linux"] / s["files"] * 1e6,
               s4["linux"] / s4["files"] * 1e6,
               (s4["linux"] / s4["files"]) / (s["linux"] / s["files"]),
               s["rss"] / 1024, s4["rss"] / 1024))


if __name__ == "__main__":
    main()
