/* pattern_match.c - the tree walk of Kyverno's validate.MatchPattern
 * (validateResourceElement, validateMap with its two phases, validateArray,
 * the anchor handlers, metadata wildcard keys and the anchor-map
 * bookkeeping that turns some failures into empty-path errors). */
#include "pattern/pattern.h"

#include <string.h>

/* Error classes as Kyverno's errors.Is checks see them. */
typedef enum ekind {
	E_PLAIN, E_COND, E_GLOBAL, E_NEG,
	E_SKIPAGG            /* skip errors aggregated by a list or map */
} ekind;

/* How to render the error text (only done for the final error). */
typedef enum mkind {
	M_STRUCT, M_LIST, M_LEAF, M_EMPTY_ARRAY, M_LEN, M_NOTFOUND, M_NEG,
	M_COND_MISSING, M_WRAP_COND, M_WRAP_GLOBAL, M_EXIST_RTYPE,
	M_EXIST_PTYPE, M_EXIST_PMAP, M_EXIST_FAIL, M_JOIN
} mkind;

typedef struct perr perr;
struct perr {
	ekind kind;
	mkind mk;
	const char *path;          /* the path Kyverno returns with the error */
	const kp_value *node;      /* deepest existing resource node */
	const kp_value *res;       /* for the text */
	const kp_value *pat;       /* for the text */
	const char *tpath;         /* path inside the text */
	const char *elem;          /* key of a "not found" */
	size_t n1, n2;
	const perr *inner;         /* wrapped error / first of a join */
	const perr *next;          /* next in a join */
};

typedef struct bk_dyn {
	const char *key;
	size_t len;
	bool neg;
	unsigned char state;
} bk_dyn;

typedef kp_path_seg path_seg;

typedef struct mctx {
	kp_arena *a;
	const kp_pat_root *root;
	unsigned char *bk;         /* 0 unseen, 1 missing, 2 present */
	bk_dyn *dyn;               /* slots for keys made by metadata expansion */
	size_t n_dyn, cap_dyn;
	/* the current path's last step (NULL at the root) */
	const path_seg *top;
	size_t path_bytes;         /* bytes of paths copied into errors so far */
	/* a key index of the resource map being matched, when it and its
	 * pattern are both large (else every pattern key would scan it) */
	const kp_value *ix_map;
	size_t *ix;                /* key hash -> pair + 1 */
	size_t ix_cap;
} mctx;

/* Bounds for hostile inputs (a list of a million elements that each skip,
 * under a key of a megabyte reached through an alias, would otherwise copy
 * its path a million times, and the skip message would join them all).
 * Paths copied into errors share a budget per match; past it an error
 * carries KP_PATH_OVER instead.  Joined messages stop near
 * KP_JOIN_TEXT_LIMIT.  Real resources come nowhere near either. */
#define KP_PATH_BUDGET ((size_t)16 << 20)
#define KP_PATH_OVER "/(path not kept: paths over 16 MiB in this match)/"
#define KP_JOIN_TEXT_LIMIT ((size_t)64 << 10)

/* Entry of c->ix for key k: its pair + 1, or 0 with h at the empty entry. */
static size_t ix_find(const mctx *c, const char *k, size_t n, size_t *h)
{
	size_t mask = c->ix_cap - 1, i = (size_t)kp_hash(k, n) & mask, s;
	for (; (s = c->ix[i]) != 0; i = (i + 1) & mask) {
		const kp_value *key = c->ix_map->u.map.pairs[s - 1].key;
		if (key->u.s.len == n && memcmp(key->u.s.ptr, k, n) == 0)
			break;
	}
	*h = i;
	return s;
}

typedef struct ix_saved {
	const kp_value *map;
	size_t *ix, cap;
} ix_saved;

/* Index resource map r for the pattern map p when a scan per pattern key
 * would cost their product; returns the index to put back afterwards. */
static ix_saved ix_enter(mctx *c, const kp_value *r, const kp_pat *p)
{
	ix_saved sv = {c->ix_map, c->ix, c->ix_cap};
	size_t n = r->u.map.n;
	size_t cap = 64;
	while (cap < n * 2)
		cap *= 2;
	c->ix_map = r;
	c->ix_cap = cap;
	c->ix = kp_arena_alloc(c->a, cap * sizeof *c->ix);
	for (size_t i = 0; i < n; i++) {
		const kp_value *key = r->u.map.pairs[i].key;
		size_t h;
		if (!ix_find(c, key->u.s.ptr, key->u.s.len, &h))
			c->ix[h] = i + 1;
	}
	return sv;
}

static void ix_leave(mctx *c, ix_saved sv)
{
	c->ix_map = sv.map;
	c->ix = sv.ix;
	c->ix_cap = sv.cap;
}

/* kp_value_type without the call: the walk asks it at every node */
static inline kp_type vtype(const kp_value *v)
{
	return v ? v->type : KP_NULL;
}

/* The value of key k[0..n) (head: kp_key_head(k, n)) in map, *present
 * telling a missing key from a null value. */
