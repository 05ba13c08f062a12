#!/usr/bin/env bash
# `contract watch`: a feed whose lines arrive over time through a FIFO, a
# followed file, stdin; --format json --clock events.  The feeder writes a
# line, then waits until watch has printed the status it brings before it
# writes the next, so every line is its own change whatever the machine's
# speed: nothing here depends on how long anything takes (the waits only
# guard against a hang).
# Usage: watch.sh CONTRACT_BINARY SOURCE_DIR
set -uo pipefail
contract=$1
cd "$2"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
ref=rules/beijing-sme-secops-2026.lua
failures=0

fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# field FILE N KEY: KEY of the JSON object on line N of FILE (JSON text; "" past the end).
field() {
  python3 - "$@" <<'EOF'
import json, sys
path, n, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, encoding="utf-8").read().splitlines()
if n <= len(lines):
    v = json.loads(lines[n - 1])
    for k in key.split("."):
        v = v[k] if isinstance(v, dict) else [item[k] for item in v]
    print(json.dumps(v, ensure_ascii=False))
EOF
}

# wait_lines FILE N PID: until FILE has N lines (or the process ended).
wait_lines() {
  local tries=0
  while [ "$(wc -l <"$1")" -lt "$2" ]; do
    kill -0 "$3" 2>/dev/null || return 1
    tries=$((tries + 1))
    [ $tries -lt 1200 ] || return 1 # a guard against a hang, not a time limit of the test
    sleep 0.05
  done
}

# wait_exit PID: its exit code.
wait_exit() {
  wait "$1"
}

# The feed: an outage that is open at its own start (no breach yet), a line
# that is not JSON, a ticket whose times are out of order (invalid: its
# December anchor must not move the clock), an exact repeat (counted once),
# a ticket on June 20 (the outage is over: June's breaches, provisional),
# and the satisfaction survey after the term (every month assessed).
cat >"$tmp/feed.jsonl" <<'EOF'
{"type": "outage", "id": "o-1", "start": "2026-05-12T02:00:00+08:00", "end": "2026-05-12T02:20:00+08:00", "affected_users": 12}
{"type": "outage", "id": "o-2", "start": "2026-06-16T10:00:00+08:00", "end": "2026-06-16T12:30:00+08:00", "affected_users": 80, "loss": "20000.00", "impact": "incident"}
this line is not JSON
{"type": "ticket", "id": "t-bad", "opened": "2026-12-01T10:00:00+08:00", "responded": "2026-11-01T10:00:00+08:00"}
{"type": "outage", "id": "o-1", "start": "2026-05-12T02:00:00+08:00", "end": "2026-05-12T02:20:00+08:00", "affected_users": 12}
{"type": "ticket", "id": "t-1", "opened": "2026-06-20T09:00:00+08:00", "responded": "2026-06-20T09:10:00+08:00", "restored": "2026-06-20T09:40:00+08:00"}
{"type": "satisfaction", "id": "v-1", "at": "2027-03-20T10:00:00+08:00", "percent": 93.5}
EOF
nfeed=$(wc -l <"$tmp/feed.jsonl")

# ---- through a FIFO, to the end of its input ----
fifo=$tmp/fifo
mkfifo "$fifo"
"$contract" watch "$ref" "$fifo" --format json --clock events >"$tmp/pipe.out" 2>"$tmp/pipe.err" &
pid=$!
pids+=("$pid")
exec 3>"$fifo"
n=0
while IFS= read -r line; do
  printf '%s\n' "$line" >&3
  n=$((n + 1))
  wait_lines "$tmp/pipe.out" "$n" "$pid" || { fail "pipe: no status after line $n"; break; }
done <"$tmp/feed.jsonl"
exec 3>&-
wait_exit "$pid"
rc=$?
[ "$rc" = 0 ] || fail "pipe: exit $rc at the end of input"
# One line per change (each line read), then the final one.
[ "$(wc -l <"$tmp/pipe.out")" = $((nfeed + 1)) ] || { fail "pipe: $(wc -l <"$tmp/pipe.out") JSON lines for $nfeed lines"; cat "$tmp/pipe.out"; }
for k in $(seq 1 "$nfeed"); do
  [ "$(field "$tmp/pipe.out" "$k" lines)" = "$k" ] && [ "$(field "$tmp/pipe.out" "$k" final)" = false ] ||
    fail "pipe: status $k is not that of line $k"
done
last=$((nfeed + 1))
[ "$(field "$tmp/pipe.out" $last final)" = true ] && [ "$(field "$tmp/pipe.out" $last lines)" = "$nfeed" ] ||
  fail "pipe: the last line is not the final summary"
# The clock: the anchor of the lines read; an open outage counts to it.
[ "$(field "$tmp/pipe.out" 2 as_of)" = '"2026-06-16T10:00:00+08:00"' ] || fail "pipe: the clock after line 2"
[ "$(field "$tmp/pipe.out" 2 month)" = '"2026-06"' ] && [ "$(field "$tmp/pipe.out" 2 breaches)" = 0 ] ||
  fail "pipe: an outage open at its start has cost nothing yet"
