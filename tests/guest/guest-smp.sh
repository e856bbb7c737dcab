#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside a qemu guest with many CPUs (busybox sh): one UDP sender pinned to each CPU at
# once, counted exactly by stream, top and count reading at the same time; every CPU's buffer
# read and the records of all CPUs merged in time order. Lines as guest-test.sh prints them;
# the last is GUEST-RESULT. Then a CPU taken offline and back during a stream.
. /guest-lib.sh
N=4000
ncpu=$(grep -c '^processor' /proc/cpuinfo)
echo "GUEST: info $ncpu CPUs"
[ "$ncpu" -ge 4 ] && ok "$ncpu CPUs" || fail "only $ncpu CPUs"
ftnet status >/dev/null 2>&1	# mounts tracefs
# the loopback backlog of a CPU holds 1000 packets: 8 senders under TCG overflow it, and those
# drops (CPU_BACKLOG) are the kernel's, not what this test counts
echo 100000 >/proc/sys/net/core/netdev_max_backlog

wait_on() {
	n=0
	while [ "$(cat $T/instances/$1/enable 2>/dev/null)" != 1 ] && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}
# drops NO_SOCKET at __udp4_lib_rcv in a JSON file: the only ones in this quiet guest
ours() { grep '"type":"drop"' "$1" | grep -c '"location":"__udp4_lib_rcv+0x'; }

# every CPU sends N datagrams to a closed port of its own, all at once
ftnet -I sa --backend tracepoint stream drops --json -B 16384 >/tmp/sa.json 2>/tmp/sa.err &
sa=$!
ftnet -I sb --backend tracepoint top drops --json -t 3600 -B 16384 >/tmp/sb.json 2>/tmp/sb.err &
sb=$!
ftnet --backend tracepoint count skb:kfree_skb --json >/tmp/sc.json 2>/tmp/sc.err &
sc=$!
wait_on sa/events/skb/kfree_skb
wait_on sb/events/skb/kfree_skb
wait_on ftnet-count-$sc/events/skb/kfree_skb
sleep 0.5
start=$(date +%s)
pids=""
c=0
while [ $c -lt "$ncpu" ]; do
	taskset -c $c netpoke udp 127.0.0.1 $((6000 + c)) $N $((41000 + c)) &
	pids="$pids $!"
	c=$((c + 1))
done
wait $pids
secs=$(( $(date +%s) - start ))
sleep 2
kill -INT $sa $sb $sc
wait $sa
wait $sb
wait $sc
total=$((N * ncpu))
echo "GUEST: info $total datagrams from $ncpu CPUs in ${secs}s: $(cat /tmp/sa.err | tr '\n' ' ')"
n=$(ours /tmp/sa.json)
[ "$n" = "$total" ] && ok "stream: $n drops, every one ($ncpu x $N)" || fail "stream: $n of $total: $(cat /tmp/sa.err)"
grep -q ' 0 lost$' /tmp/sa.err && ok "stream lost none" || fail "stream: $(cat /tmp/sa.err)"
c=0
while [ $c -lt "$ncpu" ]; do
	k=$(grep '"type":"drop"' /tmp/sa.json | grep '"location":"__udp4_lib_rcv+0x' | grep -c "\"cpu\":$c,")
	[ "$k" = "$N" ] || fail "CPU $c: $k drops read from its buffer, want $N"
	c=$((c + 1))
done
ok "each CPU's buffer gave its sender's $N drops"
# merged in time order: every line's ts_ns at least the one before
sed -n 's/^{"type":"drop","ts_ns":\([0-9]*\),.*/\1/p' /tmp/sa.json >/tmp/ts
lines=$(wc -l </tmp/ts)
sorted=$(sort -n -c /tmp/ts 2>&1 && echo sorted)
[ "$sorted" = sorted ] && [ "$lines" -ge "$total" ] && ok "$lines records of $ncpu CPUs merged in time order" || fail "not in time order: $sorted"
t=$(tail -1 /tmp/sb.json | grep -o '"reason":"NO_SOCKET","location":"__udp4_lib_rcv+0x[0-9a-f]*","count":[0-9]*,"per_sec":[0-9.]*,"total":[0-9]*' | sed 's/.*"total"://')
[ "$t" = "$total" ] && ok "top: $t" || fail "top: '$t' of $total: $(tail -1 /tmp/sb.json | cut -c1-300)"
k=$(grep -o '"total":[0-9]*,"event":"skb:kfree_skb"' /tmp/sc.json | tail -1 | sed 's/"total":\([0-9]*\).*/\1/')
[ -n "$k" ] && [ "$k" -ge "$total" ] && [ "$k" -le $((total + 20)) ] && ok "count: $k kfree_skb ($total ours)" || fail "count: '$k' of $total: $(tail -1 /tmp/sc.json | cut -c1-300)"

# a CPU taken offline and back during a stream: what it recorded before going offline is read,
# the stream goes on through it, and what the CPU records once back is read too
h=$((ncpu - 1))
M=500
ftnet -I hp --backend tracepoint stream drops --json >/tmp/hp.json 2>/tmp/hp.err &
hp=$!
wait_on hp/events/skb/kfree_skb
sleep 0.5
taskset -c $h netpoke udp 127.0.0.1 6100 $M 41100
echo 0 >/sys/devices/system/cpu/cpu$h/online
[ "$(cat /sys/devices/system/cpu/cpu$h/online)" = 0 ] && ok "CPU $h offline during the stream" || fail "CPU $h did not go offline"
taskset -c 0 netpoke udp 127.0.0.1 6101 $M 41101
echo 1 >/sys/devices/system/cpu/cpu$h/online
[ "$(cat /sys/devices/system/cpu/cpu$h/online)" = 1 ] && ok "CPU $h back online" || fail "CPU $h did not come back"
taskset -c $h netpoke udp 127.0.0.1 6102 $M 41102
sleep 2
kill -INT $hp
wait $hp
r=$?
echo "GUEST: info hotplug stream: $(tr '\n' ' ' </tmp/hp.err)"
k=$(grep '"type":"drop"' /tmp/hp.json | grep '"location":"__udp4_lib_rcv+0x' | grep -c "\"cpu\":$h,")
z=$(grep '"type":"drop"' /tmp/hp.json | grep '"location":"__udp4_lib_rcv+0x' | grep -c '"cpu":0,')
[ "$r" = 0 ] && [ "$k" = $((2 * M)) ] && [ "$z" = "$M" ] &&
	ok "hotplug: CPU $h's $M drops before going offline and $M after coming back, CPU 0's $M between" ||
	fail "hotplug: status $r, CPU $h $k (want $((2 * M))), CPU 0 $z (want $M): $(cat /tmp/hp.err)"
grep -q ' 0 lost$' /tmp/hp.err && ok "hotplug: stream lost none" || fail "hotplug: $(cat /tmp/hp.err)"

left=$(ls $T/instances | wc -l)
[ "$left" = 0 ] && ok "no instance left" || fail "instances left: $(ls $T/instances)"
guest_result
