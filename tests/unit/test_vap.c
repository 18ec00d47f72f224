/* Unit tests: ValidatingAdmissionPolicy and its bindings (engine/policy/
 * vap.c, vap_binding.c) and the shared matchConstraints matcher
 * (cel_match.c), as the Kyverno CLI runs them offline. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/vap.h"
#include "doc_util.h"
#include "rows_util.h"

typedef struct warned {
	int n;
	kp_error first;
} warned;

static void on_warn(void *ud, const kp_error *e)
{
	warned *w = ud;
	if (!w->n++)
		w->first = *e;
}

/* Every document of `yaml` into ps: policies and bindings, or (params)
 * parameter resources. */
static void add_all(kp_policy_set *ps, const char *yaml, bool params)
{
	kp_error err;
	kp_read_opts ro = {.raw = true};
	kp_reader *r = kp_reader_open_mem("vap.yaml", yaml, strlen(yaml), &ro, &err);
	cr_assert_not_null(r);
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &err)) == 1) {
		if (params)
			cr_assert_eq(kp_policy_set_add_param(ps, d, &err), 0, "%s", err.msg);
		else
			cr_assert_eq(kp_policy_set_add(ps, d, &err), 1, "%s", err.msg);
		kp_doc_free(d);
	}
	cr_assert_eq(rc, 0, "%s", err.msg);
	kp_reader_close(r);
}

typedef struct setup {
	const char *params;          /* parameter resources, or NULL */
	const char *values;          /* a values document, or NULL */
	const char *userinfo;        /* a UserInfo document, or NULL */
	const char *operation;
} setup;

