/* Unit tests: Kyverno wildcard glob. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pattern/pattern.h"

static bool wm(const char *p, const char *t)
{
	return kp_wildcard_match(p, strlen(p), t, strlen(t));
}

Test(wildcard, star_question_and_literals)
{
	cr_assert(wm("*", ""));
	cr_assert(wm("*", "anything"));
	cr_assert(wm("", ""));
	cr_assert_not(wm("", "a"));
	cr_assert(wm("nginx:*", "nginx:1.25"));
	cr_assert_not(wm("nginx:*", "nginx"));
	cr_assert(wm("?*", "x"));
	cr_assert_not(wm("?*", ""));
	cr_assert(wm("a?c", "abc"));
	cr_assert_not(wm("a?c", "ac"));
	cr_assert(wm("*.example.com", "api.example.com"));
	cr_assert_not(wm("*.example.com", "example.com"));
	cr_assert_not(wm("a.c", "abc"));     /* '.' is literal */
	cr_assert_not(wm("[ab]", "a"));      /* '[' is literal */
	cr_assert(wm("[ab]", "[ab]"));
	cr_assert_not(wm("ABC", "abc"));     /* case-sensitive */
	cr_assert(wm("*a*b*", "xxaxxbxx"));
	cr_assert_not(wm("*a*b", "xxaxxbxxc"));
}

Test(wildcard, question_mark_is_one_code_point)
{
	cr_assert(wm("caf?", "caf\xC3\xA9"));        /* é is two bytes, one rune */
	cr_assert_not(wm("caf??", "caf\xC3\xA9"));
	cr_assert(wm("*\xC3\xA9", "caf\xC3\xA9"));
	cr_assert(wm("?", "\xFF"));                  /* invalid byte = one U+FFFD */
}

Test(wildcard, contains_wildcard)
{
	cr_assert(kp_wildcard_has("app*", 4));
	cr_assert(kp_wildcard_has("a?", 2));
	cr_assert_not(kp_wildcard_has("app", 3));
}

Test(wildcard, no_exponential_backtracking)
{
	size_t n = 100 * 1024;
	char *text = malloc(n + 1);
	memset(text, 'a', n);
	text[n] = 0;
	const char *pat = "*a*a*a*a*a*a*a*b";
	clock_t t0 = clock();
	cr_assert_not(kp_wildcard_match(pat, strlen(pat), text, n));
	text[n - 1] = 'b';
	cr_assert(kp_wildcard_match(pat, strlen(pat), text, n));
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert_lt(secs, 1.0, "took %f s", secs);
	free(text);
}
