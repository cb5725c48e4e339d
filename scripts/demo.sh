#!/usr/bin/env bash
# The first command of the README: install what is missing, build
# everything, and boot the demo board (QEMU, two cells) on this terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
exec board/qemu/run "$@"
