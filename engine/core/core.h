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
 * Arena: a bump allocator.  One per document, per compiled policy, per
 * evaluation; everything in it is released at once by kp_arena_free.
 * ---------------------------------------------------------------------- */
typedef struct kp_arena kp_arena;

kp_arena *kp_arena_new(void);
void kp_arena_free(kp_arena *a);
/* Release everything but keep the first chunk for reuse. */
void kp_arena_reset(kp_arena *a);
/* Zeroed, 16-byte aligned memory; aborts on out-of-memory (as the
 * allocation sizes are bounded by the read limits). */
void *kp_arena_alloc(kp_arena *a, size_t n);
char *kp_arena_strndup(kp_arena *a, const char *s, size_t n);
char *kp_arena_strdup(kp_arena *a, const char *s);
char *kp_arena_printf(kp_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for limits and benchmarks). */
size_t kp_arena_used(const kp_arena *a);

/* ------------------------------------------------------------------------
 * String builder growing in an arena (messages, paths, rendered values).
 * ---------------------------------------------------------------------- */
typedef struct kp_abuf {
	kp_arena *arena;
	char *s;
	size_t len, cap;
} kp_abuf;
void kp_ab_init(kp_abuf *sb, kp_arena *a);
void kp_ab_add(kp_abuf *sb, const char *s, size_t n);
void kp_ab_str(kp_abuf *sb, const char *s);
void kp_ab_printf(kp_abuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KP_CORE_H */
