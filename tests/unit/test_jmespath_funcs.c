/* Unit tests: the JMESPath built-in functions and the function registry. */
#include "jmespath_util.h"

#define T_INVALID(expr, data) \
	cr_assert_eq(jp_kind(expr, data), KP_JP_E_INVALID_TYPE, "%s", expr)

Test(jp_func, abs_ceil_floor)
{
	assert_jp("abs(`-3`)", NULL, "3");
	assert_jp("abs(`-3.5`)", NULL, "3.5");
	assert_jp("abs(`2`)", NULL, "2");
	assert_jp("ceil(`1.2`)", NULL, "2");
	assert_jp("ceil(`-1.2`)", NULL, "-1");
	assert_jp("floor(`1.8`)", NULL, "1");
	assert_jp("floor(`5`)", NULL, "5");
	T_INVALID("abs('1')", NULL);
	T_INVALID("ceil(`null`)", NULL);
	T_INVALID("floor(`[]`)", NULL);
}

Test(jp_func, avg_sum_max_min)
{
	assert_jp("avg(`[1, 2, 3, 4]`)", NULL, "2.5");
	assert_jp("avg(`[]`)", NULL, "null");
	assert_jp("sum(`[1, 2.5]`)", NULL, "3.5");
	assert_jp("sum(`[]`)", NULL, "0");
	assert_jp("max(`[1, 3.5, 2]`)", NULL, "3.5");
	assert_jp("max(`[\"a\", \"c\", \"b\"]`)", NULL, "\"c\"");
	assert_jp("max(`[]`)", NULL, "null");
	assert_jp("min(`[4, -1, 2]`)", NULL, "-1");
	assert_jp("min(`[\"b\", \"a\"]`)", NULL, "\"a\"");
	T_INVALID("avg(`[1, \"a\"]`)", NULL);
	T_INVALID("sum(`[true]`)", NULL);
	T_INVALID("max(`[1, \"a\"]`)", NULL);
	T_INVALID("min(`{}`)", NULL);
}

Test(jp_func, max_by_min_by)
{
	const char *p = "[{\"a\": 2, \"s\": \"b\"}, {\"a\": 5, \"s\": \"a\"}, {\"a\": 5, \"s\": \"c\"}]";
	assert_jp("max_by(@, &a).s", p, "\"a\"");   /* first of the largest */
	assert_jp("min_by(@, &a).s", p, "\"b\"");
	assert_jp("max_by(@, &s).a", p, "5");
	assert_jp("min_by(`[]`, &a)", NULL, "null");
	T_INVALID("max_by(@, &x)", p);
	T_INVALID("min_by(`[{\"a\": 1}, {\"a\": \"x\"}]`, &a)", NULL);
	T_INVALID("max_by(@, a)", p);
}

Test(jp_func, contains_starts_ends)
{
	assert_jp("contains(`[1, \"a\", {\"b\": 1}]`, `{\"b\": 1.0}`)", NULL, "true");
	assert_jp("contains(`[1]`, `2`)", NULL, "false");
	assert_jp("contains('foobar', 'oba')", NULL, "true");
	assert_jp("contains('foobar', '')", NULL, "true");
	assert_jp("contains('foobar', `1`)", NULL, "false");
	assert_jp("starts_with('foobar', 'foo')", NULL, "true");
	assert_jp("starts_with('fo', 'foo')", NULL, "false");
	assert_jp("ends_with('foobar', 'bar')", NULL, "true");
	assert_jp("ends_with('foobar', 'foo')", NULL, "false");
	T_INVALID("contains(`1`, `1`)", NULL);
	T_INVALID("starts_with(`1`, 'a')", NULL);
	T_INVALID("ends_with('a', `1`)", NULL);
}

Test(jp_func, join_keys_values_length)
{
	assert_jp("join(', ', `[\"a\", \"b\"]`)", NULL, "\"a, b\"");
	assert_jp("join('-', `[]`)", NULL, "\"\"");
	T_INVALID("join('-', `[1]`)", NULL);
	assert_jp("keys(@)", "{\"b\": 1, \"a\": 2}", "[\"b\",\"a\"]");
	assert_jp("values(@)", "{\"b\": 1, \"a\": 2}", "[1,2]");
	T_INVALID("keys(`[]`)", NULL);
	assert_jp("length('\xc3\xa9t\xc3\xa9')", NULL, "3");
	assert_jp("length(`[1, 2]`)", NULL, "2");
	assert_jp("length(`{\"a\": 1}`)", NULL, "1");
	T_INVALID("length(`1`)", NULL);
}

Test(jp_func, map_merge_not_null)
{
	assert_jp("map(&a, @)", "[{\"a\": 1}, {}, {\"a\": 3}]", "[1,null,3]");
	assert_jp("map(&[0], `[[1], [2]]`)", NULL, "[1,2]");
	T_INVALID("map(&a, `{}`)", NULL);
	assert_jp("merge(`{\"a\": 1, \"b\": 1}`, `{\"b\": 2}`, `{\"c\": 3}`)", NULL,
		  "{\"a\":1,\"b\":2,\"c\":3}");
	assert_jp("merge(`{\"a\": 1}`)", NULL, "{\"a\":1}");
	T_INVALID("merge(`{}`, `[]`)", NULL);
	assert_jp("not_null(a, b, `null`, 'x', 'y')", "{}", "\"x\"");
	assert_jp("not_null(`null`)", NULL, "null");
}

