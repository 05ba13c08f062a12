#!/usr/bin/env bash
# Sets everything up (Dask from Debian's packages), builds, and runs the
# exposure study of examples/scale-out/ on a local Dask cluster, writing
# build/scale-out/summary.csv and summary.json.  Extra arguments go to
# study.py (--samples N, --seed S, --workers N, --scheduler tcp://host:8786).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh python3-dask python3-distributed
bash scripts/build.sh build
# The library just built, for this process and the workers it starts, and
# Debian's interpreter: the one python3-distributed is installed for.
export LIBCONTRACT_LIBRARY="$PWD/build/lib/libcontract.so.0.3"
exec /usr/bin/python3 examples/scale-out/study.py "$@"
