# diagnose on a namespace with an nft drop rule and a UDP flood to a closed port: both are
# the top findings, with their evidence and the next command.
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
python3 - "$TMP/d" "$N" "$M" <<'PY' && ok "top findings: NO_SOCKET x$N, NETFILTER_DROP x$M" || fail "diagnose: $(cat "$TMP/d" "$TMP/d.err")"
import json, re, sys
e = json.loads(open(sys.argv[1]).read())
n, m = int(sys.argv[2]), int(sys.argv[3])
f = e["findings"]
assert e["type"] == "diagnose" and len(f) >= 2, e
assert f[0]["title"].startswith("%d packets dropped: NO_SOCKET at __udp4_lib_rcv+0x" % n), f[0]
assert "UdpNoPorts +%d" % n in f[0]["evidence"], f[0]
assert f[0]["next"].startswith("ftnet capture --drops"), f[0]
# nf_hook_slow on older kernels, nft_do_chain on newer ones
assert re.match(r"%d packets dropped: NETFILTER_DROP at nft?_[a-z_]+\+0x" % m, f[1]["title"]), f[1]
assert "nft list ruleset" in f[1]["next"], f[1]
assert [x["rank"] for x in f] == list(range(1, len(f) + 1))
PY
left=$(ls /sys/kernel/tracing/instances | grep -c '^ftnet-diagnose-')
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
