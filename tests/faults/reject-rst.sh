# SPDX-License-Identifier: GPL-2.0-or-later
# The firewall rejects connections with a TCP reset.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5307 8 8
on "$B" nft add table inet fault
on "$B" nft add chain inet fault input '{ type filter hook input priority 0; }'
on "$B" nft add rule inet fault input tcp dport 5307 counter reject with tcp reset
diag_start "$B"
on "$A" $TRAFFIC tcp-connects 10.77.0.2 5307 30 1 >/dev/null
diag_wait
expect_first "firewall.*reject" "the firewall's reject"
expect_block "handle [0-9]+" "the rule's handle"
expect_block "port 5307" "the port of the resets"
expect_next_runs
finish
