/* reasons.c — the words that say why a rule applied (emit.h). */
#include "eval/emit.h"
#include "rules/words.h"


static const char *field_value_text(const lci_build *b, const lci_event_type *t, int f, const lci_record *r,
                                    char *buf, size_t size)
{
    const lci_field *fd = &t->fields[f];
    int64_t v = r->v[f];
    switch (fd->kind) {
    case LCI_F_BOOL: return v ? "true" : "false";
    case LCI_F_ENUM: return fd->values[v];
    case LCI_F_SEVERITY: return b->m->severity_levels[v];
    case LCI_F_STRING: return lci_idtable_get(&b->ev->strings, (uint32_t)v);
    case LCI_F_TIME: lci_time_format(v, b->m->offset_min, buf, size); return buf;
    case LCI_F_MONTH: lci_month_format(v, buf, size); return buf;
    default: lci_dec_format_short((lci_dec){v, fd->scale}, buf, size); return buf;
    }
}

static const char *calendar_range_name(const lci_build *b, int cal, lci_time t)
{
    const lci_calendar *c = &b->m->calendars[cal];
    int64_t day = lci_local_day(t, b->m->offset_min);
    for (size_t i = 0; i < c->nranges; i++)
        if (day >= c->ranges[i].from && day <= c->ranges[i].to && c->ranges[i].name) return c->ranges[i].name;
    return NULL;
}

static void cond_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out);

static void kids_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out)
{
    size_t before = out->len;
    for (size_t i = 0; i < c->nkids; i++) {
        if (c->kind == LCI_C_ANY && !lci_cond_eval(&c->kids[i], t, r, &b->ctx)) continue;
        if (out->len > before) lci_buf_puts(out, ", ");
        cond_text(b, &c->kids[i], t, r, out);
        if (c->kind == LCI_C_ANY) return;
    }
}

static void span_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out)
{
    int64_t ns;
    if (c->field == t->anchor && c->field2 == t->ends) lci_buf_puts(out, "duration ");
    else lci_buf_printf(out, "%s − %s ", t->fields[c->field2].name, t->fields[c->field].name);
    lci_unit shown = c->band.has_lo ? c->band.lo.unit : c->band.hi.unit;
    if (!lci_record_span(r, c->field, c->field2, &ns)) {
        lci_buf_printf(out, "unbounded (no %s) ", t->fields[c->field2].name);
    } else {
        const lci_band *band = &c->band;
        lci_value_band_words(b->m, (lci_exact){ns, 1}, shown, &band, 1, out);
        lci_buf_putc(out, ' ');
    }
    lci_band_words(b->m, &c->band, shown, out);
}

static void cond_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out)
{
    char buf[64];
    switch (c->kind) {
    case LCI_C_ALL:
    case LCI_C_ANY: kids_text(b, c, t, r, out); return;
    case LCI_C_NOT: lci_buf_puts(out, "not as excluded"); return;
    case LCI_C_IS:
    case LCI_C_IN:
        lci_buf_printf(out, "%s %s", t->fields[c->field].name, field_value_text(b, t, c->field, r, buf, sizeof buf));
        return;
    case LCI_C_SEVERITY:
        lci_buf_printf(out, "%s %s", b->m->severity_field,
                       b->m->severity_levels[lci_has(r, t->severity) ? r->v[t->severity] : 0]);
        return;
    case LCI_C_PRESENT: lci_buf_printf(out, "%s given", t->fields[c->field].name); return;
    case LCI_C_ABSENT: lci_buf_printf(out, "no %s", t->fields[c->field].name); return;
    case LCI_C_NUM:
        lci_buf_printf(out, "%s %s ", t->fields[c->field].name, field_value_text(b, t, c->field, r, buf, sizeof buf));
        lci_band_words(b->m, &c->band, LCI_UNIT_NONE, out);
        return;
    case LCI_C_SPAN: span_text(b, c, t, r, out); return;
    case LCI_C_WITHIN: {
        const char *name = calendar_range_name(b, c->calendar, r->v[c->field]);
        lci_buf_printf(out, "%s in a %s period%s%s", t->fields[c->field].name, b->m->calendars[c->calendar].name,
                       name ? " " : "", name ? name : "");
        return;
    }
    }
}

char *lci_event_reason(const lci_build *b, const lci_rule *r, const lci_record *rec)
{
    const lci_event_type *t = &b->m->types[rec->type];
    lci_buf out;
    lci_buf_init(&out);
    lci_buf_printf(&out, "%s %s", r->label ? r->label : t->label, lci_idtable_get(&b->ev->ids, rec->id));
    if (r->where) {
        lci_buf_puts(&out, ": ");
        cond_text(b, r->where, t, rec, &out);
    }
    return lci_buf_take(&out, NULL);
}

char *lci_month_reason(const lci_build *b, const lci_rule *r, const lci_mvalue *v, int streak)
{
    const lci_measure *me = &b->m->measures[r->measure];
    lci_buf out;
    lci_buf_init(&out);
    const lci_band *bands[LCI_SHOWN_BANDS];
    lci_buf_printf(&out, "%s ", me->label);
    lci_value_band_words(b->m, v->value, me->unit, bands, lci_measure_bands(b->m, r->measure, bands, LCI_SHOWN_BANDS),
                         &out);
    lci_buf_putc(&out, ' ');
    lci_band_words(b->m, &r->band, me->unit, &out);
    if (streak) lci_buf_printf(&out, " for %d consecutive months", streak);
    if (r->impact) lci_buf_printf(&out, ", %s %s", b->m->severity_field, b->m->severity_levels[v->severity]);
    return lci_buf_take(&out, NULL);
}
