# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet serve against a real Prometheus server: N drops to a closed port are N more in the
# scraped ftnet_drops_total (read back through Prometheus's query API); promtool accepts what
# /metrics serves; OpenMetrics on request; other methods and paths get 405 and 404; huge
# headers, 300 half-open connections and 2000 connections at once from another address
# leave /metrics answering;
# SIGHUP and an instance turned off underneath are set up again with the counters going on;
# SIGTERM leaves nothing behind. The same Prometheus loads ftnet's rules (a copy whose 'for:'
# are 2 s, evaluated every second): listen-queue overflows in the namespace fire
# FtnetListenOverflow, and the alerts of other causes stay silent.
. "$TESTLIB"
need_root
need_cmd curl
need_cmd prometheus
need_cmd promtool
make_ns
N=17

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
EP=$(free_port)
PP=$(free_port)
metrics() { curl -s --max-time 5 "http://127.0.0.1:$EP/metrics"; }
# NO_SOCKET drops at __udp4_lib_rcv as the exporter counts them now
ours() { metrics | sed -n 's/^ftnet_drops_total{reason="NO_SOCKET",location="__udp4_lib_rcv+0x[0-9a-f]*"} \([0-9]*\)$/\1/p' | awk '{ s += $1 } END { print s + 0 }'; }
# the same through Prometheus: the last scraped value of the series
promq() {
	curl -s --max-time 5 -G "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else "none")'
}
SERIES='sum(ftnet_drops_total{reason="NO_SOCKET",location=~"__udp4_lib_rcv.*"})'

"$FTNET" serve drops --listen "127.0.0.1:$EP" >"$TMP/sv.out" 2>"$TMP/sv.err" &
SV=$!
PIDS=$SV
SINST=/sys/kernel/tracing/instances/ftnet-serve-$SV
for i in $(seq 100); do
	[ "$(cat "$SINST/events/skb/kfree_skb/enable" 2>/dev/null)" = 1 ] && metrics >/dev/null && break
	sleep 0.05
done
grep -q "serving metrics on http://127.0.0.1:$EP/metrics" "$TMP/sv.err" && ok "says where it serves" || fail "serve: $(cat "$TMP/sv.err")"

sed 's/^\( *for: \).*/\12s/' "$HERE/../../scripts/prometheus/ftnet-rules.yml" >"$TMP/rules.yml"
cat >"$TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $TMP/rules.yml
scrape_configs:
  - job_name: ftnet
    static_configs:
      - targets: ['127.0.0.1:$EP']
