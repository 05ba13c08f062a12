/* Unit tests of the stores behind ingest: the fast hash, strings kept in
 * blocks that never move and their shared views, the id table's two-step
 * add, name maps, and the ingest plan (months by day, conditions on
 * presence as truth tables). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/cond.h"
#include "events/evaluation.h"
#include "base/hash.h"
#include "base/idtable.h"
#include "events/plan.h"
#include "base/strstore.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

/* ---- lci_fast_hash ---- */

Test(fast_hash, every_length_and_every_byte_matter)
{
    unsigned char buf[80];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7 + 1);
    for (size_t len = 0; len < sizeof buf; len++) {
        uint64_t h = lci_fast_hash(buf, len, 42);
        cr_assert_neq(h, lci_fast_hash(buf, len + 1, 42), "length %zu", len);
        cr_assert_neq(h, lci_fast_hash(buf, len, 43), "seed, length %zu", len);
        for (size_t i = 0; i < len; i++) {
            buf[i] ^= 0x20;
            cr_assert_neq(h, lci_fast_hash(buf, len, 42), "byte %zu of %zu", i, len);
            buf[i] ^= 0x20;
        }
    }
}

Test(fast_hash, sequential_ids_spread_over_the_top_bits)
{
    /* the id table homes a string by the top bits: "t-0" ... "t-99999"
     * must land evenly in 1024 buckets */
    enum { N = 100000, BUCKETS = 1024 };
    static unsigned count[BUCKETS];
    char id[32];
    for (int i = 0; i < N; i++) {
        int len = snprintf(id, sizeof id, "t-%d", i);
        count[lci_fast_hash(id, (size_t)len, 0x1234) >> 54]++;
    }
    unsigned lo = N, hi = 0;
    for (int b = 0; b < BUCKETS; b++) {
        if (count[b] < lo) lo = count[b];
        if (count[b] > hi) hi = count[b];
    }
    /* a uniform spread gives about 98 ± 10 per bucket */
    cr_assert(lo >= 55 && hi <= 145, "buckets from %u to %u", lo, hi);
}

/* ---- lci_strlist ---- */

Test(strstore, strings_keep_their_bytes_and_addresses_across_blocks)
{
    lci_strlist l = {0};
    enum { N = 200000 };
    const char *first = NULL;
    char s[64];
    for (uint32_t i = 0; i < N; i++) {
        int len = snprintf(s, sizeof s, "id-%u-%.*s", i, (int)(i % 40), "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop");
        uint32_t index;
        cr_assert_eq(lci_strlist_add(&l, s, (size_t)len, &index), 0);
        cr_assert_eq(index, i);
        size_t got;
        if (i == 0) first = lci_strlist_get(&l, 0, &got);
    }
    size_t len;
    cr_assert_eq(lci_strlist_get(&l, 0, &len), first, "a string never moves");
    for (uint32_t i = 0; i < N; i += 997) {
        int n = snprintf(s, sizeof s, "id-%u-%.*s", i, (int)(i % 40), "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop");
        const char *t = lci_strlist_get(&l, i, &len);
        cr_assert_eq(len, (size_t)n);
        cr_assert_str_eq(t, s);
    }
    lci_strlist_free(&l);
}

Test(strstore, long_and_empty_strings)
{
    lci_strlist l = {0};
    size_t big = 3 * LCI_TEXT_UNIT * 8 + 5; /* longer than the first blocks */
    char *s = malloc(big + 1);
    for (size_t i = 0; i < big; i++) s[i] = (char)('a' + i % 26);
    uint32_t a, b, c, d;
    cr_assert_eq(lci_strlist_add(&l, "x", 1, &a), 0);
    cr_assert_eq(lci_strlist_add(&l, s, big, &b), 0);
    cr_assert_eq(lci_strlist_add(&l, "", 0, &c), 0);
    cr_assert_eq(lci_strlist_add(&l, s, 255, &d), 0); /* the first length past one byte */
    size_t len;
    cr_assert_str_eq(lci_strlist_get(&l, a, &len), "x");
    const char *t = lci_strlist_get(&l, b, &len);
    cr_assert_eq(len, big);
    cr_assert_eq(memcmp(t, s, big), 0);
    cr_assert_eq(t[big], '\0');
    cr_assert_str_eq(lci_strlist_get(&l, c, &len), "");
    cr_assert_eq(len, 0);
    cr_assert_eq(memcmp(lci_strlist_get(&l, d, &len), s, 255), 0);
    cr_assert_eq(len, 255);
    free(s);
    lci_strlist_free(&l);
}

