/* env.c - the JSON context a rule's variables read (Kyverno's
 * pkg/engine/context as the CLI fills it; ../shared/docs/kyverno-rules.md
 * §4 and §7): request.*, user info, values-file variables, foreach
 * elements, and the rule's context entries, loaded when a query first
 * names them.  Everything lives in the evaluation's scratch arena and
 * points into the resource tree without copying it. */
#include "policy/policy.h"
#include "jmespath/jmespath.h"

#include <ctype.h>
#include <string.h>

/* ---- maps in scratch memory, copy on write ---- */

/* A shallow copy of map m (or a new empty map) in a, with room for `extra`
 * more keys set by map_put_room (map_put copies the pairs per new key). */
static kp_value *map_copy_room(kp_arena *a, const kp_value *m, size_t extra)
{
	kp_value *c = kp_value_new(a, KP_MAP, m ? m->file : NULL, m ? m->line : 0, m ? m->col : 0);
	size_t n = kp_value_type(m) == KP_MAP ? m->u.map.n : 0;
	c->u.map.pairs = kp_arena_alloc(a, (n + extra + 1) * sizeof(kp_pair));
	if (n)
		memcpy(c->u.map.pairs, m->u.map.pairs, n * sizeof(kp_pair));
	c->u.map.n = n;
	return c;
}

static kp_value *map_copy(kp_arena *a, const kp_value *m)
{
	return map_copy_room(a, m, 0);
}

static kp_pair *find_pair(kp_value *m, const char *k, size_t n)
{
	for (size_t i = 0; i < m->u.map.n; i++) {
		const kp_value *key = m->u.map.pairs[i].key;
		if (key->u.s.len == n && !memcmp(key->u.s.ptr, k, n))
			return &m->u.map.pairs[i];
	}
	return NULL;
}

/* Set key k of the scratch map m (replacing or appending). */
static void map_put(kp_arena *a, kp_value *m, const char *k, size_t n, const kp_value *v)
{
	kp_pair *p = find_pair(m, k, n);
	if (p) {
		p->value = (kp_value *)v;
		return;
	}
	kp_pair *np = kp_arena_alloc(a, (m->u.map.n + 1) * sizeof(kp_pair));
	if (m->u.map.n)
		memcpy(np, m->u.map.pairs, m->u.map.n * sizeof(kp_pair));
	np[m->u.map.n].key = kp_value_new_str(a, k, n, NULL, 0, 0);
	np[m->u.map.n].value = (kp_value *)v;
	m->u.map.pairs = np;
	m->u.map.n++;
}

/* map_put into a map from map_copy_room that still has room. */
static void map_put_room(kp_arena *a, kp_value *m, const char *k, size_t n, const kp_value *v)
{
	kp_pair *p = find_pair(m, k, n);
	if (!p) {
		p = &m->u.map.pairs[m->u.map.n++];
		p->key = kp_value_new_str(a, k, n, NULL, 0, 0);
	}
	p->value = (kp_value *)v;
}

/* map_put_room with a key node that outlives the map. */
static void map_put_key(kp_value *m, kp_value *key, const kp_value *v)
{
	kp_pair *p = find_pair(m, key->u.s.ptr, key->u.s.len);
	if (!p) {
		p = &m->u.map.pairs[m->u.map.n++];
		p->key = key;
	}
	p->value = (kp_value *)v;
}

/* The keys of a foreach element's context, shared by every element:
 * element, elementIndex, then element<d>, elementIndex<d> for d < 8. */
#define ELEM_KEY(lit) {.type = KP_STRING, .u.s = {lit, sizeof lit - 1}}
#define ELEM_KEYS(d) ELEM_KEY("element" #d), ELEM_KEY("elementIndex" #d)
#define ELEM_KEY_DEPTHS 8u
static kp_value elem_keys[] = {
	ELEM_KEY("element"), ELEM_KEY("elementIndex"), ELEM_KEYS(0), ELEM_KEYS(1), ELEM_KEYS(2),
	ELEM_KEYS(3), ELEM_KEYS(4), ELEM_KEYS(5), ELEM_KEYS(6), ELEM_KEYS(7),
};

/* base (len bytes) followed by the decimal digits of u, into buf (at least
 * len + 11 bytes); returns the length (snprintf "%s%u" without printf). */
