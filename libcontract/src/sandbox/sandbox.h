/* sandbox.h — the Lua state a rule file runs in.
 *
 * Only safe standard functions (no io, os, package/require, debug,
 * dofile/loadfile, binary chunks, string.dump, collectgarbage, random),
 * memory capped by the state's allocator, instructions capped by a count
 * hook that a script's own pcall cannot swallow, work done in C charged to
 * the same budget (big allocations, string patterns matched by our own
 * matcher in lpattern.c, the loops of chargedlib.c), finalizers (__gc)
 * refused, and the string metatable hidden.  SECURITY.md states the threat model. */
#ifndef LCI_SANDBOX_H
#define LCI_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "libcontract.h"

typedef struct lci_limits {
    size_t memory;          /* bytes */
    uint64_t instructions;  /* per call */
    uint64_t pattern_steps; /* per call of a string pattern function, counted */
    uint64_t total;         /* per session (a load, an evaluation, a replay): all its calls and compiling */
    lc_alloc_fn alloc;      /* the caller's allocator (lc_options.lua_alloc), or NULL */
    void *alloc_ud;
} lci_limits;

typedef struct lci_sandbox lci_sandbox;

/* NULL when out of memory.  `what` names the script in messages ("the
 * rule file", "the scenario"; static storage). */
lci_sandbox *lci_sandbox_new(const lci_limits *limits, const char *what);

/* Starts a session: its calls, and the chunks it compiles, share
 * limits.total instructions (a per-call budget alone lets many calls, or
 * one compile of megabytes, run for minutes). */
void lci_sandbox_begin(lci_sandbox *sb);
void lci_sandbox_free(lci_sandbox *sb);

lua_State *lci_sandbox_lua(lci_sandbox *sb);

/* Loads a text chunk (never bytecode) named `name` (shown in messages as
 * "name:line:") onto the stack, charging its compilation to the session.
 * 0, or -1 with the message in msg. */
int lci_sandbox_load(lci_sandbox *sb, const char *name, const char *text, size_t len, char *msg,
                     size_t msgsize);

/* Calls the function below nargs arguments on the stack, under a fresh
 * instruction budget, leaving nresults.  0, or -1 with the message in msg
 * (the stack is then as before the function was pushed).  After the
 * sandbox stopped a script for a limit, every later call fails too. */
int lci_sandbox_call(lci_sandbox *sb, int nargs, int nresults, char *msg, size_t msgsize);

/* Pushes a C function that returns the line of the chunk named `name` that
 * is currently running (0 when none is). */
void lci_sandbox_push_line_function(lci_sandbox *sb, const char *name);

/* Charges work done in C (pattern matching, copying) against the running
 * call's instruction budget; raises a Lua error, once the budget is spent,
 * as the count hook does.  Only call from a C function the sandbox runs. */
void lci_sandbox_charge(lua_State *L, uint64_t steps);

/* The steps one call of string.find/match/gsub (or one gmatch step) may
 * take: limits.pattern_steps of the sandbox that owns L. */
uint64_t lci_sandbox_pattern_limit(lua_State *L);

/* Instructions charged per byte of text compiled (measured: compiling
 * costs about what ten VM instructions do per byte). */
#define LCI_COMPILE_STEPS_PER_BYTE 10

/* The limits of the options (their defaults filled in: lci_options_read). */
lci_limits lci_options_limits(const lc_options *o);

/* Bytes the Lua state holds now. */
size_t lci_sandbox_memory(const lci_sandbox *sb);

#endif
