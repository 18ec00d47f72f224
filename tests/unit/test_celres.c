/* Unit tests: Kyverno's host-backed CEL libraries (engine/cel/
 * cel_lib_kyverno_host.c) and the data behind them (engine/policy/
 * cel_host.c): resource.Get/List, globalContext.Get, http.Get/Post,
 * image.GetMetadata, as the Kyverno CLI serves them offline. */
#include <criterion/criterion.h>
#include <string.h>

#include "cel/cel.h"
#include "doc_util.h"
#include "kpolicy.h"

/* ---- the CEL side, with a recording host ---- */

typedef struct seen {
	kp_cel_host_req req;
	char a[4][64];
	char labels[128];
	int calls;
	int answer;                  /* what the host returns */
	const kp_value *out;
} seen;

static int fake_call(void *user, const kp_cel_host_req *req, kp_arena *a, const kp_value **out,
		     const char **msg)
{
	(void)a;
	seen *s = user;
	s->calls++;
	s->req = *req;
	for (int i = 0; i < 4; i++)
		snprintf(s->a[i], sizeof s->a[i], "%s", req->a[i] ? req->a[i] : "(null)");
	s->labels[0] = 0;
	for (size_t i = 0; i < req->n_labels; i++)
		snprintf(s->labels + strlen(s->labels), sizeof s->labels - strlen(s->labels), "%s=%s;",
			 req->label_keys[i], req->label_vals[i]);
	*out = s->out;
	*msg = s->answer < 0 ? "configmaps \"x\" not found" : s->answer > 0 ? "the network" : NULL;
	return s->answer;
}

/* Compile `expr` in a Kyverno env and evaluate it with `host`: 0 and
 * *repr, or -1 with *err. */
static int eval_host(const char *expr, const kp_cel_host *host, bool libs, char *repr, size_t n,
		     kp_error *err)
{
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_kyverno_libs(env, libs);
	kp_cel_prog *p = kp_cel_compile(env, expr, strlen(expr), a, err);
	int rc = -1;
	if (p) {
		kp_cel_activation act = {NULL, 0, host, NULL};
		kp_cel_result r;
		rc = kp_cel_eval(p, &act, a, &r, err);
		if (!rc)
			snprintf(repr, n, "%s", r.repr);
		kp_cel_prog_free(p);
	}
	kp_arena_free(a);
	return rc;
}

Test(celres, host_calls_carry_the_arguments)
{
	kp_doc *cm = doc_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}\n");
	seen s = {.out = kp_doc_root(cm)};
	kp_cel_host host = {fake_call, &s, NULL};
	char repr[256];
	kp_error err;
	cr_assert_eq(eval_host("resource.Get('v1', 'configmaps', 'ns', 'x').data.k", &host, true, repr,
			       sizeof repr, &err), 0, "%s", err.msg);
	cr_assert_str_eq(repr, "\"v\"");
	cr_assert_eq(s.req.op, KP_CEL_RESOURCE_GET);
	cr_assert_str_eq(s.a[0], "v1");
	cr_assert_str_eq(s.a[1], "configmaps");
	cr_assert_str_eq(s.a[2], "ns");
	cr_assert_str_eq(s.a[3], "x");
	/* the camelCase alias of library version 1.18 */
	cr_assert_eq(eval_host("resource.get('v1', 'configmaps', 'ns', 'x').data.k == 'v'", &host, true,
			       repr, sizeof repr, &err), 0, "%s", err.msg);
	cr_assert_str_eq(repr, "true");
	/* List with a label selector */
	cr_assert_eq(eval_host("resource.List('apps/v1', 'deployments', 'ns', {'app': 'web'}) != null",
			       &host, true, repr, sizeof repr, &err), 0, "%s", err.msg);
	cr_assert_eq(s.req.op, KP_CEL_RESOURCE_LIST);
	cr_assert_str_eq(s.a[2], "ns");
	cr_assert_str_eq(s.labels, "app=web;");
	/* globalContext with and without a projection */
	cr_assert_eq(eval_host("globalContext.Get('e') != null", &host, true, repr, sizeof repr, &err), 0);
	cr_assert_eq(s.req.op, KP_CEL_GLOBAL_GET);
	cr_assert_str_eq(s.a[0], "e");
	cr_assert_str_eq(s.a[1], "");
	cr_assert_eq(eval_host("globalContext.get('e', 'p') != null", &host, true, repr, sizeof repr, &err), 0);
	cr_assert_str_eq(s.a[1], "p");
	cr_assert_eq(eval_host("image.GetMetadata('nginx:1') != null", &host, true, repr, sizeof repr, &err), 0);
	cr_assert_eq(s.req.op, KP_CEL_IMAGE_METADATA);
	cr_assert_str_eq(s.a[0], "nginx:1");
	cr_assert_eq(eval_host("http.Post('https://a/b', {'x': 1}) != null", &host, true, repr, sizeof repr,
			       &err), 0);
	cr_assert_eq(s.req.op, KP_CEL_HTTP_POST);
	cr_assert_str_eq(s.a[0], "https://a/b");
	kp_doc_free(cm);
}

