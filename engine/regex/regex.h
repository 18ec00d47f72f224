/*
 * regex/regex.h - Go RE2 regular expressions on PCRE2 (private).
 *
 * Kyverno's JMESPath functions (regex_match, regex_replace_all, ...) and
 * CEL's matches()/find()/findAll() use Go's regexp package: RE2 syntax,
 * leftmost-first matching, UTF-8 text.  We translate to PCRE2 (8-bit, UTF)
 * and reject what RE2 rejects (backreferences, lookaround, atomic and
 * possessive forms, \Z, conditionals, recursion, ...), with the byte offset
 * of the offending character.  Matching runs under step and memory limits,
 * so a hostile pattern cannot take unbounded time.
 *
 * Thread-safety: a compiled kp_regex is read-only and may be shared by
 * threads; each thread passes its own kp_regex_scratch (or NULL, which
 * allocates per call).
 *
 * Subjects: invalid UTF-8 is matched as Go does, each bad byte as U+FFFD
 * (offsets stay those of the original bytes).  Every call checks the
 * subject's UTF-8 once (linear).  Limits: 10,000,000 backtracking steps
 * and 128 MiB of backtracking memory per match, and 1 s of CPU time for
 * the many matches of one kp_regex_find_all / kp_regex_replace; past them
 * a call fails with KP_E_LIMIT, where Go (linear time) would answer.
 *
 * Known differences from Go, all on exotic input: \p{...} uses PCRE2
 * 10.42's Unicode 14 tables (Go: 15; \p{Kawi} and \p{Nag_Mundari} are
 * rejected as unsupported); under (?i) \p{Lu}, \p{Ll} and \p{Lt} match
 * every cased letter (\p{L&}), where Go adds only case variants, and
 * \p{Greek} etc. do not gain Go's few fold-only extras (U+00B5, U+0345);
 * Go's limit on runes in classes (about 26,000 \pL) is not checked (PCRE2's
 * own size limit answers "expression too large" earlier or later), and
 * non-capturing groups nested past ~1,100 levels (Go: unlimited, they add
 * no tree height) are too large for PCRE2.
 */
#ifndef KP_REGEX_H
#define KP_REGEX_H

#include "core/core.h"

typedef struct kp_regex kp_regex;
typedef struct kp_regex_scratch kp_regex_scratch;

/* Compile `pat` (len bytes, Go regexp.Compile syntax).  NULL on a pattern
 * Go rejects: err->code KP_E_PATTERN, err->col the 1-based byte offset in
 * `pat` of the problem, err->msg Go's wording where we know it
 * ("error parsing regexp: invalid escape sequence: `\1`"). */
kp_regex *kp_regex_compile(const char *pat, size_t len, kp_error *err);
void kp_regex_free(kp_regex *re);
/* Capture groups, not counting the whole match. */
size_t kp_regex_groups(const kp_regex *re);
/* Name of group k (1-based; Go's SubexpNames) or NULL when unnamed or out
 * of range. */
const char *kp_regex_group_name(const kp_regex *re, size_t k);
/* Go's SubexpIndex: the first group named `name`, or -1. */
long kp_regex_group_index(const kp_regex *re, const char *name);
/* The PCRE2 source the pattern was translated to (for tests and errors). */
const char *kp_regex_pcre_source(const kp_regex *re);

/* Scratch memory for matching (PCRE2 match data), one per thread. */
kp_regex_scratch *kp_regex_scratch_new(void);
void kp_regex_scratch_free(kp_regex_scratch *s);
/* PCRE2 match and depth limits for every match made with this scratch
 * (0: the defaults, 10,000,000 steps and no depth limit; the 128 MiB of
 * backtracking memory stays).  The JIT, when used, obeys the match limit;
 * where it stops, the interpreter decides under both. */
void kp_regex_scratch_set_limits(kp_regex_scratch *s, uint32_t match_limit,
				 uint32_t depth_limit);
/* The scratch of an evaluation context (kp_eval_ctx->re): made on first
 * use, under the context's regex_match_limit and regex_depth_limit, and
 * freed with the context.  NULL for a NULL ctx (callers then pass NULL on:
 * a scratch per call). */
kp_regex_scratch *kp_regex_ctx_scratch(kp_eval_ctx *ctx);

/* Go's MatchString: 1 a match anywhere in s, 0 none, -1 the match limit
 * was reached (err KP_E_LIMIT).  `scratch` may be NULL. */
int kp_regex_search(const kp_regex *re, const char *s, size_t len,
		    kp_regex_scratch *scratch, kp_error *err);

/* Leftmost-first match at or after byte `start` (as in Go, the text
 * before it still counts for \b and (?m)^, and ^ matches only at 0):
 * 1 found, with caps[2k], caps[2k+1] the byte offsets of group k (k = 0
 * the whole match, SIZE_MAX both for a group that did not take part), for
 * k < ncaps/2; 0 none (also for start > len); -1 limit (err).  A `start`
 * inside a UTF-8 character is moved to the next character. */
int kp_regex_find(const kp_regex *re, const char *s, size_t len, size_t start,
		  size_t *caps, size_t ncaps, kp_regex_scratch *scratch,
		  kp_error *err);

/* Go's FindAll*Index (n = max matches, SIZE_MAX for all): calls
 * cb(ud, caps, ncaps) for each match, caps as for kp_regex_find with ncaps
 * = 2 * (groups + 1), and with Go's rules for empty matches (none right
 * after a previous match; the search moves on one character).  cb returns
 * nonzero to stop.  Returns the number of matches delivered, or -1 (limit,
 * err).  Prefer this to a loop of kp_regex_find: the subject's UTF-8 is
 * checked once.  cb may be NULL (count only). */
long kp_regex_find_all(const kp_regex *re, const char *s, size_t len, size_t n,
		       int (*cb)(void *ud, const size_t *caps, size_t ncaps),
		       void *ud, kp_regex_scratch *scratch, kp_error *err);

/* Go's ReplaceAllString (literal = false: `$1`, `${1}`, `$name`, `${name}`
 * expanded as regexp.Expand does, `$$` a dollar) or ReplaceAllLiteralString
 * (literal = true), with Go's rules for empty matches ("abc" with `x*`
 * and "-" gives "-a-b-c-").  The result is arena-allocated (only it: the
 * work buffer is not), NUL-terminated, its length in *out_len (may be
 * NULL).  NULL with err (KP_E_LIMIT) on the limits. */
char *kp_regex_replace(const kp_regex *re, const char *s, size_t len,
		       const char *repl, size_t rlen, bool literal,
		       kp_arena *a, size_t *out_len, kp_regex_scratch *scratch,
		       kp_error *err);

#endif /* KP_REGEX_H */
