# SPDX-License-Identifier: GPL-2.0-or-later
# A reader that stopped reading: its receive queue is full, the sender sees a zero window.
. "$(dirname "$0")/lib.sh"
two_hosts
spawn "$B" $TRAFFIC tcp-listen 5320 8 8 accept
sleep 0.3
diag_start "$B"
spawn "$A" $TRAFFIC tcp-stream 10.77.0.2 5320 3.5
diag_wait
expect_first "TCP port 5320.*not read" "the reader of port 5320 that stopped"
expect_block "python3" "the process"
expect_next_runs
finish
