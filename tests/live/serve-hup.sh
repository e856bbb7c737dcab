# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet serve under reloads: 2000 drops sent over two seconds while 20 SIGHUPs come 0.1 s
# apart are all counted (the instance is kept when nothing changed), with no untraced time;
# an instance turned off underneath is set up again and the gap is counted in
# ftnet_untraced_seconds_total. Timestamps are exact, not rounded to ten seconds. -I is
# noted as unused once, not at every setup.
. "$TESTLIB"
need_root
need_cmd curl
make_ns
N=2000

EP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
metrics() { curl -s --max-time 5 "http://127.0.0.1:$EP/metrics"; }
ours() { metrics | sed -n 's/^ftnet_drops_total{reason="NO_SOCKET",location="__udp4_lib_rcv+0x[0-9a-f]*"} \([0-9]*\)$/\1/p' | awk '{ s += $1 } END { print s + 0 }'; }
sample() { metrics | sed -n "s/^$1 //p"; }

"$FTNET" -I "$INST" serve drops --listen "127.0.0.1:$EP" >/dev/null 2>"$TMP/sv.err" &
SV=$!
PIDS=$SV
SINST=/sys/kernel/tracing/instances/ftnet-serve-$SV
for i in $(seq 100); do
	[ "$(cat "$SINST/events/skb/kfree_skb/enable" 2>/dev/null)" = 1 ] && metrics >/dev/null && break
	sleep 0.05
done
# timestamps exact: the start within a second of now, the last read after it (0 until the
# reader's first round, which a slow start may not have made yet)
for i in $(seq 50); do
	read=$(sample ftnet_last_read_timestamp_seconds)
	[ -n "$read" ] && [ "$read" != 0 ] && break
	sleep 0.1
done
now=$(date +%s.%N)
start=$(sample ftnet_start_time_seconds)
awk -v s="$start" -v r="$read" -v n="$now" 'BEGIN { exit !(s ~ /^[0-9]+(\.[0-9]+)?$/ &&
	r ~ /^[0-9]+\.[0-9]+$/ && n - s < 5 && n - s >= 0 && r >= s && r - n < 1) }' &&
	ok "exact timestamps: start $start, last read $read, now $now" ||
	fail "timestamps: start '$start', last read '$read', now $now"
port=$(in_ns $NET closed-port udp)
before=$(ours)
in_ns python3 - "$port" "$N" <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = time.monotonic()
for i in range(n):
    s.sendto(b"x", ("127.0.0.1", port))
    time.sleep(max(0, t0 + (i + 1) * 0.001 - time.monotonic()))
PY
SENDER=$!
for i in $(seq 20); do
	sleep 0.1
	kill -HUP "$SV"
done
wait "$SENDER"
sleep 0.5
got=$(($(ours) - before))
echo "# drops counted across 20 SIGHUPs: $got of $N (lost $((N - got)))"
expect_eq "drops counted across 20 SIGHUPs" "$got" "$N"
# SIGHUPs that come before the loop saw the last one are one reload
setups=$(sample ftnet_setups_total)
[ "$setups" -ge 2 ] && [ "$setups" -le 21 ] && ok "setups: $setups (1, then one per SIGHUP seen)" ||
	fail "setups after 20 SIGHUPs: '$setups'"
expect_eq "untraced seconds after SIGHUPs that changed nothing" "$(sample ftnet_untraced_seconds_total)" 0
kill -0 "$SV" 2>/dev/null && ok "serve is running" || fail "serve died: $(cat "$TMP/sv.err")"

# turned off underneath: set up again, the time without an instance counted
"$FTNET" -I "ftnet-serve-$SV" disable --all >/dev/null 2>&1
for i in $(seq 100); do
	[ "$(sample ftnet_setups_total)" = $((setups + 1)) ] && break
	sleep 0.1
done
expect_eq "set up again after the instance was turned off" "$(sample ftnet_setups_total)" $((setups + 1))
u=$(sample ftnet_untraced_seconds_total)
awk -v u="$u" 'BEGIN { exit !(u > 0 && u < 5) }' && ok "the gap is counted: $u s untraced" ||
	fail "untraced seconds after a recovery: '$u'"
kill -TERM "$SV"
wait "$SV"
expect_eq "serve exit status" "$?" 0
expect_eq "notes that instance '$INST' is not used (once, not per setup)" \
	"$(grep -c "instance '$INST' is not used" "$TMP/sv.err")" 1
PIDS=""
finish
