/* api.c — the public entry points: argument checks, engines, parameters,
 * rendering.  Everything the command line does goes through here. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/amounts.h"
#include "events/evaluation.h"
#include "report/report.h"
#include "api/result.h"
#include "rules/rules.h"
#include "sandbox/sandbox.h"

#define RULE_FILE_LIMIT ((size_t)16 << 20)

const char *lc_status_name(lc_status status)
{
    switch (status) {
    case LC_OK: return "ok";
    case LC_EUSAGE: return "bad usage";
    case LC_ERULES: return "rule file error";
    case LC_EEVENT: return "invalid event input";
    case LC_ENOMEM: return "out of memory";
    case LC_EIO: return "input/output error";
    case LC_EINTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *lc_error_format(const lc_error *err, char *buf, size_t bufsize)
{
    if (!buf || !bufsize) return buf;
    if (!err) snprintf(buf, bufsize, "no error");
    else if (err->file[0] && err->line > 0) snprintf(buf, bufsize, "%s:%ld: %s", err->file, err->line, err->message);
    else if (err->file[0]) snprintf(buf, bufsize, "%s: %s", err->file, err->message);
    else snprintf(buf, bufsize, "%s", err->message);
    return buf;
}

void lc_free(void *p)
{
    free(p);
}

int lc_version_number(void)
{
    return LC_VERSION_NUMBER;
}

const char *lc_version_string(void)
{
    return LC_VERSION_STRING;
}

/* ---- engines ---- */

static void apply_defaults(lc_options *o);

/* Options as the caller's version of the struct has them (a version 1
 * caller's struct ends before lua_total_instruction_limit, a version 2
 * caller's before lua_alloc), defaults for the rest. */
lc_status lci_options_read(const lc_options *opts, lc_options *out, lc_error *err)
{
    lc_options defaults = LC_OPTIONS_INIT;
    *out = defaults;
    if (opts && opts->version == 1) memcpy(out, opts, offsetof(lc_options, lua_total_instruction_limit));
    else if (opts && opts->version == 2) memcpy(out, opts, offsetof(lc_options, lua_alloc));
    else if (opts && opts->version == LC_OPTIONS_VERSION) *out = *opts;
    else if (opts)
        return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_options version %u is not supported (start from LC_OPTIONS_INIT)",
                        opts->version);
    out->version = LC_OPTIONS_VERSION;
    apply_defaults(out);
    return LC_OK;
}

lci_limits lci_options_limits(const lc_options *o)
{
    return (lci_limits){o->lua_memory_limit, o->lua_instruction_limit, o->lua_pattern_limit,
                        o->lua_total_instruction_limit, o->lua_alloc, o->lua_alloc_ud};
}

static void apply_defaults(lc_options *o)
{
    if (!o->lua_memory_limit) o->lua_memory_limit = LC_DEFAULT_LUA_MEMORY_LIMIT;
    if (!o->lua_instruction_limit) o->lua_instruction_limit = LC_DEFAULT_LUA_INSTRUCTION_LIMIT;
    if (!o->lua_pattern_limit) o->lua_pattern_limit = LC_DEFAULT_LUA_PATTERN_LIMIT;
    if (!o->lua_total_instruction_limit) o->lua_total_instruction_limit = LC_DEFAULT_LUA_TOTAL_INSTRUCTION_LIMIT;
    if (!o->json_depth_limit) o->json_depth_limit = LC_DEFAULT_JSON_DEPTH_LIMIT;
    if (!o->event_line_limit) o->event_line_limit = LC_DEFAULT_EVENT_LINE_LIMIT;
}

