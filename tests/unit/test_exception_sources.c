/* Unit tests: context data sources (engine/policy/ctx_source.c) through
 * the public API: apiCallResponses mocks, globalContextEntries, and the
 * clusterResources-backed configMap and apiCall GET lookups. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kpolicy.h"
#include "doc_util.h"

/* A policy whose rule denies with message "v=<{{ v }}>" once `v` loads,
 * so that the message shows what the context entry `v` loaded. */
static kp_policy_set *policy_with(const char *entry)
{
	char buf[2048];
	snprintf(buf, sizeof buf,
		 "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\n"
		 "spec:\n  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		 "    context:\n    - %s\n"
		 "    validate:\n      message: \"v=<{{ v }}>\"\n"
		 "      deny: {conditions: {all: [{key: \"{{ v }}\", operator: NotEquals, value: __never__}]}}\n", entry);
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	kp_doc *d = doc_of(buf);
	cr_assert_eq(kp_policy_set_add(ps, d, &err), 1, "%s", err.msg);
	kp_doc_free(d);
	kp_policy_set_seal(ps);
	return ps;
}

typedef struct row {
	char text[1024];
	int n;
} row;

static void on_row(void *ud, const kp_result *r)
{
	row *o = ud;
	o->n++;
	snprintf(o->text, sizeof o->text, "%s: %s", kp_status_name(r->status), r->message ? r->message : "");
}

#define POD "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n" \
	"spec: {containers: [{name: c, image: nginx}]}\n"

static row eval(kp_policy_set *ps, const kp_context_sources *src)
{
	row o = {.n = 0};
	kp_error err;
	kp_doc *d = doc_of(POD);
	kp_doc_normalize_resource(d);
	kp_eval_opts opts = {.sources = src};
	cr_assert_geq(kp_evaluate(NULL, ps, d, &opts, on_row, &o, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	cr_assert_eq(o.n, 1);
	return o;
}

static void add_mock(kp_context_sources *s, const char *yaml)
{
	kp_error err;
	kp_doc *d = doc_of(yaml);
	cr_assert_eq(kp_context_sources_add_api_response(s, kp_doc_root(d), &err), 0, "%s", err.msg);
	kp_doc_free(d);
}

static void add_global(kp_context_sources *s, const char *yaml)
{
	kp_error err;
	kp_doc *d = doc_of(yaml);
	cr_assert_eq(kp_context_sources_add_global_entry(s, kp_doc_root(d), &err), 0, "%s", err.msg);
	kp_doc_free(d);
}

static void add_object(kp_context_sources *s, const char *yaml)
{
	kp_doc *d = doc_of(yaml);
	kp_context_sources_add_resource(s, kp_doc_root(d));
	kp_doc_free(d);
}

Test(exception_sources, mocked_service_call_with_jmespath)
{
	kp_policy_set *ps = policy_with(
		"{name: v, apiCall: {service: {url: \"https://x.example/check\"}, jmesPath: allowed}}");
	/* without sources the entry is disabled and its use unsupported */
	row o = eval(ps, NULL);
	cr_assert_str_eq(o.text, "error: unsupported: context.apiCall");
	kp_context_sources *s = kp_context_sources_new();
	add_mock(s, "url: https://x.example/check\nresponse: {statusCode: 200, body: {allowed: yes-it-is}}\n");
	o = eval(ps, s);
	cr_assert_str_eq(o.text, "fail: v=<yes-it-is>");
	kp_context_sources_free(s);
	kp_policy_set_free(ps);
}

Test(exception_sources, mock_method_key_and_status)
{
	kp_policy_set *ps = policy_with(
		"{name: v, apiCall: {urlPath: \"/api/v1/namespaces/{{ request.object.metadata.namespace }}\", "
		"method: POST, data: [{key: a, value: b}]}}");
	kp_context_sources *s = kp_context_sources_new();
	add_mock(s, "urlPath: /api/v1/namespaces/default\nresponse: {statusCode: 200, body: bare}\n");
	add_mock(s, "urlPath: /api/v1/namespaces/default\nmethod: POST\n"
		    "response: {statusCode: 200, body: posted}\n");
	row o = eval(ps, s);
	cr_assert_str_eq(o.text, "fail: v=<posted>");
	kp_context_sources_free(s);
	/* the bare URL serves any method; a non-2xx status is an error */
	s = kp_context_sources_new();
	add_mock(s, "urlPath: /api/v1/namespaces/default\nresponse: {statusCode: 404, body: {}}\n");
	o = eval(ps, s);
	cr_assert(strstr(o.text, "error: failed to load context: failed to fetch data for APICall: HTTP 404"),
		  "%s", o.text);
	kp_context_sources_free(s);
	kp_policy_set_free(ps);
}

Test(exception_sources, global_reference_projections)
{
	kp_context_sources *s = kp_context_sources_new();
	add_global(s, "name: deps\ndata: {deployments: [{name: a}, {name: b}]}\n"
		      "projections: [{name: items, path: deployments}, {name: first, path: \"deployments[0].name\"}]\n");
	add_global(s, "name: inline\nresources: [{kind: Deployment}, {kind: Pod}, {kind: Deployment}]\n"
		      "fieldPath: \"[?kind == 'Deployment']\"\n");
	kp_policy_set *ps = policy_with("{name: v, globalReference: {name: deps, jmesPath: \"items | length(@)\"}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<2>");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, globalReference: {name: deps.first}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<a>");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, globalReference: {name: inline, jmesPath: \"length(@)\"}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<2>");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, globalReference: {name: nope}}");
	row o = eval(ps, s);
	cr_assert(strstr(o.text, "error: failed to check deny conditions: failed to substitute variables in "
			 "condition key: failed to fetch entry key=nope"), "%s", o.text);
	kp_policy_set_free(ps);
	kp_context_sources_free(s);
}

