# SPDX-License-Identifier: GPL-2.0-or-later
# The initramfs-tools hook and the dracut module install the ftnet they are given: each is run
# with the distribution's helper functions replaced by stubs that record what they were asked.
. "$TESTLIB"
SRC=$(cd "$HERE/../.." && pwd)
mkdir -p "$TMP/itools"

# initramfs-tools: the hook sources hook-functions, then copies the binary with copy_exec
cat >"$TMP/itools/hook-functions" <<STUB
copy_exec() { echo "copy_exec \$*" >>"$TMP/calls"; }
STUB
sed "s|/usr/share/initramfs-tools/hook-functions|$TMP/itools/hook-functions|" \
	"$SRC/scripts/initramfs-tools/hooks/ftnet" >"$TMP/hook"
expect_eq "hook prereqs" "$(sh "$TMP/hook" prereqs)" ""
FTNET_BIN=$FTNET
FTNET=$FTNET_BIN sh "$TMP/hook" >/dev/null 2>&1
expect_eq "initramfs-tools hook copies ftnet" "$(cat "$TMP/calls")" "copy_exec $FTNET_BIN /bin/ftnet"
rm -f "$TMP/calls"
FTNET=/nonexistent PATH=/usr/bin:/bin sh "$TMP/hook" 2>"$TMP/err"
expect_eq "hook without a binary exits 0" "$?" 0
grep -q "no ftnet binary found" "$TMP/err" && ok "hook says what is missing" || fail "hook: $(cat "$TMP/err")"
[ -e "$TMP/calls" ] && fail "hook copied something without a binary" || ok "nothing copied"

# dracut: check/depends/install with require_binaries and inst_binary stubbed
mkdir -p "$TMP/bin"
ln -sf "$FTNET_BIN" "$TMP/bin/ftnet"
out=$(PATH="$TMP/bin:$PATH" bash -c '
	require_binaries() { command -v "$1" >/dev/null; }
	inst_binary() { echo "inst_binary $*"; }
	. "'"$SRC"'/scripts/dracut/90ftnet/module-setup.sh"
	check; echo "check $?"
	depends; echo "depends $?"
	install')
expect_eq "dracut module" "$out" "check 255
depends 0
inst_binary $TMP/bin/ftnet /usr/bin/ftnet"
finish
