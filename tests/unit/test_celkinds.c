/* Unit tests: the CEL rule kinds, validate.cel in ClusterPolicy and
 * ValidatingPolicy (engine/policy/action_cel.c, vpol.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy_cel.h"
#include "rows_util.h"

static kp_doc *doc_of(const char *yaml)
{
	kp_error err;
	kp_read_opts ro = {.raw = true};
	kp_reader *r = kp_reader_open_mem("p.yaml", yaml, strlen(yaml), &ro, &err);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	kp_reader_close(r);
	return d;
}

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

/* Load `policy`, evaluate `resource` (operation CREATE), collect rows. */
static void run(const char *policy, const char *resource, rows *rs, warned *w)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	kp_policy_set_on_warning(ps, on_warn, w);
	kp_error err;
	kp_doc *pd = doc_of(policy);
	cr_assert_eq(kp_policy_set_add(ps, pd, &err), 1, "%s", err.msg);
	kp_doc_free(pd);
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(resource);
	kp_doc_normalize_resource(d);
	memset(rs, 0, sizeof *rs);
	cr_assert_geq(kp_evaluate(NULL, ps, d, NULL, collect, rs, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	kp_policy_set_free(ps);
}

static const char *const pod =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: team-a, labels: {app: web}}\n"
	"spec:\n  replicas: 3\n  containers: [{name: c, image: 'nginx:latest'}]\n";

static const char *const deployment =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team-a}\n"
	"spec:\n  template:\n    metadata: {labels: {app: web}}\n"
	"    spec:\n      containers: [{name: c, image: 'nginx:1.27'}]\n";

static const char *const cel_policy =
	"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n"
	"  - name: images\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
	"    validate:\n      cel:\n"
	"        variables:\n        - {name: tags, expression: \"object.spec.containers.map(c, c.image.split(':')[1])\"}\n"
	"        expressions:\n"
	"        - expression: \"object.spec.replicas == 3 && namespaceObject.metadata.name == 'team-a'\"\n"
	"          message: wrong shape\n"
	"        - expression: \"!('latest' in variables.tags)\"\n"
	"          messageExpression: \"'tag ' + variables.tags[0] + ' of ' + request.name\"\n";

Test(celkinds, validate_cel_variables_and_message_expression)
{
	rows rs;
	warned w = {0};
	run(cel_policy, pod, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_str_eq(rs.rule[0], "images");
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "tag latest of web");
	cr_assert_eq(w.n, 0);
}

Test(celkinds, validate_cel_pass_and_runtime_error_fails)
{
	rows rs;
	warned w = {0};
	const char *ok_pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: team-a}\n"
			     "spec: {replicas: 3, containers: [{name: c, image: 'nginx:1'}]}\n";
	run(cel_policy, ok_pod, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
	cr_assert_str_eq(rs.message[0], "Validation rule 'images' passed.");
	/* no replicas: `no such key` denies (failure policy Fail) */
	const char *bare = "apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: team-a}\n"
			   "spec: {containers: [{name: c, image: 'nginx:1'}]}\n";
	run(cel_policy, bare, &rs, &w);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert(strstr(rs.message[0], "resulted in error: no such key: replicas"), "%s", rs.message[0]);
}

