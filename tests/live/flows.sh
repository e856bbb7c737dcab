# SPDX-License-Identifier: GPL-2.0-or-later
# Drops carry their flow from tracepoints alone (no kprobe reads the packet: --backend
# tracepoint), in a private namespace: each kind of drop provoked a known number of times, and
# every one of them with its flow, where it came from, its device and the socket's process.
. "$TESTLIB"
need_root
need_cmd nft
make_ns
FLOWS="python3 $HERE/flows.py"
have() { [ -e "/sys/kernel/tracing/events/$1/format" ]; }
have skb/kfree_skb && grep -q rx_sk /sys/kernel/tracing/events/skb/kfree_skb/format ||
	skip "kfree_skb has no rx_sk before 6.12: the socket of a drop is not known"
have udp/udp_fail_queue_rcv_skb && grep -q saddr /sys/kernel/tracing/events/udp/udp_fail_queue_rcv_skb/format ||
	skip "udp_fail_queue_rcv_skb carries no addresses before 6.10"

"$FTNET" -I "$INST" --backend tracepoint stream drops --json >"$TMP/out" 2>"$TMP/out.err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled udp/udp_fail_queue_rcv_skb
wait_enabled tcp/tcp_probe

# a UDP socket that never reads, with the smallest receive buffer: every datagram it cannot
# take is dropped right after udp_fail_queue_rcv_skb, on the same CPU
rcvbuf0=$(snmp "$NS" Udp RcvbufErrors)
read -r usport udport <<<"$(in_ns $FLOWS udp-full 200)"
rcvbuf=$(($(snmp "$NS" Udp RcvbufErrors) - rcvbuf0))
echo "RcvbufErrors: $rcvbuf"


# TCP to a closed port: the SYN is answered by a reset naming it (tcp_send_reset), then dropped
closed=$(in_ns $NET closed-port tcp)
in_ns $NET refused "$closed" 5 >"$TMP/refused"

# SYNs with a wrong checksum: tcp_bad_csum names each before its TCP_CSUM drop
csum0=$(snmp "$NS" Tcp InCsumErrors)
csport=$(in_ns $FLOWS bad-csum 5 "$closed")
csum=$(($(snmp "$NS" Tcp InCsumErrors) - csum0))

# data at a full receiver (no window) and far beyond its window: dropped on the socket; on
# this namespace's loopback, where inet_diag names the socket's process by its cookie
read -r wsport wdport <<<"$($FLOWS window 5)"

# a listener made after the start (its LISTEN names it) whose accept queue overflows
lport=$(in_ns $FLOWS listen-overflow 4)
stream_stop
expect_eq "stream exit status" "$STREAM_RC" 0

# the socket takes a datagram or two before its buffer is full
drops=$(jcount "$TMP/out" "e['type'] == 'drop' and e.get('reason') == 'SOCKET_RCVBUFF'")
expect_ge "SOCKET_RCVBUFF drops" "$drops" 190
flows=$(jcount "$TMP/out" "e.get('reason') == 'SOCKET_RCVBUFF' and e.get('flow_from') == 'udp_fail_queue' and e['ipproto'] == 'udp' and e['saddr'] == e['daddr'] == '127.0.0.1' and e['sport'] == $usport and e['dport'] == $udport and e.get('dev') == 'lo'")
expect_eq "SOCKET_RCVBUFF drops with their flow (udp_fail_queue) and dev lo" "$flows" "$drops"
expect_eq "SOCKET_RCVBUFF drops = RcvbufErrors" "$drops" "$rcvbuf"

drops=$(jcount "$TMP/out" "e.get('reason') == 'NO_SOCKET' and e['location'].startswith('tcp_v4_rcv') and e.get('dport') == $closed")
expect_eq "NO_SOCKET drops of SYNs to a closed port" "$drops" 5
flows=$(jcount "$TMP/out" "e.get('reason') == 'NO_SOCKET' and e.get('flow_from') == 'tcp_event' and e['ipproto'] == 'tcp' and e['dport'] == $closed and e['sport'] in [int(p) for p in open('$TMP/refused')] and e.get('dev') == 'lo'")
expect_eq "NO_SOCKET drops with their flow (the reset's)" "$flows" 5
# and the segments of the overflowed clients after their listener closed, reset too
drops=$(jcount "$TMP/out" "e.get('reason') == 'NO_SOCKET' and e['location'].startswith('tcp_v4_rcv')")
flows=$(jcount "$TMP/out" "e.get('reason') == 'NO_SOCKET' and e['location'].startswith('tcp_v4_rcv') and e.get('flow_from') == 'tcp_event'")
expect_eq "every TCP NO_SOCKET drop with its flow" "$flows" "$drops"

