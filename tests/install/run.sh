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

# C example, built with pkg-config only (no source tree paths): the path in
# the environment and on make's command line (GNU Make 4.3 keeps the latter
# from $(shell)), then from the build tree (libcontract-uninstalled.pc).
c_example() { # NAME HOW PKG_CONFIG_PATH
  rm -rf "$tmp/c" && cp -r "$src/examples/c" "$tmp/c"
  if [ "$2" = env ]; then PKG_CONFIG_PATH=$3 make -s -C "$tmp/c" >/dev/null
  else env -u PKG_CONFIG_PATH make -s -C "$tmp/c" PKG_CONFIG_PATH="$3" >/dev/null; fi
  out=$("$tmp/c/evaluate" "$rules" "${events[@]}")
  echo "$out" | grep -q "^total $expected," || { echo "FAIL C example ($1): $out (expected $expected)"; exit 1; }
}
pcdir=$(dirname "$(find "$prefix" -name libcontract.pc)")
c_example "PKG_CONFIG_PATH in the environment" env "$pcdir"
c_example "make PKG_CONFIG_PATH=..." arg "$pcdir"
c_example "the build tree" env "$build/generated"
links=$(ldd "$tmp/c/evaluate") # not piped into grep -q: with pipefail, ldd's SIGPIPE would fail it
grep -qF "$build/lib/libcontract.so" <<<"$links" || { echo "FAIL the build tree's example links elsewhere"; exit 1; }
[ "$(PKG_CONFIG_PATH=$build/generated pkg-config --modversion libcontract)" = "$(PKG_CONFIG_PATH=$pcdir pkg-config --modversion libcontract)" ] ||
  { echo "FAIL libcontract-uninstalled.pc's version"; exit 1; }

# CMake example with find_package.
cmake -S "$src/examples/cmake" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
out=$("$tmp/cmake-build/totals" "${events[@]}")
[ "$out" = "beijing-sme-secops-2026: $expected CNY in 7 breaches" ] || { echo "FAIL CMake example: $out"; exit 1; }

# The Python binding installed by pip into a virtual environment, offline (no
# index: a download would fail), finding the installed library through
# pkg-config, run away from the source tree.
py=$(command -v /usr/bin/python3 || command -v python3)
"$py" -c "import ensurepip, venv" 2>/dev/null || { echo "FAIL python3-venv is not installed (scripts/setup.sh installs it)"; exit 1; }
"$py" -m venv "$tmp/venv"
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$tmp/venv/bin/pip" install -q --no-cache-dir "$src/bindings/python"
out=$(cd "$tmp" && env -u PYTHONPATH -u LIBCONTRACT_LIBRARY PKG_CONFIG_PATH="$pcdir" "$tmp/venv/bin/python" -c '
import sys, libcontract
assert libcontract.__file__.startswith(sys.prefix), libcontract.__file__
with libcontract.Engine(sys.argv[1]) as engine:
    print(engine.evaluate(files=sys.argv[2:]).totals.amount)
' "$rules" "${events[@]}")
[ "$out" = "$expected" ] || { echo "FAIL pip-installed Python binding: $out (expected $expected)"; exit 1; }
[ -z "$(find "$src/bindings/python" -newer "$tmp/venv/bin/python" \( -name '*.egg-info' -o -name build -o -name '*.whl' \))" ] ||
  { echo "FAIL pip left build files in the source tree"; exit 1; }
echo "install test passed (total $expected)"