static inline const kp_value *lookup(const mctx *c, const kp_value *map, const char *k, size_t n,
				     uint64_t head, bool *present)
{
	*present = false;
	if (vtype(map) != KP_MAP)
		return NULL;
	if (map == c->ix_map) {
		size_t h, s = ix_find(c, k, n, &h);
		*present = s != 0;
		return s ? map->u.map.pairs[s - 1].value : NULL;
	}
	const kp_pair *pr = map->u.map.pairs, *end = pr + map->u.map.n;
	for (; pr < end; pr++) {
		const kp_value *key = pr->key;
		/* the length, then one word: most keys differ there */
		if (key->u.s.len != n || kp_key_head(key->u.s.ptr, n) != head)
			continue;
		if (kp_key_rest_eq(key->u.s.ptr, k, n)) {
			*present = true;
			return pr->value;
		}
	}
	return NULL;
}

/* The pair of map at position h if its key is e's key, else NULL. */
static inline __attribute__((always_inline)) const kp_pair *
at_hint(const kp_value *map, const kp_pat_hot *e, size_t h)
{
	if (h >= map->u.map.n)
		return NULL;
	const kp_pair *pr = &map->u.map.pairs[h];
	const kp_value *key = pr->key;
	size_t n = e->key_len;
	if (key->u.s.len == n && kp_key_head(key->u.s.ptr, n) == e->head &&
	    kp_key_rest_eq(key->u.s.ptr, e->key, n))
		return pr;
	return NULL;
}

/* lookup of hot entry e in map (a map: match_map's r), trying first
 * where e's key was last found:
 * one to three compares usually settle it (map keys are unique: the
 * loaders keep the last value of a duplicate key, so the position found
 * is the only one). */
static inline __attribute__((always_inline)) const kp_value *
lookup_hot(const mctx *c, const kp_value *map, const kp_pat_hot *e, bool *present)
{
	if (map == c->ix_map)
		return lookup(c, map, e->key, e->key_len, e->head, present);
	size_t h0 = __atomic_load_n(&e->hint[0], __ATOMIC_RELAXED);
	const kp_pair *pr = at_hint(map, e, h0);
	if (!pr) {
		size_t h1 = __atomic_load_n(&e->hint[1], __ATOMIC_RELAXED);
		pr = at_hint(map, e, h1);
		size_t h2 = KP_HINT_NONE;
		if (!pr) {
			h2 = __atomic_load_n(&e->hint[2], __ATOMIC_RELAXED);
			pr = at_hint(map, e, h2);
		}
		if (!pr) {
			/* the scan: the hints keep the key's last three
			 * different positions */
			*present = false;
			const kp_pair *p0 = map->u.map.pairs, *end = p0 + map->u.map.n;
			size_t n = e->key_len;
			for (pr = p0; pr < end; pr++) {
				const kp_value *key = pr->key;
				if (key->u.s.len != n || kp_key_head(key->u.s.ptr, n) != e->head)
					continue;
				if (kp_key_rest_eq(key->u.s.ptr, e->key, n))
					break;
			}
			if (pr == end)
				return NULL;
			size_t i = (size_t)(pr - p0);
			if (i < KP_HINT_NONE) {
				kp_pat_hot *w = (kp_pat_hot *)e;
				__atomic_store_n(&w->hint[2], (unsigned char)h1, __ATOMIC_RELAXED);
				__atomic_store_n(&w->hint[1], (unsigned char)h0, __ATOMIC_RELAXED);
				__atomic_store_n(&w->hint[0], (unsigned char)i, __ATOMIC_RELAXED);
			}
		}
	}
	*present = true;
	return pr->value;
}

static perr *new_err(mctx *c, ekind kind, mkind mk, const char *path,
		     const kp_value *node)
{
	perr *e = kp_arena_alloc(c->a, sizeof *e);
	e->kind = kind;
	e->mk = mk;
	e->path = path;
	e->node = node;
	return e;
}

static size_t index_digits(size_t i)
{
	size_t digits = 1;
	for (; i >= 10; i /= 10)
		digits++;
	return digits;
}

/* memcpy of a path step's n bytes, inline for keys up to 16 bytes (nearly
 * all): a call per step cost more than the copy, and its size classes
 * mispredicted. */
static inline void copy_key(char *d, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		uint64_t a, b;
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else {
		memcpy(d, s, n);
	}
}

/* The current path ("/spec/containers/0/"), arena-owned.  The steps of
 * the pattern's prefix, when the walk started below it, come spelled out
 * (kp_pat_root.prefix_path). */
static const char *cur_path(mctx *c)
{
	const path_seg *prefix = c->root->prefix_top, *sg = c->top;
	size_t len = 1;
	for (; sg && sg != prefix; sg = sg->up)
		len += (sg->key ? sg->n : index_digits(sg->n)) + 1;
	const path_seg *end = sg;   /* NULL, or the prefix's last step */
	size_t head = end ? c->root->prefix_path_len : 1;
	len += head - 1;
	if (len > KP_PATH_BUDGET - c->path_bytes)
		return KP_PATH_OVER;
	c->path_bytes += len;
	char *p = kp_arena_alloc_raw(c->a, len + 1), *w = p + len;
	*w = 0;
	for (sg = c->top; sg != end; sg = sg->up) {
		*--w = '/';
		if (sg->key) {
			w -= sg->n;
			copy_key(w, sg->key, sg->n);
		} else {
			size_t v = sg->n;   /* the digits, without printf */
			do
				*--w = (char)('0' + v % 10);
			while ((v /= 10) != 0);
		}
	}
	if (end)
		memcpy(p, c->root->prefix_path, head);
	else
		*--w = '/';
	return p;
}

