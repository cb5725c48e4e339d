#!/usr/bin/env bash
# Installs the Debian 12 packages cellar's build, images and tests need,
# only those missing.  Run as root; needs Debian's package archive.
set -euo pipefail

packages=(
	build-essential pkg-config meson ninja-build musl-tools
	libmnl-dev libcap-dev libseccomp-dev libcmocka-dev
	busybox-static erofs-utils cpio e2fsprogs kmod file
	qemu-system-x86 linux-image-amd64 python3 clang-format
	iproute2 procps util-linux
	clang-14 libclang-rt-14-dev clang-tidy-14 valgrind
	scdoc man-db groff-base
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
