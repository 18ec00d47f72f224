/* cel/cel_std_ops.c - operators: arithmetic with CEL's overflow errors,
 * comparison across numeric types (cel.CrossTypeNumericComparisons),
 * equality, indexing, `in`, `!`, unary minus, size (cel-spec langdef
 * "Standard Definitions"; cel-go common/types). */
#include "cel/cel_int.h"

#include <math.h>

#define NS_PER_S 1000000000LL

bool cel_add_overflow_i(int64_t a, int64_t b, int64_t *r)
{
	return __builtin_add_overflow(a, b, r);
}

static cel_val ts_add(cel_ctx *c, cel_val ts, int64_t ns)
{
	int64_t sec = ts.u.i + ns / NS_PER_S;
	int64_t nsec = ts.nsec + ns % NS_PER_S;
	if (nsec >= NS_PER_S) {
		nsec -= NS_PER_S;
		sec++;
	} else if (nsec < 0) {
		nsec += NS_PER_S;
		sec--;
	}
	return cel_timestamp(c, sec, (int32_t)nsec);
}

static cel_val concat_list(cel_ctx *c, cel_val a, cel_val b)
{
	size_t na = cel_list_len(a), nb = cel_list_len(b);
	if (na + nb > CEL_MAX_SIZE / sizeof(cel_val))
		return cel_err(c, "list of %zu elements exceeds the size limit", na + nb);
	if (!na)
		return b;
	if (!nb)
		return a;
	cel_val r = cel_list_new(c, na + nb);
	cel_val *it = ((cel_list *)r.u.l)->items;
	for (size_t i = 0; i < na; i++)
		it[i] = cel_list_at(a, i);
	for (size_t i = 0; i < nb; i++)
		it[na + i] = cel_list_at(b, i);
	return r;
}

typedef enum arith { A_ADD, A_SUB, A_MUL } arith;

/* +, -, * on two ints, uints or durations (int64 nanoseconds), with
 * CEL's overflow errors. */
static cel_val int_arith(cel_ctx *c, cel_val x, cel_val y, arith op)
{
	bool ovf;
	cel_val r = x;
	if (x.kind == CEL_UINT) {
		ovf = op == A_ADD ? __builtin_add_overflow(x.u.u, y.u.u, &r.u.u)
		    : op == A_SUB ? __builtin_sub_overflow(x.u.u, y.u.u, &r.u.u)
				  : __builtin_mul_overflow(x.u.u, y.u.u, &r.u.u);
		return ovf ? cel_err(c, "unsigned integer overflow") : r;
	}
	ovf = op == A_ADD ? __builtin_add_overflow(x.u.i, y.u.i, &r.u.i)
	    : op == A_SUB ? __builtin_sub_overflow(x.u.i, y.u.i, &r.u.i)
			  : __builtin_mul_overflow(x.u.i, y.u.i, &r.u.i);
	return ovf ? cel_err(c, "integer overflow") : r;
}

static bool integral(cel_val x, cel_val y, bool durations)
{
	return x.kind == y.kind && (x.kind == CEL_INT || x.kind == CEL_UINT ||
				    (durations && x.kind == CEL_DURATION));
}

static cel_val op_add(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0], y = a[1];
	if (integral(x, y, true))
		return int_arith(c, x, y, A_ADD);
	if (x.kind == y.kind) {
		switch (x.kind) {
		case CEL_DOUBLE: return cel_double(x.u.d + y.u.d);
		case CEL_STRING: case CEL_BYTES: {
			size_t len = x.u.s.n + y.u.s.n;
			if (len > CEL_MAX_SIZE)
				return cel_err(c, "%s of %zu bytes exceeds the size limit",
					       cel_type_name(x), len);
			char *p = kp_arena_alloc(c->a, len + 1);
			memcpy(p, x.u.s.p, x.u.s.n);
			memcpy(p + x.u.s.n, y.u.s.p, y.u.s.n);
			return cel_strn((cel_kind)x.kind, p, len);
		}
		case CEL_LIST: return concat_list(c, x, y);
		default: break;
		}
	}
	if (x.kind == CEL_TIMESTAMP && y.kind == CEL_DURATION)
		return ts_add(c, x, y.u.i);
	if (x.kind == CEL_DURATION && y.kind == CEL_TIMESTAMP)
		return ts_add(c, y, x.u.i);
	return cel_no_overload(c, "_+_");
}

