/* cel/cel_std_conv.c - type conversions int() uint() double() string()
 * bytes() bool() dyn() type() timestamp() duration() (cel-go
 * common/types ConvertToType). */
#include "cel/cel_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* Go strconv.ParseInt(s, 10, 64) (sign allowed) or ParseUint (no '-'):
 * decimal digits only, no underscores.  The text in buf (NUL-terminated)
 * is then handed to strtoll/strtoull by the caller. */
static bool decimal_text(const char *s, size_t n, bool sign_ok, char *buf, size_t bn)
{
	if (n == 0 || n >= bn)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	size_t p = (buf[0] == '+' || (sign_ok && buf[0] == '-')) ? 1 : 0;
	if (!buf[p])
		return false;
	for (size_t i = p; i < n; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return false;
	errno = 0;
	return true;
}

static bool parse_i64(const char *s, size_t n, int64_t *out)
{
	char buf[32];
	if (!decimal_text(s, n, true, buf, sizeof buf))
		return false;
	*out = strtoll(buf, NULL, 10);
	return errno == 0;
}

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	char buf[32];
	if (!decimal_text(s, n, false, buf, sizeof buf))
		return false;
	*out = strtoull(buf, NULL, 10);
	return errno == 0;
}

static cel_val to_int(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val v = a[0];
	switch (v.kind) {
	case CEL_INT: return v;
	case CEL_UINT:
		if (v.u.u > INT64_MAX)
			return cel_err(c, "range error converting %llu to int",
				       (unsigned long long)v.u.u);
		return cel_int((int64_t)v.u.u);
	case CEL_DOUBLE:
		/* cel-go: only values strictly inside (MinInt64, MaxInt64) */
		if (!(v.u.d > -9223372036854775808.0 && v.u.d < 9223372036854775808.0) ||
		    v.u.d <= -9223372036854775808.0)
			return cel_err(c, "range error converting %g to int", v.u.d);
		return cel_int((int64_t)v.u.d);
	case CEL_STRING: {
		int64_t r;
		if (!parse_i64(v.u.s.p, v.u.s.n, &r))
			return cel_err(c, "type conversion error from 'string' to 'int'");
		return cel_int(r);
	}
	case CEL_TIMESTAMP: return cel_int(v.u.i);
	case CEL_DURATION: return cel_int(v.u.i);
	default: return cel_no_overload(c, "int");
	}
}

static cel_val to_uint(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val v = a[0];
	switch (v.kind) {
	case CEL_UINT: return v;
	case CEL_INT:
		if (v.u.i < 0)
			return cel_err(c, "range error converting %lld to uint", (long long)v.u.i);
		return cel_uint((uint64_t)v.u.i);
	case CEL_DOUBLE:
		if (!(v.u.d > -1.0 && v.u.d < 18446744073709551616.0))
			return cel_err(c, "range error converting %g to uint", v.u.d);
		return cel_uint((uint64_t)v.u.d);
	case CEL_STRING: {
		uint64_t r;
		if (!parse_u64(v.u.s.p, v.u.s.n, &r))
			return cel_err(c, "type conversion error from 'string' to 'uint'");
		return cel_uint(r);
	}
	default: return cel_no_overload(c, "uint");
	}
}

/* Go strconv.ParseFloat(s, 64): decimal and special forms. */
static bool parse_double(const char *s, size_t n, double *out)
{
	char buf[128];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	const char *p = buf + ((buf[0] == '+' || buf[0] == '-') ? 1 : 0);
	if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity") || !strcasecmp(p, "nan")) {
		*out = kp_strtod_c(buf, NULL);
		return true;
	}
	for (const char *q = p; *q; q++)
		if (!strchr("0123456789.eE+-_xXpPabcdefABCDEF", *q))
			return false;
	char *end;
	errno = 0;
	double d = kp_strtod_c(buf, &end);
	if (*end || end == buf)
		return false;
	if (errno == ERANGE && isinf(d))
		return false;
	*out = d;
	return true;
}

static cel_val to_double(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val v = a[0];
	switch (v.kind) {
	case CEL_DOUBLE: return v;
	case CEL_INT: return cel_double((double)v.u.i);
	case CEL_UINT: return cel_double((double)v.u.u);
	case CEL_STRING: {
		double d;
		if (!parse_double(v.u.s.p, v.u.s.n, &d))
			return cel_err(c, "type conversion error from 'string' to 'double'");
		return cel_double(d);
	}
	default: return cel_no_overload(c, "double");
	}
}

static cel_val to_string(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	switch (a[0].kind) {
	case CEL_LIST: case CEL_MAP: case CEL_OPTIONAL: case CEL_NULL: case CEL_TYPE:
		return cel_no_overload(c, "string");
	default:
		return cel_to_string(c, a[0]);
	}
}

static cel_val to_bytes(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_BYTES)
		return a[0];
	if (a[0].kind == CEL_STRING)
		return cel_strn(CEL_BYTES, a[0].u.s.p, a[0].u.s.n);
	return cel_no_overload(c, "bytes");
}

static cel_val to_bool(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_BOOL)
		return a[0];
	if (a[0].kind == CEL_STRING) {
		static const char *const t[] = {"1", "t", "true", "TRUE", "True", NULL};
		static const char *const f[] = {"0", "f", "false", "FALSE", "False", NULL};
		for (int i = 0; t[i]; i++) {
			if (strlen(t[i]) == a[0].u.s.n && !memcmp(t[i], a[0].u.s.p, a[0].u.s.n))
				return cel_bool(true);
			if (strlen(f[i]) == a[0].u.s.n && !memcmp(f[i], a[0].u.s.p, a[0].u.s.n))
				return cel_bool(false);
		}
		return cel_err(c, "type conversion error from 'string' to 'bool'");
	}
	return cel_no_overload(c, "bool");
}

static cel_val to_dyn(cel_ctx *c, cel_val *a, size_t n)
{
	(void)c; (void)n;
	return a[0];
}

static cel_val to_type(cel_ctx *c, cel_val *a, size_t n)
{
	(void)c; (void)n;
	return cel_type(cel_type_name(a[0]));
}

static cel_val to_timestamp(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_TIMESTAMP)
		return a[0];
	if (a[0].kind == CEL_STRING)
		return cel_parse_timestamp(c, a[0].u.s.p, a[0].u.s.n);
	if (a[0].kind == CEL_INT)
		return cel_timestamp(c, a[0].u.i, 0);
	return cel_no_overload(c, "timestamp");
}

static cel_val to_duration(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_DURATION)
		return a[0];
	if (a[0].kind == CEL_STRING)
		return cel_parse_duration(c, a[0].u.s.p, a[0].u.s.n);
	if (a[0].kind == CEL_INT)
		return cel_duration(c, a[0].u.i);
	return cel_no_overload(c, "duration");
}

const cel_builtin cel_std_conv[] = {
	{"int", 1, 1, 1, to_int},
	{"uint", 1, 1, 1, to_uint},
	{"double", 1, 1, 1, to_double},
	{"string", 1, 1, 1, to_string},
	{"bytes", 1, 1, 1, to_bytes},
	{"bool", 1, 1, 1, to_bool},
	{"dyn", 1, 1, 1, to_dyn},
	{"type", 1, 1, 1, to_type},
	{"timestamp", 1, 1, 1, to_timestamp},
	{"duration", 1, 1, 1, to_duration},
	{NULL, 0, 0, 0, NULL}
};
