/* vars_tree.c - substitution over a whole tree (patterns, condition keys
 * and values, context values): every string leaf and map key holding
 * variables is a compiled template; evaluation copies only the nodes on
 * the way to a substituted string.  Maps are substituted in sorted key
 * order, so that when several variables fail the same one is reported
 * every time (Go walks them in random map order). */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

typedef struct tnode tnode;
struct kp_ttree {
	const kp_value *src;
	const char *path;            /* JSON pointer below the tree's root */
	kp_tmpl *tmpl;               /* a string with variables */
	kp_ttree **kids;             /* seq items / map values; NULL: static */
	kp_tmpl **keys;              /* map keys with variables */
	size_t *order;               /* map: pairs in sorted key order */
};

static int key_cmp(const void *x, const void *y, void *pairs_)
{
	const kp_pair *p = pairs_;
	const kp_value *a = p[*(const size_t *)x].key, *b = p[*(const size_t *)y].key;
	return kp_bytes_cmp(a->u.s.ptr, a->u.s.len, b->u.s.ptr, b->u.s.len);
}

static kp_ttree *compile(kp_arena *a, const kp_value *v, const char *path, kp_error *diag)
{
	kp_ttree *t = NULL;
	switch (kp_value_type(v)) {
	case KP_STRING: {
		kp_tmpl *tm = kp_tmpl_compile(a, v, diag);
		if (!tm)
			return NULL;
		t = kp_arena_alloc(a, sizeof *t);
		t->tmpl = tm;
		break;
	}
	case KP_SEQ:
		for (size_t i = 0; i < v->u.seq.n; i++) {
			char *sub = kp_arena_printf(a, "%s/%zu", path, i);
			kp_ttree *k = compile(a, v->u.seq.items[i], sub, diag);
			if (!k)
				continue;
			if (!t) {
				t = kp_arena_alloc(a, sizeof *t);
				t->kids = kp_arena_alloc(a, v->u.seq.n * sizeof *t->kids);
			}
			t->kids[i] = k;
		}
		break;
	case KP_MAP:
		for (size_t i = 0; i < v->u.map.n; i++) {
			const kp_pair *p = &v->u.map.pairs[i];
			char *sub = kp_arena_printf(a, "%s/%.*s", path, (int)p->key->u.s.len, p->key->u.s.ptr);
			kp_tmpl *kt = kp_tmpl_compile(a, p->key, diag);
			kp_ttree *k = compile(a, p->value, sub, diag);
			if (!kt && !k)
				continue;
			if (!t) {
				t = kp_arena_alloc(a, sizeof *t);
				t->kids = kp_arena_alloc(a, v->u.map.n * sizeof *t->kids);
				t->keys = kp_arena_alloc(a, v->u.map.n * sizeof *t->keys);
			}
			t->kids[i] = k;
			t->keys[i] = kt;
		}
		if (t) {
			t->order = kp_arena_alloc(a, v->u.map.n * sizeof *t->order);
			for (size_t i = 0; i < v->u.map.n; i++)
				t->order[i] = i;
			qsort_r(t->order, v->u.map.n, sizeof *t->order, key_cmp, v->u.map.pairs);
		}
		break;
	default:
		return NULL;
	}
	if (!t)
		return NULL;
	t->src = v;
	t->path = path;
	return t;
}

kp_ttree *kp_ttree_compile(kp_arena *a, const kp_value *tree, const char *path, kp_error *diag)
{
	return compile(a, tree, path ? path : "", diag);
}

int kp_ttree_eval(const kp_ttree *t, const kp_vars *vs, const kp_value **out, kp_error *err)
{
	const kp_value *v = t->src;
	if (t->tmpl)
		return kp_tmpl_eval(t->tmpl, vs, t->path, out, err);
	kp_value *c = kp_value_new(vs->scratch, v->type, v->file, v->line, v->col);
	if (v->type == KP_SEQ) {
		c->u.seq.n = v->u.seq.n;
		c->u.seq.items = kp_arena_alloc(vs->scratch, (v->u.seq.n + 1) * sizeof(kp_value *));
		for (size_t i = 0; i < v->u.seq.n; i++) {
			const kp_value *item = v->u.seq.items[i];
			if (t->kids[i] && kp_ttree_eval(t->kids[i], vs, &item, err) < 0)
				return -1;
			c->u.seq.items[i] = (kp_value *)item;
		}
	} else {
		size_t n = v->u.map.n;
		c->u.map.n = n;
		c->u.map.pairs = kp_arena_alloc(vs->scratch, (n + 1) * sizeof(kp_pair));
		for (size_t oi = 0; oi < n; oi++) {
			size_t i = t->order[oi];
			kp_pair p = v->u.map.pairs[i];
			if (t->keys[i]) {
				const kp_value *k;
				if (kp_tmpl_eval(t->keys[i], vs, t->path, &k, err) < 0)
					return -1;
				if (kp_value_type(k) != KP_STRING)
					return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
							 "failed to substitute the key %.*s at path %s: not a string",
							 (int)p.key->u.s.len, p.key->u.s.ptr, t->path);
				p.key = (kp_value *)k;
			}
			if (t->kids[i]) {
				const kp_value *val;
				if (kp_ttree_eval(t->kids[i], vs, &val, err) < 0)
					return -1;
				p.value = (kp_value *)val;
			}
			c->u.map.pairs[i] = p;
		}
	}
	*out = c;
	return 0;
}

const kp_value *kp_ttree_source(const kp_ttree *t)
{
	return t->src;
}
