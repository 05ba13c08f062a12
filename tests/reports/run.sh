#!/usr/bin/env bash
# The human reports: golden text and CSV outputs for the example year
# (reference contract) and the hosting SLA, the CSV options (--table,
# --output, --bom), diff reports, and the CJK alignment of the text tables
# (align.py).  Usage: run.sh CONTRACT_BINARY SOURCE_DIR
# UPDATE=1 rewrites tests/reports/expected/ — review the files by hand:
# they are the reference.
set -uo pipefail
source "$(dirname "$0")/common.sh"
expected=tests/reports/expected

# compare NAME FILE: FILE must equal expected/NAME.
compare() {
  local name=$1 file=$2
  if [ "${UPDATE:-}" = 1 ]; then mkdir -p "$(dirname "$expected/$name")"; cp "$file" "$expected/$name"; return; fi
  if [ ! -f "$expected/$name" ]; then fail "$name: no expected output (run with UPDATE=1)"; return; fi
  cmp -s "$expected/$name" "$file" || { fail "$name: output differs"; diff -u "$expected/$name" "$file" | head -40; }
}

# golden NAME EXIT COMMAND...: stdout must match expected/NAME, the exit code EXIT.
golden() {
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" = "$want" ] || { fail "$name: exit $got, expected $want"; cat "$tmp/err"; }
  mkdir -p "$(dirname "$tmp/$name")"
  cp "$tmp/out" "$tmp/$name"
  compare "$name" "$tmp/out"
}

# ---- text ----
golden year.txt 0 "$contract" eval "$ref" "${events[@]}"
golden year.zh.txt 0 "$contract" eval "$ref" "${events[@]}" --lang zh
golden year.en.explain.txt 0 "$contract" eval "$ref" "${events[@]}" --lang en --explain
golden sla.txt 0 "$contract" eval "$sla" "${sla_events[@]}"
golden sla.en.txt 0 "$contract" eval "$sla" "${sla_events[@]}" --lang en

# Sections follow the contract: the SLA has no scorecard, acceptance,
# obligations or term cap; its monthly cap cut shows.
for absent in '考核评分表' '验收' '服务成果' '年度得分' '占上限'; do
  grep -q "$absent" "$tmp/sla.txt" && fail "sla.txt shows '$absent', which the SLA does not have"
done
for present in '封顶 Caps applied' '计入 Counted' 'monthly'; do
  grep -q "$present" "$tmp/sla.txt" || fail "sla.txt lacks '$present'"
done
[ "$(grep -c '总得分 Score' "$tmp/year.txt")" = 13 ] || fail "year.txt: expected 13 score sheets"

# An event id with a terminal escape sequence and line breaks reaches the
# terminal as plain text.
printf '%s\n' '{"type": "support_request", "id": "s-\u001b[31mred\u001b[0m\nx\u009b", "created": "2026-03-01T00:00:00Z", "priority": "p1"}' >"$tmp/esc.jsonl"
"$contract" eval "$sla" "$tmp/esc.jsonl" --explain >"$tmp/esc.out" || fail "escape: exit $?"
LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$tmp/esc.out" && fail "a control character reached the text report"
grep -q 's-?\[31mred?\[0m?x??: priority p1' "$tmp/esc.out" || fail "escape: the id is not shown as text"

# ---- CJK alignment of every text table ----
MIN_TABLES=3 python3 tests/reports/align.py "$tmp"/year*.txt "$tmp"/sla*.txt || fail "text tables are not aligned"

# ---- CSV ----
for t in breaches months items incidents findings obligations; do
  golden "year/$t.csv" 0 "$contract" eval "$ref" "${events[@]}" --format csv --table "$t"
  golden "sla/$t.csv" 0 "$contract" eval "$sla" "${sla_events[@]}" --table "$t" --lang en
done
golden year/breaches.zh.csv 0 "$contract" eval "$ref" "${events[@]}" --format csv --lang zh

# --format csv alone gives the breaches table.
"$contract" eval "$ref" "${events[@]}" --format csv >"$tmp/default.csv"
cmp -s "$tmp/default.csv" "$tmp/year/breaches.csv" || fail "--format csv is not the breaches table"

