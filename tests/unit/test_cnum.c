/* Unit tests: numbers read and written in the C locale while the process
 * runs under a comma-decimal locale (core/cnum.c and its users: typing,
 * map keys, Go formatting, pattern numbers and references, JMESPath and
 * Kyverno's functions). */
#include <criterion/criterion.h>
#include <locale.h>
#include <string.h>

#include "core/core.h"
#include "jmespath_util.h"
#include "k8s/k8s.h"
#include "policy/policy.h"

/* Switch LC_NUMERIC to a locale whose decimal point is a comma, or skip:
 * Debian has only C.UTF-8 by default (`localedef -i de_DE -f UTF-8
 * de_DE.UTF-8`, package locales, makes one). */
static void comma_locale(void)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "nl_NL.UTF-8", "es_ES.UTF-8",
		"it_IT.UTF-8", "ru_RU.UTF-8", "pt_BR.UTF-8", "de_DE", "fr_FR",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (setlocale(LC_NUMERIC, names[i]) && !strcmp(localeconv()->decimal_point, ","))
			return;
	setlocale(LC_NUMERIC, "C");
	cr_skip_test("skipped: no comma-decimal locale installed (e.g. localedef -i de_DE -f UTF-8 de_DE.UTF-8)");
}

static void c_locale(void)
{
	setlocale(LC_NUMERIC, "C");
}

TestSuite(cnum, .init = comma_locale, .fini = c_locale);

Test(cnum, strtod_and_snprintf_use_a_dot)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.1f", 1.5);
	cr_assert_str_eq(buf, "1,5", "the locale really has a decimal comma");
	char *end;
	cr_assert_eq(kp_strtof_c("0.1", &end), 0.1f);
	cr_assert_eq(*end, 0);
	cr_assert_eq(kp_strtod_c("1.5", &end), 1.5);
	cr_assert_eq(*end, 0);
	cr_assert_eq(kp_strtod_c("1,5", &end), 1.0, "a comma ends the number");
	cr_assert_str_eq(end, ",5");
	cr_assert_eq(kp_strtod_c("-2.5e-3", NULL), -2.5e-3);
	kp_snprintf_c(buf, sizeof buf, "%.17g|%f|%.2e", 0.25, 1.5, 12345.0);
	cr_assert_str_eq(buf, "0.25|1.500000|1.23e+04");
	snprintf(buf, sizeof buf, "%.1f", 1.5);
	cr_assert_str_eq(buf, "1,5", "the thread's locale is restored");
}

Test(cnum, go_formatting_uses_a_dot)
{
	char buf[64];
	kp_go_float_v(0.1, buf, sizeof buf);
	cr_assert_str_eq(buf, "0.1");
	kp_go_float_v(1234567.5, buf, sizeof buf);
	cr_assert_str_eq(buf, "1.2345675e+06");
	kp_go_float_E(2.5, buf, sizeof buf);
	cr_assert_str_eq(buf, "2.5E+00");
	kp_go_float_f(2.5, buf, sizeof buf);
	cr_assert_str_eq(buf, "2.500000");
}

Test(cnum, yaml_floats_and_float_keys_are_read_with_a_dot)
{
	static const char doc[] = "kind: X\na: 1.5\nb: 2,5\n0.5: half\n";
	kp_read_opts ro = {.raw = true};
	kp_error e;
	kp_reader *r = kp_reader_open_mem("t.yaml", doc, sizeof doc - 1, &ro, &e);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &e), 1, "%s", e.msg);
	const kp_value *root = kp_doc_root(d);
	cr_assert_eq(kp_value_type(kp_value_get(root, "a")), KP_FLOAT);
	cr_assert_eq(kp_value_float(kp_value_get(root, "a")), 1.5);
	cr_assert_eq(kp_value_type(kp_value_get(root, "b")), KP_STRING, "2,5 is no number");
	cr_assert_str_eq(kp_value_path_str(root, "0.5"), "half", "float key as Go prints it");
	kp_doc_free(d);
	kp_reader_close(r);
}

