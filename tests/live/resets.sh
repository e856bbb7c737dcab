# SPDX-License-Identifier: GPL-2.0-or-later
# K TCP connects to a closed port: K RSTs sent and K received, with the right addresses and ports.
. "$TESTLIB"
need_root
make_ns
K=4

stream_bg "$TMP/out" resets --json
wait_enabled tcp/tcp_send_reset
port=$(in_ns $NET closed-port tcp)
in_ns $NET refused "$port" "$K" >"$TMP/clients"
stream_stop
expect_eq "connects refused" "$(wc -l <"$TMP/clients")" "$K"
for c in $(cat "$TMP/clients"); do
	sent=$(jcount "$TMP/out" "e['type'] == 'reset' and e['direction'] == 'sent' and e['saddr'] == '127.0.0.1' and e['sport'] == $port and e['daddr'] == '127.0.0.1' and e['dport'] == $c")
	expect_eq "RST sent $port -> $c" "$sent" 1
	recv=$(jcount "$TMP/out" "e['type'] == 'reset' and e['direction'] == 'received' and e['saddr'] == '127.0.0.1' and e['sport'] == $c and e['dport'] == $port")
	expect_eq "RST received by $c" "$recv" 1
done
total=$(jcount "$TMP/out" "e['type'] == 'reset' and ($port in (e['sport'], e['dport']))")
expect_eq "resets of the test flows" "$total" $((2 * K))
no_instance_left
finish
