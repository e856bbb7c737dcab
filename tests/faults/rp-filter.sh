# SPDX-License-Identifier: GPL-2.0-or-later
# Reverse path filtering: datagrams from a source that B routes out of another device.
. "$(dirname "$0")/lib.sh"
two_hosts
# B reaches 10.77.9.0/24 through another link, to a third namespace
ns "$R"
link "$B" "fc$$" 10.77.9.254/24 "$R" "fr$$" 10.77.9.2/24
on "$B" sysctl -qw "net.ipv4.conf.$VB.rp_filter=1"
ip -n "$A" addr add 10.77.9.1/32 dev "$VA"
# B would not answer ARP from that source either: its address is given
mac=$(on "$B" cat "/sys/class/net/$VB/address")
ip -n "$A" neigh replace 10.77.0.2 lladdr "$mac" dev "$VA" nud permanent
diag_start "$B"
on "$A" $TRAFFIC udp-send 10.77.0.2 5303 500 64 10.77.9.1 >/dev/null
diag_wait
expect_first "reverse path" "reverse path filtering"
expect_block "net\.ipv4\.conf\.$VB\.rp_filter = 1" "the sysctl of the device, with its value"
expect_next_runs
finish