Test(strstore, a_view_outlives_its_list_and_ignores_later_strings)
{
    lci_strlist l = {0};
    uint32_t i;
    cr_assert_eq(lci_strlist_add(&l, "first", 5, &i), 0);
    lci_strview v = lci_strlist_view(&l);
    for (int k = 0; k < 5000; k++) cr_assert_eq(lci_strlist_add(&l, "more-and-more", 13, &i), 0);
    lci_strview w = lci_strlist_view(&l);
    lci_strlist_free(&l);
    cr_assert_eq(v.n, 1);
    cr_assert_eq(w.n, 5001);
    cr_assert_str_eq(lci_strview_get(&v, 0), "first");
    cr_assert_str_eq(lci_strview_get(&w, 5000), "more-and-more");
    lci_strview_release(&v);
    cr_assert_str_eq(lci_strview_get(&w, 0), "first");
    lci_strview_release(&w);
    lci_strview empty = lci_strlist_view(&l); /* of an empty list: nothing to hold */
    cr_assert_eq(empty.n, 0);
    lci_strview_release(&empty);
}

/* ---- lci_idtable ---- */

/* String i of the copy tests: short ones, a long one now and then. */
static size_t copy_test_string(size_t i, char *buf, size_t size)
{
    if (i % 97 == 5) {
        memset(buf, 'a' + (int)(i % 26), 300);
        return (size_t)snprintf(buf + 300, size - 300, "-%zu", i) + 300;
    }
    return (size_t)snprintf(buf, size, "id-%zu", i);
}

/* A copy made at any length (inside a block, at a block's end, empty)
 * holds the same strings, and both go on alike and apart. */
Test(strstore, a_copy_has_the_same_strings_and_grows_apart)
{
    static const size_t AT[] = {0, 1, 255, 256, 257, 700, 2000, 5000};
    char buf[400];
    for (size_t a = 0; a < sizeof AT / sizeof *AT; a++) {
        lci_strlist src = {0}, dst = {0};
        uint32_t index;
        for (size_t i = 0; i < AT[a]; i++) {
            size_t len = copy_test_string(i, buf, sizeof buf);
            cr_assert_eq(lci_strlist_add(&src, buf, len, &index), 0);
        }
        cr_assert_eq(lci_strlist_copy(&dst, &src), 0);
        cr_assert_eq(lci_strlist_copy(&dst, &src) != 0, dst.n > 0, "a list that is not empty takes no copy");
        for (size_t i = AT[a]; i < AT[a] + 600; i++) { /* both go on: the copy's cursor is its own */
            size_t len = copy_test_string(i, buf, sizeof buf);
            cr_assert_eq(lci_strlist_add(&src, buf, len, &index), 0);
            cr_assert_eq(lci_strlist_add(&dst, buf, len, &index), 0);
            cr_assert_eq(index, i);
        }
        for (size_t i = 0; i < AT[a] + 600; i++) {
            size_t len = copy_test_string(i, buf, sizeof buf), got_len, src_len;
            const char *got = lci_strlist_get(&dst, (uint32_t)i, &got_len), *had = lci_strlist_get(&src, (uint32_t)i, &src_len);
            cr_assert_eq(got_len, len, "string %zu of a copy at %zu", i, AT[a]);
            cr_assert(memcmp(got, buf, len) == 0 && got != had, "string %zu of a copy at %zu", i, AT[a]);
        }
        lci_strlist_free(&src);
        lci_strlist_free(&dst);
    }
}

