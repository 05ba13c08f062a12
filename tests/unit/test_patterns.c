/* Unit tests for lpattern.c: the sandbox's string.find/match/gmatch/gsub
 * give what stock Lua 5.4's give (results and error messages), over a
 * table of cases for every pattern feature and over generated cases; and
 * their work is charged, so that no pattern, and no loop of patterns, runs
 * past the sandbox's limits. */
#include <criterion/criterion.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "libcontract.h"
#include "sandbox/sandbox.h"
#include "sandbox_fixture.h"

#define GENEROUS_MEMORY ((size_t)256 << 20)
#define GENEROUS_STEPS UINT64_C(1000000000000)

/* ---- the differential test ------------------------------------------------ */

/* Runs in both states; returns an array with one line per case:
 * "fn(arguments) -> results of pcall", or for gmatch every iteration. */
static const char differential_chunk[] =
    "local function ser(...)\n"
    "  local out = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    local t = type(v)\n"
    "    if t == 'string' then out[i] = string.format('%q', v)\n"
    "    elseif t == 'number' then out[i] = math.type(v) .. ':' .. tostring(v)\n"
    "    elseif t == 'function' or t == 'table' then out[i] = t\n"
    "    else out[i] = tostring(v) end\n"
    "  end\n"
    "  return table.concat(out, ', ')\n"
    "end\n"
    "local function C(...) return table.pack(...) end\n"
    "local up = function(...) return (select(1, ...)):upper() end\n"
    "local count = function(...) return select('#', ...) .. ':' .. tostring((select(1, ...))) end\n"
    "local keep = function() return nil end\n"
    "local no = function() return false end\n"
    "local num = function() return 42 end\n"
    "local bad = function() return {} end\n"
    "local tab = { a = 'A', b = false, hello = 'HI', ['1'] = 'one', [3] = 'three' }\n"
    "local cases = {\n"
    /* find: plain, init, specials */
    "  C('find', 'hello world', 'o'), C('find', 'hello world', 'o', 6), C('find', 'hello world', 'o', -3),\n"
    "  C('find', 'hello world', 'o', -100), C('find', 'hello world', 'o', 0), C('find', 'hello', 'l', 100),\n"
    "  C('find', 'hello', '', 6), C('find', 'hello', '', 7), C('find', 'hello', '', 5), C('find', '', ''),\n"
    "  C('find', '', '', 1), C('find', '', '', 2), C('find', '', 'a'), C('find', 'a.b', '.', 1, true),\n"
    "  C('find', 'a.b', '.', 2), C('find', 'a+b', '+', 1, true), C('find', 'a+b', 'a+b', 1, 1),\n"
    "  C('find', 'a(b', '(', 1, true), C('find', 'abc', 'c', nil, true), C('find', 'abcabc', 'ca', -4, true),\n"
    "  C('find', 'aaab', 'aab'), C('find', 'abababc', 'ababc'), C('find', 'a\\0b\\0c', '\\0c'),\n"
    "  C('find', 'a\\0b', 'b', 1, false), C('find', 'x)y', ')'), C('find', 'x]y', ']'),\n"
    "  C('find', 12345, 34), C('find', 'v1.25', 1.25, 1, true), C('find', 'hello', 'l+'),\n"
    "  C('find', 'hello', '(l)(l)'), C('find', 'hello', '()ll()'), C('find', 'hello', 'xyz*'),\n"
    "  C('find', 'hello', '^h'), C('find', 'hello', '^e'), C('find', 'hello', '^e', 2),\n"
    "  C('find', 'hello', 'o$'), C('find', 'hello', 'l$'), C('find', 'a$b', '$b'), C('find', 'a$b', 'a$b'),\n"
    "  C('find', 'a^b', 'a^b'), C('find', '^a', '^^a'), C('find', 'hello', ''), C('find', 'hello', '', -2),\n"
    /* match: classes */
    "  C('match', 'abc123 ,.;\\t\\nXYZ\\1\\127', '%a+'), C('match', 'abc123', '%d+'), C('match', 'ab 12', '%s'),\n"
    "  C('match', ' \\t\\n\\v\\f\\rx', '%s*'), C('match', 'abc!?xyz', '%p+'), C('match', 'abcDEF', '%u+'),\n"
    "  C('match', 'abcDEF', '%l+'), C('match', 'ab_12 x', '%w+'), C('match', '0x1fG', '%x+', 3),\n"
    "  C('match', 'a\\1\\2b', '%c+'), C('match', 'a b\\tc', '%g+'), C('match', 'a\\0b', '%z'),\n"
    "  C('match', 'ab12', '%A+'), C('match', 'ab12', '%D+'), C('match', ' x ', '%S'), C('match', 'ab,c', '%P+'),\n"
    "  C('match', 'ABcd', '%U+'), C('match', 'ABcd', '%L+'), C('match', 'ab 12', '%W+'), C('match', 'fg12', '%X+'),\n"
    "  C('match', 'ab\\1', '%C+'), C('match', ' a', '%G'), C('match', 'a\\0b', '%Z+'),\n"
    "  C('match', 'a.b', '%.'), C('match', 'a%b', '%%'), C('match', 'a[b', '%['), C('match', 'a]b', '%]'),\n"
    "  C('match', 'a-b', '%-'), C('match', 'a+b', 'a%+b'), C('match', 'abc', '.'), C('match', 'abc', '..$'),\n"
    "  C('match', '\\200\\255abc', '[\\128-\\255]+'), C('match', '\\255', '%a'), C('match', 'x', '%q'),\n"
    /* sets */
    "  C('match', 'abcxyz', '[a-c]+'), C('match', 'abcxyz', '[^a-c]+'), C('match', 'a-z', '[a%-]+'),\n"
    "  C('match', 'a-z', '[-a]+'), C('match', 'a-z', '[a-]+'), C('match', ']]a', '[]]+'), C('match', 'a]]', '[^]]+'),\n"
    "  C('match', 'a^b', '[%^b]+'), C('match', 'a^b', '[b^]+'), C('match', '12ab', '[%d]+'), C('match', '12ab', '[^%d]+'),\n"
    "  C('match', 'x1 y', '[%a%d]+'), C('match', 'x1 y', '[%s]'), C('match', '[x]', '[[]'), C('match', 'a%b', '[%%]'),\n"
    "  C('match', 'zyx', '[z-x]'), C('match', 'b', '[a-a-c]'), C('match', '-', '[a-a-c]'), C('match', 'A', '[%l%u]'),\n"
    "  C('match', '.', '[.]'), C('match', 'a', '[.]'), C('match', 'abc', '[]'), C('match', 'abc', '[^]'),\n"
    "  C('match', 'abc', '[a'), C('match', 'abc', '[a%'), C('match', 'abc', '[a%]'), C('match', 'abc', '[%a'),\n"
    "  C('match', 'abc', '[^'), C('match', 'abc', '['), C('match', 'abc', '[]a]'),\n"
    /* quantifiers */
    "  C('match', 'aaa', 'a*'), C('match', 'aaa', 'a-'), C('match', 'aaa', 'a-$'), C('match', 'aaab', 'a+b'),\n"
    "  C('match', 'b', 'a+b'), C('match', 'b', 'a*b'), C('match', 'ab', 'a?b'), C('match', 'b', 'a?b'),\n"
    "  C('match', 'aab', 'a?ab'), C('match', 'ab', 'a?a?ab'), C('match', '<a><b>', '<.->'), C('match', '<a><b>', '<.*>'),\n"
    "  C('match', 'xxabc', 'x*abc'), C('match', 'abc', 'a.-c'), C('match', 'abc', 'a.*'), C('match', '  pad  ', '^%s*(.-)%s*$'),\n"
    "  C('match', 'aaa', 'a**'), C('match', 'a*', 'a**'), C('match', '?', '?'), C('match', 'a+', '+'), C('match', '*a', '*a'),\n"
    "  C('match', '-a', '-a'), C('match', 'key = value', '(%w+)%s*=%s*(%w+)'), C('match', 'aaa', '^(a-)(a+)$'),\n"
    "  C('match', 'ab', 'a-?b'), C('match', 'a', '[a]?[b]?'), C('match', '', 'a*'), C('match', '', 'a+'),\n"
    /* anchors */
    "  C('match', 'abc', '^abc$'), C('match', 'abcd', '^abc$'), C('match', 'xabc', '^abc'), C('match', 'abc', 'c$'),\n"
    "  C('match', 'abc', '^'), C('match', 'abc', '$'), C('match', 'abc', '^$'), C('match', '', '^$'), C('match', 'a$', 'a$$'),\n"
    "  C('match', 'abc', 'b', 2), C('match', 'abc', '^b', 2), C('match', 'abc', '^b', 3), C('match', 'abc', 'c', -1),\n"
    "  C('match', 'abc', '', 4), C('match', 'abc', '', 5), C('match', 'abc', '()', 4), C('match', 'abc', 'a', -10),\n"
    "  C('match', 'abc', 'x', 0), C('match', 'abc', '.', math.maxinteger), C('match', 'abc', '.', math.mininteger),\n"
    /* captures */
    "  C('match', 'hello world', '(h)(e)(l)(l)(o)'), C('match', 'hello', '()'), C('match', 'hello', '()l()'),\n"
    "  C('match', 'hello', '(h(e)(l))'), C('match', 'hello', '((((((((((h))))))))))'), C('match', 'hello', '(h)()(e)'),\n"
    "  C('match', '2026-03-04', '(%d+)-(%d+)-(%d+)'), C('match', 'x=1, y=2', '(%w+)=(%w+)', 5), C('match', 'ab', '(a)(x?)b'),\n"
    "  C('match', 'abc', '(a'), C('match', 'abc', 'a)'), C('match', 'abc', '(a))'), C('match', 'abc', '(()'),\n"
    "  C('match', 'abc', ')'), C('match', 'abc', '(x'), C('match', 'abc', '(a)(b'), C('match', 'abc', '((a)'),\n"
    "  C('match', ('a'):rep(40), ('(a)'):rep(32)), C('match', ('a'):rep(40), ('(a)'):rep(33)),\n"
    "  C('match', 'a', ('()'):rep(32)), C('match', 'a', ('()'):rep(33)), C('find', 'a', ('()'):rep(32)),\n"
    "  C('match', 'x', ('('):rep(33) .. 'x' .. (')'):rep(33)), C('match', 'x', ('('):rep(31) .. 'x' .. (')'):rep(31)),\n"
    /* back-references */
    "  C('match', 'abab', '(ab)%1'), C('match', 'abac', '(ab)%1'), C('match', 'say \"hi\" ok', '([\"\\'])(.-)%1'),\n"
    "  C('match', 'aa bb cc', '(%a)%1 (%a)%2'), C('match', 'xx', '(x)%2'), C('match', 'xx', '(x%1)'),\n"
    "  C('match', 'xx', '%1'), C('match', 'xx', '%0'), C('match', 'xx', '(x)%0'), C('match', 'xx', '()%1'),\n"
    "  C('match', 'abcabc', '(a(b)c)%1%2?'), C('match', 'abcab', '(a(b)c)%2'), C('match', '', '()%1'),\n"
    "  C('match', 'aaaa', '(a*)%1'), C('match', 'aaa', '(a-)%1$'), C('match', 'x', '(x)%9'),\n"
    /* %b */
    "  C('match', 'f(a(b)c) d', '%b()'), C('match', 'f(a(b c d', '%b()'), C('match', 'x)y(z)', '%b()'),\n"
    "  C('match', '[[x]]', '%b[]'), C('match', '\"a\" \"b\"', '%b\"\"'), C('match', 'abc', '%b'), C('match', 'abc', '%ba'),\n"
    "  C('match', 'f(a)', 'f%b()$'), C('match', 'f()', '%b()'), C('match', '((', '%b()'), C('match', 'xx', '%bxx'),\n"
    "  C('match', 'axbxc', 'a%bxxc'), C('match', '{a{b}}}', '(%b{})}'),\n"
    /* %f */
    "  C('match', 'THE (quick) fox', '%f[%a]%a+'), C('match', 'THE (quick) fox', '%f[%l]%a+'), C('find', 'hello', '%f[%a]'),\n"
    "  C('find', 'hello', '%f[%A]'), C('find', 'hello', '%f[%z]'), C('find', 'a b', '%f[%s]'), C('find', 'ab', '%f[^a]'),\n"
    "  C('match', 'abc', '%f'), C('match', 'abc', '%fa'), C('match', 'abc', '%f[a'), C('match', 'abc', '%f[%'),\n"
    "  C('find', 'the cat sat', '%f[%w]%w+', 5), C('match', 'a\\0b', '%f[%z]'), C('find', 'x', '%f[x]x%f[^x]'),\n"
    /* malformed endings, errors */
    "  C('find', 'abc', '%'), C('find', 'abc', 'a%'), C('match', 'abc', '%'), C('find', 'abc', '(%'),\n"
    "  C('find', 'abc', 'b', 'x'), C('find', 'abc', 'b', 1.5), C('find', 'abc', 'b', '2'), C('find'),\n"
    "  C('find', 'abc'), C('find', 'abc', {}), C('find', {}, 'a'), C('match', nil, 'a'), C('match', 'abc', nil),\n"
    "  C('find', 'abc', 'b', 2.0), C('match', 'abc', 'b', '2'),\n"
    /* pattern too complex: Lua nests one call per '?' that matches */
    "  C('match', ('a'):rep(199), ('a?'):rep(199)), C('match', ('a'):rep(200), ('a?'):rep(200)),\n"
    "  C('match', ('a'):rep(201), ('a?'):rep(201)), C('match', ('a'):rep(300), ('a?'):rep(300)),\n"
    "  C('match', ('a'):rep(99), ('(a)?'):rep(99)), C('match', ('a'):rep(64), ('a*'):rep(64)),\n"
    "  C('match', ('a'):rep(99), ('a-'):rep(99)), C('match', ('a'):rep(250), ('a-'):rep(250)),\n"
    "  C('match', ('ab'):rep(150), ('a?b?'):rep(150)), C('find', ('a'):rep(300), ('a?'):rep(300), 1, true),\n"
    /* gmatch */
    "  C('gmatch', 'one two  three', '%a+'), C('gmatch', 'k1=v1, k2=v2', '(%w+)=(%w+)'), C('gmatch', 'abc', ''),\n"
    "  C('gmatch', 'abc', 'x*'), C('gmatch', 'aXbXXc', 'X*'), C('gmatch', 'hello', '()ll()'), C('gmatch', 'abc', '.', 2),\n"
    "  C('gmatch', 'abc', '.', -1), C('gmatch', 'abc', '.', -10), C('gmatch', 'abc', '.', 4), C('gmatch', 'abc', '', 4),\n"
    "  C('gmatch', 'abc', '', 5), C('gmatch', 'abc', '', 0), C('gmatch', '^a^a', '^a'), C('gmatch', 'aaa', '^a'),\n"
    "  C('gmatch', 'a,b,,c', '([^,]*)'), C('gmatch', 'f(a) g(b(c))', '%b()'), C('gmatch', 'THE (quick) fox', '%f[%a]%a+'),\n"
    "  C('gmatch', 'abab', '(a)%1'), C('gmatch', 'abc', '%'), C('gmatch', 'abc', '(%a'), C('gmatch', 'abc', '[a'),\n"
    "  C('gmatch', 'abc', 'b', 'x'), C('gmatch', 'abc'), C('gmatch', 12321, 2), C('gmatch', 'a1b22c333', '%d+$'),\n"
    "  C('gmatch', 'aaa', 'a-'), C('gmatch', 'aaa', 'a?'), C('gmatch', '', ''), C('gmatch', '', 'x'),\n"
    /* gsub: string replacements */
    "  C('gsub', 'hello world', 'o', '0'), C('gsub', 'hello world', 'o', '0', 1), C('gsub', 'hello world', 'o', '0', 0),\n"
    "  C('gsub', 'hello world', 'o', '0', -1), C('gsub', 'hello world', 'o', '0', 2.0), C('gsub', 'hello', 'l', 'L', 1.5),\n"
    "  C('gsub', 'hello world', '(%w+)', '<%1>'), C('gsub', 'hello world', '%w+', '%0 %0'), C('gsub', 'hello', '', '-'),\n"
    "  C('gsub', 'abc', '%w', '%%'), C('gsub', 'abc', '%w', '%1'), C('gsub', 'abc', '%w', '%2'), C('gsub', 'abc', '(%w)', '%2'),\n"
    "  C('gsub', 'abc', '%w', '%x'), C('gsub', 'abc', '%w', 'x%'), C('gsub', 'abc', '%w', '%\\0'), C('gsub', 'abc', 'b()', '%1'),\n"
    "  C('gsub', 'abc', '(b)()', '[%2%1%0]'), C('gsub', 'hello world', '(o)', '%1%1'), C('gsub', 'abc', 'b', 5),\n"
    "  C('gsub', 'abc', 'b', 2.5), C('gsub', 'abc', '^a', 'X'), C('gsub', 'aaa', '^a', 'X'), C('gsub', 'abc', '^b', 'X'),\n"
    "  C('gsub', 'abc', 'c$', 'X'), C('gsub', 'abc', '$', 'X'), C('gsub', 'abc', '^', 'X'), C('gsub', 'abc', 'x*', '-'),\n"
    "  C('gsub', 'abc', '.-', '-'), C('gsub', 'a b', '%s*', '_'), C('gsub', '  trim me  ', '^%s*(.-)%s*$', '%1'),\n"
    "  C('gsub', 'abc', '(', 'x'), C('gsub', 'abc', '[', 'x'), C('gsub', 'abc', '%', 'x'), C('gsub', 'abc', 'b'),\n"
    "  C('gsub', 'abc', 'b', true), C('gsub', 'abc', 'b', nil), C('gsub', 'abc', 'b', 'x', 'y'), C('gsub', 'abc'),\n"
    "  C('gsub', 'abc', 'b', 'x', 1.5), C('gsub', 12345, 3, 9), C('gsub', 'x', 'x', '%0%0%0%0'), C('gsub', '', '', 'e'),\n"
    "  C('gsub', '', 'x*', 'e'), C('gsub', 'abc', '(a)(b)(c)', '%3%2%1'), C('gsub', 'a.b.c', '%.', '%%'),\n"
    "  C('gsub', 'abc', '(a)(b)', '%3'), C('gsub', 'abc', 'x', '%3'), C('gsub', 'abc', '(a', 'x'),\n"
    /* long subjects: runs and plain searches longer than one charging window */
    "  C('match', ('a'):rep(3000) .. 'b', 'a*b'), C('match', ('1'):rep(2500) .. 'x', '^(%d+)()'),\n"
    "  C('find', ('a'):rep(5000), 'a-b'), C('match', ('ab'):rep(2000), '(a-)b$'), C('match', ('a'):rep(4000), '.-$'),\n"
    "  C('find', ('a'):rep(3000) .. 'b', ('a'):rep(1500) .. 'b', 1, true), C('find', ('ab'):rep(3000), 'ba', -2000, true),\n"
    "  C('gsub', ('x  '):rep(3000), '%s+', '_'), C('gsub', ('word '):rep(1000), '%f[%w]%w+', up, 600),\n"
    "  C('match', ('(x'):rep(500) .. (')'):rep(500), '%b()'),\n"
    /* gsub: functions and tables */
    "  C('gsub', 'hello world', '%w+', up), C('gsub', 'hello world', '(%w)(%w*)', count), C('gsub', 'hello', 'l', keep),\n"
    "  C('gsub', 'hello', 'l', no), C('gsub', 'hello', 'l', num), C('gsub', 'hello', 'l', bad), C('gsub', 'hi', '()', count),\n"
    "  C('gsub', 'a b a', '%w', tab), C('gsub', 'hello 1 3', '%w+', tab), C('gsub', 'hello', '(h)(e)', tab),\n"
    "  C('gsub', 'x 3 y', '%d', tab), C('gsub', 'abc', '()b', tab), C('gsub', 'abc', '%w', {}),\n"
    "  C('gsub', 'abc', '%w', { a = {} }), C('gsub', 'abc', '%w', { a = true }), C('gsub', 'abc', '%w', { a = 1.5 }),\n"
    "  C('gsub', 'hello world', '%w+', up, 1), C('gsub', 'abc', '', up), C('gsub', 'abc', '.', count, 2),\n"
    "  C('gsub', 'a(b)c', '%b()', up), C('gsub', 'THE (quick) fox', '%f[%a]%a+', count),\n"
    "}\n"
    /* generated cases: small subjects and patterns, so stock Lua always ends */
    "local seed = 20260304\n"
    "local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed // 65536 % n + 1 end\n"
    "local atoms = { 'a', 'b', '.', '%a', '%d', '%s', '%w', '%W', '[ab]', '[^a]', '[a-c]', '[%d ]', '[]a]', '%b()',\n"
    "  '%bab', '%f[%w]', '%f[%W]', '%f[a]', '(', ')', '()', '%1', '%2', '^', '$', '%', '[', 'x', '%.', '-', '*',\n"
    "  '?', '%(', ' ' }\n"
    "local quantifiers = { '*', '+', '-', '?' }\n"
    "local letters = { 'a', 'b', '(', ')', ' ', '1', 'x', '.', 'c', 'a', 'b' }\n"
    "local templates = { '<%0>', '%1', '%2%1', '%%', 'x%', '[%1]', '', '%3', '%y', 7 }\n"
    "local replacements = { up, count, keep, no, num, bad, tab, { a = 'A', ['('] = false, [' '] = 1 } }\n"
    "local inits = { 1, 2, -1, -3, 0, 6, 20 }\n"
    "local maxes = { 0, 1, 2, 3, -1 }\n"
    "local fns = { 'find', 'match', 'gmatch', 'gsub', 'find' }\n"
    "for _ = 1, GENERATED do\n"
    "  local p, s = {}, {}\n"
    "  for _ = 1, rnd(6) do\n"
    "    p[#p + 1] = atoms[rnd(#atoms)]\n"
    "    if rnd(3) == 1 then p[#p + 1] = quantifiers[rnd(#quantifiers)] end\n"
    "  end\n"
    "  for _ = 1, rnd(10) - 1 do s[#s + 1] = letters[rnd(#letters)] end\n"
    "  s, p = table.concat(s), table.concat(p)\n"
    "  local fn = fns[rnd(#fns)]\n"
    "  local third = rnd(3) == 1 and inits[rnd(#inits)] or nil\n"
    "  if fn == 'gsub' then\n"
    "    local r = rnd(2) == 1 and templates[rnd(#templates)] or replacements[rnd(#replacements)]\n"
    "    cases[#cases + 1] = C('gsub', s, p, r, rnd(3) == 1 and maxes[rnd(#maxes)] or nil)\n"
    "  else\n"
    "    cases[#cases + 1] = C(fn, s, p, third, fn == 'find' and rnd(4) == 1 or nil)\n"
    "  end\n"
    "end\n"
    "local function run(c)\n"
    "  if c[1] == 'gmatch' then\n"
    "    return ser(pcall(function()\n"
    "      local out, it = {}, string.gmatch(table.unpack(c, 2, c.n))\n"
    "      for _ = 1, 100 do\n"
    "        local r = table.pack(it())\n"
    "        if r[1] == nil then break end\n"
    "        out[#out + 1] = ser(table.unpack(r, 1, r.n))\n"
    "      end\n"
    "      return table.concat(out, ' | ')\n"
    "    end))\n"
    "  end\n"
    "  return ser(pcall(string[c[1]], table.unpack(c, 2, c.n)))\n"
    "end\n"
    "local results = {}\n"
    "for i, c in ipairs(cases) do\n"
    "  results[i] = c[1] .. '(' .. ser(table.unpack(c, 2, c.n)) .. ') -> ' .. run(c)\n"
    "end\n"
    "return results\n";

