# What runs leave and what is a user's: the names of ftnet's private instances are refused in
# -I (but for status and disable).
. "$TESTLIB"
need_root
T=/sys/kernel/tracing/instances

"$FTNET" -I ftnet-agg-4000000 enable drops >/dev/null 2>"$TMP/e"
expect_eq "-I ftnet-agg-4000000 enable: exit status" "$?" 2
grep -q "instance name 'ftnet-agg-4000000' is reserved for ftnet's private instances" "$TMP/e" &&
	ok "says the name is reserved" || fail "$(cat "$TMP/e")"
[ -d "$T/ftnet-agg-4000000" ] && fail "ftnet-agg-4000000 was made"
FTNET_INSTANCE=ftnet-count-12 "$FTNET" stream -d 0.1 >/dev/null 2>&1
expect_eq "FTNET_INSTANCE=ftnet-count-12 stream: exit status" "$?" 2
"$FTNET" -I ftnet-counter-1 status >/dev/null 2>&1
expect_eq "-I ftnet-counter-1 (not reserved) status: exit status" "$?" 0

finish
