# SPDX-License-Identifier: GPL-2.0-or-later
# ftnet selftest passes on this kernel and leaves no instance.
. "$TESTLIB"
need_root

"$FTNET" selftest >"$TMP/out" 2>&1
expect_eq "selftest exit status" "$?" 0
n=$(grep -c ' PASS$' "$TMP/out")
expect_eq "PASS rows" "$n" 12
grep -q '^selftest: all groups passed$' "$TMP/out" && ok "summary line" || fail "$(cat "$TMP/out")"
"$FTNET" selftest --json >"$TMP/json"
n=$(jcount "$TMP/json" "e['type'] == 'selftest' and e['result'] == 'PASS' and e['seen'] >= 1")
expect_eq "PASS objects in --json" "$n" 12
left=$(new_instances ftnet-selftest-)
expect_eq "selftest instances left" "$left" 0
finish
