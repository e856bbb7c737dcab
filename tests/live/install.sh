# SPDX-License-Identifier: GPL-2.0-or-later
# make install from the build tree puts ftnet, its man pages, the bash completion and the
# initramfs hooks where they belong and nothing else; every page renders without a warning
# and lists every option and example -h lists; completion offers what ftnet takes; make
# uninstall leaves no file behind.
. "$TESTLIB"
need_root
need_cmd make
need_cmd groff
need_cmd man
need_cmd col
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || skip "needs bash-completion ($BC)"
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "$(dirname "$FTNET")" && pwd)
if [ ! -f "$BUILD/Makefile" ]; then
	fail "no build tree at $BUILD: FTNET must be the ftnet of a configured build directory"
	finish
fi
D=$TMP/dest

# make in the build tree, not as part of the make check that may be running this test
bmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$BUILD" "$@"
}

# the directories this build installs to, from its Makefile
bmake -f Makefile -f - print-dirs >"$TMP/dirs" <<'MK'
print-dirs:
	@echo "bindir='$(bindir)' man1dir='$(man1dir)' compdir='$(bashcompletiondir)'"
	@echo "hookdir='$(initramfshooksdir)' dracutdir='$(dracutmoduledir)'"
	@echo "unitdir='$(systemdsystemunitdir)' promdir='$(prometheusdir)'"
MK
. "$TMP/dirs"

bmake install DESTDIR="$D" >"$TMP/install.log" 2>&1
rc=$?
expect_eq "make install DESTDIR=... exit status" "$rc" 0
[ "$rc" = 0 ] || cat "$TMP/install.log"

# the commands as ftnet -h lists them
# the words on stdin, sorted, on one line
line() {
	sort | tr '\n' ' ' | sed 's/ $//'
}

commands=$("$FTNET" -h |
	awk '/^COMMANDS/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
expect_ge "commands in ftnet -h" "$(echo "$commands" | wc -w)" 10
{
	echo "$bindir/ftnet"
	echo "$man1dir/ftnet.1"
	for c in $commands; do echo "$man1dir/ftnet-$c.1"; done
	echo "$compdir/ftnet"
	echo "$hookdir/ftnet"
	echo "$dracutdir/module-setup.sh"
	echo "$unitdir/ftnet-serve.service"
	echo "$promdir/ftnet-rules.yml"
	echo "$promdir/prometheus-ftnet.yml"
} | sort >"$TMP/want"
(cd "$D" && find . -type f -o -type l) | sed 's|^\.||' | sort >"$TMP/got"
if cmp -s "$TMP/want" "$TMP/got"; then
	ok "installed exactly the $(wc -l <"$TMP/want") files"
else
	fail "installed files differ (- wanted, + installed):" \
		"$(diff "$TMP/want" "$TMP/got" | grep '^[<>]' | tr '<>' '-+' | tr '\n' ' ')"
fi
for f in "$bindir/ftnet" "$hookdir/ftnet" "$dracutdir/module-setup.sh"; do
	[ -x "$D$f" ] && ok "$f is executable" || fail "$f is not executable"
done
expect_eq "the unit starts the installed ftnet" \
	"$(grep -c "^ExecStart=$bindir/ftnet serve " "$D$unitdir/ftnet-serve.service")" 1

# every page renders without a warning, at 80 columns
for page in "$D$man1dir"/*.1; do
	w=$(groff -man -ww -z "$page" 2>&1; MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	name=$(basename "$page")
	[ -z "$w" ] && ok "$name renders without warnings" || fail "$name: $w"
done

# rendered text, in ASCII and wide enough that no option is broken over two lines
render() {
	LC_ALL=C MANWIDTH=200 man -l "$1" 2>/dev/null | col -b
}

# each command's page: every option of its -h (with its letter), every example, its groups
check_page() {
	local c=$1 page="$D$man1dir/ftnet-$1.1" text missing=""
	text=$(render "$page")
	"$FTNET" "$c" -h >"$TMP/help"
	# "  -b, --by KEY  help" and "      --rows N  help": the option as -h names it
	sed -n '/^OPTIONS$/,/^$/p' "$TMP/help" |
		sed -n 's/^  \(\(-[a-zA-Z], \)\{0,1\}--[a-z0-9-]*\).*/\1/p' >"$TMP/opts"
	[ -s "$TMP/opts" ] || missing="(no options parsed from -h)"
	while read -r opt; do
		grep -qF -- "$opt" <<<"$text" || missing="$missing $opt"
	done <"$TMP/opts"
	sed -n '/^EXAMPLES$/,$p' "$TMP/help" | sed -n 's/^  //p' >"$TMP/ex"
	while read -r ex; do
		grep -qF -- "$ex" <<<"$text" || missing="$missing example: $ex"
	done <"$TMP/ex"
	sed -n 's/^groups: //p' "$TMP/help" >"$TMP/groups"
	while read -r g; do
		grep -qF -- "groups: $g" <<<"$text" || missing="$missing groups: $g"
	done <"$TMP/groups"
	grep -q "^NAME" <<<"$text" && grep -qF "ftnet-$c - " <<<"$text" || missing="$missing NAME"
	if [ -z "$missing" ]; then
		ok "ftnet-$c(1) has the $(wc -l <"$TMP/opts") options," \
			"$(wc -l <"$TMP/ex") examples and the groups of -h"
	else
		fail "ftnet-$c(1) lacks:$missing"
	fi
}
for c in $commands; do check_page "$c"; done
text=$(render "$D$man1dir/ftnet.1")
missing=""
for c in $commands; do grep -qF "ftnet-$c(1)" <<<"$text" || missing="$missing $c"; done
for s in SYNOPSIS COMMANDS OPTIONS GROUPS FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q "^$s" <<<"$text" || missing="$missing section:$s"
done
grep -qF "/run/ftnet" <<<"$text" || missing="$missing /run/ftnet"
grep -qF -- "-I, --instance NAME" <<<"$text" || missing="$missing --instance"
[ -z "$missing" ] && ok "ftnet(1) names every command and has its sections" ||
	fail "ftnet(1) lacks:$missing"