/* Enter step sg (a frame of the caller) for key[0..n), or for index n
 * when key is NULL; leave it with pop. */
static inline void push(mctx *c, path_seg *sg, const char *key, size_t n)
{
	sg->key = key;
	sg->n = n;
	sg->up = c->top;
	c->top = sg;
}

static inline void pop(mctx *c, const path_seg *sg)
{
	c->top = sg->up;
}

static bool is_skip(const perr *e)
{
	return e->kind == E_COND || e->kind == E_GLOBAL || e->kind == E_SKIPAGG;
}

/* ------------------------------------------------------------------------
 * anchor map (anchor/anchormap.go)
 * ---------------------------------------------------------------------- */
static unsigned char *slot(mctx *c, const kp_pat_entry *e)
{
	if (e->bk >= 0)
		return &c->bk[e->bk];
	for (size_t i = 0; i < c->root->n_bk; i++)
		if (c->root->bk_lens[i] == e->raw_len &&
		    memcmp(c->root->bk_keys[i], e->raw, e->raw_len) == 0)
			return &c->bk[i];
	for (size_t i = 0; i < c->n_dyn; i++)
		if (c->dyn[i].len == e->raw_len && memcmp(c->dyn[i].key, e->raw, e->raw_len) == 0)
			return &c->dyn[i].state;
	if (c->n_dyn == c->cap_dyn) {
		size_t cap = c->cap_dyn ? c->cap_dyn * 2 : 8;
		bk_dyn *d = kp_arena_alloc(c->a, cap * sizeof *d);
		if (c->n_dyn)
			memcpy(d, c->dyn, c->n_dyn * sizeof *d);
		c->dyn = d;
		c->cap_dyn = cap;
	}
	bk_dyn *d = &c->dyn[c->n_dyn++];
	d->key = e->raw;
	d->len = e->raw_len;
	d->neg = e->anchor == KP_ANCHOR_NEG;
	d->state = 0;
	return &d->state;
}

/* Record in the anchor map whether the key of phase-1 entry e is in the
 * resource map (only (k), ^(k) and X(k) count).  A slot ends at 2
 * (present) if any lookup of its key found it, else 1: the order of the
 * lookups does not matter. */
static inline void note_anchor(mctx *c, const kp_pat *p, size_t i, bool present)
{
	const kp_pat_hot *e = &p->u.map.hot[i];
	if (!((1u << e->anchor) &
	      (1u << KP_ANCHOR_COND | 1u << KP_ANCHOR_EXIST | 1u << KP_ANCHOR_NEG)))
		return;
	unsigned char *s = slot(c, p->u.map.p1[i]);
	if (*s != 2)
		*s = present ? 2 : 1;
}

/* Phase-1 entries hot[from..n1) that a failing map did not reach. */
static __attribute__((noinline)) void note_rest(mctx *c, const kp_pat *p, size_t from,
						const kp_value *r)
{
	for (size_t i = from; i < p->u.map.n1; i++) {
		bool present;
		lookup_hot(c, r, &p->u.map.hot[i], &present);
		note_anchor(c, p, i, present);
	}
}

static bool keys_missing(const mctx *c)
{
	for (size_t i = 0; i < c->root->n_bk; i++)
		if (c->bk[i] == 1 && !c->root->bk_neg[i])
			return true;
	for (size_t i = 0; i < c->n_dyn; i++)
		if (c->dyn[i].state == 1 && !c->dyn[i].neg)
			return true;
	return false;
}

/* ------------------------------------------------------------------------
 * metadata wildcard keys (wildcards.ExpandInMetadata)
 * ---------------------------------------------------------------------- */
static bool name_is(const char *raw, size_t raw_len, kp_anchor a, const char *key,
		    size_t key_len, const char *name)
{
	size_t n = strlen(name);
	if (raw_len == n && memcmp(raw, name, n) == 0)
		return true;
	return a != KP_ANCHOR_NONE && key_len == n && memcmp(key, name, n) == 0;
}

static const kp_pat_entry *find_tag(const kp_pat *m, const char *name)
{
	for (size_t i = 0; i < m->u.map.n_all; i++) {
		const kp_pat_entry *e = &m->u.map.all[i];
		if (name_is(e->raw, e->raw_len, e->anchor, e->key, e->key_len, name))
			return e;
	}
	return NULL;
}

static const kp_value *find_res_tag(const kp_value *m, const char *name)
{
	for (size_t i = 0; i < m->u.map.n; i++) {
		const kp_value *k = m->u.map.pairs[i].key;
		const char *ik = NULL;
		size_t il = 0;
		kp_anchor a = kp_anchor_parse(k->u.s.ptr, k->u.s.len, &ik, &il);
		if (name_is(k->u.s.ptr, k->u.s.len, a, ik, il, name))
			return m->u.map.pairs[i].value;
	}
	return NULL;
}

static const char *anchor_prefix(kp_anchor a)
{
	switch (a) {
	case KP_ANCHOR_GLOBAL: return "<";
	case KP_ANCHOR_EQUAL: return "=";
	case KP_ANCHOR_EXIST: return "^";
	case KP_ANCHOR_NEG: return "X";
	case KP_ANCHOR_ADD: return "+";
	default: return "";
	}
}

