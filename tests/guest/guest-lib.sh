# SPDX-License-Identifier: GPL-2.0-or-later
# What the guest scripts share, sourced inside the qemu guest (busybox sh) from /guest-lib.sh:
# each check prints "GUEST: ok ..." or "GUEST: FAIL ...", notes "GUEST: info ...", and the last
# line is "GUEST-RESULT: PASS" or "GUEST-RESULT: FAIL (N)" (guest_result). The harness on the
# host checks these lines, not qemu's exit status.
fails=0
T=/sys/kernel/tracing
ok() { echo "GUEST: ok $*"; }
fail() { echo "GUEST: FAIL $*"; fails=$((fails + 1)); }
info() { echo "GUEST: info $*"; }
guest_result() { [ "$fails" = 0 ] && echo "GUEST-RESULT: PASS" || echo "GUEST-RESULT: FAIL ($fails)"; }
# wait_for WHAT COMMAND...: until COMMAND succeeds, 60 s at most (registering kprobes and
# loading BTF are slow under TCG); says how long it took, or that it gave up
wait_for() {
	what=$1
	shift
	n=0
	while ! "$@" && [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ $n -lt 600 ] && info "$what after $((n / 10)).$((n % 10)) s" || info "$what: not so after 60 s"
}
# jsum FILE DEV KEY: the values after KEY in DEV's objects, summed over counters' intervals
jsum() {
	grep -o "{\"dev\":\"$2\",[^{}]*}" "$1" | grep -o "$3[0-9]*" | sed 's/.*://' |
		{ s=0; while read -r v; do s=$((s + v)); done; echo $s; }
}
