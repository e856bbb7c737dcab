# SPDX-License-Identifier: GPL-2.0-or-later
# Guest tier on Debian 13's arm64 cloud kernel (6.12) under qemu-system-aarch64 -M virt.
KERNEL=6.12 ARCH=arm64 . "$(dirname "$0")/run.sh"
