/* arena.c - bump allocator for per-document, per-policy and per-evaluation
 * memory: many small allocations, one release. */
#include "core/core.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define KP_ARENA_CHUNK (64 * 1024 - 256)

typedef struct kp_chunk {
	struct kp_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
} kp_chunk;

/* One emptied default-size chunk, kept for the next arena: a document's
 * arena is made and released once per resource, and taking the last one's
 * chunk back keeps that memory warm in the cache and spares malloc a
 * 64 KB allocation and free (a free that size makes glibc consolidate its
 * fast bins, which the YAML parser fills).  Shared by all threads; still
 * reachable at exit. */
static _Atomic(kp_chunk *) spare_chunk;

static kp_chunk *chunk_new(size_t size)
{
	kp_chunk *c = size == KP_ARENA_CHUNK ? atomic_exchange(&spare_chunk, NULL) : NULL;
	if (!c)
		c = kp_xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

static void chunk_free(kp_chunk *c)
{
	kp_chunk *none = NULL;
	if (c->size == KP_ARENA_CHUNK && atomic_compare_exchange_strong(&spare_chunk, &none, c))
		return;
	free(c);
}

kp_arena *kp_arena_new(void)
{
	kp_arena *a = kp_xcalloc(1, sizeof(*a));
	return a;
}

void kp_arena_free(kp_arena *a)
{
	if (!a)
		return;
	for (kp_chunk *c = a->head, *n; c; c = n) {
		n = c->next;
		chunk_free(c);
	}
	free(a);
}

void kp_arena_reset(kp_arena *a)
{
	/* nothing handed out since the last reset (most rules of a passing
	 * resource): the chunks are as the last reset left them */
	if (!a || !a->head || !a->total)
		return;
	kp_chunk *keep = a->head;
	/* keep the last (oldest) chunk: it has the default size */
	while (keep->next)
		keep = keep->next;
	for (kp_chunk *c = a->head, *n; c && c != keep; c = n) {
		n = c->next;
		chunk_free(c);
	}
	keep->used = 0;
	a->head = keep;
	a->total = 0;
}

/* n bytes, 16-byte aligned, as they were left. */
static inline void *take(kp_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	kp_chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		if (n > KP_ARENA_CHUNK / 4) {
			/* big block: its own chunk, placed behind the current one
			 * so the current chunk's free space is not wasted */
			kp_chunk *big = chunk_new(n);
			big->used = n;
			if (c) {
				big->next = c->next;
				c->next = big;
			} else {
				a->head = big;
			}
			a->total += n;
			return big->data;
		}
		c = chunk_new(KP_ARENA_CHUNK);
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	a->total += n;
	return p;
}

void *kp_arena_alloc(kp_arena *a, size_t n)
{
	void *p = take(a, n);
	memset(p, 0, n);
	return p;
}

void *kp_arena_alloc_raw(kp_arena *a, size_t n)
{
	return take(a, n);
}

char *kp_arena_strndup(kp_arena *a, const char *s, size_t n)
{
	char *p = kp_arena_alloc_raw(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *kp_arena_strdup(kp_arena *a, const char *s)
{
	return kp_arena_strndup(a, s, strlen(s));
}

/* One conversion of the formats kp_arena_printf writes itself: %s, %.*s,
 * %.<digits>s, %zu and %%.  Returns the bytes it stands for (*s, *len; a
 * number goes to num[]) and advances *f past it, or false for any other
 * conversion (printf does those). */
static bool simple_conv(const char **f, va_list *ap, char *num, const char **s, size_t *len)
{
	const char *p = *f + 1;
	long prec = -1;
	if (*p == '%') {
		*s = "%", *len = 1, *f = p + 1;
		return true;
	}
	if (*p == 'z' && p[1] == 'u') {
		size_t u = va_arg(*ap, size_t), k = 0;
		char d[24];
		do
			d[k++] = (char)('0' + u % 10);
		while ((u /= 10));
		for (size_t i = 0; i < k; i++)
			num[i] = d[k - 1 - i];
		*s = num, *len = k, *f = p + 2;
		return true;
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			prec = va_arg(*ap, int);
			p++;
		} else {
			if (*p < '0' || *p > '9')
				return false;
			for (prec = 0; *p >= '0' && *p <= '9' && prec < 100000000; p++)
				prec = prec * 10 + (*p - '0');
		}
	}
	if (*p != 's')
		return false;
	const char *str = va_arg(*ap, const char *);
	if (!str)   /* glibc's: "(null)", or nothing where a precision cuts it */
		str = prec < 0 || prec >= 6 ? "(null)" : "";
	*s = str;
	*len = prec < 0 ? strlen(str) : strnlen(str, (size_t)prec);
	*f = p + 1;
	return true;
}

size_t kp_format_simple(const char *fmt, va_list ap0, char *out)
{
	va_list ap;
	va_copy(ap, ap0);
	size_t n = 0;
	char num[24];
	for (const char *f = fmt; *f;) {
		const char *lit = strchr(f, '%');
		size_t ll = lit ? (size_t)(lit - f) : strlen(f);
		if (out)
			memcpy(out + n, f, ll);
		n += ll;
		if (!lit)
			break;
		f = lit;
		const char *s;
		size_t sl;
		if (!simple_conv(&f, &ap, num, &s, &sl)) {
			va_end(ap);
			return SIZE_MAX;
		}
		if (out)
			memcpy(out + n, s, sl);
		n += sl;
	}
	va_end(ap);
	return n;
}

char *kp_arena_printf(kp_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* rows' messages and paths: text and strings, without printf's two
	 * passes */
	size_t sn = kp_format_simple(fmt, ap, NULL);
	if (sn != SIZE_MAX) {
		char *p = kp_arena_alloc_raw(a, sn + 1);
		kp_format_simple(fmt, ap, p);
		p[sn] = 0;
		va_end(ap);
		return p;
	}
	va_end(ap);
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = kp_arena_alloc_raw(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t kp_arena_used(const kp_arena *a)
{
	return a ? a->total : 0;
}
