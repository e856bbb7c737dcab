#!/bin/sh
# Runs inside the qemu guest (busybox sh): each check prints "GUEST: ok ..." or "GUEST: FAIL ...",
# and the last line is "GUEST-RESULT: PASS" or "GUEST-RESULT: FAIL". The harness on the host
# checks these lines, not qemu's exit status.
fails=0
ok() { echo "GUEST: ok $*"; }
fail() { echo "GUEST: FAIL $*"; fails=$((fails + 1)); }
T=/sys/kernel/tracing
kp() { n=$(grep -c '^[pr]:ftnet/' $T/kprobe_events 2>/dev/null); echo "${n:-0}"; }

wait_on() {
	n=0
	while [ "$(cat $T/instances/$1/enable 2>/dev/null)" != 1 ] && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sleep 0.5
}
ftnet check >/tmp/check 2>&1
reasons=0
grep -q 'field:.* reason;' $T/events/skb/kfree_skb/format && reasons=1
insmod /lib/modules/libcrc32c.ko; insmod /lib/modules/nfnetlink.ko; insmod /lib/modules/nf_tables.ko
[ ! -e /lib/modules/nft_counter.ko ] || insmod /lib/modules/nft_counter.ko
# in-kernel aggregation (hist triggers; Debian's 5.10 and 6.1 have them): top in the kernel and
# in user space at once on the same traffic, the same exact counts; count in the kernel; nothing
# left after the runs, and a kill -9's instance swept by disable --all
total_of() {	# total_of FILE PATTERN: the summed totals of the final table's rows matching it
	tail -1 "$1" | grep -o '{[^{}]*}' | grep -e "$2" | sed -n 's/.*"total":\([0-9]*\).*/\1/p' |
		{ s=0; while read -r v; do s=$((s + v)); done; echo $s; }
}
wait_trig() {	# wait_trig INSTANCE SYS/EVENT: until a hist trigger is on there
	n=0
	while ! grep -q '^hist' $T/instances/$1/events/$2/trigger 2>/dev/null && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sleep 0.3
}
if [ -e $T/events/skb/kfree_skb/hist ]; then
	grep -q '^aggregation  *kernel' /tmp/check && ok "check: aggregation in the kernel" || fail "check: $(grep aggregation /tmp/check)"
	nftok=0
	nft add table inet ftnet_agg 2>/dev/null && nft add chain inet ftnet_agg input '{ type filter hook input priority 0; }' &&
		nft add rule inet ftnet_agg input udp dport 5577 counter drop && nftok=1
	ftnet top drops states --aggregate kernel --json -t 1 >/tmp/ak.json 2>/tmp/ak.err &
	ak=$!
	ftnet -I au top drops states --aggregate user --json -t 1 >/tmp/au.json 2>/tmp/au.err &
	au=$!
	ftnet count skb:kfree_skb sock:inet_sock_set_state --aggregate kernel --json >/tmp/ck.json 2>/tmp/ck.err &
	ck=$!
	wait_trig ftnet-agg-$ak skb/kfree_skb
	wait_trig ftnet-agg-$ak sock/inet_sock_set_state
	wait_trig ftnet-agg-$ck sock/inet_sock_set_state
	wait_on au/events/sock/inet_sock_set_state
	e=$(cat $T/instances/ftnet-agg-$ak/events/skb/kfree_skb/enable 2>&1)
	[ "$e" = "0*" ] && ok "the kernel's top leaves the event off (0*: its trigger only)" || fail "kfree_skb's enable in ftnet-agg-$ak: $e"
	netpoke udp 127.0.0.1 5576 7 40006 || fail "netpoke to 5576"
	[ $nftok = 1 ] && { netpoke udp 127.0.0.1 5577 3 40007 || fail "netpoke to 5577"; }
	for i in 1 2 3 4; do nc -w1 127.0.0.1 5579 2>/dev/null; done
	sleep 2.5
	kill -INT $ak $au $ck
	wait $ak
	r1=$?
	wait $au
	r2=$?
	wait $ck
	r3=$?
	[ "$r1$r2$r3" = 000 ] && ok "top kernel, top user, count kernel: exit status 0" || fail "exit statuses $r1 $r2 $r3: $(cat /tmp/ak.err /tmp/au.err /tmp/ck.err)"
	k=$(total_of /tmp/ak.json '"location":"__udp4_lib_rcv+0x')
	u=$(total_of /tmp/au.json '"location":"__udp4_lib_rcv+0x')
	[ "$k" = 7 ] && [ "$u" = 7 ] && ok "7 drops to a closed port: 7 in the kernel's table, 7 in user space" || fail "udp drops: kernel $k, user $u: $(tail -1 /tmp/ak.json | cut -c1-700) | $(tail -1 /tmp/au.json | cut -c1-700)"
	if [ $reasons = 1 ]; then
		k=$(total_of /tmp/ak.json '"reason":"NO_SOCKET","location":"__udp4_lib_rcv+0x')
		[ "$k" = 7 ] && ok "the kernel's rows have the reason's name: NO_SOCKET 7" || fail "NO_SOCKET in the kernel's table: $k"
	fi
	if [ $nftok = 1 ]; then
		c=$(nft list chain inet ftnet_agg input | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
		k=$(total_of /tmp/ak.json '"location":"n[a-z_]*+0x')
		[ $reasons = 1 ] && k=$(total_of /tmp/ak.json '"reason":"NETFILTER_DROP"')
		[ "$c" = 3 ] && [ "$k" = "$c" ] && ok "nft rule counter $c = the kernel path's count" || fail "nft counter $c, kernel path $k"
		nft delete table inet ftnet_agg
	fi
	for p in '"from":"CLOSE","to":"SYN_SENT"' '"from":"SYN_SENT","to":"CLOSE"'; do
		k=$(total_of /tmp/ak.json "$p")
		u=$(total_of /tmp/au.json "$p")
		[ "$k" = 4 ] && [ "$u" = 4 ] && ok "4 refused connects: $p 4 in both" || fail "states $p: kernel $k, user $u"
	done
	n=$(tail -1 /tmp/ck.json | grep -o '{[^{}]*"event":"sock:inet_sock_set_state"[^{}]*}' | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
	[ "$n" = 8 ] && ok "count in the kernel: inet_sock_set_state 8 (4 connects, 2 changes each)" || fail "count kernel: $n: $(tail -1 /tmp/ck.json)"
	# connect latencies: K connects are K samples in the kernel's histogram and in user
	# space's, in the same buckets; refused connects are failures in both
	ftnet hist connect --aggregate kernel --json >/tmp/hk.json 2>/tmp/hk.err &
	hk=$!
	ftnet -I hu hist connect --aggregate user --json >/tmp/hu.json 2>/tmp/hu.err &
	hu=$!
	wait_trig ftnet-agg-$hk sock/inet_sock_set_state
	n=0
	while ! ls $T/instances/ftnet-agg-$hk/events/synthetic/ftnet_conn_$hk/trigger >/dev/null 2>&1 && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	wait_on hu/events/sock/inet_sock_set_state
	grep -q "^ftnet_conn_$hk " $T/synthetic_events && ok "synthetic event ftnet_conn_$hk" || fail "no synthetic event: $(cat $T/synthetic_events) $(cat /tmp/hk.err)"
	netpoke connect 127.0.0.1 5580 6 || fail "netpoke connect"
	for i in 1 2; do nc -w1 127.0.0.1 5581 2>/dev/null; done
	sleep 2
	kill -INT $hk $hu
	wait $hk
	r1=$?
	wait $hu
	r2=$?
	[ "$r1$r2" = 00 ] && ok "hist connect kernel and user: exit status 0" || fail "hist exit statuses $r1 $r2: $(cat /tmp/hk.err /tmp/hu.err)"
	k=$(sed -n 's/.*"count":\([0-9]*\),"failed":\([0-9]*\).*/\1 \2/p' /tmp/hk.json | tail -1)
	u=$(sed -n 's/.*"count":\([0-9]*\),"failed":\([0-9]*\).*/\1 \2/p' /tmp/hu.json | tail -1)
	[ "$k" = "6 2" ] && [ "$u" = "6 2" ] && ok "6 connects, 2 refused: '6 2' in the kernel and in user space" || fail "connect counts: kernel '$k', user '$u': $(cut -c1-400 /tmp/hk.json)"
	kb=$(grep -o '"buckets":\[[^]]*\]' /tmp/hk.json | tail -1)
	ub=$(grep -o '"buckets":\[[^]]*\]' /tmp/hu.json | tail -1)
	[ -n "$kb" ] && [ "$kb" = "$ub" ] && ok "the same buckets: $kb" || fail "buckets differ: kernel $kb, user $ub"
	grep -q "^ftnet_" $T/synthetic_events && fail "a synthetic event is left: $(cat $T/synthetic_events)" || ok "no synthetic event left"
	ls -d $T/instances/ftnet-agg-* >/dev/null 2>&1 && fail "an aggregation instance is left: $(ls $T/instances)" || ok "no aggregation instance left"
	grep -l hist $T/events/*/*/trigger 2>/dev/null | grep -q . && fail "a hist trigger is left: $(grep -l hist $T/events/*/*/trigger)" || ok "no hist trigger left"
	ftnet top drops --aggregate kernel >/dev/null 2>&1 &
	k9=$!
	wait_trig ftnet-agg-$k9 skb/kfree_skb
	kill -9 $k9
	wait $k9 2>/dev/null
	[ -d $T/instances/ftnet-agg-$k9 ] && ok "kill -9 left ftnet-agg-$k9" || fail "no instance after kill -9"
	ftnet hist connect --aggregate kernel >/dev/null 2>&1 &
	h9=$!
	wait_trig ftnet-agg-$h9 sock/inet_sock_set_state
	kill -9 $h9
	wait $h9 2>/dev/null
	grep -q "^ftnet_conn_$h9 " $T/synthetic_events && ok "kill -9 left ftnet_conn_$h9" || fail "no synthetic event after kill -9"
	ftnet disable --all >/tmp/dis 2>&1
	[ -d $T/instances/ftnet-agg-$k9 ] && fail "disable --all left ftnet-agg-$k9: $(cat /tmp/dis)" || ok "disable --all removed it: $(cat /tmp/dis | tr '\n' ' ')"
	[ -d $T/instances/ftnet-agg-$h9 ] || grep -q "^ftnet_" $T/synthetic_events && fail "disable --all left hist's: $(ls $T/instances) $(cat $T/synthetic_events)" || ok "and hist's instance and synthetic events"
else
	[ "$(uname -r | cut -c1-3)" = "6.1" ] && fail "Debian's 6.1 without hist triggers?"
	echo "GUEST: info no hist triggers in this kernel"
fi

left=$(ls $T/instances | wc -l)
[ "$left" = 0 ] && ok "no instance left" || fail "instances left: $(ls $T/instances)"
[ "$fails" = 0 ] && echo "GUEST-RESULT: PASS" || echo "GUEST-RESULT: FAIL ($fails)"
