-- examples/scale-out/serious-outages.lua — a scenario for the reference contract.
-- What if serious outages came on top of the recorded year?  Each month of the
-- term has probability 0.12 of an extra provider-caused outage of 3 to 9 hours
-- affecting 50 to 500 users: long and wide enough ones are B incidents
-- (附件4, 4–8 h and 100 users or more) or A incidents (8 h and 300 users or
-- more), and one A or three B incidents give the client the right to
-- terminate (第十四条(四)).  Recorded events are left as they were.
local TERM_START = time("2026-03-04T00:00:00+08:00")

return {
  extra = function(rng)
    local added = {}
    for month = 0, 11 do
      if rng:chance(0.12) then
        local start = TERM_START + month * 30 * DAY + rng:int(0, 27) * DAY + rng:int(8, 20) * HOUR
        added[#added + 1] = { type = "outage", id = "serious-" .. month, start = start,
                              ["end"] = start + rng:int(180, 540) * MINUTE,
                              affected_users = rng:int(50, 500), impact = "incident" }
      end
    end
    return added
  end,
}