static size_t with_number(char *buf, const char *base, size_t len, unsigned u)
{
	char d[10];
	size_t nd = 0;
	do
		d[nd++] = (char)('0' + u % 10);
	while ((u /= 10));
	memcpy(buf, base, len);
	for (size_t i = 0; i < nd; i++)
		buf[len + i] = d[nd - 1 - i];
	buf[len + nd] = 0;
	return len + nd;
}

/* Objects merge, everything else replaces (the values layering). */
static const kp_value *merge(kp_arena *a, const kp_value *old, const kp_value *v)
{
	if (kp_value_type(old) != KP_MAP || kp_value_type(v) != KP_MAP)
		return v;
	kp_value *m = map_copy(a, old);
	for (size_t i = 0; i < v->u.map.n; i++) {
		const kp_pair *p = &v->u.map.pairs[i];
		kp_pair *have = find_pair(m, p->key->u.s.ptr, p->key->u.s.len);
		map_put(a, m, p->key->u.s.ptr, p->key->u.s.len,
			merge(a, have ? have->value : NULL, p->value));
	}
	return m;
}

/* Split a dotted variable name as encoding/csv splits on '.': a segment
 * may be double-quoted to hold dots.  NULL on a stray quote. */
static const char **split_name(kp_arena *a, const char *s, size_t n, size_t *count)
{
	const char **segs = kp_arena_alloc(a, (n + 2) * sizeof *segs);
	size_t k = 0, i = 0;
	for (;;) {
		kp_buf b;
		kp_buf_init(&b, a);
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return NULL;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						kp_buf_add(&b, "\"", 1);
						i += 2;
						continue;
					}
					i++;
					break;
				}
				kp_buf_add(&b, s + i++, 1);
			}
			if (i < n && s[i] != '.')
				return NULL;
		} else {
			size_t st = i;
			while (i < n && s[i] != '.') {
				if (s[i] == '"')
					return NULL;
				i++;
			}
			kp_buf_add(&b, s + st, i - st);
		}
		segs[k++] = kp_buf_str(&b);
		if (i >= n)
			break;
		i++; /* the dot */
	}
	*count = k;
	return segs;
}

int kp_ctx_set(kp_arena *a, kp_value *root, const char *name, size_t len,
	       const kp_value *v, kp_error *err)
{
	size_t n;
	const char **segs = split_name(a, name, len, &n);
	if (!segs)
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0,
				 "invalid variable name %.*s: bare \" in a field", (int)len, name);
	kp_value *m = root;
	for (size_t i = 0; i + 1 < n; i++) {
		kp_pair *p = find_pair(m, segs[i], strlen(segs[i]));
		kp_value *child = map_copy(a, p && kp_value_type(p->value) == KP_MAP ? p->value : NULL);
		map_put(a, m, segs[i], strlen(segs[i]), child);
		m = child;
	}
	kp_pair *p = find_pair(m, segs[n - 1], strlen(segs[n - 1]));
	map_put(a, m, segs[n - 1], strlen(segs[n - 1]), merge(a, p ? p->value : NULL, v));
	return 0;
}

/* Every `name: value` of a values map into the context. */
static int set_all(kp_arena *a, kp_value *root, const kp_value *vals, kp_error *err)
{
	for (size_t i = 0; i < kp_value_len(vals); i++) {
		const kp_pair *p = &vals->u.map.pairs[i];
		if (kp_ctx_set(a, root, p->key->u.s.ptr, p->key->u.s.len, p->value, err) < 0)
			return -1;
	}
	return 0;
}

static const kp_value *str_node(kp_arena *a, const char *s)
{
	return kp_value_new_str(a, s, strlen(s), NULL, 0, 0);
}

static const kp_value *seq_of(kp_arena *a, const char **items, size_t n)
{
	kp_value *v = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	v->u.seq.items = kp_arena_alloc(a, (n + 1) * sizeof(kp_value *));
	for (size_t i = 0; i < n; i++)
		v->u.seq.items[i] = (kp_value *)str_node(a, items[i]);
	v->u.seq.n = n;
	return v;
}

/* ---- the values file's sections for one policy / rule / resource ---- */

