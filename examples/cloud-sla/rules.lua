-- examples/cloud-sla/rules.lua
--
-- A public-cloud compute SLA in the manner of a region-level compute SLA:
-- monthly uptime tiers per Region, credited as a share of that Region's
-- bill for the month (the bill comes from invoice events), a minimum credit
-- and a cap of the bill; and a support rider with response targets by case
-- priority, credited as a share of the month's support fee under a cap of
-- its own.  README.md in this directory gives the agreement the rules cite.
-- Written in the rule language only: nothing in the engine is particular to
-- it.  Every threshold is a parameter (`--set NAME=VALUE`).

contract {
  id = "nimbus-compute-sla-2026",
  title = "Nimbus Compute Service Level Agreement 2026",
  currency = "USD",
  timezone = "+00:00",                       -- SLA §1.2: billing cycles are calendar months in UTC
  signed = "2025-12-01",
  term = { "2026-01-01", "2027-01-01" },     -- SLA §2
  clause = "SLA §2",
}

-- Service commitment and credits (SLA §3, §4) -------------------------------------
param { "uptime_commitment", 99.99, unit = "%", min = 90, max = 100, clause = "SLA §3",
        doc = "Region-Level Monthly Uptime Percentage committed; below it a credit is due" }
param { "uptime_tier2", 99.0, unit = "%", min = 90, max = 100, clause = "SLA §4.1, §4.2",
        doc = "below it the 30% tier" }
param { "uptime_tier3", 95.0, unit = "%", min = 0, max = 100, clause = "SLA §4.2, §4.3",
        doc = "below it the 100% tier" }
param { "credit_tier1_pct", 10, unit = "%", max = 100, clause = "SLA §4.1", doc = "of the Region's Monthly Bill" }
param { "credit_tier2_pct", 30, unit = "%", max = 100, clause = "SLA §4.2", doc = "of the Region's Monthly Bill" }
param { "credit_tier3_pct", 100, unit = "%", max = 100, clause = "SLA §4.3", doc = "of the Region's Monthly Bill" }
param { "min_credit", "10.00", unit = "money", max = 1000, clause = "SLA §4.4",
        doc = "least Service Credit for a Region in a month when one is due, USD" }
param { "region_cap_pct", 100, unit = "%", clause = "SLA §4.5",
        doc = "a Region's Service Credits in a month, at most this share of its Monthly Bill" }

-- Support rider (SLA §5) ------------------------------------------------------------
param { "urgent_response", 15, unit = "min", min = 1, max = 1440, clause = "SLA §5.1", doc = "initial response, urgent cases" }
param { "high_response", 1, unit = "h", min = 1, max = 72, clause = "SLA §5.1", doc = "initial response, high cases" }
param { "normal_response", 4, unit = "h", min = 1, max = 72, clause = "SLA §5.1", doc = "initial response, normal cases" }
param { "low_response", 24, unit = "h", min = 1, max = 168, clause = "SLA §5.1", doc = "initial response, low cases" }
param { "urgent_credit_pct", 10, unit = "%", max = 100, clause = "SLA §5.2", doc = "of the month's Support Fee, per late case" }
param { "high_credit_pct", 5, unit = "%", max = 100, clause = "SLA §5.2", doc = "of the month's Support Fee, per late case" }
param { "normal_credit_pct", 2, unit = "%", max = 100, clause = "SLA §5.2", doc = "of the month's Support Fee, per late case" }
param { "low_credit_pct", 1, unit = "%", max = 100, clause = "SLA §5.2", doc = "of the month's Support Fee, per late case" }
param { "support_cap_pct", 25, unit = "%", clause = "SLA §5.4",
        doc = "support credits of a month, at most this share of its Support Fee" }

-- Events ------------------------------------------------------------------------------
-- SLA §1.3, §1.4: a Region is Unavailable from `start` to `end`; Scheduled
-- Maintenance (`scheduled: true`) is recorded and counts toward nothing.
event "region_unavailable" {
  label = "region unavailability", anchor = "start", ends = "end", accept = "overlap", clause = "SLA §1.3",
  { "start", "time", required = true },
  { "end", "time", required = true },
  { "region", "enum", values = { "us-east-1", "eu-west-1" }, required = true },
  { "scheduled", "bool", default = false },
  { "cause", "string" },
  order = { "start <= end" },
  counts_when = is("scheduled", false),
}

-- SLA §1.6: the invoice of a billing cycle (`month`), one line per service
-- and Region.  Strict: a misspelt field of an invoice is invalid input, not
-- a warning, since money is read from it.
event "invoice" {
  label = "invoice", anchor = "month", clause = "SLA §1.6", strict = true,
  { "month", "month", required = true },
  { "service", "enum", values = { "compute", "support" }, required = true },
  { "region", "enum", values = { "us-east-1", "eu-west-1" } },
  { "amount", "money", required = true, min = 0 },
  { "issued", "time" },
}

