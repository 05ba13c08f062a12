/* test_jsonread.c — the JSON line read straight from the scan against the
 * same line read through cJSON (json_paths.h): every line of a corpus of
 * tricky lines and of every golden case, under each shipped contract's
 * rules, plain, strict and with updates.  The fuzz harness
 * (tests/fuzz/fuzz_events.c) holds the same on any input. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <dirent.h>

#include "json_paths.h"


static const char *const RULE_FILES[] = {
    LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua", LC_SOURCE_DIR "/examples/hosting-sla/rules.lua",
    LC_SOURCE_DIR "/examples/cloud-sla/rules.lua", LC_SOURCE_DIR "/examples/implementation/rules.lua"};

static const unsigned FLAGS[] = {0, LC_EVAL_STRICT, LC_EVAL_UPDATES};

#define T "\"type\":\"ticket\""
#define O "\"opened\":\"2026-04-02T09:00:00+08:00\""

/* Lines either reader could get wrong: escapes, numbers of every form,
 * literals, repeats, nesting, bad values, retractions, long events. */
static const char *const TRICKY[] = {
    "{" T ",\"id\":\"t1\"," O ",\"responded\":\"2026-04-02T09:30:00+08:00\",\"impact\":\"serious\"}",
    "{\"id\":\"t1\"," T "," O ",\"responded\":\"2026-04-02T09:30:00+08:00\",\"impact\":\"serious\"}",
    "  { " T " , \"id\" : \"t2\" , " O " }  ",
    "{\"\\u0074ype\":\"ticket\",\"id\":\"t3\"," O "}",
    "{" T ",\"id\":\"t\\u00e94\"," O "}",
    "{" T ",\"id\":\"t\\\"5\"," O "}",
    "{" T ",\"id\":\"t\xc3\xa9" "6\"," O ",\"note\":\"caf\xc3\xa9 \xe4\xb8\xad\"}",
    "{" T ",\"id\":\"t7\"," O ",\"impact\":\"seriou\\u0073\"}",
    "{" T ",\"id\":\"t8\"," O ",\"impact\":null,\"responded\":null}",
    "{" T ",\"id\":\"t9\"," O ",\"extra\":1,\"more\":1.0,\"most\":1e0,\"neg\":-0,\"big\":1e400}",
    "{" T ",\"id\":\"t10\"," O ",\"digits\":12345678901234567890123,\"frac\":0.1000000000000000000001}",
    "{" T ",\"id\":\"t11\"," O ",\"flag\":true,\"other\":false,\"nothing\":null}",
    "{" T ",\"id\":\"t12\"," O ",\"nested\":{\"a\":1,\"b\":[1,2,{\"c\":null}]}}",
    "{" T ",\"id\":\"t13\"," O ",\"list\":[],\"obj\":{}}",
    "{" T ",\"id\":\"t14\"," O ",\"nested\":{\"a\":1,\"a\":2}}",
    "{" T ",\"id\":\"t15\"," O ",\"opened\":\"2026-04-02T10:00:00+08:00\"}",
    "{" T ",\"id\":\"t16\"," O ",\"x\":1,\"x\":1}",
    "{" T ",\"id\":\"t17\"," O ",\"x\":1,\"\\u0078\":1}",
    "{\"type\":5,\"id\":\"t18\"}",
    "{\"type\":\"tick\",\"id\":\"t19\"}",
    "{\"id\":\"t20\"}",
    "{" T ",\"id\":\"\"," O "}",
    "{" T ",\"id\":7," O "}",
    "{" T ",\"id\":\"t21\",\"opened\":\"2026-04-02 09:00\"}",
    "{" T ",\"id\":\"t22\",\"opened\":5}",
    "{" T ",\"id\":\"t23\"," O ",\"impact\":\"huge\"}",
    "{" T ",\"id\":\"t24\"," O ",\"impact\":true}",
    "{\"type\":\"outage\",\"id\":\"o1\",\"start\":\"2026-04-03T01:00:00+08:00\",\"end\":\"2026-04-03T02:00:00+08:00\","
    "\"affected_users\":12,\"loss\":\"1234.56\",\"provider_fault\":false}",
    "{\"type\":\"outage\",\"id\":\"o2\",\"start\":\"2026-04-03T01:00:00+08:00\",\"end\":\"2026-04-03T02:00:00+08:00\","
    "\"affected_users\":1.5,\"loss\":1234.567}",
    "{\"type\":\"outage\",\"id\":\"o3\",\"start\":\"2026-04-03T01:00:00+08:00\",\"end\":\"2026-04-03T02:00:00+08:00\","
    "\"affected_users\":-1,\"loss\":1e2,\"provider_fault\":\"yes\"}",
    "{\"type\":\"outage\",\"id\":\"o4\",\"start\":\"2026-04-03T01:00:00+08:00\",\"end\":\"2026-04-03T02:00:00+08:00\","
    "\"affected_users\":1234567890123456,\"loss\":\"12345678901234567.89\"}",
    "{\"type\":\"outage\",\"id\":\"o5\",\"start\":\"2026-04-03T01:00:00+08:00\",\"end\":\"2026-04-03T02:00:00+08:00\","
    "\"affected_users\":1E+1,\"loss\":0.50}",
    "{\"type\":\"data_loss\",\"id\":\"d1\",\"at\":\"2026-05-01T00:00:00+08:00\",\"months_lost\":2.5}",
    "{\"type\":\"data_loss\",\"id\":\"d2\",\"at\":\"2026-05-01T00:00:00+08:00\",\"months_lost\":\"2.5\"}",
    "{\"type\":\"invoice\",\"id\":\"i1\",\"month\":\"2026-05\",\"service\":\"compute\",\"amount\":\"100.00\"}",
    "{\"type\":\"invoice\",\"id\":\"i2\",\"month\":\"2026-13\",\"service\":\"comput\",\"amount\":100}",
    "{\"type\":\"support_case\",\"id\":\"s1\",\"opened\":\"2026-05-01T00:00:00Z\",\"priority\":\"urgent\","
    "\"subject\":\"disk \\u2603 full\"}",
    "{\"type\":\"milestone\",\"id\":\"m1\",\"due\":\"2026-06-01T00:00:00+08:00\",\"value\":\"5000\",\"title\":\"A\"}",
    "{\"type\":\"milestone\",\"id\":\"m2\",\"due\":\"2026-06-01T00:00:00+08:00\",\"value\":5000,\"titel\":\"A\"}",
    "{\"type\":\"delivery\",\"id\":\"v1\",\"delivered\":\"2026-06-02T00:00:00+08:00\",\"milestone\":\"m1\",\"passed\":true}",
    "{" T ",\"id\":\"t1\",\"retracted\":true}",
    "{" T ",\"id\":\"t1\",\"retracted\":false}",
    "{" T ",\"id\":\"t1\",\"retracted\":true,\"x\":1}",
    "{" T ",\"id\":\"t1\",\"retracted\":1}",
    "{}",
    "[]",
    "\"ticket\"",
    "{" T ",\"id\":\"t25\"," O "} x",
    "{" T ",\"id\":\"t26\"," O ",}",
    "{" T ",\"id\":\"t27\"," O ",\"bad\":\"\\u0000\"}",
    "{" T ",\"id\":\"t28\"," O ",\"bad\":\"\\ud800\"}",
    "{" T ",\"id\":\"t29\"," O ",\"pair\":\"\\ud83d\\ude00\"}",
    "{" T ",\"id\":\"t30\"," O ",\"bad\":\"\xff\"}",
    "{" T ",\"id\":\"t31\"," O ",\"n\":01}",
    "{" T ",\"id\":\"t32\"," O ",\"n\":1.}",
    "{\"type\":\"ticket\"}",
    "{" T ",\"id\":\"t33\",\"a1\":1,\"a2\":2,\"a3\":3,\"a4\":4,\"a5\":5,\"a6\":6,\"a7\":7,\"a8\":8,\"a9\":9,\"a10\":10,"
    "\"a11\":1,\"a12\":1,\"a13\":1,\"a14\":1,\"a15\":1,\"a16\":1,\"a17\":1,\"a18\":1,\"a19\":1,\"a20\":1,\"a21\":1,"
    "\"a22\":1,\"a23\":1,\"a24\":1,\"a25\":1,\"a26\":1,\"a27\":1,\"a28\":1,\"a29\":1,\"a30\":1,\"a31\":1," O "}",
    "{" T ",\"id\":\"t34\",\"a1\":1,\"a2\":2,\"a3\":3,\"a4\":4,\"a5\":5,\"a6\":6,\"a7\":7,\"a8\":8,\"a9\":9,\"a10\":10,"
    "\"a11\":1,\"a12\":1,\"a13\":1,\"a14\":1,\"a15\":1,\"a16\":1,\"a17\":1,\"a18\":1,\"a19\":1,\"a20\":1,\"a21\":1,"
    "\"a22\":1,\"a23\":1,\"a24\":1,\"a25\":1,\"a26\":1,\"a27\":1,\"a28\":1,\"a29\":1,\"a30\":1,\"a5\":1," O "}",
    "{" T ",\"id\":\"t2\"," O "}",
    "{" T ",\"id\":\"t2\",\"opened\":\"2026-04-02T09:00:00.000+08:00\"}",
};

