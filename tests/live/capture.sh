# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet capture: exactly K RSTs with a tcpflags filter (captured with --netns), a file written
# with -w that -r and tcpdump read back alike, --drops next to an nft rule's drops (each drop
# after its packet, also when the capture ends at once after the traffic), bad input.
. "$TESTLIB"
need_root
need_cmd nft
make_ns
K=5

cap_bg() {	# cap_bg OUT ARGS...: ftnet capture in the background, ready when it says so
	local out=$1
	shift
	"$FTNET" capture "$@" >"$out" 2>"$out.err" &
	CAP=$!
	PIDS="$PIDS $CAP"
	sleep 0.7
}
cap_stop() {
	sleep 0.3
	kill -INT "$CAP"
	wait "$CAP"
	CAP_RC=$?
	PIDS=""
}

port=$(in_ns $NET closed-port tcp)
cap_bg "$TMP/rst" --netns "$NS" -i lo --json 'tcp[tcpflags] & tcp-rst != 0'
in_ns $NET refused "$port" "$K" >"$TMP/clients"
cap_stop
expect_eq "capture exit status" "$CAP_RC" 0
expect_eq "RST packets captured" "$(jcount "$TMP/rst" "e['type'] == 'packet'")" "$K"
for c in $(cat "$TMP/clients"); do
	n=$(jcount "$TMP/rst" "e['sport'] == $port and e['dport'] == $c and 'RST' in e['tcp_flags'] and e['ifname'] == 'lo'")
	expect_eq "RST $port -> $c" "$n" 1
done
grep -q "^$K packets captured$" "$TMP/rst.err" && ok "summary: $K captured" || fail "summary: $(cat "$TMP/rst.err")"
grep -q "^0 packets dropped by kernel$" "$TMP/rst.err" && ok "summary: none dropped" || fail "summary: $(cat "$TMP/rst.err")"

# -w, then -r and tcpdump read the same packets
cap_bg "$TMP/w" --netns "$NS" -i lo -w "$TMP/rst.pcap" 'tcp[tcpflags] & tcp-rst != 0'
in_ns $NET refused "$port" "$K" >/dev/null
cap_stop
"$FTNET" capture -r "$TMP/rst.pcap" --json >"$TMP/r" 2>"$TMP/r.err"
expect_eq "capture -r exit status" "$?" 0
expect_eq "packets read back" "$(jcount "$TMP/r" "e['type'] == 'packet' and 'RST' in e['tcp_flags']")" "$K"
if command -v tcpdump >/dev/null; then
	expect_eq "packets tcpdump reads" "$(tcpdump -nr "$TMP/rst.pcap" 2>/dev/null | grep -c 'Flags \[R')" "$K"
	tcpdump -nr "$TMP/rst.pcap" -w "$TMP/rst.pcapng" --time-stamp-precision=nano 2>/dev/null
fi
"$FTNET" capture -r "$TMP/rst.pcap" 'tcp dst port 1' >"$TMP/rf" 2>&1
expect_eq "a filter on -r" "$(grep -c ' tcp ' "$TMP/rf")" 0

