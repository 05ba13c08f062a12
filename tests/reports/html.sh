#!/usr/bin/env bash
# The HTML report in headless Chromium: the page loads, the charts' marks
# carry the result's values (13 score bars equal to the months' scores in
# the JSON, the 60/80/90 and 99.9 lines, the cumulative penalty ending at
# totals.amount), the charts follow what the rules declare (an uptime
# column at 99.99 % gets a chart with its lines and its breached month
# marked; no chart for a name), every text is escaped, nothing is loaded
# from outside, and it renders to a PNG (1200 wide) and to A4 PDF pages.
# Usage: html.sh CONTRACT_BINARY SOURCE_DIR
# Installs Debian's chromium when missing (as root); exits 77 (skipped)
# only when it cannot be installed.  UPDATE=1 also rewrites docs/report.png.
set -uo pipefail
source "$(dirname "$0")/common.sh"

# ---- chromium ----
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends chromium >"$tmp/apt.log" 2>&1 ||
      { apt-get update >>"$tmp/apt.log" 2>&1 && apt-get install -y --no-install-recommends chromium >>"$tmp/apt.log" 2>&1; }
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    echo "SKIP: chromium is not installed and cannot be installed (no network or not root)"
    tail -5 "$tmp/apt.log" 2>/dev/null
    exit 77
  fi
fi

# chromium ARGS... URL: headless, no network of its own, a fresh profile.
browse() {
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" "$@" 2>>"$tmp/chromium.log"
}

# ---- the reports ----
"$contract" eval "$ref" "${events[@]}" --format html >"$tmp/year.html" || fail "eval --format html: exit $?"
"$contract" eval "$ref" "${events[@]}" --format json >"$tmp/year.json" || fail "eval --format json: exit $?"
"$contract" eval "$sla" "${sla_events[@]}" --format html --lang en >"$tmp/sla.html" || fail "sla html: exit $?"
"$contract" eval "$sla" "${sla_events[@]}" --format json >"$tmp/sla.json" || fail "sla json: exit $?"
"$contract" eval tests/reports/fixtures/uptime.lua tests/reports/fixtures/uptime.jsonl --format html >"$tmp/uptime.html" ||
  fail "uptime html: exit $?"
"$contract" eval tests/reports/fixtures/uptime.lua tests/reports/fixtures/uptime.jsonl --format json >"$tmp/uptime.json"
"$contract" diff "$ref" "$ref" "${events[@]}" --set-new availability_target=99.5 --format html >"$tmp/diff.html"
[ $? = 1 ] || fail "diff --format html: expected exit 1"

# Text that looks like markup, in an event id, comes out as text.
cat >"$tmp/evil.jsonl" <<'EOF'
{"type": "support_request", "id": "<img src=x onerror=alert(1)>&amp;\"'", "created": "2026-03-01T00:00:00Z", "priority": "p1"}
EOF
"$contract" eval "$sla" "$tmp/evil.jsonl" --format html >"$tmp/evil.html" || fail "evil html: exit $?"

# Self-contained: no script, no element that fetches, no URL in attributes
# or CSS; print and narrow-window CSS.
python3 - "$tmp"/{year,sla,diff,evil,uptime}.html <<'EOF' || fail "a page is not self-contained"
import re, sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad, self.css, self.in_style = [], [], False
    def handle_starttag(self, tag, attrs):
        self.in_style = tag == "style"
        if tag in ("script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base"):
            self.bad.append(f"<{tag}>")
        for k, v in attrs:
            if k in ("src", "href", "srcset", "action", "xlink:href") or k.startswith("on"):
                self.bad.append(f"{tag} {k}={v}")
            if v and re.search(r"url\(|https?:", v):
                self.bad.append(f"{tag} {k}={v}")
    def handle_endtag(self, tag):
        self.in_style = False
    def handle_data(self, data):
        if self.in_style:
            self.css.append(data)

ok = True
for path in sys.argv[1:]:
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    css = "".join(p.css)
    if re.search(r"url\(|@import|https?:", css):
        p.bad.append("CSS loads something")
    for need in ("@media print", "@media (max-width", "@page{size:A4"):
        if need not in css:
            p.bad.append(f"CSS lacks {need}")
    if p.bad:
        print(path, p.bad[:5])
        ok = False
