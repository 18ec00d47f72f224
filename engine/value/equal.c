/* equal.c - deep equality of decoded JSON values, as Go's reflect.DeepEqual
 * sees them after json.Unmarshal: every number is a float64 (so an int 1
 * equals a float 1.0), maps compare as sets of keys. */
#include "value/value.h"

#include <string.h>

static bool is_number(const kp_value *v)
{
	return v && (v->type == KP_INT || v->type == KP_FLOAT);
}

static double num(const kp_value *v)
{
	return v->type == KP_INT ? (double)v->u.i : v->u.f;
}

bool kp_value_equal(const kp_value *a, const kp_value *b)
{
	kp_type ta = kp_value_type(a), tb = kp_value_type(b);
	if (is_number(a) && is_number(b))
		return num(a) == num(b);
	if (ta != tb)
		return false;
	switch (ta) {
	case KP_NULL:
		return true;
	case KP_BOOL:
		return a->u.b == b->u.b;
	case KP_STRING:
		return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
	case KP_SEQ:
		if (a->u.seq.n != b->u.seq.n)
			return false;
		for (size_t i = 0; i < a->u.seq.n; i++)
			if (!kp_value_equal(a->u.seq.items[i], b->u.seq.items[i]))
				return false;
		return true;
	case KP_MAP:
		if (a->u.map.n != b->u.map.n)
			return false;
		for (size_t i = 0; i < a->u.map.n; i++) {
			const kp_value *k = a->u.map.pairs[i].key;
			const kp_value *other = NULL;
			for (size_t j = 0; j < b->u.map.n && !other; j++) {
				const kp_value *kb = b->u.map.pairs[j].key;
				if (kb->u.s.len == k->u.s.len && !memcmp(kb->u.s.ptr, k->u.s.ptr, k->u.s.len))
					other = b->u.map.pairs[j].value;
			}
			if (!other || !kp_value_equal(a->u.map.pairs[i].value, other))
				return false;
		}
		return true;
	default:
		return false;
	}
}
