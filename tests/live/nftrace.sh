# SPDX-License-Identifier: GPL-2.0-or-later
# nftrace: a rule with 'meta nftrace set 1' before a drop rule; K packets give K trace
# messages with verdict drop from that rule's handle, each after one with the packet's headers.
. "$TESTLIB"
need_root
need_cmd nft
make_ns
K=4

nft_input 'udp dport 7777 meta nftrace set 1' 'udp dport 7777 counter drop'
handle=$(in_ns nft -a list chain inet ftnet_test input | sed -n 's/.*counter packets.* drop # handle \([0-9]*\)$/\1/p')
"$FTNET" nftrace --netns "$NS" --json -d 3 >"$TMP/t" 2>"$TMP/t.err" &
T=$!
PIDS="$T"
sleep 0.7
in_ns $NET udp 7777 "$K" >/dev/null
wait "$T"
expect_eq "nftrace exit status" "$?" 0
PIDS=""
expect_eq "drop verdicts from rule $handle" "$(jcount "$TMP/t" "e['verdict'] == 'drop' and e['rule_handle'] == $handle and e['table'] == 'ftnet_test' and e['chain'] == 'input'")" "$K"
python3 - "$TMP/t" "$K" <<'PY' && ok "each traced packet: its headers (udp to 7777), then the drop" || fail "$(cat "$TMP/t")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
# the kernel's trace id is a hash of the skb: reused skbs share it, so go by order
heads = [i for i, e in enumerate(ev) if "ip_proto" in e]
assert len(heads) == int(sys.argv[2]), heads
for i in heads:
    e = ev[i]
    assert e["ip_proto"] == 17 and e["dport"] == 7777 and e["saddr"] == "127.0.0.1", e
    assert ev[i + 1]["trace_id"] == e["trace_id"] and ev[i + 1]["verdict"] == "drop", ev[i + 1]
PY
grep -q "meta nftrace set 1" "$TMP/t.err" && ok "explains the trace rule" || fail "no explanation: $(cat "$TMP/t.err")"
grep -q "^ftnet: $((2 * K)) trace messages$" "$TMP/t.err" && ok "summary" || fail "summary: $(cat "$TMP/t.err")"
finish
