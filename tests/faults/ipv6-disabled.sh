# SPDX-License-Identifier: GPL-2.0-or-later
# IPv6 packets arrive on a device whose IPv6 is disabled.
. "$(dirname "$0")/lib.sh"
two_hosts
on "$A" sysctl -qw "net.ipv6.conf.$VA.disable_ipv6=0"
sleep 2	# the link-local address's duplicate detection
diag_start "$B"
on "$A" $TRAFFIC udp6-send ff02::1 "$VA" 5322 300 >/dev/null
diag_wait
expect_first "disable_ipv6 = 1 on device $VB: IPv6 packets" "IPv6 disabled on $VB"
expect_block "net\.ipv6\.conf\.$VB\.disable_ipv6 = 1" "the sysctl, with its value"
expect_next_runs
finish