/* The labels/annotations pattern map after expansion against resource map
 * `rm` (only string entries kept), or NULL when nothing would change. */
static const kp_pat *expand_tag(mctx *c, const kp_pat *pm, const kp_value *rm)
{
	size_t n = pm->u.map.n_all;
	kp_pat_entry *e = kp_arena_alloc(c->a, (n + 1) * sizeof *e);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const kp_pat_entry *src = &pm->u.map.all[i];
		if (kp_value_type(src->value->src) != KP_STRING)
			continue;   /* dropped, as Kyverno keeps only strings */
		kp_pat_entry ne = *src;
		if (kp_wildcard_has(src->raw, src->raw_len)) {
			bool anch = src->anchor != KP_ANCHOR_NONE;
			const char *pat = anch ? src->key : src->raw;
			size_t pl = anch ? src->key_len : src->raw_len;
			for (size_t j = 0; j < rm->u.map.n; j++) {
				const kp_value *rk = rm->u.map.pairs[j].key;
				if (kp_value_type(rm->u.map.pairs[j].value) != KP_STRING)
					continue;
				if (!kp_wildcard_match(pat, pl, rk->u.s.ptr, rk->u.s.len))
					continue;
				char *raw = anch ? kp_arena_printf(c->a, "%s(%.*s)",
						anchor_prefix(src->anchor), (int)rk->u.s.len, rk->u.s.ptr)
						 : kp_arena_strndup(c->a, rk->u.s.ptr, rk->u.s.len);
				ne.raw = raw;
				ne.raw_len = strlen(raw);
				ne.anchor = kp_anchor_parse(ne.raw, ne.raw_len, &ne.key, &ne.key_len);
				if (ne.anchor == KP_ANCHOR_NONE || ne.anchor == KP_ANCHOR_ADD) {
					ne.key = ne.raw;
					ne.key_len = ne.raw_len;
				}
				ne.bk = -2;
				break;
			}
		}
		e[k++] = ne;
	}
	return kp_pat_map_build(c->a, pm->src, e, k);
}

static const kp_pat *expand_metadata(mctx *c, const kp_value *r, const kp_pat *p)
{
	const kp_pat_entry *me = find_tag(p, "metadata");
	if (!me || me->value->kind != KP_PAT_MAP)
		return p;
	bool present;
	const kp_value *rmd = lookup(c, r, "metadata", 8, kp_key_head("metadata", 8), &present);
	if (kp_value_type(rmd) != KP_MAP)
		return p;
	const kp_pat *md = me->value;
	size_t n = md->u.map.n_all;
	kp_pat_entry *mde = kp_arena_alloc(c->a, (n + 1) * sizeof *mde);
	memcpy(mde, md->u.map.all, n * sizeof *mde);
	bool changed = false;
	static const char *const tags[] = {"labels", "annotations"};
	for (int t = 0; t < 2; t++) {
		const kp_pat_entry *te = find_tag(md, tags[t]);
		if (!te || te->value->kind != KP_PAT_MAP)
			continue;
		const kp_value *rt = find_res_tag(rmd, tags[t]);
		if (kp_value_type(rt) != KP_MAP)
			continue;
		const kp_pat *np = expand_tag(c, te->value, rt);
		for (size_t i = 0; i < n; i++)
			if (&md->u.map.all[i] == te)
				mde[i].value = np;
		changed = true;
	}
	if (!changed)
		return p;
	const kp_pat *nmd = kp_pat_map_build(c->a, md->src, mde, n);
	size_t pn = p->u.map.n_all;
	kp_pat_entry *pe = kp_arena_alloc(c->a, (pn + 1) * sizeof *pe);
	memcpy(pe, p->u.map.all, pn * sizeof *pe);
	for (size_t i = 0; i < pn; i++)
		if (&p->u.map.all[i] == me)
			pe[i].value = nmd;
	return kp_pat_map_build(c->a, p->src, pe, pn);
}

/* Append a copy of skip error err to the list (*skips ... *last). */
static void skip_push(mctx *c, perr **skips, perr **last, const perr *err)
{
	perr *cp = kp_arena_alloc(c->a, sizeof *cp);
	*cp = *err;
	cp->next = NULL;
	if (*last)
		(*last)->next = cp;
	else
		*skips = cp;
	*last = cp;
}

/* ------------------------------------------------------------------------
 * the walk
 * ---------------------------------------------------------------------- */
static inline __attribute__((always_inline)) const perr *
elem(mctx *c, const kp_value *r, const kp_value *anc, const kp_pat *p);
static inline __attribute__((always_inline)) const perr *
map_elem(mctx *c, const kp_value *r, const kp_value *anc, const kp_pat *p);

/* A skip error's own path is never shown (a SKIP has the empty path, its
 * text does not name it, and a wrapper of a skip is a skip), so the two
 * skips that are made here, not from an inner error, do not spell it. */
static const perr *join_skips(mctx *c, const perr *head, const kp_value *node)
{
	perr *e = new_err(c, E_SKIPAGG, M_JOIN, "", node);
	e->inner = head;
	return e;
}

