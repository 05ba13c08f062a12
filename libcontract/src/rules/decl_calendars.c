/* decl_calendars.c — calendars of periods and the working days (`calendar`, `workdays`). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/declare.h"

static int read_range(lci_reader *r, int idx, void *item)
{
    lci_day_range *d = item;
    const char *from = NULL, *to = NULL;
    d->line = lci_read_line(r, idx);
    int ok = lci_read_borrow(r, idx, "from", 1, &from);
    if (ok == 0) ok = lci_read_borrow(r, idx, "to", 1, &to);
    if (ok == 0) ok = lci_read_day(r, from, d->line, &d->from);
    if (ok == 0) ok = lci_read_day(r, to, d->line, &d->to);
    if (ok == 0 && d->to < d->from) ok = lci_read_fail(r, d->line, "the range %s..%s ends before it starts", from, to);
    if (ok == 0) ok = lci_read_string(r, idx, "name", 0, &d->name);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &d->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &d->note);
    d->confirm = lci_read_bool(r, idx, "confirm");
    return ok;
}

static int read_calendar(lci_reader *r, int idx, void *item)
{
    lci_calendar *c = item;
    c->line = r->line = lci_read_line(r, idx);
    int ok = lci_read_string(r, idx, "name", 1, &c->name);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &c->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &c->note);
    if (ok == 0) ok = lci_read_array(r, idx, "ranges", (void **)&c->ranges, &c->nranges, sizeof *c->ranges, read_range);
    return ok;
}

static int read_workdays(lci_reader *r, int decl)
{
    lci_workdays *w = &r->m->workdays;
    int ok = 0;
    if (lci_read_get(r, decl, "workdays") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        w->present = 1;
        w->line = r->line = lci_read_line(r, idx);
        ok = lci_read_array(r, idx, "off", (void **)&w->off, &w->noff, sizeof *w->off, read_range);
        if (ok == 0) ok = lci_read_array(r, idx, "on", (void **)&w->on, &w->non, sizeof *w->on, read_range);
        if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &w->clause);
        if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &w->note);
        lci_read_get(r, idx, "weekend");
        for (lua_Integer i = 1; ok == 0 && lci_read_geti(r, lua_gettop(r->L), i) != LUA_TNIL; i++) {
            int64_t d = 0;
            ok = lci_read_integer(r, w->line, "a weekend day (1 = Monday … 7 = Sunday)", &d);
            if (ok == 0 && (d < 1 || d > 7)) ok = lci_read_fail(r, w->line, "weekend days are 1 (Monday) … 7 (Sunday)");
            if (ok == 0) w->weekend[d - 1] = 1;
            lua_pop(r->L, 1);
        }
    }
    lua_settop(r->L, decl);
    return ok;
}

int lci_decl_calendars(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = lci_read_array(r, decl, "calendars", (void **)&m->calendars, &m->ncalendars, sizeof *m->calendars, read_calendar);
    return ok == 0 ? read_workdays(r, decl) : ok;
}
