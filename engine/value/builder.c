/* builder.c - builds one document tree from parser events.  Both YAML
 * loaders call these functions, so their trees are identical by
 * construction.  Handles anchors/aliases (shared nodes, expansion limit),
 * `<<` merge keys, duplicate keys (last wins, with a warning), depth limit. */
#include "value/value.h"

#include <stdlib.h>
#include <string.h>

#define KP_HASH_MIN 32 /* maps with more keys get a hash index */
/* Duplicate keys warned about one by one per document; past this, one last
 * warning says so (a hostile `{a: 1, a: 1, ...}` would otherwise turn a few
 * bytes of input into a line of output each). */
#define KP_MAX_DUP_WARNINGS 100

void kp_builder_init(kp_builder *b, kp_arena *a, const char *file,
		     const kp_read_opts *opts, kp_error *err)
{
	memset(b, 0, sizeof(*b));
	b->arena = a;
	b->file = kp_arena_strdup(a, file ? file : "");
	if (opts)
		b->opts = *opts;
	if (!b->opts.max_depth)
		b->opts.max_depth = KP_DEFAULT_MAX_DEPTH;
	if (!b->opts.max_alias_nodes)
		b->opts.max_alias_nodes = KP_DEFAULT_MAX_ALIAS_NODES;
	if (!b->opts.max_doc_bytes)
		b->opts.max_doc_bytes = KP_DEFAULT_MAX_DOC_BYTES;
	b->err = err;
}

void kp_builder_reuse(kp_builder *b, kp_arena *a, const char *file)
{
	for (size_t i = 0; i < b->depth; i++)
		free(b->stack[i].hash);
	free(b->anchor_index);
	b->anchor_index = NULL;
	b->anchor_index_cap = 0;
	b->depth = b->n_slots = b->n_anchors = 0;
	b->alias_nodes = b->alias_bytes = b->dup_warnings = b->null_values = 0;
	b->bump = b->bump_end = NULL;
	b->root = NULL;
	b->arena = a;
	b->file = kp_arena_strdup(a, file ? file : "");
}

/* Node memory: blocks of KP_BUMP_BLOCK bytes taken from the arena (zeroed
 * there) and carved up here, 8-byte aligned; bigger pieces come from the
 * arena directly.  Small blocks waste little at the end of a document and
 * are zeroed with vector stores (glibc's memset switches to `rep stosb`
 * from 2 KB). */
#define KP_BUMP_BLOCK 2000

static void *bump_slow(kp_builder *b, size_t n)
{
	if (n > KP_BUMP_BLOCK / 4)
		return kp_arena_alloc(b->arena, n);
	b->bump = kp_arena_alloc(b->arena, KP_BUMP_BLOCK);
	b->bump_end = b->bump + KP_BUMP_BLOCK;
	void *p = b->bump;
	b->bump += n;
	return p;
}

static inline void *bump(kp_builder *b, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if ((size_t)(b->bump_end - b->bump) < n)
		return bump_slow(b, n);
	void *p = b->bump;
	b->bump += n;
	return p;
}

/* A node with `extra` zeroed bytes behind it (a string's text). */
static inline kp_value *new_node(kp_builder *b, kp_type t, unsigned line, unsigned col,
				 size_t extra)
{
	kp_value *v = bump(b, sizeof(*v) + extra);
	v->type = t;
	v->file = b->file;
	v->line = line;
	v->col = col;
	return v;
}

/* One bit of a map frame's key_bloom per key, from its length and its
 * first and last bytes: most keys of a map differ there, so most inserts
 * skip the duplicate search. */
static inline uint64_t key_bit(const kp_value *k)
{
	/* without a test for the empty key: its text's NUL makes h 0 */
	const unsigned char *t = (const unsigned char *)k->u.s.ptr;
	size_t n = k->u.s.len;
	unsigned h = t[0] * 31u + t[n - (n != 0)] * 7u + (unsigned)n;
	return (uint64_t)1 << (h & 63);
}

