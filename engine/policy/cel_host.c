/* cel_host.c - the data behind Kyverno's CEL host libraries (resource,
 * globalContext, http, image.GetMetadata) as the Kyverno CLI serves them
 * offline (kyverno/kyverno cmd/cli/kubectl-kyverno/processor
 * NewContextProvider, pkg/cel/libs/fake_context.go, http_mock.go):
 *   - a test with clusterResources runs Kyverno's real context provider
 *     over a fake cluster holding those objects and the test's resources:
 *     resource.Get/List read them (List across namespaces for "", label
 *     selectors applied); globalContext and image metadata would need the
 *     controller's store or a registry: unsupported;
 *   - otherwise the fake provider: resource.Get/List read the context
 *     file's spec.resources (List of a resource the file lacks is an
 *     error, labels are ignored), globalContext.Get the test's
 *     globalContextEntries (a missing entry is null), image.GetMetadata the
 *     context file's spec.images;
 *   - http.Get/Post answer from apiCallResponses mocks (the mock's whole
 *     `response`, so `.body` reads its body); an unmocked URL needs the
 *     network: unsupported.
 * Objects are indexed once, when added: an evaluation looks them up by
 * hashing its arguments and parses nothing.  Numbers: objects keep their
 * integers (the CLI decodes them as unstructured, int64); images, global
 * entries and mocked responses went through JSON into `any`: doubles. */
#include "policy/ctx_sources_int.h"
#include "policy/policy_cel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- an index of objects by group/version, resource, namespace, name ---- */

typedef struct idx_ent {
	const char *key;
	size_t klen;
	uint64_t h;
	const kp_value *obj;         /* 'o' keys: the object */
	kp_value *list;              /* 'l'/'a' keys: the list object */
	kp_value *items;             /* its items */
	size_t cap;                  /* room in items' array */
	struct idx_ent *next;
} idx_ent;

typedef struct res_index {
	idx_ent **b;
	size_t nb, n;
	bool full_lists;             /* lists as the API server gives them
	                                (apiVersion, kind, metadata, items) */
} res_index;

typedef struct img_ent {
	const char *image;
	const kp_value *data;
} img_ent;

struct kp_cel_data {
	res_index cluster;           /* clusterResources + the test's resources */
	res_index ctx;               /* the context file's spec.resources */
	img_ent *images;
	size_t n_images;
};

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static idx_ent *idx_find(const res_index *x, const char *key, size_t n)
{
	if (!x->nb)
		return NULL;
	uint64_t h = fnv(key, n);
	for (idx_ent *e = x->b[h & (x->nb - 1)]; e; e = e->next)
		if (e->h == h && e->klen == n && !memcmp(e->key, key, n))
			return e;
	return NULL;
}

static idx_ent *idx_put(kp_arena *a, res_index *x, const char *key, size_t n)
{
	idx_ent *e = idx_find(x, key, n);
	if (e)
		return e;
	if (x->n + 1 > x->nb) {
		size_t nb = x->nb ? x->nb * 2 : 64;
		idx_ent **b = kp_xcalloc(nb, sizeof *b);
		for (size_t i = 0; i < x->nb; i++)
			for (idx_ent *p = x->b[i], *next; p; p = next) {
				next = p->next;
				p->next = b[p->h & (nb - 1)];
				b[p->h & (nb - 1)] = p;
			}
		free(x->b);
		x->b = b;
		x->nb = nb;
	}
	e = kp_arena_alloc(a, sizeof *e);
	memset(e, 0, sizeof *e);
	e->key = kp_arena_strndup(a, key, n);
	e->klen = n;
	e->h = fnv(key, n);
	e->next = x->b[e->h & (x->nb - 1)];
	x->b[e->h & (x->nb - 1)] = e;
	x->n++;
	return e;
}

/* Keys: 'o' object (apiVersion, resource, namespace, name), 'l' list of
 * one namespace, 'a' list of all namespaces, 'g' the resource is known. */
