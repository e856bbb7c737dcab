# SPDX-License-Identifier: GPL-2.0-or-later
# An option table whose entry names a field of the wrong type does not compile (include/base/opt.h):
# a good table builds, and each bad entry is refused with the message naming the type.
: "${TESTCC:=cc}" "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}" "${BUILDDIR:=$SRCDIR}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/t.c" <<'C'
#include "base/opt.h"

struct o {
	bool		flag;
	int		verbose, rows, which;
	uint64_t	count;
	double		secs;
	const char	*name;
};
static const char *const words[] = { "a", "b", NULL };
const struct opt table[] = {
	OPT_F('a', "flag", struct o, flag, ""),
	OPT_INCR('v', "verbose", struct o, verbose, ""),
	OPT_I(0, "rows", struct o, rows, "N", "", 1, 10),
	OPT_C(0, "which", struct o, which, "W", "", words),
	OPT_COUNT(struct o, count, ""),
	OPT_DURATION(struct o, secs),
	OPT_S('s', "name", struct o, name, "S", ""),
	OPT_FILTER(struct o, name),
#if BAD == 1
	OPT_U(0, "u", struct o, secs, "N", "", 0, 0),
#elif BAD == 2
	OPT_SECS(0, "s", struct o, count, "SECS", "", 0, 0),
#elif BAD == 3
	OPT_F(0, "f", struct o, verbose, ""),
#elif BAD == 4
	OPT_S(0, "s", struct o, rows, "S", ""),
#elif BAD == 5
	OPT_C(0, "c", struct o, count, "W", "", words),
#elif BAD == 6
	OPT_I(0, "i", struct o, flag, "N", "", 0, 0),
#elif BAD == 7
	OPT_JSON(struct o, name),
#endif
	OPT_END,
};
C
compile() {
	$TESTCC -std=gnu11 -I"$SRCDIR/include" -include "$BUILDDIR/config.h" -c "$tmp/t.c" \
		-o "$tmp/t.o" "$@" >"$tmp/err" 2>&1
}
failed=0
if compile -DBAD=0 -Wall -Wextra -Werror; then
	echo "ok: a table of the right types compiles"
else
	echo "FAIL: a table of the right types does not compile:"; cat "$tmp/err"; failed=1
fi
for bad in 1 2 3 4 5 6 7; do
	if compile -DBAD=$bad; then
		echo "FAIL: bad entry $bad compiled"; failed=1
	elif ! grep -q "of an option must be of type" "$tmp/err"; then
		echo "FAIL: bad entry $bad refused for another reason:"; cat "$tmp/err"; failed=1
	else
		echo "ok: bad entry $bad refused"
	fi
done
exit $failed