# Skipped lines: reported on stderr with file:line, counted as warnings, the clock unmoved.
grep -qF "$fifo:3: skipped" "$tmp/pipe.err" && grep -qF "$fifo:4: skipped" "$tmp/pipe.err" ||
  { fail "pipe: the invalid lines were not reported with file:line"; cat "$tmp/pipe.err"; }
grep -qF "$fifo:5:" "$tmp/pipe.err" || fail "pipe: the repeated event was not reported"
[ "$(grep -c "^$fifo:[0-9]*:" "$tmp/pipe.err")" = 3 ] || { fail "pipe: a warning reported twice"; cat "$tmp/pipe.err"; }
[ "$(field "$tmp/pipe.out" 3 warnings)" = 1 ] && [ "$(field "$tmp/pipe.out" 4 warnings)" = 2 ] ||
  fail "pipe: warnings count"
[ "$(field "$tmp/pipe.out" 4 as_of)" = '"2026-06-16T10:00:00+08:00"' ] || fail "pipe: a skipped line moved the clock"
# June 20: the outage is over, June's breaches are provisional, as eval --as-of says.
[ "$(field "$tmp/pipe.out" 6 provisional.rule)" = '["minor.1", "minor.2"]' ] ||
  fail "pipe: June's provisional breaches: $(field "$tmp/pipe.out" 6 provisional.rule)"
head -6 "$tmp/feed.jsonl" >"$tmp/six.jsonl"
"$contract" eval "$ref" "$tmp/six.jsonl" --skip-invalid --as-of 2026-06-20T09:00:00+08:00 --format json \
  >"$tmp/six.json" 2>/dev/null
python3 - "$tmp/six.json" "$tmp/pipe.out" <<'EOF' || fail "pipe: the status of line 6 differs from eval --as-of"
import json, sys
res = json.load(open(sys.argv[1]))
status = json.loads(open(sys.argv[2]).read().splitlines()[5])
assert status["as_of"] == res["as_of"], (status["as_of"], res["as_of"])
assert status["amount"] == res["totals"]["amount"], (status["amount"], res["totals"])
assert status["breaches"] == len(res["breaches"])
assert [b["rule"] for b in status["provisional"]] == [b["rule"] for b in res["breaches"] if b["provisional"]]
assert status["month_counted"] == next(m["counted"] for m in res["months"] if m["month"] == "2026-06")
EOF
# After the term every month is assessed: the final totals are those of eval.
"$contract" eval "$ref" "$tmp/feed.jsonl" --skip-invalid --format json >"$tmp/eval.json" 2>/dev/null
python3 - "$tmp/eval.json" "$tmp/pipe.out" <<'EOF' || fail "pipe: the final totals differ from eval"
import json, sys
res = json.load(open(sys.argv[1]))
final = json.loads(open(sys.argv[2]).read().splitlines()[-1])
assert final["month"] is None and final["provisional"] == [], final
for key in ("amount", "amount_uncapped", "capped"):
    assert final[key] == res["totals"][key], (key, final[key], res["totals"][key])
assert final["breaches"] == len(res["breaches"]), (final["breaches"], len(res["breaches"]))
assert final["warnings"] == len(res["warnings"]), (final["warnings"], len(res["warnings"]))
assert final["termination"] == res["termination"]["right"]
EOF

# ---- SIGINT: the final summary, exit 0; a line still coming in is not read ----
mkfifo "$tmp/fifo2"
"$contract" watch "$ref" "$tmp/fifo2" --format json --clock events >"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
pids+=("$pid")
exec 3>"$tmp/fifo2"
head -2 "$tmp/feed.jsonl" >&3
wait_lines "$tmp/int.out" 1 "$pid" || fail "sigint: no status"
printf '{"type": "ticket", "id": "t-9", "opened": "2026-06-2' >&3
kill -INT "$pid"
wait_exit "$pid"
rc=$?
exec 3>&-
[ "$rc" = 0 ] || fail "sigint: exit $rc"
n=$(wc -l <"$tmp/int.out")
[ "$(field "$tmp/int.out" "$n" final)" = true ] && [ "$(field "$tmp/int.out" "$n" lines)" = 2 ] ||
  { fail "sigint: no final summary"; cat "$tmp/int.out"; }
grep -qF "$tmp/fifo2:3: the line still coming in when stopped was not read" "$tmp/int.err" ||
  { fail "sigint: the partial line"; cat "$tmp/int.err"; }

# ---- a followed file: lines appended over time, SIGTERM ends it (text: the report, then the status) ----
: >"$tmp/follow.jsonl"
"$contract" watch "$ref" "$tmp/follow.jsonl" --format json --clock events >"$tmp/follow.out" 2>"$tmp/follow.err" &
pid=$!
pids+=("$pid")
n=0
while IFS= read -r line; do
  printf '%s\n' "$line" >>"$tmp/follow.jsonl"
  n=$((n + 1))
  wait_lines "$tmp/follow.out" "$n" "$pid" || { fail "follow: no status after line $n"; break; }
  [ $n -lt 2 ] || break
