/* condition_ops.c - Kyverno's condition operators (preconditions,
 * validate.deny): `key <operator> value` on values after substitution,
 * with every asymmetry of pkg/engine/variables/operator
 * (../shared/docs/kyverno-jmespath.md section 4).  Numbers are float64,
 * as the values went through JSON. */
#include "policy/policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	kp_cond_op op;
} op_names[] = {
	{"Equals", KP_COND_EQUALS}, {"Equal", KP_COND_EQUALS},
	{"NotEquals", KP_COND_NOT_EQUALS}, {"NotEqual", KP_COND_NOT_EQUALS},
	{"In", KP_COND_IN}, {"NotIn", KP_COND_NOT_IN},
	{"AnyIn", KP_COND_ANY_IN}, {"AllIn", KP_COND_ALL_IN},
	{"AnyNotIn", KP_COND_ANY_NOT_IN}, {"AllNotIn", KP_COND_ALL_NOT_IN},
	{"GreaterThan", KP_COND_GT}, {"GreaterThanOrEquals", KP_COND_GTE},
	{"LessThan", KP_COND_LT}, {"LessThanOrEquals", KP_COND_LTE},
	{"DurationGreaterThan", KP_COND_DUR_GT}, {"DurationGreaterThanOrEquals", KP_COND_DUR_GTE},
	{"DurationLessThan", KP_COND_DUR_LT}, {"DurationLessThanOrEquals", KP_COND_DUR_LTE},
};

kp_cond_op kp_cond_op_parse(const char *name)
{
	for (size_t i = 0; i < sizeof op_names / sizeof *op_names; i++)
		if (!strcasecmp(name, op_names[i].name))
			return op_names[i].op;
	return KP_COND_UNKNOWN;
}

/* ---- scalar helpers ---- */

static bool is_num(const kp_value *v)
{
	return v && (v->type == KP_INT || v->type == KP_FLOAT);
}

static double num(const kp_value *v)
{
	return v->type == KP_INT ? (double)v->u.i : v->u.f;
}

static bool is_str(const kp_value *v)
{
	return v && v->type == KP_STRING;
}