/* resource value r (under anc) does not match leaf pattern p */
static const perr *leaf_error(mctx *c, const kp_value *r, const kp_value *anc,
			      const kp_pat *p)
{
	perr *e = new_err(c, E_PLAIN, M_LEAF, cur_path(c), r ? r : anc);
	e->tpath = e->path;
	e->res = r;
	e->pat = p->src;
	return e;
}

/* The anchored keys: (k) <(k) =(k) X(k) ^(k).  Out of line: the walk
 * meets them far less often than plain keys. */
static __attribute__((noinline)) const perr *handle_anchor(mctx *c, const kp_value *r,
							   const kp_pat_hot *e,
							   const kp_value *v, bool present)
{
	const perr *err;
	path_seg sg;
	switch (e->anchor) {
	case KP_ANCHOR_COND:
	case KP_ANCHOR_GLOBAL:
		push(c, &sg, e->key, e->key_len);
		if (!present) {
			err = e->anchor == KP_ANCHOR_COND
				? new_err(c, E_COND, M_COND_MISSING, "", r) : NULL;
			pop(c, &sg);
			return err;
		}
		err = elem(c, v, r, e->value);
		pop(c, &sg);
		if (!err)
			return NULL;
		{
			bool cond = e->anchor == KP_ANCHOR_COND;
			perr *w = new_err(c, cond ? E_COND : E_GLOBAL,
					  cond ? M_WRAP_COND : M_WRAP_GLOBAL, err->path, err->node);
			w->inner = err;
			return w;
		}
	case KP_ANCHOR_EQUAL:
		if (!present)
			return NULL;
		push(c, &sg, e->key, e->key_len);
		err = elem(c, v, r, e->value);
		pop(c, &sg);
		return err;
	case KP_ANCHOR_NEG:
		if (!present)
			return NULL;
		push(c, &sg, e->key, e->key_len);
		{
			perr *n = new_err(c, E_NEG, M_NEG, cur_path(c), v ? v : r);
			n->tpath = n->path;
			pop(c, &sg);
			return n;
		}
	case KP_ANCHOR_EXIST:
	default: {
		if (!present)
			return NULL;
		push(c, &sg, e->key, e->key_len);
		perr *f = NULL;
		if (vtype(v) != KP_SEQ) {
			f = new_err(c, E_PLAIN, M_EXIST_RTYPE, cur_path(c), v ? v : r);
			f->res = v;
		} else if (e->value->kind != KP_PAT_LIST) {
			f = new_err(c, E_PLAIN, M_EXIST_PTYPE, cur_path(c), v);
			f->pat = e->value->src;
		} else {
			const kp_pat *pl = e->value;
			for (size_t j = 0; j < pl->u.list.n && !f; j++) {
				if (pl->u.list.items[j]->kind != KP_PAT_MAP) {
					f = new_err(c, E_PLAIN, M_EXIST_PMAP, cur_path(c), v);
					break;
				}
				bool found = false;
				for (size_t i = 0; i < v->u.seq.n && !found; i++) {
					path_seg ix;
					push(c, &ix, NULL, i);
					found = elem(c, v->u.seq.items[i], v, pl->u.list.items[j]) == NULL;
					pop(c, &ix);
				}
				if (!found) {
					f = new_err(c, E_PLAIN, M_EXIST_FAIL, cur_path(c), v);
					f->tpath = f->path;
				}
			}
		}
		pop(c, &sg);
		return f;
	}
	}
}

/* handle_anchor, with its commonest case in line: a missing key under any
 * anchor but (k) passes (=(k) alone meets ~55k missing keys per 1,250
 * resources). */
static __attribute__((noinline)) const perr *equal_present(mctx *c, const kp_value *r,
							   const kp_pat_hot *e, const kp_value *v)
{
	path_seg sg;
	push(c, &sg, e->key, e->key_len);
	const perr *err = elem(c, v, r, e->value);
	pop(c, &sg);
	return err;
}

static inline __attribute__((always_inline)) const perr *
anchor(mctx *c, const kp_value *r, const kp_pat_hot *e, const kp_value *v, bool present)
{
	if (!present && e->anchor != KP_ANCHOR_COND)
		return NULL;
	if (e->anchor == KP_ANCHOR_EQUAL)   /* present: the commonest left */
		return equal_present(c, r, e, v);
	return handle_anchor(c, r, e, v, present);
}

/* A plain key whose value is exactly "*", and the key is missing. */
static __attribute__((noinline)) const perr *star_missing(mctx *c, const kp_value *r,
							  const kp_pat_hot *e)
{
	perr *n = new_err(c, E_PLAIN, M_NOTFOUND, cur_path(c), r);
	n->tpath = n->path;
	n->elem = kp_arena_strndup(c->a, e->key, e->key_len);
	return n;
}

/* Scalar v under key e of map r does not match e's leaf. */
static __attribute__((noinline)) const perr *key_leaf_error(mctx *c, const kp_value *v,
							    const kp_value *r,
							    const kp_pat_hot *e)
{
	path_seg sg;
	push(c, &sg, e->key, e->key_len);
	const perr *err = leaf_error(c, v, r, e->value);
	pop(c, &sg);
	return err;
}

/* One key of map pattern p against resource map r (known to be a map);
 * v and present: the key's lookup in r. */