Test(jp_func, reverse_sort_sort_by)
{
	assert_jp("reverse(`[1, 2, 3]`)", NULL, "[3,2,1]");
	assert_jp("reverse('ab\xc3\xa9')", NULL, "\"\xc3\xa9" "ba\"");
	T_INVALID("reverse(`1`)", NULL);
	assert_jp("sort(`[3, 1.5, 2]`)", NULL, "[1.5,2,3]");
	assert_jp("sort(`[\"b\", \"B\", \"a\"]`)", NULL, "[\"B\",\"a\",\"b\"]");
	assert_jp("sort(`[]`)", NULL, "[]");
	T_INVALID("sort(`[1, \"a\"]`)", NULL);
	const char *p = "[{\"k\": 2, \"i\": 0}, {\"k\": 1, \"i\": 1}, {\"k\": 2, \"i\": 2},"
			" {\"k\": 1, \"i\": 3}]";
	assert_jp("sort_by(@, &k)[*].i", p, "[1,3,0,2]");  /* stable */
	assert_jp("sort_by(@, &to_string(i))[*].i", p, "[0,1,2,3]");
	T_INVALID("sort_by(@, &missing)", p);
}

Test(jp_func, conversions_and_type)
{
	assert_jp("to_array(`1`)", NULL, "[1]");
	assert_jp("to_array(`[1]`)", NULL, "[1]");
	assert_jp("to_string('a')", NULL, "\"a\"");
	assert_jp("to_string(`{\"a\": [1, 2.5, \"x\\\"\"]}`)", NULL,
		  "\"{\\\"a\\\":[1,2.5,\\\"x\\\\\\\"\\\"]}\"");
	assert_jp("to_string(`null`)", NULL, "\"null\"");
	assert_jp("to_number('12')", NULL, "12");
	assert_jp("to_number(' 1.5 ')", NULL, "1.5");
	assert_jp("to_number('-1e3')", NULL, "-1000");
	assert_jp("to_number('1e21')", NULL, "1e+21");
	assert_jp("to_number('x1')", NULL, "null");
	assert_jp("to_number('')", NULL, "null");
	assert_jp("to_number('1e999')", NULL, "null");
	assert_jp("to_number(`true`)", NULL, "null");
	assert_jp("to_number(`3`)", NULL, "3");
	assert_jp("[type(`1`), type('a'), type(`true`), type(`[]`), type(`{}`), type(`null`)]",
		  "{}", "[\"number\",\"string\",\"boolean\",\"array\",\"object\",\"null\"]");
}

static void count_fn(void *ud, const kp_jp_func *f)
{
	(*(int *)ud)++;
	cr_assert_not_null(f->impl, "%s", f->name);
	cr_assert(f->min_args <= f->max_args, "%s", f->name);
}

Test(jp_registry, lookup_listing_and_type_names)
{
	cr_assert_not_null(kp_jp_func_find("sort_by", 7, KP_JP_PLAIN));
	cr_assert_not_null(kp_jp_func_find("sort_byX", 7, KP_JP_KYVERNO));
	cr_assert_null(kp_jp_func_find("sort_b", 6, KP_JP_PLAIN));
	int n = 0;
	kp_jp_func_each(KP_JP_PLAIN, count_fn, &n);
	cr_assert_eq(n, 26);
	char buf[128];
	cr_assert_str_eq(kp_jp_type_names(KP_JP_T_ANY, buf, sizeof buf), "any");
	cr_assert_str_eq(kp_jp_type_names(KP_JP_T_STRING | KP_JP_T_ARRAY, buf, sizeof buf),
			 "string|array");
	cr_assert_str_eq(kp_jp_type_names(KP_JP_T_ARRAY_NUMBER | KP_JP_T_ARRAY_STRING, buf,
					  sizeof buf), "array[number]|array[string]");
	cr_assert_str_eq(kp_jp_kind_name(KP_JP_E_INVALID_ARITY), "invalid-arity");
}

Test(jp_registry, error_messages_name_the_function)
{
	jp_run r = jp_mode(KP_JP_PLAIN, "length(`1`)", NULL);
	cr_assert_eq(r.kind, KP_JP_E_INVALID_TYPE);
	cr_assert(strstr(r.err.msg, "length() argument 1: expected string|array|object, got number"),
		  "%s", r.err.msg);
	cr_assert_eq(r.err.col, 8);
}

Test(jp_value, helpers)
{
	kp_arena *a = jp_test_arena();
	kp_value *arr = kp_jp_new_array(a, 0);
	for (int i = 0; i < 100; i++)
		kp_jp_array_push(a, arr, kp_jp_new_int(a, i));
	cr_assert_eq(arr->u.seq.n, 100);
	cr_assert_eq(arr->u.seq.items[99]->u.i, 99);
	kp_value *obj = kp_jp_new_object(a, 1);
	for (int i = 0; i < 40; i++) {
		char k[8];
		snprintf(k, sizeof k, "k%d", i % 20);
		kp_jp_object_set(a, obj, kp_jp_new_str(a, k, strlen(k)), kp_jp_new_int(a, i));
	}
	cr_assert_eq(obj->u.map.n, 20);
	cr_assert_eq(kp_jp_get(obj, "k3", 2)->u.i, 23);
	cr_assert_eq(kp_jp_new_number(a, 2.0)->type, KP_INT);
	cr_assert_eq(kp_jp_new_number(a, 2.5)->type, KP_FLOAT);
	cr_assert_eq(kp_jp_new_number(a, 1e300)->type, KP_FLOAT);
	cr_assert(kp_jp_truthy(kp_jp_new_int(a, 0)));
	cr_assert_not(kp_jp_truthy(kp_jp_null()));
	cr_assert_str_eq(kp_jp_to_json(a, kp_jp_new_number(a, 0.1 + 0.2), true, NULL),
			 "0.30000000000000004");
	cr_assert_str_eq(kp_jp_to_json(a, kp_jp_new_str(a, "\x01\n\xe2\x80\xa8", 5), true, NULL),
			 "\"\\u0001\\n\\u2028\"");
}
