# SPDX-License-Identifier: GPL-2.0-or-later
# UDP datagrams with a wrong checksum arrive for a listening port.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC udp-sink 5316 6 4000000
sleep 0.3
diag_start "$B"
on "$A" $TRAFFIC bad-csum udp 10.77.0.2 5316 300 >/dev/null
diag_wait
expect_first "UDP datagrams arrived with a wrong checksum" "bad UDP checksums"
expect_block "UdpInCsumErrors \+[0-9]+" "the counter that agrees"
expect_block "explains: .*UdpInErrors" "the error counter it explains"
expect_next_runs
finish
