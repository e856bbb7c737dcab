# SPDX-License-Identifier: GPL-2.0-or-later
# A UDP receiver that does not read: its receive buffer fills and the kernel drops the rest.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC udp-sink 5301 6 4096
sleep 0.3
diag_start "$B"
on "$A" $TRAFFIC udp-send 10.77.0.2 5301 2000 >/dev/null
diag_wait
expect_first "UDP port 5301.*receive buffer was full" "the full receive buffer of port 5301"
expect_block "UdpRcvbufErrors \+[0-9]+" "the counter that agrees"
expect_next_runs
finish
