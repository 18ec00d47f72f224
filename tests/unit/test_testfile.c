/* Unit tests: kyverno-test.yaml parsing (both schemas), the -t selector
 * and checking result rows against synthetic engine outcomes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli/test_check.h"

static kpc_testfile *parse(const char *yaml)
{
	kp_error e;
	kpc_testfile *t = kpc_testfile_parse("suite/kyverno-test.yaml", yaml, strlen(yaml), &e);
	cr_assert_not_null(t, "parse failed: %s", e.msg);
	return t;
}

static kp_error parse_error(const char *yaml)
{
	kp_error e;
	kp_error_clear(&e);
	kpc_testfile *t = kpc_testfile_parse("suite/kyverno-test.yaml", yaml, strlen(yaml), &e);
	cr_assert_null(t);
	return e;
}

Test(testfile, current_schema)
{
	kpc_testfile *t = parse(
		"apiVersion: cli.kyverno.io/v1alpha1\n"
		"kind: Test\n"
		"metadata: {name: restrict-seccomp}\n"
		"policies: [../restrict-seccomp.yaml]\n"
		"resources: [resource.yaml, /abs/r.yaml]\n"
		"variables: values.yaml\n"
		"userinfo: user.yaml\n"
		"results:\n"
		"- policy: restrict-seccomp\n"
		"  rule: check-seccomp\n"
		"  kind: Pod\n"
		"  resources: [badpod01, ns1/badpod02]\n"
		"  result: fail\n"
		"- policy: ns2/pol\n"
		"  resourceSpecs: [{group: apps, version: v1, kind: Deployment, namespace: x, name: d}]\n"
		"  result: skip\n"
		"  operation: DELETE\n");
	cr_assert_not(t->old_schema);
	cr_assert_str_eq(t->name, "restrict-seccomp");
	cr_assert_str_eq(t->dir, "suite");
	cr_assert_eq(t->n_policies, 1);
	cr_assert_str_eq(t->policies[0], "suite/../restrict-seccomp.yaml");
	cr_assert_eq(t->n_resources, 2);
	cr_assert_str_eq(t->resources[1], "/abs/r.yaml");
	cr_assert_str_eq(t->variables, "suite/values.yaml");
	cr_assert_str_eq(t->userinfo, "suite/user.yaml");
	cr_assert_null(t->unsupported);
	cr_assert_eq(t->n_results, 2);
	const kpc_test_result *r = &t->results[0];
	cr_assert_str_eq(r->policy, "restrict-seccomp");
	cr_assert_str_eq(r->rule, "check-seccomp");
	cr_assert_eq(r->expected, KP_STATUS_FAIL);
	cr_assert_eq(r->line, 9);
	cr_assert_eq(r->col, 3);
	cr_assert_eq(r->n_refs, 2);
	cr_assert_str_eq(r->refs[0].name, "badpod01");
	cr_assert_null(r->refs[0].namespace);
	cr_assert_str_eq(r->refs[0].kind, "Pod");
	cr_assert_str_eq(r->refs[1].namespace, "ns1");
	cr_assert_str_eq(r->refs[1].name, "badpod02");
	cr_assert_str_eq(r->refs[1].text, "ns1/badpod02");
	r = &t->results[1];
	cr_assert_null(r->rule);
	cr_assert_eq(r->expected, KP_STATUS_SKIP);
	cr_assert_str_eq(r->operation, "DELETE");
	cr_assert_eq(r->n_refs, 1);
	cr_assert_str_eq(r->refs[0].api_version, "apps/v1");
	cr_assert_str_eq(r->refs[0].kind, "Deployment");
	cr_assert_str_eq(r->refs[0].text, "x/d");
	kpc_testfile_free(t);
}

Test(testfile, old_schema)
{
	kpc_testfile *t = parse(
		"name: old-suite\n"
		"policies: [p.yaml]\n"
		"resources: [r.yaml]\n"
		"results:\n"
		"- policy: p\n"
		"  rule: r\n"
		"  resource: pod1\n"
		"  kind: Pod\n"
		"  namespace: team\n"
		"  status: pass\n"
		"- policy: p\n"
		"  rule: r\n"
		"  resource: pod2\n"
		"  status: warn\n");
	cr_assert(t->old_schema);
	cr_assert_str_eq(t->name, "old-suite");
	cr_assert_eq(t->n_results, 2);
	cr_assert_eq(t->results[0].expected, KP_STATUS_PASS);
	cr_assert_eq(t->results[0].n_refs, 1);
	cr_assert_str_eq(t->results[0].refs[0].name, "pod1");
	cr_assert_str_eq(t->results[0].refs[0].namespace, "team");
	cr_assert_eq(t->results[1].expected, KP_STATUS_WARN);
	cr_assert_null(t->results[1].refs[0].namespace);
	cr_assert_null(t->results[1].refs[0].kind);
	kpc_testfile_free(t);
}

Test(testfile, old_schema_when_apiversion_missing_but_name_absent)
{
	kpc_testfile *t = parse("policies: [p.yaml]\nresults: []\n");
	cr_assert(t->old_schema);
	cr_assert_str_eq(t->name, "");
	cr_assert_eq(t->n_results, 0);
	kpc_testfile_free(t);
}

Test(testfile, unsupported_inputs_and_rows)
{
	kpc_testfile *t = parse(
		"apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: x}\n"
		"policies: [p.yaml]\nresources: [r.yaml]\n"
		"results:\n"
		"- {policy: p, rule: r, resources: [a], result: pass, patchedResources: pr.yaml}\n"
		"- {policy: v, resources: [a], result: fail, isMutatingPolicy: true}\n"
		"- {policy: v, resources: [a], result: fail, isMutatingPolicy: false}\n"
		"- {policy: v, resources: [a], result: fail, isMUtatingPolicy: true}\n");
	cr_assert_null(t->unsupported);
	cr_assert_str_eq(t->results[0].unsupported, "patchedResources");
	cr_assert_str_eq(t->results[1].unsupported, "kind MutatingPolicy");
	cr_assert_null(t->results[2].unsupported);
	cr_assert_str_eq(t->results[3].unsupported, "kind MutatingPolicy");  /* upstream misspelling */
	kpc_testfile_free(t);
	t = parse("apiVersion: v1\nkind: Test\npolicies: [p.yaml]\nexceptions: [e.yaml]\n"
		  "results: [{policy: p, resources: [a], result: pass}]\n");
	cr_assert_null(t->unsupported);
	cr_assert_eq(t->n_exceptions, 1);
	cr_assert(strstr(t->exceptions[0], "e.yaml"));
	kpc_testfile_free(t);
	t = parse("apiVersion: v1\nkind: Test\npolicies: [p.yaml]\ntargetResources: [t.yaml]\n"
		  "results: [{policy: p, resources: [a], result: pass}]\n");
	cr_assert_str_eq(t->unsupported, "targetResources");
	kpc_testfile_free(t);
	/* the context file (kind Context) feeds the CEL libraries */
	t = parse("apiVersion: v1\nkind: Test\npolicies: [p.yaml]\ncontext: ctx.yaml\n"
		  "results: [{policy: p, resources: [a], result: pass}]\n");
	cr_assert_null(t->unsupported);
	cr_assert_str_eq(t->context, "suite/ctx.yaml");
	kpc_testfile_free(t);
}

