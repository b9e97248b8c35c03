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
hwflow eval "$MODEL" --dataset fashion-mnist --engine integer
hwflow eval "$MODEL" --dataset fashion-mnist --engine integer --json > "$OUT/eval.json"
echo "== compile: 7,000 frames/s at 24 MHz, fewest LUTs"
hwflow compile "$MODEL" -o "$BUILD" --force --clock-mhz 24 --target-fps 7000
echo "== C# cycle-accurate simulation (every frame checked against the golden kernel)"
hwflow sim "$BUILD" --dataset fashion-mnist --count 500
echo "== co-simulation with Verilator, random input gaps and output backpressure"
hwflow cosim "$BUILD" --dataset fashion-mnist --count 100 --stall-prob 0.3
echo "== iCE40 UP5K bitstream (yosys, nextpnr-ice40, icepack)"
hwflow synth "$BUILD" --target ice40-up5k --clock-mhz 24 --json > "$OUT/synth.json"
cat "$BUILD/synth/ice40-up5k/synth.md"

python3 - "$OUT/eval.json" "$OUT/synth.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2])); s = d["report"]
used = {r["name"]: r for r in s["resources"]}
lut, bram, dsp = used["LUT4"], used["BRAM"], used["DSP"]
print()
print(f"fmnist-tiny on an iCE40 UP5K: accuracy {100*e['accuracy']:.2f}% (float model {100*e['reference']['accuracy']:.2f}%), "
      f"Fmax {s['fmaxMhz']:.2f} MHz, {s['framesPerSecond']:,.0f} frames/s at Fmax, "
      f"{lut['used']:,} of {lut['available']:,} LUT4, {bram['used']} of {bram['available']} block RAMs, {dsp['used']} DSPs; "
      f"bitstream {d['bitstream']}")
PY
