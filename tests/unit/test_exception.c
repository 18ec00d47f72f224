/* Unit tests: PolicyExceptions (engine/policy/exception.c) through the
 * public API: loading, binding by policy key and rule wildcard, match
 * blocks, conditions in the rule context, and the rows Kyverno gives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kpolicy.h"

static kp_doc *doc_of(const char *yaml)
{
	kp_error err;
	kp_reader *r = kp_reader_open_mem("t.yaml", yaml, strlen(yaml), NULL, &err);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	kp_reader_close(r);
	return d;
}

static void add_policy(kp_policy_set *ps, const char *yaml)
{
	kp_error err;
	kp_doc *d = doc_of(yaml);
	cr_assert_eq(kp_policy_set_add(ps, d, &err), 1, "%s", err.msg);
	kp_doc_free(d);
}

static int add_exception(kp_policy_set *ps, const char *yaml, kp_error *err)
{
	kp_doc *d = doc_of(yaml);
	int rc = kp_policy_set_add_exception(ps, d, err);
	kp_doc_free(d);
	return rc;
}

typedef struct rows {
	char text[8][512];
	size_t n;
} rows;

static void on_row(void *ud, const kp_result *r)
{
	rows *o = ud;
	if (o->n < 8)
		snprintf(o->text[o->n++], sizeof o->text[0], "%s %s %s: %s", r->policy, r->rule,
			 kp_status_name(r->status), r->message ? r->message : "");
}

static rows eval(kp_policy_set *ps, const char *resource)
{
	rows o = {.n = 0};
	kp_error err;
	kp_doc *d = doc_of(resource);
	kp_doc_normalize_resource(d);
	kp_policy_set_seal(ps);
	cr_assert_geq(kp_evaluate(NULL, ps, d, NULL, on_row, &o, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	return o;
}

#define POLICY \
	"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: need-team}\n" \
	"spec:\n  rules:\n  - name: team\n    match: {any: [{resources: {kinds: [Pod]}}]}\n" \
	"    validate:\n      message: team label\n" \
	"      pattern: {metadata: {labels: {team: \"?*\"}}}\n"

#define POD(ns, name, labels) \
	"apiVersion: v1\nkind: Pod\nmetadata: {name: " name ", namespace: " ns \
	", labels: {" labels "}}\nspec: {containers: [{name: c, image: nginx}]}\n"

#define EXC(meta, spec) \
	"apiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata: " meta "\nspec:\n" spec

Test(exception, matching_exception_skips_with_kyverno_message)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, POLICY);
	cr_assert_eq(add_exception(ps, EXC("{name: e1, namespace: exc}",
		"  exceptions: [{policyName: need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Pod], namespaces: [dev*]}}]}\n"), &err), 1, "%s", err.msg);
	cr_assert_eq(kp_policy_set_exception_count(ps), 1);
	rows o = eval(ps, POD("dev1", "p", "a: b"));
	cr_assert_eq(o.n, 1);
	/* no space before the key, as Kyverno writes it */
	cr_assert_str_eq(o.text[0], "need-team team skip: rule is skipped due to policy exceptionsexc/e1");
	o = eval(ps, POD("prod", "p", "a: b"));
	cr_assert_eq(o.n, 1);
	cr_assert(strstr(o.text[0], "need-team team fail:"), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, keys_of_every_match_are_joined)
{
	const char *spec = "  exceptions: [{policyName: need-team, ruleNames: [\"t*\"]}]\n"
			   "  match: {all: [{resources: {kinds: [Pod]}}]}\n";
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, POLICY);
	char buf[1024];
	snprintf(buf, sizeof buf, EXC("{name: b}", "%s"), spec);
	cr_assert_eq(add_exception(ps, buf, &err), 1, "%s", err.msg);
	snprintf(buf, sizeof buf, EXC("{name: a, namespace: x}", "%s"), spec);
	cr_assert_eq(add_exception(ps, buf, &err), 1, "%s", err.msg);
	rows o = eval(ps, POD("default", "p", "a: b"));
	cr_assert_eq(o.n, 1);
	cr_assert_str_eq(o.text[0], "need-team team skip: rule is skipped due to policy exceptionsb, x/a");
	kp_policy_set_free(ps);
}

