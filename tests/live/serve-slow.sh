# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet serve against slow clients: while waves of connections that never finish their request
# (a header byte a second, so no idle timeout ends them) come from other loopback addresses,
# the scraper at 127.0.0.1 is answered every time, quickly. Wave one: 300 connections from 8
# addresses (the per-address limit holds them); wave two: 400 from 80 addresses, more than the
# server takes at all (the reserve for an address that scraped before holds). No traffic is
# needed: this is the HTTP side alone.
. "$TESTLIB"
need_root
need_cmd curl

EP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$FTNET" serve drops --listen "127.0.0.1:$EP" >/dev/null 2>"$TMP/sv.err" &
SV=$!
PIDS=$SV
for i in $(seq 100); do
	curl -s --max-time 1 "http://127.0.0.1:$EP/metrics" >/dev/null && break
	sleep 0.05
done

# the Accept header: q=0 refuses OpenMetrics, media types are compared without case
ctype() { curl -s -o /dev/null -w '%{content_type}' --max-time 5 -H "Accept: $1" "http://127.0.0.1:$EP/metrics"; }
expect_eq "Accept: application/openmetrics-text;q=0, text/plain" \
	"$(ctype 'application/openmetrics-text;q=0, text/plain')" "text/plain; version=0.0.4; charset=utf-8"
expect_eq "Accept: APPLICATION/OPENMETRICS-TEXT" "$(ctype 'APPLICATION/OPENMETRICS-TEXT')" \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

# wave PORT ADDRESSES CONNECTIONS SECS: slow connections spread over 127.0.0.2 and on
wave() {
	python3 - "$@" <<'PY'
import socket, sys, time
port, naddr, n, secs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
held = []
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.bind(("127.0.%d.%d" % (2 + i % naddr // 250, 2 + i % naddr % 250), 0))
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    held.append(s)
time.sleep(0.3)
for s in held:
    try:
        s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    except OSError:
        pass
end = time.monotonic() + secs
while time.monotonic() < end:
    time.sleep(1)
    for s in held:
        try:
            s.send(b"a")
        except OSError:
            pass
PY
}

# scrapes PORT SECS: a scrape every 0.25 s from 127.0.0.1; "answered tried max_ms"
scrapes() {
	python3 - "$@" <<'PY'
import http.client, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
ok = tried = 0
worst = 0.0
end = time.monotonic() + secs
while time.monotonic() < end:
    tried += 1
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read()
        ok += r.status == 200 and b"ftnet_events_read_total" in body
        c.close()
    except OSError:
        pass
    worst = max(worst, time.monotonic() - t0)
    time.sleep(0.25)
print(ok, tried, int(worst * 1000))
PY
}

for spec in "8 300" "80 400"; do
	set -- $spec
	wave "$EP" "$1" "$2" 8 &
	W=$!
	PIDS="$SV $W"
	sleep 0.5
	read -r answered tried worst <<EOF
$(scrapes "$EP" 6)
EOF
	echo "# $2 slow connections from $1 addresses: $answered of $tried scrapes answered, the slowest in $worst ms"
	expect_eq "scrapes answered under $2 slow connections from $1 addresses" "$answered" "$tried"
	[ "${worst:-99999}" -lt 1000 ] && ok "the slowest scrape under that wave: $worst ms" ||
		fail "the slowest scrape under $2 slow connections from $1 addresses: $worst ms"
	wait "$W"
	PIDS=$SV
done
kill -0 "$SV" 2>/dev/null && ok "the exporter survived the waves" || fail "the exporter died"
kill -TERM "$SV"
wait "$SV"
PIDS=""
finish
