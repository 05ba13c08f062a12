-- rules/lib/contract.lua — the rule language of libcontract.
--
-- The engine runs this file in the rule file's sandbox before the rule file
-- itself.  It defines the declaration functions a rule file calls (contract,
-- param, event, measure, breach, ...) and collects what they declare into one
-- table, which the engine then reads into C structures: the rule file only
-- declares, the engine evaluates.  See rules/README.md for the language.
--
-- Arguments from the engine: `line_of_rules` (a function giving the line of
-- the rule file that is running), the rule file's name for messages, and
-- the rule kinds the engine knows (libcontract/src/kinds/): for each, the
-- keys that select it and the keys it reads, with their shapes.
local line_of_rules, rules_name, KINDS = ...

local type, pairs, ipairs, select, tostring = type, pairs, ipairs, select, tostring
local setmetatable, getmetatable, error, next, rawget, rawlen = setmetatable, getmetatable, error, next, rawget, rawlen
local format, concat = string.format, table.concat

local decl = {
  contract = false, params = {}, severity = false, events = {}, measures = {},
  rules = {}, caps = {}, base = false, calendars = {}, workdays = false,
  scorecard = false, acceptance = false, obligations = false, payments = false, opening = false,
  termination = false, month_columns = false, annual = false,
}

local function fail_at(line, fmt, ...)
  error(format("%s:%d: %s", rules_name, line or 0, format(fmt, ...)), 0)
end

local function fail(fmt, ...)
  fail_at(line_of_rules(), fmt, ...)
end

local function expect(value, kind, what)
  if type(value) ~= kind then
    fail("%s must be a %s, not %s", what, kind, type(value))
  end
  return value
end

-- Strict keys ------------------------------------------------------------------
-- A key a declaration does not know is an error, never ignored: a typo
-- (`count_when` for `counts_when`) would otherwise silently change a total.

