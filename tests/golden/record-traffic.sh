#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The golden tier's recordings (tests/data/README), made by tests/golden/record.sh: on the host
# with the traffic in a network namespace of its own, or as the guest tier's script in a qemu
# guest of Debian's kernels. Three files, each from `ftnet record` of the same traffic:
#
#   net-K.dat      drops resets retrans states connect rx tx udp rxlat
#   stacks-K.dat   drops with a kernel stack after each (record -g)
#   follow-K.dat   follow, with stacks (record follow -g)
#
# The traffic, to loopback only: ftnet selftest (UDP and TCP to closed ports, a connect, an
# abort, SYN retransmits against a full backlog, rx/tx on lo, UDP sends), then over IPv6 a
# UDP datagram and a connect to closed ports, and three TCP messages read by a listener
# (receive latency). Busybox's nc and the guest tier's netpoke, on the host as in the guest.
#
# usage: record-traffic.sh OUTDIR KERNEL [NETNS]   (on the host: FTNET, NETPOKE set)
#        record-traffic.sh                         (in the guest: files printed in base64)
set -u
OUT=${1:-/tmp/golden}
KERNEL=${2:-guest}
NETNS=${3:-}
FTNET=${FTNET:-ftnet}
NETPOKE=${NETPOKE:-netpoke}
INST=ftnet-golden-$$
T=/sys/kernel/tracing
fails=0
mkdir -p "$OUT"

say() { echo "GUEST: $*"; }
fail() { say "FAIL $*"; fails=$((fails + 1)); }
# in_ns CMD...: in the namespace (its network only: tracefs stays mounted), or here
in_ns() {
	if [ -n "$NETNS" ]; then nsenter --net="/run/netns/$NETNS" "$@"; else "$@"; fi
}
nc_() { in_ns busybox nc "$@"; }
# until INSTANCE's event EV (SYS/NAME) is on, 60 s at most (kprobes are slow under TCG)
wait_on() {
	n=0
	while [ "$(cat $T/instances/$INST/events/$1/enable 2>/dev/null)" != 1 ] && [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sleep 0.5
}
listening() {	# listening PORT: until a TCP socket listens on it (5 s)
	hex=$(printf ':%04X 00000000:0000 0A' "$1")
	hex6=$(printf ':%04X 00000000000000000000000000000000:0000 0A' "$1")
	n=0
	while ! in_ns grep -q -e "$hex" -e "$hex6" /proc/net/tcp /proc/net/tcp6 2>/dev/null &&
		[ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

traffic() {
	in_ns "$FTNET" selftest >"$OUT/selftest.out" 2>&1 || fail "selftest: $(cat "$OUT/selftest.out")"
	in_ns "$NETPOKE" udp ::1 5591 2 40091 || fail "netpoke to ::1 5591"
	nc_ -w1 ::1 5592 2>/dev/null
	[ -p "$OUT/nc.in" ] || mkfifo "$OUT/nc.in"
	for i in 1 2 3; do
		nc_ -l -p 5593 <>"$OUT/nc.in" >/dev/null 2>&1 &
		l=$!
		listening 5593
		echo "golden $i" | nc_ -w1 127.0.0.1 5593 || fail "nc to 5593"
		wait $l
	done
	sleep 1
}

# rec NAME EVENT ARGS...: record ARGS during the traffic into NAME-KERNEL.dat
rec() {
	name=$1 ev=$2
	shift 2
	"$FTNET" -I "$INST" record "$@" -o "$OUT/$name-$KERNEL.dat" 2>"$OUT/$name.err" &
	r=$!
	wait_on "$ev"
	traffic
	kill -INT $r
	wait $r || fail "record $*: $(cat "$OUT/$name.err")"
	say "info $name-$KERNEL.dat: $(cat "$OUT/$name.err")"
}

rec net sock/inet_sock_set_state drops resets retrans states connect rx tx udp rxlat
rec stacks skb/kfree_skb drops -g
rec follow skb/kfree_skb follow -g
[ -d $T/instances/$INST ] && fail "instance $INST left"

if [ "$KERNEL" = guest ]; then
	for f in "$OUT"/*.dat; do
		echo "GOLDEN-BEGIN ${f##*/}"
		gzip -9 -c "$f" | base64
		echo "GOLDEN-END"
	done
	[ "$fails" = 0 ] && echo "GUEST-RESULT: PASS" || echo "GUEST-RESULT: FAIL ($fails)"
fi
exit $((fails > 0))
