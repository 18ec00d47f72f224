/*
 * cel/cel_int.h - internals of the CEL evaluator shared by engine/cel/ files:
 * run-time values, the AST (arena-allocated), the evaluation context and
 * the builtin function table.  Semantics follow cel-go (google/cel-go) with
 * the options Kubernetes and Kyverno enable (../shared/docs/kyverno-cel.md).
 */
#ifndef KP_CEL_INT_H
#define KP_CEL_INT_H

#include "cel/cel.h"

#include <string.h>

/* ------------------------------------------------------------------------
 * Values.  24 bytes, passed by value.  Lists and maps are either built
 * during evaluation (arena) or views of a document tree (doc = 1), never
 * copied from it.
 * ---------------------------------------------------------------------- */
typedef enum cel_kind {
	CEL_NULL, CEL_BOOL, CEL_INT, CEL_UINT, CEL_DOUBLE, CEL_STRING,
	CEL_BYTES, CEL_LIST, CEL_MAP, CEL_TIMESTAMP, CEL_DURATION, CEL_TYPE,
	CEL_OPTIONAL, CEL_ERROR, CEL_OPAQUE
} cel_kind;

typedef struct cel_list cel_list;
typedef struct cel_map cel_map;
typedef struct cel_val cel_val;
typedef struct cel_ctx cel_ctx;

struct cel_val {
	uint8_t kind;
	uint8_t doc;        /* list/map: u.dv is a KP_SEQ / KP_MAP node */
	uint8_t dfloat;     /* doc view: KP_INT numbers read as double */
	int32_t nsec;       /* timestamp: nanoseconds in [0, 1e9) */
	union {
		bool b;
		int64_t i;          /* int; timestamp: Unix seconds; duration: ns */
		uint64_t u;
		double d;
		struct { const char *p; size_t n; } s; /* string, bytes, error
		                                          message, type name */
		const cel_list *l;
		const cel_map *m;
		const kp_value *dv;
		const cel_val *opt; /* optional: NULL = none */
		const struct cel_opaque *op; /* library types (Quantity, IP, ...) */
	} u;
};

/* Library types (Kubernetes quantity, ip, cidr, url, semver): a header
 * naming the type, the type's data after it. */
typedef struct cel_opaque_type {
	const char *name;                 /* CEL type name ("kubernetes.Quantity") */
	bool (*equal)(const struct cel_opaque *a, const struct cel_opaque *b);
	/* string(v); NULL: no conversion */
	cel_val (*str)(cel_ctx *c, const struct cel_opaque *v);
	/* -1 0 1 for isLessThan/isGreaterThan/compareTo; NULL: unordered */
	int (*compare)(const struct cel_opaque *a, const struct cel_opaque *b);
} cel_opaque_type;

typedef struct cel_opaque { const cel_opaque_type *t; } cel_opaque;

static inline cel_val cel_opaque_val(const cel_opaque *op)
{
	cel_val v = {.kind = CEL_OPAQUE};
	v.u.op = op;
	return v;
}

static inline bool cel_is_opaque(cel_val v, const cel_opaque_type *t)
{
	return v.kind == CEL_OPAQUE && v.u.op->t == t;
}

struct cel_list { size_t n; cel_val *items; };
struct cel_map { size_t n; cel_val *keys; cel_val *vals; };

/* Constructors. */
static inline cel_val cel_bool(bool b) { cel_val v = {.kind = CEL_BOOL}; v.u.b = b; return v; }
static inline cel_val cel_int(int64_t i) { cel_val v = {.kind = CEL_INT}; v.u.i = i; return v; }
static inline cel_val cel_uint(uint64_t u) { cel_val v = {.kind = CEL_UINT}; v.u.u = u; return v; }
static inline cel_val cel_double(double d) { cel_val v = {.kind = CEL_DOUBLE}; v.u.d = d; return v; }
static inline cel_val cel_null(void) { cel_val v = {.kind = CEL_NULL}; return v; }
static inline cel_val cel_strn(cel_kind k, const char *p, size_t n)
{
	cel_val v = {.kind = (uint8_t)k};
	v.u.s.p = p;
	v.u.s.n = n;
	return v;
}
static inline cel_val cel_str(const char *p, size_t n) { return cel_strn(CEL_STRING, p, n); }
static inline cel_val cel_type(const char *name) { return cel_strn(CEL_TYPE, name, strlen(name)); }
static inline bool cel_is_err(cel_val v) { return v.kind == CEL_ERROR; }

