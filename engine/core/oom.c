/* oom.c - the library's one out-of-memory policy (kpolicy.h, "Memory"):
 * every allocation goes through these wrappers, and a failure calls the
 * handler, which does not return. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static void default_oom(size_t bytes)
{
	(void)bytes;
	fputs("kpolicy: out of memory\n", stderr);
	abort();
}

static kp_oom_handler oom_handler = default_oom;

void kp_set_oom_handler(kp_oom_handler h)
{
	oom_handler = h ? h : default_oom;
}

_Noreturn void kp_oom(size_t bytes)
{
	oom_handler(bytes);
	abort(); /* a handler that returns */
}

void *kp_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		kp_oom(n);
	return p;
}

void *kp_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		kp_oom(n * size);
	return p;
}

void *kp_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		kp_oom(n);
	return q;
}

/* Grows an array of `size`-byte items to hold at least `want`, doubling. */
void *kp_xgrow(void *p, size_t *cap, size_t want, size_t size)
{
	if (want <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < want)
		c *= 2;
	if (c > SIZE_MAX / size)
		kp_oom(SIZE_MAX);
	p = kp_xrealloc(p, c * size);
	*cap = c;
	return p;
}

char *kp_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(kp_xmalloc(n), s, n);
}
