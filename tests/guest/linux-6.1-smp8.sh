# SPDX-License-Identifier: GPL-2.0-or-later
# Guest tier on Debian 12's cloud kernel (6.1) with 8 CPUs: one sender per CPU at once.
KERNEL=6.1 SMP=8 GUEST_SCRIPT=guest-smp.sh . "$(dirname "$0")/run.sh"
