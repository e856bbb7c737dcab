# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the live tests: requirements, a private instance and namespace, cleanup, checks.
# Each test sources this file; everything it creates is removed by the EXIT trap.

set -u
: "${FTNET:?FTNET must name the ftnet binary}"
HERE=$(cd "$(dirname "$0")" && pwd)
NET="python3 $HERE/net.py"
INST="ftnet-test-$$"
NS=""
NS2=""
TMP=$(mktemp -d /tmp/ftnet-test.XXXXXX)
PIDS=""
FAILS=0
# what a run killed earlier may have left is not this test's to count (new_instances)
INSTANCES_AT_START=$(ls /sys/kernel/tracing/instances 2>/dev/null)

# A machine that truly lacks something skips (77); in CI nothing may be missing.
skip() {
	echo "SKIP: $*"
	if [ -n "${CI:-}" ]; then
		echo "CI must have this: failing instead of skipping"
		exit 1
	fi
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	"$FTNET" check >/dev/null 2>&1 || skip "tracefs is not usable here"
	command -v python3 >/dev/null || skip "needs python3"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "needs $1"
}

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	# only where this test made its instance: 'disable --all' also sweeps what any dead run left
	# system-wide, and a guest or package test (another lane, at the same time) must not sweep
	# the kill -9 leftovers a live test is looking at
	[ -d "/sys/kernel/tracing/instances/$INST" ] && "$FTNET" -I "$INST" disable --all >/dev/null 2>&1
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	[ -n "$NS2" ] && ip netns del "$NS2" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# A network namespace of our own with lo up and no route anywhere else.
make_ns() {
	need_cmd ip
	NS="ftnet-t-$$"
	ip netns add "$NS" || skip "cannot create a network namespace"
	ip -n "$NS" link set lo up
}

# Two hosts of our own: $NS (veth $VA, 192.0.2.1) and $NS2 (veth $VB, 192.0.2.2), IPv6 off
# so that nothing but the test's traffic crosses the link.
make_veth() {
	make_ns
	NS2="ftnet-t2-$$"
	VA="fta$$" VB="ftb$$"
	ip netns add "$NS2" || skip "cannot create a second network namespace"
	ip -n "$NS2" link set lo up
	ip link add "$VA" netns "$NS" type veth peer name "$VB" netns "$NS2" || skip "no veth in this kernel"
	for n in "$NS" "$NS2"; do
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$NS" addr add 192.0.2.1/24 dev "$VA"
	ip -n "$NS2" addr add 192.0.2.2/24 dev "$VB"
	ip -n "$NS" link set "$VA" up
	ip -n "$NS2" link set "$VB" up
}

# link_stat NS DEV rx|tx: packets counted by the device
link_stat() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3_packets"
}

# snmp NS PROTO FIELD: a counter of /proc/net/snmp inside the namespace
snmp() {
	ip netns exec "$1" awk -v p="$2:" -v f="$3" '$1 == p { if (!h) { for (i = 2; i <= NF; i++) if ($i == f) c = i; h = 1 } else print $c }' /proc/net/snmp
}

# nft_input RULE...: a table ftnet_test in $NS whose input chain holds these rules, one per
# argument; a kernel without nf_tables skips the test.
nft_input() {
	local rules=""
	for r in "$@"; do rules="$rules
		$r"; done
	ip netns exec "$NS" nft -f - <<NFT || skip "nftables is not usable in this kernel"
table inet ftnet_test {
	chain input {
		type filter hook input priority 0;$rules
	}
}
NFT
}

# nft_counter: the packets counted by the counter rule of that chain
nft_counter() {
	ip netns exec "$NS" nft list chain inet ftnet_test input | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

in_ns() {
	ip netns exec "$NS" "$@"
}

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

ok() {
	echo "ok: $*"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else fail "$1: got '$2', want '$3'"; fi
}

expect_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then ok "$1 = $2 (>= $3)"; else fail "$1: got '$2', want >= $3"; fi
}

# Waits until an event is enabled in our instance (the stream has set up).
wait_enabled() {
	local f=/sys/kernel/tracing/instances/$INST/events/$1/enable i
	for i in $(seq 100); do
		[ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
		sleep 0.05
	done
	fail "event $1 was never enabled in $INST (5 s); the command said: $(cat "$TMP"/*.err 2>/dev/null)"
	ps -o pid,etime,time,stat,cmd -C ftnet 2>/dev/null
	return 1
}

# stream_bg OUT ARGS...: ftnet stream in the background on our instance.
stream_bg() {
	local out=$1
	shift
	"$FTNET" -I "$INST" stream "$@" >"$out" 2>"$out.err" &
	STREAM_PID=$!
	PIDS="$PIDS $STREAM_PID"
}

# Stops the background stream with SIGINT and waits for it; its exit status in STREAM_RC.
stream_stop() {
	sleep 0.3
	kill -INT "$STREAM_PID"
	wait "$STREAM_PID"
	STREAM_RC=$?
	PIDS=""
}

# jcount FILE PYTHON-EXPR: counts JSON lines for which the expression on e is true.
jcount() {
	python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if eval(sys.argv[2], {}, {"e": e}):
        n += 1
print(n)
PY
}

# prom_value FILE SAMPLE [LABEL=VALUE...]: a sample's value as the Prometheus client library's
# own text parser (Debian's python3-prometheus-client) reads FILE; fails on a file it rejects.
need_prom_parser() {
	/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || skip "needs python3-prometheus-client"
}
prom_value() {
	/usr/bin/python3 - "$@" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
path, name, want = sys.argv[1], sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
try:
    families = list(text_string_to_metric_families(open(path).read()))
except Exception as e:
    print("unparsable: %s" % e)
    sys.exit(1)
found = [s.value for f in families for s in f.samples if s.name == name and s.labels == want]
print(int(found[0]) if len(found) == 1 else "%d samples" % len(found))
PY
}

# new_instances PREFIX: how many instances named PREFIX* exist that did not when the test began
new_instances() {
	ls /sys/kernel/tracing/instances 2>/dev/null | grep "^$1" |
		grep -cvxF -e "${INSTANCES_AT_START:-/}"
}

no_instance_left() {
	if [ -d "/sys/kernel/tracing/instances/$INST" ]; then
		fail "instance $INST was left behind"
	else
		ok "no instance left"
	fi
}

finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS check(s) failed"
		exit 1
	fi
	exit 0
}
