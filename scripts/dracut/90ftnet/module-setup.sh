#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module: puts ftnet into the initramfs (for tracing from the emergency shell).
# Install: cp -r scripts/dracut/90ftnet /usr/lib/dracut/modules.d/ && dracut -f --add ftnet

check() {
	require_binaries ftnet || return 1
	return 255	# only when asked for (--add ftnet or add_dracutmodules+=" ftnet ")
}

depends() {
	return 0
}

install() {
	# inst_binary brings the shared libraries of a dynamic build along
	inst_binary "$(command -v ftnet)" /usr/bin/ftnet
}
