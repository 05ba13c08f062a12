-- examples/scale-out/rough-year.lua — a scenario for the hosting SLA (examples/hosting-sla/).
-- What if the year were rougher than the recorded one?  Every unplanned
-- downtime lasts longer by a random factor (exponential, mean +50%), P1
-- requests get their first reply later (exponential, mean 10 minutes), and
-- each month has probability 0.25 of an extra unplanned downtime of 20 to
-- 120 minutes.  Planned maintenance is left as it was (SLA §4.4).
local JAN_1 = time("2026-01-01T00:00:00Z")

return {
  perturb = function(e, rng)
    if e.type == "downtime" and not e.planned then
      local length = e["end"] - e.start
      e["end"] = e["end"] + math.floor(length * rng:exponential(0.5))
    elseif e.type == "support_request" and e.priority == "p1" and e.first_reply then
      e.first_reply = e.first_reply + math.floor(rng:exponential(10) * MINUTE)
    end
    return e
  end,
  extra = function(rng)
    local added = {}
    for month = 0, 11 do
      if rng:chance(0.25) then
        local start = JAN_1 + month * 30 * DAY + rng:int(0, 27) * DAY + rng:int(0, 23) * HOUR
        added[#added + 1] = { type = "downtime", id = "rough-" .. month, start = start,
                              ["end"] = start + rng:int(20, 120) * MINUTE, service = "web" }
      end
    end
    return added
  end,
}
