#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Records the golden tier's trace.dat files anew (root; by hand, not by make check):
#
#   tests/golden/record.sh host          this machine's kernel, traffic in a namespace
#   tests/golden/record.sh 6.1|5.10      Debian's kernel in a qemu guest (the guest tier's)
#   tests/golden/record.sh 6.1 CONSOLE   the files printed on the console of such a run
#
# from a configured build directory with the guest tier's programs built (FTNET defaults to
# ./ftnet; make tests/guest/netpoke tests/guest/ftnet-static). The files go to
# tests/data/golden/ as NAME-KERNEL.dat; the host's KERNEL is its release's major.minor.
# A host recording holds every event of the machine in those seconds: run it when no live test
# runs (they count system-wide events, and would count its traffic too).
#
# Each file is then made small: only the kernel symbols its events resolve to are kept
# (shrink.py), and a file still over 200 KB is converted to trace.dat version 7 with zstd
# (trace-cmd convert). Every case of TESTLIST on the file must print the same for the small
# file as for the recorded one. Then regenerate the expected output (tests/golden/run.sh
# --regen) and review the diff.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/../data/golden
FTNET=$(cd "$(dirname "${FTNET:-./ftnet}")" && pwd)/$(basename "${FTNET:-./ftnet}")
export FTNET
mkdir -p "$DATA"
TMP=$(mktemp -d /tmp/ftnet-golden.XXXXXX)
NS=""
trap '[ -n "$NS" ] && ip netns del "$NS"; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/raw/golden" "$TMP/small/golden" "$TMP/exp"

case ${1:?usage: record.sh host|6.1|5.10} in
host)
	k=$(uname -r | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
	NS=ftnet-golden-$$
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	NETPOKE=$(dirname "$FTNET")/tests/guest/netpoke sh "$HERE/record-traffic.sh" "$TMP/rec" "$k" "$NS"
	cp "$TMP"/rec/*-"$k".dat "$TMP/raw/golden/"
	;;
6.1 | 5.10)
	k=$1
	if [ -n "${2:-}" ]; then	# the console of an earlier run (its GUEST_CONSOLE)
		tr -d '\r' <"$2" >"$TMP/console"
	else
		GUEST_SCRIPT=../golden/record-traffic.sh GUEST_CONSOLE=$TMP/console KERNEL=$k \
			TESTLIB=$HERE/../live/lib.sh sh "$HERE/../guest/run.sh"
	fi
	for f in $(tr -d '\r' <"$TMP/console" | sed -n 's/^GOLDEN-BEGIN //p'); do
		tr -d '\r' <"$TMP/console" | sed -n "/^GOLDEN-BEGIN $f\$/,/^GOLDEN-END/p" | sed '1d;$d' |
			base64 -d | gunzip >"$TMP/raw/golden/$(echo "$f" | sed "s/-guest\\.dat\$/-$k.dat/")"
	done
	;;
*)
	echo "usage: record.sh host|6.1|5.10" >&2
	exit 2
	;;
esac

# the cases on these files: what they print for the recorded files is what the small ones must
cases=$(awk -v k="$k" '$2 ~ "^golden/.*-" k "\\.dat$" { print $1 }' "$HERE/TESTLIST")
[ -n "$cases" ] || { echo "record.sh: no case of TESTLIST reads a file of $k" >&2; exit 1; }
# shellcheck disable=SC2086
TESTDATA=$TMP/raw GOLDEN_EXPECTED=$TMP/exp sh "$HERE/run.sh" --regen $cases >/dev/null
for raw in "$TMP"/raw/golden/*.dat; do
	f=${raw##*/}
	# the symbols shown, and every frame of the stacks (the tracing frames ftnet skips too)
	{ cat "$TMP"/exp/*; trace-cmd report "$raw" 2>/dev/null; } |
		grep -oE '([A-Za-z0-9_.$]+\+0x[0-9a-f]+|=> [^ ]+ \()' | sed 's/^=> //; s/ ($//; s/+0x.*//' |
		sort -u >"$TMP/$f.syms"
	python3 "$HERE/shrink.py" "$raw" "$TMP/small/golden/$f" "$TMP/$f.syms"
	if [ "$(stat -c %s "$TMP/small/golden/$f")" -gt 204800 ]; then
		trace-cmd convert --file-version 7 -i "$TMP/small/golden/$f" -o "$TMP/$f.v7" \
			>"$TMP/convert.log" 2>&1 || { cat "$TMP/convert.log"; exit 1; }
		mv "$TMP/$f.v7" "$TMP/small/golden/$f"
	fi
done
# shellcheck disable=SC2086
TESTDATA=$TMP/small GOLDEN_EXPECTED=$TMP/exp sh "$HERE/run.sh" $cases >"$TMP/check" ||
	{ cat "$TMP/check"; echo "record.sh: the small files print otherwise: nothing kept" >&2; exit 1; }
tail -1 "$TMP/check"
cp "$TMP"/small/golden/*.dat "$DATA/"
chmod 644 "$DATA"/*-"$k".dat
ls -l "$DATA"/*-"$k".dat
