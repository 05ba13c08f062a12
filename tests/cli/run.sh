#!/usr/bin/env bash
# Command-level tests of `contract`: check, diff, sweep and test, with golden
# outputs in tests/cli/expected/, and the errors of every command: limits of
# what `test` reads, strict numbers, nothing printed on an error, output
# that cannot be written (exit 6), memory exhaustion (exit 5).
# Usage: run.sh CONTRACT_BINARY SOURCE_DIR
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

# quiet NAME EXIT PATTERN COMMAND...: an error with that exit and PATTERN
# on stderr, and nothing on stdout.
quiet() {
  local name=$1 want=$2 pattern=$3
  shift 3
  "$@" >"$tmp/quiet.out" 2>"$tmp/quiet.err"
  local got=$?
  [ "$got" = "$want" ] && grep -qF -- "$pattern" "$tmp/quiet.err" ||
    { fail "$name: exit $got, expected $want and '$pattern'"; cat "$tmp/quiet.err"; }
  [ -s "$tmp/quiet.out" ] && { fail "$name: printed on stdout"; head -3 "$tmp/quiet.out"; }
}

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
# JSON of a file that does not load: the error (file, line, message) in it, and on stderr.
golden check-broken.json 3 "$contract" check tests/cli/fixtures/broken.lua --format json
# A cap with a negative percentage printed "(null) costs 0.00" and removed the cap: now refused.
sed 's/^cap "tiny" .*/cap "tiny" { window = "term", pct = -1, of = P.value }/' tests/cli/fixtures/lint.lua >"$tmp/negcap.lua"
"$contract" check "$tmp/negcap.lua" >"$tmp/negcap.out" 2>&1
[ $? = 3 ] && grep -q 'negcap.lua:14: tiny: the percentage is negative' "$tmp/negcap.out" && ! grep -q null "$tmp/negcap.out" ||
  { fail "check: a negative cap"; cat "$tmp/negcap.out"; }

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
# A what-if where a cap binds: money by rule before the caps and what it counts after, both
# totals, the parameters that differ; sections with nothing in them are left out.
"$contract" diff "$ref" "$ref" "${events[@]}" --set-new availability_target=99.5 --table params --lang en >"$tmp/params.csv"
[ "$(tr -d '\r' <"$tmp/params.csv")" = "$(printf 'param,old,new\navailability_target,99.9,99.5')" ] ||
  { fail "diff --table params"; cat "$tmp/params.csv"; }
golden diff-caps.txt 1 "$contract" diff "$ref" "$ref" "${events[@]}" --set-new availability_target=99.5 --set-new cap_pct=2

# A sweep's rows equal single evaluations with the same --set.
"$contract" sweep "$ref" "${events[@]}" --vary ticket_response_low=30:50:5 --format csv >"$tmp/sweep.csv" || fail "sweep exit $?"
tail -n +2 "$tmp/sweep.csv" | while IFS=, read -r value amount _; do
  "$contract" eval "$ref" "${events[@]}" --set "ticket_response_low=$value" --format json >"$tmp/single.json"
  single=$(sed -n 's/.*"amount_uncapped": "[0-9.]*", "amount": "\([0-9.]*\)".*/\1/p' "$tmp/single.json")
  [ "$single" = "$amount" ] || { echo "FAIL sweep value $value: $amount, eval gives $single"; exit 1; }
done || failures=$((failures + 1))
golden sweep-availability.csv 0 "$contract" sweep "$ref" "${events[@]}" --vary availability_target=99.5:99.95:0.05 --format csv
# Several --vary make a grid, every combination (the last fastest), in text (with the stamp), CSV and JSON;
# each row equals one evaluation with those --set.
grid=(--vary availability_target=99.5:99.9:0.4 --vary ticket_response_low=30:45:15)
golden sweep-grid.txt 0 "$contract" sweep "$ref" "${events[@]}" "${grid[@]}"
golden sweep-grid.csv 0 "$contract" sweep "$ref" "${events[@]}" "${grid[@]}" --format csv
"$contract" sweep "$ref" "${events[@]}" "${grid[@]}" --format json >"$tmp/grid.json" || fail "sweep grid json: exit $?"
python3 - "$tmp/grid.json" "$contract" "$ref" "${events[@]}" <<'PY' || fail "sweep: a grid row differs from its evaluation"
import json, subprocess, sys
grid = json.load(open(sys.argv[1]))
assert grid["parameters"] == ["availability_target", "ticket_response_low"] and "parameter" not in grid, grid
assert grid["stamp"]["rules"] == sys.argv[3] and grid["stamp"]["params"]["availability_target"] == "99.9", grid["stamp"]
assert [tuple(r["values"].values()) for r in grid["rows"]] == [("99.5", "30"), ("99.5", "45"), ("99.9", "30"), ("99.9", "45")]
for row in grid["rows"]:
    sets = [a for name, value in row["values"].items() for a in ("--set", "%s=%s" % (name, value))]
    out = subprocess.run([sys.argv[2], "eval", sys.argv[3], *sys.argv[4:], *sets, "--format", "json"],
                         capture_output=True, check=True, text=True).stdout
    totals = json.loads(out)["totals"]
    assert (row["amount"], row["amount_uncapped"], row["capped"]) == (totals["amount"], totals["amount_uncapped"], totals["capped"]), row
