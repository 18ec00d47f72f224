/* action_pattern.c - the validate.pattern and validate.anyPattern actions:
 * patterns compiled once into the policy's arena, matched per resource
 * with the evaluation context's scratch memory
 * (pkg/engine/handlers/validation/validate_resource.go). */
#include "policy/policy.h"
#include "jmespath/jp_func.h"

#include <stdio.h>
#include <string.h>

/* True if a string holds a $(...) reference not preceded by `\`. */
static bool has_reference(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '$' && s[i + 1] == '(' && (i == 0 || s[i - 1] != '\\') &&
		    memchr(s + i + 2, ')', n - i - 2))
			return true;
	return false;
}

/* True if any key or string value of a pattern holds a $(...) reference. */
static bool has_references(const kp_value *v)
{
	switch (kp_value_type(v)) {
	case KP_STRING:
		return has_reference(v->u.s.ptr, v->u.s.len);
	case KP_SEQ:
		for (size_t i = 0; i < v->u.seq.n; i++)
			if (has_references(v->u.seq.items[i]))
				return true;
		return false;
	case KP_MAP:
		for (size_t i = 0; i < v->u.map.n; i++)
			if (has_references(v->u.map.pairs[i].key) ||
			    has_references(v->u.map.pairs[i].value))
				return true;
		return false;
	default:
		return false;
	}
}

/* One pattern into the policy arena; errors carry the pattern's path
 * below the rule ("/spec/rules/0/validate/pattern/spec/+(x)"). */
static const kp_pat_root *compile_one(kp_policy *p, const kp_value *pat,
				      const char *where, kp_error *err)
{
	const kp_pat_root *root = kp_pat_compile(p->arena, pat, KP_PAT_STRICT, "", err);
	if (!root && err) {
		/* where + err->path, cut to fit */
		char full[sizeof err->path];
		size_t wl = strlen(where), pl = strlen(err->path);
		if (wl > sizeof full - 1)
			wl = sizeof full - 1;
		if (pl > sizeof full - 1 - wl)
			pl = sizeof full - 1 - wl;
		memcpy(full, where, wl);
		memcpy(full + wl, err->path, pl);
		full[wl + pl] = 0;
		memcpy(err->path, full, wl + pl + 1);
		if (err->code == KP_OK)
			err->code = KP_E_PATTERN;
	}
	return root;
}

/* The fail message of a path is the same text up to the path for every
 * resource: made once, as kp_pat_rule_message makes it for a marker path,
 * the marker cut off (left NULL if the text does not end with it). */
static void fail_prefix(kp_arena *a, kp_pattern_rule *pr, const char *rule, const char *message)
{
	static const char marker[] = "\x01";
	kp_pat_result failed = {.status = KP_STATUS_FAIL, .path = marker};
	const char *m = kp_pat_rule_message(a, rule, message, &failed);
	size_t n = strlen(m);
	if (n < 1 || m[n - 1] != marker[0])
		return;
	pr->fail_message = message;
	pr->fail_prefix = m;
	pr->fail_prefix_len = n - 1;
}

/* A pattern body (of a rule or a foreach entry): whatever of pattern and
 * anyPattern is given (a rule may carry both; `pattern` then decides).
 * Static patterns compile once here; patterns with variables keep their
 * substitution trees and compile per resource into scratch memory. */
kp_pattern_rule *kp_patbody_compile(kp_policy *p, const kp_value *pat, const kp_value *anyp,
				    const char *path, const char *rule, const char *message,
				    const char **unsupported, kp_error *err)
{
	kp_arena *a = p->arena;
	kp_pattern_rule *pr = kp_arena_alloc(a, sizeof *pr);
	(void)unsupported;
	/* references name places of the pattern itself: resolved now (an
	 * anyPattern's against the whole list, as Kyverno substitutes it) */
	if (has_references(pat) && !(pat = kp_pattern_refs(a, pat, &pr->ref_error)))
		return pr;
	if (has_references(anyp) && !(anyp = kp_pattern_refs(a, anyp, &pr->ref_error)))
		return pr;
	/* the pass message is the same for every resource: made once here */
	kp_pat_result passed = {.status = KP_STATUS_PASS};
	pr->pass_message = kp_pat_rule_message(a, rule, message, &passed);
	fail_prefix(a, pr, rule, message);
	char where[1100];
	if (kp_value_type(pat) != KP_NULL) {
		pr->pattern = pat;
		snprintf(where, sizeof where, "%s/pattern", path);
		if ((pr->pattern_t = kp_ttree_compile(a, pat, "", &p->diag)))
			pr->dynamic = true;
		else if (!(pr->compiled = compile_one(p, pat, where, err)))
			return NULL;
	}
	if (kp_value_type(anyp) == KP_SEQ) {
		pr->n_any = anyp->u.seq.n;
		pr->any = kp_arena_alloc(a, sizeof(*pr->any) * (pr->n_any + 1));
		pr->any_compiled = kp_arena_alloc(a, sizeof(*pr->any_compiled) * (pr->n_any + 1));
		if ((pr->any_t = kp_ttree_compile(a, anyp, "", &p->diag)))
			pr->dynamic = true;
		for (size_t i = 0; i < pr->n_any; i++) {
			pr->any[i] = anyp->u.seq.items[i];
			snprintf(where, sizeof where, "%s/anyPattern/%zu", path, i);
			if (!pr->any_t && !(pr->any_compiled[i] = compile_one(p, pr->any[i], where, err)))
				return NULL;
		}
	}
	return pr;
}

