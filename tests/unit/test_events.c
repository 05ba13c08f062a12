/* Unit tests for events in: the strict JSON Lines pre-scan (jsonline.c), the
 * exact id table (idtable.c), and lc_eval_push_json / lc_eval_push_lines
 * through a small inline contract. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idtable.h"
#include "events/jsonline.h"
#include "libcontract.h"

#define assert_contains(hay, needle) \
    cr_assert(strstr((hay), (needle)) != NULL, "expected \"%s\" in \"%s\"", (needle), (hay))

/* ---- jsonline: lci_scan_line --------------------------------------------------- */

/* Scans len bytes of s with the given depth limit; the reason goes to why. */
static int scan(const char *s, size_t len, unsigned depth, char *why, size_t whysize)
{
    lci_scan sc = {0};
    why[0] = '\0';
    int rc = lci_scan_line(&sc, s, len, depth, why, whysize);
    lci_scan_free(&sc);
    return rc;
}

#define SCAN(lit, depth, why) scan((lit), sizeof(lit) - 1, (depth), (why), sizeof(why))

Test(jsonline, accepts_ordinary_lines)
{
    char why[200];
    cr_assert_eq(SCAN("{\"type\":\"ticket\",\"id\":\"t-1\",\"n\":[1,2,{\"a\":null}],\"b\":true}", 32, why), 0, "%s", why);
    cr_assert_eq(SCAN("{\"s\":\"\\\"quoted\\\" \\\\ \\n \\u00e9 \\ud83d\\ude00\"}", 32, why), 0, "%s", why);
    cr_assert_eq(SCAN("{\"zh\":\"\xe4\xb8\xad\xe6\x96\x87\",\"euro\":\"\xe2\x82\xac\",\"clef\":\"\xf0\x9d\x84\x9e\"}", 32, why),
                 0, "%s", why);
    cr_assert_eq(SCAN("{\"max\":\"\xf4\x8f\xbf\xbf\",\"del\":\"\x7f\"}", 32, why), 0, "%s", why);
}

Test(jsonline, rejects_nul_byte_in_a_string)
{
    char why[200];
    cr_assert_eq(SCAN("{\"id\":\"a\0b\"}", 32, why), -1);
    assert_contains(why, "NUL");
}

Test(jsonline, rejects_nul_byte_outside_a_string)
{
    char why[200];
    cr_assert_eq(SCAN("{\"id\":\"ab\"}\0", 32, why), -1);
    assert_contains(why, "NUL");
}

Test(jsonline, rejects_the_u0000_escape)
{
    char why[200];
    cr_assert_eq(SCAN("{\"id\":\"a\\u0000b\"}", 32, why), -1);
    assert_contains(why, "u0000");
    cr_assert_eq(SCAN("{\"id\":\"\\u0000\"}", 32, why), -1);
    /* an escaped backslash, then \u0000 */
    cr_assert_eq(SCAN("{\"id\":\"\\\\\\u0000\"}", 32, why), -1);
}

Test(jsonline, accepts_an_escaped_backslash_before_u0000)
{
    char why[200];
    /* JSON text "\\u0000" is a backslash followed by the letters u0000 */
    cr_assert_eq(SCAN("{\"id\":\"\\\\u0000\"}", 32, why), 0, "%s", why);
    cr_assert_eq(SCAN("{\"id\":\"a\\\\\\\\u0000\"}", 32, why), 0, "%s", why);
    /* other \u escapes are fine */
    cr_assert_eq(SCAN("{\"id\":\"\\u0001\\u0100\"}", 32, why), 0, "%s", why);
}

/* cJSON 1.7.15 refuses a surrogate escape that is not half of a pair; the
 * scan refuses the same ones, naming the escape and its byte. */
Test(jsonline, rejects_unpaired_surrogate_escapes)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"{\"id\":\"x\\ud800\"}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 9"},
        {"{\"id\":\"\\uDBFFx\"}", "an unpaired UTF-16 surrogate escape (\\uDBFF) at byte 8"},
        {"{\"id\":\"\\udc00\"}", "an unpaired UTF-16 surrogate escape (\\udc00) at byte 8"},
        {"{\"id\":\"\\uDFFF\"}", "an unpaired UTF-16 surrogate escape (\\uDFFF) at byte 8"},
        {"{\"id\":\"\\ud800\\ud800\"}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 8"},
        {"{\"id\":\"\\ud800\\ue000\"}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 8"},
        {"{\"id\":\"\\ud800\\u0041\"}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 8"},
        {"{\"id\":\"\\ud800\\n\"}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 8"},
        {"{\"id\":\"\\ud800\\\\udc00\"}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 8"},
        {"{\"id\":\"\\ud800\\udc00\\udc00\"}", "an unpaired UTF-16 surrogate escape (\\udc00) at byte 20"},
        {"{\"id\":\"\\ud83d\\ude00\\ud83d\"}", "an unpaired UTF-16 surrogate escape (\\ud83d) at byte 20"},
        {"{\"\\udc00\":1}", "an unpaired UTF-16 surrogate escape (\\udc00) at byte 3"},
        {"{\"a\":[{\"b\":\"\\ud800\"}]}", "an unpaired UTF-16 surrogate escape (\\ud800) at byte 13"},
        {"\"\\udc00\"", "an unpaired UTF-16 surrogate escape (\\udc00) at byte 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char why[200];
        cr_assert_eq(scan(cases[i].text, strlen(cases[i].text), 32, why, sizeof why), -1, "%s accepted", cases[i].text);
        cr_assert_str_eq(why, cases[i].why, "%s", cases[i].text);
        cr_assert_null(cJSON_ParseWithLengthOpts(cases[i].text, strlen(cases[i].text), NULL, 0),
                       "cJSON accepts %s", cases[i].text);
    }
}

Test(jsonline, accepts_surrogate_pairs_in_either_case)
{
    static const char *const lines[] = {
        "{\"id\":\"\\ud800\\udc00\"}", "{\"id\":\"\\uD800\\uDC00\"}", "{\"id\":\"\\uD83D\\ude00\"}",
        "{\"id\":\"\\udbff\\uDFFF\"}", "{\"id\":\"a\\ud83d\\ude00b\\ud83d\\ude00\"}", "{\"id\":\"\\ud7ff\\ue000\"}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char why[200];
        cr_assert_eq(scan(lines[i], strlen(lines[i]), 32, why, sizeof why), 0, "%s: %s", lines[i], why);
        cJSON *parsed = cJSON_ParseWithLengthOpts(lines[i], strlen(lines[i]), NULL, 0);
        cr_assert_not_null(parsed, "cJSON refuses %s", lines[i]);
        cJSON_Delete(parsed);
    }
}

/* Escapes the surrogate check leaves as they were reported before. */
Test(jsonline, malformed_escapes_keep_their_messages)
{
    char why[200];
    cr_assert_eq(SCAN("{\"id\":\"\\ud80\"}", 32, why), -1);
    cr_assert_str_eq(why, "\\u needs four hex digits at byte 8");
    cr_assert_eq(SCAN("{\"id\":\"\\u0000\"}", 32, why), -1);
    cr_assert_str_eq(why, "the escape \\u0000 (a NUL character) is not allowed at byte 8");
    cr_assert_eq(SCAN("{\"id\":\"\\x\"}", 32, why), -1);
    cr_assert_str_eq(why, "an unknown escape at byte 8");
}