done <"$tmp/feed.jsonl"
kill -TERM "$pid"
wait_exit "$pid"
rc=$?
[ "$rc" = 0 ] || fail "follow: exit $rc on SIGTERM"
[ "$(wc -l <"$tmp/follow.out")" = 3 ] && [ "$(field "$tmp/follow.out" 3 final)" = true ] &&
  [ "$(field "$tmp/follow.out" 3 lines)" = 2 ] || { fail "follow: the statuses"; cat "$tmp/follow.out"; }

# ---- stdin to its end, text: the report as of now, then the status ----
"$contract" watch "$ref" --clock events <"$tmp/feed.jsonl" >"$tmp/text.out" 2>"$tmp/text.err"
rc=$?
[ "$rc" = 0 ] || fail "text: exit $rc"
grep -qF -- "-:3: skipped" "$tmp/text.err" || { fail "text: stdin's lines are named -"; cat "$tmp/text.err"; }
grep -q "^违约明细 Breach ledger" "$tmp/text.out" && [ "$(tail -n 1 "$tmp/text.out")" = "headroom: none" ] &&
  grep -q "as of 2027-03-20T10:00:00+08:00 (events clock) · $nfeed lines · 3 warnings" "$tmp/text.out" ||
  { fail "text: the final summary"; cat "$tmp/text.out"; }

# ---- --once: a file read to its end; the wall clock ----
"$contract" watch "$ref" "$tmp/feed.jsonl" --once --format json >"$tmp/once.out" 2>/dev/null
rc=$?
n=$(wc -l <"$tmp/once.out")
[ "$rc" = 0 ] && [ "$n" -ge 1 ] && [ "$(field "$tmp/once.out" "$n" final)" = true ] &&
  [ "$(field "$tmp/once.out" "$n" clock)" = '"wall"' ] && [ "$(field "$tmp/once.out" "$n" lines)" = "$nfeed" ] ||
  { fail "once: exit $rc"; cat "$tmp/once.out"; }

# ---- examples/live/play.py: the example year in time order, to the same totals as eval ----
python3 examples/live/play.py --speed 0 >"$tmp/year.jsonl" || fail "play.py: exit $?"
[ "$(wc -l <"$tmp/year.jsonl")" = "$(cat examples/events/*.jsonl | grep -c .)" ] || fail "play.py: lines lost"
"$contract" watch "$ref" --clock events --format json <"$tmp/year.jsonl" >"$tmp/year.out" 2>"$tmp/year.err"
[ $? = 0 ] && [ ! -s "$tmp/year.err" ] || { fail "play.py | watch"; cat "$tmp/year.err"; }
"$contract" eval "$ref" examples/events/*.jsonl --format json >"$tmp/year.json"
python3 - "$tmp/year.json" "$tmp/year.out" "$tmp/year.jsonl" <<'EOF' || fail "play.py | watch: the totals differ from eval"
import json, sys
res = json.load(open(sys.argv[1]))
final = json.loads(open(sys.argv[2]).read().splitlines()[-1])
assert final["final"] and final["amount"] == res["totals"]["amount"], (final["amount"], res["totals"]["amount"])
assert final["breaches"] == len(res["breaches"]) and final["warnings"] == 0
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, "examples/live")
import play
times = [play.event_time(json.loads(line)) for line in open(sys.argv[3])]
known = [t for t in times if t]
assert known == sorted(known), "the playback is not in time order"
EOF

# ---- usage ----
quiet() {
  local name=$1 want=$2 pattern=$3
  shift 3
  "$@" >"$tmp/quiet.out" 2>"$tmp/quiet.err" </dev/null
  local got=$?
  [ "$got" = "$want" ] && grep -qF -- "$pattern" "$tmp/quiet.err" ||
    { fail "$name: exit $got, expected $want and '$pattern'"; cat "$tmp/quiet.err"; }
  [ -s "$tmp/quiet.out" ] && { fail "$name: printed on stdout"; head -3 "$tmp/quiet.out"; }
}
quiet "no rules" 2 "watch needs a rule file" "$contract" watch
quiet "two feeds" 2 "at most one event feed" "$contract" watch "$ref" a b
quiet "format" 2 "text or json" "$contract" watch "$ref" --format csv
quiet "clock" 2 "--clock is wall or events" "$contract" watch "$ref" --clock moon
quiet "as-of" 2 "--as-of" "$contract" watch "$ref" --as-of 2026-06-01T00:00:00+08:00
quiet "unknown option" 2 "unknown option --follow" "$contract" watch "$ref" --follow
quiet "missing feed" 2 "$tmp/none.jsonl: cannot open" "$contract" watch "$ref" "$tmp/none.jsonl"
quiet "rules" 3 "" "$contract" watch tests/cli/fixtures/broken.lua "$tmp/feed.jsonl"
quiet "set" 2 "nope" "$contract" watch "$ref" --set nope=1
"$contract" watch --help | grep -q "^usage: contract watch RULES" || fail "watch --help"
"$contract" --help | grep -q "^  watch RULES" || fail "contract --help lists watch"

[ "$failures" = 0 ] && echo "watch: all passed" || { echo "watch: $failures failed"; exit 1; }
