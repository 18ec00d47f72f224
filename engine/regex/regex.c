/*
 * regex.c - compiling translated Go patterns with PCRE2 and matching them
 * (Go's MatchString, FindStringSubmatchIndex, FindAllStringSubmatchIndex).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex/re_internal.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KP_RE_MATCH_LIMIT 10000000u
#define KP_RE_HEAP_LIMIT_KIB (128u * 1024u)
#define KP_RE_NEST_LIMIT 1100u /* Go allows 1000 levels; we add wrappers */
#define KP_RE_LOOP_CPU_SECONDS 1.0 /* budget of one FindAll / ReplaceAll */
#ifndef CLOCK_MONOTONIC_COARSE /* Linux's cheap clock */
#define CLOCK_MONOTONIC_COARSE CLOCK_MONOTONIC
#endif

struct kp_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	bool jit;
	kp_re_prog prog;
};

struct kp_regex_scratch {
	pcre2_match_data *md;
	uint32_t pairs;
	pcre2_match_context *mctx; /* own limits, or NULL: the regex's */
	char *buf; /* the subject with U+FFFD for invalid bytes */
	size_t cap;
	size_t *bad;
	size_t badcap;
};

/* ---------------------------------------------------------------- compile */

kp_regex *kp_regex_compile(const char *pat, size_t len, kp_error *err)
{
	kp_regex *re = kp_xcalloc(1, sizeof *re);
	if (kp_re_translate(pat, len, &re->prog, err) < 0) {
		free(re);
		return NULL;
	}
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	if (!cc) {
		kp_regex_free(re);
		kp_errorf(err, KP_E_NOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	pcre2_set_parens_nest_limit(cc, KP_RE_NEST_LIMIT);
	int code = 0;
	PCRE2_SIZE off = 0;
	re->code = pcre2_compile((PCRE2_SPTR)re->prog.pcre, re->prog.pcre_len,
				 PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_NEVER_BACKSLASH_C,
				 &code, &off, cc);
	pcre2_compile_context_free(cc);
	if (!re->code) {
		/* what Go accepts but PCRE2 cannot hold: sizes, newer scripts */
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		if (code == PCRE2_ERROR_PATTERN_TOO_LARGE || code == PCRE2_ERROR_PARENTHESES_NEST_TOO_DEEP ||
		    code == PCRE2_ERROR_PARENTHESES_STACK_CHECK)
			kp_errorf(err, KP_E_PATTERN, NULL, 0, 1,
				  "error parsing regexp: expression too large (%s)", (char *)msg);
		else
			kp_errorf(err, KP_E_PATTERN, NULL, 0, 1,
				  "unsupported: regexp feature (PCRE2: %s)", (char *)msg);
		kp_regex_free(re);
		return NULL;
	}
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->mctx) {
		kp_regex_free(re);
		kp_errorf(err, KP_E_NOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(re->mctx, KP_RE_MATCH_LIMIT);
	pcre2_set_heap_limit(re->mctx, KP_RE_HEAP_LIMIT_KIB);
	/* machine code when the library has a JIT (several times faster); the
	 * interpreter stays the fallback */
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	return re;
}

void kp_regex_free(kp_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	kp_re_prog_free(&re->prog);
	free(re);
}

size_t kp_regex_groups(const kp_regex *re)
{
	return re->prog.ngroups;
}

const char *kp_regex_group_name(const kp_regex *re, size_t k)
{
	return k >= 1 && k <= re->prog.ngroups ? re->prog.names[k] : NULL;
}

long kp_regex_group_index(const kp_regex *re, const char *name)
{
	for (size_t k = 1; name && k <= re->prog.ngroups; k++)
		if (re->prog.names[k] && !strcmp(re->prog.names[k], name))
			return (long)k;
	return -1;
}

const char *kp_regex_pcre_source(const kp_regex *re)
{
	return re->prog.pcre;
}

/* ---------------------------------------------------------------- scratch */

kp_regex_scratch *kp_regex_scratch_new(void)
{
	return kp_xcalloc(1, sizeof(kp_regex_scratch));
}

void kp_regex_scratch_free(kp_regex_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	free(s->buf);
	free(s->bad);
	free(s);
}

void kp_regex_scratch_set_limits(kp_regex_scratch *s, uint32_t match_limit,
				 uint32_t depth_limit)
{
	if (!s->mctx) {
		s->mctx = pcre2_match_context_create(NULL);
		if (!s->mctx)
			kp_oom(sizeof(pcre2_match_context *));
	}
	pcre2_set_match_limit(s->mctx, match_limit ? match_limit : KP_RE_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, depth_limit ? depth_limit : UINT32_MAX);
	pcre2_set_heap_limit(s->mctx, KP_RE_HEAP_LIMIT_KIB);
}

kp_regex_scratch *kp_regex_ctx_scratch(kp_eval_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (!ctx->re) {
		ctx->re = kp_regex_scratch_new();
		ctx->re_free = kp_regex_scratch_free;
		kp_regex_scratch_set_limits(ctx->re, ctx->limits.regex_match_limit,
					    ctx->limits.regex_depth_limit);
	}
	return ctx->re;
}

kp_regex_scratch *kp_re_scratch_use(kp_regex_scratch *given)
{
	return given ? given : kp_regex_scratch_new();
}

void kp_re_scratch_done(kp_regex_scratch *given, kp_regex_scratch *used)
{
	if (used != given)
		kp_regex_scratch_free(used);
}

const size_t *kp_re_ovector(const kp_regex_scratch *sc)
{
	return pcre2_get_ovector_pointer(sc->md);
}

/* ---------------------------------------------------------------- subjects */

/* Length of the valid UTF-8 prefix of s. */
static size_t valid_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t sz;
		if (kp_re_decode(s + i, len - i, &sz) < 0)
			return i;
		i += sz;
	}
	return len;
}

void kp_re_subject_init(kp_re_subject *sub, const char *s, size_t len, kp_regex_scratch *sc)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t ok = valid_prefix(u, len);
	*sub = (kp_re_subject){.s = (const char *)u, .len = len};
	if (ok == len)
		return;
	/* at most 3 bytes of output per byte of input */
	if (sc->cap < 3 * len + 1) {
		free(sc->buf);
		sc->cap = 3 * len + 1;
		sc->buf = kp_xmalloc(sc->cap);
	}
	memcpy(sc->buf, u, ok);
	size_t w = ok, nbad = 0;
	for (size_t i = ok; i < len;) {
		size_t sz;
		if (kp_re_decode(u + i, len - i, &sz) >= 0) {
			memcpy(sc->buf + w, u + i, sz);
			w += sz;
			i += sz;
			continue;
		}
		sc->bad = kp_xgrow(sc->bad, &sc->badcap, nbad + 1, sizeof *sc->bad);
		sc->bad[nbad++] = w;
		memcpy(sc->buf + w, "\xEF\xBF\xBD", 3);
		w += 3;
		i++;
	}
	sc->buf[w] = 0;
	*sub = (kp_re_subject){.s = sc->buf, .len = w, .bad = sc->bad, .nbad = nbad};
}

