-- examples/what-if/late-answers.lua — a scenario for `contract sweep --scenario`.
-- What if the provider's answers slip during the holiday season?  Every ticket
-- in October to February is answered and restored later by a random delay
-- (exponential, mean 12 minutes), and with probability 0.3 each month gets an
-- extra 90-minute outage.
local OCT_1, MAR_1 = time("2026-10-01T00:00:00+08:00"), time("2027-03-01T00:00:00+08:00")

return {
  -- perturb changes tickets opened from October to February only and draws
  -- nothing for other events: the others are replayed without a call (the
  -- same figures, faster).  A ticket's anchor is its opening time.
  touches = { { "ticket", from = OCT_1, to = MAR_1 } },
  perturb = function(e, rng)
    if e.type == "ticket" and e.opened >= OCT_1 and e.opened < MAR_1 then
      local delay = math.floor(rng:exponential(12) * MINUTE)
      if e.responded then e.responded = e.responded + delay end
      if e.restored then e.restored = e.restored + delay end
    end
    return e
  end,
  extra = function(rng)
    local added = {}
    for month = 0, 4 do
      if rng:chance(0.3) then
        local start = OCT_1 + month * 30 * DAY + rng:int(0, 27) * DAY + 10 * HOUR
        added[#added + 1] = { type = "outage", id = "extra-" .. month, start = start, ["end"] = start + 90 * MINUTE,
                              affected_users = rng:int(10, 400), impact = "incident" }
      end
    end
    return added
  end,
}
