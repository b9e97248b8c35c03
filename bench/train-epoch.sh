#!/usr/bin/env bash
# Seconds per training epoch of 784-256-256-10 on the 60,000 Fashion-MNIST training images, for
# each mode and for 1 and 2 OpenBLAS threads, all in the same run; float with 1 thread is the
# peer every ratio is taken against. "train" is the mini-batch loop alone; "epoch" adds the
# BatchNorm population pass over the training set and the test-set evaluation. Also checks
# whether 2 threads give the same bytes as 1. Usage: bench/train-epoch.sh [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
HWFLOW="${HWFLOW_CLI:-src/Cli/bin/Release/net10.0/hwflow}"
EPOCHS="${1:-3}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

for mode in float hbnn bnn; do
  for threads in 1 2; do
    "$HWFLOW" train --dataset fashion-mnist --arch 784-256-256-10 --mode "$mode" --epochs "$EPOCHS" \
      --blas-threads "$threads" -o "$OUT/$mode-$threads" >/dev/null 2>&1
  done
done

per_epoch() { awk -F, -v col="$2" 'NR > 1 { sum += $col; n++ } END { printf "%.2f", sum / n }' "$OUT/$1/training.csv"; }
peer_train="$(per_epoch float-1 6)"
peer_epoch="$(per_epoch float-1 7)"
echo "| mode | OpenBLAS threads | train s/epoch | epoch s | train vs float 1 thread | same bytes as 1 thread |"
echo "|---|---|---|---|---|---|"
for mode in float hbnn bnn; do
  for threads in 1 2; do
    train="$(per_epoch "$mode-$threads" 6)"
    epoch="$(per_epoch "$mode-$threads" 7)"
    same=yes
    for f in "$OUT/$mode-1"/*.npy; do cmp -s "$f" "$OUT/$mode-$threads/$(basename "$f")" || same=no; done
    ratio="$(awk -v a="$train" -v b="$peer_train" 'BEGIN { printf "%.2f", a / b }')"
    echo "| $mode | $threads | $train | $epoch | ${ratio}x | $same |"
  done
done
echo "(float, 1 thread: $peer_train s train, $peer_epoch s per epoch; $EPOCHS epochs each; load average $(cut -d' ' -f1-3 /proc/loadavg))"
