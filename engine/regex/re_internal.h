/*
 * regex/re_internal.h - shared by the files of engine/regex/ only.
 *
 * re2_translate.c turns Go (RE2) syntax into a PCRE2 pattern; regex.c
 * compiles and matches it; regex_replace.c expands Go replacement
 * templates.  The helpers here are the few they all need.
 */
#ifndef KP_RE_INTERNAL_H
#define KP_RE_INTERNAL_H

#include "regex/regex.h"

#include <stdint.h>

/* The UTF-8 encoding of code point r (<= 0x10FFFF) into u; its length. */
size_t kp_re_encode(uint32_t r, unsigned char u[4]);

/* Go's utf8.DecodeRune: the code point at s (n bytes left) with its length
 * in *size; -1 with *size 1 for an invalid byte (surrogates, overlongs and
 * values past U+10FFFF are invalid), -1 with *size 0 at the end. */
int32_t kp_re_decode(const unsigned char *s, size_t n, size_t *size);

/* A translated pattern: PCRE2 source (NUL-terminated) and the capture
 * groups' names, names[k] for group k in 1..ngroups (NULL when unnamed;
 * names[0] unused), all in `arena`. */
typedef struct kp_re_prog {
	kp_arena *arena;
	char *pcre;
	size_t pcre_len;
	size_t ngroups;
	char **names;
} kp_re_prog;

/* Parse `pat` as Go's regexp/syntax does with the Perl flags that
 * regexp.Compile uses, and write the equivalent PCRE2 pattern (to be
 * compiled with PCRE2_UTF and no other matching options: every Go flag is
 * spelled out in the output).  -1 with err (KP_E_PATTERN, Go's message,
 * col = 1-based byte offset of the offending text) on what Go rejects. */
int kp_re_translate(const char *pat, size_t len, kp_re_prog *out, kp_error *err);
void kp_re_prog_free(kp_re_prog *p);

/* A subject as PCRE2 sees it: valid UTF-8.  Go reads each invalid byte
 * as U+FFFD; so does the copy made for an invalid subject (in the
 * scratch), with bad[] the offsets in it of those replacement characters,
 * each standing for one byte of the original. */
typedef struct kp_re_subject {
	const char *s;
	size_t len;
	const size_t *bad;
	size_t nbad;
	unsigned calls;      /* matches run on it (loops: FindAll, ReplaceAll) */
	double cpu_start;    /* thread CPU seconds when the loop's budget began */
	double wall_mark;    /* coarse wall clock at the last CPU-time check */
} kp_re_subject;

void kp_re_subject_init(kp_re_subject *sub, const char *s, size_t len,
			kp_regex_scratch *sc);
/* Offsets between the subject (at character boundaries) and the original. */
size_t kp_re_to_orig(const kp_re_subject *sub, size_t off);
size_t kp_re_from_orig(const kp_re_subject *sub, size_t off);

/* One leftmost-first match at or after `start` (an offset in sub): 1 with
 * the offsets in kp_re_ovector(sc) (PCRE2_UNSET = SIZE_MAX for groups that
 * did not take part), 0 none, -1 with err (KP_E_LIMIT on the limits).
 * Each match has its own step limit; the loops over one subject also share
 * a CPU-time budget, as each of their many matches may use its steps. */
int kp_re_exec(const kp_regex *re, kp_re_subject *sub, size_t start,
	       kp_regex_scratch *sc, kp_error *err);
const size_t *kp_re_ovector(const kp_regex_scratch *sc);

/* Scratch for a call given none (kp_re_scratch_done frees it). */
kp_regex_scratch *kp_re_scratch_use(kp_regex_scratch *given);
void kp_re_scratch_done(kp_regex_scratch *given, kp_regex_scratch *used);

/* Is code point r a Unicode letter or decimal digit (Go's unicode.IsLetter
 * || unicode.IsDigit)?  For the names of replacement templates. */
bool kp_re_is_letter_or_digit(uint32_t r);

#endif /* KP_RE_INTERNAL_H */
