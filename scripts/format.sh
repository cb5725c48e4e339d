#!/usr/bin/env bash
# clang-format over the C sources: "--check" reports files that differ
# (the test command's "format" layer), no argument rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format missing" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.c' '*.h')
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
