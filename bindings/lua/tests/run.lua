-- bindings/lua/tests/run.lua — tests of the Lua binding (plain Lua 5.4).
--
--   LUA_CPATH='build/lua/?.so;;' LIBCONTRACT_CLI=build/bin/contract lua5.4 bindings/lua/tests/run.lua [PATTERN]
--
-- Each test runs in a protected call; the runner prints every test, the
-- failures with a traceback, and exits non-zero when any failed.  The
-- command line (LIBCONTRACT_CLI) is the reference: the binding must give
-- the same results and the same error messages.

local contract = require "contract"

local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
local SRC = os.getenv("LIBCONTRACT_SOURCE_DIR") or (here .. "/../../..")
local CLI = os.getenv("LIBCONTRACT_CLI") or (SRC .. "/build/bin/contract")
local LUA = os.getenv("LIBCONTRACT_LUA") or "lua5.4"
local RULES = SRC .. "/rules/beijing-sme-secops-2026.lua"
local EVENT_NAMES = { "administration", "incidents", "operations", "scores", "security", "tickets" }
local EVENTS = {}
for i, name in ipairs(EVENT_NAMES) do EVENTS[i] = SRC .. "/examples/events/" .. name .. ".jsonl" end
local SCENARIO = SRC .. "/examples/what-if/late-answers.lua"

-- ---- helpers ------------------------------------------------------------------

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- Runs a command; returns its output (stdout and stderr) and exit code.
local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local _, _, code = p:close()
  return out, code
end

