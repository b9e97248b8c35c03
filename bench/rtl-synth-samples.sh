#!/usr/bin/env bash
# Builds every shipped example at up to six foldings (the default compile, --device ice40-up5k,
# --device ice40-hx8k, the slowest: PE 1 / SIMD 1 everywhere, a middle one: --max-luts the geometric
# mean of the slowest's and the default's estimated LUTs (the default capped at BIG), and for a
# model whose default is over BIG LUTs estimated also --max-luts BIG in its place) and synthesizes
# each distinct one flat with yosys synth_ice40 (no place and route), one at a time, niced. Designs over
# BIG (24,000 LUTs estimated by default) are not synthesized: yosys takes 30 minutes and more on them. The netlists feed
# bench/rtl-resource-fit.cs. Skips an example already built and a build whose netlist.json exists.
# Usage (repository root): bench/rtl-synth-samples.sh WORKDIR [EXAMPLE...]
set -uo pipefail
work=${1:?usage: rtl-synth-samples.sh WORKDIR [EXAMPLE...]}; shift
hwflow=${HWFLOW:-$PWD/src/Cli/bin/Release/net10.0/hwflow}
big=${BIG:-24000}
# a single command serializes timed jobs of people sharing the machine, e.g. LOCK="flock /tmp/cpu.lock"
lock=${LOCK:-}
luts() { jq '[.. | objects | .luts? // empty] | max // 0' "$1/report.json"; }
examples=("$@")
[[ ${#examples[@]} -gt 0 ]] || examples=(tiny-hbnn fmnist-tiny fmnist-tiny-pow2 fmnist-wht mnist-bnn-mlp mnist-hbnn-mlp fmnist-hbnn-mlp qonnx-tfc/TFC_1W1A.onnx qonnx-tfc/TFC_1W2A.onnx qonnx-tfc/TFC_2W2A.onnx fmnist-bnn-cnn-ice40 mnist-bnn-cnn fmnist-hbnn-cnn)
mkdir -p "$work"
for ex in "${examples[@]}"; do
  name=$(basename "${ex%.onnx}")
  src=$PWD/examples/$ex
  [[ -f $work/$name-default/hwflow-build.json ]] && continue # built before: keep its netlists
  nice "$hwflow" compile "$src" -o "$work/$name-default" --force >/dev/null 2>&1 || { echo "$name default: compile failed"; continue; }
  awk '/^  [^ ]+:/ { sub(/\{.*/, "{ pe: 1, simd: 1 }") } { print }' "$work/$name-default/folding.yaml" > "$work/$name-slow.yaml"
  nice "$hwflow" compile "$src" -o "$work/$name-slow" --force --folding "$work/$name-slow.yaml" >/dev/null 2>&1 || echo "$name slow: compile failed"
  for dev in ice40-up5k ice40-hx8k; do
    nice "$hwflow" compile "$src" -o "$work/$name-$dev" --force --device $dev >/dev/null 2>&1 || echo "$name $dev: compile failed"
  done
done
for ex in "${examples[@]}"; do
  name=$(basename "${ex%.onnx}")
  src=$PWD/examples/$ex
  [[ -f $work/$name-mid/hwflow-build.json || ! -f $work/$name-slow/report.json ]] && continue
  fast=$(luts "$work/$name-default"); slow=$(luts "$work/$name-slow")
  (( fast > big )) && { nice "$hwflow" compile "$src" -o "$work/$name-big" --force --max-luts "$big" >/dev/null 2>&1 || echo "$name big: compile failed"; fast=$big; }
  mid=$(awk -v a="$fast" -v b="$slow" 'BEGIN { printf "%d", sqrt(a * b) }')
  nice "$hwflow" compile "$src" -o "$work/$name-mid" --force --max-luts "$mid" >/dev/null 2>&1 || echo "$name mid ($mid LUTs): compile failed"
done
# distinct foldings only, smallest estimated LUT count first
for b in "$work"/*/; do
  [[ -f $b/report.json && -f $b/hwflow-build.json ]] || continue
  echo "$(jq '[.. | objects | .luts? // empty] | max // 0' "$b/report.json" 2>/dev/null) $(md5sum < "$b/folding.yaml" | cut -c1-8)-$(jq -r .model "$b/hwflow-build.json") $b"
done | sort -n | awk '!seen[$2]++ { print $3 }' > "$work/order.txt"
while read -r b; do
  [[ -f $b/netlist.json ]] && continue
  (( $(luts "$b") > big )) && { echo "$(date -u +%T) skipped $b (over $big LUTs estimated)"; continue; }
  top=$(jq -r .top "$b/hwflow-build.json")
  ( cd "$b" && timeout 40m $lock nice yosys -q -l yosys.log -p "read_verilog $(jq -r '.verilogFiles | join(" ")' hwflow-build.json); synth_ice40 -top $top -json netlist.json.tmp" >/dev/null 2>&1 && mv netlist.json.tmp netlist.json ) \
    && echo "$(date -u +%T) synthesized $b" || echo "$(date -u +%T) FAILED $b"
done < "$work/order.txt"
