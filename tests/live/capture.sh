# ftnet capture: exactly K RSTs with a tcpflags filter (captured with --netns), a file written
# with -w that -r and tcpdump read back alike, --drops next to an nft rule's drops, bad input.
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
cap_bg "$TMP/d" --netns "$NS" -i lo --json --drops 'udp port 7777'
for i in $(seq 100); do	# ready once its private instance traces drops
	[ "$(cat /sys/kernel/tracing/instances/ftnet-capture-$CAP/events/skb/kfree_skb/enable 2>/dev/null)" = 1 ] && break
	sleep 0.05
done
sleep 0.2
in_ns $NET udp 7777 "$M" >/dev/null
cap_stop
counter=$(nft_counter)
expect_eq "nft counter" "$counter" "$M"
expect_eq "packets to 7777" "$(jcount "$TMP/d" "e['type'] == 'packet' and e['dport'] == 7777")" "$M"
expect_eq "NETFILTER_DROP events" "$(jcount "$TMP/d" "e['type'] == 'drop' and e.get('reason') == 'NETFILTER_DROP'")" "$counter"
python3 - "$TMP/d" <<'PY' && ok "each drop follows its packet, in time order" || fail "order: $(cat "$TMP/d")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
# drops are traced system-wide: the test's own are the firewall's (a kernel worker may drop
# a vsock packet from the hypervisor in the same window)
kinds = [e["type"] for e in ev
         if e["type"] == "packet" or (e["type"] == "drop" and e.get("reason") == "NETFILTER_DROP")]
assert kinds[0] == "packet", kinds
pending = 0
for k in kinds:
    pending += 1 if k == "packet" else -1
    assert pending >= 0, kinds
PY
left=$(ls /sys/kernel/tracing/instances | grep -c '^ftnet-capture-')
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
finish
