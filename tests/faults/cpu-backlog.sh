# SPDX-License-Identifier: GPL-2.0-or-later
# The CPU's input backlog (net.core.netdev_max_backlog) overflows: RPS hands a flood from
# one CPU to another, which cannot keep up.
. "$(dirname "$0")/lib.sh"
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
two_hosts
global_sysctl net.core.netdev_max_backlog 8
on "$B" sh -c "echo 2 > /sys/class/net/$VB/queues/rx-0/rps_cpus"
spawn "$B" taskset -c 1 $TRAFFIC udp-read 5321 6
sleep 0.3
diag_start "$B"
on "$A" taskset -c 0 $TRAFFIC udp-send 10.77.0.2 5321 40000 >/dev/null
diag_wait
expect_first "CPU 1's input backlog" "the backlog of CPU 1"
expect_block "net\.core\.netdev_max_backlog = 8" "the sysctl, with its value"
expect_next_runs
finish
