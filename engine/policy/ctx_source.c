/* ctx_source.c - the context entries that read a data source (configMap,
 * apiCall, globalReference) served offline from what the embedder gives in
 * kp_eval_opts.sources: the Kyverno CLI test file's apiCallResponses mocks,
 * globalContextEntries and clusterResources
 * (../shared/docs/kyverno-rules.md sections 4.3-4.5, 9 points 4-5).
 * Without a source for an entry, it stays disabled as in the CLI: the
 * values file may give its name, else it is reported unsupported. */
#include "policy/policy.h"
#include "jmespath/jmespath.h"
#include "policy/ctx_sources_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the embedder's sources (policy/ctx_sources_int.h) ---- */

kp_context_sources *kp_context_sources_new(void)
{
	kp_context_sources *s = kp_xcalloc(1, sizeof *s);
	s->arena = kp_arena_new();
	return s;
}

void kp_context_sources_free(kp_context_sources *s)
{
	if (!s)
		return;
	free(s->mocks);
	free(s->globals);
	free(s->objects);
	kp_cel_data_free(s->cel);
	kp_arena_free(s->arena);
	free(s);
}

static const char *str_of(kp_arena *a, const kp_value *v)
{
	return kp_value_type(v) == KP_STRING ? kp_arena_strndup(a, v->u.s.ptr, v->u.s.len) : NULL;
}

int kp_context_sources_add_api_response(kp_context_sources *s, const kp_value *entry, kp_error *err)
{
	if (kp_value_type(entry) != KP_MAP)
		return kp_error_at(err, KP_E_DOC, entry, NULL, "an apiCallResponses entry must be a mapping");
	const char *url = str_of(s->arena, kp_value_get(entry, "url"));
	if (!url)
		url = str_of(s->arena, kp_value_get(entry, "urlPath"));
	const kp_value *resp = kp_value_get(entry, "response");
	if (!url || !*url)
		return kp_error_at(err, KP_E_DOC, entry, NULL, "an apiCallResponses entry needs url or urlPath");
	if (kp_value_type(resp) != KP_MAP)
		return kp_error_at(err, KP_E_DOC, entry, NULL, "an apiCallResponses entry needs a response mapping");
	const kp_value *code = kp_value_get(resp, "statusCode");
	if (kp_value_type(code) != KP_NULL && code->type != KP_INT)
		return kp_error_at(err, KP_E_DOC, code, NULL, "response.statusCode must be an integer");
	api_mock m = {.url = url, .method = str_of(s->arena, kp_value_get(entry, "method")),
		      .status = code ? code->u.i : 200,
		      .body = kp_value_copy(s->arena, kp_value_get(resp, "body"))};
	m.response = kp_value_copy(s->arena, resp);
	if (m.method && !*m.method)
		m.method = NULL;
	s->mocks = kp_xrealloc(s->mocks, (s->n_mocks + 1) * sizeof *s->mocks);
	s->mocks[s->n_mocks++] = m;
	return 0;
}

global_entry *kp_ctx_global_find(const kp_context_sources *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->n_globals; i++)
		if (strlen(s->globals[i].name) == len && !memcmp(s->globals[i].name, name, len))
			return &s->globals[i];
	return NULL;
}

int kp_context_sources_add_global_entry(kp_context_sources *s, const kp_value *entry, kp_error *err)
{
	kp_arena *a = s->arena;
	if (kp_value_type(entry) != KP_MAP)
		return kp_error_at(err, KP_E_DOC, entry, NULL, "a globalContextEntries entry must be a mapping");
	const char *name = str_of(a, kp_value_get(entry, "name"));
	if (!name || !*name)
		return kp_error_at(err, KP_E_DOC, entry, NULL, "a globalContextEntries entry needs a name");
	const kp_value *proj = kp_value_get(entry, "projections");
	if (kp_value_type(proj) != KP_NULL && proj->type != KP_SEQ)
		return kp_error_at(err, KP_E_DOC, proj, NULL, "projections must be a list");
	const kp_value *res = kp_value_get(entry, "resources");
	if (kp_value_type(res) != KP_NULL && res->type != KP_SEQ)
		return kp_error_at(err, KP_E_DOC, res, NULL, "resources must be a list");
	global_entry g = {.name = name, .data = kp_value_copy(a, kp_value_get(entry, "data")),
			  .field_path = str_of(a, kp_value_get(entry, "fieldPath")),
			  .projections = kp_value_copy(a, proj)};
	if (g.field_path && !*g.field_path)
		g.field_path = NULL;
	if (res) {
		g.resources = kp_value_copy(a, res);
	}
	s->globals = kp_xrealloc(s->globals, (s->n_globals + 1) * sizeof *s->globals);
	s->globals[s->n_globals++] = g;
	return 0;
}

