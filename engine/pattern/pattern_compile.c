/* pattern_compile.c - compile a validate pattern (kp_value tree) into the
 * kp_pat AST once: anchors parsed, map keys sorted and split into Kyverno's
 * two evaluation phases, leaves pre-parsed.  Matching then only dispatches. */
#include "pattern/pattern.h"

#include <stdlib.h>
#include <string.h>

kp_anchor kp_anchor_parse(const char *s, size_t len, const char **key,
			  size_t *key_len)
{
	/* strings.TrimSpace (ASCII white space) */
	while (len > 0 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
		len--;
	if (len < 3 || s[len - 1] != ')')
		return KP_ANCHOR_NONE;
	kp_anchor kind;
	size_t open;
	if (s[0] == '(') {
		kind = KP_ANCHOR_COND;
		open = 0;
	} else if (s[1] == '(' && strchr("+<=X^", s[0]) && s[0]) {
		open = 1;
		switch (s[0]) {
		case '+': kind = KP_ANCHOR_ADD; break;
		case '<': kind = KP_ANCHOR_GLOBAL; break;
		case '=': kind = KP_ANCHOR_EQUAL; break;
		case 'X': kind = KP_ANCHOR_NEG; break;
		default: kind = KP_ANCHOR_EXIST; break;
		}
	} else {
		return KP_ANCHOR_NONE;
	}
	const char *k = s + open + 1;
	size_t kl = len - open - 2;
	if (kl == 0 || memchr(k, '\n', kl))
		return KP_ANCHOR_NONE;     /* Go's `.+` needs one non-newline char */
	if (key) {
		*key = k;
		*key_len = kl;
	}
	return kind;
}

static bool is_phase1(kp_anchor a)
{
	return a == KP_ANCHOR_COND || a == KP_ANCHOR_EXIST || a == KP_ANCHOR_EQUAL ||
	       a == KP_ANCHOR_NEG;
}

/* anchors that count for hasNestedAnchors */
static bool is_nested_anchor(kp_anchor a)
{
	return is_phase1(a) || a == KP_ANCHOR_GLOBAL;
}

static int entry_cmp(const void *x, const void *y)
{
	const kp_pat_entry *a = x, *b = y;
	return kp_bytes_cmp(a->raw, a->raw_len, b->raw, b->raw_len);
}

_Static_assert(sizeof(kp_pat_hot) == 32, "two hot entries to a cache line");
_Static_assert(sizeof(kp_pat) == 64, "a node ends where its hot entries begin");

static kp_pat_hot hot_of(const kp_pat_entry *e)
{
	return (kp_pat_hot){
		.value = e->value, .key = e->key,
		.head = kp_key_head(e->key, e->key_len), .key_len = (uint32_t)e->key_len,
		.anchor = (unsigned char)e->anchor, .star = e->star,
		.leaf = e->value->kind == KP_PAT_LEAF, .hint = {KP_HINT_NONE, KP_HINT_NONE, KP_HINT_NONE},
	};
}

kp_pat *kp_pat_map_build(kp_arena *a, const kp_value *src, kp_pat_entry *e,
			 size_t n)
{
	kp_pat *p = kp_arena_alloc(a, sizeof *p);
	p->kind = KP_PAT_MAP;
	p->src = src;
	qsort(e, n, sizeof *e, entry_cmp);
	p->u.map.all = e;
	p->u.map.n_all = n;
	/* phase 1 from the front; phase 2's global and anchor-holding keys
	 * (list.PushFront: reverse order) and then the rest behind it */
	kp_pat_hot *hot = kp_arena_alloc(a, (n + 1) * sizeof *hot);
	const kp_pat_entry **p1 = kp_arena_alloc(a, (n + 1) * sizeof *p1);
	size_t n1 = 0, n_front = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_nested_anchor(e[i].anchor) || e[i].value->has_anchor)
			p->has_anchor = true;
		if (is_phase1(e[i].anchor)) {
			p1[n1] = &e[i];
			hot[n1++] = hot_of(&e[i]);
		}
		else if (e[i].anchor == KP_ANCHOR_GLOBAL || e[i].value->has_anchor)
			n_front++;
	}
	size_t f = n1 + n_front, b = f;
	for (size_t i = 0; i < n; i++) {
		if (is_phase1(e[i].anchor))
			continue;
		if (e[i].anchor == KP_ANCHOR_GLOBAL || e[i].value->has_anchor)
			hot[--f] = hot_of(&e[i]);
		else
			hot[b++] = hot_of(&e[i]);
	}
	p->u.map.hot = hot;
	p->u.map.p1 = p1;
	p->u.map.n1 = (uint32_t)n1;
	p->u.map.n2 = (uint32_t)(n - n1);
	p->u.map.single = n == 1;
	return p;
}

