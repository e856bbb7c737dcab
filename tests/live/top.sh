# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet top against the kernel's own counters: NO_SOCKET = the namespaces' Udp NoPorts delta,
# NETFILTER_DROP = the nft rule's counter, rx/tx per device = the veth's link statistics;
# the Prometheus file holds the same totals.
. "$TESTLIB"
need_root
need_cmd nft
need_prom_parser
make_veth
N=300 M=120 PORT=7777

nft_input "udp dport $PORT counter drop"

"$FTNET" -I "$INST" top drops rx tx udp --by reason --json -t 0.5 --prom "$TMP/ftnet.prom" >"$TMP/out" 2>"$TMP/err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled net/net_dev_xmit
sleep 0.2
noports0=$(( $(snmp "$NS" Udp NoPorts) + $(snmp "$NS2" Udp NoPorts) ))
rxa0=$(link_stat "$NS" "$VA" rx) txa0=$(link_stat "$NS" "$VA" tx)
rxb0=$(link_stat "$NS2" "$VB" rx) txb0=$(link_stat "$NS2" "$VB" tx)
closed=$(in_ns $NET closed-port udp)
in_ns $NET udp "$closed" "$N" >/dev/null
in_ns $NET udp "$PORT" "$M" >/dev/null
# across the link: to a closed port on the other host, which answers with ICMP
ip netns exec "$NS" python3 "$HERE/net.py" udp 9 40 192.0.2.2 >/dev/null
sleep 0.3
noports=$(( $(snmp "$NS" Udp NoPorts) + $(snmp "$NS2" Udp NoPorts) - noports0 ))
rxa=$(( $(link_stat "$NS" "$VA" rx) - rxa0 )) txa=$(( $(link_stat "$NS" "$VA" tx) - txa0 ))
rxb=$(( $(link_stat "$NS2" "$VB" rx) - rxb0 )) txb=$(( $(link_stat "$NS2" "$VB" tx) - txb0 ))
sleep 1.2	# at least one whole interval before the final table
stream_stop
expect_eq "top exit status" "$STREAM_RC" 0
tail -1 "$TMP/out" >"$TMP/final"
expect_eq "the last object is final" "$(jcount "$TMP/final" "e['type'] == 'top' and e.get('final') == 'true'")" 1
expect_ge "intervals printed" "$(wc -l <"$TMP/out")" 2
expect_eq "Udp NoPorts delta in the namespaces" "$noports" $((N + 40))
got=$(python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); print(sum(r["total"] for r in e["drops"] if r.get("reason") == "NO_SOCKET"))' "$TMP/final")
expect_eq "NO_SOCKET total in top = Udp NoPorts delta" "$got" "$noports"
counter=$(nft_counter)
expect_eq "nft rule counter" "$counter" "$M"
got=$(python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); print(sum(r["total"] for r in e["drops"] if r.get("reason") == "NETFILTER_DROP"))' "$TMP/final")
expect_eq "NETFILTER_DROP total in top = nft counter" "$got" "$counter"
dev() {	# dev NAME rx|tx: the device's packet total in the final table
	python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); print(sum(r["total"] for r in e["devices"] if r["dev"] == sys.argv[2] and r["direction"] == sys.argv[3]))' "$TMP/final" "$1" "$2"
}
expect_ge "packets sent by $VA" "$txa" 40
expect_eq "tx of $VA in top = link stats" "$(dev "$VA" tx)" "$txa"
expect_eq "rx of $VA in top = link stats" "$(dev "$VA" rx)" "$rxa"
expect_eq "tx of $VB in top = link stats" "$(dev "$VB" tx)" "$txb"
expect_eq "rx of $VB in top = link stats" "$(dev "$VB" rx)" "$rxb"
sends=$(python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); print(sum(r["total"] for r in e["udp_senders"] if r["comm"] == "python3"))' "$TMP/final")
expect_eq "UDP sends by python3 in top" "$sends" $((N + M + 40))
[ "$sends" = $((N + M + 40)) ] || python3 -c 'import json,sys; [print("  udp sender:", r) for r in json.loads(open(sys.argv[1]).read())["udp_senders"]]' "$TMP/final"
lost=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())["lost_total"])' "$TMP/final")
expect_eq "events lost" "$lost" 0

