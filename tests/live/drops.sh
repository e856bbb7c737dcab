# SPDX-License-Identifier: GPL-2.0-or-later
# N UDP datagrams to a closed port in a private namespace give exactly N NO_SOCKET drops
# at a __udp4_lib_rcv location, read by 'ftnet stream drops' (enabled for the run only).
. "$TESTLIB"
need_root
make_ns
N=50

stream_bg "$TMP/out" drops --json
wait_enabled skb/kfree_skb
port=$(in_ns $NET closed-port udp)
in_ns $NET udp "$port" "$N" >/dev/null
stream_stop
expect_eq "stream exit status" "$STREAM_RC" 0

udp=$(jcount "$TMP/out" "e['type'] == 'drop' and e.get('reason') == 'NO_SOCKET' and e['location'].startswith('__udp4_lib_rcv+0x')")
expect_eq "NO_SOCKET drops at __udp4_lib_rcv" "$udp" "$N"
comm=$(jcount "$TMP/out" "e['type'] == 'drop' and e['location'].startswith('__udp4_lib_rcv') and e['comm'] == 'python3' and e['pid'] > 0")
expect_eq "drops named after the sending process" "$comm" "$N"
other=$(jcount "$TMP/out" "e['type'] != 'drop'")
expect_eq "non-drop events in a drops-only stream" "$other" 0
grep -q ' 0 lost' "$TMP/out.err" && ok "summary says nothing lost" || fail "summary: $(cat "$TMP/out.err")"
no_instance_left

# text mode: the same drops as aligned columns with the reason and location
stream_bg "$TMP/text" drops
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 3 >/dev/null
stream_stop
head -1 "$TMP/text" | grep -q '^TIME  *CPU COMM  *PID EVENT  *DETAILS$' && ok "text header" || fail "text header: $(head -1 "$TMP/text")"
# the device: netif_receive_skb of the same skb told it (this kernel has no kprobes)
n=$(grep -c ' drop  *NO_SOCKET __udp4_lib_rcv+0x[0-9a-f]* protocol=IPv4 dev=lo$' "$TMP/text")
expect_eq "text drop lines" "$n" 3
no_instance_left

# -c stops by itself; --time wall adds wall_ns close to now
stream_bg "$TMP/count" drops --json -c 4 --time wall
wait_enabled skb/kfree_skb
in_ns $NET udp "$port" 10 >/dev/null
wait "$STREAM_PID"
expect_eq "stream -c 4 exit status" "$?" 0
PIDS=""
expect_eq "lines printed with -c 4" "$(wc -l <"$TMP/count")" 4
near=$(jcount "$TMP/count" "abs(e['wall_ns'] / 1e9 - __import__('time').time()) < 60")
expect_eq "wall_ns within a minute of now" "$near" 4
no_instance_left

# one sender on each CPU at once: every drop, and the CPUs' records merged in time order;
# again with rounds of one page per CPU (each CPU's round cut short, the rest read at exit)
ncpu=$(nproc)
for pages in default 1; do
	[ $pages = 1 ] && export FTNET_ROUND_PAGES=1
	stream_bg "$TMP/both" drops --json -B 8192
	wait_enabled skb/kfree_skb
	pids=""
	for c in $(seq 0 $((ncpu - 1))); do
		in_ns taskset -c "$c" $NET udp "$port" 3000 >/dev/null &
		pids="$pids $!"
	done
	wait $pids
	sleep 0.5
	kill -INT "$STREAM_PID"
	wait "$STREAM_PID"
	PIDS=""
	unset FTNET_ROUND_PAGES
	expect_eq "drops of $ncpu senders at once (rounds: $pages)" "$(jcount "$TMP/both" "e['type'] == 'drop' and e.get('reason') == 'NO_SOCKET'")" $((ncpu * 3000))
	expect_ge "CPUs whose drops were read (rounds: $pages)" "$(python3 -c '
import json, sys
print(len({json.loads(l)["cpu"] for l in open(sys.argv[1]) if "\"drop\"" in l}))' "$TMP/both")" "$ncpu"
	python3 - "$TMP/both" <<'PY' && ok "records of all CPUs in time order (rounds: $pages)" || fail "records out of time order (rounds: $pages)"
import json, sys
ts = [json.loads(l)["ts_ns"] for l in open(sys.argv[1])]
bad = [i for i in range(1, len(ts)) if ts[i] < ts[i - 1]]
print("# %d records, %d out of order" % (len(ts), len(bad)))
sys.exit(1 if bad else 0)
PY
	no_instance_left
done
finish