# completion: the installed file, the installed ftnet, bash-completion's own framework
complete_words() {
	PATH="$D$bindir:$PATH" bash -c '
		. "$1" && . "$2" || exit 1
		shift 2
		COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
		_ftnet
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BC" "$D$compdir/ftnet" "$@" 2>&1
}
words() { complete_words "$@" | line; }
# the groups of a "groups: a, b, c" line of CMD -h
groups_of() { "$FTNET" "$1" -h | sed -n 's/^groups: //p' | tr -d ',' | tr ' ' '\n' | line; }

expect_eq "complete 'ftnet st'" "$(words ftnet st)" "$(echo "$commands" | grep '^st' | line)"
expect_eq "complete 'ftnet stream --j'" "$(words ftnet stream --j)" "--json"
expect_eq "complete 'ftnet -I x stream --j' (a global option's value skipped)" \
	"$(words ftnet -I x stream --j)" "--json"
expect_eq "complete 'ftnet --backend '" "$(words ftnet --backend '')" "auto kprobe tracepoint"
expect_eq "complete 'ftnet stream --time '" "$(words ftnet stream --time '')" "mono wall"
keys=$(words ftnet top --by '')
expect_ge "keys offered for 'ftnet top --by '" "$(echo "$keys" | wc -w)" 5
bad=""
for k in $keys; do "$FTNET" top --by "$k" -h >/dev/null 2>&1 || bad="$bad $k"; done
expect_eq "--by keys offered that top refuses" "$bad" ""
# a key no table has is refused (fields of tracepoints are checked once their formats are read)
"$FTNET" top --by nokey -d 0.1 >/dev/null 2>&1
[ $? = 2 ] || fail "top took --by nokey: the check proves nothing"
expect_eq "complete 'ftnet top --by reason,lo'" "$(words ftnet top --by reason,lo)" \
	"reason,location"
expect_eq "complete 'ftnet top --by=lo'" "$(words ftnet top --by=lo)" "location"
expect_eq "complete 'ftnet enable '" "$(words ftnet enable '')" "$(groups_of enable)"
expect_eq "complete 'ftnet top '" "$(words ftnet top '')" "$(groups_of top)"
hists=$("$FTNET" hist -h | sed -n '/is one of:$/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | line)
expect_eq "complete 'ftnet hist '" "$(words ftnet hist '')" "$hists"
ev=/sys/kernel/tracing/available_events
expect_eq "complete 'ftnet count sk': the skb events" "$(words ftnet count sk)" \
	"$(grep '^sk' "$ev" | line)"
complete_words ftnet count sk | grep -qx "skb:kfree_skb" && ok "skb:kfree_skb offered" ||
	fail "no skb:kfree_skb"
expect_eq "complete 'ftnet count skb:kfree_s' (the part after the colon)" \
	"$(words ftnet count skb:kfree_s)" "kfree_skb"
expect_eq "complete 'ftnet stream sock:inet_sock_s' (a tracepoint where groups are taken)" \
	"$(words ftnet stream sock:inet_sock_s)" "inet_sock_set_state"
words ftnet top sock: | tr ' ' '\n' | grep -qx '\*' && ok "sock:* offered by top" ||
	fail "no sock:* after 'ftnet top sock:': $(words ftnet top sock:)"
expect_eq "complete 'ftnet stream ': groups only, no tracepoint before a colon" \
	"$(words ftnet stream '' | tr ' ' '\n' | grep -c :)" 0
mkdir "/sys/kernel/tracing/instances/$INST" || fail "cannot make instance $INST"
complete_words ftnet -I ftnet-test- | grep -qx "$INST" && ok "instance $INST offered after -I" || \
	fail "complete 'ftnet -I ftnet-test-': $(words ftnet -I ftnet-test-)"
rmdir "/sys/kernel/tracing/instances/$INST"
complete_words ftnet capture -i l | grep -qx lo && ok "interface lo offered after -i" ||
	fail "no lo after -i"

bmake uninstall DESTDIR="$D" >"$TMP/uninstall.log" 2>&1
rc=$?
expect_eq "make uninstall DESTDIR=... exit status" "$rc" 0
[ "$rc" = 0 ] || cat "$TMP/uninstall.log"
left=$(cd "$D" && find . -type f -o -type l)
expect_eq "files left after make uninstall" "$left" ""
finish
