# SPDX-License-Identifier: GPL-2.0-or-later
# Connections to a TCP port nobody listens on: each SYN is answered with a reset.
. "$(dirname "$0")/lib.sh"
two_hosts
diag_start "$B"
on "$A" $TRAFFIC tcp-connects 10.77.0.2 5308 30 1 >/dev/null
diag_wait
expect_first "TCP port 5308.*nobody listens" "the closed TCP port 5308"
expect_block "TcpOutRsts \+[0-9]+" "the resets sent"
expect_next_runs
finish
