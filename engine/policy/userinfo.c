/* userinfo.c - Kyverno CLI user-info (`kind: UserInfo`, kyverno's
 * RequestInfo) and values (`kind: Values`) documents. */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

static int bad(kp_error *err, const kp_value *at, const char *path, const char *what)
{
	if (!err)
		return -1;
	kp_errorf(err, KP_E_DOC, kp_value_file(at), kp_value_line(at), kp_value_col(at),
		  "%s", what);
	snprintf(err->path, sizeof err->path, "%s", path);
	return -1;
}

/* A list of strings copied into a; absent or null gives n = 0 and
 * *present = false. */
static int strings(kp_arena *a, const kp_value *v, const char *path,
		   const char ***out, size_t *n, bool *present, kp_error *err)
{
	*out = NULL;
	*n = 0;
	*present = kp_value_type(v) != KP_NULL;
	if (!*present)
		return 0;
	if (v->type != KP_SEQ)
		return bad(err, v, path, "expected a list of strings");
	*out = kp_arena_alloc(a, sizeof(char *) * (v->u.seq.n + 1));
	for (size_t i = 0; i < v->u.seq.n; i++) {
		const kp_value *it = v->u.seq.items[i];
		if (kp_value_type(it) != KP_STRING)
			return bad(err, it ? it : v, path, "expected a string");
		(*out)[i] = kp_arena_strndup(a, it->u.s.ptr, it->u.s.len);
	}
	*n = v->u.seq.n;
	return 0;
}

kp_userinfo *kp_userinfo_from_value(const kp_value *v, kp_error *err)
{
	if (kp_value_type(v) != KP_MAP) {
		bad(err, v, "", "a user info document must be a mapping");
		return NULL;
	}
	kp_userinfo *u = kp_xcalloc(1, sizeof *u);
	u->arena = kp_arena_new();
	bool p_roles, p_croles, p_groups;
	const kp_value *info = kp_value_get(v, "userInfo");
	if (kp_value_type(info) != KP_NULL && info->type != KP_MAP) {
		bad(err, info, "/userInfo", "userInfo must be a mapping");
		goto fail;
	}
	if (strings(u->arena, kp_value_get(v, "roles"), "/roles", &u->roles, &u->n_roles,
		    &p_roles, err) ||
	    strings(u->arena, kp_value_get(v, "clusterRoles"), "/clusterRoles",
		    &u->cluster_roles, &u->n_cluster_roles, &p_croles, err) ||
	    strings(u->arena, kp_value_get(info, "groups"), "/userInfo/groups", &u->groups,
		    &u->n_groups, &p_groups, err))
		goto fail;
	const kp_value *name = kp_value_get(info, "username");
	if (kp_value_type(name) != KP_NULL && name->type != KP_STRING) {
		bad(err, name, "/userInfo/username", "username must be a string");
		goto fail;
	}
	u->username = kp_arena_strdup(u->arena, name ? name->u.s.ptr : "");
	if (kp_value_type(info) == KP_MAP)
		u->info = kp_value_copy(u->arena, info);
	/* RequestInfo{} compared with DeepEqual: nothing given at all */
	u->empty = !p_roles && !p_croles && !p_groups && !*u->username &&
		   kp_value_type(kp_value_get(info, "uid")) == KP_NULL &&
		   kp_value_type(kp_value_get(info, "extra")) == KP_NULL;
	return u;
fail:
	kp_userinfo_free(u);
	return NULL;
}

void kp_userinfo_free(kp_userinfo *u)
{
	if (!u)
		return;
	kp_arena_free(u->arena);
	free(u);
}

