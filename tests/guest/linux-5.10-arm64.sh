# Guest tier on Debian 11's arm64 cloud kernel (5.10) under qemu-system-aarch64 -M virt.
KERNEL=5.10 ARCH=arm64 . "$(dirname "$0")/run.sh"
