#!/usr/bin/env bash
# Builds everything: cellmgr, cellctl and the tests (build/, the host's gcc),
# the static PID 1 (build-init/, musl-gcc), then the board's images (out/).
#
#   scripts/build.sh [--arch x86_64|arm64]
#
# --arch arm64 (or ARCH=arm64) cross-builds the arm64 board instead:
# build-arm64/ (board/aarch64-linux-gnu.ini: cellmgr, cellctl, cellar-shim,
# the probe), build-init-arm64/ (board/aarch64-musl-gcc.ini: init) and its
# images in out-arm64/ (board/qemu-arm64/run boots them).  scripts/arch.sh
# has the directories of each architecture.
set -euo pipefail
cd "$(dirname "$0")/.."

arch="${ARCH:-x86_64}"
while [ "$#" -gt 0 ]; do
	case "$1" in
	--arch) arch="$2"; shift 2 ;;
	--arch=*) arch="${1#--arch=}"; shift ;;
	*) echo "usage: $0 [--arch x86_64|arm64]" >&2; exit 2 ;;
	esac
done
# shellcheck source=arch.sh
. scripts/arch.sh
arch_set "$arch"

setup() { # DIR ARGS...: configure once, reconfigure when options change
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

if [ -n "$CROSS_FILE" ]; then
	setup "$BUILD_DIR" --cross-file "$CROSS_FILE" -Dwerror=true
else
	setup "$BUILD_DIR" -Dwerror=true
fi
ninja -C "$BUILD_DIR"
setup "$BUILD_INIT_DIR" --cross-file "$INIT_CROSS_FILE" -Dinit=true -Dmanager=false -Dwerror=true
ninja -C "$BUILD_INIT_DIR"
file "$BUILD_INIT_DIR/init/init" | sed -e "s|^$PWD/||" -e 's/^/build: /'
images/build-all.sh