Test(celres, namespaced_forms_use_the_policy_namespace)
{
	seen s = {0};
	kp_cel_host host = {fake_call, &s, "team-a"};
	char repr[64];
	kp_error err;
	cr_assert_eq(eval_host("resource.Get('v1', 'configmaps', 'x') == null", &host, true, repr,
			       sizeof repr, &err), 0, "%s", err.msg);
	cr_assert_str_eq(repr, "true");
	cr_assert_str_eq(s.a[2], "team-a");
	cr_assert_str_eq(s.a[3], "x");
	cr_assert_eq(eval_host("resource.List('v1', 'configmaps', {'a': 'b'}) == null", &host, true, repr,
			       sizeof repr, &err), 0, "%s", err.msg);
	cr_assert_str_eq(s.a[2], "team-a");
	cr_assert_str_eq(s.labels, "a=b;");
	/* the cluster-wide form is not the namespaced one */
	cr_assert_eq(eval_host("resource.Get('v1', 'configmaps', 'ns', 'x')", &host, true, repr, sizeof repr,
			       &err), -1);
	cr_assert(strstr(err.msg, "no such overload: Get"), "%s", err.msg);
	host.namespace = NULL;
	cr_assert_eq(eval_host("resource.Get('v1', 'configmaps', 'x')", &host, true, repr, sizeof repr,
			       &err), -1);
	cr_assert(strstr(err.msg, "no such overload: Get"), "%s", err.msg);
}

Test(celres, errors_unsupported_and_undeclared)
{
	seen s = {.answer = -1};
	kp_cel_host host = {fake_call, &s, NULL};
	char repr[64];
	kp_error err;
	/* Kyverno's prefix before the host's cause */
	cr_assert_eq(eval_host("resource.Get('v1', 'configmaps', 'ns', 'x')", &host, true, repr, sizeof repr,
			       &err), -1);
	cr_assert_str_eq(err.msg, "failed to get resource: configmaps \"x\" not found");
	cr_assert_eq(err.code, KP_E_POLICY);
	cr_assert_eq(eval_host("resource.List('v1', 'configmaps', 'ns')", &host, true, repr, sizeof repr,
			       &err), -1);
	cr_assert_str_eq(err.msg, "failed to list resource: configmaps \"x\" not found");
	/* errors are values: || absorbs them */
	cr_assert_eq(eval_host("true || resource.Get('v1', 'configmaps', 'ns', 'x') == null", &host, true,
			       repr, sizeof repr, &err), 0);
	cr_assert_str_eq(repr, "true");
	/* what the host cannot reach is unsupported, with its feature */
	s.answer = 1;
	cr_assert_eq(eval_host("http.Get('https://example.com').body", &host, true, repr, sizeof repr, &err), -1);
	cr_assert_eq(err.code, KP_E_UNSUPPORTED);
	cr_assert_str_eq(err.feature, "the network");
	/* without a host every call is unsupported */
	cr_assert_eq(eval_host("image.GetMetadata('a')", NULL, true, repr, sizeof repr, &err), -1);
	cr_assert_eq(err.code, KP_E_UNSUPPORTED);
	cr_assert_str_eq(err.feature, "cel image.GetMetadata");
	cr_assert_eq(eval_host("resource.Post('v1', 'pods', 'ns', {})", &host, true, repr, sizeof repr, &err), -1);
	cr_assert_str_eq(err.feature, "cel resource.Post");
	cr_assert_eq(eval_host("http.Client('ca').Get('https://a')", &host, true, repr, sizeof repr, &err), -1);
	cr_assert_str_eq(err.feature, "cel http.Client");
	/* the client's methods on anything else: a type error, not unsupported */
	cr_assert_eq(eval_host("'x'.Get('https://a')", &host, true, repr, sizeof repr, &err), -1);
	cr_assert_eq(err.code, KP_E_POLICY);
	cr_assert(strstr(err.msg, "no such overload"), "%s", err.msg);
	/* only the ValidatingPolicy family declares them */
	cr_assert_eq(eval_host("resource.Get('v1', 'configmaps', 'ns', 'x')", &host, false, repr, sizeof repr,
			       &err), -1);
	cr_assert_eq(err.code, KP_E_EXPR);
	cr_assert(strstr(err.msg, "undeclared reference to 'resource'"), "%s", err.msg);
}

