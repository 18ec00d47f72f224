/* select_compile.c - match / exclude values -> kp_selector (the shapes of
 * kyverno api/kyverno/v1 MatchResources, ResourceFilter,
 * ResourceDescription, UserInfo). */
#include "policy/policy.h"

#include <ctype.h>
#include <string.h>

static int bad(kp_error *err, const kp_value *at, const char *path,
	       const char *what)
{
	if (!err)
		return -1;
	kp_errorf(err, KP_E_POLICY, kp_value_file(at), kp_value_line(at),
		  kp_value_col(at), "%s", what);
	snprintf(err->path, sizeof err->path, "%s", path);
	return -1;
}

/* present and not null: Go's "non-nil" after decoding */
static bool present(const kp_value *v) { return kp_value_type(v) != KP_NULL; }

/* path/key in buf when v is given ("" when not: the callees return at
 * once then); paths only name errors, so absent keys cost no printf. */
static const char *sub_path(char *buf, size_t n, const char *path, const char *key,
			    const kp_value *v)
{
	if (present(v))
		snprintf(buf, n, "%s/%s", path, key);
	else
		buf[0] = 0;
	return buf;
}

static int str_list(kp_arena *a, const kp_value *v, const char *path,
		    const char *key, const char ***out, size_t *n, kp_error *err)
{
	char sub[1024];
	*out = NULL;
	*n = 0;
	if (!present(v))
		return 0;
	if (v->type != KP_SEQ) {
		snprintf(sub, sizeof sub, "%s/%s", path, key);
		return bad(err, v, sub, "expected a list of strings");
	}
	*out = kp_arena_alloc(a, sizeof(char *) * (v->u.seq.n + 1));
	for (size_t i = 0; i < v->u.seq.n; i++) {
		const kp_value *it = v->u.seq.items[i];
		if (kp_value_type(it) != KP_STRING) {
			snprintf(sub, sizeof sub, "%s/%s/%zu", path, key, i);
			return bad(err, it ? it : v, sub, "expected a string");
		}
		(*out)[i] = it->u.s.ptr;
	}
	*n = v->u.seq.n;
	return 0;
}

static int str_map(kp_arena *a, const kp_value *v, const char *path,
		   kp_strpair **out, size_t *n, kp_error *err)
{
	*out = NULL;
	*n = 0;
	if (!present(v))
		return 0;
	if (v->type != KP_MAP)
		return bad(err, v, path, "expected a mapping of strings");
	*out = kp_arena_alloc(a, sizeof(kp_strpair) * (v->u.map.n + 1));
	for (size_t i = 0; i < v->u.map.n; i++) {
		const kp_value *val = v->u.map.pairs[i].value;
		if (kp_value_type(val) != KP_STRING) {
			char sub[512];
			snprintf(sub, sizeof sub, "%s/%s", path, v->u.map.pairs[i].key->u.s.ptr);
			return bad(err, val ? val : v, sub, "expected a string value");
		}
		(*out)[i].key = v->u.map.pairs[i].key->u.s.ptr;
		(*out)[i].value = val->u.s.ptr;
	}
	*n = v->u.map.n;
	return 0;
}

