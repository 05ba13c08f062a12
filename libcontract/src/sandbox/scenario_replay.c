/* scenario_replay.c — replaying kept events, optionally through a
 * scenario (lc_eval_replay; scenario.h).  The records perturb is not
 * called for — other types than touches names, anchors outside its
 * windows — are replayed as they are; those at the head of the log are
 * committed once into a base kept in the source and copied into each
 * sample.  Each replay has its own generator, seeded by its seed alone,
 * and one budget of the scenario's sandbox. */
#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/scenario.h"

/* ---- replay ---- */

/* A runtime error of the scenario, located in its file. */
static lc_status scenario_error(const lc_scenario *sc, const char *msg, lc_error *err)
{
    lci_fail(err, LC_ERULES, "[scenario]", 0, "%s", msg);
    lci_error_locate(err, "[scenario]", sc->name);
    return LC_ERULES;
}

/* What a protected step hands back to C. */
typedef struct step {
    const lc_scenario *sc;
    lc_eval *dst;
    const lc_eval *src;
    int perturbs;        /* the scenario has a perturb */
    const lci_record *from;
    int rng;             /* stack index of the generator in the replay's frame */
    int ready;           /* perturb: 1 commit the scratch record, 0 dropped, -1 invalid */
    const unsigned char *touched; /* by event type: TOUCH_* (NULL: perturb is called for every event) */
    const char *id;
    char why[LC_ERROR_MESSAGE_MAX];
    lc_status status;    /* extra: the first commit that failed */
    lc_error *err;
} step;

/* perturb(event, rng) for one kept event, inside the sandbox's protected,
 * budgeted call; the record it returns is read raw into dst's scratch. */
static int perturb_step(lua_State *L)
{
    step *st = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->sc->perturb_ref);
    lci_scenario_push_event(L, 3, st->src, st->from);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    if (lua_isnil(L, -1)) st->ready = 0;
    else if (lua_type(L, -1) != LUA_TTABLE) luaL_error(L, "perturb must return an event table or nil");
    else st->ready = lci_scenario_read_event(st->dst, L, lua_gettop(L), 3, &st->id, st->why, sizeof st->why) ? 1 : -1;
    return 0;
}

/* extra(rng): each event it lists is read and committed in turn. */
static int extra_step(lua_State *L)
{
    step *st = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->sc->extra_ref);
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    int list = lua_gettop(L);
    if (lua_isnil(L, list)) return 0;
    if (lua_type(L, list) != LUA_TTABLE) return luaL_error(L, "extra must return a list of event tables or nil");
    for (lua_Integer i = 1; st->status == LC_OK && lua_rawgeti(L, list, i) != LUA_TNIL; i++) {
        if (lci_scenario_read_event(st->dst, L, lua_gettop(L), 3, &st->id, st->why, sizeof st->why))
            st->status = lci_scenario_commit(st->dst, st->id, st->sc->name, st->err);
        else st->status = lci_eval_invalid(st->dst, st->sc->name, 0, st->why, st->err);
        lua_pop(L, 1);
    }
    return 0;
}

static lc_status run_step(step *st, lua_CFunction fn)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    lua_State *L = lci_sandbox_lua(st->sc->sb);
    if (!lua_checkstack(L, 8)) return lci_oom(st->err);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, st);
    lua_pushvalue(L, st->rng); /* inside the step, the generator is argument 2 */
    lua_pushvalue(L, st->rng + 1); /* and the keys of event tables (type_keys) argument 3 */
    if (lci_sandbox_call(st->sc->sb, 3, 0, msg, sizeof msg) != 0) return scenario_error(st->sc, msg, st->err);
    return LC_OK;
}

static lc_status call_perturb(step *st)
{
    lc_status rc = run_step(st, perturb_step);
    if (rc != LC_OK) return rc;
    if (st->ready < 0) return lci_eval_invalid(st->dst, st->sc->name, 0, st->why, st->err);
    return st->ready ? lci_scenario_commit(st->dst, st->id, st->sc->name, st->err) : LC_OK;
}

/* What touches says of an event type: perturb is called for none of its
 * events, for all, or for those anchored in a window of an entry for it. */
enum { TOUCH_NONE, TOUCH_ALL, TOUCH_WINDOWS };

/* Whether perturb is called for the record. */
static int touched(const step *st, const lci_record *r)
{
    if (!st->touched || st->touched[r->type] == TOUCH_ALL) return 1;
    if (st->touched[r->type] == TOUCH_NONE) return 0;
    int anchor = st->dst->m->types[r->type].anchor;
    if (!lci_has(r, anchor)) return 1;
    int64_t at = r->v[anchor];
    const char *type = st->dst->m->types[r->type].name;
    for (size_t i = 0; i < st->sc->ntouches; i++) {
        const touch *t = &st->sc->touches[i];
        if (at >= t->from && at < t->to && strcmp(t->type, type) == 0) return 1;
    }
    return 0;
}

/* One kept record through the scenario's perturb, or as it is. */
static lc_status replay_step(void *ctx, const lci_record *r)
{
    step *st = ctx;
    st->from = r;
    if (st->perturbs && touched(st, r)) return call_perturb(st);
    return lci_eval_replay_record(st->dst, st->src, r, st->err);
}

