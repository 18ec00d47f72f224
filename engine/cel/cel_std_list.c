/* cel/cel_std_list.c - list functions: cel-go's lists extension
 * (ext/lists.go: slice flatten lists.range distinct reverse sort sortBy
 * first last), Kubernetes' lists library (isSorted sum min max indexOf
 * lastIndexOf) and cel-go's sets extension (sets.contains/equivalent/
 * intersects). */
#include "cel/cel_int.h"

#include <stdlib.h>

static cel_val sublist(cel_ctx *c, cel_val l, size_t from, size_t to)
{
	cel_val r = cel_list_new(c, to - from);
	for (size_t i = from; i < to; i++)
		((cel_list *)r.u.l)->items[i - from] = cel_list_at(l, i);
	return r;
}

static cel_val fn_slice(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST || a[1].kind != CEL_INT || a[2].kind != CEL_INT)
		return cel_no_overload(c, "slice");
	int64_t len = (int64_t)cel_list_len(a[0]), s = a[1].u.i, e = a[2].u.i;
	if (s < 0 || e < 0)
		return cel_err(c, "cannot slice(%lld, %lld), negative indexes not supported",
			       (long long)s, (long long)e);
	if (s > e)
		return cel_err(c, "cannot slice(%lld, %lld), start index must be less than or equal to end index",
			       (long long)s, (long long)e);
	if (e > len)
		return cel_err(c, "cannot slice(%lld, %lld), list is length %lld",
			       (long long)s, (long long)e, (long long)len);
	return sublist(c, a[0], (size_t)s, (size_t)e);
}

static void flatten(cel_ctx *c, cel_vec *out, cel_val l, int64_t depth)
{
	for (size_t i = 0; i < cel_list_len(l); i++) {
		cel_val e = cel_list_at(l, i);
		if (e.kind == CEL_LIST && depth > 0)
			flatten(c, out, e, depth - 1);
		else
			cel_vec_push(c, out, e);
	}
}

static cel_val fn_flatten(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_LIST || (n == 2 && a[1].kind != CEL_INT))
		return cel_no_overload(c, "flatten");
	int64_t depth = n == 2 ? a[1].u.i : 1;
	if (depth < 0)
		return cel_err(c, "level must be non-negative");
	cel_vec out = {0};
	flatten(c, &out, a[0], depth > 64 ? 64 : depth);
	return cel_vec_list(c, &out);
}

static cel_val fn_range(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_INT)
		return cel_no_overload(c, "lists.range");
	int64_t len = a[0].u.i < 0 ? 0 : a[0].u.i;
	if ((uint64_t)len > CEL_MAX_SIZE / sizeof(cel_val))
		return cel_err(c, "lists.range(%lld) too large", (long long)len);
	cel_val r = cel_list_new(c, (size_t)len);
	for (int64_t i = 0; i < len; i++)
		((cel_list *)r.u.l)->items[i] = cel_int(i);
	return r;
}

static cel_val fn_distinct(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "distinct");
	cel_vec out = {0};
	for (size_t i = 0; i < cel_list_len(a[0]); i++) {
		cel_val e = cel_list_at(a[0], i);
		bool seen = false;
		for (size_t k = 0; k < out.n && !seen; k++)
			seen = cel_equal(out.v[k], e);
		if (!seen)
			cel_vec_push(c, &out, e);
	}
	return cel_vec_list(c, &out);
}

cel_val cel_list_reverse(cel_ctx *c, cel_val l)
{
	size_t len = cel_list_len(l);
	cel_val r = cel_list_new(c, len);
	for (size_t i = 0; i < len; i++)
		((cel_list *)r.u.l)->items[i] = cel_list_at(l, len - 1 - i);
	return r;
}

/* Stable merge sort of idx[] by keys (all of one orderable kind). */
static void msort(size_t *idx, size_t *tmp, size_t n, const cel_val *keys)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	msort(idx, tmp, h, keys);
	msort(idx + h, tmp, n - h, keys);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cel_compare(keys[idx[j]], keys[idx[i]]) < 0 ? idx[j++] : idx[i++];
	while (i < h)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof *idx);
}

static cel_val sort_with_keys(cel_ctx *c, cel_val list, cel_val keylist, const char *fn)
{
	size_t len = cel_list_len(list);
	cel_val *keys = kp_arena_alloc(c->a, (len + 1) * sizeof *keys);
	for (size_t i = 0; i < len; i++) {
		keys[i] = cel_list_at(keylist, i);
		bool orderable = keys[i].kind == CEL_INT || keys[i].kind == CEL_UINT ||
				 keys[i].kind == CEL_DOUBLE || keys[i].kind == CEL_STRING ||
				 keys[i].kind == CEL_BYTES || keys[i].kind == CEL_BOOL ||
				 keys[i].kind == CEL_TIMESTAMP || keys[i].kind == CEL_DURATION;
		if (!orderable || (i && keys[i].kind != keys[0].kind))
			return cel_no_overload(c, fn);
	}
	size_t *idx = kp_arena_alloc(c->a, (len + 1) * sizeof *idx);
	size_t *tmp = kp_arena_alloc(c->a, (len + 1) * sizeof *tmp);
	for (size_t i = 0; i < len; i++)
		idx[i] = i;
	msort(idx, tmp, len, keys);
	cel_val r = cel_list_new(c, len);
	for (size_t i = 0; i < len; i++)
		((cel_list *)r.u.l)->items[i] = cel_list_at(list, idx[i]);
	return r;
}

