/* Unit tests: CEL values, operators, error absorption, functions and
 * document views (engine/cel). */
#include <criterion/criterion.h>

#include "cel_util.h"

Test(cel_int, arithmetic_and_overflow)
{
	CEL_EQ("7 / 2", "3");
	CEL_EQ("-7 / 2", "-3");
	CEL_EQ("-7 % 2", "-1");
	CEL_ERR("9223372036854775807 + 1", "error: integer overflow");
	CEL_ERR("-9223372036854775808 - 1", "error: integer overflow");
	CEL_ERR("-9223372036854775808 / -1", "error: integer overflow");
	CEL_ERR("1 / 0", "error: division by zero");
	CEL_ERR("1 % 0", "error: modulus by zero");
	CEL_ERR("-(-9223372036854775808)", "error: integer overflow");
	CEL_ERR("1 + 1u", "error: no such overload");
}

Test(cel_uint, arithmetic_and_overflow)
{
	CEL_EQ("3u * 2u", "6u");
	CEL_ERR("1u - 2u", "error: unsigned integer overflow");
	CEL_ERR("18446744073709551615u + 1u", "error: unsigned integer overflow");
	CEL_ERR("1u / 0u", "error: division by zero");
	CEL_ERR("-1u", "error: no such overload");
}

Test(cel_double, arithmetic)
{
	CEL_EQ("1.0 / 0.0", "+Inf");
	CEL_EQ("0.0 / 0.0 == 0.0 / 0.0", "false");
	CEL_EQ("string(-4.5e-3)", "\"-0.0045\"");
	CEL_EQ("string(1e6)", "\"1e+06\"");
	CEL_EQ("string(123456.0)", "\"123456\"");
	CEL_ERR("5.0 % 2.0", "error: no such overload");
}

Test(cel_compare, cross_type_numbers)
{
	CEL_EQ("1 == 1.0", "true");
	CEL_EQ("1u == 1", "true");
	CEL_EQ("1u < 2", "true");
	CEL_EQ("-1 < 0u", "true");
	CEL_EQ("2 > 1.5", "true");
	CEL_EQ("[1, 2] == [1.0, 2u]", "true");
	CEL_EQ("{1: 'a'} == {1u: 'a'}", "true");
	CEL_EQ("'a' == 1", "false");
	CEL_EQ("null == null", "true");
	CEL_EQ("'abc' < 'abd'", "true");
	CEL_EQ("b'a' < b'b'", "true");
	CEL_EQ("false < true", "true");
	CEL_ERR("'a' < 1", "error: no such overload");
}

Test(cel_logic, commutative_error_absorption)
{
	CEL_EQ("(1 / 0 > 0) && false", "false");
	CEL_EQ("false && (1 / 0 > 0)", "false");
	CEL_EQ("(1 / 0 > 0) || true", "true");
	CEL_EQ("true || (1 / 0 > 0)", "true");
	CEL_ERR("(1 / 0 > 0) && true", "error: division by zero");
	CEL_ERR("true && (1 / 0 > 0)", "error: division by zero");
	CEL_ERR("(1 / 0 > 0) || false", "error: division by zero");
	CEL_ERR("!(1 / 0 > 0)", "error: division by zero");
	CEL_EQ("'a' && false", "false");
	CEL_ERR("'a' && true", "error: no such overload");
	CEL_EQ("true ? 1 : 1 / 0", "1");
	CEL_ERR("1 ? 1 : 2", "error: no such overload");
	CEL_EQ("[1, 0].exists(x, 1 / x > 0)", "true");
	CEL_EQ("[0, 1].all(x, 1 / x > 5)", "false");
	CEL_ERR("[0, 1].all(x, 1 / x > 0)", "error: division by zero");
	CEL_ERR("[0, 1].exists_one(x, 1 / x > 0)", "error: division by zero");
	CEL_ERR("[0].map(x, 1 / x)", "error: division by zero");
}

