/* Unit tests: condition operators (policy/condition_ops.c), strict JSON
 * (value/json_parse.c), deep equality and semantic versions. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy.h"

static kp_arena *a;
static void setup(void) { a = kp_arena_new(); }
static void teardown(void) { kp_arena_free(a); }

static const kp_value *j(const char *json)
{
	const kp_value *v = kp_json_parse(a, json, strlen(json));
	cr_assert_not_null(v, "not JSON: %s", json);
	return v;
}

static int eval(const char *op, const char *key, const char *value)
{
	return kp_cond_eval(kp_cond_op_parse(op), j(key), j(value), a);
}

TestSuite(conditions, .init = setup, .fini = teardown);

Test(conditions, operator_names_are_case_insensitive_with_aliases)
{
	cr_assert_eq(kp_cond_op_parse("equals"), KP_COND_EQUALS);
	cr_assert_eq(kp_cond_op_parse("Equal"), KP_COND_EQUALS);
	cr_assert_eq(kp_cond_op_parse("NOTEQUAL"), KP_COND_NOT_EQUALS);
	cr_assert_eq(kp_cond_op_parse("durationlessthanorequals"), KP_COND_DUR_LTE);
	cr_assert_eq(kp_cond_op_parse("Equalz"), KP_COND_UNKNOWN);
	cr_assert_eq(eval("Bogus", "1", "1"), -1, "an unknown operator is an error");
}

Test(conditions, equals_is_asymmetric)
{
	cr_assert_eq(eval("Equals", "5", "\"5\""), 1);
	cr_assert_eq(eval("Equals", "\"5\"", "5"), 0);
	cr_assert_eq(eval("Equals", "\"nginx\"", "\"ng*\""), 1, "the value is the pattern");
	cr_assert_eq(eval("Equals", "\"ng*\"", "\"nginx\""), 0);
	cr_assert_eq(eval("Equals", "\"1Gi\"", "\"1024Mi\""), 1);
	cr_assert_eq(eval("Equals", "\"12\"", "\"1*\""), 0, "a quantity key never falls back to wildcards");
	cr_assert_eq(eval("Equals", "\"1h\"", "3600"), 1);
	cr_assert_eq(eval("Equals", "null", "null"), 0);
	cr_assert_eq(eval("NotEquals", "null", "1"), 0);
	cr_assert_eq(eval("NotEquals", "true", "\"true\""), 1, "a type mismatch is not equal");
	cr_assert_eq(eval("Equals", "{\"a\":[1,2]}", "{\"a\":[1.0,2]}"), 1);
}

Test(conditions, numeric_operators_try_durations_quantities_floats_semver)
{
	cr_assert_eq(eval("GreaterThan", "3600", "\"59m\""), 1);
	cr_assert_eq(eval("GreaterThan", "\"500m\"", "\"8h\""), 1, "500m is 500 minutes here");
	cr_assert_eq(eval("GreaterThan", "\"1Gi\"", "\"1G\""), 1);
	cr_assert_eq(eval("GreaterThan", "\"1.10.0\"", "\"1.9.0\""), 1);
	cr_assert_eq(eval("LessThan", "\"1.0.0-alpha\"", "\"1.0.0\""), 1);
	cr_assert_eq(eval("LessThan", "\"abc\"", "\"abd\""), 0, "no lexical comparison");
	cr_assert_eq(eval("GreaterThan", "\"v1.2.3\"", "\"1.0.0\""), 0, "strict semver");
	cr_assert_eq(eval("DurationGreaterThanOrEquals", "\"1h\"", "3600"), 1);
	cr_assert_eq(eval("DurationLessThan", "1.9", "\"1500ms\""), 1, "1.9 seconds truncate to 1s");
}

Test(conditions, set_operators)
{
	cr_assert_eq(eval("AnyIn", "[\"nginx\"]", "[\"ng*\"]"), 1, "wildcards both ways");
	cr_assert_eq(eval("AllIn", "[]", "[\"a\"]"), 1);
	cr_assert_eq(eval("AnyIn", "[]", "[\"a\"]"), 0);
	cr_assert_eq(eval("AnyIn", "\"a\"", "\"[\\\"a\\\",\\\"b\\\"]\""), 1, "a JSON string array");
	cr_assert_eq(eval("AnyIn", "\"x\"", "\"x\""), 1);
	cr_assert_eq(eval("AnyIn", "\"5\"", "\"1-10\""), 1, "a range");
	cr_assert_eq(eval("AnyNotIn", "[\"11\"]", "\"1-10\""), 1);
	cr_assert_eq(eval("AllIn", "[1]", "2"), 0, "a scalar number value only for AnyIn/AnyNotIn");
	cr_assert_eq(eval("AnyIn", "[2]", "2"), 1);
	cr_assert_eq(eval("AnyNotIn", "\"a\"", "{\"a\":1}"), 0, "an invalid value is false, negated too");
	cr_assert_eq(eval("In", "[\"x\"]", "\"x\""), 1);
	cr_assert_eq(eval("NotIn", "[\"x\"]", "\"x\""), 1, "the upstream quirk, kept");
	cr_assert_eq(eval("In", "[1]", "[\"1\"]"), -1, "upstream panics on a non-string key element");
}

Test(conditions, json_is_strict)
{
	cr_assert_null(kp_json_parse(a, "[a, b]", 6));
	cr_assert_null(kp_json_parse(a, "{\"a\":1,}", 8));
	cr_assert_null(kp_json_parse(a, "01", 2));
	cr_assert_null(kp_json_parse(a, "\"\t\"", 3), "raw control characters");
	const kp_value *v = j("{\"a\": 1, \"b\": 2.5, \"a\": \"last\", \"u\": \"\\u00e9\\ud83d\\ude00\"}");
	cr_assert_eq(kp_value_len(v), 3, "a duplicate key keeps one place");
	cr_assert_str_eq(kp_value_str(kp_value_get(v, "a"), NULL), "last");
	cr_assert_eq(kp_value_type(kp_value_get(v, "b")), KP_FLOAT);
	cr_assert_str_eq(kp_value_str(kp_value_get(v, "u"), NULL), "é😀");
	cr_assert_eq(kp_value_type(j("1e2")), KP_FLOAT);
	cr_assert_eq(kp_value_type(j(" -7 ")), KP_INT);
}

Test(conditions, semver_is_strict_and_orders_prereleases)
{
	kp_semver x, y;
	cr_assert(kp_semver_parse("1.2.3-alpha.1+build.5", 21, &x));
	cr_assert_not(kp_semver_parse("v1.2.3", 6, &x));
	cr_assert_not(kp_semver_parse("1.2", 3, &x));
	cr_assert_not(kp_semver_parse("01.2.3", 6, &x));
	cr_assert_not(kp_semver_parse("1.2.3-01", 8, &x));
	cr_assert(kp_semver_parse("1.0.0-alpha.1", 13, &x));
	cr_assert(kp_semver_parse("1.0.0-alpha.beta", 16, &y));
	cr_assert_eq(kp_semver_cmp(&x, &y), -1, "numeric identifiers rank below alphanumeric");
	cr_assert(kp_semver_parse("1.0.0-alpha", 11, &y));
	cr_assert_eq(kp_semver_cmp(&y, &x), -1, "a shorter list ranks lower");
}
