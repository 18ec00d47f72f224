/* action_foreach.c - validate.foreach (../shared/docs/kyverno-rules.md §3;
 * validate_resource.go validateForEach, validateElements): each entry's
 * `list` evaluated against the context, each element validated in its own
 * context (element, elementIndex, the entry's context and preconditions)
 * by the first of deny, pattern/anyPattern or a nested foreach. */
#include "policy/policy.h"
#include "jmespath/jmespath.h"

#include <string.h>

typedef struct fe_list fe_list;

typedef enum { FE_NONE, FE_DENY, FE_PATTERN, FE_FOREACH } fe_body;

typedef struct fe_entry {
	const kp_jp *list;
	const char *list_error;      /* the list did not compile */
	int scope;                   /* elementScope: -1 absent, 0, 1 */
	kp_ctx_entry **context;
	size_t n_context;
	kp_conds *preconditions;     /* NULL: none */
	fe_body body;
	void *deny;
	kp_pattern_rule *pattern;
	fe_list *nested;
} fe_entry;

struct fe_list {
	fe_entry *e;
	size_t n;
	unsigned depth;
};

static fe_list *compile_list(kp_policy *p, kp_rule *r, const kp_value *v, const char *path,
			     unsigned depth, kp_error *err);

static int compile_entry(kp_policy *p, kp_rule *r, const kp_value *v, const char *path,
			 unsigned depth, fe_entry *e, kp_error *err)
{
	kp_arena *a = p->arena;
	if (kp_value_type(v) != KP_MAP)
		return kp_error_at(err, KP_E_POLICY, v, path, "a foreach entry must be a mapping");
	const kp_value *list = kp_value_get(v, "list");
	if (kp_value_type(list) != KP_STRING)
		return kp_error_at(err, KP_E_POLICY, list ? list : v, path, "foreach needs a list expression");
	kp_error ce;
	e->list = kp_jp_compile(list->u.s.ptr, list->u.s.len, KP_JP_KYVERNO, a, NULL, &ce);
	if (!e->list) {
		e->list_error = kp_arena_printf(a, "incorrect query %s: %s", list->u.s.ptr, ce.msg);
		if (p->diag.code == KP_OK)
			kp_error_in_expr(&p->diag, KP_E_EXPR, list, ce.col ? ce.col - 1 : 0,
					 kp_arena_printf(a, "%s/list", path), "%s", ce.msg);
	}
	const kp_value *scope = kp_value_get(v, "elementScope");
	e->scope = kp_value_type(scope) == KP_BOOL ? scope->u.b : -1;
	if (kp_ctx_entries_compile(a, kp_value_get(v, "context"), kp_arena_printf(a, "%s/context", path),
				   &e->context, &e->n_context, err, &p->diag) < 0)
		return -1;
	const kp_value *pre = kp_value_get(v, "preconditions");
	if (pre && !(e->preconditions = kp_conds_compile(a, pre, kp_arena_printf(a, "%s/preconditions", path),
							  false, err, &p->diag)))
		return -1;
	const kp_value *deny = kp_value_get(v, "deny");
	if (kp_value_type(deny) == KP_MAP) {
		e->body = FE_DENY;
		e->deny = kp_deny_compile(p, deny, kp_arena_printf(a, "%s/deny", path), r->name, err);
		return e->deny ? 0 : -1;
	}
	const kp_value *pat = kp_value_get(v, "pattern"), *any = kp_value_get(v, "anyPattern");
	if (kp_value_type(pat) != KP_NULL || kp_value_type(any) != KP_NULL) {
		const char *unsupported = NULL;
		e->body = FE_PATTERN;
		e->pattern = kp_patbody_compile(p, pat, any, path, r->name, r->message, &unsupported, err);
		if (unsupported)
			r->unsupported = unsupported;
		return e->pattern || unsupported ? 0 : -1;
	}
	const kp_value *nested = kp_value_get(v, "foreach");
	if (kp_value_type(nested) == KP_SEQ) {
		e->body = FE_FOREACH;
		e->nested = compile_list(p, r, nested, kp_arena_printf(a, "%s/foreach", path), depth + 1, err);
		return e->nested ? 0 : -1;
	}
	return 0;
}

static fe_list *compile_list(kp_policy *p, kp_rule *r, const kp_value *v, const char *path,
			     unsigned depth, kp_error *err)
{
	fe_list *l = kp_arena_alloc(p->arena, sizeof *l);
	l->n = kp_value_len(v);
	l->depth = depth;
	l->e = kp_arena_alloc(p->arena, (l->n + 1) * sizeof *l->e);
	for (size_t i = 0; i < l->n; i++)
		if (compile_entry(p, r, v->u.seq.items[i], kp_arena_printf(p->arena, "%s/%zu", path, i),
				  depth, &l->e[i], err) < 0)
			return NULL;
	return l;
}

static int compile(kp_policy *p, kp_rule *r, const kp_value *rule, const char *path,
		   kp_error *err)
{
	r->uses_vars = true;
	const kp_value *fe = kp_value_path(rule, "validate/foreach");
	if (kp_value_type(fe) != KP_SEQ)
		return kp_error_at(err, KP_E_POLICY, fe, path, "validate.foreach must be a list");
	r->action_data = compile_list(p, r, fe, kp_arena_printf(p->arena, "%s/validate/foreach", path), 0, err);
	return r->action_data ? 0 : -1;
}