Test(cel_collections, lists_and_maps)
{
	CEL_EQ("[1, 2] + [3]", "[1, 2, 3]");
	CEL_EQ("[1, 2, 3][1]", "2");
	CEL_ERR("[1][5]", "error: index out of range");
	CEL_EQ("{'a': {'b': 1}}.a.b", "1");
	CEL_ERR("{'a': 1}.b", "error: no such key: b");
	CEL_ERR("{'a': 1}['b']", "error: no such key: b");
	CEL_ERR("{'a': 1, 'a': 2}", "error: Failed with repeated key");
	CEL_EQ("'a' in {'a': 1}", "true");
	CEL_EQ("size([1, 2]) + size({'a': 1}) + size('héllo') + size(b'ab')", "10");
	CEL_EQ("{1: 'x'}[1.0]", "\"x\"");
	CEL_ERR("1.a", "error: type 'int' does not support field selection");
}

Test(cel_strings, functions)
{
	CEL_EQ("'hello'.contains('ell')", "true");
	CEL_EQ("'hello'.startsWith('he') && 'hello'.endsWith('lo')", "true");
	CEL_EQ("'ab' + 'cd'", "\"abcd\"");
	CEL_EQ("'abc'.matches('^a.c$')", "true");
	CEL_EQ("matches('xabcx', 'b')", "true");
	CEL_EQ("'a,b,c'.split(',')", "[\"a\", \"b\", \"c\"]");
	CEL_EQ("['a', 'b'].join('-')", "\"a-b\"");
	CEL_EQ("'  x '.trim()", "\"x\"");
	CEL_EQ("'héllo'.charAt(1)", "\"é\"");
	CEL_EQ("'héllo'.indexOf('l')", "2");
	CEL_EQ("'héllo'.lastIndexOf('l')", "3");
	CEL_EQ("'héllo'.substring(1, 3)", "\"él\"");
	CEL_EQ("'AbC'.lowerAscii() + 'AbC'.upperAscii()", "\"abcABC\"");
	CEL_EQ("'aaa'.replace('a', 'b', 2)", "\"bba\"");
	CEL_EQ("'%s is %d'.format(['x', 3])", "\"x is 3\"");
	CEL_EQ("strings.quote('a\"b')", "\"\\\"a\\\\\\\"b\\\"\"");
	CEL_ERR("'abc'.substring(2, 1)", "error: invalid substring range");
}

Test(cel_conversions, all)
{
	CEL_EQ("int('42') + int(3.9) + int(2u)", "47");
	CEL_ERR("int('4.2')", "error: type conversion error");
	CEL_ERR("int(1e19)", "error: range error");
	CEL_ERR("uint(-1)", "error: range error");
	CEL_EQ("double('1.5') + double(1)", "2.5");
	CEL_EQ("string(true) + string(1u) + string(b'z')", "\"true1z\"");
	CEL_EQ("bytes('a')", "b\"a\"");
	CEL_EQ("bool('True') && !bool('f')", "true");
	CEL_ERR("bool('yes')", "error: type conversion error");
	CEL_EQ("dyn(1) + 1", "2");
	CEL_ERR("string(b'\\xff')", "error: invalid UTF-8");
}

