#!/usr/bin/env bash
# Command-level tests of `contract`: check, diff, sweep and test, with golden
# outputs in tests/cli/expected/.  Usage: run.sh CONTRACT_BINARY SOURCE_DIR
# Set UPDATE=1 to rewrite the golden outputs (then review them with git diff).
set -uo pipefail
contract=$1
cd "$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ref=rules/beijing-sme-secops-2026.lua
events=(examples/events/*.jsonl)
failures=0

fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# golden NAME EXPECTED_EXIT COMMAND...: output and exit code must match.
golden() {
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/$name.out" 2>&1
  local got=$?
  [ "$got" = "$want" ] || fail "$name: exit $got, expected $want"
  if [ "${UPDATE:-}" = 1 ]; then cp "$tmp/$name.out" "tests/cli/expected/$name"; return; fi
  diff -u "tests/cli/expected/$name" "$tmp/$name.out" >"$tmp/$name.diff" || { fail "$name: output differs"; cat "$tmp/$name.diff"; }
}

golden check-reference.txt 0 "$contract" check "$ref"
golden check-reference.json 0 "$contract" check "$ref" --format json
golden check-lint.txt 0 "$contract" check tests/cli/fixtures/lint.lua
golden check-broken.txt 3 "$contract" check tests/cli/fixtures/broken.lua

# A rule file that differs from the reference in one threshold (both copied
# under tests/cli/, so the report names them the same on every machine).
mkdir -p "$tmp/tests/cli"
cp "$ref" "$tmp/tests/cli/v1.lua"
sed 's/param { "ticket_response_low", 30,/param { "ticket_response_low", 45,/' "$ref" >"$tmp/tests/cli/v2.lua"
cmp -s "$ref" "$tmp/tests/cli/v2.lua" && fail "diff: the second version did not change"
in_tmp() { (cd "$tmp" && "$@"); }
abs_events=("${events[@]/#/$PWD/}")
golden diff-threshold.txt 1 in_tmp "$contract" diff tests/cli/v1.lua tests/cli/v2.lua "${abs_events[@]}"
golden diff-what-if.json 1 "$contract" diff "$ref" "$ref" "${events[@]}" --set-new availability_target=99.5 --format json
golden diff-identical.txt 0 "$contract" diff "$ref" "$ref" "${events[@]}"

# A sweep's rows equal single evaluations with the same --set.
"$contract" sweep "$ref" "${events[@]}" --vary ticket_response_low=30:50:5 >"$tmp/sweep.csv" || fail "sweep exit $?"
tail -n +2 "$tmp/sweep.csv" | while IFS=, read -r value amount _; do
  "$contract" eval "$ref" "${events[@]}" --set "ticket_response_low=$value" --format json >"$tmp/single.json"
  single=$(sed -n 's/.*"amount_uncapped": "[0-9.]*", "amount": "\([0-9.]*\)".*/\1/p' "$tmp/single.json")
  [ "$single" = "$amount" ] || { echo "FAIL sweep value $value: $amount, eval gives $single"; exit 1; }
done || failures=$((failures + 1))
golden sweep-availability.csv 0 "$contract" sweep "$ref" "${events[@]}" --vary availability_target=99.5:99.95:0.05
# Monte Carlo: the same seed gives the same distribution.
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 50 --seed 3 >"$tmp/mc1" &&
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 50 --seed 3 >"$tmp/mc2" &&
cmp -s "$tmp/mc1" "$tmp/mc2" || fail "sweep: the same seed gave different results"
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 50 --seed 4 >"$tmp/mc3"
cmp -s "$tmp/mc1" "$tmp/mc3" && fail "sweep: another seed gave the same results"

# test: failures are reported with what differed; coverage under a minimum fails.
mkdir -p "$tmp/cases/wrong"
cp tests/golden/reference/ticket-response-45-minor5/events.jsonl "$tmp/cases/wrong/"
echo '{"totals": {"amount": "1.00"}}' >"$tmp/cases/wrong/expected.json"
"$contract" test "$ref" "$tmp/cases" >"$tmp/test.out"
[ $? = 1 ] && grep -q 'totals.amount: expected "1.00", got "5158.80"' "$tmp/test.out" &&
  grep -q '0 passed, 1 failed' "$tmp/test.out" || { fail "test: a failing case"; cat "$tmp/test.out"; }
"$contract" test "$ref" tests/golden/reference --min 100 >/dev/null || fail "test: coverage of the reference cases under 100%"
cp -r tests/golden/reference/ticket-response-45-minor5 "$tmp/cases/ok"; rm -r "$tmp/cases/wrong"
"$contract" test "$ref" "$tmp/cases" --min 50 >"$tmp/cov.out"
[ $? = 1 ] && grep -q 'under the minimum' "$tmp/cov.out" || { fail "test: coverage minimum not enforced"; cat "$tmp/cov.out"; }

# eval --explain adds the contract's words to each breach.
"$contract" eval "$ref" "${events[@]}" --format json --explain >"$tmp/explain.json"
grep -q '"explain": {"text": "运维需求平均响应时间' "$tmp/explain.json" || fail "eval --explain: no explanation in the JSON"

# Lines that never end (issue 13): a line is refused as soon as it cannot
# become an event, or is longer than --line-limit (1 MiB by default), and
# is never held whole.  The memory is bounded from outside: the address
# space with ulimit, or under AddressSanitizer (whose shadow maps terabytes
# of address space) the resident size with its own hard_rss_limit_mb.
small_memory() {
  if grep -qa __asan_init "$contract"; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=200" "$@"
  else
    (ulimit -v 200000 && exec "$@")
  fi
}
small_memory "$contract" eval "$ref" /dev/zero >"$tmp/zero.out" 2>&1
[ $? = 4 ] && [ "$(cat "$tmp/zero.out")" = "/dev/zero:1: a NUL byte at byte 1" ] || { fail "eval /dev/zero"; cat "$tmp/zero.out"; }
# --skip-invalid: huge lines that cannot be events are dropped as they come
# (a NUL at once; a string going on past the limit), the lines after count.
valid=tests/golden/reference/ticket-response-45-minor5/events.jsonl
{ head -c 50000000 /dev/zero; echo; printf '{"type": "ticket", "id": "'; head -c 50000000 /dev/zero | tr '\0' x; echo; cat "$valid"; } |
  small_memory "$contract" eval "$ref" - --skip-invalid --format json >"$tmp/huge.json" 2>&1
[ $? = 0 ] && grep -q '"amount": "5158.80"' "$tmp/huge.json" &&
  grep -q '"line": 1, "message": "skipped: a NUL byte at byte 1"' "$tmp/huge.json" &&
  grep -q '"line": 2, "message": "skipped: line is longer than 1048576 bytes (event_line_limit; --line-limit)"' "$tmp/huge.json" ||
  { fail "eval --skip-invalid over huge lines"; head -c 2000 "$tmp/huge.json"; }
# --line-limit BYTES|none, in every command that evaluates.
long_ticket() { printf '{"type": "ticket", "id": "long", "opened": "2026-04-01T09:00:00+08:00", "note": "'; head -c "$1" /dev/zero | tr '\0' x; echo '"}'; }
long_ticket 2000000 >"$tmp/long.jsonl"
"$contract" eval "$ref" "$tmp/long.jsonl" --format json >"$tmp/long.out" 2>&1
[ $? = 4 ] && grep -q 'long.jsonl:1: line is longer than 1048576 bytes (event_line_limit; --line-limit)' "$tmp/long.out" ||
  { fail "eval: the default line limit"; cat "$tmp/long.out"; }
"$contract" eval "$ref" "$tmp/long.jsonl" --line-limit none --format json >"$tmp/long.out" 2>&1 || fail "eval --line-limit none: exit $?"
"$contract" eval "$ref" "$tmp/long.jsonl" --line-limit=3000000 --format json >"$tmp/long.out" 2>&1 || fail "eval --line-limit=3000000: exit $?"
limited() { # NAME COMMAND...: exit 4 at the first line longer, naming the limit
  local name=$1
  shift
  "$@" --line-limit 100 >"$tmp/limit.out" 2>&1
  [ $? = 4 ] && grep -q 'administration.jsonl:2: line is longer than 100 bytes (event_line_limit; --line-limit)' "$tmp/limit.out" ||
    { fail "$name --line-limit 100"; cat "$tmp/limit.out"; }
}
limited eval "$contract" eval "$ref" "${events[@]}"
limited diff "$contract" diff "$ref" "$ref" "${events[@]}"
limited sweep "$contract" sweep "$ref" "${events[@]}" --vary availability_target=99.5:99.6:0.1
for bad in 0 -1 1k '' 99999999999999999999999; do
  "$contract" eval "$ref" "${events[@]}" --line-limit "$bad" >"$tmp/bad.out" 2>&1
  [ $? = 2 ] && grep -q -- "--line-limit takes a number of bytes" "$tmp/bad.out" || { fail "--line-limit '$bad' accepted"; cat "$tmp/bad.out"; }
done

[ "$failures" = 0 ] && echo "cli tests passed" || { echo "$failures cli test(s) failed"; exit 1; }