Test(testfile, errors_carry_positions)
{
	kp_error e = parse_error("apiVersion: v1\nkind: Test\npolicies: [p.yaml]\n"
				 "results:\n- policy: p\n  result: passed\n");
	cr_assert_eq(e.code, KP_E_DOC);
	cr_assert_eq(e.line, 6);
	cr_assert_eq(e.col, 11);
	cr_assert(strstr(e.msg, "passed"));
	e = parse_error("apiVersion: v1\nkind: Test\nresults: []\n");
	cr_assert(strstr(e.msg, "policies"));
	e = parse_error("apiVersion: v1\nkind: Test\npolicies: [https://x/p.yaml]\n");
	cr_assert(strstr(e.msg, "remote"));
	cr_assert_eq(e.line, 3);
	e = parse_error("apiVersion: v1\nkind: Test\npolicies: [p.yaml]\nresults:\n- result: pass\n");
	cr_assert(strstr(e.msg, "policy"));
	cr_assert_eq(e.line, 5);
}

Test(selector, parse_and_match)
{
	kpc_test_selector s;
	cr_assert_eq(kpc_test_selector_parse(&s, "policy=disallow-*,resource=bad*", NULL), 0);
	cr_assert(kpc_test_selector_match(&s, "disallow-latest-tag", "any", "badpod"));
	cr_assert(kpc_test_selector_match(&s, "disallow-latest-tag", NULL, "badpod"));
	cr_assert_not(kpc_test_selector_match(&s, "require-labels", "any", "badpod"));
	cr_assert_not(kpc_test_selector_match(&s, "disallow-x", "any", "goodpod"));
	kpc_test_selector_fini(&s);
	cr_assert_eq(kpc_test_selector_parse(&s, "rule=check", NULL), 0);
	cr_assert_not(kpc_test_selector_match(&s, "p", NULL, "x"), "a row without rule is not rule=check");
	kpc_test_selector_fini(&s);
	kp_error e;
	cr_assert_eq(kpc_test_selector_parse(&s, "kind=Pod", &e), -1);
	cr_assert_eq(e.code, KP_E_USAGE);
	cr_assert_eq(kpc_test_selector_parse(&s, "policy", &e), -1);
}

