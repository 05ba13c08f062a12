/* textwidth.h — terminal column widths of UTF-8 text, without setlocale.
 *
 * A library must not touch the process locale, so wcwidth() is out; this
 * small table of East Asian wide and fullwidth ranges is enough to align
 * Chinese text with Latin text in a terminal. */
#ifndef LCI_TEXTWIDTH_H
#define LCI_TEXTWIDTH_H

#include <stddef.h>

#include "base/util.h"

/* Columns the UTF-8 text takes in a terminal. */
size_t lci_text_width(const char *s);

/* Appends s padded with spaces to `width` columns (left-aligned, or
 * right-aligned when right != 0); text wider than width is not cut. */
void lci_pad(lci_buf *b, const char *s, size_t width, int right);

#endif
