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
	kp_value *items = NULL;
	for (size_t i = 0; i < n_params; i++) {
		const kp_value *p = params[i];
		if (!b->param_sel.present) {
			if (kp_value_str_eq(kp_value_path(p, "metadata/name"), b->param_name))
				return p;
			continue;
		}
		if (!kp_label_selector_matches(&b->param_sel, kp_value_path(p, "metadata/labels")))
			continue;
		if (!items)
			items = kp_value_new(a, KP_SEQ, NULL, 0, 0);
		kp_seq_push(a, items, (kp_value *)p);
	}
	if (!items)
		return NULL;
	/* an UnstructuredList's content */
	kp_value *list = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_map_set(a, list, "items", items);
	return list;
}

void kp_vap_bind(kp_policy_set *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		kp_policy *p = ps->items[i];
		if (p->unsupported || strcmp(p->kind, "ValidatingAdmissionPolicy"))
			continue;
		size_t n = 0;
		for (size_t k = 0; k < ps->n_vap_bindings; k++)
			n += !strcmp(ps->vap_bindings[k]->policy_name, p->name);
		if (!n) {
			kp_vap_attach(p, NULL, 0, ps->params, ps->n_params);
			continue;
		}
		const kp_vap_binding **mine = kp_arena_alloc(vap_arena(ps), n * sizeof *mine);
		n = 0;
		for (size_t k = 0; k < ps->n_vap_bindings; k++)
			if (!strcmp(ps->vap_bindings[k]->policy_name, p->name))
				mine[n++] = ps->vap_bindings[k];
		kp_vap_attach(p, mine, n, ps->params, ps->n_params);
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