typedef struct pair {
    lc_engine *engine;
    lc_eval *direct, *tree;
} pair;

static void pair_open(pair *p, const char *rules, unsigned flags)
{
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&p->engine, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(p->engine, rules, &err), LC_OK, "%s: %s", rules, err.message);
    cr_assert_eq(lc_eval_new(&p->direct, p->engine, flags, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&p->tree, p->engine, flags, &err), LC_OK);
}

static void pair_close(pair *p)
{
    lc_eval_free(p->direct);
    lc_eval_free(p->tree);
    lc_engine_free(p->engine);
}

static void expect_alike(pair *p, const char *line, size_t len, const char *where)
{
    char diff[512];
    const char *what = json_paths_differ(p->direct, p->tree, line, len, diff, sizeof diff);
    cr_expect_null(what, "%s: %s", where, what ? what : "");
}

/* Every line of a file, read by both. */
static void expect_file_alike(pair *p, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        expect_alike(p, line, (size_t)n, path);
    }
    free(line);
    fclose(f);
}

/* The events of every golden case under a directory of cases. */
static void expect_cases_alike(pair *p, const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        int n = snprintf(path, sizeof path, "%s/%s/events.jsonl", dir, e->d_name);
        if (n > 0 && (size_t)n < sizeof path) expect_file_alike(p, path);
    }
    closedir(d);
}

