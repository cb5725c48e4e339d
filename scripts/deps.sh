#!/usr/bin/env bash
# Installs the Debian 12 packages cellar's build, images and tests need,
# only those missing.  Run as root; needs Debian's package archive.
#
# The arm64 board (board/qemu-arm64/) adds the arm64 and armhf
# architectures to dpkg (dpkg --add-architecture), the cross compilers and
# the arm64 -dev packages cellmgr links, and unpacks three Debian packages
# that cannot be installed beside the build machine's own (same paths) into
# /opt/cellar (CELLAR_DEBS): the arm64 kernel (linux-image-arm64, with its
# modules.dep made by depmod), busybox-static:arm64 (the cells) and
# busybox-static:armhf (the AArch32 compat check of tests/e2e/arm64.py).
set -euo pipefail

packages=(
	build-essential pkg-config meson ninja-build musl-tools dpkg-dev
	libmnl-dev libcap-dev libseccomp-dev libcmocka-dev
	busybox-static erofs-utils cryptsetup-bin cpio e2fsprogs kmod file
	qemu-system-x86 linux-image-amd64 python3 clang-format
	iproute2 procps util-linux
	clang-14 libclang-rt-14-dev clang-tidy-14 valgrind
	scdoc man-db groff-base libseat-dev libudev-dev alsa-utils
)
foreign_archs=(arm64 armhf)
# The arm64 board: QEMU's virt machine, the cross compilers (glibc for
# cellmgr, musl for init) and what cellmgr links, for arm64.
cross_packages=(
	qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	musl-dev:arm64 libmnl-dev:arm64 libcap-dev:arm64
)
debs="${CELLAR_DEBS:-/opt/cellar}"
# DIR|PACKAGE (unpacked into $debs/DIR; a metapackage is followed to the
# package it depends on)
unpacked=(
	"arm64/kernel|linux-image-arm64:arm64"
	"arm64/busybox|busybox-static:arm64"
	"armhf/busybox|busybox-static:armhf"
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing_archs=()
for a in "${foreign_archs[@]}"; do
	dpkg --print-foreign-architectures | grep -qx "$a" || missing_archs+=("$a")
done
missing=()
for p in "${packages[@]}" "${cross_packages[@]}"; do
	installed "$p" || missing+=("$p")
done
missing_debs=()
for u in "${unpacked[@]}"; do
	[ -f "$debs/${u%%|*}/.package" ] || missing_debs+=("$u")
done
if [ "${#missing_archs[@]}" -eq 0 ] && [ "${#missing[@]}" -eq 0 ] && [ "${#missing_debs[@]}" -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	what=()
	for a in "${missing_archs[@]}"; do what+=("dpkg-architecture:$a"); done
	what+=("${missing[@]}")
	for u in "${missing_debs[@]}"; do what+=("${u#*|}"); done
	echo "deps: missing: ${what[*]}; run as root to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
for a in "${missing_archs[@]}"; do
	echo "deps: dpkg --add-architecture $a"
	dpkg --add-architecture "$a"
done
# An index that fails to download (a mirror in the middle of a sync: "File
# has unexpected size") fails apt-get update though the others came in; it
# is tried again, then the install goes on with the indexes there are, and
# fails by itself, naming the package, if one it needs is not among them.
for try in 1 2 3; do
	apt-get update -qq && break
	if [ "$try" -eq 3 ]; then
		echo "deps: apt-get update failed 3 times; going on with the package indexes it did get" >&2
	else
		sleep 10
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# apt-get download, dpkg-deb -x: into $debs/DIR, with .package naming
# what is there.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chown _apt "$tmp" 2>/dev/null || true
for u in "${missing_debs[@]}"; do
	dir="$debs/${u%%|*}" pkg="${u#*|}"
	# A metapackage (linux-image-arm64) names the real package in Depends.
	real=$(apt-cache depends --no-recommends --no-suggests "$pkg" |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	real="${real:-$pkg}"
	case "$real" in *:*) ;; *) real="$real:${pkg##*:}" ;; esac
	echo "deps: unpacking $real into $dir"
	rm -f "$tmp"/*.deb
	(cd "$tmp" && apt-get download -qq "$real" >/dev/null)
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg-deb -x "$tmp"/*.deb "$dir.tmp"
	# The kernel: modules.dep and the rest, as its postinst would make them.
	for m in "$dir.tmp"/lib/modules/*; do
		[ -d "$m" ] || continue
		v="${m##*/}"
		depmod -b "$dir.tmp" -F "$dir.tmp/boot/System.map-$v" "$v"
	done
	dpkg-deb -f "$tmp"/*.deb Package Version Architecture > "$dir.tmp/.package"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
done
