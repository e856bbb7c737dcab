# SPDX-License-Identifier: GPL-2.0-or-later
# Datagrams to a UDP port nobody listens on.
. "$(dirname "$0")/lib.sh"
two_hosts
diag_start "$B"
on "$A" $TRAFFIC udp-send 10.77.0.2 5309 500 >/dev/null
diag_wait
expect_first "UDP port 5309.*nobody listens" "the closed UDP port 5309"
expect_block "UdpNoPorts \+[0-9]+" "the counter that agrees"
expect_next_runs
finish