static const kp_value *values_policy(const kp_values *vals, const char *policy)
{
	const kp_value *pols = vals ? kp_value_get(vals->root, "policies") : NULL;
	for (size_t i = 0; i < kp_value_len(pols); i++) {
		const kp_value *p = pols->u.seq.items[i];
		if (kp_value_str_eq(kp_value_get(p, "name"), policy))
			return p;
	}
	return NULL;
}

static const kp_value *values_named(const kp_value *list, const char *name)
{
	for (size_t i = 0; i < kp_value_len(list); i++) {
		const kp_value *e = list->u.seq.items[i];
		if (kp_value_str_eq(kp_value_get(e, "name"), name))
			return e;
	}
	return NULL;
}

/* policies[].rules[] entry of rule r: `<r>`, `autogen-<r>` or
 * `autogen-cronjob-<r>` written for the base rule. */
static const kp_value *values_rule(const kp_values *vals, const char *policy, const kp_rule *r)
{
	const kp_value *rules = kp_value_get(values_policy(vals, policy), "rules");
	const kp_value *e = values_named(rules, r->name);
	if (!e && r->autogen_base)
		e = values_named(rules, r->autogen_base);
	return e;
}

/* ---- the base context of one policy and resource (§4.7, §7 1-6) ---- */

int kp_base_ctx_build(kp_base_ctx *b, kp_arena *a, const kp_value *resource,
		      const kp_eval_opts *opts, const char *policy, kp_error *err)
{
	const char *op = opts->operation ? opts->operation : "CREATE";
	kp_value *root = map_copy(a, NULL);
	kp_value *req = map_copy(a, NULL);
	map_put(a, root, "request", 7, req);
	const kp_userinfo *ui = opts->userinfo;
	if (ui) {
		map_put(a, req, "userInfo", 8, ui->info ? ui->info : map_copy(a, NULL));
		if (ui->n_roles)
			map_put(a, req, "roles", 5, seq_of(a, ui->roles, ui->n_roles));
		if (ui->n_cluster_roles)
			map_put(a, req, "clusterRoles", 12, seq_of(a, ui->cluster_roles, ui->n_cluster_roles));
		/* the first 22 bytes (system:serviceaccount:) dropped, unchecked */
		const char *u = ui->username, *ns = "", *name = "";
		if (strlen(u) > 22) {
			const char *rest = u + 22, *colon = strchr(rest, ':');
			if (colon) {
				ns = kp_arena_strndup(a, rest, (size_t)(colon - rest));
				name = colon + 1;
			}
		}
		map_put(a, root, "serviceAccountName", 18, str_node(a, name));
		map_put(a, root, "serviceAccountNamespace", 23, str_node(a, ns));
	}
	/* layers 2-4: globalValues, this resource's values, --set */
	const kp_values *vals = opts->values;
	if (vals) {
		if (set_all(a, root, kp_value_get(vals->root, "globalValues"), err) < 0)
			return -1;
		const kp_value *rv = values_named(kp_value_get(values_policy(vals, policy), "resources"),
						  kp_value_path_str(resource, "metadata/name"));
		if (set_all(a, root, kp_value_get(rv, "values"), err) < 0)
			return -1;
	}
	if (opts->set && set_all(a, root, opts->set->root, err) < 0)
		return -1;
	const kp_value *vop = kp_value_get(kp_value_get(root, "request"), "operation");
	if (kp_value_type(vop) == KP_STRING)
		op = vop->u.s.ptr;
	req = (kp_value *)kp_value_get(root, "request");
	bool del = !strcmp(op, "DELETE"), upd = !strcmp(op, "UPDATE");
	/* the objects, with what the values wrote over them read back */
	const kp_value *vobj = kp_value_get(req, "object"), *vold = kp_value_get(req, "oldObject");
	const kp_value *obj = vobj ? merge(a, resource, vobj) : resource;
	const kp_value *old = vold;
	if (upd || del)
		old = vold ? merge(a, resource, vold) : resource;
	if (!del)
		map_put(a, req, "object", 6, obj);   /* absent on DELETE */
	if (old)
		map_put(a, req, "oldObject", 9, old);
	map_put(a, req, "operation", 9, str_node(a, op));
	const char *ns = del ? "" : kp_value_path_str(resource, "metadata/namespace");
	map_put(a, req, "namespace", 9, str_node(a, ns ? ns : ""));
	b->root = root;
	b->object = del ? NULL : obj;
	b->old_object = old;
	b->operation = op;
	b->engine_op = !strcmp(op, "CONNECT") ? "CREATE" : op;
	b->is_delete = del;
	b->changed = obj != resource;
	return 0;
}

