# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the fault scripts: private namespaces joined by veth pairs, a diagnose run around
# bounded traffic, and the checks on its first finding. Everything made here is removed by
# the EXIT trap: namespaces (with their links, rules and qdiscs), processes, saved sysctls.

set -u
: "${FTNET:?FTNET must name the ftnet binary}"
FAULTS=$(cd "$(dirname "$0")" && pwd)
TRAFFIC="python3 $FAULTS/traffic.py"
FAULT=$(basename "$0" .sh)
A="ftf-a-$$" B="ftf-b-$$" R="ftf-r-$$"
NSS=""
PIDS=""
RESTORE=""
FAILS=0
T=$(mktemp -d /tmp/ftnet-fault.XXXXXX)

skip() {
	echo "SKIP: $*"
	if [ -n "${CI:-}" ]; then
		echo "CI must have this: failing instead of skipping"
		exit 1
	fi
	exit 77
}

fail() {
	echo "FAIL: $FAULT: $*"
	FAILS=$((FAILS + 1))
}

ok() {
	echo "ok: $FAULT: $*"
}

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for n in $NSS; do ip netns del "$n" 2>/dev/null; done
	# global sysctls changed for a fault, back to their saved values
	for kv in $RESTORE; do sysctl -qw "$kv" >/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip "needs root"
for c in ip nft tc python3 sysctl timeout; do
	command -v "$c" >/dev/null || skip "needs $c"
done
"$FTNET" check >/dev/null 2>&1 || skip "tracefs is not usable here"

# ns NAME: a namespace with lo up, IPv6 off so that only the fault's traffic crosses its links
ns() {
	ip netns add "$1" || skip "cannot create a network namespace"
	NSS="$NSS $1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# link NS1 DEV1 ADDR1 NS2 DEV2 ADDR2: a veth pair between two namespaces, up and addressed
link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || skip "no veth here"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# two_hosts: $A (veth $VA, 10.77.0.1) and $B (veth $VB, 10.77.0.2)
two_hosts() {
	VA="fa$$" VB="fb$$"
	ns "$A"
	ns "$B"
	link "$A" "$VA" 10.77.0.1/24 "$B" "$VB" 10.77.0.2/24
}

# routed: $A (10.77.1.1 on $VA) - $R (10.77.1.254 on $VR1, 10.77.2.254 on $VR2) - $B
# (10.77.2.2 on $VB); $R forwards, each end routes the other's subnet through it
routed() {
	VA="fa$$" VB="fb$$" VR1="fr1$$" VR2="fr2$$"
	ns "$A"
	ns "$B"
	ns "$R"
	link "$A" "$VA" 10.77.1.1/24 "$R" "$VR1" 10.77.1.254/24
	link "$R" "$VR2" 10.77.2.254/24 "$B" "$VB" 10.77.2.2/24
	ip -n "$A" route add 10.77.2.0/24 via 10.77.1.254
	ip -n "$B" route add 10.77.1.0/24 via 10.77.2.254
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
}

# global_sysctl KEY VALUE: a sysctl of the whole machine, restored at exit
global_sysctl() {
	RESTORE="$RESTORE $1=$(sysctl -n "$1")" || skip "no sysctl $1"
	sysctl -qw "$1=$2" || skip "cannot set $1"
}

# on NS CMD...: runs in a namespace
on() {
	local n=$1
	shift
	ip netns exec "$n" "$@"
}

# spawn NS CMD...: in a namespace, in the background (ended at exit)
spawn() {
	local n=$1
	shift
	ip netns exec "$n" "$@" >"$T/bg.$#.out" 2>&1 &
	PIDS="$PIDS $!"
}

# diag_start NS [SECS]: ftnet diagnose on NS in the background; returns once it watches
diag_start() {
	"$FTNET" diagnose --netns "$1" -d "${2:-3}" >"$T/out" 2>"$T/err" &
	DPID=$!
	PIDS="$PIDS $DPID"
	for _ in $(seq 200); do
		grep -q "watching for" "$T/err" && return 0
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.05
	done
	fail "diagnose did not start watching: $(cat "$T/err")"
	exit 1
}

# diag_wait: waits for diagnose to print its findings
diag_wait() {
	wait "$DPID"
	local rc=$?
	PIDS=$(echo "$PIDS" | sed "s/\b$DPID\b//")
	[ "$rc" = 0 ] || fail "diagnose exit status $rc: $(cat "$T/err")"
	FIRST=$(sed -n 's/^ 1\. //p' "$T/out")
	echo "first: $FIRST"
	block 1 | sed -n '2,$p'
	[ -n "${FAULT_LOG:-}" ] && printf '%s\t%s\n' "$FAULT" "$FIRST" >>"$FAULT_LOG"
}

# block N: the lines of finding N (its title line to the line before the next finding)
block() {
	awk -v n="$1" '/^ *[0-9]+\. / { cur = $1 + 0 } cur == n' "$T/out"
}

# expect_first ERE WHAT: finding 1's title matches
expect_first() {
	if printf '%s\n' "$FIRST" | grep -Eq -- "$1"; then
		ok "first finding: $2"
	else
		fail "first finding is not $2 ($1); diagnose said:"
		cat "$T/out"
	fi
}

# expect_block ERE WHAT: a line of finding 1 (evidence, config, ...) matches
expect_block() {
	if block 1 | grep -Eq -- "$1"; then
		ok "finding 1 has $2"
	else
		fail "finding 1 lacks $2 ($1):"
		block 1
	fi
}

# expect_next_runs NS: each next step of finding 1 runs as printed and succeeds
expect_next_runs() {
	local n=0 cmd
	block 1 | sed -n 's/^ *next: *//p' >"$T/next"
	while IFS= read -r cmd; do
		n=$((n + 1))
		# the printed program name is the one that was run
		if timeout 20 sh -c "$cmd" </dev/null >"$T/next.out" 2>&1; then
			ok "next step runs: $cmd"
		else
			fail "next step failed ($?): $cmd: $(head -5 "$T/next.out")"
		fi
	done <"$T/next"
	[ "$n" -ge 1 ] || fail "finding 1 has no next step"
}

finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAULT: $FAILS check(s) failed"
		exit 1
	fi
	exit 0
}