/* ---------------------------------------------------------------- checking */

Test(check, name_matching)
{
	cr_assert(kpc_test_rule_matches("r", "r"));
	cr_assert(kpc_test_rule_matches("r", "autogen-r"));
	cr_assert(kpc_test_rule_matches("r", "autogen-cronjob-r"));
	cr_assert(kpc_test_rule_matches("autogen-r", "autogen-r"));
	cr_assert_not(kpc_test_rule_matches("r", "autogen-rr"));
	cr_assert_not(kpc_test_rule_matches("r", "x-r"));
	cr_assert(kpc_test_rule_matches(NULL, "anything"));
	cr_assert(kpc_test_policy_matches("p", "p", NULL));
	cr_assert(kpc_test_policy_matches("p", "p", "team"));
	cr_assert(kpc_test_policy_matches("team/p", "p", "team"));
	cr_assert_not(kpc_test_policy_matches("team/p", "p", NULL));
	cr_assert_not(kpc_test_policy_matches("other/p", "p", "team"));
}

static const char suite[] =
	"apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: s}\n"
	"policies: [p.yaml]\nresources: [r.yaml]\n"
	"results:\n"
	"- {policy: cp, rule: r1, kind: Pod, resources: [p1, default/p1, other/p1], result: pass}\n"  /* cases 1-3 */
	"- {policy: cp, rule: r1, kind: Deployment, resources: [d1], result: pass}\n"                /* 4 */
	"- {policy: cp, rule: r2, kind: Pod, resources: [p1], result: skip}\n"                       /* 5 */
	"- {policy: cp, rule: r2, kind: Pod, resources: [p2], result: pass}\n"                       /* 6 */
	"- {policy: team/np, rule: n1, kind: Pod, resources: [p2], result: fail}\n"                  /* 7 */
	"- {policy: gone, rule: n1, kind: Pod, resources: [p2], result: pass}\n"                     /* 8 */
	"- {policy: vp, kind: Pod, resources: [p2], result: pass}\n"                                 /* 9 */
	"- {policy: cp, rule: r1, kind: Pod, resources: [p3], result: pass}\n"                       /* 10 */
	"- {policy: cp, rule: r1, kind: Pod, resources: [p1], result: skip, operation: DELETE}\n"    /* 11 */
	"- {policy: cp, rule: r1, resources: [p2], result: pass}\n"                                  /* 12 */
	"- {policy: cp, rule: r1, kind: Pod, resources: [p1], result: fail, generatedResource: g.yaml}\n"; /* 13 */

