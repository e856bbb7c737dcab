# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet count agrees with the traffic and with perf stat for the same window.
. "$TESTLIB"
need_root
need_cmd perf
need_prom_parser
make_ns
K=7

perf stat -a -x, -e tcp:tcp_send_reset -e tcp:tcp_receive_reset -- sleep 3 2>"$TMP/perf" &
PERF=$!
PIDS="$PERF"
"$FTNET" count tcp:tcp_send_reset tcp:tcp_receive_reset --json -d 2.5 --prom "$TMP/count.prom" >"$TMP/out" 2>"$TMP/err" &
COUNT=$!
PIDS="$PIDS $COUNT"
for i in $(seq 100); do ls /sys/kernel/tracing/instances | grep -q "^ftnet-count-$COUNT$" && break; sleep 0.05; done
sleep 0.3
port=$(in_ns $NET closed-port tcp)
in_ns $NET refused "$port" "$K" >/dev/null
wait "$COUNT"
expect_eq "count exit status" "$?" 0
wait "$PERF"
PIDS=""
ftnet() { python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print([c["total"] for c in e["counts"] if c["event"] == sys.argv[2]][0])' "$TMP/out" "$1"; }
perfc() { awk -F, -v e="$1" '$3 == e { print $1 }' "$TMP/perf"; }
expect_eq "tcp_send_reset counted by ftnet" "$(ftnet tcp:tcp_send_reset)" "$K"
expect_eq "tcp_send_reset: ftnet = perf stat" "$(ftnet tcp:tcp_send_reset)" "$(perfc tcp:tcp_send_reset)"
expect_eq "tcp_receive_reset: ftnet = perf stat" "$(ftnet tcp:tcp_receive_reset)" "$(perfc tcp:tcp_receive_reset)"
expect_eq "tcp_send_reset in the Prometheus file" "$(prom_value "$TMP/count.prom" ftnet_tracepoint_events_total event=tcp:tcp_send_reset)" "$K"
expect_eq "tcp_receive_reset in the Prometheus file = perf stat" "$(prom_value "$TMP/count.prom" ftnet_tracepoint_events_total event=tcp:tcp_receive_reset)" "$(perfc tcp:tcp_receive_reset)"
left=$(new_instances ftnet-count-)
expect_eq "count instances left" "$left" 0

# default events, text, and a bad event name
"$FTNET" count -d 0.3 >"$TMP/text" 2>&1
grep -qE '^ +[0-9]+ +[0-9.]+ +[0-9]+  skb:kfree_skb$' "$TMP/text" && ok "default count has kfree_skb" || fail "count text: $(cat "$TMP/text")"
"$FTNET" count nosuch:event -d 0.2 >"$TMP/o" 2>"$TMP/e"
expect_eq "unknown event exit status" "$?" 1
grep -q "this kernel has no tracepoint 'nosuch:event'" "$TMP/e" && ok "unknown event named" || fail "$(cat "$TMP/e")"
"$FTNET" count kfree_skb -d 0.2 >"$TMP/o" 2>"$TMP/e"
expect_eq "event without a system" "$?" 2
left=$(new_instances ftnet-count-)
expect_eq "count instances left after errors" "$left" 0
finish