Test(cel_time, timestamps_and_durations)
{
	CEL_EQ("timestamp('2009-02-13T23:31:30Z') + duration('1h')",
	       "timestamp(\"2009-02-14T00:31:30Z\")");
	CEL_EQ("timestamp('2009-02-13T23:31:30.5+01:00')",
	       "timestamp(\"2009-02-13T22:31:30.5Z\")");
	CEL_EQ("timestamp('2009-02-13T23:31:30Z') - timestamp('2009-02-13T23:31:00Z')",
	       "duration(\"30s\")");
	CEL_EQ("int(timestamp('2009-02-13T23:31:30Z'))", "1234567890");
	CEL_EQ("duration('1h30m').getMinutes()", "90");
	CEL_EQ("duration('-1.5s')", "duration(\"-1.5s\")");
	CEL_EQ("timestamp('2009-02-13T23:31:30Z').getFullYear()", "2009");
	CEL_EQ("timestamp('2009-02-13T23:31:30Z').getMonth()", "1");
	CEL_EQ("timestamp('2009-02-13T23:31:30Z').getDayOfWeek()", "5");
	CEL_EQ("timestamp('2009-02-13T23:31:30Z').getHours('+02:00')", "1");
	CEL_EQ("timestamp('2009-02-13T23:31:30Z').getHours('America/St_Johns')", "20");
	CEL_ERR("timestamp('2009-02-13T23:31:30Z').getHours('Mars/Base')", "error: unknown time zone");
	CEL_ERR("timestamp('10000-01-01T00:00:00Z')", "error: timestamp conversion error");
	CEL_ERR("timestamp('9999-12-31T23:59:59Z') + duration('1s')", "error: timestamp overflow");
	CEL_ERR("duration('1x')", "error: time: invalid duration");
}

Test(cel_optional, values)
{
	CEL_EQ("{'a': 1}.?a", "optional.of(1)");
	CEL_EQ("{'a': 1}.?b", "optional.none()");
	CEL_EQ("{'a': 1}.?b.orValue(5)", "5");
	CEL_EQ("{'a': {'b': 2}}.?a.b.value()", "2");
	CEL_EQ("[1, 2][?5].hasValue()", "false");
	CEL_EQ("[1, ?optional.none(), ?optional.of(3)]", "[1, 3]");
	CEL_EQ("{?'a': optional.none(), 'b': 1}", "{\"b\": 1}");
	CEL_EQ("optional.of(1).or(optional.of(1 / 0)).value()", "1");
	CEL_EQ("optional.of(2).optMap(x, x * 2)", "optional.of(4)");
	CEL_ERR("optional.none().value()", "error: optional.none() dereference");
}

Test(cel_libs, math_lists_sets_base64)
{
	CEL_EQ("math.greatest(1, 2.5, 2u)", "2.5");
	CEL_EQ("math.least([3, 1, 2])", "1");
	CEL_EQ("math.abs(-3) + math.bitShiftLeft(1, 3)", "11");
	CEL_EQ("[3, 1, 2].sort()", "[1, 2, 3]");
	CEL_EQ("[1, [2, [3]]].flatten()", "[1, 2, [3]]");
	CEL_EQ("lists.range(3)", "[0, 1, 2]");
	CEL_EQ("[1, 2, 1].distinct()", "[1, 2]");
	CEL_EQ("[1, 2, 3].slice(1, 3)", "[2, 3]");
	CEL_EQ("[1, 2, 3].sum() + [1, 5].max() + [4, 2].min()", "13");
	CEL_EQ("['a', 'b'].indexOf('b')", "1");
	CEL_EQ("[1, 2].isSorted()", "true");
	CEL_EQ("sets.contains([1, 2, 3], [3, 1]) && sets.intersects([1], [1, 2])", "true");
	CEL_EQ("base64.encode(b'hello')", "\"aGVsbG8=\"");
	CEL_EQ("base64.decode('aGVsbG8')", "b\"hello\"");
}

static const char pod[] =
	"kind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\n"
	"spec:\n  replicas: 3\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: redis\n";

Test(cel_doc, views_of_documents)
{
	cr_assert_str_eq(cel_run_with("object.metadata.name", pod, false, true), "\"web\"");
	cr_assert_str_eq(cel_run_with("object.spec.containers.map(c, c.image)", pod, false, true),
			 "[\"nginx\", \"redis\"]");
	cr_assert_str_eq(cel_run_with("object.spec.containers.all(c, has(c.image))", pod, false, true),
			 "true");
	cr_assert_str_eq(cel_run_with("object.?spec.?missing.orValue('none')", pod, false, true),
			 "\"none\"");
	cr_assert_str_eq(cel_run_with("object.metadata.labels['app']", pod, false, true), "\"web\"");
	cr_assert_str_eq(cel_run_with("object.spec.replicas", pod, false, true), "3");
	cr_assert_str_eq(cel_run_with("type(object.spec.replicas) == int", pod, false, true), "true");
	cr_assert_str_eq(cel_run_with("object.missing", pod, false, true), "error: no such key: missing");
}