void kp_builder_fini(kp_builder *b)
{
	for (size_t i = 0; i < b->depth; i++)
		free(b->stack[i].hash);
	free(b->stack);
	free(b->slots);
	free(b->anchors);
	free(b->anchor_index);
	memset(b, 0, sizeof(*b));
}

kp_value *kp_build_root(kp_builder *b)
{
	return b->root;
}

static void grow_slots(kp_builder *b)
{
	b->slots_cap = b->slots_cap ? b->slots_cap * 2 : 256;
	b->slots = kp_xrealloc(b->slots, b->slots_cap * sizeof(*b->slots));
}

static inline void push_slot(kp_builder *b, kp_value *v)
{
	if (b->n_slots == b->slots_cap)
		grow_slots(b);
	b->slots[b->n_slots++] = v;
}

/* Rebuild the key index of a large map frame (slots hold key, value pairs;
 * the index stores slot offsets + 1, 0 = empty). */
static void hash_rebuild(kp_builder *b, kp_build_frame *f)
{
	size_t pairs = (b->n_slots - f->base) / 2;
	size_t cap = 64;
	while (cap < pairs * 3)
		cap *= 2;
	free(f->hash);
	f->hash = kp_xcalloc(cap, sizeof(size_t));
	f->hash_cap = cap;
	for (size_t i = 0; i < pairs; i++) {
		size_t slot = f->base + 2 * i;
		const kp_value *k = b->slots[slot];
		size_t h = kp_hash(k->u.s.ptr, k->u.s.len) & (cap - 1);
		while (f->hash[h])
			h = (h + 1) & (cap - 1);
		f->hash[h] = slot + 1;
	}
}

/* Slot of an existing key equal to k in frame f, or (size_t)-1. */
static size_t find_key(kp_builder *b, kp_build_frame *f, const kp_value *k)
{
	if (!(f->key_bloom & key_bit(k)))
		return (size_t)-1;
	size_t pairs = (b->n_slots - f->base) / 2;
	if (pairs < KP_HASH_MIN) {
		for (size_t s = f->base; s + 1 < b->n_slots; s += 2) {
			const kp_value *o = b->slots[s];
			if (o->u.s.len == k->u.s.len &&
			    memcmp(o->u.s.ptr, k->u.s.ptr, k->u.s.len) == 0)
				return s;
		}
		return (size_t)-1;
	}
	if (!f->hash || pairs * 2 >= f->hash_cap)
		hash_rebuild(b, f);
	size_t h = kp_hash(k->u.s.ptr, k->u.s.len) & (f->hash_cap - 1);
	while (f->hash[h]) {
		const kp_value *o = b->slots[f->hash[h] - 1];
		if (o->u.s.len == k->u.s.len &&
		    memcmp(o->u.s.ptr, k->u.s.ptr, k->u.s.len) == 0)
			return f->hash[h] - 1;
		h = (h + 1) & (f->hash_cap - 1);
	}
	return (size_t)-1;
}

static void hash_note(kp_builder *b, kp_build_frame *f, size_t slot)
{
	if (!f->hash)
		return;
	if ((b->n_slots - f->base) >= f->hash_cap) {
		hash_rebuild(b, f);
		return;
	}
	const kp_value *k = b->slots[slot];
	size_t h = kp_hash(k->u.s.ptr, k->u.s.len) & (f->hash_cap - 1);
	while (f->hash[h])
		h = (h + 1) & (f->hash_cap - 1);
	f->hash[h] = slot + 1;
}

/* The string form of a key, as sigs.k8s.io/yaml turns non-string map keys
 * into JSON object keys. */
static kp_value *key_to_string(kp_builder *b, kp_value *k)
{
	char buf[64];
	const char *s = NULL;
	switch (k->type) {
	case KP_STRING:
		return k;
	case KP_NULL: s = "null"; break;
	case KP_BOOL: s = k->u.b ? "true" : "false"; break;
	case KP_INT: snprintf(buf, sizeof buf, "%lld", (long long)k->u.i); s = buf; break;
	case KP_FLOAT: kp_snprintf_c(buf, sizeof buf, "%.17g", k->u.f); s = buf; break;
	default: return NULL; /* collections as keys: rejected by caller */
	}
	return kp_value_new_str(b->arena, s, strlen(s), k->file, k->line, k->col);
}

