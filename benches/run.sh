#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: builds the release binaries, generates 2M- and
# 10M-row files under target/bench/ (about 2.5 GB; never committed), installs
# pandas, DuckDB and Polars from PyPI into a virtualenv there, and runs side
# by side on the same files: the floor, reformcheck with --threads 1 and with
# every core (with and without the pack's duplicate checks), DuckDB (engine
# time, 1 thread and every core, targets and targets plus duplicates),
# Polars and pandas, checking every tool's counts against reformcheck's;
# then `reformcheck rules` with hyperfine.
#
#   bash benches/run.sh                 # the full run (about 30 minutes)
#   SIZES=100000 REPEAT=3 bash benches/run.sh   # a quick try (default: 5 runs)
#
# Needs: cargo, python3 (venv), /usr/bin/time; hyperfine (apt-get install
# hyperfine) for the start-up figure. Not run in CI: it takes too long.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench
mkdir -p "$OUT"
free_kb=$(df -Pk "$OUT" | awk 'NR==2 {print $4}')
if [ "$free_kb" -lt $((4 * 1024 * 1024)) ]; then
  echo "need 4 GB free under $OUT for the generated files; $((free_kb / 1024)) MB free" >&2
  exit 1
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --locked --bin reformcheck --example gendata --example csvfloor

if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
fi
"$OUT/venv/bin/pip" install --quiet --disable-pip-version-check \
  "pandas==3.1.1" "duckdb==2.0.1" "polars==2.1.0"

exec python3 benches/run.py --out "$OUT" --python "$OUT/venv/bin/python" \
  --sizes "${SIZES:-2000000,10000000}" --repeat "${REPEAT:-5}" --patience "${PATIENCE:-300}"