Test(cel_doc, numbers_as_double_like_the_kyverno_cli)
{
	cr_assert_str_eq(cel_run_with("object.spec.replicas", pod, true, true), "3.0");
	cr_assert_str_eq(cel_run_with("object.spec.replicas == 3", pod, true, true), "true");
	cr_assert_str_eq(cel_run_with("string(object.spec.replicas)", pod, true, true), "\"3\"");
	cr_assert(!strncmp(cel_run_with("object.spec.replicas % 2", pod, true, true),
			   "error: no such overload", 23));
}

Test(cel_regex, find_and_extension)
{
	CEL_EQ("'abc 123 def 456'.find('[0-9]+')", "\"123\"");
	CEL_EQ("'abc'.find('[0-9]+')", "\"\"");
	CEL_EQ("'abc 123 def 456'.findAll('[0-9]+')", "[\"123\", \"456\"]");
	CEL_EQ("'a1b2c3'.findAll('[0-9]', 2)", "[\"1\", \"2\"]");
	CEL_EQ("'banana'.findAll('a*')", "[\"\", \"a\", \"a\", \"a\"]");   /* Go: no empty match right after a match */
	CEL_EQ("regex.extract('hello world', 'w(o)rld')", "optional.of(\"o\")");
	CEL_EQ("regex.extract('hello', 'x')", "optional.none()");
	CEL_EQ("regex.extractAll('id:1 id:22', 'id:([0-9]+)')", "[\"1\", \"22\"]");
	CEL_ERR("'a'.matches('(')", "compile: 1:13: error parsing regexp");
	CEL_ERR("'a'.matches(dyn('('))", "error: error parsing regexp");
	CEL_EQ("['^a', 'b$'].all(p, 'ab'.matches(p))", "true");
}

Test(cel_api, eval_bool_hot_path)
{
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	int obj = kp_cel_env_declare(env, "object");
	cr_assert_eq(obj, 0);
	kp_error err;
	kp_read_opts ro = {.raw = true};
	kp_reader *r = kp_reader_open_mem("pod", pod, strlen(pod), &ro, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1);
	const kp_value *vals[1] = {kp_doc_root(d)};
	kp_cel_activation act = {vals, 1, NULL, NULL};
	const char *ok = "object.spec.containers.all(c, c.image != '')";
	kp_cel_prog *p = kp_cel_compile(env, ok, strlen(ok), a, &err);
	cr_assert(p);
	cr_assert_str_eq(kp_cel_prog_type(p), "bool");
	kp_arena *scratch = kp_arena_new();
	bool out = false;
	for (int i = 0; i < 100; i++) {
		kp_arena_reset(scratch);
		cr_assert_eq(kp_cel_eval_bool(p, &act, scratch, &out, &err), 0);
		cr_assert(out);
	}
	kp_cel_prog *q = kp_cel_compile(env, "object.spec.replicas", 20, a, &err);
	cr_assert(q);
	cr_assert_eq(kp_cel_eval_bool(q, &act, scratch, &out, &err), -1);
	cr_assert_str_eq(err.msg, "expression must evaluate to bool but got int");
	kp_cel_prog_free(p);
	kp_cel_prog_free(q);
	kp_arena_free(scratch);
	kp_doc_free(d);
	kp_reader_close(r);
	kp_arena_free(a);
}

