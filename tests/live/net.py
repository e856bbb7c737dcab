# SPDX-License-Identifier: GPL-2.0-or-later
"""Traffic for the live tests, to loopback only: each mode prints what the test checks."""
import socket
import sys
import time


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    mode = sys.argv[1]
    if mode == "udp":  # udp PORT N [ADDR]: N datagrams to ADDR (127.0.0.1):PORT
        port, n = int(sys.argv[2]), int(sys.argv[3])
        addr = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(n):
            s.sendto(b"ftnet-test", (addr, port))
        print(s.getsockname()[1])
    elif mode == "udp-named":  # udp-named HEXNAME PORT N: N datagrams from a task so named
        import ctypes
        name = bytes.fromhex(sys.argv[2])
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0) != 0:  # PR_SET_NAME
            sys.exit("prctl(PR_SET_NAME): errno %d" % ctypes.get_errno())
        port, n = int(sys.argv[3]), int(sys.argv[4])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(n):
            s.sendto(b"ftnet-test", ("127.0.0.1", port))
        print(s.getsockname()[1])
    elif mode == "udp-self":  # udp-self N: N datagrams to a socket that reads them all
        n = int(sys.argv[2])
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.bind(("127.0.0.1", 0))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(n):
            s.sendto(b"ftnet-test", r.getsockname())
            r.recv(100)
        print(r.getsockname()[1])
    elif mode == "tcp-lockstep":  # tcp-lockstep N: N messages, each read before the next
        n = int(sys.argv[2])
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        c = socket.socket()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.connect(ls.getsockname())
        a, _ = ls.accept()
        for _ in range(n):
            c.send(b"m" * 100)
            got = 0
            while got < 100:
                got += len(a.recv(100 - got))
        print(ls.getsockname()[1])
    elif mode == "closed-port":  # a free port nobody listens on
        print(free_port(socket.SOCK_STREAM if sys.argv[2] == "tcp" else socket.SOCK_DGRAM))
    elif mode == "refused":  # refused PORT K [many]: K connects to a closed port, with "many"
        port, k = int(sys.argv[2]), int(sys.argv[3])  # each from its own 127.0.0.(2+i)
        many = len(sys.argv) > 4 and sys.argv[4] == "many"
        for i in range(k):
            s = socket.socket()
            if many:
                s.bind(("127.0.0.%d" % (2 + i), 0))
            try:
                s.connect(("127.0.0.1", port))
                sys.exit("connect to a closed port succeeded")
            except ConnectionRefusedError:
                print(s.getsockname()[1])
            s.close()
    elif mode == "connects":  # connects K: K connects to a listener; prints "listen client..."
        k = int(sys.argv[2])
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(k + 1)
        out = [str(ls.getsockname()[1])]
        conns = []
        for _ in range(k):
            c = socket.socket()
            c.connect(ls.getsockname())
            out.append(str(c.getsockname()[1]))
            conns.append((c, ls.accept()[0]))
        print(" ".join(out))
    elif mode == "stalled":  # stalled PORTFILE SECS: a flow whose data the firewall drops
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        c = socket.socket()
        c.connect(ls.getsockname())
        a, _ = ls.accept()
        with open(sys.argv[2], "w") as f:
            f.write("%d %d\n" % (ls.getsockname()[1], c.getsockname()[1]))
        for _ in range(100):  # the test adds the drop rule, then creates PORTFILE.go
            try:
                open(sys.argv[2] + ".go").close()
                break
            except OSError:
                time.sleep(0.05)
        c.send(b"x" * 100)
        time.sleep(float(sys.argv[3]))
        # abort both ends: an orphaned socket would go on retransmitting into later tests
        import struct
        for s in (c, a):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
    else:
        sys.exit("unknown mode " + mode)


main()
