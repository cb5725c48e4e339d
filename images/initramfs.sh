#!/bin/bash
# Assemble cellar's host image from the built binaries, the kernel modules,
# the board's cell list and the cell images:
#
#   out/initramfs.cpio.gz   newc cpio, all root-owned (the board's initrd)
#   out/rootfs.ext4         the same tree as an ext4 image (root=/dev/vda)
#   out/vmlinuz             the kernel the modules belong to
#
# Inputs (override with the environment):
#   INIT=build-init/init/init         static PID 1 -> /init
#   CELLMGR=build/mgr/cellmgr         -> /sbin/cellmgr (+ its libraries; the
#                                     board build's, build-board/, is static:
#                                     images/build-all.sh passes it)
#   CELLCTL=build/mgr/cellctl         -> /sbin/cellctl (+ its libraries)
#   SHIM=build/mgr/cellar-shim        -> /sbin/cellar-shim (+ its libraries)
#   CONFIG=config/demo.conf           -> /etc/cellar/cells.conf
#   KCONFIG="board/kernel.config board/qemu/kernel.config"
#                                     -> /etc/cellar/kernel.config (the kernel
#                                     options init checks at boot), and the
#                                     kernel's own config -> /lib/modules/KVER/config
#   CELLS_DIR=out/cells               every "image = /cells/FILE" of the
#                                     config is taken from CELLS_DIR/FILE
#   EXTRA_MODULES=                    more kernel modules (names) copied, with
#                                     their dependencies, beside those of
#                                     CONFIG's [host] modules: for a cell list
#                                     on the data disk (cellar.config=) that
#                                     names them; init loads them only then
#   KVER=<newest /boot/vmlinuz-* with /lib/modules/KVER/modules.dep>
#   MODROOT=/                         where boot/vmlinuz-KVER, boot/config-KVER
#                                     and lib/modules/KVER are (the arm64
#                                     board: /opt/cellar/arm64/kernel)
#   SYSROOT_LIBDIRS=                  a cross build (ldd cannot run the
#                                     binaries): where their shared objects
#                                     are, searched in order (scripts/arch.sh)
#   SOURCE_DATE_EPOCH=0               timestamp of every file in the images
#
# Needs root (the /dev/console node is made with mknod; files must be owned
# by root for mkfs.ext4 -d).
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="${OUT_DIR:-$top/out}"
init="${INIT:-$top/build-init/init/init}"
cellmgr="${CELLMGR:-$top/build/mgr/cellmgr}"
cellctl="${CELLCTL:-$top/build/mgr/cellctl}"
shim="${SHIM:-$top/build/mgr/cellar-shim}"
config="${CONFIG:-$top/config/demo.conf}"
kconfig="${KCONFIG:-$top/board/kernel.config $top/board/qemu/kernel.config}"
cells_dir="${CELLS_DIR:-$out_dir/cells}"
epoch="${SOURCE_DATE_EPOCH:-0}"
modroot="${MODROOT:-/}"
modroot="${modroot%/}"
sysroot_libdirs="${SYSROOT_LIBDIRS:-}"
stage="$out_dir/stage/initramfs"

die() { echo "initramfs: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (mknod /dev/console, root-owned files)"
for tool in cpio gzip mkfs.ext4 ldd python3 readelf; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install cpio gzip e2fsprogs libc-bin python3 binutils)"
done

# --- kernel ------------------------------------------------------------------
if [ -z "${KVER:-}" ]; then
    KVER=""
    while read -r v; do
        [ -f "$modroot/lib/modules/$v/modules.dep" ] && KVER="$v"
    done < <(for k in "$modroot"/boot/vmlinuz-*; do [ -e "$k" ] && echo "${k#"$modroot"/boot/vmlinuz-}"; done | sort -V)
    [ -n "$KVER" ] || die "no $modroot/boot/vmlinuz-VER with $modroot/lib/modules/VER/modules.dep (scripts/deps.sh installs it)"
fi
kernel="$modroot/boot/vmlinuz-$KVER"
moddir="$modroot/lib/modules/$KVER"
[ -r "$kernel" ] || die "$kernel not readable"
[ -f "$moddir/modules.dep" ] || die "$moddir/modules.dep missing"

for f in "$init" "$cellmgr" "$cellctl" "$shim"; do
    [ -x "$f" ] || die "$f missing: build it first (see docs/images.md)"
done
[ -r "$config" ] || die "$config missing"

