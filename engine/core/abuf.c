/* abuf.c - a string builder growing in an arena (messages, paths,
 * rendered values).  Arena memory: nothing to free. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

void kp_ab_init(kp_abuf *sb, kp_arena *a)
{
	sb->arena = a;
	sb->cap = 64;
	sb->s = kp_arena_alloc(a, sb->cap);
	sb->len = 0;
}

void kp_ab_add(kp_abuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap * 2;
		while (cap < sb->len + n + 1)
			cap *= 2;
		char *ns = kp_arena_alloc(sb->arena, cap);
		memcpy(ns, sb->s, sb->len);
		sb->s = ns;
		sb->cap = cap;
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = 0;
}

void kp_ab_str(kp_abuf *sb, const char *s)
{
	kp_ab_add(sb, s, strlen(s));
}

void kp_ab_printf(kp_abuf *sb, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof buf) {
		kp_ab_add(sb, buf, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big)
		return;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	kp_ab_add(sb, big, (size_t)n);
	free(big);
}
