#!/usr/bin/env bash
# sim fixed cost with the published ReadyToRun CLI (what users run). Usage: fixed-r2r.sh CLONE OUT (OUT/simall from bench-quiet.sh)
set -euo pipefail
clone=$1; out=$2
H=${HWFLOW:-$clone/src/Cli/bin/Release/ready-to-run/hwflow}
echo "== fixed cost $(date -u +%T) $H"
ds() { case $1 in mnist*|TFC*) echo mnist;; *) echo fashion-mnist;; esac; }
t() { local s e; s=$(date +%s.%N); "$H" sim "$1" --dataset "$2" --count "$3" > /dev/null 2>&1 || echo FAIL; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf '| build | T8 x3 | T136 x2 | per frame ms | fixed s | load |\n|---|---|---|---:|---:|---:|\n'
for b in ${BUILDS:-fmnist-tiny-runsh fmnist-tiny TFC_1W1A mnist-bnn-mlp fmnist-hbnn-mlp mnist-hbnn-mlp mnist-bnn-cnn fmnist-hbnn-cnn}; do
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
