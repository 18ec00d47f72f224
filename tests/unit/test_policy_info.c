/* Unit tests: policy metadata for reports (policy_info.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "kpolicy.h"

static const kp_policy *load(kp_policy_set *ps, const char *yaml)
{
	kp_error err;
	kp_reader *r = kp_reader_open_mem("p.yaml", yaml, strlen(yaml), NULL, &err);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	cr_assert_eq(kp_policy_set_add(ps, d, &err), 1, "%s", err.msg);
	kp_doc_free(d);
	kp_reader_close(r);
	return kp_policy_set_at(ps, kp_policy_set_count(ps) - 1);
}

#define RULE(name, extra) \
	"  - name: " name "\n" \
	"    match: {any: [{resources: {kinds: [Pod]}}]}\n" \
	"    validate:\n" extra \
	"      message: m-" name "\n" \
	"      pattern: {metadata: {name: \"?*\"}}\n"

Test(policy_info, annotations_kind_file_and_background)
{
	kp_policy_set *ps = kp_policy_set_new();
	const kp_policy *p = load(ps,
		"apiVersion: kyverno.io/v1\nkind: Policy\nmetadata:\n  name: p\n  namespace: ns\n"
		"  annotations:\n    policies.kyverno.io/title: A title\n"
		"    policies.kyverno.io/severity: high\n    policies.kyverno.io/scored: 7\n"
		"spec:\n  background: false\n  rules:\n" RULE("r", ""));
	cr_assert_str_eq(kp_policy_annotation(p, "policies.kyverno.io/title"), "A title");
	cr_assert_str_eq(kp_policy_annotation(p, "policies.kyverno.io/severity"), "high");
	cr_assert_null(kp_policy_annotation(p, "policies.kyverno.io/category"));
	/* typed as an int by the loader: not a string annotation */
	cr_assert_null(kp_policy_annotation(p, "policies.kyverno.io/scored"));
	cr_assert_str_eq(kp_policy_kind(p), "Policy");
	cr_assert_str_eq(kp_policy_file(p), "p.yaml");
	cr_assert_eq(kp_policy_line(p), 1);
	cr_assert(!kp_policy_background(p));
	cr_assert_str_eq(kp_policy_rule_message(p, 0), "m-r");
	cr_assert_null(kp_policy_rule_message(p, 9));
	kp_policy_set_free(ps);
}

Test(policy_info, autogen_rules_name_their_base)
{
	kp_policy_set *ps = kp_policy_set_new();
	const kp_policy *p = load(ps,
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\n"
		"spec:\n  rules:\n" RULE("r", ""));
	cr_assert(kp_policy_background(p));
	cr_assert_eq(kp_policy_rule_count(p), 3);
	for (size_t i = 0; i < 3; i++)
		cr_assert_str_eq(kp_policy_rule_base(p, i), "r", "rule %s",
				 kp_policy_rule_name(p, i));
	cr_assert_str_eq(kp_policy_rule_name(p, 1), "autogen-r");
	kp_policy_set_free(ps);
}

Test(policy_info, audit_follows_kyverno_failure_action)
{
	kp_policy_set *ps = kp_policy_set_new();
	/* the Bogus override below is outside Kyverno's enum: not strict here */
	kp_policy_set_strict(ps, false);
	/* no action anywhere: Audit (the CRD default) */
	const kp_policy *p = load(ps,
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: a}\n"
		"spec:\n  rules:\n" RULE("r", ""));
	cr_assert(kp_policy_audit(p, "default"));
	/* spec-level Enforce, with an override back to Audit for team-* */
	p = load(ps,
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: b}\n"
		"spec:\n  validationFailureAction: enforce\n"
		"  validationFailureActionOverrides:\n"
		"  - {action: Audit, namespaces: [\"team-*\"]}\n"
		"  - {action: Bogus, namespaces: [\"*\"]}\n"
		"  rules:\n" RULE("r", ""));
	cr_assert(!kp_policy_audit(p, "default"));
	cr_assert(kp_policy_audit(p, "team-a"));
	/* the first rule with its own action decides over the spec */
	p = load(ps,
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: c}\n"
		"spec:\n  validationFailureAction: Audit\n  rules:\n"
		RULE("plain", "")
		RULE("enforced", "      failureAction: Enforce\n")
		RULE("audited", "      failureAction: Audit\n"));
	cr_assert(!kp_policy_audit(p, "default"));
	/* a rule override naming the namespace wins over the rule's action;
	 * one with a namespaceSelector is not matched (no namespace labels) */
	p = load(ps,
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: d}\n"
		"spec:\n  rules:\n"
		RULE("r", "      failureAction: Enforce\n      failureActionOverrides:\n"
			  "      - {action: Audit, namespaces: [dev], namespaceSelector: {}}\n"
			  "      - {action: Audit, namespaces: [test]}\n"));
	cr_assert(!kp_policy_audit(p, "dev"));
	cr_assert(kp_policy_audit(p, "test"));
	cr_assert(!kp_policy_audit(p, "prod"));
	kp_policy_set_free(ps);
}
