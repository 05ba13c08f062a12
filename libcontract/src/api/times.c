/* times.c — RFC 3339 times as the library reads and writes them, for
 * callers and bindings (lc_time_parse, lc_time_format), so that none has
 * to parse the result's times again. */
#include <string.h>

#include "base/lctime.h"
#include "base/util.h"
#include "libcontract.h"

lc_status lc_time_parse(const char *text, size_t len, int64_t *unix_ns, int *offset_min, lc_error *err)
{
    if (!text || !unix_ns) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_time_parse: NULL argument");
    char why[128];
    lci_time t;
    int offset = 0;
    if (lci_time_parse(text, len, &t, &offset, why, sizeof why) != 0)
        return lci_fail(err, LC_EUSAGE, NULL, 0, "not an RFC 3339 time: %s", why);
    *unix_ns = t;
    if (offset_min) *offset_min = offset;
    return LC_OK;
}

size_t lc_time_format(int64_t unix_ns, int offset_min, char *buf, size_t size)
{
    char text[LC_TIME_TEXT_MAX];
    if (offset_min < -(23 * 60 + 59) || offset_min > 23 * 60 + 59) return 0;
    size_t n = lci_time_format(unix_ns, offset_min, text, sizeof text);
    if (!buf || n == 0 || n >= size) return n;
    memcpy(buf, text, n + 1);
    return n;
}
