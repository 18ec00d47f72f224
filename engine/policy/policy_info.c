/* policy_info.c - policy metadata that reports need (annotations, failure
 * action, rule messages), read from the policy document kept in its arena. */
#include "policy.h"

#include <string.h>

const char *kp_policy_annotation(const kp_policy *p, const char *key)
{
	if (!p || !key)
		return NULL;
	/* annotation keys contain '/', so no kp_value_path */
	const kp_value *ann = kp_value_get(kp_value_get(p->root, "metadata"), "annotations");
	const kp_value *v = kp_value_get(ann, key);
	return kp_value_type(v) == KP_STRING ? v->u.s.ptr : NULL;
}

const char *kp_policy_kind(const kp_policy *p) { return p ? p->kind : NULL; }
const char *kp_policy_file(const kp_policy *p) { return p ? p->file : NULL; }
unsigned kp_policy_line(const kp_policy *p) { return p ? p->line : 0; }

bool kp_policy_background(const kp_policy *p)
{
	const kp_value *b = kp_value_get(kp_value_get(p ? p->root : NULL, "spec"), "background");
	return kp_value_type(b) != KP_BOOL || kp_value_bool(b);
}

const char *kp_policy_rule_message(const kp_policy *p, size_t i)
{
	return p && i < p->n_rules ? p->rules[i].message : NULL;
}

const char *kp_policy_rule_base(const kp_policy *p, size_t i)
{
	if (!p || i >= p->n_rules)
		return NULL;
	const kp_rule *r = &p->rules[i];
	return r->autogen != KP_AUTOGEN_NONE && r->autogen_base ? r->autogen_base : r->name;
}

/* kyvernov1.ValidationFailureAction.IsValid / Enforce */
static bool action_valid(const kp_value *a)
{
	return kp_value_str_eq(a, "Audit") || kp_value_str_eq(a, "audit") ||
	       kp_value_str_eq(a, "Enforce") || kp_value_str_eq(a, "enforce");
}

static bool action_enforce(const kp_value *a)
{
	return kp_value_str_eq(a, "Enforce") || kp_value_str_eq(a, "enforce");
}

/* The action of the first entry of an overrides list that applies to ns. */
static const kp_value *match_override(const kp_value *overrides, const char *ns)
{
	for (size_t i = 0; i < kp_value_len(overrides); i++) {
		const kp_value *o = kp_value_at(overrides, i);
		const kp_value *act = kp_value_get(o, "action");
		if (!action_valid(act) || kp_value_get(o, "namespaceSelector"))
			continue;
		const kp_value *nss = kp_value_get(o, "namespaces");
		for (size_t j = 0; j < kp_value_len(nss); j++) {
			size_t len;
			const char *pat = kp_value_str(kp_value_at(nss, j), &len);
			if (pat && kp_wildcard_match(pat, len, ns, strlen(ns)))
				return act;
		}
	}
	return NULL;
}

bool kp_policy_audit(const kp_policy *p, const char *ns)
{
	if (!p)
		return true;
	if (!ns)
		ns = "";
	const kp_value *spec = kp_value_get(p->root, "spec");
	const kp_value *rules = kp_value_get(spec, "rules");
	for (size_t i = 0; i < kp_value_len(rules); i++) {
		const kp_value *v = kp_value_get(kp_value_at(rules, i), "validate");
		if (kp_value_type(v) != KP_MAP)
			continue;
		const kp_value *act = match_override(kp_value_get(v, "failureActionOverrides"), ns);
		if (!act)
			act = kp_value_get(v, "failureAction");
		if (kp_value_type(act) == KP_STRING)
			return !action_enforce(act);
	}
	const kp_value *act = match_override(kp_value_get(spec, "validationFailureActionOverrides"), ns);
	if (!act)
		act = kp_value_get(spec, "validationFailureAction");
	return !action_enforce(act);
}
