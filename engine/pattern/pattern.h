/*
 * pattern.h - private interface of the validate-pattern engine (not
 * installed).  Mirrors Kyverno's pkg/engine/validate, pkg/engine/anchor,
 * pkg/engine/pattern, pkg/engine/operator, pkg/engine/wildcards and
 * ext/wildcard; ../shared/docs/kyverno-semantics.md sections 1-10 give
 * the behaviour in prose.
 *
 * Layout: wildcard.c, duration.c, quantity.c (scalar parsers), leaf.c
 * (string pattern language and scalar comparison), gofmt.c (Go-compatible
 * number and %v formatting), pattern_compile.c (kp_pat AST), pattern_match.c
 * (the tree walk), pattern_api.c (public kp_pattern_*, anyPattern, rule
 * messages).
 */
#ifndef KP_PATTERN_H
#define KP_PATTERN_H

#include "k8s/k8s.h"

#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Leaf patterns (pkg/engine/pattern + pkg/engine/operator)
 * ---------------------------------------------------------------------- */

/* Operators found at the front of a string pattern part. */
typedef enum kp_op {
	KP_OP_EQUAL,       /* ""   */
	KP_OP_MORE_EQUAL,  /* ">=" */
	KP_OP_LESS_EQUAL,  /* "<=" */
	KP_OP_NOT_EQUAL,   /* "!"  */
	KP_OP_MORE,        /* ">"  */
	KP_OP_LESS,        /* "<"  */
	KP_OP_IN_RANGE,    /* "a-b"  */
	KP_OP_NOT_IN_RANGE /* "a!-b" */
} kp_op;

/* The operator token as Kyverno spells it: "", ">=", ..., "-", "!-". */
const char *kp_op_token(kp_op op);

/* operator.GetOperatorFromStringPattern: shorter than 2 bytes -> Equal;
 * prefixes >=, <=, >, <, ! in that order; then NotInRange
 * `^N!-N$`, then InRange `^N-N$`, N = [-|+]?\d+(\.\d+)?[A-Za-z]*.
 * For ranges, *lo / *hi (may be NULL) receive the two endpoints. */
kp_op kp_op_parse(const char *s, size_t len, const char **lo, size_t *lo_len,
		  const char **hi, size_t *hi_len);

/* How a condition's operand matches a string, decided at compile time. */
enum {
	KP_WILD_NONE,     /* no * or ?: byte equality */
	KP_WILD_AFFIX,    /* ASCII A*B (one *, no ?): prefix A and suffix B */
	KP_WILD_INFIX,    /* ASCII *A* (no other * or ?): A anywhere */
	KP_WILD_GENERAL,  /* kp_wildcard_match */
	KP_WILD_SOME      /* exactly "?*": one rune or more, any non-empty text */
};

/* One comparison: operator and operand, the operand pre-parsed. */
typedef struct kp_cond {
	/* what every match reads first, together at the front */
	kp_op op;                  /* never a range: ranges are split */
	unsigned char wild;        /* KP_WILD_*: how the operand matches */
	bool is_duration;          /* operand parses as a Go duration */
	bool is_quantity;          /* operand parses as a Quantity */
	const char *operand;       /* NUL-terminated, arena */
	size_t operand_len;
	int64_t duration;
	kp_quantity quantity;
} kp_cond;

/* A term of an alternative: a plain condition, or a range giving two
 * conditions joined by AND (InRange) or OR (NotInRange). */
typedef struct kp_term {
	int kind;                  /* 0 plain (a), 1 a AND b, 2 a OR b, 3 never
	                              (range text that fails to split) */
	kp_cond a, b;
} kp_term;

/* An alternative: all of its terms must hold (`&`). */
typedef struct kp_alt {
	kp_term *terms;
	size_t n;
} kp_alt;

typedef enum kp_leaf_kind {
	KP_LEAF_NULL, KP_LEAF_BOOL, KP_LEAF_NUMBER, KP_LEAF_STRING,
	KP_LEAF_MAP  /* a map pattern used as a leaf: value must be a map */
} kp_leaf_kind;

typedef struct kp_leaf {
	kp_leaf_kind kind;
	bool b;
	double num;                /* pattern numbers are float64 */
	const char *str;           /* whole string pattern */
	size_t str_len;
	kp_alt *alts;              /* `|` alternatives */
	size_t n_alts;
} kp_leaf;

/* Compile a scalar pattern value (null, bool, int/float as float64,
 * string) into *leaf, allocating in a.  Never fails: every string is a
 * valid pattern in Kyverno. */
