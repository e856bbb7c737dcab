# SPDX-License-Identifier: GPL-2.0-or-later
# The Prometheus rules shipped in scripts/prometheus: promtool accepts them (check rules), and
# every unit test here passes (test rules: input series, the alerts expected to fire and not,
# the recording rules' values). Needs no root and changes nothing.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=$HERE/../../scripts/prometheus
if ! command -v promtool >/dev/null 2>&1; then
	echo "SKIP: needs promtool (Debian: prometheus)"
	[ -n "${CI:-}" ] && { echo "CI must have promtool: failing instead of skipping"; exit 1; }
	exit 77
fi
fails=0
for f in "$RULES"/*-rules.yml; do
	if promtool check rules "$f"; then echo "ok: promtool check rules $f"; else
		echo "FAIL: promtool check rules $f"; fails=$((fails + 1)); fi
done
# the scrape configuration, its rule file taken from the source instead of /usr/share/ftnet
tmp=$(mktemp -d /tmp/ftnet-prom.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/share/ftnet/prometheus/|$RULES/|" "$RULES/prometheus-ftnet.yml" >"$tmp/prometheus.yml"
if promtool check config "$tmp/prometheus.yml"; then echo "ok: promtool check config"; else
	echo "FAIL: promtool check config of prometheus-ftnet.yml"; fails=$((fails + 1)); fi
# every alert of the rules has a test that fires it and one that does not
for a in $(sed -n 's/^ *- alert: *//p' "$RULES"/*-rules.yml); do
	fire=0 silent=0
	for t in "$HERE"/*.yml; do
		fire=$((fire + $(awk -v a="$a" '/alertname:/ { cur = $2 } /exp_alerts:$/ && cur == a { n++ } END { print n + 0 }' "$t")))
		silent=$((silent + $(awk -v a="$a" '/alertname:/ { cur = $2 } /exp_alerts: \[\]/ && cur == a { n++ } END { print n + 0 }' "$t")))
	done
	if [ "$fire" -gt 0 ] && [ "$silent" -gt 0 ]; then
		echo "ok: $a: $fire firing and $silent silent cases"
	else
		echo "FAIL: $a has $fire firing and $silent silent cases: each needs one at least"
		fails=$((fails + 1))
	fi
done
for t in "$HERE"/*.yml; do
	# promtool reads rule_files relative to the test file
	if (cd "$HERE" && promtool test rules "$(basename "$t")"); then
		echo "ok: promtool test rules $(basename "$t"): $(grep -c '^  - interval:' "$t") tests"
	else
		echo "FAIL: promtool test rules $t"
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ]
