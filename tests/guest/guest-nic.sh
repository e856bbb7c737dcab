#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the qemu guest (busybox sh) on Debian's generic 6.1 kernel: the NIC's own
# statistics from two real drivers. netdevsim (built out of tree: Debian has none) reports
# pause frames through ethtool's standard statistics over netlink; two e1000 NICs on one qemu
# hub, the second in a namespace of its own, with a receive ring of 48 descriptors: a flood of
# jumbo ICMP echo requests overruns the first one's ring under TCG, and diagnose names the
# loss on the NIC first. Its lines as guest-lib.sh says.
# iproute2's ip (the host's): busybox's has no 'ip -s' and no 'ip neigh add', and its sh runs
# its own applet for 'ip' whatever PATH says
IP=/usr/sbin/ip
. /guest-lib.sh
names() {	# names FILE DEV: the names of DEV's driver statistics in FILE
	grep -o "{\"dev\":\"$2\",\"name\":\"[^\"]*\"" "$1" | sed 's/.*"name":"//; s/"$//' | sort -u | tr '\n' ' '
}
sysstat() { cat "/sys/class/net/$1/statistics/$2"; }
snmp() {	# snmp KEY: the Icmp line's value of KEY in /proc/net/snmp
	awk -v k="$1" '$1 == "Icmp:" && !h { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		$1 == "Icmp:" { for (i = 2; i <= NF; i++) if (n[i] == k) print $i }' /proc/net/snmp
}
t0=$(date +%s)

# A. netdevsim's pause frames: ethtool's standard statistics (ETHTOOL_MSG_PAUSE_GET with
# ETHTOOL_FLAG_STATS). The driver reports them only when debugfs says so: rx 1 and tx 2.
insmod /lib/modules/psample.ko || fail "insmod psample.ko"
insmod /lib/modules/netdevsim.ko || fail "insmod netdevsim.ko"
echo "1 1" >/sys/bus/netdevsim/new_device || fail "netdevsim: new_device"
wait_for "netdevsim1's netdev" sh -c 'ls /sys/bus/netdevsim/devices/netdevsim1/net/* >/dev/null 2>&1'
ns=$(ls /sys/bus/netdevsim/devices/netdevsim1/net | head -1)
mount -t debugfs none /sys/kernel/debug || fail "mount debugfs"
pause=/sys/kernel/debug/netdevsim/netdevsim1/ports/0/ethtool/pause
ip link set "$ns" up || fail "$ns up"
[ -n "$ns" ] && [ -e $pause/report_stats_rx ] && ok "netdevsim: $ns, its pause statistics' switches in debugfs" ||
	fail "netdevsim: netdev '$ns', debugfs: $(ls $pause 2>&1)"
ftnet counters -a -t 0.2 -c 1 --json >/tmp/ns0.json 2>&1
n=$(grep -o "{\"dev\":\"$ns\",\"name\":\"pause-[^}]*}" /tmp/ns0.json | wc -l)
[ "$(cat $pause/report_stats_rx $pause/report_stats_tx | tr -d '\n')" = NN ] && [ "$n" = 0 ] &&
	grep -q '"type":"counters"' /tmp/ns0.json && ok "counters -a: no pause statistics for $ns while it reports none" ||
	fail "counters -a before: $n pause statistics: $(cut -c1-600 /tmp/ns0.json)"
# reporting turned on while counters counts: after its first interval, before its last
ftnet counters -t 1 -c 3 --json >/tmp/ns1.json 2>/tmp/ns1.err &
c=$!
wait_for "counters: a first interval" grep -q '"type":"counters"' /tmp/ns1.json
first=$(grep -c "\"name\":\"pause-" /tmp/ns1.json)
echo 1 >$pause/report_stats_rx && echo 1 >$pause/report_stats_tx || fail "turning the pause statistics on"
wait $c
rc=$?
rx=$(jsum /tmp/ns1.json "$ns" '"name":"pause-rx_pause_frames","delta":')
tx=$(jsum /tmp/ns1.json "$ns" '"name":"pause-tx_pause_frames","delta":')
info "$ns's statistics that moved: $(names /tmp/ns1.json "$ns")(rx $rx, tx $tx)"
[ "$rc $first $(grep -c '"type":"counters"' /tmp/ns1.json)" = "0 0 3" ] && [ "$rx $tx" = "1 2" ] &&
	ok "counters: pause-rx_pause_frames +1 and pause-tx_pause_frames +2 once $ns reports them" ||
	fail "counters: exit $rc, $first in the first interval, rx $rx tx $tx: $(cut -c1-800 /tmp/ns1.json) $(cat /tmp/ns1.err)"
