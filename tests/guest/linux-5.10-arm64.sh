# SPDX-License-Identifier: GPL-2.0-or-later
# Guest tier on Debian 11's arm64 cloud kernel (5.10) under qemu-system-aarch64 -M virt: its
# skb:kfree_skb locates every drop inside kfree_skb, which the kprobe backend and follow correct.
KERNEL=5.10 ARCH=arm64 . "$(dirname "$0")/run.sh"
