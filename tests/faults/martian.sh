# SPDX-License-Identifier: GPL-2.0-or-later
# Packets with a loopback source address arrive on a device: martian source.
. "$(dirname "$0")/lib.sh"
two_hosts
diag_start "$B"
mac=$(on "$B" cat "/sys/class/net/$VB/address")
on "$A" $TRAFFIC raw-src "$VA" "$mac" 127.0.0.9 10.77.0.2 5318 300 >/dev/null
diag_wait
expect_first "martian|invalid source" "the martian source"
expect_block "$VB" "the device they arrived on"
expect_next_runs
finish