Test(jsonline, rejects_invalid_utf8)
{
    static const struct {
        char text[32];
        size_t len;
        char what[32];
    } cases[] = {
        {"{\"s\":\"\xc0\x80\"}", 10, "overlong C0 80"},
        {"{\"s\":\"\xc1\xbf\"}", 10, "overlong C1 BF"},
        {"{\"s\":\"\xe0\x80\x80\"}", 11, "overlong E0 80 80"},
        {"{\"s\":\"\xf0\x80\x80\x80\"}", 12, "overlong F0 80 80 80"},
        {"{\"s\":\"\xed\xa0\x80\"}", 11, "surrogate ED A0 80"},
        {"{\"s\":\"\xed\xbf\xbf\"}", 11, "surrogate ED BF BF"},
        {"{\"s\":\"\xf4\x90\x80\x80\"}", 12, "beyond U+10FFFF"},
        {"{\"s\":\"\xf5\x80\x80\x80\"}", 12, "F5 byte"},
        {"{\"s\":\"\xff\"}", 9, "FF byte"},
        {"{\"s\":\"\x80\"}", 9, "lone continuation"},
        {"{\"s\":\"\xe2\x82\"}", 10, "truncated before quote"},
        {"{\"s\":\"\xe2\x82", 8, "truncated at the end"},
        {"{\"s\":\"\xf0\x9d\x84\"}", 11, "truncated 4-byte"},
        {"{\"s\":\"\xc3\x28\"}", 10, "bad continuation"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char why[200];
        cr_assert_eq(strlen(cases[i].text), cases[i].len, "case %s: length", cases[i].what);
        cr_assert_eq(scan(cases[i].text, cases[i].len, 32, why, sizeof why), -1, "%s accepted", cases[i].what);
        assert_contains(why, "UTF-8");
    }
}

Test(jsonline, rejects_invalid_utf8_outside_strings)
{
    char why[200];
    cr_assert_eq(SCAN("{\"s\":1}\xc0\x80", 32, why), -1);
}

Test(jsonline, rejects_raw_control_characters_in_strings)
{
    char why[200];
    cr_assert_eq(SCAN("{\"s\":\"a\tb\"}", 32, why), -1);
    assert_contains(why, "control");
    cr_assert_eq(SCAN("{\"s\":\"a\nb\"}", 32, why), -1);
    cr_assert_eq(SCAN("{\"s\":\"\x1f\"}", 32, why), -1);
    /* whitespace between tokens is not inside a string */
    cr_assert_eq(SCAN("{\t\"s\" :\t\"ab\" }", 32, why), 0, "%s", why);
}

Test(jsonline, reason_names_the_byte)
{
    char why[200];
    cr_assert_eq(SCAN("{\"s\":\"ab\xff\"}", 32, why), -1);
    assert_contains(why, "byte 9");
}

Test(jsonline, nesting_deeper_than_the_limit)
{
    char why[200];
    cr_assert_eq(SCAN("{\"a\":{\"b\":[{}]}}", 4, why), 0, "%s", why);
    cr_assert_eq(SCAN("{\"a\":{\"b\":[{\"c\":[]}]}}", 4, why), -1);
    assert_contains(why, "nesting");
    /* brackets inside strings are text */
    cr_assert_eq(SCAN("{\"a\":\"[[[[{{{{\"}", 1, why), 0, "%s", why);
    cr_assert_eq(SCAN("{\"a\":[]}", 1, why), -1);
}

Test(jsonline, deep_nesting_far_beyond_the_limit)
{
    size_t n = 100000;
    char *s = malloc(2 * n + 1);
    cr_assert_not_null(s);
    memset(s, '[', n);
    memset(s + n, ']', n);
    char why[200];
    cr_assert_eq(scan(s, 2 * n, LC_DEFAULT_JSON_DEPTH_LIMIT, why, sizeof why), -1);
    free(s);
}

/* ---- jsonline: the members listed ---------------------------------------------- */

/* Scans a line with both lci_scan_line and the plain validator, checks
 * that they agree on everything, and leaves lci_scan_line's answer in sc. */
static int scan_both(lci_scan *sc, const char *line, size_t len, unsigned depth, char *why, size_t whysize)
{
    lci_scan ref = {0};
    char ref_why[200] = "";
    why[0] = '\0';
    int rc = lci_scan_line(sc, line, len, depth, why, whysize);
    int ref_rc = lci_scan_line_reference(&ref, line, len, depth, ref_why, sizeof ref_why);
    cr_assert_eq(rc, ref_rc, "%.*s: %d, the reference %d", (int)len, line, rc, ref_rc);
    if (rc == -1) cr_assert_str_eq(why, ref_why, "%.*s", (int)len, line);
    cr_assert_eq(sc->nmembers, ref.nmembers, "%.*s", (int)len, line);
    for (size_t i = 0; rc == 0 && i < sc->nmembers; i++) {
        const lci_jmember *a = &sc->members[i], *b = &ref.members[i];
        cr_assert(a->key_len == b->key_len && a->value_off == b->value_off && a->value_len == b->value_len &&
                      a->kind == b->kind,
                  "%.*s: member %zu", (int)len, line, i);
    }
    lci_scan_free(&ref);
    return rc;
}

#define SCAN_BOTH(sc, lit) scan_both((sc), (lit), sizeof(lit) - 1, 32, why, sizeof why)

/* Member i: the key length, the kind, and the value's text as listed. */
static void expect_member(const lci_scan *sc, const char *line, size_t i, size_t key_len, lci_jkind kind,
                          const char *text)
{
    cr_assert(i < sc->nmembers, "member %zu of %zu", i, sc->nmembers);
    const lci_jmember *m = &sc->members[i];
    cr_assert_eq(m->key_len, key_len, "member %zu: key length %zu", i, m->key_len);
    cr_assert_eq(m->kind, kind, "member %zu: kind %d", i, (int)m->kind);
    if (m->value_len == LCI_JLEN_ESCAPED) {
        cr_assert_str_eq(text, "(escaped)", "member %zu has escapes", i);
        return;
    }
    cr_assert_eq(m->value_len, strlen(text), "member %zu: %zu bytes, expected \"%s\"", i, m->value_len, text);
    cr_assert(memcmp(line + m->value_off, text, m->value_len) == 0, "member %zu is \"%.*s\", expected \"%s\"", i,
              (int)m->value_len, line + m->value_off, text);
}

Test(jsonline_members, a_flat_event)
{
    static const char line[] = "{\"type\":\"ticket\",\"id\":\"t-1\",\"opened\":\"2026-03-04T00:00:00+08:00\","
                               "\"responded\":\"2026-03-04T00:30:00+08:00\",\"restored\":\"\"}";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 5);
    expect_member(&sc, line, 0, 4, LCI_J_STRING, "ticket");
    expect_member(&sc, line, 1, 2, LCI_J_STRING, "t-1");
    expect_member(&sc, line, 2, 6, LCI_J_STRING, "2026-03-04T00:00:00+08:00");
    expect_member(&sc, line, 3, 9, LCI_J_STRING, "2026-03-04T00:30:00+08:00");
    expect_member(&sc, line, 4, 8, LCI_J_STRING, "");
    cr_assert_eq(sc.members[0].value_off, 9, "a string's value starts after its quote");
    lci_scan_free(&sc);
}

