# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT and SIGTERM restore everything: run-only groups off, persistent groups kept.
. "$TESTLIB"
need_root

for sig in INT TERM; do
	stream_bg "$TMP/out" drops resets
	wait_enabled tcp/tcp_send_reset
	sleep 0.2
	kill -$sig "$STREAM_PID"
	wait "$STREAM_PID"
	expect_eq "exit status after SIG$sig" "$?" 0
	PIDS=""
	no_instance_left
done

# a persistent group survives a stream that added another for its run
"$FTNET" -I "$INST" enable --filter 'reason == NO_SOCKET' drops >/dev/null
stream_bg "$TMP/out" drops retrans
wait_enabled tcp/tcp_retransmit_skb
kill -INT "$STREAM_PID"
wait "$STREAM_PID"
PIDS=""
D=/sys/kernel/tracing/instances/$INST/events
expect_eq "persistent drops kept" "$(cat $D/skb/kfree_skb/enable)" 1
expect_eq "its filter kept" "$(cat $D/skb/kfree_skb/filter)" "reason == 3"
expect_eq "run-only retrans removed" "$(cat $D/tcp/tcp_retransmit_skb/enable)" 0

# kill -9 leaves the run's groups on; disable --all cleans up
stream_bg "$TMP/out" states
wait_enabled sock/inet_sock_set_state
kill -9 "$STREAM_PID"
wait "$STREAM_PID" 2>/dev/null
PIDS=""
"$FTNET" -I "$INST" disable --all >/dev/null
no_instance_left
finish