Test(celkinds, validate_cel_compile_error_fails_rows_and_is_located)
{
	const char *policy =
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n"
		"  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"    celPreconditions:\n    - {name: has-app, expression: \"object.metadata.?labels.?app.hasValue()\"}\n"
		"    validate:\n      cel:\n        expressions:\n"
		"        - expression: \"object.spec.replicas\"\n";
	rows rs;
	warned w = {0};
	run(policy, pod, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "must evaluate to bool but got dyn");
	cr_assert_eq(w.n, 1);
	cr_assert_eq(w.first.code, KP_W_POLICY);
	cr_assert_eq(w.first.line, 13);
	cr_assert_eq(w.first.col, 24, "col %u", w.first.col);
	/* celPreconditions false: skip */
	const char *unlabelled = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {}\n";
	run(policy, unlabelled, &rs, &w);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	cr_assert_str_eq(rs.message[0], "cel preconditions not met");
}

static const char *const vpol =
	"apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: v}\nspec:\n"
	"  matchConstraints:\n    resourceRules:\n"
	"    - {apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}\n"
	"  matchConditions:\n  - {name: app, expression: \"object.metadata.?labels.?app.orValue('') != 'skip'\"}\n"
	"  variables:\n  - {name: images, expression: \"object.spec.containers.map(c, c.image)\"}\n"
	"  validations:\n"
	"  - expression: \"variables.images.all(i, !i.endsWith(':latest'))\"\n"
	"  - expression: \"object.spec.containers.all(c, c.name != 'c')\"\n"
	"    message: no c\n";

Test(celkinds, vpol_rows_and_autogen)
{
	rows rs;
	warned w = {0};
	run(vpol, pod, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_str_eq(rs.rule[0], "");
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "CEL expression validation failed at index 0");
	/* the Deployment is checked by the autogen variant (object.spec.template.spec) */
	run(vpol, deployment, &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(rs.message[0], "no c");
	/* not in matchConstraints: no row */
	run(vpol, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n", &rs, &w);
	cr_assert_eq(rs.n, 0);
	/* matchConditions false: skip */
	run(vpol, "apiVersion: v1\nkind: Pod\nmetadata: {name: s, labels: {app: skip}}\nspec: {}\n", &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_SKIP);
	/* a runtime error is an error row */
	run(vpol, "apiVersion: v1\nkind: Pod\nmetadata: {name: e}\nspec: {}\n", &rs, &w);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(rs.message[0], "error: no such key: containers");
	run(vpol, "apiVersion: v1\nkind: Pod\nmetadata: {name: g}\nspec: {containers: [{name: d, image: 'a:1'}]}\n",
	    &rs, &w);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
	cr_assert_str_eq(rs.message[0], "success");
	/* a match condition's error: rule `evaluation` */
	const char *erring =
		"apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: e}\nspec:\n"
		"  matchConstraints:\n    resourceRules:\n"
		"    - {apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE]}\n"
		"  matchConditions:\n  - {name: app, expression: \"object.metadata.labels.app == 'x'\"}\n"
		"  validations:\n  - expression: 'true'\n";
	run(erring, "apiVersion: v1\nkind: Pod\nmetadata: {name: m}\nspec: {}\n", &rs, &w);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(rs.rule[0], "evaluation");
	cr_assert(!strncmp(rs.message[0], "failed to load context: ", 24), "%s", rs.message[0]);
}

Test(celkinds, vpol_compile_error_is_refused_at_its_place)
{
	const char *bad =
		"apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: v}\nspec:\n"
		"  matchConstraints:\n    resourceRules:\n"
		"    - {apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE]}\n"
		"  validations:\n  - expression: \"object.spec.(\"\n";
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	kp_error err;
	kp_doc *d = doc_of(bad);
	cr_assert_eq(kp_policy_set_add(ps, d, &err), -1);
	cr_assert_eq(err.line, 9);
	cr_assert(strstr(err.msg, "failed to compile policy v"), "%s", err.msg);
	kp_doc_free(d);
	/* a Kyverno library kpolicy lacks: the policy is unsupported */
	const char *lib =
		"apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: l}\nspec:\n"
		"  matchConstraints:\n    resourceRules:\n"
		"    - {apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE]}\n"
		"  validations:\n  - expression: \"generator.Apply('a', [])\"\n";
	d = doc_of(lib);
	cr_assert_eq(kp_policy_set_add(ps, d, &err), 1, "%s", err.msg);
	kp_doc_free(d);
	cr_assert_str_eq(kp_policy_unsupported(kp_policy_set_at(ps, 0)), "cel library generator");
	kp_policy_set_free(ps);
}

Test(celkinds, request_names_the_guessed_resource)
{
	const char *policy =
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n"
		"  - name: r\n    match: {any: [{resources: {kinds: [NetworkPolicy]}}]}\n"
		"    validate:\n      cel:\n        expressions:\n"
		"        - expression: \"request.resource.resource == 'networkpolicies' &&"
		" request.kind.group == 'networking.k8s.io' && request.operation == 'CREATE'\"\n";
	rows rs;
	warned w = {0};
	run(policy, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: a}\n",
	    &rs, &w);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.status[0], KP_STATUS_PASS, "%s", rs.message[0]);
	kp_arena *a = kp_arena_new();
	cr_assert_str_eq(kp_policy_guess_resource(a, "Ingress"), "ingresses");
	cr_assert_str_eq(kp_policy_guess_resource(a, "Endpoints"), "endpoints");
	cr_assert_str_eq(kp_policy_guess_resource(a, "Pod"), "pods");
	kp_arena_free(a);
}