PY
quiet "sweep: a parameter varied twice" 2 "--vary availability_target is given twice" \
  "$contract" sweep "$ref" "${events[@]}" --vary availability_target=99:99.5:0.5 --vary availability_target=98:99:1
quiet "sweep: a grid too large" 2 "has more than 100000 rows" "$contract" sweep "$ref" "${events[@]}" \
  --vary availability_target=90:99:0.001 --vary ticket_response_low=1:100:1
# Monte Carlo: the same seed gives the same distribution.
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 50 --seed 3 >"$tmp/mc1" &&
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 50 --seed 3 >"$tmp/mc2" &&
cmp -s "$tmp/mc1" "$tmp/mc2" || fail "sweep: the same seed gave different results"
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 50 --seed 4 >"$tmp/mc3"
cmp -s "$tmp/mc1" "$tmp/mc3" && fail "sweep: another seed gave the same results"
# touches: perturb called for tickets in a window of opening times only, or for tickets only,
# gives the figures of calling it for every event.
sed '/^  touches = /d' examples/what-if/late-answers.lua >"$tmp/all-types.lua"
grep -q "touches" "$tmp/all-types.lua" && fail "sweep: the copy still declares touches"
sed 's/^  touches = .*/  touches = { "ticket" },/' examples/what-if/late-answers.lua >"$tmp/tickets.lua"
grep -q 'touches = { "ticket" }' "$tmp/tickets.lua" || fail "sweep: the copy does not touch all tickets"
for format in json text; do
  "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 200 --seed 3 --per-sample \
    --format $format | sed 's|examples/what-if/late-answers.lua|S|' >"$tmp/touches.$format"
  for variant in all-types tickets; do
    "$contract" sweep "$ref" "${events[@]}" --scenario "$tmp/$variant.lua" --samples 200 --seed 3 --per-sample \
      --format $format | sed "s|$tmp/$variant.lua|S|" >"$tmp/$variant.$format"
    cmp -s "$tmp/touches.$format" "$tmp/$variant.$format" || fail "sweep: touches changed the figures ($variant, $format)"
  done
done
# --jobs: the same figures whatever the number of worker processes (each sample seeded by its index).
for format in json text; do
  for jobs in 1 2 3; do
    "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 101 --seed 9 \
      --format $format --jobs $jobs >"$tmp/jobs$jobs.$format" || fail "sweep --jobs $jobs: exit $?"
  done
  "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 101 --seed 9 --per-sample \
    --format $format --jobs 2 >"$tmp/jobs-per.$format"
  "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 101 --seed 9 --per-sample \
    --format $format --jobs 1 >"$tmp/jobs-per1.$format"
  cmp -s "$tmp/jobs1.$format" "$tmp/jobs2.$format" && cmp -s "$tmp/jobs1.$format" "$tmp/jobs3.$format" &&
    cmp -s "$tmp/jobs-per.$format" "$tmp/jobs-per1.$format" || fail "sweep: --jobs changed the figures ($format)"
done
quiet "sweep --jobs 0" 2 "--jobs" "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --jobs 0
quiet "sweep --jobs x" 2 "--jobs" "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --jobs x
quiet "sweep --jobs with --vary" 2 "go with --scenario" "$contract" sweep "$ref" "${events[@]}" \
  --vary availability_target=99:99.5:0.5 --jobs 2
# A sample that fails: the error of the lowest failing sample, whatever the number of jobs.
cat >"$tmp/fails.lua" <<'LUA'
return { extra = function(rng) if rng:int(1, 40) == 7 then error("sample gone wrong") end return {} end }
LUA
for jobs in 1 3; do
  "$contract" sweep "$ref" "${events[@]}" --scenario "$tmp/fails.lua" --samples 200 --jobs $jobs >"$tmp/fail$jobs.out" \
    2>"$tmp/fail$jobs.err"
  echo "exit $?" >>"$tmp/fail$jobs.err"
  [ -s "$tmp/fail$jobs.out" ] && fail "sweep: a failing sample printed figures (--jobs $jobs)"
