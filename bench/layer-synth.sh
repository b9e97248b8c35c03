#!/usr/bin/env bash
# One module of a compiled build synthesized alone with yosys, for per-layer density numbers that
# do not need the whole design (BENCHMARKS.md, "Session 5" under issue 14).
# Usage (any folder): bench/layer-synth.sh BUILD MODULE [ice40|xc7]
#   e.g. hwflow compile examples/mnist-bnn-mlp -o sfc --device xc7z020 --folding sfc.yaml
#        (sfc.yaml: l0 PE 16 / SIMD 16, l3 PE 256 / SIMD 16, l6 PE 10 / SIMD 16)
#        bench/layer-synth.sh sfc layer_l3 xc7
# Prints LUTs (SB_LUT4, or LUT1-LUT6 plus LUT-based memory cells), flip-flops, carry cells and block RAM.
set -euo pipefail
build=${1:?usage: layer-synth.sh BUILD MODULE [ice40|xc7]}
module=${2:?usage: layer-synth.sh BUILD MODULE [ice40|xc7]}
target=${3:-ice40}
case $target in
  ice40) synth="synth_ice40 -top $module" ;;
  xc7) synth="synth_xilinx -top $module -family xc7 -flatten -noiopad -noclkbuf" ;;
  *) echo "layer-synth.sh: target must be ice40 or xc7, not '$target'" >&2; exit 2 ;;
esac
cd "$build"
[[ -f hwflow-build.json ]] || { echo "layer-synth.sh: $build is not a build folder (no hwflow-build.json)" >&2; exit 2; }
stat="stat-$module-$target.txt"
yosys -q -p "read_verilog $(jq -r '.verilogFiles | join(" ")' hwflow-build.json); $synth; tee -q -o $stat stat" >/dev/null
awk -v t="$target" -v m="$module" '
  t == "ice40" && $1 == "SB_LUT4" { lut += $2 } t == "ice40" && $1 ~ /^SB_DFF/ { ff += $2 }
  t == "ice40" && $1 == "SB_CARRY" { carry += $2 } t == "ice40" && $1 == "SB_RAM40_4K" { bram += $2 }
  t == "xc7" && $1 ~ /^LUT[1-6]$/ { lut += $2 } t == "xc7" && $1 ~ /^(SRL16E|SRLC32E)$/ { lutmem += $2 } t == "xc7" && $1 ~ /^(RAM32X1D|RAM64X1D)$/ { lutmem += 2 * $2 }
  t == "xc7" && $1 ~ /^(RAM32M|RAM64M)$/ { lutmem += 4 * $2 } t == "xc7" && $1 ~ /^FD[RSCP]E$/ { ff += $2 }
  t == "xc7" && $1 == "CARRY4" { carry += $2 } t == "xc7" && $1 == "RAMB36E1" { bram += $2 } t == "xc7" && $1 == "RAMB18E1" { bram += $2 / 2 }
  END { printf "%s (%s): LUT %d, LUT memory %d, FF %d, carry %d, block RAM %g\n", m, t, lut, lutmem, ff, carry, bram }' "$stat"
