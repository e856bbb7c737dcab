# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile task names: any local user can name a process with prctl(PR_SET_NAME) and make
# ftnet print it (a datagram to a closed port is enough). Tasks named "a\nb\tc\e[31mR" and
# "\xff\xfe\xc3" send to a closed loopback port: 'stream drops' prints one line per record with
# the names escaped and no escape byte; --json is UTF-8 that a strict parser reads back to the
# documented values; serve's /metrics passes promtool and a real Prometheus scrape, with the
# names as label values.
. "$TESTLIB"
need_root
need_cmd prometheus
need_cmd promtool
need_cmd curl
N=3
ANSI=610a620963 ANSI=${ANSI}1b5b33316d52	# a \n b \t c ESC [ 3 1 m R
BAD=fffec3
port=$($NET closed-port udp)
send() { $NET udp-named "$1" "$port" "$N" >/dev/null || fail "udp-named $1"; }

# text: one line per record, the names escaped, never a raw control byte
stream_bg "$TMP/text" drops
wait_enabled skb/kfree_skb
send $ANSI
send $BAD
stream_stop
expect_eq "text: lines with the escaped name a\\nb\\tc\\x1b[31mR" \
	"$(grep -cF ' a\nb\tc\x1b[31mR ' "$TMP/text")" "$N"
expect_eq "text: lines with the escaped name \\xff\\xfe\\xc3" \
	"$(grep -cF ' \xff\xfe\xc3 ' "$TMP/text")" "$N"
expect_eq "text: lines holding an ESC, a tab or a byte above 0x7f" \
	"$(LC_ALL=C grep -c "$(printf '[\033\t\200-\377]')" "$TMP/text")" 0
expect_eq "text: lines that do not start with a time (a record cut in two)" \
	"$(sed 1d "$TMP/text" | grep -cv '^[0-9]*\.[0-9]* ')" 0
no_instance_left

# JSON: strict UTF-8 and JSON; the control characters exact, invalid bytes as \xHH text
stream_bg "$TMP/json" drops --json
wait_enabled skb/kfree_skb
send $ANSI
send $BAD
stream_stop
python3 - "$TMP/json" >"$TMP/json.check" 2>&1 <<'PY'
import json, sys
ansi = bad = 0
for raw in open(sys.argv[1], "rb"):
    e = json.loads(raw.decode("utf-8", errors="strict"))
    ansi += e.get("comm") == "a\nb\tc\x1b[31mR"
    bad += e.get("comm") == "\\xff\\xfe\\xc3"
print(ansi, bad)
PY
expect_eq "json: strict parse, records named a\\nb\\tc\\x1b[31mR and \\xff\\xfe\\xc3" \
	"$(cat "$TMP/json.check")" "$N $N"
no_instance_left

# top's tables (text and JSON) of UDP senders by comm
for mode in text json; do
	args=""
	[ $mode = json ] && args=--json
	"$FTNET" -I "$INST" top udp -t 1 -d 3 $args >"$TMP/top.$mode" 2>"$TMP/top.err" &
	TOP=$!
	PIDS=$TOP
	sleep 1
	send $ANSI
	send $BAD
	wait $TOP
	PIDS=""
done
expect_ge "top: rows of a\nb\tc\x1b[31mR" "$(grep -cF 'a\nb\tc\x1b[31mR ' "$TMP/top.text")" 1
expect_ge "top: rows of \xff\xfe\xc3" "$(grep -cF '\xff\xfe\xc3 ' "$TMP/top.text")" 1
expect_eq "top: lines holding an ESC or a byte above 0x7f" \
	"$(LC_ALL=C grep -c "$(printf '[\033\200-\377]')" "$TMP/top.text")" 0
python3 - "$TMP/top.json" >"$TMP/top.check" 2>&1 <<'PY'
import json, sys
names = set()
def walk(o):
    if isinstance(o, dict):
        if "comm" in o:
            names.add(o["comm"])
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
for raw in open(sys.argv[1], "rb"):
    walk(json.loads(raw.decode("utf-8", errors="strict")))
print(int("a\nb\tc\x1b[31mR" in names), int("\\xff\\xfe\\xc3" in names))
PY
expect_eq "top --json: strict parse, both names" "$(cat "$TMP/top.check")" "1 1"
no_instance_left

# Prometheus: the UDP senders' comm label, through promtool and a real scrape
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
EP=$(free_port)
PP=$(free_port)
"$FTNET" serve udp drops --listen "127.0.0.1:$EP" >/dev/null 2>"$TMP/sv.err" &
SV=$!
PIDS=$SV
for i in $(seq 100); do
	curl -s --max-time 2 "http://127.0.0.1:$EP/metrics" >/dev/null && break
	sleep 0.05
done
sleep 0.5
send $ANSI
send $BAD
sleep 0.5
curl -s --max-time 5 "http://127.0.0.1:$EP/metrics" >"$TMP/m.txt"
expect_eq "/metrics: UDP senders named \\xff\\xfe\\xc3 (label escaped)" \
	"$(grep -cF 'ftnet_udp_sends_total{comm="\\xff\\xfe\\xc3",' "$TMP/m.txt")" 1
expect_eq "/metrics: UDP senders named a\\nb\\tc\\x1b[31mR (label escaped)" \
	"$(grep -cF 'ftnet_udp_sends_total{comm="a\nb\\x09c\\x1b[31mR",' "$TMP/m.txt")" 1
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/m.txt" &&
	ok "/metrics is UTF-8" || fail "/metrics is not UTF-8"
promtool check metrics <"$TMP/m.txt" >"$TMP/promtool" 2>&1
expect_eq "promtool check metrics: exit status" "$?" 0
cat >"$TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ftnet
    static_configs:
      - targets: ['127.0.0.1:$EP']
EOF
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PP" >"$TMP/prom.log" 2>&1 &
PIDS="$SV $!"
promq() {
	curl -s --max-time 5 -G "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else "none")'
}
Q='ftnet_udp_sends_total{comm="\\xff\\xfe\\xc3"}'
for i in $(seq 100); do
	[ "$(promq "$Q" 2>/dev/null)" = "$N" ] && break
	sleep 0.2
done
expect_eq "Prometheus scrapes the exporter (up)" "$(promq 'up{job="ftnet"}')" 1
expect_eq "Prometheus's query API: sends of the task named \\xff\\xfe\\xc3" "$(promq "$Q")" "$N"
finish
