#!/usr/bin/env bash
# Sets everything up and runs every test: the normal build, then the same
# tests under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh valgrind chromium fonts-noto-cjk python3-dask python3-distributed procps

echo "== build (-Wall -Wextra -Werror) and tests"
bash scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== valgrind memcheck of the golden cases: no error, no leak"
for pair in "rules/beijing-sme-secops-2026.lua tests/golden/reference" "examples/hosting-sla/rules.lua examples/hosting-sla/tests" \
  "examples/cloud-sla/rules.lua examples/cloud-sla/tests" "examples/implementation/rules.lua examples/implementation/tests"; do
  set -- $pair
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    build/bin/contract test "$1" "$2" | tail -1
done

echo "== ASan + UBSan build and tests"
BUILD_TYPE=Debug bash scripts/build.sh build-asan -DLC_SANITIZE=address,undefined
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
echo "== ThreadSanitizer: independent handles from several threads"
BUILD_TYPE=Debug LC_TARGET=threads bash scripts/build.sh build-tsan -DLC_SANITIZE=thread
ctest --test-dir build-tsan --output-on-failure -R '^threads$'
echo "== libFuzzer: each harness for ${FUZZ_SECONDS:-20} s"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
echo "== all tests passed"
