# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages: dpkg-buildpackage in a copy of the source tree (the tree itself is not
# written), lintian without errors, then ftnet and ftnet-static installed, used (ftnet check,
# man ftnet, completion and hooks in place) and removed without a file left behind. The
# packages are purged on any failure too: the machine is left as the test found it.
. "$TESTLIB"
need_root
need_cmd dpkg
need_cmd dpkg-buildpackage
need_cmd dh
need_cmd lintian
need_cmd man
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || skip "needs bash-completion ($BC)"
SRC=$(cd "$HERE/../.." && pwd)
PKGS="ftnet ftnet-static"
for p in $PKGS; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)
	if [ -n "$st" ] && [ "$st" != not-installed ]; then
		fail "package $p is on this machine already ($st): this test installs and" \
			"removes it (dpkg -P $p first)"
		finish
	fi
done
INSTALLED=""
purge() {
	[ -n "$INSTALLED" ] && dpkg -P $INSTALLED >/dev/null 2>&1
	INSTALLED=""
}
trap 'purge; cleanup' EXIT

# a copy of the source: the files git knows (a checkout), or all of them (an unpacked dist)
mkdir "$TMP/src"
git_status() {
	git -C "$SRC" status --porcelain 2>/dev/null
}
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	before=$(git_status)
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard) |
		tar -C "$SRC" --null --ignore-failed-read -T - -cf - 2>/dev/null |
		tar -C "$TMP/src" -xf -
else
	cp -a "$SRC/." "$TMP/src/"
	[ -f "$TMP/src/Makefile" ] && make -s -C "$TMP/src" distclean >/dev/null 2>&1
fi

(cd "$TMP/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL DEB_BUILD_OPTIONS="parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1
rc=$?
expect_eq "dpkg-buildpackage -us -uc -b exit status" "$rc" 0
if [ "$rc" != 0 ]; then
	tail -40 "$TMP/build.log"
	finish
fi
grep -E '^(PASS|FAIL|ERROR|SKIP):' "$TMP/build.log"
if [ -n "${before+set}" ]; then
	after=$(git_status)
	[ "$after" = "$before" ] && ok "the source tree is as it was" ||
		fail "the build changed the source tree:" \
			"$(diff <(echo "$before") <(echo "$after") | grep '^[<>]')"
fi

version=$(dpkg-parsechangelog -l "$TMP/src/debian/changelog" -S Version)
expect_eq "the package's version is ftnet's" "ftnet $version" "$("$FTNET" --version | head -1)"
arch=$(dpkg --print-architecture)
deb=$TMP/ftnet_${version}_$arch.deb sdeb=$TMP/ftnet-static_${version}_$arch.deb
for f in "$deb" "$sdeb"; do
	[ -f "$f" ] && ok "built $(basename "$f")" || fail "no $(basename "$f"): $(ls "$TMP")"
done

lintian "$TMP/ftnet_${version}_$arch.changes" >"$TMP/lintian" 2>&1
grep -E '^[EW]:' "$TMP/lintian"
expect_eq "lintian errors" "$(grep -c '^E:' "$TMP/lintian")" 0

INSTALLED="ftnet-static ftnet"	# purged by the trap from here on, whatever happens
dpkg -i "$deb" "$sdeb" >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; fail "dpkg -i"; finish; }
ok "dpkg -i ftnet ftnet-static"
/usr/bin/ftnet check >"$TMP/check" 2>&1
expect_eq "/usr/bin/ftnet check exit status" "$?" 0
expect_eq "/usr/bin/ftnet --version" "$(/usr/bin/ftnet --version | head -1)" "ftnet $version"
expect_eq "/usr/bin/ftnet-static --version" "$(/usr/bin/ftnet-static --version | head -1)" \
	"ftnet $version"
expect_eq "the license in --version" "$(/usr/bin/ftnet --version | sed -n 2p | cut -d: -f1)" \
	"License GPL-2.0-or-later"
expect_eq "the license in the package's copyright" \
	"$(grep -c '^License: GPL-2+$' /usr/share/doc/ftnet/copyright)" 2
ldd /usr/bin/ftnet-static >/dev/null 2>&1 && fail "ftnet-static is dynamically linked"
expect_eq "man -w ftnet" "$(man -w ftnet)" /usr/share/man/man1/ftnet.1.gz
expect_eq "man -w ftnet-stream" "$(man -w ftnet-stream)" /usr/share/man/man1/ftnet-stream.1.gz
page=$(LC_ALL=C MANWIDTH=80 man ftnet 2>&1)
grep -q "ftnet - network debugging" <<<"$page" && ok "man ftnet shows the page" ||
	fail "man ftnet: $(head -5 <<<"$page")"
for f in /usr/share/initramfs-tools/hooks/ftnet \
	 /usr/lib/dracut/modules.d/90ftnet/module-setup.sh; do
	[ -x "$f" ] && ok "$f installed" || fail "no executable $f"
done
unit=/lib/systemd/system/ftnet-serve.service
grep -q "^ExecStart=/usr/bin/ftnet serve " "$unit" && ok "$unit installed" || fail "no $unit"
rules=/usr/share/ftnet/prometheus/ftnet-rules.yml
[ -f "$rules" ] && ok "$rules installed" || fail "no $rules"
if command -v promtool >/dev/null; then
	promtool check rules "$rules" >/dev/null 2>&1 && ok "promtool accepts the installed rules" ||
		fail "promtool check rules $rules: $(promtool check rules "$rules" 2>&1 | tail -3)"
fi
wants=$(ls /etc/systemd/system/*.wants/ftnet-serve.service 2>/dev/null)
expect_eq "ftnet-serve enabled by the installation" "$wants" ""
# bash-completion finds the file on its own (its loader), and it completes
out=$(bash -c '. "$1"; _completion_loader ftnet; complete -p ftnet
	COMP_WORDS=(ftnet stream --j) COMP_CWORD=2 COMP_LINE="ftnet stream --j" COMP_POINT=16
	_ftnet; echo "${COMPREPLY[*]}"' _ "$BC" 2>&1)
expect_eq "bash-completion loads the completion and completes --j" "$out" "complete -F _ftnet ftnet
--json"

dpkg -L $PKGS | while read -r f; do [ -d "$f" ] || echo "$f"; done >"$TMP/files"
expect_ge "files in the packages" "$(wc -l <"$TMP/files")" 25
dpkg -r $PKGS >"$TMP/dpkg.log" 2>&1
expect_eq "dpkg -r exit status" "$?" 0
dpkg -P $PKGS >>"$TMP/dpkg.log" 2>&1
INSTALLED=""
left=$(while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done <"$TMP/files")
expect_eq "files of the packages left after dpkg -r" "$left" ""
for p in $PKGS; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)
	expect_eq "package $p after dpkg -P" "${st:-not-installed}" not-installed
done
finish