static size_t key_of(char *buf, size_t cap, char t, const char *api, const char *res,
		     const char *ns, const char *name)
{
	int n = snprintf(buf, cap, "%c%s\x1f%s\x1f%s\x1f%s", t, api, res, ns ? ns : "", name ? name : "");
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static kp_value *str_node(kp_arena *a, const char *s)
{
	return kp_value_new_str(a, s, strlen(s), NULL, 0, 0);
}

static void list_add(kp_arena *a, res_index *x, const char *key, size_t n, const char *api,
		     const char *kind, const kp_value *obj)
{
	idx_ent *e = idx_put(a, x, key, n);
	if (!e->list) {
		e->list = kp_value_new(a, KP_MAP, NULL, 0, 0);
		e->items = kp_value_new(a, KP_SEQ, NULL, 0, 0);
		if (x->full_lists) {
			kp_map_set(a, e->list, "apiVersion", str_node(a, api));
			kp_map_set(a, e->list, "kind", str_node(a, kp_arena_printf(a, "%sList", kind)));
			kp_value *meta = kp_value_new(a, KP_MAP, NULL, 0, 0);
			kp_map_set(a, meta, "resourceVersion", str_node(a, ""));
			kp_map_set(a, e->list, "metadata", meta);
		}
		kp_map_set(a, e->list, "items", e->items);
	}
	/* doubling: kp_seq_push copies the array on every push, quadratic
	 * in time and arena memory over a context of thousands of objects */
	kp_value *items = e->items;
	if (items->u.seq.n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		kp_value **grown = kp_arena_alloc(a, e->cap * sizeof *grown);
		if (items->u.seq.n)
			memcpy(grown, items->u.seq.items, items->u.seq.n * sizeof *grown);
		items->u.seq.items = grown;
	}
	items->u.seq.items[items->u.seq.n++] = (kp_value *)obj;
}

static void index_object(kp_arena *a, res_index *x, const kp_value *obj)
{
	const char *api = kp_value_path_str(obj, "apiVersion"), *kind = kp_value_path_str(obj, "kind");
	const char *name = kp_value_path_str(obj, "metadata/name");
	const char *ns = kp_value_path_str(obj, "metadata/namespace");
	if (!api || !kind || !*kind)
		return;
	const char *res = kp_policy_guess_resource(a, kind);
	char key[1024];
	size_t n;
	if ((n = key_of(key, sizeof key, 'o', api, res, ns, name)))
		idx_put(a, x, key, n)->obj = obj;     /* a later one replaces it */
	if ((n = key_of(key, sizeof key, 'g', api, res, NULL, NULL)))
		idx_put(a, x, key, n);
	if ((n = key_of(key, sizeof key, 'l', api, res, ns, NULL)))
		list_add(a, x, key, n, api, kind, obj);
	if ((n = key_of(key, sizeof key, 'a', api, res, NULL, NULL)))
		list_add(a, x, key, n, api, kind, obj);
}

static kp_cel_data *data_of(kp_context_sources *s)
{
	if (!s->cel) {
		s->cel = kp_xcalloc(1, sizeof *s->cel);
		s->cel->cluster.full_lists = true;
	}
	return s->cel;
}

void kp_cel_data_add_cluster_object(kp_context_sources *s, const kp_value *obj)
{
	index_object(s->arena, &data_of(s)->cluster, obj);
}

void kp_cel_data_free(kp_cel_data *d)
{
	if (!d)
		return;
	free(d->cluster.b);
	free(d->ctx.b);
	free(d->images);
	free(d);
}

/* ---- the context file (kind Context, cli.kyverno.io) ---- */

/* An image as the CLI hands it to the library: ImageData through JSON
 * (image, resolvedImage, registry, repository always; tag, digest,
 * imageIndex, manifest, config when set). */
static const kp_value *image_data(kp_arena *a, const kp_value *img)
{
	kp_value *m = kp_value_new(a, KP_MAP, NULL, 0, 0);
	static const char *const always[] = {"image", "resolvedImage", "registry", "repository"};
	for (size_t i = 0; i < 4; i++) {
		const char *v = kp_value_path_str(img, always[i]);
		kp_map_set(a, m, always[i], str_node(a, v ? v : ""));
	}
	static const char *const strs[] = {"tag", "digest"};
	for (size_t i = 0; i < 2; i++) {
		const char *v = kp_value_path_str(img, strs[i]);
		if (v && *v)
			kp_map_set(a, m, strs[i], str_node(a, v));
	}
	static const char *const anys[] = {"imageIndex", "manifest", "config"};
	for (size_t i = 0; i < 3; i++) {
		const kp_value *v = kp_value_get(img, anys[i]);
		if (v && v->type != KP_NULL)
			kp_map_set(a, m, anys[i], kp_value_copy(a, v));
	}
	return m;
}

int kp_context_sources_add_context(kp_context_sources *s, const kp_value *doc, kp_error *err)
{
	if (kp_value_type(doc) != KP_MAP || !kp_value_str_eq(kp_value_get(doc, "kind"), "Context"))
		return kp_error_at(err, KP_E_DOC, doc, NULL, "a context file must be a mapping of kind Context");
	const kp_value *spec = kp_value_get(doc, "spec");
	if (kp_value_type(spec) != KP_MAP && kp_value_type(spec) != KP_NULL)
		return kp_error_at(err, KP_E_DOC, spec, "/spec", "spec must be a mapping");
	const kp_value *res = kp_value_get(spec, "resources"), *imgs = kp_value_get(spec, "images");
	if (kp_value_type(res) != KP_NULL && res->type != KP_SEQ)
		return kp_error_at(err, KP_E_DOC, res, "/spec/resources", "spec.resources must be a list");
	if (kp_value_type(imgs) != KP_NULL && imgs->type != KP_SEQ)
		return kp_error_at(err, KP_E_DOC, imgs, "/spec/images", "spec.images must be a list");
	char path[64];
	for (size_t i = 0; i < kp_value_len(res); i++) {
		const kp_value *o = kp_value_at(res, i);
		snprintf(path, sizeof path, "/spec/resources/%zu", i);
		if (kp_value_type(o) != KP_MAP || !kp_value_path_str(o, "apiVersion") || !kp_value_path_str(o, "kind"))
			return kp_error_at(err, KP_E_DOC, o, path, "a context resource needs apiVersion and kind");
	}
	for (size_t i = 0; i < kp_value_len(imgs); i++) {
		snprintf(path, sizeof path, "/spec/images/%zu", i);
		if (!kp_value_path_str(kp_value_at(imgs, i), "image"))
			return kp_error_at(err, KP_E_DOC, kp_value_at(imgs, i), path,
					   "a context image needs `image`");
	}
	kp_cel_data *d = data_of(s);
	for (size_t i = 0; i < kp_value_len(res); i++)
		index_object(s->arena, &d->ctx, kp_value_copy(s->arena, kp_value_at(res, i)));
	size_t n = kp_value_len(imgs);
	d->images = kp_xrealloc(d->images, (d->n_images + n + 1) * sizeof *d->images);
	for (size_t i = 0; i < n; i++) {
		const kp_value *img = kp_value_at(imgs, i);
		d->images[d->n_images++] = (img_ent){kp_arena_strdup(s->arena, kp_value_path_str(img, "image")),
						     image_data(s->arena, img)};
	}
	return 0;
}

/* ---- answering the library ---- */

/* GroupResource as Kubernetes prints it: "configmaps", "deployments.apps". */
static const char *group_resource(kp_arena *a, const char *api, const char *res)
{
	const char *slash = strchr(api, '/');
	return slash ? kp_arena_printf(a, "%s.%.*s", res, (int)(slash - api), api) : res;
}

static bool labels_match(const kp_value *obj, const kp_cel_host_req *req)
{
	const kp_value *labels = kp_value_path(obj, "metadata/labels");
	for (size_t i = 0; i < req->n_labels; i++)
		if (!kp_value_str_eq(kp_value_get(labels, req->label_keys[i]), req->label_vals[i]))
			return false;
	return true;
}

static int resource_get(const res_index *x, const kp_cel_host_req *req, kp_arena *a,
			const kp_value **out, const char **msg)
{
	char key[1024];
	size_t n = key_of(key, sizeof key, 'o', req->a[0], req->a[1], req->a[2], req->a[3]);
	const idx_ent *e = n ? idx_find(x, key, n) : NULL;
	if (e && e->obj) {
		*out = e->obj;
		return 2;
	}
	*msg = kp_arena_printf(a, "%s \"%s\" not found", group_resource(a, req->a[0], req->a[1]), req->a[3]);
	return -1;
}

static int resource_list(const res_index *x, bool cluster, const kp_cel_host_req *req, kp_arena *a,
			 const kp_value **out, const char **msg)
{
	char key[1024];
	size_t n;
	const char *api = req->a[0], *res = req->a[1], *ns = req->a[2];
	if (!cluster && (!(n = key_of(key, sizeof key, 'g', api, res, NULL, NULL)) || !idx_find(x, key, n))) {
		*msg = kp_arena_printf(a, "%s resource not found", group_resource(a, api, res));
		return -1;
	}
	/* the real provider lists every namespace for "" */
	n = cluster && !*ns ? key_of(key, sizeof key, 'a', api, res, NULL, NULL)
			    : key_of(key, sizeof key, 'l', api, res, ns, NULL);
	const idx_ent *e = n ? idx_find(x, key, n) : NULL;
	/* the fake provider ignores label selectors */
	if (e && (!cluster || !req->n_labels)) {
		*out = e->list;
		return 2;
	}
	kp_value *list = kp_value_new(a, KP_MAP, NULL, 0, 0), *items = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	if (cluster) {
		kp_map_set(a, list, "apiVersion", str_node(a, api));
		const kp_value *kind = e ? kp_value_get(e->list, "kind") : NULL;
		if (kind)
			kp_map_set(a, list, "kind", (kp_value *)kind);
		kp_value *meta = kp_value_new(a, KP_MAP, NULL, 0, 0);
		kp_map_set(a, meta, "resourceVersion", str_node(a, ""));
		kp_map_set(a, list, "metadata", meta);
	}
	/* one array for the matches (not kp_seq_push: quadratic) */
	size_t total = e ? e->items->u.seq.n : 0;
	items->u.seq.items = kp_arena_alloc(a, (total + 1) * sizeof *items->u.seq.items);
	for (size_t i = 0; i < total; i++)
		if (labels_match(e->items->u.seq.items[i], req))
			items->u.seq.items[items->u.seq.n++] = e->items->u.seq.items[i];
	kp_map_set(a, list, "items", items);
	*out = list;
	return 2;
}

static int global_get(const kp_context_sources *s, const kp_cel_host_req *req, kp_arena *a,
		      const kp_value **out, const char **msg)
{
	const char *name = req->a[0], *proj = req->a[1];
	const global_entry *g = kp_ctx_global_find(s, name, strlen(name));
	*out = NULL;
	if (!g)
		return 0;                /* the fake provider: nil, nil */
	kp_error e;
	const kp_value *v;
	if (kp_ctx_global_value(g, a, &v, &e) < 0) {
		*msg = kp_arena_strdup(a, e.msg);
		return -1;
	}
	if (*proj && kp_value_type(v) == KP_MAP) {
		const kp_value *p = kp_value_get(v, proj);
		if (!p) {
			*msg = kp_arena_printf(a, "projection \"%s\" not found in global context entry \"%s\"",
					       proj, name);
			return -1;
		}
		v = p;
	}
	*out = v;
	return 0;
}

static int host_call(void *user, const kp_cel_host_req *req, kp_arena *a, const kp_value **out,
		     const char **msg)
{
	const kp_context_sources *s = user;
	const kp_cel_data *d = s->cel;
	static const kp_cel_data empty = {{0}, {0}, 0, 0};
	if (!d)
		d = &empty;
	switch (req->op) {
	case KP_CEL_RESOURCE_GET:
		return resource_get(s->cluster ? &d->cluster : &d->ctx, req, a, out, msg);
	case KP_CEL_RESOURCE_LIST:
		return resource_list(s->cluster ? &d->cluster : &d->ctx, s->cluster, req, a, out, msg);
	case KP_CEL_GLOBAL_GET:
		if (s->cluster) {
			*msg = "cel globalContext.Get with clusterResources (the controller's store)";
			return 1;
		}
		return global_get(s, req, a, out, msg);
	case KP_CEL_HTTP_GET:
	case KP_CEL_HTTP_POST: {
		const api_mock *m = kp_ctx_mock_find(s, req->op == KP_CEL_HTTP_GET ? "GET" : "POST", req->a[0]);
		if (!m) {
			*msg = req->op == KP_CEL_HTTP_GET ? "cel http.Get of an unmocked URL"
							  : "cel http.Post to an unmocked URL";
			return 1;
		}
		*out = m->response;
		return 0;
	}
	case KP_CEL_IMAGE_METADATA:
		if (s->cluster) {
			*msg = "cel image.GetMetadata with clusterResources (a registry)";
			return 1;
		}
		for (size_t i = d->n_images; i-- > 0;)
			if (!strcmp(d->images[i].image, req->a[0])) {
				*out = d->images[i].data;
				return 0;
			}
		*msg = kp_arena_printf(a, "image data for %s not found in the context", req->a[0]);
		return -1;
	}
	return 1;
}

void kp_policy_cel_host(const kp_rule_run *run, kp_cel_host *host)
{
	const kp_policy *p = run->policy;
	host->call = run->opts->sources ? host_call : NULL;
	host->user = (void *)run->opts->sources;
	host->namespace = !strncmp(p->kind, "Namespaced", 10) ? p->namespace : NULL;
}
