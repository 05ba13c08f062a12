-- examples/what-if/what_if.lua — what if every ticket were answered 10 minutes later?
--
-- From the repository root, after building:
--
--   LUA_CPATH='build/lua/?.so' lua5.4 examples/what-if/what_if.lua [--minutes N] [RULES [EVENTS.jsonl ...]]
--
-- Reads the example year (examples/events/*.jsonl), evaluates it as it is
-- and with every ticket's `responded` and `restored` 10 minutes (or N)
-- later, and prints both totals, the difference and the breaches that
-- appear (or go, or change).

local contract = require "contract"

local args = { table.unpack(arg) }
local minutes = 10
if args[1] == "--minutes" then
  minutes = math.tointeger(tonumber(args[2])) or error("--minutes needs a whole number of minutes")
  table.remove(args, 1)
  table.remove(args, 1)
end
local DELAY = minutes * contract.MINUTE
local rules = args[1] or "rules/beijing-sme-secops-2026.lua"
local files = {}
for i = 2, #args do files[#files + 1] = args[i] end
if #files == 0 then
  local ls = assert(io.popen("ls examples/events/*.jsonl 2>/dev/null"))
  for path in ls:lines() do files[#files + 1] = path end
  ls:close()
  if #files == 0 then error("no examples/events/*.jsonl here: run from the repository root") end
end

-- An RFC 3339 time moved by `by` ns, written at the offset it had.
local function later(text, by)
  local ns, offset = contract.time(text)
  return contract.iso(ns + by, offset)
end

local engine = contract.engine(rules)
local as_is = engine:evaluation()
local late = engine:evaluation()
local shifted = 0
for _, path in ipairs(files) do
  local n = 0
  for line in io.lines(path) do
    n = n + 1
    if line:find("%S") then
      local event = contract.decode(line)
      as_is:push(event, path, n)
      if event.type == "ticket" then
        local moved = false
        for _, field in ipairs({ "responded", "restored" }) do
          if type(event[field]) == "string" then
            event[field] = later(event[field], DELAY)
            moved = true
          end
        end
        if moved then shifted = shifted + 1 end
      end
      late:push(event, path, n)
    end
  end
end

local before, after = as_is:result(), late:result()
local t0, t1 = before:totals(), after:totals()

local function money(fen)
  local sign = fen < 0 and "-" or (fen > 0 and "+" or "")
  fen = math.abs(fen)
  return string.format("%s%d.%02d", sign, fen // 100, fen % 100)
end

print(string.format("rules: %s (%d event files, %d tickets answered %d minutes later)", rules, #files, shifted,
                    DELAY // contract.MINUTE))
print(string.format("as recorded:      %12s CNY  (%d breaches%s)", t0.amount, t0.breaches, t0.capped and ", capped" or ""))
print(string.format("%-18s%12s CNY  (%d breaches%s)", minutes .. " minutes later:", t1.amount, t1.breaches,
                    t1.capped and ", capped" or ""))
print(string.format("difference:       %12s CNY", money(t1.amount_fen - t0.amount_fen)))

-- Breaches are matched by rule and month (or time): the ones that appear,
-- the ones that go, and the ones whose amount changes.
local function key(b) return b.rule .. " " .. (b.period or b.at or "") end
local function index(list)
  local out = {}
  for _, b in ipairs(list) do out[key(b)] = b end
  return out
end
local old, new = index(before:breaches()), index(after:breaches())

local function show(mark, b, note)
  print(string.format("  %s %-10s %-25s %10s  %s  %s%s", mark, b.rule, b.period or b.at, b.amount, b.clause, b.reason,
                      note or ""))
end

local appeared, gone = 0, 0
print("breaches that appear (+) or change (~):")
for _, b in ipairs(after:breaches()) do
  local was = old[key(b)]
  if not was then
    show("+", b)
    appeared = appeared + 1
  elseif was.amount ~= b.amount then
    show("~", b, " (was " .. was.amount .. ")")
  end
end
if appeared == 0 then print("  (none)") end
for _, b in ipairs(before:breaches()) do
  if not new[key(b)] then
    if gone == 0 then print("breaches that go:") end
    show("-", b)
    gone = gone + 1
  end
end
local differs = contract.diff(before, after)
if t1.termination_right ~= t0.termination_right then
  print("termination right: " .. tostring(t0.termination_right) .. " -> " .. tostring(t1.termination_right))
end
print(differs and "the results differ" or "the results are the same")