ftnet counters -a -t 0.2 -c 1 --json >/tmp/ns2.json 2>&1
m=$(names /tmp/ns2.json "$ns")
[ "$m" = "pause-rx_pause_frames pause-tx_pause_frames " ] && ok "counters -a: $ns's statistics now: $m" ||
	fail "counters -a after: '$m'"
echo 1 >/sys/bus/netdevsim/del_device || fail "netdevsim: del_device"
wait_for "$ns gone" sh -c "! test -e /sys/class/net/$ns"

# B. e1000 with a receive ring of 48 descriptors (its least is 48), 100 interrupts a second at
# most (its least: 10 ms between them; with either alone a flood of 3000 frames was received
# whole in one run of four) and jumbo frames: eth1, in
# a namespace of its own, floods eth0 with ICMP echo requests of 8000 bytes. eth0 replies to
# 192.168.77.3, a neighbour whose MAC no NIC has (eth1's e1000 filters the replies out):
# no frame on either NIC but these, no drop in either kernel, no ARP.
otherns() { [ "$(readlink /proc/$nsp/ns/net)" != "$(readlink /proc/self/ns/net)" ]; }
nic_ready() { ip link show eth0 | grep -q LOWER_UP && nsenter -t $nsp -n ip link show eth1 | grep -q LOWER_UP; }
insmod /lib/modules/e1000.ko RxDescriptors=48,48 InterruptThrottleRate=100,100 || fail "insmod e1000.ko"
wait_for "eth0 and eth1" test -e /sys/class/net/eth1
d="$(for x in eth0 eth1; do echo "$x $(readlink /sys/class/net/$x/device/driver | sed 's,.*/,,')"; done | tr '\n' ' ')"
[ "$d" = "eth0 e1000 eth1 e1000 " ] && ok "two e1000 NICs: $d" || fail "NICs: $d"
unshare -n sleep 600 &
nsp=$!
wait_for "a namespace for eth1" otherns
echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/eth1/disable_ipv6
ip link set eth1 netns $nsp && ip link set eth0 mtu 9000 && ip addr add 192.168.77.1/24 dev eth0 &&
	$IP neigh add 192.168.77.3 lladdr 02:00:00:00:00:03 dev eth0 nud permanent && ip link set eth0 up ||
	fail "eth0 up"
nsenter -t $nsp -n sh -c 'ip link set eth1 mtu 9000 && ip link set eth1 arp off && ip link set eth1 up' ||
	fail "eth1 up in its namespace"
wait_for "both links up" nic_ready
sleep 1
rx=$(sysstat eth0 rx_packets) tx=$(sysstat eth0 tx_packets) mi=$(sysstat eth0 rx_missed_errors)
ie=$(snmp InEchos) oe=$(snmp OutEchoReps) er=$(snmp OutErrors)
ftnet counters -t 1 -c 600 --json >/tmp/cn.json 2>/tmp/cn.err &
c=$!
ftnet diagnose -d 8 >/tmp/dg.out 2>/tmp/dg.err &
dg=$!
wait_for "counters: a first interval" grep -q '"type":"counters"' /tmp/cn.json
wait_for "diagnose watching" grep -q 'watching for' /tmp/dg.err
sent=$(nsenter -t $nsp -n netpoke echoflood eth1 "$(cat /sys/class/net/eth0/address)" 192.168.77.3 192.168.77.1 8000 3000 2>&1)
info "flood: $sent"
wait $dg
rc=$?
sleep 2	# e1000 reads its hardware counters every 2 s
kill -INT $c
wait $c
rx=$(($(sysstat eth0 rx_packets) - rx)) tx=$(($(sysstat eth0 tx_packets) - tx)) mi=$(($(sysstat eth0 rx_missed_errors) - mi))
ie=$(($(snmp InEchos) - ie)) oe=$(($(snmp OutEchoReps) - oe)) er=$(($(snmp OutErrors) - er))
info "eth0: rx_packets +$rx, tx_packets +$tx, rx_missed_errors +$mi in /sys; Icmp InEchos +$ie OutEchoReps +$oe OutErrors +$er"
[ "$sent" = "sent 3000" ] && [ "$rx" -gt 0 ] && [ "$rx" -lt 3000 ] &&
	ok "eth0 received $rx of the 3000 frames sent" || fail "flood: '$sent', eth0 received $rx"