static void warn_dup(kp_builder *b, const kp_value *first, const kp_value *again)
{
	if (!b->opts.warn || b->dup_warnings > KP_MAX_DUP_WARNINGS)
		return;
	kp_error w;
	if (++b->dup_warnings > KP_MAX_DUP_WARNINGS)
		kp_errorf(&w, KP_W_DUPKEY, b->file, again->line, again->col,
			  "more than %d duplicate keys in this document; the last value wins "
			  "for each, the others are not reported", KP_MAX_DUP_WARNINGS);
	else
		kp_errorf(&w, KP_W_DUPKEY, b->file, again->line, again->col,
			  "duplicate key \"%.*s\" (first at line %u, column %u); the last value wins",
			  (int)again->u.s.len, again->u.s.ptr, first->line, first->col);
	b->opts.warn(b->opts.warn_ud, &w);
}

/* Add a map entry in frame f: key k (string), value v. */
static void map_put(kp_builder *b, kp_build_frame *f, kp_value *k, kp_value *v,
		    bool warn)
{
	if (v->type == KP_NULL)
		b->null_values++;
	size_t s = find_key(b, f, k);
	if (s != (size_t)-1) {
		if (warn)
			warn_dup(b, b->slots[s], k);
		b->slots[s + 1] = v;
		return;
	}
	f->key_bloom |= key_bit(k);
	push_slot(b, k);
	push_slot(b, v);
	hash_note(b, f, b->n_slots - 2);
}

static void merge_into(kp_builder *b, kp_build_frame *f, const kp_value *src)
{
	if (src->type == KP_MAP) {
		for (size_t i = 0; i < src->u.map.n; i++) {
			kp_value *k = src->u.map.pairs[i].key;
			if (find_key(b, f, k) == (size_t)-1)
				map_put(b, f, k, src->u.map.pairs[i].value, false);
		}
	} else if (src->type == KP_SEQ) {
		/* earlier maps win, as in go-yaml */
		for (size_t i = 0; i < src->u.seq.n; i++)
			if (src->u.seq.items[i]->type == KP_MAP)
				merge_into(b, f, src->u.seq.items[i]);
	}
}

/* A map's key arrives: made a string, parked in the next slot, its bit
 * put in the map's bloom.  A key whose bit was set already (a possible
 * duplicate) or in a map with a key index has its value checked. */
static inline __attribute__((always_inline)) int
attach_key(kp_builder *b, kp_build_frame *f, kp_value *v)
{
	kp_value *k = v;
	if (__builtin_expect(v->type != KP_STRING, 0) && !(k = key_to_string(b, v)))
		return kp_errorf(b->err, KP_E_YAML, b->file, v->line, v->col,
				 "a mapping or sequence cannot be a mapping key");
	uint64_t bit = key_bit(k);
	f->check_value = ((f->key_bloom & bit) != 0) | (f->hash != NULL);
	f->key_bloom |= bit;
	f->want_value = true;
	push_slot(b, k);
	return 0;
}

/* The value of a key that may repeat an earlier one, or of `<<`. */
static void attach_checked_value(kp_builder *b, kp_build_frame *f, kp_value *v)
{
	kp_value *k = b->slots[--b->n_slots];
	if (f->merge_key) {
		f->merge_key = false;
		if (v->type == KP_MAP || v->type == KP_SEQ) {
			merge_into(b, f, v);
			return;
		}
	}
	map_put(b, f, k, v, true);
}

