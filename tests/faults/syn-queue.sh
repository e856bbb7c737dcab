# SPDX-License-Identifier: GPL-2.0-or-later
# A listener's SYN queue fills with handshakes that never complete (a SYN flood from an
# address nobody answers for): the kernel answers with SYN cookies.
. "$(dirname "$0")/lib.sh"
two_hosts
on "$B" sysctl -qw net.ipv4.tcp_syncookies=1
# the SYN-ACKs wait for ARP longer than diagnose watches: none is dropped meanwhile
on "$B" sysctl -qw "net.ipv4.neigh.$VB.mcast_solicit=20" "net.ipv4.neigh.$VB.retrans_time_ms=1000"
spawn "$B" $TRAFFIC tcp-listen 5323 4 8
sleep 0.3
diag_start "$B"
on "$A" $TRAFFIC raw-syn 10.77.0.50 10.77.0.2 5323 60 >/dev/null
diag_wait
expect_first "TCP port 5323.*SYN queue was full" "the full SYN queue of port 5323"
expect_block "TcpExtTCPReqQFullDoCookies \+[0-9]+" "the counter that agrees"
expect_next_runs
finish
