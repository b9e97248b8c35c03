#!/usr/bin/env bash
# Installs what is missing, builds, then runs HwFlow's main job on the shipped example model
# examples/fmnist-tiny (784-64-64-10 HBNN): accuracy of the float model and of the integer
# graph, compile for 7,000 frames/s at 24 MHz, simulate and co-simulate against the golden
# kernel, and build an iCE40 UP5K bitstream. Outputs go to ${HWFLOW_OUT:-out}.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
MODEL=examples/fmnist-tiny
OUT="${HWFLOW_OUT:-out}"
BUILD="$OUT/fmnist-tiny"
mkdir -p "$OUT"
hwflow() { "$HWFLOW_CLI" "$@"; }

echo "== model"
hwflow info "$MODEL"
echo "== float reference and integer golden kernel on the 10,000 Fashion-MNIST test images"
hwflow eval "$MODEL" --dataset fashion-mnist --engine integer --json-out "$OUT/eval.json"
echo "== compile: 7,000 frames/s at 24 MHz, fewest LUTs"
hwflow compile "$MODEL" -o "$BUILD" --force --clock-mhz 24 --target-fps 7000
echo "== C# cycle-accurate simulation (every frame checked against the golden kernel)"
hwflow sim "$BUILD" --dataset fashion-mnist --count 500
echo "== co-simulation with Verilator, random input gaps and output backpressure"
hwflow cosim "$BUILD" --dataset fashion-mnist --count 100 --stall-prob 0.3
echo "== iCE40 UP5K bitstream (yosys, nextpnr-ice40, icepack), then its gate netlist on 100 test images vs the golden kernel"
hwflow synth "$BUILD" --target ice40-up5k --clock-mhz 24 --check-netlist 100 --json-out "$OUT/synth.json"

res() { jq -r --arg n "$1" '.report.resources[] | select(.name == $n) | "\(.used) of \(.available)"' "$OUT/synth.json"; }
echo
printf 'fmnist-tiny on an iCE40 UP5K: accuracy %s%% (float model %s%%), Fmax %s MHz, %s frames/s at Fmax, %s LUT4, %s block RAMs, %s DSPs\ngate netlist vs golden kernel on 100 test images: %s\nbitstream %s\n' \
  "$(jq -r '.accuracy * 10000 | round / 100' "$OUT/eval.json")" \
  "$(jq -r '.reference.accuracy * 10000 | round / 100' "$OUT/eval.json")" \
  "$(jq -r '.report.fmaxMhz * 100 | round / 100' "$OUT/synth.json")" \
  "$(jq -r '.report.framesPerSecond | round' "$OUT/synth.json")" \
  "$(res LUT4)" "$(res BRAM)" "$(jq -r '.report.resources[] | select(.name == "DSP") | .used' "$OUT/synth.json")" \
  "$(jq -r '.netlistCheck.summary' "$OUT/synth.json")" \
  "$(jq -r '.bitstream' "$OUT/synth.json")"
