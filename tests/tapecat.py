#!/usr/bin/env python3
"""tapecat: an independent reader of the BSD dump stream, for the tests.

Written from the format description (shared/spec/tape.md), sharing no code
with dump.  It reads a whole stream once (a file or "-" for standard input),
checks it and reports on it:

  * every header: checksum, magic (NFS_MAGIC or the UFS2 magic, one byte
    order for the whole stream), c_tapea (64-bit and legacy) equal to the
    header's position in 1 KB blocks, volume 1, first record 0, the same
    c_flags and c_date in every header;
  * the c_type sequence: TS_TAPE, TS_CLRI + map, TS_BITS + map, the
    directories in ascending inode order, then the other inodes in
    ascending order (TS_INODE, then TS_ADDR for the same inode until the
    file's ceil(size / 1024) pieces are described), then TS_END headers
    up to the very end of the stream;
  * c_addr entries are 0 or 1 and only 1 entries have a block on tape;
  * the length is a whole number of 1 KB blocks, and of -b KB records;
  * the TS_BITS map names exactly the inodes dumped, and is a subset of
    the TS_CLRI map;
  * the root directory is dumped; the dumped directories parse as 4.4BSD
    (or, without DR_NEWINODEFMT, 4.2BSD) directory blocks, and at level 0
    every entry names an inode on the tape.

Output (stdout), each line starting with a keyword:
  magic 0x...  order native|swapped  flags 0x..  level N  label L
  blocks N  headers N  ends N  inodes N      (always, at the end)
  file INO MODE UID GID SIZE MTIME RDEV NLINK PATH   (-l; one per name;
                                   NLINK is c_spare1[0], the old di_nlink)
  clri INO...  bits INO...                   (-m)
  header TAPEA TYPE INO COUNT PRESENT        (-H; every header)
  size INO N / extent INO OFFSET LENGTH MD5  (-e SPEC; runs of pieces on
                                              tape, clipped to the size)
  entries INO N  name INO NAMELEN TARGET NAME  (-d SPEC; a directory)
With -x SPEC -o FILE the file's bytes (holes as zeros) go to FILE, or only
--length bytes from --offset.  SPEC is an inode number or a path ("/a/b").

Exit status: 0 if the stream is valid, 1 with one line on stderr naming
the 1 KB block and the fault otherwise, 2 for usage errors.
"""

import hashlib
import struct
import sys

TP_BSIZE = 1024
TP_NINDIR = 512
CHECKSUM = 84446
NFS_MAGIC = 60012
UFS2_MAGIC = 0x19540119
TS_TAPE, TS_INODE, TS_BITS, TS_ADDR, TS_END, TS_CLRI = 1, 2, 3, 4, 5, 6
TYPENAMES = {1: "TS_TAPE", 2: "TS_INODE", 3: "TS_BITS", 4: "TS_ADDR",
             5: "TS_END", 6: "TS_CLRI", 7: "TS_EOM"}
IFMT, IFDIR, IFLNK = 0o170000, 0o040000, 0o120000
DR_NEWINODEFMT = 2
DIRBLKSIZ = 512


class Bad(Exception):
    pass


class Header:
    """The fields of one 1 KB header, in the layout of spec section 2."""

    LAYOUT = ("5iI2i" "Hh4x" "Q" "4i" "8x" "i" "12x" "2q" "40x" "2I" "8x"
              "i" "512s" "16s" "i" "192x" "2i" "4q" "96x")
    fmt = {}

    def __init__(self, blk, end):
        if end not in Header.fmt:
            Header.fmt[end] = struct.Struct(end + Header.LAYOUT)
        (self.type, self.old_date, self.old_ddate, self.volume,
         self.old_tapea, self.inumber, self.magic, self.checksum,
         self.mode, self.nlink, self.size,
         self.old_atime, self.atimensec, self.old_mtime, self.mtimensec,
         self.rdev, self.atime, self.mtime, self.uid, self.gid,
         self.count, self.addr, label, self.level,
         self.flags, self.old_firstrec,
         self.date, self.ddate, self.tapea,
         self.firstrec) = Header.fmt[end].unpack(blk)
        self.label = label.split(b"\0")[0].decode("latin-1")


