#!/bin/sh
# Runs inside the qemu guest (busybox sh): each check prints "GUEST: ok ..." or "GUEST: FAIL ...",
# and the last line is "GUEST-RESULT: PASS" or "GUEST-RESULT: FAIL". Kept small: the harness
# on the host checks the lines, not qemu's exit status.
fails=0
ok() { echo "GUEST: ok $*"; }
fail() { echo "GUEST: FAIL $*"; fails=$((fails + 1)); }
T=/sys/kernel/tracing
kp() { n=$(grep -c '^[pr]:ftnet/' $T/kprobe_events 2>/dev/null); echo "${n:-0}"; }

ftnet check >/tmp/check 2>&1
rc=$?
cat /tmp/check
[ "$rc" = 0 ] && ok "check exit status 0" || fail "check exit status $rc"
grep -q '^tracefs  *' /tmp/check && [ -d $T/events ] && ok "ftnet mounted tracefs" || fail "tracefs not mounted"

ftnet selftest >/tmp/st 2>&1
rc=$?
cat /tmp/st
[ "$rc" = 0 ] && ok "selftest (auto) passes" || fail "selftest (auto) exit status $rc"

left=$(ls $T/instances | wc -l)
[ "$left" = 0 ] && ok "no instance left" || fail "instances left: $(ls $T/instances)"
[ "$(kp)" = 0 ] && ok "no ftnet probe left" || fail "probes left: $(cat $T/kprobe_events)"
[ "$fails" = 0 ] && echo "GUEST-RESULT: PASS" || echo "GUEST-RESULT: FAIL ($fails)"
