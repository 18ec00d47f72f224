/* error_at.c - the one way to report a problem at a node of a document:
 * its file:line:col and its path in the document. */
#include "value/value.h"

#include <stdio.h>
#include <string.h>

int kp_error_vat(kp_error *err, kp_code code, const kp_value *at,
		 const char *path, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	kp_verrorf(err, code, kp_value_file(at), kp_value_line(at), kp_value_col(at), fmt, ap);
	kp_copy_trunc(err->path, sizeof err->path, path ? path : "");
	return -1;
}

int kp_error_at(kp_error *err, kp_code code, const kp_value *at,
		const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_error_vat(err, code, at, path, fmt, ap);
	va_end(ap);
	return -1;
}

int kp_error_unsupported(kp_error *err, const kp_value *at, const char *path,
			 const char *feature)
{
	kp_error_at(err, KP_E_UNSUPPORTED, at, path, "unsupported: %s", feature);
	if (err)
		kp_copy_trunc(err->feature, sizeof err->feature, feature);
	return -1;
}

/* Code points in s[0..n) (an invalid byte counts as one). */
static unsigned code_points(const char *s, size_t n)
{
	unsigned cp = 0;
	for (size_t i = 0; i < n; i++)
		cp += ((unsigned char)s[i] & 0xC0) != 0x80;
	return cp;
}

int kp_error_in_expr(kp_error *err, kp_code code, const kp_value *scalar,
		     size_t offset, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_error_vat(err, code, scalar, path, fmt, ap);
	va_end(ap);
	if (!err || kp_value_type(scalar) != KP_STRING)
		return -1;
	const char *text = scalar->u.s.ptr;
	size_t len = scalar->u.s.len;
	if (offset > len)
		offset = len;
	/* the expression's line holding the offset */
	size_t start = offset, end = offset;
	unsigned breaks = 0;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	while (end < len && text[end] != '\n')
		end++;
	for (size_t i = 0; i < start; i++)
		breaks += text[i] == '\n';
	size_t shown = end - start < sizeof err->expr_line ? end - start : sizeof err->expr_line - 1;
	memcpy(err->expr_line, text + start, shown);
	err->expr_line[shown] = 0;
	unsigned in_line = code_points(text + start, offset - start);
	err->expr_col = in_line + 1;
	if (!scalar->line)
		return -1;
	switch (scalar->style) {
	case KP_STYLE_LITERAL:
	case KP_STYLE_FOLDED:
		/* content starts on the line after the `|` / `>` header */
		err->line = scalar->line + 1 + breaks;
		err->col = scalar->block_indent + in_line + 1;
		break;
	case KP_STYLE_SINGLE:
	case KP_STYLE_DOUBLE:
		err->col = scalar->col + 1 + code_points(text, offset);  /* past the quote */
		break;
	default:
		err->col = scalar->col + code_points(text, offset);
		break;
	}
	return -1;
}