def parsespec(s):
    if s.isdigit():
        return int(s)
    return "/" + "/".join(p for p in s.split("/") if p not in ("", "."))


class Reader:
    def __init__(self, opts):
        self.o = opts
        self.end = None         # struct byte-order prefix
        self.pos = 0            # 1 KB blocks consumed
        self.buf = b""
        self.bufoff = 0
        self.nhdr = 0
        self.nends = 0
        self.first = None       # TS_TAPE header
        self.clri = None
        self.bits = None
        self.dumped = {}        # ino -> Header of its TS_INODE
        self.dirdata = {}       # ino -> bytearray (directories)
        self.lastdir = 0
        self.lastfile = 0
        self.infiles = False
        self.want = {}          # ino -> list of actions, once resolved
        self.wantpaths = []     # (spec, action) waiting for the tree
        self.paths = None       # ino -> [paths], built after pass III
        self.words = None

    # --- input ---
    def block(self):
        """The next 1 KB block as a memoryview, or None at EOF."""
        if self.bufoff == len(self.buf):
            self.buf = self.o.stream.read(1 << 20)
            self.bufoff = 0
            if not self.buf:
                return None
            if len(self.buf) % TP_BSIZE:
                more = self.o.stream.read(TP_BSIZE - len(self.buf) %
                                          TP_BSIZE)
                self.buf += more
                if len(self.buf) % TP_BSIZE:
                    raise Bad("stream ends %d bytes into block %d: not a "
                              "whole number of 1 KB blocks" %
                              (len(self.buf) % TP_BSIZE,
                               self.pos + len(self.buf) // TP_BSIZE))
            self.mv = memoryview(self.buf)
        b = self.mv[self.bufoff:self.bufoff + TP_BSIZE]
        self.bufoff += TP_BSIZE
        self.pos += 1
        return b

    def fail(self, msg, at=None):
        raise Bad("block %d: %s" % (self.pos - 1 if at is None else at, msg))

    # --- headers ---
    def header(self, blk):
        if self.end is None:
            for e in ("<", ">"):
                m = struct.unpack_from(e + "i", blk, 24)[0]
                if m in (NFS_MAGIC, UFS2_MAGIC):
                    self.end = e
                    break
            else:
                self.fail("no dump magic (NFS_MAGIC or 0x19540119) in "
                          "either byte order")
            self.words = struct.Struct(self.end + "256I")
        if sum(self.words.unpack(blk)) & 0xffffffff != CHECKSUM:
            self.fail("bad checksum (type %d, magic %#x)" %
                      (struct.unpack_from(self.end + "i", blk, 0)[0],
                       struct.unpack_from(self.end + "i", blk, 24)[0]))
        h = Header(blk, self.end)
        at = self.pos - 1
        if self.first is not None and h.magic != self.first.magic:
            self.fail("magic %#x differs from the first header's %#x" %
                      (h.magic, self.first.magic))
        if h.magic not in (NFS_MAGIC, UFS2_MAGIC):
            self.fail("bad magic %#x" % h.magic)
        if h.tapea != at or h.old_tapea != (at & 0xffffffff) - \
                ((at & 0x80000000) << 1):
            self.fail("c_tapea %d (legacy %d), expected %d" %
                      (h.tapea, h.old_tapea, at))
        if h.volume != 1 or h.firstrec != 0 or h.old_firstrec != 0:
            self.fail("volume %d, first record %d: expected 1 and 0" %
                      (h.volume, h.firstrec))
        if h.type not in TYPENAMES or h.type == 7:
            self.fail("unknown c_type %d" % h.type)
        if self.first is not None:
            if h.flags != self.first.flags:
                self.fail("c_flags %#x differ from the first header's %#x"
                          % (h.flags, self.first.flags))
            if h.date != self.first.date:
                self.fail("c_date differs from the first header's")
        if h.date & 0xffffffff != h.old_date & 0xffffffff:
            self.fail("legacy c_old_date %d differs from c_date %d" %
                      (h.old_date, h.date))
        self.nhdr += 1
        if self.o.headers:
            print("header %d %s %d %d %d" % (at, TYPENAMES[h.type],
                                             h.inumber, h.count,
                                             h.addr[:max(h.count, 0)]
                                             .count(1)))
        return h

    def nexthdr(self, what):
        blk = self.block()
        if blk is None:
            raise Bad("stream ends after block %d, expected %s" %
                      (self.pos - 1, what))
        return self.header(blk)

    def readmap(self, h, name):
        if h.count <= 0:
            self.fail("%s with c_count %d" % (name, h.count))
        m = bytearray()
        for _ in range(h.count):
            b = self.block()
            if b is None:
                raise Bad("stream ends inside the %s map" % name)
            m += b
        return m

    # --- the stream ---
    def run(self):
        h = self.nexthdr("TS_TAPE")
        if h.type != TS_TAPE:
            self.fail("first header is %s, not TS_TAPE" %
                      TYPENAMES[h.type])
        self.first = h
        h = self.nexthdr("TS_CLRI")
        if h.type != TS_CLRI:
            self.fail("second header is %s, not TS_CLRI" %
                      TYPENAMES[h.type])
        self.clri = self.readmap(h, "TS_CLRI")
        h = self.nexthdr("TS_BITS")
        if h.type != TS_BITS:
            self.fail("third header is %s, not TS_BITS" %
                      TYPENAMES[h.type])
        self.bits = self.readmap(h, "TS_BITS")
        if len(self.bits) != len(self.clri):
            self.fail("TS_BITS map %d blocks, TS_CLRI %d" %
                      (len(self.bits) // TP_BSIZE,
                       len(self.clri) // TP_BSIZE))
        h = self.nexthdr("an inode or TS_END")
        while h.type != TS_END:
            if h.type != TS_INODE:
                self.fail("%s where a TS_INODE or TS_END belongs" %
                          TYPENAMES[h.type])
            h = self.inode(h)
        self.trailer(h)
        self.finish()

    def inode(self, h):
        ino = h.inumber
        isdir = (h.mode & IFMT) == IFDIR
        if ino < 2 or ino >= len(self.bits) * 8 + 1:
            self.fail("inode %d outside the map" % ino)
        if ino in self.dumped:
            self.fail("inode %d dumped twice" % ino)
        if isdir:
            if self.infiles:
                self.fail("directory %d after the non-directories" % ino)
            if ino <= self.lastdir:
                self.fail("directory %d after directory %d" %
                          (ino, self.lastdir))
            self.lastdir = ino
        else:
            if not self.infiles:
                self.infiles = True
                self.resolve()
            if ino <= self.lastfile:
                self.fail("inode %d after inode %d" % (ino, self.lastfile))
            self.lastfile = ino
        self.dumped[ino] = h
        acts = self.want.get(ino, [])
        npieces = (h.size + TP_BSIZE - 1) // TP_BSIZE
        piece = 0
        data = bytearray() if isdir else None
        first = True
        while True:
            if not first:
                h = self.nexthdr("the rest of inode %d" % ino)
                if h.type != TS_ADDR or h.inumber != ino:
                    self.fail("%s for inode %d where TS_ADDR for inode %d "
                              "belongs (%d of %d pieces seen)" %
                              (TYPENAMES[h.type], h.inumber, ino, piece,
                               npieces))
            first = False
            if h.count < 0 or h.count > TP_NINDIR:
                self.fail("c_count %d" % h.count)
            if piece + h.count > npieces:
                self.fail("inode %d: %d pieces for size %d" %
                          (ino, piece + h.count, h.size))
            addr = h.addr[:h.count]
            if addr.translate(None, b"\0\1"):
                self.fail("c_addr entry other than 0 or 1")
            if h.addr[h.count:].strip(b"\0"):
                self.fail("c_addr entries set beyond c_count %d" % h.count)
            if addr.count(1) == 0:
                if data is not None:
                    data += bytes(TP_BSIZE * h.count)
                for a in acts:
                    a.hole(piece, h.count)
                piece += h.count
            else:
                for i in range(h.count):
                    if addr[i]:
                        b = self.block()
                        if b is None:
                            raise Bad("stream ends inside inode %d" % ino)
                        if data is not None:
                            data += b
                        for a in acts:
                            a.data(piece, b)
                    else:
                        if data is not None:
                            data += bytes(TP_BSIZE)
                        for a in acts:
                            a.hole(piece, 1)
                    piece += 1
            if piece == npieces:
                break
        for a in acts:
            a.done(h.size)
        if data is not None:
            self.dirdata[ino] = data[:h.size]
        return self.nexthdr("the header after inode %d" % ino)

    def trailer(self, h):
        while True:
            if h.type != TS_END:
                self.fail("%s after TS_END" % TYPENAMES[h.type])
            self.nends += 1
            blk = self.block()
            if blk is None:
                break
            h = self.header(blk)
        if self.o.bsize and self.pos % self.o.bsize:
            raise Bad("stream is %d blocks, not a whole number of %d KB "
                      "records" % (self.pos, self.o.bsize))
        if self.o.bsize and self.nends > self.o.bsize:
            raise Bad("%d TS_END headers, more than a record of %d" %
                      (self.nends, self.o.bsize))

    # --- maps, directories, paths ---
    @staticmethod
    def inos(m):
        out = []
        for i, byte in enumerate(m):
            if byte:
                for bit in range(8):
                    if byte & (1 << bit):
                        out.append(i * 8 + bit + 1)
        return out

    def dirents(self, ino):
        """(name, ino) of every live entry of a dumped directory."""
        d = self.dirdata[ino]
        new = self.first.flags & DR_NEWINODEFMT or \
            self.first.magic == UFS2_MAGIC
        out = []
        if len(d) % DIRBLKSIZ:
            raise Bad("directory %d: size %d is not whole directory blocks"
                      % (ino, len(d)))
        for c in range(0, len(d), DIRBLKSIZ):
            off = c
            while off < c + DIRBLKSIZ:
                if new:
                    (dino, reclen, _typ,
                     nlen) = struct.unpack_from(self.end + "IHBB", d, off)
                else:
                    (dino, reclen,
                     nlen) = struct.unpack_from(self.end + "IHH", d, off)
                if reclen < 12 or reclen % 4 or \
                        off + reclen > c + DIRBLKSIZ or \
                        (dino and 8 + nlen + 1 > reclen):
                    raise Bad("directory %d: bad entry at offset %d "
                              "(reclen %d, namlen %d)" %
                              (ino, off, reclen, nlen))
                if dino:
                    name = bytes(d[off + 8:off + 8 + nlen])
                    if d[off + 8 + nlen] != 0 or b"\0" in name or \
                            b"/" in name or nlen == 0:
                        raise Bad("directory %d: bad name at offset %d" %
                                  (ino, off))
                    out.append((name, dino))
                off += reclen
        return out

    def buildpaths(self):
        if self.paths is not None:
            return
        self.paths = {2: ["/"]}
        todo = [(2, "")]
        seen = set([2])
        while todo:
            dino, prefix = todo.pop()
            if dino not in self.dirdata:
                continue
            for name, ino in self.dirents(dino):
                if name in (b".", b".."):
                    continue
                p = prefix + "/" + name.decode("utf-8", "surrogateescape")
                self.paths.setdefault(ino, []).append(p)
                if ino in self.dirdata and ino not in seen:
                    seen.add(ino)
                    todo.append((ino, p))

    def lookup(self, spec):
        if isinstance(spec, int):
            return spec
        self.buildpaths()
        for ino, ps in self.paths.items():
            if spec in ps:
                return ino
        raise Bad("%s is not on the tape" % spec)

    def resolve(self):
        """Bind path specs once all directories are known."""
        for spec, act in self.wantpaths:
            ino = self.lookup(spec)
            if ino in self.dirdata:
                # A directory already read: replay its data.
                d = bytes(self.dirdata[ino])
                for j in range(0, len(d), TP_BSIZE):
                    act.data(j // TP_BSIZE, d[j:j + TP_BSIZE].ljust(
                        TP_BSIZE, b"\0"))
                act.done(len(d))
            self.want.setdefault(ino, []).append(act)
        self.wantpaths = []

    def finish(self):
        if not self.infiles:
            self.resolve()
        clri, bits = self.inos(self.clri), self.inos(self.bits)
        dumped = sorted(self.dumped)
        if bits != dumped:
            extra = sorted(set(bits) - set(dumped))[:5]
            missing = sorted(set(dumped) - set(bits))[:5]
            raise Bad("TS_BITS differs from the inodes dumped: in the map "
                      "only %s, dumped only %s" % (extra, missing))
        if not set(bits) <= set(clri):
            raise Bad("TS_BITS names inodes missing from TS_CLRI: %s" %
                      sorted(set(bits) - set(clri))[:5])
        for ino in self.want:
            if ino not in self.dumped:
                raise Bad("inode %d is not on the tape" % ino)
        if 2 not in self.dirdata:
            raise Bad("the root directory (inode 2) is not on the tape")
        self.buildpaths()
        if self.first.level != 0:
            return
        # Level 0: every dumped directory's entries name dumped inodes.
        for d in self.dirdata:
            for name, ino in self.dirents(d):
                if ino not in self.dumped:
                    raise Bad("directory %d: entry %r names inode %d, "
                              "which is not on the tape" % (d, name, ino))


class Extents:
    """-e: the runs of pieces on tape, each with the md5 of its bytes; the
    last piece's padding past the file size is left out."""

    def __init__(self, ino):
        self.ino = ino
        self.runs = []
        self.cur = None
        self.size = None

    def data(self, piece, b):
        off = piece * TP_BSIZE
        if self.cur is None or self.cur[0] + self.cur[2] != off:
            self.close()
            self.cur = [off, hashlib.md5(), 0, b""]
        # Hash all but the latest block, kept back for clipping.
        self.cur[1].update(self.cur[3])
        self.cur[3] = bytes(b)
        self.cur[2] += TP_BSIZE

    def hole(self, piece, n):
        self.close()

    def close(self, size=None):
        if self.cur is None:
            return
        off, h, ln, last = self.cur
        self.cur = None
        if size is not None and off + ln > size:
            cut = off + ln - size
            last = last[:len(last) - cut]
            ln -= cut
        h.update(last)
        self.runs.append((off, ln, h.hexdigest()))

    def done(self, size):
        self.close(size)
        self.size = size

    def report(self, ino):
        print("size %d %d" % (ino, self.size))
        for off, ln, md in self.runs:
            print("extent %d %d %d %s" % (ino, off, ln, md))


class Extract:
    """-x: the file's bytes (holes as zeros), or a range of them."""

    def __init__(self, out, offset, length):
        self.f = out
        self.lo = offset
        self.hi = None if length is None else offset + length
        self.pos = 0

    def put(self, off, b):
        # Bytes b at file offset off, clipped to [lo, hi).
        lo, hi = off, off + len(b)
        if self.hi is not None:
            hi = min(hi, self.hi)
        lo = max(lo, self.lo)
        if lo < hi:
            self.f.write(b[lo - off:hi - off])

    def data(self, piece, b):
        self.put(piece * TP_BSIZE, bytes(b))

    def hole(self, piece, n):
        off, end = piece * TP_BSIZE, (piece + n) * TP_BSIZE
        lo = max(off, self.lo)
        hi = end if self.hi is None else min(end, self.hi)
        while lo < hi:
            k = min(hi - lo, 1 << 20)
            self.f.write(bytes(k))
            lo += k

    def done(self, size):
        pass


def usage():
    sys.stderr.write(
        "usage: tapecat.py [-b KB] [-H] [-l] [-m] [-e SPEC]... [-d SPEC]...\n"
        "                  [-x SPEC -o FILE [--offset N] [--length N]] "
        "STREAM|-\n")
    sys.exit(2)


class Opts:
    pass


def main(argv):
    o = Opts()
    o.bsize = 0
    o.headers = o.listing = o.maps = False
    o.extents, o.dirs = [], []
    o.xspec = o.xout = None
    o.offset, o.length = 0, None
    args = list(argv)
    src = None
    try:
        while args:
            a = args.pop(0)
            if a == "-b":
                o.bsize = int(args.pop(0))
            elif a == "-H":
                o.headers = True
            elif a == "-l":
                o.listing = True
            elif a == "-m":
                o.maps = True
            elif a == "-e":
                o.extents.append(parsespec(args.pop(0)))
            elif a == "-d":
                o.dirs.append(parsespec(args.pop(0)))
            elif a == "-x":
                o.xspec = parsespec(args.pop(0))
            elif a == "-o":
                o.xout = args.pop(0)
            elif a == "--offset":
                o.offset = int(args.pop(0))
            elif a == "--length":
                o.length = int(args.pop(0))
            elif src is None and (a == "-" or not a.startswith("-")):
                src = a
            else:
                usage()
    except (IndexError, ValueError):
        usage()
    if src is None or (o.xspec is None) != (o.xout is None):
        usage()
    o.stream = sys.stdin.buffer if src == "-" else open(src, "rb")
    r = Reader(o)
    ext = []
    xf = None
    for spec in o.extents:
        e = Extents(spec)
        ext.append(e)
        if isinstance(spec, int):
            r.want.setdefault(spec, []).append(e)
        else:
            r.wantpaths.append((spec, e))
    if o.xspec is not None:
        xf = open(o.xout, "wb")
        x = Extract(xf, o.offset, o.length)
        if isinstance(o.xspec, int):
            r.want.setdefault(o.xspec, []).append(x)
        else:
            r.wantpaths.append((o.xspec, x))
    try:
        r.run()
    except Bad as e:
        sys.stdout.flush()
        sys.stderr.write("tapecat: %s\n" % e)
        return 1
    finally:
        if xf is not None:
            xf.close()
    if o.xspec is not None:
        ino = r.lookup(o.xspec)
        size = r.dumped[ino].size
        # Cut the padding of the last piece off the extracted bytes.
        end = size if o.length is None else min(size, o.offset + o.length)
        with open(o.xout, "r+b") as f:
            f.truncate(max(0, end - o.offset))
    f = r.first
    print("magic %#x" % f.magic)
    print("order %s" % ("native" if (f.magic == struct.unpack(
        "=i", struct.pack(r.end + "i", f.magic))[0]) else "swapped"))
    print("flags %#x" % f.flags)
    print("level %d" % f.level)
    print("label %s" % f.label)
    print("blocks %d" % r.pos)
    print("headers %d" % r.nhdr)
    print("ends %d" % r.nends)
    print("inodes %d" % len(r.dumped))
    if o.maps:
        print("clri " + " ".join(str(i) for i in r.inos(r.clri)))
        print("bits " + " ".join(str(i) for i in r.inos(r.bits)))
    if o.listing:
        for ino in sorted(r.dumped):
            h = r.dumped[ino]
            for p in sorted(r.paths.get(ino, ["?"])):
                print("file %d %o %d %d %d %d %d %d %s" %
                      (ino, h.mode, h.uid, h.gid, h.size, h.mtime,
                       h.rdev, h.nlink, p))
    for e in ext:
        e.report(r.lookup(e.ino))
    for spec in o.dirs:
        ino = r.lookup(spec)
        if ino not in r.dirdata:
            sys.stderr.write("tapecat: %s is not a directory\n" % spec)
            return 1
        ents = r.dirents(ino)
        print("entries %d %d" % (ino, len(ents)))
        for name, t in ents:
            print("name %d %d %d %s" % (ino, len(name), t, name.decode(
                "utf-8", "backslashreplace")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