Test(jsonline_members, numbers_are_their_literals_exactly)
{
    static const char line[] =
        "{\"a\": 1.50, \"s\": \"7 8\", \"b\": -0.0e+1, \"c\": [1, 2], \"d\": {\"e\": 3}, \"f\":12,\"g\":1E2}";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 7);
    expect_member(&sc, line, 0, 1, LCI_J_NUMBER, "1.50");
    expect_member(&sc, line, 1, 1, LCI_J_STRING, "7 8");
    expect_member(&sc, line, 2, 1, LCI_J_NUMBER, "-0.0e+1");
    expect_member(&sc, line, 3, 1, LCI_J_ARRAY, "[1, 2]");
    expect_member(&sc, line, 4, 1, LCI_J_OBJECT, "{\"e\": 3}");
    expect_member(&sc, line, 5, 1, LCI_J_NUMBER, "12");
    expect_member(&sc, line, 6, 1, LCI_J_NUMBER, "1E2");
    /* the scan is reused: the next line's members replace these */
    cr_assert_eq(SCAN_BOTH(&sc, "{\"x\":123456789012345678}"), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 1);
    cr_assert_eq(sc.members[0].value_off, 5);
    cr_assert_eq(sc.members[0].value_len, 18);
    lci_scan_free(&sc);
}

Test(jsonline_members, literals)
{
    static const char line[] = "{\"t\":true,\"f\":false,\"n\":null,\"z\":0}";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 4);
    expect_member(&sc, line, 0, 1, LCI_J_TRUE, "true");
    expect_member(&sc, line, 1, 1, LCI_J_FALSE, "false");
    expect_member(&sc, line, 2, 1, LCI_J_NULL, "null");
    expect_member(&sc, line, 3, 1, LCI_J_NUMBER, "0");
    lci_scan_free(&sc);
}

/* Decoded lengths are given only for text without escapes: UTF-8 counts
 * its bytes, an escape leaves the length to cJSON's copy. */
Test(jsonline_members, escaped_keys_and_values)
{
    static const char line[] = "{\"a\\\"b\":\"x\\\\ny\",\"\xc3\xa9t\xc3\xa9\":\"\\u00e9\",\"k\":\"\xe4\xb8\xad\","
                               "\"\\ud83d\\ude00\":\"\\/\",\"p\":\"\\\"\"}";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 5);
    expect_member(&sc, line, 0, LCI_JLEN_ESCAPED, LCI_J_STRING, "(escaped)");
    expect_member(&sc, line, 1, 5, LCI_J_STRING, "(escaped)");
    expect_member(&sc, line, 2, 1, LCI_J_STRING, "\xe4\xb8\xad");
    expect_member(&sc, line, 3, LCI_JLEN_ESCAPED, LCI_J_STRING, "(escaped)");
    expect_member(&sc, line, 4, 1, LCI_J_STRING, "(escaped)");
    /* an escaped value still says where it starts */
    cr_assert_eq(sc.members[0].value_off, 9);
    lci_scan_free(&sc);
}

Test(jsonline_members, nested_values_span_their_brackets)
{
    static const char line[] = "{\"a\":[1,{\"b\":[2,\"]\"]}],\"o\":{\"x\":[],\"y\":{\"z\":null}},\"e\":{},\"f\":[ ],\"g\":1}";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 5, "only the top level is listed");
    expect_member(&sc, line, 0, 1, LCI_J_ARRAY, "[1,{\"b\":[2,\"]\"]}]");
    expect_member(&sc, line, 1, 1, LCI_J_OBJECT, "{\"x\":[],\"y\":{\"z\":null}}");
    expect_member(&sc, line, 2, 1, LCI_J_OBJECT, "{}");
    expect_member(&sc, line, 3, 1, LCI_J_ARRAY, "[ ]");
    expect_member(&sc, line, 4, 1, LCI_J_NUMBER, "1");
    lci_scan_free(&sc);
}

Test(jsonline_members, white_space_wherever_it_is_allowed)
{
    static const char line[] = " \t\r\n{ \t\"a\" \n: \r1.5 , \"b\"\t:\"x y\"\n,\"c\" : [ 1 , 2 ] ,\"d\":true }\r\n\t ";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 4);
    expect_member(&sc, line, 0, 1, LCI_J_NUMBER, "1.5");
    expect_member(&sc, line, 1, 1, LCI_J_STRING, "x y");
    expect_member(&sc, line, 2, 1, LCI_J_ARRAY, "[ 1 , 2 ]");
    expect_member(&sc, line, 3, 1, LCI_J_TRUE, "true");
    cr_assert_eq(SCAN_BOTH(&sc, " { } "), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 0);
    lci_scan_free(&sc);
}

Test(jsonline_members, duplicates_are_kept_in_order)
{
    static const char line[] = "{\"a\":1,\"b\":\"x\",\"a\":2,\"a\":{}}";
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, line), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 4);
    expect_member(&sc, line, 0, 1, LCI_J_NUMBER, "1");
    expect_member(&sc, line, 2, 1, LCI_J_NUMBER, "2");
    expect_member(&sc, line, 3, 1, LCI_J_OBJECT, "{}");
    lci_scan_free(&sc);
}

Test(jsonline_members, empty_object)
{
    lci_scan sc = {0};
    char why[200];
    cr_assert_eq(SCAN_BOTH(&sc, "{\"a\":1}"), 0, "%s", why);
    cr_assert_eq(SCAN_BOTH(&sc, "{}"), 0, "%s", why);
    cr_assert_eq(sc.nmembers, 0);
    lci_scan_free(&sc);
}

Test(jsonline_members, valid_json_that_is_not_an_object_is_1)
{
    static const char *const lines[] = {"[1,2]", "[{\"a\":1}]", "\"x\"", "12", "-0.5e3", "true", "false", "null",
                                        " [ ] ", "[[],{}]"};
    lci_scan sc = {0};
    char why[200];
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        cr_assert_eq(SCAN_BOTH(&sc, "{\"a\":1,\"b\":2}"), 0, "%s", why);
        cr_assert_eq(scan_both(&sc, lines[i], strlen(lines[i]), 32, why, sizeof why), 1, "%s: %s", lines[i], why);
        cr_assert_eq(sc.nmembers, 0, "%s", lines[i]);
    }
    /* the grammar still applies */
    cr_assert_eq(SCAN_BOTH(&sc, "[1,]"), -1);
    cr_assert_str_eq(why, "an unexpected character at byte 4");
    cr_assert_eq(sc.nmembers, 0);
    lci_scan_free(&sc);
}