Test(exception, autogen_rules_need_their_own_names)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, POLICY);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Deployment]}}]}\n"), &err), 1, "%s", err.msg);
	rows o = eval(ps,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: default}\n"
		"spec:\n  template:\n    metadata: {labels: {a: b}}\n"
		"    spec: {containers: [{name: c, image: nginx}]}\n");
	cr_assert_eq(o.n, 1);
	cr_assert(strstr(o.text[0], "autogen-team fail:"), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, policy_key_of_a_namespaced_policy)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps,
		"apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: need-team, namespace: default}\n"
		"spec:\n  rules:\n  - name: team\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"    validate:\n      pattern: {metadata: {labels: {team: \"?*\"}}}\n");
	cr_assert_eq(add_exception(ps, EXC("{name: plain}",
		"  exceptions: [{policyName: need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), 1, "%s", err.msg);
	rows o = eval(ps, POD("default", "p", "a: b"));
	cr_assert(strstr(o.text[0], " fail:"), "plain name does not name a Policy: %s", o.text[0]);
	kp_policy_set_free(ps);
	ps = kp_policy_set_new();
	add_policy(ps,
		"apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: need-team, namespace: default}\n"
		"spec:\n  rules:\n  - name: team\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"    validate:\n      pattern: {metadata: {labels: {team: \"?*\"}}}\n");
	cr_assert_eq(add_exception(ps, EXC("{name: keyed}",
		"  exceptions: [{policyName: default/need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), 1, "%s", err.msg);
	o = eval(ps, POD("default", "p", "a: b"));
	cr_assert(strstr(o.text[0], " skip: rule is skipped due to policy exceptionskeyed"), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, conditions_see_the_resource_and_errors_do_not_apply)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, POLICY);
	cr_assert_eq(add_exception(ps, EXC("{name: blue}",
		"  exceptions: [{policyName: need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"  conditions:\n    any: []\n    all:\n"
		"    - {key: \"{{ request.object.metadata.labels.color || '' }}\", operator: Equals, value: blue}\n"),
		&err), 1, "%s", err.msg);
	cr_assert_eq(add_exception(ps, EXC("{name: broken}",
		"  exceptions: [{policyName: need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"  conditions:\n    all:\n"
		"    - {key: \"{{ request.object.metadata.labels.missing }}\", operator: Equals, value: x}\n"),
		&err), 1, "%s", err.msg);
	rows o = eval(ps, POD("default", "p", "color: blue"));
	cr_assert_str_eq(o.text[0], "need-team team skip: rule is skipped due to policy exceptionsblue");
	o = eval(ps, POD("default", "p", "color: red"));
	cr_assert(strstr(o.text[0], " fail:"), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, preconditions_win_over_exceptions)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps,
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: need-team}\n"
		"spec:\n  rules:\n  - name: team\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"    preconditions:\n      all: [{key: \"{{ request.object.metadata.name }}\", operator: Equals, value: other}]\n"
		"    validate:\n      pattern: {metadata: {labels: {team: \"?*\"}}}\n");
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: need-team, ruleNames: [team]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), 1, "%s", err.msg);
	rows o = eval(ps, POD("default", "p", "a: b"));
	cr_assert(strstr(o.text[0], "skip: preconditions not met"), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, empty_match_never_matches)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, POLICY);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: need-team, ruleNames: [\"*\"]}]\n"
		"  match: {any: []}\n"), &err), 1, "%s", err.msg);
	rows o = eval(ps, POD("default", "p", "a: b"));
	cr_assert(strstr(o.text[0], " fail:"), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, load_errors_and_other_kinds)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_exception(ps, POLICY, &err), 0);
	cr_assert_eq(err.code, KP_W_NOTPOLICY);
	cr_assert(strstr(err.msg, "policy exception type not supported"), "%s", err.msg);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: p, ruleNames: [r]}]\n"
		"  match: {resources: {kinds: [Pod]}}\n"), &err), -1);
	cr_assert(strstr(err.msg, "unknown field \"resources\""), "%s", err.msg);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: p, ruleNames: [r]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"  conditions: {any: [{key: a, operator: In, value: [a]}]}\n"), &err), -1);
	/* the CRD schema's enum of v2 operators */
	cr_assert(strstr(err.msg, "Unsupported value: \"In\""), "%s", err.msg);
	cr_assert_eq(err.line, 7);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), -1);
	cr_assert(strstr(err.msg, "exceptions"), "%s", err.msg);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: p, ruleNames: [r]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"  podSecurity: [{controlName: Nope}]\n"), &err), -1);
	cr_assert(strstr(err.msg, "Unsupported value: \"Nope\""), "%s", err.msg);
	cr_assert_eq(kp_policy_set_exception_count(ps), 0);
	kp_policy_set_seal(ps);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: p, ruleNames: [r]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), -1);
	cr_assert_eq(err.code, KP_E_USAGE);
	kp_policy_set_free(ps);
	/* without the schema check (kp_policy_set_strict false) kpolicy's own
	 * checks still refuse what it cannot evaluate */
	ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  exceptions: [{policyName: p, ruleNames: [r]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"  conditions: {any: [{key: a, operator: In, value: [a]}]}\n"), &err), -1);
	cr_assert(strstr(err.msg, "unsupported operator \"In\""), "%s", err.msg);
	cr_assert_eq(add_exception(ps, EXC("{name: e}",
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), -1);
	cr_assert(strstr(err.msg, "spec.exceptions must be a non-empty list"), "%s", err.msg);
	kp_policy_set_free(ps);
}

