/* strbuf.h - a growable byte buffer for building output text. */
#ifndef KP_CLI_STRBUF_H
#define KP_CLI_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct kp_strbuf {
	char *data;   /* NUL-terminated; NULL until the first append */
	size_t len, cap;
} kp_strbuf;

void kp_sb_append(kp_strbuf *sb, const char *s, size_t n);
void kp_sb_puts(kp_strbuf *sb, const char *s);
void kp_sb_printf(kp_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s (n bytes) as a JSON string literal, quotes included. NULL -> null. */
void kp_sb_json_str(kp_strbuf *sb, const char *s, size_t n);
void kp_sb_json_cstr(kp_strbuf *sb, const char *s);
void kp_sb_reset(kp_strbuf *sb);   /* empty, keep capacity */
void kp_sb_free(kp_strbuf *sb);
/* Write the contents to f and reset. */
void kp_sb_flush(kp_strbuf *sb, FILE *f);

#endif
