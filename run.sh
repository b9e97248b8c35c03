#!/usr/bin/env bash
# Installs what is missing, builds, and runs HwFlow's main job on the shipped example model.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
MODEL=examples/tiny-hbnn
OUT="${HWFLOW_OUT:-out}"

"$HWFLOW_CLI" info "$MODEL"
"$HWFLOW_CLI" eval "$MODEL" --dataset fashion-mnist
"$HWFLOW_CLI" eval "$MODEL" --dataset mnist
"$HWFLOW_CLI" experiment angle -o "$OUT/angle" --force
