# SPDX-License-Identifier: GPL-2.0-or-later
# Any tracepoint as SYSTEM:EVENT: N messages read one by one are N tcp:tcp_rcv_space_adjust
# events of the reading socket (stream, text and typed JSON); K connects are 2K
# sock:inet_sock_set_state changes to ESTABLISHED, the only ones a kernel filter on newstate
# lets through; record + report give the same N (and trace-cmd agrees), top --by counts
# them under their port, live and from the file; nothing is left in tracefs.
. "$TESTLIB"
need_root
make_ns
N=7 K=4

# bg CMD OUT ARGS...: an ftnet command in the background; it runs in ftnet-CMD-PID
bg() {
	local cmd=$1 out=$2
	shift 2
	"$FTNET" "$cmd" "$@" >"$out" 2>"$out.err" &
	BG=$!
	BG_INST="ftnet-$cmd-$BG"
	ALL_INST="${ALL_INST:-} $BG_INST"
	PIDS="$PIDS $BG"
}

# bg_ready EVENT: waits until the background command has enabled EVENT (sys/name)
bg_ready() {
	local i
	for i in $(seq 100); do
		[ "$(cat "/sys/kernel/tracing/instances/$BG_INST/events/$1/enable" 2>/dev/null)" = 1 ] &&
			return 0
		sleep 0.05
	done
	fail "$1 was never enabled in $BG_INST: $(cat "$TMP"/*.err 2>/dev/null)"
}

# bg_stop: SIGINT, then its exit status in BG_RC
bg_stop() {
	sleep 0.3
	kill -INT "$BG"
	wait "$BG"
	BG_RC=$?
	PIDS=""
}

# rcv_space FILE PORT: the tcp_rcv_space_adjust events of the socket bound to PORT, typed
rcv_space() {
	jcount "$1" "e['type'] == 'tracepoint' and e['event'] == 'tcp:tcp_rcv_space_adjust' and e['fields']['sport'] == $2 and e['fields']['saddr'] == '127.0.0.1' and e['fields']['family'] == 'AF_INET'"
}

# stream, JSON: one event per message read, with the reader's port as a number
bg stream "$TMP/space" tcp:tcp_rcv_space_adjust --json
bg_ready tcp/tcp_rcv_space_adjust
lport=$(in_ns $NET tcp-lockstep "$N")
bg_stop
expect_eq "stream exit status" "$BG_RC" 0
expect_eq "tcp_rcv_space_adjust of the reader ($N messages)" "$(rcv_space "$TMP/space" "$lport")" "$N"
expect_eq "skaddr in hex" "$(jcount "$TMP/space" "e['type'] == 'tracepoint' and e['fields']['sport'] == $lport and e['fields']['skaddr'].startswith('0x')")" "$N"

# stream, text, with a kernel filter naming a TCP state: only the ESTABLISHED changes
bg stream "$TMP/states" sock:inet_sock_set_state -f 'newstate == TCP_ESTABLISHED'
bg_ready sock/inet_sock_set_state
filter=$(cat "/sys/kernel/tracing/instances/$BG_INST/events/sock/inet_sock_set_state/filter")
read -r lport clients <<EOF2
$(in_ns $NET connects "$K")
EOF2
bg_stop
expect_eq "the filter as written in the kernel" "$filter" "newstate == 1"
expect_eq "stream -f exit status" "$BG_RC" 0
got=$(grep -c " sock:inet_sock_set_state .*newstate=TCP_ESTABLISHED sport=\($lport dport=[0-9]*\|[0-9]* dport=$lport\) " "$TMP/states")
expect_eq "changes to ESTABLISHED of $K connects (both ends)" "$got" $((2 * K))
expect_eq "other changes past the kernel filter" "$(grep -c 'sock:inet_sock_set_state' "$TMP/states" | tr -d ' ')" \
	"$(grep -c 'newstate=TCP_ESTABLISHED' "$TMP/states")"

