# SPDX-License-Identifier: GPL-2.0-or-later
# K connects give a connect histogram of count K; --json has the buckets and percentiles.
. "$TESTLIB"
need_root
make_ns
K=25

"$FTNET" -I "$INST" hist connect --json >"$TMP/out" 2>"$TMP/err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled sock/inet_sock_set_state
port=$(in_ns $NET closed-port tcp)
in_ns $NET connects "$K" >/dev/null
in_ns $NET refused "$port" 3 >/dev/null
stream_stop
expect_eq "hist exit status" "$STREAM_RC" 0
python3 - "$TMP/out" "$K" <<'PY' && ok "histogram of $K connects, 3 failed" || fail "histogram: $(cat "$TMP/out")"
import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[-1])
k = int(sys.argv[2])
assert e["type"] == "hist" and e["name"] == "connect", e
assert e["count"] == k, e["count"]
assert e["failed"] == 3, e["failed"]
assert sum(b["count"] for b in e["buckets"]) == k
for b in e["buckets"]:
    assert b["hi"] == 1 or b["hi"] == 2 * b["lo"], b
assert 0 < e["min_ns"] <= e["p50_ns"] <= e["p90_ns"] <= e["p99_ns"] <= e["max_ns"], e
assert e["min_ns"] <= e["avg_ns"] <= e["max_ns"]
assert e["lost"] == 0
PY

# rxlat: N TCP segments received and read one by one give N samples (UDP is no test: new
# kernels copy linear UDP datagrams without passing skb_copy_datagram_iovec)
"$FTNET" -I "$INST" hist rxlat --json >"$TMP/rx" 2>"$TMP/err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled skb/skb_copy_datagram_iovec
in_ns $NET tcp-lockstep 40 >/dev/null
stream_stop
python3 - "$TMP/rx" <<'PY' && ok "rxlat histogram of 40 segments" || fail "rxlat: $(cat "$TMP/rx")"
import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert e["name"] == "rxlat" and e["count"] == 40, e
assert 0 < e["min_ns"] <= e["p50_ns"] <= e["max_ns"], e
PY
no_instance_left

# text: drawn like bpftrace's hist()
"$FTNET" -I "$INST" hist connect -d 1.5 >"$TMP/text" 2>&1 &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled sock/inet_sock_set_state
in_ns $NET connects 5 >/dev/null
wait "$STREAM_PID"
PIDS=""
grep -q '^@connect_usecs:$' "$TMP/text" && ok "hist title" || fail "hist text: $(cat "$TMP/text")"
grep -qE '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$' "$TMP/text" && ok "hist bars" || fail "hist bars: $(cat "$TMP/text")"
grep -qE '^count 5  failed 0  avg [0-9.]+us  min' "$TMP/text" && ok "hist stats" || fail "hist stats: $(cat "$TMP/text")"
no_instance_left
finish
