# SPDX-License-Identifier: GPL-2.0-or-later
# An nft drop rule in a private namespace: NETFILTER_DROP events equal the rule's counter.
. "$TESTLIB"
need_root
need_cmd nft
make_ns
N=40
PORT=7777

nft_input "udp dport $PORT counter drop"
stream_bg "$TMP/out" drops --json --filter 'reason == NETFILTER_DROP'
wait_enabled skb/kfree_skb
in_ns $NET udp "$PORT" "$N" >/dev/null
stream_stop
counter=$(nft_counter)
expect_eq "nft rule counter" "$counter" "$N"
got=$(jcount "$TMP/out" "e['type'] == 'drop' and e['reason'] == 'NETFILTER_DROP'")
expect_eq "NETFILTER_DROP events = rule counter" "$got" "$counter"
others=$(jcount "$TMP/out" "e['type'] == 'drop' and e['reason'] != 'NETFILTER_DROP'")
expect_eq "drops of other reasons past the kernel filter" "$others" 0
no_instance_left
finish