/* The listing agrees with cJSON's tree: as many children, in order, of the
 * same kinds, with the lengths the scan gives. */
Test(jsonline_members, agree_with_cjson)
{
    static const char *const lines[] = {
        "{\"type\":\"ticket\",\"id\":\"t-1\",\"opened\":\"2026-03-04T00:00:00+08:00\"}",
        "{\"a\\\"b\":\"x\\\\ny\",\"\xc3\xa9\":\"\\u00e9\",\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,\"o\":{},\"l\":[]}",
        "{\"a\":1,\"a\":\"2\",\"a\":[3]}",
        "{ }",
    };
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        lci_scan sc = {0};
        char why[200];
        cr_assert_eq(scan_both(&sc, lines[k], strlen(lines[k]), 32, why, sizeof why), 0, "%s", why);
        cJSON *root = cJSON_ParseWithLengthOpts(lines[k], strlen(lines[k]), NULL, 0);
        cr_assert_not_null(root);
        size_t i = 0;
        for (const cJSON *c = root->child; c; c = c->next, i++) {
            cr_assert(i < sc.nmembers, "%s: more children than members", lines[k]);
            const lci_jmember *m = &sc.members[i];
            static const int types[] = {[LCI_J_STRING] = cJSON_String, [LCI_J_NUMBER] = cJSON_Number,
                                        [LCI_J_TRUE] = cJSON_True,     [LCI_J_FALSE] = cJSON_False,
                                        [LCI_J_NULL] = cJSON_NULL,     [LCI_J_OBJECT] = cJSON_Object,
                                        [LCI_J_ARRAY] = cJSON_Array};
            cr_assert_eq(c->type & 0xFF, types[m->kind], "%s: member %zu", lines[k], i);
            if (m->key_len != LCI_JLEN_ESCAPED) cr_assert_eq(strlen(c->string), m->key_len, "%s: key %zu", lines[k], i);
            if (m->kind == LCI_J_STRING && m->value_len != LCI_JLEN_ESCAPED)
                cr_assert_eq(strlen(c->valuestring), m->value_len, "%s: value %zu", lines[k], i);
        }
        cr_assert_eq(i, sc.nmembers, "%s", lines[k]);
        cJSON_Delete(root);
        lci_scan_free(&sc);
    }
}

/* ---- jsonline: the fast path against the plain validator ------------------------ */

/* Where cJSON's children differ from the members listed: kinds, decoded
 * lengths; NULL when they match. */
static const char *unlike_cjson(const cJSON *root, const lci_scan *sc)
{
    size_t i = 0;
    for (const cJSON *c = root->child; c; c = c->next, i++) {
        const lci_jmember *m = &sc->members[i];
        if (cJSON_IsString(c) != (m->kind == LCI_J_STRING) || cJSON_IsNumber(c) != (m->kind == LCI_J_NUMBER) ||
            cJSON_IsObject(c) != (m->kind == LCI_J_OBJECT) || cJSON_IsArray(c) != (m->kind == LCI_J_ARRAY))
            return "cJSON has another kind of value";
        if (m->key_len != LCI_JLEN_ESCAPED && strlen(c->string) != m->key_len) return "cJSON has another key length";
        if (cJSON_IsString(c) && m->value_len != LCI_JLEN_ESCAPED && strlen(c->valuestring) != m->value_len)
            return "cJSON has another string length";
    }
    return NULL;
}

/* Where the two disagree on a line, or where cJSON does not read as the
 * scan said (accepted and not parsed, or another number of members):
 * what, in text; NULL when all agree. */
static const char *disagreement(lci_scan *fast, lci_scan *ref, const char *line, size_t len, unsigned depth)
{
    char why[200] = "", ref_why[200] = "";
    int rc = lci_scan_line(fast, line, len, depth, why, sizeof why);
    int ref_rc = lci_scan_line_reference(ref, line, len, depth, ref_why, sizeof ref_why);
    if (rc != ref_rc) return "verdicts differ";
    if (rc == -1) return strcmp(why, ref_why) == 0 ? NULL : "messages differ";
    if (rc < 0) return "out of memory";
    if (fast->nmembers != ref->nmembers) return "member counts differ";
    for (size_t i = 0; i < fast->nmembers; i++) {
        const lci_jmember *a = &fast->members[i], *b = &ref->members[i];
        if (a->key_len != b->key_len || a->value_off != b->value_off || a->value_len != b->value_len ||
            a->kind != b->kind)
            return "members differ";
    }
    cJSON *root = cJSON_ParseWithLengthOpts(line, len, NULL, 0);
    const char *wrong = NULL;
    if (!root) wrong = "cJSON refuses an accepted line";
    else if (cJSON_IsObject(root) != (rc == 0)) wrong = "cJSON disagrees on whether it is an object";
    else if (rc == 0 && (size_t)cJSON_GetArraySize(root) != fast->nmembers) wrong = "cJSON has another member count";
    else if (rc == 0) wrong = unlike_cjson(root, fast);
    cJSON_Delete(root);
    return wrong;
}

/* Valid lines of the shapes events take, and the corners of the fast path:
 * strings ending at, before and after sixteen-byte boundaries and at the
 * end of the line, white space, escapes, UTF-8, numbers, literals, nested
 * values, and lines it leaves to the reference. */
static const char *const DIFF_SEEDS[] = {
    "{\"type\":\"ticket\",\"id\":\"t-1\",\"opened\":\"2026-03-04T00:00:00+08:00\","
    "\"responded\":\"2026-03-04T00:30:00+08:00\",\"restored\":\"2026-03-04T02:00:00+08:00\"}",
    "{\"type\": \"ticket\", \"id\": \"t-2\", \"opened\": \"2026-04-01T09:00:00+08:00\", \"n\": 12, \"fee\": -1.5e+3}",
    " \t{ \"a\" : 1 , \"b\" : [ 1 , 2 ] , \"c\" : { } , \"d\" : \"xyz\" } \r\n",
    "{\"a\":[1,{\"b\":[2,\"]\"]}],\"o\":{\"x\":[],\"y\":{\"z\":null}},\"e\":{},\"t\":true,\"f\":false}",
    "{\"s\":\"\\\"q\\\" \\\\ \\n \\u00e9 \\ud83d\\ude00 \\/\\b\\f\\r\\t\",\"k\\u0041\":\"\\uD800\\uDC00\"}",
    "{\"zh\":\"\xe4\xb8\xad\xe6\x96\x87\",\"euro\":\"\xe2\x82\xac\",\"clef\":\"\xf0\x9d\x84\x9e\",\"max\":\"\xf4\x8f\xbf\xbf\"}",
    "{\"k\":\"0123456789abcd\",\"l\":\"0123456789abcde\",\"m\":\"0123456789abcdef\",\"n\":\"0123456789abcdefg\"}",
    "{\"a\":\"\",\"bb\":\"x\",\"\":\"\",\"ccc\":\"0123456789abcdef0123456789abcdef\"}",
    "{\"only\":\"0123456789abcdef0123\"}",
    "{\"x\":\"0123456789\",\"y\":1}",
    "{\"amount\":12345.6789,\"z\":0,\"y\":-0,\"w\":1E+2,\"v\":0.0,\"u\":null}",
    "{\"id\":\"x\\ud800\\udc00y\",\"k\":\"\\udbff\\udfff\"}",
    "{\"a\":{\"b\":{\"c\":{\"d\":[1,[2,[3]]]}}}}",
    "{                     }",
    "{\"a\":1}",
    "{}",
    "[1,2,3,\"0123456789abcdef\"]",
    "\"a string of some length\"",
    "-0.5e-3",
    "true",
    "null",
};

