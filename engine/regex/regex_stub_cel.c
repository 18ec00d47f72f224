/* regex/regex_stub_cel.c - TEMPORARY STUB of regex/regex.h for the CEL
 * branch only, until the real Go-RE2-on-PCRE2 implementation lands (branch
 * regex).  Plain PCRE2 (UTF), no RE2 syntax checks, no replace.  The lead
 * drops this file from Makefile.am when merging the real one. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex/regex.h"

#include <pcre2.h>
#include <stdlib.h>

struct kp_regex { pcre2_code *code; };
struct kp_regex_scratch { pcre2_match_data *md; };

kp_regex *kp_regex_compile(const char *pat, size_t len, kp_error *err)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF, &ec, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		kp_errorf(err, KP_E_PATTERN, NULL, 0, (unsigned)off + 1,
			  "error parsing regexp: %s", (const char *)msg);
		return NULL;
	}
	kp_regex *re = calloc(1, sizeof *re);
	if (!re)
		abort();
	re->code = code;
	return re;
}

void kp_regex_free(kp_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re);
}

size_t kp_regex_groups(const kp_regex *re)
{
	uint32_t n = 0;
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
	return n;
}

kp_regex_scratch *kp_regex_scratch_new(void)
{
	kp_regex_scratch *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	return s;
}

void kp_regex_scratch_free(kp_regex_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	free(s);
}

int kp_regex_find(const kp_regex *re, const char *s, size_t len, size_t start,
		  size_t *caps, size_t ncaps, kp_regex_scratch *scratch,
		  kp_error *err)
{
	(void)scratch;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, 0, md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH) {
		pcre2_match_data_free(md);
		return 0;
	}
	if (rc < 0) {
		pcre2_match_data_free(md);
		kp_errorf(err, KP_E_LIMIT, NULL, 0, 0, "regex match failed (%d)", rc);
		return -1;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t pairs = pcre2_get_ovector_count(md);
	for (size_t k = 0; k < ncaps / 2; k++) {
		if (k < pairs && ov[2 * k] != PCRE2_UNSET) {
			caps[2 * k] = ov[2 * k];
			caps[2 * k + 1] = ov[2 * k + 1];
		} else
			caps[2 * k] = caps[2 * k + 1] = SIZE_MAX;
	}
	pcre2_match_data_free(md);
	return 1;
}

int kp_regex_search(const kp_regex *re, const char *s, size_t len,
		    kp_regex_scratch *scratch, kp_error *err)
{
	size_t caps[2];
	return kp_regex_find(re, s, len, 0, caps, 2, scratch, err);
}

char *kp_regex_replace(const kp_regex *re, const char *s, size_t len,
		       const char *repl, size_t rlen, bool literal,
		       kp_arena *a, size_t *out_len, kp_regex_scratch *scratch,
		       kp_error *err)
{
	(void)re; (void)s; (void)len; (void)repl; (void)rlen; (void)literal;
	(void)a; (void)out_len; (void)scratch;
	kp_errorf(err, KP_E_PATTERN, NULL, 0, 0, "unsupported: regex replace (stub)");
	return NULL;
}
