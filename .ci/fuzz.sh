#!/usr/bin/env bash
# CI: runs EVERY fuzz target listed in fuzz/Cargo.toml for a short, fixed
# budget on the stable toolchain. cargo-fuzz itself wants nightly for its
# sanitizer flags; without a sanitizer it only passes the flags below, so the
# targets are built with them directly (libfuzzer-sys links libFuzzer; the
# `sancov` passes give it coverage). A crash exits non-zero and fails CI;
# the crashing input is kept under fuzz/artifacts/TARGET/.
# Usage: .ci/fuzz.sh [SECONDS_PER_TARGET]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-15}}

mapfile -t targets < <(awk '/^\[\[bin\]\]/{bin=1; next} bin && /^name *=/{gsub(/[" ]/,""); sub(/^name=/,""); print; bin=0}' fuzz/Cargo.toml)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets in fuzz/Cargo.toml" >&2; exit 1; }

export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-fuzz/target}
start=$(date +%s)
# An explicit --target keeps RUSTFLAGS off build scripts, as cargo-fuzz does.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --locked --manifest-path fuzz/Cargo.toml --bins --target "$host"
echo "fuzz: built ${#targets[@]} targets in $(( $(date +%s) - start ))s"

# Seed corpora from the repository's own files (each target also keeps what it finds).
seed() { mkdir -p "fuzz/corpus/$1"; }
for t in "${targets[@]}"; do seed "$t"; done
[ -d fuzz/corpus/pack ] && cp rules/*.yaml fuzz/corpus/pack/ 2>/dev/null || true
if [ -d fuzz/corpus/check ]; then
  for f in examples/*/*.csv tests/fixtures/*/*.csv; do
    [ -f "$f" ] || continue
    { printf '\x00'; head -c 4000 "$f"; } > "fuzz/corpus/check/$(basename "$f").seed"
  done
fi
if [ -d fuzz/corpus/workbook ]; then
  for f in examples/*/*.xlsx examples/*/*.xls tests/fixtures/*/*.xlsx tests/fixtures/*/*.xls; do
    [ -f "$f" ] && cp "$f" "fuzz/corpus/workbook/$(basename "$f")"
  done
  # The templates are real workbooks (styles, shared strings, validations).
  if [ -x target/debug/reformcheck ]; then
    for d in delegates societies districts; do
      target/debug/reformcheck template "$d" --xlsx -o "fuzz/corpus/workbook/$d.xlsx" >/dev/null 2>&1 || true
    done
  fi
fi
[ -d fuzz/corpus/values ] && { printf '70%%以上' > fuzz/corpus/values/target; printf '1980年5月12日' > fuzz/corpus/values/date; }

mkdir -p fuzz/artifacts
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  echo "== fuzz $t for ${seconds}s"
  log="fuzz/artifacts/$t.log"
  status=0
  "$CARGO_TARGET_DIR/$host/release/$t" "fuzz/corpus/$t" -max_total_time="$seconds" \
    -rss_limit_mb=1024 -timeout=10 -artifact_prefix="fuzz/artifacts/$t/" \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^stat::number_of_executed_units|^#[0-9]+ +DONE' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz: $t failed (exit $status); the input is in fuzz/artifacts/$t/" >&2
    failed+=("$t")
  fi
done
echo "fuzz: done in $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}" >&2
  exit 1
fi
