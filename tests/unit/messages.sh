# SPDX-License-Identifier: GPL-2.0-or-later
# Each message is one string literal, so that grep finds what ftnet printed (HACKING.md).
exec python3 "$(dirname "$0")/../../scripts/check-messages"
