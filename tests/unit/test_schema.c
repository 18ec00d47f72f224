/* Unit tests: strict policy checking (engine/schema/ tables and validator,
 * kp_policy_check). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "schema/schema.h"

typedef struct {
	int n;
	kp_check_level level[16];
	kp_error e[16];
} problems;

static void collect(void *ud, kp_check_level level, const kp_error *e)
{
	problems *p = ud;
	if (p->n < 16) {
		p->level[p->n] = level;
		p->e[p->n] = *e;
	}
	p->n++;
}

/* Check one YAML document; returns the worst level. */
static kp_check_level check_yaml(const char *y, problems *p)
{
	memset(p, 0, sizeof *p);
	kp_reader *r = kp_reader_open_mem("p.yaml", y, strlen(y), NULL, NULL);
	cr_assert(r);
	kp_doc *d = NULL;
	kp_error e;
	cr_assert_eq(kp_reader_next(r, &d, &e), 1, "%s", e.msg);
	kp_check_level l = kp_policy_check(d, collect, p);
	kp_doc_free(d);
	kp_reader_close(r);
	return l;
}

#define CP "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n"
#define RULE "  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"

Test(schema, every_kyverno_policy_kind_has_a_schema)
{
	const char *av[][2] = {
		{"kyverno.io/v1", "ClusterPolicy"}, {"kyverno.io/v2beta1", "Policy"},
		{"kyverno.io/v2", "PolicyException"}, {"kyverno.io/v2", "ClusterCleanupPolicy"},
		{"policies.kyverno.io/v1alpha1", "ValidatingPolicy"},
		{"policies.kyverno.io/v1beta1", "NamespacedValidatingPolicy"},
		{"policies.kyverno.io/v1", "MutatingPolicy"},
		{"policies.kyverno.io/v1", "ImageValidatingPolicy"},
		{"policies.kyverno.io/v1", "GeneratingPolicy"},
		{"policies.kyverno.io/v1", "DeletingPolicy"},
	};
	for (size_t i = 0; i < sizeof av / sizeof *av; i++)
		cr_assert(kp_schema_find(av[i][0], av[i][1]), "%s %s", av[i][0], av[i][1]);
	cr_assert_null(kp_schema_find("kyverno.io/v9", "ClusterPolicy"));
	cr_assert_null(kp_schema_find("v1", "Pod"));
	cr_assert_null(kp_schema_find("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"));
	cr_assert(kp_schema_find("kyverno.io/v1", "Policy")->namespaced);
	cr_assert_not(kp_schema_find("kyverno.io/v1", "ClusterPolicy")->namespaced);
}

Test(schema, a_valid_policy_is_clean)
{
	problems p;
	cr_assert_eq(check_yaml(CP "  validationFailureAction: Enforce\n  background: false\n  rules:\n" RULE
				"    validate: {message: m, pattern: {spec: {x: '?*'}}}\n", &p),
		     KP_CHECK_CLEAN);
	cr_assert_eq(p.n, 0);
}

Test(schema, unknown_field_aborts_at_the_key)
{
	problems p;
	cr_assert_eq(check_yaml(CP "  rules:\n" RULE "    validate:\n      pattren: {a: b}\n", &p),
		     KP_CHECK_ABORT);
	cr_assert_eq(p.n, 1);
	cr_assert_eq(p.level[0], KP_CHECK_ABORT);
	cr_assert_eq(p.e[0].line, 9);
	cr_assert_eq(p.e[0].col, 7);
	cr_assert_str_eq(p.e[0].path, "/spec/rules/0/validate/pattren");
	cr_assert_str_eq(p.e[0].file, "p.yaml");
	cr_assert(strstr(p.e[0].msg, "unknown field \"pattren\""));
}

Test(schema, types_enums_and_int32)
{
	problems p;
	cr_assert_eq(check_yaml(CP "  background: 1\n  validationFailureAction: enforced\n"
				"  webhookTimeoutSeconds: 4294967296\n  rules:\n" RULE, &p),
		     KP_CHECK_DROP);
	cr_assert_eq(p.n, 3);
	cr_assert_str_eq(p.e[0].path, "/spec/background");
	cr_assert(strstr(p.e[0].msg, "must be of type boolean, not integer"));
	cr_assert_str_eq(p.e[1].path, "/spec/validationFailureAction");
	cr_assert(strstr(p.e[1].msg, "Unsupported value: \"enforced\""));
	cr_assert_eq(p.e[1].line, 6);
	cr_assert_str_eq(p.e[2].path, "/spec/webhookTimeoutSeconds");
	cr_assert(strstr(p.e[2].msg, "int32"));
}