/* Bytes that change what the scan sees: structure, string syntax, escapes,
 * numbers, literals, white space, control and non-ASCII bytes, NUL. */
static const char MUTANTS[] = "\"\\{}[]:, \t\n\r0-e.+uUdD8cCfF9t\x01\x1f\x7f\x80\xbf\xc3\xed\xf0\xf4\xffxnal/b";

/* A deterministic stream of numbers for the random edits (xorshift64). */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

typedef struct differ {
    lci_scan fast, ref;
    size_t lines;
} differ;

static void expect_agreement(differ *d, const char *line, size_t len, unsigned depth)
{
    const char *wrong = disagreement(&d->fast, &d->ref, line, len, depth);
    d->lines++;
    if (!wrong) return;
    char shown[700];
    size_t k = 0;
    for (size_t i = 0; i < len && k + 5 < sizeof shown; i++) /* the line with its bytes visible */
        k += (size_t)snprintf(shown + k, sizeof shown - k, (unsigned char)line[i] - 0x20u < 0x5fu ? "%c" : "\\x%02x",
                              (unsigned char)line[i]);
    cr_assert_fail("%s (depth %u): %s", wrong, depth, shown);
}

/* Every byte of the seed replaced, deleted, duplicated; every truncation. */
static void systematic_mutants(differ *d, const char *seed, size_t n)
{
    char buf[512];
    cr_assert(n + 1 < sizeof buf);
    for (size_t i = 0; i <= n; i++) expect_agreement(d, seed, i, 32);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, seed, n);
        for (size_t a = 0; a < sizeof MUTANTS; a++) { /* the last is the NUL */
            buf[i] = MUTANTS[a];
            expect_agreement(d, buf, n, 32);
        }
        memcpy(buf, seed, i);
        memcpy(buf + i, seed + i + 1, n - i - 1);
        expect_agreement(d, buf, n - 1, 32);
        memcpy(buf, seed, i + 1);
        memcpy(buf + i + 1, seed + i, n - i);
        expect_agreement(d, buf, n + 1, 32);
    }
}

/* A few random edits at once, and depth limits around the seed's. */
static void random_mutants(differ *d, const char *seed, size_t n, uint64_t *state, int count)
{
    char buf[512];
    for (int t = 0; t < count; t++) {
        size_t m = n;
        memcpy(buf, seed, n);
        for (int e = 1 + (int)(next_random(state) % 4); e > 0 && m > 0 && m + 16 < sizeof buf; e--) {
            size_t i = next_random(state) % m;
            switch (next_random(state) % 3) {
            case 0: buf[i] = MUTANTS[next_random(state) % sizeof MUTANTS]; break;
            case 1: memmove(buf + i, buf + i + 1, m-- - i - 1); break;
            default: memmove(buf + i + 1, buf + i, m++ - i); break;
            }
        }
        expect_agreement(d, buf, m, next_random(state) % 8 ? 32 : (unsigned)(next_random(state) % 5));
    }
}

Test(jsonline_differential, the_fast_path_agrees_with_the_plain_validator)
{
    differ d = {{0}, {0}, 0};
    uint64_t state = UINT64_C(88172645463325252);
    for (size_t k = 0; k < sizeof DIFF_SEEDS / sizeof DIFF_SEEDS[0]; k++) {
        const char *seed = DIFF_SEEDS[k];
        size_t n = strlen(seed);
        for (unsigned depth = 0; depth < 6; depth++) expect_agreement(&d, seed, n, depth);
        systematic_mutants(&d, seed, n);
        random_mutants(&d, seed, n, &state, 20000);
    }
    cr_assert_gt(d.lines, 100000, "%zu lines", d.lines);
    lci_scan_free(&d.fast);
    lci_scan_free(&d.ref);
}

/* Members beyond any line before grow the reused array; fewer reuse it. */
Test(jsonline_differential, many_members_grow_the_array)
{
    static char line[16384];
    differ d = {{0}, {0}, 0};
    for (int count = 1; count <= 300; count += 37) {
        size_t k = (size_t)snprintf(line, sizeof line, "{");
        for (int i = 0; i < count; i++)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s\"key-%d\":\"value number %d\"", i ? "," : "", i, i);
        k += (size_t)snprintf(line + k, sizeof line - k, "}");
        cr_assert_lt(k, sizeof line);
        expect_agreement(&d, line, k, 32);
        cr_assert_eq(d.fast.nmembers, (size_t)count);
    }
    lci_scan_free(&d.fast);
    lci_scan_free(&d.ref);
}

/* ---- jsonline: a line still arriving (lci_scan_prefix, lci_line_poison) ------------ */

/* The byte with the first poison of line[0..len) looked for in two calls,
 * the first over line[0..cut): the same as in one. */
static void expect_poison_in_two_calls(const char *line, size_t len, size_t cut, size_t whole)
{
    size_t resume, again;
    size_t first = lci_line_poison(line, 0, cut, &resume);
    if (first == cut) first = lci_line_poison(line, resume, len, &again);
    cr_assert_eq(first, whole, "cut at %zu: poison at %zu, in one call at %zu", cut, first, whole);
}

/* line[0..k) and `extra` random bytes after it: refused with `why`. */
static void expect_refused_whatever_follows(lci_scan *sc, const char *line, size_t k, const char *why, uint64_t *state)
{
    char longer[600], again[200];
    size_t extra = next_random(state) % 24;
    cr_assert(k + extra <= sizeof longer);
    memcpy(longer, line, k);
    for (size_t i = 0; i < extra; i++) longer[k + i] = MUTANTS[next_random(state) % sizeof MUTANTS];
    cr_assert_eq(lci_scan_line(sc, longer, k + extra, 32, again, sizeof again), -1, "prefix %zu + %zu bytes", k, extra);
    cr_assert_str_eq(again, why, "prefix %zu + %zu bytes", k, extra);
}

/* Every prefix of a line: a settled one is refused as the whole line is,
 * and as any other line it begins; a poison byte settles the line
 * LCI_SCAN_LOOKAHEAD bytes later; a valid line holds no poison. */
