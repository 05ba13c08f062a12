#!/usr/bin/env bash
# Configures and builds into DIR (default build/) with extra CMake options.
#   scripts/build.sh [DIR] [-DOPTION=VALUE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
# LC_TARGET: the targets to build (all when unset), separated by spaces
cmake --build "$dir" -j "$(nproc)" ${LC_TARGET:+--target $LC_TARGET} >/dev/null
