/*
 * value/value.h - the document tree, documents and the event builder that
 * both YAML loaders feed (private).
 */
#ifndef KP_VALUE_H
#define KP_VALUE_H

#include "core/core.h"

/* ------------------------------------------------------------------------
 * Document tree
 * ---------------------------------------------------------------------- */
typedef struct kp_pair {
	kp_value *key;   /* always KP_STRING */
	kp_value *value;
} kp_pair;

struct kp_value {
	kp_type type;
	unsigned line, col;
	/* How a string scalar was written (kp_scalar_style) and, for a block
	 * scalar, its content's indentation: enough to map an offset in the
	 * text back to the file (kp_error_in_expr).  In padding: no cost. */
	unsigned char style;
	unsigned short block_indent;
	const char *file;          /* owned by the document's arena */
	union {
		bool b;
		int64_t i;
		double f;
		struct { const char *ptr; size_t len; } s;  /* NUL after len */
		struct { kp_value **items; size_t n; } seq;
		struct { kp_pair *pairs; size_t n; } map;
	} u;
};

/* Constructors (arena-owned). */
kp_value *kp_value_new(kp_arena *a, kp_type t, const char *file,
		       unsigned line, unsigned col);
kp_value *kp_value_new_str(kp_arena *a, const char *s, size_t len,
			   const char *file, unsigned line, unsigned col);
/* Deep copy of v into arena a (file names are copied too, once each). */
kp_value *kp_value_copy(kp_arena *a, const kp_value *v);
/* Set key in a map (replacing an existing value, else appending). */
void kp_map_set(kp_arena *a, kp_value *map, const char *key, kp_value *val);
/* Mutable lookup. */
kp_value *kp_map_get_mut(kp_value *map, const char *key);
/* Append an item to a sequence. */
void kp_seq_push(kp_arena *a, kp_value *seq, kp_value *item);
/* Deep equality as Go's reflect.DeepEqual after json.Unmarshal: numbers
 * compare as float64 (1 equals 1.0), maps as key sets, null equals null. */
bool kp_value_equal(const kp_value *a, const kp_value *b);
/* True if v is a string equal to s. */
bool kp_value_str_eq(const kp_value *v, const char *s);
/* Byte comparison of two strings (memcmp order, shorter first). */
int kp_bytes_cmp(const char *a, size_t an, const char *b, size_t bn);

/* Structure of a document as the library hands it out. */
struct kp_doc {
	kp_arena *arena;           /* owns root and every node below it */
	kp_value *root;
	const char *file;
	struct kp_doc_shared *shared; /* non-NULL: arena shared by List items */
	bool no_null_values;       /* the reader built it and no mapping in it
	                              has a null value: normalisation has no
	                              null maps to look for */
};

/* Wrap a root that lives in `arena` (ownership of arena passes to the doc). */
kp_doc *kp_doc_new(kp_arena *arena, kp_value *root, const char *file);
/* A document for one item of the `kind: List` document `list`, sharing its
 * arena (freed when the last of them is freed). */
kp_doc *kp_doc_new_shared(kp_doc *list, kp_value *root);

/* ------------------------------------------------------------------------
 * Event builder: both loaders (libyaml, libfyaml) turn their events into
 * these calls, so the trees they build are identical.
 * ---------------------------------------------------------------------- */
/* The defaults of kp_read_opts' limits (kpolicy.h), for the builder and
 * the reader. */
#define KP_DEFAULT_MAX_DEPTH 1000
#define KP_DEFAULT_MAX_ALIAS_NODES 1000000
#define KP_DEFAULT_MAX_DOC_BYTES ((size_t)256 << 20)

typedef enum kp_scalar_style {
	KP_STYLE_PLAIN = 0, KP_STYLE_SINGLE, KP_STYLE_DOUBLE, KP_STYLE_LITERAL,
	KP_STYLE_FOLDED
} kp_scalar_style;

typedef struct kp_build_frame {
	kp_value *node;
	const char *anchor;        /* arena copy, or NULL */
	size_t base;               /* first slot of this frame in b->slots */
	size_t nodes;              /* nodes in this subtree so far */
	size_t bytes;              /* scalar bytes in this subtree so far */
	size_t *hash;              /* key index for large maps (malloc) */
	size_t hash_cap;
	uint64_t key_bloom;        /* maps: one bit per key (builder.c's
	                              key_bit); a key whose bit is clear
	                              cannot be a duplicate */
	bool is_map;
	bool want_value;           /* maps: the last slot holds a key whose
	                              value comes next */
	bool check_value;          /* maps: the pending key may repeat one
	                              before it, or is `<<`: its value goes
	                              through the duplicate and merge checks */
	bool merge_key;            /* the pending key is `<<` (merge) */
} kp_build_frame;

typedef struct kp_anchor_def {
	const char *name;
	kp_value *node;
	size_t nodes;              /* size of the anchored subtree */
	size_t bytes;              /* its scalar bytes (keys included) */
} kp_anchor_def;

