#!/bin/bash
# Build a Debian bookworm root filesystem with systemd for one cellar cell and
# pack it as a read-only erofs image.
#
#   images/debian-cell.sh [--demo-login] [OUT.erofs]
#                                   (default: out/cells/debian.erofs)
#
# Without --demo-login root's account is locked: nobody can log in until the
# product's own build adds its users and passwords.  --demo-login lets root
# log in without a password (on the cell's console and its screen), as in
# the busybox demo cells: for the demo board and the tests, never a product.
#
# Two steps, each skipped when its output is up to date:
#
#   1. the tree: debootstrap --variant=minbase --include=PACKAGES into
#      CACHE_DIR/debian-SUITE/tree, then the changes a cell needs (below).
#      It is the slow step (about a minute, and the network: Debian's
#      archive) and is cached: it is redone only when its key changes (this
#      script, the suite, the mirror, the package list; see tree.key).
#   2. the image: mkfs.erofs of the tree into OUT.erofs (a few seconds),
#      redone when the tree is newer than the image.
#
# The tree is kept: systemd-nspawn boots the same tree for the benchmark
# (tests/bench/bench-boot-debian), and a directory is a valid cell image too.
#
# Environment:
#   OUT_DIR          out/ of the checkout by default
#   CACHE_DIR        where the tree is cached (default OUT_DIR/cache)
#   DEBIAN_SUITE     bookworm
#   DEBIAN_MIRROR    http://deb.debian.org/debian
#   DEBIAN_PACKAGES  the --include list, comma-separated
#                    (default systemd-sysv,dbus,libpam-systemd)
#   FORCE=1          rebuild the tree and the image
#
# Runs as root (debootstrap, and the tree keeps Debian's owners: shadow,
# utmp, systemd-journal ... groups).  Installs debootstrap and erofs-utils
# with apt-get when they are missing.
set -euo pipefail

usage() { echo "usage: $0 [--demo-login] [OUT.erofs]" >&2; exit 2; }
demo_login=0
if [ "${1:-}" = --demo-login ]; then
    demo_login=1
    shift
fi
[ "$#" -le 1 ] || usage

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="${OUT_DIR:-$top/out}"
cache_dir="${CACHE_DIR:-$out_dir/cache}"
suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages="${DEBIAN_PACKAGES:-systemd-sysv,dbus,libpam-systemd}"
out="${1:-$out_dir/cells/debian.erofs}"
base="$cache_dir/debian-$suite$([ "$demo_login" = 1 ] && echo -demo)"
tree="$base/tree"