void kp_leaf_compile(kp_arena *a, const kp_value *v, kp_leaf *leaf);
/* pattern.Validate(value, pattern) for a compiled leaf.  `value` NULL
 * means null (a missing key). */
bool kp_leaf_match(const kp_leaf *leaf, const kp_value *value);

/* ------------------------------------------------------------------------
 * Compiled patterns
 * ---------------------------------------------------------------------- */

typedef enum kp_anchor {
	KP_ANCHOR_NONE = 0,   /* plain key (also malformed anchors) */
	KP_ANCHOR_COND,       /* (k)  */
	KP_ANCHOR_GLOBAL,     /* <(k) */
	KP_ANCHOR_EQUAL,      /* =(k) */
	KP_ANCHOR_EXIST,      /* ^(k) */
	KP_ANCHOR_NEG,        /* X(k) */
	KP_ANCHOR_ADD         /* +(k): a literal key for validation */
} kp_anchor;

/* anchor.Parse: after trimming white space, `m?(key)` with m one of
 * + < = X ^ and a non-empty key without line breaks (Go's `.`).  Returns the
 * kind (NONE if not an anchor) and the inner key. */
kp_anchor kp_anchor_parse(const char *s, size_t len, const char **key,
			  size_t *key_len);

typedef struct kp_pat kp_pat;

typedef struct kp_pat_entry {
	const char *raw;           /* key as written (plain-key lookups) */
	size_t raw_len;
	const char *key;           /* inner key of an anchor, else raw */
	size_t key_len;
	kp_anchor anchor;
	bool star;                 /* value is exactly the string "*" */
	int bk;                    /* anchor-map slot for (k) ^(k) X(k), else -1 */
	const kp_pat *value;
	const kp_value *src_key;
} kp_pat_entry;

typedef enum kp_pat_kind { KP_PAT_MAP, KP_PAT_LIST, KP_PAT_LEAF } kp_pat_kind;

/* Key bytes s[0..n) as one word that, with n, decides equality of the
 * first and last 4 bytes (so of keys of 4 to 8 bytes): two overlapping
 * 4-byte loads, or for a key under 4 bytes its bytes one by one.  Keys
 * past 8 bytes compare bytes [4, n-4) too (kp_key_rest_eq).  Pattern keys
 * keep it from compile time, so a lookup compares a resource key of the
 * right length without touching the pattern's key bytes (or calling
 * memcmp); keys of 4 bytes and more (nearly all) take one branch. */
static inline uint64_t kp_key_head(const char *s, size_t n)
{
	if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		return lo | (uint64_t)hi << 32;
	}
	if (!n)
		return 0;
	return (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n >> 1] << 8 |
	       (uint64_t)(unsigned char)s[n - 1] << 16;
}

/* Equality of the bytes of two n-byte keys that kp_key_head leaves out:
 * [4, n-4), for keys up to 16 bytes two overlapping 4-byte loads each. */
