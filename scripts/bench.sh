#!/usr/bin/env bash
# Builds with optimisation and runs the benchmark: events per second next to
# a cJSON + C baseline, peak memory, sweeps and rule loading.
#   bash scripts/bench.sh [EVENTS]        (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_TYPE=Release LC_TARGET=contract_bench bash scripts/build.sh build-bench -DLC_BUILD_TESTS=OFF
exec build-bench/bin/contract-bench rules/beijing-sme-secops-2026.lua "$@"
