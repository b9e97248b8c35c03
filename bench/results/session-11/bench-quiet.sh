#!/usr/bin/env bash
# Quiet-machine issue-15 measurements on a clone: sim-all, cosim 10k fhm, sim fixed cost.
# Usage: bench-quiet.sh CLONE OUT
set -euo pipefail
clone=$1; out=$2; mkdir -p "$out"
cd "$clone"
H=$clone/src/Cli/bin/Release/net10.0/hwflow
echo "== sim-all $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
HWFLOW=$H REPEATS=3 bench/sim-all.sh "$out/simall" > "$out/simall.log" 2>&1 || echo "sim-all failed"
cat "$out/simall/table.md" 2>/dev/null
echo "== cosim 10k $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
for i in 1 2; do
  /usr/bin/time -f "wall %e s user %U s" "$H" cosim "$out/simall/fmnist-hbnn-mlp" --dataset fashion-mnist --count 10000 --stall-prob 0.3 2>&1 | tail -4
done
echo "== fixed cost $(date -u +%T)"
ds() { case $1 in mnist*|TFC*) echo mnist;; *) echo fashion-mnist;; esac; }
t() { local s e; s=$(date +%s.%N); "$H" sim "$1" --dataset "$2" --count "$3" > /dev/null 2>&1 || echo FAIL; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf '| build | T8 x3 | T136 x2 | per frame ms | fixed s | load |\n|---|---|---|---:|---:|---:|\n'
for b in fmnist-tiny-runsh fmnist-tiny TFC_1W1A mnist-bnn-mlp fmnist-hbnn-mlp mnist-hbnn-mlp mnist-bnn-cnn fmnist-hbnn-cnn; do
  d=$(ds "$b"); B=$out/simall/$b
  t "$B" "$d" 8 > /dev/null   # warm the cache
  a1=$(t "$B" "$d" 8); a2=$(t "$B" "$d" 8); a3=$(t "$B" "$d" 8)
  b1=$(t "$B" "$d" 136); b2=$(t "$B" "$d" 136)
  python3 - "$b" "$a1" "$a2" "$a3" "$b1" "$b2" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import sys, statistics as st
b,a1,a2,a3,b1,b2,load=sys.argv[1:]
a=sorted(map(float,(a1,a2,a3))); bb=sorted(map(float,(b1,b2)))
pf=(st.median(bb)-st.median(a))/128
print(f"| {b} | {a[0]:.2f} / {a[1]:.2f} / {a[2]:.2f} | {bb[0]:.2f} / {bb[1]:.2f} | {pf*1000:.2f} | **{st.median(a)-8*pf:.2f}** | {load} |")
PY
done
