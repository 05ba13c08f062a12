/* textwidth.c — see textwidth.h. */
#include "base/textwidth.h"

#include <string.h>

/* Unicode East Asian Width W and F ranges that occur in contracts:
 * CJK ideographs and punctuation, kana, Hangul, fullwidth forms. */
static const struct {
    unsigned from, to;
} wide[] = {
    {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static unsigned decode(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + i;
            return 0xFFFD;
        }
        cp = cp << 6 | (s[i] & 0x3F);
    }
    *p = s + n;
    return cp;
}

static int columns(unsigned cp)
{
    if (cp == 0x200B || (cp >= 0x0300 && cp <= 0x036F)) return 0; /* zero width, combining */
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i].from && cp <= wide[i].to) return 2;
    return 1;
}

size_t lci_text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) w += (size_t)columns(decode(&p));
    return w;
}

void lci_pad(lci_buf *b, const char *s, size_t width, int right)
{
    size_t w = lci_text_width(s);
    size_t fill = w < width ? width - w : 0;
    if (right)
        for (size_t i = 0; i < fill; i++) lci_buf_putc(b, ' ');
    lci_buf_puts(b, s);
    if (!right)
        for (size_t i = 0; i < fill; i++) lci_buf_putc(b, ' ');
}
