#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Keeps only the kernel symbols a trace.dat's events resolve to, and names the host "golden".

    shrink.py IN OUT SYMBOLS

A file of ftnet record holds the whole /proc/kallsyms (5 MB on a distribution's kernel); the
golden tier's inputs keep the lines of the text symbols named in SYMBOLS (one name a line:
those ftnet's printers showed for IN) and nothing else. Every address the events hold
resolves to the same symbol as before: it was the last symbol at or below the address in the
whole table, and it is still there. The uname option's host name becomes "golden". IN is a
little-endian version 6 file, as ftnet record writes it; OUT is the same file with those two
sections rewritten and the CPU data moved to its new offsets (page aligned, as before).
"""
import struct
import sys


class Reader:
    def __init__(self, d):
        self.d, self.p = d, 0

    def take(self, n):
        self.p += n
        return self.d[self.p - n:self.p]

    def cstr(self):
        end = self.d.index(b"\0", self.p)
        return self.take(end + 1 - self.p)

    def num(self, fmt):
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]

    def sized(self, fmt):
        return self.take(self.num(fmt))


def kept_symbols(text, names):
    out = []
    for line in text.decode().splitlines():
        f = line.split()
        if len(f) >= 3 and f[1] in ("t", "T") and f[2] in names:
            out.append(line + "\n")
    return "".join(out).encode()


def main():
    d = open(sys.argv[1], "rb").read()
    names = set(open(sys.argv[3]).read().split())
    r = Reader(d)
    head = r.take(10)
    version = r.cstr()
    if head != b"\x17\x08Dtracing" or version != b"6\0":
        sys.exit("shrink: %s is not a trace.dat version 6 file" % sys.argv[1])
    endian, long_size = r.take(1), r.take(1)
    if endian != b"\0":
        sys.exit("shrink: big-endian files are not handled")
    page_size = r.num("I")
    for name in (b"header_page\0", b"header_event\0"):
        if r.take(len(name)) != name:
            sys.exit("shrink: no %s" % name.decode())
        r.sized("Q")
    for _ in range(r.num("I")):  # ftrace formats
        r.sized("Q")
    for _ in range(r.num("I")):  # event systems
        r.cstr()
        for _ in range(r.num("I")):
            r.sized("Q")
    formats_end = r.p
    kallsyms = kept_symbols(r.sized("I"), names)
    printk = r.sized("I")
    cmdlines = r.sized("Q")
    ncpus = r.num("I")
    if r.take(10) != b"options  \0":
        sys.exit("shrink: no options")
    opts, has_clock = b"", False
    while True:
        oid = r.num("H")
        if oid == 0:
            break
        data = r.sized("I")
        has_clock |= oid == 4
        if oid == 5:  # uname: "Linux HOST RELEASE MACHINE"
            f = data.rstrip(b"\0").split(b" ")
            data = b" ".join(f[:1] + [b"golden"] + f[2:]) + b"\0"
        opts += struct.pack("<HI", oid, len(data)) + data
    if r.take(10) != b"flyrecord\0":
        sys.exit("shrink: no flyrecord")
    cpus = [(r.num("Q"), r.num("Q")) for _ in range(ncpus)]
    after_table = b""
    if has_clock:  # the selected clock, after the table
        clock = r.sized("Q")
        after_table = struct.pack("<Q", len(clock)) + clock

    out = bytearray(d[:formats_end])
    out += struct.pack("<I", len(kallsyms)) + kallsyms
    out += struct.pack("<I", len(printk)) + printk
    out += struct.pack("<Q", len(cmdlines)) + cmdlines
    out += struct.pack("<I", ncpus) + b"options  \0" + opts + struct.pack("<H", 0)
    out += b"flyrecord\0"
    table = len(out)
    out += bytes(16 * ncpus) + after_table
    for i, (off, size) in enumerate(cpus):
        if not size:
            continue
        out += bytes(-len(out) % page_size)
        struct.pack_into("<QQ", out, table + 16 * i, len(out), size)
        out += d[off:off + size]
    open(sys.argv[2], "wb").write(out)


main()
