/* `contract diff` pairs breaches and incidents by identity.  Random outages
 * under two random parameter sets: what lc_result_diff reports added,
 * removed and changed must be what the pairing read literally gives — each
 * old breach, in order, takes the first new one of the same identity not
 * yet taken (the rule and month for a month's breach; the rule, time and
 * first event for an event's); each old incident the first new one with
 * the same rule, time and events. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"
#include "api/result.h"

static const char RULES[] = OUTAGE_RULES_HEAD
    "param { 'target', 99.9, unit = '%' }\n"
    "param { 'long', 120, unit = 'min' }\n"
    "param { 'users', 100, unit = 'count' }\n"
    "measure 'availability' { availability = 'outage', label = 'availability', unit = '%' }\n"
    "breach 'minor.1' { class = 'minor', pct = 5, clause = 'a', month = 'availability', band = { lt = P.target } }\n"
    "breach 'minor.2' { class = 'minor', pct = 3, clause = 'b', on = 'outage',\n"
    "  where = span('start', 'end', { ge = P.long }) }\n"
    "breach 'minor.3' { class = 'minor', pct = 6, clause = 'c', on = 'outage',\n"
    "  cluster = { window = P.window, count_ge = P.count, total_ge = P.total } }\n"
    "incident 'B.outage' { class = 'B', clause = 'd', on = 'outage',\n"
    "  where = { span('start', 'end', { ge = P.long }), num('users', { ge = P.users }) } }\n";

/* Random outages on a coarse grid (ties common), as JSON Lines. */
static char *random_events(unsigned *seed, size_t n)
{
    static const int minutes[] = {0, 30, 60, 120, 180, 240};
    size_t size = 160 * n + 1, len = 0;
    char *text = malloc(size);
    cr_assert_not_null(text);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int start = (int)(next_random(seed) % 120) * (DAY / 2), end = start + minutes[next_random(seed) % 6];
        char id[32], users[32];
        snprintf(id, sizeof id, "o-%zu", i + 1);
        snprintf(users, sizeof users, ",\"users\":%u", next_random(seed) % 300);
        append_span_event(text, size, &len, "outage", id, start, end, users);
    }
    return text;
}

/* NAME=VALUE settings, random, into buf (NULL-terminated list in out). */
static void random_params(unsigned *seed, char buf[6][32], const char *out[7])
{
    static const char *const target[] = {"99", "99.9", "99.99"}, *const longer[] = {"60", "120", "180"},
                             *const users[] = {"50", "100", "200"}, *const window[] = {"0", "1", "7"},
                             *const count[] = {"0", "2", "3"}, *const total[] = {"120", "240"};
    snprintf(buf[0], 32, "target=%s", target[next_random(seed) % 3]);
    snprintf(buf[1], 32, "long=%s", longer[next_random(seed) % 3]);
    snprintf(buf[2], 32, "users=%s", users[next_random(seed) % 3]);
    snprintf(buf[3], 32, "window=%s", window[next_random(seed) % 3]);
    snprintf(buf[4], 32, "count=%s", count[next_random(seed) % 3]);
    snprintf(buf[5], 32, "total=%s", total[next_random(seed) % 2]);
    for (int i = 0; i < 6; i++) out[i] = buf[i];
    out[6] = NULL;
}

/* ---- the literal pairing, on the results' own records ---- */

static const char *first_id(const lc_result *r, const lci_refs *refs)
{
    return refs->n ? lci_result_id(r, refs->ids[0]) : "";
}

static const char *month_of(const lc_result *r, const lci_rbreach *b)
{
    return b->month >= 0 ? r->months[b->month].label : "";
}

static int same_identity(const lc_result *ra, const lci_rbreach *a, const lc_result *rb, const lci_rbreach *b)
{
    if (strcmp(a->rule, b->rule) != 0 || strcmp(month_of(ra, a), month_of(rb, b)) != 0) return 0;
    if (a->month >= 0) return 1;
    return a->has_at == b->has_at && a->at == b->at && strcmp(first_id(ra, &a->events), first_id(rb, &b->events)) == 0;
}

static int same_events(const lc_result *ra, const lci_refs *a, const lc_result *rb, const lci_refs *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(lci_result_id(ra, a->ids[i]), lci_result_id(rb, b->ids[i])) != 0) return 0;
    return 1;
}

/* "rule|period|at|id id ...; " as the diff's JSON will show it. */
static void breach_text(const lc_result *r, const lci_rbreach *b, char *out, size_t size)
{
    size_t len = strlen(out);
    len += (size_t)snprintf(out + len, size - len, "%s|%s|%s|", b->rule, month_of(r, b), b->has_at ? b->at_text : "");
    for (size_t i = 0; i < b->events.n; i++)
        len += (size_t)snprintf(out + len, size - len, " %s", lci_result_id(r, b->events.ids[i]));
    snprintf(out + len, size - len, "; ");
}

