/* tests/fuzz/fuzz_time.c — libFuzzer harness for the RFC 3339 parser: any
 * accepted timestamp formats and parses back to the same instant. */
#include <stdlib.h>
#include <string.h>

#include "lctime.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    lci_time t, again;
    int offset, offset2;
    char why[160], text[48];
    if (lci_time_parse((const char *)data, size, &t, &offset, why, sizeof why) != 0) return 0;
    size_t n = lci_time_format(t, offset, text, sizeof text);
    if (n >= sizeof text || lci_time_parse(text, n, &again, &offset2, why, sizeof why) != 0) abort();
    if (again != t || offset2 != offset) abort();
    return 0;
}
