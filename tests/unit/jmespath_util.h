/* jmespath_util.h - helpers for the JMESPath unit tests: run an
 * expression against a JSON document and look at the result as JSON. */
#ifndef KP_TEST_JMESPATH_UTIL_H
#define KP_TEST_JMESPATH_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "jmespath/jp_ast.h"

/* Result of a run: JSON text of the value (plain rendering), or the error
 * kind and message.  Valid until the next run. */
typedef struct jp_run {
	kp_jp_kind kind;
	kp_error err;
	const char *json;
	const kp_value *v;
} jp_run;

static inline kp_arena *jp_test_arena(void)
{
	static kp_arena *a;
	if (!a)
		a = kp_arena_new();
	return a;
}

static inline jp_run jp_mode(int mode, const char *expr, const char *data)
{
	kp_arena *a = jp_test_arena();
	jp_run r = {0};
	kp_error_clear(&r.err);
	const kp_value *doc = NULL;
	if (data) {
		doc = kp_json_parse(a, data, strlen(data));
		cr_assert(doc, "test data is not JSON: %s", data);
	}
	kp_jp *e = kp_jp_compile(expr, strlen(expr), mode, a, &r.kind, &r.err);
	if (!e) {
		cr_assert(r.kind != KP_JP_OK, "%s: failed without a kind", expr);
		return r;
	}
	int rc = kp_jp_eval(e, doc, a, &r.v, &r.err);
	r.kind = rc < 0 ? (kp_jp_kind)-rc : KP_JP_OK;
	if (rc == 0)
		r.json = kp_jp_to_json(a, r.v, false, NULL);
	return r;
}

/* The JSON text of expr's result on data (plain mode); fails the test on
 * an error. */
static inline const char *jp_json(const char *expr, const char *data)
{
	jp_run r = jp_mode(KP_JP_PLAIN, expr, data);
	cr_assert(r.kind == KP_JP_OK, "%s: unexpected error: %s", expr, r.err.msg);
	return r.json;
}

#define assert_jp(expr, data, want) \
	do { \
		const char *got_ = jp_json(expr, data); \
		cr_assert_str_eq(got_, want, "%s: got %s", expr, got_); \
	} while (0)

/* The error kind of expr on data (plain mode). */
static inline kp_jp_kind jp_kind(const char *expr, const char *data)
{
	return jp_mode(KP_JP_PLAIN, expr, data).kind;
}

#endif