# --- copy an executable and the shared objects it needs (like copy_exec) -----
is_dynamic() { readelf -lW "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }

# A cross build: ldd cannot run the board's binaries.  Follows DT_NEEDED
# (readelf) through SYSROOT_LIBDIRS; the libraries go to /lib/<the first
# lib dir's last component> (e.g. /lib/aarch64-linux-gnu, which the
# board's Debian glibc searches), the loader to its PT_INTERP path.
copy_needed_cross() { # ELF
    local elf="$1" interp name dir found libdest
    libdest="/lib/$(basename "${sysroot_libdirs%% *}")"
    interp=$(readelf -lW "$elf" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
    if [ -n "$interp" ] && [ ! -e "$stage$interp" ]; then
        found=""
        for dir in $sysroot_libdirs; do
            [ -e "$dir/$(basename "$interp")" ] && { found="$dir/$(basename "$interp")"; break; }
        done
        [ -n "$found" ] || die "$elf: loader $interp not in $sysroot_libdirs"
        install -D -m 0755 "$(readlink -f "$found")" "$stage$interp"
    fi
    while read -r name; do
        case "$name" in ld-linux*) continue ;; esac   # the loader itself (above)
        [ -e "$stage$libdest/$name" ] && continue
        found=""
        for dir in $sysroot_libdirs; do
            [ -e "$dir/$name" ] && { found="$dir/$name"; break; }
        done
        [ -n "$found" ] || die "$elf needs $name, not in $sysroot_libdirs"
        install -D -m 0755 "$(readlink -f "$found")" "$stage$libdest/$name"
        copy_needed_cross "$found"
    done < <(readelf -dW "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
}

copy_exec() { # SRC DEST-in-stage
    local src="$1" dst="$2" lib
    install -D -m 0755 "$src" "$stage$dst"
    if [ -n "$sysroot_libdirs" ]; then
        is_dynamic "$src" && copy_needed_cross "$src"
        return 0
    fi
    # ldd prints "name => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)"
    if ! ldd "$src" >/dev/null 2>&1; then
        return 0   # static
    fi
    while read -r lib; do
        [ -n "$lib" ] || continue
        [ -e "$stage$lib" ] && continue
        mkdir -p "$stage$(dirname "$lib")"
        cp -L "$lib" "$stage$lib"
        chmod 0755 "$stage$lib"
    done < <(ldd "$src" | sed -n -e 's/.*=> \(\/[^ ]*\) (.*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | LC_ALL=C sort -u)
}

rm -rf "$stage"
mkdir -p "$stage"
# data: the data disk's mount point (cellar.data=), there already for a
# read-only root=.
for d in proc sys dev run tmp newroot data sbin etc/cellar cells; do
    mkdir -p "$stage/$d"
done
chmod 1777 "$stage/tmp"
mknod -m 0600 "$stage/dev/console" c 5 1

# PID 1
install -m 0755 "$init" "$stage/init"
if is_dynamic "$init"; then
    echo "initramfs: warning: $init is dynamically linked; PID 1 should be static musl" >&2
    copy_exec "$init" /init
fi
copy_exec "$cellmgr" /sbin/cellmgr
copy_exec "$cellctl" /sbin/cellctl
copy_exec "$shim" /sbin/cellar-shim

# The cell list.
install -m 0644 "$config" "$stage/etc/cellar/cells.conf"

# The kernel options the board needs, which init checks at boot against
# the kernel's configuration (docs/init.md, board/porting.md).
for f in $kconfig; do
    [ -r "$f" ] || die "$f (KCONFIG) missing"
    echo "# from ${f#"$top"/}"
    cat "$f"
done > "$stage/etc/cellar/kernel.config"
chmod 0644 "$stage/etc/cellar/kernel.config"

# The cell images the config names under /cells/.
n_cells=0
while read -r img; do
    case "$img" in
        /cells/*) ;;
        *) echo "initramfs: note: $img is not under /cells/, not packed" >&2; continue ;;
    esac
    src="$cells_dir/${img#/cells/}"
    [ -f "$src" ] || die "$src missing (config wants $img): run images/build-all.sh"
    install -D -m 0644 "$src" "$stage$img"
    n_cells=$((n_cells + 1))
done < <(sed -n 's/^[[:space:]]*image[[:space:]]*=[[:space:]]*\([^[:space:]#;]*\).*/\1/p' "$config")

# Kernel modules named by [host] modules, with every hard/soft dependency.
read -r -a extra_modules <<<"${EXTRA_MODULES:-}"
python3 "$top/images/kmodules.py" --moddir "$moddir" --dest "$stage/lib/modules/$KVER" --config "$config" \
    "${extra_modules[@]}"
if [ -r "$modroot/boot/config-$KVER" ]; then
    install -m 0644 "$modroot/boot/config-$KVER" "$stage/lib/modules/$KVER/config"
else
    echo "initramfs: warning: no $modroot/boot/config-$KVER: init cannot check the kernel's options" >&2
fi

# --- pack ----------------------------------------------------------------------
find "$stage" -exec touch -h -d "@$epoch" {} +
mkdir -p "$out_dir"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -9 > "$out_dir/initramfs.cpio.gz.tmp"
mv -f "$out_dir/initramfs.cpio.gz.tmp" "$out_dir/initramfs.cpio.gz"

# ext4: room for the tree plus 25 % and 8 MiB for the journal and metadata.
kib=$(du -sk "$stage" | cut -f1)
size_kib=$(( (kib * 5 / 4 + 8192 + 1023) / 1024 * 1024 ))
rm -f "$out_dir/rootfs.ext4.tmp"
truncate -s "${size_kib}K" "$out_dir/rootfs.ext4.tmp"
E2FSPROGS_FAKE_TIME="$epoch" mkfs.ext4 -q -F -L cellar-root -U 6ce11a70-0000-4000-8000-0000000000e4 \
    -E root_owner=0:0,hash_seed=6ce11a70-0000-4000-8000-00000000ba5e \
    -d "$stage" "$out_dir/rootfs.ext4.tmp" "${size_kib}K"
mv -f "$out_dir/rootfs.ext4.tmp" "$out_dir/rootfs.ext4"

install -m 0644 "$kernel" "$out_dir/vmlinuz"
echo "$KVER" > "$out_dir/kernel-version"

echo "initramfs: $out_dir/initramfs.cpio.gz ($(du -k "$out_dir/initramfs.cpio.gz" | cut -f1) KiB, $n_cells cell images, kernel $KVER)"
echo "initramfs: $out_dir/rootfs.ext4 (${size_kib} KiB ext4, same tree, boot with root=/dev/vda)"
echo "initramfs: $out_dir/vmlinuz ($kernel)"
