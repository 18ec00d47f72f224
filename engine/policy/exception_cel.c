/* exception_cel.c - the CEL PolicyException (policies.kyverno.io v1alpha1,
 * v1beta1, v1) for ValidatingPolicy and NamespacedValidatingPolicy, as the
 * Kyverno CLI applies it (../shared/docs/kyverno-cel.md §14 step 2;
 * kyverno/kyverno pkg/cel/policies/vpol/engine/provider.go binds an
 * exception to each policy its spec.policyRefs name by name and kind,
 * compiler/policy.go evaluates its matchConditions before the policy's
 * own, engine.go makes the `exception` row).  The match conditions are
 * compiled once, when the exception is added, in the ValidatingPolicy
 * environment. */
#include "policy/policy_cel.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct cel_exc_ref {
	const char *name, *kind;
} cel_exc_ref;

struct kp_cel_exception {
	kp_policy *owner;            /* holds the arena and the compiled programs */
	const char *key;             /* "<namespace>/<name>" or "<name>" */
	cel_exc_ref *refs;
	size_t n_refs;
	const kp_cel_prog **conds;
	size_t n_conds;
	const kp_value *images, *allowed_values; /* string lists, NULL when empty */
	bool report_pass;            /* spec.reportResult: pass */
	int priority;                /* label polex.kyverno.io/priority, 0: none */
};

bool kp_cel_exception_doc(const kp_value *root)
{
	const char *api = kp_value_path_str(root, "apiVersion");
	const char *kind = kp_value_path_str(root, "kind");
	return api && kind && !strcmp(kind, "PolicyException") &&
	       (!strcmp(api, "policies.kyverno.io/v1alpha1") || !strcmp(api, "policies.kyverno.io/v1beta1") ||
		!strcmp(api, "policies.kyverno.io/v1"));
}

/* strconv.Atoi: an optional sign and decimal digits that fit an int. */
static bool atoi_go(const char *s, int *out)
{
	const char *d = s + (*s == '+' || *s == '-');
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return false;
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno || v > INT_MAX || v < INT_MIN)
		return false;
	*out = (int)v;
	return true;
}

/* A list of strings, NULL when absent or empty. */
static const kp_value *str_list(const kp_value *v, const char *path, kp_error *err, int *rc)
{
	if (kp_value_type(v) == KP_NULL || (kp_value_type(v) == KP_SEQ && !v->u.seq.n))
		return NULL;
	for (size_t i = 0; kp_value_type(v) == KP_SEQ && i < v->u.seq.n; i++)
		if (kp_value_type(v->u.seq.items[i]) != KP_STRING) {
			*rc = kp_error_at(err, KP_E_POLICY, v->u.seq.items[i], path, "%s must hold strings", path);
			return NULL;
		}
	if (kp_value_type(v) != KP_SEQ)
		*rc = kp_error_at(err, KP_E_POLICY, v, path, "%s must be a list of strings", path);
	return kp_value_type(v) == KP_SEQ ? v : NULL;
}

static int load(kp_cel_exception *x, const kp_value *root, kp_error *err)
{
	kp_policy *o = x->owner;
	kp_arena *a = o->arena;
	const kp_value *meta = kp_value_get(root, "metadata");
	const char *name = kp_value_path_str(meta, "name"), *ns = kp_value_path_str(meta, "namespace");
	if (!name || !*name)
		return kp_error_at(err, KP_E_POLICY, meta ? meta : root, "/metadata",
				   "a PolicyException needs metadata.name");
	o->name = kp_arena_strdup(a, name);
	x->key = ns && *ns ? kp_arena_printf(a, "%s/%s", ns, name) : o->name;
	const char *prio = kp_value_str(kp_value_get(kp_value_get(meta, "labels"), "polex.kyverno.io/priority"),
					NULL);
	if (prio && !atoi_go(prio, &x->priority))
		x->priority = 0;
	const kp_value *spec = kp_value_get(root, "spec");
	if (kp_value_type(spec) != KP_MAP)
		return kp_error_at(err, KP_E_POLICY, spec ? spec : root, "/spec",
				   "a PolicyException needs a spec mapping");
	const kp_value *refs = kp_value_get(spec, "policyRefs");
	if (kp_value_type(refs) != KP_SEQ)
		return kp_error_at(err, KP_E_POLICY, refs ? refs : spec, "/spec/policyRefs",
				   "a PolicyException needs spec.policyRefs (a list of {name, kind})");
	x->n_refs = refs->u.seq.n;
	x->refs = kp_arena_alloc(a, (x->n_refs + 1) * sizeof *x->refs);
	for (size_t i = 0; i < x->n_refs; i++) {
		const kp_value *r = refs->u.seq.items[i];
		const char *rn = kp_value_path_str(r, "name"), *rk = kp_value_path_str(r, "kind");
		if (!rn || !rk)
			return kp_error_at(err, KP_E_POLICY, r, kp_arena_printf(a, "/spec/policyRefs/%zu", i),
					   "a policy reference needs name and kind (strings)");
		x->refs[i] = (cel_exc_ref){kp_arena_strdup(a, rn), kp_arena_strdup(a, rk)};
	}
	int rc = 0;
	x->images = str_list(kp_value_get(spec, "images"), "/spec/images", err, &rc);
	x->allowed_values = str_list(kp_value_get(spec, "allowedValues"), "/spec/allowedValues", err, &rc);
	if (rc)
		return rc;
	x->report_pass = kp_value_str_eq(kp_value_get(spec, "reportResult"), "pass");
	const kp_value *conds = kp_value_get(spec, "matchConditions");
	x->n_conds = kp_value_len(conds);
	x->conds = kp_arena_alloc(a, (x->n_conds + 1) * sizeof *x->conds);
	kp_cel_env *env = kp_vpol_env(a);
	for (size_t i = 0; i < x->n_conds; i++) {
		const char *path = kp_arena_printf(a, "/spec/matchConditions/%zu/expression", i);
		const char *problem;
		x->conds[i] = kp_policy_cel_compile(o, env, kp_value_get(kp_value_at(conds, i), "expression"),
						    path, "bool", &problem, err);
		if (!x->conds[i] && problem) {
			/* as Kyverno: the policies it names fail to compile */
			*err = o->diag;
			snprintf(err->msg, sizeof err->msg, "PolicyException %.200s: %.700s", x->key, o->diag.msg);
			return -1;
		}
		if (!x->conds[i])
			return -1;
	}
	return 0;
}

