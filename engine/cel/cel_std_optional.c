/* cel/cel_std_optional.c - optional values (cel-go cel/library.go
 * OptionalTypes): optional.of/none/ofNonZeroValue, hasValue, value, or,
 * orValue, optional.unwrap / unwrapOpt. */
#include "cel/cel_int.h"

static cel_val opt_of(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	return cel_optional(c, &a[0]);
}

static cel_val opt_none(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a; (void)n;
	return cel_optional(c, NULL);
}

static bool is_zero(cel_val v)
{
	switch (v.kind) {
	case CEL_NULL: return true;
	case CEL_BOOL: return !v.u.b;
	case CEL_INT: case CEL_UINT: case CEL_DURATION: return v.u.i == 0;
	case CEL_DOUBLE: return v.u.d == 0;
	case CEL_STRING: case CEL_BYTES: return v.u.s.n == 0;
	case CEL_LIST: return cel_list_len(v) == 0;
	case CEL_MAP: return cel_map_len(v) == 0;
	case CEL_TIMESTAMP: return v.u.i == 0 && v.nsec == 0;
	default: return false;
	}
}

static cel_val opt_of_non_zero(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	return cel_optional(c, is_zero(a[0]) ? NULL : &a[0]);
}

static cel_val opt_has_value(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_OPTIONAL)
		return cel_no_overload(c, "hasValue");
	return cel_bool(a[0].u.opt != NULL);
}

static cel_val opt_value(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_OPTIONAL)
		return cel_no_overload(c, "value");
	if (!a[0].u.opt)
		return cel_err(c, "optional.none() dereference");
	return *a[0].u.opt;
}

/* Reached only when the receiver is not an optional with a value (the
 * evaluator short-circuits that case). */
static cel_val opt_or(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_OPTIONAL || a[1].kind != CEL_OPTIONAL)
		return cel_no_overload(c, "or");
	return a[1];
}

static cel_val opt_or_value(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_OPTIONAL)
		return cel_no_overload(c, "orValue");
	return a[1];
}

/* Kyverno's __orValueCompat__: a non-optional receiver is the result. */
static cel_val opt_or_value_compat(cel_ctx *c, cel_val *a, size_t n)
{
	(void)c; (void)n;
	return a[0].kind == CEL_OPTIONAL ? a[1] : a[0];
}

static cel_val opt_unwrap(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "optional.unwrap");
	size_t len = cel_list_len(a[0]), k = 0;
	cel_val out = cel_list_new(c, len);
	cel_list *l = (cel_list *)out.u.l;
	for (size_t i = 0; i < len; i++) {
		cel_val e = cel_list_at(a[0], i);
		if (e.kind != CEL_OPTIONAL)
			return cel_no_overload(c, "optional.unwrap");
		if (e.u.opt)
			l->items[k++] = *e.u.opt;
	}
	l->n = k;
	return out;
}

const cel_builtin cel_std_optional[] = {
	{"optional.of", 1, 1, 1, opt_of},
	{"optional.none", 1, 0, 0, opt_none},
	{"optional.ofNonZeroValue", 1, 1, 1, opt_of_non_zero},
	{"optional.unwrap", 1, 1, 1, opt_unwrap},
	{"unwrapOpt", 2, 1, 1, opt_unwrap},
	{"hasValue", 2, 1, 1, opt_has_value},
	{"value", 2, 1, 1, opt_value},
	{"or", 2, 2, 2, opt_or},
	{"orValue", 2, 2, 2, opt_or_value},
	{"__orValueCompat__", 2, 2, 2, opt_or_value_compat},
	{NULL, 0, 0, 0, NULL}
};
