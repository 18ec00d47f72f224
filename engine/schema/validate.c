/* validate.c - a document tree against a generated CRD schema (schema.h).
 * Recursion follows the schema, not the document: below a node that
 * preserves unknown fields nothing is visited, so the depth is bounded by
 * the schema's (a few dozen levels). */
#include "schema/schema.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	kp_schema_cb cb;
	void *ud;
	size_t problems;
	char path[512];
	size_t len;
} vctx;

static const char *str(uint32_t i) { return kp_schema_strings[i]; }

static void report(vctx *c, kp_schema_severity sev, const kp_value *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void kp_schema_errorv(kp_error *e, const kp_value *at, const char *path, const char *fmt,
		      va_list ap)
{
	char msg[sizeof e->msg];
	vsnprintf(msg, sizeof msg, fmt, ap);
	kp_errorf(e, KP_E_POLICY, kp_value_file(at), kp_value_line(at), kp_value_col(at), "%s", msg);
	snprintf(e->path, sizeof e->path, "%s", path);
}

static void report(vctx *c, kp_schema_severity sev, const kp_value *at, const char *fmt, ...)
{
	kp_error e;
	va_list ap;
	va_start(ap, fmt);
	kp_schema_errorv(&e, at, c->len ? c->path : "/", fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->cb)
		c->cb(c->ud, sev, &e);
}

/* Append "/seg" to the path; returns the old length to restore. */
static size_t push(vctx *c, const char *seg, size_t n)
{
	size_t old = c->len;
	if (c->len + 1 + n < sizeof c->path) {
		c->path[c->len++] = '/';
		memcpy(c->path + c->len, seg, n);
		c->len += n;
		c->path[c->len] = 0;
	}
	return old;
}

static void pop(vctx *c, size_t old)
{
	c->len = old;
	c->path[old] = 0;
}

static const char *type_name(uint8_t t)
{
	static const char *const names[] = {"any", "object", "array", "string", "integer",
					    "number", "boolean"};
	return names[t];
}

static const char *value_type_name(const kp_value *v)
{
	switch (kp_value_type(v)) {
	case KP_BOOL: return "boolean";
	case KP_INT: return "integer";
	case KP_FLOAT: return "number";
	case KP_STRING: return "string";
	case KP_SEQ: return "array";
	case KP_MAP: return "object";
	default: return "null";
	}
}

static bool type_ok(const kp_schema_node *s, const kp_value *v)
{
	if ((s->flags & KP_SCHF_INT_OR_STRING) && (v->type == KP_INT || v->type == KP_STRING))
		return true;
	switch (s->type) {
	case KP_SCH_ANY: return true;
	case KP_SCH_OBJECT: return v->type == KP_MAP;
	case KP_SCH_ARRAY: return v->type == KP_SEQ;
	case KP_SCH_STRING: return v->type == KP_STRING;
	case KP_SCH_INTEGER: return v->type == KP_INT;
	case KP_SCH_NUMBER: return v->type == KP_INT || v->type == KP_FLOAT;
	case KP_SCH_BOOLEAN: return v->type == KP_BOOL;
	}
	return false;
}

static const kp_schema_node *prop_lookup(const kp_schema_node *s, const char *name, size_t n)
{
	size_t lo = 0, hi = s->n_props;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const kp_schema_prop *p = &kp_schema_props[s->props + mid];
		const char *pn = str(p->name);
		int cmp = kp_bytes_cmp(name, n, pn, strlen(pn));
		if (!cmp)
			return &kp_schema_nodes[p->node];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The value as an enum compares it: strings as they are, integers and
 * booleans in their JSON spelling. */
static bool enum_ok(const kp_schema_node *s, const kp_value *v)
{
	char buf[32];
	const char *txt;
	size_t n;
	if (v->type == KP_STRING) {
		txt = v->u.s.ptr, n = v->u.s.len;
	} else if (v->type == KP_INT) {
		n = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v->u.i), txt = buf;
	} else if (v->type == KP_BOOL) {
		txt = v->u.b ? "true" : "false", n = strlen(txt);
	} else {
		return false;
	}
	for (size_t i = 0; i < s->n_enum; i++) {
		const char *e = str(kp_schema_lists[s->enums + i]);
		if (strlen(e) == n && !memcmp(e, txt, n))
			return true;
	}
	return false;
}

static void enum_problem(vctx *c, const kp_schema_node *s, const kp_value *v)
{
	char list[700];
	size_t len = 0;
	list[0] = 0;
	for (size_t i = 0; i < s->n_enum && len + 4 < sizeof list; i++) {
		int w = snprintf(list + len, sizeof list - len, "%s\"%s\"", i ? ", " : "",
				 str(kp_schema_lists[s->enums + i]));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (v->type == KP_STRING)
		report(c, KP_SCHEMA_DROP, v, "Unsupported value: \"%.*s\": supported values: %s",
		       (int)(v->u.s.len > 200 ? 200 : v->u.s.len), v->u.s.ptr, list);
	else
		report(c, KP_SCHEMA_DROP, v, "Unsupported value: supported values: %s", list);
}

/* Number of UTF-8 code points (how Kubernetes counts string lengths). */
static size_t utf8_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

static bool has_all(const kp_value *map, uint32_t first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (kp_value_type(kp_value_get(map, str(kp_schema_lists[first + i]))) == KP_NULL)
			return false;
	return true;
}

static bool values_equal(const kp_value *a, const kp_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case KP_STRING: return !kp_bytes_cmp(a->u.s.ptr, a->u.s.len, b->u.s.ptr, b->u.s.len);
	case KP_INT: return a->u.i == b->u.i;
	case KP_BOOL: return a->u.b == b->u.b;
	case KP_FLOAT: return a->u.f == b->u.f;
	case KP_NULL: return true;
	default: return false;   /* sets hold scalars in Kyverno's CRDs */
	}
}

static void check(vctx *c, const kp_schema_node *s, const kp_value *v);

static void check_object(vctx *c, const kp_schema_node *s, const kp_value *v)
{
	for (size_t i = 0; i < s->n_required; i++) {
		const char *name = str(kp_schema_lists[s->required + i]);
		if (kp_value_type(kp_value_get(v, name)) == KP_NULL)
			report(c, KP_SCHEMA_DROP, v, "Required value: missing field \"%s\"", name);
	}
	if (s->n_oneof) {
		size_t matched = 0;
		uint32_t at = s->oneof;
		for (size_t g = 0; g < s->n_oneof; g++) {
			uint32_t n = kp_schema_lists[at];
			if (has_all(v, at + 1, n))
				matched++;
			at += 1 + n;
		}
		if (matched != 1)
			report(c, KP_SCHEMA_DROP, v, "%s of the alternative fields must be given (oneOf)",
			       matched ? "only one" : "one");
	}
	if (s->n_not && has_all(v, s->not_required, s->n_not))
		report(c, KP_SCHEMA_DROP, v, "Forbidden: \"%s\" and \"%s\" cannot be given together",
		       str(kp_schema_lists[s->not_required]),
		       str(kp_schema_lists[s->not_required + (s->n_not > 1 ? 1 : 0)]));
	for (size_t i = 0; i < v->u.map.n; i++) {
		const kp_value *k = v->u.map.pairs[i].key, *val = v->u.map.pairs[i].value;
		const kp_schema_node *sub = prop_lookup(s, k->u.s.ptr, k->u.s.len);
		if (!sub && s->additional >= 0)
			sub = &kp_schema_nodes[s->additional];
		size_t old = push(c, k->u.s.ptr, k->u.s.len);
		if (sub)
			check(c, sub, val);
		else if (s->n_props && s->additional == -1 && !(s->flags & KP_SCHF_PRESERVE))
			report(c, KP_SCHEMA_ABORT, k, "unknown field \"%.*s\"",
			       (int)(k->u.s.len > 200 ? 200 : k->u.s.len), k->u.s.ptr);
		pop(c, old);
	}
}

static void check_array(vctx *c, const kp_schema_node *s, const kp_value *v)
{
	if (s->min_items >= 0 && v->u.seq.n < (size_t)s->min_items)
		report(c, KP_SCHEMA_DROP, v, "Invalid value: must have at least %d items",
		       (int)s->min_items);
	for (size_t i = 0; i < v->u.seq.n; i++) {
		char seg[24];
		int n = snprintf(seg, sizeof seg, "%zu", i);
		size_t old = push(c, seg, (size_t)n);
		if (s->items >= 0)
			check(c, &kp_schema_nodes[s->items], v->u.seq.items[i]);
		if (s->flags & KP_SCHF_LIST_SET)
			for (size_t j = 0; j < i; j++)
				if (values_equal(v->u.seq.items[j], v->u.seq.items[i])) {
					report(c, KP_SCHEMA_DROP, v->u.seq.items[i],
					       "Duplicate value (list-type set): same as item %zu", j);
					break;
				}
		pop(c, old);
	}
}

static void check(vctx *c, const kp_schema_node *s, const kp_value *v)
{
	if (kp_value_type(v) == KP_NULL)
		return;
	if (!type_ok(s, v)) {
		report(c, KP_SCHEMA_DROP, v, "Invalid value: must be of type %s, not %s",
		       (s->flags & KP_SCHF_INT_OR_STRING) ? "integer or string" : type_name(s->type),
		       value_type_name(v));
		return;
	}
	if (s->n_enum && !enum_ok(s, v))
		enum_problem(c, s, v);
	if (v->type == KP_STRING) {
		size_t n = utf8_len(v->u.s.ptr, v->u.s.len);
		if (s->min_length >= 0 && n < (size_t)s->min_length)
			report(c, KP_SCHEMA_DROP, v, "Invalid value: must be at least %d characters long",
			       (int)s->min_length);
		if (s->max_length >= 0 && n > (size_t)s->max_length)
			report(c, KP_SCHEMA_DROP, v, "Too long: may not be more than %d characters",
			       (int)s->max_length);
	} else if (v->type == KP_INT) {
		if ((s->flags & KP_SCHF_HAS_MIN) && v->u.i < s->minimum)
			report(c, KP_SCHEMA_DROP, v, "Invalid value: %lld: must be greater than or equal to %lld",
			       (long long)v->u.i, (long long)s->minimum);
		if ((s->flags & KP_SCHF_INT32) && (v->u.i < INT32_MIN || v->u.i > INT32_MAX))
			report(c, KP_SCHEMA_DROP, v, "Invalid value: %lld: out of the int32 range",
			       (long long)v->u.i);
	} else if (v->type == KP_MAP && !(s->flags & KP_SCHF_PRESERVE && !s->n_props)) {
		check_object(c, s, v);
	} else if (v->type == KP_SEQ) {
		check_array(c, s, v);
	}
}

size_t kp_schema_validate(const kp_schema_root *root, const kp_value *doc,
			  kp_schema_cb cb, void *ud)
{
	vctx c = {.cb = cb, .ud = ud};
	check(&c, &kp_schema_nodes[root->node], doc);
	return c.problems;
}

const kp_schema_root *kp_schema_find(const char *api_version, const char *kind)
{
	if (!api_version || !kind)
		return NULL;
	const char *slash = strchr(api_version, '/');
	if (!slash)
		return NULL;   /* the core group has no Kyverno CRD */
	size_t glen = (size_t)(slash - api_version);
	for (size_t i = 0; i < kp_schema_n_roots; i++) {
		const kp_schema_root *r = &kp_schema_roots[i];
		if (strlen(r->group) == glen && !memcmp(r->group, api_version, glen) &&
		    !strcmp(r->version, slash + 1) && !strcmp(r->kind, kind))
			return r;
	}
	return NULL;
}

static int cmp_kind(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool kp_schema_kind_known(const char *kind)
{
	return bsearch(kind, kp_schema_known_kinds, kp_schema_n_known_kinds,
		       sizeof *kp_schema_known_kinds, cmp_kind) != NULL;
}