/* Attach a finished node to the parent (or make it the root). */
/* inlined: it runs for every node, most of its work is a few stores */
static inline __attribute__((always_inline)) int
attach(kp_builder *b, kp_value *v, size_t nodes, size_t bytes)
{
	if (__builtin_expect(b->depth == 0, 0)) {
		b->root = v;
		return 0;
	}
	kp_build_frame *f = &b->stack[b->depth - 1];
	f->nodes += nodes;
	f->bytes += bytes;
	if (!f->is_map) {
		push_slot(b, v);
		return 0;
	}
	/* map: keys and values alternate */
	if (!f->want_value)
		return attach_key(b, f, v);
	f->want_value = false;
	if (__builtin_expect(f->check_value, 0)) {
		attach_checked_value(b, f, v);
		return 0;
	}
	/* surely a new key (map_put's work, in place) */
	push_slot(b, v);
	b->null_values += v->type == KP_NULL;
	return 0;
}

/* attach() for a string: in a map, a key and a value are told apart
 * without a test (a key's duplicate check is prepared by arithmetic). */
static inline __attribute__((always_inline)) int
attach_string(kp_builder *b, kp_value *v, size_t len)
{
	if (__builtin_expect(b->depth == 0, 0)) {
		b->root = v;
		return 0;
	}
	kp_build_frame *f = &b->stack[b->depth - 1];
	f->nodes += 1;
	f->bytes += len;
	if (__builtin_expect(f->want_value & f->check_value, 0)) {
		f->want_value = false;
		attach_checked_value(b, f, v);
		return 0;
	}
	/* a sequence item, the value of a surely new key, or a key */
	uint64_t key = f->is_map & !f->want_value;
	uint64_t bit = key_bit(v) & (0 - key);
	f->check_value = ((f->key_bloom & bit) != 0) | (key & (f->hash != NULL));
	f->key_bloom |= bit;
	f->want_value = key;
	push_slot(b, v);
	return 0;
}

/* Slot of the anchor index holding `name`, or the empty slot where it
 * would go (the index is never full: it is rebuilt at half load). */
static size_t anchor_slot(const kp_builder *b, const char *name)
{
	size_t mask = b->anchor_index_cap - 1;
	size_t h = kp_hash(name, strlen(name)) & mask;
	while (b->anchor_index[h] &&
	       strcmp(b->anchors[b->anchor_index[h] - 1].name, name) != 0)
		h = (h + 1) & mask;
	return h;
}

/* Rebuild the index over every definition, in order, so that a later
 * definition of a name replaces the earlier one. */
static void anchor_index_rebuild(kp_builder *b)
{
	size_t cap = 64;
	while (cap < b->n_anchors * 4)
		cap *= 2;
	free(b->anchor_index);
	b->anchor_index = kp_xcalloc(cap, sizeof(size_t));
	b->anchor_index_cap = cap;
	for (size_t i = 0; i < b->n_anchors; i++)
		b->anchor_index[anchor_slot(b, b->anchors[i].name)] = i + 1;
}

static int define_anchor(kp_builder *b, const char *anchor, kp_value *v, size_t nodes,
			 size_t bytes)
{
	if (!anchor)
		return 0;
	/* a later definition of the same name shadows the earlier one */
	if (b->n_anchors == b->anchors_cap) {
		b->anchors_cap = b->anchors_cap ? b->anchors_cap * 2 : 16;
		b->anchors = kp_xrealloc(b->anchors, b->anchors_cap * sizeof(*b->anchors));
	}
	b->anchors[b->n_anchors].name = anchor;
	b->anchors[b->n_anchors].node = v;
	b->anchors[b->n_anchors].nodes = nodes;
	b->anchors[b->n_anchors].bytes = bytes;
	b->n_anchors++;
	if (b->n_anchors * 2 > b->anchor_index_cap)
		anchor_index_rebuild(b);
	else
		b->anchor_index[anchor_slot(b, anchor)] = b->n_anchors;
	return 0;
}

/* go-yaml v2 resolves untagged plain scalars and the standard scalar
 * tags; any other tag (`!`, `!!str`, `!local`, ...) leaves a string. */
static bool tag_resolves(const char *t)
{
	if (strncmp(t, "tag:yaml.org,2002:", 18) == 0)
		t += 18;
	else if (strncmp(t, "!!", 2) == 0)
		t += 2;
	return !strcmp(t, "int") || !strcmp(t, "float") || !strcmp(t, "bool") ||
	       !strcmp(t, "null");
}

