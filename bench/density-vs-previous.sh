#!/usr/bin/env bash
# Hardware density of this generator against a previous one, in the same run: every shipped
# example compiled by both at the same folding (the new build's default folding.yaml, or the
# --device X folding with FOLD_ARGS="--device X"), then yosys synth_ice40 (or synth_xilinx with
# TARGET=xc7) on each build's Verilog; prints LUT / FF / BRAM / DSP of the whole design.
# Usage (repository root): bench/density-vs-previous.sh BASE_COMMIT [example ...]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/density-vs-previous.sh BASE_COMMIT [example ...]}; shift
examples=("${@:-tiny-hbnn fmnist-tiny mnist-bnn-mlp mnist-hbnn-mlp fmnist-hbnn-mlp}")
read -r -a examples <<< "${examples[*]}"
work=${WORK:-$(mktemp -d /tmp/hwflow-density-XXXX)}
target=${TARGET:-ice40}
if [[ ! -x "$work/base/src/Cli/bin/Release/net10.0/hwflow" ]]; then
  mkdir -p "$work/base" && git archive "$base" | tar -x -C "$work/base"
  dotnet build "$work/base/src/Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
fi
old="$work/base/src/Cli/bin/Release/net10.0/hwflow"
new=src/Cli/bin/Release/net10.0/hwflow
synth() { # build folder -> "LUT FF BRAM DSP"
  local synth="synth_ice40 -top hwflow_top"
  [[ $target == xc7 ]] && synth="synth_xilinx -top hwflow_top -family xc7 -flatten -noiopad -noclkbuf"
  (cd "$1" && yosys -q -p "read_verilog $(jq -r '.verilogFiles | join(" ")' hwflow-build.json); $synth; tee -q -o stat.txt stat" >/dev/null)
  awk -v t="$target" '
    t == "ice40" && $1 == "SB_LUT4" { lut += $2 } t == "ice40" && $1 ~ /^SB_DFF/ { ff += $2 }
    t == "ice40" && $1 == "SB_RAM40_4K" { bram += $2 } t == "ice40" && $1 == "SB_MAC16" { dsp += $2 }
    t == "xc7" && $1 ~ /^LUT[1-6]$/ { lut += $2 } t == "xc7" && $1 ~ /^FD[RSCP]E$/ { ff += $2 }
    t == "xc7" && $1 == "RAMB36E1" { bram += $2 } t == "xc7" && $1 == "RAMB18E1" { bram += $2 / 2 } t == "xc7" && $1 ~ /^DSP48/ { dsp += $2 }
    END { printf "%d %d %g %d", lut, ff, bram, dsp }' "$1/stat.txt"
}
echo "| example | folding (cycles/frame) | target | LUT before | LUT after | FF before | FF after | BRAM before | BRAM after | DSP |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
for ex in "${examples[@]}"; do
  "$new" compile "examples/$ex" -o "$work/$ex-new" --force ${FOLD_ARGS:-} >/dev/null
  "$old" compile "examples/$ex" -o "$work/$ex-old" --force --folding "$work/$ex-new/folding.yaml" >/dev/null
  read -r lb fb bb db <<< "$(synth "$work/$ex-old")"
  read -r la fa ba da <<< "$(synth "$work/$ex-new")"
  fold=$(grep -o '{[^}]*}' "$work/$ex-new/folding.yaml" | tr -d '{} ' | paste -sd' ')
  echo "| $ex | $fold ($(jq .cyclesPerFrame "$work/$ex-new/hwflow-build.json")) | $target | $lb | $la | $fb | $fa | $bb | $ba | $db/$da |"
done
