# SPDX-License-Identifier: GPL-2.0-or-later
# Guest tier on Debian 11's cloud kernel (5.10): no drop reasons, older layouts.
KERNEL=5.10 . "$(dirname "$0")/run.sh"
