# SPDX-License-Identifier: GPL-2.0-or-later
# K successful connects give K connect events with positive latencies and the right ports.
. "$TESTLIB"
need_root
make_ns
K=6

stream_bg "$TMP/out" connect --json
wait_enabled sock/inet_sock_set_state
read -r lport clients <<EOF2
$(in_ns $NET connects "$K")
EOF2
stream_stop
for c in $clients; do
	n=$(jcount "$TMP/out" "e['type'] == 'connect' and e['result'] == 'established' and e['sport'] == $c and e['dport'] == $lport and e['latency_ns'] > 0 and e['comm'] == 'python3'")
	expect_eq "connect $c -> $lport" "$n" 1
done
all=$(jcount "$TMP/out" "e['type'] == 'connect' and e['dport'] == $lport")
expect_eq "connect events to the listener" "$all" "$K"
states=$(jcount "$TMP/out" "e['type'] == 'state'")
expect_eq "state events in a connect-only stream" "$states" 0
no_instance_left
finish
