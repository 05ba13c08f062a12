contract { id = "broken", term = { "2026-01-01", "2027-01-01" } }
event "job" { anchor = "start", { "start", "time", required = true } }
breach "x.1" { class = "x", pct = 1, on = "job", where = span("start", "finish", { gt = minutes(5) }) }