static const kpc_test_policy policies[] = {
	{"cp", NULL, NULL, false}, {"np", "team", NULL, false},
	{"vp", NULL, "unsupported: kind ValidatingPolicy", false},
};
static const kpc_test_outcome outcomes[] = {
	{"cp", NULL, "r1", KP_STATUS_PASS, "validation rule 'r1' passed.", false},        /* p1 CREATE */
	{"cp", NULL, "r2", KP_STATUS_FAIL, "validation error: x", false},
	{"cp", NULL, "autogen-r1", KP_STATUS_FAIL, "validation error: d", false},         /* d1 */
	{"np", "team", "n1", KP_STATUS_FAIL, "validation error: n", false},               /* p2 */
	{"cp", NULL, "r1", KP_STATUS_PASS, "unsupported: deny", true},
	{"cp", NULL, "r1", KP_STATUS_SKIP, "skipped on delete", false},                   /* p1 DELETE */
};
static const kpc_test_subject subjects[] = {
	{"v1", "Pod", "p1", "default", "CREATE", NULL, 0, 2},
	{"apps/v1", "Deployment", "d1", "default", "CREATE", NULL, 2, 1},
	{"v1", "Pod", "p2", "team", "CREATE", NULL, 3, 2},
	{"v1", "Pod", "p3", "default", "CREATE", "policy evaluation failed", 5, 0},
	{"v1", "Pod", "p1", "default", "DELETE", NULL, 5, 1},
};

static void run_suite(kpc_test_rows *rows, bool strict)
{
	kpc_testfile *t = parse(suite);
	kpc_test_evidence ev = {policies, 3, subjects, 5, outcomes, 6};
	kpc_test_check_opts o = {.strict_excluded = strict, .default_operation = "CREATE"};
	kpc_test_check(t, &ev, &o, rows);
	kpc_testfile_free(t);
}

static const kpc_test_row *row_of_case(const kpc_test_rows *rows, size_t case_no)
{
	for (size_t i = 0; i < rows->n; i++)
		if (rows->v[i].case_no == case_no)
			return &rows->v[i];
	cr_assert_fail("no row for case %zu", case_no);
	return NULL;
}

