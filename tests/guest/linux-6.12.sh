# SPDX-License-Identifier: GPL-2.0-or-later
# Guest tier on Debian 13's cloud kernel (6.12).
KERNEL=6.12 . "$(dirname "$0")/run.sh"
