#!/usr/bin/env bash
# Sets everything up and runs every test: the normal build, then the same
# tests under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== build (-Wall -Wextra -Werror) and tests"
bash scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== ASan + UBSan build and tests"
BUILD_TYPE=Debug bash scripts/build.sh build-asan -DLC_SANITIZE=address,undefined
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
echo "== all tests passed"
