#!/usr/bin/env bash
# The second command of the README: every test layer, one summary line.
#   format       clang-format over every C file
#   unit         cmocka, pure logic
#   layers       mgr/ as docs/architecture.md draws it: no call upward, no cycle, files <= 600 lines
#   sanitize     unit and integration tests under ASan+UBSan, cellmgr under valgrind
#   fuzz         libFuzzer over every parser of outside input, 18 s each + regressions
#   integration  the real cellmgr starting real cells on this host (root)
#   isolation    the probe inside two cells: every attack of the threat model
#   supervise    restart policies, crash loop, reboot/poweroff inside, stop, readiness
#   ctl          the control socket and cellctl against the real cellmgr
#   attach       cellctl exec: a command lands in the cell's full context
#   update       cellctl update: A/B slots, trial, rollback, kill -9 during an update
#   seat         cellmgr as each gpu cell's seatd: Debian's libseat in three cells, enable/disable on a switch
#   fault        kill -9 of cellmgr at random points, crash loop, corrupt reload, disk full, socket flood
#   escape       every attack of the threat model from inside a cell, each must fail
#   debian       Debian with systemd in a cell: boot, container interface, reboot, poweroff, stop
#   once         cellmgr --once: one cell in the foreground, its exit status
#   qemu-cgroup  cellmgr's cgroup v2 code and device program in a QEMU guest
#   qemu-verity  verified cell images (dm-verity) in a QEMU guest
#   qemu-drm     the compositors' seat on a real DRM driver (bochs): master follows the front cell
#   qemu-audio   the audio path's PCM layer (kernel PCM ioctls) against snd-aloop loopback cards
#   e2e          the QEMU board booted under TCG
#   e2e-arm64    the arm64 board (QEMU virt, cross-built) booted under TCG: its subset
# Each layer ends with "LAYER: N passed, N failed[, N skipped]"; this
# script adds them up into the last line and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "test: run as root (cells need namespaces, loop devices and mounts)" >&2
	exit 1
fi
scripts/deps.sh || exit 1
scripts/build.sh || { echo "test: build failed"; echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh --arch arm64 || { echo "test: arm64 build failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # LAYER: add the counts from the layer's summary line in $log
	# Returns 1 when it counted a failure of its own (no summary, no test).
	local line
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "test: $1 printed no summary: counted as one failure"
		failed=$((failed + 1))
		return 1
	fi
	local p f s
	p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
	# A layer that checked nothing (no file, no test binary, every case
	# skipped) proves nothing: it fails, whatever its exit status.
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "test: $1 ran no test ($line): counted as one failure"
		failed=$((failed + 1))
		return 1
	fi
	return 0
}

layer() { # LAYER COMMAND...: run one layer, echoing its output
	local name=$1; shift
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	count "$name" || return 0
	if [ "$rc" -ne 0 ] && ! grep -qE "^$name: [0-9]+ passed, [1-9][0-9]* failed" "$log"; then
		echo "test: $name exited with status $rc"
		failed=$((failed + 1))
	fi
}

layer format scripts/format.sh --check
layer unit tests/unit/run build
layer layers tests/layers/run build
layer sanitize tests/sanitize/run
layer fuzz tests/fuzz/run
layer integration tests/integration/run
layer isolation tests/integration/isolation
layer supervise tests/integration/supervise
layer net tests/integration/net
layer net-modes tests/integration/net-modes
layer ctl tests/integration/ctl
layer attach tests/integration/attach
layer update tests/integration/update
layer seat tests/integration/seat
layer fault tests/fault/run
layer escape tests/escape/run
layer debian tests/integration/debian
layer once tests/integration/once
layer qemu-cgroup tests/qemu-cgroup/run
layer qemu-verity tests/qemu-verity/run
layer qemu-drm tests/qemu-drm/run
layer qemu-audio tests/qemu-audio/run
layer e2e tests/e2e/run
layer e2e-arm64 tests/e2e/run --arch arm64

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
