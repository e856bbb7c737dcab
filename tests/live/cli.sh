# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input gets a clear error and the right exit status, and leaves the kernel untouched.
. "$TESTLIB"
need_root

# run EXPECTED_RC PATTERN ARGS...: checks the status and that stderr matches PATTERN
run() {
	local want=$1 pat=$2
	shift 2
	"$FTNET" "$@" >"$TMP/o" 2>"$TMP/e"
	local rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pat" "$TMP/e"; then
		ok "ftnet $* -> $rc"
	else
		fail "ftnet $*: status $rc (want $want), stderr: $(cat "$TMP/e")"
	fi
}

instances() { ls /sys/kernel/tracing/instances | sort; }
before=$(instances)

run 2 "unknown group 'nope': the groups are drops, resets, retrans, icmp, states, connect, rx, tx, udp, rxlat, follow" -I "$INST" enable nope
run 2 "unknown group 'nope'" -I "$INST" stream nope
run 2 "'frobnicate' is not an ftnet command" frobnicate
run 2 "name the groups to enable" -I "$INST" enable
run 2 "give either groups or --all" -I "$INST" disable drops --all
run 2 "invalid --count 'x'" -I "$INST" stream -c x drops
run 2 "invalid --duration '-1'" -I "$INST" stream -d -1 drops
run 2 "invalid --time 'utc': give mono or wall" -I "$INST" stream --time utc drops
run 2 "invalid --buffer-kb" -I "$INST" enable --buffer-kb 0 drops
run 2 "invalid --instance '../x'" -I "../x" status
run 2 "unknown option '--bogus-global'" --bogus-global
run 2 "invalid --by 'port'" -I "$INST" top --by port
run 2 "'connect' is a latency: use 'ftnet hist connect'" -I "$INST" top connect
run 2 "unknown histogram 'foo'" -I "$INST" hist foo
run 2 "name one histogram" -I "$INST" hist
run 2 "invalid --interval '0.01'" -I "$INST" top -t 0.01
run 1 "cannot write the Prometheus file '/nonexistent/x.prom'" -I "$INST" top drops -d 0.2 --prom /nonexistent/x.prom
# checked before tracing starts: an hour's count ends at once (timeout only guards a hang)
timeout 30 "$FTNET" count -d 3600 --prom /nonexistent/x.prom >"$TMP/o" 2>"$TMP/e"
expect_eq "count with an unwritable --prom: exit status" "$?" 1
grep -q "cannot write the Prometheus file '/nonexistent/x.prom'" "$TMP/e" && ok "count names the file" || fail "count --prom: $(cat "$TMP/e")"
run 2 "invalid --prom '': give FILE" -I "$INST" top drops -d 0.2 --prom ''
run 2 "'BOGUS' is no value this kernel names for 'skb:kfree_skb'" -I "$INST" enable drops --filter 'reason == BOGUS'
run 2 "the kernel rejected the filter 'nofield > 1' .*Field not found at position 9" -I "$INST" stream drops --filter 'nofield > 1'
# --prom replaces only a regular file: never a device, a FIFO, a symlink or a directory
mknod "$TMP/null" c 1 3
mkfifo "$TMP/fifo"
ln -s "$TMP/elsewhere" "$TMP/link"
for f in null fifo link; do
	run 1 "cannot write the Prometheus file '$TMP/$f': not a regular file" -I "$INST" top drops -d 0.2 --prom "$TMP/$f"
done
[ -c "$TMP/null" ] && [ -p "$TMP/fifo" ] && [ -L "$TMP/link" ] && [ ! -e "$TMP/elsewhere" ] && \
	ok "the device, FIFO and symlink are left as they were" || fail "--prom replaced a special file: $(ls -l "$TMP")"
