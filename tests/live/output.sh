# SPDX-License-Identifier: GPL-2.0-or-later
# Output that cannot be written is an error (exit 1, said on stderr), and a reader that does
# not read never holds ftnet past its deadline or a signal: the kernel is restored at once.
. "$TESTLIB"
need_root
PORT=$($NET closed-port udp)

# stdout on a full disk, or closed: the run ends with 1 and says why
for how in full closed; do
	if [ $how = full ]; then
		"$FTNET" -I "$INST" stream drops -d 1 >/dev/full 2>"$TMP/e" &
	else
		"$FTNET" -I "$INST" stream drops -d 1 >&- 2>"$TMP/e" &
	fi
	P=$!
	PIDS="$P"
	wait_enabled skb/kfree_skb
	$NET udp "$PORT" 20 >/dev/null
	wait "$P"
	expect_eq "stream with stdout $how: exit status" "$?" 1
	PIDS=""
	grep -q "cannot write the output: " "$TMP/e" && ok "stdout $how: said" || fail "stdout $how: $(cat "$TMP/e")"
	no_instance_left
done

# A pipe nobody reads: -d still ends the run (the reader sleeps far longer), the kernel is
# restored, and what could not be written is counted on stderr.
flood() {	# flood SECS: UDP to the closed port, as fast as python sends
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    for i in range(100):
        s.sendto(b"x" * 64, ("127.0.0.1", int(sys.argv[2])))
' "$1" "$PORT"
}
( "$FTNET" -I "$INST" stream drops -d 2 2>"$TMP/e" & echo $! >"$TMP/pid"; wait ) | sleep 20 &
SLEEPER=$!
PIDS="$SLEEPER"
flood 4
P=$(cat "$TMP/pid")
sleep 1
if kill -0 "$P" 2>/dev/null; then fail "-d 2 with a blocked pipe: still running after 5 s"; else ok "-d 2 ended the run while the pipe was blocked"; fi
kill -0 "$SLEEPER" 2>/dev/null && ok "the pipe's reader was still not reading" || fail "the reader exited early: the check proves nothing"
no_instance_left
grep -q "bytes of output could not be written before the run ended" "$TMP/e" && ok "unwritten output counted" || fail "blocked pipe: $(cat "$TMP/e")"
kill "$SLEEPER" 2>/dev/null
wait "$SLEEPER" 2>/dev/null
PIDS=""

# the same pipe, and SIGTERM: the run ends at once (its restore does not wait for the pipe)
for sig in TERM INT QUIT USR1; do
	( "$FTNET" -I "$INST" stream drops 2>"$TMP/e" & echo $! >"$TMP/pid"; wait ) | sleep 20 &
	SLEEPER=$!
	PIDS="$SLEEPER"
	flood 2
	P=$(cat "$TMP/pid")
	kill -$sig "$P"
	sleep 1
	if kill -0 "$P" 2>/dev/null; then fail "SIG$sig with a blocked pipe: still running 1 s later"; else ok "SIG$sig ended the run while the pipe was blocked"; fi
	kill -0 "$SLEEPER" 2>/dev/null && ok "SIG$sig: the pipe's reader was still not reading" || fail "SIG$sig: the reader exited early"
	no_instance_left
	kill "$SLEEPER" 2>/dev/null
	wait "$SLEEPER" 2>/dev/null
	PIDS=""
done
finish
