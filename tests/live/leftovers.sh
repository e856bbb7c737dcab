# SPDX-License-Identifier: GPL-2.0-or-later
# What runs leave and what is a user's: the names of ftnet's private instances are refused in
# -I (but for status and disable); a count killed with -9 leaves ftnet-count-PID with its
# events on, which check and status name and one 'disable --all' removes with its files in
# /run/ftnet; an instance of that kind of name that no ftnet made (mkdir) is kept.
. "$TESTLIB"
need_root
T=/sys/kernel/tracing/instances

"$FTNET" -I ftnet-agg-4000000 enable drops >/dev/null 2>"$TMP/e"
expect_eq "-I ftnet-agg-4000000 enable: exit status" "$?" 2
grep -q "instance name 'ftnet-agg-4000000' is reserved for ftnet's private instances" "$TMP/e" &&
	ok "says the name is reserved" || fail "$(cat "$TMP/e")"
[ -d "$T/ftnet-agg-4000000" ] && fail "ftnet-agg-4000000 was made"
FTNET_INSTANCE=ftnet-count-12 "$FTNET" stream -d 0.1 >/dev/null 2>&1
expect_eq "FTNET_INSTANCE=ftnet-count-12 stream: exit status" "$?" 2
"$FTNET" -I ftnet-counter-1 status >/dev/null 2>&1
expect_eq "-I ftnet-counter-1 (not reserved) status: exit status" "$?" 0

# a user's instance named like a dead run's: no record says a run made it, so it stays
mkdir "$T/ftnet-agg-4000001" || skip "cannot make an instance with mkdir"
USER_INST=ftnet-agg-4000001
trap 'rmdir "$T/$USER_INST" 2>/dev/null; cleanup' EXIT

"$FTNET" count -d 3600 >/dev/null 2>&1 &
C=$!
PIDS=$C
for i in $(seq 100); do
	[ -d "$T/ftnet-count-$C" ] && [ "$(cat "$T/ftnet-count-$C/events/skb/kfree_skb/enable" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
kill -9 "$C"
wait "$C" 2>/dev/null
PIDS=""
[ -d "$T/ftnet-count-$C" ] && ok "kill -9 left ftnet-count-$C" || fail "no instance left by count -9"
on=$(cat "$T/ftnet-count-$C"/events/*/*/enable 2>/dev/null | grep -c 1)
expect_ge "events left on in ftnet-count-$C" "$on" 1
"$FTNET" check >/dev/null 2>"$TMP/check"
grep -q "instance 'ftnet-count-$C' was made by a run that is gone (pid $C) and is still there: 'ftnet disable --all' removes it" "$TMP/check" &&
	ok "check names the leftover" || fail "check: $(cat "$TMP/check")"
"$FTNET" status >/dev/null 2>"$TMP/status"
grep -q "instance 'ftnet-count-$C' was made by a run that is gone (pid $C)" "$TMP/status" &&
	ok "status names the leftover" || fail "status: $(cat "$TMP/status")"
"$FTNET" -I "$INST" disable --all >"$TMP/dis" 2>&1
expect_eq "disable --all: exit status" "$?" 0
grep -q "removed instance 'ftnet-count-$C', left by a run that is gone (pid $C)" "$TMP/dis" &&
	ok "disable --all says what it removed" || fail "disable --all: $(cat "$TMP/dis")"
[ -d "$T/ftnet-count-$C" ] && fail "ftnet-count-$C is still there" || ok "ftnet-count-$C removed"
ls /run/ftnet/ 2>/dev/null | grep -q "^ftnet-count-$C\." && fail "state files left: $(ls /run/ftnet | grep "^ftnet-count-$C\.")" ||
	ok "no state file of ftnet-count-$C left"
[ -d "$T/$USER_INST" ] && ok "the user's $USER_INST is kept" || fail "the user's $USER_INST was removed"
grep -q "$USER_INST" "$TMP/check" "$TMP/dis" && fail "the user's $USER_INST was named as a leftover"
# state files in /run/ftnet: none after a filter the kernel rejects, none after a dead
# stream's instance is disabled
state() { ls /run/ftnet/ /tmp/ftnet/ 2>/dev/null | grep "^$INST\." | tr '\n' ' '; }
"$FTNET" -I "$INST" enable drops --filter 'nosuchfield == 1' >/dev/null 2>"$TMP/e"
expect_eq "enable with a filter the kernel rejects: exit status" "$?" 2
expect_eq "state files after the rejected filter (enable)" "$(state)" ""
"$FTNET" -I "$INST" stream drops --filter 'nosuchfield == 1' -d 1 >/dev/null 2>"$TMP/e"
expect_eq "stream with a filter the kernel rejects: exit status" "$?" 2
expect_eq "state files after the rejected filter (stream)" "$(state)" ""
"$FTNET" -I "$INST" stream drops >/dev/null 2>&1 &
S=$!
PIDS=$S
wait_enabled skb/kfree_skb
kill -9 "$S"
wait "$S" 2>/dev/null
PIDS=""
[ -n "$(state)" ] && ok "kill -9 of a stream left $(state)" || fail "no state file after kill -9"
"$FTNET" -I "$INST" disable --all >/dev/null 2>&1
expect_eq "state files after disable --all of the dead stream's instance" "$(state)" ""
no_instance_left
finish
