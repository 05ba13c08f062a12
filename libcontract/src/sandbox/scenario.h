/* scenario.h — a scenario inside the library: what its file declared
 * (scenario.c), its events as Lua tables and back (scenario_tables.c),
 * replays through it (scenario_replay.c). */
#ifndef LCI_SCENARIO_H
#define LCI_SCENARIO_H

#include <lua.h>

#include "events/evaluation.h"
#include "sandbox/sandbox.h"

/* One entry of touches: a type, and the window of anchor times perturb is
 * called for. */
typedef struct touch {
    char *type;
    int64_t from, to; /* [from, to); INT64_MIN and INT64_MAX when not given */
} touch;

struct lc_scenario {
    lci_sandbox *sb;
    char *name;
    int perturb_ref, extra_ref;
    touch *touches; /* what perturb is called for; NULL: every event */
    size_t ntouches;
};

/* Leaves a generator seeded `seed` and an empty table of event keys on
 * the stack (a replay's state): 1, or 0 when out of memory. */
int lci_scenario_generator(lua_State *L, uint64_t seed);

/* The record r of ev as a new Lua table, its keys taken from the table of
 * event keys at `keys` (made per replay). */
void lci_scenario_push_event(lua_State *L, int keys, const lc_eval *ev, const lci_record *r);

/* Reads the event table at idx into dst's scratch record: 1 when it is an
 * event to commit (*id inside the table), 0 when it is invalid (the
 * reason in why). */
int lci_scenario_read_event(lc_eval *dst, lua_State *L, int idx, int keys, const char **id, char *why, size_t size);

/* Commits dst's scratch record under id, named after `source` in warnings. */
lc_status lci_scenario_commit(lc_eval *dst, const char *id, const char *source, lc_error *err);

#endif