Test(jsonread, tricky_lines_read_alike_under_every_contract_and_flag)
{
    for (size_t r = 0; r < sizeof RULE_FILES / sizeof *RULE_FILES; r++)
        for (size_t f = 0; f < sizeof FLAGS / sizeof *FLAGS; f++) {
            pair p;
            pair_open(&p, RULE_FILES[r], FLAGS[f]);
            for (int round = 0; round < 2; round++) /* the second time every id is known */
                for (size_t i = 0; i < sizeof TRICKY / sizeof *TRICKY; i++)
                    expect_alike(&p, TRICKY[i], strlen(TRICKY[i]), RULE_FILES[r]);
            pair_close(&p);
        }
}

Test(jsonread, golden_cases_read_alike)
{
    static const char *const CASES[][2] = {
        {"/rules/beijing-sme-secops-2026.lua", "/tests/golden/reference"},
        {"/examples/hosting-sla/rules.lua", "/examples/hosting-sla/tests"},
        {"/examples/cloud-sla/rules.lua", "/examples/cloud-sla/tests"},
        {"/examples/implementation/rules.lua", "/examples/implementation/tests"},
    };
    for (size_t c = 0; c < sizeof CASES / sizeof *CASES; c++) {
        char rules[1024], dir[1024];
        snprintf(rules, sizeof rules, "%s%s", LC_SOURCE_DIR, CASES[c][0]);
        snprintf(dir, sizeof dir, "%s%s", LC_SOURCE_DIR, CASES[c][1]);
        pair p;
        pair_open(&p, rules, LC_EVAL_UPDATES);
        expect_cases_alike(&p, dir);
        pair_close(&p);
    }
}

