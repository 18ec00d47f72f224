/* pattern_util.h - helpers shared by the pattern-engine unit tests:
 * YAML/JSON text to values, compile + match in one call. */
#ifndef KP_TEST_PATTERN_UTIL_H
#define KP_TEST_PATTERN_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "pattern/pattern.h"

/* Documents and the scratch arena live until the suite's .fini
 * (kp_t_cleanup), so ASan sees no leaks. */
static kp_doc *kp_t_docs[512];
static size_t kp_t_ndocs;
static kp_arena *kp_t_arena_p;

static inline kp_arena *kp_t_arena(void)
{
	if (!kp_t_arena_p)
		kp_t_arena_p = kp_arena_new();
	return kp_t_arena_p;
}

static inline void kp_t_cleanup(void)
{
	for (size_t i = 0; i < kp_t_ndocs; i++)
		kp_doc_free(kp_t_docs[i]);
	kp_t_ndocs = 0;
	kp_arena_free(kp_t_arena_p);
	kp_t_arena_p = NULL;
}

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
	cr_assert_lt(kp_t_ndocs, sizeof kp_t_docs / sizeof *kp_t_docs);
	kp_t_docs[kp_t_ndocs++] = d;
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
	kp_arena *a = kp_t_arena();
	kp_error err;
	kp_pat_root *p = kp_pat_compile(a, yv(pattern), 0, "", &err);
	cr_assert_not_null(p, "compile: %s", err.msg);
	kp_pat_result r;
	kp_pat_match(p, yv(resource), a, &r);
	return r;
}

#endif
