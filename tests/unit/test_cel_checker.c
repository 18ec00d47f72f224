/* Unit tests: what the CEL checker rejects at compile time as cel-go does
 * with the options Kubernetes and Kyverno turn on (../shared/docs/
 * kyverno-cel.md §8 and §22 item 6), one test per case, and the static
 * types of composited variables (engine/cel/cel_check.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cel/cel.h"
#include "policy/policy_cel.h"

/* Compile expr in a checking environment declaring `object` and the
 * composited variables vars[0..2n) (name, expression pairs, each typed by
 * its own compilation); "ok <type>" or "<line>:<col>: <message>". */
static const char *check_with(const char *expr, const char *const *vars, size_t n)
{
	static char out[1200];
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_check(env, true);
	kp_cel_env_declare(env, "object");
	kp_error err;
	kp_error_clear(&err);
	kp_cel_prog *progs[8] = {0};
	for (size_t i = 0; i < n; i++) {
		progs[i] = kp_cel_compile(env, vars[2 * i + 1], strlen(vars[2 * i + 1]), a, &err);
		cr_assert_not_null(progs[i], "%s: %s", vars[2 * i + 1], err.msg);
		kp_cel_env_variable(env, vars[2 * i], progs[i]);
	}
	kp_cel_prog *p = kp_cel_compile(env, expr, strlen(expr), a, &err);
	if (p)
		snprintf(out, sizeof out, "ok %s", kp_cel_prog_type(p));
	else
		snprintf(out, sizeof out, "%u:%u: %s", err.line, err.col, err.msg);
	kp_cel_prog_free(p);
	for (size_t i = 0; i < n; i++)
		kp_cel_prog_free(progs[i]);
	kp_arena_free(a);
	return out;
}

static const char *check(const char *expr)
{
	return check_with(expr, NULL, 0);
}

#define CHECKS(expr, want) cr_assert_str_eq(check(expr), want, "%s gave %s", expr, check(expr))

/* ---- undeclared names ---- */

Test(cel_checker, undeclared_identifier)
{
	CHECKS("nope + 1", "1:1: undeclared reference to 'nope' (in container '')");
	CHECKS("object.a && nope.b", "1:13: undeclared reference to 'nope' (in container '')");
}

Test(cel_checker, undeclared_global_function)
{
	/* a call is located at its '(' as in cel-go */
	CHECKS("1 + foo(2)", "1:8: undeclared reference to 'foo' (in container '')");
	CHECKS("'a'.nope()", "1:9: undeclared reference to 'nope' (in container '')");
}

Test(cel_checker, comprehension_variable_out_of_scope)
{
	CHECKS("[1].all(x, x > 0) && x > 0", "1:22: undeclared reference to 'x' (in container '')");
}

Test(cel_checker, undeclared_composited_variable)
{
	static const char *const vars[] = {"a", "1"};
	cr_assert_str_eq(check_with("variables.b == 1", vars, 1), "1:10: undefined field 'b'");
}

/* ---- result types (Kubernetes compile.go, Kyverno CompileValidation) ---- */

static const char *policy_compile(const char *expr, const char *want)
{
	static char out[1200];
	kp_policy *p = kp_xcalloc(1, sizeof *p);
	p->arena = kp_arena_new();
	p->name = "p";
	kp_value *node = kp_value_new_str(p->arena, expr, strlen(expr), "p.yaml", 3, 17);
	static const char *const names[] = {"object"};
	kp_cel_env *env = kp_policy_cel_env(p->arena, names, 1);
	const char *problem = NULL;
	kp_error err;
	kp_error_clear(&err);
	const kp_cel_prog *prog = kp_policy_cel_compile(p, env, node, "/spec/validations/0/expression", want,
							&problem, &err);
	snprintf(out, sizeof out, "%s", prog ? "ok" : problem ? problem : err.msg);
	kp_policy_free(p);
	return out;
}

Test(cel_checker, validation_must_be_exactly_bool)
{
	cr_assert_str_eq(policy_compile("object.spec.enabled", "bool"), "must evaluate to bool but got dyn");
	cr_assert_str_eq(policy_compile("size(object.spec)", "bool"), "must evaluate to bool but got int");
	cr_assert_str_eq(policy_compile("'yes'", "bool"), "must evaluate to bool but got string");
	cr_assert_str_eq(policy_compile("object.spec.enabled == true", "bool"), "ok");
}

Test(cel_checker, message_expression_must_be_a_string)
{
	cr_assert_str_eq(policy_compile("1", "string"), "must evaluate to string but got int");
	cr_assert_str_eq(policy_compile("'name: ' + object.metadata.name", "string"), "ok");
	/* Kyverno choice documented: cel-go refuses a bare dyn message;
	 * kpolicy lets dyn through (evaluation checks the string), as some
	 * library results it cannot type are strings in cel-go */
	cr_assert_str_eq(policy_compile("object.metadata.name", "string"), "ok");
}

