# SPDX-License-Identifier: GPL-2.0-or-later
# counters, sockets and conntrack against known traffic in namespaces of our own.
. "$TESTLIB"
need_root
need_cmd nft
make_veth
N=37

# counters: N datagrams across the veth in one interval; ARP resolved before it starts
ip netns exec "$NS" python3 "$HERE/net.py" udp 9 1 192.0.2.2 >/dev/null
sleep 0.3
"$FTNET" counters --netns "$NS" -t 2 -c 1 --json >"$TMP/c" 2>"$TMP/c.err" &
C=$!
PIDS="$C"
sleep 0.5
ip netns exec "$NS" python3 "$HERE/net.py" udp 9 "$N" 192.0.2.2 >/dev/null
wait "$C"
expect_eq "counters exit status" "$?" 0
PIDS=""
python3 - "$TMP/c" "$VA" "$N" <<'PY' && ok "counters: $N packets out of $VA, Udp OutDatagrams +$N" || fail "counters: $(cat "$TMP/c" "$TMP/c.err")"
import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[-1])
n = int(sys.argv[3])
links = {l["dev"]: l for l in e["links"]}
assert e["type"] == "counters", e
assert links[sys.argv[2]]["tx_packets"] == n, links
assert e["snmp"]["UdpOutDatagrams"] == n, e["snmp"]
assert "lo" not in links, links   # only what moved
assert e["nic"] == [], e["nic"]   # a veth's driver statistics count XDP only: none moved
PY
# the drivers' own statistics, as 'ethtool -S' names them: a veth's, every one with -a
"$FTNET" counters --netns "$NS" -t 0.1 -c 1 -a --json >"$TMP/ca" 2>&1
python3 - "$TMP/ca" "$VA" <<'PY' && ok "counters -a: $VA's driver statistics by name" || fail "counters -a: $(cat "$TMP/ca")"
import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[-1])
va = {x["name"]: x["delta"] for x in e["nic"] if x["dev"] == sys.argv[2]}
assert va["peer_ifindex"] == 0 and va["rx_queue_0_xdp_packets"] == 0, va
assert {x["dev"] for x in e["nic"]} == {sys.argv[2]}, e["nic"]   # lo has no driver statistics
# veth fills none of ethtool's standard statistics (netlink): none is made up
assert not [n for n in va if n.split("-")[0] in ("eth", "rmon", "pause")], va
PY

# sockets: a server that does not read shows its Recv-Q with its port and process
in_ns python3 -c '
import socket, time, sys
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
c = socket.socket(); c.connect(ls.getsockname()); a, _ = ls.accept()
c.send(b"x" * 1000)
print(ls.getsockname()[1], flush=True)
time.sleep(5)' >"$TMP/port" &
S=$!
PIDS="$S"
for i in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TMP/port")
"$FTNET" sockets --netns "$NS" --json >"$TMP/s" 2>"$TMP/s.err"
expect_eq "sockets exit status" "$?" 0
n=$(jcount "$TMP/s" "e['protocol'] == 'tcp' and e['sport'] == $port and e['recv_q'] == 1000 and e['state'] == 'ESTABLISHED' and e.get('comm') == 'python3'")
expect_eq "the reader's socket with Recv-Q 1000 on port $port" "$n" 1
"$FTNET" sockets --netns "$NS" >"$TMP/st"
grep -qE "^tcp +ESTABLISHED +1000 +0 +0 127\.0\.0\.1:$port .*python3/[0-9]+$" "$TMP/st" && ok "sockets text row" || fail "sockets text: $(cat "$TMP/st")"
kill "$S"; wait "$S" 2>/dev/null; PIDS=""

# conntrack: entries appear once a rule uses connection tracking
nft_input 'ct state established,related accept'
in_ns $NET connects 3 >/dev/null
"$FTNET" conntrack --netns "$NS" --json >"$TMP/ct"
expect_eq "conntrack exit status" "$?" 0
n=$(jcount "$TMP/ct" "e['type'] == 'conntrack' and e['state'] == 'present' and e['count'] >= 1 and e['max'] > 0")
expect_eq "conntrack entries after a ct rule" "$n" 1
"$FTNET" conntrack --netns "$NS" | grep -qE '^entries +[1-9][0-9]* of [0-9]+ \(' && ok "conntrack text" || fail "conntrack text"
"$FTNET" counters --netns ftnet-nosuch-ns -c 1 >"$TMP/o" 2>"$TMP/e"
expect_eq "counters in a missing namespace" "$?" 1
grep -q "cannot enter network namespace 'ftnet-nosuch-ns'" "$TMP/e" && ok "missing namespace named" || fail "$(cat "$TMP/e")"
finish
