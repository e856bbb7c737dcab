# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet follow on tracepoints: N UDP datagrams to a closed port give N paths received on lo
# and dropped NO_SOCKET at __udp4_lib_rcv, with __udp4_lib_rcv in the kernel stack; datagrams
# read by a socket give delivered paths; TCP data read by a task gives paths delivered to it;
# a TCP connect's SYN is consumed by the listener; -c stops by itself; a packet filter is
# refused (no kprobes here); follow's instance has 4096 KB per CPU; no instance is left.
. "$TESTLIB"
need_root
make_ns
N=7

# Tracepoints carry no ports or namespace: our traffic is told by sizes nothing else here
# sends (net.py's are shared with the other tests): 1001-byte datagrams to a closed port (a
# 1029-byte IPv4 packet on lo), 1002-byte ones read by a socket (1030), and TCP messages of
# 1003 bytes, each read before the next.
RX="any(s['step'] == 'netif_receive_skb' and s.get('dev') == 'lo' and s.get('len') == %s for s in e['steps'])"
UDP_RX=$(printf "$RX" 1029)
SELF_RX=$(printf "$RX" 1030)
traffic() {
	in_ns python3 - "$@" <<'PY'
import socket, sys
mode, n = sys.argv[1], int(sys.argv[2])
if mode == "closed":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(n):
        s.sendto(b"c" * 1001, ("127.0.0.1", int(sys.argv[3])))
elif mode == "self":
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(n):
        s.sendto(b"s" * 1002, r.getsockname())
        r.recv(2000)
elif mode == "tcp":
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname())
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    a, _ = ls.accept()
    for _ in range(n):
        c.send(b"t" * 1003)
        got = 0
        while got < 1003:
            got += len(a.recv(1003 - got))
    # a new name after the reads, shown by /proc while the reader reads them
    import ctypes, time
    ctypes.CDLL(None).prctl(15, b"ftnet-renamed", 0, 0, 0)
    print("renamed", flush=True)
    time.sleep(2)
PY
}

# follow_bg OUT ARGS...: ftnet follow in the background in $NS, ready once its private
# instance has the stack trigger on kfree_skb (or, with --no-stacks, kfree_skb enabled).
follow_bg() {
	local out=$1 f i
	shift
	ip netns exec "$NS" "$FTNET" follow "$@" >"$out" 2>"$out.err" &
	FOLLOW_PID=$!
	PIDS="$PIDS $FOLLOW_PID"
	FOLLOW_INST=/sys/kernel/tracing/instances/ftnet-follow-$FOLLOW_PID
	for i in $(seq 100); do
		f=$FOLLOW_INST/events/skb/kfree_skb
		if grep -q '^1' "$f/enable" 2>/dev/null &&
		   { [ "${STACKS:-1}" = 0 ] || grep -q '^stacktrace' "$f/trigger" 2>/dev/null; }; then
			return 0
		fi
		sleep 0.05
	done
	fail "ftnet follow never got ready (5 s): $(cat "$out.err")"
	return 1
}

follow_stop() {
	sleep 0.3
	kill -INT "$FOLLOW_PID"
	wait "$FOLLOW_PID"
	FOLLOW_RC=$?
	PIDS=""
}

follow_gone() {
	if [ -d "$FOLLOW_INST" ]; then
		fail "instance $FOLLOW_INST was left behind"
	else
		ok "no instance left"
	fi
}

port=$(in_ns $NET closed-port udp)
has_ready=0
[ -e /sys/kernel/tracing/events/sock/sk_data_ready/format ] && has_ready=1

# The reader is stopped while the traffic runs: the senders have exec'd (from a shell, then
# ip), sent, read, and exited or taken another name before their events are read, and the
# reader still names each as it was then (python3, not the shell, ip, or the new name).
follow_bg "$TMP/out" --json
kill -STOP "$FOLLOW_PID"
traffic closed "$N" "$port"
traffic self 4
traffic tcp 3 >"$TMP/tcp" &
TCP_PID=$!
for i in $(seq 100); do
	grep -q renamed "$TMP/tcp" && break
	sleep 0.05