static inline __attribute__((always_inline)) const perr *handle(mctx *c, const kp_value *r, const kp_pat_hot *e,
				 const kp_value *v, bool present)
{
	if (e->anchor != KP_ANCHOR_NONE && e->anchor != KP_ANCHOR_ADD)
		return anchor(c, r, e, v, present);
	if (e->star)
		return vtype(v) != KP_NULL ? NULL : star_missing(c, r, e);
	/* a scalar that matches its leaf needs no path step (the common
	 * case); a failing one gets its error here, without a second match */
	if (e->leaf && vtype(v) != KP_SEQ) {
		if (kp_leaf_match(&e->value->u.leaf, v))
			return NULL;
		return key_leaf_error(c, v, r, e);
	}
	path_seg sg;
	push(c, &sg, e->key, e->key_len);
	const perr *err = elem(c, v, r, e->value);
	pop(c, &sg);
	return err;
}

/* A map pattern of two keys or more, or with metadata expansion. */
static const perr *map_body(mctx *c, const kp_value *r, const kp_pat *p)
{
	if (p->u.map.meta_expand)
		p = expand_metadata(c, r, p);
	const kp_pat_hot *hot = p->u.map.hot;
	size_t n1 = p->u.map.n1, n2 = p->u.map.n2;
	if (n1) {
		perr *skips = NULL, *last = NULL;
		bool direct = false;
		size_t applied = 0;
		for (size_t i = 0; i < n1; i++) {
			const kp_pat_hot *e = &hot[i];
			bool present;
			const kp_value *v = lookup_hot(c, r, e, &present);
			note_anchor(c, p, i, present);
			const perr *err = anchor(c, r, e, v, present);
			if (err) {
				if (is_skip(err)) {
					skip_push(c, &skips, &last, err);
					if (e->anchor == KP_ANCHOR_COND)
						direct = true;
					continue;
				}
				if (direct)
					continue;
				note_rest(c, p, i + 1, r);
				return err;
			}
			applied++;
		}
		if (skips && (applied == 0 || direct))
			return skips->next ? join_skips(c, skips, r) : skips;
		hot += n1;
	}
	for (size_t i = 0; i < n2; i++) {
		bool present;
		const kp_value *v = lookup_hot(c, r, &hot[i], &present);
		const perr *err = handle(c, r, &hot[i], v, present);
		if (err)
			return err;
	}
	return NULL;
}

/* Path steps the chain loop of match_map takes in one frame. */
#define KP_CHAIN 8

/* Map pattern p against resource map r.  Most map patterns have one key
 * (spec -> template -> spec, =(securityContext) -> ...): a key whose map
 * value meets a resource map is entered here, in a loop, with its path
 * step in this frame, rather than by a call per level; the result is the
 * one handle / handle_anchor and elem would give (a single phase-1 key
 * returns its handler's error: the skip list of map_body would hold just
 * it). */
static const perr *match_map(mctx *c, const kp_value *r, const kp_pat *p)
{
	path_seg segs[KP_CHAIN];
	const path_seg *top = c->top;
	size_t d = 0;
	const perr *err;
	while (p->u.map.single) {
		const kp_pat_hot *e = p->u.map.hot;
		bool present;
		const kp_value *v = lookup_hot(c, r, e, &present);
		bool p1 = p->u.map.n1 != 0;
		if (p1) {
			note_anchor(c, p, 0, present);
			if (e->anchor != KP_ANCHOR_EQUAL || !present) {
				err = anchor(c, r, e, v, present);
				goto out;
			}
		} else if (e->star || e->leaf) {
			err = handle(c, r, e, v, present);
			goto out;
		}
		const kp_pat *q = e->value;
		if (q->kind != KP_PAT_MAP || vtype(v) != KP_MAP || d == KP_CHAIN ||
		    (q->u.map.n1 + q->u.map.n2 >= 8 && v->u.map.n >= 32)) {
			err = p1 ? handle_anchor(c, r, e, v, present) : handle(c, r, e, v, present);
			goto out;
		}
		push(c, &segs[d++], e->key, e->key_len);
		r = v;
		p = q;
	}
	err = map_body(c, r, p);
out:
	c->top = top;
	return err;
}

/* A map with many keys against a pattern with many: indexed first. */
static __attribute__((noinline)) const perr *match_map_indexed(mctx *c, const kp_value *r,
							      const kp_pat *p)
{
	ix_saved sv = ix_enter(c, r, p);
	const perr *err = map_body(c, r, p);
	ix_leave(c, sv);
	return err;
}

static const perr *shape_error(mctx *c, const kp_value *r, const kp_value *anc,
			       const kp_pat *p);

/* elements of a list against one pattern each; skips collected (in line
 * in match_list: a list pattern costs one call, not two) */
static inline __attribute__((always_inline)) const perr *match_items(mctx *c, const kp_value *r, const kp_pat *const *pats,
			       size_t n_pats, bool same)
{
	perr *skips = NULL, *last = NULL;
	size_t applied = 0;
	size_t n = same ? r->u.seq.n : n_pats;
	for (size_t i = 0; i < n; i++) {
		path_seg sg;
		push(c, &sg, NULL, i);
		/* match_list passes same for a map item only */
		const perr *err = same ? map_elem(c, r->u.seq.items[i], r, pats[0])
				       : elem(c, r->u.seq.items[i], r, pats[i]);
		pop(c, &sg);
		if (err) {
			if (!is_skip(err))
				return err;
			skip_push(c, &skips, &last, err);
			continue;
		}
		applied++;
	}
	if (applied == 0 && skips)
		return join_skips(c, skips, r);
	return NULL;
}