#define PSS_POLICY \
	"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: psa}\n" \
	"spec:\n  rules:\n  - name: baseline\n    match: {any: [{resources: {kinds: [Pod]}}]}\n" \
	"    validate: {podSecurity: {level: baseline, version: latest}}\n"

#define HOSTPATH_POD(path) \
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n" \
	"spec:\n  containers: [{name: c, image: nginx}]\n" \
	"  volumes: [{name: v, hostPath: {path: " path "}}]\n"

Test(exception, pod_security_exclusions_clear_only_listed_values)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, PSS_POLICY);
	cr_assert_eq(add_exception(ps, EXC("{name: e, namespace: x}",
		"  exceptions: [{policyName: psa, ruleNames: [baseline]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"  podSecurity:\n  - controlName: HostPath Volumes\n"
		"    restrictedField: spec.volumes[*].hostPath\n    values: [/var/lib1]\n"), &err),
		1, "%s", err.msg);
	rows o = eval(ps, HOSTPATH_POD("/var/lib1"));
	cr_assert_str_eq(o.text[0], "psa baseline skip: rule is skipped due to policy exceptions x/e");
	o = eval(ps, HOSTPATH_POD("/etc"));
	cr_assert(strstr(o.text[0], "psa baseline fail: Validation rule 'baseline' failed."), "%s", o.text[0]);
	kp_policy_set_free(ps);
}

Test(exception, pod_security_exception_without_exclusions_skips_at_once)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	add_policy(ps, PSS_POLICY);
	cr_assert_eq(add_exception(ps, EXC("{name: all}",
		"  exceptions: [{policyName: psa, ruleNames: [baseline]}]\n"
		"  match: {any: [{resources: {kinds: [Pod]}}]}\n"), &err), 1, "%s", err.msg);
	rows o = eval(ps, HOSTPATH_POD("/etc"));
	cr_assert_str_eq(o.text[0], "psa baseline skip: rule is skipped due to policy exception all");
	kp_policy_set_free(ps);
}