# record a whole system and one event, report them back, count them with top
bg record "$TMP/rec" tcp:tcp_rcv_space_adjust 'sock:*' -o "$TMP/tp.dat"
bg_ready tcp/tcp_rcv_space_adjust
bg_ready sock/inet_sock_set_state
lport=$(in_ns $NET tcp-lockstep "$N")
bg_stop
expect_eq "record exit status" "$BG_RC" 0
"$FTNET" report "$TMP/tp.dat" --json >"$TMP/report" 2>"$TMP/report.err"
expect_eq "report exit status" "$?" 0
expect_eq "tcp_rcv_space_adjust in the file" "$(rcv_space "$TMP/report" "$lport")" "$N"
expect_eq "changes to ESTABLISHED of the connection in the file (sock:*)" \
	"$(jcount "$TMP/report" "e['type'] == 'tracepoint' and e['event'] == 'sock:inet_sock_set_state' and e['fields']['newstate'] == 'TCP_ESTABLISHED' and $lport in (e['fields']['sport'], e['fields']['dport'])")" 2
"$FTNET" report "$TMP/tp.dat" tcp:tcp_rcv_space_adjust --json >"$TMP/one" 2>/dev/null
expect_eq "report of one event: only it" "$(jcount "$TMP/one" "e['event'] != 'tcp:tcp_rcv_space_adjust'")" 0
expect_eq "report of one event: all of it" "$(rcv_space "$TMP/one" "$lport")" "$N"
if command -v trace-cmd >/dev/null; then
	got=$(trace-cmd report "$TMP/tp.dat" 2>/dev/null | grep -c "tcp_rcv_space_adjust:.* sport=$lport ")
	expect_eq "trace-cmd report: tcp_rcv_space_adjust of the reader" "$got" "$N"
fi
"$FTNET" top -r "$TMP/tp.dat" tcp:tcp_rcv_space_adjust --by sport,family --json -t 100000 \
	>"$TMP/top-file" 2>/dev/null
got=$(python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).readlines()[-1]); print(sum(r["total"] for r in e["tracepoints"] if r["fields"]["sport"] == int(sys.argv[2]) and r["fields"]["family"] == "AF_INET"))' "$TMP/top-file" "$lport")
expect_eq "top -r --by sport,family: the reader's row" "$got" "$N"

# top, live, by a field: the reader's port counted N times, also in the Prometheus file
bg top "$TMP/top" tcp:tcp_rcv_space_adjust --by sport --json -t 100000 --prom "$TMP/tp.prom"
bg_ready tcp/tcp_rcv_space_adjust
lport=$(in_ns $NET tcp-lockstep "$N")
bg_stop
expect_eq "top exit status" "$BG_RC" 0
got=$(python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).readlines()[-1]); print([r["total"] for r in e["tracepoints"] if r["fields"].get("sport") == int(sys.argv[2])])' "$TMP/top" "$lport")
expect_eq "top --by sport: the reader's row" "$got" "[$N]"
got=$(grep -c "^ftnet_tracepoint_events_total{event=\"tcp:tcp_rcv_space_adjust\",sport=\"$lport\"} $N\$" "$TMP/tp.prom")
expect_eq "the same row in --prom" "$got" 1

# what is refused, and said
"$FTNET" stream nosuchsys:nosuchevent -d 1 >/dev/null 2>"$TMP/err"
expect_eq "an unknown tracepoint: exit status" "$?" 1
expect_eq "it is named" "$(grep -c "no tracepoint 'nosuchsys:nosuchevent'" "$TMP/err")" 1
"$FTNET" top tcp:tcp_rcv_space_adjust --by nosuchfield -d 1 >/dev/null 2>"$TMP/err"
expect_eq "--by a field no tracepoint has: exit status" "$?" 2
expect_eq "it is named" "$(grep -c "no tracepoint named has a field 'nosuchfield'" "$TMP/err")" 1
"$FTNET" list tcp:tcp_rcv_space_adjust >"$TMP/list"
expect_eq "list SYSTEM:EVENT shows sport as a number" "$(grep -c '^sport .* unsigned$' "$TMP/list")" 1

left=0
for i in $ALL_INST; do [ -d "/sys/kernel/tracing/instances/$i" ] && left=$((left + 1)); done
expect_eq "private instances left" "$left" 0
finish
