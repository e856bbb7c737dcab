# SPDX-License-Identifier: GPL-2.0-or-later
# The NIC's own statistics on Debian 12's generic kernel (6.1): netdevsim's pause frames
# (ethtool's standard statistics) and a loss on an e1000 NIC that diagnose names first.
KERNEL=6.1 FLAVOUR=generic GUEST_SCRIPT=guest-nic.sh . "$(dirname "$0")/run.sh"
