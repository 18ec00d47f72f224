/* Unit tests: errors at nodes and inside expressions (value/error_at.c),
 * and their rendering (core/error.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

static const char *const policy =
	"spec:\n"                                   /* 1 */
	"  literal: |\n"                            /* 2 */
	"    first line\n"                          /* 3 */
	"      foo(bar\n"                           /* 4 */
	"  plain: request.object.x == y\n"          /* 5 */
	"  quoted: \"a && éb\"\n";                  /* 6 */

static kp_doc *load(kp_yaml_parser parser)
{
	kp_error err;
	kp_read_opts ro = {.raw = true, .parser = parser};
	kp_reader *r = kp_reader_open_mem("pol.yaml", policy, strlen(policy), &ro, &err);
	cr_assert_not_null(r);
	kp_doc *d;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	kp_reader_close(r);
	return d;
}

static void check_literal(kp_yaml_parser parser)
{
	kp_doc *d = load(parser);
	const kp_value *lit = kp_value_path(kp_doc_root(d), "spec/literal");
	kp_error err;
	/* "first line\n  foo(bar\n": the `(` is at offset 11 + 5 */
	const char *text = kp_value_str(lit, NULL);
	size_t off = (size_t)(strchr(text, '(') - text);
	cr_assert_eq(kp_error_in_expr(&err, KP_E_EXPR, lit, off, "/spec/literal",
				      "unexpected token"), -1);
	cr_assert_eq(err.code, KP_E_EXPR);
	cr_assert_eq(err.line, 4);
	cr_assert_eq(err.col, 10, "4 spaces of indentation, 2 in the text, then foo");
	cr_assert_str_eq(err.expr_line, "  foo(bar");
	cr_assert_eq(err.expr_col, 6);
	char buf[4096];
	cr_assert_str_eq(kp_error_format(&err, buf, sizeof buf),
			 "pol.yaml:4:10: unexpected token (at /spec/literal)\n"
			 "      foo(bar\n"
			 "         ^");
	kp_doc_free(d);
}

Test(error, literal_block_maps_through_its_indentation_libyaml) { check_literal(KP_PARSER_LIBYAML); }
Test(error, literal_block_maps_through_its_indentation_libfyaml) { check_literal(KP_PARSER_LIBFYAML); }

Test(error, plain_and_quoted_scalars_add_the_offset)
{
	kp_doc *d = load(KP_PARSER_LIBYAML);
	const kp_value *plain = kp_value_path(kp_doc_root(d), "spec/plain");
	kp_error err;
	kp_error_in_expr(&err, KP_E_EXPR, plain, 18, NULL, "bad");   /* the first `=` */
	cr_assert_eq(err.line, 5);
	cr_assert_eq(err.col, 10 + 18);
	cr_assert_eq(err.expr_col, 19);
	const kp_value *quoted = kp_value_path(kp_doc_root(d), "spec/quoted");
	const char *text = kp_value_str(quoted, NULL);
	kp_error_in_expr(&err, KP_E_EXPR, quoted, (size_t)(strstr(text, "b") - text), NULL, "bad");
	cr_assert_eq(err.line, 6);
	cr_assert_eq(err.col, 11 + 1 + 6, "past the quote; é is one column");
	cr_assert_eq(err.expr_col, 7);
	kp_doc_free(d);
}

Test(error, a_reused_record_forgets_the_expression)
{
	kp_error err;
	kp_doc *d = load(KP_PARSER_LIBYAML);
	kp_error_in_expr(&err, KP_E_EXPR, kp_value_path(kp_doc_root(d), "spec/plain"), 0, NULL, "x");
	kp_errorf(&err, KP_E_POLICY, "f.yaml", 1, 2, "plain");
	char buf[256];
	cr_assert_str_eq(kp_error_format(&err, buf, sizeof buf), "f.yaml:1:2: plain");
	kp_error_unsupported(&err, NULL, "/spec", "validate.deny");
	cr_assert_eq(err.code, KP_E_UNSUPPORTED);
	cr_assert_str_eq(err.feature, "validate.deny");
	cr_assert_str_eq(err.msg, "unsupported: validate.deny");
	kp_doc_free(d);
}