done
kill -CONT "$FOLLOW_PID"
follow_stop
wait "$TCP_PID"
expect_eq "follow exit status" "$FOLLOW_RC" 0
follow_gone

drops=$(jcount "$TMP/out" "e['type'] == 'path' and e['verdict'] == 'dropped' and e.get('reason') == 'NO_SOCKET' and e['location'].startswith('__udp4_lib_rcv+0x') and $UDP_RX")
expect_eq "paths of datagrams to a closed port: dropped NO_SOCKET at __udp4_lib_rcv" "$drops" "$N"
order=$(jcount "$TMP/out" "e['verdict'] == 'dropped' and $UDP_RX and [s['step'] for s in e['steps']][-2:] == ['netif_receive_skb', 'kfree_skb'] and [s['t_ns'] for s in e['steps']] == sorted(s['t_ns'] for s in e['steps']) and e['steps'][0]['t_ns'] == 0")
expect_eq "those paths: received on lo, then kfree_skb, in time order" "$order" "$N"
sent=$(jcount "$TMP/out" "e['verdict'] == 'dropped' and $UDP_RX and any(s['step'] == 'net_dev_xmit' and s.get('dev') == 'lo' for s in e['steps'])")
expect_eq "those paths: sent on lo first (loopback keeps the skb)" "$sent" "$N"
stack=$(jcount "$TMP/out" "e['verdict'] == 'dropped' and $UDP_RX and any(f.startswith('__udp4_lib_rcv+0x') for f in e.get('stack', [])) and any(f.startswith('udp_sendmsg+0x') for f in e['stack'])")
expect_eq "those paths: the kernel stack at the drop holds __udp4_lib_rcv and udp_sendmsg" "$stack" "$N"
if [ "$has_ready" = 1 ]; then
	dlv=$(jcount "$TMP/out" "e['verdict'] == 'delivered' and e.get('sock_protocol') == 'udp' and $SELF_RX and e['steps'][-1]['step'] in ('sk_data_ready', 'skb_copy_datagram_iovec')")
	expect_eq "paths of datagrams read by a socket: delivered to a udp socket" "$dlv" 4
else
	dlv=$(jcount "$TMP/out" "e['verdict'] in ('delivered', 'expired') and $SELF_RX")
	expect_eq "paths of datagrams read by a socket (no sk_data_ready here)" "$dlv" 4
fi
tcp=$(jcount "$TMP/out" "e['verdict'] == 'delivered' and e.get('comm') == 'python3' and e['pid'] > 0 and e['steps'][-1]['step'] == 'skb_copy_datagram_iovec' and e['steps'][-1]['len'] == 1003 and any(s['step'] == 'netif_receive_skb' and s.get('dev') == 'lo' for s in e['steps'])")
expect_eq "paths of TCP messages: delivered, read by python3" "$tcp" 3
syn=$(jcount "$TMP/out" "e['verdict'] == 'consumed' and e.get('location', '').startswith('tcp_rcv_state_process+0x') and $(printf "$RX" 60) and any(s['step'] == 'net_dev_queue' for s in e['steps'])")
expect_ge "the connect's SYN: sent and received on lo, consumed by the listener" "$syn" 1
bad=$(jcount "$TMP/out" "e['type'] != 'path' or e['verdict'] not in ('dropped', 'consumed', 'delivered', 'expired') or not e['skbaddr'].startswith('0x') or not e['steps']")
expect_eq "objects that are no well-formed path" "$bad" 0
grep -q 'paths shown (.*dropped.*delivered.*consumed.*expired).*0 events lost' "$TMP/out.err" &&
	ok "summary on stderr" || fail "summary: $(cat "$TMP/out.err")"
