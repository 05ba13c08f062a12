/* Values shown to people stand where the exact values stand: a reason
 * that explains a comparison shows enough digits for it to be visibly
 * true (99.989996% below 99.99, never "99.99% < 99.99"), and the months
 * table says the figure as the ledger does. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"

static const char RULES[] =
    "contract { id = 'w', currency = 'USD', timezone = '+00:00', term = { '2026-04-01', '2026-06-01' } }\n"
    "param { 'tier1', 99.99, unit = '%' }\n"
    "param { 'tier2', 99.0, unit = '%' }\n"
    "param { 'reply', 30, unit = 'min' }\n"
    "param { 'credit', '10.00', unit = 'money' }\n"
    "event 'down' { anchor = 'start', ends = 'end', { 'start', 'time', required = true }, { 'end', 'time', required = true } }\n"
    "event 'case' { anchor = 'opened', { 'opened', 'time', required = true }, { 'replied', 'time' } }\n"
    "measure 'uptime' { availability = 'down', label = 'Monthly Uptime Percentage', unit = '%' }\n"
    "month_columns { { 'uptime', 'uptime' } }\n"
    "breach 'up.1' { class = 'up', amount = P.credit, month = 'uptime', band = { ge = P.tier2, lt = P.tier1 } }\n"
    "breach 'slow.1' { class = 'slow', amount = P.credit, on = 'case', where = span('opened', 'replied', { gt = P.reply }) }\n";

/* 259.30368 s of downtime in April's 2,592,000 s: exactly 99.989996 %. */
#define EVENTS                                                                                                  \
    "{\"type\":\"down\",\"id\":\"d1\",\"start\":\"2026-04-10T00:00:00Z\",\"end\":\"2026-04-10T00:04:19.30368Z\"}\n" \
    "{\"type\":\"case\",\"id\":\"c1\",\"opened\":\"2026-05-02T00:00:00Z\",\"replied\":\"2026-05-02T00:30:00.000000001Z\"}\n"

Test(words, a_reason_shows_the_digits_its_comparison_needs)
{
    cJSON *doc = json_of_rules(RULES, EVENTS);
    const char *up = json_text(json_item(doc, "breaches", 0), "reason");
    cr_assert(strstr(up, "Monthly Uptime Percentage 99.989996% in [99, 99.99)"), "%s", up);
    const char *slow = json_text(json_item(doc, "breaches", 1), "reason");
    cr_assert(strstr(slow, "replied − opened 30.00000000002 min > 30"), "%s", slow);
    cJSON_Delete(doc);
}

Test(words, the_months_table_says_what_the_ledger_says)
{
    lc_result *res = result_of_rules(RULES, NULL, EVENTS);
    char *text = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_result_render(res, LC_FORMAT_TEXT, LC_LANG_EN, 0, &text, NULL, &err), LC_OK, "%s", err.message);
    cr_assert(strstr(text, "99.989996% in [99, 99.99)"), "%s", text);
    cr_assert(strstr(text, " 99.989996 "), "the months table: %s", text);
    lc_free(text);
    lc_result_free(res);
}
