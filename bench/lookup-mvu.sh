#!/usr/bin/env bash
# Checks and counts a lookup-MVU experiment written by bench/lookup-mvu.cs (BENCHMARKS.md,
# "Session 15: lookup MVU (issue 14)"): Verilator run of the random frames against plain
# XNOR-popcount, then yosys synth_xilinx of the module alone (the same options as
# bench/layer-synth.sh xc7). Usage: bench/lookup-mvu.sh OUT [check|synth|both]
set -euo pipefail
out=${1:?usage: lookup-mvu.sh OUT [check|synth|both]}
what=${2:-both}
cd "$out"
if [[ $what != synth ]]; then
  verilator -Wno-fatal -Wno-WIDTH --cc lut_mvu.v --exe tb.cpp --build -j 1 -O1 --Mdir obj >/dev/null
  obj/Vlut_mvu
fi
if [[ $what != check ]]; then
  yosys -q -p "read_verilog lut_mvu.v; synth_xilinx -top lut_mvu -family xc7 -flatten -noiopad -noclkbuf; tee -q -o stat.txt stat" >/dev/null
  awk '$1 ~ /^LUT[1-6]$/ { lut += $2 } $1 ~ /^(SRL16E|SRLC32E)$/ { mem += $2 } $1 ~ /^(RAM32X1D|RAM64X1D)$/ { mem += 2 * $2 }
    $1 ~ /^(RAM32M|RAM64M)$/ { mem += 4 * $2 } $1 ~ /^FD[RSCP]E$/ { ff += $2 } $1 == "CARRY4" { carry += $2 }
    $1 == "RAMB36E1" { bram += $2 } $1 == "RAMB18E1" { bram += $2 / 2 }
    END { printf "lut_mvu (xc7): LUT %d, LUT memory %d, FF %d, carry %d, block RAM %g\n", lut, mem, ff, carry, bram }' stat.txt
fi
