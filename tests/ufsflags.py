#!/usr/bin/env python3
"""Read or set the flags word (di_flags) of one inode in a UFS image.

    ufsflags.py IMAGE PATH            print "INODE FLAGS" (flags in hex)
    ufsflags.py IMAGE PATH FLAGS      OR FLAGS (e.g. 0x1, UF_NODUMP) in
    ufsflags.py IMAGE -l PATH...      print the inode number of each PATH

PATH is inside the file system ("/dir/file").  A test tool: makefs(8)
cannot set file flags from a Linux tree (its mtree "flags" keyword needs
st_flags, which Linux lacks), so the nodump tests set UF_NODUMP here.
Only what those tests need: both byte orders, UFS1 and UFS2, directories
found through their direct blocks.  Independent of dump's code.
"""
import struct
import sys


def main():
    if len(sys.argv) < 3 or (len(sys.argv) > 4 and sys.argv[2] != "-l"):
        sys.exit("usage: ufsflags.py IMAGE PATH [FLAGS] | IMAGE -l PATH...")
    img, path = sys.argv[1], sys.argv[2]
    with open(img, "r+b") as f:
        data = bytearray(f.read())
    found = None
    for sbloc in (65536, 8192, 0, 262144):
        sb = data[sbloc:sbloc + 8192]
        if len(sb) < 1376:
            continue
        for end in ("<", ">"):
            magic = struct.unpack_from(end + "I", sb, 1372)[0]
            if magic in (0x19540119, 0x00011954):
                found = (end, magic == 0x19540119)
                break
        if found:
            break
    if not found:
        sys.exit("%s: no UFS superblock" % img)
    end, ufs2 = found

    def i32(buf, off):
        return struct.unpack_from(end + "i", buf, off)[0]

    iblkno, cgoffset, cgmask = i32(sb, 16), i32(sb, 24), i32(sb, 28)
    bsize, fsize = i32(sb, 48), i32(sb, 52)
    ipg, fpg = i32(sb, 184), i32(sb, 188)
    isize = 256 if ufs2 else 128

    def inode_off(ino):
        cg = ino // ipg
        base = fpg * cg
        if not ufs2:
            base += cgoffset * (cg & ~cgmask)
        return (base + iblkno) * fsize + (ino % ipg) * isize

    def dinode(ino):
        o = inode_off(ino)
        mode = struct.unpack_from(end + "H", data, o)[0]
        if ufs2:
            size = struct.unpack_from(end + "Q", data, o + 16)[0]
            db = struct.unpack_from(end + "12q", data, o + 112)
        else:
            size = struct.unpack_from(end + "Q", data, o + 8)[0]
            db = struct.unpack_from(end + "12i", data, o + 40)
        return mode, size, db

    def lookup(dino, name):
        mode, size, db = dinode(dino)
        if mode & 0o170000 != 0o040000:
            sys.exit("%s: not a directory on the way" % path)
        for lbn in range((size + bsize - 1) // bsize):
            if lbn >= 12:
                sys.exit("%s: directory too large for this tool" % path)
            blk = data[db[lbn] * fsize:db[lbn] * fsize + min(bsize, size - lbn * bsize)]
            o = 0
            while o + 8 <= len(blk):
                ino = struct.unpack_from(end + "I", blk, o)[0]
                reclen = struct.unpack_from(end + "H", blk, o + 4)[0]
                # 4.4BSD directories: d_type at 6, d_namlen at 7.
                namlen = blk[o + 7]
                nm = bytes(blk[o + 8:o + 8 + namlen])
                if ino != 0 and nm == name:
                    return ino
                if reclen == 0:
                    break
                o += reclen
        sys.exit("%s: not found" % path)

    def namei(p):
        ino = 2
        for comp in [c for c in p.split("/") if c]:
            ino = lookup(ino, comp.encode())
        return ino

    if path == "-l":
        for p in sys.argv[3:]:
            path = p
            print(namei(p))
        return
    ino = namei(path)
    off = inode_off(ino) + (88 if ufs2 else 100)
    flags = struct.unpack_from(end + "I", data, off)[0]
    if len(sys.argv) == 4:
        arg = sys.argv[3]
        add = 1 if arg == "UF_NODUMP" else int(arg, 0)
        flags |= add
        with open(img, "r+b") as f:
            f.seek(off)
            f.write(struct.pack(end + "I", flags))
    print("%d %#x" % (ino, flags))


if __name__ == "__main__":
    main()
