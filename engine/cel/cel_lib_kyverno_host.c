/* cel/cel_lib_kyverno_host.c - Kyverno's CEL libraries that read data the
 * host holds (kyverno-cel.md section 9, kyverno/kyverno pkg/cel/libs/
 * resource, globalcontext, http, imagedata): `resource.Get/List`,
 * `globalContext.Get`, `http.Get/Post`, `image.GetMetadata`, with the
 * camelCase aliases of library version 1.18.  Declared only in an env with
 * kyverno_libs (the ValidatingPolicy family); each call goes to the
 * activation's kp_cel_host, which answers from data indexed once per run.
 * What needs the network or a cluster is the error "unsupported: F". */
#include "cel/cel_int.h"

#include <stdio.h>

/* A CEL string argument as a NUL-terminated copy in scratch. */
static const char *arg_str(cel_ctx *c, cel_val v)
{
	return kp_arena_strndup(c->a, v.u.s.p, v.u.s.n);
}

static bool all_strings(const cel_val *args, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++)
		if (args[i].kind != CEL_STRING)
			return false;
	return true;
}

static cel_val unsupported(cel_ctx *c, const char *feature)
{
	return cel_err(c, "unsupported: %s", feature);
}

/* Ask the host; `prefix` is Kyverno's wording before the cause. */
static cel_val ask(cel_ctx *c, kp_cel_host_req *req, const char *feature, const char *prefix)
{
	if (!c->host || !c->host->call)
		return unsupported(c, feature);
	const kp_value *out = NULL;
	const char *msg = NULL;
	int rc = c->host->call(c->host->user, req, c->a, &out, &msg);
	if (rc == 1)
		return unsupported(c, msg ? msg : feature);
	if (rc < 0)
		return cel_err(c, "%s%s", prefix, msg ? msg : "");
	return out ? cel_from_doc(out, rc == 2 ? false : c->prog->env->dfloat) : cel_null();
}

/* resource.Get(apiVersion, resource, namespace, name); in a
 * NamespacedValidatingPolicy resource.Get(apiVersion, resource, name). */
static cel_val resource_get(cel_ctx *c, cel_val *a, size_t n)
{
	bool namespaced = c->host && c->host->namespace;
	if (n != (namespaced ? 3u : 4u) || !all_strings(a, 0, n))
		return cel_no_overload(c, "Get");
	kp_cel_host_req req = {.op = KP_CEL_RESOURCE_GET};
	req.a[0] = arg_str(c, a[0]);
	req.a[1] = arg_str(c, a[1]);
	req.a[2] = namespaced ? c->host->namespace : arg_str(c, a[2]);
	req.a[3] = arg_str(c, a[n - 1]);
	return ask(c, &req, "cel resource.Get", "failed to get resource: ");
}

/* resource.List(apiVersion, resource, namespace[, labels]); namespaced:
 * resource.List(apiVersion, resource[, labels]). */
static cel_val resource_list(cel_ctx *c, cel_val *a, size_t n)
{
	bool namespaced = c->host && c->host->namespace;
	size_t nstr = namespaced ? 2 : 3;
	if (n < nstr || n > nstr + 1 || !all_strings(a, 0, nstr) ||
	    (n > nstr && a[nstr].kind != CEL_MAP))
		return cel_no_overload(c, "List");
	kp_cel_host_req req = {.op = KP_CEL_RESOURCE_LIST};
	req.a[0] = arg_str(c, a[0]);
	req.a[1] = arg_str(c, a[1]);
	req.a[2] = namespaced ? c->host->namespace : arg_str(c, a[2]);
	if (n > nstr) {
		size_t m = cel_map_len(a[nstr]);
		const char **k = kp_arena_alloc(c->a, (m + 1) * sizeof *k);
		const char **v = kp_arena_alloc(c->a, (m + 1) * sizeof *v);
		for (size_t i = 0; i < m; i++) {
			cel_val kv = cel_map_key_at(a[nstr], i), vv = cel_map_val_at(a[nstr], i);
			if (kv.kind != CEL_STRING || vv.kind != CEL_STRING)
				return cel_no_overload(c, "List");
			k[i] = arg_str(c, kv);
			v[i] = arg_str(c, vv);
		}
		req.label_keys = k;
		req.label_vals = v;
		req.n_labels = m;
	}
	return ask(c, &req, "cel resource.List", "failed to list resource: ");
}