# every request received was answered, or not when the ICMP socket's send buffer was full of
# replies not yet sent (an out error; no packet made, none dropped); every reply went out
[ "$ie" = "$rx" ] && [ "$tx" = "$oe" ] && [ $((oe + er)) = "$rx" ] &&
	ok "the kernel took all $rx requests received: $oe replies sent on eth0, $er not made (OutErrors)" ||
	fail "eth0 received $rx: InEchos +$ie, OutEchoReps +$oe, OutErrors +$er, tx_packets +$tx"
# qemu's e1000 never clears its missed-packet counters when read: after a loss they grow by
# their whole value at each of the driver's reads, so only that they moved is checked
moved=$(for k in rx_no_buffer_count rx_missed_errors; do
	v=$(jsum /tmp/cn.json eth0 "\"name\":\"$k\",\"delta\":")
	[ "$v" -gt 0 ] && printf '%s +%s ' $k "$v"; done)
info "eth0's statistics that moved (counters): $(names /tmp/cn.json eth0)"
[ "$mi" -gt 0 ] && [ "$(echo $moved | wc -w)" = 4 ] && ok "e1000 counted the loss: $moved(rx_missed_errors in /sys +$mi)" ||
	fail "e1000's loss counters: '$moved', rx_missed_errors in /sys +$mi: $(cut -c1-600 /tmp/cn.json)"
ftnet counters -a -t 0.2 -c 1 --json >/tmp/cna.json 2>&1
all=" $(names /tmp/cna.json eth0)"
case $all in
*" rx_no_buffer_count "*" rx_missed_errors "* | *" rx_missed_errors "*" rx_no_buffer_count "*)
	ok "counters -a names e1000's $(echo $all | wc -w) statistics, rx_no_buffer_count and rx_missed_errors among them" ;;
*)
	fail "counters -a: e1000's statistics:$all" ;;
esac

# diagnose during the flood: the loss on eth0's NIC first, with its evidence, no wire finding
cat /tmp/dg.out
block() { awk -v n="$1" '/^ *[0-9]+\. / { cur = $1 + 0 } cur == n' /tmp/dg.out; }
first=$(sed -n 's/^ 1\. //p' /tmp/dg.out)
echo "$first" | grep -Eq '^device eth0: its driver counted packets lost on the NIC \([0-9]+ packets\)$' && [ $rc = 0 ] &&
	ok "diagnose's first finding: $first" || fail "diagnose: exit $rc, first finding '$first': $(cat /tmp/dg.err)"
ev=$(block 1 | grep -Eo '(rx_no_buffer_count|rx_missed_errors) \+[0-9]+' | sort | tr '\n' ' ')
echo "$ev" | grep -Eq '^rx_missed_errors \+[0-9]+ rx_no_buffer_count \+[0-9]+ $' &&
	ok "its evidence: $ev" || fail "finding 1's evidence lacks rx_no_buffer_count or rx_missed_errors: $(block 1)"
grep -q 'came in damaged' /tmp/dg.out && fail "diagnose has a NIC wire finding" || ok "no NIC wire finding"
# its next steps, as printed; an ip command that busybox's ip cannot run (it has no -s) is
# said so and run by iproute2's
block 1 | sed -n 's/^ *next: *//p' >/tmp/next
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	if sh -c "$cmd" </dev/null >/tmp/next.out 2>&1; then
		ok "next step runs: $cmd"
	elif [ "${cmd#ip }" != "$cmd" ] && info "busybox's ip cannot run '$cmd': $(head -1 /tmp/next.out)" &&
		sh -c "/usr/sbin/$cmd" </dev/null >/tmp/next.out 2>&1; then
		ok "next step runs with iproute2's ip ($($IP -V)): $cmd"
	else
		fail "next step failed: $cmd: $(head -5 /tmp/next.out)"
	fi
	head -4 /tmp/next.out | sed 's/^/GUEST: info   /'
done </tmp/next
[ "$n" = 2 ] && ok "finding 1 has 2 next steps" || fail "finding 1 has $n next steps"
kill $nsp
wait $nsp 2>/dev/null
info "the NIC checks took $(($(date +%s) - t0)) s"
guest_result
