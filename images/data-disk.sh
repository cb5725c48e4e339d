#!/bin/bash
# Make the QEMU board's data disk: a sparse ext4 image that init mounts on
# /data (kernel command line cellar.data=/dev/vdX, board/qemu/run adds it).
#
#   images/data-disk.sh [--size SIZE] [--from DIR] OUT.ext4
#
#   --size SIZE   the image's size, as truncate(1) takes it (default 512M);
#                 sparse: only what is written takes room on the host
#   --from DIR    copy DIR's contents in (files, owners, modes: mkfs.ext4 -d)
#
# It always holds the directories cellar/ (cellmgr's data_dir: the cells'
# id ranges; mode 0700, as cellmgr makes it) and cells/ (the cells'
# persistent layers, `persist =`; 0755), root's.  OUT is replaced: callers that must keep a disk (the demo's
# out/data.ext4 persists between runs) check that it is missing first.
set -euo pipefail

die() { echo "data-disk: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--size SIZE] [--from DIR] OUT.ext4" >&2; exit 2; }

size=512M
from=""
while [ "$#" -gt 1 ]; do
    case "$1" in
        --size) size="$2"; shift 2 ;;
        --from) from="$2"; shift 2 ;;
        *) usage ;;
    esac
done
[ "$#" -eq 1 ] || usage
out="$1"
[ -z "$from" ] || [ -d "$from" ] || die "$from: not a directory"
command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not found (apt-get install e2fsprogs)"

stage="$(mktemp -d "${TMPDIR:-/tmp}/data-disk.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
[ -z "$from" ] || cp -a "$from/." "$stage/"
mkdir -p -m 0700 "$stage/cellar"
mkdir -p -m 0755 "$stage/cells"

mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
truncate -s "$size" "$out.tmp"
# Owners come from the staging tree: as root they are root's (and what
# --from holds); the top directory is root's in any case.
mkfs.ext4 -q -F -L cellar-data -E root_owner=0:0 -d "$stage" "$out.tmp" >&2 ||
    { rm -f "$out.tmp"; die "mkfs.ext4 $out failed"; }
mv -f "$out.tmp" "$out"
echo "data-disk: $out ($size ext4, sparse: $(du -k "$out" | cut -f1) KiB used on the host)" >&2