int kp_context_sources_add_global_resource(kp_context_sources *s, const char *name,
					   const kp_value *resource, kp_error *err)
{
	global_entry *g = kp_ctx_global_find(s, name, strlen(name));
	if (!g)
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "no globalContextEntries entry %s", name);
	if (!g->resources)
		g->resources = kp_value_new(s->arena, KP_SEQ, NULL, 0, 0);
	kp_seq_push(s->arena, g->resources, kp_value_copy(s->arena, resource));
	return 0;
}

void kp_context_sources_add_resource(kp_context_sources *s, const kp_value *resource)
{
	s->cluster = true;
	if (kp_value_type(resource) != KP_MAP)
		return;
	/* a `kind: ClusterResource` file (cli.kyverno.io) holds its objects
	 * in spec.resources */
	const char *api = kp_value_path_str(resource, "apiVersion");
	if (kp_value_str_eq(kp_value_get(resource, "kind"), "ClusterResource") && api &&
	    !strncmp(api, "cli.kyverno.io/", 15)) {
		const kp_value *list = kp_value_path(resource, "spec/resources");
		for (size_t i = 0; i < kp_value_len(list); i++)
			if (kp_value_type(kp_value_at(list, i)) == KP_MAP)
				kp_context_sources_add_resource(s, kp_value_at(list, i));
		return;
	}
	s->objects = kp_xrealloc(s->objects, (s->n_objects + 1) * sizeof *s->objects);
	s->objects[s->n_objects] = kp_value_copy(s->arena, resource);
	kp_cel_data_add_cluster_object(s, s->objects[s->n_objects++]);
}

void kp_context_sources_enable_cluster(kp_context_sources *s)
{
	s->cluster = true;
}

void kp_context_sources_unserved_api_calls(kp_context_sources *s)
{
	s->no_api_calls = true;
}

/* ---- compiled entries ---- */

typedef enum src_kind { SRC_CONFIGMAP, SRC_APICALL, SRC_GLOBAL, SRC_IMAGE } src_kind;

struct kp_ctx_source {
	src_kind kind;
	const kp_value *spec;        /* the configMap / apiCall / globalReference map */
	kp_ttree *spec_t;            /* with variables, else NULL */
	const kp_jp *jp;             /* a jmesPath without variables, compiled */
};

kp_ctx_source *kp_ctx_source_compile(kp_arena *a, const kp_value *entry, const char *path,
				     kp_error *diag)
{
	static const char *const keys[] = {"configMap", "apiCall", "globalReference", "imageRegistry"};
	for (int k = 0; k < 4; k++) {
		const kp_value *spec = kp_value_get(entry, keys[k]);
		if (kp_value_type(spec) != KP_MAP)
			continue;
		kp_ctx_source *s = kp_arena_alloc(a, sizeof *s);
		s->kind = (src_kind)k;
		s->spec = spec;
		s->spec_t = kp_ttree_compile(a, spec, kp_arena_printf(a, "%s/%s", path, keys[k]), diag);
		const kp_value *jp = kp_value_get(spec, "jmesPath");
		if (kp_value_type(jp) == KP_STRING && jp->u.s.len && !kp_has_variables(jp->u.s.ptr, jp->u.s.len)) {
			kp_error ce;
			s->jp = kp_jp_compile(jp->u.s.ptr, jp->u.s.len, KP_JP_KYVERNO, a, NULL, &ce);
		}
		return s;
	}
	return NULL;
}

