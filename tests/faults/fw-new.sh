# SPDX-License-Identifier: GPL-2.0-or-later
# The firewall drops new connections: SYNs are retransmitted, connects time out.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5306 8 8
on "$B" nft add table inet fault
on "$B" nft add chain inet fault input '{ type filter hook input priority 0; }'
on "$B" nft add rule inet fault input tcp dport 5306 ct state new counter drop
diag_start "$B" 4
on "$A" $TRAFFIC tcp-connects 10.77.0.2 5306 5 3.5 >/dev/null
diag_wait
expect_first "firewall.*drop" "the firewall's drop"
expect_block "handle [0-9]+" "the rule's handle"
expect_next_runs
finish
