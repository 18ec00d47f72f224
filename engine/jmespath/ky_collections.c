/* ky_collections.c - lookup, items, object_from_lists. */
#include "jmespath/ky_internal.h"

#include <math.h>
#include <stdlib.h>

KY_FN(ky_lookup)
{
	const kp_value *coll = ARG(0), *key = ARG(1);
	if (coll->type == KP_MAP) {
		if (key->type != KP_STRING)
			return ky_type_error(c, 2, "String");
		const kp_value *v = kp_jp_get(coll, key->u.s.ptr, key->u.s.len);
		*out = v ? v : kp_jp_null();
		return 0;
	}
	if (!kp_jp_is_number(key))
		return ky_type_error(c, 2, "Number");
	double d = kp_jp_num(key);
	if (d != floor(d) || isinf(d)) {
		char t[40];
		kp_go_float_v(d, t, sizeof t);
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "expected an integer number but got: %s", t);
	}
	*out = d >= 0 && d < (double)coll->u.seq.n ? coll->u.seq.items[(size_t)d] : kp_jp_null();
	return 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const kp_value *x = ((const kp_pair *)a)->key, *y = ((const kp_pair *)b)->key;
	return kp_bytes_cmp(x->u.s.ptr, x->u.s.len, y->u.s.ptr, y->u.s.len);
}

static const kp_value *entry(kp_jp_call *c, const kp_value *kname, const kp_value *k,
			     const kp_value *vname, const kp_value *v)
{
	kp_value *o = kp_jp_new_object(c->arena, 2);
	kp_jp_object_set(c->arena, o, kname, k);
	kp_jp_object_set(c->arena, o, vname, v);
	return o;
}

/* Objects: [{keyName: k, valName: v}] by byte order of k; arrays:
 * [{keyName: index, valName: item}]. */
KY_FN(ky_items)
{
	const kp_value *coll = ARG(0), *kn = ARG(1), *vn = ARG(2);
	kp_value *res;
	if (coll->type == KP_MAP) {
		size_t m = coll->u.map.n;
		kp_pair *sorted = kp_arena_alloc(c->arena, (m + 1) * sizeof *sorted);
		for (size_t i = 0; i < m; i++)
			sorted[i] = coll->u.map.pairs[i];
		qsort(sorted, m, sizeof *sorted, pair_cmp);
		res = kp_jp_new_array(c->arena, m);
		for (size_t i = 0; i < m; i++)
			kp_jp_array_push(c->arena, res, entry(c, kn, sorted[i].key, vn, sorted[i].value));
	} else {
		res = kp_jp_new_array(c->arena, coll->u.seq.n);
		for (size_t i = 0; i < coll->u.seq.n; i++)
			kp_jp_array_push(c->arena, res,
					 entry(c, kn, kp_jp_new_int(c->arena, (int64_t)i), vn,
					       coll->u.seq.items[i]));
	}
	*out = res;
	return 0;
}

KY_FN(ky_object_from_lists)
{
	const kp_value *keys = ARG(0), *vals = ARG(1);
	kp_value *o = kp_jp_new_object(c->arena, keys->u.seq.n);
	for (size_t i = 0; i < keys->u.seq.n; i++) {
		size_t kl;
		const char *k = ky_to_text(c, keys->u.seq.items[i], &kl);
		if (!k)
			return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "keys must be strings, numbers or booleans");
		kp_jp_object_set(c->arena, o, ky_str(c, k, kl),
				 i < vals->u.seq.n ? vals->u.seq.items[i] : kp_jp_null());
	}
	*out = o;
	return 0;
}
