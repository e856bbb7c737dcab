#!/usr/bin/env python3
"""Writes a trace.dat version 7 file compressed with zlib from an uncompressed one.

    v7zlib.py IN OUT [PAGES_PER_CHUNK]

Debian's trace-cmd compresses with zstd only; this gives the unit tests a zlib file laid out
the way trace-cmd's format documentation (trace-cmd.dat.v7.5) describes it: the sections one
after the other from the end of the file's header, each compressed section behind its own
header (compressed size, uncompressed size, zlib data), and every CPU's flyrecord data as a
chunk count and chunks of PAGES_PER_CHUNK pages (1 by default, so that a CPU with more than
one page has more than one chunk). The options sections stay uncompressed, as trace-cmd
writes them; they come last (their offsets are then known), the end of the chain first. IN
must be little endian and uncompressed, as 'trace-cmd convert --file-version 7 --compression
none' writes it.
"""
import struct
import sys
import zlib

SECTION = struct.Struct("<HHIQ")  # id, flags, description (a string id), size
COMPRESSED = 1
BUFFER, DONE, FIRST_AT, LAST_AT = 3, 0, 16, 21


def parse_header(d):
    nul = d.index(b"\0", 10)
    if d[:10] != b"\x17\x08Dtracing" or d[10:nul] != b"7" or d[nul + 1] != 0:
        sys.exit("v7zlib: not a little-endian trace.dat version 7 file")
    ps = struct.unpack_from("<I", d, nul + 3)[0]
    p = nul + 7
    name_end = d.index(b"\0", p)
    ver_end = d.index(b"\0", name_end + 1)
    if d[p:name_end] != b"none":
        sys.exit("v7zlib: the input is compressed already")
    return d[:p], ps, ver_end + 9, struct.unpack_from("<Q", d, ver_end + 1)[0]


def options(body):
    """(id, data) of each option of an options section, DONE last."""
    out, q = [], 0
    while q < len(body):
        oid, size = struct.unpack_from("<HI", body, q)
        out.append((oid, body[q + 6:q + 6 + size]))
        q += 6 + size
        if oid == DONE:
            break
    return out


def chunks(data, size):
    out = struct.pack("<I", (len(data) + size - 1) // size)
    for i in range(0, len(data), size):
        z = zlib.compress(data[i:i + size], 9)
        out += struct.pack("<II", len(z), len(data[i:i + size])) + z
    return out


def block(raw):
    z = zlib.compress(raw, 9)
    return struct.pack("<II", len(z), len(raw)) + z


def cpu_table(data):
    """The BUFFER option: (offset, its name and clock strings, page size, [(cpu, offset, size)])."""
    at = struct.unpack_from("<Q", data)[0]
    n1 = data.index(b"\0", 8)
    n2 = data.index(b"\0", n1 + 1)
    ps, n = struct.unpack_from("<II", data, n2 + 1)
    cpus = [struct.unpack_from("<IQQ", data, n2 + 9 + 20 * i) for i in range(n)]
    return at, data[8:n2 + 1], ps, cpus


def main():
    d = open(sys.argv[1], "rb").read()
    per_chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    head, ps, begin, first = parse_header(d)
    out = bytearray(head + b"zlib\0" + zlib.ZLIB_VERSION.encode() + b"\0" + bytes(8))
    chain, order, tables = {}, [], {}
    at = first
    while at:  # the options sections, from the first to the one whose DONE is 0
        size = SECTION.unpack_from(d, at)[3]
        opts = options(d[at + SECTION.size:at + SECTION.size + size])
        chain[at] = (SECTION.unpack_from(d, at)[2], opts)
        order.append(at)
        tables.update((cpu_table(x)[0], cpu_table(x)) for oid, x in opts if oid == BUFFER)
        at = [struct.unpack("<Q", x)[0] for oid, x in opts if oid == DONE][0]
    moved = {}
    off = begin
    while off + SECTION.size <= len(d):  # every other section, in the file's order
        sid, flags, desc, size = SECTION.unpack_from(d, off)
        body = d[off + SECTION.size:off + SECTION.size + size]
        if sid == BUFFER:
            moved[off] = start = len(out)
            out += SECTION.pack(sid, COMPRESSED, desc, 0)
            cpus = []
            for cpu, at, n in tables[off][3]:
                out += bytes(-len(out) % ps if n else 0)
                z = chunks(d[at:at + n], ps * per_chunk) if n else b""
                cpus.append((cpu, len(out) if n else 0, len(z)))
                out += z
            tables[off] = tables[off][:3] + (cpus,)
            SECTION.pack_into(out, start, sid, COMPRESSED, desc, len(out) - start - SECTION.size)
        elif sid != DONE:
            moved[off] = len(out)
            z = block(body)
            out += SECTION.pack(sid, COMPRESSED, desc, len(z)) + z
        off += SECTION.size + size
    for old in reversed(order):  # the options last, the last of the chain first
        desc, opts = chain[old]
        body = b""
        for oid, data in opts:
            if oid == DONE or FIRST_AT <= oid <= LAST_AT:
                at = struct.unpack_from("<Q", data)[0]
                data = struct.pack("<Q", moved[at] if at else 0)
            elif oid == BUFFER:
                at, names, bps, cpus = tables[cpu_table(data)[0]]
                data = struct.pack("<Q", moved[at]) + names + struct.pack(
                    "<II", bps, len(cpus)) + b"".join(struct.pack("<IQQ", *c) for c in cpus)
            body += struct.pack("<HI", oid, len(data)) + data
        moved[old] = len(out)
        out += SECTION.pack(DONE, 0, desc, len(body)) + body
    struct.pack_into("<Q", out, len(head) + 6 + len(zlib.ZLIB_VERSION), moved[first])
    open(sys.argv[2], "wb").write(out)


main()
