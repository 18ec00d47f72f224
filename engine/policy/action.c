/* action.c - the one table of rule actions: which keys of a rule pick
 * which action, and the features kpolicy does not run yet. */
#include "policy/policy_cel.h"

#include <string.h>

/* A value is "given" when present and not null / empty collection: Go's
 * omitempty view of an optional field. */
static bool given(const kp_value *v)
{
	switch (kp_value_type(v)) {
	case KP_NULL:
		return false;
	case KP_SEQ:
	case KP_MAP:
		return kp_value_len(v) > 0;
	default:
		return true;
	}
}

/* validate.<key> and the action that runs it (NULL: not yet), in the
 * order their presence is checked. */
static const struct {
	const char *key, *feature;
	const kp_action_ops *ops;
} validate_actions[] = {
	{"deny", "validate.deny", &kp_action_deny},
	{"foreach", "validate.foreach", &kp_action_foreach},
	{"cel", "validate.cel", &kp_action_cel},
	{"podSecurity", "validate.podSecurity", &kp_action_pod_security},
	{"manifests", "validate.manifests", NULL},
	{"assert", "validate.assert", NULL},
};

/* Parts of the common rule kpolicy does not evaluate yet, and the rule
 * types other than validate (the last three). */
static const char *const rule_features[] = {
	"celPreconditions", "imageExtractors",
	"mutate", "generate", "verifyImages",
};
#define N_OTHER_TYPES 3

const kp_action_ops *kp_action_find(const kp_value *rule, const char **unsupported)
{
	size_t n_features = sizeof rule_features / sizeof *rule_features;
	const kp_value *val = kp_value_get(rule, "validate");
	*unsupported = NULL;
	if (kp_value_type(val) != KP_MAP) {
		for (size_t i = n_features - N_OTHER_TYPES; i < n_features; i++)
			if (kp_value_get(rule, rule_features[i]))
				return *unsupported = rule_features[i], NULL;
		return *unsupported = "rule without validate", NULL;
	}
	const kp_action_ops *ops = NULL;
	for (size_t i = 0; i < sizeof validate_actions / sizeof *validate_actions; i++)
		/* `deny: {}` counts: empty conditions hold, the rule always fails */
		if (i == 0 ? kp_value_type(kp_value_get(val, "deny")) == KP_MAP
			   : given(kp_value_get(val, validate_actions[i].key))) {
			ops = validate_actions[i].ops;
			if (!ops)
				return *unsupported = validate_actions[i].feature, NULL;
			break;
		}
	for (size_t i = 0; i < n_features; i++)
		/* validate.cel runs its own celPreconditions (action_cel.c) */
		if (given(kp_value_get(rule, rule_features[i])) &&
		    !(i == 0 && ops == &kp_action_cel))
			return *unsupported = rule_features[i], NULL;
	if (ops)
		return ops;
	if (kp_value_type(kp_value_get(val, "pattern")) != KP_NULL)
		return &kp_action_pattern;
	if (kp_value_type(kp_value_get(val, "anyPattern")) != KP_NULL)
		return &kp_action_any_pattern;
	return *unsupported = "validate without pattern", NULL;
}