static void run_with(const char *policies, const char *resource, const setup *s, rows *rs,
		     warned *w)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	warned local = {0};
	kp_policy_set_on_warning(ps, on_warn, w ? w : &local);
	add_all(ps, policies, false);
	if (s && s->params)
		add_all(ps, s->params, true);
	kp_policy_set_seal(ps);
	kp_error err;
	kp_doc *vd = s && s->values ? doc_of(s->values) : NULL;
	kp_doc *ud = s && s->userinfo ? doc_of(s->userinfo) : NULL;
	kp_values *vals = vd ? kp_values_from_value(kp_doc_root(vd), &err) : NULL;
	kp_userinfo *ui = ud ? kp_userinfo_from_value(kp_doc_root(ud), &err) : NULL;
	kp_eval_opts eo = {.operation = s ? s->operation : NULL, .values = vals, .userinfo = ui};
	kp_doc *d = doc_of(resource);
	kp_doc_normalize_resource(d);
	memset(rs, 0, sizeof *rs);
	cr_assert_geq(kp_evaluate(NULL, ps, d, &eo, collect, rs, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	kp_values_free(vals);
	kp_userinfo_free(ui);
	kp_doc_free(vd);
	kp_doc_free(ud);
	kp_policy_set_free(ps);
}

static void run(const char *policies, const char *resource, rows *rs)
{
	run_with(policies, resource, NULL, rs, NULL);
}

#define VAP_HEAD                                                                \
	"apiVersion: admissionregistration.k8s.io/v1\n"                         \
	"kind: ValidatingAdmissionPolicy\nmetadata: {name: replicas}\nspec:\n"
#define DEPLOY_RULES                                                            \
	"  matchConstraints:\n    resourceRules:\n"                             \
	"    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE],"  \
	" resources: [deployments]}\n"
#define MAX2 "  validations:\n  - expression: object.spec.replicas <= 2\n"
#define BINDING(name, body)                                                     \
	"---\napiVersion: admissionregistration.k8s.io/v1\n"                    \
	"kind: ValidatingAdmissionPolicyBinding\nmetadata: {name: " name "}\n"   \
	"spec:\n  policyName: replicas\n  validationActions: [Deny]\n" body

static const char *const max2 = VAP_HEAD DEPLOY_RULES MAX2;

static const char *deploy(char *buf, size_t n, const char *name, const char *ns, const char *app,
			  int replicas)
{
	snprintf(buf, n,
		 "apiVersion: apps/v1\nkind: Deployment\n"
		 "metadata: {name: %s, namespace: %s, labels: {app: %s}}\n"
		 "spec: {replicas: %d}\n", name, ns, app, replicas);
	return buf;
}

/* ---- no bindings: the policy's matchConstraints decide ---- */

Test(vap, constraints_without_bindings)
{
	char b[512];
	rows rs;
	run(max2, deploy(b, sizeof b, "web", "default", "nginx", 3), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	/* the rule of a VAP row is the policy's name */
	cr_assert_str_eq(rs.rule[0], "replicas");
	cr_assert_str_eq(rs.message[0], "failed expression: object.spec.replicas <= 2");
	run(max2, deploy(b, sizeof b, "web", "default", "nginx", 1), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
	cr_assert_str_eq(rs.message[0], "");
	/* not matched: no row at all */
	run(max2, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n", &rs);
	cr_assert_eq(rs.n, 0);
	/* no matchConstraints: every resource */
	run(VAP_HEAD "  validations:\n  - expression: \"object.kind == 'Pod'\"\n",
	    "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n", &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
}

/* ---- bindings: only their matchResources count ---- */

Test(vap, binding_object_selector)
{
	const char *pol = VAP_HEAD DEPLOY_RULES MAX2 BINDING("b", "  matchResources:\n    objectSelector: {matchLabels: {app: nginx}}\n");
	char b[512];
	rows rs;
	run(pol, deploy(b, sizeof b, "n", "default", "nginx", 4), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	run(pol, deploy(b, sizeof b, "x", "default", "busybox", 4), &rs);
	cr_assert_eq(rs.n, 0);
}

Test(vap, binding_ignores_policy_constraints)
{
	/* the policy matches Deployments only, its binding has no
	 * matchResources: a Pod is evaluated anyway (processVAPWithoutClient) */
	const char *pol = VAP_HEAD DEPLOY_RULES
		"  validations:\n  - expression: \"object.kind == 'Deployment'\"\n"
		BINDING("b", "");
	rows rs;
	run(pol, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n", &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
}

Test(vap, binding_resource_names_and_excludes)
{
	const char *names = VAP_HEAD DEPLOY_RULES MAX2 BINDING("b", "  matchResources:\n    resourceRules:\n"
			"    - {apiGroups: [apps], apiVersions: [v1], operations: ['*'],"
			" resources: [deployments], resourceNames: [web]}\n");
	const char *excl = VAP_HEAD DEPLOY_RULES MAX2 BINDING("b", "  matchResources:\n    excludeResourceRules:\n"
			"    - {apiGroups: [apps], apiVersions: [v1], operations: ['*'],"
			" resources: ['*'], resourceNames: [web]}\n");
	char b[512];
	rows rs;
	run(names, deploy(b, sizeof b, "web", "default", "a", 3), &rs);
	cr_assert_eq(rs.n, 1);
	run(names, deploy(b, sizeof b, "api", "default", "a", 3), &rs);
	cr_assert_eq(rs.n, 0);
	run(excl, deploy(b, sizeof b, "web", "default", "a", 3), &rs);
	cr_assert_eq(rs.n, 0);
	run(excl, deploy(b, sizeof b, "api", "default", "a", 3), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
}

Test(vap, binding_namespace_selector)
{
	const char *pol = VAP_HEAD DEPLOY_RULES MAX2 BINDING("b", "  matchResources:\n    namespaceSelector:\n      matchExpressions:\n"
			"      - {key: env, operator: In, values: [prod]}\n");
	setup s = {.values = "apiVersion: cli.kyverno.io/v1alpha1\nkind: Value\n"
			     "namespaceSelector:\n- {name: live, labels: {env: prod}}\n"
			     "- {name: lab, labels: {env: test}}\n"};
	char b[512];
	rows rs;
	run_with(pol, deploy(b, sizeof b, "d", "live", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 1);
	run_with(pol, deploy(b, sizeof b, "d", "lab", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 0);
	/* a namespace the values file does not list has no labels */
	run_with(pol, deploy(b, sizeof b, "d", "other", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 0);
}

Test(vap, last_applying_binding_decides)
{
	const char *pol = VAP_HEAD "  paramKind: {apiVersion: v1, kind: ConfigMap}\n" DEPLOY_RULES
		"  validations:\n  - expression: object.spec.replicas <= int(params.data.max)\n"
		BINDING("low", "  paramRef: {name: low}\n")
		BINDING("high", "  paramRef: {name: high}\n");
	setup s = {.params = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: low}\ndata: {max: '1'}\n"
			     "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: high}\n"
			     "data: {max: '5'}\n"};
	char b[512];
	rows rs;
	run_with(pol, deploy(b, sizeof b, "d", "default", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
}

/* ---- params ---- */

static const char *const with_params =
	VAP_HEAD "  paramKind: {apiVersion: v1, kind: ConfigMap}\n" DEPLOY_RULES
	"  validations:\n  - expression: object.spec.replicas <= int(params.data.max)\n"
	"    message: too many\n";

static const char *const limits =
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: limits, labels: {team: a}}\n"
	"data: {max: '2'}\n";

Test(vap, params_found)
{
	char pol[2048], b[512];
	snprintf(pol, sizeof pol, "%s%s", with_params, BINDING("b", "  paramRef: {name: limits}\n"));
	setup s = {.params = limits};
	rows rs;
	run_with(pol, deploy(b, sizeof b, "d", "default", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "too many");
	run_with(pol, deploy(b, sizeof b, "d", "default", "a", 2), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
}

/* Offline, the Kyverno CLI ignores parameterNotFoundAction: params is null
 * with Deny and Allow alike, so `params.data` is an evaluation error, and a
 * VAP's evaluation error is an `error` row. */
Test(vap, params_not_found_deny_and_allow)
{
	static const char *const actions[] = {"Deny", "Allow"};
	for (int i = 0; i < 2; i++) {
		char pol[2048], ref[256], b[512];
		snprintf(ref, sizeof ref, "  paramRef: {name: missing, parameterNotFoundAction: %s}\n",
			 actions[i]);
		snprintf(pol, sizeof pol, "%s" BINDING("b", "%s"), with_params, ref);
		setup s = {.params = limits};
		rows rs;
		run_with(pol, deploy(b, sizeof b, "d", "default", "a", 3), &s, &rs, NULL);
		cr_assert_eq(rs.n, 1);
		cr_assert_eq(rs.status[0], KP_STATUS_ERROR, "%s", actions[i]);
		cr_assert(strstr(rs.message[0], "expression 'object.spec.replicas <= int(params.data.max)'"
				 " resulted in error: "), "%s", rs.message[0]);
	}
}

Test(vap, params_by_selector_are_a_list)
{
	const char *pol = VAP_HEAD "  paramKind: {apiVersion: v1, kind: ConfigMap}\n" DEPLOY_RULES
		"  validations:\n  - expression: size(params.items) == 1 && "
		"params.items[0].metadata.name == 'limits'\n"
		BINDING("b", "  paramRef: {selector: {matchLabels: {team: a}}}\n");
	setup s = {.params = limits};
	char b[512];
	rows rs;
	run_with(pol, deploy(b, sizeof b, "d", "default", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	const kp_value *none = NULL;
	kp_vap_binding bd = {.has_param_ref = true, .param_name = "nope"};
	cr_assert_null(kp_vap_binding_params(&bd, &none, 0, NULL));
}

Test(vap, params_undeclared_without_param_kind)
{
	/* no paramKind: `params` is not declared, a compile error -> error */
	const char *pol = VAP_HEAD DEPLOY_RULES
		"  validations:\n  - expression: params == null\n";
	char b[512];
	rows rs;
	warned w = {0};
	run_with(pol, deploy(b, sizeof b, "d", "default", "a", 3), NULL, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert(!strncmp(rs.message[0], "compilation error: ", 19), "%s", rs.message[0]);
}

/* ---- namespaceObject, request ---- */

Test(vap, namespace_object)
{
	const char *pol = VAP_HEAD DEPLOY_RULES
		"  validations:\n  - expression: \"namespaceObject.metadata.name == 'live' && "
		"namespaceObject.metadata.labels.env == 'prod'\"\n";
	setup s = {.values = "apiVersion: cli.kyverno.io/v1alpha1\nkind: Value\n"
			     "namespaceSelector:\n- {name: live, labels: {env: prod}}\n"};
	char b[512];
	rows rs;
	run_with(pol, deploy(b, sizeof b, "d", "live", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	/* without labels the Namespace has none: a no-such-key error */
	run_with(pol, deploy(b, sizeof b, "d", "live", "a", 3), NULL, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	/* a cluster-scoped object: null */
	run(VAP_HEAD "  validations:\n  - expression: namespaceObject == null\n",
	    "apiVersion: v1\nkind: Namespace\nmetadata: {name: live}\n", &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
}

Test(vap, request_is_create_with_user_info)
{
	const char *pol = VAP_HEAD DEPLOY_RULES
		"  validations:\n  - expression: \"request.operation == 'CREATE' && "
		"request.userInfo.username == 'alice' && oldObject == null\"\n"
		"  - expression: has(request.userInfo.username)\n";
	setup s = {.operation = "UPDATE",
		   .userinfo = "apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\n"
			       "userInfo: {username: alice, groups: [dev]}\n"};
	char b[512];
	rows rs;
	run_with(pol, deploy(b, sizeof b, "d", "live", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	/* no user info: no username (omitempty) */
	run(VAP_HEAD DEPLOY_RULES "  validations:\n  - expression: has(request.userInfo.username)\n",
	    deploy(b, sizeof b, "d", "live", "a", 3), &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "failed expression: has(request.userInfo.username)");
}

/* ---- messages, match conditions, compile errors ---- */

Test(vap, message_expression)
{
	const char *pol = VAP_HEAD DEPLOY_RULES "  validations:\n"
		"  - expression: object.spec.replicas <= 2\n"
		"    messageExpression: \"'  replicas: ' + string(object.spec.replicas) + '  '\"\n"
		"    message: static\n";
	const char *nonstring = VAP_HEAD DEPLOY_RULES "  validations:\n"
		"  - expression: object.spec.replicas <= 2\n"
		"    messageExpression: \"object.metadata.missing\"\n"
		"    message: '  static  '\n";
	char b[512];
	rows rs;
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	/* trimmed; numbers reach CEL as double, as the CLI loads them */
	cr_assert_str_eq(rs.message[0], "replicas: 3");
	/* a messageExpression that errors: the trimmed message */
	run(nonstring, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_str_eq(rs.message[0], "static");
}

Test(vap, first_error_or_deny_decides)
{
	const char *pol = VAP_HEAD DEPLOY_RULES "  validations:\n"
		"  - expression: object.spec.missing == 1\n"
		"  - expression: object.spec.replicas <= 2\n";
	char b[512];
	rows rs;
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert(strstr(rs.message[0], "expression 'object.spec.missing == 1' resulted in error: "),
		  "%s", rs.message[0]);
}

Test(vap, match_conditions)
{
	const char *base = VAP_HEAD DEPLOY_RULES "  failurePolicy: %s\n  matchConditions:\n%s"
			   "  validations:\n  - expression: 'true'\n";
	char pol[2048], b[512];
	rows rs;
	snprintf(pol, sizeof pol, base, "Fail", "  - {name: a, expression: \"object.metadata.name == 'x'\"}\n");
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	cr_assert_str_eq(rs.message[0], "match conditions aren't met");
	const char *err = "  - {name: a, expression: object.spec.missing == 1}\n";
	snprintf(pol, sizeof pol, base, "Fail", err);
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	snprintf(pol, sizeof pol, base, "Ignore", err);
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	/* a false condition wins over an earlier error */
	snprintf(pol, sizeof pol, base, "Fail",
		 "  - {name: a, expression: object.spec.missing == 1}\n"
		 "  - {name: b, expression: 'false'}\n");
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
}

Test(vap, compile_error_located)
{
	const char *pol = VAP_HEAD DEPLOY_RULES "  validations:\n"
		"  - expression: \"object.spec.replicas <= \"\n";
	char b[512];
	rows rs;
	warned w = {0};
	run_with(pol, deploy(b, sizeof b, "d", "default", "a", 3), NULL, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert(!strncmp(rs.message[0], "compilation error: compilation failed: ", 39), "%s",
		  rs.message[0]);
	cr_assert_geq(w.n, 1);
	cr_assert_eq(w.first.code, KP_W_POLICY);
	cr_assert_str_eq(w.first.file, "vap.yaml");
	/* line 9 of the policy; the column inside the quoted expression */
	cr_assert_eq(w.first.line, 9, "%u", w.first.line);
	cr_assert_eq(w.first.col, 42, "%u", w.first.col);
	cr_assert_eq(w.first.expr_col, 25, "%u", w.first.expr_col);
	cr_assert_str_eq(w.first.path, "/spec/validations/0/expression");
}

Test(vap, authorizer_unsupported)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	warned w = {0};
	kp_policy_set_on_warning(ps, on_warn, &w);
	add_all(ps, VAP_HEAD "  validations:\n  - expression: authorizer.serviceAccount('a', 'b')"
			     ".group('').resource('pods').check('get').allowed()\n", false);
	cr_assert_str_eq(kp_policy_unsupported(kp_policy_set_at(ps, 0)),
			 "ValidatingAdmissionPolicy authorizer");
	kp_policy_set_free(ps);
}

Test(vap, versions_and_bindings_add_no_policy)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	add_all(ps, "apiVersion: admissionregistration.k8s.io/v1beta1\n"
		    "kind: ValidatingAdmissionPolicy\nmetadata: {name: replicas}\n"
		    "spec:\n  validations:\n  - expression: 'true'\n"
		    BINDING("b", ""), false);
	cr_assert_eq(kp_policy_set_count(ps), 1);
	cr_assert_str_eq(kp_policy_rule_name(kp_policy_set_at(ps, 0), 0), "replicas");
	cr_assert_eq(ps->n_vap_bindings, 1);
	kp_policy_set_free(ps);
}

/* validate.cel in a ClusterPolicy: audit annotations are compiled (their
 * problems located) but never change the row, as the validator keeps them
 * apart from its decisions. */
Test(vap, validate_cel_audit_annotations)
{
	const char *pol =
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: cp}\nspec:\n"
		"  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Deployment]}}]}\n"
		"    validate:\n      cel:\n        expressions:\n"
		"        - expression: object.spec.replicas <= 2\n"
		"        auditAnnotations:\n"
		"        - {key: a, valueExpression: \"'replicas ' + string(object.spec.replicas)\"}\n"
		"        - {key: b, valueExpression: object.spec.missing}\n";
	char b[512];
	rows rs;
	run(pol, deploy(b, sizeof b, "d", "default", "a", 1), &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	run(pol, deploy(b, sizeof b, "d", "default", "a", 3), &rs);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
}

/* ---- validate.cel paramKind / paramRef over the parameter resources ---- */

static const char *cel_params_policy(char *buf, size_t n, const char *kind, const char *ns,
				     const char *ref)
{
	snprintf(buf, n,
		 "apiVersion: kyverno.io/v1\nkind: %s\nmetadata: {name: cp%s%s}\nspec:\n"
		 "  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Deployment]}}]}\n"
		 "    validate:\n      cel:\n        paramKind: {apiVersion: v1, kind: ConfigMap}\n"
		 "        paramRef: %s\n        expressions:\n"
		 "        - expression: object.spec.replicas <= int(params.data.max)\n",
		 kind, ns ? ", namespace: " : "", ns ? ns : "", ref);
	return buf;
}

static const char *const ns_limits =
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: limits, namespace: team, labels: {l: a}}\n"
	"data: {max: '2'}\n---\n"
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: more, namespace: team, labels: {l: a}}\n"
	"data: {max: '5'}\n";

Test(vap, validate_cel_params_by_name)
{
	char pol[2048], b[512];
	setup s = {.params = ns_limits};
	rows rs;
	cel_params_policy(pol, sizeof pol, "ClusterPolicy", NULL, "{name: limits}");
	/* a namespaced paramKind is looked up in the resource's namespace */
	run_with(pol, deploy(b, sizeof b, "d", "team", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL, "%s", rs.message[0]);
	run_with(pol, deploy(b, sizeof b, "d", "team", "a", 2), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	cr_assert_str_eq(rs.message[0], "Validation rule 'r' passed.");
	/* not in that namespace: the API's NotFound */
	run_with(pol, deploy(b, sizeof b, "d", "other", "a", 2), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(rs.message[0],
			 "error in parameterized resource: configmaps \"limits\" not found");
	/* a Policy is confined to its own namespace */
	cel_params_policy(pol, sizeof pol, "Policy", "team", "{name: limits}");
	run_with(pol, deploy(b, sizeof b, "d", "team", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL, "%s", rs.message[0]);
	cel_params_policy(pol, sizeof pol, "Policy", "team", "{name: limits, namespace: other}");
	run_with(pol, deploy(b, sizeof b, "d", "team", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert(strstr(rs.message[0], "must match policy namespace \"team\""), "%s", rs.message[0]);
}

Test(vap, validate_cel_params_by_selector)
{
	char pol[2048], b[512];
	setup s = {.params = ns_limits};
	rows rs;
	/* every matching param is evaluated; the first that decides wins */
	cel_params_policy(pol, sizeof pol, "ClusterPolicy", NULL,
			  "{namespace: team, selector: {matchLabels: {l: a}}}");
	run_with(pol, deploy(b, sizeof b, "d", "x", "a", 3), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL, "%s", rs.message[0]);
	run_with(pol, deploy(b, sizeof b, "d", "x", "a", 1), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	/* none found: Allow (or nothing said) passes, Deny is an error */
	cel_params_policy(pol, sizeof pol, "ClusterPolicy", NULL,
			  "{selector: {matchLabels: {l: z}}, parameterNotFoundAction: Allow}");
	run_with(pol, deploy(b, sizeof b, "d", "team", "a", 9), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	cel_params_policy(pol, sizeof pol, "ClusterPolicy", NULL,
			  "{selector: {matchLabels: {l: z}}, parameterNotFoundAction: Deny}");
	run_with(pol, deploy(b, sizeof b, "d", "team", "a", 9), &s, &rs, NULL);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(rs.message[0], "error in parameterized resource: no params found");
}
