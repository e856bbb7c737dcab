#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The golden tier: each case of TESTLIST runs ftnet on a recorded file and compares what it
# prints on stdout, byte for byte, with the expected file; a difference is shown as a unified
# diff. Needs no root: every command here reads a file (report, stream -r, top -r, hist -r,
# count -r, follow -r).
#
#   run.sh                  every case
#   run.sh NAME...          these cases
#   run.sh --regen [NAME...]  rewrite the expected files from what ftnet prints now; review the
#                           change with 'git diff tests/golden/expected' before committing it
#
# TESTLIST has one case a line: NAME INPUT EXPECTED ARGS..., INPUT under tests/data, EXPECTED
# under tests/golden/expected, ARGS the command line, with FILE standing for the input.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
FTNET=${FTNET:-$(pwd)/ftnet}
TESTDATA=${TESTDATA:-$HERE/../data}
EXPECTED=${GOLDEN_EXPECTED:-$HERE/expected}	# another directory: record.sh's check
# the output does not depend on the host's locale or time zone
LC_ALL=C TZ=UTC
export LC_ALL TZ

regen=0
if [ "${1:-}" = --regen ]; then
	regen=1
	shift
fi
[ -x "$FTNET" ] || { echo "FAIL: no ftnet binary at $FTNET (set FTNET)"; exit 99; }
TMP=$(mktemp -d /tmp/ftnet-golden.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT PIPE TERM	# the EXIT trap then runs too (a reader like head may close early)

wanted() {	# wanted NAME: no names given, or NAME among them
	[ -z "$names" ] && return 0
	case " $names " in *" $1 "*) return 0 ;; esac
	return 1
}
names="$*"
cases=0 fails=0 seen=""
start=$(date +%s%N)
while read -r name input expected args; do
	case $name in '' | '#'*) continue ;; esac
	wanted "$name" || continue
	seen="$seen $name"
	cases=$((cases + 1))
	in=$TESTDATA/$input
	if [ ! -r "$in" ]; then
		echo "FAIL: $name: no input file $input under $TESTDATA"
		fails=$((fails + 1))
		continue
	fi
	# FILE in the arguments is the input (no word of a case has a space or a glob)
	set -f
	set -- $args
	set +f
	n=0
	for a in "$@"; do
		[ "$a" = FILE ] && a=$in
		set -- "$@" "$a"
		n=$((n + 1))
	done
	shift $n
	"$FTNET" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $name: ftnet $args: exit status $rc: $(head -5 "$TMP/err")"
		fails=$((fails + 1))
		continue
	fi
	if [ $regen = 1 ]; then
		if ! cmp -s "$TMP/out" "$EXPECTED/$expected"; then
			cp "$TMP/out" "$EXPECTED/$expected"
			echo "rewritten: $expected ($name)"
		fi
		continue
	fi
	if [ ! -f "$EXPECTED/$expected" ]; then
		echo "FAIL: $name: no expected file $expected (run.sh --regen $name writes it)"
		fails=$((fails + 1))
	elif cmp -s "$EXPECTED/$expected" "$TMP/out"; then
		echo "ok: $name"
	else
		echo "FAIL: $name: ftnet $args differs from $expected:"
		diff -u --label "expected/$expected" --label "ftnet $args" "$EXPECTED/$expected" \
			"$TMP/out" | head -200
		fails=$((fails + 1))
	fi
done <"$HERE/TESTLIST"
unknown=0
# every expected file is some case's (a case removed leaves none behind)
if [ -z "$names" ] && [ $regen = 0 ]; then
	for f in "$EXPECTED"/*; do
		awk -v e="${f##*/}" '$1 !~ /^#/ && $3 == e { found = 1 } END { exit !found }' \
			"$HERE/TESTLIST" || { echo "FAIL: expected/${f##*/} is no case's"; unknown=1; }
	done
fi
for n in $names; do
	case "$seen " in *" $n "*) ;; *) echo "FAIL: no case $n in TESTLIST"; unknown=1 ;; esac
done
ms=$((($(date +%s%N) - start) / 1000000))
echo "golden: $cases cases, $fails failed, in $ms ms"
[ $cases -gt 0 ] || { echo "FAIL: no case run"; exit 1; }
[ $fails -eq 0 ] && [ $unknown -eq 0 ]
