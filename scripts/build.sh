#!/usr/bin/env bash
# Builds everything: cellmgr, cellctl and the tests (build/, the host's gcc),
# the static PID 1 (build-init/, musl-gcc), the board's cellmgr, cellctl and
# cellar-shim static against musl (build-board/, with the sysroot of
# board/musl-sysroot.sh in build-musl-sysroot/), then the board's images
# (out/).  Without a musl sysroot (board/musl-sysroot.sh needs Debian's
# source archive once), the board gets build/'s glibc binaries, with one
# warning line.
#
#   scripts/build.sh [--arch x86_64|arm64]
#
# --arch arm64 (or ARCH=arm64) cross-builds the arm64 board instead:
# build-arm64/ (board/aarch64-linux-gnu.ini: cellmgr, cellctl, cellar-shim,
# the probe), build-init-arm64/ (board/aarch64-musl-gcc.ini: init),
# build-board-arm64/ (board/aarch64-musl-static.ini: the board's static
# cellmgr, cellctl, cellar-shim) and its images in out-arm64/
# (board/qemu-arm64/run boots them).  scripts/arch.sh has the directories
# of each architecture.
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

# The board's cellmgr, cellctl and cellar-shim: static musl, or build/'s.
if why=$(board/musl-sysroot.sh --arch "$ARCH" "$MUSL_SYSROOT" 2>&1 >/dev/null); then
	setup "$BOARD_BUILD_DIR" --cross-file "$MUSL_SYSROOT/sysroot.ini" --cross-file "$BOARD_CROSS_FILE" \
		-Dstatic_manager=true -Dwerror=true
	ninja -C "$BOARD_BUILD_DIR"
	board_bin="$BOARD_BUILD_DIR/mgr"
else
	echo "build: warning: the board gets ${BUILD_DIR#"$PWD"/}/'s dynamic glibc cellmgr: ${why#musl-sysroot: warning: }" >&2
	board_bin="$BUILD_DIR/mgr"
fi
file "$board_bin/cellmgr" | sed -e "s|^$PWD/||" -e 's/^/build: /'
CELLMGR="$board_bin/cellmgr" CELLCTL="$board_bin/cellctl" SHIM="$board_bin/cellar-shim" images/build-all.sh
