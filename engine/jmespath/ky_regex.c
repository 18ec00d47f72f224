/* ky_regex.c - regex_match, regex_replace_all, regex_replace_all_literal
 * (Go regexp through engine/regex: RE2 syntax, unanchored search, Go's
 * template expansion) and random (unsupported).
 *
 * Kyverno compiles the pattern on every call; compiling (PCRE2 and its JIT)
 * costs some fifty times a match, so each thread keeps the patterns it
 * compiled, keyed by their text: a compiled kp_regex depends on nothing
 * else, so the result is the same, errors included (a pattern that fails
 * to compile is not kept and fails again, with the same text).  A cache
 * keyed by text, not a slot in the compiled expression, because variables
 * holding variables make expressions that are compiled per resource.  The
 * thread's regex match data is kept with it (default limits, as a NULL
 * scratch gives). */
#include "jmespath/ky_internal.h"
#include "regex/regex.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RE_CACHE_SLOTS 32
#define RE_CACHE_MAX_PAT 4096 /* longer patterns are compiled per call */

typedef struct re_slot {
	uint64_t hash;
	size_t len;
	char *pat;
	kp_regex *re;
} re_slot;

typedef struct re_cache {
	re_slot slot[RE_CACHE_SLOTS];
	unsigned next;               /* round-robin victim */
	kp_regex_scratch *scratch;
	struct re_cache *prev_c, *next_c; /* the list of live caches */
} re_cache;

/* Every live cache is on this list, so none is unreachable (leak checkers)
 * while its thread runs; a thread's cache is freed when the thread ends. */
static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;
static re_cache *caches;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	re_cache *c = p;
	pthread_mutex_lock(&caches_lock);
	if (c->prev_c)
		c->prev_c->next_c = c->next_c;
	else
		caches = c->next_c;
	if (c->next_c)
		c->next_c->prev_c = c->prev_c;
	pthread_mutex_unlock(&caches_lock);
	for (unsigned i = 0; i < RE_CACHE_SLOTS; i++) {
		free(c->slot[i].pat);
		kp_regex_free(c->slot[i].re);
	}
	kp_regex_scratch_free(c->scratch);
	free(c);
}

static void cache_init(void)
{
	if (pthread_key_create(&cache_key, cache_free))
		kp_oom(0);
}

static re_cache *cache_get(void)
{
	pthread_once(&cache_once, cache_init);
	re_cache *c = pthread_getspecific(cache_key);
	if (c)
		return c;
	c = kp_xcalloc(1, sizeof *c);
	c->scratch = kp_regex_scratch_new();
	pthread_mutex_lock(&caches_lock);
	c->next_c = caches;
	if (caches)
		caches->prev_c = c;
	caches = c;
	pthread_mutex_unlock(&caches_lock);
	pthread_setspecific(cache_key, c);
	return c;
}

/* The compiled pattern (owned by the cache, or *own to free after use) or
 * NULL after filling c->err. */
static const kp_regex *compile(kp_jp_call *c, const kp_value *pat, re_cache *rc, kp_regex **own)
{
	const char *p = pat->u.s.ptr;
	size_t len = pat->u.s.len;
	uint64_t h = kp_hash(p, len);
	*own = NULL;
	for (unsigned i = 0; i < RE_CACHE_SLOTS; i++) {
		re_slot *s = &rc->slot[i];
		if (s->re && s->hash == h && s->len == len && !memcmp(s->pat, p, len))
			return s->re;
	}
	kp_error e;
	kp_error_clear(&e);
	kp_regex *re = kp_regex_compile(p, len, &e);
	if (!re) {
		kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
		return NULL;
	}
	if (len > RE_CACHE_MAX_PAT) {
		*own = re;
		return re;
	}
	re_slot *s = &rc->slot[rc->next];
	rc->next = (rc->next + 1) % RE_CACHE_SLOTS;
	free(s->pat);
	kp_regex_free(s->re);
	s->pat = kp_xmalloc(len ? len : 1);
	memcpy(s->pat, p, len);
	s->len = len;
	s->hash = h;
	s->re = re;
	return re;
}

KY_FN(ky_regex_match)
{
	size_t sl;
	const char *s = ky_to_text(c, ARG(1), &sl);
	if (!s)
		return ky_type_error(c, 2, "String or Real");
	re_cache *rc = cache_get();
	kp_regex *own;
	const kp_regex *re = compile(c, ARG(0), rc, &own);
	if (!re)
		return -KP_JP_E_FUNCTION;
	kp_error e;
	kp_error_clear(&e);
	int m = kp_regex_search(re, s, sl, rc->scratch, &e);
	kp_regex_free(own);
	if (m < 0)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	*out = kp_jp_bool(m == 1);
	return 0;
}

static int replace_all(kp_jp_call *c, const kp_jp_arg *args, bool literal, const kp_value **out)
{
	size_t sl, rl;
	const char *s = ky_to_text(c, ARG(1), &sl);
	if (!s)
		return ky_type_error(c, 2, "String or Real");
	const char *r = ky_to_text(c, ARG(2), &rl);
	if (!r)
		return ky_type_error(c, 3, "String or Real");
	re_cache *rc = cache_get();
	kp_regex *own;
	const kp_regex *re = compile(c, ARG(0), rc, &own);
	if (!re)
		return -KP_JP_E_FUNCTION;
	kp_error e;
	kp_error_clear(&e);
	size_t ol;
	char *res = kp_regex_replace(re, s, sl, r, rl, literal, c->arena, &ol, rc->scratch, &e);
	kp_regex_free(own);
	if (!res)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	kp_value *v = kp_value_new(c->arena, KP_STRING, NULL, 0, 0);
	v->u.s.ptr = res;
	v->u.s.len = ol;
	*out = v;
	return 0;
}

KY_FN(ky_regex_replace_all)
{
	return replace_all(c, args, false, out);
}

KY_FN(ky_regex_replace_all_literal)
{
	return replace_all(c, args, true, out);
}

/* goregen's random strings are not reproducible; a policy that depends on
 * one cannot give a stable verdict. */
KY_FN(ky_random)
{
	return ky_unsupported(c, "generates a non-deterministic string");
}
