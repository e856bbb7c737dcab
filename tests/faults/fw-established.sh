# SPDX-License-Identifier: GPL-2.0-or-later
# The firewall drops an established connection's data: the sender retransmits.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5305 8 8 read
sleep 0.3
on "$B" nft add table inet fault
on "$B" nft add chain inet fault input '{ type filter hook input priority 0; }'
diag_start "$B" 4
spawn "$A" $TRAFFIC tcp-stream 10.77.0.2 5305 3.5
sleep 0.5
on "$B" nft add rule inet fault input tcp dport 5305 ct state established counter drop
diag_wait
expect_first "firewall.*drop" "the firewall's drop"
expect_block "handle [0-9]+" "the rule's handle"
expect_block "explains: .*retransmi" "the retransmissions it explains"
expect_next_runs
finish