/* ---- context entries, loaded on first use (§4.1) ---- */

/* `name` occurs in the query: after start, space or a character other
 * than '.', a letter or a digit; before a word boundary. */
static bool names(const char *q, size_t n, const char *name)
{
	size_t l = strlen(name);
	for (const char *p = q; (p = memmem(p, n - (size_t)(p - q), name, l)); p++) {
		char before = p > q ? p[-1] : ' ';
		char after = (size_t)(p - q) + l < n ? p[l] : ' ';
		bool ok_before = p == q || isspace((unsigned char)before) ||
			!(before == '.' || isalnum((unsigned char)before));
		bool ok_after = !(isalnum((unsigned char)after) || after == '_');
		if (ok_before && ok_after)
			return true;
		if ((size_t)(p - q) + l >= n)
			break;
	}
	return false;
}

static int load_entry(kp_env *env, size_t i, kp_error *err);

/* ---- the `images` variable (kyverno-rules.md §4.7) ---- */

static const struct {
	const char *kind, *spec;     /* where the pod spec is */
} pod_specs[] = {
	{"Pod", "spec"}, {"Deployment", "spec/template/spec"}, {"DaemonSet", "spec/template/spec"},
	{"ReplicaSet", "spec/template/spec"}, {"ReplicationController", "spec/template/spec"},
	{"StatefulSet", "spec/template/spec"}, {"Job", "spec/template/spec"},
	{"CronJob", "spec/jobTemplate/spec/template/spec"},
};

static void put_str(kp_arena *a, kp_value *m, const char *k, const char *v, size_t n, bool omit_empty)
{
	if (omit_empty && !n)
		return;
	map_put(a, m, k, strlen(k), kp_value_new_str(a, v, n, NULL, 0, 0));
}

/* One image's entry, or -1 (err) when the reference does not parse. */
static int image_info(kp_arena *a, const kp_value *img, const char *pointer, kp_value **out,
		      kp_error *err)
{
	kp_image_ref r;
	const char *why = "";
	if (!kp_image_ref_parse(img->u.s.ptr, img->u.s.len, "docker.io", a, &r, &why))
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "invalid image '%s' (bad image: %s)",
				 img->u.s.ptr, why);
	kp_value *m = map_copy(a, NULL);
	put_str(a, m, "registry", r.registry, r.registry ? r.registry_len : 0, true);
	put_str(a, m, "path", r.path, r.path_len, false);
	put_str(a, m, "name", r.name, r.name_len, false);
	put_str(a, m, "tag", r.tag, r.tag_len, true);
	put_str(a, m, "digest", r.digest, r.digest_len, true);
	const char *reg = r.registry ? r.registry : "";
	size_t rl = r.registry ? r.registry_len : 0;
	const char *ref = r.digest_len
		? kp_arena_printf(a, "%.*s%s%.*s@%.*s", (int)rl, reg, rl ? "/" : "", (int)r.path_len, r.path,
				  (int)r.digest_len, r.digest)
		: kp_arena_printf(a, "%.*s%s%.*s:%.*s", (int)rl, reg, rl ? "/" : "", (int)r.path_len, r.path,
				  (int)r.tag_len, r.tag);
	put_str(a, m, "reference", ref, strlen(ref), true);
	const char *with_tag = kp_arena_printf(a, "%.*s%s%.*s:%.*s", (int)rl, reg, rl ? "/" : "",
					       (int)r.path_len, r.path, (int)r.tag_len, r.tag);
	put_str(a, m, "referenceWithTag", with_tag, strlen(with_tag), true);
	put_str(a, m, "jsonPointer", pointer, strlen(pointer), false);
	*out = m;
	return 0;
}

/* images.<group>.<container name>, from the new object; absent for kinds
 * without a pod spec, on DELETE and when no container has an image. */
