# SPDX-License-Identifier: GPL-2.0-or-later
# Persistent state belongs to whoever set it: a run changes only what it turned on itself, a
# user's enable during a run survives the run's end, a dead run's leftovers are told apart from
# a user's enable (status, check, the next run) and cleaned, and a run notices when another
# command turns its events off.
. "$TESTLIB"
need_root
D=/sys/kernel/tracing/instances/$INST/events
PORT=$($NET closed-port udp)

# a run's --filter or --buffer-kb on what the user enabled for good is refused, nothing changes
"$FTNET" -I "$INST" enable drops --filter 'reason == NO_SOCKET' >/dev/null
"$FTNET" -I "$INST" stream drops --filter 'reason == NOT_SPECIFIED' -d 0.3 >"$TMP/o" 2>"$TMP/e"
expect_eq "stream --filter on an enabled group: exit status" "$?" 1
grep -q "a run does not change its filter" "$TMP/e" && ok "the refusal says why" || fail "$(cat "$TMP/e")"
expect_eq "the user's filter kept" "$(cat $D/skb/kfree_skb/filter)" "reason == 3"
kb=$(cat /sys/kernel/tracing/instances/$INST/buffer_size_kb)
"$FTNET" -I "$INST" stream rx -B 8 -d 0.3 >"$TMP/o" 2>"$TMP/e"
expect_eq "stream -B on an existing instance: exit status" "$?" 1
grep -q "a run does not resize its buffer" "$TMP/e" && ok "the refusal says why" || fail "$(cat "$TMP/e")"
expect_eq "the buffer kept" "$(cat /sys/kernel/tracing/instances/$INST/buffer_size_kb)" "$kb"
expect_eq "rx not left on" "$(cat $D/net/netif_receive_skb/enable)" 0
"$FTNET" -I "$INST" disable --all >/dev/null

# an enable during a run that turned the group on makes it the user's: the run's end keeps it
stream_bg "$TMP/out" resets
wait_enabled tcp/tcp_send_reset
"$FTNET" -I "$INST" enable resets >/dev/null
stream_stop
expect_eq "stream's exit status" "$STREAM_RC" 0
expect_eq "resets kept on after the run (enabled meanwhile)" "$(cat $D/tcp/tcp_send_reset/enable)" 1
"$FTNET" -I "$INST" status >"$TMP/status"
grep -q '^resets  *enabled ' "$TMP/status" && ok "status: resets enabled" || fail "status: $(cat "$TMP/status")"
"$FTNET" -I "$INST" disable --all >/dev/null

# a run killed with SIGKILL: status and check name its leftovers, the next run cleans them
stream_bg "$TMP/out" states
wait_enabled sock/inet_sock_set_state
kill -9 "$STREAM_PID"
wait "$STREAM_PID" 2>/dev/null
PIDS=""
"$FTNET" -I "$INST" status >"$TMP/status" 2>&1
grep -q "^states .*left on by a run that ended without restoring (pid $STREAM_PID)" "$TMP/status" && \
	ok "status names the dead run's leftover" || fail "status: $(cat "$TMP/status")"
"$FTNET" -I "$INST" check >"$TMP/check" 2>&1
grep -q "instance '$INST': states left on by a run that ended without restoring (pid $STREAM_PID)" "$TMP/check" && \
	ok "check names the leftover" || fail "check: $(cat "$TMP/check")"
"$FTNET" -I "$INST" stream drops -d 0.3 >"$TMP/o" 2>"$TMP/e"
expect_eq "next run: exit status" "$?" 0
grep -q "group 'states' was left on .* (pid $STREAM_PID): turning it off" "$TMP/e" && ok "the next run says it cleans up" || fail "$(cat "$TMP/e")"
no_instance_left

# the catchable signals all restore
for sig in QUIT USR1 USR2 ALRM; do
	stream_bg "$TMP/out" retrans
	wait_enabled tcp/tcp_retransmit_skb
	kill -$sig "$STREAM_PID"
	wait "$STREAM_PID"
	PIDS=""
	no_instance_left