/* ---- loading ---- */

/* jmesPath of the substituted spec applied to data (no jmesPath: data). */
static int apply_jmespath(const kp_ctx_source *s, const kp_value *spec, const kp_value *data,
			  kp_arena *a, const kp_value **out, kp_error *err)
{
	const kp_value *q = kp_value_get(spec, "jmesPath");
	if (kp_value_type(q) != KP_STRING || !q->u.s.len) {
		*out = data;
		return 0;
	}
	const kp_jp *jp = s->jp;
	kp_error je;
	if (!jp && !(jp = kp_jp_compile(q->u.s.ptr, q->u.s.len, KP_JP_KYVERNO, a, NULL, &je)))
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "failed to apply jmespath %s: %s",
				 q->u.s.ptr, je.msg);
	if (kp_jp_eval(jp, data, a, out, &je) < 0)
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "failed to apply jmespath %s: %s",
				 q->u.s.ptr, je.msg);
	return 0;
}

static int substitute(const kp_ctx_source *s, kp_env *env, const kp_value **spec, kp_error *err)
{
	*spec = s->spec;
	return s->spec_t ? kp_ttree_eval(s->spec_t, &env->vars, spec, err) : 0;
}

/* The mock for an apiCall: "<METHOD>:<url>" entries, then bare-URL ones. */
const api_mock *kp_ctx_mock_find(const kp_context_sources *src, const char *method, const char *url)
{
	for (size_t i = 0; i < src->n_mocks; i++)
		if (src->mocks[i].method && !strcmp(src->mocks[i].method, method) &&
		    !strcmp(src->mocks[i].url, url))
			return &src->mocks[i];
	for (size_t i = 0; i < src->n_mocks; i++)
		if (!src->mocks[i].method && !strcmp(src->mocks[i].url, url))
			return &src->mocks[i];
	return NULL;
}

static const char *api_url(const kp_value *spec)
{
	const char *url = kp_value_path_str(kp_value_get(spec, "service"), "url");
	return url && *url ? url : kp_value_path_str(spec, "urlPath");
}

static const char *api_method(const kp_value *spec)
{
	const char *m = kp_value_path_str(spec, "method");
	return m && *m ? m : "GET";
}

static int mock_value(const kp_ctx_source *s, const kp_value *spec, const api_mock *m, kp_arena *a,
		      const kp_value **out, kp_error *err)
{
	if (m->status < 200 || m->status > 299)
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
				 "failed to fetch data for APICall: HTTP %lld (mocked response for %s)",
				 (long long)m->status, m->url);
	return apply_jmespath(s, spec, m->body, a, out, err);
}

/* ---- the fake cluster: GET on the Kubernetes API paths ---- */

/* The resource (plural, lower case) of a kind, as the API names it. */
static void plural_of(const char *kind, char *out, size_t n)
{
	size_t l = strlen(kind);
	if (l + 4 > n) {
		out[0] = 0;
		return;
	}
	for (size_t i = 0; i <= l; i++)
		out[i] = (char)tolower((unsigned char)kind[i]);
	if (l && out[l - 1] == 'y' && l > 1 && !strchr("aeiou", out[l - 2]))
		strcpy(out + l - 1, "ies");
	else if ((l && (out[l - 1] == 's' || out[l - 1] == 'x')) ||
		 (l > 1 && (!strcmp(out + l - 2, "ch") || !strcmp(out + l - 2, "sh"))))
		strcpy(out + l, !strcmp(out, "endpoints") ? "" : "es");
	else
		strcpy(out + l, "s");
}

typedef struct api_path {
	const char *group, *version, *ns, *plural, *name;   /* ns/name NULL: none */
} api_path;

/* /api/v1/[namespaces/NS/]PLURAL[/NAME], /apis/G/V/[namespaces/NS/]PLURAL[/NAME];
 * /api/v1/namespaces[/NAME] is the namespaces resource.  false otherwise. */