-- SLA §1.7, §5: support cases, by priority.
event "support_case" {
  label = "support case", anchor = "opened", clause = "SLA §1.7",
  { "opened", "time", required = true },
  { "responded", "time" },
  { "priority", "enum", values = { "urgent", "high", "normal", "low" }, required = true },
  { "subject", "string" },
  order = { "opened <= responded" },
}

-- Measures --------------------------------------------------------------------------------
-- SLA §1.5: one uptime per Region; the union of its unavailable intervals.
measure "uptime_us" { availability = "region_unavailable", where = is("region", "us-east-1"),
                      label = "us-east-1 uptime", unit = "%", clause = "SLA §1.5" }
measure "uptime_eu" { availability = "region_unavailable", where = is("region", "eu-west-1"),
                      label = "eu-west-1 uptime", unit = "%", clause = "SLA §1.5" }
-- SLA §1.6: the Monthly Bill of each Region, and the Support Fee.
measure "bill_us" { sum = { "invoice", "amount" }, where = { is("service", "compute"), is("region", "us-east-1") },
                    label = "us-east-1 bill", clause = "SLA §1.6" }
measure "bill_eu" { sum = { "invoice", "amount" }, where = { is("service", "compute"), is("region", "eu-west-1") },
                    label = "eu-west-1 bill", clause = "SLA §1.6" }
measure "support_fee" { sum = { "invoice", "amount" }, where = is("service", "support"),
                        label = "support fee", clause = "SLA §1.6" }

month_columns {
  { "uptime_us_east_1", "uptime_us" },
  { "uptime_eu_west_1", "uptime_eu" },
  { "bill_us_east_1", "bill_us" },
  { "bill_eu_west_1", "bill_eu" },
  { "support_fee", "support_fee" },
}

-- Service credits (SLA §4): per Region, exclusive tiers, a share of that
-- Region's bill for the month, at least the minimum credit.
local function uptime_tiers(region, measure, bill)
  breach(region .. ".1") {
    class = "uptime", pct = P.credit_tier1_pct, of = bill, min = P.min_credit, clause = "SLA §4.1",
    text = "Region-Level Monthly Uptime below 99.99% but at least 99.0%: 10% of the Region's Monthly Bill",
    month = measure, band = { ge = P.uptime_tier2, lt = P.uptime_commitment },
  }
  breach(region .. ".2") {
    class = "uptime", pct = P.credit_tier2_pct, of = bill, min = P.min_credit, clause = "SLA §4.2",
    text = "Region-Level Monthly Uptime below 99.0% but at least 95.0%: 30% of the Region's Monthly Bill",
    month = measure, band = { ge = P.uptime_tier3, lt = P.uptime_tier2 },
  }
  breach(region .. ".3") {
    class = "uptime", pct = P.credit_tier3_pct, of = bill, min = P.min_credit, clause = "SLA §4.3",
    text = "Region-Level Monthly Uptime below 95.0%: 100% of the Region's Monthly Bill",
    month = measure, band = { lt = P.uptime_tier3 },
  }
  -- SLA §4.5: a Region's credits of a month never exceed its bill.
  cap(region) { window = "month", pct = P.region_cap_pct, of = bill, clause = "SLA §4.5",
                rules = { region .. ".1", region .. ".2", region .. ".3" } }
end
uptime_tiers("us-east-1", "uptime_us", "bill_us")
uptime_tiers("eu-west-1", "uptime_eu", "bill_eu")

-- Support credits (SLA §5.2): each case answered later than its priority's
-- target; exactly at the target is on time.
local function late_response(n, priority, target, credit)
  breach("support." .. n) {
    class = "support", pct = credit, of = "support_fee", clause = "SLA §5.2",
    text = "Initial response to a " .. priority .. " case later than its target: a share of the month's Support Fee",
    on = "support_case", where = { is("priority", priority), span("opened", "responded", { gt = target }) },
  }
end
late_response(1, "urgent", P.urgent_response, P.urgent_credit_pct)
late_response(2, "high", P.high_response, P.high_credit_pct)
late_response(3, "normal", P.normal_response, P.normal_credit_pct)
late_response(4, "low", P.low_response, P.low_credit_pct)

-- SLA §5.3: a case without a response is reported; its credit waits for it.
finding "support_unanswered" {
  clause = "SLA §5.3", on = "support_case", where = absent "responded",
}
-- SLA §1.6: a compute invoice line without a Region belongs to no bill.
finding "invoice_without_region" {
  clause = "SLA §1.6", on = "invoice", where = { is("service", "compute"), absent "region" },
}

-- SLA §5.4: support credits of a month, under a cap of their own.
cap "support" { window = "month", pct = P.support_cap_pct, of = "support_fee", class = "support", clause = "SLA §5.4" }
