# SPDX-License-Identifier: GPL-2.0-or-later
# Datagrams for a neighbour that never answers ARP: they wait, then are dropped.
. "$(dirname "$0")/lib.sh"
two_hosts
on "$A" sysctl -qw "net.ipv4.neigh.$VA.retrans_time_ms=200" "net.ipv4.neigh.$VA.mcast_solicit=2"
diag_start "$A"
on "$A" $TRAFFIC udp-send 10.77.0.9 5319 200 >/dev/null
sleep 1
diag_wait
expect_first "neighbour.*10\.77\.0\.9" "the unresolved neighbour 10.77.0.9"
expect_next_runs
finish
