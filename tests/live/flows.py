# SPDX-License-Identifier: GPL-2.0-or-later
"""Drops whose flow the tracepoints tell, on loopback: each mode prints what the test checks.

udp-full N: N datagrams of 1000 bytes to a socket with the smallest receive buffer that never
  reads; prints "SPORT DPORT".
listen-overflow K: a listener with backlog K, made now (after the tracer started), K connects
  it never accepts, then K + 1 whose handshakes' last ACKs an nft rule drops (in the namespace
  this runs in) until all were answered: the ACKs to the retransmitted SYN-ACKs then find the
  accept queue full but for the first (K overflows a round); held 3.5 s; prints "LPORT".
bad-csum N PORT: N SYNs with a wrong TCP checksum from a raw socket to PORT; prints "SPORT".
window N: an established pair, the receiver's buffer filled (zero window), then N segments
  from a raw socket at the receiver's rcv_nxt (zero window) and N far beyond its window;
  prints "SPORT DPORT".
"""
import socket
import struct
import subprocess
import sys
import time

TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ = 19, 20, 21
TCP_RECV_QUEUE, TCP_SEND_QUEUE = 1, 2
TCP_REPAIR_OFF_NO_WP = -1


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_segment(sport, dport, seq, ack, flags, payload=b"", bad=False, win=65535):
    src = dst = socket.inet_aton("127.0.0.1")
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    if bad:
        c ^= 0x5A5A
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def raw_send(segments, dport):
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    for seg in segments:
        r.sendto(seg, ("127.0.0.1", dport))
    r.close()


def udp_full(n):
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    r.bind(("127.0.0.1", 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    for _ in range(n):
        s.sendto(b"x" * 1000, r.getsockname())
    print(s.getsockname()[1], r.getsockname()[1])


def listen_overflow(k):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(k)  # an accept queue of k + 1, k of them taken now
    port = ls.getsockname()[1]
    cs = [socket.create_connection(("127.0.0.1", port)) for _ in range(k)]
    rule = ("table inet ftnet_flows {\n chain input {\n type filter hook input priority 0;\n"
            " tcp dport %d tcp flags & (syn | ack | fin | rst) == ack drop\n }\n}\n" % port)
    subprocess.run(["nft", "-f", "-"], input=rule.encode(), check=True)
    for _ in range(k + 1):  # answered while the queue has room, their last ACKs dropped
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        cs.append(c)
    time.sleep(0.3)
    subprocess.run(["nft", "delete", "table", "inet", "ftnet_flows"], check=True)
    time.sleep(3.5)  # SYN-ACKs again at 1 s and 3 s: one ACK fills the queue, k overflow
    print(port)


def queue_seq(sock, queue):
    sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, queue)
    seq = sock.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ)
    sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP)
    return seq & 0xFFFFFFFF


def window(n):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.socket()
    c.connect(ls.getsockname())
    a, _ = ls.accept()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    c.setblocking(False)
    try:  # fill the receiver until it advertises no window
        for _ in range(10000):
            c.send(b"z" * 1000)
    except BlockingIOError:
        pass
    time.sleep(1)
    rcv_nxt = queue_seq(a, TCP_RECV_QUEUE)
    snd_nxt = queue_seq(a, TCP_SEND_QUEUE)
    sport, dport = c.getsockname()[1], a.getsockname()[1]
    segs = [tcp_segment(sport, dport, rcv_nxt, snd_nxt, 0x18, b"w" * 10) for _ in range(n)]
    segs += [tcp_segment(sport, dport, (rcv_nxt + (1 << 30)) & 0xFFFFFFFF, snd_nxt, 0x18,
                         b"w" * 10) for _ in range(n)]
    raw_send(segs, dport)
    time.sleep(0.2)
    print(sport, dport)


def main():
    mode = sys.argv[1]
    if mode == "udp-full":
        udp_full(int(sys.argv[2]))
    elif mode == "listen-overflow":
        listen_overflow(int(sys.argv[2]))
    elif mode == "bad-csum":
        n, port = int(sys.argv[2]), int(sys.argv[3])
        raw_send([tcp_segment(40000 + i, port, 1000, 0, 0x02, bad=True) for i in range(n)], port)
        print(40000)
    elif mode == "window":
        window(int(sys.argv[2]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
