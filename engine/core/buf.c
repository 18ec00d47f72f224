/* buf.c - kp_buf, the one growable text buffer of kpolicy (messages,
 * paths, rendered values, the CLI's output), on the heap or in an arena,
 * and the one JSON string escaper. */
#include "core/core.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void kp_buf_init(kp_buf *b, kp_arena *arena)
{
	*b = (kp_buf){.arena = arena};
}

/* Room for `extra` more bytes and the NUL. */
static void grow(kp_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			kp_oom(SIZE_MAX);
		cap *= 2;
	}
	if (b->arena) {
		char *d = kp_arena_alloc_raw(b->arena, cap);
		if (b->len)
			memcpy(d, b->data, b->len);
		b->data = d;
	} else {
		b->data = kp_xrealloc(b->data, cap);
	}
	b->cap = cap;
}

char *kp_buf_reserve(kp_buf *b, size_t n)
{
	grow(b, n);
	b->data[b->len] = 0;
	return b->data + b->len;
}

void kp_buf_add(kp_buf *b, const char *s, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

void kp_buf_puts(kp_buf *b, const char *s)
{
	kp_buf_add(b, s, strlen(s));
}

void kp_buf_vprintf(kp_buf *b, const char *fmt, va_list ap)
{
	/* format straight into the spare room; only a long result is
	 * formatted a second time after growing */
	grow(b, 64);
	size_t room = b->cap - b->len;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(b->data + b->len, room, fmt, ap);
	if (n > 0 && (size_t)n >= room) {
		grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	if (n > 0)
		b->len += (size_t)n;
	b->data[b->len] = 0;
}

void kp_buf_printf(kp_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* As RFC 8259 requires: `"`, `\` and the control characters below 0x20
 * are escaped (NUL too); everything else, 0x7f and UTF-8 included, is
 * copied as it is, as Go's encoding/json does without HTML escaping. */
void kp_buf_json_str(kp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	static const unsigned char esc[256] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		['"'] = 1, ['\\'] = 1,
	};
	if (!s) {
		kp_buf_add(b, "null", 4);
		return;
	}
	/* the worst case (every byte \u00XX) reserved once: no check per piece */
	char *w = kp_buf_room(b, 6 * n + 2);
	*w++ = '"';
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		const unsigned char *run = p;
		/* 8 bytes at a time while none is below 0x20, '"' or '\\' (a
		 * word that may hold one goes to the byte loop, which decides) */
		for (uint64_t x; end - p >= 8; p += 8) {
			memcpy(&x, p, 8);
			uint64_t q = x ^ 0x2222222222222222u, bs = x ^ 0x5c5c5c5c5c5c5c5cu;
			if ((((x - 0x2020202020202020u) & ~x) | ((q - 0x0101010101010101u) & ~q) |
			     ((bs - 0x0101010101010101u) & ~bs)) & 0x8080808080808080u)
				break;
		}
		while (p < end && !esc[*p])
			p++;
		memcpy(w, run, (size_t)(p - run));
		w += p - run;
		if (p == end)
			break;
		unsigned char c = *p++;
		*w++ = '\\';
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '\n': *w++ = 'n'; break;
		case '\r': *w++ = 'r'; break;
		case '\t': *w++ = 't'; break;
		default:
			memcpy(w, "u00", 3);
			w += 3;
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	*w++ = '"';
	*w = 0;
	b->len = (size_t)(w - b->data);
}

void kp_buf_json_cstr(kp_buf *b, const char *s)
{
	kp_buf_json_str(b, s, s ? strlen(s) : 0);
}

void kp_buf_reset(kp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void kp_buf_free(kp_buf *b)
{
	if (!b->arena)
		free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void kp_buf_flush(kp_buf *b, FILE *f)
{
	if (b->len)
		fwrite(b->data, 1, b->len, f);
	kp_buf_reset(b);
}

const char *kp_buf_str(kp_buf *b)
{
	if (!b->data)
		grow(b, 0), b->data[0] = 0;
	return b->data;
}
