/* cel_match.c - admissionregistration MatchResources (matchConstraints of
 * ValidatingPolicy and ValidatingAdmissionPolicy, matchResources of a
 * ValidatingAdmissionPolicyBinding) as Kyverno's pkg/cel/matching runs the
 * Kubernetes rule matcher offline (../shared/docs/kyverno-cel.md §13). */
#include "policy/policy_cel.h"
#include "k8s/k8s.h"

#include <string.h>

struct kp_match_rule {
	kp_strs groups, versions, resources, ops, names;
	const char *scope;           /* "*", "Cluster", "Namespaced" */
};

kp_strs kp_strs_of(kp_arena *a, const kp_value *v)
{
	kp_strs s = {kp_arena_alloc(a, (kp_value_len(v) + 1) * sizeof(char *)), 0};
	for (size_t i = 0; i < kp_value_len(v); i++) {
		const char *x = kp_value_str(kp_value_at(v, i), NULL);
		if (x)
			s.v[s.n++] = kp_arena_strdup(a, x);
	}
	return s;
}

bool kp_strs_has(const kp_strs *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], "*") || !strcmp(s->v[i], x))
			return true;
	return false;
}

static kp_match_rule *match_rules(kp_arena *a, const kp_value *list, size_t *n)
{
	*n = kp_value_len(list);
	kp_match_rule *r = kp_arena_alloc(a, (*n + 1) * sizeof *r);
	for (size_t i = 0; i < *n; i++) {
		const kp_value *x = kp_value_at(list, i);
		r[i].groups = kp_strs_of(a, kp_value_get(x, "apiGroups"));
		r[i].versions = kp_strs_of(a, kp_value_get(x, "apiVersions"));
		r[i].resources = kp_strs_of(a, kp_value_get(x, "resources"));
		r[i].ops = kp_strs_of(a, kp_value_get(x, "operations"));
		r[i].names = kp_strs_of(a, kp_value_get(x, "resourceNames"));
		const char *scope = kp_value_path_str(x, "scope");
		r[i].scope = scope ? kp_arena_strdup(a, scope) : "*";
	}
	return r;
}

int kp_match_resources_compile(kp_arena *a, const kp_value *mr, const char *path,
			       kp_match_resources *out, kp_error *err)
{
	memset(out, 0, sizeof *out);
	out->present = kp_value_type(mr) == KP_MAP;
	out->rules = match_rules(a, kp_value_get(mr, "resourceRules"), &out->n_rules);
	out->excludes = match_rules(a, kp_value_get(mr, "excludeResourceRules"), &out->n_excludes);
	return kp_label_selector_compile(a, kp_value_get(mr, "namespaceSelector"),
					 kp_arena_printf(a, "%s/namespaceSelector", path), &out->ns_sel, err) ||
	       kp_label_selector_compile(a, kp_value_get(mr, "objectSelector"),
					 kp_arena_printf(a, "%s/objectSelector", path), &out->obj_sel, err)
		? -1 : 0;
}

bool kp_match_request_init(kp_match_request *q, kp_arena *a, const kp_value *res, const char *op)
{
	memset(q, 0, sizeof *q);
	const char *api = kp_value_path_str(res, "apiVersion");
	const char *kind = kp_value_path_str(res, "kind");
	if (!api || !kind)
		return false;
	const char *slash = strchr(api, '/');
	q->group = slash ? kp_arena_strndup(a, api, (size_t)(slash - api)) : "";
	q->version = slash ? slash + 1 : api;
	q->kind = kind;
	q->resource = kp_policy_guess_resource(a, kind);
	q->op = op;
	q->name = kp_value_path_str(res, "metadata/name");
	if (!q->name)
		q->name = "";
	q->cluster = kp_kind_is_cluster_scoped(api, kind);
	q->labels = kp_value_path(res, "metadata/labels");
	return true;
}

static bool rule_matches(const kp_match_rule *r, const kp_match_request *q)
{
	if (!kp_strs_has(&r->ops, q->op) || !kp_strs_has(&r->groups, q->group) ||
	    !kp_strs_has(&r->versions, q->version))
		return false;
	bool res = false;
	for (size_t i = 0; i < r->resources.n && !res; i++) {
		const char *x = r->resources.v[i], *slash = strchr(x, '/');
		size_t rn = slash ? (size_t)(slash - x) : strlen(x);
		const char *sub = slash ? slash + 1 : "";
		bool rm = (rn == 1 && x[0] == '*') || (strlen(q->resource) == rn && !strncmp(x, q->resource, rn));
		res = rm && (!strcmp(sub, "*") || !*sub);
	}
	if (!res)
		return false;
	if (!strcmp(r->scope, "Cluster") && !q->cluster)
		return false;
	if (!strcmp(r->scope, "Namespaced") && q->cluster)
		return false;
	return !r->names.n || kp_strs_has(&r->names, q->name);
}

static bool selector_given(const kp_label_selector *s)
{
	return s->present && (s->n_labels || s->n_exprs);
}

bool kp_match_resources_match(const kp_match_resources *m, const kp_match_request *q)
{
	/* namespaceSelector: cluster-scoped objects pass; a Namespace is
	 * matched by its own labels */
	if (selector_given(&m->ns_sel)) {
		if (!strcmp(q->kind, "Namespace")) {
			if (!kp_label_selector_matches(&m->ns_sel, q->labels))
				return false;
		} else if (!q->cluster && !kp_label_selector_matches(&m->ns_sel, q->ns_labels)) {
			return false;
		}
	}
	if (selector_given(&m->obj_sel) && !kp_label_selector_matches(&m->obj_sel, q->labels))
		return false;
	for (size_t i = 0; i < m->n_excludes; i++)
		if (rule_matches(&m->excludes[i], q))
			return false;
	if (!m->n_rules)
		return true;
	for (size_t i = 0; i < m->n_rules; i++)
		if (rule_matches(&m->rules[i], q))
			return true;
	return false;
}