# --output DIR writes every table, the same as --table; --bom prepends EF BB BF.
"$contract" eval "$ref" "${events[@]}" --output "$tmp/dir" --bom || fail "--output: exit $?"
for t in breaches months items incidents findings obligations; do
  [ "$(head -c 3 "$tmp/dir/$t.csv" | od -An -tx1 | tr -d ' \n')" = efbbbf ] || fail "$t.csv: no UTF-8 BOM"
  tail -c +4 "$tmp/dir/$t.csv" | cmp -s - "$tmp/year/$t.csv" || fail "--output $t.csv differs from --table $t"
done
[ "$(ls "$tmp/dir" | wc -l)" = 6 ] || fail "--output: expected 6 tables, got $(ls "$tmp/dir")"

# RFC 4180: every record of a table has the same number of fields; amounts
# are plain decimals; the last running total is the JSON's total.
python3 - "$tmp/year/breaches.csv" "$tmp/year/months.csv" "$tmp/year/items.csv" "$tmp/sla/breaches.csv" <<'EOF' || fail "CSV structure"
import csv, re, sys
ok = True
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    if b"\n" in raw.replace(b"\r\n", b""):
        print(path, ": a line does not end in CRLF"); ok = False
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    if len({len(r) for r in rows}) != 1:
        print(path, ": rows of different lengths"); ok = False
    head = [h.split()[-1] for h in rows[0]]
    for r in rows[1:]:
        for name in ("amount", "counted", "running", "cumulative"):
            if name in head and not re.fullmatch(r"-?\d+\.\d\d", r[head.index(name)]):
                print(path, ": not a plain decimal:", name, r[head.index(name)]); ok = False
sys.exit(0 if ok else 1)
EOF
"$contract" eval "$ref" "${events[@]}" --format json >"$tmp/year.json"
python3 - "$tmp/year.json" "$tmp/year/breaches.csv" "$tmp/year/months.csv" <<'EOF' || fail "CSV totals differ from the JSON"
import csv, json, sys
res = json.load(open(sys.argv[1]))
breaches = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
months = list(csv.reader(open(sys.argv[3], newline="", encoding="utf-8")))
total = res["totals"]["amount"]
assert breaches[-1][9] == total, (breaches[-1][9], total)
assert months[-1][-1] == total, (months[-1][-1], total)
assert [r[7] for r in breaches[1:]] == [b["amount"] for b in res["breaches"]]
EOF

# An unknown table is a usage error; --table goes with CSV only.
"$contract" eval "$ref" "${events[@]}" --table nope >/dev/null 2>&1; [ $? = 2 ] || fail "--table nope: expected exit 2"
"$contract" eval "$ref" "${events[@]}" --format html --table months >/dev/null 2>&1; [ $? = 2 ] || fail "--format html --table: expected exit 2"

# ---- diff ----
what_if=(diff "$ref" "$ref" "${events[@]}" --set-new availability_target=99.5)
golden diff/rules.csv 1 "$contract" "${what_if[@]}" --format csv
golden diff/breaches.csv 1 "$contract" "${what_if[@]}" --table breaches --lang en
golden diff/totals.csv 1 "$contract" "${what_if[@]}" --table totals
"$contract" "${what_if[@]}" --output "$tmp/diffdir" >/dev/null; [ $? = 1 ] || fail "diff --output: expected exit 1"
for t in rules breaches totals; do [ -s "$tmp/diffdir/$t.csv" ] || fail "diff --output: no $t.csv"; done
"$contract" "${what_if[@]}" --format html >"$tmp/diff.html"; [ $? = 1 ] || fail "diff --format html: expected exit 1"
grep -q 'data-rule="minor.1" data-before="8598.00" data-after="0.00"' "$tmp/diff.html" || fail "diff html: minor.1 before/after"
"$contract" diff "$ref" "$ref" "${events[@]}" --format csv >/dev/null; [ $? = 0 ] || fail "identical diff csv: expected exit 0"

if [ "$failures" -ne 0 ]; then
  echo "$failures report check(s) failed"
  exit 1
fi
echo "reports: all checks passed"