static int build_images(kp_env *env, kp_error *err)
{
	kp_arena *a = env->vars.scratch;
	const kp_value *obj = env->run->base->object;
	const char *kind = kp_value_path_str(obj, "kind");
	const char *spec_path = NULL;
	for (size_t i = 0; kind && i < sizeof pod_specs / sizeof *pod_specs; i++)
		if (!strcmp(kind, pod_specs[i].kind))
			spec_path = pod_specs[i].spec;
	const kp_value *spec = spec_path ? kp_value_path(obj, spec_path) : NULL;
	static const char *const groups[] = {"initContainers", "containers", "ephemeralContainers"};
	kp_value *images = NULL;
	for (size_t g = 0; g < 3; g++) {
		const kp_value *list = kp_value_get(spec, groups[g]);
		kp_value *group = NULL;
		for (size_t i = 0; i < kp_value_len(list) && kp_value_type(list) == KP_SEQ; i++) {
			const kp_value *c = list->u.seq.items[i];
			const kp_value *img = kp_value_get(c, "image");
			const char *name = kp_value_path_str(c, "name");
			if (kp_value_type(img) != KP_STRING || !name)
				continue;
			bool blank = true;
			for (size_t k = 0; k < img->u.s.len; k++)
				blank = blank && (img->u.s.ptr[k] == ' ' || img->u.s.ptr[k] == '\t');
			if (blank)
				continue;
			char *pointer = kp_arena_printf(a, "/%s/%s/%zu/image", spec_path, groups[g], i);
			kp_value *info = NULL;
			if (image_info(a, img, pointer, &info, err) < 0)
				return -1;
			if (!group)
				group = map_copy(a, NULL);
			map_put(a, group, name, strlen(name), info);
		}
		if (group) {
			if (!images)
				images = map_copy(a, NULL);
			map_put(a, images, groups[g], strlen(groups[g]), group);
		}
	}
	if (images)
		map_put(a, env->root, "images", 6, images);
	return 0;
}

/* The loader hook of kp_vars: entries named in the query, not loaded yet,
 * declared before the one being loaded (if any). */
static int load_for_query(void *ud, const char *q, size_t n, kp_error *err)
{
	kp_env *env = ud;
	if (!env->images_done && env->run->rule->may_use_images && names(q, n, "images")) {
		env->images_done = true;
		if (build_images(env, err) < 0)
			return -1;
	}
	size_t limit = env->loading < env->n_entries ? env->loading : env->n_entries;
	for (size_t i = 0; i < limit; i++) {
		if (env->loaded[i] || !names(q, n, env->entries[i]->name))
			continue;
		if (load_entry(env, i, err) < 0)
			return -1;
	}
	return 0;
}

static int variable_value(kp_env *env, const kp_ctx_entry *e, const kp_value **out, kp_error *err)
{
	kp_arena *a = env->vars.scratch;
	const kp_value *value = e->value, *dflt = e->dflt;
	if (e->value_t && kp_ttree_eval(e->value_t, &env->vars, &value, err) < 0)
		return -1;
	if (e->dflt_t && kp_ttree_eval(e->dflt_t, &env->vars, &dflt, err) < 0)
		return -1;
	const kp_jp *jp = e->jp;
	if (e->compile_error)
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "%s", e->compile_error);
	if (e->jmespath_t) {
		const kp_value *q;
		if (kp_tmpl_eval(e->jmespath_t, &env->vars, "", &q, err) < 0)
			return -1;
		if (kp_value_type(q) != KP_STRING)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
					 "invalid jmespath for variable %s: not a string", e->name);
		kp_error ce;
		jp = kp_jp_compile(q->u.s.ptr, q->u.s.len, KP_JP_KYVERNO, a, NULL, &ce);
		if (!jp)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "incorrect query %s: %s",
					 q->u.s.ptr, ce.msg);
	}
	if (!jp && !e->has_jmespath) {
		*out = value;
	} else if (e->has_value) {
		kp_error je;
		const kp_value *r;
		if (kp_jp_eval(jp, value, a, &r, &je) < 0) {
			if (!dflt)
				return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "JMESPath query failed: %s", je.msg);
			r = dflt;
		}
		*out = r;
	} else {
		if (env->vars.load && load_for_query(env, kp_jp_source(jp), strlen(kp_jp_source(jp)), err) < 0)
			return -1;
		kp_error je;
		const kp_value *r = NULL;
		int rc = kp_jp_eval(jp, env->root, a, &r, &je);
		if (rc < 0 || kp_value_type(r) == KP_NULL) {
			if (!dflt && rc < 0)
				return kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "JMESPath query failed: %s", je.msg);
			if (dflt)
				r = dflt;
		}
		*out = r;
	}
	if (kp_value_type(*out) == KP_NULL)
		return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
				 "failed to add context entry for variable %s since it evaluated to nil",
				 e->name);
	return 0;
}