/* The tricky lines as one stream: the same result, warnings and lines not
 * counted (skipped), or the same first error. */
Test(jsonread, streams_give_the_same_result)
{
    char stream[16384] = "";
    for (size_t i = 0; i < sizeof TRICKY / sizeof *TRICKY; i++) {
        strcat(stream, TRICKY[i]);
        strcat(stream, "\n");
    }
    for (size_t r = 0; r < sizeof RULE_FILES / sizeof *RULE_FILES; r++) {
        lc_engine *e = NULL;
        lc_error err = {0};
        cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
        cr_assert_eq(lc_engine_load_file(e, RULE_FILES[r], &err), LC_OK);
        for (unsigned skip = 0; skip < 2; skip++) {
            unsigned flags = skip ? LC_EVAL_SKIP_INVALID : 0;
            char *direct = json_stream_outcome(e, flags, LCI_READ_DIRECT, stream, strlen(stream));
            char *tree = json_stream_outcome(e, flags, LCI_READ_CJSON, stream, strlen(stream));
            cr_expect_str_eq(direct, tree, "%s", RULE_FILES[r]);
            free(direct);
            free(tree);
        }
        lc_engine_free(e);
    }
}

/* The direct reader is the one taken for a flat line, cJSON for the rest:
 * else the comparisons above would compare cJSON with itself. */
Test(jsonread, flat_lines_skip_cjson_and_others_go_through_it)
{
    pair p;
    pair_open(&p, RULE_FILES[0], 0);
    line_reading out;
    read_line_with(p.direct, TRICKY[0], strlen(TRICKY[0]), &out);
    cr_assert_eq(out.status, LC_OK, "%s", out.why);
    cr_expect_null(p.direct->json_tree, "a flat line went through cJSON");
    static const int NOT_FLAT[] = {3, 4, 9, 12}; /* an escaped key, an escaped id, 1e400, a nested object */
    for (size_t i = 0; i < sizeof NOT_FLAT / sizeof *NOT_FLAT; i++) {
        const char *line = TRICKY[NOT_FLAT[i]];
        read_line_with(p.direct, line, strlen(line), &out);
        cr_expect_not_null(p.direct->json_tree, "not through cJSON: %s", line);
    }
    read_line_with(p.tree, TRICKY[0], strlen(TRICKY[0]), &out);
    p.tree->json_reader = LCI_READ_CJSON;
    read_line_with(p.tree, TRICKY[0], strlen(TRICKY[0]), &out);
    cr_expect_not_null(p.tree->json_tree, "LCI_READ_CJSON read a flat line without cJSON");
    pair_close(&p);
}

/* The same content written otherwise (key order, 1 / 1.0 / 1e0, white
 * space) is a repeat, not a conflict, whichever reader read each line. */
Test(jsonread, equal_contents_hash_equal_across_readers)
{
    static const char *const SAME[] = {
        "{" T ",\"id\":\"h1\"," O ",\"n\":1}",
        "{\"n\":1.0," O ",\"id\":\"h1\"," T "}",
        "{ " T ", \"id\": \"h1\", " O ", \"n\": 1e0 }",
        "{" T ",\"id\":\"h\\u0031\"," O ",\"n\":10E-1}",
    };
    pair p;
    pair_open(&p, RULE_FILES[0], 0);
    line_reading first, other;
    p.direct->json_reader = LCI_READ_DIRECT;
    read_line_with(p.direct, SAME[0], strlen(SAME[0]), &first);
    for (size_t i = 1; i < sizeof SAME / sizeof *SAME; i++)
        for (int reader = 0; reader < 2; reader++) {
            p.direct->json_reader = reader ? LCI_READ_CJSON : LCI_READ_DIRECT;
            read_line_with(p.direct, SAME[i], strlen(SAME[i]), &other);
            cr_expect_eq(other.status, LC_OK, "%s", other.why);
            cr_expect_eq(other.p.content.h, first.p.content.h, "%s (reader %d)", SAME[i], reader);
        }
    pair_close(&p);
}