Test(cel_api, composited_variables)
{
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_declare(env, "object");
	kp_error err;
	kp_read_opts ro = {.raw = true};
	kp_reader *r = kp_reader_open_mem("pod", pod, strlen(pod), &ro, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1);
	const char *v1 = "object.spec.containers.map(c, c.image)";
	kp_cel_prog *p1 = kp_cel_compile(env, v1, strlen(v1), a, &err);
	cr_assert(p1);
	cr_assert_eq(kp_cel_env_variable(env, "images", p1), 0);
	const char *v2 = "variables.images.filter(i, i.startsWith('nginx'))";
	kp_cel_prog *p2 = kp_cel_compile(env, v2, strlen(v2), a, &err);
	cr_assert(p2);
	cr_assert_eq(kp_cel_env_variable(env, "nginx", p2), 1);
	const char *v3 = "object.missing";
	kp_cel_prog *p3 = kp_cel_compile(env, v3, strlen(v3), a, &err);
	kp_cel_env_variable(env, "broken", p3);
	const char *e = "size(variables.nginx) == 1 && variables.images.size() == 2 && "
			"(variables.broken == 1 || true)";
	kp_cel_prog *p = kp_cel_compile(env, e, strlen(e), a, &err);
	cr_assert(p, "%s", err.msg);
	const kp_value *vals[1] = {kp_doc_root(d)};
	kp_cel_activation act = {vals, 1, NULL, NULL};
	bool out = false;
	cr_assert_eq(kp_cel_eval_bool(p, &act, a, &out, &err), 0, "%s", err.msg);
	cr_assert(out);
	kp_cel_prog *bad = kp_cel_compile(env, "variables.nope", 14, a, &err);
	cr_assert_null(bad);
	cr_assert_str_eq(err.msg, "undefined field 'nope'");
	kp_cel_prog *b2 = kp_cel_compile(env, "variables.broken", 16, a, &err);
	cr_assert_eq(kp_cel_eval_bool(b2, &act, a, &out, &err), -1);
	cr_assert_str_eq(err.msg, "no such key: missing");
	kp_doc_free(d);
	kp_reader_close(r);
	kp_arena_free(a);
}

Test(cel_limits, hostile_expressions)
{
	CEL_ERR("lists.range(3000).all(i, lists.range(3000).all(j, lists.range(3000).all(k, true)))",
		"error: operation cancelled: actual cost limit exceeded");
	CEL_ERR("cel.bind(a, 'xxxxxxxxxxxxxxxx', cel.bind(b, a + a + a + a + a + a + a + a, "
		"cel.bind(c, b + b + b + b + b + b + b + b, cel.bind(d, c + c + c + c + c + c + c + c, "
		"cel.bind(e, d + d + d + d + d + d + d + d, cel.bind(f, e + e + e + e + e + e + e + e, "
		"cel.bind(g, f + f + f + f + f + f + f + f, cel.bind(h, g + g + g + g + g + g + g + g, "
		"h + h))))))))",
		"error: string of");
	CEL_ERR("lists.range(100000000)", "error: lists.range(100000000) too large");
}

Test(cel_regex, replace)
{
	CEL_EQ("regex.replace('abc abc', 'b(c)', 'X\\\\1')", "\"aXc aXc\"");
	CEL_EQ("regex.replace('abc abc', 'b', 'x', 1)", "\"axc abc\"");
	CEL_EQ("regex.replace('abc', 'b', 'x', 0)", "\"abc\"");
	CEL_EQ("regex.replace('banana', 'a*', '-')", "\"-b-n-n-\"");
	CEL_ERR("regex.replace('abc', '(b)', '\\\\2')", "error: invalid replacement string");
	CEL_ERR("'abc'.matches('(?=a)')", "compile: 1:15: error parsing regexp: invalid or unsupported Perl syntax");
}

Test(cel_time, zones_beyond_2037_follow_the_footer_rule)
{
	/* the tz files list transitions up to 2037, their POSIX rule after */
	CEL_EQ("timestamp('2040-07-01T12:00:00Z').getHours('Europe/Paris')", "14");
	CEL_EQ("timestamp('2040-01-01T12:00:00Z').getHours('Europe/Paris')", "13");
	CEL_EQ("timestamp('2045-01-15T03:00:00Z').getHours('America/Sao_Paulo')", "0");
	CEL_EQ("timestamp('2040-07-01T12:00:00Z').getMinutes('America/St_Johns')", "30");
}
