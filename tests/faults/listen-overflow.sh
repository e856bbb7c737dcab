# SPDX-License-Identifier: GPL-2.0-or-later
# A listener that does not accept: its accept queue overflows and SYNs are dropped.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5302 2 6
sleep 0.3
diag_start "$B"
on "$A" $TRAFFIC tcp-connects 10.77.0.2 5302 40 2 >/dev/null
diag_wait
expect_first "TCP port 5302.*accept queue was full" "the overflowing accept queue of port 5302"
expect_block "TcpExtListenOverflows \+[0-9]+" "the counter that agrees"
expect_block "backlog 2" "the listener's backlog"
expect_next_runs
finish
