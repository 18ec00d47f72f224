/* fuzz_regex - the Go-regexp translator and matcher (engine/regex/).
 * The input is split at its first NUL byte: pattern, then subject (the
 * pattern is also matched against itself); a second NUL separates a
 * replacement template.  Checks: compile either succeeds or fails with a
 * proper KP_E_PATTERN error and a column inside the pattern; every match
 * is within the subject and ordered; replacements are NUL-terminated (and
 * the subject itself when nothing matches); replacements are literal or
 * templates by the input's length;
 * nothing crashes or runs away (the match limits report KP_E_LIMIT). */
#include "fuzz.h"
#include "regex/regex.h"

#include <string.h>

static void check_caps(const size_t *caps, size_t ncaps, size_t len)
{
	KP_FUZZ_CHECK(caps[0] != SIZE_MAX && caps[0] <= caps[1] && caps[1] <= len);
	for (size_t i = 2; i + 1 < ncaps; i += 2) {
		if (caps[i] == SIZE_MAX) {
			KP_FUZZ_CHECK(caps[i + 1] == SIZE_MAX);
			continue;
		}
		KP_FUZZ_CHECK(caps[i] <= caps[i + 1] && caps[i + 1] <= len);
	}
}

typedef struct {
	size_t len, last_end, count;
} all_state;

static int on_match(void *ud, const size_t *caps, size_t ncaps)
{
	all_state *st = ud;
	check_caps(caps, ncaps, st->len);
	KP_FUZZ_CHECK(st->count == 0 || caps[0] >= st->last_end);
	st->last_end = caps[1];
	return ++st->count >= 64;
}

/* Runs the matchers over s; false when a limit stopped one (each call
 * is bounded, but a fuzz input must stay well under libFuzzer's timeout). */
static bool run_subject(const kp_regex *re, kp_regex_scratch *sc, const char *s,
			size_t len, const char *repl, size_t rlen, bool literal)
{
	kp_error e;
	kp_error_clear(&e);
	int found = kp_regex_search(re, s, len, sc, &e);
	if (found < 0) {
		KP_FUZZ_CHECK(e.code == KP_E_LIMIT || e.code == KP_E_NOMEM);
		return false;
	}
	size_t caps[2 * 8];
	int rc = kp_regex_find(re, s, len, 0, caps, 2 * 8, sc, &e);
	KP_FUZZ_CHECK(rc == found || rc < 0);
	if (rc == 1)
		check_caps(caps, 2 * (kp_regex_groups(re) + 1) < 16 ? 2 * (kp_regex_groups(re) + 1) : 16, len);
	all_state st = {.len = len};
	long n = kp_regex_find_all(re, s, len, SIZE_MAX, on_match, &st, sc, &e);
	KP_FUZZ_CHECK(n < 0 || (size_t)n == st.count);
	KP_FUZZ_CHECK(n <= 0 || found == 1);
	if (n < 0)
		return false;
	kp_arena *a = kp_arena_new();
	size_t olen = 0;
	char *out = kp_regex_replace(re, s, len, repl, rlen, literal, a, &olen, sc, &e);
	if (out) {
		KP_FUZZ_CHECK(out[olen] == 0);
		if (!found)
			KP_FUZZ_CHECK(olen == len && !memcmp(out, s, len));
	} else {
		KP_FUZZ_CHECK(e.code == KP_E_LIMIT || e.code == KP_E_NOMEM);
	}
	kp_arena_free(a);
	return out != NULL;
}

int kp_fuzz_regex(const uint8_t *data, size_t size)
{
	const char *pat = (const char *)data;
	const char *nul = memchr(data, 0, size);
	size_t plen = nul ? (size_t)(nul - pat) : size;
	const char *subj = nul ? nul + 1 : pat;
	size_t slen = nul ? size - plen - 1 : size;
	const char *repl = "<$1${name}$$>";
	size_t rlen = strlen(repl);
	const char *nul2 = nul ? memchr(subj, 0, slen) : NULL;
	if (nul2) {
		repl = nul2 + 1;
		rlen = slen - (size_t)(nul2 - subj) - 1;
		slen = (size_t)(nul2 - subj);
	}
	kp_error e;
	kp_error_clear(&e);
	kp_regex *re = kp_regex_compile(pat, plen, &e);
	if (!re) {
		kp_fuzz_check_error(&e);
		KP_FUZZ_CHECK(e.code == KP_E_PATTERN);
		KP_FUZZ_CHECK(e.col >= 1 && e.col <= plen + 1);
		/* PCRE2 refusing a translation is a translator bug, except for
		 * scripts newer than its tables and sizes it cannot hold */
		if (!strncmp(e.msg, "unsupported", 11))
			KP_FUZZ_CHECK(memmem(pat, plen, "\\p", 2) || memmem(pat, plen, "\\P", 2));
		return 0;
	}
	kp_regex_scratch *sc = kp_regex_scratch_new();
	bool literal = size % 2;
	if (run_subject(re, sc, subj, slen, repl, rlen, literal) && nul)
		run_subject(re, NULL, pat, plen, repl, rlen, literal);
	kp_regex_scratch_free(sc);
	kp_regex_free(re);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_regex)