# the Prometheus file: strict syntax, and the same totals
python3 - "$TMP/ftnet.prom" "$noports" "$counter" "$VA" "$txa" <<'PY' && ok "prometheus file" || fail "prometheus file: $(cat "$TMP/ftnet.prom")"
import re, sys
path, noports, counter, va, txa = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*)\})? ([0-9]+)$')
values, typed = {}, set()
for line in open(path):
    line = line.rstrip("\n")
    if line.startswith("# HELP "):
        continue
    if line.startswith("# TYPE "):
        name, kind = line[7:].split(" ")
        assert kind in ("counter", "gauge"), line
        typed.add(name)
        continue
    m = sample.match(line)
    assert m, "bad line: " + line
    assert m.group(1) in typed, "no TYPE before " + line
    labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
    values[(m.group(1), tuple(sorted(labels.items())))] = int(m.group(4))
assert values[("ftnet_drops_total", (("reason", "NO_SOCKET"),))] == noports, values
assert values[("ftnet_drops_total", (("reason", "NETFILTER_DROP"),))] == counter
assert values[("ftnet_dev_packets_total", (("dev", va), ("direction", "tx")))] == txa
assert values[("ftnet_lost_events_total", ())] == 0
PY
# and as the Prometheus client library's parser reads it
expect_eq "NO_SOCKET in the parsed file" "$(prom_value "$TMP/ftnet.prom" ftnet_drops_total reason=NO_SOCKET)" "$noports"
expect_eq "NETFILTER_DROP in the parsed file" "$(prom_value "$TMP/ftnet.prom" ftnet_drops_total reason=NETFILTER_DROP)" "$counter"
expect_eq "tx of $VA in the parsed file" "$(prom_value "$TMP/ftnet.prom" ftnet_dev_packets_total dev="$VA" direction=tx)" "$txa"
expect_eq "lost events in the parsed file" "$(prom_value "$TMP/ftnet.prom" ftnet_lost_events_total)" 0
[ -z "$(ls "$TMP" | grep 'ftnet.prom.tmp')" ] && ok "no temporary prometheus file left" || fail "temporary file left"
no_instance_left

# --by stack, live: a private instance with a stack trace trigger on kfree_skb, gone at the end
"$FTNET" top drops --by reason,stack --json -t 3600 >"$TMP/st.json" 2>"$TMP/st.err" &
TOPP=$!
PIDS=$TOPP
sinst=/sys/kernel/tracing/instances/ftnet-top-$TOPP
for i in $(seq 100); do
	grep -q '^stacktrace' "$sinst/events/skb/kfree_skb/trigger" 2>/dev/null && break
	sleep 0.05
done
grep -q '^stacktrace' "$sinst/events/skb/kfree_skb/trigger" 2>/dev/null && ok "the trigger is on in ftnet-top-$TOPP" ||
	fail "no stack trigger in $sinst: $(cat "$TMP/st.err")"
closed=$(in_ns $NET closed-port udp)
in_ns $NET udp "$closed" 6 >/dev/null
sleep 0.3
kill -INT "$TOPP"
wait "$TOPP"
expect_eq "top --by reason,stack exit status" "$?" 0
PIDS=""
[ -d "$sinst" ] && fail "instance $sinst left behind" || ok "its instance is gone"
expect_eq "top --by stack: NO_SOCKET drops whose stack holds __udp4_lib_rcv and udp_sendmsg" \
	"$(tail -1 "$TMP/st.json" | python3 -c '
import json, sys
top = json.loads(sys.stdin.read())
print(sum(r["total"] for r in top["drops"] if r.get("reason") == "NO_SOCKET" and
          any(f.startswith("__udp4_lib_rcv+0x") for f in r["stack"]) and
          any(f.startswith("udp_sendmsg+0x") for f in r["stack"])))')" 6
finish