/* kube.ParseKindSelector */
static bool is_version(const char *s)
{
	if (!strcmp(s, "*"))
		return true;
	if (*s++ != 'v' || !isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (!*s)
		return true;
	if (!strncmp(s, "alpha", 5))
		s += 5;
	else if (!strncmp(s, "beta", 4))
		s += 4;
	else
		return false;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == 0;
}

static bool all_lower(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return false;
	return true;
}

static void parse_parts(kp_arena *a, const char *text, kp_kind_sel *k);

void kp_kind_sel_parse(kp_arena *a, const char *text, kp_kind_sel *k)
{
	parse_parts(a, text, k);
	const char *part[4] = {k->group, k->version, k->kind, k->sub};
	for (int i = 0; i < 4; i++) {
		k->len[i] = strlen(part[i]);
		k->test[i] = !strcmp(part[i], "*") ? KP_PART_ANY
			     : kp_wildcard_has(part[i], k->len[i]) ? KP_PART_WILD : KP_PART_EXACT;
	}
}

static void parse_parts(kp_arena *a, const char *text, kp_kind_sel *k)
{
	const char *parts[8];
	size_t n = 0;
	char *buf = kp_arena_strdup(a, text);
	char *last = strrchr(buf, '/');
	/* every '/' part but the last, then the last split on '.' */
	char *p = buf;
	bool too_many = false;
	while (last && p <= last) {
		char *slash = strchr(p, '/');
		*slash = 0;
		if (n < 8)
			parts[n++] = p;
		else
			too_many = true;
		p = slash + 1;
	}
	for (char *dot; (dot = strchr(p, '.')); p = dot + 1) {
		*dot = 0;
		if (n < 8)
			parts[n++] = p;
		else
			too_many = true;
	}
	if (n < 8)
		parts[n++] = p;
	else
		too_many = true;
	k->text = text;
	k->group = k->version = k->kind = k->sub = "";
	if (too_many)
		return;
	switch (n) {
	case 1:
		k->group = k->version = "*";
		k->kind = parts[0];
		break;
	case 2:
		k->group = k->version = "*";
		if (!strcmp(parts[0], "*") && !strcmp(parts[1], "*")) {
			k->kind = k->sub = "*";
		} else if (!strcmp(parts[0], "*") && all_lower(parts[1])) {
			k->kind = parts[0];
			k->sub = parts[1];
		} else if (is_version(parts[0])) {
			k->version = parts[0];
			k->kind = parts[1];
		} else {
			k->kind = parts[0];
			k->sub = parts[1];
		}
		break;
	case 3:
		if (is_version(parts[0])) {
			k->group = "*";
			k->version = parts[0];
			k->kind = parts[1];
			k->sub = parts[2];
		} else {
			k->group = parts[0];
			k->version = parts[1];
			k->kind = parts[2];
		}
		break;
	case 4:
		k->group = parts[0];
		k->version = parts[1];
		k->kind = parts[2];
		k->sub = parts[3];
		break;
	default:
		break;
	}
}

/* k8s.io/apimachinery validation of label keys (qualified names) and
 * values, as LabelSelectorAsSelector applies them. */
static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

bool kp_label_value_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return true;
	if (n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

static bool dns_subdomain(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start || !isalnum((unsigned char)s[start]) ||
			    !isalnum((unsigned char)s[i - 1]))
				return false;
			start = i + 1;
		} else if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
			     s[i] == '-')) {
			return false;
		}
	}
	return true;
}

bool kp_label_key_valid(const char *s)
{
	const char *slash = strchr(s, '/');
	const char *name = s;
	if (slash) {
		if (strchr(slash + 1, '/') || !dns_subdomain(s, (size_t)(slash - s)))
			return false;
		name = slash + 1;
	}
	return *name && kp_label_value_valid(name);
}

static int label_selector(kp_arena *a, const kp_value *v, const char *path,
			  kp_label_selector *ls, kp_error *err)
{
	memset(ls, 0, sizeof *ls);
	if (!present(v))
		return 0;
	if (v->type != KP_MAP)
		return bad(err, v, path, "a label selector must be a mapping");
	ls->present = true;
	char sub[1024];
	snprintf(sub, sizeof sub, "%s/matchLabels", path);
	if (str_map(a, kp_value_get(v, "matchLabels"), sub, &ls->labels, &ls->n_labels, err))
		return -1;
	for (size_t i = 0; i < ls->n_labels; i++) {
		const char *k = ls->labels[i].key, *val = ls->labels[i].value;
		if (!kp_wildcard_has(k, strlen(k)) && !kp_wildcard_has(val, strlen(val)) &&
		    (!kp_label_key_valid(k) || !kp_label_value_valid(val)))
			ls->invalid = true;
	}
	const kp_value *ex = kp_value_get(v, "matchExpressions");
	snprintf(sub, sizeof sub, "%s/matchExpressions", path);
	if (!present(ex))
		return 0;
	if (ex->type != KP_SEQ)
		return bad(err, ex, sub, "matchExpressions must be a list");
	ls->exprs = kp_arena_alloc(a, sizeof(kp_label_req) * (ex->u.seq.n + 1));
	ls->n_exprs = ex->u.seq.n;
	for (size_t i = 0; i < ex->u.seq.n; i++) {
		const kp_value *e = ex->u.seq.items[i];
		kp_label_req *r = &ls->exprs[i];
		snprintf(sub, sizeof sub, "%s/matchExpressions/%zu", path, i);
		if (kp_value_type(e) != KP_MAP)
			return bad(err, e ? e : ex, sub, "a match expression must be a mapping");
		const char *key = kp_value_path_str(e, "key");
		const char *op = kp_value_path_str(e, "operator");
		r->key = key ? key : "";
		if (str_list(a, kp_value_get(e, "values"), sub, "values", &r->values,
			     &r->n_values, err))
			return -1;
		if (!kp_label_key_valid(r->key))
			ls->invalid = true;
		if (op && !strcmp(op, "In"))
			r->op = KP_LABEL_IN;
		else if (op && !strcmp(op, "NotIn"))
			r->op = KP_LABEL_NOTIN;
		else if (op && !strcmp(op, "Exists"))
			r->op = KP_LABEL_EXISTS;
		else if (op && !strcmp(op, "DoesNotExist"))
			r->op = KP_LABEL_DOESNOTEXIST;
		else
			ls->invalid = true;
		bool need_values = r->op == KP_LABEL_IN || r->op == KP_LABEL_NOTIN;
		if (need_values != (r->n_values > 0))
			ls->invalid = true;
		for (size_t j = 0; j < r->n_values; j++)
			if (!kp_label_value_valid(r->values[j]))
				ls->invalid = true;
	}
	return 0;
}

