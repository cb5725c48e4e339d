#!/usr/bin/env bash
# Builds everything: cellmgr, cellctl and the tests (build/, the host's gcc),
# the static PID 1 (build-init/, musl-gcc), then the board's images (out/).
set -euo pipefail
cd "$(dirname "$0")/.."

setup() { # DIR ARGS...: configure once, reconfigure when options change
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

setup build -Dwerror=true
ninja -C build
setup build-init --cross-file board/musl-gcc.ini -Dinit=true -Dmanager=false -Dwerror=true
ninja -C build-init
file build-init/init/init | sed 's/^/build: /'
images/build-all.sh
