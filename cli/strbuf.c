/* strbuf.c - growable output buffer and JSON string escaping. */
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static void grow(kp_strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->data = realloc(sb->data, cap);
	if (!sb->data) {
		fputs("kpolicy: out of memory\n", stderr);
		abort();
	}
	sb->cap = cap;
}

void kp_sb_append(kp_strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = 0;
}

void kp_sb_puts(kp_strbuf *sb, const char *s) { kp_sb_append(sb, s, strlen(s)); }

void kp_sb_printf(kp_strbuf *sb, const char *fmt, ...)
{
	/* format straight into the spare room; only a long result is
	 * formatted a second time after growing */
	grow(sb, 64);
	size_t room = sb->cap - sb->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sb->data + sb->len, room, fmt, ap);
	va_end(ap);
	if (n <= 0) {
		sb->data[sb->len] = 0;
		return;
	}
	if ((size_t)n >= room) {
		grow(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

void kp_sb_json_str(kp_strbuf *sb, const char *s, size_t n)
{
	if (!s) {
		kp_sb_puts(sb, "null");
		return;
	}
	grow(sb, n + 2);
	kp_sb_append(sb, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		kp_sb_append(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': kp_sb_puts(sb, "\\\""); break;
		case '\\': kp_sb_puts(sb, "\\\\"); break;
		case '\n': kp_sb_puts(sb, "\\n"); break;
		case '\r': kp_sb_puts(sb, "\\r"); break;
		case '\t': kp_sb_puts(sb, "\\t"); break;
		default: kp_sb_printf(sb, "\\u%04x", c); break;
		}
	}
	kp_sb_append(sb, s + run, n - run);
	kp_sb_append(sb, "\"", 1);
}

void kp_sb_json_cstr(kp_strbuf *sb, const char *s)
{
	kp_sb_json_str(sb, s, s ? strlen(s) : 0);
}

void kp_sb_reset(kp_strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = 0;
}

void kp_sb_free(kp_strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}

void kp_sb_flush(kp_strbuf *sb, FILE *f)
{
	if (sb->len)
		fwrite(sb->data, 1, sb->len, f);
	kp_sb_reset(sb);
}
