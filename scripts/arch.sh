# Sourced by scripts/build.sh, scripts/demo.sh and images/build-all.sh: the
# per-architecture defaults of cellar's builds and boards.  `arch_set ARCH`
# (x86_64, the build machine's own, or arm64) sets, unless already set in
# the environment:
#
#   ARCH            x86_64 | arm64
#   BUILD_DIR       cellmgr, cellctl, cellar-shim, the probe   build/ | build-arm64/
#   BUILD_INIT_DIR  the static PID 1                           build-init/ | build-init-arm64/
#   BOARD_BUILD_DIR the board's cellmgr, cellctl, cellar-shim, static musl
#                                                              build-board/ | build-board-arm64/
#   BOARD_CROSS_FILE meson cross file of BOARD_BUILD_DIR       board/musl-static.ini | board/aarch64-musl-static.ini
#   MUSL_SYSROOT    libcap.a and headers for BOARD_BUILD_DIR (board/musl-sysroot.sh)
#                                                              build-musl-sysroot/ | build-musl-sysroot-arm64/
#   CROSS_FILE      meson cross file of BUILD_DIR              (none) | board/aarch64-linux-gnu.ini
#   INIT_CROSS_FILE meson cross file of BUILD_INIT_DIR         board/musl-gcc.ini | board/aarch64-musl-gcc.ini
#   OUT_DIR         images, kernel, data disk                  out/ | out-arm64/
#   BOARD_DIR       the board's run script and kernel line     board/qemu/ | board/qemu-arm64/
#   CONFIG          the board's cell list                      config/demo.conf | config/demo-arm64.conf
#   KCONFIG         kernel config fragments init checks        board/kernel.config + the board's
#   MODROOT         where boot/vmlinuz-KVER and lib/modules/KVER are: / | /opt/cellar/arm64/kernel
#   BUSYBOX         the cells' static busybox                  /bin/busybox | /opt/cellar/arm64/busybox/bin/busybox
#   BUSYBOX_COMPAT  the compat ABI's busybox (cells' /bin/busybox32)  (none) | /opt/cellar/armhf/busybox/bin/busybox
#   SYSROOT_LIBDIRS where the board's shared objects are (a cross build: ldd cannot run them)
#   EXTRA_MODULES   modules the initramfs carries but CONFIG does not load   virtio_gpu snd_... | (none)
#                   (virtio_gpu: QEMU's virtio-gpu-pci, for a cell list on the
#                   data disk with gpu cells: tests/e2e/gfx.py; the demo stays
#                   in VGA text mode.  Not bochs, -vga std's: on 6.1 it has no
#                   PRIME, which wlroots requires.  snd_hda_codec_generic and
#                   snd_hda_intel: QEMU's intel-hda with hda-duplex, and
#                   snd_aloop, the audio cells' cards: the same list's audio
#                   cells)
#
# /opt/cellar is where scripts/deps.sh unpacks the Debian packages that
# cannot be installed beside the build machine's own (CELLAR_DEBS).
# The paths are relative to the top of the checkout, except MODROOT,
# BUSYBOX, BUSYBOX_COMPAT, SYSROOT_LIBDIRS.

arch_set() { # ARCH
	local top debs
	top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
	debs="${CELLAR_DEBS:-/opt/cellar}"
	case "${1:-x86_64}" in
	x86_64 | amd64)
		ARCH=x86_64
		: "${BUILD_DIR:=$top/build}" "${BUILD_INIT_DIR:=$top/build-init}"
		: "${CROSS_FILE:=}" "${INIT_CROSS_FILE:=$top/board/musl-gcc.ini}"
		: "${BOARD_BUILD_DIR:=$top/build-board}" "${BOARD_CROSS_FILE:=$top/board/musl-static.ini}"
		: "${MUSL_SYSROOT:=$top/build-musl-sysroot}"
		: "${OUT_DIR:=$top/out}" "${BOARD_DIR:=$top/board/qemu}"
		: "${CONFIG:=$top/config/demo.conf}"
		: "${MODROOT:=/}" "${BUSYBOX:=/bin/busybox}" "${BUSYBOX_COMPAT:=}"
		: "${SYSROOT_LIBDIRS:=}"
		: "${EXTRA_MODULES=virtio_gpu snd_hda_codec_generic snd_hda_intel snd_aloop}"
		;;
	arm64 | aarch64)
		ARCH=arm64
		: "${BUILD_DIR:=$top/build-arm64}" "${BUILD_INIT_DIR:=$top/build-init-arm64}"
		: "${CROSS_FILE:=$top/board/aarch64-linux-gnu.ini}"
		: "${INIT_CROSS_FILE:=$top/board/aarch64-musl-gcc.ini}"
		: "${BOARD_BUILD_DIR:=$top/build-board-arm64}" "${BOARD_CROSS_FILE:=$top/board/aarch64-musl-static.ini}"
		: "${MUSL_SYSROOT:=$top/build-musl-sysroot-arm64}"
		: "${OUT_DIR:=$top/out-arm64}" "${BOARD_DIR:=$top/board/qemu-arm64}"
		: "${CONFIG:=$top/config/demo-arm64.conf}"
		: "${MODROOT:=$debs/arm64/kernel}" "${BUSYBOX:=$debs/arm64/busybox/bin/busybox}"
		: "${BUSYBOX_COMPAT:=$debs/armhf/busybox/bin/busybox}"
		# Debian's multiarch directories (libmnl0:arm64, libcap2:arm64,
		# libc6:arm64), then the cross toolchain's glibc.
		: "${SYSROOT_LIBDIRS:=/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib}"
		: "${EXTRA_MODULES=}"
		;;
	*)
		echo "arch: unknown architecture '$1' (x86_64 or arm64)" >&2
		return 1
		;;
	esac
	: "${KCONFIG:=$top/board/kernel.config $BOARD_DIR/kernel.config}"
	export ARCH BUILD_DIR BUILD_INIT_DIR CROSS_FILE INIT_CROSS_FILE BOARD_BUILD_DIR BOARD_CROSS_FILE MUSL_SYSROOT OUT_DIR BOARD_DIR CONFIG \
		KCONFIG MODROOT BUSYBOX BUSYBOX_COMPAT SYSROOT_LIBDIRS EXTRA_MODULES
}
