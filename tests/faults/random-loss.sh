# SPDX-License-Identifier: GPL-2.0-or-later
# A rule drops a fifth of a connection's segments at random: the sender retransmits.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5315 8 8 read
sleep 0.3
on "$B" nft add table inet fault
on "$B" nft add chain inet fault input '{ type filter hook input priority 0; }'
on "$B" nft add rule inet fault input tcp dport 5315 numgen random mod 10 '<' 2 counter drop
diag_start "$B"
on "$A" $TRAFFIC tcp-stream 10.77.0.2 5315 2 >/dev/null
diag_wait
expect_first "firewall.*drop" "the firewall's drop"
expect_block "numgen random" "the rule"
expect_block "explains: .*retransmi" "the retransmissions it explains"
expect_next_runs
finish
