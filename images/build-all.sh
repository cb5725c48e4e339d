#!/bin/bash
# Build everything the QEMU board boots, redoing only what is out of date
# (make-style: an output is rebuilt when any of its inputs is newer):
#
#   out/cells/work.erofs, out/cells/personal.erofs   images/busybox-cell.sh
#   out/initramfs.cpio.gz, out/rootfs.ext4, out/vmlinuz   images/initramfs.sh
#   out/data.ext4            images/data-disk.sh, only when it is missing:
#                            the board's data disk keeps what the cells and
#                            cellmgr wrote from one run to the next
#                            (board/qemu/run --fresh-data makes a new one)
#   out/cells/debian.erofs   images/debian-cell.sh, only with DEBIAN=1 (a
#                            debootstrap: about a minute, once; cached in
#                            out/cache/)
#
# It does not build init, cellmgr and cellctl (meson/ninja does: see
# docs/images.md); it packs what is there: the board build's static
# cellmgr, cellctl and cellar-shim (build-board/) when there are, else
# build/'s (CELLMGR, CELLCTL, SHIM override each).  FORCE=1 rebuilds everything.
# ARCH=arm64 packs the arm64 board (board/qemu-arm64/) from build-arm64/ and
# build-init-arm64/ into out-arm64/ (scripts/arch.sh has every default).
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/arch.sh
. "$top/scripts/arch.sh"
arch_set "${ARCH:-x86_64}"
out_dir="$OUT_DIR"
busybox="$BUSYBOX"
cd "$top"

# stale OUTPUT INPUT...: true when OUTPUT is missing or older than an input.
stale() {
    local o="$1" i
    shift
    [ "${FORCE:-0}" = 1 ] && return 0
    [ -e "$o" ] || return 0
    for i in "$@"; do
        [ -e "$i" ] || continue
        [ "$i" -nt "$o" ] && return 0
    done
    return 1
}

probe="${PROBE:-$BUILD_DIR/tests/probe/probe}"

# name|banner (the two demo cells of config/demo.conf)
cells=(
    "work|Work OS -- company laptop image, be professional"
    "personal|Personal OS -- home sweet home"
)

for entry in "${cells[@]}"; do
    name="${entry%%|*}"
    banner="${entry#*|}"
    img="$out_dir/cells/$name.erofs"
    if stale "$img" images/busybox-cell.sh "$busybox" images/build-all.sh "$probe" ${BUSYBOX_COMPAT:+"$BUSYBOX_COMPAT"}; then
        BUSYBOX="$busybox" PROBE="$probe" OUT_DIR="$out_dir" images/busybox-cell.sh "$name" "$img" "$banner"
    else
        echo "build-all: $img is up to date"
    fi
done

if [ "${DEBIAN:-0}" = 1 ]; then
    OUT_DIR="$out_dir" images/debian-cell.sh --demo-login "$out_dir/cells/debian.erofs"
fi

init="${INIT:-$BUILD_INIT_DIR/init/init}"
# The board build's static musl binaries (scripts/build.sh), else build/'s.
bin="$BUILD_DIR/mgr"
[ -x "$BOARD_BUILD_DIR/mgr/cellmgr" ] && bin="$BOARD_BUILD_DIR/mgr"
cellmgr="${CELLMGR:-$bin/cellmgr}"
cellctl="${CELLCTL:-$bin/cellctl}"
shim="${SHIM:-$bin/cellar-shim}"
config="$CONFIG"
# shellcheck disable=SC2086 # KCONFIG is a list of files
inputs=(images/initramfs.sh images/kmodules.py scripts/arch.sh "$init" "$cellmgr" "$cellctl" "$shim" "$config"
        $KCONFIG "$out_dir"/cells/*.erofs "${MODROOT%/}"/boot/vmlinuz-*)
if stale "$out_dir/initramfs.cpio.gz" "${inputs[@]}" ||
   stale "$out_dir/rootfs.ext4" "${inputs[@]}" ||
   [ ! -e "$out_dir/vmlinuz" ]; then
    INIT="$init" CELLMGR="$cellmgr" CELLCTL="$cellctl" SHIM="$shim" images/initramfs.sh
else
    echo "build-all: $out_dir/initramfs.cpio.gz, rootfs.ext4 and vmlinuz are up to date"
fi
# Never rebuilt (FORCE=1 included): it holds the demo's persistent data.
if [ -e "$out_dir/data.ext4" ]; then
    echo "build-all: $out_dir/data.ext4 is kept (${BOARD_DIR#"$top"/}/run --fresh-data makes a new one)"
else
    images/data-disk.sh "$out_dir/data.ext4"
fi
e2e="tests/e2e/run"
[ "$ARCH" = x86_64 ] || e2e+=" --arch $ARCH"
echo "build-all: done; boot with ${BOARD_DIR#"$top"/}/run (or test with $e2e)"
