#!/usr/bin/env bash
# Times `hwflow synth` on a build folder (default: the sum-mod-10 test core) against its peer: the
# same yosys, nextpnr-ice40 and icepack commands run straight from bash (read from the synth.md
# that hwflow wrote), in the same session. Prints a Markdown table (median of RUNS runs; wall and
# CPU seconds). The build folder is copied, never written.
# Usage: bench/synth-flow.sh [RUNS] [BUILD] [CASES]   (builds the CLI in Release if HWFLOW_CLI is not set)
# CASES is a space-separated subset of "up5k shell hx8k xc7" (default: all four); a compiled
# network that fills the UP5K, say, has no room left for the shell.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
BUILD="${2:-tests/fixtures/sum-mod10-build}"
CASES=" ${3:-up5k shell hx8k xc7} "
if [ -z "${HWFLOW_CLI:-}" ]; then
  dotnet build src/Cli -c Release --nologo -v quiet -clp:ErrorsOnly >&2
  HWFLOW_CLI="$PWD/src/Cli/bin/Release/net10.0/hwflow"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$BUILD" "$WORK/build"
rm -rf "$WORK/build/synth"

# seconds (wall user+sys) of one command, as "wall cpu"
measure() {
  /usr/bin/time -o "$WORK/time" -f '%e %U %S' "$@" >/dev/null 2>&1
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$WORK/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

run_case() { # name, synth arguments...
  local name="$1"; shift
  local folder walls=() cpus=() peer_walls=() peer_cpus=() i
  for i in $(seq "$RUNS"); do
    read -r w c < <(measure "$HWFLOW_CLI" synth "$WORK/build" "$@")
    walls+=("$w"); cpus+=("$c")
  done
  folder="$(ls -td "$WORK"/build/synth/*/ | head -1)"
  # The peer: the tool commands hwflow recorded, run directly in the build folder.
  sed -n '/^```$/,/^```$/p' "$folder/synth.md" | grep -v '^```' > "$WORK/commands.sh"
  for i in $(seq "$RUNS"); do
    read -r w c < <(cd "$WORK/build" && measure bash "$WORK/commands.sh")
    peer_walls+=("$w"); peer_cpus+=("$c")
  done
  local hw hc pw pc
  hw="$(printf '%s\n' "${walls[@]}" | median)"; hc="$(printf '%s\n' "${cpus[@]}" | median)"
  pw="$(printf '%s\n' "${peer_walls[@]}" | median)"; pc="$(printf '%s\n' "${peer_cpus[@]}" | median)"
  awk -v n="$name" -v hw="$hw" -v hc="$hc" -v pw="$pw" -v pc="$pc" \
    'BEGIN { printf "| %s | %.2f s (%.2f s CPU) | %.2f s (%.2f s CPU) | %.2f | %.2f |\n", n, hw, hc, pw, pc, hw / pw, hc / pc }'
}

echo "| flow ($(basename "$BUILD")) | hwflow synth, wall (CPU) | same tool commands from bash | ratio wall | ratio CPU |"
echo "|---|---|---|---:|---:|"
wanted() { [[ "$CASES" == *" $1 "* ]]; }
if wanted up5k; then run_case "ice40-up5k, bare core" --target ice40-up5k; fi
if wanted shell; then run_case "ice40-up5k, iCEBreaker shell" --target ice40-up5k --shell icebreaker; fi
if wanted hx8k; then run_case "ice40-hx8k, bare core" --target ice40-hx8k --clock-mhz 30; fi
if wanted xc7; then run_case "xc7 estimate (yosys only)" --target xc7; fi
echo
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