/* strconv.ParseFloat(s, 64) == nil: the whole string, no spaces. */
static bool go_parse_float(const char *s, size_t n, double *out)
{
	if (!n || n > 400 || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
		return false;
	char buf[401];
	memcpy(buf, s, n);
	buf[n] = 0;
	/* strtod also takes hexadecimal without a `p` exponent and nan(...) */
	if (strchr(buf, '(') || ((strstr(buf, "0x") || strstr(buf, "0X")) && !strpbrk(buf, "pP")))
		return false;
	char *end;
	*out = kp_strtod_c(buf, &end);   /* a dot whatever LC_NUMERIC says */
	return end == buf + n;
}

/* strconv.ParseInt(s, 10, 64) == nil */
static bool go_parse_int(const char *s, size_t n)
{
	size_t i = n && (s[0] == '+' || s[0] == '-');
	if (i == n || n - i > 19)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* fmt.Sprint of a decoded JSON value. */
static const char *text(kp_arena *a, const kp_value *v, size_t *len)
{
	if (is_str(v)) {
		*len = v->u.s.len;
		return v->u.s.ptr;
	}
	kp_buf b;
	kp_buf_init(&b, a);
	if (is_num(v)) {
		char f[64];
		kp_buf_add(&b, f, kp_go_float_v(num(v), f, sizeof f));
	} else {
		kp_go_format_value(&b, v, true, SIZE_MAX);
	}
	*len = b.len;
	return kp_buf_str(&b);
}

static bool wild(const char *pat, size_t pn, const char *s, size_t sn)
{
	return kp_wildcard_match(pat, pn, s, sn);
}

/* Nanoseconds of a string time.ParseDuration takes. */
static bool str_duration(const kp_value *v, int64_t *ns)
{
	return is_str(v) && kp_duration_parse(v->u.s.ptr, v->u.s.len, ns);
}

/* time.Duration(x) * time.Second for a float64 x: truncated, wrapping as
 * Go's int64 arithmetic does. */
static int64_t seconds(double x)
{
	if (isnan(x))
		return INT64_MIN;
	int64_t t = x >= 9.3e18 || x <= -9.3e18 ? INT64_MIN : (int64_t)x;
	return (int64_t)((uint64_t)t * 1000000000u);
}

/* parseDuration(key, value): both as durations, compared in seconds.  A
 * string is one when ParseDuration takes it and it is not "0"; a lone
 * duration needs a number on the other side. */
static bool parse_durations(const kp_value *k, const kp_value *v, double *ks, double *vs)
{
	int64_t kn = 0, vn = 0;
	bool kd = str_duration(k, &kn) && !(k->u.s.len == 1 && k->u.s.ptr[0] == '0');
	bool vd = str_duration(v, &vn) && !(v->u.s.len == 1 && v->u.s.ptr[0] == '0');
	if (!kd && !vd)
		return false;
	if (!kd) {
		if (!is_num(k))
			return false;
		kn = seconds(num(k));
	}
	if (!vd) {
		if (!is_num(v))
			return false;
		vn = seconds(num(v));
	}
	*ks = (double)kn / 1e9;
	*vs = (double)vn / 1e9;
	return true;
}

static bool quantity(const kp_value *v, kp_quantity *q)
{
	return is_str(v) && kp_quantity_parse(v->u.s.ptr, v->u.s.len, q);
}

/* ---- Equals / NotEquals ---- */

/* 1 equal, 0 not, -1 the types do not go together (Equals: false,
 * NotEquals: true); null keys are false for both (-2). */
static int equality(const kp_value *k, const kp_value *v)
{
	switch (kp_value_type(k)) {
	case KP_BOOL:
		return kp_value_type(v) == KP_BOOL ? k->u.b == v->u.b : -1;
	case KP_INT:
	case KP_FLOAT: {
		if (is_num(v))
			return num(k) == num(v);
		double f;
		if (is_str(v))
			return go_parse_float(v->u.s.ptr, v->u.s.len, &f) ? f == num(k) : -1;
		return -1;
	}
	case KP_STRING: {
		double ks, vs;
		if (parse_durations(k, v, &ks, &vs))
			return ks == vs;
		kp_quantity kq, vq;
		if (quantity(k, &kq) && is_str(v))
			return quantity(v, &vq) ? kp_quantity_cmp(&kq, &vq) == 0 : -1;
		if (is_str(v))
			return wild(v->u.s.ptr, v->u.s.len, k->u.s.ptr, k->u.s.len);
		return -1;
	}
	case KP_SEQ:
	case KP_MAP:
		return kp_value_type(v) == kp_value_type(k) ? kp_value_equal(k, v) : -1;
	default:
		return -2;
	}
}

/* ---- numeric comparisons ---- */

static bool compare(double k, double v, kp_cond_op op)
{
	switch (op) {
	case KP_COND_GT: case KP_COND_DUR_GT: return k > v;
	case KP_COND_GTE: case KP_COND_DUR_GTE: return k >= v;
	case KP_COND_LT: case KP_COND_DUR_LT: return k < v;
	default: return k <= v;
	}
}

static bool numeric_with_number(double k, const kp_value *key, const kp_value *v, kp_cond_op op)
{
	if (is_num(v))
		return compare(k, num(v), op);
	if (!is_str(v))
		return false;
	double ks, vs, f;
	if (parse_durations(key, v, &ks, &vs))
		return compare(ks, vs, op);
	if (go_parse_float(v->u.s.ptr, v->u.s.len, &f))
		return compare(k, f, op);
	return false;
}

static bool numeric(const kp_value *k, const kp_value *v, kp_cond_op op)
{
	if (is_num(k))
		return numeric_with_number(num(k), k, v, op);
	if (!is_str(k))
		return false;
	double ks, vs, f;
	if (parse_durations(k, v, &ks, &vs))
		return compare(ks, vs, op);
	kp_quantity kq, vq;
	if (quantity(k, &kq) && quantity(v, &vq))
		return compare(kp_quantity_cmp(&kq, &vq), 0, op);
	if (go_parse_float(k->u.s.ptr, k->u.s.len, &f)) {
		/* the key as a number: a duration on the other side pairs with it */
		kp_value as_num = {.type = KP_FLOAT, .u.f = f};
		return numeric_with_number(f, &as_num, v, op);
	}
	if (go_parse_int(k->u.s.ptr, k->u.s.len))
		return false;  /* ParseFloat took every int ParseInt takes */
	kp_semver ksv, vsv;
	if (kp_semver_parse(k->u.s.ptr, k->u.s.len, &ksv)) {
		if (!is_str(v) || !kp_semver_parse(v->u.s.ptr, v->u.s.len, &vsv))
			return false;
		return compare(kp_semver_cmp(&ksv, &vsv), 0, op);
	}
	return false;
}

/* Duration* operators: numbers are seconds (truncated), strings must
 * parse as durations. */
static bool as_duration(const kp_value *v, int64_t *ns)
{
	if (is_num(v)) {
		*ns = seconds(num(v));
		return true;
	}
	return str_duration(v, ns);
}

static bool duration_op(const kp_value *k, const kp_value *v, kp_cond_op op)
{
	int64_t kn, vn;
	if (!as_duration(k, &kn) || !as_duration(v, &vn))
		return false;
	return compare((double)kn, (double)vn, op);
}

/* ---- set operators ---- */

typedef struct strs {
	const char **s;
	size_t *n;
	size_t len;
} strs;

/* The texts of a list's elements. */
static strs texts_of(kp_arena *a, const kp_value *list)
{
	strs t = {.len = kp_value_len(list)};
	t.s = kp_arena_alloc(a, (t.len + 1) * sizeof *t.s);
	t.n = kp_arena_alloc(a, (t.len + 1) * sizeof *t.n);
	for (size_t i = 0; i < t.len; i++)
		t.s[i] = text(a, list->u.seq.items[i], &t.n[i]);
	return t;
}

static strs one(kp_arena *a, const char *s, size_t n)
{
	strs t = {.len = 1};
	t.s = kp_arena_alloc(a, sizeof *t.s);
	t.n = kp_arena_alloc(a, sizeof *t.n);
	t.s[0] = s;
	t.n[0] = n;
	return t;
}

/* A string value as a list: a JSON string array, or [value] when it is
 * not JSON at all.  False: JSON of another shape (an invalid value). */
static bool string_list(kp_arena *a, const kp_value *v, bool non_json_is_list, strs *out)
{
	const kp_value *j = kp_json_parse(a, v->u.s.ptr, v->u.s.len);
	if (!j) {
		if (!non_json_is_list)
			return false;
		*out = one(a, v->u.s.ptr, v->u.s.len);
		return true;
	}
	if (j->type != KP_SEQ)
		return false;
	for (size_t i = 0; i < j->u.seq.n; i++)
		if (j->u.seq.items[i]->type != KP_STRING)
			return false;
	*out = texts_of(a, j);
	return true;
}

static bool contains_exact(const strs *t, const char *s, size_t n)
{
	for (size_t i = 0; i < t->len; i++)
		if (t->n[i] == n && !memcmp(t->s[i], s, n))
			return true;
	return false;
}

static bool both_ways(const char *a, size_t an, const char *b, size_t bn)
{
	return wild(a, an, b, bn) || wild(b, bn, a, an);
}

/* A range pattern "a-b" (operator.InRange) and pattern.Validate of the
 * key against it (or against "a!-b" for AnyNotIn). */
static bool is_range(const kp_value *v)
{
	return kp_op_parse(v->u.s.ptr, v->u.s.len, NULL, NULL, NULL, NULL) == KP_OP_IN_RANGE;
}

static bool in_range(kp_arena *a, const char *key, size_t kn, const char *pat, size_t pn)
{
	kp_value pv = {.type = KP_STRING, .u.s = {pat, pn}};
	kp_value kv = {.type = KP_STRING, .u.s = {key, kn}};
	kp_leaf leaf;
	kp_leaf_compile(a, &pv, &leaf);
	return kp_leaf_match(&leaf, &kv);
}

/* Scalar key: -1 invalid value, else found (0/1). */
static int scalar_found(kp_arena *a, const char *k, size_t kn, const kp_value *v)
{
	if (kp_value_type(v) == KP_SEQ) {
		for (size_t i = 0; i < v->u.seq.n; i++) {
			size_t tn;
			const char *t = text(a, v->u.seq.items[i], &tn);
			if (both_ways(t, tn, k, kn))
				return 1;
		}
		return 0;
	}
	if (!is_str(v))
		return -1;
	if (wild(v->u.s.ptr, v->u.s.len, k, kn))
		return 1;
	if (is_range(v))
		return in_range(a, k, kn, v->u.s.ptr, v->u.s.len);
	strs list;
	if (!string_list(a, v, true, &list))
		return -1;
	return contains_exact(&list, k, kn);
}

static bool set_any_in(const strs *k, const strs *v)
{
	for (size_t i = 0; i < k->len; i++)
		for (size_t j = 0; j < v->len; j++)
			if (both_ways(k->s[i], k->n[i], v->s[j], v->n[j]))
				return true;
	return false;
}

static size_t set_found(const strs *k, const strs *v)
{
	size_t found = 0;
	for (size_t i = 0; i < k->len; i++)
		for (size_t j = 0; j < v->len; j++)
			if (both_ways(k->s[i], k->n[i], v->s[j], v->n[j])) {
				found++;
				break;
			}
	return found;
}

/* Array key against a value for AnyIn/AllIn/AnyNotIn/AllNotIn: -1 invalid. */
static int set_op(kp_arena *a, kp_cond_op op, const strs *k, const kp_value *v)
{
	bool any = op == KP_COND_ANY_IN || op == KP_COND_ANY_NOT_IN;
	bool neg = op == KP_COND_ANY_NOT_IN || op == KP_COND_ALL_NOT_IN;
	strs list;
	if (kp_value_type(v) == KP_SEQ) {
		list = texts_of(a, v);
	} else if (is_num(v) || kp_value_type(v) == KP_BOOL) {
		if (!any)
			return -1;
		size_t n;
		const char *t = text(a, v, &n);
		list = one(a, t, n);
	} else if (is_str(v)) {
		if (k->len == 1 && k->n[0] == v->u.s.len && !memcmp(k->s[0], v->u.s.ptr, k->n[0]))
			return !neg;
		if (is_range(v)) {
			size_t in = 0;
			if (op == KP_COND_ANY_NOT_IN) {
				/* "a-b" rewritten to "a!-b": outside the range */
				const char *dash = memchr(v->u.s.ptr + 1, '-', v->u.s.len - 1);
				kp_buf nb;
				kp_buf_init(&nb, a);
				kp_buf_add(&nb, v->u.s.ptr, (size_t)(dash - v->u.s.ptr));
				kp_buf_add(&nb, "!", 1);
				kp_buf_add(&nb, dash, v->u.s.len - (size_t)(dash - v->u.s.ptr));
				for (size_t i = 0; i < k->len; i++)
					if (in_range(a, k->s[i], k->n[i], nb.data, nb.len))
						return 1;
				return 0;
			}
			for (size_t i = 0; i < k->len; i++)
				in += in_range(a, k->s[i], k->n[i], v->u.s.ptr, v->u.s.len);
			switch (op) {
			case KP_COND_ANY_IN: return in > 0;
			case KP_COND_ALL_IN: return in == k->len;
			default: return in == 0;   /* AllNotIn */
			}
		}
		if (!string_list(a, v, true, &list))
			return -1;
	} else {
		return -1;
	}
	switch (op) {
	case KP_COND_ANY_IN: return set_any_in(k, &list);
	case KP_COND_ALL_IN: return set_found(k, &list) == k->len;
	case KP_COND_ANY_NOT_IN: return set_found(k, &list) != k->len;
	default: return set_found(k, &list) == 0;   /* AllNotIn */
	}
}

/* The deprecated In / NotIn: exact for array keys, and an array key must
 * hold strings only (upstream panics otherwise: an error here). */
static int in_op(kp_arena *a, bool not_in, const kp_value *k, const kp_value *v)
{
	if (kp_value_type(k) == KP_SEQ) {
		strs keys = texts_of(a, k);
		for (size_t i = 0; i < k->u.seq.n; i++)
			if (!is_str(k->u.seq.items[i]))
				return -1;
		strs list;
		if (kp_value_type(v) == KP_SEQ) {
			for (size_t i = 0; i < v->u.seq.n; i++)
				if (!is_str(v->u.seq.items[i]))
					return 0;
			list = texts_of(a, v);
		} else if (is_str(v)) {
			/* the upstream quirk: [x] against "x" is true for both */
			if (keys.len == 1 && keys.n[0] == v->u.s.len &&
			    !memcmp(keys.s[0], v->u.s.ptr, keys.n[0]))
				return 1;
			if (!string_list(a, v, false, &list))
				return 0;
		} else {
			return 0;
		}
		size_t found = 0;
		for (size_t i = 0; i < keys.len; i++)
			found += contains_exact(&list, keys.s[i], keys.n[i]);
		return not_in ? found != keys.len : found == keys.len;
	}
	if (!is_str(k) && !is_num(k) && kp_value_type(k) != KP_BOOL)
		return 0;
	size_t kn;
	const char *ks = text(a, k, &kn);
	int found;
	if (kp_value_type(v) == KP_SEQ) {
		found = 0;
		for (size_t i = 0; i < v->u.seq.n && !found; i++) {
			size_t tn;
			const char *t = text(a, v->u.seq.items[i], &tn);
			found = both_ways(t, tn, ks, kn);
		}
	} else if (is_str(v)) {
		strs list;
		if (wild(v->u.s.ptr, v->u.s.len, ks, kn))
			found = 1;
		else if (string_list(a, v, false, &list))
			found = contains_exact(&list, ks, kn);
		else
			return 0;
	} else {
		return 0;
	}
	return not_in ? !found : found;
}

int kp_cond_eval(kp_cond_op op, const kp_value *key, const kp_value *value, kp_arena *a)
{
	switch (op) {
	case KP_COND_EQUALS: {
		int r = equality(key, value);
		return r > 0;
	}
	case KP_COND_NOT_EQUALS: {
		int r = equality(key, value);
		return r == -2 ? 0 : r == -1 ? 1 : !r;
	}
	case KP_COND_IN:
	case KP_COND_NOT_IN:
		return in_op(a, op == KP_COND_NOT_IN, key, value);
	case KP_COND_ANY_IN:
	case KP_COND_ALL_IN:
	case KP_COND_ANY_NOT_IN:
	case KP_COND_ALL_NOT_IN: {
		bool neg = op == KP_COND_ANY_NOT_IN || op == KP_COND_ALL_NOT_IN;
		if (kp_value_type(key) == KP_SEQ) {
			strs k = texts_of(a, key);
			int r = set_op(a, op, &k, value);
			return r < 0 ? 0 : r;
		}
		if (!is_str(key) && !is_num(key) && kp_value_type(key) != KP_BOOL)
			return 0;
		size_t kn;
		const char *ks = text(a, key, &kn);
		int found = scalar_found(a, ks, kn, value);
		return found < 0 ? 0 : neg ? !found : found;
	}
	case KP_COND_GT:
	case KP_COND_GTE:
	case KP_COND_LT:
	case KP_COND_LTE:
		return numeric(key, value, op);
	case KP_COND_DUR_GT:
	case KP_COND_DUR_GTE:
	case KP_COND_DUR_LT:
	case KP_COND_DUR_LTE:
		return duration_op(key, value, op);
	default:
		return -1;
	}
}
