/* cel/cel_lib_kyverno_transform.c - Kyverno's transform library
 * (kyverno/sdk extensions/cel/libs/transform): listObjToMap(keys, values,
 * keyField, valueField) and, since library 1.18,
 * transform.listObjToMap: a map from keys[i][keyField] (a string) to
 * values[i][valueField] (null when absent), later entries winning, with
 * Kyverno's error texts. */
#include "cel/cel_int.h"

/* Go's %T of the native value cel-go converts v to. */
static const char *go_type(cel_val v)
{
	switch (v.kind) {
	case CEL_STRING: return "string";
	case CEL_INT: return "int64";
	case CEL_UINT: return "uint64";
	case CEL_DOUBLE: return "float64";
	case CEL_BOOL: return "bool";
	case CEL_NULL: return "<nil>";
	case CEL_BYTES: return "[]uint8";
	case CEL_LIST: return "[]interface {}";
	default: return cel_type_name(v);
	}
}

/* entryToStringMap: a map with string keys, else an error value. */
static bool string_map(cel_ctx *c, cel_val e, cel_val *err)
{
	if (e.kind != CEL_MAP) {
		*err = cel_err(c, "object cannot be handled as a map, %s", go_type(e));
		return false;
	}
	for (size_t i = 0; i < cel_map_len(e); i++) {
		cel_val k = cel_map_key_at(e, i);
		if (k.kind != CEL_STRING) {
			*err = cel_err(c, "failed to convert key to a string, %s", go_type(k));
			return false;
		}
	}
	return true;
}

static cel_val fn_list_obj_to_map(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_LIST || a[1].kind != CEL_LIST || a[2].kind != CEL_STRING ||
	    a[3].kind != CEL_STRING)
		return cel_no_overload(c, "listObjToMap");
	size_t n1 = cel_list_len(a[0]), n2 = cel_list_len(a[1]);
	if (n1 != n2)
		return cel_err(c, "listObjToMap must take lists of equal length. list1: %zu, list2: %zu",
			       n1, n2);
	cel_val out = cel_map_new(c, n1);
	cel_map *m = (cel_map *)out.u.m;
	for (size_t i = 0; i < n1; i++) {
		cel_val e1 = cel_list_at(a[0], i), e2 = cel_list_at(a[1], i), err, k, v;
		if (!string_map(c, e1, &err))
			return err;
		if (!cel_map_find(e1, a[2], &k) || k.kind != CEL_STRING)
			return cel_err(c, "the passed key name cannot be handled as a string in the key object list");
		if (!string_map(c, e2, &err))
			return cel_err(c, "object cannot be handled as a map string to any in the value object list");
		if (!cel_map_find(e2, a[3], &v))
			v = cel_null();
		c->steps += m->n;   /* the duplicate search is quadratic */
		if (c->steps > CEL_MAX_STEPS)
			return cel_err(c, "operation cancelled: actual cost limit exceeded");
		size_t j = 0;
		while (j < m->n && !cel_equal(m->keys[j], k))
			j++;
		m->keys[j] = k;
		m->vals[j] = v;
		if (j == m->n)
			m->n++;
	}
	return out;
}

const cel_builtin cel_lib_kyverno_transform[] = {
	{"listObjToMap", 1 | CEL_FN_KYVERNO, 4, 4, fn_list_obj_to_map},
	{"transform.listObjToMap", 1 | CEL_FN_KYVERNO, 4, 4, fn_list_obj_to_map},
	{NULL, 0, 0, 0, NULL}
};