sys.exit(0 if ok else 1)
EOF

# ---- the DOM after Chromium loaded the pages ----
for f in year sla diff evil uptime; do
  browse --dump-dom "file://$tmp/$f.html" >"$tmp/$f.dom" || fail "$f: chromium --dump-dom: exit $?"
  [ -s "$tmp/$f.dom" ] || fail "$f: empty DOM"
done

python3 - "$tmp" <<'EOF' || fail "the DOM does not show the result"
import json, sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements, self.stack, self.text = [], [], []
    def handle_starttag(self, tag, attrs):
        chart = next((e["data-chart"] for e in reversed(self.stack) if "data-chart" in e), None)
        e = dict(attrs, tag=tag, chart=chart)
        self.elements.append(e)
        if tag not in ("meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"):
            self.stack.append(e)
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1]["tag"] == tag:
            self.stack.pop()
    def handle_endtag(self, tag):
        if any(e["tag"] == tag for e in self.stack):
            while self.stack.pop()["tag"] != tag:
                pass
    def handle_data(self, data):
        self.text.append(data)

def load(name):
    d = Dom()
    d.feed(open(f"{sys.argv[1]}/{name}.dom", encoding="utf-8").read())
    return d

def find(d, tag, chart=None, **attrs):
    return [e for e in d.elements if e["tag"] == tag and (chart is None or e["chart"] == chart)
            and all(e.get(k.replace("_", "-")) == v for k, v in attrs.items())]

errors = []
def check(ok, what):
    if not ok:
        errors.append(what)

# -- the example year --
res = json.load(open(f"{sys.argv[1]}/year.json"))
d = load("year")
bars = [e for e in find(d, "rect", "scores") if "data-score" in e]
check(len(bars) == 13, f"13 score bars, got {len(bars)}")
want = {m["month"]: m["score"] for m in res["months"]}
for b in bars:
    check(abs(float(b["data-score"]) - want[b["data-month"]]) < 1e-9, f"score bar {b['data-month']}: {b['data-score']} != {want[b['data-month']]}")
check([b["data-month"] for b in bars] == [m["month"] for m in res["months"]], "score bars in month order")
thresholds = sorted(float(e["data-threshold"]) for e in find(d, "line", "scores") if "data-threshold" in e)
check(thresholds == [60.0, 80.0, 90.0], f"score lines 60/80/90, got {thresholds}")
check([e for e in find(d, "line", "availability") if e.get("data-threshold") == "99.9"], "the 99.9 availability line")
points = [e for e in find(d, "circle", "availability") if "data-value" in e]
check(len(points) == 13, f"13 availability points, got {len(points)}")
for p in points:
    m = next(m for m in res["months"] if m["month"] == p["data-month"])
    check(float(p["data-value"]) == m["availability"], f"availability {p['data-month']}")
    check(("low" in p.get("class", "")) == (m["availability"] < 99.9), f"availability {p['data-month']} marked as its rules find it")
check(find(d, "polyline", "availability", data_series="availability"), "the availability line")
total = res["totals"]["amount"]
cum = find(d, "polyline", "cumulative", data_series="cumulative")
check(len(cum) == 1 and cum[0].get("data-last") == total, f"cumulative line ends at {total}: {cum}")
circles = [e for e in find(d, "circle", "cumulative") if "data-cumulative" in e]
check(len(circles) == 13 and circles[-1]["data-cumulative"] == total, "the last cumulative point is totals.amount")
values = [float(c["data-cumulative"]) for c in circles]
check(values == sorted(values), "the cumulative penalty never decreases")
check([e for e in find(d, "line", "cumulative") if e.get("data-cap") == res["contract"]["cap"]], "the cap line")
rows = [e for e in d.elements if e["tag"] == "tr" and "data-amount" in e]
check([r["data-amount"] for r in rows] == [b["amount"] for b in res["breaches"]], "ledger rows = breaches")
check(rows and rows[-1]["data-running"] == total, "the ledger's running total ends at totals.amount")
sheets = [e for e in d.elements if e["tag"] == "table" and "data-score" in e]
check(len(sheets) == 13, f"13 score sheets, got {len(sheets)}")
card = [e for e in d.elements if e.get("id") == "total"]
check(card and card[0].get("data-amount") == total and card[0].get("data-cap") == res["contract"]["cap"], "summary total and cap")
check("附件7" in "".join(d.text), "the score sheets cite 附件7")

