/*
 * regex/regex.h - Go RE2 regular expressions on PCRE2 (private).
 *
 * Kyverno's JMESPath functions (regex_match, regex_replace_all, ...) and
 * CEL's matches()/find()/findAll() use Go's regexp package: RE2 syntax,
 * leftmost-first matching, UTF-8 text.  We translate to PCRE2 (8-bit, UTF)
 * and reject what RE2 rejects (backreferences, lookaround, atomic and
 * possessive forms, \Z, conditionals, recursion, ...), with the byte offset
 * of the offending character.  Matching runs under match and depth limits,
 * so a hostile pattern cannot take unbounded time.
 *
 * Thread-safety: a compiled kp_regex is read-only and may be shared by
 * threads; each thread passes its own kp_regex_scratch (or NULL, which
 * allocates per call).
 *
 * Subjects: invalid UTF-8 is matched as Go does, each bad byte as U+FFFD
 * (offsets stay those of the original bytes).  Every call checks the
 * subject's UTF-8 once (linear).  Limits: match limit 10,000,000
 * backtracking steps and 128 MiB of backtracking memory per call; past
 * them a call fails with KP_E_LIMIT, where Go (linear time) would answer.
 *
 * Known differences from Go, all on exotic input: \p{...} uses PCRE2
 * 10.42's Unicode 14 tables (Go: 15; \p{Kawi} and \p{Nag_Mundari} are
 * rejected as unsupported), and under (?i) \p{Lu}, \p{Ll} and \p{Lt}
 * match every cased letter (\p{L&}), where Go adds only case variants.
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

/* Go's MatchString: 1 a match anywhere in s, 0 none, -1 the match limit
 * was reached (err KP_E_LIMIT).  `scratch` may be NULL. */
int kp_regex_search(const kp_regex *re, const char *s, size_t len,
		    kp_regex_scratch *scratch, kp_error *err);

/* Leftmost-first match at or after byte `start`: 1 found, with caps[2k],
 * caps[2k+1] the byte offsets of group k (k = 0 the whole match, SIZE_MAX
 * both for a group that did not take part), for k < ncaps/2; 0 none; -1
 * limit (err). */
int kp_regex_find(const kp_regex *re, const char *s, size_t len, size_t start,
		  size_t *caps, size_t ncaps, kp_regex_scratch *scratch,
		  kp_error *err);

/* Go's FindAll*Index (n = max matches, SIZE_MAX for all): calls
 * cb(ud, caps, ncaps) for each match, caps as for kp_regex_find with ncaps
 * = 2 * (groups + 1), and with Go's rules for empty matches (none right
 * after a previous match; the search moves on one character).  cb returns
 * nonzero to stop.  Returns the number of matches delivered, or -1 (limit,
 * err).  Prefer this to a loop of kp_regex_find: the subject's UTF-8 is
 * checked once.  Offsets in `start` of kp_regex_find that fall inside a
 * character are moved to the next character. */
long kp_regex_find_all(const kp_regex *re, const char *s, size_t len, size_t n,
		       int (*cb)(void *ud, const size_t *caps, size_t ncaps),
		       void *ud, kp_regex_scratch *scratch, kp_error *err);

/* Go's ReplaceAllString (literal = false: `$1`, `${1}`, `$name`, `${name}`
 * expanded as regexp.Expand does, `$$` a dollar) or ReplaceAllLiteralString
 * (literal = true).  The result is arena-allocated, NUL-terminated, its
 * length in *out_len.  NULL with err on the match limit. */
char *kp_regex_replace(const kp_regex *re, const char *s, size_t len,
		       const char *repl, size_t rlen, bool literal,
		       kp_arena *a, size_t *out_len, kp_regex_scratch *scratch,
		       kp_error *err);

#endif /* KP_REGEX_H */