/* n bytes from s to d (which has room for them), without a call for the
 * short texts most scalars are: two overlapping loads and stores. */
static inline void copy_text(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		if (n > 16) {
			memcpy(d, s, n);
			return;
		}
		uint64_t x, y;
		memcpy(&x, s, 8);
		memcpy(&y, s + n - 8, 8);
		memcpy(d, &x, 8);
		memcpy(d + n - 8, &y, 8);
	} else if (n >= 4) {
		uint32_t x, y;
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n) {
		d[0] = s[0];
		d[n >> 1] = s[n >> 1];
		d[n - 1] = s[n - 1];
	}
}

/* Scalars are typed once, before their node exists: a string gets its
 * text in the same piece of memory as its node (whose zeroed memory holds
 * the NUL).  The node of a scalar that types as anything but a string, or
 * NULL. */
static kp_value *typed_node(kp_builder *b, const char *s, size_t len, unsigned line, unsigned col)
{
	kp_value t;
	kp_resolve_plain(&t, s, len, b->opts.typing);
	if (t.type == KP_STRING)
		return NULL;
	kp_value *v = new_node(b, t.type, line, col, 0);
	v->u = t.u;
	return v;
}

static inline __attribute__((always_inline)) kp_value *
string_node(kp_builder *b, const char *s, size_t len, unsigned line, unsigned col)
{
	kp_value *v = new_node(b, KP_STRING, line, col, len + 1);
	copy_text((char *)(v + 1), s, len);
	v->u.s.ptr = (char *)(v + 1);
	v->u.s.len = len;
	return v;
}

/* After a scalar was attached: a plain `<<` key is a merge key (YAML
 * 1.1, supported by go-yaml; a quoted or tagged one is not). */
static inline void note_merge_key(kp_builder *b, const char *s, size_t len, bool plain)
{
	if (__builtin_expect(len == 2, 0) && s[0] == '<' && s[1] == '<' && plain && b->depth) {
		kp_build_frame *f = &b->stack[b->depth - 1];
		if (f->is_map && f->want_value)
			f->merge_key = f->check_value = true;
	}
}

int kp_build_scalar(kp_builder *b, const char *s, size_t len,
		    kp_scalar_style style, unsigned block_indent,
		    const char *anchor, const char *tag, unsigned line, unsigned col)
{
	bool plain = style == KP_STYLE_PLAIN && !tag;
	bool resolve = plain || (__builtin_expect(tag != NULL, 0) && tag_resolves(tag));
	/* one test decides whether the scalar may be anything but a string
	 * (kp_plain_typed_first) */
	unsigned limit = len ? kp_plain_typed_first[(unsigned char)s[0]] : 1;
	kp_value *v = NULL;
	if (resolve && len < limit)
		v = typed_node(b, s, len, line, col);
	if (!v)
		v = string_node(b, s, len, line, col);
	v->style = (unsigned char)style;
	v->block_indent = (unsigned short)(block_indent > 0xffff ? 0xffff : block_indent);
	if (__builtin_expect(anchor != NULL, 0))
		define_anchor(b, kp_arena_strdup(b->arena, anchor), v, 1, len);
	if (attach(b, v, 1, len) < 0)
		return -1;
	note_merge_key(b, s, len, plain);
	return 0;
}

int kp_build_text(kp_builder *b, const char *s, size_t len, kp_scalar_style style,
		  unsigned line, unsigned col)
{
	/* s[0] is the NUL when len is 0: the table says 1 for it, so an empty
	 * plain scalar is typed (null) */
	unsigned limit = style == KP_STYLE_PLAIN ? kp_plain_typed_first[(unsigned char)s[0]] : 0;
	kp_value *v;
	if (__builtin_expect(len < limit, 0) && (v = typed_node(b, s, len, line, col))) {
		v->style = (unsigned char)style;
		return attach(b, v, 1, len);
	}
	v = string_node(b, s, len, line, col);
	v->style = (unsigned char)style;
	attach_string(b, v, len);
	note_merge_key(b, s, len, style == KP_STYLE_PLAIN);
	return 0;
}

