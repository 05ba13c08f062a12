/* figures.h — the measures' values per month and over the term.
 *
 * Computed at the end from what streamed in and from the kept records:
 * averages and counts from the accumulators, availability from the union
 * of the intervals that fall in each month, scores from the scorecard's
 * work items.  All values are exact. */
#ifndef LCI_FIGURES_H
#define LCI_FIGURES_H

#include "events/cond.h"
#include "events/evaluation.h"
#include "api/result.h"

typedef struct lci_mvalue {
    int present;
    lci_exact value;    /* ns for durations, percent, points or a count */
    int severity;       /* highest severity of the events behind it */
    const uint32_t *ids;/* the events behind it (borrowed or owned) */
    size_t nids;
    uint32_t *owned;
} lci_mvalue;

typedef struct lci_figures {
    int nmonths;
    lci_mvalue *cells;  /* [measure][month], month == nmonths is the term */
    lci_ritem *items;   /* [month][item] score sheet */
    int *scored;        /* per month */
    lci_dec *scores;    /* per month, rounded */
    lci_dec *raw_max;   /* per month: Σ max of the items present */
} lci_figures;

int lci_figures_compute(lci_figures *fig, const lc_eval *ev);
void lci_figures_free(lci_figures *fig, size_t nmeasures);

static inline const lci_mvalue *lci_figure(const lci_figures *fig, int measure, int month)
{
    return &fig->cells[(size_t)measure * (fig->nmonths + 1) + month];
}

/* Calendars with the rule file's days and the events' intervals. */
int lci_calendars_build(lci_calendars *cals, const lc_eval *ev);
void lci_calendars_free(lci_calendars *cals);

/* The figures and calendars of ev's events, lent (the caller neither
 * changes nor frees them): computed once and kept in ev until its events
 * change.  No parameter enters them, so the results of a sweep over
 * parameter values share them.  0, or -1 when out of memory. */
int lci_eval_figures(lc_eval *ev, lci_figures *fig, lci_calendars *cals);
void lci_figure_cache_free(lc_eval *ev);

#endif