Test(cel_checker, compile_error_is_reported_as_cel_go_displays_it)
{
	cr_assert_str_eq(policy_compile("object.a == nope", "bool"),
			 "compilation failed: ERROR: <input>:1:13: undeclared reference to 'nope' (in container '')\n"
			 " | object.a == nope\n"
			 " | ............^");
}

/* ---- homogeneous aggregate literals ---- */

Test(cel_checker, heterogeneous_list_literal)
{
	CHECKS("[1, 'a']", "1:5: expected type 'int' but found 'string'");
	CHECKS("[[1], ['a']]", "1:7: expected type 'list(int)' but found 'list(string)'");
}

Test(cel_checker, heterogeneous_map_values)
{
	CHECKS("{'a': 1, 'b': 'x'}", "1:15: expected type 'int' but found 'string'");
}

Test(cel_checker, heterogeneous_map_keys)
{
	CHECKS("{'a': 1, 2: 1}", "1:10: expected type 'string' but found 'int'");
}

Test(cel_checker, dyn_makes_literals_mixed)
{
	CHECKS("[dyn(1), 'a']", "ok list(dyn)");
	CHECKS("{'a': dyn(1), 'b': 'x'}", "ok map(string, dyn)");
	CHECKS("[1, object.x]", "ok list(dyn)");
	/* null joins only nullable types (cel-go isAssignable) */
	CHECKS("[null, 1]", "1:8: expected type 'null_type' but found 'int'");
}

/* ---- literals Kubernetes validates at compile time ---- */

Test(cel_checker, bad_regex_literal)
{
	cr_assert(!strncmp(check("'a'.matches('(')"), "1:13: error parsing regexp: missing closing ): `(`", 50),
		  "%s", check("'a'.matches('(')"));
	CHECKS("'a'.matches(object.pattern)", "ok bool");
}

Test(cel_checker, bad_duration_literal)
{
	CHECKS("duration('1x')", "1:10: time: invalid duration \"1x\"");
	CHECKS("duration('1h30m')", "ok google.protobuf.Duration");
}

Test(cel_checker, bad_timestamp_literal)
{
	CHECKS("timestamp('yesterday')",
	       "1:11: timestamp conversion error: parsing time \"yesterday\" as RFC 3339");
	CHECKS("timestamp('2024-01-01T00:00:00Z')", "ok google.protobuf.Timestamp");
}

/* ---- overloads ---- */

Test(cel_checker, no_matching_operator_overload)
{
	CHECKS("1 + 'a'", "1:3: found no matching overload for '_+_' applied to '(int, string)'");
	CHECKS("1 == 'a'", "1:3: found no matching overload for '_==_' applied to '(int, string)'");
	CHECKS("'a' < 1", "1:5: found no matching overload for '_<_' applied to '(string, int)'");
	CHECKS("1.5 % 2.0", "1:5: found no matching overload for '_%_' applied to '(double, double)'");
	CHECKS("-'a'", "1:1: found no matching overload for '-_' applied to '(string)'");
	CHECKS("!1", "1:1: found no matching overload for '!_' applied to '(int)'");
}

Test(cel_checker, cross_type_numeric_comparisons_check)
{
	CHECKS("1 < 1.5 && 2u > 1 && 1.0 <= 2u", "ok bool");
	/* equality keeps one type parameter */
	CHECKS("1 == 1.0", "1:3: found no matching overload for '_==_' applied to '(int, double)'");
}

Test(cel_checker, logical_operands_must_be_bool)
{
	CHECKS("1 && true", "1:3: found no matching overload for '_&&_' applied to '(int, bool)'");
	CHECKS("true || 'a'", "1:6: found no matching overload for '_||_' applied to '(bool, string)'");
	CHECKS("1 ? 2 : 3", "1:3: found no matching overload for '_?_:_' applied to '(int, int, int)'");
	CHECKS("true ? 2 : 'a'", "1:6: found no matching overload for '_?_:_' applied to '(bool, int, string)'");
}

Test(cel_checker, field_selection_on_a_scalar)
{
	CHECKS("(1).a", "1:4: type 'int' does not support field selection");
	CHECKS("'s'.a", "1:4: type 'string' does not support field selection");
}

Test(cel_checker, comprehension_range_and_predicate)
{
	CHECKS("(1).all(x, x > 0)",
	       "1:2: expression of type 'int' cannot be range of a comprehension (must be list, map, or dynamic)");
	CHECKS("[1].all(x, x)", "1:12: found no matching overload for '_&&_': the predicate is not a bool");
	CHECKS("object.items.all(x, x.ok)", "ok bool");
}

/* ---- composited variables take their expression's type ---- */