typedef struct compiler {
	kp_arena *a;
	int flags;
	const char *where;
	kp_error *err;
	kp_pat_root *root;
	size_t bk_cap;
	size_t *bk_index;          /* key hash -> bk slot + 1 (arena): a
	                              pattern with many anchor keys was
	                              quadratic to compile */
	size_t bk_index_cap;
	/* Where we are in the pattern, for errors only: one buffer, cut at
	 * kp_error.path's size (a path string per node would cost the square
	 * of the depth times the key length: long keys nested deep, or one
	 * long key aliased at every level, took gigabytes). */
	char path[sizeof(((kp_error *)0)->path)];
	size_t path_len;
	size_t depth;              /* nesting of the node being compiled */
} compiler;

/* Append "/" and s[0..n) to c->path (cut to fit); returns the length to
 * restore with path_pop. */
static size_t path_push(compiler *c, const char *s, size_t n)
{
	size_t mark = c->path_len, room = sizeof c->path - 1 - mark;
	if (room > 0) {
		c->path[c->path_len++] = '/';
		room--;
		if (n > room)
			n = room;
		memcpy(c->path + c->path_len, s, n);
		c->path_len += n;
	}
	c->path[c->path_len] = 0;
	return mark;
}

static void path_pop(compiler *c, size_t mark)
{
	c->path_len = mark;
	c->path[mark] = 0;
}

/* Index position of key raw[0..len) in c->bk_index: its entry, or the
 * empty entry where it would go. */
static size_t bk_find(const compiler *c, const char *raw, size_t len)
{
	const kp_pat_root *r = c->root;
	size_t mask = c->bk_index_cap - 1, h = (size_t)kp_hash(raw, len) & mask;
	for (size_t s; (s = c->bk_index[h]) != 0; h = (h + 1) & mask)
		if (r->bk_lens[s - 1] == len && memcmp(r->bk_keys[s - 1], raw, len) == 0)
			break;
	return h;
}

static int bk_slot(compiler *c, const char *raw, size_t len, bool neg)
{
	kp_pat_root *r = c->root;
	if (c->bk_index) {
		size_t s = c->bk_index[bk_find(c, raw, len)];
		if (s)
			return (int)(s - 1);
	}
	if (r->n_bk == c->bk_cap) {
		size_t cap = c->bk_cap ? c->bk_cap * 2 : 8;
		const char **k = kp_arena_alloc(c->a, cap * sizeof *k);
		size_t *l = kp_arena_alloc(c->a, cap * sizeof *l);
		bool *ng = kp_arena_alloc(c->a, cap * sizeof *ng);
		if (r->n_bk) {
			memcpy(k, r->bk_keys, r->n_bk * sizeof *k);
			memcpy(l, r->bk_lens, r->n_bk * sizeof *l);
			memcpy(ng, r->bk_neg, r->n_bk * sizeof *ng);
		}
		r->bk_keys = k;
		r->bk_lens = l;
		r->bk_neg = ng;
		c->bk_cap = cap;
	}
	r->bk_keys[r->n_bk] = raw;
	r->bk_lens[r->n_bk] = len;
	r->bk_neg[r->n_bk] = neg;
	r->n_bk++;
	if (r->n_bk * 2 > c->bk_index_cap) {
		c->bk_index_cap = c->bk_index_cap ? c->bk_index_cap * 2 : 32;
		c->bk_index = kp_arena_alloc(c->a, c->bk_index_cap * sizeof *c->bk_index);
		for (size_t i = 0; i < r->n_bk; i++)
			c->bk_index[bk_find(c, r->bk_keys[i], r->bk_lens[i])] = i + 1;
	} else {
		c->bk_index[bk_find(c, raw, len)] = r->n_bk;
	}
	return (int)(r->n_bk - 1);
}

static int compile_error(compiler *c, const kp_value *at,
			 const char *fmt, const char *key, size_t key_len)
{
	kp_errorf(c->err, KP_E_PATTERN, kp_value_file(at), kp_value_line(at),
		  kp_value_col(at), fmt, (int)key_len, key);
	if (c->err)
		snprintf(c->err->path, sizeof c->err->path, "%s%s",
			 c->where ? c->where : "", c->path);
	return -1;
}

/* Is this a labels/annotations map that metadata expansion would change
 * (wildcard keys, or values that are not strings and would be dropped)? */