Test(check, rows_as_kyverno_counts_them)
{
	kpc_test_rows rows = {0};
	run_suite(&rows, false);
	cr_assert_eq(rows.n, 13);
	for (size_t i = 0; i < rows.n; i++)
		cr_assert_eq(rows.v[i].id, i + 1);
	const kpc_test_row *r = row_of_case(&rows, 1);
	cr_assert_eq(r->state, KPC_ROW_MATCH);
	cr_assert_str_eq(r->reason, "Ok");
	cr_assert_str_eq(r->resource, "v1/Pod/default/p1");
	cr_assert_str_eq(r->actual, "pass");
	cr_assert_eq(row_of_case(&rows, 2)->state, KPC_ROW_MATCH);
	r = row_of_case(&rows, 3);                       /* other/p1: absent */
	cr_assert_eq(r->state, KPC_ROW_WRONG);
	cr_assert_str_eq(r->reason, "Not found");
	cr_assert_str_eq(r->resource, "Pod/other/p1");
	r = row_of_case(&rows, 4);                       /* autogen-r1 answers r1 */
	cr_assert_eq(r->state, KPC_ROW_WRONG);
	cr_assert_str_eq(r->reason, "Want pass, got fail");
	cr_assert_str_eq(r->message, "validation error: d");
	cr_assert_str_eq(r->resource, "apps/v1/Deployment/default/d1");
	r = row_of_case(&rows, 5);
	cr_assert_str_eq(r->reason, "Want skip, got fail");
	r = row_of_case(&rows, 6);                       /* r2 says nothing about p2 */
	cr_assert(r->excluded);
	cr_assert_eq(r->state, KPC_ROW_MATCH);
	cr_assert(r->skip_tally);
	cr_assert_str_eq(r->reason, "Excluded");
	r = row_of_case(&rows, 7);
	cr_assert_eq(r->state, KPC_ROW_MATCH);
	cr_assert_str_eq(r->resource, "v1/Pod/team/p2");
	r = row_of_case(&rows, 8);                       /* policy absent */
	cr_assert_str_eq(r->reason, "Not found");
	cr_assert_eq(r->state, KPC_ROW_WRONG);
	r = row_of_case(&rows, 9);
	cr_assert_eq(r->state, KPC_ROW_UNSUPPORTED);
	cr_assert_str_eq(r->reason, "unsupported: kind ValidatingPolicy");
	r = row_of_case(&rows, 10);
	cr_assert_eq(r->state, KPC_ROW_WRONG);
	cr_assert_str_eq(r->reason, "Resource error");
	cr_assert_str_eq(r->message, "policy evaluation failed");
	r = row_of_case(&rows, 11);                      /* evaluated as DELETE */
	cr_assert_eq(r->state, KPC_ROW_MATCH);
	cr_assert_str_eq(r->actual, "skip");
	cr_assert(r->skip_tally);
	r = row_of_case(&rows, 12);                      /* engine: unsupported rule */
	cr_assert_eq(r->state, KPC_ROW_UNSUPPORTED);
	cr_assert_str_eq(r->reason, "unsupported: deny");
	r = row_of_case(&rows, 13);
	cr_assert_eq(r->state, KPC_ROW_UNSUPPORTED);
	cr_assert_str_eq(r->reason, "unsupported: generatedResource");
	kpc_test_rows_fini(&rows);
}

Test(check, strict_excluded_fails_unless_skip_expected)
{
	kpc_test_rows rows = {0};
	run_suite(&rows, true);
	const kpc_test_row *r = row_of_case(&rows, 6);
	cr_assert(r->excluded);
	cr_assert_eq(r->state, KPC_ROW_WRONG);
	kpc_test_rows_fini(&rows);
}

Test(check, selector_and_load_error)
{
	kpc_testfile *t = parse(suite);
	kpc_test_selector sel;
	cr_assert_eq(kpc_test_selector_parse(&sel, "policy=cp,rule=r2", NULL), 0);
	kpc_test_evidence ev = {policies, 3, subjects, 5, outcomes, 6};
	kpc_test_check_opts o = {.default_operation = "CREATE", .selector = &sel};
	kpc_test_rows rows = {0};
	kpc_test_check(t, &ev, &o, &rows);
	cr_assert_eq(rows.n, 2);
	cr_assert_eq(rows.v[0].case_no, 5);
	cr_assert_eq(rows.v[0].id, 1);
	cr_assert_eq(rows.v[1].case_no, 6);
	kpc_test_rows_fini(&rows);
	kpc_test_selector_fini(&sel);

	kpc_test_evidence none = {0};
	kpc_test_check_opts lo = {.load_error = "p.yaml:3:1: bad"};
	kpc_test_check(t, &none, &lo, &rows);
	cr_assert_eq(rows.n, 13);
	cr_assert_str_eq(rows.v[0].reason, "Load error");
	cr_assert_str_eq(rows.v[0].message, "p.yaml:3:1: bad");
	cr_assert_eq(row_of_case(&rows, 13)->state, KPC_ROW_UNSUPPORTED);
	kpc_test_rows_fini(&rows);
	kpc_testfile_free(t);
}
