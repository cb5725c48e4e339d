#!/usr/bin/env bash
# clang-tidy 14 with the checked-in .clang-tidy over every C file of mgr/,
# init/ and common/ (docs/reliability.md).  Its compile database comes from
# build-tidy/, configured with both parts (-Dinit=true -Dmanager=true) for
# the host's compiler: build/ has no init and build-init is musl-gcc's, whose
# flags clang cannot take.  Only the generated seccomp header is built.
#   scripts/tidy.sh [FILE...]      default: mgr/*.c mgr/*/*.c init/*.c common/*.c
# One line per file with findings, the findings themselves, and
# "tidy: N passed, N failed" (files clean / files with findings).
set -uo pipefail
cd "$(dirname "$0")/.."

tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
	echo "tidy: clang-tidy-14 missing (scripts/deps.sh)"
	echo "tidy: 0 passed, 1 failed"
	exit 1
fi

dir=build-tidy
if [ -f "$dir/build.ninja" ]; then
	out=$(meson setup --reconfigure "$dir" -Dinit=true -Dmanager=true 2>&1)
else
	out=$(meson setup "$dir" -Dinit=true -Dmanager=true 2>&1)
fi
if [ $? -ne 0 ] || ! out=$(ninja -C "$dir" mgr/cell_seccomp_bpf.h 2>&1); then
	tail -n 30 <<<"$out"
	echo "tidy: 0 passed, 1 failed"
	exit 1
fi

files=("$@")
[ "${#files[@]}" -eq 0 ] && files=(mgr/*.c mgr/*/*.c init/*.c common/*.c)
results=$dir/tidy
rm -rf "$results"
mkdir -p "$results"

t0=$SECONDS
# One clang-tidy per file, as many at once as there are CPUs.
printf '%s\n' "${files[@]}" |
	xargs -P "$(nproc)" -I{} sh -c \
		'f={}; o="$2/$(echo "$f" | tr / _)"; "$1" -p "$3" --quiet "$f" >"$o.txt" 2>&1; echo $? >"$o.rc"' \
		sh "$tidy" "$results" "$dir"

passed=0 failed=0
for f in "${files[@]}"; do
	o=$results/$(echo "$f" | tr / _)
	if [ "$(cat "$o.rc" 2>/dev/null)" = 0 ]; then
		passed=$((passed + 1))
	else
		echo "not ok - $f"
		grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed|^Use -header-filter' \
			"$o.txt" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done
echo "# tidy: ${#files[@]} files in $((SECONDS - t0)) s"
echo "tidy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
