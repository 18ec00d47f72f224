/* Unit tests: scalar pattern comparison (pkg/engine/pattern) and the
 * operator parser (pkg/engine/operator). */
#include "pattern_util.h"

TestSuite(operator, .fini = kp_t_cleanup);
TestSuite(leaf, .fini = kp_t_cleanup);

static kp_arena *arena(void)
{
	return kp_t_arena();
}

/* value (YAML, Kubernetes typing) against pattern (YAML) */
static bool lm(const char *value, const char *pattern)
{
	kp_leaf leaf;
	kp_leaf_compile(arena(), ys(pattern), &leaf);
	return kp_leaf_match(&leaf, ys(value));
}

static bool lm_null(const char *pattern)
{
	kp_leaf leaf;
	kp_leaf_compile(arena(), ys(pattern), &leaf);
	return kp_leaf_match(&leaf, NULL);
}

static const char *op(const char *s)
{
	return kp_op_token(kp_op_parse(s, strlen(s), NULL, NULL, NULL, NULL));
}

Test(operator, parse)
{
	cr_assert_str_eq(op(">=5"), ">=");
	cr_assert_str_eq(op("<= 5"), "<=");
	cr_assert_str_eq(op(">5"), ">");
	cr_assert_str_eq(op(">>5"), ">");     /* operand ">5", never numeric */
	cr_assert_str_eq(op("<5"), "<");
	cr_assert_str_eq(op("!foo"), "!");
	cr_assert_str_eq(op("!5-9"), "!");    /* NotEqual of "5-9" */
	cr_assert_str_eq(op("10!-20"), "!-");
	cr_assert_str_eq(op("1-10"), "-");
	cr_assert_str_eq(op("-10--5"), "-");
	cr_assert_str_eq(op("0Mi-1024Mi"), "-");
	cr_assert_str_eq(op("1e-5"), "-");    /* [1e, 5] by the regex */
	cr_assert_str_eq(op("test-value"), "");
	cr_assert_str_eq(op("value-*"), "");
	cr_assert_str_eq(op(">"), "");        /* shorter than 2 */
	cr_assert_str_eq(op(""), "");
	const char *lo, *hi;
	size_t ll, hl;
	cr_assert_eq(kp_op_parse("-10--5", 6, &lo, &ll, &hi, &hl), KP_OP_IN_RANGE);
	cr_assert_eq(ll, 3);
	cr_assert_eq(strncmp(lo, "-10", 3), 0);
	cr_assert_eq(hl, 2);
	cr_assert_eq(strncmp(hi, "-5", 2), 0);
}

Test(leaf, number_patterns_are_float64)
{
	cr_assert(lm("8", "8"));
	cr_assert(lm("8", "8.0"));
	cr_assert_not(lm("8", "8.5"));
	cr_assert(lm("7.9914", "7.9914"));
	cr_assert(lm("'8'", "8"));            /* string parsed as a float */
	cr_assert(lm("'8.0'", "8"));
	cr_assert_not(lm("abc", "8"));
	cr_assert_not(lm("true", "1"));
	cr_assert_not(lm("null", "0"));
}

Test(leaf, bool_and_null_patterns)
{
	cr_assert(lm("true", "true"));
	cr_assert_not(lm("'true'", "true"));
	cr_assert(lm("null", "null"));
	cr_assert(lm("''", "null"));
	cr_assert(lm("0", "null"));
	cr_assert(lm("0.0", "null"));
	cr_assert(lm("false", "null"));
	cr_assert_not(lm("{}", "null"));
	cr_assert_not(lm("[]", "null"));
	cr_assert_not(lm("x", "null"));
}

Test(leaf, operators_on_numbers_and_quantities)
{
	cr_assert(lm("4", "'>= 3'"));
	cr_assert(lm("3", "'>=3'"));
	cr_assert_not(lm("2", "'>=3'"));
	cr_assert(lm("1Gi", "'>512Mi'"));
	cr_assert(lm("1Gi", "'1024Mi'"));
	cr_assert(lm("1G", "'<1Gi'"));
	cr_assert(lm("500m", "'<=0.5'"));
	cr_assert(lm("1024", "'1024'"));      /* int value, quantity compare */
	cr_assert(lm("3.1", "'<3.2'"));       /* float as %f text */
	cr_assert(lm("5", "'!4'"));
	cr_assert_not(lm("4", "'!4'"));
	cr_assert_not(lm("abc", "'>1'"));     /* no ordering on text */
	cr_assert_not(lm("8", "'>>5'"));
}