static bool parse_path(kp_arena *a, const char *url, api_path *p)
{
	*p = (api_path){0};
	char *s = kp_arena_strdup(a, url), *seg[9];
	size_t n = 0;
	for (char *t = strtok(s, "/"); t && n < 9; t = strtok(NULL, "/"))
		seg[n++] = t;
	size_t i = 0;
	if (n >= 2 && !strcmp(seg[0], "api")) {
		p->group = "";
		p->version = seg[1];
		i = 2;
	} else if (n >= 3 && !strcmp(seg[0], "apis")) {
		p->group = seg[1];
		p->version = seg[2];
		i = 3;
	} else {
		return false;
	}
	if (n - i >= 3 && !strcmp(seg[i], "namespaces")) {
		p->ns = seg[i + 1];
		i += 2;
	}
	if (n - i == 1 || n - i == 2) {
		p->plural = seg[i];
		p->name = n - i == 2 ? seg[i + 1] : NULL;
		return true;
	}
	return false;
}

static bool object_in(const kp_value *o, const api_path *p)
{
	const char *api = kp_value_path_str(o, "apiVersion"), *kind = kp_value_path_str(o, "kind");
	if (!api || !kind)
		return false;
	const char *slash = strchr(api, '/');
	const char *group = slash ? api : "";
	size_t glen = slash ? (size_t)(slash - api) : 0;
	const char *version = slash ? slash + 1 : api;
	if (strlen(p->group) != glen || strncmp(group, p->group, glen) || strcmp(version, p->version))
		return false;
	char plural[256];
	plural_of(kind, plural, sizeof plural);
	if (strcmp(plural, p->plural))
		return false;
	const char *ns = kp_value_path_str(o, "metadata/namespace");
	if (p->ns && strcmp(ns ? ns : "", p->ns))
		return false;
	const char *name = kp_value_path_str(o, "metadata/name");
	return !p->name || (name && !strcmp(name, p->name));
}

/* 0 with *out, 1 when the URL is not one kpolicy serves, -1 not found. */
static int cluster_get(const kp_context_sources *src, const char *url, kp_arena *a,
		       const kp_value **out, kp_error *err)
{
	api_path p;
	if (strchr(url, '?') || !parse_path(a, url, &p))
		return 1;
	if (p.name) {
		for (size_t i = 0; i < src->n_objects; i++)
			if (object_in(src->objects[i], &p)) {
				*out = src->objects[i];
				return 0;
			}
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
				 "failed to fetch data for APICall: %s \"%s\" not found", p.plural, p.name);
	}
	kp_value *items = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	const char *kind = NULL;
	for (size_t i = 0; i < src->n_objects; i++)
		if (object_in(src->objects[i], &p)) {
			kp_seq_push(a, items, (kp_value *)src->objects[i]);
			kind = kp_value_path_str(src->objects[i], "kind");
		}
	kp_value *list = kp_value_new(a, KP_MAP, NULL, 0, 0);
	const char *api = *p.group ? kp_arena_printf(a, "%s/%s", p.group, p.version) : p.version;
	kp_map_set(a, list, "apiVersion", kp_value_new_str(a, api, strlen(api), NULL, 0, 0));
	if (kind) {
		char *lk = kp_arena_printf(a, "%sList", kind);
		kp_map_set(a, list, "kind", kp_value_new_str(a, lk, strlen(lk), NULL, 0, 0));
	}
	kp_map_set(a, list, "items", items);
	kp_value *meta = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_map_set(a, meta, "resourceVersion", kp_value_new_str(a, "", 0, NULL, 0, 0));
	kp_map_set(a, list, "metadata", meta);
	*out = list;
	return 0;
}

