-- examples/implementation/rules.lua
--
-- An implementation contract with milestones: each Milestone of Schedule 1
-- has a due date and a value; achieved late, it costs a rate per calendar day
-- of delay (the due day itself not counted), at most a share of that
-- Milestone's value, and all delay damages together at most a share of the
-- Contract Price.  A Milestone is achieved by the first Delivery that passes
-- its Acceptance Test: one that fails does not stop the clock.  README.md in
-- this directory gives the agreement the rules cite.  Written in the rule
-- language only; every threshold is a parameter (`--set NAME=VALUE`).

contract {
  id = "meridian-erp-implementation-2026",
  title = "Meridian ERP Implementation Agreement 2026",
  currency = "EUR",
  timezone = "+01:00",                       -- §1.5: days are counted in CET, +01:00 all year
  signed = "2025-12-12",
  term = { "2026-01-01", "2027-01-01" },     -- §2.1
  clause = "§2.1",
}

-- Price (§3) ---------------------------------------------------------------------
param { "value", "450000.00", unit = "money", clause = "§3.1", doc = "Contract Price, the sum of the Milestone values, EUR" }

-- Delay damages (§5) ---------------------------------------------------------------
param { "delay_rate", "750.00", unit = "money", max = 100000, clause = "§5.1",
        doc = "delay damages per calendar day a Milestone is achieved after its due date, EUR" }
param { "milestone_cap_pct", 10, unit = "%", max = 100, clause = "§5.2",
        doc = "delay damages of one Milestone, at most this share of its value" }
param { "total_cap_pct", 5, unit = "%", clause = "§5.3",
        doc = "delay damages of all Milestones, at most this share of the Contract Price" }

-- Events -----------------------------------------------------------------------------
-- §1.1, Schedule 1: each Milestone, its due date (only the day counts) and value.
event "milestone" {
  label = "milestone", anchor = "due", clause = "§1.1", strict = true,
  { "due", "time", required = true },
  { "value", "money", required = true, min = 0 },
  { "title", "string" },
}

-- §1.2, §1.3: a Delivery for a Milestone and the result of its Acceptance
-- Test.  Deliveries up to six months after the Term are still assessed (§2.2).
event "delivery" {
  label = "delivery", anchor = "delivered", clause = "§1.2", accept = { after_term_months = 6 },
  { "delivered", "time", required = true },
  { "milestone", "string", required = true },
  { "passed", "bool", required = true },
  { "tested", "time" },
  { "notes", "string" },
  order = { "delivered <= tested" },
}

-- Delay damages (§5.1, §5.2): a Milestone is achieved on the day of its first
-- Delivery that passes (§1.3); each calendar day after the due day up to that
-- day costs the rate, at most a share of the Milestone's value.  Assessed
-- when the Milestone is achieved (§5.4): one not achieved owes nothing yet.
breach "delay.1" {
  class = "delay", clause = "§5.1, §5.2",
  text = "Milestone achieved after its due date: the daily rate per calendar day of delay, at most 10% of its value",
  on = "milestone",
  late = { due = "due",
           done_by = { on = "delivery", match = "milestone", at = "delivered", where = is("passed", true) } },
  amount = per_day(P.delay_rate), max = pct_of(P.milestone_cap_pct, field "value"),
}

-- §1.3: a Delivery that failed its Acceptance Test is reported (it achieves nothing).
finding "acceptance_failed" {
  clause = "§1.3", on = "delivery", where = is("passed", false),
}

-- §5.3: all delay damages over the Term.
cap "total" { window = "term", pct = P.total_cap_pct, of = P.value, clause = "§5.3" }