# -- the hosting SLA: no scorecard, no cap line, a monthly cap cut --
res = json.load(open(f"{sys.argv[1]}/sla.json"))
d = load("sla")
check(not find(d, "svg", data_chart="scores"), "the SLA has no score chart")
check(not [e for e in d.elements if e.get("id") in ("scores", "acceptance", "obligations")], "the SLA shows no score sheets, acceptance or obligations")
check(not [e for e in find(d, "line") if "data-cap" in e], "the SLA has no term cap line")
cum = find(d, "polyline", "cumulative", data_series="cumulative")
check(cum and cum[0].get("data-last") == res["totals"]["amount"], "SLA cumulative ends at totals.amount")
sla_lines = sorted(float(e["data-threshold"]) for e in find(d, "line", "availability") if "data-threshold" in e)
check(sla_lines == [99.0, 99.5, 99.9], f"the SLA's tiers 99, 99.5, 99.9 as lines, got {sla_lines}")

# -- charts from declarations: an uptime column at 99.99 % --
res = json.load(open(f"{sys.argv[1]}/uptime.json"))
d = load("uptime")
check(not find(d, "svg", data_chart="availability"), "no chart for a name the rules do not use")
lines = sorted(float(e["data-threshold"]) for e in find(d, "line", "uptime") if "data-threshold" in e)
check(lines == [99.0, 99.99], f"the uptime chart's lines are the tiers 99 and 99.99, got {lines}")
marked = [e["data-month"] for e in find(d, "circle", "uptime") if "low" in e.get("class", "")]
check(marked == [b["period"] for b in res["breaches"]] == ["2026-04"], f"the breached month is marked: {marked}")

# -- the diff --
d = load("diff")
rows = {e["data-rule"]: e for e in d.elements if e["tag"] == "tr" and "data-before" in e}
check(rows.get("minor.1", {}).get("data-after") == "0.00", "diff: minor.1 after 0.00")
check([e for e in d.elements if e.get("data-change") == "removed"], "diff: a removed breach")

# -- escaping --
d = load("evil")
check(not find(d, "img"), "an event id became an <img> element")
check("<img src=x onerror=alert(1)>&amp;\"'" in "".join(d.text), "the event id is shown as text")

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF

# ---- pictures: a PNG of the year and A4 PDF pages ----
browse --hide-scrollbars --screenshot="$tmp/year.png" --window-size=1200,3000 "file://$tmp/year.html" >/dev/null
[ "$(head -c 8 "$tmp/year.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "no PNG screenshot"
[ "$(stat -c %s "$tmp/year.png" 2>/dev/null || echo 0)" -gt 50000 ] || fail "the screenshot is nearly empty"
browse --hide-scrollbars --screenshot="$tmp/narrow.png" --window-size=400,2000 "file://$tmp/year.html" >/dev/null
[ -s "$tmp/narrow.png" ] || fail "no narrow-window screenshot"
browse --no-pdf-header-footer --print-to-pdf="$tmp/year.pdf" "file://$tmp/year.html" >/dev/null
[ "$(head -c 5 "$tmp/year.pdf" 2>/dev/null)" = "%PDF-" ] || fail "no PDF"
pages=$(grep -a -c '/Type /Page\b' "$tmp/year.pdf" 2>/dev/null || echo 0)
[ "$pages" -ge 3 ] || fail "the PDF has $pages pages: expected the sections on pages of their own"
grep -aq '/MediaBox \[0 0 59[0-9]\(\.[0-9]*\)\? 84[0-9]' "$tmp/year.pdf" || fail "the PDF pages are not A4"

if [ "${UPDATE:-}" = 1 ]; then
  mkdir -p docs
  browse --hide-scrollbars --screenshot="$PWD/docs/report.png" --window-size=1200,2100 "file://$tmp/year.html" >/dev/null ||
    fail "docs/report.png"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures HTML check(s) failed"
  tail -20 "$tmp/chromium.log"
  exit 1
fi
echo "html: all checks passed"
