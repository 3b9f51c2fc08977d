#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang 19, AddressSanitizer and
# UBSan in build-fuzz/ (every library they link instrumented too), and runs
# each for SECONDS (default 20) from its seed corpus (fuzz/corpus/TARGET,
# plus the shipped data files for the TOML target). The test command runs it
# briefly; run it longer by hand:
#   bash scripts/fuzz.sh 600               # ten minutes a target
#   bash scripts/fuzz.sh 60 json_body      # one target
# New inputs that widen coverage collect in build-fuzz/corpus/TARGET; a
# crash, leak or UB stops the run, leaves its input in build-fuzz/crashes/
# and fails the script: make it a regression test, then fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json_body query webhook_url toml dump_row)
root="$PWD"
build="$root/build-fuzz"
bash scripts/sanitizer-build.sh "${targets[@]/#/fuzz_}"
mkdir -p "$build/crashes"
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  seeds=("$root/fuzz/corpus/$t")
  [ "$t" = toml ] && seeds+=("$root/data/registry" "$root/data/severity")
  echo "fuzz: $t for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" "$corpus" "${seeds[@]}" 2>"$build/$t.log" ||
    { tail -n 60 "$build/$t.log"; echo "fuzz: $t failed; its input is in $build/crashes/" >&2; exit 1; }
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/$t.log" | tr '\n' ' '
  echo
done