local function cli(args)
  local parts = { q(CLI) }
  for _, a in ipairs(args) do parts[#parts + 1] = q(a) end
  return run(table.concat(parts, " "))
end

local function cli_eval_json(extra)
  local args = { "eval", RULES }
  for _, f in ipairs(EVENTS) do args[#args + 1] = f end
  args[#args + 1] = "--format"
  args[#args + 1] = "json"
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  local out, code = cli(args)
  assert(code == 0, "contract eval failed (" .. tostring(code) .. "): " .. out)
  return contract.decode(out), out
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write_temp(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do out[#out + 1] = line end
  return out
end

local function dump(v, indent)
  indent = indent or ""
  if type(v) ~= "table" then return type(v) == "string" and string.format("%q", v) or tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = indent .. "  " .. tostring(k) .. " = " .. dump(v[k], indent .. "  ") end
  return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
end

-- Deep equality; returns false and the path of the first difference.
local function deep_equal(a, b, path)
  path = path or "$"
  if type(a) ~= type(b) then return false, path .. ": " .. type(a) .. " vs " .. type(b) end
  if type(a) ~= "table" then
    if a == b then return true end
    return false, path .. ": " .. tostring(a) .. " vs " .. tostring(b)
  end
  for k, v in pairs(a) do
    local ok, where = deep_equal(v, b[k], path .. "." .. tostring(k))
    if not ok then return false, where end
  end
  for k in pairs(b) do
    if a[k] == nil then return false, path .. "." .. tostring(k) .. ": missing on the left" end
  end
  return true
end

local function assert_equal(a, b, what)
  local ok, where = deep_equal(a, b)
  if not ok then error((what or "values differ") .. " at " .. where, 2) end
end

-- Calls f and returns the error it raised (fails when it raised none).
local function raises(f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error", 2) end
  return err
end

local function engine(params) return contract.engine(RULES, params) end

local function eval_files(e, opts)
  local ev = e:evaluation(opts)
  for _, f in ipairs(EVENTS) do ev:push_file(f) end
  return ev
end

-- The example year's events as Lua tables, in file order.
local function event_tables()
  local out = {}
  for _, f in ipairs(EVENTS) do
    for _, line in ipairs(lines(f)) do out[#out + 1] = contract.decode(line) end
  end
  return out
end

-- ---- the runner ------------------------------------------------------------------

local tests = {}
local function test(name, f) tests[#tests + 1] = { name = name, f = f } end

-- ---- tests ---------------------------------------------------------------------------

test("version", function()
  local v = contract.version()
  assert(v:match("^%d+%.%d+%.%d+$"), v)
  assert(contract._VERSION == v)
  local out, code = cli({ "--version" })
  assert(code == 0 and out == "contract " .. v .. "\n", out)
  local major, minor, patch = v:match("^(%d+)%.(%d+)%.(%d+)$")
  assert(contract.version_number() == major * 10000 + minor * 100 + patch)
end)

test("engine: contract id, rules, parameters", function()
  local e = engine()
  assert(e:contract_id() == "beijing-sme-secops-2026")
  local rules = e:rules()
  assert(#rules > 10)
  local seen = {}
  for _, r in ipairs(rules) do
    assert(type(r.id) == "string" and type(r.kind) == "string" and math.type(r.line) == "integer")
    seen[r.id] = r
  end
  assert(seen["minor.5"] and seen["minor.5"].kind == "breach" and seen["minor.5"].class == "minor")
  assert(seen["minor.5"].clause:find("附件6", 1, true))
  local params = e:params()
  assert(params.value == "1719600.00", params.value)
  assert(params.base_pct == "10")
  assert(e:param("availability_target") == "99.9")
  assert(e:param("nope") == nil)
  local names = e:param_names()
  assert(names[1] == "value" and #names == #(function() local n = {} for k in pairs(params) do n[#n + 1] = k end return n end)())
  assert(tostring(e):find("beijing-sme-secops-2026", 1, true))
end)

test("engine: set and constructor parameters", function()
  local e = engine({ base_pct = 100, availability_target = "99.5" })
  assert(e:params().base_pct == "100")
  assert(e:params().availability_target == "99.5")
  assert(e:set("availability_target", 99.95) == e)
  assert(e:param("availability_target") == "99.95")
  e:set("cap_pct=20")
  assert(e:param("cap_pct") == "20")
  e:set({ base_pct = "10", cap_pct = 10 })
  assert(e:param("base_pct") == "10" and e:param("cap_pct") == "10")
end)

test("engine: check lints the rule file", function()
  local e = engine()
  local text, count = e:check()
  assert(type(text) == "string" and math.type(count) == "integer" and count > 0)
  local out, code = cli({ "check", RULES })
  assert(code == 0)
  assert(text == out, "check text differs from the command line:\n" .. text .. "\n--- vs ---\n" .. out)
  local json = contract.decode((e:check("json")))
  assert(type(json) == "table")
end)

test("eval files: the same JSON as contract eval", function()
  local expected = cli_eval_json()
  local r = eval_files(engine()):result()
  assert_equal(r:table(), expected, "result JSON")
  local t = r:totals()
  assert(t.amount == "44709.60", t.amount)
  assert(t.amount == expected.totals.amount and t.amount_uncapped == expected.totals.amount_uncapped)
  assert(t.amount_fen == 4470960 and math.type(t.amount_fen) == "integer")
  assert(t.capped == expected.totals.capped and t.cap == expected.contract.cap)
  assert(t.termination_right == expected.termination.right)
  assert(t.breaches == #expected.breaches and t.incidents == #expected.incidents and t.warnings == 0)
end)

test("breaches through the C accessors match the CLI's JSON", function()
  local expected = cli_eval_json()
  local r = eval_files(engine()):result()
  local breaches = r:breaches()
  assert(#breaches == #expected.breaches and #breaches > 0)
  for i, b in ipairs(breaches) do
    local x = expected.breaches[i]
    assert(b.rule == x.rule and b.class == x.class and b.clause == x.clause and b.reason == x.reason, b.rule)
    assert(b.amount == x.amount, b.amount .. " vs " .. x.amount)
    assert(tonumber(b.pct) == x.pct)
    assert(b.period == (x.period ~= contract.null and x.period or nil))
    assert(b.at == (x.at ~= contract.null and x.at or nil))
    assert_equal(b.events, x.events, "events of " .. b.rule)
    assert_equal(r:breach(i), b)
  end
  assert(r:breach(0) == nil and r:breach(#breaches + 1) == nil)
end)

test("push tables: the same result as the files", function()
  local expected = cli_eval_json()
  local ev = engine():evaluation()
  for _, t in ipairs(event_tables()) do assert(ev:push(t) == ev) end
  local got = ev:result():table()
  assert_equal(got, expected, "result of pushed tables")
end)

test("push_line and push_lines: the same result as the files", function()
  local expected = cli_eval_json()
  local e = engine()
  local ev = e:evaluation()
  for i, f in ipairs(EVENTS) do
    for n, line in ipairs(lines(f)) do ev:push_line(line, EVENT_NAMES[i] .. ".jsonl", n) end
  end
  assert_equal(ev:result():table(), expected, "result of push_line")
  -- chunks that split lines anywhere
  local ev2 = e:evaluation()
  for _, f in ipairs(EVENTS) do
    local text = read_file(f)
    for pos = 1, #text, 97 do ev2:push_lines(text:sub(pos, pos + 96), f) end
    ev2:end_stream()
  end
  assert_equal(ev2:result():table(), expected, "result of push_lines")
end)

test("another contract: the hosting SLA", function()
  local rules = SRC .. "/examples/hosting-sla/rules.lua"
  local files = { SRC .. "/examples/hosting-sla/events/downtime.jsonl", SRC .. "/examples/hosting-sla/events/support.jsonl" }
  local out, code = cli({ "eval", rules, files[1], files[2], "--format", "json" })
  assert(code == 0, out)
  local r = contract.engine(rules):evaluate(files)
  assert_equal(r:table(), contract.decode(out), "hosting SLA result")
  assert(#r:breaches() == #contract.decode(out).breaches)
end)

test("months", function()
  local expected = cli_eval_json()
  local r = eval_files(engine()):result()
  local months = r:months()
  assert(#months == #expected.months and #months == 13)
  for i, m in ipairs(months) do
    local x = expected.months[i]
    assert(m.month == x.month)
    assert(m.availability == x.availability)
    if x.score == contract.null then assert(m.score == nil) else assert(math.abs(m.score - x.score) < 1e-9) end
    local avg = r:month_value(i, "ops_response_avg_min")
    if x.ops_response_avg_min == contract.null then assert(avg == nil) else assert(avg == x.ops_response_avg_min) end
  end
  assert(r:month_value(1, "no_such_figure") == nil)
end)

test("parameters set on the engine match --set", function()
  local sets = { base_pct = "100", availability_target = "99.5" }
  local expected = cli_eval_json({ "--set", "base_pct=100", "--set", "availability_target=99.5" })
  local e = engine()
  e:set("base_pct", 100)
  e:set("availability_target", "99.5")
  local r = eval_files(e):result()
  assert_equal(r:table(), expected, "result with parameters")
  assert(r:totals().amount == expected.totals.amount)
  assert(r:totals().amount ~= "44709.60")
  -- the constructor's parameters give the same
  assert_equal(eval_files(engine(sets)):result():table(), expected, "constructor parameters")
  -- a parameter changed after the events were pushed applies to the next result
  local e2 = engine()
  local ev = eval_files(e2)
  local before = ev:result()
  e2:set(sets)
  local after = ev:result()
  assert(before:totals().amount == "44709.60")
  assert_equal(after:table(), expected, "result after set")
end)

test("render: text, json, csv, html, languages", function()
  local r = eval_files(engine()):result()
  local args = { "eval", RULES }
  for _, f in ipairs(EVENTS) do args[#args + 1] = f end
  local out = cli(args)
  assert(r:render() == out, "text report differs from contract eval")
  assert(r:render("text", "both") == out)
  local en = r:render("text", "en")
  local zh = r:render("text", "zh")
  assert(en ~= zh and en:find("44,709.60", 1, true) or en:find("44709.60", 1, true))
  assert(contract.decode(r:render("json")).totals.amount == "44709.60")
  assert(r:json() == r:render("json"))
  -- CSV and HTML: what the library gives, the command line gives
  for _, format in ipairs({ "csv", "html" }) do
    local cli_out, cli_code = cli({ "eval", RULES, EVENTS[6], "--format", format })
    local r6 = engine():evaluate(EVENTS[6])
    local ok, got = pcall(r6.render, r6, format)
    if cli_code == 0 then
      assert(ok and got == cli_out, format)
    else
      assert(not ok and got.code == cli_code and tostring(got) .. "\n" == cli_out, format .. ": " .. tostring(got))
    end
  end
  local ok_csv, csv = pcall(r.render, r, "csv", "both", { bom = true })
  if ok_csv then assert(csv:sub(1, 3) == "\239\187\191") end
  assert(#r:render("text", "both", { explain = true }) > #out)
  local err = raises(r.render, r, "xml")
  assert(err.code == 2 and tostring(err):find("unknown format", 1, true))
  assert(raises(r.render, r, "text", "fr").code == 2)
  assert(raises(r.render, r, "text", "en", { explian = true }).code == 2)
end)

test("errors: a bad rule file", function()
  local err = raises(contract.engine_from_string, "return {\n  x = = 1\n}", "bad.lua")
  assert(contract.is_error(err) and getmetatable(err) == contract.Error)
  assert(err.code == 3 and type(err.status) == "string", err.status)
  assert(tostring(err):match("^bad%.lua:2: "), tostring(err))
  assert(err.file == "bad.lua" and err.line == 2 and type(err.message) == "string")
  -- a file: the same message as the command line prints
  local path = write_temp("contract {\n  id = 1 +\n")
  local lua_err = raises(contract.engine, path)
  local out, code = cli({ "check", path })
  os.remove(path)
  assert(code == 3 and lua_err.code == 3)
  assert(tostring(lua_err) .. "\n" == out, tostring(lua_err) .. " vs " .. out)
  -- a missing file
  local missing = raises(contract.engine, SRC .. "/no/such/rules.lua")
  assert(missing.code == 3, missing.code)
  assert(tostring(missing):find("no/such/rules.lua", 1, true))
  local out2, code2 = cli({ "check", SRC .. "/no/such/rules.lua" })
  assert(code2 == 3 and tostring(missing) .. "\n" == out2, out2)
  -- a missing event file
  local ev = engine():evaluation()
  local io_err = raises(ev.push_file, ev, SRC .. "/no/such/events.jsonl")
  assert(io_err.code == 6 and tostring(io_err):find("no/such/events.jsonl", 1, true), tostring(io_err))
  -- "x" .. err and string methods work as on a string error
  assert(("error: " .. err):find("bad.lua:2:", 1, true))
  assert(err:match("^bad%.lua:(%d+):") == "2")
  assert(err:sub(1, 7) == "bad.lua" and err.nothing == nil)
end)

test("errors: an invalid event names the file and line like the CLI", function()
  local text = table.concat({
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00", "responded": "2026-04-01T09:10:00+08:00"}',
    '{"type": "outage", "id": "o-1", "start": "2026-04-01T10:00:00+08:00", "end": "2026-04-01T09:00:00+08:00"}',
    '{"type": "ticket", "id": "t-2", "opened": "2026-04-02T09:00:00+08:00"}',
  }, "\n") .. "\n"
  local path = write_temp(text)
  local out, code = cli({ "eval", RULES, path })
  assert(code == 4, "CLI exit " .. tostring(code))
  local e = engine()
  local ev = e:evaluation()
  local err = raises(ev.push_file, ev, path)
  assert(err.code == 4 and err.status == "invalid event input", err.status)
  assert(err.file == path and err.line == 2, tostring(err))
  assert(tostring(err) .. "\n" == out, tostring(err) .. " vs " .. out)
  -- the evaluation refuses further events, as the C API does
  local again = raises(ev.push, ev, { type = "ticket", id = "t-9", opened = "2026-04-03T09:00:00+08:00" })
  assert(again.code == 2)
  -- push_line names the line it was given
  local ev2 = e:evaluation()
  local ls = lines(path)
  ev2:push_line(ls[1], "mine.jsonl", 41)
  local err2 = raises(ev2.push_line, ev2, ls[2], "mine.jsonl", 42)
  assert(tostring(err2):match("^mine%.jsonl:42: "), tostring(err2))
  assert(tostring(err2):sub(#"mine.jsonl:42:" + 1) == tostring(err):sub(#(path .. ":2:") + 1))
  -- a table without a file: "(lua)" and the number of the push
  local ev3 = e:evaluation()
  ev3:push(contract.decode(ls[1]))
  local err3 = raises(ev3.push, ev3, contract.decode(ls[2]))
  assert(tostring(err3):match("^%(lua%):2: "), tostring(err3))
  -- not JSON at all
  local ev4 = e:evaluation()
  local err4 = raises(ev4.push_line, ev4, "{not json", "x.jsonl", 7)
  assert(err4.code == 4 and tostring(err4):match("^x%.jsonl:7: "), tostring(err4))
  -- an unknown type
  local err5 = raises(e:evaluation().push, e:evaluation(), { type = "meteor", id = "m" })
  assert(err5.code == 4)
  os.remove(path)
end)

test("errors: an unknown parameter or a bad value", function()
  local e = engine()
  local err = raises(e.set, e, "no_such_param", "1")
  assert(err.code == 2 and tostring(err):find("no_such_param", 1, true), tostring(err))
  local out, code = cli({ "eval", RULES, EVENTS[1], "--set", "no_such_param=1" })
  assert(code == 2)
  assert(tostring(err) .. "\n" == out, tostring(err) .. " vs " .. out)
  assert(raises(e.set, e, "base_pct", "ten").code == 2)
  assert(raises(contract.engine, RULES, { no_such_param = 1 }).code == 2)
  assert(raises(e.set, e, "no_equals_sign").code == 2)
  -- bad option names are usage errors too
  assert(raises(e.evaluation, e, { skip_invalid = true, keepevents = true }).code == 2)
  assert(raises(contract.engine, RULES, nil, { memory_limit = -1 }).code == 2)
  assert(raises(contract.engine, RULES, nil, { memroy_limit = 1 }).code == 2)
end)

test("skip_invalid: bad lines become warnings", function()
  local good = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00", "responded": "2026-04-01T09:10:00+08:00"}'
  local bad = '{"type": "ticket", "id": "t-2", "opened": "2026-04-01T09:00:00+08:00", "responded": "2026-04-01T08:00:00+08:00"}'
  local path = write_temp(good .. "\n" .. bad .. "\n{oops\n")
  local e = engine()
  local r = e:evaluation({ skip_invalid = true }):push_file(path):result()
  local out, code = cli({ "eval", RULES, path, "--skip-invalid", "--format", "json" })
  assert(code == 0, out)
  local expected = contract.decode(out)
  assert_equal(r:table(), expected, "skip_invalid result")
  assert(r:totals().warnings == 2)
  local w = r:warnings()
  assert(#w == 2 and w[1].file == path and w[1].line == 2 and w[2].line == 3, dump(w))
  assert(type(w[1].message) == "string")
  -- tables too
  local ev = e:evaluation({ skip_invalid = true })
  ev:push(contract.decode(good)):push(contract.decode(bad), "tables", 5)
  local w2 = ev:result():warnings()
  assert(#w2 == 1 and w2[1].file == "tables" and w2[1].line == 5, dump(w2))
  -- a field the rules do not declare is a warning; strict makes it invalid
  local typo = '{"type": "ticket", "id": "t-9", "opened": "2026-04-01T09:00:00+08:00", "respnded": "x"}'
  local w4 = e:evaluation():push_line(typo):result():warnings()
  assert(#w4 == 1 and w4[1].message:find('field "respnded" is not declared', 1, true), dump(w4))
  assert(raises(function() e:evaluation({ strict = true }):push_line(typo) end).code == 4)
  -- an exact repeat is counted once, with a warning
  local ev3 = e:evaluation()
  ev3:push(contract.decode(good)):push(contract.decode(good))
  local r3 = ev3:result()
  assert(r3:totals().warnings == 1)
  os.remove(path)
end)

test("diff", function()
  local e = engine()
  local ev = eval_files(e)
  local a = ev:result()
  local same, report = contract.diff(a, ev:result())
  assert(same == false and type(report) == "string")
  assert(type(contract.decode(report)) == "table")
  e:set("base_pct", 100)
  local b = ev:result()
  local differs, json = contract.diff(a, b, "json")
  assert(differs == true)
  local d = contract.decode(json)
  assert(type(d) == "table")
  local differs2, text = a:diff(b, "text", "en")
  assert(differs2 and type(text) == "string" and #text > 0)
  -- the command line agrees
  local args = { "diff", RULES, RULES }
  for _, f in ipairs(EVENTS) do args[#args + 1] = f end
  for _, x in ipairs({ "--set-new", "base_pct=100", "--format", "json" }) do args[#args + 1] = x end
  local out, code = cli(args)
  assert(code == 1)
  assert_equal(d, contract.decode(out), "diff report")
  assert(raises(contract.diff, a, b, "csv").code == 2)
end)

test("replay: equal without a scenario, deterministic per seed", function()
  local e = engine()
  local src = eval_files(e, { keep_events = true })
  local original = src:result()
  local plain = e:evaluation():replay(src):result()
  assert_equal(plain:table(), original:table(), "plain replay")
  local sc = contract.scenario(SCENARIO)
  local function with(seed) return e:evaluation():replay(src, sc, seed):result() end
  local r1, r1b = with(1), with(1)
  assert(r1:json() == r1b:json(), "same seed, different result")
  local totals = {}
  local distinct = 0
  for seed = 1, 8 do
    local amount = with(seed):totals().amount
    if not totals[amount] then distinct = distinct + 1 end
    totals[amount] = true
  end
  assert(distinct > 1, "the scenario changed nothing over 8 seeds")
  -- the scenario only delays: never less than the original
  assert(r1:totals().amount_uncapped_fen >= original:totals().amount_uncapped_fen)
  -- the same seed as the command line's sweep (sample k uses seed S + k) gives the same total
  for _, seed in ipairs({ 1, 3 }) do
    local args = { "sweep", RULES }
    for _, f in ipairs(EVENTS) do args[#args + 1] = f end
    for _, x in ipairs({ "--scenario", SCENARIO, "--samples", "1", "--seed", tostring(seed), "--format", "json" }) do
      args[#args + 1] = x
    end
    local out, code = cli(args)
    assert(code == 0, out)
    local sweep = contract.decode(out)
    assert(sweep.mean == with(seed):totals().amount, "seed " .. seed .. ": " .. sweep.mean)
  end
  local errs = raises(e:evaluation().replay, e:evaluation(), eval_files(e))
  assert(errs.code == 2 and tostring(errs):find("KEEP_EVENTS", 1, true), tostring(errs))
  local other = engine():evaluation({ keep_events = true })
  assert(raises(e:evaluation().replay, e:evaluation(), other).code == 2)
  -- a scenario from text
  local drop = contract.scenario_from_string("return { perturb = function(e) if e.type == 'ticket' then return nil end return e end }", "drop.lua")
  local dropped = e:evaluation():replay(src, drop, 0):result()
  assert(dropped:totals().amount ~= original:totals().amount)
  local bad = raises(contract.scenario_from_string, "return {", "broken.lua")
  assert(tostring(bad):match("^broken%.lua"), tostring(bad))
  sc:close()
  assert(raises(e:evaluation().replay, e:evaluation(), src, sc, 1).code == 2)
end)

test("typed events: the builder gives the same result as JSON", function()
  local e = engine()
  local b = e:event()
  local via_builder = e:evaluation()
  b:reset("ticket", "t-1"):set("opened", "2026-04-01T09:00:00+08:00"):set("responded", "2026-04-01T10:30:00+08:00")
  via_builder:push_event(b)
  local start = contract.time("2026-04-02T10:00:00+08:00")
  b:reset("outage", "o-1"):time("start", start, 480):time("end", start + 300 * contract.MINUTE, 480)
   :int("affected_users", 350):decimal("loss", "20000.00"):bool("provider_fault", true):string("impact", "incident")
  via_builder:push_event(b)
  b:reset("work_item", "w-1"):set("month", "2026-04"):set("item", "security_inspection")
   :set("timeliness", 1):set("quality", 0.9):set("documentation", "0.8")
  via_builder:push_event(b)
  local via_json = e:evaluation()
  via_json:push{ type = "ticket", id = "t-1", opened = "2026-04-01T09:00:00+08:00", responded = "2026-04-01T10:30:00+08:00" }
  via_json:push{ type = "outage", id = "o-1", start = "2026-04-02T10:00:00+08:00", ["end"] = "2026-04-02T15:00:00+08:00",
                 affected_users = 350, loss = "20000.00", provider_fault = true, impact = "incident" }
  via_json:push{ type = "work_item", id = "w-1", month = "2026-04", item = "security_inspection",
                 timeliness = 1, quality = 0.9, documentation = 0.8 }
  local a, j = via_builder:result(), via_json:result()
  assert_equal(a:table(), j:table(), "typed vs JSON")
  assert(a:totals().breaches > 0)
  assert(raises(b.reset, b, "meteor", "m").code == 2)
  b:reset("ticket", "t-2")
  assert(raises(b.set, b, "no_field", 1).code == 2)
  assert(raises(b.bool, b, "opened", true).code == 2)
  assert(raises(e:evaluation().push_event, e:evaluation(), engine():event()).code == 2)
  -- several builders at once: the same result as one at a time
  local batch, builders = e:evaluation(), {}
  for i = 1, 3 do builders[i] = e:event() end
  builders[1]:reset("ticket", "t-1"):set("opened", "2026-04-01T09:00:00+08:00"):set("responded", "2026-04-01T10:30:00+08:00")
  builders[2]:reset("outage", "o-1"):time("start", start, 480):time("end", start + 300 * contract.MINUTE, 480)
   :int("affected_users", 350):decimal("loss", "20000.00"):bool("provider_fault", true):string("impact", "incident")
  builders[3]:reset("work_item", "w-1"):set("month", "2026-04"):set("item", "security_inspection")
   :set("timeliness", 1):set("quality", 0.9):set("documentation", "0.8")
  assert_equal(batch:push_events(builders):result():table(), j:table(), "push_events vs JSON")
  assert(raises(e:evaluation().push_events, e:evaluation(), { engine():event() }).code == 2)
  assert(raises(e:evaluation().push_events, e:evaluation(), { e:event() }).code == 2, "an unbuilt builder")
end)

test("contract.decode: integers stay integers, floats stay floats, null; no contract.encode", function()
  assert(math.type(contract.decode("2.0")) == "float" and math.type(contract.decode("1e2")) == "float")
  assert(math.type(contract.decode("2")) == "integer")
  assert(contract.decode("9007199254740993") == 9007199254740993)
  assert(contract.decode("1776000000000000000") == 1776000000000000000)
  assert(contract.decode(' "\\u00e9\\ud83d\\ude00" ') == "é😀")
  local t = contract.decode('{"s": "中文", "n": 3, "f": 2.5, "z": null, "l": ["x", true, false]}')
  assert(t.s == "中文" and math.type(t.n) == "integer" and t.f == 2.5 and t.z == contract.null)
  assert(t.l[1] == "x" and t.l[2] == true and t.l[3] == false)
  assert(tostring(contract.null) == "null")
  assert(raises(contract.decode, '{"a":').code == 2)
  -- the binding writes no JSON: tables are pushed as typed events
  assert(contract.encode == nil)
  -- an event's integers reach the library as integers (affected_users is an integer field)
  local e = engine()
  local r = e:evaluation():push{ type = "outage", id = "o", start = "2026-04-02T10:00:00+08:00",
                                 ["end"] = "2026-04-02T19:00:00+08:00", affected_users = 300 }:result()
  assert(r:totals().incidents == 1)
end)

-- The first item of a list whose `key` is `value`.
local function find(list, key, value)
  for _, item in ipairs(list) do if item[key] == value then return item end end
end

test("counted: each breach and month after the caps, by hand", function()
  -- a cap of 1% of the value (17,196.00): minor.5 (5,158.80) and minor.1 (8,598.00) count whole,
  -- minor.2 only the 3,439.20 left of its 5,158.80, every later breach nothing
  local r = eval_files(engine({ cap_pct = "1" })):result()
  local t = r:totals()
  assert(t.capped and t.amount == "17196.00" and t.amount_uncapped == "44709.60", dump(t))
  local b = r:breaches()
  assert(b[1].rule == "minor.5" and b[1].counted == "5158.80" and b[1].counted_fen == 515880, dump(b[1]))
  assert(b[2].rule == "minor.1" and b[2].counted == "8598.00")
  assert(b[3].rule == "minor.2" and b[3].amount == "5158.80" and b[3].counted == "3439.20", dump(b[3]))
  assert(b[4].counted == "0.00" and b[4].amount_fen > 0)
  local breaches, months = 0, 0
  for _, x in ipairs(b) do breaches = breaches + x.counted_fen end
  for _, m in ipairs(r:months()) do months = months + m.counted_fen end
  assert(breaches == t.amount_fen and months == t.amount_fen, breaches .. " " .. months)
  assert(find(r:months(), "month", "2026-04").counted == "5158.80")
  -- the cap over the term and what it cut from each breach
  local caps = r:caps()
  assert(#caps == 1 and caps[1].cap == "term" and caps[1].limit == "17196.00" and caps[1].cut == "27513.60", dump(caps))
  local cut = caps[1].breaches[1]
  assert(cut.rule == "minor.2" and cut.cut == "1719.60" and cut.cut_fen == 171960 and cut.breach == 3, dump(cut))
  assert(r:breach(cut.breach).rule == "minor.2")
  assert(#eval_files(engine()):result():caps() == 0)
  assert(r:breach(3).counted == "3439.20" and r:breach(99) == nil)
  assert_equal(r:table(), cli_eval_json({ "--set", "cap_pct=1" }), "capped result")
end)

local ASOF = "2026-06-10T00:00:00+08:00"
local OUTAGE_20_MIN = '{"type": "outage", "id": "o-1", "start": "2026-06-05T10:00:00+08:00", ' ..
                      '"end": "2026-06-05T10:20:00+08:00", "impact": "incident"}'

test("as of an instant: headroom, months in progress, obligations due so far", function()
  local e = engine()
  local ev = e:evaluation({ keep_events = true })
  ev:push(contract.decode(OUTAGE_20_MIN))
  local r = ev:result{ as_of = ASOF }
  assert(r:as_of() == ASOF and ev:result():as_of() == nil)
  -- June has 30 days: 99.9% allows 43.2 min of downtime; after a 20-min outage 23.2 min are left
  local h = r:headroom()
  local minor = find(h, "rule", "minor.1")
  assert(minor and minor.kind == "downtime" and minor.left == "23.2" and minor.unit == "min", dump(h))
  assert(minor.crossed == false and minor.amount == "8598.00" and minor.amount_fen == 859800, dump(minor))
  -- the burn rate: 20 of 43.2 min used (46.3%) in 9 of 30 days (30.0%); at that rate gone on June 20
  assert(minor.used == "46.3" and minor.gone == "30.0" and minor.at == "2026-06-20T10:33:36+08:00", dump(minor))
  assert(type(minor.what) == "string" and minor.what:find("23.2", 1, true), minor.what)
  local cap = find(h, "kind", "cap")
  assert(cap.left == "171960.00" and cap.unit == "money" and cap.at == nil and cap.used == nil, dump(cap))
  -- the same instant in ns
  assert_equal(ev:result{ as_of = contract.time(ASOF) }:table(), r:table(), "as_of in ns")
  -- months: assessed, in progress, not yet
  assert(find(r:months(), "month", "2026-05").assessed == "yes")
  assert(find(r:months(), "month", "2026-06").assessed == "in_progress")
  assert(find(r:months(), "month", "2026-07").assessed == "no")
  assert(ev:result():months()[1].assessed == nil)
  -- obligations: three monthly progress reports due by June 10, none delivered
  local report = find(r:obligations(), "kind", "monthly_progress_report")
  assert(report.due == 12 and report.delivered == 0 and report.due_so_far == 3 and report.shortfall == 3, dump(report))
  assert(find(ev:result():obligations(), "kind", "monthly_progress_report").due_so_far == nil)
  -- field for field the command line's --as-of
  local path = write_temp(OUTAGE_20_MIN .. "\n")
  local out, code = cli({ "eval", RULES, path, "--as-of", ASOF, "--format", "json" })
  assert(code == 0, out)
  assert_equal(r:table(), contract.decode(out), "as-of result")
  -- only an evaluation that keeps its events; option names and times are checked
  local plain = e:evaluation():push_file(path)
  assert(raises(plain.result, plain, { as_of = ASOF }).code == 2)
  assert(raises(ev.result, ev, { as_of = "June" }).code == 2)
  assert(raises(ev.result, ev, { asof = ASOF }).code == 2)
  os.remove(path)
end)

test("updates: revisions and retractions, as the CLI's --updates", function()
  local feed = {
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00"}',
    '{"type": "ticket", "id": "t-2", "opened": "2026-04-01T10:00:00+08:00", "responded": "2026-04-01T13:00:00+08:00"}',
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00", "responded": "2026-04-01T09:40:00+08:00"}',
    '{"type": "ticket", "id": "t-2", "retracted": true}',
  }
  local path = write_temp(table.concat(feed, "\n") .. "\n")
  local out, code = cli({ "eval", RULES, path, "--updates", "--format", "json" })
  assert(code == 0, out)
  local expected = contract.decode(out)
  local e = engine()
  local ev = e:evaluation({ updates = true })
  for i, line in ipairs(feed) do ev:push(contract.decode(line), path, i) end
  local r = ev:result()
  assert_equal(r:updates(), { revised = 1, retracted = 1 }, "updates")
  assert_equal(r:table(), expected, "tables with updates")
  -- ev:retract is the retraction line
  local ev2 = e:evaluation({ updates = true })
  for i = 1, 3 do ev2:push_line(feed[i], path, i) end
  ev2:retract("ticket", "t-2", path, 4)
  assert_equal(ev2:result():table(), expected, "ev:retract")
  -- retracting an id that never came is a warning naming its place
  local w = e:evaluation({ updates = true }):retract("ticket", "t-9", "app", 7):result():warnings()
  assert(#w == 1 and w[1].file == "app" and w[1].line == 7, dump(w))
  -- a malformed retraction is refused in its line's words
  for _, bad in ipairs({ '{"type": "ticket", "id": "t-1", "retracted": false}',
                         '{"type": "ticket", "id": "t-1", "retracted": true, "opened": "2026-04-01T09:00:00+08:00"}' }) do
    local a = raises(e:evaluation({ updates = true }).push, e:evaluation({ updates = true }), contract.decode(bad), "f", 1)
    local b = raises(e:evaluation({ updates = true }).push_line, e:evaluation({ updates = true }), bad, "f", 1)
    assert(a.code == 4 and tostring(a) == tostring(b), tostring(a) .. " vs " .. tostring(b))
  end
  -- without updates: a revision is invalid input, retract a usage error, no counts
  local plain = e:evaluation()
  plain:push(contract.decode(feed[1]))
  assert(raises(plain.push, plain, contract.decode(feed[3])).code == 4)
  local plain2 = e:evaluation()
  assert(raises(plain2.retract, plain2, "ticket", "t-1").code == 2)
  assert(e:evaluation():result():updates() == nil)
  os.remove(path)
end)

test("push tables: refused, warned about and tallied as their JSON lines", function()
  local e = engine()
  local lines_ = {
    '{"type": "ticket", "id": "t-1", "opened": 5}',
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-31T09:00:00+08:00"}',
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-01 09:00"}',
    '{"type": "ticket", "opened": "2026-04-01T09:00:00+08:00"}',
    '{"id": "x"}',
    '{"type": 7, "id": "x"}',
    '{"type": "meteor", "id": "m"}',
    '{"type": "ticket", "id": "", "opened": "2026-04-01T09:00:00+08:00"}',
    '{"type": "ticket", "id": 12, "opened": "2026-04-01T09:00:00+08:00"}',
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00", "responded": true}',
    '{"type": "ticket", "id": "t-1", "opened": {"at": "2026-04-01T09:00:00+08:00"}}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "impact": 3}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "affected_users": "9"}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "provider_fault": "yes"}',
    '{"type": "work_item", "id": "w", "month": 4, "item": "security_inspection", "timeliness": 1, "quality": 1, "documentation": 1}',
    '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00", "responded": "2026-04-01T08:00:00+08:00"}',
    -- values the setters refuse: too many decimals, out of range, not among the values, not a month
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "loss": "1.234567"}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "loss": "12x"}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "affected_users": -5}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "affected_users": 2.5}',
    '{"type": "outage", "id": "o", "start": "2026-04-02T10:00:00+08:00", "end": "2026-04-02T11:00:00+08:00", "impact": "huge"}',
    '{"type": "work_item", "id": "w", "month": "2026-04", "item": "security_inspection", "timeliness": 1.5, "quality": 1, "documentation": 1}',
    '{"type": "work_item", "id": "w", "month": "2026-04", "item": "nothing", "timeliness": 1, "quality": 1, "documentation": 1}',
    '{"type": "work_item", "id": "w", "month": "2026-13", "item": "security_inspection", "timeliness": 1, "quality": 1, "documentation": 1}',
  }
  for i, line in ipairs(lines_) do
    local via_table = e:evaluation()
    local a = raises(via_table.push, via_table, contract.decode(line), "feed", i)
    local b = raises(e:evaluation().push_line, e:evaluation(), line, "feed", i)
    assert(a.code == 4 and b.code == 4, line)
    assert(tostring(a) == tostring(b), "\n  table: " .. tostring(a) .. "\n  line:  " .. tostring(b))
    -- under skip_invalid the same warning
    local wa = e:evaluation({ skip_invalid = true }):push(contract.decode(line), "feed", i):result():warnings()
    local wb = e:evaluation({ skip_invalid = true }):push_line(line, "feed", i):result():warnings()
    assert_equal(wa, wb, "warning of " .. line)
  end
  -- null is absent, as in JSON
  local null = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:00:00+08:00", "responded": null}'
  assert_equal(e:evaluation():push(contract.decode(null)):result():table(),
               e:evaluation():push_line(null):result():table(), "null")
  -- a field the type does not declare: the same warning (with its likely typo), invalid when strict
  local typo = '{"type": "ticket", "id": "t-9", "opened": "2026-04-01T09:00:00+08:00", "respnded": "x", "zzz": {"a": 1}}'
  local wt = e:evaluation():push(contract.decode(typo), "feed", 3):result():warnings()
  local wl = e:evaluation():push_line(typo, "feed", 3):result():warnings()
  assert(#wt == 2 and wt[1].message:find('did you mean "responded"', 1, true), dump(wt))
  assert_equal(wt, wl, "undeclared fields")
  local st = e:evaluation({ strict = true })
  local a = raises(st.push, st, contract.decode(typo), "feed", 3)
  local b = raises(e:evaluation({ strict = true }).push_line, e:evaluation({ strict = true }), typo, "feed", 3)
  assert(a.code == 4 and tostring(a) == tostring(b), tostring(a) .. " vs " .. tostring(b))
  -- a key that is not a string cannot be a field
  assert(raises(e:evaluation().push, e:evaluation(), { type = "ticket", id = "t", [1] = "x" }).code == 4)
  -- the builder notes undeclared fields too
  local builder = e:event():reset("ticket", "t-9"):set("opened", "2026-04-01T09:00:00+08:00"):undeclared("respnded")
  assert(e:evaluation():push_event(builder):result():warnings()[1].message == wt[1].message)
  assert(raises(builder.undeclared, builder, "opened").code == 2)
end)

test("the reports' language: the contract's by default, as the CLI", function()
  local text = read_file(SRC .. "/examples/hosting-sla/rules.lua")
  local en, n = text:gsub("\ncontract {\n", '\ncontract {\n  lang = "en",\n', 1)
  assert(n == 1)
  local e = contract.engine_from_string(en, "hosting-en")
  local r = e:evaluation():push_file(SRC .. "/examples/hosting-sla/events/downtime.jsonl"):result()
  assert(r:render() == r:render("text", "en") and r:render() ~= r:render("text", "both"))
  assert(r:render("text", "contract") == r:render())
  assert(raises(r.render, r, "text", "fr").code == 2)
end)

test("time helpers", function()
  local t, off = contract.time("2026-04-01T09:00:00+08:00")
  assert(t == 1775005200 * 1000000000 and off == 480, t)
  assert(contract.iso(t, 480) == "2026-04-01T09:00:00+08:00")
  assert(contract.iso(t) == "2026-04-01T01:00:00+00:00")
  assert(contract.time("2026-04-01T01:00:00Z") == t)
  assert(contract.time("2026-04-01t01:00:00z") == t)
  local frac = contract.time("2026-04-01T01:00:00.123456789123Z")
  assert(frac == t + 123456789)
  assert(contract.iso(frac, -330) == "2026-03-31T19:30:00.123456789-05:30")
  assert(contract.iso(t + 500000000, 480) == "2026-04-01T09:00:00.5+08:00")
  assert(select(2, contract.time("2026-04-01T01:00:00-00:00")) == 0)
  assert(contract.time("2028-02-29T00:00:00Z"))
  for _, bad in ipairs({ "2026-02-29T00:00:00Z", "2026-04-01T09:00:00", "2026-04-01 09:00:00Z",
                         "2026-13-01T00:00:00Z", "2026-04-01T24:00:00Z", "1899-12-31T00:00:00Z", "2026-04-01T09:00:00+08" }) do
    assert(raises(contract.time, bad).code == 2, bad)
  end
  -- before 1970
  local old = contract.time("1969-12-31T23:59:59.5Z")
  assert(old == -500000000 and contract.iso(old) == "1969-12-31T23:59:59.5+00:00")
  assert(contract.MINUTE == 60 * contract.SECOND and contract.DAY == 24 * contract.HOUR)
end)

test("handles: close, use after close, __close, collectgarbage", function()
  local e = engine()
  local ev = e:evaluation()
  ev:push_file(EVENTS[1])
  local r = ev:result()
  ev:close()
  ev:close()
  assert(raises(ev.push_file, ev, EVENTS[2]).code == 2)
  assert(tostring(ev):find("closed", 1, true))
  r:close()
  assert(raises(r.totals, r).code == 2)
  e:close()
  e:close()
  assert(raises(e.params, e).code == 2)
  assert(raises(e.evaluation, e).code == 2)
  do
    local e2 <close> = engine()
    local ev2 <close> = e2:evaluation()
    ev2:push_file(EVENTS[1])
  end
  -- many handles dropped without closing
  for _ = 1, 20 do
    local x = engine()
    local y = x:evaluation({ keep_events = true })
    y:push_file(EVENTS[3])
    local z = y:result()
    local w = x:evaluation():replay(y)
    local b = x:event()
    local s = contract.scenario(SCENARIO)
    assert(z and w and b and s)
  end
  collectgarbage()
  collectgarbage()
  -- an evaluation dropped before its engine, and the other way round
  local e3 = engine()
  local ev3 = e3:evaluation()
  ev3 = nil
  collectgarbage()
  e3 = nil
  collectgarbage()
  assert(ev3 == nil and e3 == nil)
end)

test("lifetimes: an evaluation keeps its engine, a result outlives it", function()
  local ev = engine():evaluation() -- no other reference to the engine
  collectgarbage()
  collectgarbage()
  for _, f in ipairs(EVENTS) do ev:push_file(f) end
  local r = ev:result()
  assert(r:totals().amount == "44709.60")
  -- closing the engine while an evaluation lives defers freeing it
  local e = ev:engine()
  e:close()
  assert(raises(e.params, e).code == 2)
  local r2 = ev:result()
  assert(r2:totals().amount == "44709.60")
  -- a builder keeps its engine too
  local b = engine():event()
  collectgarbage()
  b:reset("ticket", "t-1"):set("opened", "2026-04-01T09:00:00+08:00")
  -- the result outlives the evaluation and the engine
  ev:close()
  ev, e = nil, nil
  collectgarbage()
  collectgarbage()
  assert(r:totals().amount == "44709.60")
  assert(#r:breaches() == 7)
  assert(r:render("text", "en"):find("minor.5", 1, true))
  assert(tostring(r):find("44709.60", 1, true))
end)

test("engine:evaluate", function()
  local e = engine()
  local r = e:evaluate(EVENTS)
  assert(r:totals().amount == "44709.60")
  assert(e:evaluate(EVENTS[1]):totals().breaches >= 0)
  local path = write_temp('{"type": "ticket", "id": "t", "opened": "2026-04-01T09:00:00+08:00", "responded": "2026-04-01T08:00:00+08:00"}\n')
  assert(raises(e.evaluate, e, { path }).code == 4)
  assert(e:evaluate({ path }, { skip_invalid = true }):totals().warnings == 1)
  os.remove(path)
end)

test("shifting times with contract.time/iso equals a scenario's perturb", function()
  local e = engine()
  local src = eval_files(e, { keep_events = true })
  local shifted = e:evaluation()
  for _, t in ipairs(event_tables()) do
    if t.type == "ticket" then
      for _, field in ipairs({ "responded", "restored" }) do
        if t[field] then
          local ns, offset = contract.time(t[field])
          t[field] = contract.iso(ns + 13 * contract.MINUTE, offset)
        end
      end
    end
    shifted:push(t)
  end
  local sc = contract.scenario_from_string([[
    return { perturb = function(e)
      if e.type == "ticket" then
        if e.responded then e.responded = e.responded + 13 * MINUTE end
        if e.restored then e.restored = e.restored + 13 * MINUTE end
      end
      return e
    end }]], "late13.lua")
  local replayed = e:evaluation():replay(src, sc, 0):result()
  local a, b = shifted:result(), replayed
  assert(a:totals().amount ~= "44709.60")
  assert(a:totals().amount == b:totals().amount, a:totals().amount .. " vs " .. b:totals().amount)
  assert_equal(a:breaches(), b:breaches(), "breaches")
end)

test("installed: the module finds the installed libcontract", function()
  local build, cmake = os.getenv("LIBCONTRACT_BUILD_DIR"), os.getenv("LIBCONTRACT_CMAKE")
  if not build or not cmake then
    print("       (skipped: LIBCONTRACT_BUILD_DIR and LIBCONTRACT_CMAKE are set by ctest)")
    return
  end
  local prefix = os.tmpname()
  os.remove(prefix)
  local out, code = run(q(cmake) .. " --install " .. q(build) .. " --prefix " .. q(prefix))
  assert(code == 0, out)
  local find = io.popen("find " .. q(prefix) .. " -path '*/lua/5.4/contract.so'")
  local module = find:read("l")
  find:close()
  assert(module, "contract.so was not installed under lua/5.4")
  local script = [[
    local c = require "contract"
    local maps = io.open("/proc/self/maps"):read("a")
    local lib = maps:match("(/%S*libcontract%.so[%.%d]*)\n")
    local r = c.engine(arg[1]):evaluate({ arg[2] })
    print(lib, r:totals().breaches)
  ]]
  local path = write_temp(script)
  local cpath = module:gsub("contract%.so$", "?.so")
  local cmd = "LUA_CPATH=" .. q(cpath) .. " " .. LUA .. " " .. q(path) .. " " .. q(RULES) .. " " .. q(EVENTS[6])
  local got, rc = run(cmd)
  os.remove(path)
  run("rm -rf " .. q(prefix))
  assert(rc == 0, got)
  local lib = got:match("^(%S+)")
  assert(lib and lib:sub(1, #prefix) == prefix, "loaded " .. tostring(lib) .. ", not the one in " .. prefix)
end)

local function what_if(args)
  local cpath = package.cpath:match("^([^;]*)")
  local cmd = "cd " .. q(SRC) .. " && LUA_CPATH=" .. q(cpath .. ";;") .. " " .. LUA .. " examples/what-if/what_if.lua " .. args
  return run(cmd)
end

test("examples/what-if/what_if.lua runs", function()
  local out, code = what_if("")
  assert(code == 0, out)
  assert(out:find("as recorded: +44709%.60 CNY"), out)
  assert(out:find("10 minutes later:", 1, true), out)
  assert(out:find("difference:", 1, true), out)
  assert(out:find("breaches that appear", 1, true), out)
  local out13, code13 = what_if("--minutes 13")
  assert(code13 == 0, out13)
  assert(out13:find("+ minor.5    2026-03", 1, true), out13)
  assert(out13:find("difference: +%+61905%.60 CNY"), out13)
end)

-- ---- run ------------------------------------------------------------------------------

local pattern = arg and arg[1]
local passed, failed = 0, 0
for _, t in ipairs(tests) do
  if not pattern or t.name:find(pattern, 1, true) then
    local ok, err = xpcall(t.f, function(e) return debug.traceback(tostring(e), 2) end)
    collectgarbage()
    if ok then
      passed = passed + 1
      print("ok     " .. t.name)
    else
      failed = failed + 1
      print("FAILED " .. t.name .. "\n" .. err:gsub("\n", "\n       "))
    end
  end
end
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1, true)