static int compile_patterns(kp_policy *p, kp_rule *r, const kp_value *rule,
			    const char *path, kp_error *err)
{
	const kp_value *val = kp_value_get(rule, "validate");
	const char *unsupported = NULL;
	kp_pattern_rule *pr = kp_patbody_compile(p, kp_value_get(val, "pattern"),
						 kp_value_get(val, "anyPattern"),
						 kp_arena_printf(p->arena, "%s/validate", path),
						 r->name, r->message, &unsupported, err);
	if (unsupported) {
		r->unsupported = unsupported;
		r->action = NULL;
		return 0;
	}
	if (!pr)
		return -1;
	if (pr->dynamic)
		r->uses_vars = true;
	pr->fail_static = !r->message_t;
	r->action_data = pr;
	return 0;
}

/* The matchers recurse along the pattern: one nested deeper than the
 * context allows is an error row, not a crash. */
static bool too_deep(kp_eval_ctx *ctx, const char *rule, const kp_pat_root *root,
		     kp_rule_outcome *out)
{
	if (root->depth <= ctx->limits.max_depth)
		return false;
	out->status = KP_STATUS_ERROR;
	out->message = kp_arena_printf(ctx->scratch,
				       "validation error: rule %s execution error: pattern nested %zu "
				       "levels deep, over the evaluation depth limit %zu",
				       rule, root->depth, ctx->limits.max_depth);
	return true;
}

/* validate.message in the current context, substituted only when a fail
 * or error message is built.  NULL with *failed when substitution fails. */
static const char *rule_message(const kp_rule *r, kp_env *env, const kp_rule_run *run,
				bool *failed)
{
	*failed = false;
	if (r->message_t && !env && run && run->lazy_env)
		env = run->lazy_env(run);
	if (!r->message_t || !env)
		return r->message;
	const kp_value *m;
	kp_error e;
	if (kp_tmpl_eval(r->message_t, &env->vars, "", &m, &e) < 0) {
		*failed = true;
		return NULL;
	}
	if (kp_value_type(m) == KP_STRING)
		return m->u.s.ptr;
	/* upstream crashes on a type assertion here: the text of the value */
	return kp_jp_to_json(env->vars.scratch, m, true, NULL);
}

/* Substitute a dynamic body's patterns and compile them for this match. */
static int substitute(const kp_pattern_rule *pr, kp_env *env, kp_eval_ctx *ctx,
		      const kp_pat_root **one, const kp_pat_root ***any, kp_rule_outcome *out)
{
	kp_error e;
	const kp_value *v;
	if (pr->pattern_t) {
		if (kp_ttree_eval(pr->pattern_t, &env->vars, &v, &e) < 0)
			goto failed;
		if (!(*one = kp_pat_compile(ctx->scratch, v, KP_PAT_STRICT, "", &e)))
			goto failed;
	}
	if (pr->any_t && !pr->pattern) {
		if (kp_ttree_eval(pr->any_t, &env->vars, &v, &e) < 0)
			goto failed;
		*any = kp_arena_alloc(ctx->scratch, (pr->n_any + 1) * sizeof **any);
		for (size_t i = 0; i < pr->n_any; i++)
			if (!((*any)[i] = kp_pat_compile(ctx->scratch, v->u.seq.items[i], KP_PAT_STRICT, "", &e)))
				goto failed;
	}
	return 0;
failed:
	out->status = KP_STATUS_ERROR;
	out->message = kp_arena_printf(ctx->scratch, "variable substitution failed: %s", e.msg);
	if (e.code == KP_E_UNSUPPORTED)
		out->unsupported = kp_arena_strdup(ctx->scratch, e.feature);
	return -1;
}

