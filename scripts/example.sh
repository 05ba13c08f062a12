#!/usr/bin/env bash
# Sets everything up, builds, and evaluates the bundled example year against
# the reference contract, printing the report.  Extra arguments go to
# `contract eval` (e.g. --format json, --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
exec build/bin/contract eval rules/beijing-sme-secops-2026.lua examples/events/*.jsonl "$@"
