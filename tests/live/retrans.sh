# SPDX-License-Identifier: GPL-2.0-or-later
# An nft rule that drops an established flow's data: retransmits of exactly that flow,
# as many as the namespace's RetransSegs counter says.
. "$TESTLIB"
need_root
need_cmd nft
make_ns

retrans_segs() {
	in_ns awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

stream_bg "$TMP/out" retrans --json
wait_enabled tcp/tcp_retransmit_skb
before=$(retrans_segs)
in_ns $NET stalled "$TMP/ports" 1.6 &
TRAFFIC=$!
PIDS="$PIDS $TRAFFIC"
for i in $(seq 100); do [ -s "$TMP/ports" ] && break; sleep 0.05; done
read -r lport cport <"$TMP/ports"
nft_input "tcp dport $lport drop"
touch "$TMP/ports.go"
wait "$TRAFFIC"
after=$(retrans_segs)
stream_stop
segs=$((after - before))
expect_ge "RetransSegs in the namespace" "$segs" 1
flow=$(jcount "$TMP/out" "e['type'] == 'retransmit' and e['saddr'] == '127.0.0.1' and e['sport'] == $cport and e['daddr'] == '127.0.0.1' and e['dport'] == $lport and e['state'] == 'ESTABLISHED'")
expect_eq "retransmits of the flow $cport -> $lport = RetransSegs" "$flow" "$segs"
no_instance_left
finish
