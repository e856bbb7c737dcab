# SPDX-License-Identifier: GPL-2.0-or-later
# Events the kernel overwrote are reported, never hidden: with a tiny buffer and nobody
# reading, the events read plus the 'lost' counts equal the datagrams sent.
. "$TESTLIB"
need_root
make_ns
N=5000

"$FTNET" -I "$INST" enable drops --buffer-kb 8 --filter "reason == NO_SOCKET" >/dev/null 2>"$TMP/enable.err" || fail "enable: status $?: $(cat "$TMP/enable.err")"
# the kernel rounds up to whole pages: 8 KB reads back as a little more, far below the default
kb=$(cat /sys/kernel/tracing/instances/$INST/buffer_size_kb)
[ "$kb" -ge 8 ] && [ "$kb" -le 32 ] && ok "buffer_size_kb = $kb" || fail "buffer_size_kb = $kb, want 8 rounded up to pages"
port=$(in_ns $NET closed-port udp)
in_ns $NET udp "$port" "$N" >/dev/null
"$FTNET" -I "$INST" stream --json -d 0.5 >"$TMP/out" 2>"$TMP/err"
expect_eq "stream exit status" "$?" 0
drops=$(jcount "$TMP/out" "e['type'] == 'drop'")
lost=$(python3 -c 'import json,sys; print(sum(json.loads(l)["count"] for l in open(sys.argv[1]) if "\"lost\"" in l))' "$TMP/out")
expect_ge "lost events reported" "$lost" 1
expect_eq "drops read + lost" $((drops + lost)) "$N"
grep -q ": $drops events read, $drops shown, $lost lost: enlarge the buffer" "$TMP/err" && ok "summary on stderr" || fail "summary: $(cat "$TMP/err")"
"$FTNET" -I "$INST" disable --all >/dev/null
no_instance_left
finish
