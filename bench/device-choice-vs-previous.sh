#!/usr/bin/env bash
# `compile --device` of every shipped example by this generator and by a previous one, in the same
# run: with IDENTICAL=1 (the iCE40 devices) each pair's design.rtl must be byte-identical, else one
# line per build with its cycles a frame and the LUTs and block RAMs counted from the RTL.
# Usage (repository root): [IDENTICAL=1] bench/device-choice-vs-previous.sh BASE_COMMIT DEVICE... 
# Scratch (both CLIs, the builds, times.txt with wall seconds and load) in $WORK or a new /tmp folder.
set -uo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/device-choice-vs-previous.sh BASE_COMMIT DEVICE...}; shift
work=${WORK:-$(mktemp -d /tmp/hwflow-device-choice-XXXX)}
if [[ ! -x "$work/base/src/Cli/bin/Release/net10.0/hwflow" ]]; then
  mkdir -p "$work/base" && git archive "$base" | tar -x -C "$work/base"
  dotnet build "$work/base/src/Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
fi
old="$work/base/src/Cli/bin/Release/net10.0/hwflow"
new=src/Cli/bin/Release/net10.0/hwflow
models="tiny-hbnn fmnist-tiny fmnist-tiny-pow2 fmnist-wht fmnist-hbnn-mlp mnist-hbnn-mlp mnist-bnn-mlp mnist-bnn-cnn fmnist-bnn-cnn-ice40 fmnist-hbnn-cnn qonnx-tfc/TFC_1W1A.onnx qonnx-tfc/TFC_1W2A.onnx qonnx-tfc/TFC_2W2A.onnx tfc-bits"
status=0
for device in "$@"; do
  for model in $models; do
    args=(examples/$model); [[ $model == tfc-bits ]] && args=(examples/qonnx-tfc/TFC_1W1A.onnx --input-format bits --input-width 64)
    name=${model//\//_}
    for side in old new; do
      cli=$old; [[ $side == new ]] && cli=$new
      out="$work/$side/$device/$name"; mkdir -p "$(dirname "$out")"; rm -rf "$out"
      start=$(date +%s.%N)
      "$cli" compile "${args[@]}" -o "$out" --device "$device" > "$out.log" 2>&1; rc=$?
      echo "$side $device $name rc=$rc $(echo "$(date +%s.%N) - $start" | bc) s load $(cut -d' ' -f1 /proc/loadavg)" >> "$work/times.txt"
    done
    if [[ ${IDENTICAL:-0} == 1 ]]; then
      if [[ -f "$work/old/$device/$name/design.rtl" ]] && cmp -s "$work/old/$device/$name/design.rtl" "$work/new/$device/$name/design.rtl"; then echo "$device $name identical"
      elif [[ ! -f "$work/old/$device/$name/design.rtl" && ! -f "$work/new/$device/$name/design.rtl" ]] && diff -q <(tail -1 "$work/old/$device/$name.log") <(tail -1 "$work/new/$device/$name.log") >/dev/null; then echo "$device $name refused by both, same message"
      else echo "$device $name DIFFERS"; status=1; fi
    else
      for side in old new; do
        log="$work/$side/$device/$name.log"
        echo "$side $device $name: $(grep -o '[0-9,]* cycles/frame' "$log" | head -1) | $(grep -o 'fits [^:]*: [0-9,]* of' "$log" | grep -o '[0-9,]* of') LUT | $(grep -o '[0-9]* of [0-9]* block RAMs' "$log") $(grep -o 'nothing fits.*' "$log" | cut -c1-80)"
      done
    fi
  done
done
exit $status
