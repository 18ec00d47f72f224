/* vap_binding.c - ValidatingAdmissionPolicyBinding documents and the
 * parameter resources of a policy set (`kpolicy apply
 * --parameter-resource`, the test file's `paramResources`), joined to
 * their ValidatingAdmissionPolicies at seal (kyverno-cel.md §16). */
#include "policy/vap.h"

#include <stdlib.h>
#include <string.h>

static kp_arena *vap_arena(kp_policy_set *ps)
{
	if (!ps->vap_arena)
		ps->vap_arena = kp_arena_new();
	return ps->vap_arena;
}

int kp_vap_binding_add(kp_policy_set *ps, const kp_value *root, kp_error *err)
{
	kp_arena *a = vap_arena(ps);
	/* selectors borrow their strings: the binding keeps its own copy */
	root = kp_value_copy(a, root);
	kp_vap_binding *b = kp_arena_alloc(a, sizeof *b);
	memset(b, 0, sizeof *b);
	const char *name = kp_value_path_str(root, "metadata/name");
	b->name = kp_arena_strdup(a, name ? name : "");
	const kp_value *spec = kp_value_get(root, "spec");
	if (kp_vap_shape_check(a, spec, true, err))
		return -1;
	const char *pn = kp_value_path_str(spec, "policyName");
	if (!pn || !*pn)
		return kp_error_at(err, KP_E_POLICY, spec ? spec : root, "/spec/policyName",
				   "ValidatingAdmissionPolicyBinding %s needs spec.policyName", b->name);
	b->policy_name = kp_arena_strdup(a, pn);
	if (kp_match_resources_compile(a, kp_value_get(spec, "matchResources"), "/spec/matchResources",
				       &b->match, err))
		return -1;
	const kp_value *ref = kp_value_get(spec, "paramRef");
	b->has_param_ref = kp_value_type(ref) == KP_MAP;
	const char *pname = kp_value_path_str(ref, "name");
	b->param_name = kp_arena_strdup(a, pname ? pname : "");
	if (kp_label_selector_compile(a, kp_value_get(ref, "selector"), "/spec/paramRef/selector",
				      &b->param_sel, err))
		return -1;
	if (ps->n_vap_bindings == ps->cap_vap_bindings) {
		size_t cap = ps->cap_vap_bindings ? 2 * ps->cap_vap_bindings : 4;
		ps->vap_bindings = kp_xrealloc(ps->vap_bindings, cap * sizeof *ps->vap_bindings);
		ps->cap_vap_bindings = cap;
	}
	ps->vap_bindings[ps->n_vap_bindings++] = b;
	return 1;
}

int kp_policy_set_add_param(kp_policy_set *ps, const kp_doc *doc, kp_error *err)
{
	if (err)
		kp_error_clear(err);
	const kp_value *root = kp_doc_root(doc);
	if (!ps || !root)
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "kp_policy_set_add_param: no set or document");
	if (ps->index)
		return kp_errorf(err, KP_E_USAGE, kp_value_file(root), 0, 0,
				 "kp_policy_set_add_param: the set is sealed");
	if (ps->n_params == ps->cap_params) {
		size_t cap = ps->cap_params ? 2 * ps->cap_params : 4;
		ps->params = kp_xrealloc(ps->params, cap * sizeof *ps->params);
		ps->cap_params = cap;
	}
	ps->params[ps->n_params++] = kp_value_copy(vap_arena(ps), root);
	return 0;
}

const kp_value *kp_vap_binding_params(const kp_vap_binding *b, const kp_value *const *params,
				      size_t n_params, kp_arena *a)
{
	if (!b->has_param_ref)
		return NULL;
	if (!b->param_sel.present) {
		for (size_t i = 0; i < n_params; i++)
			if (kp_value_str_eq(kp_value_path(params[i], "metadata/name"), b->param_name))
				return params[i];
		return NULL;
	}
	/* one array for the matches: kp_seq_push copies the list on each
	 * push, quadratic over thousands of parameter resources */
	kp_value **found = NULL;
	size_t n = 0;
	for (size_t i = 0; i < n_params; i++) {
		if (!kp_label_selector_matches(&b->param_sel, kp_value_path(params[i], "metadata/labels")))
			continue;
		if (!found)
			found = kp_arena_alloc(a, (n_params - i) * sizeof *found);
		found[n++] = (kp_value *)params[i];
	}
	if (!n)
		return NULL;
	kp_value *items = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	items->u.seq.items = found;
	items->u.seq.n = n;
	/* an UnstructuredList's content */
	kp_value *list = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_map_set(a, list, "items", items);
	return list;
}