static int open_collection(kp_builder *b, kp_type t, const char *anchor,
			   unsigned line, unsigned col)
{
	if (b->depth >= b->opts.max_depth)
		return kp_errorf(b->err, KP_E_LIMIT, b->file, line, col,
				 "nesting deeper than %zu levels", b->opts.max_depth);
	if (b->depth == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->stack = kp_xrealloc(b->stack, b->cap * sizeof(*b->stack));
	}
	kp_build_frame *f = &b->stack[b->depth++];
	*f = (kp_build_frame){.node = new_node(b, t, line, col, 0), .base = b->n_slots,
			      .nodes = 1, .is_map = t == KP_MAP};
	if (__builtin_expect(anchor != NULL, 0))
		f->anchor = kp_arena_strdup(b->arena, anchor);
	return 0;
}

int kp_build_seq_start(kp_builder *b, const char *anchor, const char *tag,
		       unsigned line, unsigned col)
{
	(void)tag;
	return open_collection(b, KP_SEQ, anchor, line, col);
}

int kp_build_map_start(kp_builder *b, const char *anchor, const char *tag,
		       unsigned line, unsigned col)
{
	(void)tag;
	return open_collection(b, KP_MAP, anchor, line, col);
}

static int close_collection(kp_builder *b)
{
	if (!b->depth)
		return kp_errorf(b->err, KP_E_YAML, b->file, 0, 0, "unbalanced collection end");
	kp_build_frame f = b->stack[--b->depth];
	size_t n = b->n_slots - f.base;
	kp_value *v = f.node;
	if (!f.is_map) {
		v->u.seq.n = n;
		v->u.seq.items = bump(b, sizeof(kp_value *) * (n ? n : 1));
		if (n) /* b->slots may still be NULL */
			memcpy(v->u.seq.items, b->slots + f.base, sizeof(kp_value *) * n);
	} else {
		if (n % 2) /* key without value: cannot happen with a sane parser */
			n--;
		v->u.map.n = n / 2;
		v->u.map.pairs = bump(b, sizeof(kp_pair) * (n / 2 + 1));
		/* slots hold key, value, key, value ...: kp_pair's layout */
		_Static_assert(sizeof(kp_pair) == 2 * sizeof(kp_value *), "kp_pair is two pointers");
		if (n)
			memcpy(v->u.map.pairs, b->slots + f.base, sizeof(kp_value *) * n);
	}
	if (f.hash)
		free(f.hash);
	b->n_slots = f.base;
	if (f.anchor)
		define_anchor(b, f.anchor, v, f.nodes, f.bytes);
	return attach(b, v, f.nodes, f.bytes);
}

int kp_build_seq_end(kp_builder *b) { return close_collection(b); }
int kp_build_map_end(kp_builder *b) { return close_collection(b); }

int kp_build_alias(kp_builder *b, const char *anchor, unsigned line, unsigned col)
{
	size_t slot = b->anchor_index ? b->anchor_index[anchor_slot(b, anchor)] : 0;
	if (!slot)
		return kp_errorf(b->err, KP_E_YAML, b->file, line, col,
				 "unknown alias \"%s\"", anchor);
	const kp_anchor_def *def = &b->anchors[slot - 1];
	b->alias_nodes += def->nodes;
	b->alias_bytes += def->bytes;
	if (b->alias_nodes > b->opts.max_alias_nodes)
		return kp_errorf(b->err, KP_E_LIMIT, b->file, line, col,
				 "aliases expand to more than %zu nodes",
				 b->opts.max_alias_nodes);
	if (b->alias_bytes > b->opts.max_doc_bytes)
		return kp_errorf(b->err, KP_E_LIMIT, b->file, line, col,
				 "aliases expand to more than %zu bytes (the document size limit)",
				 b->opts.max_doc_bytes);
	return attach(b, def->node, def->nodes, def->bytes);
}