/* ---- the data: ValidatingPolicies over kp_context_sources ---- */

typedef struct row {
	int n;
	kp_status status;
	char message[512];
	char unsupported[96];
} row;

static void collect(void *ud, const kp_result *r)
{
	row *rw = ud;
	rw->n++;
	rw->status = r->status;
	snprintf(rw->message, sizeof rw->message, "%s", r->message ? r->message : "");
	snprintf(rw->unsupported, sizeof rw->unsupported, "%s", r->unsupported ? r->unsupported : "");
}

static const char *const pod =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: team-a}\n"
	"spec:\n  containers: [{name: c, image: 'nginx:1.27'}]\n";

/* Load `policy`, evaluate `pod` with `src`: its one row. */
static row eval_policy(const char *policy, const kp_context_sources *src)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	kp_error err;
	kp_doc *pd = doc_of(policy);
	cr_assert_eq(kp_policy_set_add(ps, pd, &err), 1, "%s", err.msg);
	kp_doc_free(pd);
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(pod);
	kp_doc_normalize_resource(d);
	row rw = {0};
	kp_eval_opts opts = {.sources = src};
	cr_assert_geq(kp_evaluate(NULL, ps, d, &opts, collect, &rw, &err), 0, "%s", err.msg);
	cr_assert_eq(rw.n, 1);
	kp_doc_free(d);
	kp_policy_set_free(ps);
	return rw;
}

/* A ValidatingPolicy (kind `kind`) on Pods with one validation `expr`. */
static row run_expr(const char *kind, const char *expr, const kp_context_sources *src)
{
	char policy[2048];
	snprintf(policy, sizeof policy,
		 "apiVersion: policies.kyverno.io/v1\nkind: %s\nmetadata: {name: v, namespace: team-a}\n"
		 "spec:\n  matchConstraints:\n    resourceRules:\n"
		 "    - {apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE]}\n"
		 "  validations:\n  - expression: \"%s\"\n", kind, expr);
	return eval_policy(policy, src);
}

static kp_context_sources *with_context(const char *yaml)
{
	kp_context_sources *s = kp_context_sources_new();
	kp_doc *d = doc_of(yaml);
	kp_error err;
	cr_assert_eq(kp_context_sources_add_context(s, kp_doc_root(d), &err), 0, "%s", err.msg);
	kp_doc_free(d);
	return s;
}

static const char *const context =
	"apiVersion: cli.kyverno.io/v1alpha1\nkind: Context\nmetadata: {name: c}\nspec:\n"
	"  resources:\n"
	"  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: team-a}, data: {k: v}}\n"
	"  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm2, namespace: team-a, labels: {a: b}}}\n"
	"  - {apiVersion: cloud.google.com/v1, kind: ComputeClass, metadata: {name: spot}, spec: {count: 2}}\n"
	"  images:\n"
	"  - image: 'nginx:1.27'\n    manifest: {annotations: {base: distroless}}\n";