done

# disable during a stream: one outcome (the group off, the instance kept for its reader, exit 0),
# and the stream says its events were turned off
"$FTNET" -I "$INST" enable drops >/dev/null
stream_bg "$TMP/out" --json
sleep 0.5
$NET udp "$PORT" 10 >/dev/null
sleep 0.3
"$FTNET" -I "$INST" disable drops >"$TMP/dis" 2>&1
expect_eq "disable during a stream: exit status" "$?" 0
grep -q "busy" "$TMP/dis" && fail "disable said busy: $(cat "$TMP/dis")" || ok "no busy error"
# off; or already gone: a stream that notices at once ends and removes what nothing uses
# (the kernel says ENODEV of the files of an instance being removed)
st=$(cat "$D/skb/kfree_skb/enable" 2>&1) || { [ -d "$D" ] || st=gone; }
case $st in
0 | gone | *"No such device"*) ok "kfree_skb off ($st)" ;;
*) fail "kfree_skb after disable: $st" ;;
esac
sleep 1.5
grep -q "group 'drops' was turned off in instance '$INST' by another command" "$TMP/out.err" && \
	ok "the stream noticed" || fail "stream stderr: $(cat "$TMP/out.err")"
for i in $(seq 100); do kill -0 "$STREAM_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$STREAM_PID" 2>/dev/null && { fail "the stream still runs 10 s on"; kill "$STREAM_PID"; }
wait "$STREAM_PID"
expect_eq "the stream ends when nothing it reads is left: exit status" "$?" 1
PIDS=""
expect_eq "the stream saw the drops sent while on" "$(jcount "$TMP/out" "e['type'] == 'drop' and e['reason'] == 'NO_SOCKET'")" 10
"$FTNET" -I "$INST" disable --all >/dev/null

# disable states while connect is on says what happened: the shared tracepoint stays on
"$FTNET" -I "$INST" enable states connect >/dev/null
"$FTNET" -I "$INST" disable states >"$TMP/dis" 2>&1
grep -q "sock:inet_sock_set_state stays on: group 'connect' uses it" "$TMP/dis" && ok "disable says the tracepoint stays on" || fail "$(cat "$TMP/dis")"
"$FTNET" -I "$INST" disable --all >/dev/null

# tracing_on=0: the run warns that nothing will arrive
"$FTNET" -I "$INST" enable drops >/dev/null
echo 0 >/sys/kernel/tracing/instances/$INST/tracing_on
"$FTNET" -I "$INST" stream -d 0.2 >"$TMP/o" 2>"$TMP/e"
grep -q "tracing is off in instance '$INST'" "$TMP/e" && ok "stream warns about tracing_on=0" || fail "$(cat "$TMP/e")"
"$FTNET" -I "$INST" status >"$TMP/status" 2>&1
grep -q "^tracing: *off (tracing_on is 0)" "$TMP/status" && ok "status says tracing is off" || fail "status: $(cat "$TMP/status")"
"$FTNET" -I "$INST" disable --all >/dev/null

# enable and disable --all at once, many times: no "File exists", no false filter rejection
for i in $(seq 20); do
	"$FTNET" -I "$INST" enable drops --filter 'reason == NO_SOCKET' >/dev/null 2>>"$TMP/race" &
	"$FTNET" -I "$INST" disable --all >/dev/null 2>>"$TMP/race" &
	wait
done
[ -s "$TMP/race" ] && fail "concurrent enable/disable: $(sort "$TMP/race" | uniq -c)" || ok "20 concurrent enable/disable pairs without an error"
"$FTNET" -I "$INST" disable --all >/dev/null
no_instance_left
ls /run/ftnet/ 2>/dev/null | grep -q "^$INST\." && fail "state files left: $(ls /run/ftnet | grep "^$INST\.")" || ok "no lock or owner file left"
finish
