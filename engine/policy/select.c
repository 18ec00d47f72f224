/* select.c - does a rule select a resource?  Mirrors kyverno
 * pkg/engine/utils/match.go (MatchesResourceDescription and its helpers)
 * and pkg/utils/match (kinds, names, annotations, labels, subjects). */
#include "policy/policy.h"

#include <string.h>

/* ------------------------------------------------------------------------
 * Wildcards
 * ---------------------------------------------------------------------- */

static bool wild(const char *p, const char *s, size_t sn)
{
	return kp_wildcard_match(p, strlen(p), s, sn);
}

static bool wild_z(const char *p, const char *s)
{
	return wild(p, s, strlen(s));
}

/* ------------------------------------------------------------------------
 * What the matcher needs from a resource (unstructured.Unstructured
 * accessors: a non-string name reads as "", a labels/annotations map with a
 * non-string value reads as no map at all).
 * ---------------------------------------------------------------------- */


static const char *str_or_empty(const kp_value *v)
{
	return kp_value_type(v) == KP_STRING ? v->u.s.ptr : "";
}

static const kp_value *string_map(const kp_value *v)
{
	if (kp_value_type(v) != KP_MAP)
		return NULL;
	for (size_t i = 0; i < v->u.map.n; i++)
		if (kp_value_type(v->u.map.pairs[i].value) != KP_STRING)
			return NULL;
	return v;
}

/* kp_value_get for a literal key: the length known, the bytes compared
 * inline (res_init runs once per resource and evaluation). */
#define GET(map, lit) get_lit(map, lit, sizeof lit - 1)
static inline const kp_value *get_lit(const kp_value *map, const char *key, size_t n)
{
	if (!map || map->type != KP_MAP)
		return NULL;
	for (size_t i = 0; i < map->u.map.n; i++) {
		const kp_value *k = map->u.map.pairs[i].key;
		if (k->u.s.len == n && !memcmp(k->u.s.ptr, key, n))
			return map->u.map.pairs[i].value;
	}
	return NULL;
}

static void res_init(kp_res *r, const kp_value *res)
{
	const char *api = str_or_empty(GET(res, "apiVersion"));
	const kp_value *meta = GET(res, "metadata");
	r->kind = str_or_empty(GET(res, "kind"));
	const char *slash = strchr(api, '/');
	if (!slash) {
		r->group = "";
		r->group_len = 0;
		r->version = api;
		r->version_len = strlen(api);
	} else if (strchr(slash + 1, '/')) {
		/* schema.ParseGroupVersion fails: GroupVersionKind() is empty */
		r->group = r->version = r->kind = "";
		r->group_len = r->version_len = 0;
	} else {
		r->group = api;
		r->group_len = (size_t)(slash - api);
		r->version = slash + 1;
		r->version_len = strlen(slash + 1);
	}
	r->kind_len = strlen(r->kind);
	r->sub = "";
	r->sub_len = 0;
	r->name = str_or_empty(GET(meta, "name"));
	if (!*r->name)
		r->name = str_or_empty(GET(meta, "generateName"));
	r->ns = str_or_empty(GET(meta, "namespace"));
	/* as read: string_map only when a block asks (few blocks do) */
	r->labels = GET(meta, "labels");
	r->annotations = GET(meta, "annotations");
}

/* The values file's subresource entry for r's group/version/kind, if any. */
static const kp_subresource *find_subresource(const kp_res *r, const kp_values *v)
{
	for (size_t i = 0; v && i < v->n_subresources; i++) {
		const kp_subresource *s = &v->subresources[i];
		if (!strcmp(s->kind, r->kind) && strlen(s->group) == r->group_len &&
		    !strncmp(s->group, r->group, r->group_len) &&
		    strlen(s->version) == r->version_len &&
		    !strncmp(s->version, r->version, r->version_len))
			return s;
	}
	return NULL;
}

/* Match a subresource as its parent kind, as the CLI's processor does. */
static void res_apply_subresource(kp_res *r, const kp_values *v)
{
	const kp_subresource *s = find_subresource(r, v);
	if (!s)
		return;
	r->group = s->parent_group;
	r->group_len = strlen(s->parent_group);
	r->version = s->parent_version;
	r->version_len = strlen(s->parent_version);
	r->kind = s->parent_kind;
	r->kind_len = strlen(r->kind);
	r->sub = s->name;
	r->sub_len = strlen(r->sub);
}

const char *kp_resource_match_kind(const kp_value *resource,
				   const kp_values *values, const char **sub)
{
	kp_res r;
	res_init(&r, resource);
	res_apply_subresource(&r, values);
	if (sub)
		*sub = r.sub;
	return r.kind;
}

