# SPDX-License-Identifier: GPL-2.0-or-later
# record writes trace.dat files that trace-cmd reads: N UDP datagrams to a closed port are N
# NO_SOCKET kfree_skb records for 'trace-cmd report', and 'ftnet report' / 'stream -r' print
# the same drops (fields and all) as a live stream of the same traffic on another instance.
# SIGINT leaves a complete file; a full disk leaves a complete shorter one and says so; losses
# are in the file's pages; nothing is left in tracefs.
. "$TESTLIB"
need_root
need_cmd trace-cmd
make_ns
N=50
SINST="ftnet-test-s-$$"
trap 'umount "$TMP/small" 2>/dev/null; "$FTNET" -I "$SINST" disable --all >/dev/null 2>&1; cleanup' EXIT

# udp_drops FILE: our provoked drops among the JSON lines of FILE, one line each, without
# their time: two instances stamp one event a few microseconds apart (ts_ms_of gives it)
udp_drops() {
	python3 - "$1" "${2:-}" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["type"] == "drop" and e.get("reason") == "NO_SOCKET" and e["location"].startswith("__udp4_lib_rcv+0x"):
        print(e["ts_ns"] // 1000000 if sys.argv[2] else json.dumps(dict(e, ts_ns=0), sort_keys=True))
PY
}

# record and a live stream at once, each on its own instance; both stopped with SIGINT. A file
# holds the groups' events only, not the tracepoints a live run turns on for drops' flows and
# devices (flows.sh checks those): the live stream here runs without them (FTNET_TP_FLOWS=0)
"$FTNET" -I "$INST" record drops -o "$TMP/r.dat" >"$TMP/rec.out" 2>"$TMP/rec.err" &
REC=$!
FTNET_TP_FLOWS=0 "$FTNET" -I "$SINST" stream drops --json >"$TMP/live" 2>"$TMP/live.err" &
LIVE=$!
PIDS="$REC $LIVE"
wait_enabled skb/kfree_skb
INST_SAVE=$INST INST=$SINST
wait_enabled skb/kfree_skb
INST=$INST_SAVE
port=$(in_ns $NET closed-port udp)
in_ns $NET udp "$port" "$N" >/dev/null
sleep 0.3
kill -INT "$REC" "$LIVE"
wait "$REC"
expect_eq "record exit status after SIGINT" "$?" 0
wait "$LIVE"
expect_eq "live stream exit status" "$?" 0
PIDS=""
no_instance_left
[ -d "/sys/kernel/tracing/instances/$SINST" ] && fail "instance $SINST left behind"
[ -s "$TMP/rec.out" ] && fail "record printed on stdout: $(head -3 "$TMP/rec.out")"
ls "$TMP"/r.dat.ftnet-tmp.* >/dev/null 2>&1 && fail "a temporary file was left: $(ls "$TMP")"
grep -Eq "^ftnet: [0-9]+ events in [0-9]+ pages written to '$TMP/r.dat' \([0-9]+ bytes\), 0 lost$" \
	"$TMP/rec.err" && ok "record's summary" || fail "record's summary: $(cat "$TMP/rec.err")"

trace-cmd report "$TMP/r.dat" >"$TMP/tc" 2>"$TMP/tc.err"
expect_eq "trace-cmd report exit status" "$?" 0
tc=$(grep -c 'kfree_skb: .* location=__udp4_lib_rcv+0x[0-9a-f]* reason: NO_SOCKET$' "$TMP/tc")
expect_eq "NO_SOCKET kfree_skb records in trace-cmd report" "$tc" "$N"
tccomm=$(grep 'location=__udp4_lib_rcv+0x[0-9a-f]* reason: NO_SOCKET$' "$TMP/tc" | grep -c '^ *python3-[0-9]* ')
expect_eq "trace-cmd names the sender" "$tccomm" "$N"
[ -s "$TMP/tc.err" ] && fail "trace-cmd warned: $(head -3 "$TMP/tc.err")"

"$FTNET" report "$TMP/r.dat" --json >"$TMP/rep" 2>"$TMP/rep.err"
expect_eq "report exit status" "$?" 0
"$FTNET" -I "$INST" stream -r "$TMP/r.dat" --json >"$TMP/rd" 2>"$TMP/rd.err"
expect_eq "stream -r exit status" "$?" 0
udp_drops "$TMP/live" >"$TMP/live.d"
udp_drops "$TMP/rep" >"$TMP/rep.d"
expect_eq "our drops in the live stream" "$(wc -l <"$TMP/live.d")" "$N"
expect_eq "our drops in ftnet report" "$(wc -l <"$TMP/rep.d")" "$N"
# the views read the file as they read the kernel: top -r totals what report shows
"$FTNET" top -r "$TMP/r.dat" --by reason,location --json -t 3600 >"$TMP/top.json" 2>"$TMP/top.err"
expect_eq "top -r exit status" "$?" 0
t=$(tail -1 "$TMP/top.json" | python3 -c '
import json, sys
top = json.loads(sys.stdin.read())
print(sum(r["total"] for r in top["drops"] if r.get("reason") == "NO_SOCKET" and r["location"].startswith("__udp4_lib_rcv+0x")))')
expect_eq "top -r: NO_SOCKET drops at __udp4_lib_rcv" "$t" "$(python3 - "$TMP/rep" <<'PY'
import json, sys
print(sum(1 for l in open(sys.argv[1]) if (lambda e: e["type"] == "drop" and e.get("reason") == "NO_SOCKET" and e["location"].startswith("__udp4_lib_rcv+0x"))(json.loads(l))))
PY
)"
# count -r: every kfree_skb record of the file, the same number trace-cmd reports
"$FTNET" count -r "$TMP/r.dat" skb:kfree_skb --json >"$TMP/count.json" 2>"$TMP/count.err"
expect_eq "count -r exit status" "$?" 0
expect_eq "count -r: skb:kfree_skb = trace-cmd's kfree_skb records" \
	"$(python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["counts"][0]["total"])' <"$TMP/count.json")" \
	"$(grep -c ' kfree_skb: ' "$TMP/tc")"
"$FTNET" count -r "$TMP/r.dat" net:napi_poll >/dev/null 2>"$TMP/count.err"
expect_eq "count -r of an event the file lacks: exit status" "$?" 1
grep -q "holds no event 'net:napi_poll'" "$TMP/count.err" && ok "count -r names the missing event" || fail "count -r: $(cat "$TMP/count.err")"
cmp -s "$TMP/live.d" "$TMP/rep.d" && ok "report's drops = the live stream's, field for field" ||
	fail "report and live differ: $(diff "$TMP/live.d" "$TMP/rep.d" | sed -n "2p;53p")"
udp_drops "$TMP/live" ms >"$TMP/live.ms"
udp_drops "$TMP/rep" ms >"$TMP/rep.ms"
far=$(paste "$TMP/live.ms" "$TMP/rep.ms" | awk '$1 - $2 > 1 || $2 - $1 > 1' | wc -l)
expect_eq "drops whose times differ by more than a millisecond" "$far" 0
cmp -s "$TMP/rep" "$TMP/rd" && ok "stream -r prints what report prints" || fail "stream -r differs from report"
grep -q ": [0-9]* events read, [0-9]* shown, 0 lost$" "$TMP/rep.err" && ok "report's summary" ||
	fail "report's summary: $(cat "$TMP/rep.err")"
"$FTNET" report "$TMP/r.dat" drops >"$TMP/text" 2>/dev/null
n=$(grep -c ' drop  *NO_SOCKET __udp4_lib_rcv+0x[0-9a-f]* protocol=IPv4$' "$TMP/text")
expect_eq "text report's drop lines" "$n" "$N"
head -1 "$TMP/text" | grep -q '^TIME  *CPU COMM  *PID EVENT  *DETAILS$' && ok "text header" || fail "text header: $(head -1 "$TMP/text")"
"$FTNET" report "$TMP/r.dat" resets >/dev/null 2>"$TMP/err"
expect_eq "report of a group the file lacks: exit status" "$?" 1
grep -q "holds no events of group 'resets': it holds drops" "$TMP/err" && ok "says which groups it holds" || fail "$(cat "$TMP/err")"
"$FTNET" report "$TMP/r.dat" -c 3 --json >"$TMP/c3" 2>/dev/null
expect_eq "report -c 3 lines" "$(wc -l <"$TMP/c3")" 3

# the unit tests' file (two CPUs, a time extension, 7 lost): trace-cmd's reader agrees
SEED="$TESTDATA/tracedat/drops-6.18.dat"
trace-cmd report "$SEED" 2>/dev/null | sed -n 's/.*\[00\(.\)\] *\([0-9.]*\): kfree_skb:.*location=\([^ ]*\) reason: \(.*\)/\1 \2 \3 \4/p' >"$TMP/seed.tc"
"$FTNET" report "$SEED" --json 2>/dev/null | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "drop":
        print(e["cpu"], "%.6f" % (e["ts_ns"] / 1e9), e["location"], e["reason"])' >"$TMP/seed.ft"
expect_eq "records of the unit tests' file in trace-cmd" "$(wc -l <"$TMP/seed.tc")" 6
cmp -s "$TMP/seed.tc" "$TMP/seed.ft" && ok "ftnet and trace-cmd read it alike" || fail "seed: $(diff "$TMP/seed.tc" "$TMP/seed.ft" | head -4)"
trace-cmd report "$SEED" 2>/dev/null | grep -q 'CPU:0 \[7 EVENTS DROPPED\]' && ok "trace-cmd sees its 7 lost" || fail "trace-cmd: no 7 lost"
"$FTNET" report "$SEED" 2>&1 >/dev/null | grep -q ': 6 events read, 6 shown, 7 lost while recording' && ok "report counts them" || fail "report's summary on the unit file"

# version 7 (trace-cmd's default): read uncompressed and compressed (zstd, its default)
trace-cmd convert --file-version 7 --compression none -i "$TMP/r.dat" -o "$TMP/r7.dat" >/dev/null 2>&1
"$FTNET" report "$TMP/r7.dat" --json >"$TMP/r7" 2>"$TMP/r7.err"
expect_eq "report of version 7: exit status" "$?" 0
udp_drops "$TMP/r7" >"$TMP/r7.d"
cmp -s "$TMP/rep.d" "$TMP/r7.d" && ok "version 7 holds the same drops" || fail "version 7 differs: $(head -2 "$TMP/r7.err")"
trace-cmd convert --file-version 7 -i "$TMP/r.dat" -o "$TMP/r7z.dat" >/dev/null 2>&1
"$FTNET" report "$TMP/r7z.dat" --json >"$TMP/r7z" 2>"$TMP/r7z.err"
expect_eq "report of a compressed version 7: exit status" "$?" 0
udp_drops "$TMP/r7z" >"$TMP/r7z.d"
cmp -s "$TMP/rep.d" "$TMP/r7z.d" && ok "compressed version 7 holds the same drops" ||
	fail "compressed version 7 differs: $(head -2 "$TMP/r7z.err")"

# files trace-cmd wrote itself ('trace-cmd record' cannot run here, 'extract' can): an
# instance's buffer, as version 7 (zstd), as written and converted to version 6 and to
# uncompressed 7
"$FTNET" -I "$INST" enable drops >/dev/null
in_ns $NET udp "$port" 11 >/dev/null
(cd "$TMP" && trace-cmd extract -B "$INST" -o "$TMP/x.dat" >/dev/null 2>&1)
"$FTNET" -I "$INST" disable --all >/dev/null
trace-cmd convert --file-version 6 -i "$TMP/x.dat" -o "$TMP/x6.dat" >/dev/null 2>&1
trace-cmd convert --compression none -i "$TMP/x.dat" -o "$TMP/x7.dat" >/dev/null 2>&1
expect_eq "NO_SOCKET drops in trace-cmd's own file" "$(trace-cmd report "$TMP/x.dat" 2>/dev/null | grep -c 'reason: NO_SOCKET$')" 11
for v in x x6 x7; do
	"$FTNET" report "$TMP/$v.dat" --json >"$TMP/$v" 2>"$TMP/$v.err"
	expect_eq "report of trace-cmd's file ($v): exit status" "$?" 0
	expect_eq "report of trace-cmd's file ($v): drops" "$(udp_drops "$TMP/$v" | wc -l)" 11
done
no_instance_left

# follow -r: a file recorded with the follow group and -g gives the paths a live follow
# gives: each datagram to the closed port dropped NO_SOCKET, received on lo, with its stack
"$FTNET" -I "$INST" record follow -g -o "$TMP/f.dat" 2>"$TMP/rf.err" &
REC=$!
PIDS=$REC
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 9 >/dev/null
sleep 0.3
kill -INT "$REC"
wait "$REC"
expect_eq "record follow -g exit status" "$?" 0
PIDS=""
"$FTNET" follow -r "$TMP/f.dat" --json >"$TMP/fr.json" 2>"$TMP/fr.err"
expect_eq "follow -r exit status" "$?" 0
n=$(jcount "$TMP/fr.json" "e['type'] == 'path' and e['verdict'] == 'dropped' and e.get('reason') == 'NO_SOCKET' and e['location'].startswith('__udp4_lib_rcv+0x') and any(s['step'] == 'netif_receive_skb' and s.get('dev') == 'lo' for s in e['steps']) and any(f.startswith('__udp4_lib_rcv+0x') for f in e.get('stack', []))")
expect_eq "follow -r: paths dropped at __udp4_lib_rcv, received on lo, with the stack" "$n" 9
grep -q "^ftnet: [0-9]* paths shown ([0-9]* dropped, .* 0 events lost$" "$TMP/fr.err" && ok "follow -r's summary" || fail "follow -r: $(cat "$TMP/fr.err")"
"$FTNET" follow -r "$TMP/r.dat" >/dev/null 2>"$TMP/err"
expect_eq "follow -r of a drops-only file: exit status" "$?" 1
grep -q "holds no events of group 'follow'" "$TMP/err" && ok "says the file has no follow events" || fail "$(cat "$TMP/err")"
no_instance_left

# kill -9 leaves FILE.ftnet-tmp.PID (nothing can clean up after it): the next record to FILE
# removes it; files of the user's with names like it are kept: FILE.tmp.N whatever N,
# FILE.ftnet-tmp.N of a pid above pid_max, or holding what no record wrote, or a link
"$FTNET" -I "$INST" record drops -o "$TMP/k.dat" 2>/dev/null &
REC=$!
PIDS=$REC
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 3 >/dev/null
sleep 0.3
kill -9 "$REC"
wait "$REC" 2>/dev/null
PIDS=""
K=k.dat.ftnet-tmp.$REC
[ -e "$TMP/$K" ] && ok "kill -9 left $K" || fail "no temporary file after kill -9: $(ls "$TMP")"
dead=$(python3 -c 'import os; p = int(open("/proc/sys/kernel/pid_max").read()) - 1
while True:
    try: os.kill(p, 0)
    except ProcessLookupError: print(p); break
    p -= 1')
pmax=$(cat /proc/sys/kernel/pid_max)
for f in "k.dat.tmp.$dead" "k.dat.tmp.99999999" "k.dat.ftnet-tmp.$((pmax + 1))" "k.dat.ftnet-tmp.$dead"; do
	echo "the user's own notes" >"$TMP/$f"
	chmod 600 "$TMP/$f"
done
cp "$TMP/$K" "$TMP/copy.dat"
ln -s "$TMP/copy.dat" "$TMP/k.dat.ftnet-tmp.$((dead - 1))"
"$FTNET" -I "$INST" record drops -o "$TMP/k.dat" -d 0.3 2>"$TMP/k.err"
expect_eq "the next record: exit status" "$?" 0
grep -q "removed '$TMP/$K', left by a record that was killed (pid $REC)" "$TMP/k.err" &&
	ok "the next record removed it and said so" || fail "stale temporary: $(cat "$TMP/k.err")"
[ -e "$TMP/$K" ] && fail "$K is still there"
expect_eq "notes of removals (only the killed record's)" "$(grep -c removed "$TMP/k.err")" 1
for f in "k.dat.tmp.$dead" "k.dat.tmp.99999999" "k.dat.ftnet-tmp.$((pmax + 1))" "k.dat.ftnet-tmp.$dead" \
	"k.dat.ftnet-tmp.$((dead - 1))"; do
	[ -e "$TMP/$f" ] && ok "the user's $f is kept" || fail "the user's $f was removed"
done
"$FTNET" -I "$INST" disable --all >/dev/null 2>&1
no_instance_left

# -c stops by itself with a complete file; -d too
"$FTNET" -I "$INST" record drops -o "$TMP/c.dat" -c 5 -d 20 2>"$TMP/c.err" &
REC=$!
PIDS=$REC
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 20 >/dev/null
wait "$REC"
expect_eq "record -c 5 exit status" "$?" 0
PIDS=""
n=$(trace-cmd report "$TMP/c.dat" 2>/dev/null | grep -c 'reason: NO_SOCKET$')
expect_ge "records in a -c 5 file" "$n" 5
"$FTNET" -I "$INST" record drops -o "$TMP/d.dat" -d 0.5 2>/dev/null
expect_eq "record -d 0.5 exit status" "$?" 0
trace-cmd report "$TMP/d.dat" >/dev/null 2>&1
expect_eq "trace-cmd reads a -d file" "$?" 0
# SIGTERM ends it as SIGINT does
"$FTNET" -I "$INST" record drops -o "$TMP/t.dat" 2>/dev/null &
REC=$!
PIDS=$REC
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 7 >/dev/null
sleep 0.2
kill -TERM "$REC"
wait "$REC"
expect_eq "record exit status after SIGTERM" "$?" 0
PIDS=""
n=$(trace-cmd report "$TMP/t.dat" 2>/dev/null | grep -c 'reason: NO_SOCKET$')
expect_eq "drops in the file SIGTERM ended" "$n" 7
no_instance_left

# a full disk: recording stops, the file holds what fitted, and the message says how much
mkdir "$TMP/small"
mount -t tmpfs -o size=8M tmpfs "$TMP/small" || skip "cannot mount a tmpfs"
"$FTNET" -I "$INST" record drops -o "$TMP/small/f.dat" -d 10 2>"$TMP/f.err" &
REC=$!
PIDS=$REC
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 100000 >/dev/null
wait "$REC"
expect_eq "record on a full disk: exit status" "$?" 1
PIDS=""
kept=$(sed -n "s/.*No space left on device (writing the pages of CPU [0-9]*): recording stopped there; the file is complete and holds the first \([0-9]*\) events .*/\1/p" "$TMP/f.err")
[ -n "$kept" ] && ok "the error names what was kept ($kept events)" || fail "full disk: $(cat "$TMP/f.err")"
n=$(trace-cmd report "$TMP/small/f.dat" 2>/dev/null | grep -c 'reason: NO_SOCKET$')
expect_eq "trace-cmd reads the events kept" "$n" "${kept:-none}"
ls "$TMP/small" | grep -q tmp && fail "a temporary file was left on the full disk"
umount "$TMP/small"
no_instance_left
"$FTNET" -I "$INST" record drops -o /dev/full -d 1 2>"$TMP/err"
expect_eq "record -o /dev/full: exit status" "$?" 1
grep -q "not a regular file" "$TMP/err" && ok "says /dev/full is not a file" || fail "$(cat "$TMP/err")"

# -g: a kernel stack after every drop, its path through the UDP receive; the option restored
"$FTNET" -I "$INST" enable drops >/dev/null
"$FTNET" -I "$INST" record -g -o "$TMP/g.dat" -d 20 -c 5 2>"$TMP/g.err" &
REC=$!
PIDS=$REC
sleep 0.5
in_ns $NET udp "$port" 5 >/dev/null
wait "$REC"
expect_eq "record -g exit status" "$?" 0
PIDS=""
expect_eq "stacktrace option after record -g" "$(cat "/sys/kernel/tracing/instances/$INST/options/stacktrace")" 0
"$FTNET" -I "$INST" disable --all >/dev/null
trace-cmd report "$TMP/g.dat" 2>/dev/null >"$TMP/g.tc"
python3 - "$TMP/g.tc" >"$TMP/g.n" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
n = 0
for i, l in enumerate(lines):
    if "reason: NO_SOCKET" in l and i + 1 < len(lines) and "kernel_stack:" in lines[i + 1]:
        stack = []
        for s in lines[i + 2:]:
            if not s.startswith("=> "):
                break
            stack.append(s.split()[1])
        if "__udp4_lib_rcv" in stack and "ip_protocol_deliver_rcu" in stack:
            n += 1
print(n)
PY
expect_eq "drops followed by their stack (ip_protocol_deliver_rcu -> __udp4_lib_rcv)" "$(cat "$TMP/g.n")" 5
grep -q "records (events and their stacks) in" "$TMP/g.err" && ok "record -g's summary" || fail "record -g: $(cat "$TMP/g.err")"
"$FTNET" report "$TMP/g.dat" drops --json 2>/dev/null >"$TMP/g.rep"
expect_eq "report of a -g file: its drops" "$(udp_drops "$TMP/g.rep" | wc -l)" 5
# top --by stack on it: the same 5 under the call path udp_sendmsg -> ... -> __udp4_lib_rcv
"$FTNET" top -r "$TMP/g.dat" --by reason,stack --json -t 3600 >"$TMP/g.top" 2>"$TMP/g.top.err"
expect_eq "top -r --by reason,stack exit status" "$?" 0
expect_eq "top -r --by stack: NO_SOCKET drops whose stack holds __udp4_lib_rcv and udp_sendmsg" \
	"$(tail -1 "$TMP/g.top" | python3 -c '
import json, sys
top = json.loads(sys.stdin.read())
print(sum(r["total"] for r in top["drops"] if r.get("reason") == "NO_SOCKET" and
          any(f.startswith("__udp4_lib_rcv+0x") for f in r["stack"]) and
          any(f.startswith("udp_sendmsg+0x") for f in r["stack"])))')" 5
"$FTNET" top -r "$TMP/g.dat" --by reason,stack -t 3600 >"$TMP/g.tree" 2>/dev/null
grep -Eq '^ +[0-9]+ +[0-9.]+%  +__udp4_lib_rcv\+0x|^ +[0-9]+ +[0-9.]+%  [a-z_]+\+0x' "$TMP/g.tree" &&
	grep -Eq '^ {20,}udp_sendmsg\+0x' "$TMP/g.tree" && ok "text: the call tree with counts" ||
	fail "top --by stack text: $(head -20 "$TMP/g.tree")"
"$FTNET" top -r "$TMP/r.dat" --by stack -t 3600 >/dev/null 2>"$TMP/err"
grep -q "no kernel stack came after the drops (a file: record it with -g)" "$TMP/err" && ok "a file without stacks: said" || fail "no stacks: $(cat "$TMP/err")"
no_instance_left

# the flight recorder: 20 drops to a closed port, then one to a port an nft rule drops fires
# the --until trigger; the 30 sent after it are not in the file, which ends by itself
need_cmd nft
nft_input "udp dport 7799 counter drop"
"$FTNET" record drops -g --flight 1 --until 'drop:reason == NETFILTER_DROP' -o "$TMP/fl.dat" \
	2>"$TMP/fl.err" &
REC=$!
PIDS=$REC
finst=/sys/kernel/tracing/instances/ftnet-record-$REC
for i in $(seq 100); do
	grep -q '^traceoff' "$finst/events/skb/kfree_skb/trigger" 2>/dev/null && break
	sleep 0.05
done
grep -Eq '^traceoff:(count=)?1 if reason == [0-9]+' "$finst/events/skb/kfree_skb/trigger" 2>/dev/null &&
	ok "the traceoff trigger is set, its filter in numbers" ||
	fail "no traceoff trigger: $(cat "$TMP/fl.err")"
kb=$(cat "$finst/buffer_size_kb" 2>/dev/null)
[ "${kb:-0}" -ge 1024 ] && [ "$kb" -le 1100 ] && ok "1 MB per CPU (rounded up to pages: $kb KB)" || fail "buffer: $kb"
in_ns $NET udp "$port" 20 >/dev/null
in_ns $NET udp 7799 1 >/dev/null
in_ns $NET udp "$port" 30 >/dev/null
for i in $(seq 100); do kill -0 "$REC" 2>/dev/null || break; sleep 0.05; done
kill -0 "$REC" 2>/dev/null && fail "the flight recorder did not stop when its trigger fired"
wait "$REC"
expect_eq "record --flight exit status" "$?" 0
PIDS=""
[ -d "$finst" ] && fail "instance $finst left behind" || ok "its instance is gone"
grep -Eq "^ftnet: the trigger fired: [0-9]+ (events|records \(events and their stacks\)) in [0-9]+ pages written to '$TMP/fl.dat'" "$TMP/fl.err" &&
	ok "says the trigger fired" || fail "flight summary: $(cat "$TMP/fl.err")"
"$FTNET" report "$TMP/fl.dat" --json >"$TMP/fl" 2>/dev/null
expect_eq "the drops before the trigger are in the file, not those after" "$(udp_drops "$TMP/fl" | wc -l)" 20
expect_eq "the NETFILTER_DROP that fired it ends the file" \
	"$(tail -1 "$TMP/fl" | python3 -c 'import json, sys; e = json.loads(sys.stdin.read()); print(e.get("reason"))')" NETFILTER_DROP
# its stack (-g): report --stacks shows the nft rule's drop on its path through nf_hook_slow
"$FTNET" report --stacks "$TMP/fl.dat" --json >"$TMP/fls" 2>/dev/null
expect_eq "report --stacks: the NETFILTER_DROP drop's path holds nf_hook_slow" "$(python3 -c '
import json, sys
top = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(sum(r["total"] for r in top["drops"] if r.get("reason") == "NETFILTER_DROP" and
          any(f.startswith("nf_hook_slow+0x") for f in r.get("stack", []))))' "$TMP/fls")" 1
"$FTNET" report --stacks "$TMP/fl.dat" >"$TMP/flt" 2>/dev/null
grep -q '^NETFILTER_DROP ' "$TMP/flt" && grep -Eq '^ +nf_hook_slow\+0x' "$TMP/flt" && ok "report --stacks: its tree" ||
	fail "report --stacks text: $(head -20 "$TMP/flt")"
# SIGUSR1 writes what the kernel kept so far
"$FTNET" record drops --flight 1 -o "$TMP/fu.dat" 2>"$TMP/fu.err" &
REC=$!
PIDS=$REC
INST_SAVE=$INST INST=ftnet-record-$REC
wait_enabled skb/kfree_skb
INST=$INST_SAVE
in_ns $NET udp "$port" 7 >/dev/null
kill -USR1 "$REC"
wait "$REC"
expect_eq "record --flight after SIGUSR1: exit status" "$?" 0
PIDS=""
"$FTNET" report "$TMP/fu.dat" --json >"$TMP/fu" 2>/dev/null
expect_eq "SIGUSR1: the 7 drops kept" "$(udp_drops "$TMP/fu" | wc -l)" 7
"$FTNET" record drops --until drop -o "$TMP/x.dat" 2>"$TMP/err"
expect_eq "--until without --flight: exit status" "$?" 2
no_instance_left

# losses: a tiny buffer nobody read; the pages say how many were lost, and the file keeps that
"$FTNET" -I "$INST" enable drops --buffer-kb 8 --filter "reason == NO_SOCKET" >/dev/null
in_ns $NET udp "$port" 5000 >/dev/null
"$FTNET" -I "$INST" record -o "$TMP/l.dat" -d 0.5 2>"$TMP/l.err"
"$FTNET" -I "$INST" disable --all >/dev/null
"$FTNET" report "$TMP/l.dat" --json >"$TMP/l" 2>/dev/null
drops=$(jcount "$TMP/l" "e['type'] == 'drop'")
lost=$(python3 -c 'import json,sys; print(sum(json.loads(l)["count"] for l in open(sys.argv[1]) if "\"lost\"" in l))' "$TMP/l")
expect_ge "lost events in the file" "$lost" 1
expect_eq "drops + lost in the file" $((drops + lost)) 5000
tclost=$(trace-cmd report "$TMP/l.dat" 2>/dev/null | sed -n 's/.*\[\([0-9]*\) EVENTS DROPPED\].*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
expect_eq "trace-cmd sees the same losses" "$tclost" "$lost"
grep -q " $lost lost: enlarge the buffer" "$TMP/l.err" && ok "record's summary counts them" || fail "record: $(cat "$TMP/l.err")"
no_instance_left
finish