if [ "$FAILS" -gt 0 ]; then	# what our traffic's paths were, to tell why
	python3 - "$TMP/out" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    lens = [s.get('len') for s in e['steps'] if s['step'] == 'netif_receive_skb']
    if any(n in (60, 1029, 1030, 1055) for n in lens):
        print(e['verdict'], e.get('reason'), e.get('location'), e.get('sock_protocol'),
              e.get('comm'), [(s['step'], s.get('len')) for s in e['steps']])
PY
fi

# text: one block per packet, steps indented, the stack under the drop
follow_bg "$TMP/text"
traffic closed 2 "$port"
follow_stop
# blocks: a header, steps indented, stack frames indented further, an empty line
n=$(awk '/^[0-9.]+ skb 0x[0-9a-f]+ dropped NO_SOCKET at __udp4_lib_rcv\+0x[0-9a-f]+$/ { h = 1 }
	/^ +\+[0-9.]+us  netif_receive_skb +lo +cpu [0-9]+ len 1029$/ { r = h }
	/^ +\+[0-9.]+us  kfree_skb +- +cpu [0-9]+$/ { k = r }
	/^                  __udp4_lib_rcv\+0x[0-9a-f]+$/ { f = k }
	/^$/ { if (f) n++; h = r = k = f = 0 }
	END { print n + 0 }' "$TMP/text")
expect_eq "text blocks of the drops: header, received on lo, kfree_skb, the stack" "$n" 2
follow_gone

# -c stops by itself; --no-stacks: no stacks and no trigger
STACKS=0 follow_bg "$TMP/count" --json -c 2 --no-stacks
[ -e "$FOLLOW_INST/events/skb/kfree_skb/trigger" ] && ! grep -q '^stacktrace' "$FOLLOW_INST/events/skb/kfree_skb/trigger" &&
	ok "no stack trigger with --no-stacks" || fail "stack trigger with --no-stacks"
# the instance follow makes has 4096 KB per CPU (rounded up to pages), less only where the
# buffers would take over 1/32 of the memory available
kb=$(cat "$FOLLOW_INST/buffer_size_kb")
cap=$(awk -v n="$(nproc --all)" '/^MemAvailable:/ { print int($2 / 32 / n) }' /proc/meminfo)
if [ "$cap" -ge 4200 ]; then
	[ "$kb" -ge 4096 ] && [ "$kb" -le 4200 ] && ok "follow's buffer: $kb KB per CPU" ||
		fail "follow's buffer: $kb KB per CPU, want 4096"
else
	[ "$kb" -ge 1408 ] && [ "$kb" -le 4200 ] && ok "follow's buffer: $kb KB per CPU (cap $cap)" ||
		fail "follow's buffer: $kb KB per CPU, cap $cap"
fi
for i in 1 2 3 4 5 6 7 8 9 10; do
	kill -0 "$FOLLOW_PID" 2>/dev/null || break
	traffic closed 2 "$port"
	sleep 0.2
done
wait "$FOLLOW_PID"
expect_eq "follow -c 2 exit status" "$?" 0
PIDS=""
expect_eq "paths printed with -c 2" "$(wc -l <"$TMP/count")" 2
expect_eq "paths with a stack under --no-stacks" "$(jcount "$TMP/count" "'stack' in e")" 0
follow_gone

# a filter on packet headers needs kprobes: refused, saying what to do instead
if ! grep -q kprobe /sys/kernel/tracing/available_tracers 2>/dev/null &&
   [ ! -e /sys/kernel/tracing/kprobe_events ]; then
	"$FTNET" follow 'udp port 53' >"$TMP/filter" 2>&1
	expect_eq "follow FILTER exit status" "$?" 2
	grep -q "needs kprobes.*'ftnet follow' without a filter.*'ftnet stream drops'" "$TMP/filter" &&
		ok "follow FILTER says what is missing and what works" || fail "follow FILTER: $(cat "$TMP/filter")"
fi
[ "$(new_instances ftnet-follow-)" = 0 ] &&
	ok "no follow instance at all" || fail "follow instances left: $(ls -d /sys/kernel/tracing/instances/ftnet-follow-*)"
finish