Test(exception_sources, global_resources_added_one_by_one)
{
	kp_context_sources *s = kp_context_sources_new();
	add_global(s, "name: files\n");
	kp_error err;
	kp_doc *d = doc_of("kind: Deployment\nmetadata: {name: one}\n");
	cr_assert_eq(kp_context_sources_add_global_resource(s, "files", kp_doc_root(d), &err), 0);
	cr_assert_eq(kp_context_sources_add_global_resource(s, "other", kp_doc_root(d), &err), -1);
	kp_doc_free(d);
	kp_policy_set *ps = policy_with("{name: v, globalReference: {name: files, jmesPath: \"[0].metadata.name\"}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<one>");
	kp_policy_set_free(ps);
	kp_context_sources_free(s);
}

Test(exception_sources, config_map_from_cluster_resources)
{
	kp_policy_set *ps = policy_with("{name: v, configMap: {name: cfg, namespace: \"{{ request.namespace }}\"}}");
	kp_context_sources *s = kp_context_sources_new();
	/* no cluster: disabled as kyverno test disables it, so `v` is undefined
	 * (without any sources object kpolicy says unsupported instead) */
	add_mock(s, "url: /x\nresponse: {body: 1}\n");
	cr_assert(strstr(eval(ps, s).text, "Unknown key \"v\" in path"), "%s", eval(ps, s).text);
	cr_assert_str_eq(eval(ps, NULL).text, "error: unsupported: context.configMap");
	add_object(s, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n"
		      "data: {k: val}\n");
	row o = eval(ps, s);
	cr_assert(strstr(o.text, "fail: v=<{\"data\":{\"k\":\"val\"}"), "%s", o.text);
	kp_policy_set_free(ps);
	/* no namespace: the policy's, else default */
	ps = policy_with("{name: v, configMap: {name: cfg}}");
	o = eval(ps, s);
	cr_assert(strstr(o.text, "fail: v=<{\"data\":{\"k\":\"val\"}"), "%s", o.text);
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, configMap: {name: missing, namespace: default}}");
	o = eval(ps, s);
	cr_assert(strstr(o.text, "error: failed to check deny conditions: failed to substitute variables in "
			 "condition key: failed to retrieve config map for context entry v: failed to get "
			 "configmap default/missing : configmaps \"missing\" not found"), "%s", o.text);
	kp_policy_set_free(ps);
	kp_context_sources_free(s);
}

Test(exception_sources, api_call_get_and_list_from_cluster)
{
	kp_context_sources *s = kp_context_sources_new();
	add_object(s, "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default}\n");
	add_object(s, "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: other}\n");
	add_object(s, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		      "metadata: {name: np, namespace: default}\n");
	kp_policy_set *ps = policy_with("{name: v, apiCall: {urlPath: /api/v1/namespaces/default/pods, "
					"jmesPath: \"items[].metadata.name | join(',', @)\"}}");
	row o = eval(ps, s);
	cr_assert_str_eq(o.text, "fail: v=<a>");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, apiCall: {urlPath: /api/v1/pods, jmesPath: \"items | length(@)\"}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<2>");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, apiCall: {urlPath: "
			 "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/np, "
			 "jmesPath: metadata.name}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<np>");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, apiCall: {urlPath: /api/v1/namespaces/default/pods/zz}}");
	o = eval(ps, s);
	cr_assert(strstr(o.text, "error: failed to check deny conditions: failed to substitute variables in "
			 "condition key: failed to fetch data for APICall: pods \"zz\" not found"), "%s", o.text);
	kp_policy_set_free(ps);
	/* a failed request with a default gives the default, without jmesPath */
	ps = policy_with("{name: v, apiCall: {urlPath: /api/v1/namespaces/default/pods/zz, "
			 "jmesPath: nothing, default: fallback}}");
	cr_assert_str_eq(eval(ps, s).text, "fail: v=<fallback>");
	kp_policy_set_free(ps);
	/* imageRegistry needs a registry: unsupported */
	ps = policy_with("{name: v, imageRegistry: {reference: nginx}}");
	cr_assert_str_eq(eval(ps, s).text, "error: unsupported: context.imageRegistry");
	kp_policy_set_free(ps);
	/* a service call without a mock needs the network */
	ps = policy_with("{name: v, apiCall: {service: {url: \"https://svc\"}}}");
	cr_assert_str_eq(eval(ps, s).text, "error: unsupported: context.apiCall");
	kp_policy_set_free(ps);
	kp_context_sources_free(s);
}

Test(exception_sources, apply_mode_leaves_api_calls_unsupported)
{
	kp_context_sources *s = kp_context_sources_new();
	kp_context_sources_unserved_api_calls(s);
	kp_policy_set *ps = policy_with("{name: v, apiCall: {urlPath: /api/v1/pods}}");
	cr_assert_str_eq(eval(ps, s).text, "error: unsupported: context.apiCall");
	kp_policy_set_free(ps);
	ps = policy_with("{name: v, globalReference: {name: g}}");
	cr_assert_str_eq(eval(ps, s).text, "error: unsupported: context.globalReference");
	kp_policy_set_free(ps);
	/* configMap: disabled (no resolver), so `v` is undefined */
	ps = policy_with("{name: v, configMap: {name: c, namespace: default}}");
	row o = eval(ps, s);
	cr_assert(strstr(o.text, "Unknown key \"v\" in path"), "%s", o.text);
	kp_policy_set_free(ps);
	kp_context_sources_free(s);
}