run 1 "cannot write the Prometheus file '$TMP': Is a directory" count -d 0.2 --prom "$TMP"
ls "$TMP"/*.tmp.* >/dev/null 2>&1 && fail "temporary files left: $(ls "$TMP")" || ok "no temporary file left"

# one number syntax everywhere: decimal digits, and a fraction for seconds
run 2 "invalid --duration '1e3'" -I "$INST" stream -d 1e3 drops
run 2 "invalid --duration '0x10'" -I "$INST" top -d 0x10
run 2 "invalid --count '0x10'" -I "$INST" stream -c 0x10 drops
run 2 "invalid --interval '1e-9'" counters -t 1e-9
# filters: one expression, checked before anything is changed, the kernel's words when it says no
run 2 "a filter is one expression: no newline, ';' or '#'" -I "$INST" stream drops --filter 'reason == 3 ; x'
run 2 "a filter is one expression" -I "$INST" stream drops --filter "$(printf 'reason == 3\nreason == 4')"
run 2 "a filter is one expression" -I "$INST" enable drops --filter 'reason == 3 # x'
run 2 "invalid --filter '': give EXPR" -I "$INST" stream drops --filter ''
run 2 "invalid --filter ' ': give an expression" -I "$INST" stream drops --filter ' '
run 2 "longer than 2048 bytes" -I "$INST" stream drops --filter "reason == $(printf '%03000d' 3)"
run 2 "'NOPE' is no value this kernel names for 'sock:inet_sock_set_state'" -I "$INST" stream states --filter 'newstate == NOPE'
# arguments are quoted short in messages, control characters escaped
"$FTNET" -I "$(printf 'x%.0s' $(seq 100000))" status >"$TMP/o" 2>"$TMP/e"
expect_eq "100 KB instance name: exit status" "$?" 2
[ "$(wc -c <"$TMP/e")" -lt 400 ] && ok "100 KB argument not echoed whole" || fail "echoed: $(wc -c <"$TMP/e") bytes"
grep -q "(100000 bytes)" "$TMP/e" && ok "the argument's length is said" || fail "$(cat "$TMP/e")"
FTNET_INSTANCE= "$FTNET" status >"$TMP/o" 2>"$TMP/e"
expect_eq "empty FTNET_INSTANCE: exit status" "$?" 2
grep -q "invalid FTNET_INSTANCE ''" "$TMP/e" && ok "empty FTNET_INSTANCE named" || fail "$(cat "$TMP/e")"
# -I wins: the environment is not even looked at then
FTNET_INSTANCE= "$FTNET" -I "$INST" status >"$TMP/o" 2>"$TMP/e"
expect_eq "empty FTNET_INSTANCE with -I: exit status" "$?" 0
run 2 "invalid --instance ''" -I "" status
run 2 "invalid --instance '.*' \\(65 bytes\\): use at most 64 letters" -I "$(printf 'x%.0s' $(seq 65))" status
# commands with a private instance of their own say that -I is not used
"$FTNET" -I "$INST" count -d 0.2 >/dev/null 2>"$TMP/e"
grep -q "count reads a private instance of its own (ftnet-count-[0-9]*): instance '$INST' is not used" "$TMP/e" && \
	ok "count says -I is not used" || fail "count -I: $(cat "$TMP/e")"
# stderr closed: nothing of ours is opened as fd 2 (the lock file got the warnings once)
"$FTNET" -I "$INST" stream drops -d 0.2 --filter 'reason == NO_SOCKET' >/dev/null 2>&-
expect_eq "stream with stderr closed: exit status" "$?" 0
ls /run/ftnet/ 2>/dev/null | grep -q "^$INST\." && fail "state files left: $(ls /run/ftnet)" || ok "no lock file left"
# output that could not be written is an error (exit 1), as git does
for cmd in "list" "check --json" "list --json" "-h" "stream -h"; do
	# shellcheck disable=SC2086
	"$FTNET" $cmd >/dev/full 2>"$TMP/e"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "cannot write the output: No space left on device" "$TMP/e"; then
		ok "ftnet $cmd > /dev/full -> 1"
	else
		fail "ftnet $cmd > /dev/full: status $rc, stderr: $(cat "$TMP/e")"
	fi
	# shellcheck disable=SC2086
	"$FTNET" $cmd >&- 2>"$TMP/e"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "cannot write the output: Bad file descriptor" "$TMP/e"; then
		ok "ftnet $cmd with stdout closed -> 1"
	else
		fail "ftnet $cmd with stdout closed: status $rc, stderr: $(cat "$TMP/e")"
	fi
done
no_instance_left

# a bad filter on an existing instance leaves its groups and filters as they were
"$FTNET" -I "$INST" enable drops --filter 'reason == NO_SOCKET' >/dev/null
run 2 "Field not found" -I "$INST" enable drops resets --filter 'bogus == 1'
D=/sys/kernel/tracing/instances/$INST/events
expect_eq "filter after a rejected one" "$(cat $D/skb/kfree_skb/filter)" "reason == 3"
expect_eq "resets not enabled by a failed enable" "$(cat $D/tcp/tcp_send_reset/enable)" 0
"$FTNET" -I "$INST" disable --all >/dev/null

# not root: the privilege is named
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$FTNET" -I "$INST" enable drops >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "needs root (CAP_SYS_ADMIN" "$TMP/e"; then ok "non-root is told it needs root"; else fail "non-root: $rc $(cat "$TMP/e")"; fi
	# but a file is read without root, by every command that reads one (the golden tier's way)
	cp "$TESTDATA/tracedat/drops-6.18.dat" "$TMP/d.dat"
	chmod 644 "$TMP/d.dat"
	chmod 755 "$TMP"
	for c in "report" "stream -r" "top -r" "count -r" "hist connect -r" "follow -r"; do
		# shellcheck disable=SC2086
		setpriv --reuid=65534 --regid=65534 --clear-groups "$FTNET" $c "$TMP/d.dat" >/dev/null 2>"$TMP/e"
		rc=$?
		want=0
		[ "$c" = "follow -r" ] && want=1	# the file holds drops alone, and follow says so
		if [ "$rc" = $want ] && ! grep -q "needs root" "$TMP/e" &&
			{ [ $want = 0 ] || grep -q "holds no events of group 'follow'" "$TMP/e"; }; then
			ok "non-root: $c FILE: exit status $rc"
		else fail "non-root: $c FILE: $rc $(cat "$TMP/e")"; fi
	done
fi

# stream with nothing enabled explains what to do
run 1 "nothing is enabled in instance '$INST': run 'ftnet enable GROUP'" -I "$INST" stream -d 0.2
# help works for every command
for c in check list enable disable status stream top hist count capture counters sockets \
	conntrack nftrace diagnose selftest; do
	"$FTNET" "$c" -h | grep -q '^EXAMPLES$' && ok "$c -h" || fail "$c -h has no EXAMPLES"
done
"$FTNET" check >"$TMP/check"
expect_eq "check exit status" "$?" 0
grep -q '^drops  *tracepoint  *skb:kfree_skb$' "$TMP/check" && ok "check shows the drops backend" || fail "check: $(cat "$TMP/check")"
"$FTNET" check --json >"$TMP/check.json"
n=$(jcount "$TMP/check.json" "e['type'] == 'group' and e['backend'] == 'tracepoint'")
expect_eq "groups with a tracepoint backend (check --json)" "$n" 11
"$FTNET" list --json >"$TMP/list.json"
n=$(jcount "$TMP/list.json" "e['type'] == 'tracepoint' and e['system'] == 'skb' and e['event'] == 'kfree_skb'")
expect_eq "list has skb:kfree_skb" "$n" 1

# file inputs that are no regular file: said what they are at once, never waited on
mkfifo "$TMP/fifo"
mkdir "$TMP/dir"
for f in fifo:"a pipe (FIFO)" dir:"a directory" /dev/zero:"a device"; do
	path=${f%%:*} what=${f#*:}
	[ "$path" = fifo ] || [ "$path" = dir ] && path=$TMP/$path
	for c in "report $path" "top -r $path" "count -r $path" "stream -r $path" "follow -r $path" \
		"hist connect -r $path" "capture -r $path" "--btf $path check"; do
		# shellcheck disable=SC2086
		timeout 10 "$FTNET" $c >/dev/null 2>"$TMP/e" </dev/null
		rc=$?
		if [ "$rc" = 1 ] && grep -q "$what" "$TMP/e"; then
			ok "ftnet $c: says it is $what"
		else
			fail "ftnet $c: status $rc (124: it hung), stderr: $(cat "$TMP/e")"
		fi
	done
done

expect_eq "instances after the bad-input runs" "$(instances)" "$before"
finish
