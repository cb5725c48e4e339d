#!/usr/bin/env bash
# Builds the musl sysroot of the board build (docs/build.md, "The board
# build"): what cellmgr links besides musl, as static archives, for
# meson's `dependency(..., static : true)`.
#
#   board/musl-sysroot.sh [--arch x86_64|arm64] [DIR]
#
# DIR (default build-musl-sysroot/, build-musl-sysroot-arm64/ for arm64,
# outside git like every build*/ directory) gets:
#
#   lib/libcap.a                 libcap from Debian's source package libcap2,
#                                the version the build machine has installed
#                                (its Debian patches applied), built with the
#                                board's musl compiler
#   lib/pkgconfig/libcap.pc      found through pkg_config_libdir
#   include/sys/capability.h     libcap's header
#   include/{linux,asm,asm-generic,sound}
#                                links to the kernel's UAPI headers, which
#                                musl-gcc does not search
#   include/libmnl               a link to libmnl-dev's header: the static
#                                build implements the part of libmnl's API
#                                it uses (mgr/net/mnl_subset.c) against it
#   sysroot.ini                  a meson machine file with the constant
#                                `sysroot`, given before board/musl-static.ini
#                                (board/aarch64-musl-static.ini)
#
# Done once per libcap version and compiler: DIR/stamp records both, and a
# second run with the same ones only prints DIR.  The source comes from
# deb.debian.org (DEBIAN_MIRROR=URI: another mirror) through a private
# source list (DIR/apt/; the system's apt configuration is not touched).  Exit status 0: DIR is ready; 1: it
# is not (no network, no musl compiler), with one line on stderr saying
# why; scripts/build.sh then builds the board's cellmgr against glibc.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

arch="${ARCH:-x86_64}"
dir=""
while [ "$#" -gt 0 ]; do
	case "$1" in
	--arch) arch="$2"; shift 2 ;;
	--arch=*) arch="${1#--arch=}"; shift ;;
	-*) echo "usage: $0 [--arch x86_64|arm64] [DIR]" >&2; exit 2 ;;
	*) dir="$1"; shift ;;
	esac
done

case "$arch" in
x86_64 | amd64)
	cc=musl-gcc ar=ar ranlib=ranlib
	uapi=(/usr/include /usr/include/x86_64-linux-gnu)
	dpkg_arch=amd64
	: "${dir:=$top/build-musl-sysroot}"
	;;
arm64 | aarch64)
	cc=aarch64-linux-musl-gcc ar=aarch64-linux-gnu-ar ranlib=aarch64-linux-gnu-ranlib
	uapi=(/usr/aarch64-linux-gnu/include)
	dpkg_arch=arm64
	: "${dir:=$top/build-musl-sysroot-arm64}"
	;;
*) echo "musl-sysroot: unknown architecture '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

fail() { echo "musl-sysroot: warning: $*" >&2; exit 1; }

command -v "$cc" >/dev/null || fail "no $cc (scripts/deps.sh installs it)"
command -v dpkg-source >/dev/null || fail "no dpkg-source (apt-get install dpkg-dev)"
[ -r /usr/include/libmnl/libmnl.h ] || fail "no /usr/include/libmnl/libmnl.h (apt-get install libmnl-dev)"
# The source version of the installed libcap2 (a binNMU's +bN is not in it).
version=$(dpkg-query -W -f '${source:Version}' "libcap2:$dpkg_arch" 2>/dev/null ||
	dpkg-query -W -f '${source:Version}' libcap2 2>/dev/null) || fail "libcap2 is not installed"
stamp="libcap2 $version; $cc $("$cc" -dumpversion); $(sha256sum "$0" | cut -c1-16)"
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
	echo "$dir"
	exit 0
fi

# --- the source ------------------------------------------------------------
# shellcheck disable=SC1091 # the build machine's
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
apt="$dir/apt"
rm -rf "$apt" "$dir/src"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/src"
cat >"$apt/cellar.sources" <<EOF
Types: deb-src
URIs: $mirror
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
aptopts=(-o "Dir::Etc::sourcelist=$apt/cellar.sources" -o Dir::Etc::sourceparts=/nonexistent
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1
	-o Acquire::Retries=1 -o APT::Sandbox::User=root -qq)
apt-get "${aptopts[@]}" update >"$apt/log" 2>&1 || fail "apt-get update failed (no network?), see $apt/log"
# apt-get update succeeds without the index it could not fetch.
compgen -G "$apt/lists/*Sources*" >/dev/null || fail "no source index from $mirror (no network?), see $apt/log"
(cd "$dir/src" && apt-get "${aptopts[@]}" source --download-only "libcap2=$version") >>"$apt/log" 2>&1 ||
	fail "no source of libcap2 $version from $mirror, see $apt/log"
dsc=$(ls "$dir"/src/libcap2_*.dsc)
# apt checked the files against the signed index: no second check of the
# .dsc signature (dpkg-source would want the maintainers' keyring).
dpkg-source --no-check -x "$dsc" "$dir/src/libcap2" >>"$apt/log" 2>&1 || fail "dpkg-source -x $dsc failed, see $apt/log"

# --- libcap.a --------------------------------------------------------------
# Only the library: its Makefile makes cap_names.h with a build-machine
# program from libcap's own copy of the kernel's capability.h.
make -C "$dir/src/libcap2/libcap" CC="$cc" BUILD_CC=gcc AR="$ar" RANLIB="$ranlib" \
	COPTS="-O2 -ffunction-sections -fdata-sections" libcap.a >"$dir/src/build.log" 2>&1 ||
	fail "building libcap.a with $cc failed, see $dir/src/build.log"
rm -rf "${dir:?}/lib" "${dir:?}/include"
mkdir -p "$dir/lib/pkgconfig" "$dir/include/sys"
install -m 0644 "$dir/src/libcap2/libcap/libcap.a" "$dir/lib/"
install -m 0644 "$dir/src/libcap2/libcap/include/sys/capability.h" "$dir/include/sys/"
cat >"$dir/lib/pkgconfig/libcap.pc" <<EOF
prefix=$dir
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcap
Description: libcap2 $version, static, built with $cc (board/musl-sysroot.sh)
Version: ${version#*:}
Libs: -L\${libdir} -lcap
Cflags: -I\${includedir}
EOF

# --- headers ----------------------------------------------------------------
for d in linux asm asm-generic sound; do
	for base in "${uapi[@]}"; do
		if [ -d "$base/$d" ]; then
			ln -sfn "$base/$d" "$dir/include/$d"
			break
		fi
	done
	[ -e "$dir/include/$d" ] || fail "no kernel headers $d/ in ${uapi[*]} (linux-libc-dev)"
done
ln -sfn /usr/include/libmnl "$dir/include/libmnl"

cat >"$dir/sysroot.ini" <<EOF
# Written by board/musl-sysroot.sh: give it before board/musl-static.ini.
[constants]
sysroot = '$dir'
EOF
echo "$stamp" >"$dir/stamp"
echo "$dir"