# --drops: an nft drop rule's drops appear after their packets
M=6
nft_input 'udp dport 7777 counter drop'
drops_bg() {	# drops_bg OUT: capture --drops, ready once its private instance traces drops
	cap_bg "$1" --netns "$NS" -i lo --json --drops 'udp port 7777'
	for i in $(seq 100); do
		[ "$(cat /sys/kernel/tracing/instances/ftnet-capture-$CAP/events/skb/kfree_skb/enable 2>/dev/null)" = 1 ] && break
		sleep 0.05
	done
	sleep 0.2
}
# strict_order OUT N: the flow's N packets and N NETFILTER_DROPs; the i-th drop (the drop of
# the i-th packet: one flow, dropped in order) printed after that packet and stamped later;
# every packet and drop printed in time order
strict_order() {
	python3 - "$1" "$2" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
# drops are traced system-wide: the test's own are the firewall's (a kernel worker may drop
# a vsock packet from the hypervisor in the same window)
own = [(i, e) for i, e in enumerate(ev)
       if (e["type"] == "packet" and e.get("dport") == 7777)
       or (e["type"] == "drop" and e.get("reason") == "NETFILTER_DROP")]
pk = [(i, e) for i, e in own if e["type"] == "packet"]
dr = [(i, e) for i, e in own if e["type"] == "drop"]
assert len(pk) == n and len(dr) == n, "%d packets, %d drops, want %d" % (len(pk), len(dr), n)
for k, ((ip, p), (idr, d)) in enumerate(zip(pk, dr)):
    assert ip < idr, "drop %d printed before its packet (lines %d, %d)" % (k + 1, idr + 1, ip + 1)
    assert p["ts_ns"] <= d["wall_ns"], "drop %d stamped before its packet" % (k + 1)
t = [e["ts_ns"] if e["type"] == "packet" else e["wall_ns"] for e in ev
     if e["type"] in ("packet", "drop")]
bad = [k for k in range(1, len(t)) if t[k] < t[k - 1]]
assert not bad, "out of time order at item %d" % (bad[0] + 1)
PY
}
drops_bg "$TMP/d"
in_ns $NET udp 7777 "$M" >/dev/null
cap_stop
counter=$(nft_counter)
expect_eq "nft counter" "$counter" "$M"
expect_eq "packets to 7777" "$(jcount "$TMP/d" "e['type'] == 'packet' and e['dport'] == 7777")" "$M"
expect_eq "NETFILTER_DROP events" "$(jcount "$TMP/d" "e['type'] == 'drop' and e.get('reason') == 'NETFILTER_DROP'")" "$counter"
strict_order "$TMP/d" "$M" && ok "each drop follows its packet, in time order" || fail "order: $(cat "$TMP/d")"
# ended at once after the traffic: the drops are read before libpcap hands over the block
# that holds their packets (up to 2 x its 100 ms timeout later); ftnet must wait for them
for r in 1 2 3; do
	drops_bg "$TMP/q$r"
	in_ns $NET udp 7777 "$M" >/dev/null
	kill -INT "$CAP"
	wait "$CAP"
	expect_eq "capture stopped at once ($r): exit status" "$?" 0
	PIDS=""
	strict_order "$TMP/q$r" "$M" && ok "stopped at once ($r): each drop follows its packet" || fail "stopped at once ($r): $(cat "$TMP/q$r")"
done
expect_eq "nft counter after them" "$(nft_counter)" $((M * 4))
left=$(new_instances ftnet-capture-)
expect_eq "capture instances left" "$left" 0

# bad input: the filter's own message and exit 2; missing things named; broken files
"$FTNET" capture -i lo -d 0.2 'tcp[' >"$TMP/o" 2>"$TMP/e"
expect_eq "bad filter exit status" "$?" 2
grep -q "invalid filter 'tcp\[': .*syntax error" "$TMP/e" && ok "filter error" || fail "$(cat "$TMP/e")"
"$FTNET" capture -i ftnet-nosuch0 -d 0.2 >"$TMP/o" 2>"$TMP/e"
expect_eq "missing interface exit status" "$?" 1
grep -q "no interface 'ftnet-nosuch0'" "$TMP/e" && ok "missing interface named" || fail "$(cat "$TMP/e")"
"$FTNET" capture --netns ftnet-nosuch-ns -d 0.2 >"$TMP/o" 2>"$TMP/e"
expect_eq "missing namespace exit status" "$?" 1
grep -q "cannot enter network namespace 'ftnet-nosuch-ns'" "$TMP/e" && ok "missing namespace named" || fail "$(cat "$TMP/e")"
# options that do not go together are usage errors naming both, before anything starts
for a in "-i lo" "-s 128" "-B 1024" "--netns $NS" "--drops" "-w $TMP/x.pcap"; do
	set -- $a
	"$FTNET" capture -r "$TMP/rst.pcap" "$@" >"$TMP/o" 2>"$TMP/e"
	expect_eq "-r with $1: exit status" "$?" 2
	case $1 in -i) l=interface ;; -s) l=snaplen ;; -B) l=buffer-kb ;; -w) l=write ;; *) l=${1#--} ;; esac
	grep -q "^ftnet: --read and --$l conflict: -r reads a file" "$TMP/e" && ok "-r with $1 named" || fail "-r with $1: $(cat "$TMP/e")"
	[ -s "$TMP/o" ] && fail "-r with $1 printed packets: $(cat "$TMP/o")"
done
"$FTNET" capture -i lo -w "$TMP/x.pcap" --json -d 0.2 >"$TMP/o" 2>"$TMP/e"
expect_eq "-w with --json: exit status" "$?" 2
grep -q "^ftnet: --write and --json conflict" "$TMP/e" && ok "-w with --json named" || fail "-w --json: $(cat "$TMP/e")"
[ -e "$TMP/x.pcap" ] && fail "-w with --json wrote $TMP/x.pcap"
"$FTNET" capture -i lo -w "$TMP/x.pcap" --drops -d 0.2 >"$TMP/o" 2>"$TMP/e"
expect_eq "-w with --drops: exit status" "$?" 2
grep -q "^ftnet: --write and --drops conflict" "$TMP/e" && ok "-w with --drops named" || fail "-w --drops: $(cat "$TMP/e")"
# a file of a link type libpcap does not know: the file's fault (1), not the filter's (2)
python3 - "$TMP/linktype.pcap" <<'PY'
import struct, sys
ip = bytes.fromhex("4500001c00004000401100007f0000017f000001") + bytes.fromhex("d4310007000800")
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 65000))
    f.write(struct.pack("<IIII", 1, 0, len(ip), len(ip)) + ip)
