/* vap_shape.c - the field types of a ValidatingAdmissionPolicy and of its
 * binding (admissionregistration.k8s.io v1 ValidatingAdmissionPolicySpec,
 * ValidatingAdmissionPolicyBindingSpec, MatchResources, ParamRef).  The
 * Kyverno CLI decodes these documents into the typed Go structs, so a
 * field of the wrong type (`validations: "..."`, `apiGroups: apps`,
 * `paramRef: name`) makes the file unusable; without this check kpolicy
 * read such a field as absent and matched everything or nothing.  No
 * schema of Kyverno's CRDs covers these built-in kinds. */
#include "policy/vap.h"

#include <string.h>

typedef struct shape {
	const char *key;
	char type;                   /* 'm' map of sub, 'l' list of sub[0],
	                                's' string, 'S' list of strings */
	const struct shape *sub;
} shape;

static const shape str_fields[] = {{NULL, 's', NULL}};
static const shape rule[] = {
	{"apiGroups", 'S', NULL},   {"apiVersions", 'S', NULL}, {"resources", 'S', NULL},
	{"operations", 'S', NULL},  {"resourceNames", 'S', NULL}, {"scope", 's', NULL},
	{NULL, 0, NULL},
};
static const shape rule_map[] = {{NULL, 'm', rule}};
static const shape match_resources[] = {
	{"namespaceSelector", 'm', NULL}, {"objectSelector", 'm', NULL},
	{"resourceRules", 'l', rule_map}, {"excludeResourceRules", 'l', rule_map},
	{"matchPolicy", 's', NULL},       {NULL, 0, NULL},
};
static const shape named_expr[] = {
	{"name", 's', NULL}, {"expression", 's', NULL}, {NULL, 0, NULL},
};
static const shape named_expr_map[] = {{NULL, 'm', named_expr}};
static const shape validation[] = {
	{"expression", 's', NULL}, {"message", 's', NULL}, {"messageExpression", 's', NULL},
	{"reason", 's', NULL},     {NULL, 0, NULL},
};
static const shape validation_map[] = {{NULL, 'm', validation}};
static const shape audit_annotation[] = {
	{"key", 's', NULL}, {"valueExpression", 's', NULL}, {NULL, 0, NULL},
};
static const shape audit_annotation_map[] = {{NULL, 'm', audit_annotation}};
static const shape param_kind[] = {
	{"apiVersion", 's', NULL}, {"kind", 's', NULL}, {NULL, 0, NULL},
};
static const shape vap_spec[] = {
	{"paramKind", 'm', param_kind},
	{"matchConstraints", 'm', match_resources},
	{"validations", 'l', validation_map},
	{"failurePolicy", 's', NULL},
	{"auditAnnotations", 'l', audit_annotation_map},
	{"matchConditions", 'l', named_expr_map},
	{"variables", 'l', named_expr_map},
	{NULL, 0, NULL},
};
static const shape param_ref[] = {
	{"name", 's', NULL},     {"namespace", 's', NULL}, {"selector", 'm', NULL},
	{"parameterNotFoundAction", 's', NULL}, {NULL, 0, NULL},
};
static const shape binding_spec[] = {
	{"policyName", 's', NULL},       {"paramRef", 'm', param_ref},
	{"matchResources", 'm', match_resources}, {"validationActions", 'S', NULL},
	{NULL, 0, NULL},
};

static int check(kp_arena *a, const kp_value *v, const shape *s, const char *path, kp_error *err)
{
	/* null is an absent field to Go's decoder */
	if (kp_value_type(v) == KP_NULL)
		return 0;
	switch (s->type) {
	case 's':
		if (kp_value_type(v) != KP_STRING)
			return kp_error_at(err, KP_E_POLICY, v, path, "expected a string");
		return 0;
	case 'S':
		if (kp_value_type(v) != KP_SEQ)
			return kp_error_at(err, KP_E_POLICY, v, path, "expected a list of strings");
		for (size_t i = 0; i < kp_value_len(v); i++)
			if (check(a, kp_value_at(v, i), str_fields, kp_arena_printf(a, "%s/%zu", path, i),
				  err))
				return -1;
		return 0;
	case 'l':
		if (kp_value_type(v) != KP_SEQ)
			return kp_error_at(err, KP_E_POLICY, v, path, "expected a list");
		for (size_t i = 0; i < kp_value_len(v); i++)
			if (check(a, kp_value_at(v, i), s->sub, kp_arena_printf(a, "%s/%zu", path, i), err))
				return -1;
		return 0;
	default:
		if (kp_value_type(v) != KP_MAP)
			return kp_error_at(err, KP_E_POLICY, v, path, "expected a mapping");
		for (const shape *f = s->sub; f && f->key; f++)
			if (check(a, kp_value_get(v, f->key), f,
				  kp_arena_printf(a, "%s/%s", path, f->key), err))
				return -1;
		return 0;
	}
}

int kp_vap_shape_check(kp_arena *a, const kp_value *spec, bool binding, kp_error *err)
{
	const shape top = {"spec", 'm', binding ? binding_spec : vap_spec};
	return check(a, spec, &top, "/spec", err);
}
