/* value.c - the document tree: constructors, accessors, documents. */
#include "value/value.h"

#include <stdlib.h>
#include <string.h>

kp_value *kp_value_new(kp_arena *a, kp_type t, const char *file,
		       unsigned line, unsigned col)
{
	kp_value *v = kp_arena_alloc(a, sizeof(*v));
	v->type = t;
	v->file = file;
	v->line = line;
	v->col = col;
	return v;
}

kp_value *kp_value_new_str(kp_arena *a, const char *s, size_t len,
			   const char *file, unsigned line, unsigned col)
{
	kp_value *v = kp_value_new(a, KP_STRING, file, line, col);
	v->u.s.ptr = kp_arena_strndup(a, s, len);
	v->u.s.len = len;
	return v;
}

/* The file names of a tree are a few strings shared by many nodes: copy
 * each once (a copy per node would cost the name's length per node). */
typedef struct copy_files {
	const char *src, *dst;
} copy_files;

static kp_value *copy_rec(kp_arena *a, const kp_value *v, copy_files *f)
{
	if (!v)
		return NULL;
	if (v->file && v->file != f->src) {
		f->src = v->file;
		f->dst = kp_arena_strdup(a, v->file);
	}
	kp_value *c = kp_value_new(a, v->type, v->file ? f->dst : NULL, v->line, v->col);
	c->style = v->style;
	c->block_indent = v->block_indent;
	switch (v->type) {
	case KP_STRING:
		c->u.s.ptr = kp_arena_strndup(a, v->u.s.ptr, v->u.s.len);
		c->u.s.len = v->u.s.len;
		break;
	case KP_SEQ:
		c->u.seq.n = v->u.seq.n;
		c->u.seq.items = kp_arena_alloc(a, sizeof(kp_value *) * (v->u.seq.n + 1));
		for (size_t i = 0; i < v->u.seq.n; i++)
			c->u.seq.items[i] = copy_rec(a, v->u.seq.items[i], f);
		break;
	case KP_MAP:
		c->u.map.n = v->u.map.n;
		c->u.map.pairs = kp_arena_alloc(a, sizeof(kp_pair) * (v->u.map.n + 1));
		for (size_t i = 0; i < v->u.map.n; i++) {
			c->u.map.pairs[i].key = copy_rec(a, v->u.map.pairs[i].key, f);
			c->u.map.pairs[i].value = copy_rec(a, v->u.map.pairs[i].value, f);
		}
		break;
	default:
		c->u = v->u;
		break;
	}
	return c;
}

kp_value *kp_value_copy(kp_arena *a, const kp_value *v)
{
	copy_files f = {0};
	return copy_rec(a, v, &f);
}

kp_value *kp_map_get_mut(kp_value *map, const char *key)
{
	if (!map || map->type != KP_MAP)
		return NULL;
	size_t kl = strlen(key);
	for (size_t i = 0; i < map->u.map.n; i++) {
		const kp_value *k = map->u.map.pairs[i].key;
		if (k->u.s.len == kl && memcmp(k->u.s.ptr, key, kl) == 0)
			return map->u.map.pairs[i].value;
	}
	return NULL;
}

void kp_map_set(kp_arena *a, kp_value *map, const char *key, kp_value *val)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < map->u.map.n; i++) {
		const kp_value *k = map->u.map.pairs[i].key;
		if (k->u.s.len == kl && memcmp(k->u.s.ptr, key, kl) == 0) {
			map->u.map.pairs[i].value = val;
			return;
		}
	}
	kp_pair *np = kp_arena_alloc(a, sizeof(kp_pair) * (map->u.map.n + 1));
	if (map->u.map.n)
		memcpy(np, map->u.map.pairs, sizeof(kp_pair) * map->u.map.n);
	np[map->u.map.n].key = kp_value_new_str(a, key, kl, val ? val->file : map->file,
						 val ? val->line : map->line,
						 val ? val->col : map->col);
	np[map->u.map.n].value = val;
	map->u.map.pairs = np;
	map->u.map.n++;
}

void kp_seq_push(kp_arena *a, kp_value *seq, kp_value *item)
{
	kp_value **ni = kp_arena_alloc(a, sizeof(kp_value *) * (seq->u.seq.n + 1));
	if (seq->u.seq.n)
		memcpy(ni, seq->u.seq.items, sizeof(kp_value *) * seq->u.seq.n);
	ni[seq->u.seq.n++] = item;
	seq->u.seq.items = ni;
}

bool kp_value_str_eq(const kp_value *v, const char *s)
{
	if (!v || v->type != KP_STRING)
		return false;
	size_t n = strlen(s);
	return v->u.s.len == n && memcmp(v->u.s.ptr, s, n) == 0;
}

int kp_bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

/* ---- public accessors ---- */

kp_type kp_value_type(const kp_value *v) { return v ? v->type : KP_NULL; }
bool kp_value_bool(const kp_value *v) { return v && v->type == KP_BOOL && v->u.b; }
int64_t kp_value_int(const kp_value *v) { return v && v->type == KP_INT ? v->u.i : 0; }

double kp_value_float(const kp_value *v)
{
	if (!v)
		return 0;
	if (v->type == KP_FLOAT)
		return v->u.f;
	if (v->type == KP_INT)
		return (double)v->u.i;
	return 0;
}

const char *kp_value_str(const kp_value *v, size_t *len)
{
	if (!v || v->type != KP_STRING)
		return NULL;
	if (len)
		*len = v->u.s.len;
	return v->u.s.ptr;
}