static int load_entry(kp_env *env, size_t i, kp_error *err)
{
	const kp_ctx_entry *e = env->entries[i];
	env->loaded[i] = true;
	size_t saved = env->loading;
	env->loading = i;
	int rc = 0;
	const kp_value *v;
	int src = e->source ? kp_ctx_source_load(env, e, &v, err) : 1;
	if (src <= 0) {
		/* a data source the embedder gave (ctx_source.c): merged in */
		rc = src < 0 ? -1 : kp_ctx_set(env->vars.scratch, env->root, e->name, strlen(e->name), v, err);
	} else if (src == KP_SOURCE_DISABLED) {
		/* not registered, as in the Kyverno CLI: values give the name or nothing does */
	} else if (e->unsupported) {
		/* a source kpolicy cannot reach: values may have given the name */
		if (!kp_value_get(env->root, e->name) || !strncmp(e->unsupported, "function ", 9))
			rc = kp_error_unsupported(err, NULL, NULL, e->unsupported);
	} else {
		rc = variable_value(env, e, &v, err);
		if (!rc)
			map_put(env->vars.scratch, env->root, e->name, strlen(e->name), v);
	}
	env->loading = saved;
	return rc;
}

/* Rule values (§7 step 7), written at every context load. */
static int rule_values(kp_env *env, kp_error *err)
{
	const kp_value *rv = values_rule(env->run->opts->values, env->run->policy->name, env->run->rule);
	if (!rv)
		return 0;
	kp_arena *a = env->vars.scratch;
	if (set_all(a, env->root, kp_value_get(rv, "values"), err) < 0)
		return -1;
	/* foreachValues: always the element at index 0 (upstream never sets
	 * the index) */
	const kp_value *fv = kp_value_get(rv, "foreachValues");
	for (size_t i = 0; i < kp_value_len(fv); i++) {
		const kp_pair *p = &fv->u.map.pairs[i];
		const kp_value *first = kp_value_type(p->value) == KP_SEQ && p->value->u.seq.n
			? p->value->u.seq.items[0] : NULL;
		if (first && kp_ctx_set(a, env->root, p->key->u.s.ptr, p->key->u.s.len, first, err) < 0)
			return -1;
	}
	return 0;
}

static void add_entries(kp_env *env, const kp_ctx_entry *const *entries, size_t n)
{
	env->loading = SIZE_MAX;
	if (!n)
		return;  /* most rules: nothing to copy */
	kp_arena *a = env->vars.scratch;
	size_t total = env->n_entries + n;
	const kp_ctx_entry **all = kp_arena_alloc(a, (total + 1) * sizeof *all);
	bool *loaded = kp_arena_alloc(a, total + 1);
	if (env->n_entries) {
		memcpy(all, env->entries, env->n_entries * sizeof *all);
		memcpy(loaded, env->loaded, env->n_entries);
	}
	for (size_t i = 0; i < n; i++)
		all[env->n_entries + i] = entries[i];
	env->entries = all;
	env->loaded = loaded;
	env->n_entries = total;
}

int kp_env_init(kp_env *env, const kp_rule_run *run, kp_error *err)
{
	kp_arena *a = run->ctx->scratch;
	*env = (kp_env){.run = run};
	env->root = map_copy(a, run->base->root);
	env->vars = (kp_vars){.root = env->root, .is_delete = run->base->is_delete, .scratch = a,
			      .load = load_for_query, .load_ud = env};
	env->loading = SIZE_MAX;
	if (rule_values(env, err) < 0)
		return -1;
	add_entries(env, (const kp_ctx_entry *const *)run->rule->context, run->rule->n_context);
	return kp_ctx_sources_register(env, 0, err);
}

