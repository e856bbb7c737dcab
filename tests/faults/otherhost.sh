# SPDX-License-Identifier: GPL-2.0-or-later
# Frames addressed to another host's MAC address arrive on a device.
. "$(dirname "$0")/lib.sh"
two_hosts
ip -n "$A" neigh replace 10.77.0.2 lladdr 02:00:00:00:77:99 dev "$VA" nud permanent
diag_start "$B"
on "$A" $TRAFFIC udp-send 10.77.0.2 5313 500 >/dev/null
diag_wait
expect_first "device $VB: frames came for another host" "frames for another host on $VB"
expect_next_runs
finish
