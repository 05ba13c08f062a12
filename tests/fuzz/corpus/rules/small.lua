-- tests/oom/small.lua — a small contract that still uses every part of the
-- engine: parameters, severity, events with every field kind, month and
-- event rules, a cluster, a streak, incidents with a calendar, termination,
-- a scorecard, acceptance, obligations, payments, a function rule, caps.
contract { id = "oom", term = { "2026-01-01", "2026-04-01" }, timezone = "+08:00", signed = "2025-12-31" }
param { "value", "100000.00", unit = "money" }
param { "limit", 30, unit = "min" }
param { "target", 99.9, unit = "%" }
param { "window", 7, unit = "d" }
param { "two", 2, unit = "count" }
param { "pass", 60, unit = "points" }
param { "days", 5, unit = "count" }
severity { field = "impact", "none", "serious" }
penalty_base { pct = 10, of = P.value }
cap "term" { window = "term", pct = 10, of = P.value }
cap "month" { window = "month", pct = 5, of = P.value }
calendar "busy" { { "2026-02-01", "2026-02-03", "a busy week" } }
workdays { off = { { "2026-01-02", "2026-01-02", "holiday" } }, on = { { "2026-01-10", "2026-01-10", "make-up" } } }
event "ticket" { anchor = "opened", { "opened", "time", required = true }, { "answered", "time" },
  { "impact", "severity" }, { "note", "string" }, order = { "opened <= answered" } }
event "outage" { anchor = "start", ends = "end", { "start", "time", required = true }, { "end", "time", required = true },
  { "users", "integer", default = 0 }, { "loss", "money", default = 0 }, { "ours", "bool", default = true },
  { "impact", "severity" }, order = { "start <= end" }, counts_when = is("ours", true) }
event "score" { anchor = "month", { "month", "month", required = true }, { "item", "enum", values = { "a", "b" }, required = true },
  { "t", "fraction", required = true }, { "q", "fraction", required = true } }
event "survey" { anchor = "at", accept = { after_term_months = 1 }, { "at", "time", required = true }, { "percent", "number", required = true } }
event "report" { anchor = "at", { "at", "time", required = true }, { "kind", "enum", values = { "monthly" }, required = true } }
event "funds" { anchor = "at", accept = "from_signing", { "at", "time", required = true } }
measure "reply" { average = { "ticket", "opened", "answered" }, unit = "min", label = "average reply" }
measure "up" { availability = "outage", unit = "%", label = "availability" }
measure "open" { count = "ticket", where = absent "answered", label = "open tickets" }
measure "score" { score = true, label = "score", unit = "points" }
month_columns { { "availability", "up" }, { "reply", "reply" }, { "open", "open" }, { "score", "score" } }
annual { score = "score", availability = "up" }
scorecard { on = "score", month = "month", item = "item", components = { { "t" }, { "q" } }, digits = 2,
  items = { { "a", "甲", "A", max = 10, weights = { 0.5, 0.5 } }, { "b", "乙", "B", max = 5, weights = { 0.4, 0.6 } } },
  grades = { { "good", band = { ge = P.pass } }, { "bad", band = { lt = P.pass } } } }
breach "slow.1" { class = "minor", pct = 3, month = "reply", band = { gt = P.limit }, impact = impact "none" }
breach "down.1" { class = "minor", pct = 5, month = "up", band = { lt = P.target } }
breach "long.1" { class = "minor", pct = 2, on = "outage", where = span("start", "end", { ge = P.limit }) }
breach "many.1" { class = "minor", pct = 4, on = "outage", cluster = { window = P.window, count_ge = P.two } }
breach "low.1" { class = "minor", pct = 1, month = "score", band = { lt = P.pass }, streak = P.two }
breach "fn.1" { class = "minor", pct = 1, check = function(m, p) return (m.reply or 0) > p.limit, "slow" end }
incident "A.big" { class = "A", on = "outage", where = { within("start", "busy"), num("users", { ge = P.two }) } }
violation "quiet" { on = "ticket", where = absent "answered" }
termination { { "A", incidents = "A", at_least = 1 }, { "quiet", violations = "quiet", at_least = P.two } }
finding "unanswered" { on = "ticket", where = absent "answered" }
acceptance { { "up", measure = "up", band = { gt = P.target } }, { "survey", latest = { "survey", "percent" }, band = { gt = 90 } } }
obligations { on = "report", by = "kind", { "monthly", due = 3, by_day = P.days } }
payments { instalments = { { pct = 70, due = { working_days = P.days, after = { "signed", "funds" } } } },
  bond = { amount = P.value, due = { working_days = P.days, after = { "signed" } } }, holdover = { days_per_year = 365 } }
