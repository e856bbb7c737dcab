# SPDX-License-Identifier: GPL-2.0-or-later
"""Bounded traffic for the fault suite: each mode ends on its own within a few seconds."""
import errno
import os
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_send(addr, port, n, size=64, src=None):
    """n datagrams; sends the kernel refuses (ENOBUFS, ECONNREFUSED) are counted, not fatal"""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if src:
        s.bind((src, 0))
    failed = 0
    for _ in range(n):
        try:
            s.sendto(b"f" * size, (addr, port))
        except OSError:
            failed += 1
    print("sent %d failed %d" % (n - failed, failed))


def udp_sink(port, secs, rcvbuf):
    """binds and never reads, so that its buffer fills"""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("0.0.0.0", port))
    time.sleep(secs)


def udp_read(port, secs):
    """reads everything it is sent until secs have passed; its buffer (64 MB, past rmem_max:
    SO_RCVBUFFORCE) holds a whole burst, so that a slow read drops nothing"""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)
    s.bind(("0.0.0.0", port))
    end = time.time() + secs
    while time.time() < end:
        s.settimeout(max(0.05, end - time.time()))
        try:
            s.recv(2048)
        except OSError:
            pass


def tcp_listen(port, backlog, secs, accept):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(backlog)
    end = time.time() + secs
    conns = []
    while accept and time.time() < end:
        ls.settimeout(max(0.1, end - time.time()))
        try:
            c, _ = ls.accept()
        except OSError:
            break
        if accept == "read":
            c.settimeout(max(0.1, end - time.time()))
            try:
                while c.recv(65536):
                    pass
            except OSError:
                pass
        conns.append(c)
    time.sleep(max(0, end - time.time()))


def tcp_connects(addr, port, k, timeout):
    """k connects at once, non-blocking; prints how they ended"""
    out = {"ok": 0, "refused": 0, "timeout": 0, "other": 0}
    socks = []
    for _ in range(k):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((addr, port))
        except BlockingIOError:
            pass
        except OSError:
            out["other"] += 1
            continue
        socks.append(s)
    time.sleep(timeout)
    for s in socks:
        e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if e == 0:
            try:
                s.getpeername()
                out["ok"] += 1
            except OSError:
                out["timeout"] += 1
        elif e == errno.ECONNREFUSED:
            out["refused"] += 1
        else:
            out["other"] += 1
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    print(" ".join("%s %d" % kv for kv in sorted(out.items())))


def tcp_stream(addr, port, secs, chunk=1400):
    """sends for secs seconds; aborts at the end so nothing retransmits into later faults"""
    s = socket.create_connection((addr, port), timeout=3)
    s.settimeout(0.2)
    end, sent = time.time() + secs, 0
    while time.time() < end:
        try:
            sent += s.send(b"s" * chunk)
        except socket.timeout:
            pass
        except OSError:
            break
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print("sent %d" % sent)


def raw_bad_csum(proto, addr, port, n, src=None):
    """n UDP or TCP (SYN) segments with a wrong checksum"""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP if proto == "udp"
                      else socket.IPPROTO_TCP)
    if proto == "udp":
        pkt = struct.pack("!HHHH", 40000, port, 8 + 4, 0x1234) + b"bad!"
    else:
        pkt = struct.pack("!HHIIBBHHH", 40000, port, 1, 0, 5 << 4, 0x02, 1024, 0x1234, 0)
    for _ in range(n):
        s.sendto(pkt, (addr, 0))
    print("sent %d" % n)


def raw_src(dev, mac, src, addr, port, n):
    """n UDP datagrams with a source address of our choosing, as frames to mac out of dev"""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    eth = bytes.fromhex(mac.replace(":", "")) + s.getsockname()[4] + b"\x08\x00"
    payload = b"martian"
    udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
    sa, da = socket.inet_aton(src), socket.inet_aton(addr)
    for i in range(n):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                         sa, da)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        s.send(eth + ip + udp)
    print("sent %d" % n)


def raw_syn(src, addr, port, n):
    """n SYNs from src (an address nobody answers for), each from its own port"""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sa, da = socket.inet_aton(src), socket.inet_aton(addr)
    for i in range(n):
        tcp = struct.pack("!HHIIBBHHH", 20000 + i, port, 1000 + i, 0, 5 << 4, 0x02, 65535, 0, 0)
        pseudo = sa + da + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xFFFF, 0, 64, 6, 0,
                         sa, da)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        s.sendto(ip + tcp, (addr, 0))
    print("sent %d" % n)


def udp6_send(addr, dev, port, n):
    """n datagrams to an IPv6 (link-local or multicast) address out of dev"""
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    for _ in range(n):
        s.sendto(b"f" * 32, (addr, port, 0, socket.if_nametoindex(dev)))
    print("sent %d" % n)


def main():
    m, a = sys.argv[1], sys.argv[2:]
    if m == "udp-send":  # ADDR PORT N [SIZE [SRC]]
        udp_send(a[0], int(a[1]), int(a[2]), int(a[3]) if len(a) > 3 else 64,
                 a[4] if len(a) > 4 else None)
    elif m == "udp-sink":  # PORT SECS RCVBUF
        udp_sink(int(a[0]), float(a[1]), int(a[2]))
    elif m == "udp-read":  # PORT SECS
        udp_read(int(a[0]), float(a[1]))
    elif m == "tcp-listen":  # PORT BACKLOG SECS [accept|read]
        tcp_listen(int(a[0]), int(a[1]), float(a[2]), a[3] if len(a) > 3 else None)
    elif m == "tcp-connects":  # ADDR PORT K TIMEOUT
        tcp_connects(a[0], int(a[1]), int(a[2]), float(a[3]))
    elif m == "tcp-stream":  # ADDR PORT SECS
        tcp_stream(a[0], int(a[1]), float(a[2]))
    elif m == "bad-csum":  # udp|tcp ADDR PORT N
        raw_bad_csum(a[0], a[1], int(a[2]), int(a[3]))
    elif m == "raw-src":  # DEV MAC SRC ADDR PORT N
        raw_src(a[0], a[1], a[2], a[3], int(a[4]), int(a[5]))
    elif m == "raw-syn":  # SRC ADDR PORT N
        raw_syn(a[0], a[1], int(a[2]), int(a[3]))
    elif m == "udp6-send":  # ADDR DEV PORT N
        udp6_send(a[0], a[1], int(a[2]), int(a[3]))
    else:
        sys.exit("unknown mode " + m)


main()
