/* Amounts and caps as expressions: a credit as a share of each month's
 * bill, a minimum, a rate per hour, a class cap that binds while the other
 * class is not cut, a monthly cap of the bill, a trailing cap fed by
 * opening balances; every breach says what it counts after the caps. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"

static const char RULES[] =
    "contract { id = 'caps', currency = 'USD', timezone = '+00:00', term = { '2026-01-01', '2026-07-01' } }\n"
    "param { 'target', 99.9, unit = '%' }\n"
    "param { 'credit', 10, unit = '%' }\n"
    "param { 'least', '5.00', unit = 'money' }\n"
    "param { 'case_credit', '50.00', unit = 'money' }\n"
    "param { 'support_cap', '60.00', unit = 'money' }\n"
    "param { 'bill_cap', 100, unit = '%' }\n"
    "param { 'trailing_cap', 30, unit = '%' }\n"
    "param { 'reply', 30, unit = 'min' }\n"
    "event 'invoice' { anchor = 'at', { 'at', 'time', required = true }, { 'amount', 'money', required = true } }\n"
    "event 'down' { anchor = 'start', ends = 'end', { 'start', 'time', required = true }, { 'end', 'time', required = true } }\n"
    "event 'case' { anchor = 'opened', { 'opened', 'time', required = true }, { 'replied', 'time' } }\n"
    "event 'opening' { anchor = 'month', { 'month', 'month', required = true },\n"
    "  { 'credited', 'money', default = 0 }, { 'charged', 'money', default = 0 } }\n"
    "measure 'bill' { sum = { 'invoice', 'amount' }, label = 'bill' }\n"
    "measure 'availability' { availability = 'down', label = 'availability', unit = '%' }\n"
    "month_columns { { 'bill', 'bill' } }\n"
    "opening { on = 'opening', credited = 'credited', sums = { bill = 'charged' } }\n"
    "breach 'availability.1' { class = 'availability', pct = P.credit, of = 'bill', min = P.least,\n"
    "  month = 'availability', band = { lt = P.target } }\n"
    "breach 'support.1' { class = 'support', amount = P.case_credit, on = 'case',\n"
    "  where = span('opened', 'replied', { gt = P.reply }) }\n"
    "cap 'support' { window = 'month', amount = P.support_cap, class = 'support' }\n"
    "cap 'monthly' { window = 'month', pct = P.bill_cap, of = 'bill' }\n"
    "cap 'trailing' { window = 'trailing_months', months = 3, pct = P.trailing_cap, of = 'bill' }\n";

/* An hour of downtime in a 31-day month: 99.8656 %, below 99.9. */
#define DOWN_JAN "{\"type\":\"down\",\"id\":\"d1\",\"start\":\"2026-01-10T00:00:00Z\",\"end\":\"2026-01-10T01:00:00Z\"}\n"
#define SLOW_CASE(id, day)                                                                                    \
    "{\"type\":\"case\",\"id\":\"" id "\",\"opened\":\"2026-01-" day "T00:00:00Z\",\"replied\":\"2026-01-" day \
    "T01:00:00Z\"}\n"

static cJSON *evaluate(const char *events)
{
    return json_of_rules(RULES, events);
}

#define item json_item
#define text json_text

#define assert_breach(doc, i, rule, amount, counted)                                         \
    do {                                                                                     \
        const cJSON *b_ = item(doc, "breaches", i);                                          \
        cr_assert_str_eq(text(b_, "rule"), rule);                                            \
        cr_assert_str_eq(text(b_, "amount"), amount, "breach %d amount", i);                 \
        cr_assert_str_eq(text(b_, "counted"), counted, "breach %d counted", i);              \
    } while (0)

Test(caps, a_class_cap_binds_while_the_other_class_is_not_cut)
{
    cJSON *doc = evaluate("{\"type\":\"invoice\",\"id\":\"i1\",\"at\":\"2026-01-31T00:00:00Z\",\"amount\":\"1000.00\"}\n"
                          DOWN_JAN SLOW_CASE("c1", "11") SLOW_CASE("c2", "12"));
    /* availability (at the month's start): 10 % of the January bill, not cut;
     * support: 2 × 50, capped at 60 for the month */
    assert_breach(doc, 0, "availability.1", "100.00", "100.00");
    assert_breach(doc, 1, "support.1", "50.00", "50.00");
    assert_breach(doc, 2, "support.1", "50.00", "10.00");
    const cJSON *cap = item(cJSON_GetObjectItemCaseSensitive(doc, "totals"), "caps", 0);
    cr_assert_str_eq(text(cap, "cap"), "support");
    cr_assert_str_eq(text(cap, "cut"), "40.00");
    cr_assert_str_eq(text(item(cap, "breaches", 0), "cut"), "40.00");
    cr_assert_str_eq(text(item(doc, "months", 0), "counted"), "160.00");
    cr_assert_str_eq(text(cJSON_GetObjectItemCaseSensitive(doc, "totals"), "amount"), "160.00");
    cJSON_Delete(doc);
}

