# SPDX-License-Identifier: GPL-2.0-or-later
# A token bucket qdisc with a small limit: a UDP sender faster than its rate loses datagrams.
. "$(dirname "$0")/lib.sh"
two_hosts
tc -n "$A" qdisc add dev "$VA" root handle 10: tbf rate 1mbit burst 4kb limit 8kb
spawn "$B" $TRAFFIC udp-sink 5304 6 4000000
sleep 0.3
diag_start "$A"
on "$A" $TRAFFIC udp-send 10.77.0.2 5304 2000 1000 >/dev/null
diag_wait
expect_first "qdisc tbf 10: on $VA" "the tbf qdisc of $VA"
expect_block "limit [0-9]+" "the qdisc's limit"
expect_next_runs
finish
