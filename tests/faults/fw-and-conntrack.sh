# SPDX-License-Identifier: GPL-2.0-or-later
# Two causes of the same kind of drop at one hook: a firewall rule drops 100 datagrams, then the
# full conntrack table drops most of 300 new flows. Both come out of the same NETFILTER_DROP
# drops: diagnose shows both, each with its share, the table (which explains more) first.
. "$(dirname "$0")/lib.sh"
two_hosts
global_sysctl net.netfilter.nf_conntrack_max 64
on "$B" nft add table inet fault
on "$B" nft add chain inet fault input '{ type filter hook input priority 0; }'
on "$B" nft add rule inet fault input udp dport 5316 counter drop
on "$B" nft add rule inet fault input ct state new counter accept
spawn "$B" $TRAFFIC udp-sink 5314 6 4000000
sleep 0.3
diag_start "$B"
# the rule's first: a dropped datagram's entry is never confirmed, the table still has room
on "$A" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(100):
    s.sendto(b"x", ("10.77.0.2", 5316))
for i in range(300):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", ("10.77.0.2", 5314))
    s.close()
'
diag_wait
expect_first "conntrack table.*full" "the full conntrack table"
expect_block "[0-9]+ of the [0-9]+ NETFILTER_DROP drops were no rule's \(the rules' counters moved 100\)" \
	"its share of the drops, beside the rule's"
if block 2 | head -1 | grep -Eq "nft rule 'udp dport 5316 counter drop'.*\(100 of the [0-9]+ packets dropped at the hook\)"; then
	ok "finding 2: the rule, with its 100"
else
	fail "finding 2 is not the rule with its share:"
	cat "$T/out"
fi
expect_next_runs
finish
