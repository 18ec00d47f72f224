/* Unit tests: CEL lexer, parser, macros, name resolution (engine/cel). */
#include <criterion/criterion.h>

#include "cel_util.h"

Test(cel_parse, precedence_and_associativity)
{
	CEL_EQ("1 + 2 * 3", "7");
	CEL_EQ("(1 + 2) * 3", "9");
	CEL_EQ("10 - 4 - 3", "3");
	CEL_EQ("100 / 10 / 5", "2");
	CEL_EQ("true || false && false", "true");
	CEL_EQ("1 < 2 == true", "true");
	CEL_EQ("false ? 1 : true ? 2 : 3", "2");
	CEL_EQ("!!true", "true");
	CEL_EQ("--19", "19");
	CEL_EQ("-9223372036854775808", "-9223372036854775808");
	CEL_EQ("2 in [1, 2]", "true");
}

Test(cel_parse, literals)
{
	CEL_EQ("0x1F", "31");
	CEL_EQ("0x1Fu", "31u");
	CEL_EQ("1u", "1u");
	CEL_EQ("1.5e3", "1500.0");
	CEL_EQ(".5", "0.5");
	CEL_EQ("1e-7", "1e-07");
	CEL_EQ("r'a\\nb'", "\"a\\\\nb\"");
	CEL_EQ("'''a\nb'''", "\"a\\x0ab\"");
	CEL_EQ("'\\u00e9' == '\\xe9'", "true");
	CEL_EQ("'\\U0001F600'.size()", "1");
	CEL_EQ("'\\101\\x42'", "\"AB\"");
	CEL_EQ("b'\\xff\\001'", "b\"\\xff\\x01\"");
	CEL_EQ("size(b'\\377')", "1");
	CEL_EQ("null", "null");
	CEL_EQ("[1, 2,]", "[1, 2]");
	CEL_EQ("{'a': 1,}.a", "1");
	CEL_EQ("// comment\n 1", "1");
}

Test(cel_parse, reserved_words_as_fields)
{
	CEL_EQ("{'namespace': 'x'}.namespace", "\"x\"");
	CEL_EQ("{'in': 1}.in", "1");
	CEL_EQ("{'a-b': 2}.`a-b`", "2");
	CEL_ERR("namespace", "compile: 1:1: Syntax error: reserved identifier");
}

Test(cel_parse, errors_have_columns)
{
	CEL_ERR("1 +", "compile: 1:4: Syntax error: mismatched input <EOF>");
	CEL_ERR("a.b(", "compile: 1:5:");
	CEL_ERR("'abc", "compile: 1:1: Syntax error: unterminated string literal");
	CEL_ERR("1 = 2", "compile: 1:3: Syntax error: token recognition error");
	CEL_ERR("'\\q'", "compile: 1:2: Syntax error: invalid escape sequence");
	CEL_ERR("9223372036854775808", "compile: 1:1: Syntax error: invalid int literal");
	CEL_ERR("[1, 2", "compile: 1:6:");
	CEL_ERR("'é' + ]", "compile: 1:7:");
	CEL_ERR("1\n + )", "compile: 2:4:");
}

Test(cel_parse, nesting_limit)
{
	char buf[2048];
	memset(buf, '(', 600);
	strcpy(buf + 600, "1");
	CEL_ERR(buf, "compile: 1:");
}

Test(cel_macros, comprehensions)
{
	CEL_EQ("[1, 2, 3].all(x, x > 0)", "true");
	CEL_EQ("[1, 2, 3].exists(x, x == 2)", "true");
	CEL_EQ("[1, 2, 3].exists_one(x, x > 1)", "false");
	CEL_EQ("[1, 2, 3].map(x, x * 2)", "[2, 4, 6]");
	CEL_EQ("[1, 2, 3].map(x, x > 1, x * 10)", "[20, 30]");
	CEL_EQ("[1, 2, 3].filter(x, x % 2 == 1)", "[1, 3]");
	CEL_EQ("{'a': 1, 'b': 2}.map(k, k)", "[\"a\", \"b\"]");
	CEL_EQ("has({'a': 1}.a)", "true");
	CEL_EQ("has({'a': 1}.b)", "false");
	CEL_EQ("cel.bind(x, 2, x * x)", "4");
	CEL_EQ("[[1], [2, 3]].map(l, l.map(x, x + 1))", "[[2], [3, 4]]");
	CEL_EQ("[10, 20].all(i, v, v == (i + 1) * 10)", "true");
	CEL_EQ("[1, 2].transformList(i, v, i + v)", "[1, 3]");
	CEL_EQ("{'a': 1}.transformMap(k, v, v + 1)", "{\"a\": 2}");
	CEL_EQ("[3, 1, 2].sortBy(x, -x)", "[3, 2, 1]");
	CEL_ERR("has(a)", "compile: 1:5: invalid argument to has() macro");
	CEL_ERR("[1].all(1, true)", "compile: 1:9: argument must be a simple name");
}

