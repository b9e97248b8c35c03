#!/usr/bin/env bash
# compile --device then synth --target for every shipped example on both iCE40 devices: what the
# search chose (cycles, counted LUTs and cells) beside what nextpnr placed. One synth at a time, niced.
# Usage (repository root): bench/device-fit-check.sh WORKDIR [CLOCK_MHZ]   (LOCK="flock FILE" serializes
# timed jobs of people sharing the machine). Writes WORKDIR/summary.tsv.
set -uo pipefail
work=${1:?usage: device-fit-check.sh WORKDIR [CLOCK_MHZ]}
clock=${2:-30}
hwflow=${HWFLOW:-$PWD/src/Cli/bin/Release/net10.0/hwflow}
mkdir -p "$work"
examples=(tiny-hbnn fmnist-tiny fmnist-tiny-pow2 fmnist-wht mnist-bnn-mlp mnist-hbnn-mlp fmnist-hbnn-mlp qonnx-tfc/TFC_1W1A.onnx qonnx-tfc/TFC_1W2A.onnx qonnx-tfc/TFC_2W2A.onnx fmnist-bnn-cnn-ice40 mnist-bnn-cnn fmnist-hbnn-cnn)
printf 'build\tcycles\tcounted LUTs\tcounted cells\tblock RAMs\tplaced cells\tplaced block RAMs\tFmax MHz\tresult\n' > "$work/summary.tsv"
for ex in "${examples[@]}"; do
  for dev in ice40-up5k ice40-hx8k; do
    b=$work/$(basename "${ex%.onnx}")-$dev
    if ! nice "$hwflow" compile "$PWD/examples/$ex" -o "$b" --force --device $dev --json-out "$b.compile.json" > "$b.compile.log" 2>&1; then
      printf '%s\t-\t-\t-\t-\t-\t-\t-\t%s\n' "$(basename "$b")" "$(grep -o 'nothing fits.*' "$b.compile.log" | head -1)" >> "$work/summary.tsv"
      continue
    fi
    fit=$(jq -r '.deviceFit | "\(.estimatedLuts)\t\(.estimatedCells)\t\(.blockRams)"' "$b/report.json")
    cycles=$(jq -r .cyclesPerFrame "$b/report.json")
    ${LOCK:-} nice "$hwflow" synth "$b" --target $dev --clock-mhz "$clock" --json-out "$b.synth.json" > "$b.synth.log" 2>&1
    rc=$?
    if [[ $rc -eq 0 ]]; then
      placed=$(jq -r '[([.. | objects | select(.cell? == "ICESTORM_LC") | .used][0]), ([.. | objects | select(.cell? == "ICESTORM_RAM") | .used][0]), ([.. | objects | .fmaxMhz? // empty][0])] | map(tostring) | join("\t")' "$b.synth.json")
      printf '%s\t%s\t%s\t%s\tfits\n' "$(basename "$b")" "$cycles" "$fit" "$placed" >> "$work/summary.tsv"
    else
      printf '%s\t%s\t%s\t-\t-\t-\t%s\n' "$(basename "$b")" "$cycles" "$fit" "$(grep -m1 -o 'error:.*' "$b.synth.log" | cut -c1-300)" >> "$work/summary.tsv"
    fi
    echo "$(date -u +%T) $(tail -1 "$work/summary.tsv")"
  done
done