void kp_vap_bind(kp_policy_set *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		kp_policy *p = ps->items[i];
		p->params = ps->params;
		p->n_params = ps->n_params;
		if (p->unsupported || strcmp(p->kind, "ValidatingAdmissionPolicy"))
			continue;
		size_t n = 0;
		for (size_t k = 0; k < ps->n_vap_bindings; k++)
			n += !strcmp(ps->vap_bindings[k]->policy_name, p->name);
		if (!n)
			continue;      /* its own matchConstraints decide */
		const kp_vap_binding **mine = kp_arena_alloc(vap_arena(ps), n * sizeof *mine);
		n = 0;
		for (size_t k = 0; k < ps->n_vap_bindings; k++)
			if (!strcmp(ps->vap_bindings[k]->policy_name, p->name))
				mine[n++] = ps->vap_bindings[k];
		kp_vap_attach(p, mine, n);
	}
}

void kp_vap_set_free(kp_policy_set *ps)
{
	free(ps->vap_bindings);
	free(ps->params);
	kp_arena_free(ps->vap_arena);
	ps->vap_bindings = NULL;
	ps->params = NULL;
	ps->vap_arena = NULL;
}

/* ---- validate.cel paramKind / paramRef ---- */

int kp_param_ref_compile(kp_arena *a, const kp_value *param_kind, const kp_value *ref,
			 const char *path, kp_param_ref *out, kp_error *err)
{
	memset(out, 0, sizeof *out);
	const char *s = kp_value_path_str(param_kind, "apiVersion");
	out->api_version = kp_arena_strdup(a, s ? s : "");
	s = kp_value_path_str(param_kind, "kind");
	out->kind = kp_arena_strdup(a, s ? s : "");
	s = kp_value_path_str(ref, "name");
	out->name = kp_arena_strdup(a, s ? s : "");
	s = kp_value_path_str(ref, "namespace");
	out->namespace = kp_arena_strdup(a, s ? s : "");
	out->deny = kp_value_str_eq(kp_value_get(ref, "parameterNotFoundAction"), "Deny");
	return kp_label_selector_compile(a, kp_value_get(ref, "selector"),
					 kp_arena_printf(a, "%s/selector", path), &out->selector, err);
}

int kp_param_ref_collect(const kp_param_ref *r, const kp_value *const *params, size_t n_params,
			 const char *resource_ns, const char *policy_ns, kp_arena *a,
			 const kp_value ***out, size_t *n, const char **error)
{
	*out = NULL;
	*n = 0;
	const char *ns = "";
	if (!kp_kind_is_cluster_scoped(r->api_version, r->kind)) {
		if (policy_ns && *policy_ns) {
			if (*r->namespace && strcmp(r->namespace, policy_ns)) {
				*error = kp_arena_printf(a, "paramRef.namespace \"%s\" must match policy namespace \"%s\"",
							 r->namespace, policy_ns);
				return -1;
			}
			ns = policy_ns;
		} else if (*r->namespace) {
			ns = r->namespace;
		} else if (resource_ns && *resource_ns) {
			ns = resource_ns;
		} else {
			*error = "can't use namespaced paramRef to match cluster-scoped resources";
			return -1;
		}
	} else if (policy_ns && *policy_ns) {
		*error = "cluster-scoped paramKind is not allowed in namespaced policies";
		return -1;
	} else if (*r->namespace) {
		*error = "paramRef.namespace must not be provided for a cluster-scoped `paramKind`";
		return -1;
	}
	const kp_value **found = kp_arena_alloc(a, (n_params + 1) * sizeof *found);
	for (size_t i = 0; i < n_params; i++) {
		const kp_value *p = params[i];
		const char *pns = kp_value_path_str(p, "metadata/namespace");
		if (!kp_value_str_eq(kp_value_get(p, "apiVersion"), r->api_version) ||
		    !kp_value_str_eq(kp_value_get(p, "kind"), r->kind) || strcmp(pns ? pns : "", ns))
			continue;
		if (*r->name) {
			if (kp_value_str_eq(kp_value_path(p, "metadata/name"), r->name)) {
				found[0] = p;
				*out = found;
				*n = 1;
				return 0;
			}
		} else if (r->selector.present &&
			   kp_label_selector_matches(&r->selector, kp_value_path(p, "metadata/labels"))) {
			found[(*n)++] = p;
		}
	}
	if (*r->name) {
		/* the API's NotFound */
		*error = kp_arena_printf(a, "%s \"%s\" not found", kp_policy_guess_resource(a, r->kind),
					 r->name);
		return -1;
	}
	if (!*n && r->deny) {
		*error = "no params found";
		return -1;
	}
	*out = found;
	return 0;
}
