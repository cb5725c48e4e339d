#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Appends a cell image's dm-verity hash tree and writes its root hash
# (docs/images.md, "Verified images"):
#
#     images/verity.sh IMAGE
#
# IMAGE is an erofs or ext4 image file.  It is cut to its file system's
# size rounded up to 4 KiB (dropping the tree of an earlier run), then
# `veritysetup format` writes a verity superblock and the hash tree
# (sha256, 4 KiB blocks) right there: the offset cellmgr finds again from
# the file system's superblock (mgr/start/verity.h).  The root hash goes to
# IMAGE.roothash (one line of hex) for the cell list's image_verity or
# `cellctl update --verity`; veritysetup's report to IMAGE.verity.txt.
# The salt and the tree's UUID derive from the image's bytes: the same
# image gives the same tree and root hash.  Needs veritysetup
# (cryptsetup-bin), od, sha256sum, truncate; no device-mapper: this only
# writes the file.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 IMAGE" >&2; exit 2; }
img=$1
command -v veritysetup >/dev/null ||
	{ echo "verity: veritysetup missing (Debian: cryptsetup-bin)" >&2; exit 1; }

# u8/u16/u32 OFFSET: little-endian fields of the image (od reads in the
# build host's order: x86 and arm64 are little endian).
u8() { od -An -tu1 -j "$1" -N1 "$img" | tr -d ' '; }
u16() { od -An -tu2 -j "$1" -N2 "$img" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$img" | tr -d ' '; }

if [ "$(u32 1024)" = 3774210530 ]; then # erofs 0xE0F5E1E2: blocks << blkszbits
	size=$(( $(u32 1060) << $(u8 1036) ))
elif [ "$(u16 1080)" = 61267 ]; then # ext4 0xEF53: s_blocks_count << (10 + log)
	blocks=$(u32 1028)
	if [ $(( $(u32 1120) & 128 )) -ne 0 ]; then
		blocks=$(( blocks + ($(u32 1360) << 32) ))
	fi
	size=$(( blocks << (10 + $(u32 1048)) ))
else
	echo "verity: $img is neither erofs nor ext4" >&2
	exit 1
fi
size=$(( (size + 4095) / 4096 * 4096 ))
truncate -s "$size" "$img"
salt=$(sha256sum "$img" | cut -c1-64)
uuid=$(echo "$salt" | sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/')
veritysetup format --hash=sha256 --data-block-size=4096 --hash-block-size=4096 \
	--data-blocks=$((size / 4096)) --hash-offset="$size" --salt="$salt" --uuid="$uuid" \
	"$img" "$img" >"$img.verity.txt"
root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$img.verity.txt")
[ -n "$root" ] || { echo "verity: no root hash from veritysetup ($img.verity.txt)" >&2; exit 1; }
echo "$root" >"$img.roothash"
echo "verity: $img: tree at $size, root hash $root"
