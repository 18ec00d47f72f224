/*
 * jmespath/jp_func.h - the JMESPath function registry (private).
 *
 * A function is a row of a kp_jp_func table: its name, the declared types
 * of its parameters and a callback.  The compiler resolves every call to
 * its row once (unknown names and wrong argument counts are compile
 * errors), so a call on the hot path costs the argument type checks and
 * the callback, no name lookup.
 *
 * Adding functions (e.g. Kyverno's custom ones): write a table in its own
 * file, terminated by a row with name NULL, and add ONE line for it to the
 * `tables` list in jp_registry.c with the modes it belongs to.  Tables are
 * searched in that order, so a Kyverno table placed before the built-ins
 * overrides a built-in of the same name (as Kyverno's `sum` does).
 *
 * Argument checks, done by the interpreter before the callback runs (so a
 * callback may rely on them):
 *   - count: min_args <= n <= max_args (max_args KP_JP_VARIADIC: no upper
 *     bound, the last declared type applies to every further argument);
 *     a mismatch is KP_JP_E_INVALID_ARITY at compile time;
 *   - types: each argument against its param mask; a mismatch is
 *     KP_JP_E_INVALID_TYPE ("invalid-type" of the spec).
 * Values are JMESPath types over kp_value: KP_INT and KP_FLOAT are both
 * `number` (compare them with kp_jp_num); KP_SEQ is `array`, KP_MAP
 * `object`.
 *
 * Memory: a callback allocates its result (and anything else) only in
 * c->arena, the evaluation's scratch arena, with the kp_jp_new_* helpers
 * below; it may return one of its arguments (or a part of one) as is.
 * Callbacks must not keep state between calls: compiled expressions are
 * shared by threads (each thread evaluates with its own scratch arena).
 */
#ifndef KP_JP_FUNC_H
#define KP_JP_FUNC_H

#include "k8s/k8s.h"

#include <stdint.h>

/* Dialects.  A table lists the modes it is visible in (a bit set). */
enum {
	KP_JP_PLAIN = 1,   /* the JMESPath specification */
	KP_JP_KYVERNO = 2  /* kyverno/go-jmespath: missing keys are errors
	                      (see jmespath.h), Kyverno's custom functions */
};

/* Error kinds: the spec's, plus Kyverno's NotFoundError. */
typedef enum kp_jp_kind {
	KP_JP_OK = 0,
	KP_JP_E_SYNTAX,           /* "syntax" */
	KP_JP_E_INVALID_TYPE,     /* "invalid-type" */
	KP_JP_E_INVALID_VALUE,    /* "invalid-value" */
	KP_JP_E_INVALID_ARITY,    /* "invalid-arity" */
	KP_JP_E_UNKNOWN_FUNCTION, /* "unknown-function" */
	KP_JP_E_NOT_FOUND,        /* Kyverno: `Unknown key "x" in path` */
	KP_JP_E_FUNCTION          /* a function's own failure (Kyverno:
	                             "JMESPath function 'x': ...") */
} kp_jp_kind;

/* The spec's name of a kind ("syntax", "invalid-type", ...). */
const char *kp_jp_kind_name(kp_jp_kind k);

/* Parameter types: a bit set per parameter. */
enum {
	KP_JP_T_NULL = 1u << 0,
	KP_JP_T_BOOL = 1u << 1,
	KP_JP_T_NUMBER = 1u << 2,
	KP_JP_T_STRING = 1u << 3,
	KP_JP_T_ARRAY = 1u << 4,         /* any array */
	KP_JP_T_OBJECT = 1u << 5,
	KP_JP_T_EXPREF = 1u << 6,        /* &expr: the callback gets arg.ref */
	KP_JP_T_ARRAY_NUMBER = 1u << 7,  /* array whose items are all numbers */
	KP_JP_T_ARRAY_STRING = 1u << 8,  /* array whose items are all strings */
	KP_JP_T_ANY = KP_JP_T_NULL | KP_JP_T_BOOL | KP_JP_T_NUMBER |
		KP_JP_T_STRING | KP_JP_T_ARRAY | KP_JP_T_OBJECT
};

#define KP_JP_MAX_PARAMS 8
#define KP_JP_VARIADIC 255

typedef struct kp_jp_node kp_jp_node;

/* One evaluated argument: a value, or for an expression reference (&expr)
 * the compiled expression (v is then NULL). */
typedef struct kp_jp_arg {
	const kp_value *v;
	const kp_jp_node *ref;
} kp_jp_arg;

/* What a callback gets besides its arguments. */
typedef struct kp_jp_call {
	kp_arena *arena;          /* scratch arena of the evaluation */
	kp_error *err;            /* filled by kp_jp_fail */
	int mode;                 /* KP_JP_PLAIN or KP_JP_KYVERNO */
	const struct kp_jp_func *fn;
	void *interp;             /* interpreter state, for kp_jp_call_ref */
} kp_jp_call;

