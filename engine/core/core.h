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

#endif /* KP_CORE_H */
