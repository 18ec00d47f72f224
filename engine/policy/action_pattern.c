/* action_pattern.c - the validate.pattern and validate.anyPattern actions:
 * patterns compiled once into the policy's arena, matched per resource
 * with the evaluation context's scratch memory
 * (pkg/engine/handlers/validation/validate_resource.go). */
#include "policy/policy.h"

#include <stdio.h>
#include <string.h>

/* True if a string holds a Kyverno variable: `{{` not preceded by `\`,
 * closed by a later `}}` (RegexVariables). */
static bool has_variable(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] == '{' && s[i + 1] == '{' && (i == 0 || s[i - 1] != '\\')) {
			for (size_t j = i + 2; j + 1 < n; j++)
				if (s[j] == '}' && s[j + 1] == '}')
					return true;
			return false;
		}
	}
	return false;
}

/* True if a string holds a $(...) reference not preceded by `\`. */
static bool has_reference(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '$' && s[i + 1] == '(' && (i == 0 || s[i - 1] != '\\') &&
		    memchr(s + i + 2, ')', n - i - 2))
			return true;
	return false;
}

/* Scans keys and string values of a pattern: 1 variables, 2 references. */
static int pattern_dynamic(const kp_value *v)
{
	switch (kp_value_type(v)) {
	case KP_STRING:
		if (has_variable(v->u.s.ptr, v->u.s.len))
			return 1;
		return has_reference(v->u.s.ptr, v->u.s.len) ? 2 : 0;
	case KP_SEQ:
		for (size_t i = 0; i < v->u.seq.n; i++) {
			int r = pattern_dynamic(v->u.seq.items[i]);
			if (r)
				return r;
		}
		return 0;
	case KP_MAP:
		for (size_t i = 0; i < v->u.map.n; i++) {
			int r = pattern_dynamic(v->u.map.pairs[i].key);
			if (!r)
				r = pattern_dynamic(v->u.map.pairs[i].value);
			if (r)
				return r;
		}
		return 0;
	default:
		return 0;
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

/* Both actions compile whatever of pattern and anyPattern is given (a
 * rule may carry both; `pattern` then decides). */
static int compile_patterns(kp_policy *p, kp_rule *r, const kp_value *rule,
			    const char *path, kp_error *err)
{
	kp_arena *a = p->arena;
	const kp_value *val = kp_value_get(rule, "validate");
	const kp_value *pat = kp_value_get(val, "pattern");
	const kp_value *anyp = kp_value_get(val, "anyPattern");
	int dyn = pattern_dynamic(pat);
	if (!dyn)
		dyn = pattern_dynamic(anyp);
	if (dyn) {
		r->unsupported = dyn == 1 ? "variables in pattern" : "references in pattern";
		r->action = NULL;
		return 0;
	}
	kp_pattern_rule *pr = kp_arena_alloc(a, sizeof *pr);
	/* the pass message is the same for every resource: made once here */
	kp_pat_result passed = {.status = KP_STATUS_PASS};
	pr->pass_message = kp_pat_rule_message(a, r->name, r->message, &passed);
	char where[1100];
	if (kp_value_type(pat) != KP_NULL) {
		pr->pattern = pat;
		snprintf(where, sizeof where, "%s/validate/pattern", path);
		if (!(pr->compiled = compile_one(p, pat, where, err)))
			return -1;
	}
	if (kp_value_type(anyp) == KP_SEQ) {
		pr->n_any = anyp->u.seq.n;
		pr->any = kp_arena_alloc(a, sizeof(*pr->any) * (pr->n_any + 1));
		pr->any_compiled = kp_arena_alloc(a, sizeof(*pr->any_compiled) * (pr->n_any + 1));
		for (size_t i = 0; i < pr->n_any; i++) {
			pr->any[i] = anyp->u.seq.items[i];
			snprintf(where, sizeof where, "%s/validate/anyPattern/%zu", path, i);
			if (!(pr->any_compiled[i] = compile_one(p, pr->any[i], where, err)))
				return -1;
		}
	}
	r->action_data = pr;
	return 0;
}

/* The matchers recurse along the pattern: one nested deeper than the
 * context allows is an error row, not a crash. */
static bool too_deep(const kp_rule_run *run, const kp_pat_root *root,
		     kp_rule_outcome *out)
{
	if (root->depth <= run->ctx->limits.max_depth)
		return false;
	out->status = KP_STATUS_ERROR;
	out->message = kp_arena_printf(run->ctx->scratch,
				       "validation error: rule %s execution error: pattern nested %zu "
				       "levels deep, over the evaluation depth limit %zu",
				       run->rule->name, root->depth, run->ctx->limits.max_depth);
	return true;
}

static void eval_pattern(const kp_rule_run *run, kp_rule_outcome *out)
{
	const kp_pattern_rule *pr = run->rule->action_data;
	if (too_deep(run, pr->compiled, out))
		return;
	kp_pat_result res;
	kp_pat_match(pr->compiled, run->resource, run->ctx->scratch, &res);
	out->status = res.status;
	out->message = res.status == KP_STATUS_PASS ? pr->pass_message
		: kp_pat_rule_message(run->ctx->scratch, run->rule->name, run->rule->message, &res);
	if (res.status == KP_STATUS_FAIL)
		out->path = res.path;
	out->node = res.node;
}

static void eval_any_pattern(const kp_rule_run *run, kp_rule_outcome *out)
{
	const kp_pattern_rule *pr = run->rule->action_data;
	if (!pr->compiled && !pr->n_any) {
		/* anyPattern: [] */
		out->status = KP_STATUS_ERROR;
		out->unsupported = "rule without validate.pattern or anyPattern";
		out->message = "unsupported: rule without validate.pattern or anyPattern";
		return;
	}
	if (pr->compiled) {
		eval_pattern(run, out);
		return;
	}
	for (size_t i = 0; i < pr->n_any; i++)
		if (too_deep(run, pr->any_compiled[i], out))
			return;
	kp_any_result res;
	kp_pat_match_any(pr->any_compiled, pr->n_any, run->resource, run->rule->name,
			 run->rule->message, run->ctx->scratch, &res);
	out->status = res.status;
	out->message = res.message;
	if (res.status == KP_STATUS_FAIL)
		out->path = res.path;
	out->node = res.node;
}

const kp_action_ops kp_action_pattern = {
	.name = "validate.pattern", .compile = compile_patterns, .eval = eval_pattern,
};

const kp_action_ops kp_action_any_pattern = {
	.name = "validate.anyPattern", .compile = compile_patterns, .eval = eval_any_pattern,
};

const kp_pattern_rule *kp_rule_patterns(const kp_rule *r)
{
	bool ours = r->action == &kp_action_pattern || r->action == &kp_action_any_pattern;
	return ours ? r->action_data : NULL;
}