Test(schema, required_fields)
{
	problems p;
	/* a rule without name; a PolicyException exception without policyName */
	cr_assert_eq(check_yaml(CP "  rules:\n  - match: {any: [{resources: {kinds: [Pod]}}]}\n", &p),
		     KP_CHECK_DROP);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.e[0].path, "/spec/rules/0");
	cr_assert(strstr(p.e[0].msg, "missing field \"name\""));
}

Test(schema, not_required_pairs)
{
	problems p;
	/* match.any[].resources: name and names together are forbidden */
	cr_assert_eq(check_yaml(CP "  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod], name: a, names: [b]}}]}\n", &p),
		     KP_CHECK_DROP);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.e[0].path, "/spec/rules/0/match/any/0/resources");
}

Test(schema, preserved_subtrees_are_not_checked)
{
	problems p;
	cr_assert_eq(check_yaml(CP "  rules:\n" RULE
				"    validate: {pattern: {anything: {goes: [1, {here: true}]}}}\n", &p),
		     KP_CHECK_CLEAN);
	/* null values are taken as absent */
	cr_assert_eq(check_yaml(CP "  background: null\n  rules:\n" RULE "    exclude: ~\n", &p),
		     KP_CHECK_CLEAN);
}

Test(schema, empty_rules_and_near_miss_kinds_are_suspect)
{
	problems p;
	cr_assert_eq(check_yaml(CP "  rules: []\n", &p), KP_CHECK_SUSPECT);
	cr_assert_eq(p.n, 1);
	cr_assert_eq(check_yaml(CP "  rules:\n  - name: r\n    match: {resources: {kinds: [apps/v1/Deploymnet, pod, Widget, '*', 'Pod/exec']}}\n", &p),
		     KP_CHECK_SUSPECT);
	cr_assert_eq(p.n, 3);
	cr_assert(strstr(p.e[0].msg, "did you mean \"Deployment\""));
	cr_assert_str_eq(p.e[0].path, "/spec/rules/0/match/resources/kinds/0");
	cr_assert(strstr(p.e[1].msg, "did you mean \"Pod\""));
	cr_assert_eq(p.level[2], KP_CHECK_WARN);
	cr_assert(strstr(p.e[2].msg, "\"Widget\""));
}

Test(schema, pod_security_control_names)
{
	problems p;
	/* rule 0: an unknown control name (the schema's enum, so the podSecurity
	 * validation is not run on it); rule 1: a pod-level control with images */
	cr_assert_eq(check_yaml(CP "  rules:\n" RULE
				"    validate:\n      podSecurity:\n        level: baseline\n        exclude:\n"
				"        - {controlName: Seccompp}\n"
				"  - name: r2\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
				"    validate:\n      podSecurity:\n        level: baseline\n        exclude:\n"
				"        - {controlName: Host Namespaces, images: [nginx]}\n", &p),
		     KP_CHECK_DROP);
	cr_assert_eq(p.n, 2);
	cr_assert_eq(p.level[0], KP_CHECK_DROP);
	cr_assert_str_eq(p.e[0].path, "/spec/rules/0/validate/podSecurity/exclude/0/controlName");
	cr_assert_eq(p.level[1], KP_CHECK_INVALID);
	cr_assert(strstr(p.e[1].msg, "must not be specified for the pod level control Host Namespaces"),
		  "%s", p.e[1].msg);
	cr_assert_str_eq(p.e[1].path, "/spec/rules/1/validate/podSecurity/exclude/0");
	cr_assert_eq(p.e[1].line, 19);
}

Test(schema, policy_set_add_refuses_what_kyverno_rejects)
{
	static const char y[] = CP "  rules:\n" RULE "    validate:\n      pattren: {a: b}\n";
	kp_reader *r = kp_reader_open_mem("p.yaml", y, sizeof y - 1, NULL, NULL);
	kp_doc *d;
	kp_error e;
	cr_assert_eq(kp_reader_next(r, &d, &e), 1);
	kp_policy_set *ps = kp_policy_set_new();
	cr_assert_eq(kp_policy_set_add(ps, d, &e), -1);
	cr_assert_eq(e.code, KP_E_POLICY);
	cr_assert_eq(e.line, 9);
	cr_assert_str_eq(e.path, "/spec/rules/0/validate/pattren");
	cr_assert_eq(kp_policy_set_count(ps), 0);
	kp_policy_set_free(ps);
	kp_doc_free(d);
	kp_reader_close(r);
}

Test(schema, known_kinds_table_is_sorted)
{
	for (size_t i = 1; i < kp_schema_n_known_kinds; i++)
		cr_assert_lt(strcmp(kp_schema_known_kinds[i - 1], kp_schema_known_kinds[i]), 0);
	cr_assert(kp_schema_kind_known("Pod"));
	cr_assert(kp_schema_kind_known("CronJob"));
	cr_assert_not(kp_schema_kind_known("Podd"));
}