static int subjects(kp_arena *a, const kp_value *v, const char *path, kp_block *b,
		    kp_error *err)
{
	if (!present(v))
		return 0;
	if (v->type != KP_SEQ)
		return bad(err, v, path, "subjects must be a list");
	b->subjects = kp_arena_alloc(a, sizeof(kp_subject) * (v->u.seq.n + 1));
	b->n_subjects = v->u.seq.n;
	for (size_t i = 0; i < v->u.seq.n; i++) {
		const kp_value *s = v->u.seq.items[i];
		const char *kind = kp_value_path_str(s, "kind");
		const char *name = kp_value_path_str(s, "name");
		const char *ns = kp_value_path_str(s, "namespace");
		kp_subject *out = &b->subjects[i];
		out->name = name ? name : "";
		out->ns = ns ? ns : "";
		if (kind && !strcmp(kind, "User"))
			out->kind = KP_SUBJECT_USER;
		else if (kind && !strcmp(kind, "Group"))
			out->kind = KP_SUBJECT_GROUP;
		else if (kind && !strcmp(kind, "ServiceAccount"))
			out->kind = KP_SUBJECT_SERVICEACCOUNT;
		else
			out->kind = KP_SUBJECT_OTHER;
	}
	return 0;
}

/* One ResourceFilter: `resources` (a ResourceDescription) plus the inline
 * UserInfo keys of `filter`. */
