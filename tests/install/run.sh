#!/usr/bin/env bash
# Installs into a temporary prefix, then builds and runs the C example (with
# pkg-config) and the CMake example (with find_package) against the
# installed library, and checks they report the CLI's totals.
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
events=("$src"/examples/events/*.jsonl)
rules=$prefix/share/libcontract/rules/beijing-sme-secops-2026.lua
test -f "$rules" || { echo "FAIL the rules were not installed"; exit 1; }
test -L "$prefix/lib/libcontract.so.0.3" || test -L "$prefix"/lib/*/libcontract.so.0.3 || { echo "FAIL no SONAME link"; exit 1; }

expected=$("$prefix/bin/contract" eval "$rules" "${events[@]}" --format json |
           sed -n 's/.*"amount_uncapped": "[0-9.]*", "amount": "\([0-9.]*\)".*/\1/p')
[ -n "$expected" ] || { echo "FAIL the installed CLI gave no total"; exit 1; }

# C example, built with pkg-config only (no source tree paths).
cp -r "$src/examples/c" "$tmp/c"
PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name libcontract.pc)") make -s -C "$tmp/c" >/dev/null
out=$("$tmp/c/evaluate" "$rules" "${events[@]}")
echo "$out" | grep -q "^total $expected," || { echo "FAIL C example: $out (expected $expected)"; exit 1; }

# CMake example with find_package.
cmake -S "$src/examples/cmake" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
out=$("$tmp/cmake-build/totals" "${events[@]}")
[ "$out" = "beijing-sme-secops-2026: $expected CNY in 7 breaches" ] || { echo "FAIL CMake example: $out"; exit 1; }
echo "install test passed (total $expected)"
