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
	char msg[sizeof err->msg];
	vsnprintf(msg, sizeof msg, fmt, ap);
	kp_errorf(err, code, kp_value_file(at), kp_value_line(at), kp_value_col(at),
		  "%s", msg);
	snprintf(err->path, sizeof err->path, "%s", path ? path : "");
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
		snprintf(err->feature, sizeof err->feature, "%s", feature);
	return -1;
}