Test(idtable, two_step_add_finds_the_slot_once)
{
    lci_idtable t;
    lci_idtable_init(&t, 99);
    char id[32];
    for (int i = 0; i < 30000; i++) {
        int n = snprintf(id, sizeof id, "e%d", i);
        uint64_t h = lci_idtable_hash(&t, id, (size_t)n);
        size_t slot;
        cr_assert_eq(lci_idtable_reserve(&t), 0);
        cr_assert_eq(lci_idtable_lookup(&t, id, (size_t)n, h, &slot), -1);
        uint32_t index;
        cr_assert_eq(lci_idtable_add_at(&t, slot, id, (size_t)n, h, &index), 0);
        cr_assert_eq(index, (uint32_t)i);
        cr_assert_eq(lci_idtable_lookup(&t, id, (size_t)n, h, &slot), i);
    }
    cr_assert_eq(lci_idtable_find(&t, "e17", 3, lci_idtable_hash(&t, "e17", 3)), 17);
    cr_assert_eq(lci_idtable_find(&t, "e1", 2, lci_idtable_hash(&t, "e1", 2)), 1);
    cr_assert_eq(lci_idtable_find(&t, "e", 1, lci_idtable_hash(&t, "e", 1)), -1);
    lci_idtable_free(&t);
}

Test(idtable, a_copy_finds_every_id_and_grows_on_its_own)
{
    lci_idtable t, c;
    lci_idtable_init(&t, 7);
    lci_idtable_init(&c, 7);
    char id[32];
    uint32_t index;
    int added;
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(id, sizeof id, "e%d", i);
        cr_assert_eq(lci_idtable_intern(&t, id, (size_t)n, &index, &added), 0);
    }
    cr_assert_eq(lci_idtable_copy(&c, &t), 0);
    for (int i = 0; i < 20000; i++) { /* the first 5000 found, the rest added at the next index */
        int n = snprintf(id, sizeof id, "e%d", i);
        cr_assert_eq(lci_idtable_intern(&c, id, (size_t)n, &index, &added), 0);
        cr_assert_eq(index, (uint32_t)i);
        cr_assert_eq(added, i >= 5000);
    }
    cr_assert_eq(lci_idtable_find(&t, "e6000", 5, lci_idtable_hash(&t, "e6000", 5)), -1, "the original grew");
    lci_idtable_free(&t);
    lci_idtable_free(&c);
}

Test(idtable, crowded_homes_stay_in_tag_order_and_all_are_found)
{
    /* hashes whose top bits are all 0: every string has home 0, so the
     * table must shift, crowd its spare slots and grow past them */
    lci_idtable t;
    lci_idtable_init(&t, 5);
    enum { N = 3000 };
    char id[32];
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(id, sizeof id, "c%u", i);
        uint64_t hash = (uint64_t)((i * 2654435761u) >> 12) << 32; /* tags below 2^20 */
        uint32_t index;
        cr_assert_eq(lci_idtable_add(&t, id, (size_t)n, hash, &index), 0);
        cr_assert_eq(index, i);
    }
    for (size_t i = 1; i < t.nslots + LCI_SPARE_SLOTS; i++)
        if (t.slots[i] && t.slots[i - 1]) cr_assert_leq(t.slots[i - 1] >> 32, t.slots[i] >> 32, "slot %zu", i);
    cr_assert_eq(t.slots[t.nslots + LCI_SPARE_SLOTS - 1], 0, "the last slot stays free");
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(id, sizeof id, "c%u", i);
        uint64_t hash = (uint64_t)((i * 2654435761u) >> 12) << 32;
        cr_assert_eq(lci_idtable_find(&t, id, (size_t)n, hash), (long)i, "%s", id);
        cr_assert_eq(lci_idtable_find(&t, id, (size_t)n, hash ^ (UINT64_C(1) << 32)), -1);
    }
    lci_idtable_free(&t);
}

/* ---- lci_namemap ---- */

