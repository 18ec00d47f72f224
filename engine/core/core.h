/*
 * core/core.h - the lowest layer of libkpolicy (private): arena allocation
 * and the arena-backed string builder.  Everything else builds on it.
 */
#ifndef KP_CORE_H
#define KP_CORE_H

#include "kpolicy.h"

#include <stdarg.h>
#include <stdio.h>

/* ------------------------------------------------------------------------
 * Allocation (oom.c): the out-of-memory policy of kpolicy.h in one place.
 * These never return NULL; on failure they call kp_oom, which does not
 * return.  All heap memory of the library comes from them (or an arena).
 * ---------------------------------------------------------------------- */
_Noreturn void kp_oom(size_t bytes_wanted);
void *kp_xmalloc(size_t n);
void *kp_xcalloc(size_t n, size_t size);
void *kp_xrealloc(void *p, size_t n);
char *kp_xstrdup(const char *s);
/* Grow an array of `size`-byte items so that it holds `want` (capacity in
 * *cap, doubled as needed); returns the (maybe moved) array. */
void *kp_xgrow(void *p, size_t *cap, size_t want, size_t size);

/* ------------------------------------------------------------------------
 * Hashing: 64-bit FNV-1a of n bytes, for the hash indexes of the builder
 * and the pattern engine (inline: it is on the hot path).
 * ---------------------------------------------------------------------- */
static inline uint64_t kp_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* ------------------------------------------------------------------------
 * Numbers in the C locale (cnum.c).  A host program may run under a locale
 * whose decimal separator is a comma; every number the library reads or
 * writes (JSON, YAML, Go formatting, messages) has a dot.  Use these, never
 * strtod / strtof / atof or printf's %e %f %g, for floating-point numbers.
 * Thread-safe.
 * ---------------------------------------------------------------------- */
double kp_strtod_c(const char *s, char **end);
float kp_strtof_c(const char *s, char **end);
int kp_snprintf_c(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kp_vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap);

/* printf without printf for the formats errors and messages mostly use:
 * text with %s, %.*s, %.<digits>s, %zu and %% (arena.c).  Returns the
 * length of the result, or SIZE_MAX when fmt holds any other conversion;
 * writes it (no NUL) to out unless out is NULL.  ap is not consumed. */
size_t kp_format_simple(const char *fmt, va_list ap, char *out);
/* kp_arena_alloc without the zeroing, for callers that write every byte
 * they read (strings, text buffers): no memset per small string. */
void *kp_arena_alloc_raw(kp_arena *a, size_t n);
/* snprintf(dst, n, "%s", s) (n > 0). */
void kp_copy_trunc(char *dst, size_t n, const char *s);
/* kp_errorf (kpolicy.h) with a va_list (error.c). */
int kp_verrorf(kp_error *err, kp_code code, const char *file, unsigned line,
	       unsigned col, const char *fmt, va_list ap);

/* Code point cp (at most 0x10FFFF) as UTF-8 into u[0..3]; returns the
 * length (utf8.c: the one encoder of the JSON parsers, JMESPath, CEL and
 * the regex translation). */
size_t kp_utf8_put(char *u, unsigned cp);

/* ------------------------------------------------------------------------
 * Evaluation context (kpolicy.h): per thread, shared by every evaluator
 * (patterns, JMESPath, CEL), so it lives at the bottom.
 * ---------------------------------------------------------------------- */
/* The evaluators recurse on the C stack: nothing nests deeper than this. */
#define KP_MAX_EVAL_DEPTH 4000
#define KP_DEFAULT_MAX_STEPS ((uint64_t)10000000)
#define KP_DEFAULT_REGEX_MATCH_LIMIT 10000000u
#define KP_DEFAULT_REGEX_DEPTH_LIMIT 10000u

struct kp_regex_scratch;

struct kp_eval_ctx {
	kp_eval_limits limits;     /* defaults filled in */
	kp_arena *scratch;         /* per rule: reset after each rule */
	kp_arena *policy_scratch;  /* per policy and resource (the context
	                              every rule of the policy starts from) */
	uint64_t steps;            /* expression steps taken in this rule */
	/* regular-expression match data, made on first use by regex/ (which
	 * also sets the function that frees it) */
	struct kp_regex_scratch *re;
	void (*re_free)(struct kp_regex_scratch *);
};

/* (arena.c; here so that the per-rule reset below costs no call when the
 * rule took no scratch memory, as most passing rules do) */
struct kp_chunk;
struct kp_arena {
	struct kp_chunk *head;   /* current chunk (most recent first) */
	size_t total;            /* bytes handed out */
};

/* Back to a clean state between rules (scratch memory, step count). */
static inline void kp_eval_ctx_rule_done(kp_eval_ctx *ctx)
{
	if (ctx->scratch->total)
		kp_arena_reset(ctx->scratch);
	ctx->steps = 0;
}

#endif /* KP_CORE_H */