/* ---- evaluation ---- */

typedef struct fe_state {
	const kp_rule_run *run;
	const kp_value *scope_target;  /* what patterns match (element when scoped) */
} fe_state;

static void run_list(const fe_state *st, const fe_list *l, kp_env *env, kp_rule_outcome *out);

/* One element: its outcome in *out (no_response for nothing). */
static void run_element(const fe_state *st, const fe_list *l, const fe_entry *e, kp_env *parent,
			const kp_value *elem, size_t index, kp_rule_outcome *out)
{
	const kp_rule_run *run = st->run;
	kp_arena *a = run->ctx->scratch;
	bool is_map = kp_value_type(elem) == KP_MAP;
	bool scoped = e->scope == -1 ? is_map : e->scope;
	if (scoped && !is_map) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a,
			"failed to process foreach: cannot use elementScope=true foreach rules for elements "
			"that are not maps, expected type=map got type=%s", kp_go_type_name(elem, false));
		return;
	}
	kp_env env;
	kp_error err;
	if (kp_env_element(&env, parent, elem, index, l->depth,
			   (const kp_ctx_entry *const *)e->context, e->n_context, &err) < 0) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a, "failed to load context: %s", err.msg);
		return;
	}
	fe_state sub = *st;
	if (scoped)
		sub.scope_target = elem;
	if (e->preconditions) {
		int rc = kp_conds_eval(e->preconditions, &env.vars, NULL, NULL, &err);
		if (rc < 0) {
			out->status = KP_STATUS_ERROR;
			out->message = kp_arena_printf(a, "failed to evaluate preconditions: %s", err.msg);
			return;
		}
		if (!rc) {
			out->status = KP_STATUS_SKIP;
			out->message = "preconditions not met";
			return;
		}
	}
	switch (e->body) {
	case FE_DENY:
		kp_deny_eval(e->deny, run->rule, &env, out);
		return;
	case FE_PATTERN:
		/* on DELETE with elementScope false a pattern yields nothing */
		if (!scoped && run->base->is_delete) {
			out->no_response = true;
			return;
		}
		kp_patbody_eval(e->pattern, run->rule, &env, run->ctx, sub.scope_target, NULL, out);
		return;
	case FE_FOREACH:
		run_list(&sub, e->nested, &env, out);
		return;
	default:
		out->no_response = true;
		return;
	}
}

static bool unknown_key(const char *msg)
{
	return strstr(msg, "Unknown key") != NULL;
}

static void run_list(const fe_state *st, const fe_list *l, kp_env *env, kp_rule_outcome *out)
{
	kp_arena *a = st->run->ctx->scratch;
	size_t passed = 0;
	const char *list_error = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const fe_entry *e = &l->e[i];
		const kp_value *items = NULL;
		kp_error err;
		if (!e->list) {
			list_error = e->list_error;
			continue;
		}
		const char *src = kp_jp_source(e->list);
		if (env->vars.load(env->vars.load_ud, src, strlen(src), &err) < 0 ||
		    kp_jp_eval(e->list, env->root, a, &items, &err) < 0) {
			if (err.code == KP_E_UNSUPPORTED) {
				out->status = KP_STATUS_ERROR;
				out->unsupported = kp_arena_strdup(a, err.feature);
				out->message = kp_arena_printf(a, "unsupported: %s", err.feature);
				return;
			}
			if (!unknown_key(err.msg))
				list_error = kp_arena_strdup(a, err.msg);
			continue;
		}
		size_t n = kp_value_type(items) == KP_SEQ ? items->u.seq.n : 1;
		for (size_t k = 0; k < n; k++) {
			const kp_value *elem = kp_value_type(items) == KP_SEQ ? items->u.seq.items[k] : items;
			if (kp_value_type(elem) == KP_NULL)
				continue;
			kp_rule_outcome eo = {0};
			run_element(st, l, e, env, elem, k, &eo);
			if (eo.no_response || eo.status == KP_STATUS_SKIP)
				continue;
			if (eo.status == KP_STATUS_ERROR && eo.message &&
			    strstr(eo.message, "failed to evaluate preconditions"))
				continue;
			if (eo.status == KP_STATUS_PASS) {
				passed++;
				continue;
			}
			/* the first bad element decides */
			*out = eo;
			if (!eo.unsupported)
				out->message = kp_arena_printf(a, "validation failure: %s", eo.message);
			return;
		}
	}
	if (passed) {
		out->status = KP_STATUS_PASS;
		out->message = "rule passed";
		return;
	}
	if (list_error) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a, "failed to evaluate list: %s", list_error);
		return;
	}
	out->no_response = true;
}

static void eval(const kp_rule_run *run, kp_rule_outcome *out)
{
	fe_state st = {.run = run, .scope_target = run->resource};
	run_list(&st, run->rule->action_data, run->env, out);
}

const kp_action_ops kp_action_foreach = {.name = "validate.foreach", .compile = compile, .eval = eval};