-- Edit distance of a and b (swapping two neighbours counts one), or more
-- than `bound` when it is over.
local function distance(a, b, bound)
  local la, lb = #a, #b
  if math.abs(la - lb) > bound then return bound + 1 end
  local prev2, prev, cur = {}, {}, {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    cur = { [0] = i }
    local best = i
    for j = 1, lb do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      local d = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
        d = math.min(d, prev2[j - 2] + 1)
      end
      cur[j] = d
      if d < best then best = d end
    end
    if best > bound then return bound + 1 end
    prev2, prev = prev, cur
  end
  return prev[lb]
end

-- The one name nearest to word, when it is near enough to be a typo.
local function nearest(word, names)
  if type(word) ~= "string" then return nil end
  local bound = #word >= 5 and 2 or 1
  local best, best_d, tie = nil, bound + 1, false
  for _, name in ipairs(names) do
    local d = distance(word, name, bound)
    if d < best_d then best, best_d, tie = name, d, false
    elseif d == best_d then tie = true end
  end
  return best_d <= bound and not tie and best or nil
end

local function no_such_key(line, what, key, names)
  local near = nearest(key, names)
  fail_at(line, "%s has no key '%s'%s", what, tostring(key), near and format(" (did you mean '%s'?)", near) or "")
end

-- Refuses a key of spec not in `allowed` (a list of names); the array part
-- (1 .. #spec) is allowed when `array` is true.
local function strict(spec, allowed, what, line, array)
  local known = {}
  for _, k in ipairs(allowed) do known[k] = true end
  local n = array and rawlen(spec) or 0
  for k in next, spec do
    local in_array = math.type(k) == "integer" and k >= 1 and k <= n
    if not in_array and not known[k] then no_such_key(line, what, k, allowed) end
  end
end

-- Every declaration function is called as `name "id" { ... }` or `name { ... }`.
local function curried(fn, what)
  return function(id)
    local line = line_of_rules()
    if type(id) == "table" then return fn(nil, id, line) end
    if type(id) ~= "string" or id == "" then
      fail_at(line, "%s needs a name: %s \"name\" { ... }", what, what)
    end
    return function(spec)
      if type(spec) ~= "table" then
        fail_at(line, "%s \"%s\" needs a table: %s \"%s\" { ... }", what, id, what, id)
      end
      return fn(id, spec, line)
    end
  end
end

-- Quantities ----------------------------------------------------------------
-- A quantity is a named parameter (P.name) or a constant; constants of a
-- duration carry their unit: minutes(30), hours(48), days(7).
local REF = {}
local params_by_name = {}

local function is_ref(v) return getmetatable(v) == REF end

local P = setmetatable({}, {
  __index = function(_, name)
    if not params_by_name[name] then
      local names = {}
      for known in next, params_by_name do names[#names + 1] = known end
      table.sort(names)
      local near = nearest(name, names)
      if near then fail("unknown parameter P.%s (did you mean 'P.%s'?)", tostring(name), near) end
      fail("unknown parameter P.%s (declare it with param { \"%s\", value } first)", tostring(name), tostring(name))
    end
    return setmetatable({ param = name, line = line_of_rules() }, REF)
  end,
  __newindex = function(_, name)
    fail("parameters are declared with param { \"%s\", value }, not assigned", tostring(name))
  end,
})

local function constant(value, unit)
  if type(value) ~= "number" and type(value) ~= "string" then
    fail("a quantity must be a number, a decimal string or P.name")
  end
  return setmetatable({ value = value, unit = unit, line = line_of_rules() }, REF)
end

local function minutes(v) return constant(v, "min") end
local function hours(v) return constant(v, "h") end
local function days(v) return constant(v, "d") end
local function percent(v) return constant(v, "%") end

local function quantity(v, what)
  if is_ref(v) then return v end
  if type(v) == "number" or type(v) == "string" then return constant(v, nil) end
  fail("%s must be a number, a decimal string or P.name", what)
end

-- Bands: { gt = a, lt = b } is the open interval (a, b); ge/le include the
-- bound (以上/以下/以内 include the number, 超过/不满/低于/大于/小于 exclude it);
-- eq = a is the single value a.
local BAND_KEYS = { gt = true, ge = true, lt = true, le = true, eq = true }

local function band(spec, what)
  if type(spec) ~= "table" or is_ref(spec) then
    fail("%s needs a band such as { gt = P.low, lt = P.high }", what)
  end
  for k in pairs(spec) do
    if not BAND_KEYS[k] then fail("%s: unknown band bound '%s' (use gt, ge, lt, le or eq)", what, tostring(k)) end
  end
  local b = { line = line_of_rules() }
  if spec.eq ~= nil then
    if spec.gt or spec.ge or spec.lt or spec.le then fail("%s: eq cannot be combined with other bounds", what) end
    b.lo, b.lo_incl, b.hi, b.hi_incl = quantity(spec.eq, what), true, quantity(spec.eq, what), true
    return b
  end
  if spec.gt ~= nil and spec.ge ~= nil then fail("%s: give gt or ge, not both", what) end
  if spec.lt ~= nil and spec.le ~= nil then fail("%s: give lt or le, not both", what) end
  if spec.gt ~= nil then b.lo, b.lo_incl = quantity(spec.gt, what), false end
  if spec.ge ~= nil then b.lo, b.lo_incl = quantity(spec.ge, what), true end
  if spec.lt ~= nil then b.hi, b.hi_incl = quantity(spec.lt, what), false end
  if spec.le ~= nil then b.hi, b.hi_incl = quantity(spec.le, what), true end
  if not b.lo and not b.hi then fail("%s: a band needs at least one bound", what) end
  return b
end

-- Conditions ----------------------------------------------------------------
local COND = {}
local function cond(t)
  t.line = line_of_rules()
  return setmetatable(t, COND)
end
local function is_cond(v) return getmetatable(v) == COND end

local function field_name(f, what)
  if type(f) ~= "string" or f == "" then fail("%s needs a field name", what) end
  return f
end

local function is(field, value)
  local vt = type(value)
  if vt ~= "boolean" and vt ~= "string" and vt ~= "number" then
    fail("is(\"%s\", value): value must be a boolean, string or number", tostring(field))
  end
  return cond { k = "is", field = field_name(field, "is"), value = value }
end

local function one_of(field, values)
  expect(values, "table", "one_of's values")
  local copy = {}
  for i, v in ipairs(values) do copy[i] = expect(v, "string", "one_of's value") end
  return cond { k = "in", field = field_name(field, "one_of"), values = copy }
end

local function present(field) return cond { k = "present", field = field_name(field, "present") } end
local function absent(field) return cond { k = "absent", field = field_name(field, "absent") } end

local function num(field, b)
  return cond { k = "num", field = field_name(field, "num"), band = band(b, "num(\"" .. tostring(field) .. "\")") }
end

-- span(from, to, band [, { missing = "infinite" }]): the time from one field
-- to another.  When either field is absent the condition is false, unless
-- missing = "infinite": then an absent `to` counts as never (an endless span).
local function span(from, to, b, opts)
  local missing = "false"
  if opts ~= nil then
    expect(opts, "table", "span's options")
    if opts.missing ~= nil then
      if opts.missing ~= "infinite" and opts.missing ~= "false" then
        fail("span: missing must be \"infinite\" or \"false\"")
      end
      missing = opts.missing
    end
  end
  return cond { k = "span", from = field_name(from, "span"), to = field_name(to, "span"),
                band = band(b, "span(\"" .. tostring(from) .. "\", \"" .. tostring(to) .. "\")"),
                missing = missing }
end

local function within(field, calendar)
  return cond { k = "within", field = field_name(field, "within"),
                calendar = expect(calendar, "string", "within's calendar name") }
end

local function conds_of(list, what)
  if is_cond(list) then return { list } end
  expect(list, "table", what)
  local kids = {}
  for i, c in ipairs(list) do
    if not is_cond(c) then fail("%s: item %d is not a condition", what, i) end
    kids[i] = c
  end
  if #kids == 0 then fail("%s: needs at least one condition", what) end
  return kids
end

local function all(list) return cond { k = "all", kids = conds_of(list, "all { ... }") } end
local function any(list) return cond { k = "any", kids = conds_of(list, "any { ... }") } end
local function none_of(list) return cond { k = "not", kids = { all(list) } } end

local function impact(levels)
  if type(levels) == "string" then levels = { levels } end
  expect(levels, "table", "impact's levels")
  local copy = {}
  for i, v in ipairs(levels) do copy[i] = expect(v, "string", "an impact level") end
  return cond { k = "severity", levels = copy }
end

local function where_of(spec, what)
  if spec == nil then return nil end
  local kids = conds_of(spec, what)
  if #kids == 1 then return kids[1] end
  return cond { k = "all", kids = kids }
end

-- Money expressions: a money parameter (or constant), a money measure's
-- month figure ("bill"), a money field of the event (field "value"), or
-- pct_of(P.pct, one of these).
local MONEY, FIELD, RATE = {}, {}, {}

local function field(name)
  return setmetatable({ field = expect(name, "string", "field's name"), line = line_of_rules() }, FIELD)
end

-- The source of an amount, into t: of = quantity, measure = name or field = name.
local function money_source(v, what, t)
  if getmetatable(v) == FIELD then t.field = v.field
  elseif type(v) == "string" and not tonumber(v) then t.measure = v
  else t.of = quantity(v, what) end
  return t
end

local function pct_of(pct, of)
  return setmetatable(money_source(of, "pct_of's amount", { pct = quantity(pct, "pct_of's percentage"),
                                                           line = line_of_rules() }), MONEY)
end
local function money(v, what)
  if getmetatable(v) == MONEY then return v end
  return setmetatable(money_source(v, what, { line = line_of_rules() }), MONEY)
end

-- Rates: money per day (calendar days, the first not counted), hour or
-- minute of a span — the one the rule's kind measures, or from = / to =
-- fields of the event — beyond = a duration not charged; or per event.
local function rate(per)
  return function(r, opts)
    local t = { rate = quantity(r, "the rate"), per = per, line = line_of_rules() }
    if opts ~= nil then
      expect(opts, "table", "a rate's options")
      strict(opts, { "from", "to", "beyond", "round" }, "per_" .. per, line_of_rules())
      t.from, t.to, t.round = opts.from, opts.to, opts.round
      if opts.beyond ~= nil then t.beyond = quantity(opts.beyond, "beyond") end
    end
    return setmetatable(t, RATE)
  end
end

local function amount(v, what)
  if getmetatable(v) == RATE then return v end
  return money(v, what)
end

-- Declarations ----------------------------------------------------------------
local function once(key, what, value, line)
  if decl[key] then fail_at(line, "%s is declared twice", what) end
  decl[key] = value
end

-- The words a contract uses for its amounts in reports: one of these, or
-- { zh = "...", en = "...", en_plural = "..." }.
local AMOUNT_WORDS = {
  penalty = { zh = "违约金", en = "penalty", en_plural = "penalties" },
  credit = { zh = "服务抵扣", en = "service credit", en_plural = "service credits" },
  deduction = { zh = "扣款", en = "deduction", en_plural = "deductions" },
  damages = { zh = "违约赔偿金", en = "liquidated damages", en_plural = "liquidated damages" },
}
local REPORT_LANGS = { zh = true, en = true, both = true }

local function amount_words(v, line)
  if type(v) == "string" then
    if AMOUNT_WORDS[v] then return AMOUNT_WORDS[v] end
    local names = {}
    for k in next, AMOUNT_WORDS do names[#names + 1] = k end
    table.sort(names)
    local near = nearest(v, names)
    fail_at(line, "contract: amounts '%s' is not one of %s%s (or give { zh = ..., en = ... })", v,
            table.concat(names, ", "), near and format(" (did you mean '%s'?)", near) or "")
  end
  expect(v, "table", "contract amounts")
  strict(v, { "zh", "en", "en_plural" }, "contract amounts", line)
  local w = { zh = expect(v.zh, "string", "amounts' zh"), en = expect(v.en, "string", "amounts' en") }
  w.en_plural = v.en_plural ~= nil and expect(v.en_plural, "string", "amounts' en_plural") or w.en .. "s"
  return w
end

local function contract(_, spec, line)
  strict(spec, { "id", "title", "currency", "timezone", "signed", "term", "clause", "lang", "amounts" }, "contract", line)
  expect(spec.id, "string", "contract id")
  local lang, amounts = rawget(spec, "lang"), rawget(spec, "amounts") -- raw: a metatable never runs here
  if lang ~= nil and not REPORT_LANGS[lang] then
    fail_at(line, "contract: lang is \"zh\", \"en\" or \"both\", not %s", tostring(lang))
  end
  if amounts ~= nil then rawset(spec, "amounts", amount_words(amounts, line)) end
  spec.line = line
  once("contract", "contract", spec, line)
end

local PARAM_UNITS = { ["min"] = true, ["h"] = true, ["d"] = true, ["%"] = true, money = true,
                      count = true, points = true, months = true, [""] = true }

local function param(_, spec, line)
  local name, value = spec[1], spec[2]
  strict(spec, { "unit", "clause", "doc", "min", "max" }, format("param \"%s\"", tostring(name)), line, true)
  if rawlen(spec) > 2 then fail_at(line, "param { \"name\", value, ... }: only a name and a value before the keys") end
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    fail_at(line, "param { \"name\", value }: the name must be an identifier")
  end
  if params_by_name[name] then fail_at(line, "parameter %s is declared twice", name) end
  if type(value) ~= "number" and type(value) ~= "string" then
    fail_at(line, "parameter %s needs a number or a decimal string as its value", name)
  end
  local unit = spec.unit or ""
  if not PARAM_UNITS[unit] then fail_at(line, "parameter %s: unknown unit '%s'", name, tostring(unit)) end
  for _, bound in ipairs({ "min", "max" }) do
    local b = spec[bound]
    if b ~= nil and type(b) ~= "number" and type(b) ~= "string" then
      fail_at(line, "parameter %s: %s must be a number or a decimal string", name, bound)
    end
  end
  local p = { name = name, value = value, unit = unit, clause = spec.clause, doc = spec.doc, line = line,
              min = spec.min, max = spec.max }
  params_by_name[name] = p
  decl.params[#decl.params + 1] = p
end

local function severity(_, spec, line)
  strict(spec, { "field" }, "severity", line, true)
  local levels = {}
  for i, v in ipairs(spec) do levels[i] = expect(v, "string", "a severity level") end
  if #levels < 2 then fail_at(line, "severity needs at least two levels, lowest first") end
  once("severity", "severity", { field = spec.field or "impact", levels = levels, line = line }, line)
end

local FIELD_KINDS = { time = true, bool = true, integer = true, number = true, money = true,
                      fraction = true, enum = true, string = true, month = true, severity = true }

local function parse_order(s, line)
  local a, b = s:match("^%s*([%w_]+)%s*<=%s*([%w_]+)%s*$")
  if not a then fail_at(line, "order \"%s\" must read \"a <= b\"", s) end
  return { a, b }
end

local EVENT_KEYS = { "label", "anchor", "ends", "order", "counts_when", "accept", "adds_to", "clause", "strict" }
local FIELD_KEYS = { "required", "default", "values", "min", "max" }

local function event(name, spec, line)
  if not name then fail_at(line, "event needs a name: event \"ticket\" { ... }") end
  strict(spec, EVENT_KEYS, format("event \"%s\"", name), line, true)
  local fields = {}
  for i, f in ipairs(spec) do
    if type(f) ~= "table" then fail_at(line, "event %s: field %d must be { \"name\", \"kind\", ... }", name, i) end
    strict(f, FIELD_KEYS, format("event \"%s\": field %s", name, tostring(f[1])), line, true)
    if rawlen(f) > 2 then fail_at(line, "event %s: field %s: only a name and a kind before the keys", name, tostring(f[1])) end
    local fname, kind = f[1], f[2]
    if type(fname) ~= "string" or not FIELD_KINDS[kind] then
      fail_at(line, "event %s: field %d needs a name and a kind (%s)", name, i,
              "time, bool, integer, number, money, fraction, enum, string, month or severity")
    end
    fields[i] = { name = fname, kind = kind, required = f.required and true or false,
                  default = f.default, values = f.values, min = f.min, max = f.max }
  end
  if spec.strict ~= nil and type(spec.strict) ~= "boolean" then
    fail_at(line, "event %s: strict must be true or false", name)
  end
  local order = {}
  for i, s in ipairs(spec.order or {}) do order[i] = parse_order(expect(s, "string", "an order"), line) end
  decl.events[#decl.events + 1] = {
    name = name, fields = fields, anchor = spec.anchor, ends = spec.ends, order = order,
    counts_when = where_of(spec.counts_when, "counts_when"), accept = spec.accept or "term",
    adds_to = spec.adds_to, clause = spec.clause, label = spec.label, line = line,
    strict = spec.strict,
  }
end

local function measure(name, spec, line)
  if not name then fail_at(line, "measure needs a name") end
  strict(spec, { "label", "unit", "where", "clause", "average", "availability", "count", "score", "sum" },
         format("measure \"%s\"", name), line)
  local m = { name = name, label = spec.label or name, unit = spec.unit or "", line = line,
              where = where_of(spec.where, "measure where"), clause = spec.clause }
  if spec.average then
    local s = spec.average
    m.kind, m.on, m.from, m.to = "average", s[1], s[2], s[3]
  elseif spec.availability then
    m.kind, m.on = "availability", spec.availability
  elseif spec.count then
    m.kind, m.on = "count", spec.count
  elseif spec.score then
    m.kind = "score"
  elseif spec.sum then
    local s = expect(spec.sum, "table", "sum")
    m.kind, m.on, m.to = "sum", s[1], s[2]
    if spec.unit == nil then m.unit = "money" end
  else
    fail_at(line, "measure %s needs average = {type, from, to}, availability = type, count = type, sum = {type, field} "
                  .. "or score = true", name)
  end
  decl.measures[#decl.measures + 1] = m
end

-- Rules ----------------------------------------------------------------------
-- A rule's kind (what it looks at) is chosen by its keys, most specific
-- first (KINDS.kinds: a cluster is `on` with `cluster`); every key it has
-- must be one every rule has, one of a breach's money, or one of its kind,
-- and is checked and converted by its shape here before the engine reads it.

local function names_of(...)
  local names = {}
  for i = 1, select("#", ...) do
    for k in pairs(select(i, ...)) do names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

local convert

local function convert_record(fields, value, what, line)
  if type(value) ~= "table" or is_ref(value) or is_cond(value) then fail_at(line, "%s must be a table { ... }", what) end
  local out = {}
  for k, v in next, value do
    local shape = type(k) == "string" and fields[k]
    if not shape then no_such_key(line, what, k, names_of(fields)) end
    out[k] = convert(shape, v, what .. "." .. k, line)
  end
  return out
end

function convert(shape, v, what, line)
  if type(shape) == "table" then return convert_record(shape.record, v, what, line) end
  if shape == "string" or shape == "function" then return expect(v, shape, what) end
  if shape == "strings" then
    expect(v, "table", what)
    local list = {}
    for i = 1, rawlen(v) do list[i] = expect(rawget(v, i), "string", what) end
    return list
  end
  if shape == "qty" then return quantity(v, what) end
  if shape == "band" then return band(v, what) end
  if shape == "cond" or shape == "impact" then return where_of(v, what) end
  if shape == "money" then return money(v, what) end
  if shape == "amount" then return amount(v, what) end
  fail_at(line, "%s: unknown shape %s", what, tostring(shape))
end

local function kind_of(spec)
  for _, kind in ipairs(KINDS.kinds) do
    local all = true
    for _, key in ipairs(kind.selects) do all = all and rawget(spec, key) ~= nil end
    if all then return kind end
  end
end

local function rule(outcome)
  return function(id, spec, line)
    if not id then fail_at(line, "%s needs an id: %s \"major.1\" { ... }", outcome, outcome) end
    local kind = kind_of(spec)
    if not kind then fail_at(line, "%s %s needs month = measure, on = event type or check = function", outcome, id) end
    local what = format("%s \"%s\"", outcome, id)
    local money_keys = outcome == "breach" and KINDS.amount or {}
    local r = { id = id, outcome = outcome, kind = kind.name, line = line }
    for k, v in next, spec do
      local shape = type(k) == "string" and (KINDS.rule[k] or money_keys[k] or kind.keys[k])
      if not shape then no_such_key(line, what, k, names_of(KINDS.rule, money_keys, kind.keys)) end
      r[k] = convert(shape, v, what .. ": " .. k, line)
    end
    if outcome == "breach" and r.pct == nil and r.amount == nil then fail_at(line, "breach %s needs pct or amount", id) end
    decl.rules[#decl.rules + 1] = r
  end
end

local function penalty_base(_, spec, line)
  if getmetatable(spec) ~= MONEY then strict(spec, { "pct", "of", "clause" }, "penalty_base", line) end
  local m = getmetatable(spec) == MONEY and spec or pct_of(spec.pct, spec.of)
  once("base", "penalty_base", { money = m, clause = spec.clause, line = line }, line)
end

local CAP_WINDOWS = { term = true, month = true, rolling_months = true, trailing_months = true }
local function cap(id, spec, line)
  strict(spec, { "window", "months", "clause", "amount", "pct", "of", "class", "rules" },
         format("cap \"%s\"", tostring(id or spec.window)), line)
  local window = spec.window or "term"
  if not CAP_WINDOWS[window] then fail_at(line, "cap window must be term, month, rolling_months or trailing_months") end
  local c = { id = id or window, window = window, months = spec.months, clause = spec.clause, line = line,
              class = spec.class ~= nil and expect(spec.class, "string", "cap class") or nil }
  if spec.rules ~= nil then
    c.rules = {}
    for i, r in ipairs(expect(spec.rules, "table", "cap rules")) do c.rules[i] = expect(r, "string", "a rule id") end
    if #c.rules == 0 then fail_at(line, "cap %s: rules lists no rule", tostring(c.id)) end
  end
  if spec.class ~= nil and spec.rules ~= nil then fail_at(line, "cap %s: give class or rules, not both", tostring(c.id)) end
  if spec.amount then c.amount = money(spec.amount, "cap amount")
  elseif spec.pct then c.amount = pct_of(spec.pct, spec.of)
  else fail_at(line, "cap needs amount = ... or pct = ..., of = ...") end
  if window == "rolling_months" or window == "trailing_months" then
    c.months = quantity(expect(spec.months, "number", window .. " cap's months"), "months")
  elseif spec.months ~= nil then
    fail_at(line, "cap %s: months goes with rolling_months or trailing_months", tostring(c.id))
  end
  decl.caps[#decl.caps + 1] = c
end

local function day_range(item, line, what)
  if type(item) ~= "table" then fail_at(line, "%s entries are { \"YYYY-MM-DD\", \"YYYY-MM-DD\", \"name\" }", what) end
  strict(item, { "name", "clause", "note", "confirm" }, what .. " " .. tostring(item[1]), line, true)
  return { from = item[1], to = item[2] or item[1], name = item[3] or item.name, clause = item.clause,
           note = item.note, confirm = item.confirm, line = line }
end

local function calendar(name, spec, line)
  if not name then fail_at(line, "calendar needs a name") end
  strict(spec, { "clause", "note" }, format("calendar \"%s\"", name), line, true)
  local ranges = {}
  for i, item in ipairs(spec) do ranges[i] = day_range(item, line, "calendar") end
  decl.calendars[#decl.calendars + 1] = { name = name, ranges = ranges, clause = spec.clause,
                                          note = spec.note, line = line }
end

local function workdays(_, spec, line)
  strict(spec, { "off", "on", "weekend", "clause", "note" }, "workdays", line)
  local off, on = {}, {}
  for i, item in ipairs(spec.off or {}) do off[i] = day_range(item, line, "workdays off") end
  for i, item in ipairs(spec.on or {}) do on[i] = day_range(item, line, "workdays on") end
  once("workdays", "workdays", { off = off, on = on, weekend = spec.weekend or { 6, 7 },
                                 clause = spec.clause, note = spec.note, line = line }, line)
end

local function scorecard(_, spec, line)
  strict(spec, { "clause", "on", "month", "item", "components", "items", "digits", "grades" }, "scorecard", line)
  local grades = {}
  for i, g in ipairs(spec.grades or {}) do
    strict(g, { "band" }, "scorecard grade " .. tostring(g[1]), line, true)
    grades[i] = { name = expect(g[1], "string", "a grade name"), band = band(g.band, "grade " .. tostring(g[1])) }
  end
  local items = {}
  for i, it in ipairs(expect(spec.items, "table", "scorecard items")) do
    strict(it, { "max", "weights" }, "scorecard item " .. tostring(it[1]), line, true)
    items[i] = { id = it[1], zh = it[2], en = it[3], max = quantity(it.max, "item max"),
                 weights = expect(it.weights, "table", "item weights") }
  end
  local components = {}
  for i, c in ipairs(expect(spec.components, "table", "scorecard components")) do
    strict(c, {}, "scorecard component " .. tostring(c[1]), line, true)
    components[i] = { id = c[1], zh = c[2], en = c[3] }
  end
  once("scorecard", "scorecard", { clause = spec.clause, on = spec.on, month = spec.month, item = spec.item,
                                   components = components, items = items, digits = spec.digits or 2,
                                   grades = grades, line = line }, line)
end

local function acceptance(_, spec, line)
  strict(spec, { "clause" }, "acceptance", line, true)
  local parts = {}
  for i, p in ipairs(spec) do
    strict(p, { "clause", "measure", "incidents", "latest", "band" }, "acceptance part " .. tostring(p[1]), line, true)
    parts[i] = { name = p[1], clause = p.clause, measure = p.measure, incidents = p.incidents,
                 latest = p.latest, band = band(p.band, "acceptance part " .. tostring(p[1])),
                 line = line }
  end
  once("acceptance", "acceptance", { parts = parts, clause = spec.clause, line = line }, line)
end

local function obligations(_, spec, line)
  strict(spec, { "on", "by", "clause" }, "obligations", line, true)
  local items = {}
  for i, o in ipairs(spec) do
    strict(o, { "due", "clause", "by_day" }, "obligation " .. tostring(o[1]), line, true)
    items[i] = { kind = o[1], due = o.due, clause = o.clause, by_day = o.by_day and quantity(o.by_day, "by_day"),
                 line = line }
  end
  once("obligations", "obligations", { on = spec.on, by = spec.by, items = items,
                                       clause = spec.clause, line = line }, line)
end

local function due_rule(d, line)
  if d == nil then return nil end
  if type(d) ~= "table" then fail_at(line, "due must be { working_days = n, after = { ... } }") end
  strict(d, { "working_days", "after" }, "due", line)
  return { working_days = quantity(d.working_days, "working_days"), after = d.after, line = line }
end

local function payments(_, spec, line)
  strict(spec, { "instalments", "bond", "holdover" }, "payments", line)
  local inst = {}
  for i, p in ipairs(spec.instalments or {}) do
    strict(p, { "pct", "clause", "note", "due" }, "instalment " .. i, line)
    inst[i] = { pct = quantity(p.pct, "instalment pct"), clause = p.clause, note = p.note,
                due = due_rule(p.due, line) }
  end
  if spec.bond then strict(spec.bond, { "amount", "clause", "due" }, "bond", line) end
  if spec.holdover then strict(spec.holdover, { "days_per_year", "clause" }, "holdover", line) end
  local bond = spec.bond and { amount = money(spec.bond.amount, "bond amount"), clause = spec.bond.clause,
                               due = due_rule(spec.bond.due, line) }
  local holdover = spec.holdover and { days = quantity(spec.holdover.days_per_year, "days_per_year"),
                                       clause = spec.holdover.clause }
  once("payments", "payments", { instalments = inst, bond = bond, holdover = holdover, line = line }, line)
end

local function termination(_, spec, line)
  strict(spec, {}, "termination", line, true)
  local reasons = {}
  for i, t in ipairs(spec) do
    strict(t, { "clause", "incidents", "violations", "where", "at_least", "label" }, "termination " .. tostring(t[1]), line, true)
    reasons[i] = { id = t[1], clause = t.clause, incidents = t.incidents, violations = t.violations,
                   where = where_of(t.where, "termination where"),
                   at_least = quantity(t.at_least, "at_least"), label = t.label, line = line }
  end
  once("termination", "termination", { reasons = reasons, line = line }, line)
end

local function opening(_, spec, line)
  strict(spec, { "on", "credited", "sums", "clause" }, "opening", line)
  local sums = {}
  for measure, fld in pairs(spec.sums ~= nil and expect(spec.sums, "table", "opening sums") or {}) do
    sums[#sums + 1] = { measure = expect(measure, "string", "a measure"), field = expect(fld, "string", "a field") }
  end
  table.sort(sums, function(a, b) return a.measure < b.measure end)
  once("opening", "opening", { on = expect(spec.on, "string", "opening's on"), credited = spec.credited,
                               sums = sums, line = line }, line)
end

local function month_columns(_, spec, line)
  strict(spec, {}, "month_columns", line, true)
  local cols = {}
  for i, c in ipairs(spec) do
    strict(c, {}, "month column " .. tostring(c[1]), line, true)
    cols[i] = { key = c[1], measure = c[2], line = line }
  end
  once("month_columns", "month_columns", cols, line)
end

local function annual(_, spec, line)
  strict(spec, { "score", "availability" }, "annual", line)
  spec.line = line
  once("annual", "annual", spec, line)
end

local api = {
  contract = curried(contract, "contract"), param = curried(param, "param"), P = P,
  severity = curried(severity, "severity"), event = curried(event, "event"),
  measure = curried(measure, "measure"), breach = curried(rule("breach"), "breach"),
  incident = curried(rule("incident"), "incident"), violation = curried(rule("violation"), "violation"),
  finding = curried(rule("finding"), "finding"), cap = curried(cap, "cap"),
  penalty_base = curried(penalty_base, "penalty_base"), calendar = curried(calendar, "calendar"),
  workdays = curried(workdays, "workdays"), scorecard = curried(scorecard, "scorecard"),
  acceptance = curried(acceptance, "acceptance"), obligations = curried(obligations, "obligations"),
  payments = curried(payments, "payments"), termination = curried(termination, "termination"),
  month_columns = curried(month_columns, "month_columns"), annual = curried(annual, "annual"),
  opening = curried(opening, "opening"),
  is = is, one_of = one_of, present = present, absent = absent, num = num, span = span,
  within = within, all = all, any = any, none_of = none_of, impact = impact,
  minutes = minutes, hours = hours, days = days, percent = percent, pct_of = pct_of, field = field,
  per_day = rate("day"), per_hour = rate("hour"), per_minute = rate("minute"), per_event = rate("event"),
}

return api, decl
