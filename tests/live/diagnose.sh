# SPDX-License-Identifier: GPL-2.0-or-later
# diagnose on a namespace with an nft drop rule and a UDP flood to a closed port: both are
# the top findings, each with its object (the port, the rule), evidence and next commands.
. "$TESTLIB"
need_root
need_cmd nft
make_ns
N=3000 M=800

nft_input 'udp dport 7777 counter drop'
"$FTNET" diagnose --netns "$NS" -d 3 --json >"$TMP/d" 2>"$TMP/d.err" &
D=$!
PIDS="$D"
sleep 1
port=$(in_ns $NET closed-port udp)
in_ns $NET udp "$port" "$N" >/dev/null
in_ns $NET udp 7777 "$M" >/dev/null
wait "$D"
expect_eq "diagnose exit status" "$?" 0
PIDS=""
python3 - "$TMP/d" "$N" "$M" "$port" "$NS" <<'PY' && ok "top findings: UDP port $port nobody listens x$N, the nft rule x$M" || fail "diagnose: $(cat "$TMP/d" "$TMP/d.err")"
import json, re, sys
e = json.loads(open(sys.argv[1]).read())
n, m, port, ns = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
f = e["findings"]
assert e["type"] == "diagnose" and len(f) >= 2, e
# the closed port, named by the ICMP port unreachables sent (icmp group, 6.8+)
assert f[0]["class"] == "cause" and f[0]["reason"] == "NO_SOCKET", f[0]
assert f[0]["object"] == {"kind": "port", "name": "UDP port %d on 127.0.0.1" % port}, f[0]
assert f[0]["title"] == ("UDP port %d on 127.0.0.1: packets came for a port nobody listens "
                         "on (%d packets dropped)" % (port, n)), f[0]
ev = {i["name"]: i for i in f[0]["evidence"]}
assert ev["UdpNoPorts"]["value"] == n and ev["UdpNoPorts"]["source"] == "snmp", ev
assert ev["NO_SOCKET"]["value"] == n, ev
assert re.match(r"NO_SOCKET at __udp4_lib_rcv\+0x[0-9a-f]+: %d$" % n, ev["NO_SOCKET"]["text"]), ev
assert f[0]["next"][0] == "ip netns exec %s ss -lnp '( sport = :%d )'" % (ns, port), f[0]
# the rule whose counter moved with the drops (nf_hook_slow on older kernels)
assert f[1]["class"] == "cause" and f[1]["reason"] == "NETFILTER_DROP", f[1]
assert f[1]["object"]["kind"] == "rule", f[1]
assert re.match(r"nft rule 'udp dport 7777 counter drop' \(table inet ftnet_test, chain input, "
                r"handle \d+\)$", f[1]["object"]["name"]), f[1]
assert f[1]["packets"] == m, f[1]
ev = {i["name"]: i for i in f[1]["evidence"]}
assert ev["rule_counter"]["value"] == m, ev
assert re.match(r"NETFILTER_DROP at nft?_[a-z_]+\+0x", ev["NETFILTER_DROP"]["text"]), ev
assert f[1]["next"][0] == "ip netns exec %s nft -a list ruleset" % ns, f[1]
assert [x["rank"] for x in f] == list(range(1, len(f) + 1))
PY
left=$(new_instances ftnet-diagnose-)
expect_eq "diagnose instances left" "$left" 0
"$FTNET" diagnose --netns "$NS" -d 0.5 >"$TMP/t" 2>&1
grep -q '^ftnet diagnose: 0.5 seconds' "$TMP/t" && ok "text report" || fail "text: $(cat "$TMP/t")"
# every option is checked before the namespace is entered: a bad one is a usage error (2),
# and the missing namespace is named only once the options are good (1)
"$FTNET" diagnose --netns ftnet-nosuch-ns -d soon >"$TMP/o" 2>"$TMP/e"
expect_eq "bad -d after --netns: exit status" "$?" 2
grep -q "invalid --duration 'soon'" "$TMP/e" && ok "bad -d named" || fail "bad -d: $(cat "$TMP/e")"
"$FTNET" diagnose --netns ftnet-nosuch-ns -d 0.1 >"$TMP/o" 2>"$TMP/e"
expect_eq "missing namespace: exit status" "$?" 1
grep -q "cannot enter network namespace 'ftnet-nosuch-ns'" "$TMP/e" && ok "missing namespace named" || fail "namespace: $(cat "$TMP/e")"
finish