static bool tag_needs_expansion(const kp_value *m)
{
	if (kp_value_type(m) != KP_MAP)
		return false;
	for (size_t i = 0; i < m->u.map.n; i++) {
		const kp_value *k = m->u.map.pairs[i].key, *v = m->u.map.pairs[i].value;
		if (kp_wildcard_has(k->u.s.ptr, k->u.s.len) || kp_value_type(v) != KP_STRING)
			return true;
	}
	return false;
}

static bool key_is(const kp_value *k, const char *name)
{
	size_t n = strlen(name);
	if (k->u.s.len == n && memcmp(k->u.s.ptr, name, n) == 0)
		return true;
	const char *ik;
	size_t il;
	return kp_anchor_parse(k->u.s.ptr, k->u.s.len, &ik, &il) != KP_ANCHOR_NONE &&
	       il == n && memcmp(ik, name, n) == 0;
}

static bool map_needs_meta_expand(const kp_value *m)
{
	for (size_t i = 0; i < m->u.map.n; i++) {
		if (!key_is(m->u.map.pairs[i].key, "metadata"))
			continue;
		const kp_value *md = m->u.map.pairs[i].value;
		if (kp_value_type(md) != KP_MAP)
			continue;
		for (size_t j = 0; j < md->u.map.n; j++) {
			const kp_value *k = md->u.map.pairs[j].key;
			if ((key_is(k, "labels") || key_is(k, "annotations")) &&
			    tag_needs_expansion(md->u.map.pairs[j].value))
				return true;
		}
	}
	return false;
}

static const kp_pat *compile_node(compiler *c, const kp_value *v);

static const kp_pat *compile_map(compiler *c, const kp_value *v)
{
	size_t n = v->u.map.n;
	kp_pat_entry *e = kp_arena_alloc(c->a, (n + 1) * sizeof *e);
	for (size_t i = 0; i < n; i++) {
		const kp_value *k = v->u.map.pairs[i].key, *val = v->u.map.pairs[i].value;
		kp_pat_entry *en = &e[i];
		en->raw = k->u.s.ptr;
		en->raw_len = k->u.s.len;
		en->src_key = k;
		en->anchor = kp_anchor_parse(en->raw, en->raw_len, &en->key, &en->key_len);
		if (en->anchor == KP_ANCHOR_NONE || en->anchor == KP_ANCHOR_ADD) {
			en->key = en->raw;
			en->key_len = en->raw_len;
		}
		size_t mark = path_push(c, en->raw, en->raw_len);
		if (c->flags & KP_PAT_STRICT) {
			if (en->anchor == KP_ANCHOR_ADD)
				return compile_error(c, k, "unsupported anchor %.*s",
						     en->raw, en->raw_len), NULL;
			if (en->anchor == KP_ANCHOR_EXIST && kp_value_type(val) != KP_SEQ)
				return compile_error(c, k,
						     "existence anchor %.*s should have value of type list",
						     en->raw, en->raw_len), NULL;
			if (en->anchor == KP_ANCHOR_EXIST && kp_value_len(val) == 0)
				return compile_error(c, k,
						     "existence anchor %.*s: should have at least one value",
						     en->raw, en->raw_len), NULL;
		}
		en->star = kp_value_type(val) == KP_STRING && val->u.s.len == 1 &&
			   val->u.s.ptr[0] == '*';
		en->bk = -1;
		if (en->anchor == KP_ANCHOR_COND || en->anchor == KP_ANCHOR_EXIST ||
		    en->anchor == KP_ANCHOR_NEG)
			en->bk = bk_slot(c, en->raw, en->raw_len, en->anchor == KP_ANCHOR_NEG);
		en->value = compile_node(c, val);
		if (!en->value)
			return NULL;
		path_pop(c, mark);
	}
	kp_pat *p = kp_pat_map_build(c->a, v, e, n);
	p->u.map.meta_expand = map_needs_meta_expand(v);
	if (p->u.map.meta_expand)
		p->u.map.single = false;
	return p;
}

static const kp_pat *compile_node_at(compiler *c, const kp_value *v);

/* Both compiling and matching recurse on the C stack: a pattern nested
 * deeper than KP_MAX_EVAL_DEPTH is refused here, and its depth recorded
 * for the evaluation context's (lower) limit. */
static const kp_pat *compile_node(compiler *c, const kp_value *v)
{
	if (++c->depth > KP_MAX_EVAL_DEPTH) {
		if (c->err) {
			static const char depth[] = "4000";
			_Static_assert(KP_MAX_EVAL_DEPTH == 4000, "message names the limit");
			compile_error(c, v, "pattern nested deeper than %.*s levels", depth, 4);
			c->err->code = KP_E_LIMIT;
		}
		return NULL;
	}
	if (c->depth > c->root->depth)
		c->root->depth = c->depth;
	const kp_pat *p = compile_node_at(c, v);
	c->depth--;
	return p;
}