#define GENERATED 30000

/* The chunk, with GENERATED set; the same text (and name) in both states,
 * so that messages carrying "patterns:LINE:" agree too. */
static const char *chunk_text(void)
{
    static char text[sizeof differential_chunk + 64];
    snprintf(text, sizeof text, "local GENERATED = %d\n%s", GENERATED, differential_chunk);
    return text;
}

/* The array of result lines on top of L, as a Lua table left there. */
static void run_in_stock_lua(lua_State *L)
{
    const char *text = chunk_text();
    cr_assert_eq(luaL_loadbuffer(L, text, strlen(text), "@patterns"), LUA_OK, "%s", lua_tostring(L, -1));
    cr_assert_eq(lua_pcall(L, 0, 1, 0), LUA_OK, "%s", lua_tostring(L, -1));
}

static void run_in_sandbox(lci_sandbox *sb)
{
    char msg[512];
    const char *text = chunk_text();
    cr_assert_eq(lci_sandbox_load(sb, "patterns", text, strlen(text), msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(lci_sandbox_call(sb, 0, 1, msg, sizeof msg), 0, "%s", msg);
}

static lci_sandbox *generous_sandbox(void)
{
    return sandbox_with(GENEROUS_MEMORY, GENEROUS_STEPS, GENEROUS_STEPS);
}

Test(patterns, same_results_and_errors_as_stock_lua, .timeout = 120)
{
    lua_State *stock = luaL_newstate();
    cr_assert_not_null(stock);
    luaL_openlibs(stock);
    lci_sandbox *sb = generous_sandbox();
    lua_State *ours = lci_sandbox_lua(sb);
    run_in_stock_lua(stock);
    run_in_sandbox(sb);

    lua_Integer n = luaL_len(stock, -1);
    cr_assert_eq(luaL_len(ours, -1), n);
    cr_assert_gt(n, GENERATED);
    int failures = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(stock, -1, i);
        lua_rawgeti(ours, -1, i);
        const char *want = lua_tostring(stock, -1), *got = lua_tostring(ours, -1);
        if (strcmp(want, got) != 0 && failures++ < 20)
            cr_log_error("case %lld:\n  stock: %s\n  ours:  %s", (long long)i, want, got);
        lua_pop(stock, 1);
        lua_pop(ours, 1);
    }
    cr_log_info("%lld cases compared (%d generated)", (long long)n, GENERATED);
    cr_expect_eq(failures, 0, "%d of %lld cases differ from stock Lua", failures, (long long)n);
    lua_close(stock);
    lci_sandbox_free(sb);
}

/* ---- the budget ------------------------------------------------------------- */

static double seconds_since(clockid_t clock, const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(clock, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#define assert_contains(hay, needle) \
    cr_assert(strstr((hay), (needle)) != NULL, "expected \"%s\" in \"%s\"", (needle), (hay))

/* Loads `text` as a rule file with the default limits; it must be stopped
 * by a limit, soon: within about a second of CPU (2 s allows for debug and
 * sanitizer builds; wall time, which a loaded machine stretches, only
 * gets a looser bound). */
static void assert_stopped(const char *what, const char *text, lc_error *err)
{
    struct timespec wall0, cpu0;
    lc_engine *e = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, err), LC_OK);
    clock_gettime(CLOCK_MONOTONIC, &wall0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    lc_status st = lc_engine_load_string(e, "r.lua", text, strlen(text), err);
    double cpu = seconds_since(CLOCK_PROCESS_CPUTIME_ID, &cpu0), wall = seconds_since(CLOCK_MONOTONIC, &wall0);
    lc_engine_free(e);
    cr_log_info("%s: stopped after %.3f s (%.3f s of CPU): %s", what, wall, cpu, err->message);
    cr_assert_eq(st, LC_ERULES, "%s was not stopped", what);
    assert_contains(err->message, "limit");
    cr_assert_lt(cpu, 2.0, "%s took %.2f s of CPU to stop", what, cpu);
    cr_assert_lt(wall, 10.0, "%s took %.2f s to stop", what, wall);
}

Test(pattern_budget, catastrophic_find_is_stopped, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("find a*a*b", "local s = ('a'):rep(8000)\nlocal r = s:find('a*a*b')\n", &err);
    assert_contains(err.message, "pattern");
    cr_assert_eq(err.line, 2);
}

Test(pattern_budget, exponential_optional_items_are_stopped, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("match a?^40 a^40", "local r = ('a'):rep(40):match(('a?'):rep(40) .. ('a'):rep(40))\n", &err);
}

Test(pattern_budget, allowed_match_in_a_loop_is_stopped, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("loop of find a*b", "local s = ('a'):rep(9000)\nwhile true do s:find('a*b') end\n", &err);
}

Test(pattern_budget, plain_find_in_a_loop_is_stopped, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("loop of plain find (4 MiB)", "local s = ('a'):rep(4 << 20)\nwhile true do s:find('x', 1, true) end\n",
                   &err);
}

Test(pattern_budget, gsub_in_a_loop_is_stopped, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("loop of gsub", "local s = ('word '):rep(2000)\nwhile true do local t = s:gsub('%w+', '<%0>') end\n",
                   &err);
}

Test(pattern_budget, gmatch_is_stopped, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("gmatch a*a*b", "for w in ('a'):rep(8000):gmatch('a*a*b') do end\n", &err);
}

Test(pattern_budget, pcall_cannot_swallow_the_stop, .timeout = 20)
{
    lc_error err = {0};
    assert_stopped("pcall around find",
                   "local s = ('a'):rep(8000)\n"
                   "local ok, e = pcall(string.find, s, 'a*a*b')\n"
                   "local x = 0\n"
                   "for i = 1, 10 do x = x + i end\n",
                   &err);
    assert_contains(err.message, "instruction limit");
    lc_error err2 = {0};
    assert_stopped("pcall around find, looping", "local s = ('a'):rep(8000)\nwhile true do pcall(s.find, s, 'a*a*b') end\n",
                   &err2);
}

/* The per-call limit is its own error, smaller than the whole budget;
 * catching it is allowed (it is charged all the same). */
Test(pattern_budget, per_call_limit)
{
    lci_sandbox *sb = sandbox_with(GENEROUS_MEMORY, GENEROUS_STEPS, 100000);
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(lci_sandbox_pattern_limit(L), 100000);
    char msg[256];
    const char *code = "local ok, e = pcall(string.find, ('a'):rep(8000), 'a*a*b')\n"
                       "return ok, e, ('a'):rep(100):find('a*b')\n";
    cr_assert_eq(lci_sandbox_load(sb, "t", code, strlen(code), msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(lci_sandbox_call(sb, 0, 3, msg, sizeof msg), 0, "%s", msg);
    cr_assert(!lua_toboolean(L, -3));
    assert_contains(lua_tostring(L, -2), "pattern match exceeded 100000 steps");
    cr_assert(lua_isnil(L, -1));
    lua_pop(L, 3);

    code = "return ('a'):rep(8000):match('a*a*b')\n";
    cr_assert_eq(lci_sandbox_load(sb, "t", code, strlen(code), msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(lci_sandbox_call(sb, 0, 1, msg, sizeof msg), -1);
    assert_contains(msg, "t:1: pattern match exceeded 100000 steps");
    lci_sandbox_free(sb);
}

/* Matching counts its steps: a script's total of them is what it pays. */
Test(pattern_budget, small_budget_stops_a_long_plain_search)
{
    lci_sandbox *sb = sandbox_with(GENEROUS_MEMORY, 1000000, GENEROUS_STEPS);
    char msg[256];
    const char *code = "local s = ('a'):rep(1 << 21)\nreturn s:find('b', 1, true)\n";
    cr_assert_eq(lci_sandbox_load(sb, "t", code, strlen(code), msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(lci_sandbox_call(sb, 0, 1, msg, sizeof msg), -1);
    assert_contains(msg, "instruction limit of 1000000 exceeded");
    assert_contains(msg, "string.find");
    lci_sandbox_free(sb);
}

/* ---- ordinary patterns within the default limits ----------------------------- */

/* Runs code returning one string; checks it. */
static void assert_returns(lci_sandbox *sb, const char *code, const char *want)
{
    char msg[512];
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(lci_sandbox_load(sb, "t", code, strlen(code), msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(lci_sandbox_call(sb, 0, 1, msg, sizeof msg), 0, "%s: %s", code, msg);
    cr_assert_str_eq(lua_tostring(L, -1), want, "%s", code);
    lua_pop(L, 1);
}

Test(pattern_ordinary, everyday_patterns_work_under_the_default_limits)
{
    lci_sandbox *sb = default_sandbox();
    assert_returns(sb, "local s = '  ' .. ('word '):rep(200) .. '  '\n"
                       "return tostring(#s:match('^%s*(.-)%s*$'))",
                   "999");
    assert_returns(sb, "local y, m, d = ('2026-03-04'):match('(%d+)-(%d+)-(%d+)') return y .. m .. d", "20260304");
    assert_returns(sb, "local n = 0\n"
                       "for i = 1, 2000 do\n"
                       "  local y, m, d = ('due 2026-03-' .. (i % 28 + 1)):match('(%d+)-(%d+)-(%d+)')\n"
                       "  n = n + d\n"
                       "end\n"
                       "return tostring(n)",
                   "28916");
    assert_returns(sb, "local s = ('hello world, '):rep(400)\n"
                       "local t, n = s:gsub('(%w+) (%w+)', '%2 %1')\n"
                       "local u = t:gsub('%w+', string.upper)\n"
                       "return #u .. ' ' .. n .. ' ' .. u:sub(1, 13)",
                   "5200 400 WORLD HELLO, ");
    assert_returns(sb, "local n = 0 for w in (('word '):rep(2000)):gmatch('%a+') do n = n + 1 end return tostring(n)",
                   "2000");
    assert_returns(sb, "return tostring((('a'):rep(1 << 20) .. 'b'):find('b', 1, true))", "1048577");
    lci_sandbox_free(sb);
}
