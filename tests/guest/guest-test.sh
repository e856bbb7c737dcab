#!/bin/sh
# Runs inside the qemu guest (busybox sh): each check prints "GUEST: ok ..." or "GUEST: FAIL ...",
# and the last line is "GUEST-RESULT: PASS" or "GUEST-RESULT: FAIL". The harness on the host
# checks these lines, not qemu's exit status.
fails=0
ok() { echo "GUEST: ok $*"; }
fail() { echo "GUEST: FAIL $*"; fails=$((fails + 1)); }
T=/sys/kernel/tracing
kp() { n=$(grep -c '^[pr]:ftnet/' $T/kprobe_events 2>/dev/null); echo "${n:-0}"; }

# tracefs is not mounted yet: two ftnets starting at once both get it
ftnet status >/tmp/s1 2>&1 &
s1=$!
ftnet status >/tmp/s2 2>&1 &
s2=$!
wait $s1
r1=$?
wait $s2
r2=$?
[ "$r1$r2" = 00 ] && ok "two ftnets mounting tracefs at once both ran" || fail "concurrent first runs: $r1 $r2: $(cat /tmp/s1 /tmp/s2 | tr '\n' ' ')"

ftnet check >/tmp/check 2>&1
rc=$?
cat /tmp/check
[ "$rc" = 0 ] && ok "check exit status 0" || fail "check exit status $rc"
[ -d $T/events ] && ok "ftnet mounted tracefs" || fail "tracefs not mounted"
grep -q '^kprobe_events  *yes' /tmp/check && ok "check shows kprobes" || fail "check: no kprobes"

for b in auto tracepoint kprobe; do
	ftnet --backend $b selftest >/tmp/st.$b 2>&1
	rc=$?
	cat /tmp/st.$b
	[ "$rc" = 0 ] && ok "selftest --backend $b passes" || fail "selftest --backend $b: exit status $rc"
done
# the two backends agree on every exact count
for c in "RST sent by an aborted connection" "RST received by its peer" \
	 "RST received by refused client" "connects with latency > 0"; do
	t=$(grep "$c" /tmp/st.tracepoint | awk '{ print $(NF-1) }')
	k=$(grep "$c" /tmp/st.kprobe | awk '{ print $(NF-1) }')
	[ -n "$t" ] && [ "$t" = "$k" ] && ok "same count for '$c': $t" || fail "'$c': tracepoint $t, kprobe $k"
done

# same traffic seen through both backends at once: the same events and 4-tuples
norm() {	# type direction saddr sport daddr dport of each reset/retransmit/connect event
	sed -n 's/.*"type":"\(reset\|retransmit\|connect\)".*/&/p' "$1" | sed \
		-e 's/.*"type":"\([a-z]*\)".*/\1 &/' \
		-e 's/ {.*"direction":"\([a-z]*\)".*"saddr":"\([0-9a-f.:]*\)","sport":\([0-9]*\),"daddr":"\([0-9a-f.:]*\)","dport":\([0-9]*\).*/ \1 \2 \3 \4 \5/' \
		-e 's/ {.*"saddr":"\([0-9a-f.:]*\)","sport":\([0-9]*\),"daddr":"\([0-9a-f.:]*\)","dport":\([0-9]*\).*/ - \1 \2 \3 \4/' | sort
}
ftnet -I tp --backend tracepoint stream resets retrans connect --json >/tmp/tp.json 2>/tmp/tp.err &
tp=$!
ftnet -I kp --backend kprobe stream resets retrans connect --json >/tmp/kp.json 2>/tmp/kp.err &
kpid=$!
sleep 2
ftnet selftest >/dev/null 2>&1
# and over IPv6 (busybox nc): a refused connect (reset received, failed connect) and a
# connect that succeeds
nc -w1 ::1 5555 2>/dev/null
nc -l -p 5556 >/dev/null 2>&1 &
sleep 0.3
echo ftnet | nc -w1 ::1 5556
sleep 1
kill -INT $tp $kpid
wait $tp
rc1=$?
wait $kpid
rc2=$?
[ "$rc1$rc2" = 00 ] && ok "both streams ended cleanly on SIGINT" || fail "stream exit statuses $rc1 $rc2"
echo "GUEST: info tracepoint stream: $(cat /tmp/tp.err | tr '\n' ' ')"
echo "GUEST: info kprobe stream: $(cat /tmp/kp.err | tr '\n' ' ')"
[ -d $T/instances/tp ] && fail "the tracepoint stream left its instance: $(cat $T/instances/tp/set_event | tr '\n' ' ')"
norm /tmp/tp.json >/tmp/tp.n
norm /tmp/kp.json >/tmp/kp.n
n=$(wc -l </tmp/tp.n)
[ "$n" -ge 6 ] && ok "tracepoint stream saw $n reset/retransmit/connect events" || fail "tracepoint stream saw $n events: $(cat /tmp/tp.err)"
n6=$(grep -c ' ::1 ' /tmp/tp.n)
[ "$n6" -ge 3 ] && ok "tracepoint stream saw $n6 IPv6 events" || fail "IPv6 events seen: $n6: $(cat /tmp/tp.n | tr '\n' ';')"
if cmp -s /tmp/tp.n /tmp/kp.n; then ok "kprobe and tracepoint streams report the same events and 4-tuples"
else fail "streams differ: $(diff /tmp/tp.n /tmp/kp.n | grep '^[-+][a-z]' | tr '\n' ';') stderr: $(cat /tmp/tp.err /tmp/kp.err | tr '\n' ';')"; fi
[ "$(kp)" = 0 ] && ok "no ftnet probe left after the streams" || fail "probes left: $(cat $T/kprobe_events)"

# kill -9 leaves the instance and its probes; disable --all removes both
ftnet -I k9 --backend kprobe stream retrans connect >/dev/null 2>&1 &
k9=$!
sleep 2
kill -9 $k9
wait $k9 2>/dev/null
[ "$(kp)" -gt 0 ] && ok "kill -9 left $(kp) probes behind" || fail "no probe registered by the killed stream"
ftnet -I k9 disable --all >/tmp/dis 2>&1
cat /tmp/dis
[ "$(kp)" = 0 ] && ok "disable --all removed them" || fail "probes left after disable --all: $(cat $T/kprobe_events)"
# probes nobody uses (their instance removed by hand) are stale: check and status say so
ftnet -I k9 --backend kprobe stream resets >/dev/null 2>&1 &
k9=$!
sleep 2
kill -9 $k9
wait $k9 2>/dev/null
rmdir $T/instances/k9
ftnet check >/dev/null 2>/tmp/warn
grep -q "ftnet kprobes* left by an ftnet that did not exit cleanly" /tmp/warn && ok "check warns about stale probes" || fail "no stale-probe warning: $(cat /tmp/warn)"
ftnet status 2>&1 | grep -q "left by an ftnet" && ok "status warns too" || fail "status gave no warning"
ftnet disable --all >/dev/null 2>&1
[ "$(kp)" = 0 ] && ok "stale probes swept" || fail "probes left: $(cat $T/kprobe_events)"

left=$(ls $T/instances | wc -l)
[ "$left" = 0 ] && ok "no instance left" || fail "instances left: $(for i in $T/instances/*; do echo "$i: $(cat $i/set_event | tr '\n' ' ')"; done)"
[ "$fails" = 0 ] && echo "GUEST-RESULT: PASS" || echo "GUEST-RESULT: FAIL ($fails)"
