/* pattern_util.h - helpers shared by the pattern-engine unit tests:
 * YAML/JSON text to values, compile + match in one call. */
#ifndef KP_TEST_PATTERN_UTIL_H
#define KP_TEST_PATTERN_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "pattern.h"

/* Documents are kept until the test process ends (tests are short). */
static inline const kp_value *yv(const char *text)
{
	kp_read_opts ro = {.raw = true};
	kp_error err;
	kp_reader *r = kp_reader_open_mem("t.yaml", text, strlen(text), &ro, &err);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	int rc = kp_reader_next(r, &d, &err);
	cr_assert_eq(rc, 1, "cannot read test YAML: %s", err.msg);
	kp_reader_close(r);
	return kp_doc_root(d);
}

/* A scalar (or any) value written as YAML text, e.g. "null", "''", "8". */
static inline const kp_value *ys(const char *text)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "v: %s\n", text);
	return kp_value_get(yv(buf), "v");
}

/* Match pattern text against resource text (lenient compile, as
 * validate.MatchPattern sees any pattern). */
static inline kp_pat_result pmatch(const char *pattern, const char *resource)
{
	static kp_arena *a;
	if (!a)
		a = kp_arena_new();
	kp_error err;
	kp_pat_root *p = kp_pat_compile(a, yv(pattern), 0, "", &err);
	cr_assert_not_null(p, "compile: %s", err.msg);
	kp_pat_result r;
	kp_pat_match(p, yv(resource), a, &r);
	return r;
}

#endif
