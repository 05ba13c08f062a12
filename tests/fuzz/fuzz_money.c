/* tests/fuzz/fuzz_money.c — libFuzzer harness for the exact decimal and
 * money parsers: an accepted number formats and parses back to the same
 * value, and money rescales exactly. */
#include <stdlib.h>

#include "base/money.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    lci_dec d, again;
    int digits;
    char text[64];
    int64_t fen, fen2;
    if (lci_dec_parse((const char *)data, size, &d, &digits) == LCI_NUM_OK) {
        size_t n = lci_dec_format(d, text, sizeof text);
        if (n >= sizeof text || lci_dec_parse(text, n, &again, NULL) != LCI_NUM_OK || lci_dec_cmp(d, again) != 0) abort();
    }
    if (lci_fen_parse((const char *)data, size, 0, &fen) == LCI_NUM_OK) {
        size_t n = lci_fen_format(fen, text, sizeof text);
        if (lci_fen_parse(text, n, 0, &fen2) != LCI_NUM_OK || fen2 != fen) abort();
    }
    return 0;
}
