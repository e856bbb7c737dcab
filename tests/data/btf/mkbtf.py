#!/usr/bin/env python3
"""Makes the small BTF blobs of tests/data/btf from a kernel's full BTF.

    mkbtf.py extract VMLINUZ OUT      the .BTF section of a compressed kernel image (bzImage)
    mkbtf.py minimize IN OUT          a valid BTF blob with only what the unit tests read

minimize keeps struct sk_buff, net_device and sock_common whole (every member, its offset,
bitfields and anonymous structs and unions), the types of their members as far as scalars,
pointers to those three, typedefs, qualifiers and arrays go, and stands in for every other
struct or union a member names with an int (or a char array) of the same size. It keeps the
functions below with their prototypes, the same way. The result reads with pahole and bpftool.
"""
import lzma
import shutil
import struct
import subprocess
import sys
import zlib

STRUCTS = ["sk_buff", "net_device", "sock_common"]
FUNCS = ["kfree_skb_reason", "sk_skb_reason_drop", "kfree_skb", "__netif_receive_skb_core",
         "ip_rcv", "tcp_v4_rcv", "udp_rcv", "consume_skb"]

(INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC,
 FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64) = range(1, 20)
MODIFIERS = (TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG)
EXTRA = {INT: 4, ARRAY: 12, VAR: 4, DECL_TAG: 4}
PER_VLEN = {STRUCT: 12, UNION: 12, DATASEC: 12, ENUM64: 12, ENUM: 8, FUNC_PROTO: 8}


# --- the kernel image ---

def lz4_legacy(data):
    """The kernel's lz4 (legacy frame: 8 MB blocks), as far as it decompresses."""
    out = bytearray()
    pos = 4
    while pos + 4 <= len(data):
        (clen,) = struct.unpack_from("<I", data, pos)
        if clen == 0x184C2102 or clen > len(data) - pos - 4:
            break
        pos += 4
        out += lz4_block(data[pos:pos + clen])
        pos += clen
    return bytes(out)