Test(cnum, pattern_numbers_are_read_with_a_dot)
{
	static const char pat[] = "kind: P\nspec: {ratio: '>1.25', size: 2.5}\n";
	static const char res[] = "kind: R\nspec: {ratio: 1.5, size: 2.5}\n";
	kp_read_opts ro = {.raw = true};
	kp_error e;
	kp_reader *rp = kp_reader_open_mem("p.yaml", pat, sizeof pat - 1, &ro, &e);
	kp_reader *rr = kp_reader_open_mem("r.yaml", res, sizeof res - 1, &ro, &e);
	kp_doc *dp = NULL, *dr = NULL;
	cr_assert_eq(kp_reader_next(rp, &dp, &e), 1);
	cr_assert_eq(kp_reader_next(rr, &dr, &e), 1);
	kp_pattern *p = kp_pattern_compile(kp_value_get(kp_doc_root(dp), "spec"), &e);
	cr_assert_not_null(p, "%s", e.msg);
	kp_match m;
	kp_pattern_match(p, kp_value_get(kp_doc_root(dr), "spec"), &m);
	cr_assert_eq(m.status, KP_STATUS_PASS, "%s %s", m.path, m.message);
	kp_pattern_free(p);
	kp_doc_free(dp);
	kp_doc_free(dr);
	kp_reader_close(rp);
	kp_reader_close(rr);
}

Test(cnum, jmespath_numbers_are_read_and_written_with_a_dot)
{
	assert_jp("to_number('1.5')", NULL, "1.5");
	assert_jp("`2.25`", NULL, "2.25");
	assert_jp("a", "{\"a\": 0.125}", "0.125");
	assert_jp("sum(a)", "{\"a\": [0.5, 1.25]}", "1.75");
}

Test(cnum, kyverno_functions_write_numbers_with_a_dot)
{
	jp_run r = jp_mode(KP_JP_KYVERNO, "regex_match('^1\\.5$', `1.5`)", NULL);
	cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
	cr_assert_str_eq(r.json, "true", "1.5 as text is \"1.5\"");
}

Test(cnum, pattern_references_write_numbers_with_a_dot)
{
	static const char doc[] = "b: 1.5\na: '$(>/b)'\n";
	kp_read_opts ro = {.raw = true};
	kp_error e;
	kp_reader *r = kp_reader_open_mem("t.yaml", doc, sizeof doc - 1, &ro, &e);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &e), 1, "%s", e.msg);
	kp_arena *a = kp_arena_new();
	const char *err = NULL;
	const kp_value *v = kp_pattern_refs(a, kp_doc_root(d), &err);
	cr_assert_not_null(v, "%s", err);
	cr_assert_str_eq(kp_value_path_str(v, "a"), ">1.500000", "Go's %%f");
	kp_arena_free(a);
	kp_doc_free(d);
	kp_reader_close(r);
}

static const char *cel_repr(kp_arena *a, const char *expr)
{
	kp_cel_result r;
	kp_error e;
	cr_assert_eq(kp_cel_eval_once(expr, strlen(expr), NULL, NULL, 0, false, a, &r, &e), 0,
		     "%s: %s", expr, e.msg);
	return r.repr;
}

Test(cnum, cel_numbers_are_read_and_written_with_a_dot)
{
	kp_arena *a = kp_arena_new();
	cr_assert_str_eq(cel_repr(a, "1.5 + 1.25"), "2.75");
	cr_assert_str_eq(cel_repr(a, "double('0.5') * 3.0"), "1.5");
	cr_assert_str_eq(cel_repr(a, "'%.2f'.format([1.5])"), "\"1.50\"");
	kp_cel_result r;
	kp_error e;
	static const char conv[] = "int(1e30)";
	cr_assert_eq(kp_cel_eval_once(conv, sizeof conv - 1, NULL, NULL, 0, false, a, &r, &e), -1);
	cr_assert(strstr(e.msg, "1e+30"), "the error names 1e+30: %s", e.msg);
	kp_arena_free(a);
}