Test(cel_resolve, undeclared_names)
{
	cr_assert_str_eq(cel_run_with("nope + 1", NULL, false, true),
			 "compile: 1:1: undeclared reference to 'nope' (in container '')");
	cr_assert_str_eq(cel_run_with("1 + foo(2)", NULL, false, true),
			 "compile: 1:8: undeclared reference to 'foo' (in container '')");
	CEL_ERR("nope", "error: no such attribute: nope");
	cr_assert_str_eq(cel_run_with("[1].exists(x, x == 1)", NULL, false, true), "true");
	cr_assert_str_eq(cel_run_with("object", NULL, false, true),
			 "error: no such attribute: object");
}

Test(cel_resolve, type_names)
{
	CEL_EQ("type(1) == int", "true");
	CEL_EQ("type(1u) == uint", "true");
	CEL_EQ("type([]) == list", "true");
	CEL_EQ("type(type(1)) == type", "true");
	CEL_EQ("type(null) == null_type", "true");
	CEL_EQ("type(duration('1s')) == google.protobuf.Duration", "true");
}

static char *checked(const char *expr, const char **type)
{
	static char out[2048];
	static char ty[256];
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_declare(env, "object");
	kp_error err;
	kp_error_clear(&err);
	kp_cel_prog *p = kp_cel_compile(env, expr, strlen(expr), a, &err);
	if (p) {
		snprintf(out, sizeof out, "ok");
		snprintf(ty, sizeof ty, "%s", kp_cel_prog_type(p));
		kp_cel_prog_free(p);
	} else {
		snprintf(out, sizeof out, "%u:%u: %s", err.line, err.col, err.msg);
		ty[0] = 0;
	}
	*type = ty;
	kp_arena_free(a);
	return out;
}

Test(cel_check, result_types)
{
	const char *t;
	cr_assert_str_eq(checked("object.spec.enabled", &t), "ok");
	cr_assert_str_eq(t, "dyn");   /* Kubernetes: "must evaluate to bool but got dyn" */
	cr_assert_str_eq(checked("object.spec.enabled == true", &t), "ok");
	cr_assert_str_eq(t, "bool");
	checked("object.metadata.name + '!'", &t);
	cr_assert_str_eq(t, "string");   /* the only `_+_` taking a string */
	checked("'a' + 'b'", &t);
	cr_assert_str_eq(t, "string");
	checked("[1, 2].map(x, x * 2)", &t);
	cr_assert_str_eq(t, "list(int)");
	checked("object.spec.containers.all(c, c.name != '')", &t);
	cr_assert_str_eq(t, "bool");
	checked("{'a': 1}.?a", &t);
	cr_assert_str_eq(t, "optional_type(int)");
}

Test(cel_check, kubernetes_rejects)
{
	const char *t;
	cr_assert_str_eq(checked("[1, 'a']", &t), "1:5: expected type 'int' but found 'string'");
	cr_assert_str_eq(checked("{'a': 1, 'b': 'x'}", &t), "1:15: expected type 'int' but found 'string'");
	cr_assert_str_eq(checked("[dyn(1), 'a']", &t), "ok");
	cr_assert_str_eq(checked("1 + 'a'", &t),
			 "1:3: found no matching overload for '_+_' applied to '(int, string)'");
	cr_assert_str_eq(checked("1 == 'a'", &t),
			 "1:3: found no matching overload for '_==_' applied to '(int, string)'");
	cr_assert_str_eq(checked("1 < 1.5 && 2u > 1", &t), "ok");
	cr_assert_str_eq(checked("duration('1x')", &t), "1:10: time: invalid duration \"1x\"");
	cr_assert_str_eq(checked("timestamp('yesterday')", &t),
			 "1:11: timestamp conversion error: parsing time \"yesterday\" as RFC 3339");
	cr_assert(strstr(checked("'a'.matches('(')", &t), "1:13: error parsing regexp"));
	cr_assert_str_eq(checked("undeclared.x", &t),
			 "1:1: undeclared reference to 'undeclared' (in container '')");
	cr_assert_str_eq(checked("object.x.exists(y, y)", &t), "ok");
	cr_assert_str_eq(checked("[1].all(x, x)", &t),
			 "1:12: found no matching overload for '_&&_': the predicate is not a bool");
}

Test(cel_check, orvalue_compat)
{
	CEL_ERR("1.orValue(2)", "error: no such overload");
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_orvalue_compat(env, true);
	kp_error err;
	kp_cel_prog *p = kp_cel_compile(env, "1.orValue(2) + {'a': 5}.?b.orValue(3)", 37, a, &err);
	cr_assert(p);
	kp_cel_result res;
	cr_assert_eq(kp_cel_eval(p, NULL, a, &res, &err), 0);
	cr_assert_str_eq(res.repr, "4");
	kp_cel_prog_free(p);
	kp_arena_free(a);
}

Test(cel_parse, message_construction)
{
	CEL_EQ("JSONPatch{op: 'remove', path: '/a'}", "{\"op\": \"remove\", \"path\": \"/a\"}");
	CEL_EQ("Object{spec: Object.spec{replicas: 1, ?paused: optional.none()}}",
	       "{\"spec\": {\"replicas\": 1}}");
	CEL_ERR("google.protobuf.Int32Value{value: 1}",
		"compile: 1:1: unsupported: message construction google.protobuf.Int32Value{...}");
	CEL_ERR("a.b(){x: 1}", "compile: 1:6: Syntax error");
}
