# SPDX-License-Identifier: GPL-2.0-or-later
# A router whose receiving device does not forward.
. "$(dirname "$0")/lib.sh"
routed
on "$R" sysctl -qw "net.ipv4.conf.$VR1.forwarding=0"
diag_start "$R"
on "$A" $TRAFFIC udp-send 10.77.2.2 5312 300 >/dev/null
diag_wait
expect_first "forward" "forwarding off"
expect_block "net\.ipv4\.conf\.$VR1\.forwarding = 0" "the sysctl of the device, with its value"
expect_next_runs
finish