/* Creating objects and mapping kinds need a cluster (the CLI's offline
 * context provider panics on both). */
static cel_val resource_post(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	return unsupported(c, "cel resource.Post");
}

static cel_val resource_to_gvr(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	return unsupported(c, "cel resource.ToGVR");
}

/* globalContext.Get(entry[, projection]) */
static cel_val global_get(cel_ctx *c, cel_val *a, size_t n)
{
	if (!all_strings(a, 0, n))
		return cel_no_overload(c, "Get");
	kp_cel_host_req req = {.op = KP_CEL_GLOBAL_GET};
	req.a[0] = arg_str(c, a[0]);
	req.a[1] = n > 1 ? arg_str(c, a[1]) : "";
	return ask(c, &req, "cel globalContext.Get", "failed to get global reference: ");
}

/* http.Get(url[, headers]) */
static cel_val http_get(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || (n > 1 && a[1].kind != CEL_MAP))
		return cel_no_overload(c, "Get");
	kp_cel_host_req req = {.op = KP_CEL_HTTP_GET};
	req.a[0] = arg_str(c, a[0]);
	return ask(c, &req, "cel http.Get", "");
}

/* http.Post(url, body[, headers]) */
static cel_val http_post(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || (n > 2 && a[2].kind != CEL_MAP))
		return cel_no_overload(c, "Post");
	kp_cel_host_req req = {.op = KP_CEL_HTTP_POST};
	req.a[0] = arg_str(c, a[0]);
	return ask(c, &req, "cel http.Post", "");
}

/* A client with a CA bundle only talks to real servers. */
static cel_val http_client(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	return unsupported(c, "cel http.Client");
}

/* client.Get/Post: the receiver is http.Client's unsupported error, which
 * evaluation passes on before calling; any other receiver is a type error
 * (cel-go's checker rejects it; Kyverno reports the policy as not
 * compiling, kpolicy's row is an error too). */
static cel_val client_get(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	return cel_no_overload(c, "Get");
}

static cel_val client_post(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	return cel_no_overload(c, "Post");
}

/* image.GetMetadata(ref) */
static cel_val image_metadata(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "GetMetadata");
	kp_cel_host_req req = {.op = KP_CEL_IMAGE_METADATA};
	req.a[0] = arg_str(c, a[0]);
	return ask(c, &req, "cel image.GetMetadata", "failed to get image data: ");
}

static const cel_builtin host_fns[] = {
	{"resource.Get", 1, 3, 4, resource_get},
	{"resource.get", 1, 3, 4, resource_get},
	{"resource.List", 1, 2, 4, resource_list},
	{"resource.list", 1, 2, 4, resource_list},
	{"resource.Post", 1, 3, 4, resource_post},
	{"resource.post", 1, 3, 4, resource_post},
	{"resource.ToGVR", 1, 2, 2, resource_to_gvr},
	{"resource.toGVR", 1, 2, 2, resource_to_gvr},
	{"globalContext.Get", 1, 1, 2, global_get},
	{"globalContext.get", 1, 1, 2, global_get},
	{"http.Get", 1, 1, 2, http_get},
	{"http.get", 1, 1, 2, http_get},
	{"http.Post", 1, 2, 3, http_post},
	{"http.post", 1, 2, 3, http_post},
	{"http.Client", 1, 1, 1, http_client},
	{"http.client", 1, 1, 1, http_client},
	{"image.GetMetadata", 1, 1, 1, image_metadata},
	{"image.getMetadata", 1, 1, 1, image_metadata},
	/* requests through http.Client(caBundle), whose value is always the
	 * unsupported error: declared so that such policies compile */
	{"Get", 2, 2, 3, client_get},
	{"get", 2, 2, 3, client_get},
	{"Post", 2, 3, 4, client_post},
	{"post", 2, 3, 4, client_post},
	{NULL, 0, 0, 0, NULL}
};

const cel_builtin *cel_lookup_host_fn(const kp_cel_env *env, const char *name,
				      bool member, size_t nargs)
{
	if (!env->kyverno_libs)
		return NULL;
	for (const cel_builtin *b = host_fns; b->name; b++)
		if (!strcmp(b->name, name) && (b->style & (member ? 2 : 1)) &&
		    (int)nargs >= b->min && (int)nargs <= b->max)
			return b;
	return NULL;
}