size_t kp_value_len(const kp_value *v)
{
	if (!v)
		return 0;
	if (v->type == KP_SEQ)
		return v->u.seq.n;
	if (v->type == KP_MAP)
		return v->u.map.n;
	return 0;
}

const kp_value *kp_value_at(const kp_value *v, size_t i)
{
	return v && v->type == KP_SEQ && i < v->u.seq.n ? v->u.seq.items[i] : NULL;
}

const kp_value *kp_value_key_at(const kp_value *v, size_t i)
{
	return v && v->type == KP_MAP && i < v->u.map.n ? v->u.map.pairs[i].key : NULL;
}

const kp_value *kp_value_val_at(const kp_value *v, size_t i)
{
	return v && v->type == KP_MAP && i < v->u.map.n ? v->u.map.pairs[i].value : NULL;
}

const kp_value *kp_value_get(const kp_value *map, const char *key)
{
	return kp_map_get_mut((kp_value *)map, key);
}

/* The value of key[0, n) (n > 0) in map m, or NULL (m not a map, or no
 * such key). */
static const kp_value *map_get_n(const kp_value *m, const char *key, size_t n)
{
	if (m->type != KP_MAP)
		return NULL;
	for (size_t i = 0; i < m->u.map.n; i++) {
		const kp_value *k = m->u.map.pairs[i].key;
		if (k->u.s.len == n && k->u.s.ptr[0] == key[0] && memcmp(k->u.s.ptr, key, n) == 0)
			return m->u.map.pairs[i].value;
	}
	return NULL;
}

const kp_value *kp_value_path(const kp_value *v, const char *path)
{
	while (v && *path) {
		/* segments are looked up in place, not copied */
		const char *seg = path;
		while (*path && *path != '/')
			path++;
		size_t n = (size_t)(path - seg);
		if (*path)
			path++;
		if (n >= 256)
			return NULL;
		if (!n)
			continue;
		if (v->type == KP_SEQ) {
			char num[256], *end;
			memcpy(num, seg, n);
			num[n] = 0;
			unsigned long idx = strtoul(num, &end, 10);
			v = *end ? NULL : kp_value_at(v, idx);
		} else {
			v = map_get_n(v, seg, n);
		}
	}
	return v;
}

const char *kp_value_path_str(const kp_value *v, const char *path)
{
	return kp_value_str(kp_value_path(v, path), NULL);
}

const char *kp_value_file(const kp_value *v) { return v ? v->file : NULL; }
unsigned kp_value_line(const kp_value *v) { return v ? v->line : 0; }
unsigned kp_value_col(const kp_value *v) { return v ? v->col : 0; }

/* ---- documents ---- */

struct kp_doc_shared {
	kp_arena *arena;
	int refs;
};

kp_doc *kp_doc_new(kp_arena *arena, kp_value *root, const char *file)
{
	kp_doc *d = kp_xcalloc(1, sizeof(*d));
	d->arena = arena;
	d->root = root;
	d->file = file;
	return d;
}

void kp_doc_free(kp_doc *d)
{
	if (!d)
		return;
	if (d->shared) {
		if (--d->shared->refs == 0) {
			kp_arena_free(d->shared->arena);
			free(d->shared);
		}
	} else {
		kp_arena_free(d->arena);
	}
	free(d);
}

/* Items of a `kind: List` share the List's arena; the last one frees it. */
kp_doc *kp_doc_new_shared(kp_doc *list, kp_value *root)
{
	if (!list->shared) {
		list->shared = kp_xcalloc(1, sizeof(*list->shared));
		list->shared->arena = list->arena;
		list->shared->refs = 1;
	}
	kp_doc *d = kp_doc_new(list->arena, root, list->file);
	d->no_null_values = list->no_null_values;
	d->shared = list->shared;
	d->shared->refs++;
	return d;
}

const kp_value *kp_doc_root(const kp_doc *d) { return d ? d->root : NULL; }
const char *kp_doc_file(const kp_doc *d) { return d ? d->file : NULL; }

/* The string at key `a` of the root, or at key `b` (if not NULL) below
 * it; "" if there is none: kp_value_path_str without parsing a path. */
static const char *doc_str(const kp_doc *d, const char *a, size_t an, const char *b, size_t bn)
{
	const kp_value *v = d && d->root ? map_get_n(d->root, a, an) : NULL;
	if (v && b)
		v = map_get_n(v, b, bn);
	return v && v->type == KP_STRING ? v->u.s.ptr : "";
}

#define DOC_KEY(k) k, sizeof(k) - 1
const char *kp_doc_api_version(const kp_doc *d) { return doc_str(d, DOC_KEY("apiVersion"), NULL, 0); }
const char *kp_doc_kind(const kp_doc *d) { return doc_str(d, DOC_KEY("kind"), NULL, 0); }
const char *kp_doc_name(const kp_doc *d) { return doc_str(d, DOC_KEY("metadata"), DOC_KEY("name")); }
const char *kp_doc_namespace(const kp_doc *d)
{
	return doc_str(d, DOC_KEY("metadata"), DOC_KEY("namespace"));
}
#undef DOC_KEY

const char *kp_status_name(kp_status s)
{
	static const char *const names[] = {"pass", "fail", "warn", "error", "skip"};
	return (unsigned)s < 5 ? names[s] : "?";
}