PY
for f in "" udp; do
	"$FTNET" capture -r "$TMP/linktype.pcap" $f >"$TMP/o" 2>"$TMP/e"
	expect_eq "unknown link type${f:+ with a filter}: exit status" "$?" 1
	grep -q "cannot read '$TMP/linktype.pcap': unknown link type 65000" "$TMP/e" && ok "unknown link type reported${f:+ with a filter}" || fail "link type: $(cat "$TMP/e")"
done
size=$(stat -c %s "$TMP/rst.pcap")
head -c $((size - 10)) "$TMP/rst.pcap" >"$TMP/trunc.pcap"
"$FTNET" capture -r "$TMP/trunc.pcap" >"$TMP/o" 2>"$TMP/e"
expect_eq "truncated file exit status" "$?" 1
grep -qi "truncated" "$TMP/e" && ok "truncated file reported" || fail "$(cat "$TMP/e")"
expect_eq "packets before the cut" "$(grep -c ' tcp ' "$TMP/o")" $((K - 1))
head -c 100 /dev/urandom >"$TMP/junk.pcap"
"$FTNET" capture -r "$TMP/junk.pcap" >"$TMP/o" 2>"$TMP/e"
expect_eq "junk file exit status" "$?" 1
grep -q "cannot read '$TMP/junk.pcap'" "$TMP/e" && ok "junk file reported" || fail "$(cat "$TMP/e")"
"$FTNET" capture -r "$TMP/nonexistent.pcap" >"$TMP/o" 2>"$TMP/e"
expect_eq "missing file exit status" "$?" 1
# -w: a write that fails is exit 1 with what was kept, whatever the file is
PORTW=$($NET closed-port udp)
for target in /dev/full /proc/version; do
	"$FTNET" capture -i lo -w "$target" -d 1.5 "udp port $PORTW" >/dev/null 2>"$TMP/w.err" &
	P=$!
	PIDS="$P"
	sleep 0.5
	$NET udp "$PORTW" 20 >/dev/null
	wait "$P"
	expect_eq "capture -w $target: exit status" "$?" 1
	PIDS=""
	grep -q "cannot write '$target': .*packets were captured, not all of them are in the file" "$TMP/w.err" && \
		ok "capture -w $target says what was lost" || fail "capture -w $target: $(cat "$TMP/w.err")"
done
# a FIFO nobody reads: -d still ends the run, and says why
mkfifo "$TMP/fifo"
timeout 20 "$FTNET" capture -i lo -w "$TMP/fifo" -d 1 >/dev/null 2>"$TMP/w.err"
rc=$?
[ "$rc" = 1 ] && grep -q "nobody opened the FIFO for reading before the run ended" "$TMP/w.err" && \
	ok "capture -w FIFO without a reader ends at -d" || fail "FIFO: status $rc, $(cat "$TMP/w.err")"
# and a FIFO with a reader gets the packets
cat "$TMP/fifo" >"$TMP/fifo.pcap" &
R=$!
"$FTNET" capture -i lo -w "$TMP/fifo" -d 3 -c 4 "udp port $PORTW" >/dev/null 2>"$TMP/w.err" &
P=$!
sleep 0.5
$NET udp "$PORTW" 4 >/dev/null
wait "$P"
expect_eq "capture -w FIFO with a reader: exit status" "$?" 0
wait "$R"
expect_eq "packets through the FIFO" "$("$FTNET" capture -r "$TMP/fifo.pcap" 2>/dev/null | wc -l)" 4
finish
