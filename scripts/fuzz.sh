#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each).
# Needs the nightly toolchain and cargo-fuzz:  cargo install cargo-fuzz
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(values pack check)
# Seed corpora from the repository's own files.
mkdir -p fuzz/corpus/values fuzz/corpus/pack fuzz/corpus/check
cp rules/*.yaml fuzz/corpus/pack/ 2>/dev/null || true
for f in examples/taizhou-2017/*.csv tests/fixtures/*/*.csv; do
  # check: first byte picks the dataset, the rest is the file.
  { printf '\x00'; head -c 4000 "$f"; } > "fuzz/corpus/check/$(basename "$f").seed"
done
printf '70%%以上' > fuzz/corpus/values/target
printf '1980年5月12日' > fuzz/corpus/values/date
for t in "${targets[@]}"; do
  echo "== $t for ${seconds}s"
  cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 2>&1 | tail -n 4
done