static inline bool kp_key_rest_eq(const char *a, const char *b, size_t n)
{
	if (n <= 8)
		return true;
	if (n <= 16) {
		uint32_t a0, a1, b0, b1;
		memcpy(&a0, a + 4, 4);
		memcpy(&b0, b + 4, 4);
		memcpy(&a1, a + n - 8, 4);
		memcpy(&b1, b + n - 8, 4);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	return memcmp(a + 4, b + 4, n - 8) == 0;
}

/* What the walk reads of a map pattern's entry, in evaluation order and
 * contiguous (phase 1 then phase 2): one small record per key instead of
 * a pointer to a wide entry whose key bytes live in the policy's tree. */
typedef struct kp_pat_hot {
	const kp_pat *value;
	const char *key;           /* the key looked up (inner key of an anchor) */
	uint64_t head;             /* kp_key_head(key, key_len) */
	uint32_t key_len;          /* keys longer than 4 GiB are never built */
	unsigned char anchor : 3;  /* kp_anchor */
	bool star : 1;             /* value is exactly the string "*" */
	bool leaf : 1;             /* value->kind == KP_PAT_LEAF */
	/* where the key was in the last three resource maps that had it, at
	 * different places (maps of one kind share their key order; autogen
	 * patterns see two or three kinds), KP_HINT_NONE if unknown; read and
	 * written with relaxed atomics, as threads share patterns */
	unsigned char hint[3];
} kp_pat_hot;
#define KP_HINT_NONE 255                      /* 32 bytes: two to a cache line */

/* 64 bytes.  What the walk reads of a map node (meta_expand, hot, n1,
 * n2, kind) is its last 32 bytes, and the packer puts the hot entries
 * right behind the node: a walk of a map touches one run of bytes.  A
 * short list keeps its items in the node. */
#define KP_PAT_FEW 4
struct kp_pat {
	const kp_value *src;       /* the pattern node (position, %v text) */
	union {
		struct {
			/* the phase-1 entries in full (raw key and anchor-map
			 * slot: the walk reads them for (k) ^(k) X(k) only) */
			const kp_pat_entry **p1;
			/* all entries in byte-sorted raw-key order */
			kp_pat_entry *all;
			size_t n_all;
			/* metadata wildcard expansion may apply at this level */
			bool meta_expand;
			/* one key and no metadata expansion: the walk's chain
			 * loop takes it without a call per level */
			bool single;
			/* phase 1: (k) ^(k) =(k) X(k), sorted; then phase 2:
			 * global and anchor-holding keys first (reverse sorted),
			 * then the rest sorted */
			const kp_pat_hot *hot;
			uint32_t n1, n2;   /* pattern maps are far below 4G keys */
		} map;
		struct {
			/* a packed list of up to KP_PAT_FEW items holds them
			 * here (items points at few), next to kind */
			const kp_pat *few[4];
			const kp_pat **items;
			size_t n;
		} list;
		kp_leaf leaf;
	} u;
	kp_pat_kind kind;
	bool has_anchor;           /* this node or one below has an anchor
	                              (for phase-2 ordering) */
};

/* Compile options. */
enum {
	/* Reject what Kyverno's policy validation rejects in validate
	 * patterns: +(k) anchors, ^(k) whose value is not a non-empty list. */
	KP_PAT_STRICT = 1
};

/* One step of the walk's current path: a key (bytes of the pattern or
 * resource, which outlive the match) or a list index.  Steps live in the
 * frames of the walk, each pointing at the one above it (a step costs
 * three stores; the path is spelled out only when an error keeps it),
 * and, for a pattern's prefix, in the compiled pattern. */
typedef struct kp_path_seg {
	const char *key;           /* NULL: an index */
	size_t n;                  /* key length, or the index */
	const struct kp_path_seg *up;
} kp_path_seg;

/* One step of a pattern's prefix (kp_pat_root.prefix): a plain key. */
typedef struct kp_pat_step {
	const char *key;
	uint64_t head;             /* kp_key_head(key, len) */
	size_t len;
} kp_pat_step;
#define KP_PAT_PREFIX_MAX 8

/* The anchor-map keys of a compiled pattern (raw keys of (k), ^(k), X(k)),
 * shared by all its nodes: entry.bk indexes into it. */
typedef struct kp_pat_root {
	/* what every match reads, in the first 48 bytes (the struct starts
	 * a cache line) */
	const kp_pat *root;
	size_t n_bk;
	/* The prefix: the one-key map levels from the root whose key is plain
	 * and whose value is a map of fewer than 8 keys (spec -> template ->
	 * spec in a Deployment's autogen rule).  The walk takes them as a
	 * path of lookups whatever lies below, so a caller matching many
	 * patterns against one resource can look up each distinct prefix
	 * once (kp_pat_step_map, step by step) and start below it
	 * (kp_pat_match_quick_at).  prefix_top: the last step as a path
	 * step, the others above it (they follow this struct); inner: the
	 * map pattern the steps lead to. */
	size_t n_prefix;
	const kp_pat *inner;
	const kp_path_seg *prefix_top;
	const kp_pat_step *prefix;
	const char *prefix_path;   /* the steps as a path, "/spec/template/spec/" */
	size_t prefix_path_len;
	const char **bk_keys;
	size_t *bk_lens;
	bool *bk_neg;
	size_t depth;              /* deepest nesting (1: a scalar pattern) */
} kp_pat_root;

/* Compile `pattern` into arena a.  `where` names the pattern for errors
 * (e.g. "validate.pattern"; may be NULL).  NULL on error with KP_E_PATTERN,
 * the file:line:col of the offending key and err->path = where + the
 * pattern path ("validate.pattern/spec/+(x)"). */
kp_pat_root *kp_pat_compile(kp_arena *a, const kp_value *pattern, int flags,
			    const char *where, kp_error *err);

/* Build a map node from entries (sorted and phase-split here); used by the
 * compiler and by metadata wildcard expansion at match time. */
kp_pat *kp_pat_map_build(kp_arena *a, const kp_value *src, kp_pat_entry *e,
			 size_t n);

/* ------------------------------------------------------------------------
 * Matching
 * ---------------------------------------------------------------------- */

/* One pattern's outcome, as validate.MatchPattern + validatePatterns give
 * it.  Strings live in the scratch arena passed to kp_pat_match. */
typedef struct kp_pat_result {
	kp_status status;          /* PASS, FAIL, SKIP or ERROR */
	const char *path;          /* "" unless FAIL ("/spec/containers/0/") */
	const kp_value *node;      /* deepest resource node along the failing
	                              path, else the resource root */
	const char *error;         /* Kyverno's error text (PatternError.Error())
	                              for FAIL, SKIP and ERROR; "" for PASS;
	                              NULL from kp_pat_match_quick for a FAIL
	                              with a path (kp_pat_error renders it) */
	const void *why;           /* the error behind it (kp_pat_error) */
} kp_pat_result;

/* Match `res` (the resource root, may be NULL) against a compiled pattern.
 * Allocates only in `scratch` (reset it between evaluations). */
void kp_pat_match(const kp_pat_root *pat, const kp_value *res,
		  kp_arena *scratch, kp_pat_result *out);
/* The same match, leaving out the error text where a rule message does not
 * show it (a FAIL with a path: "rule R failed at path P"). */
void kp_pat_match_quick(const kp_pat_root *pat, const kp_value *res,
			kp_arena *scratch, kp_pat_result *out);
/* The value of step st's key in map if it is a map, else NULL (map may
 * be any node). */
const kp_value *kp_pat_step_map(const kp_value *map, const kp_pat_step *st);
/* kp_pat_match_quick(pat, res, ...) when `at` is the map that pat's prefix
 * steps lead to from res (each step's value a map, kp_pat_step_map): the
 * same result, without walking the prefix.  (Where a step finds no map,
 * the walk fails or skips inside the prefix: match from the root.) */
void kp_pat_match_quick_at(const kp_pat_root *pat, const kp_value *res,
			   const kp_value *at, kp_arena *scratch, kp_pat_result *out);
/* r's error text, rendered into scratch if the match left it out. */
const char *kp_pat_error(const kp_pat_result *r, kp_arena *scratch);

/* ------------------------------------------------------------------------
 * Rule outcome (validate_resource.go)
 * ---------------------------------------------------------------------- */

/* Kyverno's rule message for a single `pattern` rule outcome:
 *   PASS   "validation rule '<rule>' passed."
 *   FAIL   "validation error: rule <rule> failed at path <path>", or with
 *          message M "validation error: <M>. rule <rule> failed at path
 *          <path>" ('.' added to M unless it ends with one)
 *   ERROR  "validation error: rule <rule> execution error: <error>" (or
 *          "validation error: <M>. rule <rule> execution error: <error>")
 *   SKIP   the error text.
 * `message` is the rule's validate.message after variable substitution, or
 * NULL/"" for none.  Result in arena a. */
const char *kp_pat_rule_message(kp_arena *a, const char *rule,
				const char *message, const kp_pat_result *r);

/* The compiled tree inside a public kp_pattern (borrowed from p), so the
 * evaluator can match with its own scratch arena. */
const kp_pat_root *kp_pattern_root(const kp_pattern *p);

/* The outcome of a validate.anyPattern rule. */
typedef struct kp_any_result {
	kp_status status;          /* PASS, FAIL or SKIP */
	const char *message;       /* Kyverno's rule message */
	const char *path;          /* FAIL: path of the first failing pattern
	                              ("" for an empty-path error); else NULL */
	const kp_value *node;      /* its resource node, else the root */
	size_t passed_index;       /* PASS: which pattern passed */
} kp_any_result;

/* validatePatterns for anyPattern: the first pattern that passes wins
 * ("validation rule '<rule>' anyPattern[<i>] passed."); else if some
 * failed or errored: FAIL with "validation error: [<M>. ]rule <rule>[<i>]
 * failed at path <p> rule <rule>[<j>] failed: <err> ..." (skipped ones left
 * out); else all skipped: SKIP with "rule <rule>[<i>] skipped: <err> ...".
 * No patterns: PASS with M as message.  Strings in `scratch`. */
void kp_pat_match_any(const kp_pat_root *const *pats, size_t n,
		      const kp_value *res, const char *rule,
		      const char *message, kp_arena *scratch,
		      kp_any_result *out);

#endif /* KP_PATTERN_H */
