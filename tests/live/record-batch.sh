# SPDX-License-Identifier: GPL-2.0-or-later
# record batches pages: 20 drops at 5 a second are a few pages (one per CPU a second at most),
# not a page each, and all 20 are in the file; a flood right after a quiet spell loses nothing.
. "$TESTLIB"
need_root
make_ns

port=$(in_ns $NET closed-port udp)
# rec FILE SENDER...: a record of drops on our instance while the sender runs; its summary
rec() {
	local f=$1
	shift
	"$FTNET" -I "$INST" record drops -o "$f" >/dev/null 2>"$f.err" &
	REC=$!
	PIDS=$REC
	wait_enabled skb/kfree_skb
	"$@"
	sleep 0.5
	kill -INT "$REC"
	wait "$REC"
	expect_eq "record exit status" "$?" 0
	PIDS=""
	PAGES=$(sed -n 's/^ftnet: [0-9]* events in \([0-9]*\) pages written to .*/\1/p' "$f.err")
	LOST=$(sed -n 's/^ftnet: [0-9]* events in [0-9]* pages written to .*, \([0-9]*\) lost$/\1/p' "$f.err")
	"$FTNET" report "$f" --json >"$f.json" 2>/dev/null
	OURS=$(jcount "$f.json" "e['type'] == 'drop' and e.get('reason') == 'NO_SOCKET' and e['location'].startswith('__udp4_lib_rcv')")
}
trickle() {
	in_ns python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b"x", ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.2)' "$port"
}
rec "$TMP/t.dat" trickle
echo "# 20 drops at 5/s: ${PAGES:-?} pages"
expect_eq "trickle: NO_SOCKET drops in the file" "$OURS" 20
expect_eq "trickle: events lost" "$LOST" 0
n=$(nproc)
[ -n "$PAGES" ] && [ "$PAGES" -le $((5 * n)) ] && ok "trickle: $PAGES pages (at most 5 per CPU)" ||
	fail "trickle: '${PAGES:-?}' pages for 20 drops over 4 s (a page per drop: 20)"
no_instance_left

flood() { sleep 1.5; in_ns $NET udp "$port" 20000 >/dev/null; }
rec "$TMP/f.dat" flood
echo "# 20000 drops after 1.5 s of quiet: ${PAGES:-?} pages, ${LOST:-?} lost"
expect_eq "flood after quiet: events lost" "$LOST" 0
expect_eq "flood after quiet: NO_SOCKET drops in the file" "$OURS" 20000
no_instance_left
finish
