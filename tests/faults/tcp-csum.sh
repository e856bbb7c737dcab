# SPDX-License-Identifier: GPL-2.0-or-later
# TCP segments with a wrong checksum arrive for a listening port.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5317 8 6
sleep 0.3
diag_start "$B"
on "$A" $TRAFFIC bad-csum tcp 10.77.0.2 5317 300 >/dev/null
diag_wait
expect_first "TCP segments arrived with a wrong checksum" "bad TCP checksums"
expect_block "TcpInCsumErrors \+[0-9]+" "the counter that agrees"
expect_next_runs
finish
