/* luasource.h — what rule and scenario text may not contain.
 *
 * Debian 12's Lua is 5.4.4, without the fixes of 5.4.5–5.4.8.  Two of its
 * known bugs are reachable from Lua source alone and can corrupt memory:
 * wrong code when _ENV is <const>, and to-be-closed variables (<close>)
 * handled with an invalidated stack pointer ('lua_settop', 'break' out of a
 * 'for').  Rule files need neither, so a source that names _ENV or declares
 * a <close> variable is refused before Lua compiles it.  SECURITY.md lists
 * the other bugs and how the sandbox keeps rules away from them. */
#ifndef LCI_LUASOURCE_H
#define LCI_LUASOURCE_H

#include <stddef.h>

/* 0 when the text is acceptable; else -1 with "line N: reason" in why. */
int lci_lua_source_check(const char *text, size_t len, char *why, size_t whysize);

#endif