EOF
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PP" >"$TMP/prom.log" 2>&1 &
PROM=$!
PIDS="$SV $PROM"
for i in $(seq 150); do
	[ "$(promq 'up{job="ftnet"}' 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
expect_eq "Prometheus scrapes the exporter (up)" "$(promq 'up{job="ftnet"}')" 1
before=$(ours)
# a scrape that has seen the value before the traffic (Prometheus may not have the series yet)
for i in $(seq 50); do
	[ "$(promq "$SERIES")" = "$before" ] || [ "$before" = 0 ] && break
	sleep 0.2
done
port=$(in_ns $NET closed-port udp)
in_ns $NET udp "$port" "$N" >/dev/null
want=$((before + N))
for i in $(seq 100); do
	[ "$(promq "$SERIES")" = "$want" ] && break
	sleep 0.2
done
expect_eq "Prometheus's query API: NO_SOCKET drops at __udp4_lib_rcv ($before before)" "$(promq "$SERIES")" "$want"
expect_eq "the exporter's own count" "$(ours)" "$want"

metrics >"$TMP/m.txt"
promtool check metrics <"$TMP/m.txt" >"$TMP/promtool" 2>&1
expect_eq "promtool check metrics: exit status" "$?" 0
[ -s "$TMP/promtool" ] && fail "promtool: $(head -5 "$TMP/promtool")"
for m in ftnet_events_read_total ftnet_lost_events_total ftnet_last_read_timestamp_seconds ftnet_setups_total; do
	grep -q "^$m " "$TMP/m.txt" && ok "health: $m" || fail "no $m"
done

# the rules: an accept queue overflowing fires FtnetListenOverflow for this exporter, and
# nothing fires the other alerts. flows.py's listen-overflow: a listener whose handshakes'
# last ACKs an nft rule in the namespace holds back until they all were answered, so the ACKs
# to the SYN-ACKs sent again find the accept queue full (TCP_LISTEN_OVERFLOW, 2 a round)
alerts() {	# the alerts in STATE (firing, pending) for this exporter, sorted, on one line
	curl -s --max-time 5 "http://127.0.0.1:$PP/api/v1/alerts" | python3 -c '
import json, sys
a = json.load(sys.stdin)["data"]["alerts"]
print(" ".join(sorted(x["labels"]["alertname"] for x in a
	if x["state"] == sys.argv[1] and x["labels"].get("instance") == sys.argv[2])))' "$1" "127.0.0.1:$EP"
}
expect_eq "promtool accepts the rules' test copy" "$(promtool check rules "$TMP/rules.yml" >/dev/null 2>&1; echo $?)" 0
OVF='sum(ftnet_drops_total{reason="TCP_LISTEN_OVERFLOW"})'
need_cmd nft
in_ns python3 "$HERE/flows.py" listen-overflow 2 >/dev/null &
LSN=$!
PIDS="$PIDS $LSN"
for i in $(seq 150); do
	[ "$(alerts firing)" = FtnetListenOverflow ] && break
	sleep 0.2
done
wait "$LSN"
PIDS="$SV $PROM"
expect_eq "alerts firing after listen overflows ($(promq "$OVF") seen)" "$(alerts firing)" \
	FtnetListenOverflow
expect_eq "alerts pending" "$(alerts pending)" ""
curl -s -D "$TMP/om.h" -H 'Accept: application/openmetrics-text; version=1.0.0' "http://127.0.0.1:$EP/metrics" >"$TMP/om.txt"
grep -qi '^content-type: application/openmetrics-text' "$TMP/om.h" && tail -1 "$TMP/om.txt" | grep -qx '# EOF' &&
	grep -qx '# TYPE ftnet_drops counter' "$TMP/om.txt" && ok "OpenMetrics when asked (# EOF, counter families)" ||
	fail "OpenMetrics: $(cat "$TMP/om.h") $(tail -2 "$TMP/om.txt")"
promtool check metrics <"$TMP/om.txt" >/dev/null 2>&1 || true	# promtool reads the classic format only

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
expect_eq "POST /metrics" "$(code -X POST -d x "http://127.0.0.1:$EP/metrics")" 405
expect_eq "GET /other" "$(code "http://127.0.0.1:$EP/other")" 404
expect_eq "HEAD /metrics" "$(code -I "http://127.0.0.1:$EP/metrics")" 200
big=$(python3 -c 'print("a" * 100000)')
c=$(code -H "X-Big: $big" "http://127.0.0.1:$EP/metrics")
[ "$c" != 200 ] && ok "a 100 KB header is refused ($c)" || fail "a 100 KB header got 200"

# a hostile client elsewhere (127.0.0.2): 300 connections that never finish their headers,
# and 2000 opened at once; the scraper (127.0.0.1) is still answered
python3 - "$EP" >"$TMP/slow" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for _ in range(300):
    s = socket.socket()
    s.settimeout(2)
    s.bind(("127.0.0.2", 0))
    try:
        s.connect(("127.0.0.1", port))
        s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    except OSError:
        pass
burst = []
for _ in range(2000):
    s = socket.socket()
    s.setblocking(False)
    s.bind(("127.0.0.2", 0))
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        pass
    burst.append(s)
print(len(held), flush=True)
time.sleep(4)
PY
HOG=$!
sleep 1.5
t0=$(date +%s%N)
c=$(code --max-time 5 "http://127.0.0.1:$EP/metrics")
t1=$(date +%s%N)
expect_eq "/metrics under 300 half-open and 2000 new connections" "$c" 200
echo "# answered in $(( (t1 - t0) / 1000000 )) ms"
wait "$HOG"
kill -0 "$SV" 2>/dev/null && ok "the exporter survived them" || fail "the exporter died"

# SIGHUP: the instance set up again, the count goes on
kill -HUP "$SV"
for i in $(seq 100); do
	metrics | grep -q '^ftnet_setups_total 2$' && break
	sleep 0.05
done
metrics | grep -q '^ftnet_setups_total 2$' && ok "SIGHUP: set up again" || fail "after SIGHUP: $(metrics | grep setups) $(cat "$TMP/sv.err")"
in_ns $NET udp "$port" 3 >/dev/null
sleep 0.5
expect_eq "counted across SIGHUP" "$(ours)" $((want + 3))
# everything turned off underneath: the run notices and sets it up again
"$FTNET" -I "ftnet-serve-$SV" disable --all >/dev/null 2>&1
for i in $(seq 100); do
	metrics | grep -q '^ftnet_setups_total 3$' && break
	sleep 0.1
done
metrics | grep -q '^ftnet_setups_total 3$' && ok "an instance turned off underneath: set up again" || fail "not set up again: $(metrics | grep -E 'setups|errors') $(cat "$TMP/sv.err")"
for i in $(seq 100); do
	[ "$(cat "$SINST/events/skb/kfree_skb/enable" 2>/dev/null)" = 1 ] && break
	sleep 0.05
done
in_ns $NET udp "$port" 2 >/dev/null
sleep 0.5
expect_eq "counted after the recovery" "$(ours)" $((want + 5))
for i in $(seq 50); do
	[ "$(promq "$SERIES")" = $((want + 5)) ] && break
	sleep 0.2
done
expect_eq "Prometheus sees the counter go on (no reset)" "$(promq "resets(ftnet_drops_total{reason=\"NO_SOCKET\"}[5m])")" 0

kill -TERM "$SV"
wait "$SV"
expect_eq "serve exit status after SIGTERM" "$?" 0
kill "$PROM"
wait "$PROM" 2>/dev/null
PIDS=""
[ -d "$SINST" ] && fail "instance $SINST left behind" || ok "its instance is gone"
"$FTNET" serve --listen 127.0.0.1:notaport >/dev/null 2>"$TMP/err"
expect_eq "a bad --listen: exit status" "$?" 2
python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$TMP/busy" &
NC=$!
PIDS=$NC
for i in $(seq 50); do [ -s "$TMP/busy" ] && break; sleep 0.1; done
busy=$(cat "$TMP/busy")
"$FTNET" serve --listen "127.0.0.1:$busy" -d 1 >/dev/null 2>"$TMP/err"
expect_eq "a port in use: exit status" "$?" 1
grep -q "cannot listen on 127.0.0.1:$busy" "$TMP/err" && ok "says it cannot listen" || fail "$(cat "$TMP/err")"
kill "$NC" 2>/dev/null
wait "$NC" 2>/dev/null
PIDS=""
finish
