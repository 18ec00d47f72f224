/* cel/cel_std_math.c - cel-go's math extension (ext/math.go):
 * greatest/least over mixed numbers, ceil floor round trunc, abs sign,
 * isInf isNaN isFinite, sqrt, bit operations. */
#include "cel/cel_int.h"

#include <math.h>

static bool num(cel_val v)
{
	return v.kind == CEL_INT || v.kind == CEL_UINT || v.kind == CEL_DOUBLE;
}

static cel_val extreme(cel_ctx *c, cel_val *a, size_t n, bool greatest,
		       const char *fn)
{
	cel_val *items = a;
	size_t cnt = n;
	cel_val list = {.kind = CEL_NULL};
	if (n == 1 && a[0].kind == CEL_LIST) {
		list = a[0];
		cnt = cel_list_len(list);
		if (!cnt)
			return cel_err(c, "%s(list) argument must not be empty", fn);
		items = NULL;
	}
	cel_val best = items ? items[0] : cel_list_at(list, 0);
	if (!num(best))
		return cel_no_overload(c, fn);
	for (size_t i = 1; i < cnt; i++) {
		cel_val v = items ? items[i] : cel_list_at(list, i);
		if (!num(v))
			return cel_no_overload(c, fn);
		int r = cel_compare(v, best);
		if ((greatest && r == 1) || (!greatest && r == -1))
			best = v;
	}
	return best;
}

static cel_val fn_greatest(cel_ctx *c, cel_val *a, size_t n) { return extreme(c, a, n, true, "math.greatest"); }
static cel_val fn_least(cel_ctx *c, cel_val *a, size_t n) { return extreme(c, a, n, false, "math.least"); }

#define DBL_FN(name, expr) \
	static cel_val fn_##name(cel_ctx *c, cel_val *a, size_t n) \
	{ \
		(void)n; \
		if (a[0].kind != CEL_DOUBLE) \
			return cel_no_overload(c, "math." #name); \
		double x = a[0].u.d; \
		return expr; \
	}

DBL_FN(ceil, cel_double(ceil(x)))
DBL_FN(floor, cel_double(floor(x)))
DBL_FN(round, cel_double(round(x)))
DBL_FN(trunc, cel_double(trunc(x)))
DBL_FN(isInf, cel_bool(isinf(x)))
DBL_FN(isNaN, cel_bool(isnan(x)))
DBL_FN(isFinite, cel_bool(isfinite(x)))

static cel_val fn_sqrt(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	switch (a[0].kind) {
	case CEL_DOUBLE: return cel_double(sqrt(a[0].u.d));
	case CEL_INT: return cel_double(sqrt((double)a[0].u.i));
	case CEL_UINT: return cel_double(sqrt((double)a[0].u.u));
	default: return cel_no_overload(c, "math.sqrt");
	}
}

static cel_val fn_abs(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	switch (a[0].kind) {
	case CEL_DOUBLE: return cel_double(fabs(a[0].u.d));
	case CEL_UINT: return a[0];
	case CEL_INT:
		if (a[0].u.i == INT64_MIN)
			return cel_err(c, "integer overflow");
		return cel_int(a[0].u.i < 0 ? -a[0].u.i : a[0].u.i);
	default: return cel_no_overload(c, "math.abs");
	}
}

static cel_val fn_sign(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	switch (a[0].kind) {
	case CEL_DOUBLE: {
		double x = a[0].u.d;
		if (isnan(x) || x == 0)
			return cel_double(x);
		return cel_double(x > 0 ? 1.0 : -1.0);
	}
	case CEL_UINT: return cel_uint(a[0].u.u ? 1 : 0);
	case CEL_INT: return cel_int(a[0].u.i > 0 ? 1 : a[0].u.i < 0 ? -1 : 0);
	default: return cel_no_overload(c, "math.sign");
	}
}

typedef enum bitop { B_AND, B_OR, B_XOR } bitop;

static cel_val bits(cel_ctx *c, cel_val *a, bitop op, const char *fn)
{
	if (a[0].kind != a[1].kind || (a[0].kind != CEL_INT && a[0].kind != CEL_UINT))
		return cel_no_overload(c, fn);
	uint64_t x = a[0].u.u, y = a[1].u.u, r;
	r = op == B_AND ? (x & y) : op == B_OR ? (x | y) : (x ^ y);
	cel_val v = a[0];
	v.u.u = r;
	return v;
}

static cel_val fn_bit_and(cel_ctx *c, cel_val *a, size_t n) { (void)n; return bits(c, a, B_AND, "math.bitAnd"); }
static cel_val fn_bit_or(cel_ctx *c, cel_val *a, size_t n) { (void)n; return bits(c, a, B_OR, "math.bitOr"); }
static cel_val fn_bit_xor(cel_ctx *c, cel_val *a, size_t n) { (void)n; return bits(c, a, B_XOR, "math.bitXor"); }

static cel_val fn_bit_not(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_INT && a[0].kind != CEL_UINT)
		return cel_no_overload(c, "math.bitNot");
	cel_val v = a[0];
	v.u.u = ~v.u.u;
	return v;
}

static cel_val shift(cel_ctx *c, cel_val *a, bool left, const char *fn)
{
	if ((a[0].kind != CEL_INT && a[0].kind != CEL_UINT) || a[1].kind != CEL_INT)
		return cel_no_overload(c, fn);
	if (a[1].u.i < 0)
		return cel_err(c, "%s() negative offset: %lld", fn, (long long)a[1].u.i);
	int64_t s = a[1].u.i;
	cel_val v = a[0];
	if (s >= 64) {
		v.u.u = 0;
		return v;
	}
	if (left)
		v.u.u = v.u.u << s;
	else
		v.u.u = v.u.u >> s;   /* logical shift, for int too (cel-go) */
	return v;
}

static cel_val fn_shl(cel_ctx *c, cel_val *a, size_t n) { (void)n; return shift(c, a, true, "math.bitShiftLeft"); }
static cel_val fn_shr(cel_ctx *c, cel_val *a, size_t n) { (void)n; return shift(c, a, false, "math.bitShiftRight"); }

const cel_builtin cel_std_math[] = {
	{"math.greatest", 1, 1, 127, fn_greatest},
	{"math.least", 1, 1, 127, fn_least},
	{"math.ceil", 1, 1, 1, fn_ceil},
	{"math.floor", 1, 1, 1, fn_floor},
	{"math.round", 1, 1, 1, fn_round},
	{"math.trunc", 1, 1, 1, fn_trunc},
	{"math.isInf", 1, 1, 1, fn_isInf},
	{"math.isNaN", 1, 1, 1, fn_isNaN},
	{"math.isFinite", 1, 1, 1, fn_isFinite},
	{"math.sqrt", 1, 1, 1, fn_sqrt},
	{"math.abs", 1, 1, 1, fn_abs},
	{"math.sign", 1, 1, 1, fn_sign},
	{"math.bitAnd", 1, 2, 2, fn_bit_and},
	{"math.bitOr", 1, 2, 2, fn_bit_or},
	{"math.bitXor", 1, 2, 2, fn_bit_xor},
	{"math.bitNot", 1, 1, 1, fn_bit_not},
	{"math.bitShiftLeft", 1, 2, 2, fn_shl},
	{"math.bitShiftRight", 1, 2, 2, fn_shr},
	{NULL, 0, 0, 0, NULL}
};