/* Records at the head of a log that perturb is not called for are worth
 * copying from a base rather than committing from this many on. */
#define HEAD_WORTH 32

/* A replay whose log starts with records perturb is not called for takes
 * what they leave from a base kept in src (made by the first such replay:
 * the same commits in the same order, so the same state) and goes on
 * from the first touched record, at *from in the log. */
static lc_status start_from_head(step *st, size_t *from)
{
    const lc_eval *src = st->src;
    lc_eval *dst = st->dst;
    *from = 0;
    if ((src->flags & LC_EVAL_UPDATES) || (dst->flags & (LC_EVAL_UPDATES | LC_EVAL_KEEP_EVENTS)) || dst->seq ||
        dst->nwarnings || dst->broken)
        return LC_OK;
    size_t records = 0, bytes = 0;
    for (size_t next = 0; bytes < src->log_len; bytes = next, records++) {
        const lci_record *r = lci_log_next(src, &next);
        if (st->perturbs && touched(st, r)) break;
    }
    if (records < HEAD_WORTH) return LC_OK;
    /* the base is a cache in src: none of src's events or figures changes */
    const lc_eval *base = lci_replay_base((lc_eval *)(uintptr_t)src, dst->flags, records);
    if (!base) return LC_OK; /* the long way, which meets whatever stopped the base */
    if (lci_eval_copy_state(dst, base) != 0) {
        dst->broken = 1;
        return lci_oom(st->err);
    }
    *from = bytes;
    return LC_OK;
}

/* A touches entry m cannot apply: a type it does not declare, or a window
 * on a type anchored at a month. */
static lc_status touch_error(const lc_scenario *sc, const lci_model *m, const touch *t, int type, lc_error *err)
{
    if (type >= 0)
        return lci_fail(err, LC_ERULES, sc->name, 0,
                        "the scenario touches \"%s\" in a window of times, but its events are anchored at a month", t->type);
    const char *near = lci_model_nearest(m, LCI_NAMES_TYPES, t->type);
    return lci_fail(err, LC_ERULES, sc->name, 0, "the scenario touches \"%s\", which the rules do not declare%s%s%s",
                    t->type, near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
}

/* What touches says of each type of m (*out NULL when there is no touches:
 * every event); a type m does not declare is a rule error. */
static lc_status touched_types(const lc_scenario *sc, const lci_model *m, unsigned char **out, lc_error *err)
{
    *out = NULL;
    if (!sc || !sc->touches) return LC_OK;
    unsigned char *touched = calloc(m->ntypes + 1, 1);
    if (!touched) return lci_oom(err);
    for (size_t i = 0; i < sc->ntouches; i++) {
        const touch *t = &sc->touches[i];
        int type = lci_model_type(m, t->type), window = t->from != INT64_MIN || t->to != INT64_MAX;
        if (type < 0 || (window && m->types[type].fields[m->types[type].anchor].kind != LCI_F_TIME)) {
            free(touched);
            return touch_error(sc, m, t, type, err);
        }
        if (touched[type] != TOUCH_ALL) touched[type] = window ? TOUCH_WINDOWS : TOUCH_ALL;
    }
    *out = touched;
    return LC_OK;
}

lc_status lc_eval_replay(lc_eval *dst, const lc_eval *src, const lc_scenario *sc, uint64_t seed, lc_error *err)
{
    if (!dst || !src) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_replay: NULL argument");
    if (!(src->flags & LC_EVAL_KEEP_EVENTS)) return lci_fail(err, LC_EUSAGE, NULL, 0, "the source evaluation did not keep its events (LC_EVAL_KEEP_EVENTS)");
    if (dst->m != src->m) return lci_fail(err, LC_EUSAGE, NULL, 0, "replays need evaluations of the same engine");
    if (dst == src || dst->broken) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_replay: cannot replay into this evaluation");
    unsigned char *touched = NULL;
    lc_status rc = touched_types(sc, dst->m, &touched, err);
    if (rc != LC_OK) return rc;
    lua_State *L = sc ? lci_sandbox_lua(sc->sb) : NULL;
    int base = L ? lua_gettop(L) : 0;
    if (sc) lci_sandbox_begin(sc->sb); /* one replay, one budget */
    step st = {sc, dst, src, sc && sc->perturb_ref != LUA_NOREF, NULL, 0, 0, touched, NULL, "", LC_OK, err};
    if (L && !lci_scenario_generator(L, seed)) rc = lci_oom(err);
    st.rng = base + 1; /* and the keys of event tables at base + 2 */
    size_t from = 0;
    if (rc == LC_OK) rc = start_from_head(&st, &from);
    if (rc == LC_OK && lci_eval_expect_like(dst, src) != 0) rc = lci_oom(err);
    if (rc == LC_OK) rc = from ? lci_eval_each_record_from(src, from, replay_step, &st)
                               : lci_eval_each_record(src, replay_step, &st);
    if (rc == LC_ENOMEM) lci_oom(err);
    if (rc == LC_OK && sc && sc->extra_ref != LUA_NOREF && (rc = run_step(&st, extra_step)) == LC_OK) rc = st.status;
    if (L) lua_settop(L, base);
    free(touched);
    return rc;
}