static const kp_pat *compile_node_at(compiler *c, const kp_value *v)
{
	kp_pat *p;
	switch (kp_value_type(v)) {
	case KP_MAP:
		return compile_map(c, v);
	case KP_SEQ:
		p = kp_arena_alloc(c->a, sizeof *p);
		p->kind = KP_PAT_LIST;
		p->src = v;
		p->u.list.n = v->u.seq.n;
		p->u.list.items = kp_arena_alloc(c->a, (v->u.seq.n + 1) * sizeof(kp_pat *));
		for (size_t i = 0; i < v->u.seq.n; i++) {
			char idx[24];
			size_t mark = path_push(c, idx, (size_t)snprintf(idx, sizeof idx, "%zu", i));
			p->u.list.items[i] = compile_node(c, v->u.seq.items[i]);
			if (!p->u.list.items[i])
				return NULL;
			path_pop(c, mark);
			if (p->u.list.items[i]->has_anchor)
				p->has_anchor = true;
		}
		return p;
	default:
		p = kp_arena_alloc(c->a, sizeof *p);
		p->kind = KP_PAT_LEAF;
		p->src = v;
		kp_leaf_compile(c->a, v, &p->u.leaf);
		return p;
	}
}

/* ------------------------------------------------------------------------
 * Packing: the parts of a compiled pattern that the walk reads (nodes, hot
 * entries, their key bytes, leaves with their alternatives and operands)
 * copied into one block in the order a walk reads them, so a rule's
 * pattern spans a few cache lines instead of lines spread over the
 * policy's arena and source tree.  One pass counts, the second copies.
 * ---------------------------------------------------------------------- */
typedef struct packer {
	char *block;               /* NULL while counting */
	size_t used;
} packer;

static size_t padded(size_t n)
{
	return (n + 15) & ~(size_t)15;   /* kp_quantity wants 16 */
}

static void *take(packer *k, size_t n)
{
	void *p = k->block ? k->block + k->used : NULL;
	k->used += padded(n);
	return p;
}

static const char *pack_bytes(packer *k, const char *s, size_t n)
{
	char *w = take(k, n + 1);
	if (!w)
		return s;
	memcpy(w, s, n);
	w[n] = 0;
	return w;
}

/* Copy s[0..n) with its NUL to *w, advancing it. */
static const char *put_bytes(char **w, const char *s, size_t n)
{
	char *d = *w;
	memcpy(d, s, n);
	d[n] = 0;
	*w += padded(n + 1);
	return d;
}

static bool term_has_b(const kp_term *t)
{
	return t->kind == 1 || t->kind == 2;
}

/* A string leaf's parts in the order a match reads them: the
 * alternatives, the whole string, the operands, then the terms (whose
 * hot fields lead and whose quantities trail). */
static void pack_leaf(packer *k, kp_leaf *l)
{
	if (l->kind != KP_LEAF_STRING)
		return;
	kp_alt *alts = take(k, l->n_alts * sizeof *alts);
	l->str = pack_bytes(k, l->str, l->str_len);
	size_t n_terms = 0, op_bytes = 0;
	for (size_t i = 0; i < l->n_alts; i++)
		for (size_t j = 0; j < l->alts[i].n; j++) {
			const kp_term *t = &l->alts[i].terms[j];
			op_bytes += padded(t->a.operand_len + 1);
			if (term_has_b(t))
				op_bytes += padded(t->b.operand_len + 1);
			n_terms++;
		}
	char *ops = take(k, op_bytes);
	kp_term *terms = take(k, n_terms * sizeof *terms);
	if (!terms)
		return;
	for (size_t i = 0; i < l->n_alts; i++) {
		alts[i].n = l->alts[i].n;
		alts[i].terms = terms;
		for (size_t j = 0; j < l->alts[i].n; j++, terms++) {
			*terms = l->alts[i].terms[j];
			terms->a.operand = put_bytes(&ops, terms->a.operand, terms->a.operand_len);
			if (term_has_b(terms))
				terms->b.operand = put_bytes(&ops, terms->b.operand, terms->b.operand_len);
		}
	}
	l->alts = alts;
}

