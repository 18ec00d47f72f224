/* Unit tests: the CEL PolicyException (policies.kyverno.io) for
 * ValidatingPolicy (engine/policy/exception_cel.c), and what the CEL
 * checker rejects at compile time as Kyverno does. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy_cel.h"
#include "doc_util.h"
#include "rows_util.h"

static const char *const vpol =
	"apiVersion: policies.kyverno.io/v1beta1\nkind: ValidatingPolicy\n"
	"metadata: {name: check-labels}\n"
	"spec:\n"
	"  matchConstraints:\n"
	"    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]\n"
	"  validations:\n"
	"  - expression: \"has(object.metadata.labels) && object.metadata.labels.env == 'prod'\"\n"
	"    message: env must be prod\n";

static const char *const deploy_ns =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: test-ns, labels: {env: dev}}\n"
	"spec: {}\n";

static const char *const deploy_default =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: default, labels: {env: dev}}\n"
	"spec: {}\n";

/* Load the policy (or NULL: vpol) and the exceptions, evaluate resource. */
static void run_with(const char *policy, const char *const *excs, size_t n, const char *resource,
		     rows *rs)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	kp_doc *pd = doc_of(policy ? policy : vpol);
	cr_assert_eq(kp_policy_set_add(ps, pd, &err), 1, "%s", err.msg);
	kp_doc_free(pd);
	for (size_t i = 0; i < n; i++) {
		kp_doc *xd = doc_of(excs[i]);
		cr_assert_eq(kp_policy_set_add_exception(ps, xd, &err), 1, "%s", err.msg);
		kp_doc_free(xd);
	}
	cr_assert_eq(kp_policy_set_exception_count(ps), n);
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(resource);
	kp_doc_normalize_resource(d);
	memset(rs, 0, sizeof *rs);
	cr_assert_geq(kp_evaluate(NULL, ps, d, NULL, collect, rs, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	kp_policy_set_free(ps);
}

#define EXC(version, name, meta_extra, refs, spec_extra)                                   \
	"apiVersion: policies.kyverno.io/" version "\nkind: PolicyException\n"               \
	"metadata: {name: " name meta_extra "}\n"                                         \
	"spec:\n  policyRefs: " refs "\n" spec_extra

#define IN_TEST_NS "  matchConditions:\n  - {name: ns, expression: \"object.metadata.namespace == 'test-ns'\"}\n"
#define REF "[{name: check-labels, kind: ValidatingPolicy}]"

Test(celexc, full_exception_skips_with_rule_exception)
{
	const char *x[] = {EXC("v1alpha1", "exclude-ns", "", REF, IN_TEST_NS)};
	rows rs;
	run_with(NULL, x, 1, deploy_ns, &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	cr_assert_str_eq(rs.rule[0], "exception");
	cr_assert_str_eq(rs.message[0], "rule is skipped due to policy exception: exclude-ns");
	/* conditions false: the policy runs */
	run_with(NULL, x, 1, deploy_default, &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "env must be prod");
}

Test(celexc, refs_need_name_and_kind)
{
	const char *wrong_kind[] = {EXC("v1beta1", "e", "", "[{name: check-labels, kind: MutatingPolicy}]",
					IN_TEST_NS)};
	rows rs;
	run_with(NULL, wrong_kind, 1, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	const char *wrong_name[] = {EXC("v1", "e", "", "[{name: other, kind: ValidatingPolicy}]", IN_TEST_NS)};
	run_with(NULL, wrong_name, 1, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
}

Test(celexc, no_conditions_matches_everything_and_keys_are_namespaced)
{
	const char *x[] = {EXC("v1", "a", ", namespace: kyverno", REF, ""),
			   EXC("v1", "b", "", REF, IN_TEST_NS)};
	rows rs;
	run_with(NULL, x, 2, deploy_ns, &rs);
	cr_assert_str_eq(rs.message[0], "rule is skipped due to policy exception: kyverno/a, b");
	run_with(NULL, x, 2, deploy_default, &rs);
	cr_assert_str_eq(rs.message[0], "rule is skipped due to policy exception: kyverno/a");
}

Test(celexc, report_result_pass_of_the_highest_priority)
{
	const char *x[] = {EXC("v1", "low", "", REF, ""),
			   EXC("v1", "high", ", labels: {polex.kyverno.io/priority: '5'}", REF,
			       "  reportResult: pass\n")};
	rows rs;
	run_with(NULL, x, 2, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
	cr_assert_str_eq(rs.rule[0], "exception");
	cr_assert_str_eq(rs.message[0], "rule is passed due to policy exception: low, high");
	/* without a priority the first decides */
	const char *y[] = {EXC("v1", "first", "", REF, ""), EXC("v1", "second", "", REF, "  reportResult: pass\n")};
	run_with(NULL, y, 2, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	cr_assert_str_eq(rs.message[0], "rule is skipped due to policy exception: first, second");
}

/* A partial exception (images / allowedValues) does not exempt: it fills
 * the `exceptions` variable. */
Test(celexc, partial_exception_fills_the_exceptions_variable)
{
	static const char *const pol =
		"apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: check-labels}\n"
		"spec:\n"
		"  matchConstraints:\n"
		"    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]\n"
		"  validations:\n"
		"  - expression: \"object.metadata.labels.env in exceptions.allowedValues\"\n"
		"    messageExpression: \"'allowed: ' + exceptions.allowedValues.join(',')\"\n";
	const char *x[] = {EXC("v1", "vals", "", REF, "  allowedValues: [prod, staging]\n")};
	rows rs;
	run_with(pol, x, 1, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.rule[0], "");
	cr_assert_str_eq(rs.message[0], "allowed: prod,staging");
	const char *y[] = {EXC("v1", "vals", "", REF, "  allowedValues: [dev]\n")};
	run_with(pol, y, 1, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
	/* none applies: empty lists */
	run_with(pol, NULL, 0, deploy_ns, &rs);
	cr_assert_str_eq(rs.message[0], "allowed: ");
}

Test(celexc, condition_error_is_an_evaluation_error_unless_exempted)
{
	const char *broken = EXC("v1", "broken", "", REF,
				 "  matchConditions:\n  - {name: x, expression: \"object.spec.missing == 1.0\"}\n");
	const char *x[] = {broken};
	rows rs;
	run_with(NULL, x, 1, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(rs.rule[0], "evaluation");
	cr_assert_str_eq(rs.message[0], "failed to load context: no such key: missing");
	/* after a full exemption a broken exception is passed over */
	const char *y[] = {EXC("v1", "ok", "", REF, ""), broken};
	run_with(NULL, y, 2, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	cr_assert_str_eq(rs.message[0], "rule is skipped due to policy exception: ok");
}

Test(celexc, exceptions_do_not_see_the_exceptions_variable)
{
	const char *x[] = {EXC("v1", "e", "", REF,
			       "  matchConditions:\n  - {name: x, expression: \"size(exceptions.allowedValues) == 0\"}\n")};
	rows rs;
	run_with(NULL, x, 1, deploy_ns, &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(rs.message[0], "failed to load context: no such attribute: exceptions");
}

Test(celexc, autogen_variants_share_the_exceptions)
{
	static const char *const pol =
		"apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: check-labels}\n"
		"spec:\n"
		"  matchConstraints:\n"
		"    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods]}]\n"
		"  validations: [{expression: 'false'}]\n";
	const char *x[] = {EXC("v1", "e", "", REF, IN_TEST_NS)};
	rows rs;
	run_with(pol, x, 1, deploy_ns, &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	cr_assert_str_eq(rs.rule[0], "exception");
}

Test(celexc, bad_condition_is_refused_at_its_place)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	kp_doc *xd = doc_of(EXC("v1", "e", "", REF,
				"  matchConditions:\n  - name: x\n    expression: \"object.metadata.name\"\n"));
	cr_assert_eq(kp_policy_set_add_exception(ps, xd, &err), -1);
	cr_assert_eq(err.line, 8, "%u %s", err.line, err.msg);
	cr_assert(strstr(err.msg, "must evaluate to bool but got dyn"), "%s", err.msg);
	kp_doc_free(xd);
	xd = doc_of(EXC("v1", "e", "", REF, "  matchConditions:\n  - name: x\n    expression: \"nope == 1\"\n"));
	cr_assert_eq(kp_policy_set_add_exception(ps, xd, &err), -1);
	cr_assert(strstr(err.msg, "undeclared reference to 'nope'"), "%s", err.msg);
	kp_doc_free(xd);
	cr_assert_eq(kp_policy_set_exception_count(ps), 0);
	kp_policy_set_free(ps);
}

Test(celexc, other_kinds_are_still_refused)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	kp_doc *xd = doc_of("apiVersion: policies.kyverno.io/v2\nkind: PolicyException\nmetadata: {name: e}\n"
			    "spec: {policyRefs: []}\n");
	cr_assert_eq(kp_policy_set_add_exception(ps, xd, &err), 0);
	kp_doc_free(xd);
	kp_policy_set_free(ps);
}