done
grep -q "sample gone wrong" "$tmp/fail1.err" && grep -q "exit 3" "$tmp/fail1.err" ||
  fail "sweep: a failing sample: $(cat "$tmp/fail1.err")"
cmp -s "$tmp/fail1.err" "$tmp/fail3.err" || fail "sweep: --jobs 3 reported another failure than --jobs 1"
# A worker killed mid-batch: exit 70 naming it, nothing on stdout, the other workers stopped.
"$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 5000000 --jobs 2 \
  >"$tmp/killed.out" 2>"$tmp/killed.err" &
sweeper=$!
for _ in $(seq 100); do
  workers=$(pgrep -P $sweeper | wc -l)
  [ "$workers" = 2 ] && break
  sleep 0.05
done
if [ "$workers" = 2 ]; then
  kill -KILL "$(pgrep -P $sweeper | tail -1)"
else
  fail "sweep: no two workers after 5 s"
  kill -KILL $sweeper
fi
wait $sweeper
killed=$?
[ $killed = 70 ] && grep -q "was killed by signal 9" "$tmp/killed.err" && [ ! -s "$tmp/killed.out" ] ||
  fail "sweep: a killed worker: exit $killed, $(cat "$tmp/killed.err")"
[ -z "$(pgrep -P $sweeper)" ] || fail "sweep: workers left running"
# --per-sample in every format: JSON prints the samples (it printed nothing), text a table.
per=("$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 5 --seed 3 --per-sample)
"${per[@]}" --format json >"$tmp/per.json" && "${per[@]}" --format csv >"$tmp/per.csv" && "${per[@]}" >"$tmp/per.txt" ||
  fail "sweep --per-sample: exit $?"
python3 - "$tmp/per.json" "$tmp/per.csv" "$tmp/per.txt" <<'PY' || fail "sweep --per-sample: the formats disagree"
import csv, json, sys
samples = json.load(open(sys.argv[1]))["samples"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(samples) == 5 and [s["seed"] for s in samples] == [3, 4, 5, 6, 7], samples
assert [s["amount"] for s in samples] == [r["amount"] for r in rows], (samples, rows)
text = open(sys.argv[3]).read()
assert text.startswith("sweep of ") and all(s["amount"] in text for s in samples), text
PY
# Each cap's share of the samples (the hosting SLA's monthly and rolling caps), in CSV and
# JSON; a cap id with a comma and quotes is one CSV field and one JSON key.
sla=(examples/hosting-sla/rules.lua examples/hosting-sla/events/*.jsonl --scenario examples/scale-out/rough-year.lua)
golden sweep-caps.csv 0 "$contract" sweep "${sla[@]}" --samples 40 --seed 1 --format csv
golden sweep-caps.json 0 "$contract" sweep "${sla[@]}" --samples 40 --seed 1 --format json
golden sweep-caps.txt 0 "$contract" sweep "${sla[@]}" --samples 40 --seed 1
sed 's/^cap "monthly"/cap "monthly, \\"own\\""/' examples/hosting-sla/rules.lua >"$tmp/oddcap.lua"
"$contract" sweep "$tmp/oddcap.lua" "${sla[@]:1}" --samples 40 --seed 1 --format csv >"$tmp/oddcap.csv"
"$contract" sweep "$tmp/oddcap.lua" "${sla[@]:1}" --samples 40 --seed 1 --format json >"$tmp/oddcap.json"
python3 - "$tmp/oddcap.csv" "$tmp/oddcap.json" <<'PY' || fail "sweep: a cap id with a comma and quotes"
import csv, json, sys
row = next(csv.DictReader(open(sys.argv[1])))
caps = json.load(open(sys.argv[2]))["p_cap"]
assert list(caps) == ['monthly, "own"', "annual"], caps
assert float(row['p_cap:monthly, "own"']) == caps['monthly, "own"'] and float(row["p_cap:annual"]) == caps["annual"], row
PY

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

# One passing case, for the commands below.
one_case="$tmp/one-case"
mkdir -p "$one_case" && cp -r tests/golden/reference/ticket-response-45-minor5 "$one_case/"

# test: nothing read from a case has a fixed limit.  34 options in `args`
# (67 words, the last one counting); 70 event files, all read, in strcmp
# order (B.jsonl before a.jsonl: the id repeated with other content is
# reported in a.jsonl).
limits="$tmp/limits"
mkdir -p "$limits/many-args" "$limits/many-files" "$limits/file-order"
cp tests/golden/reference/cap-set-base-pct-100-minor5-costs-51588/{events.jsonl,expected.json} "$limits/many-args/"
{ echo --skip-invalid; for k in $(seq 32); do echo "--set base_pct=10"; done; echo "--set base_pct=100"; } \
  >"$limits/many-args/args"
for k in $(seq -w 0 69); do
  echo "{\"type\":\"ticket\",\"id\":\"t-$k\",\"opened\":\"2026-04-01T09:00:00+08:00\"}" >"$limits/many-files/e$k.jsonl"
done
echo '{"months": [{}, {"month": "2026-04", "open_tickets": 70}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}]}' \
  >"$limits/many-files/expected.json"
cp "$limits"/many-files/*.jsonl "$limits/file-order/"
echo '{"type":"ticket","id":"t-x","opened":"2026-04-02T09:00:00+08:00"}' >"$limits/file-order/B.jsonl"
echo '{"type":"ticket","id":"t-x","opened":"2026-04-03T09:00:00+08:00"}' >"$limits/file-order/a.jsonl"
echo '{"error": {"exit": 4, "message": "a.jsonl:1: event id \"t-x\""}}' >"$limits/file-order/expected.json"
"$contract" test "$ref" "$limits" >"$tmp/limits.out" 2>&1
[ $? = 0 ] && grep -q '^3 passed, 0 failed' "$tmp/limits.out" || { fail "test: many options or event files"; cat "$tmp/limits.out"; }
# Reports of any length: 400 differences and a 600-byte JSON path, whole.
mkdir -p "$limits/long-report/case"
cp tests/golden/reference/ticket-response-45-minor5/events.jsonl "$limits/long-report/case/"
long_key=$(printf 'k%.0s' $(seq 600))
python3 -c "import json,sys; d={'k%d' % i: 1 for i in range(400)}; d[sys.argv[1]] = {'x': 1}; print(json.dumps(d))" "$long_key" \
  >"$limits/long-report/case/expected.json"
"$contract" test "$ref" "$limits/long-report" >"$tmp/long-report.out"
[ $? = 1 ] && grep -q '^    \$\.k399: missing$' "$tmp/long-report.out" && grep -q "^    \\$\.$long_key: missing$" "$tmp/long-report.out" &&
  [ "$(grep -c ': missing$' "$tmp/long-report.out")" = 401 ] || { fail "test: a long report cut"; tail -3 "$tmp/long-report.out"; }
# Long paths: a case directory 1,100 bytes deep runs; one whose
# expected.json is past the system's limit fails saying so, not skipped.
deep="$tmp/deep"
for k in $(seq 11); do deep="$deep/$(printf 'd%.0s' $(seq 99))"; done
mkdir -p "$deep" && cp -r tests/golden/reference/ticket-response-45-minor5 "$deep/"
"$contract" test "$ref" "$deep" >"$tmp/deep.out" 2>&1 && grep -q '^1 passed, 0 failed' "$tmp/deep.out" ||
  { fail "test: a case under a long path"; cat "$tmp/deep.out"; }
for k in $(seq 29); do deep="$deep/$(printf 'd%.0s' $(seq 99))"; done # ~4,000 bytes, under PATH_MAX
mkdir -p "$deep" && (cd "$deep" && mkdir "$(printf 'c%.0s' $(seq 200))" && cd c* && echo '{}' >expected.json)
"$contract" test "$ref" "$deep" >"$tmp/deeper.out" 2>&1
[ $? = 1 ] && grep -q 'expected.json: File name too long' "$tmp/deeper.out" && grep -q '^0 passed, 1 failed' "$tmp/deeper.out" ||
  { fail "test: a case past the path limit"; cat "$tmp/deeper.out"; }

# Numbers on the command line are read strictly: a bad one is a usage
# error naming the option and the value, with nothing on stdout.
# refused OPTION VALUE COMMAND...: exit 2 naming OPTION and 'VALUE'.
refused() {
  local option=$1 value=$2
  shift 2
  quiet "$option '$value'" 2 "$option wants" "$@"
  grep -qF -- "not '$value'" "$tmp/quiet.err" || fail "$option '$value': the value not named"
}
scenario=(--scenario examples/what-if/late-answers.lua)
for v in 1e3 abc '' 0 -5 +5 ' 5' 5x 10000001 99999999999999999999999; do
  refused --samples "$v" "$contract" sweep "$ref" "${events[@]}" "${scenario[@]}" --samples "$v"
done
refused --samples 1e3 "$contract" sweep "$ref" "${events[@]}" "${scenario[@]}" --samples=1e3
for v in x1 -1 '' 1.5 18446744073709551616; do
  refused --seed "$v" "$contract" sweep "$ref" "${events[@]}" "${scenario[@]}" --samples 2 --seed "$v"
done
"$contract" sweep "$ref" "${events[@]}" "${scenario[@]}" --samples 2 --seed 18446744073709551615 >/dev/null ||
  fail "sweep: the largest seed refused"
for v in abc '' -1 100.01 101 99.555 5. .5 1e2; do
  refused --min "$v" "$contract" test "$ref" "$one_case" --min "$v"
done
"$contract" test "$ref" "$one_case" --min 2.5 >"$tmp/min.out" && grep -q 'coverage: 1 of' "$tmp/min.out" ||
  { fail "test --min 2.5: a decimal minimum refused or not met"; cat "$tmp/min.out"; }
"$contract" test "$ref" "$one_case" --min 3.13 >"$tmp/min.out"
[ $? = 1 ] && grep -q 'under the minimum 3.13%' "$tmp/min.out" || { fail "test --min 3.13: not enforced"; cat "$tmp/min.out"; }

# Everything is checked before the first byte of output: an error leaves
# stdout empty.
vary=("$contract" sweep "$ref" "${events[@]}" --vary)
quiet "--vary, a fraction of a count (json)" 2 'outage_cluster_count = 1.5' \
  "${vary[@]}" outage_cluster_count=1:3:0.5 --format json
quiet "--vary, a fraction of a count (csv)" 2 'outage_cluster_count = 1.5' "${vary[@]}" outage_cluster_count=1:3:0.5
quiet "--vary, an unknown parameter" 2 "unknown parameter 'nope'" "${vary[@]}" nope=30:31:1
for spec in x=1:2 x=a:1:1 =1:2:1 x=1.:2:1 x=1:2:1:3 'x=1: 2:1' x=0.0000000000000000001:1:1; do
  quiet "--vary $spec" 2 "'$spec'" "${vary[@]}" "$spec"
done
quiet "--vary, step 0" 2 'STEP must be positive' "${vary[@]}" x=1:2:0
quiet "--vary, from past to" 2 'FROM must not exceed TO' "${vary[@]}" x=2:1:1
quiet "--vary, too many values" 2 'more than 100000 values' "${vary[@]}" x=0:100000:1
quiet "--vary, too many digits" 2 'do not fit in 18 digits' "${vary[@]}" x=0.00000001:99999999999:1
# A scenario that fails on the way prints no sample, nor the header.
echo 'return { perturb = function(event, rng) if rng:chance(0.3) then error("boom") end return event end }' \
  >"$tmp/boom.lua"
quiet "--scenario failing" 3 'boom.lua:1: boom' \
  "$contract" sweep "$ref" "${events[@]}" --scenario "$tmp/boom.lua" --samples 5 --per-sample
quiet "--per-sample with --vary" 2 '--per-sample goes with --scenario' \
  "${vary[@]}" availability_target=99:99.5:0.5 --per-sample
quiet "sweep --format html" 2 'sweep writes text, csv or json' "${vary[@]}" availability_target=99:99.5:0.5 --format html

# Output that cannot be written is exit 6 with the reason, never 0: every
# command's stdout on a full disk, then --output files that cannot be made.
full() {
  local name=$1
  shift
  "$@" >/dev/full 2>"$tmp/full.err"
  local got=$?
  [ "$got" = 6 ] && grep -q 'No space left on device' "$tmp/full.err" ||
    { fail "$name > /dev/full: exit $got, expected 6 and the reason"; cat "$tmp/full.err"; }
}
full eval "$contract" eval "$ref" "${events[@]}"
full "eval --format json" "$contract" eval "$ref" "${events[@]}" --format json
full check "$contract" check "$ref"
full diff "$contract" diff "$ref" "$ref" "${events[@]}" --set-new availability_target=99.5
full test "$contract" test "$ref" "$one_case"
full "sweep --vary" "$contract" sweep "$ref" "${events[@]}" --vary ticket_response_low=30:50:5
full "sweep --scenario" "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 5
full "sweep --per-sample" "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 5 --per-sample
full --help "$contract" --help
: >"$tmp/plain-file"
mkdir -p "$tmp/full-table"
ln -s /dev/full "$tmp/full-table/months.csv"
quiet "eval --output under a file" 6 'Not a directory' "$contract" eval "$ref" "${events[@]}" --output "$tmp/plain-file/out"
quiet "eval --output /dev/full" 6 'Not a directory' "$contract" eval "$ref" "${events[@]}" --output /dev/full
quiet "eval --output to a full disk" 6 'months.csv: No space left on device' \
  "$contract" eval "$ref" "${events[@]}" --output "$tmp/full-table"
quiet "diff --output under a file" 6 'Not a directory' \
  "$contract" diff "$ref" "$ref" "${events[@]}" --output "$tmp/plain-file/out"
# Memory exhaustion is exit 5 (skipped where a small address space stops
# the program from starting at all, as under AddressSanitizer).
if (ulimit -v 300000 && "$contract" --version) >/dev/null 2>&1; then
  (ulimit -v 300000 && exec "$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua \
    --samples 10000000) >"$tmp/nomem.out" 2>"$tmp/nomem.err"
  got=$?
  [ "$got" = 5 ] && grep -q 'out of memory' "$tmp/nomem.err" || { fail "out of memory: exit $got, expected 5"; cat "$tmp/nomem.err"; }
fi
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

# A field the rules do not declare: a warning naming the likely typo, and the
# outage counts as the provider's fault; --strict makes the line invalid.
printf '%s\n' '{"type": "outage", "id": "o-9", "start": "2026-05-12T02:00:00+08:00", "end": "2026-05-12T02:20:00+08:00", "provider_falt": false}' >"$tmp/typo.jsonl"
"$contract" eval "$ref" "$tmp/typo.jsonl" >"$tmp/typo.out" 2>&1
[ $? = 0 ] && grep -qF 'typo.jsonl:1: field "provider_falt" is not declared for events of type outage: ignored on 1 line (did you mean "provider_fault"? a likely typo)' "$tmp/typo.out" ||
  { fail "eval: an undeclared field is a warning"; cat "$tmp/typo.out"; }
quiet "eval --strict" 4 'typo.jsonl:1: field "provider_falt" is not declared for events of type outage (did you mean '"'provider_fault'"'?) (strict)' \
  "$contract" eval "$ref" "$tmp/typo.jsonl" --strict

# test: every folder is a case (no expected.json is a failure, not a skip);
# numbers and decimal strings compare exactly, times as instants; arrays of
# another length show the items missing and extra.
match=$tmp/matching
mkdir -p "$match/misnamed" "$match/exact" "$match/inexact" "$match/items" "$match/none"
for c in misnamed exact inexact items none; do cp tests/golden/reference/ticket-response-45-minor5/events.jsonl "$match/$c/"; done
echo '{"totals": {"amount": "5158.80"}}' >"$match/misnamed/expect.json"
cat >"$match/exact/expected.json" <<'JSON'
{"breaches": [{"pct": 3.0, "amount": "5158.8", "counted": 5158.80}],
 "contract": {"term": {"start": "2026-03-03T16:00:00Z", "end": "2027-03-04T00:00:00.000+08:00"}},
 "totals": {"pct_of_value": "0.30"}}
JSON
echo '{"totals": {"pct_of_value": 0.30000000001}}' >"$match/inexact/expected.json"
echo '{"breaches": [{"rule": "minor.9"}, {"rule": "minor.5"}]}' >"$match/items/expected.json"
echo '{"breaches": []}' >"$match/none/expected.json"
"$contract" test "$ref" "$match" >"$tmp/match.out"
[ $? = 1 ] && grep -q '^1 passed, 4 failed' "$tmp/match.out" &&
  grep -q 'expected.json: no expected.json' "$tmp/match.out" &&
  grep -q 'pct_of_value: expected 0.30000000001, got 0.3' "$tmp/match.out" &&
  grep -q '\$.breaches: expected 2 items, got 1 (arrays match whole: every item, in order)' "$tmp/match.out" &&
  grep -q '\$.breaches\[0\]: missing: {"rule":"minor.9"}' "$tmp/match.out" &&
  [ "$(grep -c 'extra: {"rule":"minor.5"' "$tmp/match.out")" = 1 ] ||
  { fail "test: case folders and matching"; cat "$tmp/match.out"; }

# Every command answers --help (anywhere among its arguments) with its own
# usage on stdout, nothing on stderr, exit 0.
for cmd in eval check diff sweep test; do
  for form in "--help" "-h" "x --help --bogus"; do
    # shellcheck disable=SC2086
    "$contract" "$cmd" $form >"$tmp/help.out" 2>"$tmp/help.err"
    [ $? = 0 ] && grep -q "^usage: contract $cmd " "$tmp/help.out" && [ ! -s "$tmp/help.err" ] ||
      { fail "$cmd $form: not its usage"; head -3 "$tmp/help.out" "$tmp/help.err"; }
  done
done
"$contract" --help | grep -q '^  sweep RULES EVENTS' || fail "contract --help lists no commands"

# Progress goes to stderr on a terminal only (script(1) gives one; the delay
# before the first is 0 so that no timing is involved), and is cleared.
mc=("$contract" sweep "$ref" "${events[@]}" --scenario examples/what-if/late-answers.lua --samples 20)
CONTRACT_PROGRESS_DELAY=0 script -qec "${mc[*]} --format csv >$tmp/tty.csv" /dev/null >"$tmp/tty.out" 2>&1
grep -q 'sweep: 1 of 20 samples' "$tmp/tty.out" && grep -q $'\r\033\[K' "$tmp/tty.out" &&
  grep -q '^samples,seed' "$tmp/tty.csv" || { fail "progress on a terminal"; cat -v "$tmp/tty.out" | head -3; }
CONTRACT_PROGRESS_DELAY=0 script -qec "$contract eval $ref examples/events/tickets.jsonl >/dev/null" /dev/null >"$tmp/tty.out" 2>&1
grep -q 'examples/events/tickets.jsonl: [0-9]* of [0-9]* kB' "$tmp/tty.out" || { fail "progress of an event file"; cat -v "$tmp/tty.out" | head -3; }
CONTRACT_PROGRESS_DELAY=0 "${mc[@]}" >/dev/null 2>"$tmp/notty.err"
[ ! -s "$tmp/notty.err" ] || { fail "progress without a terminal"; cat -v "$tmp/notty.err" | head -3; }

# The contract declares its reports' language and the word for its amounts;
# --lang still overrides; an unknown word is refused with a hint.
sed 's/^contract { id = "uptime-fixture",/contract { lang = "en", amounts = "credit", id = "uptime-fixture",/' \
  tests/reports/fixtures/uptime.lua >"$tmp/credits.lua"
"$contract" eval "$tmp/credits.lua" tests/reports/fixtures/uptime.jsonl >"$tmp/credits.txt" &&
  "$contract" eval "$tmp/credits.lua" tests/reports/fixtures/uptime.jsonl --lang zh >"$tmp/credits.zh" &&
  "$contract" eval "$tmp/credits.lua" tests/reports/fixtures/uptime.jsonl --format html >"$tmp/credits.html" ||
  fail "eval of a contract with its own words: exit $?"
grep -q '^  Total  ' "$tmp/credits.txt" && grep -q 'Service credit' "$tmp/credits.txt" && ! grep -q '违约\|合计\|enalt' "$tmp/credits.txt" &&
  grep -q '服务抵扣合计' "$tmp/credits.zh" && ! grep -q 'Total' "$tmp/credits.zh" &&
  grep -q 'Total service credits' "$tmp/credits.html" && grep -q 'Cumulative service credit after caps' "$tmp/credits.html" &&
  ! grep -q '违约金' "$tmp/credits.html" || { fail "the contract's language and words"; head -20 "$tmp/credits.txt"; }
sed 's/^contract { id = "uptime-fixture",/contract { amounts = "credits", id = "uptime-fixture",/' \
  tests/reports/fixtures/uptime.lua >"$tmp/badword.lua"
quiet "contract amounts typo" 3 "amounts 'credits' is not one of credit, damages, deduction, penalty (did you mean 'credit'?)" \
  "$contract" check "$tmp/badword.lua"

# --explain shows the value in force next to the contract's words.
"$contract" eval "$ref" "${events[@]}" --explain --lang en --set availability_target=99.7 >"$tmp/explain.txt" &&
  grep -A1 '所提供的服务可用性达不到99.9%' "$tmp/explain.txt" | grep -q 'parameters: availability_target 99.7 (the contract: 99.9)' ||
  { fail "--explain: the parameter in force"; grep -A2 '可用性达不到' "$tmp/explain.txt" | head -3; }

# The events that did not count, by type and reason, in the JSON and the reports.
cat >"$tmp/notcounted.jsonl" <<'JSONL'
{"type": "outage", "id": "o-1", "start": "2026-05-12T02:00:00+08:00", "end": "2026-05-12T02:20:00+08:00", "provider_fault": false}
{"type": "outage", "id": "o-2", "start": "2025-05-12T02:00:00+08:00", "end": "2025-05-12T02:20:00+08:00"}
{"type": "outage", "id": "o-3", "start": "2026-06-12T02:00:00+08:00", "end": "2026-06-12T02:20:00+08:00"}
{"type": "outage", "id": "o-3", "start": "2026-06-12T02:00:00+08:00", "end": "2026-06-12T02:20:00+08:00"}
{"type": "outage", "id": "o-4"}
{"type": "nonsense", "id": "x"}
JSONL
"$contract" eval "$ref" "$tmp/notcounted.jsonl" --skip-invalid --format json >"$tmp/notcounted.json" &&
  "$contract" eval "$ref" "$tmp/notcounted.jsonl" --skip-invalid --lang en >"$tmp/notcounted.txt" || fail "not counted: exit $?"
python3 - "$tmp/notcounted.json" "$tmp/notcounted.txt" <<'PY' || fail "the events that did not count"
import json, sys
rows = [(r["type"], r["reason"], r["count"]) for r in json.load(open(sys.argv[1]))["not_counted"]]
assert rows == [("outage", "condition", 1), ("outage", "outside_term", 1), ("outage", "repeat", 1), (None, "invalid", 2)], rows
text = open(sys.argv[2]).read()
assert "Events not counted" in text and "excluded by its type's condition" in text and "invalid, skipped" in text, text
PY

# --updates: a feed with revisions and a retraction gives the result of its latest versions
# alone (eval, and sweep's replays); without it a revision is invalid input.
cat >"$tmp/feed.jsonl" <<'JSONL'
{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00"}
{"type": "ticket", "id": "t-2", "opened": "2026-04-02T10:00:00+08:00", "responded": "2026-04-02T12:50:00+08:00", "restored": "2026-04-02T13:00:00+08:00"}
{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00", "responded": "2026-04-01T10:50:00+08:00", "restored": "2026-04-01T11:00:00+08:00"}
{"type": "ticket", "id": "t-2", "retracted": true}
JSONL
sed -n 3p "$tmp/feed.jsonl" >"$tmp/final.jsonl"
"$contract" eval "$ref" "$tmp/feed.jsonl" --updates --format json >"$tmp/feed.json" &&
  "$contract" eval "$ref" "$tmp/final.jsonl" --format json >"$tmp/final.json" || fail "eval --updates: exit $?"
python3 - "$tmp/feed.json" "$tmp/final.json" <<'PY' || fail "eval --updates: not the latest versions' result"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a.pop("updates") == {"revised": 1, "retracted": 1}, a
for d in (a, b):
    d.pop("warnings"), d.pop("stamp")
assert a == b, (a, b)
PY
mc=(--scenario examples/what-if/late-answers.lua --samples 5 --seed 2 --format csv)
"$contract" sweep "$ref" "$tmp/feed.jsonl" --updates "${mc[@]}" >"$tmp/feed.mc" &&
  "$contract" sweep "$ref" "$tmp/final.jsonl" "${mc[@]}" >"$tmp/final.mc" && cmp -s "$tmp/feed.mc" "$tmp/final.mc" ||
  { fail "sweep --updates: replays of the latest versions"; cat "$tmp/feed.mc" "$tmp/final.mc"; }
quiet "a revision without --updates" 4 'feed.jsonl:3: event id "t-1" was already used for a different event' \
  "$contract" eval "$ref" "$tmp/feed.jsonl"

# --as-of: the standing at an instant (golden cases in tests/golden/reference/asof-*); a time
# that is not RFC 3339 is a usage error, and sweep takes none.
quiet "--as-of without an offset" 2 "--as-of wants an RFC 3339 time" \
  "$contract" eval "$ref" "${events[@]}" --as-of 2026-06-16T11:00:00
quiet "sweep --as-of" 2 "--as-of goes with eval and diff" "${vary[@]}" availability_target=99:99.5:0.5 --as-of 2026-06-16T11:00:00Z
"$contract" eval "$ref" "${events[@]}" --as-of 2026-06-16T11:00:00+08:00 --lang en >"$tmp/asof.txt" &&
  grep -q '^  As of 2026-06-16T11:00:00+08:00: its month is in progress' "$tmp/asof.txt" &&
  grep -q '  minor.1 \*  ' "$tmp/asof.txt" || { fail "eval --as-of: the text report"; head -5 "$tmp/asof.txt"; }

[ "$failures" = 0 ] && echo "cli tests passed" || { echo "$failures cli test(s) failed"; exit 1; }