Test(celres, context_file_resources)
{
	kp_context_sources *s = with_context(context);
	row r = run_expr("ValidatingPolicy", "resource.Get('v1', 'configmaps', 'team-a', 'cm').data.k == 'v'", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* cluster-scoped objects live in namespace '' */
	r = run_expr("ValidatingPolicy",
		     "resource.get('cloud.google.com/v1', 'computeclasses', '', 'spot').spec.count == 2", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* objects keep their integers (unstructured int64), unlike the
	 * evaluated resource, whose numbers the CLI made float64 */
	r = run_expr("ValidatingPolicy",
		     "type(resource.get('cloud.google.com/v1', 'computeclasses', '', 'spot').spec.count) == int", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* not found: Kyverno's error (the fake provider's NotFound) */
	r = run_expr("ValidatingPolicy", "resource.Get('v1', 'configmaps', 'team-a', 'nope') == null", s);
	cr_assert_eq(r.status, KP_STATUS_ERROR);
	cr_assert_str_eq(r.message, "error: failed to get resource: configmaps \"nope\" not found");
	r = run_expr("ValidatingPolicy", "resource.Get('cloud.google.com/v1', 'computeclasses', '', 'x') == null", s);
	cr_assert_str_eq(r.message,
			 "error: failed to get resource: computeclasses.cloud.google.com \"x\" not found");
	/* List: {items}; the fake provider ignores label selectors */
	r = run_expr("ValidatingPolicy",
		     "size(resource.List('v1', 'configmaps', 'team-a', {'a': 'b'}).items) == 2 && "
		     "size(resource.List('v1', 'configmaps', 'other').items) == 0", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* a resource the context lacks altogether */
	r = run_expr("ValidatingPolicy", "resource.List('v1', 'secrets', 'team-a') == null", s);
	cr_assert_str_eq(r.message, "error: failed to list resource: secrets resource not found");
	/* NamespacedValidatingPolicy: the policy's namespace */
	r = run_expr("NamespacedValidatingPolicy", "resource.Get('v1', 'configmaps', 'cm').data.k == 'v'", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	kp_context_sources_free(s);
}

Test(celres, context_file_images)
{
	kp_context_sources *s = with_context(context);
	row r = run_expr("ValidatingPolicy",
			 "image.GetMetadata(object.spec.containers[0].image).manifest.annotations.base == "
			 "'distroless' && image.getMetadata('nginx:1.27').registry == '' && "
			 "!has(image.GetMetadata('nginx:1.27').tag)", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	r = run_expr("ValidatingPolicy", "image.GetMetadata('busybox') != null", s);
	cr_assert_eq(r.status, KP_STATUS_ERROR);
	cr_assert_str_eq(r.message, "error: failed to get image data: image data for busybox not found in the context");
	kp_context_sources_free(s);
}

Test(celres, context_file_must_be_a_context)
{
	kp_context_sources *s = kp_context_sources_new();
	kp_doc *d = doc_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
	kp_error err;
	cr_assert_eq(kp_context_sources_add_context(s, kp_doc_root(d), &err), -1);
	cr_assert(strstr(err.msg, "kind Context"), "%s", err.msg);
	kp_doc_free(d);
	d = doc_of("kind: Context\nspec: {images: [{registry: r}]}\n");
	cr_assert_eq(kp_context_sources_add_context(s, kp_doc_root(d), &err), -1);
	cr_assert(strstr(err.msg, "image"), "%s", err.msg);
	kp_doc_free(d);
	kp_context_sources_free(s);
}

static void add_global(kp_context_sources *s, const char *yaml)
{
	kp_doc *d = doc_of(yaml);
	kp_error err;
	cr_assert_eq(kp_context_sources_add_global_entry(s, kp_doc_root(d), &err), 0, "%s", err.msg);
	kp_doc_free(d);
}

Test(celres, global_context_entries)
{
	kp_context_sources *s = kp_context_sources_new();
	add_global(s, "name: deps\ndata: {deployments: [{name: a}, {name: b}]}\n"
		      "projections: [{name: items, path: deployments}]\n");
	add_global(s, "name: plain\ndata: {x: 1}\n");
	row r = run_expr("ValidatingPolicy", "size(globalContext.Get('deps', '').items) == 2", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	r = run_expr("ValidatingPolicy", "globalContext.get('deps', 'items')[1].name == 'b'", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* entry data went through JSON into `any`: a double */
	r = run_expr("ValidatingPolicy", "type(globalContext.Get('plain').x) == double", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* the fake provider: an unknown entry is null, an unknown projection an error */
	r = run_expr("ValidatingPolicy", "globalContext.Get('missing') == null", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	r = run_expr("ValidatingPolicy", "globalContext.Get('plain', 'y') == null", s);
	cr_assert_str_eq(r.message, "error: failed to get global reference: projection \"y\" not found in "
				    "global context entry \"plain\"");
	kp_context_sources_free(s);
}

Test(celres, http_mocks)
{
	kp_context_sources *s = kp_context_sources_new();
	kp_doc *d = doc_of("url: https://example.com/config\nmethod: GET\n"
			   "response: {statusCode: 200, body: {allowed: true}}\n");
	kp_error err;
	cr_assert_eq(kp_context_sources_add_api_response(s, kp_doc_root(d), &err), 0, "%s", err.msg);
	kp_doc_free(d);
	/* the mock's whole response: .body is its body */
	row r = run_expr("ValidatingPolicy", "http.Get('https://example.com/config').body.allowed == true", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	r = run_expr("ValidatingPolicy", "http.get('https://example.com/config').statusCode == 200.0", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	/* a GET mock does not answer a POST; unmocked means the network */
	r = run_expr("ValidatingPolicy", "http.Post('https://example.com/config', {}).body.allowed == true", s);
	cr_assert_eq(r.status, KP_STATUS_ERROR);
	cr_assert_str_eq(r.unsupported, "cel http.Post to an unmocked URL");
	kp_context_sources_free(s);
}

Test(celres, cluster_resources_mode)
{
	kp_context_sources *s = with_context(context);
	kp_doc *d = doc_of("apiVersion: cli.kyverno.io/v1alpha1\nkind: ClusterResource\nmetadata: {name: c}\n"
			   "spec:\n  resources:\n"
			   "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: n1, labels: {x: '1'}}}\n"
			   "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: n2}}\n");
	kp_context_sources_add_resource(s, kp_doc_root(d));
	kp_doc_free(d);
	/* the real provider over the fake cluster: the context file is not read */
	row r = run_expr("ValidatingPolicy", "resource.Get('v1', 'configmaps', 'n1', 'a').metadata.name == 'a'", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	r = run_expr("ValidatingPolicy", "resource.Get('v1', 'configmaps', 'team-a', 'cm') == null", s);
	cr_assert_eq(r.status, KP_STATUS_ERROR);
	/* List: every namespace for '', label selectors applied, the API's list shape */
	r = run_expr("ValidatingPolicy",
		     "size(resource.List('v1', 'configmaps', '').items) == 2 && "
		     "size(resource.List('v1', 'configmaps', '', {'x': '1'}).items) == 1 && "
		     "resource.List('v1', 'configmaps', 'n2').kind == 'ConfigMapList' && "
		     "size(resource.List('v1', 'secrets', 'n2').items) == 0", s);
	cr_assert_eq(r.status, KP_STATUS_PASS, "%s", r.message);
	r = run_expr("ValidatingPolicy", "image.GetMetadata('nginx:1.27') != null", s);
	cr_assert_str_eq(r.unsupported, "cel image.GetMetadata with clusterResources (a registry)");
	kp_context_sources_free(s);
}

Test(celres, validate_cel_does_not_declare_them)
{
	const char *policy =
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n"
		"  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		"    validate:\n      cel:\n        expressions:\n"
		"        - expression: \"resource.Get('v1', 'configmaps', 'a', 'b') == null\"\n";
	kp_context_sources *s = with_context(context);
	row rw = eval_policy(policy, s);
	cr_assert_eq(rw.status, KP_STATUS_FAIL);
	cr_assert(strstr(rw.message, "undeclared reference to 'resource'"), "%s", rw.message);
	kp_context_sources_free(s);
}
