#!/usr/bin/env bash
# synth_xilinx (flat, as `hwflow synth --target xc7`) of builds bench/rtl-synth-samples.sh made,
# one at a time, niced: writes BUILD/netlist-xc7.json for bench/rtl-resource-fit.cs --target xc7.
# Usage: bench/rtl-synth-xc7.sh BUILD...   (LOCK="flock FILE" serializes timed jobs of people sharing the machine)
set -uo pipefail
for b in "$@"; do
  [[ -f $b/netlist-xc7.json ]] && continue
  top=$(jq -r .top "$b/hwflow-build.json")
  ( cd "$b" && timeout 40m ${LOCK:-} nice yosys -q -l yosys-xc7.log -p "read_verilog $(jq -r '.verilogFiles | join(" ")' hwflow-build.json); synth_xilinx -top $top -family xc7 -flatten -noiopad -noclkbuf; autoname; write_json netlist-xc7.json.tmp" >/dev/null 2>&1 && mv netlist-xc7.json.tmp netlist-xc7.json ) \
    && echo "$(date -u +%T) synthesized $b (xc7)" || echo "$(date -u +%T) FAILED $b (xc7)"
done