Test(namemap, finds_each_name_and_nothing_else)
{
    const char *names[] = {"type", "id", "opened", "responded", "restored", "impact", "opened", "at"};
    lci_namemap m;
    cr_assert_eq(lci_namemap_init(&m, names, 8, 7), 0);
    for (int i = 0; i < 8; i++) {
        int want = i == 6 ? 2 : i; /* a name given twice keeps its first index */
        size_t len = strlen(names[i]);
        cr_assert_eq(lci_namemap_find(&m, names[i], len, lci_namemap_hash(&m, names[i], len)), want, "%s", names[i]);
    }
    const char *others[] = {"", "typ", "types", "Type", "open", "a", "restoredx"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        size_t len = strlen(others[i]);
        cr_assert_eq(lci_namemap_find(&m, others[i], len, lci_namemap_hash(&m, others[i], len)), -1, "%s", others[i]);
    }
    lci_namemap_free(&m);
    lci_namemap empty;
    cr_assert_eq(lci_namemap_init(&empty, NULL, 0, 1), 0);
    cr_assert_eq(lci_namemap_find(&empty, "x", 1, lci_namemap_hash(&empty, "x", 1)), -1);
    lci_namemap_free(&empty);
}

/* ---- the plan ---- */

static lc_engine *reference(void)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, REFERENCE, &err), LC_OK, "%s", err.message);
    return e;
}

Test(plan, month_of_every_instant_agrees_with_the_calendar)
{
    lc_engine *e = reference();
    const lci_model *m = &e->model;
    const lci_plan *p = &e->plan;
    cr_assert_not_null(p->month_of_day);
    /* every hour of the term, and the nanoseconds around each month start */
    for (lci_time t = m->term_start; t < m->term_end; t += LCI_NS_PER_HOUR) {
        int want = (int)(lci_local_month(t, m->offset_min) - m->first_month);
        cr_assert_eq(lci_plan_month(p, t), want);
    }
    for (int i = 1; i < m->nmonths; i++) {
        cr_assert_eq(lci_plan_month(p, p->month_starts[i]), i);
        cr_assert_eq(lci_plan_month(p, p->month_starts[i] - 1), i - 1);
    }
    lc_engine_free(e);
}

Test(plan, presence_conditions_become_truth_tables_that_agree)
{
    lc_engine *e = reference();
    const lci_model *m = &e->model;
    const lci_plan *p = &e->plan;
    int tables = 0;
    lci_cond_ctx ctx = {m, NULL, 0, INT64_MAX};
    for (size_t ti = 0; ti < m->ntypes; ti++) {
        const lci_event_type *t = &m->types[ti];
        for (size_t i = 0; i < p->of[ti].nfeeds; i++) {
            const lci_test *x = &p->of[ti].feeds[i].where;
            if (!x->by_presence) continue;
            tables++;
            lci_record r = {0};
            for (uint64_t present = 0; present < (UINT64_C(1) << t->nfields); present++) {
                r.present = present;
                cr_assert_eq(lci_test_holds(x, t, &r, &ctx), lci_cond_eval(x->cond, t, &r, &ctx));
            }
        }
    }
    cr_assert_geq(tables, 2, "open tickets and open security events are counted by presence");
    lc_engine_free(e);
}

Test(plan, every_field_is_found_by_its_key)
{
    lc_engine *e = reference();
    const lci_model *m = &e->model;
    const lci_plan *p = &e->plan;
    for (size_t ti = 0; ti < m->ntypes; ti++) {
        const char *name = m->types[ti].name;
        cr_assert_eq(lci_namemap_find(&p->types, name, strlen(name), lci_namemap_hash(&p->types, name, strlen(name))),
                     (int)ti);
        for (size_t f = 0; f < m->types[ti].nfields; f++) {
            const char *key = m->types[ti].fields[f].name;
            int k = lci_namemap_find(&p->keys, key, strlen(key), lci_namemap_hash(&p->keys, key, strlen(key)));
            cr_assert_geq(k, 0);
            cr_assert_eq(p->of[ti].field_of_key[k], (int16_t)f, "%s.%s", name, key);
        }
    }
    lc_engine_free(e);
}
