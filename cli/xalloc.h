/* xalloc.h - allocation for the kpolicy program: it never returns NULL;
 * running out of memory prints "kpolicy: out of memory" and aborts, as
 * libkpolicy's default out-of-memory handler does. */
#ifndef KPC_XALLOC_H
#define KPC_XALLOC_H

#include <stddef.h>

void *kpc_xmalloc(size_t n);
void *kpc_xcalloc(size_t n, size_t size);
void *kpc_xrealloc(void *p, size_t n);
/* Make room in the array p (items of `size` bytes, capacity *cap) for
 * `want` items, doubling; returns the (maybe moved) array. */
void *kpc_xgrow(void *p, size_t *cap, size_t want, size_t size);
char *kpc_xstrdup(const char *s);                /* NULL gives "" */
char *kpc_xstrndup(const char *s, size_t n);
char *kpc_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