cel_val cel_err(cel_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cel_val cel_no_overload(cel_ctx *c, const char *fn);
cel_val cel_list_new(cel_ctx *c, size_t n);   /* items zeroed */
/* A list built element by element (arena, doubling). */
typedef struct cel_vec { cel_val *v; size_t n, cap; } cel_vec;
void cel_vec_push(cel_ctx *c, cel_vec *b, cel_val x);
cel_val cel_vec_list(cel_ctx *c, const cel_vec *b);
cel_val cel_map_new(cel_ctx *c, size_t n);
cel_val cel_optional(cel_ctx *c, const cel_val *v); /* NULL: none */
cel_val cel_timestamp(cel_ctx *c, int64_t sec, int32_t nsec); /* range checked */
cel_val cel_duration(cel_ctx *c, int64_t ns);
/* A document node as a CEL value (scalars converted, collections viewed). */
cel_val cel_from_doc(const kp_value *v, bool dfloat);

size_t cel_list_len(cel_val l);
cel_val cel_list_at(cel_val l, size_t i);
size_t cel_map_len(cel_val m);
cel_val cel_map_key_at(cel_val m, size_t i);
cel_val cel_map_val_at(cel_val m, size_t i);
/* Map lookup with CEL's numeric key unification; false when absent. */
bool cel_map_find(cel_val m, cel_val key, cel_val *out);

/* CEL `==`: heterogeneous, numbers across types, never an error. */
bool cel_equal(cel_val a, cel_val b);
/* Ordering for < <= > >=: -1 0 1, 2 unordered (NaN); -2 no overload. */
int cel_compare(cel_val a, cel_val b);
const char *cel_type_name(cel_val v);
/* string(v) for the scalar kinds; error value otherwise. */
cel_val cel_to_string(cel_ctx *c, cel_val v);
/* Go's strconv.FormatFloat(d, 'g', -1, 64) into buf (>= 32 bytes). */
size_t cel_fmt_double(char *buf, double d);
/* Code points of a UTF-8 string (assumed valid). */
size_t cel_utf8_len(const char *s, size_t n);
bool cel_utf8_valid(const char *s, size_t n);
/* Debug/print form of a value (CLI, vectors). */
char *cel_val_repr(kp_arena *a, cel_val v);

/* A field of a library struct value (Kyverno's user.ServiceAccount, a Go
 * struct cel-go sees through its native types): false when v has no such
 * field; else *out its value and *set whether it is not the zero value
 * (cel-go's has() on a native field). */
bool cel_struct_field(cel_val v, const char *name, size_t n, cel_val *out, bool *set);

/* Go url.ParseRequestURI's verdict: NULL when s parses, else why
 * (cel_lib_url.c). */
const char *cel_url_check(const char *s, size_t n);

/* Timestamps and durations (cel_time.c). */
cel_val cel_parse_timestamp(cel_ctx *c, const char *s, size_t n);
cel_val cel_parse_duration(cel_ctx *c, const char *s, size_t n);
cel_val cel_fmt_timestamp(cel_ctx *c, cel_val ts);
cel_val cel_fmt_duration(cel_ctx *c, cel_val d);
/* UTC offset (seconds east) of IANA zone `tz` at Unix time t; false when
 * the zone is unknown (cel_tz.c). */
bool cel_tz_offset_named(const char *tz, size_t n, int64_t t, int64_t *off);
/* Proleptic Gregorian calendar <-> days since 1970-01-01 (cel_time.c). */
int64_t cel_days_from_civil(int64_t y, unsigned m, unsigned d);
void cel_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* ------------------------------------------------------------------------
 * AST
 * ---------------------------------------------------------------------- */
typedef enum cel_node_kind {
	N_LIT, N_IDENT, N_SELECT, N_CALL, N_LIST, N_MAP, N_STRUCT, N_COMP,
	N_AND, N_OR, N_COND, N_LOCAL, N_VAR,
	N_LAZY      /* variables.<name>: a composited variable, computed once */
} cel_node_kind;

/* Comprehension kinds (macros, expanded at parse time). */
typedef enum cel_comp_kind {
	COMP_ALL, COMP_EXISTS, COMP_EXISTS_ONE, COMP_MAP, COMP_MAP_FILTER,
	COMP_FILTER, COMP_BIND, COMP_TRANSFORM_LIST, COMP_TRANSFORM_LIST_FILTER,
	COMP_TRANSFORM_MAP, COMP_TRANSFORM_MAP_FILTER, COMP_TRANSFORM_MAP_ENTRY,
	COMP_TRANSFORM_MAP_ENTRY_FILTER, COMP_OPT_MAP, COMP_OPT_FLAT_MAP,
	COMP_SORT_BY
} cel_comp_kind;

typedef struct cel_node cel_node;
typedef cel_val (*cel_fn)(cel_ctx *c, cel_val *args, size_t n);

enum {
	NF_OPTIONAL = 1,     /* select `.?f` / index `[?k]` */
	NF_TEST_ONLY = 2,    /* has(e.f) */
	NF_MEMBER = 4,       /* call with a receiver (args[0]) */
	NF_ROOT = 8,         /* ident with a leading '.' */
	NF_LAZY_OR = 16,     /* optional `or`: evaluate args[1] only if needed */
};

struct cel_node {
	uint8_t kind;
	uint8_t flags;
	uint8_t comp;        /* cel_comp_kind */
	uint32_t pos;        /* byte offset in the source */
	const char *name;    /* ident, field, function, message type */
	size_t name_len;
	cel_node **args;     /* operands / elements / map k,v pairs / fields */
	size_t nargs;
	uint8_t *opt;        /* list/map/struct entries marked `?` */
	cel_val lit;
	cel_fn fn;           /* resolved builtin */
	int slot;            /* N_LOCAL / N_VAR / N_LAZY index */
	/* comprehensions: args = {range, init/arg, body, filter} per kind */
	const char *v1, *v2; /* iteration variable names (NUL-terminated) */
	int s1, s2;          /* their slots */
};

/* Parser (cel_parser.c, cel_lexer.c, cel_macros.c). */
cel_node *cel_parse(kp_arena *a, const char *src, size_t len, bool macros,
		    kp_error *err);
cel_node *cel_node_new(kp_arena *a, cel_node_kind k, uint32_t pos);
/* Rewrites a call into a macro's comprehension when it is one; returns the
 * call unchanged otherwise, NULL with err on a malformed macro. */
cel_node *cel_expand_macro(kp_arena *a, cel_node *call, kp_error *err);

/* ------------------------------------------------------------------------
 * Functions
 * ---------------------------------------------------------------------- */
/* cel_builtin.style bit: a Kyverno library function, found only in an
 * environment with kp_cel_env_kyverno_libs on. */
#define CEL_FN_KYVERNO 4

typedef struct cel_builtin {
	const char *name;
	uint8_t style;       /* 1 global, 2 member, 3 both; | CEL_FN_KYVERNO */
	int8_t min, max;     /* argument counts including the receiver */
	cel_fn fn;
} cel_builtin;

/* NULL-terminated tables, one per library file. */
extern const cel_builtin cel_std_ops[], cel_std_conv[], cel_std_time[],
	cel_std_string[], cel_std_list[], cel_std_math[], cel_std_optional[],
	cel_std_misc[], cel_std_format[], cel_std_regex[],
	cel_lib_quantity[], cel_lib_ip[], cel_lib_semver[], cel_lib_url[],
	cel_lib_format[];
/* Kyverno's pure library functions (cel_lib_kyverno_*.c). */
extern const cel_builtin cel_lib_kyverno_image[], cel_lib_kyverno_user[],
	cel_lib_kyverno_hash[], cel_lib_kyverno_math[], cel_lib_kyverno_time[],
	cel_lib_kyverno_transform[], cel_lib_kyverno_gzip[], cel_lib_kyverno_json[],
	cel_lib_kyverno_x509[], cel_lib_kyverno_random[];
/* A builtin by name, call style and argument count; Kyverno library
 * functions only when `kyverno` (cel_lookup_fn: never). */
const cel_builtin *cel_lookup_fn(const char *name, bool member, size_t nargs);
const cel_builtin *cel_lookup_fn_in(const char *name, bool member, size_t nargs,
				    bool kyverno);

/* The static signature of a library overload for the checker (cel-go's
 * declarations): `args` one letter per argument, the receiver first for
 * a member; `result` one letter.  Letters: s string, b bytes, i int,
 * d double, B bool, t timestamp, u duration, l list(dyn), m map(dyn, dyn),
 * D dyn, I kyverno.image, A user.ServiceAccount. */
typedef struct cel_sig {
	const char *name;
	bool member;
	const char *args;
	char result;
} cel_sig;
/* NULL-terminated signature tables (cel_lib_kyverno_sigs.c). */
extern const cel_sig cel_kyverno_sigs[];
const cel_sig *cel_sig_lookup(const char *name, bool member, size_t nargs);
/* A Kyverno library function (global, by argument count) that kpolicy
 * recognises but reports unsupported. */
bool cel_kyverno_unsupported(const char *name, size_t nargs);
/* Kyverno's host-backed library functions (cel_lib_kyverno_host.c), found
 * only in an env with kyverno_libs; NULL otherwise. */
const cel_builtin *cel_lookup_host_fn(const kp_cel_env *env, const char *name,
				      bool member, size_t nargs);

/* ------------------------------------------------------------------------
 * Evaluation context
 * ---------------------------------------------------------------------- */
/* Per-evaluation state of composited variables (N_LAZY). */
typedef struct cel_lazy { cel_val v; uint8_t state; /* 0 new, 1 busy, 2 done */ } cel_lazy;

struct kp_cel_memo {
	const struct kp_cel_env *env;
	cel_lazy *lazy;          /* env->nlazy entries */
};

/* Hostile-input bounds (Kubernetes bounds CEL by cost instead): steps of
 * comprehensions per evaluation, and the size of one built string, bytes
 * or list. */
#define CEL_MAX_STEPS 10000000
#define CEL_MAX_SIZE (16u << 20)

struct cel_ctx {
	kp_arena *a;
	uint64_t steps;          /* comprehension iterations so far */
	cel_lazy *lazy;          /* env->nlazy entries, or NULL */
	const struct kp_cel_prog *prog;   /* for its compiled literal regexes */
	const cel_val *vars;     /* activation, by env variable index */
	cel_val *locals;         /* comprehension variables, by slot */
	int depth;
	struct kp_regex_scratch *rx;
	const kp_cel_host *host;  /* Kyverno host libraries, or NULL */
};

cel_val cel_eval_node(cel_ctx *c, const cel_node *n);

/* List helpers shared with the string functions of the same names. */
cel_val cel_list_index_of(cel_ctx *c, cel_val *a, bool last);
cel_val cel_list_reverse(cel_ctx *c, cel_val l);
cel_val cel_sort_by(cel_ctx *c, cel_val list, cel_val keys);

/* A regex literal compiled with the program (cel_regex.c). */
typedef struct cel_rx { const char *pat; struct kp_regex *re; } cel_rx;
/* The compiled regex for pattern value `re`: the program's when `re` is
 * one of its literals (*owned false), else compiled now (*owned true: the
 * caller frees it).  NULL with *err_out an error value. */
struct kp_regex *cel_regex_get(cel_ctx *c, cel_val re, bool *owned, cel_val *err_out);
/* Compile the literal patterns of regex functions in the AST. */
int cel_regex_precompile(struct kp_cel_prog *p, kp_arena *a, kp_error *err);

/* Arithmetic helpers with CEL's overflow rules (cel_std_ops.c). */
bool cel_add_overflow_i(int64_t a, int64_t b, int64_t *r);

/* Program and environment layouts (cel_api.c). */
struct kp_cel_env {
	kp_arena *a;
	const char **names;
	size_t n, cap;
	/* composited variables (`variables.<name>`), in declaration order */
	const char **lazy_names;
	const struct kp_cel_prog **lazy_progs;
	size_t nlazy, lazy_cap;
	char container[256];
	bool dfloat;
	bool check;          /* reject undeclared names at compile time */
	bool orvalue_compat; /* Kyverno's orValue shim on non-optionals */
	bool mixed_literals; /* checker: mixed list/map literals are dyn */
	bool kyverno_libs;   /* Kyverno's libraries (ValidatingPolicy family) */
};

struct kp_cel_prog {
	const kp_cel_env *env;
	cel_node *root;
	int nlocals;
	const char *src;
	size_t len;
	const char *type;    /* static result type ("bool", "dyn", ...) */
	const struct cel_ty *sty; /* the same as checked (NULL: not checked) */
	cel_rx *rx;          /* literal regexes (kp_cel_prog_free frees them) */
	size_t nrx;
	/* bit i: env variable i is read, here or by a composited variable
	 * this program uses (bit 63 stands for every index >= 63) */
	uint64_t uses;
};

/* Static types (cel_check.c): NULL with err on what the checker rejects. */
typedef struct cel_ty cel_ty;
const cel_ty *cel_check(const kp_cel_env *env, kp_arena *a, const cel_node *root,
			 bool homogeneous, kp_error *err);
char *cel_ty_name(kp_arena *a, const cel_ty *t);

/* Resolution and light checking (cel_compile.c). */
int cel_resolve(const kp_cel_env *env, kp_arena *a, cel_node *root,
		int *nlocals, kp_error *err);

#endif
