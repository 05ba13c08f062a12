# Sourced by run.sh and html.sh (arguments: CONTRACT_BINARY SOURCE_DIR):
# the binary, a scratch directory removed on exit, both contracts and their
# events, and the failure count.
contract=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ref=rules/beijing-sme-secops-2026.lua
events=(examples/events/*.jsonl)
sla=examples/hosting-sla/rules.lua
sla_events=(examples/hosting-sla/events/*.jsonl)
failures=0

fail() { echo "FAIL $*"; failures=$((failures + 1)); }