static int load_api_call(const kp_ctx_source *s, kp_env *env, const kp_ctx_entry *e,
			 const kp_context_sources *src, const kp_value **out, kp_error *err)
{
	kp_arena *a = env->vars.scratch;
	const kp_value *spec;
	/* mocked entries were loaded eagerly; other service calls need the
	 * network: unsupported */
	if (kp_value_get(s->spec, "service") || src->no_api_calls)
		return 1;
	if (!src->cluster)
		return KP_SOURCE_DISABLED;
	if (substitute(s, env, &spec, err) < 0)
		return -1;
	const char *url = api_url(spec);
	const api_mock *m = url ? kp_ctx_mock_find(src, api_method(spec), url) : NULL;
	if (m)
		return mock_value(s, spec, m, a, out, err);
	/* the fake cluster answers urlPath GETs; service calls need the network */
	const char *path = kp_value_path_str(spec, "urlPath");
	if (kp_value_get(spec, "service") || !path || strcmp(api_method(spec), "GET"))
		return 1;
	const kp_value *data = NULL;
	int rc = cluster_get(src, path, a, &data, err);
	const kp_value *dflt = kp_value_get(spec, "default");
	if (rc < 0 && dflt) {
		/* a failed request with a default: the default as is */
		*out = dflt;
		return 0;
	}
	if (rc)
		return rc;
	(void)e;
	return apply_jmespath(s, spec, data, a, out, err);
}

static int load_config_map(const kp_ctx_source *s, kp_env *env, const kp_ctx_entry *e,
			   const kp_context_sources *src, const kp_value **out, kp_error *err)
{
	kp_arena *a = env->vars.scratch;
	if (!src->cluster)
		return KP_SOURCE_DISABLED;
	const kp_value *spec;
	if (substitute(s, env, &spec, err) < 0)
		return -1;
	const char *name = kp_value_path_str(spec, "name"), *ns = kp_value_path_str(spec, "namespace");
	const char *pns = env->run->policy->namespace;
	if (!ns || !*ns)
		ns = pns ? pns : "default";
	if (!name)
		name = "";
	for (size_t i = 0; i < src->n_objects; i++) {
		const kp_value *o = src->objects[i];
		const char *k = kp_value_path_str(o, "kind"), *n = kp_value_path_str(o, "metadata/name");
		const char *ons = kp_value_path_str(o, "metadata/namespace");
		if (!k || strcmp(k, "ConfigMap") || !n || strcmp(n, name) || strcmp(ons ? ons : "default", ns))
			continue;
		kp_value *v = kp_value_new(a, KP_MAP, NULL, 0, 0);
		const kp_value *data = kp_value_get(o, "data");
		kp_map_set(a, v, "data", data ? (kp_value *)data : kp_value_new(a, KP_MAP, NULL, 0, 0));
		const kp_value *meta = kp_value_get(o, "metadata");
		kp_map_set(a, v, "metadata", meta ? (kp_value *)meta : kp_value_new(a, KP_MAP, NULL, 0, 0));
		*out = v;
		return 0;
	}
	return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
			 "failed to retrieve config map for context entry %s: failed to get configmap "
			 "%s/%s : configmaps \"%s\" not found", e->name, ns, name, name);
}

/* The mock entry's value: data or the resources, then fieldPath, then
 * projections ({name: value}). */
int kp_ctx_global_value(const global_entry *g, kp_arena *a, const kp_value **out, kp_error *err)
{
	const kp_value *root = g->data ? g->data : g->resources;
	kp_error je;
	if (!root) {
		*out = NULL;
		return 0;
	}
	if (g->field_path) {
		const kp_jp *jp = kp_jp_compile(g->field_path, strlen(g->field_path), KP_JP_KYVERNO, a, NULL, &je);
		if (!jp || kp_jp_eval(jp, root, a, &root, &je) < 0)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "globalContextEntries \"%s\" fieldPath: %s",
					 g->name, je.msg);
	}
	if (!kp_value_len(g->projections)) {
		*out = root;
		return 0;
	}
	kp_value *m = kp_value_new(a, KP_MAP, NULL, 0, 0);
	for (size_t i = 0; i < g->projections->u.seq.n; i++) {
		const kp_value *p = g->projections->u.seq.items[i];
		const char *pn = kp_value_path_str(p, "name"), *pp = kp_value_path_str(p, "path");
		if (!pn || !*pn)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
					 "globalContextEntries \"%s\" projection name must not be empty", g->name);
		const kp_jp *jp = kp_jp_compile(pp ? pp : "", pp ? strlen(pp) : 0, KP_JP_KYVERNO, a, NULL, &je);
		const kp_value *v;
		if (!jp || kp_jp_eval(jp, root, a, &v, &je) < 0)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
					 "globalContextEntries \"%s\" projection \"%s\" path \"%s\": %s",
					 g->name, pn, pp ? pp : "", je.msg);
		kp_map_set(a, m, pn, (kp_value *)(v ? v : kp_value_new(a, KP_NULL, NULL, 0, 0)));
	}
	*out = m;
	return 0;
}

