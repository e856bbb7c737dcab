# SPDX-License-Identifier: GPL-2.0-or-later
# A router with no route for the packets it is given.
. "$(dirname "$0")/lib.sh"
routed
ip -n "$A" route add 10.77.3.0/24 via 10.77.1.254
diag_start "$R"
on "$A" $TRAFFIC udp-send 10.77.3.5 5311 300 >/dev/null
diag_wait
expect_first "no route" "the missing route"
expect_block "10\.77\.3\.5" "the destination without a route"
expect_next_runs
finish