typedef struct kp_builder {
	kp_arena *arena;
	const char *file;          /* arena copy */
	kp_read_opts opts;         /* with defaults filled in */
	kp_build_frame *stack;
	size_t depth, cap;
	kp_value **slots;          /* children of open collections (maps:
	                              key, value, key, value ...) */
	size_t n_slots, slots_cap;
	kp_anchor_def *anchors;
	size_t n_anchors, anchors_cap;
	size_t *anchor_index;      /* name hash -> anchors slot + 1 (malloc);
	                              an alias costs O(1), not O(anchors) */
	size_t anchor_index_cap;
	size_t alias_nodes;        /* nodes made reachable through aliases */
	size_t alias_bytes;        /* scalar bytes made reachable through
	                              aliases: at most opts.max_doc_bytes, so
	                              aliases cannot make a document bigger
	                              than a document may be */
	size_t dup_warnings;       /* duplicate-key warnings given so far */
	size_t null_values;        /* null values put into mappings */
	/* Nodes are carved from blocks of the arena here, without a call
	 * per node (arena memory comes zeroed). */
	char *bump, *bump_end;
	kp_value *root;
	kp_error *err;
} kp_builder;

void kp_builder_init(kp_builder *b, kp_arena *a, const char *file,
		     const kp_read_opts *opts, kp_error *err);
/* Start the next document, in arena a, of `file` with the same options and
 * error slot, keeping the builder's buffers (a reader builds many
 * documents with one builder).  Any unfinished document is dropped. */
void kp_builder_reuse(kp_builder *b, kp_arena *a, const char *file);
void kp_builder_fini(kp_builder *b);
/* Each returns 0, or -1 with b->err filled (limits, bad alias, ...).
 * `anchor` and `tag` may be NULL; strings are copied.  line/col 1-based. */
int kp_build_scalar(kp_builder *b, const char *s, size_t len,
		    kp_scalar_style style, unsigned block_indent,
		    const char *anchor, const char *tag, unsigned line, unsigned col);
/* kp_build_scalar for the common scalar: no anchor, no tag, not a block
 * scalar (style plain or quoted), and `s` NUL-terminated at len (its first
 * byte is read even when len is 0).  Fewer tests per scalar. */
int kp_build_text(kp_builder *b, const char *s, size_t len, kp_scalar_style style,
		  unsigned line, unsigned col);
int kp_build_seq_start(kp_builder *b, const char *anchor, const char *tag,
		       unsigned line, unsigned col);
int kp_build_seq_end(kp_builder *b);
int kp_build_map_start(kp_builder *b, const char *anchor, const char *tag,
		       unsigned line, unsigned col);
int kp_build_map_end(kp_builder *b);
int kp_build_alias(kp_builder *b, const char *anchor, unsigned line,
		   unsigned col);
/* The document's root (NULL for an empty document). */
kp_value *kp_build_root(kp_builder *b);

/* Resolve a plain scalar's type under `typing` into v (v->type and v->u);
 * strings keep s. */
void kp_resolve_plain(kp_value *v, const char *s, size_t len, kp_typing typing);
/* For the first byte of a non-empty plain scalar: 0 when a scalar
 * starting with it is a string whatever follows, else 1 + the longest
 * scalar starting with it that may be typed (65 for a digit or -+.: a
 * number has at most 64 bytes; 6 for the letters of the null and bool
 * words, ~ included).  A scalar at least this long is a string: the
 * builder skips the call. */
extern const unsigned char kp_plain_typed_first[256];

/* Strict JSON text (RFC 8259, as Go's json.Unmarshal takes it) into a
 * tree in arena a: integral numbers in int64 range are KP_INT, other
 * numbers KP_FLOAT; duplicate keys keep the last value (at the first
 * key's place); nesting up to 10000.  NULL when s is not JSON.  Nodes
 * carry no file position.  Thread-safe (one arena per thread). */
kp_value *kp_json_parse(kp_arena *a, const char *s, size_t len);
/* Pieces of the JSON grammar shared by kp_json_parse and the JSON loader
 * (input/load_json.c): the value of 4 hex digits at s (-1 if not hex);
 * the length of the strict JSON number at s (0: none), *integral false
 * when it has a fraction or exponent. */
int kp_json_hex4(const char *s);
size_t kp_json_number_len(const char *s, const char *end, bool *integral);

/* ------------------------------------------------------------------------
 * Errors at a node (error_at.c): err gets the node's file:line:col (at may
 * be NULL: unknown), `path` (a JSON pointer in the document, may be NULL)
 * and the message.  Return -1, so callers can `return kp_error_at(...)`.
 * ---------------------------------------------------------------------- */
int kp_error_at(kp_error *err, kp_code code, const kp_value *at,
		const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int kp_error_vat(kp_error *err, kp_code code, const kp_value *at,
		 const char *path, const char *fmt, va_list ap);
/* An error inside an expression held by the string scalar `scalar`, at
 * byte `offset` of its text: err->line/col are that character's place in
 * the file (a literal block scalar maps exactly through its indentation;
 * plain, quoted and folded scalars give the scalar's start plus the
 * offset in its decoded text, exact unless escapes or folding came
 * before), err->expr_line / expr_col the expression's line holding it and
 * its column there, for the caret kp_error_format draws. */
int kp_error_in_expr(kp_error *err, kp_code code, const kp_value *scalar,
		     size_t offset, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* KP_E_UNSUPPORTED naming `feature` ("unsupported: <feature>"). */
int kp_error_unsupported(kp_error *err, const kp_value *at, const char *path,
			 const char *feature);

#endif /* KP_VALUE_H */
