#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the qemu guest (busybox sh): pwru's own CI cases (cilium/pwru's test.yml) with
# ftnet's kprobe packet identity, nft in place of iptables, the addresses on the guest's lo.
# Lines as guest-test.sh prints them; the last is GUEST-RESULT.
. /guest-lib.sh
ftnet status >/dev/null 2>&1	# mounts tracefs
ip addr add 1.0.0.1/32 dev lo
ip addr add 1.0.0.2/32 dev lo
ip addr add 1.1.1.1/32 dev lo
ip -6 addr add 2606:4700:4700::1001/128 dev lo
ip -6 addr add 2606:4700:4700::1002/128 dev lo
# wait_on INSTANCE/events/SYS/EVENT: until it is on (kprobes register slowly under TCG)
wait_on() {
	n=0
	while [ "$(cat $T/instances/$1/enable 2>/dev/null)" != 1 ] && [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sleep 0.5
}
if insmod /lib/modules/libcrc32c.ko && insmod /lib/modules/nfnetlink.ko &&
   insmod /lib/modules/nf_tables.ko && nft -f - <<NFT
table inet pwru {
	chain output {
		type filter hook output priority 0;
		ip daddr { 1.0.0.1, 1.0.0.2 } tcp dport 8080 drop
		ip6 daddr { 2606:4700:4700::1001, 2606:4700:4700::1002 } tcp dport 8080 drop
	}
}
NFT
then ok "nft output rules (pwru's iptables -I OUTPUT ... -j DROP)"
else fail "no nft rules: pwru's drop cases cannot run"; fi

# follow_start NAME ARGS...: 'ftnet follow --json ARGS' to /tmp/NAME.json, its probes on;
# follow_stop: a second later, SIGINT, and its end
follow_start() {
	n=$1
	shift
	ftnet follow --json "$@" >/tmp/$n.json 2>/tmp/$n.err &
	p=$!
	wait_on "ftnet-follow-$p/events/ftnet/ip_output"
}
follow_stop() {
	sleep 1
	kill -INT $p
	wait $p
}
# only_paths NAME PATTERN WHAT: every path in /tmp/NAME.json has PATTERN
only_paths() {
	if grep '"type":"path"' /tmp/$1.json | grep -vF "$2" | grep -q .; then
		fail "$3: other paths: $(grep '"type":"path"' /tmp/$1.json | grep -vF "$2" | head -c 400)"
	else
		ok "$3"
	fi
}

# case NAME ADDR 'FILTER': a connect to ADDR:8080, its SYNs dropped by the rule, seen by
# 'stream drops FILTER' as drops to ADDR:8080 and nothing else
case_drop() {
	ftnet -I "$1" stream drops --json "$3" >/tmp/$1.json 2>/tmp/$1.err &
	p=$!
	wait_on "$1/events/ftnet/drop_pkt"
	nc -w 2 "$2" 8080 </dev/null >/dev/null 2>&1
	sleep 0.5
	kill -INT $p
	wait $p
	a=$2
	n=$(grep '"reason":"NETFILTER_DROP"' /tmp/$1.json | grep -c "\"daddr\":\"$a\",\"dport\":8080")
	all=$(grep -c '"type":"drop"' /tmp/$1.json)
	[ "$n" -ge 1 ] && [ "$n" = "$all" ] && ok "pwru $1: '$3': $n drops of SYNs to $a:8080 by the rule, nothing else" ||
		fail "pwru $1: '$3': $n of $all drops to $a:8080: $(cat /tmp/$1.err) $(head -c 400 /tmp/$1.json)"
}
case_drop basic-ipv4 1.0.0.1 'dst host 1.0.0.1 and port 8080'
case_drop basic-ipv6 2606:4700:4700::1001 'dst host 2606:4700:4700::1001 and port 8080'
case_drop advanced-ipv4 1.0.0.2 'tcp[tcpflags] = tcp-syn'
case_drop advanced-ipv6 2606:4700:4700::1002 'ip6[53] & 0x3f = 0x2'

# a filter on the stack: TCP segments with a payload (pwru's pcap-filter-stack), followed to
# their end: the request to 1.1.1.1:80 is a path
ftnet follow --json '(((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)' >/tmp/fs.json 2>/tmp/fs.err &
p=$!
wait_on "ftnet-follow-$p/events/ftnet/ip_output"
[ -p /tmp/nc.in ] || mkfifo /tmp/nc.in
nc -l -p 80 <>/tmp/nc.in >/tmp/nc.out 2>&1 &
l=$!
sleep 0.5
echo "GET / HTTP/1.0" | nc -w 1 1.1.1.1 80 >/dev/null 2>&1
sleep 1
kill -INT $p
wait $p
kill $l 2>/dev/null
n=$(grep '"type":"path"' /tmp/fs.json | grep -c '"daddr":"1.1.1.1","dport":80')
[ "$n" -ge 1 ] && ok "pwru pcap-filter-stack: $n paths of data segments to 1.1.1.1:80" ||
	fail "pwru pcap-filter-stack: no path to 1.1.1.1:80: $(cat /tmp/fs.err) $(head -c 600 /tmp/fs.json)"
grep -q '"type":"path"' /tmp/fs.json && ! grep '"type":"path"' /tmp/fs.json | grep -qv '1\.1\.1\.1' &&
	ok "pwru pcap-filter-stack: every path is of that connection" ||
	fail "pwru pcap-filter-stack: other paths: $(grep -v '1\.1\.1\.1' /tmp/fs.json | head -c 400)"
echo "GUEST: info pcap-filter-stack: $(cat /tmp/fs.err | tr '\n' ' ')"

# ICMP on one interface (pwru's --filter-ifname lo): follow -i lo icmp shows the ping's paths,
# -i of a device the ping never used shows none
for dev in lo dummy9; do
	ftnet follow --json -i $dev icmp >/tmp/fi.$dev.json 2>/tmp/fi.$dev.err &
	p=$!
	wait_on "ftnet-follow-$p/events/ftnet/ip_output"
	ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
	sleep 1
	kill -INT $p
	wait $p
done
n=$(grep '"type":"path"' /tmp/fi.lo.json | grep -c '"ipproto":"icmp"')
[ "$n" -ge 1 ] && ok "pwru filter-ifname: follow -i lo icmp: $n paths of the ping" ||
	fail "pwru filter-ifname: no ICMP path on lo: $(cat /tmp/fi.lo.err) $(head -c 400 /tmp/fi.lo.json)"
n=$(grep -c '"type":"path"' /tmp/fi.dummy9.json)
[ "$n" = 0 ] && ok "follow -i dummy9 icmp: no path" || fail "follow -i dummy9: $n paths"

# pwru's filter-track-skb: a connect to 10.10.20.99:80 DNAT'ed to 10.10.14.2 at the output
# hook (pwru: iptables -t nat -I OUTPUT ... -j DNAT); 'follow --track-skb dst host 10.10.20.99'
# (pwru's --filter-track-skb) shows the path, and its step after the hook reads 10.10.14.2:80
if insmod /lib/modules/nf_defrag_ipv4.ko && insmod /lib/modules/nf_defrag_ipv6.ko &&
   insmod /lib/modules/nf_conntrack.ko && insmod /lib/modules/nf_nat.ko &&
   insmod /lib/modules/nft_chain_nat.ko && insmod /lib/modules/nft_nat.ko &&
   ip addr add 10.10.14.2/32 dev lo && ip route add 10.10.20.99/32 dev lo && nft -f - <<NFT
table ip pwrunat {
	chain output {
		type nat hook output priority -100;
		ip daddr 10.10.20.99 dnat to 10.10.14.2
	}
}
NFT
then
	follow_start nat --track-skb 'dst host 10.10.20.99'
	nc -w 1 10.10.20.99 80 </dev/null >/dev/null 2>&1
	follow_stop
	n=$(grep '"type":"path"' /tmp/nat.json | grep '"daddr":"10.10.20.99","dport":80' |
		grep -c '"step":"ip_output"[^}]*"rewritten":{"family":"ipv4","ipproto":"tcp","saddr":"[0-9.]*","sport":[0-9]*,"daddr":"10.10.14.2","dport":80}')
	[ "$n" -ge 1 ] && ok "pwru filter-track-skb: $n paths to 10.10.20.99:80 rewritten to 10.10.14.2:80 at ip_output" ||
		fail "pwru filter-track-skb: no path rewritten to 10.10.14.2:80: $(cat /tmp/nat.err) $(head -c 800 /tmp/nat.json)"
	only_paths nat '"daddr":"10.10.20.99"' "pwru filter-track-skb: every path is to 10.10.20.99"
	nft delete table ip pwrunat
else
	fail "no nft nat: pwru's filter-track-skb case cannot run"
fi

# pwru's ARP filter: a namespace behind a veth, whose answer to a ping goes to a gateway
# (169.254.0.1) it asks for by ARP; the request's path here reaches arp_rcv
unshare -n sleep 600 &
nsp=$!
sleep 0.3
if insmod /lib/modules/veth.ko && ip link add pwrupeer type veth; then
	# busybox names the other end itself (veth0)
	peer=$(ip -o link show | sed -n 's/^[0-9]*: \([^@:]*\)@pwrupeer.*/\1/p')
	ip link set pwrupeer up
	ip link set "$peer" netns $nsp
	nsenter -t $nsp -n sh -c "ip link set $peer up && ip addr add 10.0.0.1/32 dev $peer &&
		ip route add 169.254.0.1 dev $peer && ip route add default via 169.254.0.1 dev $peer"
	ip route add 10.0.0.1/32 dev pwrupeer
	f='arp and arp[7] = 1 and arp[24] = 169 and arp[25] = 254 and arp[26] = 0 and arp[27] = 1'
	follow_start arp "$f"
	ping -W 1 -c 1 10.0.0.1 >/dev/null 2>&1
	follow_stop
	n=$(grep '"type":"path"' /tmp/arp.json | grep '"family":"arp","arp_op":"request","saddr":"10.0.0.1","daddr":"169.254.0.1"' |
		grep -c '"step":"arp_rcv","dev":"pwrupeer"')
	[ "$n" -ge 1 ] && ok "pwru filter-arp: '$f': $n ARP requests for 169.254.0.1 whose path reaches arp_rcv" ||
		fail "pwru filter-arp: no path to arp_rcv: $(cat /tmp/arp.err) $(head -c 800 /tmp/arp.json)"
	only_paths arp '"daddr":"169.254.0.1"' "pwru filter-arp: every path is an ARP request for 169.254.0.1"
	ip link del pwrupeer
else
	fail "no veth: pwru's ARP case cannot run"
fi
kill $nsp

nft delete table inet pwru
left=$(ls $T/instances | wc -l)
[ "$left" = 0 ] && ok "no instance left" || fail "instances left: $(ls $T/instances)"
guest_result
