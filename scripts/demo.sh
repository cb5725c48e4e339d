#!/usr/bin/env bash
# The first command of the README: install what is missing, build
# everything, and boot the demo board (QEMU, two cells) on this terminal.
#
#   scripts/demo.sh [--arch arm64] [board/qemu*/run options...]
#
# --arch arm64 builds and boots the arm64 board (board/qemu-arm64/run:
# QEMU's virt machine) instead of the x86_64 PC (board/qemu/run).
set -euo pipefail
cd "$(dirname "$0")/.."
arch=x86_64
case "${1:-}" in
--arch) arch="$2"; shift 2 ;;
--arch=*) arch="${1#--arch=}"; shift ;;
esac
scripts/deps.sh
case "$arch" in
x86_64 | amd64)
	scripts/build.sh
	exec board/qemu/run "$@"
	;;
arm64 | aarch64)
	scripts/build.sh --arch arm64
	exec board/qemu-arm64/run "$@"
	;;
*) echo "demo: unknown architecture '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac
