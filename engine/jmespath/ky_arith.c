/* ky_arith.c - add, subtract, multiply, divide, modulo, sum and round over
 * Kyverno's operand classes (arithmetic.go): a JSON number is a Scalar; a
 * string is a Quantity if resource.ParseQuantity takes it, else a Duration
 * if time.ParseDuration does; anything else is an invalid operand.  See
 * docs/kyverno-jmespath.md §2 "Arithmetic" for the table of results. */
#include "jmespath/ky_internal.h"

#include <math.h>
#include <string.h>

typedef unsigned __int128 u128;

enum { SCALAR, QUANTITY, DURATION };

typedef struct operand {
	int cls;
	double f;          /* SCALAR */
	kp_quantity q;     /* QUANTITY */
	int64_t ns;        /* DURATION */
} operand;

static int classify(kp_jp_call *c, const kp_value *v, operand *o)
{
	memset(o, 0, sizeof *o);
	if (kp_jp_is_number(v)) {
		o->cls = SCALAR;
		o->f = kp_jp_num(v);
		return 0;
	}
	if (v->type == KP_STRING) {
		if (kp_quantity_parse(v->u.s.ptr, v->u.s.len, &o->q)) {
			o->cls = QUANTITY;
			return 0;
		}
		if (kp_duration_parse(v->u.s.ptr, v->u.s.len, &o->ns)) {
			o->cls = DURATION;
			return 0;
		}
	}
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "invalid operands");
}

static int mismatch(kp_jp_call *c)
{
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "Types mismatch");
}

static int zero_div(kp_jp_call *c)
{
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "Zero divisor passed");
}

static int range_error(kp_jp_call *c)
{
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "quantity out of range");
}

static const kp_value *quantity_value(kp_jp_call *c, const kp_quantity *q)
{
	char buf[80];
	size_t n = kp_quantity_string(q, buf);
	return ky_str(c, buf, n);
}

static const kp_value *duration_value(kp_jp_call *c, int64_t ns)
{
	char buf[40];
	size_t n = kp_duration_string(ns, buf);
	return ky_str(c, buf, n);
}

/* Go's time.Duration(f) for a float64 of nanoseconds (truncation). */
static int64_t go_duration(double ns)
{
	if (ns != ns)
		return INT64_MIN;
	if (ns >= 9.223372036854775807e18 || ns < -9.223372036854775807e18)
		return INT64_MIN;   /* what amd64 gives for out-of-range conversions */
	return (int64_t)ns;
}

/* Duration.Seconds(). */
static double seconds(int64_t d)
{
	int64_t sec = d / 1000000000, nsec = d % 1000000000;
	return (double)sec + (double)nsec / 1e9;
}

static bool mul10(u128 *c, int64_t k)
{
	for (; k > 0; k--) {
		if (*c > ((u128)1 << 124) / 10)
			return false;
		*c *= 10;
	}
	return true;
}

/* a + sign*b exactly; false on overflow.  The left operand's format stays
 * (Go: unless the left value is zero, then the right one's). */
static bool q_add(kp_quantity *a, const kp_quantity *b, int bsign)
{
	int sb = b->sign * bsign;
	int format = a->sign == 0 ? b->format : a->format;
	if (sb == 0) {
		a->format = format;
		return true;
	}
	if (a->sign == 0) {
		*a = *b;
		a->sign = sb;
		a->format = format;
		return true;
	}
	int64_t e = a->exp < b->exp ? a->exp : b->exp;
	u128 x = a->coef, y = b->coef;
	if (!mul10(&x, a->exp - e) || !mul10(&y, b->exp - e))
		return false;
	if (a->sign == sb) {
		x += y;
	} else if (x >= y) {
		x -= y;
	} else {
		x = y - x;
		a->sign = sb;
	}
	a->coef = x;
	a->exp = e;
	a->format = format;
	kp_quantity_normalize(a);
	return true;
}

/* The scalar as Go's fmt %v writes it, read back by ParseQuantity. */
static bool scalar_quantity(double f, kp_quantity *q)
{
	char buf[40];
	size_t n = kp_go_float_v(f, buf, sizeof buf);
	return kp_quantity_parse(buf, n, q);
}

static int add_sub(kp_jp_call *c, const kp_jp_arg *args, int sign, const kp_value **out)
{
	operand a, b;
	if (classify(c, ARG(0), &a) || classify(c, ARG(1), &b))
		return -KP_JP_E_FUNCTION;
	if (a.cls != b.cls)
		return mismatch(c);
	switch (a.cls) {
	case SCALAR:
		*out = kp_jp_new_number(c->arena, sign > 0 ? a.f + b.f : a.f - b.f);
		return 0;
	case QUANTITY:
		if (!q_add(&a.q, &b.q, sign))
			return range_error(c);
		*out = quantity_value(c, &a.q);
		return 0;
	default:
		*out = duration_value(c, (int64_t)(sign > 0 ? (uint64_t)a.ns + (uint64_t)b.ns
						   : (uint64_t)a.ns - (uint64_t)b.ns));
		return 0;
	}
}

KY_FN(ky_add) { return add_sub(c, args, 1, out); }
KY_FN(ky_subtract) { return add_sub(c, args, -1, out); }

KY_FN(ky_multiply)
{
	operand a, b;
	if (classify(c, ARG(0), &a) || classify(c, ARG(1), &b))
		return -KP_JP_E_FUNCTION;
	if (a.cls == SCALAR && b.cls == SCALAR) {
		*out = kp_jp_new_number(c->arena, a.f * b.f);
		return 0;
	}
	if (a.cls == SCALAR) {   /* Scalar * X is X * Scalar */
		operand t = a;
		a = b;
		b = t;
	}
	if (b.cls != SCALAR)
		return mismatch(c);
	if (a.cls == DURATION) {
		*out = duration_value(c, go_duration(seconds(a.ns) * b.f * 1e9));
		return 0;
	}
	kp_quantity s;
	if (!scalar_quantity(b.f, &s))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	kp_quantity p = a.q;
	if (s.coef && p.coef && p.coef > (((u128)1 << 124) / s.coef))
		return range_error(c);
	p.coef *= s.coef;
	p.exp += s.exp;
	p.sign *= s.sign;
	kp_quantity_normalize(&p);
	*out = quantity_value(c, &p);
	return 0;
}

/* Quantity / Scalar: inf.Dec QuoRound at scale max(scale(a), scale(b)),
 * rounded toward zero. */
static int quantity_div_scalar(kp_jp_call *c, const kp_quantity *a, double f, const kp_value **out)
{
	kp_quantity s;
	if (!scalar_quantity(f, &s))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "invalid divisor");
	int64_t scale = a->scale > s.scale ? a->scale : s.scale;
	/* quotient * 10^scale = a.coef * 10^(a.exp + scale) / (s.coef * 10^s.exp) */
	u128 num = a->coef, den = s.coef;
	int64_t k = a->exp + scale - s.exp;
	if (k >= 0) {
		if (!mul10(&num, k))
			return range_error(c);
	} else if (!mul10(&den, -k)) {
		return range_error(c);
	}
	kp_quantity r = {.sign = a->sign * s.sign, .coef = num / den, .exp = -scale,
			 .format = a->format};
	kp_quantity_normalize(&r);
	*out = quantity_value(c, &r);
	return 0;
}

KY_FN(ky_divide)
{
	operand a, b;
	if (classify(c, ARG(0), &a) || classify(c, ARG(1), &b))
		return -KP_JP_E_FUNCTION;
	switch (a.cls * 3 + b.cls) {
	case SCALAR * 3 + SCALAR:
		if (b.f == 0)
			return zero_div(c);
		*out = kp_jp_new_number(c->arena, a.f / b.f);
		return 0;
	case QUANTITY * 3 + QUANTITY: {
		double d = kp_quantity_float(&b.q);
		if (d == 0)
			return zero_div(c);
		*out = kp_jp_new_number(c->arena, kp_quantity_float(&a.q) / d);
		return 0;
	}
	case QUANTITY * 3 + SCALAR:
		if (b.f == 0)
			return zero_div(c);
		return quantity_div_scalar(c, &a.q, b.f, out);
	case DURATION * 3 + DURATION:
		if (seconds(b.ns) == 0)
			return zero_div(c);
		*out = kp_jp_new_number(c->arena, seconds(a.ns) / seconds(b.ns));
		return 0;
	case DURATION * 3 + SCALAR:
		if (b.f == 0)
			return zero_div(c);
		*out = duration_value(c, go_duration(seconds(a.ns) / b.f * 1e9));
		return 0;
	default:
		return mismatch(c);
	}
}

/* Go's int64(f), and whether f is that integer. */
static bool integral(double f, int64_t *i)
{
	if (!(f >= -9.223372036854775808e18 && f < 9.223372036854775808e18))
		return false;
	*i = (int64_t)f;
	return (double)*i == f;
}

static int non_int(kp_jp_call *c)
{
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "Non-integer argument(s) passed for modulo");
}

KY_FN(ky_modulo)
{
	operand a, b;
	if (classify(c, ARG(0), &a) || classify(c, ARG(1), &b))
		return -KP_JP_E_FUNCTION;
	if (a.cls != b.cls)
		return mismatch(c);
	int64_t x, y;
	switch (a.cls) {
	case SCALAR:
		if (!integral(a.f, &x) || !integral(b.f, &y))
			return non_int(c);
		if (y == 0)
			return zero_div(c);
		*out = kp_jp_new_number(c->arena, (double)(y == -1 ? 0 : x % y));
		return 0;
	case QUANTITY: {
		if (!integral(kp_quantity_float(&a.q), &x) || !integral(kp_quantity_float(&b.q), &y))
			return non_int(c);
		if (y == 0)
			return zero_div(c);
		int64_t r = y == -1 ? 0 : x % y;
		kp_quantity q = {.sign = r < 0 ? -1 : r > 0, .exp = 0, .format = a.q.format};
		q.coef = r < 0 ? (u128)(-(uint64_t)r) : (u128)r;
		kp_quantity_normalize(&q);
		*out = quantity_value(c, &q);
		return 0;
	}
	default:
		if (b.ns == 0)
			return zero_div(c);
		*out = duration_value(c, b.ns == -1 ? 0 : a.ns % b.ns);
		return 0;
	}
}

/* Folds add over the array, left to right: all items of one class. */
KY_FN(ky_sum)
{
	const kp_value *arr = ARG(0);
	if (arr->u.seq.n == 0)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "at least one element in the array is required");
	operand acc, x;
	if (classify(c, arr->u.seq.items[0], &acc))
		return -KP_JP_E_FUNCTION;
	for (size_t i = 1; i < arr->u.seq.n; i++) {
		if (classify(c, arr->u.seq.items[i], &x))
			return -KP_JP_E_FUNCTION;
		if (x.cls != acc.cls)
			return mismatch(c);
		if (acc.cls == SCALAR)
			acc.f += x.f;
		else if (acc.cls == DURATION)
			acc.ns = (int64_t)((uint64_t)acc.ns + (uint64_t)x.ns);
		else if (!q_add(&acc.q, &x.q, 1))
			return range_error(c);
	}
	*out = acc.cls == SCALAR     ? kp_jp_new_number(c->arena, acc.f)
	       : acc.cls == DURATION ? duration_value(c, acc.ns)
				     : quantity_value(c, &acc.q);
	return 0;
}

/* math.Round(x * 10^d) / 10^d; d an integer >= 0. */
KY_FN(ky_round)
{
	double x = kp_jp_num(ARG(0)), d = kp_jp_num(ARG(1));
	int64_t k;
	if (!integral(d, &k))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "Non-integer argument(s) passed for round off");
	if (k < 0)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "Negative argument passed for round off");
	double p = pow(10, (double)k);
	*out = kp_jp_new_number(c->arena, round(x * p) / p);
	return 0;
}