Test(cel_checker, variables_are_typed_by_their_expression)
{
	static const char *const vars[] = {
		"name", "'web'",
		"count", "size(object.spec.containers)",
		"ok", "object.spec.containers.all(c, has(c.image))",
		"images", "object.spec.containers.map(c, c.image)",
		"maybe", "object.?spec.paused",
		"raw", "object.spec",
	};
	cr_assert_str_eq(check_with("variables.name + 1", vars, 6),
			 "1:16: found no matching overload for '_+_' applied to '(string, int)'");
	cr_assert_str_eq(check_with("variables.name", vars, 6), "ok string");
	cr_assert_str_eq(check_with("variables.count > 1.5", vars, 6), "ok bool");
	cr_assert_str_eq(check_with("variables.count == 'a'", vars, 6),
			 "1:17: found no matching overload for '_==_' applied to '(int, string)'");
	cr_assert_str_eq(check_with("variables.ok", vars, 6), "ok bool");
	cr_assert_str_eq(check_with("variables.images", vars, 6), "ok list(dyn)");
	/* an optional is declared dyn (Kubernetes' convertCelTypeToDeclType) */
	cr_assert_str_eq(check_with("variables.maybe", vars, 6), "ok dyn");
	cr_assert_str_eq(check_with("variables.raw.x", vars, 6), "ok dyn");
	/* a variable sees the earlier ones, typed */
	static const char *const chain[] = {"a", "[1, 2]", "b", "variables.a.map(x, x * 2)"};
	cr_assert_str_eq(check_with("variables.b", chain, 2), "ok list(int)");
	cr_assert_str_eq(check_with("variables.b[0] + 'x'", chain, 2),
			 "1:16: found no matching overload for '_+_' applied to '(int, string)'");
}

Test(cel_checker, empty_literal_variable_is_dyn_typed)
{
	static const char *const vars[] = {"none", "[]", "nomap", "{}"};
	cr_assert_str_eq(check_with("variables.none", vars, 2), "ok list(dyn)");
	cr_assert_str_eq(check_with("variables.none + ['a'] == ['a']", vars, 2), "ok bool");
	cr_assert_str_eq(check_with("variables.nomap", vars, 2), "ok map(dyn, dyn)");
}

/* ---- overload resolution with a dyn operand (cel-go: the overloads the
 * known operand admits decide the result type, or reject) ---- */

Test(cel_checker, dyn_operand_takes_the_type_of_the_only_overload)
{
	CHECKS("object.name + '!'", "ok string");
	CHECKS("object.count * 2", "ok int");
	CHECKS("object.ratio / 2.0", "ok double");
	CHECKS("object.items + [1]", "ok list(int)");
	CHECKS("timestamp('2024-01-01T00:00:00Z') + object.d", "ok google.protobuf.Timestamp");
	CHECKS("object.t - timestamp('2024-01-01T00:00:00Z')", "ok google.protobuf.Duration");
	/* overloads with different results: dyn */
	CHECKS("object.d + duration('1s')", "ok dyn");
	CHECKS("object.a + object.b", "ok dyn");
}

Test(cel_checker, dyn_operand_with_no_overload_is_refused)
{
	CHECKS("object.x + true", "1:10: found no matching overload for '_+_' applied to '(dyn, bool)'");
	CHECKS("object.x % 1.5", "1:10: found no matching overload for '_%_' applied to '(dyn, double)'");
	CHECKS("object.x * 'a'", "1:10: found no matching overload for '_*_' applied to '(dyn, string)'");
	CHECKS("object.x < [1]", "1:10: found no matching overload for '_<_' applied to '(dyn, list(int))'");
	CHECKS("object.name + '!' == 1", "1:19: found no matching overload for '_==_' applied to '(string, int)'");
	CHECKS("object.x < 1 && object.y >= 'a'", "ok bool");
}

Test(cel_checker, in_needs_the_element_type)
{
	CHECKS("1 in ['a']", "1:3: found no matching overload for '@in' applied to '(int, list(string))'");
	CHECKS("1 in {'a': 1}", "1:3: found no matching overload for '@in' applied to '(int, map(string, int))'");
	CHECKS("'a' in {'a': 1} && object.x in [1] && 1 in object.list && 1 in []", "ok bool");
	CHECKS("1 in 'abc'", "1:3: found no matching overload for '@in' applied to '(int, string)'");
}

Test(cel_checker, standard_function_argument_kinds)
{
	CHECKS("'abc'.startsWith(1)", "1:17: found no matching overload for 'startsWith' applied to 'string.(int)'");
	CHECKS("(1).contains('a')", "1:13: found no matching overload for 'contains' applied to 'int.(string)'");
	CHECKS("size(1)", "1:5: found no matching overload for 'size' applied to '(int)'");
	CHECKS("matches('a', 1)", "1:8: found no matching overload for 'matches' applied to '(string, int)'");
	CHECKS("'a,b'.split(1)", "1:12: found no matching overload for 'split' applied to 'string.(int)'");
	CHECKS("'abc'.substring('a')", "1:16: found no matching overload for 'substring' applied to 'string.(string)'");
	/* dyn, and the kinds each overload takes, pass */
	CHECKS("object.name.startsWith(object.prefix) && size(object.items) > 0 && size('ab') == 2 && "
	       "size(b'ab') == 2 && size({'a': 1}) == 1 && [1, 2].indexOf(2) == 1 && 'ab'.indexOf('b') == 1 && "
	       "'a,b'.split(',', 1).size() == 1 && 'abc'.substring(1, 2) == 'b' && 'abc'.charAt(0) == 'a'",
	       "ok bool");
}
