/* cel/cel_lib_quantity.c - Kubernetes' quantity library (kubernetes/
 * apiserver pkg/cel/library/quantity.go, K8s 1.28): quantity(s),
 * isQuantity(s), q.sign() isInteger() asInteger() asApproximateFloat()
 * add(q|int) sub(q|int) isLessThan(q) isGreaterThan(q) compareTo(q).
 * Values are exact decimals (k8s/k8s.h kp_quantity). */
#include "cel/cel_int.h"
#include "k8s/k8s.h"

#include <math.h>

typedef struct qty { cel_opaque h; kp_quantity q; } qty;

static bool q_equal(const cel_opaque *a, const cel_opaque *b)
{
	return kp_quantity_cmp(&((const qty *)a)->q, &((const qty *)b)->q) == 0;
}

static int q_compare(const cel_opaque *a, const cel_opaque *b)
{
	return kp_quantity_cmp(&((const qty *)a)->q, &((const qty *)b)->q);
}

static const cel_opaque_type qty_type = {"kubernetes.Quantity", q_equal, NULL, q_compare};

static cel_val mkq(cel_ctx *c, const kp_quantity *q)
{
	qty *p = kp_arena_alloc(c->a, sizeof *p);
	p->h.t = &qty_type;
	p->q = *q;
	return cel_opaque_val(&p->h);
}

static const kp_quantity *Q(cel_val v) { return &((const qty *)v.u.op)->q; }

static cel_val fn_quantity(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "quantity");
	kp_quantity q;
	if (!kp_quantity_parse(a[0].u.s.p, a[0].u.s.n, &q))
		return cel_err(c, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	return mkq(c, &q);
}

static cel_val fn_is_quantity(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "isQuantity");
	kp_quantity q;
	return cel_bool(kp_quantity_parse(a[0].u.s.p, a[0].u.s.n, &q));
}

/* The quantity as an int64 when it is a whole number in range. */
static bool as_int64(const kp_quantity *q, int64_t *out)
{
	if (q->sign == 0) {
		*out = 0;
		return true;
	}
	if (q->exp < 0)
		return false;   /* coef has no trailing zeros: a fraction */
	unsigned __int128 v = q->coef;
	for (int64_t e = 0; e < q->exp; e++) {
		v *= 10;
		if (v > ((unsigned __int128)1 << 63))
			return false;
	}
	if (q->sign > 0 && v > (unsigned __int128)INT64_MAX)
		return false;
	if (v > ((unsigned __int128)1 << 63))
		return false;
	*out = q->sign > 0 ? (int64_t)v : (int64_t)(-(__int128)v);
	return true;
}

#define RECV(fn) \
	if (!cel_is_opaque(a[0], &qty_type)) \
		return cel_no_overload(c, fn)

static cel_val fn_sign(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	RECV("sign");
	return cel_int(Q(a[0])->sign);
}

static cel_val fn_is_integer(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	RECV("isInteger");
	int64_t v;
	return cel_bool(as_int64(Q(a[0]), &v));
}

static cel_val fn_as_integer(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	RECV("asInteger");
	int64_t v;
	if (!as_int64(Q(a[0]), &v))
		return cel_err(c, "cannot convert value to integer");
	return cel_int(v);
}

static cel_val fn_as_float(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	RECV("asApproximateFloat");
	const kp_quantity *q = Q(a[0]);
	long double v = (long double)q->coef * powl(10.0L, (long double)q->exp);
	return cel_double((double)(q->sign < 0 ? -v : v));
}

/* Exact a + sign*b; false on overflow of the 128-bit coefficient. */
static bool q_add(const kp_quantity *x, const kp_quantity *y, int ysign, kp_quantity *r)
{
	if (!x->sign || !y->sign) {
		*r = x->sign ? *x : *y;
		if (!x->sign)
			r->sign *= ysign;
		return true;
	}
	int64_t e = x->exp < y->exp ? x->exp : y->exp;
	unsigned __int128 cx = x->coef, cy = y->coef;
	const unsigned __int128 lim = ((unsigned __int128)1 << 125);
	for (int64_t k = e; k < x->exp; k++)
		if ((cx *= 10) > lim)
			return false;
	for (int64_t k = e; k < y->exp; k++)
		if ((cy *= 10) > lim)
			return false;
	int sx = x->sign, sy = y->sign * ysign;
	unsigned __int128 mag;
	int sign;
	if (sx == sy) {
		mag = cx + cy;
		sign = sx;
	} else if (cx >= cy) {
		mag = cx - cy;
		sign = sx;
	} else {
		mag = cy - cx;
		sign = sy;
	}
	if (mag == 0) {
		r->sign = 0;
		r->coef = 0;
		r->exp = 0;
		return true;
	}
	while (mag % 10 == 0) {
		mag /= 10;
		e++;
	}
	r->sign = sign;
	r->coef = mag;
	r->exp = e;
	return true;
}

static cel_val arith(cel_ctx *c, cel_val *a, int ysign, const char *fn)
{
	RECV(fn);
	kp_quantity y;
	if (cel_is_opaque(a[1], &qty_type)) {
		y = *Q(a[1]);
	} else if (a[1].kind == CEL_INT) {
		int64_t i = a[1].u.i;
		y.sign = i > 0 ? 1 : i < 0 ? -1 : 0;
		y.coef = i < 0 ? (unsigned __int128)(-(__int128)i) : (unsigned __int128)i;
		y.exp = 0;
		while (y.coef && y.coef % 10 == 0) {
			y.coef /= 10;
			y.exp++;
		}
	} else {
		return cel_no_overload(c, fn);
	}
	kp_quantity r;
	if (!q_add(Q(a[0]), &y, ysign, &r))
		return cel_err(c, "quantity overflow");
	return mkq(c, &r);
}

static cel_val fn_add(cel_ctx *c, cel_val *a, size_t n) { (void)n; return arith(c, a, 1, "add"); }
static cel_val fn_sub(cel_ctx *c, cel_val *a, size_t n) { (void)n; return arith(c, a, -1, "sub"); }

const cel_builtin cel_lib_quantity[] = {
	{"quantity", 1, 1, 1, fn_quantity},
	{"isQuantity", 1, 1, 1, fn_is_quantity},
	{"sign", 2, 1, 1, fn_sign},
	{"isInteger", 2, 1, 1, fn_is_integer},
	{"asInteger", 2, 1, 1, fn_as_integer},
	{"asApproximateFloat", 2, 1, 1, fn_as_float},
	{"add", 2, 2, 2, fn_add},
	{"sub", 2, 2, 2, fn_sub},
	{NULL, 0, 0, 0, NULL}
};
