/* Unit tests: the speed-ups of branch varspeed keep results exact —
 * kp_arena_printf's own formatting of %s / %.*s / %zu against printf's,
 * and regex patterns kept per thread (same answers and errors, past the
 * cache's size). */
#include "jmespath_util.h"

#include <stdio.h>

#define SAME_AS_PRINTF(...) \
	do { \
		char want_[512]; \
		snprintf(want_, sizeof want_, __VA_ARGS__); \
		const char *got_ = kp_arena_printf(a, __VA_ARGS__); \
		cr_assert_str_eq(got_, want_); \
	} while (0)

Test(varspeed, arena_printf_writes_what_printf_writes)
{
	kp_arena *a = kp_arena_new();
	SAME_AS_PRINTF("plain text");
	SAME_AS_PRINTF("%s", "");
	SAME_AS_PRINTF("a %s b %s%s", "x", "", "yz");
	SAME_AS_PRINTF("100%% of %s", "it");
	SAME_AS_PRINTF("%.*s|%.*s|%.*s", 2, "abcdef", 0, "abc", -1, "all");
	SAME_AS_PRINTF("%.3s|%.10s|%.0s", "abcdef", "ab", "x");
	SAME_AS_PRINTF("%s/%zu/%zu", "/spec/containers", (size_t)0, (size_t)1234567890123);
	SAME_AS_PRINTF("%d %5s %-3s| %x %g", -42, "ab", "c", 255u, 1.5); /* printf's path */
	SAME_AS_PRINTF("%s %d %s", "mixed", 7, "tail");
	/* glibc prints "(null)" for a NULL %s unless a precision under 6 cuts it */
	const char *volatile none = NULL;
	SAME_AS_PRINTF("[%s|%.3s|%.6s|%.*s|%.*s]", none, none, none, 2, none, -1, none);
	kp_arena_free(a);
}

static jp_run ky(const char *expr)
{
	return jp_mode(KP_JP_KYVERNO, expr, NULL);
}

Test(varspeed, regex_patterns_kept_per_thread_give_the_same_answers)
{
	/* more distinct patterns than the cache holds, twice over, each asked
	 * again after it may have been evicted */
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 80; i++) {
			char expr[160], want[16];
			snprintf(expr, sizeof expr, "regex_match('^p%d$', 'p%d')", i, (i * 7 + round) % 80);
			snprintf(want, sizeof want, "%s", (i * 7 + round) % 80 == i ? "true" : "false");
			jp_run r = ky(expr);
			cr_assert_eq(r.kind, KP_JP_OK, "%s: %s", expr, r.err.msg);
			cr_assert_str_eq(r.json, want, "%s", expr);
		}
	for (int k = 0; k < 3; k++) {
		jp_run r = ky("regex_replace_all('(a)(b)?', 'xaby a', '[$1$2]')");
		cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
		cr_assert_str_eq(r.json, "\"x[ab]y [a]\"");
		r = ky("regex_replace_all_literal('(a)(b)?', 'xaby', '[$1]')");
		cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
		cr_assert_str_eq(r.json, "\"x[$1]y\"");
	}
}

Test(varspeed, a_bad_pattern_fails_the_same_way_every_time)
{
	jp_run first = ky("regex_match('a\\1', 'a')");
	cr_assert_eq(first.kind, KP_JP_E_FUNCTION);
	for (int k = 0; k < 3; k++) {
		jp_run r = ky("regex_match('a\\1', 'a')");
		cr_assert_eq(r.kind, KP_JP_E_FUNCTION);
		cr_assert_str_eq(r.err.msg, first.err.msg);
	}
	cr_assert(strstr(first.err.msg, "invalid escape sequence"), "%s", first.err.msg);
}

Test(varspeed, errorf_writes_what_printf_writes_and_truncates_alike)
{
	static char longs[3000];
	memset(longs, 'x', sizeof longs - 1);
	kp_error e;
	char want[sizeof e.msg];
	kp_errorf(&e, KP_E_EXPR, "f.yaml", 3, 4, "Unknown key \"%.*s\" in path", 3, "abcdef");
	cr_assert_str_eq(e.msg, "Unknown key \"abc\" in path");
	cr_assert_str_eq(e.file, "f.yaml");
	cr_assert_eq(e.line, 3);
	kp_errorf(&e, KP_E_EXPR, NULL, 0, 0, "a %s: %s", "b", longs);
	memcpy(want, "a b: ", 5);
	memset(want + 5, 'x', sizeof want - 6);
	want[sizeof want - 1] = 0; /* as snprintf truncates */
	cr_assert_str_eq(e.msg, want);
	cr_assert_eq(strlen(e.msg), sizeof e.msg - 1);
	cr_assert_str_eq(e.file, "");
	kp_errorf(&e, KP_E_EXPR, longs, 0, 0, "%d items", 5);
	cr_assert_str_eq(e.msg, "5 items");
	cr_assert_eq(strlen(e.file), sizeof e.file - 1);
	kp_error_unsupported(&e, NULL, "/spec", "function lookup");
	cr_assert_str_eq(e.msg, "unsupported: function lookup");
	cr_assert_str_eq(e.feature, "function lookup");
	cr_assert_str_eq(e.path, "/spec");
	cr_assert_eq(e.code, KP_E_UNSUPPORTED);
}