/* ------------------------------------------------------------------------
 * Criteria
 * ---------------------------------------------------------------------- */

/* Part i of k against s (kp_wildcard_match by the part's byte test). */
static inline bool part_matches(const kp_kind_sel *k, int i, const char *p, const char *s, size_t sn)
{
	switch (k->test[i]) {
	case KP_PART_ANY:
		return true;
	case KP_PART_EXACT:
		return k->len[i] == sn && !memcmp(p, s, sn);
	default:
		return kp_wildcard_match(p, k->len[i], s, sn);
	}
}

static bool check_kind(const kp_block *b, const kp_res *r)
{
	for (size_t i = 0; i < b->n_kinds; i++) {
		const kp_kind_sel *k = &b->kinds[i];
		/* CheckKind: group, version, kind, then the subresource ("" unless
		 * the values file maps the resource's kind to one) */
		if (part_matches(k, 0, k->group, r->group, r->group_len) &&
		    part_matches(k, 1, k->version, r->version, r->version_len) &&
		    part_matches(k, 2, k->kind, r->kind, r->kind_len) &&
		    part_matches(k, 3, k->sub, r->sub, r->sub_len))
			return true;
	}
	return false;
}

bool kp_namespaces_match(const char **patterns, size_t n, const kp_value *resource)
{
	const char *ns = str_or_empty(kp_value_path(resource, "metadata/namespace"));
	if (!strcmp(str_or_empty(kp_value_get(resource, "kind")), "Namespace"))
		ns = str_or_empty(kp_value_path(resource, "metadata/name"));
	for (size_t i = 0; i < n; i++)
		if (wild_z(patterns[i], ns))
			return true;
	return false;
}

static bool check_annotations(const kp_block *b, const kp_value *actual)
{
	for (size_t i = 0; i < b->n_annotations; i++) {
		bool found = false;
		for (size_t j = 0; actual && j < actual->u.map.n && !found; j++) {
			const kp_value *k = actual->u.map.pairs[j].key;
			const kp_value *v = actual->u.map.pairs[j].value;
			found = wild(b->annotations[i].key, k->u.s.ptr, k->u.s.len) &&
				wild(b->annotations[i].value, v->u.s.ptr, v->u.s.len);
		}
		if (!found)
			return false;
	}
	return true;
}

static const char *label_get(const kp_value *labels, const char *key)
{
	const kp_value *v = kp_value_get(labels, key);
	return kp_value_type(v) == KP_STRING ? v->u.s.ptr : NULL;
}

/* wildcards.replaceWildCardChars: '*' and '?' become '0' */
static void zero_wildcards(char *s)
{
	for (; *s; s++)
		if (*s == '*' || *s == '?')
			*s = '0';
}

/* matchutils.CheckSelector: wildcard matchLabels entries are first
 * replaced by a matching resource label (or zeroed), then the selector is
 * converted (invalid -> no match) and matched. */
static bool selector_matches(const kp_label_selector *ls, const kp_value *labels)
{
	if (ls->invalid)
		return false;
	for (size_t i = 0; i < ls->n_labels; i++) {
		const char *k = ls->labels[i].key, *v = ls->labels[i].value;
		if (!kp_wildcard_has(k, strlen(k)) && !kp_wildcard_has(v, strlen(v))) {
			const char *got = label_get(labels, k);
			if (!got || strcmp(got, v))
				return false;
			continue;
		}
		const kp_value *hit = NULL, *hitv = NULL;
		for (size_t j = 0; labels && j < labels->u.map.n && !hit; j++) {
			const kp_value *lk = labels->u.map.pairs[j].key;
			const kp_value *lv = labels->u.map.pairs[j].value;
			if (wild(k, lk->u.s.ptr, lk->u.s.len) && wild(v, lv->u.s.ptr, lv->u.s.len)) {
				hit = lk;
				hitv = lv;
			}
		}
		if (hit) {
			if (!kp_label_key_valid(hit->u.s.ptr) || !kp_label_value_valid(hitv->u.s.ptr))
				return false;
			continue;
		}
		char kz[512], vz[512];
		snprintf(kz, sizeof kz, "%s", k);
		snprintf(vz, sizeof vz, "%s", v);
		zero_wildcards(kz);
		zero_wildcards(vz);
		if (!kp_label_key_valid(kz) || !kp_label_value_valid(vz))
			return false;
		const char *got = label_get(labels, kz);
		if (!got || strcmp(got, vz))
			return false;
	}
	for (size_t i = 0; i < ls->n_exprs; i++) {
		const kp_label_req *e = &ls->exprs[i];
		const char *got = label_get(labels, e->key);
		bool in = false;
		for (size_t j = 0; got && j < e->n_values && !in; j++)
			in = !strcmp(got, e->values[j]);
		switch (e->op) {
		case KP_LABEL_IN:
			if (!in)
				return false;
			break;
		case KP_LABEL_NOTIN:
			if (in)
				return false;
			break;
		case KP_LABEL_EXISTS:
			if (!got)
				return false;
			break;
		case KP_LABEL_DOESNOTEXIST:
			if (got)
				return false;
			break;
		}
	}
	return true;
}

