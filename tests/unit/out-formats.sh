# SPDX-License-Identifier: GPL-2.0-or-later
# The output helpers' formats are checked by the compiler (include/base/out.h): every form
# builds with -Wformat=2 -Werror, and a format that does not fit its value is refused.
: "${TESTCC:=cc}" "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}" "${BUILDDIR:=$SRCDIR}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/t.c" <<'C'
#include <inttypes.h>
#include "base/out.h"

void fields(uint64_t u, int64_t i, double d, const char *s, int n);
void fields(uint64_t u, int64_t i, double d, const char *s, int n)
{
	out_uint(PRINT_ANY, "u", "%" PRIu64, u);
	out_uint(PRINT_ANY, "n", "%" PRIu64, n);
	out_uint(PRINT_JSON, "u", NULL, u);
	out_int(PRINT_ANY, "i", "%" PRId64, i);
	out_int(PRINT_TEXT, NULL, "%" PRId64, n);
	out_double(PRINT_ANY, "d", "%.1f", d);
	out_str(PRINT_ANY, "s", n ? "[%s]" : "%s", s);
	out_str(PRINT_JSON, "s", NULL, s);
	out_bool(PRINT_ANY, "b", "text", n);
	out_open_object("o");
	out_open_array("a");
	out_close_array();
	out_close_object();
#if BAD == 1
	out_uint(PRINT_ANY, "u", "%d", u);
#elif BAD == 2
	out_str(PRINT_ANY, "s", "%" PRIu64, s);
#elif BAD == 3
	out_double(PRINT_ANY, "d", "%" PRId64, d);
#elif BAD == 4
	out_str(PRINT_ANY, "final", " (final)", "true");
#elif BAD == 5
	out_int(PRINT_ANY, "i", "%s %s", i);
#elif BAD == 6
	out_uint(PRINT_ANY, "u", "%" PRIu64, s);
#elif BAD == 7
	out_str(PRINT_ANY, "s", s, s);
#endif
}
C
compile() {
	$TESTCC -std=gnu11 -Wall -Wextra -Wformat=2 -Werror -I"$SRCDIR/include" \
		-include "$BUILDDIR/config.h" -c "$tmp/t.c" -o "$tmp/t.o" "$@" >"$tmp/err" 2>&1
}
failed=0
if compile -DBAD=0; then
	echo "ok: every form with fitting formats compiles"
else
	echo "FAIL: the fitting formats do not compile:"; cat "$tmp/err"; failed=1
fi
for bad in 1 2 3 4 5 6 7; do
	if compile -DBAD=$bad; then
		echo "FAIL: bad format $bad compiled"; failed=1
	elif ! grep -qE "\[-W(error[=,]-?W?)?(format|int-conversion)" "$tmp/err"; then
		echo "FAIL: bad format $bad refused for another reason:"; cat "$tmp/err"; failed=1
	else
		echo "ok: bad format $bad refused"
	fi
done
exit $failed
