/* sweep_axes.c — the values of --vary NAME=FROM:TO:STEP, exact decimals at
 * one scale, and the rows of a grid of several. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

typedef struct decimal {
    int64_t units; /* value × 10^scale */
    int scale;
} decimal;

#define MAX_DIGITS 18 /* 10^18 < INT64_MAX */

/* [+-]DIGITS[.DIGITS] of s[0..len): 0, or -1. */
static int parse_decimal(const char *s, size_t len, decimal *d)
{
    int64_t v = 0;
    int scale = -1, digits = 0, neg = len > 0 && s[0] == '-';
    size_t i = len > 0 && (s[0] == '-' || s[0] == '+');
    for (; i < len; i++) {
        if (s[i] == '.' && scale < 0 && digits > 0) {
            scale = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || digits == MAX_DIGITS) return -1;
        v = v * 10 + (s[i] - '0');
        digits++;
        if (scale >= 0) scale++;
    }
    if (!digits || scale == 0) return -1; /* "", "-", "5." */
    d->units = neg ? -v : v;
    d->scale = scale < 0 ? 0 : scale;
    return 0;
}

/* d in units of 10^-scale (scale ≥ d.scale): 0, or -1 when it does not fit. */
static int at_scale(decimal d, int scale, int64_t *out)
{
    for (int i = d.scale; i < scale; i++) {
        if (d.units > INT64_MAX / 10 || d.units < INT64_MIN / 10) return -1;
        d.units *= 10;
    }
    *out = d.units;
    return 0;
}

static void decimal_text(int64_t units, int scale, char *buf, size_t size)
{
    uint64_t mag = units < 0 ? (uint64_t)0 - (uint64_t)units : (uint64_t)units, p = 1;
    for (int i = 0; i < scale; i++) p *= 10;
    if (scale) snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, units < 0 ? "-" : "", mag / p, scale, mag % p);
    else snprintf(buf, size, "%s%" PRIu64, units < 0 ? "-" : "", mag);
}

/* FROM, TO and STEP at the largest of their scales, and the count of values. */
static int axis_range(axis *ax, decimal from, decimal to, decimal step)
{
    int64_t to_units;
    ax->scale = from.scale > to.scale ? from.scale : to.scale;
    if (step.scale > ax->scale) ax->scale = step.scale;
    if (at_scale(from, ax->scale, &ax->from) || at_scale(to, ax->scale, &to_units) ||
        at_scale(step, ax->scale, &ax->step))
        return cli_usage("--vary '%s': the numbers do not fit in %d digits with the most decimals of any",
                         ax->spec, MAX_DIGITS);
    if (ax->step <= 0) return cli_usage("--vary '%s': STEP must be positive", ax->spec);
    if (to_units < ax->from) return cli_usage("--vary '%s': FROM must not exceed TO", ax->spec);
    uint64_t span = (uint64_t)to_units - (uint64_t)ax->from; /* exact: TO ≥ FROM */
    if (span / (uint64_t)ax->step >= SWEEP_MAX_ROWS)
        return cli_usage("--vary '%s': more than %d values", ax->spec, SWEEP_MAX_ROWS);
    ax->count = (size_t)(span / (uint64_t)ax->step) + 1;
    return 0;
}

int sweep_parse_axis(const char *spec, axis *ax)
{
    const char *eq = strchr(spec, '='), *c1 = eq ? strchr(eq, ':') : NULL, *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    decimal from, to, step;
    ax->spec = spec;
    if (!eq || eq == spec || !c1 || !c2 || parse_decimal(eq + 1, (size_t)(c1 - eq - 1), &from) ||
        parse_decimal(c1 + 1, (size_t)(c2 - c1 - 1), &to) || parse_decimal(c2 + 1, strlen(c2 + 1), &step))
        return cli_usage("--vary wants NAME=FROM:TO:STEP with decimal numbers, not '%s'", spec);
    if (!(ax->name = strndup(spec, (size_t)(eq - spec)))) return cli_nomem();
    return axis_range(ax, from, to, step);
}

void sweep_axis_value(const axis *ax, size_t k, char *buf, size_t size)
{
    decimal_text(ax->from + (int64_t)k * ax->step, ax->scale, buf, size); /* ≤ TO: no overflow */
}

int sweep_set_value(lc_engine *engine, const axis *ax, size_t k)
{
    char text[32];
    lc_error err = {0};
    sweep_axis_value(ax, k, text, sizeof text);
    return lc_engine_set_param(engine, ax->name, text, &err) == LC_OK ? 0 : cli_report(&err);
}

void sweep_grid_indices(const axis *axes, size_t naxes, size_t r, size_t *k)
{
    for (size_t a = naxes; a-- > 0;) {
        k[a] = r % axes[a].count;
        r /= axes[a].count;
    }
}
