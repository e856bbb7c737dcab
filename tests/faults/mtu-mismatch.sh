# SPDX-License-Identifier: GPL-2.0-or-later
# The two ends of a link disagree on the MTU: frames over the smaller one are dropped.
. "$(dirname "$0")/lib.sh"
two_hosts
ip -n "$B" link set "$VB" mtu 1400
diag_start "$B"
on "$A" $TRAFFIC udp-send 10.77.0.2 5310 300 1450 >/dev/null
diag_wait
expect_first "MTU" "an MTU mismatch"
expect_block "$VB.*1400" "the MTU of the smaller end"
expect_block "1500" "the MTU of the larger end"
expect_next_runs
finish
