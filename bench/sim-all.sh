#!/usr/bin/env bash
# `hwflow bench sim` on every shipped example's default build, plus fmnist-tiny as run.sh compiles
# it: the C# simulator's cycles/s against Verilator's (CPU time, same run), one table at the end
# (BENCHMARKS.md, "Session 7: bench sim on every shipped example").
# Usage (repository root): bench/sim-all.sh [OUT_DIR]   env: HWFLOW (binary), COUNT (1000), REPEATS (3)
# Run it on a quiet machine: the ratio is what counts, but heavy neighbours still move it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d /tmp/hwflow-simall-XXXX)}
hwflow=${HWFLOW:-src/Cli/bin/Release/net10.0/hwflow}
count=${COUNT:-1000}
repeats=${REPEATS:-3}
mkdir -p "$out"
builds=()
compile() { # name, then compile arguments
  local name=$1; shift
  "$hwflow" compile "$@" -o "$out/$name" --force > /dev/null 2>&1 || { echo "sim-all.sh: compile $name failed" >&2; exit 1; }
  builds+=("$name")
}
for m in fmnist-tiny tiny-hbnn mnist-bnn-mlp mnist-hbnn-mlp fmnist-hbnn-mlp fmnist-wht fmnist-tiny-pow2 mnist-bnn-cnn fmnist-hbnn-cnn fmnist-bnn-cnn-ice40; do
  compile "$m" "examples/$m"
done
compile fmnist-tiny-runsh examples/fmnist-tiny --clock-mhz 24 --target-fps 7000
for t in TFC_1W1A TFC_1W2A TFC_2W2A; do compile "$t" "examples/qonnx-tfc/$t.onnx"; done
printf '| build | C# M cycles/s | Verilator M cycles/s | ratio | load (1 min) |\n|---|---:|---:|---:|---:|\n' > "$out/table.md"
for b in "${builds[@]}"; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "== $b $(date -u +%T) load $load" >&2
  "$hwflow" bench sim "$out/$b" --count "$count" --repeats "$repeats" --json-out "$out/$b.json" > "$out/$b.txt" 2>&1 \
    || { echo "sim-all.sh: bench sim $b failed (see $out/$b.txt)" >&2; exit 1; }
  jq -r --arg b "$b" --arg load "$load" \
    '"| \($b) | \(.cSharp.cyclesPerSecond / 1e4 | round / 100) | \(.verilator.cyclesPerSecond / 1e4 | round / 100) | **\(.ratio * 100 | round / 100)x** | \($load) |" + (if .agree then "" else " TRANSCRIPTS DIFFER" end)' \
    "$out/$b.json" >> "$out/table.md"
done
cat "$out/table.md"
