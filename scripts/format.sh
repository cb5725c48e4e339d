#!/usr/bin/env bash
# clang-format over the C sources: "--check" reports files that differ
# (the test command's "format" layer), no argument rewrites them.
# The files come from the tree itself, not from git (not installed by
# scripts/deps.sh, and absent from an unpacked release tarball): every
# *.c and *.h below the top, without the build directories (build*/), the
# images (out/), hidden directories (.git/, editors' caches) and
# __pycache__/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format missing" >&2; exit 1; }
mapfile -t files < <(
	find . -mindepth 1 \
		\( -path './build*' -o -path ./out -o -name '.*' -o -name __pycache__ \) -prune -o \
		-type f \( -name '*.c' -o -name '*.h' \) -print | sed 's#^\./##' | LC_ALL=C sort
)
if [ "${#files[@]}" -eq 0 ]; then
	# A check that looked at nothing must not pass.
	echo "not ok - no C file found below $PWD: nothing was checked"
	echo "format: 0 passed, 1 failed"
	exit 1
fi
if [ "${1:-}" = "--check" ]; then
	bad=0
	for f in "${files[@]}"; do
		if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
			echo "not ok - $f is not clang-formatted (scripts/format.sh fixes it)"
			bad=$((bad + 1))
		fi
	done
	echo "format: $(( ${#files[@]} - bad )) passed, $bad failed"
	[ "$bad" -eq 0 ]
else
	clang-format -i "${files[@]}"
fi