static bool any_in(const char **rule_list, size_t n, const char **have, size_t hn)
{
	for (size_t i = 0; i < hn; i++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(have[i], rule_list[j]))
				return true;
	return false;
}

static bool check_subjects(const kp_block *b, const kp_userinfo *ui)
{
	const char *user = ui ? ui->username : "";
	for (size_t i = 0; i < b->n_subjects; i++) {
		const kp_subject *s = &b->subjects[i];
		switch (s->kind) {
		case KP_SUBJECT_SERVICEACCOUNT: {
			char sa[1024];
			snprintf(sa, sizeof sa, "system:serviceaccount:%s:%s", s->ns, s->name);
			if (wild_z(sa, user))
				return true;
			break;
		}
		case KP_SUBJECT_GROUP:
			for (size_t j = 0; ui && j < ui->n_groups; j++)
				if (wild_z(s->name, ui->groups[j]))
					return true;
			break;
		case KP_SUBJECT_USER:
			if (wild_z(s->name, user))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static bool kinds_has_star(const kp_block *b)
{
	for (size_t i = 0; i < b->n_kinds; i++)
		if (!strcmp(b->kinds[i].text, "*"))
			return true;
	return false;
}

static bool block_matches(const kp_block *b, const kp_res *r, const char *op,
			  const kp_userinfo *ui, bool use_ui, const kp_value *ns_labels,
			  const kp_value *resource)
{
	if (b->n_operations && !any_in(b->operations, b->n_operations, &op, 1))
		return false;
	if (b->n_kinds && !check_kind(b, r))
		return false;
	if (b->name && !wild_z(b->name, r->name))
		return false;
	if (b->n_names) {
		bool any = false;
		for (size_t i = 0; i < b->n_names && !any; i++)
			any = wild_z(b->names[i], r->name);
		if (!any)
			return false;
	}
	if (b->n_namespaces && !kp_namespaces_match(b->namespaces, b->n_namespaces, resource))
		return false;
	if (b->n_annotations && !check_annotations(b, string_map(r->annotations)))
		return false;
	if (b->selector.present && !selector_matches(&b->selector, string_map(r->labels)))
		return false;
	if (b->ns_selector.present) {
		if (!strcmp(r->kind, "Namespace"))
			return false;
		if ((*r->kind || kinds_has_star(b)) &&
		    !selector_matches(&b->ns_selector, string_map(ns_labels)))
			return false;
	}
	if (!use_ui)
		return true;
	if (b->n_roles && !(ui && any_in(b->roles, b->n_roles, ui->roles, ui->n_roles)))
		return false;
	if (b->n_cluster_roles &&
	    !(ui && any_in(b->cluster_roles, b->n_cluster_roles, ui->cluster_roles,
			   ui->n_cluster_roles)))
		return false;
	if (b->n_subjects && !check_subjects(b, ui))
		return false;
	return true;
}

bool kp_block_matches(const kp_block *b, const kp_value *resource,
		      const char *operation, const kp_userinfo *ui,
		      const kp_value *ns_labels)
{
	kp_res r;
	res_init(&r, resource);
	return block_matches(b, &r, operation ? operation : "CREATE", ui, true, ns_labels,
			     resource);
}

/* ------------------------------------------------------------------------
 * Rules
 * ---------------------------------------------------------------------- */


/* block_matches, decided once per resource for each distinct block when
 * the context keeps a memo (blocks alike share a number, kp_blocks_share). */
static bool block_decided(const kp_block *b, const kp_sel_ctx *c, bool use_ui)
{
	size_t id = b->share_id;
	if (!c->memo || !id || id > c->n_memo)
		return block_matches(b, &c->res, c->op, c->ui, use_ui, c->ns_labels, c->resource);
	unsigned char *m = &c->memo[(id - 1) * 2 + use_ui];
	if (!*m)
		*m = block_matches(b, &c->res, c->op, c->ui, use_ui, c->ns_labels, c->resource) ? 2 : 1;
	return *m == 2;
}

/* matchesResourceDescriptionMatchHelper: without admission info the
 * block's user info is cleared; an empty block never matches. */
static bool match_helper(const kp_block *b, const kp_sel_ctx *c)
{
	bool ui_empty = b->ui_empty || !c->ui;
	if (b->rd_empty && ui_empty)
		return false;
	return block_decided(b, c, c->ui != NULL);
}

/* matchesResourceDescriptionExcludeHelper: true when b excludes. */
static bool exclude_helper(const kp_block *b, const kp_sel_ctx *c)
{
	if (b->rd_empty && b->ui_empty)
		return false;
	return block_decided(b, c, true);
}

void kp_sel_prepare(kp_sel_ctx *ctx, const kp_value *resource, const kp_eval_opts *opts)
{
	kp_sel_ctx c;
	res_init(&c.res, resource);
	if (opts)
		res_apply_subresource(&c.res, opts->values);
	c.resource = resource;
	c.op = opts && opts->operation ? opts->operation : "CREATE";
	c.ui = opts && opts->userinfo && !opts->userinfo->empty ? opts->userinfo : NULL;
	c.ns_labels = opts ? kp_values_namespace_labels(opts->values, c.res.ns) : NULL;
	c.memo = NULL;
	c.n_memo = 0;
	*ctx = c;
}

bool kp_rule_selects(const kp_rule *r, const kp_policy *p,
		     const kp_value *resource, const kp_eval_opts *opts)
{
	kp_sel_ctx c;
	kp_sel_prepare(&c, resource, opts);
	return kp_rule_selects_prepared(r, p, &c);
}

bool kp_selector_matches(const kp_selector *m, const kp_sel_ctx *c)
{
	bool matched;
	switch (m->mode) {
	case KP_SEL_ANY:
		matched = false;
		for (size_t i = 0; i < m->n_blocks && !matched; i++)
			matched = match_helper(&m->blocks[i], c);
		return matched;
	case KP_SEL_ALL:
		matched = true;
		for (size_t i = 0; i < m->n_blocks && matched; i++)
			matched = match_helper(&m->blocks[i], c);
		return matched;
	case KP_SEL_PLAIN:
		return match_helper(&m->blocks[0], c);
	case KP_SEL_ALWAYS:
		return true;
	default:
		return false;  /* "match cannot be empty" */
	}
}

bool kp_rule_selects_prepared(const kp_rule *r, const kp_policy *p, const kp_sel_ctx *c)
{
	if (p && p->namespace && strcmp(p->namespace, c->res.ns))
		return false;

	bool matched = kp_selector_matches(&r->match, c);
	if (!matched)
		return false;

	const kp_selector *x = &r->exclude;
	switch (x->mode) {
	case KP_SEL_ANY:
	case KP_SEL_PLAIN:
		for (size_t i = 0; i < x->n_blocks; i++)
			if (exclude_helper(&x->blocks[i], c))
				return false;
		return true;
	case KP_SEL_ALL:
		for (size_t i = 0; i < x->n_blocks; i++)
			if (!exclude_helper(&x->blocks[i], c))
				return true;
		return false;
	default:
		return true;
	}
}

static bool block_may_match_kind(const kp_block *b, const char *kind)
{
	if (!b->n_kinds)
		return true;
	size_t kl = strlen(kind);
	for (size_t i = 0; i < b->n_kinds; i++)
		if (part_matches(&b->kinds[i], 2, b->kinds[i].kind, kind, kl))
			return true;
	return false;
}

bool kp_rule_may_match_kind(const kp_rule *r, const char *kind)
{
	const kp_selector *m = &r->match;
	switch (m->mode) {
	case KP_SEL_ANY:
		for (size_t i = 0; i < m->n_blocks; i++)
			if (block_may_match_kind(&m->blocks[i], kind))
				return true;
		return false;
	case KP_SEL_ALL:
		for (size_t i = 0; i < m->n_blocks; i++)
			if (!block_may_match_kind(&m->blocks[i], kind))
				return false;
		return true;
	case KP_SEL_PLAIN:
		return block_may_match_kind(&m->blocks[0], kind);
	case KP_SEL_ALWAYS:
		return true;
	default:
		return false;
	}
}

bool kp_policy_lacks_namespace_labels(const kp_policy *p, const kp_value *resource,
				      const kp_values *values)
{
	if (!p->uses_ns_selector)
		return false;
	const char *ns = str_or_empty(kp_value_path(resource, "metadata/namespace"));
	if (!strcmp(ns, "default"))
		return false;
	return kp_value_len(kp_values_namespace_labels(values, ns)) == 0;
}

bool kp_label_selector_matches(const kp_label_selector *ls, const kp_value *labels)
{
	return selector_matches(ls, labels);
}
