# SPDX-License-Identifier: GPL-2.0-or-later
# Guest tier on Debian 12's cloud kernel (6.1).
KERNEL=6.1 . "$(dirname "$0")/run.sh"
