#!/usr/bin/env bash
# The command line under allocation failure, SQLite-style: each command is
# run once normally, then again failing its 1st, 2nd, ... own allocation
# (not the library's: tests/oom covers those) until a run needs fewer than
# N.  A failed allocation must give exit 5, "out of memory" on stderr and
# nothing on stdout; every run must free all it allocated; the run past the
# last allocation must give the normal output.
# Usage: oom.sh CONTRACT_OOM_BINARY SOURCE_DIR (the binary of oom_hook.c)
set -uo pipefail
contract=$1
cd "$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rules=tests/oom/small.lua
events=tests/oom/events.jsonl
failures=0

fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# steps NAME COMMAND...
steps() {
  local name=$1 n=1 want got count unfreed
  shift
  "$@" >"$tmp/want.out" 2>"$tmp/want.err"
  want=$?
  while :; do
    CONTRACT_FAIL_ALLOC=$n "$@" >"$tmp/got.out" 2>"$tmp/got.err"
    got=$?
    read -r count unfreed < <(sed -n 's/^allocations: \([0-9]*\), unfreed: \(-\{0,1\}[0-9]*\)$/\1 \2/p' "$tmp/got.err")
    if [ -z "${count:-}" ]; then fail "$name, allocation $n failed: exit $got without a count"; cat "$tmp/got.err"; return; fi
    [ "$unfreed" = 0 ] || fail "$name, allocation $n failed: $unfreed blocks left unfreed"
    if [ "$n" -gt "$count" ]; then
      [ "$got" = "$want" ] && cmp -s "$tmp/got.out" "$tmp/want.out" || fail "$name: the run with enough memory differs"
      echo "$name: $count allocations, each failed in turn"
      return
    fi
    [ "$got" = 5 ] && grep -q 'out of memory' "$tmp/got.err" && [ ! -s "$tmp/got.out" ] ||
      { fail "$name, allocation $n of $count failed: exit $got"; head -3 "$tmp/got.err" "$tmp/got.out"; }
    n=$((n + 1))
  done
}

# Cases for `test`: one passing, with `args` and two event files, one
# failing with several differences.
mkdir -p "$tmp/cases/ok" "$tmp/cases/wrong"
cp "$events" "$tmp/cases/ok/a.jsonl"
cp "$events" "$tmp/cases/wrong/a.jsonl"
: >"$tmp/cases/ok/b.jsonl"
printf '%s\n' '# options' --skip-invalid '--set limit=25' '--set target=99.5' >"$tmp/cases/ok/args"
cp "$tmp/cases/ok/args" "$tmp/cases/wrong/args"
"$contract" eval "$rules" "$events" --skip-invalid --set limit=25 --set target=99.5 --format json 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"breaches": [{} for _ in r["breaches"]]}))' \
    >"$tmp/cases/ok/expected.json"
echo '{"totals": {"amount": "1.00", "capped": 7}, "months": [], "extra": {"deep": [1]}}' >"$tmp/cases/wrong/expected.json"
echo 'return { perturb = function(event, rng) return event end }' >"$tmp/scenario.lua"

steps "eval" "$contract" eval "$rules" "$events" --skip-invalid --set limit=25 --set target=99.5 --format json
steps "eval --output" "$contract" eval "$rules" "$events" --skip-invalid --output "$tmp/tables"
steps "diff" "$contract" diff "$rules" "$rules" "$events" --skip-invalid --set-old limit=20 --set-new limit=25
steps "diff --output" "$contract" diff "$rules" "$rules" "$events" --skip-invalid --set-new limit=25 --output "$tmp/diff"
steps "check" "$contract" check "$rules" --format json
steps "test" "$contract" test "$rules" "$tmp/cases" --coverage --min 50
steps "sweep --vary" "$contract" sweep "$rules" "$events" --skip-invalid --vary limit=20:40:5 --format json
# In one process: a worker's allocations would count on from the parent's
# at the fork (its failures are the worker cases of tests/cli/run.sh).
steps "sweep --scenario" "$contract" sweep "$rules" "$events" --skip-invalid --scenario "$tmp/scenario.lua" --samples 3 \
  --jobs 1
steps "sweep --per-sample" "$contract" sweep "$rules" "$events" --skip-invalid --scenario "$tmp/scenario.lua" \
  --samples 3 --seed 2 --per-sample --jobs 1

[ "$failures" = 0 ] && echo "cli oom tests passed" || { echo "$failures cli oom test(s) failed"; exit 1; }