static const kp_pat *pack_node(packer *k, const kp_pat *p)
{
	/* what the walk reads of a node starts a cache line (the block is
	 * line-aligned): a map's last half (then two hot entries make two
	 * lines); a list or leaf whole (16-byte alignment stays) */
	size_t lead = p->kind == KP_PAT_MAP ? 32 : 0;
	k->used += (64 - (k->used + lead) % 64) % 64;
	kp_pat *out = take(k, sizeof *out), tmp;
	kp_pat *q = out ? out : &tmp;
	*q = *p;
	switch (p->kind) {
	case KP_PAT_MAP: {
		size_t n = p->u.map.n1 + p->u.map.n2;
		kp_pat_hot *h = take(k, n * sizeof *h);
		if (h) {
			memcpy(h, p->u.map.hot, n * sizeof *h);
			q->u.map.hot = h;
		}
		/* a lookup reads the bytes of keys past 8 only (kp_key_head has
		 * the rest); shorter keys keep pointing at the source */
		for (size_t i = 0; i < n; i++) {
			if (p->u.map.hot[i].key_len <= 8)
				continue;
			const char *key = pack_bytes(k, p->u.map.hot[i].key, p->u.map.hot[i].key_len);
			if (h)
				h[i].key = key;
		}
		for (size_t i = 0; i < n; i++) {
			const kp_pat *v = pack_node(k, p->u.map.hot[i].value);
			if (h)
				h[i].value = v;
		}
		break;
	}
	case KP_PAT_LIST: {
		const kp_pat **items = p->u.list.n <= KP_PAT_FEW
			? (out ? q->u.list.few : NULL) : take(k, p->u.list.n * sizeof *items);
		for (size_t i = 0; i < p->u.list.n; i++) {
			const kp_pat *v = pack_node(k, p->u.list.items[i]);
			if (items)
				items[i] = v;
		}
		if (items)
			q->u.list.items = items;
		break;
	}
	case KP_PAT_LEAF:
		pack_leaf(k, &q->u.leaf);
		break;
	}
	return out ? out : p;
}

static const kp_pat *pack(kp_arena *a, const kp_pat *root)
{
	packer k = {0};
	pack_node(&k, root);
	char *block = kp_arena_alloc(a, k.used + 48);
	k.block = block + (-(uintptr_t)block & 63);
	k.used = 0;
	return pack_node(&k, root);
}

/* r's prefix (kp_pat_root): the chain of match_map's loop that any
 * resource map takes step for step, as far as it is plain. */
static void find_prefix(kp_arena *a, kp_pat_root *r)
{
	kp_pat_step steps[KP_PAT_PREFIX_MAX];
	size_t n = 0;
	const kp_pat *p = r->root;
	while (n < KP_PAT_PREFIX_MAX && p->kind == KP_PAT_MAP && p->u.map.single &&
	       !p->u.map.n1) {
		const kp_pat_hot *e = p->u.map.hot;
		const kp_pat *q = e->value;
		if (e->anchor != KP_ANCHOR_NONE || e->star || e->leaf || q->kind != KP_PAT_MAP ||
		    q->u.map.n1 + q->u.map.n2 >= 8)
			break;
		steps[n++] = (kp_pat_step){e->key, e->head, e->key_len};
		p = q;
	}
	if (!n)
		return;
	kp_pat_step *w = kp_arena_alloc(a, n * sizeof *w);
	memcpy(w, steps, n * sizeof *w);
	kp_path_seg *sg = (kp_path_seg *)(r + 1);   /* kp_pat_compile made room */
	for (size_t i = 0; i < n; i++)
		sg[i] = (kp_path_seg){steps[i].key, steps[i].len, i ? &sg[i - 1] : NULL};
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += steps[i].len + 1;
	char *path = kp_arena_alloc(a, len + 1), *pw = path;
	*pw++ = '/';
	for (size_t i = 0; i < n; i++) {
		memcpy(pw, steps[i].key, steps[i].len);
		pw += steps[i].len;
		*pw++ = '/';
	}
	r->prefix_path = path;
	r->prefix_path_len = len;
	r->prefix = w;
	r->prefix_top = &sg[n - 1];
	r->n_prefix = n;
	r->inner = p;
}

kp_pat_root *kp_pat_compile(kp_arena *a, const kp_value *pattern, int flags,
			    const char *where, kp_error *err)
{
	compiler c = {.a = a, .flags = flags, .where = where, .err = err};
	/* a cache line's start (kp_pat_root), the prefix's path steps
	 * behind it */
	char *rb = kp_arena_alloc(a, sizeof *c.root + KP_PAT_PREFIX_MAX * sizeof(kp_path_seg) + 48);
	c.root = (kp_pat_root *)(rb + (-(uintptr_t)rb & 63));
	const kp_pat *root = compile_node(&c, pattern);
	if (!root)
		return NULL;
	c.root->root = pack(a, root);
	find_prefix(a, c.root);
	return c.root;
}