static void expect_prefixes_agree(lci_scan *sc, const char *line, size_t len, uint64_t *state)
{
    char whole[200] = "", why[200];
    int rc = lci_scan_line(sc, line, len, 32, whole, sizeof whole);
    size_t resume, poison = lci_line_poison(line, 0, len, &resume);
    if (rc >= 0) cr_assert_eq(poison, len, "a valid line holds no poison (%zu)", poison);
    for (size_t k = 0; k <= len; k++) {
        expect_poison_in_two_calls(line, len, k, poison);
        if (lci_scan_prefix(line, k, 32, why, sizeof why) != -1) {
            cr_assert(poison + LCI_SCAN_LOOKAHEAD > k, "the poison at %zu is not settled at %zu", poison, k);
            continue;
        }
        cr_assert_eq(rc, -1, "a settled prefix (%zu) of a valid line", k);
        cr_assert_str_eq(why, whole, "prefix %zu", k);
        expect_refused_whatever_follows(sc, line, k, why, state);
    }
}

Test(jsonline_prefix, settled_prefixes_are_refused_as_the_whole_line)
{
    lci_scan sc = {0};
    uint64_t state = UINT64_C(2463534242);
    char buf[512];
    for (size_t k = 0; k < sizeof DIFF_SEEDS / sizeof DIFF_SEEDS[0]; k++) {
        const char *seed = DIFF_SEEDS[k];
        size_t n = strlen(seed);
        expect_prefixes_agree(&sc, seed, n, &state);
        for (int t = 0; t < 300; t++) { /* one to four random edits */
            size_t m = n;
            memcpy(buf, seed, n);
            for (int e = 1 + (int)(next_random(&state) % 4); e > 0 && m > 0 && m + 16 < sizeof buf; e--) {
                size_t i = next_random(&state) % m;
                switch (next_random(&state) % 3) {
                case 0: buf[i] = MUTANTS[next_random(&state) % sizeof MUTANTS]; break;
                case 1: memmove(buf + i, buf + i + 1, m-- - i - 1); break;
                default: memmove(buf + i + 1, buf + i, m++ - i); break;
                }
            }
            expect_prefixes_agree(&sc, buf, m, &state);
        }
    }
    lci_scan_free(&sc);
}

Test(jsonline_prefix, what_settles_and_what_waits)
{
    char why[200];
    /* a NUL byte at the start: settled once the bytes that could word the
     * refusal otherwise have come (none can, but the rule is general) */
    cr_assert_eq(lci_scan_prefix("\0\0\0\0\0\0\0\0\0\0\0", 11, 32, why, sizeof why), 0);
    cr_assert_eq(lci_scan_prefix("\0\0\0\0\0\0\0\0\0\0\0\0", 12, 32, why, sizeof why), -1);
    cr_assert_str_eq(why, "a NUL byte at byte 1");
    /* an escape waits for the one that may pair with it */
    static const char high[] = "{\"a\":\"\\ud800\\udc0";
    cr_assert_eq(lci_scan_prefix(high, sizeof high - 1, 32, why, sizeof why), 0);
    static const char unpaired[] = "{\"a\":\"\\ud800\\u0041\"}";
    cr_assert_eq(lci_scan_prefix(unpaired, sizeof unpaired - 1, 32, why, sizeof why), -1);
    assert_contains(why, "unpaired");
    /* unfinished, or valid so far: what follows decides */
    static const char open[] = "{\"type\":\"ticket\",\"id\":\"0123456789abcdefghij";
    cr_assert_eq(lci_scan_prefix(open, sizeof open - 1, 32, why, sizeof why), 0);
    cr_assert_eq(lci_scan_prefix("[1,2,3,4,5,6,7,8,9,10,11,12]", 28, 32, why, sizeof why), 0);
    cr_assert_eq(lci_scan_prefix("{\"a\":1} ", 8, 32, why, sizeof why), 0);
    /* a first byte that cannot begin a value */
    cr_assert_eq(lci_scan_prefix("xxxxxxxxxxxxxxxx", 16, 32, why, sizeof why), -1);
    cr_assert_str_eq(why, "an unexpected character at byte 1");
}

Test(jsonline_prefix, poison_bytes)
{
    size_t resume;
    static const char ok[] = "{\"s\":\"\t\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\x7f\",\r\n}";
    cr_assert_eq(lci_line_poison(ok, 0, sizeof ok - 1, &resume), sizeof ok - 1);
    static const char *const bad[] = {"ab\0", "ab\x01", "ab\x1f", "ab\x0b", "ab\xc0\x80", "ab\xed\xa0\x80",
                                      "ab\xf4\x90\x80\x80", "ab\x80", "ab\xff", "ab\xc3x"};
    static const size_t bad_len[] = {3, 3, 3, 3, 4, 5, 6, 3, 3, 4};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(lci_line_poison(bad[i], 0, bad_len[i], &resume), 2, "case %zu", i);
    /* a sequence cut by the end of what has come waits for its bytes */
    cr_assert_eq(lci_line_poison("ab\xe2\x82", 0, 4, &resume), 4);
    cr_assert_eq(resume, 2);
    cr_assert_eq(lci_line_poison("ab\xe2\x82\xac!", resume, 6, &resume), 6);
}

/* ---- idtable ------------------------------------------------------------------- */

static long find(const lci_idtable *t, const char *s, size_t len)
{
    return lci_idtable_find(t, s, len, lci_idtable_hash(t, s, len));
}

static int add(lci_idtable *t, const char *s, size_t len, uint32_t *index)
{
    return lci_idtable_add(t, s, len, lci_idtable_hash(t, s, len), index);
}

Test(idtable, many_ids_found_exactly)
{
    enum { N = 100000 };
    lci_idtable t;
    lci_idtable_init(&t, 42);
    char id[32];
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(id, sizeof id, "event-%u", i);
        uint32_t index;
        cr_assert_eq(add(&t, id, (size_t)n, &index), 0);
        cr_assert_eq(index, i);
    }
    cr_assert_eq(lci_idtable_count(&t), N);
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(id, sizeof id, "event-%u", i);
        cr_assert_eq(find(&t, id, (size_t)n), (long)i);
        cr_assert_str_eq(lci_idtable_get(&t, i), id);
    }
    cr_assert_eq(find(&t, "event-100000", 12), -1);
    cr_assert_eq(find(&t, "event-", 6), -1);
    lci_idtable_free(&t);
}

Test(idtable, no_false_match_for_near_ids)
{
    lci_idtable t;
    lci_idtable_init(&t, 7);
    uint32_t i0, i1, i2;
    cr_assert_eq(add(&t, "ticket-0001", 11, &i0), 0);
    cr_assert_eq(add(&t, "ticket-00011", 12, &i1), 0);
    cr_assert_eq(add(&t, "t", 1, &i2), 0);
    cr_assert_eq(find(&t, "ticket-0002", 11), -1, "differs in the last byte");
    cr_assert_eq(find(&t, "ticket-000", 10), -1, "a prefix");
    cr_assert_eq(find(&t, "ticket-00012", 12), -1, "a longer id, last byte differs");
    cr_assert_eq(find(&t, "ticket-0001", 11), (long)i0);
    cr_assert_eq(find(&t, "ticket-00011", 12), (long)i1);
    cr_assert_eq(find(&t, "t", 1), (long)i2);
    cr_assert_eq(find(&t, "", 0), -1);
    cr_assert_eq(find(&t, "T", 1), -1, "case matters");
    /* ids are compared by length too: a lookup of "t" followed by a byte */
    cr_assert_eq(find(&t, "tx", 1), (long)i2);
    cr_assert_eq(find(&t, "tx", 2), -1);
    lci_idtable_free(&t);
}

