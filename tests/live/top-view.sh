# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet top's row limit and its text forms: --max-keys folds the keys past the limit into an
# 'other' row that is counted and shown; on a terminal each interval redraws in place, piped
# it prints one block per interval and no escape sequences.
. "$TESTLIB"
need_root
need_cmd script
make_ns
K=10

# K refused connects, each from its own source address: 2K address pairs (sent, received)
"$FTNET" -I "$INST" top resets --max-keys 3 --json -t 0.5 >"$TMP/out" 2>"$TMP/err" &
STREAM_PID=$!
PIDS="$STREAM_PID"
wait_enabled tcp/tcp_receive_reset
port=$(in_ns $NET closed-port tcp)
in_ns $NET refused "$port" "$K" many >/dev/null
stream_stop
expect_eq "top exit status" "$STREAM_RC" 0
python3 - "$TMP/out" "$K" <<'PY' && ok "3 rows kept, $((2 * K - 3)) resets in the other row" || fail "fold: $(tail -1 "$TMP/out")"
import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[-1])
k = int(sys.argv[2])
rows = e["resets"]
kept = [r for r in rows if r.get("other") != "true"]
other = [r for r in rows if r.get("other") == "true"]
assert e["final"] == "true" and e["events_total"] == 2 * k and e["lost_total"] == 0, e
assert len(kept) == 3 and all(r["total"] == 1 for r in kept), rows
assert len({(r["direction"], r["saddr"], r["daddr"]) for r in kept}) == 3, kept
assert len(other) == 1 and other[0]["total"] == 2 * k - 3, rows
PY

# the same on a terminal (script(1) gives top a pty): every block but the final one is
# followed by a redraw from the top left, and the other row is drawn
script -qfec "$FTNET -I $INST top resets --max-keys 3 -t 0.3 -d 1.6" /dev/null >"$TMP/tty" 2>&1 &
TTY_PID=$!
PIDS="$TTY_PID"
wait_enabled tcp/tcp_receive_reset
in_ns $NET refused "$port" "$K" many >/dev/null
wait "$TTY_PID"
expect_eq "top on a terminal: exit status" "$?" 0
PIDS=""
blocks=$(grep -c '^RESETS' "$TMP/tty")
clears=$(grep -o $'\033\\[H\033\\[2J' "$TMP/tty" | wc -l)
expect_ge "blocks drawn on the terminal" "$blocks" 3
expect_eq "redraws on the terminal" "$clears" $((blocks - 1))
expect_eq "final blocks on the terminal" "$(grep -c 'final' "$TMP/tty")" 1
grep -q "(total $((2 * K)) events, 0 lost)  final" "$TMP/tty" && ok "terminal: final totals" || fail "terminal final: $(tail -12 "$TMP/tty" | cat -A)"
grep -qE '^other +[0-9]+ +[0-9.]+ +'$((2 * K - 3))$'\r?$' "$TMP/tty" && ok "terminal: other row" || fail "terminal other row: $(tail -8 "$TMP/tty" | cat -A)"

# piped: one block per interval, no escape sequences
"$FTNET" -I "$INST" top resets -t 0.3 -d 1 2>&1 | cat >"$TMP/piped"
expect_ge "blocks when piped" "$(grep -c '^RESETS' "$TMP/piped")" 3
expect_eq "escape sequences when piped" "$(grep -c $'\033' "$TMP/piped")" 0
no_instance_left
finish