static __attribute__((noinline)) const perr *match_list(mctx *c, const kp_value *r,
							const kp_value *anc, const kp_pat *p)
{
	if (p->u.list.n == 0)
		return new_err(c, E_PLAIN, M_EMPTY_ARRAY, cur_path(c), r);
	const kp_pat *first = p->u.list.items[0];
	switch (first->kind) {
	case KP_PAT_MAP:
		return match_items(c, r, p->u.list.items, 1, true);
	case KP_PAT_LEAF:
		return elem(c, r, anc, first);
	case KP_PAT_LIST:
	default:
		if (r->u.seq.n < p->u.list.n) {
			perr *e = new_err(c, E_PLAIN, M_LEN, "", r);
			e->n1 = r->u.seq.n;
			e->n2 = p->u.list.n;
			return e;
		}
		return match_items(c, r, p->u.list.items, p->u.list.n, false);
	}
}

/* r (under anc) is not what p's kind wants: a map or a list. */
static __attribute__((noinline)) const perr *shape_error(mctx *c, const kp_value *r,
							 const kp_value *anc, const kp_pat *p)
{
	const kp_value *node = r ? r : anc;
	perr *e;
	if (p->kind == KP_PAT_MAP) {
		e = new_err(c, E_PLAIN, M_STRUCT, cur_path(c), node);
		e->tpath = e->path;
		e->res = r;
		e->pat = p->src;
		return e;
	}
	e = new_err(c, E_PLAIN, M_LIST, cur_path(c), node);
	e->tpath = e->path;
	return e;
}

static const perr *leaf_elem(mctx *c, const kp_value *r, const kp_value *anc,
			     const kp_pat *p)
{
	if (vtype(r) == KP_SEQ) {
		for (size_t i = 0; i < r->u.seq.n; i++)
			if (!kp_leaf_match(&p->u.leaf, r->u.seq.items[i]))
				return leaf_error(c, r, anc, p);
		return NULL;
	}
	if (kp_leaf_match(&p->u.leaf, r))
		return NULL;
	return leaf_error(c, r, anc, p);
}

/* elem for a map pattern p */
static inline __attribute__((always_inline)) const perr *
map_elem(mctx *c, const kp_value *r, const kp_value *anc, const kp_pat *p)
{
	if (vtype(r) != KP_MAP)
		return shape_error(c, r, anc, p);
	if (p->u.map.n1 + p->u.map.n2 >= 8 && r->u.map.n >= 32)
		return match_map_indexed(c, r, p);
	return match_map(c, r, p);
}

/* Inlined where it is called, so a nested map costs one frame
 * (match_map), not two. */
static inline __attribute__((always_inline)) const perr *
elem(mctx *c, const kp_value *r, const kp_value *anc, const kp_pat *p)
{
	switch (p->kind) {
	case KP_PAT_MAP:
		return map_elem(c, r, anc, p);
	case KP_PAT_LIST:
		if (vtype(r) != KP_SEQ)
			return shape_error(c, r, anc, p);
		return match_list(c, r, anc, p);
	case KP_PAT_LEAF:
	default:
		return leaf_elem(c, r, anc, p);
	}
}

/* ------------------------------------------------------------------------
 * error text
 * ---------------------------------------------------------------------- */
#define KP_VALUE_TEXT_LIMIT 2048

/* kp_buf_puts of a then b, as printf's %s would show them: error texts
 * are rendered per failing resource, and printf costs ~10x the copies */
static void put(kp_buf *sb, const char *a, const char *b)
{
	kp_buf_puts(sb, a ? a : "(null)");
	kp_buf_puts(sb, b ? b : "(null)");
}