log() { echo "debian-cell: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "run as root (debootstrap; the tree keeps Debian's file owners)"
    exit 1
fi
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v mkfs.erofs >/dev/null || need+=(erofs-utils)
command -v veritysetup >/dev/null || need+=(cryptsetup-bin)
if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get install -y "${need[@]}" >&2 ||
        { apt-get update >&2 && apt-get install -y "${need[@]}" >&2; }
fi

# One build at a time per cache (two test runs may start together).
mkdir -p "$cache_dir"
exec 9>"$base.lock"
flock 9

# --- 1. the tree -------------------------------------------------------------

# Makes a debootstrapped tree a cell's root filesystem.
customize() {
    local t="$1"
    # The hostname is the cell's (cellmgr sets it before systemd runs, and
    # systemd keeps it when /etc/hostname is absent); debootstrap copied
    # the build host's.  Same for the resolver and the hosts file.
    rm -f "$t/etc/hostname" "$t/etc/resolv.conf"
    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$t/etc/hosts"
    # An empty machine-id: not a first boot (no systemd-firstboot prompt on
    # the console), and systemd makes a new id at each boot (kept in the
    # cell's writable layer when it has `persist`).  An image must not
    # carry one id for every cell made from it.
    : > "$t/etc/machine-id"
    ln -sf /etc/machine-id "$t/var/lib/dbus/machine-id"
    # root: locked, or (--demo-login) no password at all, as in the
    # busybox cells: whoever has the demo board's console owns the cell.
    if [ "$demo_login" = 1 ]; then
        sed -i 's/^root:[^:]*:/root::/' "$t/etc/shadow"
    else
        sed -i 's/^root:[^:]*:/root:*:/' "$t/etc/shadow"
    fi
    # Build-time state that differs from one build to the next.
    rm -rf "$t"/var/cache/apt/*.bin "$t"/var/lib/apt/lists/* "$t"/var/cache/ldconfig/aux-cache \
           "$t"/var/log/bootstrap.log "$t"/var/log/alternatives.log "$t"/var/log/dpkg.log \
           "$t"/var/log/apt/* "$t"/var/cache/debconf/*-old "$t"/var/lib/dpkg/*-old \
           "$t"/etc/passwd- "$t"/etc/group- "$t"/etc/shadow- "$t"/etc/gshadow-
    mkdir -p "$t/var/lib/apt/lists/partial"
    # The day of the last password change is the build's date: left empty
    # (no password aging; 0 would force a change at the first login).
    sed -i -E 's/^([^:]*:[^:]*:)[0-9]+:/\1:/' "$t/etc/shadow"
    # The mount points cellmgr needs in a read-only image.
    mkdir -p "$t/proc" "$t/sys" "$t/dev" "$t/run" "$t/tmp"
}

# The tree's key: what makes it (the customization included, not this
# script's comments).
key="$( { declare -f customize; echo "$suite $mirror $packages $demo_login"; } | sha256sum | cut -d' ' -f1)"

if [ "${FORCE:-0}" = 1 ] || [ ! -d "$tree" ] || [ "$(cat "$base/tree.key" 2>/dev/null)" != "$key" ]; then
    mkdir -p "$base"
    rm -rf "$base/tree.new"
    log "debootstrap $suite ($packages) from $mirror into $base/tree.new"
    start=$(date +%s)
    if ! debootstrap --variant=minbase --include="$packages" "$suite" "$base/tree.new" \
            "$mirror" > "$base/debootstrap.log" 2>&1; then
        tail -n 20 "$base/debootstrap.log" >&2
        log "debootstrap failed: whole log in $base/debootstrap.log"
        exit 1
    fi
    customize "$base/tree.new"
    chroot "$base/tree.new" dpkg-query -W -f '${Package} ${Version}\n' > "$base/packages.txt"
    rm -rf "$tree"
    mv "$base/tree.new" "$tree"
    echo "$key" > "$base/tree.key"
    log "tree ready in $(( $(date +%s) - start )) s: $tree ($(du -sm "$tree" | cut -f1) MiB," \
        "$(wc -l < "$base/packages.txt") packages, list in $base/packages.txt)"
else
    log "tree is up to date: $tree"
fi

# --- 2. the image ------------------------------------------------------------
# Same tree, same bytes: one time stamp for every file (-T0), the build
# host's extended attributes left out (-x-1: SELinux labels ...; the Debian
# tree carries no file capabilities), a UUID from the suite.  Owners are
# kept (no --all-root): Debian's files are not all root's.
uuid="$(printf 'cellar-debian-%s' "$suite" | sha256sum |
        sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/')"
mkfs_args=(-zlz4hc -x-1 -T0 -U"$uuid")
image_key="$(echo "$key ${mkfs_args[*]} $out" | sha256sum | cut -d' ' -f1)"
if [ "${FORCE:-0}" = 1 ] || [ ! -e "$out" ] || [ "$base/tree.key" -nt "$out" ] ||
   [ "$(cat "$base/image.key" 2>/dev/null)" != "$image_key" ]; then
    mkdir -p "$(dirname "$out")"
    mkfs.erofs "${mkfs_args[@]}" "$out.tmp" "$tree" > "$base/mkfs.log" 2>&1 ||
        { cat "$base/mkfs.log" >&2; rm -f "$out.tmp"; exit 1; }
    mv "$out.tmp" "$out"
    # The dm-verity hash tree after the file system, the root hash beside it.
    "$top/images/verity.sh" "$out" > "$base/verity.log"
    echo "$image_key" > "$base/image.key"
    log "image $out: $(du -m "$out" | cut -f1) MiB"
else
    log "image is up to date: $out"
fi