Test(caps, a_monthly_cap_of_the_bill_and_a_minimum_credit)
{
    /* a bill of 40: the credit is its minimum 5.00 (10 % is 4.00); with 60 of
     * support credits the month counts at most its bill */
    cJSON *doc = evaluate("{\"type\":\"opening\",\"id\":\"o1\",\"month\":\"2025-12\",\"charged\":\"1000\"}\n"
                          "{\"type\":\"invoice\",\"id\":\"i1\",\"at\":\"2026-01-31T00:00:00Z\",\"amount\":\"40\"}\n"
                          DOWN_JAN SLOW_CASE("c1", "11") SLOW_CASE("c2", "12"));
    assert_breach(doc, 0, "availability.1", "5.00", "5.00");
    assert_breach(doc, 1, "support.1", "50.00", "35.00");
    assert_breach(doc, 2, "support.1", "50.00", "0.00");
    cr_assert(strstr(text(item(doc, "breaches", 0), "reason"), "10% of bill 40.00, at least 5.00"), "%s",
              text(item(doc, "breaches", 0), "reason"));
    cr_assert_str_eq(text(cJSON_GetObjectItemCaseSensitive(doc, "totals"), "amount"), "40.00");
    cJSON_Delete(doc);
}

Test(caps, a_trailing_cap_counts_the_history_before_the_term)
{
    /* November and December 2025 were billed 100 each and credited 85 in
     * all; January bills 100: the trailing cap is 30 % of 300 = 90, 85 used */
    cJSON *doc = evaluate("{\"type\":\"opening\",\"id\":\"o1\",\"month\":\"2025-11\",\"charged\":\"100\",\"credited\":\"50\"}\n"
                          "{\"type\":\"opening\",\"id\":\"o2\",\"month\":\"2025-12\",\"charged\":\"100\",\"credited\":\"35\"}\n"
                          "{\"type\":\"invoice\",\"id\":\"i1\",\"at\":\"2026-01-31T00:00:00Z\",\"amount\":\"100\"}\n"
                          DOWN_JAN);
    assert_breach(doc, 0, "availability.1", "10.00", "5.00");
    const cJSON *cap = item(cJSON_GetObjectItemCaseSensitive(doc, "totals"), "caps", 0);
    cr_assert_str_eq(text(cap, "cap"), "trailing");
    cr_assert_str_eq(text(cap, "window"), "trailing_months");
    cr_assert_str_eq(text(cap, "limit"), "90.00");
    cr_assert_str_eq(text(cap, "period"), "2026-01");
    cJSON_Delete(doc);
}

Test(caps, opening_balances_in_the_term_add_to_the_bill_and_use_the_caps)
{
    /* the evaluation starts in February: January's bill and credit come as an
     * opening balance; the trailing cap holds 30 % of 100 + 100, 55 used */
    cJSON *doc = evaluate("{\"type\":\"opening\",\"id\":\"o1\",\"month\":\"2026-01\",\"charged\":\"100\",\"credited\":\"55\"}\n"
                          "{\"type\":\"invoice\",\"id\":\"i2\",\"at\":\"2026-02-28T00:00:00Z\",\"amount\":\"100\"}\n"
                          "{\"type\":\"down\",\"id\":\"d2\",\"start\":\"2026-02-10T00:00:00Z\",\"end\":\"2026-02-10T01:00:00Z\"}\n");
    cr_assert_str_eq(text(item(doc, "months", 0), "bill"), "100.00", "the opening bill is January's");
    assert_breach(doc, 0, "availability.1", "10.00", "5.00");
    cJSON_Delete(doc);
}

/* Fields that do not apply are null: no `value` parameter, no penalty
 * base, no title, no acceptance (INTERFACE.md). */
Test(caps, what_does_not_apply_is_null)
{
    cJSON *doc = evaluate(DOWN_JAN);
    const cJSON *contract = cJSON_GetObjectItemCaseSensitive(doc, "contract");
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(doc, "totals");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(contract, "value")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(contract, "title")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(contract, "penalty_base")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(totals, "pct_of_base")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(totals, "pct_of_value")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "acceptance")));
    cJSON_Delete(doc);
}
