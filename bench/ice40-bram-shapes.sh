#!/usr/bin/env bash
# How many SB_RAM40_4K yosys's synth_ice40 gives one memory alone, for each shape in a list
# ("WIDTH DEPTH rom|ram" a line; default: the shapes BlockRamUseTests checks). A ROM gets random
# contents (yosys drops bits that are constant), a RAM one write and one read port, read registered.
# Usage (repository root): bench/ice40-bram-shapes.sh [SHAPES_FILE] > results.txt
set -euo pipefail
shapes=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
default_shapes() {
  grep -o 'InlineData([0-9]*, [0-9]*, [a-z]*, [0-9]*)\] *$' tests/Compiler.Tests/Hardware/BlockRamUseTests.cs 2>/dev/null \
    | sed -E 's/InlineData\(([0-9]+), ([0-9]+), (true|false).*/\1 \2 \3/; s/ true$/ ram/; s/ false$/ rom/'
}
while read -r w d kind; do
  python3 - "$w" "$d" "$kind" "$work" <<'PY'
import random, sys
w, d, kind, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
aw = max(1, (d - 1).bit_length())
random.seed(w * 100000 + d)
with open(f"{work}/m.hex", "w") as f:
    for _ in range(d): f.write(format(random.getrandbits(w), "x") + "\n")
v = [f"module m(input clk, input [{aw-1}:0] ra, input [{aw-1}:0] wa, input we, input [{w-1}:0] wd, output reg [{w-1}:0] q);",
     f"  reg [{w-1}:0] mem [0:{d-1}];"]
if kind == "rom": v.append(f'  initial $readmemh("{work}/m.hex", mem);')
v.append("  always @(posedge clk) begin")
if kind == "ram": v.append("    if (we) mem[wa] <= wd;")
v += ["    q <= mem[ra];", "  end", "endmodule"]
open(f"{work}/m.v", "w").write("\n".join(v) + "\n")
PY
  blocks=$(yosys -p "read_verilog $work/m.v; synth_ice40 -top m -run :map_ffram; stat" 2>&1 | awk '/SB_RAM40_4K|ICE40_RAM4K/ && NF == 2 {b = $2} END {print (b == "" ? 0 : b)}')
  echo "$w $d $kind $blocks"
done < <(if [[ -n "$shapes" ]]; then cat "$shapes"; else default_shapes; fi)