/* A lookup of `s` under the hash of `as`: what a collision would do. */
static long find_colliding(const lci_idtable *t, const char *s, size_t len, const char *as, size_t aslen)
{
    return lci_idtable_find(t, s, len, lci_idtable_hash(t, as, aslen));
}

Test(idtable, hash_collision_never_matches_a_different_id)
{
    static const char shorter[] = "ab";
    static const char longer[] = "ab-a-much-longer-id-that-shares-the-prefix-0123456789";
    lci_idtable t;
    lci_idtable_init(&t, 3);
    uint32_t i;
    /* same length, last byte differs */
    cr_assert_eq(add(&t, "abc", 3, &i), 0);
    cr_assert_eq(find_colliding(&t, "abd", 3, "abc", 3), -1);
    /* the lookup is a prefix of the stored id */
    cr_assert_eq(find_colliding(&t, shorter, 2, "abc", 3), -1);
    lci_idtable_free(&t);

    /* the stored id is a prefix of a (much longer) lookup */
    lci_idtable_init(&t, 3);
    cr_assert_eq(add(&t, shorter, 2, &i), 0);
    cr_assert_eq(find_colliding(&t, longer, sizeof longer - 1, shorter, 2), -1);
    lci_idtable_free(&t);
}

Test(idtable, get_returns_the_same_bytes_after_growth)
{
    lci_idtable t;
    lci_idtable_init(&t, 11);
    uint32_t first, again;
    int added;
    cr_assert_eq(lci_idtable_intern(&t, "first-id", 8, &first, &added), 0);
    cr_assert(added);
    char copy[16];
    strcpy(copy, lci_idtable_get(&t, first));
    char id[64];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(id, sizeof id, "filler-%d-%0*d", i, i % 40, 0);
        uint32_t index;
        cr_assert_eq(lci_idtable_intern(&t, id, (size_t)n, &index, &added), 0);
        cr_assert(added);
    }
    cr_assert_str_eq(lci_idtable_get(&t, first), copy);
    cr_assert_eq(lci_idtable_intern(&t, "first-id", 8, &again, &added), 0);
    cr_assert_not(added);
    cr_assert_eq(again, first);
    cr_assert_eq(lci_idtable_count(&t), 50001);
    lci_idtable_free(&t);
}

/* ---- pushing events through a small contract ------------------------------------- */

static const char RULES[] =
    "contract { id = 'events', term = { '2026-03-01', '2026-05-01' } }\n"
    "param { 'fee', '1000.00', unit = 'money' }\n"
    "penalty_base { pct = 100, of = P.fee }\n"
    "event 'ping' { anchor = 'at', { 'at', 'time', required = true }, { 'n', 'integer' },\n"
    "  { 'to', 'time' }, order = { 'at <= to' } }\n"
    "measure 'pings' { count = 'ping' }\n"
    "month_columns { { 'pings', 'pings' } }\n";

#define PING(id) "{\"type\":\"ping\",\"id\":\"" id "\",\"at\":\"2026-03-10T10:00:00+08:00\"}"
#define PING_N(id, n) "{\"type\":\"ping\",\"id\":\"" id "\",\"at\":\"2026-03-10T10:00:00+08:00\",\"n\":" n "}"

typedef struct fixture {
    lc_engine *engine;
    lc_eval *ev;
} fixture;

static fixture start(unsigned flags)
{
    fixture f = {NULL, NULL};
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&f.engine, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(f.engine, "events.lua", RULES, strlen(RULES), &err), LC_OK, "%s:%ld: %s",
                 err.file, err.line, err.message);
    cr_assert_eq(lc_eval_new(&f.ev, f.engine, flags, &err), LC_OK);
    return f;
}

static void finish(fixture *f)
{
    lc_eval_free(f->ev);
    lc_engine_free(f->engine);
}

/* Events counted in March 2026, and the number of warnings, so far. */
static void counted(fixture *f, double *pings, size_t *warnings)
{
    lc_result *res = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_result(f->ev, &res, &err), LC_OK, "%s", err.message);
    lc_totals t;
    lc_result_totals(res, &t);
    *warnings = t.warnings;
    cr_assert(lc_result_month_count(res) >= 1);
    cr_assert_eq(lc_result_month_value(res, 0, "pings", pings), 1);
    lc_result_free(res);
}

static lc_status push(fixture *f, const char *file, const char *data, lc_error *err)
{
    return lc_eval_push_lines(f->ev, file, data, strlen(data), err);
}

static void expect_counted(fixture *f, double pings, size_t warnings)
{
    double p;
    size_t w;
    counted(f, &p, &w);
    cr_assert_eq(p, pings, "%g events counted, expected %g", p, pings);
    cr_assert_eq(w, warnings, "%zu warnings, expected %zu", w, warnings);
}

Test(push_lines, line_split_across_chunks)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", "{\"type\":\"ping\",\"id\":\"p1\",\"at\":\"2026-03-", &err), LC_OK);
    expect_counted(&f, 0, 0);
    cr_assert_eq(push(&f, "e.jsonl", "10T10:00:00+08:00\"}\n" PING("p2"), &err), LC_OK, "%s", err.message);
    expect_counted(&f, 1, 0);
    cr_assert_eq(push(&f, "e.jsonl", "\n", &err), LC_OK, "%s", err.message);
    expect_counted(&f, 2, 0);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK);
    finish(&f);
}

Test(push_lines, stream_pushed_one_byte_at_a_time)
{
    static const char stream[] = "\xEF\xBB\xBF" PING("p1") "\r\n" PING("p2") "\n\n" PING("p3");
    fixture f = start(0);
    lc_error err = {0};
    for (size_t i = 0; i < sizeof stream - 1; i++)
        cr_assert_eq(lc_eval_push_lines(f.ev, "e.jsonl", stream + i, 1, &err), LC_OK, "byte %zu: %s", i, err.message);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK, "%s", err.message);
    expect_counted(&f, 3, 0);
    finish(&f);
}

Test(push_lines, crlf_endings)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING("p1") "\r\n" PING("p2") "\r\n", &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK);
    expect_counted(&f, 2, 0);
    finish(&f);
}

Test(push_lines, bom_at_the_start_of_the_stream_is_skipped)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", "\xEF\xBB\xBF" PING("p1") "\n", &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK);
    expect_counted(&f, 1, 0);
    finish(&f);
}

Test(push_lines, bom_on_line_two_is_invalid)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING("p1") "\n\xEF\xBB\xBF" PING("p2") "\n", &err), LC_EEVENT);
    cr_assert_str_eq(err.file, "e.jsonl");
    cr_assert_eq(err.line, 2);
    finish(&f);
}

Test(push_lines, bom_after_a_blank_first_line_is_invalid)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", "\n\xEF\xBB\xBF" PING("p1") "\n", &err), LC_EEVENT);
    cr_assert_eq(err.line, 2);
    finish(&f);
}