static cel_val op_sub(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0], y = a[1];
	if (integral(x, y, true))
		return int_arith(c, x, y, A_SUB);
	if (x.kind == y.kind && x.kind == CEL_DOUBLE)
		return cel_double(x.u.d - y.u.d);
	if (x.kind == y.kind && x.kind == CEL_TIMESTAMP) {
		/* the difference must fit a Go time.Duration */
		int64_t ds = x.u.i - y.u.i, r;
		if (__builtin_mul_overflow(ds, NS_PER_S, &r) ||
		    __builtin_add_overflow(r, (int64_t)x.nsec - y.nsec, &r))
			return cel_err(c, "integer overflow");
		return cel_duration(c, r);
	}
	if (x.kind == CEL_TIMESTAMP && y.kind == CEL_DURATION) {
		if (y.u.i == INT64_MIN)
			return cel_err(c, "integer overflow");
		return ts_add(c, x, -y.u.i);
	}
	return cel_no_overload(c, "_-_");
}

static cel_val op_mul(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0], y = a[1];
	if (integral(x, y, false))
		return int_arith(c, x, y, A_MUL);
	if (x.kind == y.kind && x.kind == CEL_DOUBLE)
		return cel_double(x.u.d * y.u.d);
	return cel_no_overload(c, "_*_");
}

static cel_val op_div(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0], y = a[1];
	if (x.kind == y.kind) {
		if (x.kind == CEL_INT) {
			if (y.u.i == 0)
				return cel_err(c, "division by zero");
			if (x.u.i == INT64_MIN && y.u.i == -1)
				return cel_err(c, "integer overflow");
			return cel_int(x.u.i / y.u.i);
		}
		if (x.kind == CEL_UINT) {
			if (y.u.u == 0)
				return cel_err(c, "division by zero");
			return cel_uint(x.u.u / y.u.u);
		}
		if (x.kind == CEL_DOUBLE)
			return cel_double(x.u.d / y.u.d);
	}
	return cel_no_overload(c, "_/_");
}

static cel_val op_mod(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0], y = a[1];
	if (x.kind == y.kind) {
		if (x.kind == CEL_INT) {
			if (y.u.i == 0)
				return cel_err(c, "modulus by zero");
			if (x.u.i == INT64_MIN && y.u.i == -1)
				return cel_err(c, "integer overflow");
			return cel_int(x.u.i % y.u.i);
		}
		if (x.kind == CEL_UINT) {
			if (y.u.u == 0)
				return cel_err(c, "modulus by zero");
			return cel_uint(x.u.u % y.u.u);
		}
	}
	return cel_no_overload(c, "_%_");
}

static cel_val op_neg(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_INT) {
		if (a[0].u.i == INT64_MIN)
			return cel_err(c, "integer overflow");
		return cel_int(-a[0].u.i);
	}
	if (a[0].kind == CEL_DOUBLE)
		return cel_double(-a[0].u.d);
	if (a[0].kind == CEL_DURATION) {
		if (a[0].u.i == INT64_MIN)
			return cel_err(c, "integer overflow");
		return cel_duration(c, -a[0].u.i);
	}
	return cel_no_overload(c, "-_");
}

static cel_val op_not(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_BOOL)
		return cel_bool(!a[0].u.b);
	return cel_no_overload(c, "!_");
}

static cel_val op_eq(cel_ctx *c, cel_val *a, size_t n)
{
	(void)c; (void)n;
	return cel_bool(cel_equal(a[0], a[1]));
}

static cel_val op_ne(cel_ctx *c, cel_val *a, size_t n)
{
	(void)c; (void)n;
	return cel_bool(!cel_equal(a[0], a[1]));
}

static cel_val cmp(cel_ctx *c, cel_val *a, const char *fn, int lo, int hi)
{
	int r = cel_compare(a[0], a[1]);
	if (r == -2)
		return cel_no_overload(c, fn);
	if (r == 2)
		return cel_bool(false);
	return cel_bool(r >= lo && r <= hi);
}

static cel_val op_lt(cel_ctx *c, cel_val *a, size_t n) { (void)n; return cmp(c, a, "_<_", -1, -1); }
static cel_val op_le(cel_ctx *c, cel_val *a, size_t n) { (void)n; return cmp(c, a, "_<=_", -1, 0); }
static cel_val op_gt(cel_ctx *c, cel_val *a, size_t n) { (void)n; return cmp(c, a, "_>_", 1, 1); }
static cel_val op_ge(cel_ctx *c, cel_val *a, size_t n) { (void)n; return cmp(c, a, "_>=_", 0, 1); }

/* List index from int, uint or a whole double (cel-go IndexOrError). */
static bool list_index(cel_val i, int64_t *out)
{
	if (i.kind == CEL_INT) {
		*out = i.u.i;
		return true;
	}
	if (i.kind == CEL_UINT) {
		*out = i.u.u > INT64_MAX ? -1 : (int64_t)i.u.u;
		return true;
	}
	if (i.kind == CEL_DOUBLE && i.u.d == trunc(i.u.d) &&
	    fabs(i.u.d) < 9.2e18) {
		*out = (int64_t)i.u.d;
		return true;
	}
	return false;
}

