/* tests/fuzz/fuzz_time.c — libFuzzer harness for the RFC 3339 parser: the
 * fast path and the careful scanner agree on every input (result, instant,
 * offset, reason), and any accepted timestamp formats and parses back to
 * the same instant. */
#include <stdlib.h>
#include <string.h>

#include "base/lctime.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* lci_time_parse (fast path first) against the careful scanner alone. */
static void check_paths_agree(const char *s, size_t size)
{
    lci_time t = 42, tc = 42, tf = 42;
    int off = 42, offc = 42, offf = 42;
    char why[160], whyc[160];
    int rc = lci_time_parse(s, size, &t, &off, why, sizeof why);
    int rcc = lci_time_parse_careful(s, size, &tc, &offc, whyc, sizeof whyc);
    if (rc != rcc || t != tc || off != offc || strcmp(why, whyc) != 0) abort();
    int fast = lci_time_parse_fast(s, size, &tf, &offf);
    if (fast ? rcc != 0 || tf != tc || offf != offc : tf != 42 || offf != 42) abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    lci_time t, again;
    int offset, offset2;
    char why[160], text[48];
    check_paths_agree((const char *)data, size);
    if (lci_time_parse((const char *)data, size, &t, &offset, why, sizeof why) != 0) return 0;
    size_t n = lci_time_format(t, offset, text, sizeof text);
    if (n >= sizeof text || lci_time_parse(text, n, &again, &offset2, why, sizeof why) != 0) abort();
    if (again != t || offset2 != offset) abort();
    return 0;
}
