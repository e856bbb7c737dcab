# SPDX-License-Identifier: GPL-2.0-or-later
# pwru's CI cases in the guest on Debian 13's cloud kernel (6.12).
KERNEL=6.12 GUEST_SCRIPT=guest-pwru.sh . "$(dirname "$0")/run.sh"