kp_values *kp_values_from_value(const kp_value *v, kp_error *err)
{
	if (kp_value_type(v) != KP_MAP) {
		bad(err, v, "", "a values document must be a mapping");
		return NULL;
	}
	const kp_value *nss = kp_value_get(v, "namespaceSelector");
	if (kp_value_type(nss) != KP_NULL && nss->type != KP_SEQ) {
		bad(err, nss, "/namespaceSelector", "namespaceSelector must be a list");
		return NULL;
	}
	for (size_t i = 0; i < kp_value_len(nss); i++) {
		const kp_value *e = nss->u.seq.items[i];
		char path[64];
		snprintf(path, sizeof path, "/namespaceSelector/%zu", i);
		if (kp_value_type(e) != KP_MAP ||
		    kp_value_type(kp_value_get(e, "name")) != KP_STRING) {
			bad(err, e ? e : nss, path, "a namespaceSelector entry needs a name");
			return NULL;
		}
		const kp_value *labels = kp_value_get(e, "labels");
		if (kp_value_type(labels) != KP_NULL && labels->type != KP_MAP) {
			bad(err, labels, path, "namespaceSelector labels must be a mapping");
			return NULL;
		}
	}
	kp_values *vals = kp_xcalloc(1, sizeof *vals);
	vals->arena = kp_arena_new();
	vals->root = kp_value_copy(vals->arena, v);
	vals->ns_selector = kp_value_get(vals->root, "namespaceSelector");
	const kp_value *subs = kp_value_get(vals->root, "subresources");
	if (kp_value_type(subs) == KP_SEQ && subs->u.seq.n) {
		vals->subresources = kp_arena_alloc(vals->arena, subs->u.seq.n * sizeof(kp_subresource));
		for (size_t i = 0; i < subs->u.seq.n; i++) {
			const kp_value *e = subs->u.seq.items[i];
			const char *name = kp_value_path_str(e, "subresource/name");
			const char *slash = name ? strchr(name, '/') : NULL;
			kp_subresource *sr = &vals->subresources[vals->n_subresources];
			sr->group = kp_value_path_str(e, "subresource/group");
			sr->version = kp_value_path_str(e, "subresource/version");
			sr->kind = kp_value_path_str(e, "subresource/kind");
			sr->parent_group = kp_value_path_str(e, "parentResource/group");
			sr->parent_version = kp_value_path_str(e, "parentResource/version");
			sr->parent_kind = kp_value_path_str(e, "parentResource/kind");
			sr->name = slash ? slash + 1 : "";
			if (sr->kind && sr->parent_kind) {
				if (!sr->group) sr->group = "";
				if (!sr->version) sr->version = "";
				if (!sr->parent_group) sr->parent_group = "";
				if (!sr->parent_version) sr->parent_version = "";
				vals->n_subresources++;
			}
		}
	}
	return vals;
}

kp_values *kp_values_from_set(const char *kv)
{
	kp_values *vals = kp_xcalloc(1, sizeof *vals);
	vals->arena = kp_arena_new();
	kp_arena *a = vals->arena;
	vals->root = kp_value_new(a, KP_MAP, NULL, 0, 0);
	for (const char *p = kv ? kv : ""; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		bool one_eq = eq && !memchr(eq + 1, '=', n - (size_t)(eq - p) - 1);
		if (one_eq && eq > p && eq < p + n - 1) {
			char *k = kp_arena_strndup(a, p, (size_t)(eq - p));
			if (!strstr(k, "request.object.") && !kp_map_get_mut(vals->root, k))
				kp_map_set(a, vals->root, k,
					   kp_value_new_str(a, eq + 1, n - (size_t)(eq - p) - 1, NULL, 0, 0));
		}
		p += n + (end != NULL);
	}
	return vals;
}

void kp_values_free(kp_values *vals)
{
	if (!vals)
		return;
	kp_arena_free(vals->arena);
	free(vals);
}

const kp_value *kp_values_namespace_labels(const kp_values *v, const char *ns)
{
	if (!v || !ns)
		return NULL;
	/* later entries win, as the CLI fills a map in list order */
	const kp_value *found = NULL;
	for (size_t i = 0; i < kp_value_len(v->ns_selector); i++) {
		const kp_value *e = v->ns_selector->u.seq.items[i];
		if (kp_value_str_eq(kp_value_get(e, "name"), ns))
			found = kp_value_get(e, "labels");
	}
	return kp_value_type(found) == KP_MAP ? found : NULL;
}