/* Replacement characters strictly before subject offset `off`. */
static size_t bad_before(const kp_re_subject *sub, size_t off)
{
	size_t lo = 0, hi = sub->nbad;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sub->bad[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t kp_re_to_orig(const kp_re_subject *sub, size_t off)
{
	return sub->nbad ? off - 2 * bad_before(sub, off) : off;
}

size_t kp_re_from_orig(const kp_re_subject *sub, size_t off)
{
	if (!sub->nbad)
		return off;
	/* the i-th bad byte is at original offset bad[i] - 2i */
	size_t lo = 0, hi = sub->nbad;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sub->bad[mid] - 2 * mid < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return off + 2 * lo;
}

/* ---------------------------------------------------------------- matching */

static double seconds(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int limit_error(kp_error *err)
{
	return kp_errorf(err, KP_E_LIMIT, NULL, 0, 0,
			 "regexp match limit reached (pattern too costly for this input)");
}

int kp_re_exec(const kp_regex *re, kp_re_subject *sub, size_t start,
	       kp_regex_scratch *sc, kp_error *err)
{
	/* The first match is bounded by its steps; loops are timed after it,
	 * by the thread's CPU time (a system call), looked at when the coarse
	 * wall clock (cheap) has moved on a quarter of a second. */
	if (++sub->calls >= 2) {
		double wall = seconds(CLOCK_MONOTONIC_COARSE);
		if (sub->calls == 2) {
			sub->cpu_start = seconds(CLOCK_THREAD_CPUTIME_ID);
			sub->wall_mark = wall;
		} else if (wall - sub->wall_mark >= 0.25) {
			sub->wall_mark = wall;
			if (seconds(CLOCK_THREAD_CPUTIME_ID) - sub->cpu_start > KP_RE_LOOP_CPU_SECONDS)
				return limit_error(err);
		}
	}
	uint32_t pairs = (uint32_t)re->prog.ngroups + 1;
	if (!sc->md || sc->pairs < pairs) {
		pcre2_match_data_free(sc->md);
		sc->md = pcre2_match_data_create(pairs, NULL);
		if (!sc->md) {
			sc->pairs = 0;
			return kp_errorf(err, KP_E_NOMEM, NULL, 0, 0, "out of memory");
		}
		sc->pairs = pairs;
	}
	if (start > sub->len)
		return 0;
	/* never start inside a character */
	while (start < sub->len && ((unsigned char)sub->s[start] & 0xC0) == 0x80)
		start++;
	pcre2_match_context *mctx = sc->mctx ? sc->mctx : re->mctx;
	int rc = pcre2_match(re->code, (PCRE2_SPTR)sub->s, sub->len, start,
			     PCRE2_NO_UTF_CHECK, sc->md, mctx);
	/* The JIT's stack (32 KiB) is small, and it skips some of the
	 * interpreter's shortcuts (a required character looked for first): on
	 * its limits the interpreter decides, under its own. */
	if (re->jit && (rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_MATCHLIMIT))
		rc = pcre2_match(re->code, (PCRE2_SPTR)sub->s, sub->len, start,
				 PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, sc->md, mctx);
	if (rc > 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		return limit_error(err);
	if (rc == PCRE2_ERROR_NOMEMORY)
		return kp_errorf(err, KP_E_NOMEM, NULL, 0, 0, "out of memory matching a regexp");
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(rc, msg, sizeof msg);
	return kp_errorf(err, KP_E_LIMIT, NULL, 0, 0, "regexp match failed: %s", (char *)msg);
}

int kp_regex_search(const kp_regex *re, const char *s, size_t len,
		    kp_regex_scratch *scratch, kp_error *err)
{
	kp_regex_scratch *sc = kp_re_scratch_use(scratch);
	kp_re_subject sub;
	kp_re_subject_init(&sub, s, len, sc);
	int rc = kp_re_exec(re, &sub, 0, sc, err);
	kp_re_scratch_done(scratch, sc);
	return rc;
}

/* Copy the groups of the last match into caps (original offsets). */
static void fill_caps(const kp_re_subject *sub, const kp_regex_scratch *sc,
		      size_t pairs, size_t *caps, size_t ncaps)
{
	const size_t *ov = kp_re_ovector(sc);
	for (size_t i = 0; i < ncaps; i++) {
		size_t v = i / 2 < pairs ? ov[i] : PCRE2_UNSET;
		caps[i] = v == PCRE2_UNSET ? SIZE_MAX : kp_re_to_orig(sub, v);
	}
}

int kp_regex_find(const kp_regex *re, const char *s, size_t len, size_t start,
		  size_t *caps, size_t ncaps, kp_regex_scratch *scratch,
		  kp_error *err)
{
	kp_regex_scratch *sc = kp_re_scratch_use(scratch);
	kp_re_subject sub;
	kp_re_subject_init(&sub, s, len, sc);
	int rc = start > len ? 0 : kp_re_exec(re, &sub, kp_re_from_orig(&sub, start), sc, err);
	if (rc == 1 && caps)
		fill_caps(&sub, sc, re->prog.ngroups + 1, caps, ncaps);
	kp_re_scratch_done(scratch, sc);
	return rc;
}

long kp_regex_find_all(const kp_regex *re, const char *s, size_t len, size_t n,
		       int (*cb)(void *ud, const size_t *caps, size_t ncaps),
		       void *ud, kp_regex_scratch *scratch, kp_error *err)
{
	kp_regex_scratch *sc = kp_re_scratch_use(scratch);
	kp_re_subject sub;
	kp_re_subject_init(&sub, s, len, sc);
	size_t ncaps = 2 * (re->prog.ngroups + 1);
	size_t *caps = kp_xmalloc(ncaps * sizeof *caps);
	long found = 0;
	size_t pos = 0, prev_end = SIZE_MAX;
	/* Go's allMatches */
	while ((size_t)found < n && pos <= sub.len) {
		int rc = kp_re_exec(re, &sub, pos, sc, err);
		if (rc < 0) {
			found = -1;
			break;
		}
		if (rc == 0)
			break;
		const size_t *ov = kp_re_ovector(sc);
		size_t m0 = ov[0], m1 = ov[1];
		bool accept = true;
		if (m1 == pos) {
			/* an empty match: none right after the previous match */
			if (m0 == prev_end)
				accept = false;
			size_t width;
			kp_re_decode((const unsigned char *)sub.s + pos, sub.len - pos, &width);
			pos = width ? pos + width : sub.len + 1;
		} else {
			pos = m1;
		}
		prev_end = m1;
		if (accept) {
			fill_caps(&sub, sc, re->prog.ngroups + 1, caps, ncaps);
			found++;
			if (cb && cb(ud, caps, ncaps))
				break;
		}
	}
	free(caps);
	kp_re_scratch_done(scratch, sc);
	return found;
}

/* ---------------------------------------------------------------- letters */

static pcre2_code *letter_re;
static pthread_once_t letter_once = PTHREAD_ONCE_INIT;

static void letter_init(void)
{
	int code;
	PCRE2_SIZE off;
	letter_re = pcre2_compile((PCRE2_SPTR) "[\\p{L}\\p{Nd}]", PCRE2_ZERO_TERMINATED,
				  PCRE2_UTF | PCRE2_ANCHORED, &code, &off, NULL);
}

bool kp_re_is_letter_or_digit(uint32_t r)
{
	if (r < 0x80)
		return (r | 0x20) - 'a' < 26 || r - '0' < 10;
	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		return false;
	pthread_once(&letter_once, letter_init);
	if (!letter_re)
		return false;
	unsigned char u[4];
	size_t n = kp_re_encode(r, u);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = md ? pcre2_match(letter_re, u, n, 0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	return rc > 0;
}
