# SPDX-License-Identifier: GPL-2.0-or-later
# The conntrack table is full: new flows are dropped.
. "$(dirname "$0")/lib.sh"
two_hosts
global_sysctl net.netfilter.nf_conntrack_max 64
on "$B" nft add table inet fault
on "$B" nft add chain inet fault input '{ type filter hook input priority 0; }'
on "$B" nft add rule inet fault input ct state new counter accept
spawn "$B" $TRAFFIC udp-sink 5314 6 4000000
sleep 0.3
diag_start "$B"
on "$A" python3 -c '
import socket
for i in range(300):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", ("10.77.0.2", 5314))
    s.close()
'
diag_wait
expect_first "conntrack table.*full" "the full conntrack table"
expect_block "nf_conntrack_max = 64" "the sysctl, with its value"
expect_next_runs
finish
