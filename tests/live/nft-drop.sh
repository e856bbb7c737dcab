# An nft drop rule in a private namespace: NETFILTER_DROP events equal the rule's counter.
. "$TESTLIB"
need_root
need_cmd nft
make_ns
N=40
PORT=7777

in_ns nft -f - <<NFT || skip "nftables is not usable in this kernel"
table inet ftnet_test {
	chain input {
		type filter hook input priority 0;
		udp dport $PORT counter drop
	}
}
NFT
stream_bg "$TMP/out" drops --json --filter 'reason == NETFILTER_DROP'
wait_enabled skb/kfree_skb
in_ns $NET udp "$PORT" "$N" >/dev/null
stream_stop
counter=$(in_ns nft list chain inet ftnet_test input | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
expect_eq "nft rule counter" "$counter" "$N"
got=$(jcount "$TMP/out" "e['type'] == 'drop' and e['reason'] == 'NETFILTER_DROP'")
expect_eq "NETFILTER_DROP events = rule counter" "$got" "$counter"
others=$(jcount "$TMP/out" "e['type'] == 'drop' and e['reason'] != 'NETFILTER_DROP'")
expect_eq "drops of other reasons past the kernel filter" "$others" 0
no_instance_left
finish
