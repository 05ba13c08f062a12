#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang and runs each for a bounded
# time over a copy of its seed corpus.  A crash fails the run; the input is
# printed and kept (add it under tests/fuzz/corpus/NAME/ as a regression).
#   bash scripts/fuzz.sh [SECONDS_PER_HARNESS]      (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
bash scripts/setup.sh clang libclang-rt-14-dev
CC=clang BUILD_TYPE=Debug LC_TARGET="fuzz_events fuzz_time fuzz_money fuzz_rules" \
  bash scripts/build.sh build-fuzz -DLC_FUZZ=ON -DLC_BUILD_TESTS=OFF
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for name in events time money rules; do
  cp -r "tests/fuzz/corpus/$name" "$work/$name"
  if [ "$name" = rules ]; then # the shipped rule files seed it too (tests/fuzz/rule-seeds.txt)
    while read -r seed; do cp "$seed" "$work/rules/seed-${seed//\//-}"; done <tests/fuzz/rule-seeds.txt
  fi
  mkdir -p "$work/crashes-$name"
  max_len=4096; [ "$name" = rules ] && max_len=65536
  echo "== fuzz_$name for ${seconds}s"
  if ! build-fuzz/bin/fuzz_$name "$work/$name" -max_total_time="$seconds" -max_len=$max_len -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$work/crashes-$name/" -print_final_stats=1 2>"$work/$name.log"; then
    status=1
    tail -40 "$work/$name.log"
    for f in "$work/crashes-$name"/*; do echo "-- crash input $f (base64):"; base64 "$f"; done
  else
    grep -E "stat::number_of_executed_units|cov:" "$work/$name.log" | tail -2
  fi
done
exit $status
