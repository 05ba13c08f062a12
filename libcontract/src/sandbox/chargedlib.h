/* chargedlib.h — library functions whose loops run in C, wrapped so that
 * their work is charged to the sandbox's instruction budget.
 *
 * The count hook only sees VM instructions.  string.rep with an empty
 * string, table.move over a huge range and table.insert/remove at a
 * position behind a __len that lies all loop in C without allocating, so
 * neither the hook nor the memory limit would ever stop them. */
#ifndef LCI_CHARGEDLIB_H
#define LCI_CHARGEDLIB_H

#include <lua.h>

/* For a C closure wrapping a library function (upvalue 1): calls it with
 * this call's arguments and returns what it returns. */
int lci_call_original(lua_State *L);

/* Replaces string.rep, table.move, table.insert and table.remove in the
 * globals of L (a sandbox's state) by charged versions. */
void lci_chargedlib_open(lua_State *L);

#endif
