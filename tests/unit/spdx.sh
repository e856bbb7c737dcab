# SPDX-License-Identifier: GPL-2.0-or-later
# Every source, header, script and test carries its license line (COPYING).
exec sh "$(dirname "$0")/../../scripts/check-spdx"
