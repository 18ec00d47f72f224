/* exception.c - Kyverno PolicyExceptions (kyverno.io/v2 and v2beta1):
 * loaded and compiled once into the policy set (match blocks, conditions,
 * podSecurity exclusions), bound to the rules they name when the set is
 * sealed, and applied after a rule's preconditions (kyverno/kyverno
 * pkg/engine/utils/exceptions.go, validate_resource.go, validate_pss.go;
 * ../shared/docs/kyverno-rules.md section 6). */
#include "policy/policy.h"
#include "policy/policy_cel.h"
#include "pss/pss.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One spec.exceptions[] item. */
typedef struct exc_target {
	const char *policy;           /* "<ns>/<name>" or "<name>" */
	const char **rules;           /* wildcards */
	size_t n_rules;
} exc_target;

struct kp_exception {
	const char *key;
	kp_selector match;
	kp_conds *conds;              /* NULL: none */
	exc_target *targets;
	size_t n_targets;
	const kp_pss_excludes *pss;   /* NULL: no spec.podSecurity */
};

const char *kp_exception_key(const kp_exception *e) { return e->key; }
const void *kp_exception_pss(const kp_exception *e) { return e->pss; }

/* ---- loading ---- */

static int bad(kp_error *err, const kp_value *at, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(kp_error *err, const kp_value *at, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_error_vat(err, KP_E_POLICY, at, path, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *str_field(kp_arena *a, const kp_value *m, const char *key)
{
	const kp_value *v = kp_value_get(m, key);
	return kp_value_type(v) == KP_STRING ? kp_arena_strndup(a, v->u.s.ptr, v->u.s.len) : NULL;
}

static int load_targets(kp_arena *a, kp_exception *x, const kp_value *list, kp_error *err)
{
	if (kp_value_type(list) != KP_SEQ || !list->u.seq.n)
		return bad(err, list, "/spec/exceptions", "%s", "spec.exceptions must be a non-empty list");
	x->n_targets = list->u.seq.n;
	x->targets = kp_arena_alloc(a, x->n_targets * sizeof *x->targets);
	for (size_t i = 0; i < x->n_targets; i++) {
		const kp_value *t = list->u.seq.items[i];
		char *path = kp_arena_printf(a, "/spec/exceptions/%zu", i);
		exc_target *o = &x->targets[i];
		o->policy = str_field(a, t, "policyName");
		const kp_value *rn = kp_value_get(t, "ruleNames");
		if (kp_value_type(t) != KP_MAP || !o->policy)
			return bad(err, t, path, "%s", "an exception needs policyName (a string)");
		if (kp_value_type(rn) != KP_SEQ)
			return bad(err, rn ? rn : t, path, "%s", "an exception needs ruleNames (a list)");
		o->n_rules = rn->u.seq.n;
		o->rules = kp_arena_alloc(a, (o->n_rules + 1) * sizeof *o->rules);
		for (size_t k = 0; k < o->n_rules; k++) {
			const kp_value *s = rn->u.seq.items[k];
			if (kp_value_type(s) != KP_STRING)
				return bad(err, s ? s : rn, path, "%s", "ruleNames must be strings");
			o->rules[k] = kp_arena_strndup(a, s->u.s.ptr, s->u.s.len);
		}
	}
	return 0;
}

/* The v2 condition operators (the CRD enum: no In / NotIn / Equal / NotEqual). */
static bool v2_operator(const char *op)
{
	static const char *const ops[] = {
		"Equals", "NotEquals", "AnyIn", "AllIn", "AnyNotIn", "AllNotIn",
		"GreaterThanOrEquals", "GreaterThan", "LessThanOrEquals", "LessThan",
		"DurationGreaterThanOrEquals", "DurationGreaterThan", "DurationLessThanOrEquals",
		"DurationLessThan", NULL};
	for (const char *const *p = ops; *p; p++)
		if (!strcmp(*p, op))
			return true;
	return false;
}

static int load_conditions(kp_arena *a, kp_exception *x, const kp_value *c, kp_error *err)
{
	if (kp_value_type(c) == KP_NULL)
		return 0;
	if (c->type != KP_MAP)
		return bad(err, c, "/spec/conditions", "%s", "spec.conditions must be {any, all}");
	kp_value *copy = kp_value_copy(a, c);
	for (size_t i = 0; i < copy->u.map.n; i++) {
		const char *k = kp_value_str(kp_value_key_at(copy, i), NULL);
		const kp_value *list = kp_value_val_at(copy, i);
		if (strcmp(k, "any") && strcmp(k, "all"))
			return bad(err, kp_value_key_at(copy, i), "/spec/conditions",
				   "spec.conditions: unknown field \"%s\" (any, all)", k);
		for (size_t j = 0; j < kp_value_len(list); j++) {
			const char *op = kp_value_path_str(kp_value_at(list, j), "operator");
			if (op && !v2_operator(op))
				return bad(err, kp_value_get(kp_value_at(list, j), "operator"),
					   "/spec/conditions", "spec.conditions: unsupported operator "
					   "\"%s\" (PolicyException conditions take the v2 operators)", op);
		}
	}
	/* an empty `any` counts as true here (unlike preconditions): drop it */
	const kp_value *any = kp_value_get(copy, "any");
	if (kp_value_type(any) == KP_SEQ && !any->u.seq.n)
		for (size_t i = 0; i < copy->u.map.n; i++)
			if (!strcmp(kp_value_str(kp_value_key_at(copy, i), NULL), "any")) {
				memmove(&copy->u.map.pairs[i], &copy->u.map.pairs[i + 1],
					(copy->u.map.n - i - 1) * sizeof copy->u.map.pairs[0]);
				copy->u.map.n--;
				break;
			}
	kp_error diag = {0};
	x->conds = kp_conds_compile(a, copy, "/spec/conditions", false, err, &diag);
	if (!x->conds)
		return -1;
	if (diag.code != KP_OK) {
		*err = diag;
		err->code = KP_E_EXPR;
		return -1;
	}
	return 0;
}

static int load_exception(kp_arena *a, kp_exception *x, const kp_value *root, kp_error *err)
{
	const kp_value *meta = kp_value_get(root, "metadata");
	const char *name = str_field(a, meta, "name"), *ns = str_field(a, meta, "namespace");
	if (!name || !*name)
		return bad(err, meta ? meta : root, "/metadata", "%s", "a PolicyException needs metadata.name");
	x->key = ns && *ns ? kp_arena_printf(a, "%s/%s", ns, name) : name;
	const kp_value *spec = kp_value_get(root, "spec");
	if (kp_value_type(spec) != KP_MAP)
		return bad(err, spec ? spec : root, "/spec", "%s", "a PolicyException needs a spec mapping");
	if (load_targets(a, x, kp_value_get(spec, "exceptions"), err))
		return -1;
	const kp_value *match = kp_value_get(spec, "match");
	if (kp_value_type(match) != KP_MAP)
		return bad(err, match ? match : spec, "/spec/match", "%s",
			   "a PolicyException needs spec.match ({any} or {all} of resource filters)");
	for (size_t i = 0; i < match->u.map.n; i++) {
		const char *k = kp_value_str(kp_value_key_at(match, i), NULL);
		if (strcmp(k, "any") && strcmp(k, "all"))
			return bad(err, kp_value_key_at(match, i), "/spec/match",
				   "spec.match: unknown field \"%s\" (any, all)", k);
	}
	if (kp_selector_compile(a, match, "/spec/match", &x->match, err) ||
	    load_conditions(a, x, kp_value_get(spec, "conditions"), err))
		return -1;
	const kp_value *ps = kp_value_get(spec, "podSecurity");
	if (kp_value_type(ps) != KP_NULL && !(x->pss = kp_pss_excludes_compile(a, ps, "/spec/podSecurity", err)))
		return -1;
	/* HasPodSecurity: a non-empty list */
	if (x->pss && !kp_value_len(ps))
		x->pss = NULL;
	return 0;
}

int kp_policy_set_add_exception(kp_policy_set *ps, const kp_doc *doc, kp_error *err)
{
	if (err)
		kp_error_clear(err);
	const kp_value *root = kp_doc_root(doc);
	if (!ps || !root)
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "kp_policy_set_add_exception: no set or document");
	if (ps->index)
		return kp_errorf(err, KP_E_USAGE, kp_value_file(root), 0, 0,
				 "kp_policy_set_add_exception: the set is sealed");
	const char *api = kp_value_path_str(root, "apiVersion");
	const char *kind = kp_value_path_str(root, "kind");
	if (kp_value_type(root) == KP_MAP && kp_cel_exception_doc(root))
		return kp_policy_doc_rejected(ps, root, err) ? -1 : kp_cel_exception_add(ps, root, err);
	if (kp_value_type(root) != KP_MAP || !kind || strcmp(kind, "PolicyException") || !api ||
	    (strcmp(api, "kyverno.io/v2") && strcmp(api, "kyverno.io/v2beta1"))) {
		kp_errorf(err, KP_W_NOTPOLICY, kp_value_file(root), kp_value_line(root),
			  kp_value_col(root), "policy exception type not supported (apiVersion %s, kind %s)",
			  api ? api : "none", kind ? kind : "none");
		return 0;
	}
	/* checked against the CRD schema, as the Kyverno CLI loads exceptions */
	if (kp_policy_doc_rejected(ps, root, err))
		return -1;
	if (!ps->exc_arena)
		ps->exc_arena = kp_arena_new();
	/* a failed load leaves some bytes in the set's arena: nothing refers to them */
	kp_exception *x = kp_arena_alloc(ps->exc_arena, sizeof *x);
	if (load_exception(ps->exc_arena, x, kp_value_copy(ps->exc_arena, root), err))
		return -1;
	ps->exc = kp_xrealloc(ps->exc, (ps->n_exc + 1) * sizeof *ps->exc);
	ps->exc[ps->n_exc++] = x;
	return 1;
}

size_t kp_policy_set_exception_count(const kp_policy_set *ps)
{
	return ps ? ps->n_exc + ps->n_cexc : 0;
}

void kp_exceptions_free(kp_policy_set *ps)
{
	kp_cel_exceptions_free(ps);
	free(ps->exc);
	kp_arena_free(ps->exc_arena);
}

/* ---- binding ---- */

static bool names_rule(const exc_target *t, const char *key, const char *rule)
{
	if (strcmp(t->policy, key))
		return false;
	for (size_t i = 0; i < t->n_rules; i++)
		if (kp_wildcard_match(t->rules[i], strlen(t->rules[i]), rule, strlen(rule)))
			return true;
	return false;
}

static bool excepts(const kp_exception *x, const char *key, const char *rule)
{
	for (size_t i = 0; i < x->n_targets; i++)
		if (names_rule(&x->targets[i], key, rule))
			return true;
	return false;
}

void kp_exceptions_bind(kp_policy_set *ps)
{
	if (ps->n_cexc) {
		if (!ps->exc_arena)
			ps->exc_arena = kp_arena_new();
		kp_cel_exceptions_bind(ps, ps->exc_arena);
	}
	if (!ps->n_exc)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		kp_policy *p = ps->items[i];
		const char *key = p->namespace ? kp_arena_printf(ps->exc_arena, "%s/%s", p->namespace, p->name)
					       : p->name;
		for (size_t j = 0; j < p->n_rules; j++) {
			kp_rule *r = &p->rules[j];
			size_t n = 0;
			for (size_t k = 0; k < ps->n_exc; k++)
				n += excepts(ps->exc[k], key, r->name);
			if (!n)
				continue;
			r->exceptions = kp_arena_alloc(ps->exc_arena, n * sizeof *r->exceptions);
			for (size_t k = 0; k < ps->n_exc; k++)
				if (excepts(ps->exc[k], key, r->name))
					r->exceptions[r->n_exceptions++] = ps->exc[k];
		}
	}
}

/* ---- evaluation ---- */

/* MatchesException for one exception: match blocks, then conditions in
 * the rule's context (a condition that cannot be evaluated: no match). */
static bool exception_matches(const kp_exception *x, const kp_rule_run *run, kp_env *env)
{
	if (!kp_selector_matches(&x->match, run->sel))
		return false;
	if (!x->conds || kp_conds_empty(x->conds))
		return true;
	if (!env)
		return false;
	kp_error err;
	return kp_conds_eval(x->conds, &env->vars, NULL, NULL, &err) == 1;
}

bool kp_exceptions_apply(kp_rule_run *run, kp_env *env, kp_rule_outcome *out)
{
	const kp_rule *r = run->rule;
	kp_arena *a = run->ctx->scratch;
	const kp_exception **hit = kp_arena_alloc(a, r->n_exceptions * sizeof *hit);
	size_t n = 0;
	for (size_t i = 0; i < r->n_exceptions; i++)
		if (exception_matches(r->exceptions[i], run, env))
			hit[n++] = r->exceptions[i];
	if (!n)
		return false;
	if (r->action == &kp_action_pod_security) {
		if (run->base && run->base->is_delete) {
			out->no_response = true;
			return true;
		}
		for (size_t i = 0; i < n; i++)
			if (!hit[i]->pss) {
				out->status = KP_STATUS_SKIP;
				out->message = kp_arena_printf(a, "rule is skipped due to policy exception %s",
							       hit[i]->key);
				return true;
			}
		run->exceptions = hit;
		run->n_exceptions = n;
		return false;
	}
	kp_buf b;
	kp_buf_init(&b, a);
	kp_buf_puts(&b, "rule is skipped due to policy exceptions");
	for (size_t i = 0; i < n; i++)
		kp_buf_printf(&b, "%s%s", i ? ", " : "", hit[i]->key);
	out->status = KP_STATUS_SKIP;
	out->message = kp_buf_str(&b);
	return true;
}
