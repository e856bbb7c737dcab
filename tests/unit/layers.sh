# SPDX-License-Identifier: GPL-2.0-or-later
# The layers of src/ point down only, and no file or function outgrows its limit (HACKING.md).
exec sh "$(dirname "$0")/../../scripts/check-layers"
