#!/usr/bin/env bash
# Lints the C++ files a change touches: clang-format (.clang-format) on the
# lines the change touched (clang-format-diff: code that is not touched is
# not reformatted, and is no finding), and clang-tidy (.clang-tidy: naming and
# readability, with the build's compile_commands.json) on the files. Exits 1
# on any finding, 2 when it cannot run; files the change deleted are skipped.
#
#   scripts/lint.sh            # changed since HEAD~1 (the last commit and what is not committed)
#   scripts/lint.sh main       # changed since the merge-base with main
#   scripts/lint.sh -- a.cc b.h  # these whole files
#
# A changed header is checked through the .cc beside it (foo.h -> foo.cc), or
# else the first compiled .cc that includes it; only the changed files'
# own findings count, not those in headers they include.
#
# Environment: BUILD_DIR (default build; configure it first, CMake writes
# compile_commands.json), CLANG_FORMAT, CLANG_FORMAT_DIFF, CLANG_TIDY (default: the newest
# clang-tidy-NN installed; clang-tidy 14 cannot parse <expected>, 16 or later
# is needed), JOBS (parallel clang-tidy runs, default: the number of CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
build_dir="${BUILD_DIR:-build}"

newest() {  # the newest of $1-NN, or $1
  local tool="$1" found=""
  for v in 22 21 20 19 18 17 16 15 14; do
    if command -v "$tool-$v" >/dev/null; then found="$tool-$v"; break; fi
  done
  echo "${found:-$tool}"
}
clang_format="${CLANG_FORMAT:-clang-format}"
clang_format_diff="${CLANG_FORMAT_DIFF:-$(newest clang-format-diff)}"
clang_tidy="${CLANG_TIDY:-$(newest clang-tidy)}"
for tool in "$clang_format" "$clang_format_diff" "$clang_tidy" git; do
  command -v "$tool" >/dev/null || { echo "lint: $tool is not installed" >&2; exit 2; }
done

files=()
base=""
if [[ "${1:-}" == "--" ]]; then
  shift
  files=("$@")
else
  base_ref="${1:-HEAD~1}"
  base="$(git merge-base "$base_ref" HEAD 2>/dev/null)" || { echo "lint: no merge-base with $base_ref" >&2; exit 2; }
  while IFS= read -r f; do files+=("$f"); done < <(git diff --name-only --diff-filter=d "$base" -- \
    '*.cc' '*.h' '*.cpp' '*.hpp')
fi
if [[ ${#files[@]} -eq 0 ]]; then
  echo "lint: no C++ files changed"
  exit 0
fi

status=0
echo "lint: clang-format ($("$clang_format" --version | grep -o '[0-9][0-9.]*' | head -1)) on ${#files[@]} file(s)"
if [[ -z "$base" ]]; then
  if ! "$clang_format" --dry-run -Werror --style=file "${files[@]}"; then status=1; fi
else
  # The reformatting the touched lines need, as a diff; empty when they are formatted.
  reformat="$(git diff -U0 --no-color "$base" -- "${files[@]}" |
    "$clang_format_diff" -p1 -style=file -binary "$(command -v "$clang_format")")"
  if [[ -n "$reformat" ]]; then
    echo "$reformat"
    echo "lint: the lines above need clang-format (apply: git diff -U0 $base | $clang_format_diff -p1 -i)" >&2
    status=1
  fi
fi

db="$build_dir/compile_commands.json"
if [[ ! -f "$db" ]]; then
  echo "lint: $db is missing; configure the build first (cmake -S . -B $build_dir ...)" >&2
  exit 2
fi
# The .cc files of the compile database (absolute paths).
mapfile -t compiled < <(grep -o '"file": *"[^"]*"' "$db" | sed 's/"file": *"\(.*\)"/\1/' | sort -u)
units=()
headers=()
for f in "${files[@]}"; do
  abs="$root/$f"
  case "$f" in
    *.h | *.hpp)
      headers+=("$abs")
      unit=""
      for candidate in "${abs%.*}.cc" "${abs%.*}.cpp"; do
        if printf '%s\n' "${compiled[@]}" | grep -qxF "$candidate"; then unit="$candidate"; break; fi
      done
      if [[ -z "$unit" ]]; then
        name="$(basename "$f")"
        for c in "${compiled[@]}"; do
          if grep -qE "#include [<\"]([a-z_/]*/)?$name[>\"]" "$c" 2>/dev/null; then unit="$c"; break; fi
        done
      fi
      if [[ -z "$unit" ]]; then echo "lint: $f: no compiled file includes it; clang-tidy skips it" >&2; continue; fi
      units+=("$unit")
      ;;
    *)
      if printf '%s\n' "${compiled[@]}" | grep -qxF "$abs"; then
        units+=("$abs")
      else
        echo "lint: $f is not in $db (not built in this configuration); clang-tidy skips it" >&2
      fi
      ;;
  esac
done
if [[ ${#units[@]} -eq 0 ]]; then
  if [[ $status -ne 0 ]]; then echo "lint: findings above" >&2; else echo "lint: clean"; fi
  exit "$status"
fi
mapfile -t units < <(printf '%s\n' "${units[@]}" | sort -u)

# Findings in the changed headers count; those in other headers do not.
header_filter='^$'
if [[ ${#headers[@]} -gt 0 ]]; then
  header_filter="^($(printf '%s\n' "${headers[@]}" | sed 's/[.[\*^$()+?{|]/\\&/g' | paste -sd'|'))$"
fi
echo "lint: $clang_tidy on ${#units[@]} file(s)"
# -w: the compiler's own warnings are the build's business (-Werror there), not the linter's.
# Boost 1.74's Asio sees coroutines in GCC only; clang has them too (the tests' receivers use them).
if ! printf '%s\0' "${units[@]}" |
  xargs -0 -n 1 -P "${JOBS:-$(nproc)}" "$clang_tidy" --quiet -p "$build_dir" --header-filter="$header_filter" \
    --extra-arg=-w --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1; then
  status=1
fi
if [[ $status -ne 0 ]]; then echo "lint: findings above" >&2; else echo "lint: clean"; fi
exit "$status"
