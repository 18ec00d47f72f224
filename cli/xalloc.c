/* xalloc.c - allocation that fails loudly (xalloc.h). */
#include "xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void out_of_memory(size_t n)
{
	fprintf(stderr, "kpolicy: out of memory (%zu bytes wanted)\n", n);
	abort();
}

static void *checked(void *p, size_t n)
{
	if (!p)
		out_of_memory(n);
	return p;
}

void *kpc_xmalloc(size_t n)
{
	return checked(malloc(n ? n : 1), n);
}

void *kpc_xcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return checked(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *kpc_xrealloc(void *p, size_t n)
{
	return checked(realloc(p, n ? n : 1), n);
}

void *kpc_xgrow(void *p, size_t *cap, size_t want, size_t size)
{
	if (want <= *cap)
		return p;
	size_t c = *cap ? *cap : 16;
	while (c < want)
		c = c > SIZE_MAX / 2 ? want : c * 2;
	if (size && c > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	p = kpc_xrealloc(p, c * size);
	*cap = c;
	return p;
}

char *kpc_xstrdup(const char *s)
{
	return checked(strdup(s ? s : ""), s ? strlen(s) + 1 : 1);
}

char *kpc_xstrndup(const char *s, size_t n)
{
	return checked(strndup(s, n), n + 1);
}

char *kpc_xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory(0);
	return s;
}