cel_val cel_sort_by(cel_ctx *c, cel_val list, cel_val keys)
{
	return sort_with_keys(c, list, keys, "sortBy");
}

static cel_val fn_sort(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "sort");
	return sort_with_keys(c, a[0], a[0], "sort");
}

static cel_val fn_first(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "first");
	if (!cel_list_len(a[0]))
		return cel_optional(c, NULL);
	cel_val v = cel_list_at(a[0], 0);
	return cel_optional(c, &v);
}

static cel_val fn_last(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "last");
	size_t len = cel_list_len(a[0]);
	if (!len)
		return cel_optional(c, NULL);
	cel_val v = cel_list_at(a[0], len - 1);
	return cel_optional(c, &v);
}

/* Kubernetes lists library. */
static cel_val fn_is_sorted(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "isSorted");
	for (size_t i = 1; i < cel_list_len(a[0]); i++) {
		int r = cel_compare(cel_list_at(a[0], i - 1), cel_list_at(a[0], i));
		if (r == -2)
			return cel_no_overload(c, "isSorted");
		if (r == 1)
			return cel_bool(false);
	}
	return cel_bool(true);
}

static cel_val fn_sum(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, "sum");
	size_t len = cel_list_len(a[0]);
	if (!len)
		return cel_int(0);
	cel_val acc = cel_list_at(a[0], 0);
	for (size_t i = 1; i < len; i++) {
		cel_val args[2] = {acc, cel_list_at(a[0], i)};
		const cel_builtin *add = cel_lookup_fn("_+_", false, 2);
		acc = add->fn(c, args, 2);
		if (cel_is_err(acc))
			return acc;
	}
	return acc;
}

static cel_val min_max(cel_ctx *c, cel_val *a, int want, const char *fn)
{
	if (a[0].kind != CEL_LIST)
		return cel_no_overload(c, fn);
	size_t len = cel_list_len(a[0]);
	if (!len)
		return cel_err(c, "%s called on empty list", fn);
	cel_val best = cel_list_at(a[0], 0);
	for (size_t i = 1; i < len; i++) {
		cel_val e = cel_list_at(a[0], i);
		int r = cel_compare(e, best);
		if (r == -2)
			return cel_no_overload(c, fn);
		if (r == want)
			best = e;
	}
	return best;
}

static cel_val fn_min(cel_ctx *c, cel_val *a, size_t n) { (void)n; return min_max(c, a, -1, "min"); }
static cel_val fn_max(cel_ctx *c, cel_val *a, size_t n) { (void)n; return min_max(c, a, 1, "max"); }

cel_val cel_list_index_of(cel_ctx *c, cel_val *a, bool last)
{
	size_t len = cel_list_len(a[0]);
	for (size_t k = 0; k < len; k++) {
		size_t i = last ? len - 1 - k : k;
		if (cel_equal(cel_list_at(a[0], i), a[1]))
			return cel_int((int64_t)i);
	}
	(void)c;
	return cel_int(-1);
}

/* sets extension */
static bool list_has(cel_val l, cel_val x)
{
	for (size_t i = 0; i < cel_list_len(l); i++)
		if (cel_equal(cel_list_at(l, i), x))
			return true;
	return false;
}

static bool contains_all(cel_val a, cel_val b)
{
	for (size_t i = 0; i < cel_list_len(b); i++)
		if (!list_has(a, cel_list_at(b, i)))
			return false;
	return true;
}

static cel_val fn_sets_contains(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST || a[1].kind != CEL_LIST)
		return cel_no_overload(c, "sets.contains");
	return cel_bool(contains_all(a[0], a[1]));
}

static cel_val fn_sets_equivalent(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST || a[1].kind != CEL_LIST)
		return cel_no_overload(c, "sets.equivalent");
	return cel_bool(contains_all(a[0], a[1]) && contains_all(a[1], a[0]));
}

static cel_val fn_sets_intersects(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST || a[1].kind != CEL_LIST)
		return cel_no_overload(c, "sets.intersects");
	for (size_t i = 0; i < cel_list_len(a[1]); i++)
		if (list_has(a[0], cel_list_at(a[1], i)))
			return cel_bool(true);
	return cel_bool(false);
}

const cel_builtin cel_std_list[] = {
	{"slice", 2, 3, 3, fn_slice},
	{"flatten", 2, 1, 2, fn_flatten},
	{"lists.range", 1, 1, 1, fn_range},
	{"distinct", 2, 1, 1, fn_distinct},
	{"sort", 2, 1, 1, fn_sort},
	{"first", 2, 1, 1, fn_first},
	{"last", 2, 1, 1, fn_last},
	{"isSorted", 2, 1, 1, fn_is_sorted},
	{"sum", 2, 1, 1, fn_sum},
	{"min", 2, 1, 1, fn_min},
	{"max", 2, 1, 1, fn_max},
	{"sets.contains", 1, 2, 2, fn_sets_contains},
	{"sets.equivalent", 1, 2, 2, fn_sets_equivalent},
	{"sets.intersects", 1, 2, 2, fn_sets_intersects},
	{NULL, 0, 0, 0, NULL}
};