Test(push_lines, last_line_without_newline_pushed_by_end_stream)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING("p1") "\n" PING("p2"), &err), LC_OK, "%s", err.message);
    expect_counted(&f, 1, 0);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK, "%s", err.message);
    expect_counted(&f, 2, 0);
    finish(&f);
}

Test(push_lines, invalid_last_line_without_newline_names_its_line)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING("p1") "\n" PING("p2") "\n{\"type\":\"ping\"", &err), LC_OK);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_EEVENT);
    cr_assert_str_eq(err.file, "e.jsonl");
    cr_assert_eq(err.line, 3);
    finish(&f);
}

Test(push_lines, errors_name_the_file_and_line)
{
    fixture f = start(0);
    lc_error err = {0};
    /* line 4 has its times out of order */
    cr_assert_eq(push(&f, "ops.jsonl",
                      PING("p1") "\n\n" PING("p2") "\n"
                      "{\"type\":\"ping\",\"id\":\"p3\",\"at\":\"2026-03-10T10:00:00+08:00\","
                      "\"to\":\"2026-03-10T09:00:00+08:00\"}\n" PING("p4") "\n",
                      &err),
                 LC_EEVENT);
    cr_assert_str_eq(err.file, "ops.jsonl");
    cr_assert_eq(err.line, 4);
    assert_contains(err.message, "\"to\"");
    char buf[LC_ERROR_MESSAGE_MAX + 300];
    cr_assert(strncmp(lc_error_format(&err, buf, sizeof buf), "ops.jsonl:4: ", 13) == 0, "%s", buf);
    finish(&f);
}

Test(push_lines, line_numbers_count_per_file)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "a.jsonl", PING("a1") "\n" PING("a2") "\n", &err), LC_OK);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK);
    cr_assert_eq(push(&f, "b.jsonl", PING("b1") "\nnot json\n", &err), LC_EEVENT);
    cr_assert_str_eq(err.file, "b.jsonl");
    cr_assert_eq(err.line, 2);
    finish(&f);
}

Test(push_lines, blank_lines_skipped)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", "\n   \n\t\r\n" PING("p1") "  \t\r\n\n\r\n  " PING("p2") "\n\n", &err), LC_OK,
                 "%ld: %s", err.line, err.message);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK);
    expect_counted(&f, 2, 0);
    finish(&f);
}

Test(push_json, nul_byte_in_the_line_is_invalid)
{
    static const char line[] = "{\"type\":\"ping\",\"id\":\"p\0x\",\"at\":\"2026-03-10T10:00:00+08:00\"}";
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(lc_eval_push_json(f.ev, line, sizeof line - 1, "e.jsonl", 7, &err), LC_EEVENT);
    cr_assert_eq(err.line, 7);
    assert_contains(err.message, "NUL");
    finish(&f);
}

Test(push_json, u0000_in_the_id_is_invalid)
{
    static const char line[] = "{\"type\":\"ping\",\"id\":\"p\\u0000x\",\"at\":\"2026-03-10T10:00:00+08:00\"}";
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(lc_eval_push_json(f.ev, line, sizeof line - 1, "e.jsonl", 1, &err), LC_EEVENT);
    finish(&f);
}

/* ---- duplicates -------------------------------------------------------------------- */

Test(duplicates, exact_repeat_counted_once_with_a_warning)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING_N("p1", "5") "\n" PING_N("p1", "5") "\n", &err), LC_OK, "%s", err.message);
    expect_counted(&f, 1, 1);
    finish(&f);
}

Test(duplicates, repeat_in_another_key_order_and_number_spelling_is_exact)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl",
                      PING_N("p1", "5") "\n"
                      "{ \"n\": 5.0, \"at\": \"2026-03-10T10:00:00+08:00\", \"id\": \"p1\", \"type\": \"ping\" }\n",
                      &err),
                 LC_OK, "%s", err.message);
    expect_counted(&f, 1, 1);
    finish(&f);
}

Test(duplicates, conflicting_repeat_is_an_error_and_stops_the_evaluation)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING_N("p1", "5") "\n" PING_N("p1", "6") "\n" PING("p2") "\n", &err), LC_EEVENT);
    cr_assert_eq(err.line, 2);
    assert_contains(err.message, "p1");
    /* nothing more is accepted, by either entry point */
    cr_assert_eq(push(&f, "e.jsonl", PING("p3") "\n", &err), LC_EUSAGE);
    cr_assert_eq(lc_eval_push_json(f.ev, PING("p4"), strlen(PING("p4")), NULL, 0, &err), LC_EUSAGE);
    /* the state stays consistent: the result shows the first event only */
    expect_counted(&f, 1, 0);
    finish(&f);
}

Test(duplicates, null_differs_from_absent_in_content)
{
    fixture f = start(0);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl", PING("p1") "\n" PING_N("p1", "null") "\n", &err), LC_EEVENT);
    finish(&f);
}

/* ---- skipping invalid lines ----------------------------------------------------- */

Test(skip_invalid, invalid_lines_become_warnings_and_the_evaluation_continues)
{
    fixture f = start(LC_EVAL_SKIP_INVALID);
    lc_error err = {0};
    cr_assert_eq(push(&f, "e.jsonl",
                      PING_N("p1", "5") "\n"
                      "not json\n"
                      PING_N("p1", "6") "\n"                                    /* conflicting repeat */
                      "{\"type\":\"pong\",\"id\":\"x\"}\n"                     /* unknown type */
                      "{\"type\":\"ping\",\"id\":\"p9\",\"at\":\"2026-02-30T10:00:00+08:00\"}\n"
                      "\xEF\xBB\xBF" PING("p8") "\n"                            /* BOM on line 6 */
                      PING("p2") "\n",
                      &err),
                 LC_OK, "%ld: %s", err.line, err.message);
    cr_assert_eq(lc_eval_end_stream(f.ev, &err), LC_OK);
    expect_counted(&f, 2, 5);
    /* and further events are still accepted */
    cr_assert_eq(lc_eval_push_json(f.ev, PING("p3"), strlen(PING("p3")), "x", 1, &err), LC_OK, "%s", err.message);
    expect_counted(&f, 3, 5);
    finish(&f);
}

Test(skip_invalid, warnings_name_file_and_line_in_the_json)
{
    fixture f = start(LC_EVAL_SKIP_INVALID);
    lc_error err = {0};
    lc_result *res = NULL;
    char *json = NULL;
    cr_assert_eq(push(&f, "w.jsonl", PING("p1") "\n\nnot json\n", &err), LC_OK);
    cr_assert_eq(lc_eval_result(f.ev, &res, &err), LC_OK);
    cr_assert_eq(lc_result_json(res, &json, NULL, &err), LC_OK);
    assert_contains(json, "w.jsonl");
    cr_assert(strstr(json, "\"line\": 3") || strstr(json, "\"line\":3"), "%s", json);
    lc_free(json);
    lc_result_free(res);
    finish(&f);
}