int kp_cel_exception_add(kp_policy_set *ps, const kp_value *root, kp_error *err)
{
	kp_cel_exception *x = kp_xcalloc(1, sizeof *x);
	x->owner = kp_xcalloc(1, sizeof *x->owner);
	x->owner->arena = kp_arena_new();
	x->owner->kind = "PolicyException";
	x->owner->name = "";
	const char *file = kp_value_file(root);
	x->owner->file = file ? kp_arena_strdup(x->owner->arena, file) : NULL;
	root = kp_value_copy(x->owner->arena, root);
	if (load(x, root, err) < 0) {
		kp_policy_free(x->owner);
		free(x);
		return -1;
	}
	ps->cexc = kp_xrealloc(ps->cexc, (ps->n_cexc + 1) * sizeof *ps->cexc);
	ps->cexc[ps->n_cexc++] = x;
	return 1;
}

void kp_cel_exceptions_free(kp_policy_set *ps)
{
	for (size_t i = 0; i < ps->n_cexc; i++) {
		kp_policy_free(ps->cexc[i]->owner);
		free(ps->cexc[i]);
	}
	free(ps->cexc);
}

/* provider.go: an exception joins a policy once for each of its
 * policyRefs naming the policy's name and kind. */
void kp_cel_exceptions_bind(kp_policy_set *ps, kp_arena *a)
{
	for (size_t i = 0; i < ps->n; i++) {
		kp_policy *p = ps->items[i];
		size_t n = 0;
		for (int pass = 0; pass < 2; pass++) {
			for (size_t k = 0; k < ps->n_cexc; k++) {
				const kp_cel_exception *x = ps->cexc[k];
				for (size_t r = 0; r < x->n_refs; r++) {
					if (strcmp(x->refs[r].name, p->name) || strcmp(x->refs[r].kind, p->kind))
						continue;
					if (pass)
						p->cel_exceptions[p->n_cel_exceptions++] = x;
					else
						n++;
				}
			}
			if (!n)
				break;
			if (!pass)
				p->cel_exceptions = kp_arena_alloc(a, n * sizeof *p->cel_exceptions);
		}
	}
}

static void push_strs(kp_arena *a, kp_value *seq, const kp_value *from)
{
	for (size_t i = 0; from && i < from->u.seq.n; i++)
		kp_seq_push(a, seq, (kp_value *)from->u.seq.items[i]);
}

bool kp_cel_exceptions_apply(const kp_rule_run *run, const kp_cel_activation *act, bool ignore_failures,
			     kp_value *exceptions_var, kp_rule_outcome *out)
{
	const kp_policy *p = run->policy;
	kp_arena *a = run->ctx->scratch;
	const kp_cel_exception **hit = kp_arena_alloc(a, p->n_cel_exceptions * sizeof *hit);
	size_t n = 0;
	bool full = false;
	kp_value *images = kp_map_get_mut(exceptions_var, "allowedImages");
	kp_value *values = kp_map_get_mut(exceptions_var, "allowedValues");
	for (size_t i = 0; i < p->n_cel_exceptions; i++) {
		const kp_cel_exception *x = p->cel_exceptions[i];
		const char *error;
		int m = kp_policy_cel_match(x->conds, x->n_conds, act, a, &error);
		if (m < 0 && ignore_failures)
			m = 0;
		if (m < 0 && full)
			continue;   /* a broken later exception does not undo a full one */
		if (m < 0 && !strncmp(error, "unsupported: ", 13)) {
			/* a Kyverno library call kpolicy cannot serve offline */
			out->status = KP_STATUS_ERROR;
			out->unsupported = error + 13;
			return true;
		}
		if (m < 0) {
			out->rule = "evaluation";
			out->status = KP_STATUS_ERROR;
			out->message = kp_arena_printf(a, "failed to load context: %s", error);
			return true;
		}
		if (!m)
			continue;
		hit[n++] = x;
		if (!x->images && !x->allowed_values) {
			full = true;
		} else if (!full) {
			push_strs(a, images, x->images);
			push_strs(a, values, x->allowed_values);
		}
	}
	if (!full)
		return false;
	/* the deciding exception: the highest priority label above 0, else the first */
	size_t pick = 0;
	int best = 0;
	for (size_t i = 0; i < n; i++)
		if (hit[i]->priority > best)
			best = hit[i]->priority, pick = i;
	kp_buf b;
	kp_buf_init(&b, a);
	kp_buf_printf(&b, "rule is %s due to policy exception: ", hit[pick]->report_pass ? "passed" : "skipped");
	for (size_t i = 0; i < n; i++)
		kp_buf_printf(&b, "%s%s", i ? ", " : "", hit[i]->key);
	out->rule = "exception";
	out->status = hit[pick]->report_pass ? KP_STATUS_PASS : KP_STATUS_SKIP;
	out->message = kp_buf_str(&b);
	return true;
}