def lz4_block(src):
    out = bytearray()
    i = 0
    while i < len(src):
        token = src[i]
        i += 1
        lit = token >> 4
        if lit == 15:
            while True:
                b = src[i]
                i += 1
                lit += b
                if b != 255:
                    break
        out += src[i:i + lit]
        i += lit
        if i >= len(src):
            break
        off = src[i] | src[i + 1] << 8
        i += 2
        mlen = token & 15
        if mlen == 15:
            while True:
                b = src[i]
                i += 1
                mlen += b
                if b != 255:
                    break
        mlen += 4
        start = len(out) - off
        if off >= mlen:
            out += out[start:start + mlen]
        else:  # overlapping: the pattern repeats
            chunk = out[start:]
            out += (chunk * (mlen // off + 1))[:mlen]
    return out


def decompress(image):
    """Every compressed stream the kernel may use, tried at each place its magic appears (as
    scripts/extract-vmlinux does); the first that gives an ELF file wins."""
    methods = [
        (b"\x02\x21\x4c\x18", lz4_legacy),
        (b"\xfd7zXZ\x00", lambda d: lzma.LZMADecompressor().decompress(d)),
        (b"\x1f\x8b\x08", lambda d: zlib.decompressobj(31).decompress(d)),
        (b"\x28\xb5\x2f\xfd", unzstd),
        (b"\x5d\x00\x00", lambda d: lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(d)),
    ]
    for magic, fn in methods:
        at = image.find(magic)
        while at >= 0:
            try:
                out = fn(image[at:])
                if out[:4] == b"\x7fELF":
                    return out
            except Exception:  # noqa: BLE001 - a false magic: try the next place
                pass
            at = image.find(magic, at + 1)
    sys.exit("mkbtf: no compressed ELF kernel found in the image")


def unzstd(data):
    if not shutil.which("zstd"):
        raise RuntimeError("no zstd")
    p = subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=False)
    return p.stdout


def elf_section(elf, want):
    if elf[4] != 2 or elf[5] != 1:
        sys.exit("mkbtf: only 64-bit little-endian kernels")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        s = sh(i)
        name = elf[stroff + s[0]:elf.index(b"\0", stroff + s[0])].decode()
        if name == want:
            return elf[s[4]:s[4] + s[5]]
    sys.exit("mkbtf: the kernel has no %s section" % want)


# --- BTF ---

class Type:
    def __init__(self, name, kind, kflag, vlen, st, extra):
        self.name, self.kind, self.kflag, self.vlen, self.st = name, kind, kflag, vlen, st
        self.extra = extra  # list of tuples, by kind


def parse(blob):
    magic, version, _flags, hdr_len, toff, tlen, soff, slen = struct.unpack_from("<HBBIIIII",
                                                                                 blob)
    if magic != 0xEB9F or version != 1:
        sys.exit("mkbtf: not BTF")
    types_ = blob[hdr_len + toff:hdr_len + toff + tlen]
    strs = blob[hdr_len + soff:hdr_len + soff + slen]

    def s(off):
        return strs[off:strs.index(b"\0", off)].decode()
    out = [None]
    pos = 0
    while pos < len(types_):
        name_off, info, st = struct.unpack_from("<III", types_, pos)
        pos += 12
        kind, vlen, kflag = (info >> 24) & 0x1F, info & 0xFFFF, info >> 31
        if kind in (STRUCT, UNION, DATASEC, ENUM64):
            extra = [struct.unpack_from("<III", types_, pos + 12 * i) for i in range(vlen)]
            if kind in (STRUCT, UNION):
                extra = [(s(n), t, o) for n, t, o in extra]
        elif kind in (ENUM, FUNC_PROTO):
            extra = [struct.unpack_from("<II", types_, pos + 8 * i) for i in range(vlen)]
            if kind == FUNC_PROTO:
                extra = [(s(n), t) for n, t in extra]
        elif kind == ARRAY:
            extra = struct.unpack_from("<III", types_, pos)
        elif kind in EXTRA:
            extra = struct.unpack_from("<I", types_, pos)
        else:
            extra = ()
        pos += EXTRA.get(kind, 0) + PER_VLEN.get(kind, 0) * vlen
        out.append(Type(s(name_off), kind, kflag, vlen, st, extra))
    return out


class Minimizer:
    def __init__(self, types_):
        self.src = types_
        self.out = [None]  # new types: Type with new ids
        self.map = {}
        self.stubs = {}

    def add(self, t):
        self.out.append(t)
        return len(self.out) - 1

    def final(self, tid):
        for _ in range(32):
            t = self.src[tid]
            if tid == 0 or t.kind not in MODIFIERS:
                return t
            tid = t.st
        return None

    def pointee_kept(self, tid, depth=0):
        """Scalars, the kept structs, and pointers to them: what a pointer keeps pointing to."""
        f = self.final(tid)
        if f is None or tid == 0 or depth > 8:
            return False
        if f.kind == PTR:
            return self.pointee_kept(f.st, depth + 1)
        return f.kind in (INT, FLOAT, ENUM, ENUM64) or (f.kind in (STRUCT, UNION, FWD) and
                                                        f.name in STRUCTS)

    def stub(self, size):
        """An int of that size where the kernel allows one, else a char array."""
        if size not in self.stubs:
            if size in (1, 2, 4, 8, 16):
                self.stubs[size] = self.add(Type("u%d" % (size * 8), INT, 0, 0, size,
                                                 (size * 8,)))
            else:
                u8 = self.stub(1)
                idx = self.stub(4)
                self.stubs[size] = self.add(Type("", ARRAY, 0, 0, 0, (u8, idx, size)))
        return self.stubs[size]


    def keep(self, tid):
        if tid == 0:
            return 0
        if tid in self.map:
            return self.map[tid]
        t = self.src[tid]
        k = t.kind
        if k in (STRUCT, UNION) and t.name and t.name not in STRUCTS:
            new = self.map[tid] = self.stub(t.st)
            return new
        if k in (FUNC_PROTO, FUNC, VAR, DATASEC, DECL_TAG):
            new = self.map[tid] = self.stub(8)
            return new
        nt = Type(t.name, k, t.kflag, t.vlen, t.st, t.extra)
        new = self.map[tid] = self.add(nt)
        if k in (ENUM, ENUM64):
            nt.vlen, nt.extra = 0, []
        elif k == PTR:
            nt.st = self.keep(t.st) if self.pointee_kept(t.st) else 0
        elif k in MODIFIERS:
            nt.st = self.keep(t.st)
        elif k == ARRAY:
            nt.extra = (self.keep(t.extra[0]), self.keep(t.extra[1]), t.extra[2])
        elif k in (STRUCT, UNION):
            nt.extra = [(n, self.keep(m), o) for n, m, o in t.extra]
        return new

    def func(self, name):
        for t in self.src[1:]:
            if t.kind == FUNC and t.name == name:
                p = self.src[t.st]
                proto = self.add(Type("", FUNC_PROTO, 0, p.vlen, 0, []))
                self.out[proto].st = self.keep(p.st)
                self.out[proto].extra = [(n, self.keep(a)) for n, a in p.extra]
                self.add(Type(name, FUNC, 0, t.vlen, proto, ()))
                return True
        return False


def write(types_):
    strs = bytearray(b"\0")
    offs = {"": 0}

    def s(name):
        if name not in offs:
            offs[name] = len(strs)
            strs.extend(name.encode() + b"\0")
        return offs[name]
    body = bytearray()
    for t in types_[1:]:
        body += struct.pack("<III", s(t.name), t.kind << 24 | t.kflag << 31 | t.vlen, t.st)
        if t.kind in (STRUCT, UNION):
            for n, m, o in t.extra:
                body += struct.pack("<III", s(n), m, o)
        elif t.kind == FUNC_PROTO:
            for n, a in t.extra:
                body += struct.pack("<II", s(n), a)
        elif t.kind in (ENUM, ENUM64, DATASEC):
            fmt = "<II" if t.kind == ENUM else "<III"
            for e in t.extra:
                body += struct.pack(fmt, *e)
        elif t.kind == ARRAY:
            body += struct.pack("<III", *t.extra)
        elif t.kind in EXTRA:
            body += struct.pack("<I", *t.extra)
    hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(body), len(body), len(strs))
    return hdr + bytes(body) + bytes(strs)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("extract", "minimize"):
        sys.exit(__doc__)
    data = open(sys.argv[2], "rb").read()
    if sys.argv[1] == "extract":
        out = elf_section(decompress(data), ".BTF")
    else:
        m = Minimizer(parse(data))
        for name in STRUCTS:
            tid = next((i for i, t in enumerate(m.src[1:], 1)
                        if t.kind == STRUCT and t.name == name), None)
            if tid is None:
                sys.exit("mkbtf: no struct %s" % name)
            m.keep(tid)
        for name in FUNCS:
            m.func(name)
        out = write(m.out)
    with open(sys.argv[3], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
