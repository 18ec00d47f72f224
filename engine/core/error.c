/* error.c - filling and formatting kp_error records. */
#include "core/core.h"

#include <string.h>

void kp_copy_trunc(char *dst, size_t n, const char *s)
{
	size_t l = strnlen(s, n - 1);
	memcpy(dst, s, l);
	dst[l] = 0;
}

int kp_verrorf(kp_error *err, kp_code code, const char *file, unsigned line,
	       unsigned col, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->code = code;
	err->line = line;
	err->col = col;
	/* errors are built per row: text copied, not printed, where it can */
	kp_copy_trunc(err->file, sizeof(err->file), file ? file : "");
	err->path[0] = 0;
	err->feature[0] = 0;
	err->expr_line[0] = 0;
	err->expr_col = 0;
	size_t n = kp_format_simple(fmt, ap, NULL);
	if (n < sizeof(err->msg)) {
		kp_format_simple(fmt, ap, err->msg);
		err->msg[n] = 0;
	} else {
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return -1;
}

int kp_errorf(kp_error *err, kp_code code, const char *file, unsigned line,
	      unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_verrorf(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

void kp_error_clear(kp_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

char *kp_error_format(const kp_error *err, char *buf, size_t n)
{
	if (!n)
		return buf;
	buf[0] = 0;
	if (!err)
		return buf;
	size_t off = 0;
#define KP_APPEND(...)                                                        \
	do {                                                                  \
		if (off < n) {                                                \
			int w_ = snprintf(buf + off, n - off, __VA_ARGS__);   \
			if (w_ > 0)                                           \
				off += (size_t)w_;                            \
		}                                                             \
	} while (0)
	if (err->file[0]) {
		KP_APPEND("%s:", err->file);
		if (err->line) {
			KP_APPEND("%u:", err->line);
			if (err->col)
				KP_APPEND("%u:", err->col);
		}
		KP_APPEND(" ");
	}
	KP_APPEND("%s", err->msg);
	if (err->path[0])
		KP_APPEND(" (at %s)", err->path);
	if (err->expr_col) {
		/* as jq shows a compile error: the line, a caret under the column */
		KP_APPEND("\n    %s\n    ", err->expr_line);
		for (unsigned i = 1; i < err->expr_col && off < n; i++)
			KP_APPEND(" ");
		KP_APPEND("^");
	}
#undef KP_APPEND
	return buf;
}
