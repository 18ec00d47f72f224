/* buf.c - kp_buf, the one growable text buffer of kpolicy (messages,
 * paths, rendered values, the CLI's output), on the heap or in an arena,
 * and the one JSON string escaper. */
#include "core/core.h"

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
	if (!s) {
		kp_buf_add(b, "null", 4);
		return;
	}
	grow(b, n + 2);
	kp_buf_add(b, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		kp_buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': kp_buf_add(b, "\\\"", 2); break;
		case '\\': kp_buf_add(b, "\\\\", 2); break;
		case '\n': kp_buf_add(b, "\\n", 2); break;
		case '\r': kp_buf_add(b, "\\r", 2); break;
		case '\t': kp_buf_add(b, "\\t", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			kp_buf_add(b, u, 6);
		}
		}
	}
	kp_buf_add(b, s + run, n - run);
	kp_buf_add(b, "\"", 1);
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
