#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
dotnet test HwFlow.sln -c Release --no-build --nologo -v quiet "$@"