static void render(kp_buf *sb, const perr *e)
{
	switch (e->mk) {
	case M_STRUCT:
		put(sb, "pattern and resource have different structures. Path: ", e->tpath);
		put(sb, ". Expected ", kp_go_type_name(e->pat, true));
		put(sb, ", found ", kp_go_type_name(e->res, false));
		break;
	case M_LIST:
		kp_buf_printf(sb, "validation rule failed at path %s, resource does not "
			     "satisfy the expected overlay pattern", e->tpath);
		break;
	case M_LEAF:
		kp_buf_puts(sb, "resource value '");
		kp_go_format_value(sb, e->res, false, KP_VALUE_TEXT_LIMIT);
		kp_buf_puts(sb, "' does not match '");
		kp_go_format_value(sb, e->pat, true, KP_VALUE_TEXT_LIMIT);
		put(sb, "' at path ", e->tpath);
		break;
	case M_EMPTY_ARRAY:
		kp_buf_puts(sb, "pattern Array empty");
		break;
	case M_LEN:
		kp_buf_printf(sb, "validate Array failed, array length mismatch, resource "
			     "Array len is %zu and pattern Array len is %zu", e->n1, e->n2);
		break;
	case M_NOTFOUND:
		put(sb, e->tpath, "/");
		put(sb, e->elem, " not found");
		break;
	case M_NEG:
		put(sb, "negation anchor matched in resource: ", e->tpath);
		kp_buf_puts(sb, " is not allowed");
		break;
	case M_COND_MISSING:
		kp_buf_puts(sb, "conditional anchor mismatch: conditional anchor key "
			  "doesn't exist in the resource");
		break;
	case M_WRAP_COND:
		kp_buf_puts(sb, "conditional anchor mismatch: ");
		render(sb, e->inner);
		break;
	case M_WRAP_GLOBAL:
		kp_buf_puts(sb, "global anchor mismatch: ");
		render(sb, e->inner);
		break;
	case M_EXIST_RTYPE:
		kp_buf_printf(sb, "invalid resource type %s: Existence ^ () anchor can be "
			     "used only on list/array type resource", kp_go_type_name(e->res, false));
		break;
	case M_EXIST_PTYPE:
		kp_buf_printf(sb, "invalid pattern type %s: Pattern has to be of list to "
			     "compare against resource", kp_go_type_name(e->pat, true));
		break;
	case M_EXIST_PMAP:
		kp_buf_puts(sb, "invalid pattern type []interface {}: Pattern has to be of "
			  "type map to compare against items in resource");
		break;
	case M_EXIST_FAIL:
		put(sb, "existence anchor validation failed at path ", e->tpath);
		break;
	case M_JOIN:
		for (const perr *i = e->inner; i; i = i->next) {
			if (i != e->inner)
				kp_buf_puts(sb, "; ");
			if (sb->len > KP_JOIN_TEXT_LIMIT) {
				kp_buf_puts(sb, "...");
				break;
			}
			render(sb, i);
		}
		break;
	}
}

static const char *error_text(const perr *err, kp_arena *scratch)
{
	kp_buf sb;
	kp_buf_init(&sb, scratch);
	render(&sb, err);
	return kp_buf_str(&sb);
}

/* text: render the error text even where the rule message does not use it
 * (a FAIL with a path), as the public matcher reports it.  at: the node
 * below pat's prefix (kp_pat_step_map, step by step), or NULL to walk
 * from the root. */
static void match(const kp_pat_root *pat, const kp_value *res, const kp_value *at,
		  kp_arena *scratch, kp_pat_result *out, bool text)
{
	unsigned char bk[64];
	mctx c = {.a = scratch, .root = pat};
	if (pat->n_bk < sizeof bk) {
		/* a few slots (the common case) with one fixed-size store,
		 * no call */
		memset(bk, 0, 16);
		if (pat->n_bk > 16)
			memset(bk, 0, pat->n_bk);
		c.bk = bk;
	} else {
		c.bk = kp_arena_alloc(scratch, pat->n_bk + 1);
	}
	const perr *err;
	if (at) {
		/* where match_map's chain loop would be after the prefix:
		 * its steps on the path, the inner map against the node */
		c.top = pat->prefix_top;
		err = match_map(&c, at, pat->inner);
	} else {
		err = elem(&c, res, res, pat->root);
	}
	out->node = res;
	out->path = "";
	out->error = "";
	out->why = err;
	if (!err) {
		out->status = KP_STATUS_PASS;
		return;
	}
	out->node = err->node ? err->node : res;
	if (is_skip(err)) {
		out->status = KP_STATUS_SKIP;
		out->node = res;
	} else if (err->kind == E_NEG) {
		out->status = KP_STATUS_FAIL;
		out->path = err->path;
	} else if (keys_missing(&c) || err->path[0] == 0) {
		out->status = KP_STATUS_ERROR;
	} else {
		out->status = KP_STATUS_FAIL;
		out->path = err->path;
	}
	out->error = text || out->status != KP_STATUS_FAIL || !out->path[0]
		? error_text(err, scratch) : NULL;
}

void kp_pat_match(const kp_pat_root *pat, const kp_value *res,
		  kp_arena *scratch, kp_pat_result *out)
{
	match(pat, res, NULL, scratch, out, true);
}

void kp_pat_match_quick(const kp_pat_root *pat, const kp_value *res,
			kp_arena *scratch, kp_pat_result *out)
{
	match(pat, res, NULL, scratch, out, false);
}

void kp_pat_match_quick_at(const kp_pat_root *pat, const kp_value *res,
			   const kp_value *at, kp_arena *scratch, kp_pat_result *out)
{
	match(pat, res, at, scratch, out, false);
}

const kp_value *kp_pat_step_map(const kp_value *map, const kp_pat_step *st)
{
	if (vtype(map) != KP_MAP)
		return NULL;
	const kp_pair *pr = map->u.map.pairs, *end = pr + map->u.map.n;
	for (; pr < end; pr++) {
		const kp_value *key = pr->key;
		if (key->u.s.len == st->len && kp_key_head(key->u.s.ptr, st->len) == st->head &&
		    kp_key_rest_eq(key->u.s.ptr, st->key, st->len))
			return vtype(pr->value) == KP_MAP ? pr->value : NULL;
	}
	return NULL;
}

const char *kp_pat_error(const kp_pat_result *r, kp_arena *scratch)
{
	if (r->error)
		return r->error;
	return r->why ? error_text(r->why, scratch) : "";
}
