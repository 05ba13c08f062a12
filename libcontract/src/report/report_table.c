/* report_table.c — tables for a terminal, aligned by display columns.
 *
 * Widths come from the project's own table of East Asian wide characters
 * (textwidth.h), never from the locale.  Every line of a table is padded
 * to the same width, so a Chinese item name lines up with Latin text and
 * a test can check the alignment line by line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "base/textwidth.h"

void lcr_terminal_safe(char *s, int keep_newlines)
{
    for (unsigned char *p = (unsigned char *)s; p && *p; p++) {
        if ((*p < 0x20 && !(keep_newlines && *p == '\n')) || *p == 0x7F) *p = '?';
        else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) p[0] = p[1] = '?';
    }
}

void lcr_table_init(lcr_table *t, int ncols, const char *align)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols > 0 ? ncols : 1;
    t->align = malloc((size_t)t->ncols);
    if (!t->align) {
        t->failed = 1;
        return;
    }
    size_t n = align ? strlen(align) : 0;
    for (int c = 0; c < t->ncols; c++) t->align[c] = (size_t)c < n ? align[c] : 'l';
}

static lcr_trow *open_row(lcr_table *t)
{
    if (!t->open) {
        lcr_trow row = {t->ncells, 0, 0};
        if (LCI_PUSH(t->rows, t->rows_cap, t->nrows, row) != 0) {
            t->failed = 1;
            return NULL;
        }
        t->open = 1;
        t->col = 0;
    }
    return &t->rows[t->nrows - 1];
}

void lcr_cell_span(lcr_table *t, const char *text, int span)
{
    lcr_trow *row = open_row(t);
    if (!row || t->col >= t->ncols) return;
    if (span < 1) span = 1;
    if (t->col + span > t->ncols) span = t->ncols - t->col;
    lcr_tcell cell = {lci_strdup(text ? text : ""), t->col, span};
    if (!cell.text || LCI_PUSH(t->cells, t->cells_cap, t->ncells, cell) != 0) {
        free(cell.text);
        t->failed = 1;
        return;
    }
    lcr_terminal_safe(cell.text, 0);
    row->n++;
    t->col += span;
}

void lcr_cell(lcr_table *t, const char *text)
{
    lcr_cell_span(t, text, 1);
}

void lcr_cellf(lcr_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = lci_vformat(fmt, ap);
    va_end(ap);
    if (!text) t->failed = 1;
    lcr_cell(t, text ? text : "");
    free(text);
}

void lcr_cell_label(lcr_table *t, lc_lang lang, const char *zh, const char *en)
{
    char buf[LCR_LABEL_MAX];
    lcr_cell(t, lcr_label(lang, zh, en, buf, sizeof buf));
}

void lcr_row_end(lcr_table *t)
{
    if (!open_row(t)) return;
    t->open = 0;
}

void lcr_table_rule(lcr_table *t)
{
    t->open = 0;
    lcr_trow row = {t->ncells, 0, 1};
    if (LCI_PUSH(t->rows, t->rows_cap, t->nrows, row) != 0) t->failed = 1;
}

/* Widths: single cells first, then spans widen their last column. */
static void measure(const lcr_table *t, size_t *width)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < t->ncells; i++) {
            const lcr_tcell *c = &t->cells[i];
            size_t w = lci_text_width(c->text), have = 0;
            if ((c->span > 1) != pass) continue;
            for (int k = 0; k < c->span; k++) have += width[c->col + k] + (k ? 2 : 0);
            if (w > have) width[c->col + c->span - 1] += w - have;
        }
}

static void put_spaces(lci_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++) lci_buf_putc(b, ' ');
}

static void put_cell(lci_buf *b, const char *text, size_t width, char align)
{
    size_t w = lci_text_width(text), fill = w < width ? width - w : 0;
    size_t left = align == 'r' ? fill : align == 'c' ? fill / 2 : 0;
    put_spaces(b, left);
    lci_buf_puts(b, text);
    put_spaces(b, fill - left);
}

static void render_row(const lcr_table *t, const lcr_trow *row, const size_t *width, lci_buf *b)
{
    int col = 0;
    for (size_t i = 0; i <= row->n; i++) {
        const lcr_tcell *c = i < row->n ? &t->cells[row->first + i] : NULL;
        int upto = c ? c->col : t->ncols;
        for (; col < upto; col++) { /* columns the row left empty */
            if (col) lci_buf_puts(b, "  ");
            put_spaces(b, width[col]);
        }
        if (!c) break;
        size_t w = 0;
        for (int k = 0; k < c->span; k++) w += width[c->col + k] + (k ? 2 : 0);
        if (col) lci_buf_puts(b, "  ");
        put_cell(b, c->text, w, c->span > 1 ? 'c' : t->align[c->col]);
        col = c->col + c->span;
    }
}

void lcr_table_render(lcr_table *t, lci_buf *b, const char *indent)
{
    size_t *width = t->failed ? NULL : calloc((size_t)t->ncols, sizeof *width);
    if (!width) t->failed = 1; /* the text is lost anyway: b fails below */
    else measure(t, width);
    for (size_t r = 0; width && r < t->nrows; r++) {
        lci_buf_puts(b, indent);
        if (t->rows[r].rule) {
            for (int c = 0; c < t->ncols; c++) {
                if (c) lci_buf_puts(b, "  ");
                for (size_t k = 0; k < width[c]; k++) lci_buf_putc(b, '-');
            }
        } else {
            render_row(t, &t->rows[r], width, b);
        }
        lci_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < t->ncells; i++) free(t->cells[i].text);
    free(t->cells);
    free(t->rows);
    free(t->align);
    free(width);
    if (t->failed) b->failed = 1;
}