static cel_val index_value(cel_ctx *c, cel_val x, cel_val i, bool opt)
{
	if (x.kind == CEL_LIST) {
		int64_t k;
		if (!list_index(i, &k))
			return cel_err(c, "unsupported index type '%s' in list",
				       cel_type_name(i));
		size_t len = cel_list_len(x);
		if (k < 0 || (uint64_t)k >= len) {
			if (opt)
				return cel_optional(c, NULL);
			return cel_err(c, "index out of range: %lld", (long long)k);
		}
		cel_val v = cel_list_at(x, (size_t)k);
		return opt ? cel_optional(c, &v) : v;
	}
	if (x.kind == CEL_MAP) {
		cel_val v;
		if (cel_map_find(x, i, &v))
			return opt ? cel_optional(c, &v) : v;
		if (opt)
			return cel_optional(c, NULL);
		if (i.kind != CEL_STRING && i.kind != CEL_INT && i.kind != CEL_UINT &&
		    i.kind != CEL_BOOL && i.kind != CEL_DOUBLE)
			return cel_err(c, "unsupported key type");
		cel_ctx tmp = *c;
		char *r = cel_val_repr(tmp.a, i);
		if (i.kind == CEL_STRING)
			return cel_err(c, "no such key: %.*s", (int)i.u.s.n, i.u.s.p);
		return cel_err(c, "no such key: %s", r);
	}
	return cel_no_overload(c, "_[_]");
}

static cel_val op_index(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_OPTIONAL) {
		if (!a[0].u.opt)
			return a[0];
		return index_value(c, *a[0].u.opt, a[1], true);
	}
	return index_value(c, a[0], a[1], false);
}

static cel_val op_opt_index(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0];
	if (x.kind == CEL_OPTIONAL) {
		if (!x.u.opt)
			return x;
		x = *x.u.opt;
	}
	if (x.kind != CEL_LIST && x.kind != CEL_MAP)
		return cel_no_overload(c, "_[?_]");
	return index_value(c, x, a[1], true);
}

static cel_val op_in(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	cel_val x = a[0], y = a[1];
	if (y.kind == CEL_LIST) {
		size_t len = cel_list_len(y);
		for (size_t i = 0; i < len; i++)
			if (cel_equal(x, cel_list_at(y, i)))
				return cel_bool(true);
		return cel_bool(false);
	}
	if (y.kind == CEL_MAP) {
		cel_val v;
		return cel_bool(cel_map_find(y, x, &v));
	}
	return cel_no_overload(c, "@in");
}

static cel_val fn_size(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	switch (a[0].kind) {
	case CEL_STRING: return cel_int((int64_t)cel_utf8_len(a[0].u.s.p, a[0].u.s.n));
	case CEL_BYTES: return cel_int((int64_t)a[0].u.s.n);
	case CEL_LIST: return cel_int((int64_t)cel_list_len(a[0]));
	case CEL_MAP: return cel_int((int64_t)cel_map_len(a[0]));
	default: return cel_no_overload(c, "size");
	}
}

/* cel-go's internal helper of the all/exists expansions, also callable. */
static cel_val fn_not_strictly_false(cel_ctx *c, cel_val *a, size_t n)
{
	(void)c; (void)n;
	return cel_bool(!(a[0].kind == CEL_BOOL && !a[0].u.b));
}

const cel_builtin cel_std_ops[] = {
	{"_+_", 1, 2, 2, op_add},
	{"_-_", 1, 2, 2, op_sub},
	{"_*_", 1, 2, 2, op_mul},
	{"_/_", 1, 2, 2, op_div},
	{"_%_", 1, 2, 2, op_mod},
	{"-_", 1, 1, 1, op_neg},
	{"!_", 1, 1, 1, op_not},
	{"_==_", 1, 2, 2, op_eq},
	{"_!=_", 1, 2, 2, op_ne},
	{"_<_", 1, 2, 2, op_lt},
	{"_<=_", 1, 2, 2, op_le},
	{"_>_", 1, 2, 2, op_gt},
	{"_>=_", 1, 2, 2, op_ge},
	{"_[_]", 1, 2, 2, op_index},
	{"_[?_]", 1, 2, 2, op_opt_index},
	{"@in", 1, 2, 2, op_in},
	{"size", 3, 1, 1, fn_size},
	{"@not_strictly_false", 1, 1, 1, fn_not_strictly_false},
	{NULL, 0, 0, 0, NULL}
};