int kp_env_element(kp_env *child, const kp_env *parent, const kp_value *element, size_t index,
		   unsigned depth, const kp_ctx_entry *const *entries, size_t n_entries,
		   kp_error *err)
{
	kp_arena *a = parent->vars.scratch;
	*child = *parent;
	child->root = map_copy_room(a, parent->root, 4);
	child->vars.root = child->root;
	child->vars.load_ud = child;
	/* loaded outer entries stay; their flags are copied with the list */
	child->loaded = kp_arena_alloc(a, parent->n_entries + 1);
	if (parent->n_entries)
		memcpy(child->loaded, parent->loaded, parent->n_entries);
	kp_value *idx = kp_value_new(a, KP_INT, NULL, 0, 0);
	idx->u.i = (int64_t)index;
	map_put_key(child->root, &elem_keys[0], element);
	map_put_key(child->root, &elem_keys[1], idx);
	if (depth < ELEM_KEY_DEPTHS) {
		map_put_key(child->root, &elem_keys[2 + 2 * depth], element);
		map_put_key(child->root, &elem_keys[3 + 2 * depth], idx);
	} else {
		char name[32];
		map_put_room(a, child->root, name, with_number(name, "element", 7, depth), element);
		map_put_room(a, child->root, name, with_number(name, "elementIndex", 12, depth), idx);
	}
	if (rule_values(child, err) < 0)
		return -1;
	add_entries(child, entries, n_entries);
	return kp_ctx_sources_register(child, parent->n_entries, err);
}

/* ---- compiling context entries ---- */

static const char *const source_kinds[][2] = {
	{"configMap", "context.configMap"}, {"apiCall", "context.apiCall"},
	{"globalReference", "context.globalReference"}, {"imageRegistry", "context.imageRegistry"},
};

int kp_ctx_entries_compile(kp_arena *a, const kp_value *list, const char *path,
			   kp_ctx_entry ***out, size_t *n, kp_error *err, kp_error *diag)
{
	*n = kp_value_len(list);
	*out = kp_arena_alloc(a, (*n + 1) * sizeof **out);
	if (kp_value_type(list) != KP_NULL && kp_value_type(list) != KP_SEQ)
		return kp_error_at(err, KP_E_POLICY, list, path, "context must be a list");
	for (size_t i = 0; i < *n; i++) {
		const kp_value *e = list->u.seq.items[i];
		char *sub = kp_arena_printf(a, "%s/%zu", path, i);
		const kp_value *name = kp_value_get(e, "name");
		if (kp_value_type(name) != KP_STRING || !name->u.s.len)
			return kp_error_at(err, KP_E_POLICY, e, sub, "a context entry needs a name");
		kp_ctx_entry *c = kp_arena_alloc(a, sizeof *c);
		c->name = name->u.s.ptr;
		(*out)[i] = c;
		const kp_value *var = kp_value_get(e, "variable");
		if (kp_value_type(var) == KP_MAP) {
			c->value = kp_value_get(var, "value");
			c->has_value = c->value != NULL;
			c->dflt = kp_value_get(var, "default");
			c->value_t = kp_ttree_compile(a, c->value, "", diag);
			c->dflt_t = kp_ttree_compile(a, c->dflt, "", diag);
			const kp_value *jp = kp_value_get(var, "jmesPath");
			if (kp_value_type(jp) == KP_STRING) {
				c->has_jmespath = true;
				c->jmespath_t = kp_tmpl_compile(a, jp, diag);
				if (!c->jmespath_t) {
					kp_error ce;
					c->jp = kp_jp_compile(jp->u.s.ptr, jp->u.s.len, KP_JP_KYVERNO, a, NULL, &ce);
					if (!c->jp) {
						/* Kyverno fails at first use, not at load */
						const char *fn = kp_missing_function(ce.msg);
						if (fn)
							c->unsupported = kp_arena_printf(a, "function %s", fn);
						c->compile_error = kp_arena_printf(a, "incorrect query %s: %s",
										   jp->u.s.ptr, ce.msg);
						if (!fn && diag && diag->code == KP_OK)
							kp_error_in_expr(diag, KP_E_EXPR, jp, ce.col ? ce.col - 1 : 0,
									 kp_arena_printf(a, "%s/variable/jmesPath", sub),
									 "%s", ce.msg);
					}
				}
			}
			continue;
		}
		c->unsupported = "context entry without a source";
		for (size_t k = 0; k < sizeof source_kinds / sizeof *source_kinds; k++)
			if (kp_value_get(e, source_kinds[k][0]))
				c->unsupported = source_kinds[k][1];
		c->source = kp_ctx_source_compile(a, e, sub, diag);
	}
	return 0;
}