Test(leaf, ranges)
{
	cr_assert(lm("5", "1-10"));
	cr_assert(lm("1", "1-10"));
	cr_assert(lm("10", "1-10"));
	cr_assert_not(lm("11", "1-10"));
	cr_assert(lm("512Mi", "0Mi-1024Mi"));
	cr_assert(lm("-7", "'-10--5'"));
	cr_assert_not(lm("-4", "'-10--5'"));
	cr_assert(lm("25", "10!-20"));
	cr_assert(lm("5", "10!-20"));
	cr_assert_not(lm("15", "10!-20"));
	cr_assert(lm("5-9", "'!5-9'") == false);  /* NotEqual of the text */
	cr_assert(lm("7", "'!5-9'"));
}

Test(leaf, durations_before_quantities)
{
	cr_assert(lm("2m", "'>90s'"));        /* m = minutes between durations */
	cr_assert_not(lm("2m", "'>1'"));      /* m = milli against a quantity */
	cr_assert(lm("1h30m", "'<2h'"));
	cr_assert(lm("300ms", "'0.3s'"));
	cr_assert(lm("0", "'<1s'"));
}

Test(leaf, alternatives_and_conjunctions)
{
	cr_assert(lm("8", "<4|8"));
	cr_assert(lm("a|b", "a|b"));          /* whole-string equality first */
	cr_assert(lm("b", "a | b"));
	cr_assert(lm("5", "'>1 & <10'"));
	cr_assert_not(lm("15", "'>1 & <10'"));
	cr_assert(lm("web", "'!api&!db'"));
	cr_assert_not(lm("db", "'!api&!db'"));
}

Test(leaf, string_forms_of_values)
{
	cr_assert(lm("8080", "80*"));         /* int as decimal */
	/* floats as %E (integral floats become ints under Kubernetes typing) */
	cr_assert_not(lm("8080.5", "80*"));
	cr_assert(lm("8080.5", "8.0805E+03"));
	cr_assert(lm("0.5", "5E-01"));
	cr_assert(lm("1.5", "1.5E+00"));
	cr_assert(lm("true", "tr*"));
	cr_assert(lm("''", "'*'"));
	cr_assert_not(lm("''", "'?*'"));
}

Test(leaf, null_value_semantics)
{
	cr_assert(lm_null("'<3'"));
	cr_assert(lm_null("'>=0'"));
	cr_assert(lm_null("'!5'"));
	cr_assert(lm_null("'0-10'"));
	cr_assert_not(lm_null("'!foo'"));
	cr_assert_not(lm_null("'?*'"));
	cr_assert_not(lm_null("'foo'"));
	cr_assert_not(lm_null("'a|*'"));
	cr_assert(lm_null("null"));
}

Test(gofmt, floats)
{
	char b[64];
	kp_go_float_E(1.0, b, sizeof b);
	cr_assert_str_eq(b, "1E+00");
	kp_go_float_E(8080.0, b, sizeof b);
	cr_assert_str_eq(b, "8.08E+03");
	kp_go_float_E(1e-7, b, sizeof b);
	cr_assert_str_eq(b, "1E-07");
	kp_go_float_E(0.1, b, sizeof b);
	cr_assert_str_eq(b, "1E-01");
	kp_go_float_f(3.1, b, sizeof b);
	cr_assert_str_eq(b, "3.100000");
	kp_go_float_v(8, b, sizeof b);
	cr_assert_str_eq(b, "8");
	kp_go_float_v(1e6, b, sizeof b);
	cr_assert_str_eq(b, "1e+06");
	kp_go_float_v(123456, b, sizeof b);
	cr_assert_str_eq(b, "123456");
	kp_go_float_v(0.5, b, sizeof b);
	cr_assert_str_eq(b, "0.5");
	kp_go_float_v(1e-5, b, sizeof b);
	cr_assert_str_eq(b, "1e-05");
}

/* "?*" is decided by the text's length (one rune or more); the same
 * answers as kp_wildcard_match over every kind of value. */
Test(leaf, set_pattern_is_any_nonempty_text)
{
	cr_assert(lm("a", "'?*'"));
	cr_assert(lm("'é'", "'?*'"));
	cr_assert(lm("\"\\xff\"", "'?*'"));
	cr_assert(lm("0", "'?*'"));
	cr_assert(lm("false", "'?*'"));
	cr_assert(lm("1.5", "'?*'"));
	cr_assert(!lm("''", "'?*'"));
	cr_assert(!lm_null("'?*'"));
	cr_assert(!lm("{a: 1}", "'?*'"));
	cr_assert(!lm("a", "'!?*'"));
	cr_assert(lm("''", "'!?*'"));
	cr_assert(lm("a", "'?* | x'"));
	cr_assert(!lm("''", "'?* & x'"));
}
