# SPDX-License-Identifier: GPL-2.0-or-later
# The fault suite: each script builds one real fault in private namespaces and checks that
# diagnose names its cause and object first. One at a time: they trace the whole kernel.
set -u
: "${FTNET:?FTNET must name the ftnet binary}"
DIR=$(cd "$(dirname "$0")" && pwd)
# next steps are run as printed: "ftnet ..." must be this build
PATH=$(dirname "$FTNET"):$PATH
export PATH
FAULT_LOG=$(mktemp /tmp/ftnet-faults.XXXXXX)
export FAULT_LOG
pass=0 failed="" skipped=0 total=0
for f in "$DIR"/*.sh; do
	case $(basename "$f") in lib.sh|run.sh) continue ;; esac
	[ -n "${FAULTS_ONLY:-}" ] && ! echo " $FAULTS_ONLY " | grep -q " $(basename "$f" .sh) " &&
		continue
	total=$((total + 1))
	bash "$f"
	case $? in
	0) pass=$((pass + 1)) ;;
	77) skipped=$((skipped + 1)) ;;
	*) failed="$failed $(basename "$f" .sh)" ;;
	esac
done
echo "first findings:"
sed 's/^/  /' "$FAULT_LOG"
rm -f "$FAULT_LOG"
echo "faults: $pass of $total named first${failed:+; wrong:$failed}"
[ "$skipped" = "$total" ] && exit 77
[ -z "$failed" ]