expect_eq "TCP checksum errors" "$csum" 5
drops=$(jcount "$TMP/out" "e.get('reason') == 'TCP_CSUM'")
expect_eq "TCP_CSUM drops" "$drops" 5
flows=$(jcount "$TMP/out" "e.get('reason') == 'TCP_CSUM' and e.get('flow_from') == 'tcp_event' and $csport <= e['sport'] < $csport + 5 and e['dport'] == $closed")
expect_eq "TCP_CSUM drops with their flow (tcp_bad_csum)" "$flows" 5

for r in TCP_INVALID_SEQUENCE TCP_INVALID_END_SEQUENCE; do
	drops=$(jcount "$TMP/out" "e.get('reason') == '$r' and e.get('dport') == $wdport")
	expect_ge "$r drops" "$drops" 5
	flows=$(jcount "$TMP/out" "e.get('reason') == '$r' and e.get('flow_from') == 'rx_sk' and e['sport'] == $wsport and e['dport'] == $wdport and e['saddr'] == '127.0.0.1' and e.get('sk_comm') == 'python3' and e.get('sk_pid', 0) > 0")
	expect_eq "$r drops with their socket's flow and process" "$flows" "$drops"
done

drops=$(jcount "$TMP/out" "e.get('reason') == 'TCP_LISTEN_OVERFLOW'")
expect_ge "TCP_LISTEN_OVERFLOW drops" "$drops" 4
# a listener knows its own end only: the drop's destination, the source unknown
flows=$(jcount "$TMP/out" "e.get('reason') == 'TCP_LISTEN_OVERFLOW' and e.get('flow_from') == 'rx_sk' and e['dport'] == $lport and e['daddr'] == '127.0.0.1' and 'saddr' not in e and 'sport' not in e")
expect_eq "TCP_LISTEN_OVERFLOW drops with the listener's end" "$flows" "$drops"

# nothing lent to what no event named: the handshakes' ACKs the rule dropped
nf=$(jcount "$TMP/out" "e.get('reason') == 'NETFILTER_DROP' and 'flow_from' in e")
expect_eq "NETFILTER_DROP drops with a flow" "$nf" 0
no_instance_left

# a packet filter and top --by flow on these flows
"$FTNET" -I "$INST" --backend tracepoint stream drops --json "udp and dst port 9" >"$TMP/f" 2>"$TMP/f.err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled udp/udp_fail_queue_rcv_skb
read -r usport udport <<<"$(in_ns $FLOWS udp-full 100)"
stream_stop
expect_eq "drops the filter 'udp and dst port 9' passed of another port" "$(wc -l <"$TMP/f")" 0
"$FTNET" -I "$INST" --backend tracepoint stream drops --json "udp and src port $usport" >"$TMP/f" 2>"$TMP/f.err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled udp/udp_fail_queue_rcv_skb
in_ns python3 - "$usport" <<'PY'
import socket, sys
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
r.bind(("127.0.0.1", 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
for _ in range(100):
    s.sendto(b"x" * 1000, r.getsockname())
PY
stream_stop
n=$(jcount "$TMP/f" "e.get('reason') == 'SOCKET_RCVBUFF' and e['sport'] == $usport")
expect_ge "drops the filter 'udp and src port $usport' passed" "$n" 95
expect_eq "every line the filter passed is of that port" "$(wc -l <"$TMP/f")" "$n"

"$FTNET" -I "$INST" --backend tracepoint top drops --by flow --json -d 3 -t 3 >"$TMP/top" 2>"$TMP/top.err" &
TOP_PID=$!
PIDS="$TOP_PID"
wait_enabled udp/udp_fail_queue_rcv_skb
read -r usport udport <<<"$(in_ns $FLOWS udp-full 100)"
wait "$TOP_PID"
PIDS=""
n=$(python3 - "$TMP/top" "$usport" "$udport" <<'PY'
import json, sys
rows = [r for line in open(sys.argv[1]) for t in [json.loads(line)] for r in t.get("drops", [])
        if r.get("sport") == sys.argv[2] and r.get("dport") == sys.argv[3]]
print(sum(r["count"] for r in rows))
PY
)
expect_ge "top --by flow: drops of the slow reader's flow" "$n" 95
no_instance_left
finish