static void literal_diff(const lc_result *a, const lc_result *b, char *out, size_t size)
{
    int match[256], taken[256] = {0}, inc_old[256] = {0}, inc_new[256] = {0};
    cr_assert_leq(a->nbreaches, 256);
    cr_assert_leq(b->nbreaches, 256);
    cr_assert_leq(a->nincidents, 256);
    cr_assert_leq(b->nincidents, 256);
    for (size_t i = 0; i < a->nbreaches; i++) {
        match[i] = -1;
        for (size_t j = 0; j < b->nbreaches && match[i] < 0; j++)
            if (!taken[j] && same_identity(a, &a->breaches[i], b, &b->breaches[j])) taken[j] = 1, match[i] = (int)j;
    }
    for (size_t i = 0; i < a->nincidents; i++)
        for (size_t j = 0; j < b->nincidents && !inc_old[i]; j++) {
            const lci_rincident *x = &a->incidents[i], *y = &b->incidents[j];
            if (!inc_new[j] && strcmp(x->rule, y->rule) == 0 && x->at == y->at &&
                same_events(a, &x->events, b, &y->events))
                inc_old[i] = inc_new[j] = 1;
        }
    out[0] = '\0';
    strcat(out, "added: ");
    for (size_t j = 0; j < b->nbreaches; j++)
        if (!taken[j]) breach_text(b, &b->breaches[j], out, size);
    strcat(out, "removed: ");
    for (size_t i = 0; i < a->nbreaches; i++)
        if (match[i] < 0) breach_text(a, &a->breaches[i], out, size);
    strcat(out, "changed: ");
    for (size_t i = 0; i < a->nbreaches; i++) {
        if (match[i] < 0) continue;
        const lci_rbreach *x = &a->breaches[i], *y = &b->breaches[match[i]];
        if (x->amount == y->amount && lci_dec_cmp(x->pct, y->pct) == 0 && same_events(a, &x->events, b, &y->events))
            continue;
        breach_text(a, x, out, size);
        breach_text(b, y, out, size);
    }
    strcat(out, "incidents: ");
    for (size_t i = 0; i < a->nincidents; i++)
        if (!inc_old[i]) snprintf(out + strlen(out), size - strlen(out), "removed %s %s; ", a->incidents[i].rule,
                                  first_id(a, &a->incidents[i].events));
    for (size_t j = 0; j < b->nincidents; j++)
        if (!inc_new[j]) snprintf(out + strlen(out), size - strlen(out), "added %s %s; ", b->incidents[j].rule,
                                  first_id(b, &b->incidents[j].events));
}

/* ---- what the diff reports ---- */

static const char *text_or_empty(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void json_breach_text(const cJSON *b, char *out, size_t size)
{
    size_t len = strlen(out);
    len += (size_t)snprintf(out + len, size - len, "%s|%s|%s|", text_or_empty(b, "rule"), text_or_empty(b, "period"),
                            text_or_empty(b, "at"));
    const cJSON *id;
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(b, "events"))
        len += (size_t)snprintf(out + len, size - len, " %s", id->valuestring);
    snprintf(out + len, size - len, "; ");
}

static void reported_diff(const lc_result *a, const lc_result *b, char *out, size_t size)
{
    char *json = NULL;
    size_t len = 0;
    lc_error err = {0};
    cr_assert_eq(lc_result_diff(a, b, LC_FORMAT_JSON, LC_LANG_EN, &json, &len, NULL, &err), LC_OK, "%s", err.message);
    cJSON *root = cJSON_Parse(json);
    cr_assert_not_null(root);
    const cJSON *x;
    out[0] = '\0';
    strcat(out, "added: ");
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(root, "added")) json_breach_text(x, out, size);
    strcat(out, "removed: ");
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(root, "removed")) json_breach_text(x, out, size);
    strcat(out, "changed: ");
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(root, "changed"))
    {
        json_breach_text(cJSON_GetObjectItemCaseSensitive(x, "old"), out, size);
        json_breach_text(cJSON_GetObjectItemCaseSensitive(x, "new"), out, size);
    }
    strcat(out, "incidents: ");
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(root, "incidents"))
        snprintf(out + strlen(out), size - strlen(out), "%s %s %s; ", text_or_empty(x, "change"),
                 text_or_empty(x, "rule"),
                 cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "events"), 0)->valuestring);
    cJSON_Delete(root);
    lc_free(json);
}

Test(diff, pairs_as_the_literal_first_untaken_match)
{
    unsigned seed = 42;
    size_t size = 1 << 16;
    char *got = malloc(size), *want = malloc(size);
    cr_assert(got && want);
    for (int round = 0; round < 150; round++) {
        char *events = random_events(&seed, next_random(&seed) % 40);
        char old_buf[6][32], new_buf[6][32];
        const char *old_params[7], *new_params[7];
        random_params(&seed, old_buf, old_params);
        random_params(&seed, new_buf, new_params);
        lc_result *a = result_of_rules(RULES, old_params, events), *b = result_of_rules(RULES, new_params, events);
        literal_diff(a, b, want, size);
        reported_diff(a, b, got, size);
        cr_assert_str_eq(got, want, "round %d:\n%s\n%s", round, got, want);
        lc_result_free(a);
        lc_result_free(b);
        free(events);
    }
    free(got);
    free(want);
}

Test(diff, a_result_against_itself_pairs_everything)
{
    unsigned seed = 7;
    char *events = random_events(&seed, 40);
    const char *params[] = {"count=0", NULL}; /* fires on nothing too: breaches of one identity repeat */
    lc_result *a = result_of_rules(RULES, params, events), *b = result_of_rules(RULES, params, events);
    char *text = NULL;
    int differs = -1;
    lc_error err = {0};
    cr_assert_eq(lc_result_diff(a, b, LC_FORMAT_TEXT, LC_LANG_EN, &text, NULL, &differs, &err), LC_OK);
    cr_assert_eq(differs, 0, "%s", text);
    lc_free(text);
    lc_result_free(a);
    lc_result_free(b);
    free(events);
}