/* Returns 0 with *out set (never NULL: use kp_jp_null()), or a negative
 * kind (-KP_JP_E_...) after filling c->err, most simply as
 * `return kp_jp_fail(c, KP_JP_E_INVALID_VALUE, "...")`. */
typedef int (*kp_jp_fn)(kp_jp_call *c, const kp_jp_arg *args, size_t n,
			const kp_value **out);

typedef struct kp_jp_func {
	const char *name;          /* NULL ends a table */
	unsigned char min_args;
	unsigned char max_args;    /* >= min_args, or KP_JP_VARIADIC */
	uint16_t params[KP_JP_MAX_PARAMS]; /* KP_JP_T_* masks */
	uint16_t returns;          /* KP_JP_T_* mask, for `jp function` */
	kp_jp_fn impl;
	const char *note;          /* one line for `jp function`, or NULL */
} kp_jp_func;

/* The built-in functions of the specification (jp_builtins.c). */
extern const kp_jp_func kp_jp_builtins[];

/* The function called `name` (len bytes) visible in `mode`, or NULL. */
const kp_jp_func *kp_jp_func_find(const char *name, size_t len, int mode);
/* Calls fn(ud, f) for every function visible in `mode`, overridden ones
 * left out, in table order. */
void kp_jp_func_each(int mode, void (*fn)(void *ud, const kp_jp_func *f),
		     void *ud);
/* "number|string" etc. for a type mask, into buf (n bytes).  Returns buf. */
char *kp_jp_type_names(unsigned mask, char *buf, size_t n);

/* ------------------------------------------------------------------------
 * Helpers for callbacks
 * ---------------------------------------------------------------------- */

/* Fill c->err (code KP_E_EXPR, message "<kind> error: <fn name>(): <text>",
 * or for KP_JP_E_FUNCTION "JMESPath function '<name>': <text>" as
 * Kyverno words it) and return -kind. */
int kp_jp_fail(kp_jp_call *c, kp_jp_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Evaluate the expression reference `ref` against `v`. Returns 0 or -kind
 * (errors already filled). A Kyverno NotFoundError is null here. */
int kp_jp_call_ref(kp_jp_call *c, const kp_jp_node *ref, const kp_value *v,
		   const kp_value **out);

/* The file name of every value JMESPath makes (kpolicy.h promises a file
 * for every node; line and column are 0, unknown). */
#define KP_JP_NOFILE ""

/* Shared immutable values (no allocation). */
const kp_value *kp_jp_null(void);
const kp_value *kp_jp_bool(bool b);

/* New values in c->arena.  kp_jp_new_number gives KP_INT when d is an
 * integer within +-2^53, else KP_FLOAT (so results print as JSON does). */
kp_value *kp_jp_new_number(kp_arena *a, double d);
kp_value *kp_jp_new_int(kp_arena *a, int64_t i);
kp_value *kp_jp_new_str(kp_arena *a, const char *s, size_t len); /* copies */
kp_value *kp_jp_new_array(kp_arena *a, size_t cap);  /* empty, room for cap */
kp_value *kp_jp_new_object(kp_arena *a, size_t cap);
/* Append to an array made by kp_jp_new_array (grows past cap). */
void kp_jp_array_push(kp_arena *a, kp_value *arr, const kp_value *item);
/* Set key in an object made by kp_jp_new_object (replaces an existing
 * key's value in place, else appends; the key is not copied: it must live
 * as long as the result, e.g. in the arena or in the input). */
void kp_jp_object_set(kp_arena *a, kp_value *obj, const kp_value *key,
		      const kp_value *val);

/* Value helpers. */
bool kp_jp_is_number(const kp_value *v);
double kp_jp_num(const kp_value *v);      /* KP_INT/KP_FLOAT as double */
bool kp_jp_truthy(const kp_value *v);     /* false: null, false, "", [], {} */
/* Deep equality, numbers by value (1 == 1.0): kp_value_equal. */
static inline bool kp_jp_equal(const kp_value *a, const kp_value *b)
{
	return kp_value_equal(a, b);
}
/* Map lookup by bytes; NULL if absent or not a map. */
const kp_value *kp_jp_get(const kp_value *map, const char *key, size_t len);
/* "number", "string", "boolean", "array", "object", "null". */
const char *kp_jp_type_of(const kp_value *v);
/* JSON text of v into arena a (compact).  `go`: Kyverno's to_string,
 * Go's encoding/json (object keys sorted, <>& escaped as \u003c ...);
 * else keys in document order, only what JSON needs escaped.  Numbers
 * as Go's encoding/json writes float64 ("1", "1.5", "1e+21"). */
const char *kp_jp_to_json(kp_arena *a, const kp_value *v, bool go, size_t *len);
/* The same, pretty-printed with `indent` spaces per level (Go's
 * json.MarshalIndent(v, "", "  ") for indent 2); 0 is compact. */
const char *kp_jp_to_json_indent(kp_arena *a, const kp_value *v, bool go, int indent,
				 size_t *len);

#endif /* KP_JP_FUNC_H */
