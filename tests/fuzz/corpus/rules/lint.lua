-- tests/cli/fixtures/lint.lua — a small contract with every kind of finding
-- `contract check` reports: a hole and an overlap between bands, weights that
-- do not sum to 1, an unused parameter, an unnamed threshold, an id used
-- twice and a cap below a single breach.
contract { id = "lint-fixture", term = { "2026-01-01", "2027-01-01" }, timezone = "+00:00" }
param { "value", "100000.00", unit = "money" }
param { "low", 30, unit = "min", clause = "§1" }
param { "high", 60, unit = "min", clause = "§1" }
param { "never_used", 5, unit = "count" }
param { "cap_pct", 1, unit = "%" }
severity { field = "impact", "none", "serious" }
penalty_base { pct = 100, of = P.value }
cap "tiny" { window = "term", pct = P.cap_pct, of = P.value }
event "job" { anchor = "start", ends = "end",
  { "start", "time", required = true }, { "end", "time", required = true }, { "impact", "severity" } }
measure "wait" { average = { "job", "start", "end" }, unit = "min", label = "average wait" }
-- (30, 60) and [50, 90]: overlap on [50, 60); exactly 30 is not a hole (below the first band),
-- above 90 is.
breach "slow.1" { class = "slow", pct = 2, clause = "§1.1", month = "wait", band = { gt = P.low, lt = P.high } }
breach "slow.2" { class = "slow", pct = 3, clause = "§1.2", month = "wait", band = { ge = minutes(50), le = minutes(90) } }
breach "slow.2" { class = "slow", pct = 3, clause = "§1.3", on = "job", where = span("start", "end", { gt = minutes(600) }) }
event "score" { anchor = "month", { "month", "month", required = true }, { "item", "enum", values = { "a" }, required = true },
  { "t", "fraction", required = true }, { "q", "fraction", required = true } }
scorecard { on = "score", month = "month", item = "item", components = { { "t" }, { "q" } },
  items = { { "a", "甲", "A", max = 10, weights = { 0.5, 0.4 } } },
  grades = { { "good", band = { ge = 80 } }, { "bad", band = { lt = 80 } } } }