void kp_patbody_outcome(const kp_pattern_rule *pr, const kp_rule *r, kp_env *env, kp_eval_ctx *ctx,
			const kp_rule_run *run, const kp_pat_result *res, kp_rule_outcome *out)
{
	out->status = res->status;
	out->node = res->node;
	if (res->status == KP_STATUS_PASS) {
		out->message = pr->pass_message;
		return;
	}
	if (res->status == KP_STATUS_FAIL)
		out->path = res->path;
	bool msg_failed = false;
	const char *m = pr->fail_static ? pr->fail_message : rule_message(r, env, run, &msg_failed);
	if (!msg_failed && m == pr->fail_message && pr->fail_prefix &&
	    res->status == KP_STATUS_FAIL && res->path[0]) {
		size_t pn = strlen(res->path);
		char *t = kp_arena_alloc_raw(ctx->scratch, pr->fail_prefix_len + pn + 1);
		memcpy(t, pr->fail_prefix, pr->fail_prefix_len);
		memcpy(t + pr->fail_prefix_len, res->path, pn + 1);
		out->message = out->counted = t;
		out->counted_len = pr->fail_prefix_len + pn;
		return;
	}
	out->message = msg_failed
		? kp_arena_printf(ctx->scratch,
				  "validation error: variables substitution error in rule %s execution error: %s",
				  r->name, kp_pat_error(res, ctx->scratch))
		: kp_pat_rule_message(ctx->scratch, r->name, m, res);
}

const kp_pat_root *kp_patbody_static(const kp_pattern_rule *pr)
{
	return pr && !pr->ref_error && !pr->dynamic && pr->pattern ? pr->compiled : NULL;
}

void kp_patbody_eval(const kp_pattern_rule *pr, const kp_rule *r, kp_env *env, kp_eval_ctx *ctx,
		     const kp_value *target, const kp_rule_run *run, kp_rule_outcome *out)
{
	const kp_pat_root *one = pr->compiled;
	const kp_pat_root **any = pr->any_compiled;
	if (pr->ref_error) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(ctx->scratch, "variable substitution failed: %s", pr->ref_error);
		return;
	}
	if (pr->dynamic && substitute(pr, env, ctx, &one, &any, out) < 0)
		return;
	bool msg_failed;
	if (one || pr->pattern) {
		if (too_deep(ctx, r->name, one, out))
			return;
		kp_pat_result res;
		kp_pat_match_quick(one, target, ctx->scratch, &res);
		kp_patbody_outcome(pr, r, env, ctx, run, &res, out);
		return;
	}
	if (!pr->n_any) {
		/* anyPattern: [] */
		out->status = KP_STATUS_ERROR;
		out->unsupported = "rule without validate.pattern or anyPattern";
		out->message = "unsupported: rule without validate.pattern or anyPattern";
		return;
	}
	for (size_t i = 0; i < pr->n_any; i++)
		if (too_deep(ctx, r->name, any[i], out))
			return;
	/* the message is substituted only for a failing result */
	kp_any_result res;
	kp_pat_match_any(any, pr->n_any, target, r->name, r->message, ctx->scratch, &res);
	msg_failed = false;
	if (res.status == KP_STATUS_FAIL && r->message_t) {
		const char *m = rule_message(r, env, run, &msg_failed);
		if (!msg_failed)
			kp_pat_match_any(any, pr->n_any, target, r->name, m, ctx->scratch, &res);
	}
	out->status = res.status;
	out->message = res.message;
	if (res.status == KP_STATUS_FAIL) {
		out->path = res.path;
		if (msg_failed) {
			/* the alternatives' errors after the fixed prefix */
			const char *errs = strstr(res.message, "rule ");
			out->message = kp_arena_printf(ctx->scratch,
						       "validation error: variables substitution error in rule %s execution error: %s",
						       r->name, errs ? errs : res.message);
		}
	}
	out->node = res.node;
}

static void eval_patterns(const kp_rule_run *run, kp_rule_outcome *out)
{
	/* on DELETE a rule-level pattern gives no response */
	if (run->base && run->base->is_delete) {
		out->no_response = true;
		return;
	}
	kp_patbody_eval(run->rule->action_data, run->rule, run->env, run->ctx, run->resource, run, out);
}

const kp_action_ops kp_action_pattern = {
	.name = "validate.pattern", .compile = compile_patterns, .eval = eval_patterns,
};

const kp_action_ops kp_action_any_pattern = {
	.name = "validate.anyPattern", .compile = compile_patterns, .eval = eval_patterns,
};

const kp_pattern_rule *kp_rule_patterns(const kp_rule *r)
{
	bool ours = r->action == &kp_action_pattern || r->action == &kp_action_any_pattern;
	return ours ? r->action_data : NULL;
}