static int block_compile(kp_arena *a, const kp_value *filter, const char *path,
			 kp_block *b, kp_error *err)
{
	char sub[1024], rpath[512];
	memset(b, 0, sizeof *b);
	if (kp_value_type(filter) != KP_MAP)
		return bad(err, filter, path, "a match/exclude block must be a mapping");
	const kp_value *rd = kp_value_get(filter, "resources");
	snprintf(rpath, sizeof rpath, "%s/resources", path);
	if (present(rd) && rd->type != KP_MAP)
		return bad(err, rd, rpath, "resources must be a mapping");

	const kp_value *kinds = kp_value_get(rd, "kinds");
	const char **kind_texts;
	if (str_list(a, kinds, rpath, "kinds", &kind_texts, &b->n_kinds, err))
		return -1;
	b->kinds = kp_arena_alloc(a, sizeof(kp_kind_sel) * (b->n_kinds + 1));
	for (size_t i = 0; i < b->n_kinds; i++) {
		if (!*kind_texts[i]) {
			snprintf(sub, sizeof sub, "%s/kinds/%zu", rpath, i);
			return bad(err, kinds->u.seq.items[i], sub, "empty kind");
		}
		kp_kind_sel_parse(a, kind_texts[i], &b->kinds[i]);
	}
	const kp_value *name = kp_value_get(rd, "name");
	if (present(name)) {
		snprintf(sub, sizeof sub, "%s/name", rpath);
		if (name->type != KP_STRING)
			return bad(err, name, sub, "name must be a string");
		if (name->u.s.len)
			b->name = name->u.s.ptr;
	}
	if (str_list(a, kp_value_get(rd, "names"), rpath, "names", &b->names, &b->n_names, err) ||
	    str_list(a, kp_value_get(rd, "namespaces"), rpath, "namespaces", &b->namespaces,
		     &b->n_namespaces, err) ||
	    str_list(a, kp_value_get(rd, "operations"), rpath, "operations", &b->operations,
		     &b->n_operations, err))
		return -1;
	const kp_value *ann = kp_value_get(rd, "annotations");
	b->has_annotations = present(ann);
	if (str_map(a, ann, sub_path(sub, sizeof sub, rpath, "annotations", ann), &b->annotations,
		    &b->n_annotations, err))
		return -1;
	const kp_value *ls = kp_value_get(rd, "selector");
	if (label_selector(a, ls, sub_path(sub, sizeof sub, rpath, "selector", ls), &b->selector, err))
		return -1;
	ls = kp_value_get(rd, "namespaceSelector");
	if (label_selector(a, ls, sub_path(sub, sizeof sub, rpath, "namespaceSelector", ls),
			   &b->ns_selector, err))
		return -1;
	b->rd_empty = true;
	static const char *const rd_keys[] = {
		"kinds", "names", "namespaces", "annotations", "selector",
		"namespaceSelector", "operations"
	};
	for (size_t i = 0; i < sizeof rd_keys / sizeof *rd_keys; i++)
		if (present(kp_value_get(rd, rd_keys[i])))
			b->rd_empty = false;
	if (b->name)
		b->rd_empty = false;

	if (str_list(a, kp_value_get(filter, "roles"), path, "roles", &b->roles, &b->n_roles, err) ||
	    str_list(a, kp_value_get(filter, "clusterRoles"), path, "clusterRoles",
		     &b->cluster_roles, &b->n_cluster_roles, err))
		return -1;
	const kp_value *subj = kp_value_get(filter, "subjects");
	if (subjects(a, subj, sub_path(sub, sizeof sub, path, "subjects", subj), b, err))
		return -1;
	b->ui_empty = !present(kp_value_get(filter, "roles")) &&
		      !present(kp_value_get(filter, "clusterRoles")) &&
		      !present(kp_value_get(filter, "subjects"));
	return 0;
}

static int blocks_compile(kp_arena *a, const kp_value *list, const char *path,
			  kp_selector *sel, kp_error *err)
{
	sel->n_blocks = list->u.seq.n;
	sel->blocks = kp_arena_alloc(a, sizeof(kp_block) * (sel->n_blocks + 1));
	char sub[1024];
	for (size_t i = 0; i < sel->n_blocks; i++) {
		snprintf(sub, sizeof sub, "%s/%zu", path, i);
		if (block_compile(a, list->u.seq.items[i], sub, &sel->blocks[i], err))
			return -1;
	}
	return 0;
}

int kp_selector_compile(kp_arena *a, const kp_value *v, const char *path,
			kp_selector *sel, kp_error *err)
{
	memset(sel, 0, sizeof *sel);
	if (!present(v))
		return 0;
	if (v->type != KP_MAP)
		return bad(err, v, path, "match/exclude must be a mapping");
	char sub[1024];
	const kp_value *any = kp_value_get(v, "any");
	const kp_value *all = kp_value_get(v, "all");
	snprintf(sub, sizeof sub, "%s/any", path);
	if (present(any) && any->type != KP_SEQ)
		return bad(err, any, sub, "any must be a list");
	if (present(any) && any->u.seq.n > 0) {
		sel->mode = KP_SEL_ANY;
		return blocks_compile(a, any, sub, sel, err);
	}
	snprintf(sub, sizeof sub, "%s/all", path);
	if (present(all) && all->type != KP_SEQ)
		return bad(err, all, sub, "all must be a list");
	if (present(all) && all->u.seq.n > 0) {
		sel->mode = KP_SEL_ALL;
		return blocks_compile(a, all, sub, sel, err);
	}
	static const char *const plain_keys[] = {"resources", "roles", "clusterRoles", "subjects"};
	bool plain = false;
	for (size_t i = 0; i < sizeof plain_keys / sizeof *plain_keys; i++)
		if (present(kp_value_get(v, plain_keys[i])))
			plain = true;
	if (!plain)
		return 0;
	sel->mode = KP_SEL_PLAIN;
	sel->n_blocks = 1;
	sel->blocks = kp_arena_alloc(a, sizeof(kp_block));
	return block_compile(a, v, path, &sel->blocks[0], err);
}

int kp_label_selector_compile(kp_arena *a, const kp_value *v, const char *path,
			      kp_label_selector *ls, kp_error *err)
{
	return label_selector(a, v, path, ls, err);
}
