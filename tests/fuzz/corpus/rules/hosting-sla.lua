-- examples/hosting-sla/rules.lua
--
-- The second contract: a managed-hosting service level agreement with monthly
-- service credits (README.md in this directory gives the SLA text the rules
-- cite).  It shares nothing with the reference contract but the rule
-- language: its own event types, measures, credits, caps and a rule written
-- as a Lua function.  Every threshold is a parameter (`--set NAME=VALUE`).

contract {
  id = "hosting-sla-2026",
  title = "Managed Hosting Service Level Agreement 2026",
  currency = "USD",
  timezone = "+00:00",                       -- SLA §1.3: Service Months are calendar months in UTC
  signed = "2025-12-15",
  term = { "2026-01-01", "2027-01-01" },     -- SLA §2: 1 January 2026 to 31 December 2026
  clause = "SLA §2",
}

-- Fees (SLA §3) ------------------------------------------------------------------
param { "monthly_fee", "12000.00", unit = "money", clause = "SLA §3.1", doc = "Monthly Fee, USD" }
-- The contract value is twelve Monthly Fees.  The rule language has no
-- expression between parameters: `--set monthly_fee=...` does not change it.
param { "value", "144000.00", unit = "money", clause = "SLA §3.2", doc = "12 × Monthly Fee" }

-- Thresholds ---------------------------------------------------------------------
param { "availability_target", 99.9, unit = "%", clause = "SLA §4",
        doc = "Availability Target; below it a credit is due (§4.1)" }
param { "availability_tier2", 99.5, unit = "%", clause = "SLA §4.1, §4.2", doc = "floor of the 10% tier" }
param { "availability_tier3", 99.0, unit = "%", clause = "SLA §4.2, §4.3", doc = "floor of the 25% tier" }
param { "p1_reply_target", 30, unit = "min", clause = "SLA §5",
        doc = "average first reply to P1 requests, at most" }

-- Credits, % of the Monthly Fee (SLA §4, §5, §6)
param { "credit_tier1_pct", 10, unit = "%", clause = "SLA §4.1" }
param { "credit_tier2_pct", 25, unit = "%", clause = "SLA §4.2" }
param { "credit_tier3_pct", 50, unit = "%", clause = "SLA §4.3" }
param { "credit_p1_pct", 5, unit = "%", clause = "SLA §5.2" }
param { "credit_chronic_pct", 5, unit = "%", clause = "SLA §6" }

-- Caps (SLA §7)
param { "monthly_cap_pct", 50, unit = "%", clause = "SLA §7.1", doc = "of the month's fee" }
param { "annual_cap_pct", 15, unit = "%", clause = "SLA §7.2", doc = "of the fees of any 12 consecutive months" }

-- Events -----------------------------------------------------------------------------
-- SLA §1.4, §4.4: Planned Maintenance (announced ahead, `planned: true`) is
-- recorded and counts toward nothing.
event "downtime" {
  label = "downtime", anchor = "start", ends = "end", accept = "overlap", clause = "SLA §1.4",
  { "start", "time", required = true },
  { "end", "time", required = true },
  { "planned", "bool", default = false },
  { "service", "string" },
  order = { "start <= end" },
  counts_when = is("planned", false),
}

-- SLA §1.5, §5: support requests, by priority.
event "support_request" {
  label = "support request", anchor = "created", clause = "SLA §1.5",
  { "created", "time", required = true },
  { "first_reply", "time" },
  { "priority", "enum", values = { "p1", "p2", "p3" }, required = true },
  order = { "created <= first_reply" },
}

-- Measures -------------------------------------------------------------------------------
measure "availability" { availability = "downtime", label = "availability", unit = "%", clause = "SLA §1.4" }
measure "p1_reply" { average = { "support_request", "created", "first_reply" }, where = is("priority", "p1"),
                     label = "average P1 first reply", unit = "min", clause = "SLA §5.1" }
measure "p1_open" { count = "support_request", where = { is("priority", "p1"), absent "first_reply" },
                    label = "P1 requests without a first reply" }

month_columns {
  { "availability", "availability" },
  { "p1_reply_avg_min", "p1_reply" },
  { "p1_open", "p1_open" },
}
annual { availability = "availability" }

-- Service credits: availability (SLA §4), exclusive tiers --------------------------------
-- The class names the kind of credit.  A month's breaches are listed by class
-- in the order the classes first appear here (availability, support, chronic),
-- then by the number that ends the rule id.
breach "availability.1" {
  class = "availability", pct = P.credit_tier1_pct, base = P.monthly_fee, clause = "SLA §4.1",
  text = "Monthly Availability of at least 99.5% but below 99.9%: 10% of the Monthly Fee",
  month = "availability", band = { ge = P.availability_tier2, lt = P.availability_target },
}
breach "availability.2" {
  class = "availability", pct = P.credit_tier2_pct, base = P.monthly_fee, clause = "SLA §4.2",
  text = "Monthly Availability of at least 99.0% but below 99.5%: 25% of the Monthly Fee",
  month = "availability", band = { ge = P.availability_tier3, lt = P.availability_tier2 },
}
breach "availability.3" {
  class = "availability", pct = P.credit_tier3_pct, base = P.monthly_fee, clause = "SLA §4.3",
  text = "Monthly Availability below 99.0%: 50% of the Monthly Fee",
  month = "availability", band = { lt = P.availability_tier3 },
}

-- Service credit: P1 support (SLA §5) ----------------------------------------------------
breach "support.1" {
  class = "support", pct = P.credit_p1_pct, base = P.monthly_fee, clause = "SLA §5.2",
  text = "Average first reply to P1 requests in the month above 30 minutes: 5% of the Monthly Fee",
  month = "p1_reply", band = { gt = P.p1_reply_target },
}

-- Chronic credit (SLA §6): an example of the function form.  A table cannot
-- join two measures of the same month, so the rule is a Lua function, run
-- once per month with the month's measures by name (a measure without a
-- value that month is nil) and the parameters' current values by name, so
-- `--set` reaches it like any other rule.  It returns whether the credit is
-- due and why.
breach "chronic.1" {
  class = "chronic", pct = P.credit_chronic_pct, base = P.monthly_fee, clause = "SLA §6",
  text = "Availability below target and P1 average first reply above target in the same month: 5%",
  check = function(month, p)
    local a, r = month.availability, month.p1_reply
    if a and r and a < p.availability_target and r > p.p1_reply_target then
      return true, string.format("availability %.4f%% below %s%% and average P1 first reply %.2f min above %s min",
                                 a, p.availability_target, r, p.p1_reply_target)
    end
    return false
  end,
}

-- Reported, no credit (SLA §5.3): a P1 request never answered is left out of
-- the average; it is listed so that it is not forgotten.
finding "p1_unanswered" {
  clause = "SLA §5.3",
  on = "support_request", where = { is("priority", "p1"), absent "first_reply" },
}

-- Caps (SLA §7): each month's own cap, then any twelve consecutive months
-- (the engine applies the narrower window first, whatever the order here).
-- `months` is a literal number.
cap "monthly" { window = "month", pct = P.monthly_cap_pct, of = P.monthly_fee, clause = "SLA §7.1" }
cap "annual" { window = "rolling_months", months = 12, pct = P.annual_cap_pct, of = P.monthly_fee,
               clause = "SLA §7.2" }
