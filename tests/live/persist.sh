# SPDX-License-Identifier: GPL-2.0-or-later
# 'enable' in one process, 'stream' in another; status; a second reader is refused; disable.
. "$TESTLIB"
need_root
make_ns

"$FTNET" -I "$INST" enable drops >/dev/null || fail "enable drops"
"$FTNET" -I "$INST" enable drops >/dev/null || fail "enable drops a second time (idempotent)"
[ -d "/sys/kernel/tracing/instances/$INST" ] && ok "instance kept after enable exits" || fail "no instance after enable"
expect_eq "trace_clock" "$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/tracing/instances/$INST/trace_clock)" mono
expect_eq "buffer_percent" "$(cat /sys/kernel/tracing/instances/$INST/buffer_percent)" 0
"$FTNET" -I "$INST" status >"$TMP/status"
grep -q '^drops  *enabled  *tracepoint  *none  *skb:kfree_skb' "$TMP/status" && ok "status shows drops enabled" || fail "status: $(cat "$TMP/status")"
grep -q '^resets  *off' "$TMP/status" && ok "status shows resets off" || fail "status resets"
# every row's events start under EVENTS (resets' two events and follow's many included), and
# follow's list is whole: as many events as its JSON row has
python3 - "$TMP/status" >"$TMP/align" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
head = [l for l in lines if l.startswith("GROUP ")][0]
col = head.index("EVENTS")
rows = [l for l in lines[lines.index(head) + 1:] if l and not l.startswith(" ")][:10]
bad = [l for l in rows if l[col - 1] != " " or l[col] == " "]
print(len(rows), len(bad))
PY
expect_eq "group rows, rows whose events are not under EVENTS" "$(cat "$TMP/align")" "10 0"
"$FTNET" -I "$INST" status --json >"$TMP/status.json"
want=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("group") == "follow": print(len(e["events"].split(",")))' "$TMP/status.json")
got=$(awk '$1 == "follow" { print $NF }' "$TMP/status" | tr ',' '\n' | grep -c :)
expect_eq "follow's events in the text row (all of them)" "$got" "$want"
"$FTNET" -I "$INST" status --json >"$TMP/status.json"
n=$(jcount "$TMP/status.json" "e['type'] == 'cpu' and 'overrun' in e and 'entries' in e")
expect_ge "per-CPU rows in status --json" "$n" 1

# events recorded while nobody reads are in the buffer for the next reader
port=$(in_ns $NET closed-port udp)
in_ns $NET udp "$port" 7 >/dev/null
stream_bg "$TMP/out" --json
sleep 0.3
"$FTNET" -I "$INST" stream -d 1 >"$TMP/second" 2>&1
expect_eq "second reader's exit status" "$?" 1
grep -q 'is being read by another ftnet' "$TMP/second" && ok "second reader refused" || fail "second reader: $(cat "$TMP/second")"
in_ns $NET udp "$port" 5 >/dev/null
stream_stop
n=$(jcount "$TMP/out" "e['type'] == 'drop' and e['reason'] == 'NO_SOCKET' and e['location'].startswith('__udp4_lib_rcv')")
expect_eq "drops recorded before and during the stream" "$n" 12
[ -d "/sys/kernel/tracing/instances/$INST" ] && ok "stream left the enabled instance in place" || fail "stream removed a persistent instance"
expect_eq "drops still enabled after the stream" "$(cat /sys/kernel/tracing/instances/$INST/events/skb/kfree_skb/enable)" 1

"$FTNET" -I "$INST" enable resets >/dev/null
"$FTNET" -I "$INST" disable drops >"$TMP/dis"
expect_eq "kfree_skb after disable drops" "$(cat /sys/kernel/tracing/instances/$INST/events/skb/kfree_skb/enable)" 0
expect_eq "send_reset still on" "$(cat /sys/kernel/tracing/instances/$INST/events/tcp/tcp_send_reset/enable)" 1
"$FTNET" -I "$INST" disable resets >"$TMP/dis"
grep -q "removed instance '$INST'" "$TMP/dis" && ok "last disable removes the instance" || fail "disable: $(cat "$TMP/dis")"
no_instance_left
"$FTNET" -I "$INST" disable --all >"$TMP/dis"
expect_eq "disable --all without an instance" "$?" 0
finish