static int load_global(const kp_ctx_source *s, kp_env *env, const kp_context_sources *src,
		       const kp_value **out, kp_error *err)
{
	kp_arena *a = env->vars.scratch;
	if (src->no_api_calls && !src->n_globals)
		return 1;    /* apply builds entries from GlobalContextEntry inputs */
	if (!src->n_globals)
		return KP_SOURCE_DISABLED;
	const kp_value *spec;
	if (substitute(s, env, &spec, err) < 0)
		return -1;
	const char *name = kp_value_path_str(spec, "name");
	if (!name)
		name = "";
	const char *dot = strchr(name, '.');
	size_t len = dot ? (size_t)(dot - name) : strlen(name);
	const global_entry *g = kp_ctx_global_find(src, name, len);
	if (!g)
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "failed to fetch entry key=%.*s", (int)len, name);
	const kp_value *data;
	if (kp_ctx_global_value(g, a, &data, err) < 0)
		return -1;
	if (dot) {
		if (kp_value_type(data) != KP_MAP)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "global context mock: projection \"%s\" "
					 "requested but value is not an object", dot + 1);
		const kp_value *v = kp_value_get(data, dot + 1);
		if (!v)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
					 "global context mock: projection \"%s\" not found", dot + 1);
		data = v;
	}
	return apply_jmespath(s, spec, data, a, out, err);
}

int kp_ctx_source_load(kp_env *env, const kp_ctx_entry *e, const kp_value **out, kp_error *err)
{
	const kp_context_sources *src = env->run->opts->sources;
	const kp_ctx_source *s = e->source;
	if (!src || !s)
		return 1;
	switch (s->kind) {
	case SRC_CONFIGMAP: return load_config_map(s, env, e, src, out, err);
	case SRC_APICALL: return load_api_call(s, env, e, src, out, err);
	case SRC_GLOBAL: return load_global(s, env, src, out, err);
	case SRC_IMAGE: return 1;  /* a registry fetch: unsupported */
	}
	return 1;
}

int kp_ctx_sources_register(kp_env *env, size_t first, kp_error *err)
{
	const kp_context_sources *src = env->run->opts->sources;
	if (!src || !src->n_mocks)
		return 0;
	kp_arena *a = env->vars.scratch;
	for (size_t i = first; i < env->n_entries; i++) {
		const kp_ctx_entry *e = env->entries[i];
		const kp_ctx_source *s = e->source;
		if (!s || s->kind != SRC_APICALL)
			continue;
		/* mocks are consulted when the entry is registered */
		const kp_value *spec, *v;
		kp_error se;
		if (substitute(s, env, &spec, &se) < 0)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
					 "failed to substitute variables in apiCall context entry \"%s\": %s",
					 e->name, se.msg);
		const char *url = api_url(spec);
		const api_mock *m = url ? kp_ctx_mock_find(src, api_method(spec), url) : NULL;
		if (!m)
			continue;
		env->loaded[i] = true;
		if (mock_value(s, spec, m, a, &v, err) < 0 ||
		    kp_ctx_set(a, env->root, e->name, strlen(e->name), v ? v : kp_value_new(a, KP_NULL, NULL, 0, 0), err) < 0)
			return -1;
	}
	return 0;
}