lc_status lc_engine_new(lc_engine **out, const lc_options *opts, lc_error *err)
{
    if (!out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_engine_new: out is NULL");
    *out = NULL;
    lc_options o;
    if (lci_options_read(opts, &o, err) != LC_OK) return err ? err->code : LC_EUSAGE;
    lc_engine *e = calloc(1, sizeof *e);
    if (!e) return lci_oom(err);
    e->opts = o;
    lci_limits limits = lci_options_limits(&e->opts);
    e->sb = lci_sandbox_new(&limits, "the rule file");
    if (!e->sb) {
        free(e);
        return lci_oom(err);
    }
    *out = e;
    return LC_OK;
}

static void free_param_text(lc_engine *e)
{
    if (!e->param_text) return;
    for (size_t i = 0; i < e->model.nparams; i++) free(e->param_text[i]);
    free(e->param_text);
    e->param_text = NULL;
}

void lc_engine_free(lc_engine *e)
{
    if (!e) return;
    free_param_text(e);
    lci_buf_free(&e->stamp);
    lci_plan_free(&e->plan);
    lci_model_free(&e->model);
    lci_sandbox_free(e->sb);
    free(e->name);
    free(e);
}

static int format_param(lc_engine *e, size_t i)
{
    char buf[48];
    lci_dec_format(e->model.params[i].value, buf, sizeof buf);
    char *text = lci_strdup(buf);
    if (!text) return -1;
    free(e->param_text[i]);
    e->param_text[i] = text;
    e->stamp_known = 0;
    return 0;
}

lc_status lc_engine_load_string(lc_engine *e, const char *name, const char *text, size_t len, lc_error *err)
{
    if (!e || (!text && len)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_engine_load_string: NULL argument");
    if (e->loaded) return lci_fail(err, LC_EUSAGE, name, 0, "this engine already holds a rule file: use a new engine");
    if (!name) name = "rules";
    if (!(e->name = lci_strdup(name))) return lci_oom(err);
    lc_status st = lci_rules_load(e->sb, name, text ? text : "", len, &e->model, err);
    if (st != LC_OK) return st;
    if (lci_plan_build(&e->plan, &e->model, lci_seed_of(e, 0x706c616e)) != 0) return lci_oom(err);
    e->param_text = calloc(e->model.nparams + 1, sizeof *e->param_text);
    if (!e->param_text) return lci_oom(err);
    for (size_t i = 0; i < e->model.nparams; i++)
        if (format_param(e, i) != 0) return lci_oom(err);
    e->rules_hash[0] = lci_hash(text, len, UINT64_C(0x9e3779b97f4a7c15));
    e->rules_hash[1] = lci_hash(text, len, UINT64_C(0xc2b2ae3d27d4eb4f));
    e->loaded = 1;
    return LC_OK;
}

lc_status lc_engine_load_file(lc_engine *e, const char *path, lc_error *err)
{
    if (!e || !path) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_engine_load_file: NULL argument");
    lci_buf text;
    lci_buf_init(&text);
    lc_status st = lci_read_file(path, RULE_FILE_LIMIT, &text);
    if (st == LC_EIO) st = lci_fail(err, LC_ERULES, path, 0, "cannot read the rule file");
    else if (st == LC_ENOMEM) st = lci_oom(err);
    else if (st != LC_OK) st = lci_fail(err, LC_ERULES, path, 0, "the rule file is larger than 16 MiB");
    else st = lc_engine_load_string(e, path, text.data ? text.data : "", text.len, err);
    lci_buf_free(&text);
    return st;
}

/* A new value must fit the parameter's unit as the rule file's did. */
static int check_param_value(const lci_param *p, lci_dec v, char *why, size_t whysize)
{
    int64_t whole;
    int counts = (p->unit == LCI_UNIT_COUNT || p->unit == LCI_UNIT_MONTHS) && p->declared.scale == 0;
    if (counts && (lci_dec_rescale(v, 0, &whole) != LCI_NUM_OK || whole < 0)) {
        snprintf(why, whysize, "%s counts whole things: give a whole number from 0", p->name);
        return -1;
    }
    if (p->unit == LCI_UNIT_MONEY && lci_dec_rescale(v, 2, &whole) != LCI_NUM_OK) {
        snprintf(why, whysize, "%s is an amount: at most 2 decimals", p->name);
        return -1;
    }
    return 0;
}

lc_status lc_engine_set_param(lc_engine *e, const char *name, const char *value, lc_error *err)
{
    char why[200];
    lci_dec v;
    if (!e || !name || !value) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_engine_set_param: NULL argument");
    if (!e->loaded) return lci_fail(err, LC_EUSAGE, NULL, 0, "load a rule file before setting parameters");
    int i = lci_model_param(&e->model, name);
    if (i < 0) return lci_fail(err, LC_EUSAGE, NULL, 0, "unknown parameter '%s': the rule file %s does not declare it", name, e->name);
    lci_param *p = &e->model.params[i];
    if (lci_param_parse(value, &v, why, sizeof why) != 0 || check_param_value(p, v, why, sizeof why) != 0 ||
        lci_param_in_range(p, v, why, sizeof why) != 0)
        return lci_fail(err, LC_EUSAGE, NULL, 0, "parameter %s = %s: %s", name, value, why);
    lci_dec old = p->value;
    p->value = v;
    if (lci_amounts_check(&e->model, why, sizeof why) != 0) {
        p->value = old;
        return lci_fail(err, LC_EUSAGE, NULL, 0, "parameter %s = %s: %s", name, value, why);
    }
    if (format_param(e, (size_t)i) != 0) {
        p->value = old;
        return lci_oom(err);
    }
    return LC_OK;
}

lc_status lc_engine_set_assignment(lc_engine *e, const char *assignment, lc_error *err)
{
    const char *eq = assignment ? strchr(assignment, '=') : NULL;
    if (!eq || eq == assignment) return lci_fail(err, LC_EUSAGE, NULL, 0, "expected NAME=VALUE, got '%s'", assignment ? assignment : "");
    char name[128];
    if ((size_t)(eq - assignment) >= sizeof name) return lci_fail(err, LC_EUSAGE, NULL, 0, "parameter name too long");
    memcpy(name, assignment, (size_t)(eq - assignment));
    name[eq - assignment] = '\0';
    return lc_engine_set_param(e, name, eq + 1, err);
}

size_t lc_engine_param_count(const lc_engine *e)
{
    return e && e->loaded ? e->model.nparams : 0;
}

const char *lc_engine_param_name(const lc_engine *e, size_t i)
{
    return e && e->loaded && i < e->model.nparams ? e->model.params[i].name : NULL;
}

const char *lc_engine_param_value(const lc_engine *e, size_t i)
{
    return e && e->loaded && i < e->model.nparams ? e->param_text[i] : NULL;
}

size_t lc_engine_rule_count(const lc_engine *e)
{
    return e && e->loaded ? e->model.nrules : 0;
}

int lc_engine_rule(const lc_engine *e, size_t i, lc_rule_info *out)
{
    static const char *const kinds[] = {"breach", "incident", "violation", "finding"};
    if (!e || !e->loaded || !out || i >= e->model.nrules) return 0;
    const lci_rule *r = &e->model.rules[i];
    *out = (lc_rule_info){r->id, kinds[r->outcome], r->klass ? r->klass : "", r->clause ? r->clause : "", r->line};
    return 1;
}

size_t lc_engine_cap_count(const lc_engine *e)
{
    return e && e->loaded ? e->model.ncaps : 0;
}

const char *lc_engine_cap_id(const lc_engine *e, size_t i)
{
    return i < lc_engine_cap_count(e) ? e->model.caps[i].id : NULL;
}

const char *lc_engine_cap_window(const lc_engine *e, size_t i)
{
    static const char *const windows[] = {"term", "month", "rolling_months"};
    return i < lc_engine_cap_count(e) ? windows[e->model.caps[i].window] : NULL;
}

const char *lc_engine_contract_id(const lc_engine *e)
{
    return e && e->loaded ? e->model.id : NULL;
}

/* ---- rendering ---- */

lc_status lc_result_json(const lc_result *res, char **out, size_t *len, lc_error *err)
{
    return lc_result_render(res, LC_FORMAT_JSON, LC_LANG_BOTH, 0, out, len, err);
}

lc_status lc_result_render(const lc_result *res, lc_format format, lc_lang lang, unsigned flags, char **out,
                           size_t *len, lc_error *err)
{
    if (!res || !out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_result_render: NULL argument");
    *out = NULL;
    if (lcr_lang(res, lang, &lang, err) != LC_OK) return LC_EUSAGE;
    switch (format) {
    case LC_FORMAT_JSON: return lci_result_to_json(res, flags, out, len, err);
    case LC_FORMAT_TEXT: return lci_result_to_text(res, lang, flags, out, len, err);
    case LC_FORMAT_CSV: return lci_result_to_csv(res, "breaches", lang, flags, out, len, err);
    case LC_FORMAT_HTML: return lci_result_to_html(res, lang, flags, out, len, err);
    }
    return lci_fail(err, LC_EUSAGE, NULL, 0, "this format is not available in this version");
}
