/* ky_strings.c - Kyverno's string functions (compare, equal_fold, replace,
 * replace_all, to_upper, to_lower, trim, trim_prefix, split, truncate,
 * pattern_match, label_match, to_boolean, path_canonicalize), with Go's
 * strings package semantics on UTF-8 (an invalid byte is one rune, U+FFFD). */
#include "jmespath/ky_internal.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <wctype.h>

/* One rune of s at i (n bytes); *w its width (1 for an invalid byte,
 * which decodes as U+FFFD as Go's utf8.DecodeRuneInString does). */
static uint32_t rune_at(const char *s, size_t n, size_t i, size_t *w)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t left = n - i;
	uint32_t c = u[0];
	*w = 1;
	if (c < 0x80)
		return c;
	size_t need = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
	if (c >= 0xF5 || need == 0 || left < need)
		return 0xFFFD;
	uint32_t r = c & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < need; k++) {
		if ((u[k] & 0xC0) != 0x80)
			return 0xFFFD;
		r = r << 6 | (u[k] & 0x3F);
	}
	if ((need == 3 && (r < 0x800 || (r >= 0xD800 && r < 0xE000))) ||
	    (need == 4 && (r < 0x10000 || r > 0x10FFFF)))
		return 0xFFFD;
	*w = need;
	return r;
}

/* Unicode simple case mappings: glibc's tables through a C.UTF-8 locale
 * object (never the process locale). */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static void utf8_init(void) { utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

static uint32_t map_case(uint32_t r, bool upper)
{
	if (r < 0x80)
		return upper ? (r >= 'a' && r <= 'z' ? r - 32 : r) : (r >= 'A' && r <= 'Z' ? r + 32 : r);
	pthread_once(&utf8_once, utf8_init);
	if (!utf8_locale)
		return r;
	return (uint32_t)(upper ? towupper_l((wint_t)r, utf8_locale) : towlower_l((wint_t)r, utf8_locale));
}

static const kp_value *map_string(kp_jp_call *c, const kp_value *s, bool upper)
{
	kp_buf b;
	kp_buf_init(&b, c->arena);
	char o[4];
	for (size_t i = 0, w; i < s->u.s.len; i += w)
		kp_buf_add(&b, o, kp_utf8_put(o, map_case(rune_at(s->u.s.ptr, s->u.s.len, i, &w), upper)));
	return ky_buf_str(c, &b);
}

KY_FN(ky_to_upper)
{
	*out = map_string(c, ARG(0), true);
	return 0;
}

KY_FN(ky_to_lower)
{
	*out = map_string(c, ARG(0), false);
	return 0;
}

KY_FN(ky_compare)
{
	const kp_value *a = ARG(0), *b = ARG(1);
	int r = kp_bytes_cmp(a->u.s.ptr, a->u.s.len, b->u.s.ptr, b->u.s.len);
	*out = kp_jp_new_int(c->arena, r < 0 ? -1 : r > 0);
	return 0;
}

/* strings.EqualFold: rune by rune, equal when equal under simple folding. */
KY_FN(ky_equal_fold)
{
	const kp_value *a = ARG(0), *b = ARG(1);
	size_t i = 0, j = 0, wa, wb;
	bool eq = true;
	while (eq && i < a->u.s.len && j < b->u.s.len) {
		uint32_t ra = rune_at(a->u.s.ptr, a->u.s.len, i, &wa);
		uint32_t rb = rune_at(b->u.s.ptr, b->u.s.len, j, &wb);
		eq = ra == rb || map_case(ra, false) == map_case(rb, false) ||
		     map_case(ra, true) == map_case(rb, true);
		i += wa;
		j += wb;
	}
	*out = kp_jp_bool(eq && i == a->u.s.len && j == b->u.s.len);
	return 0;
}

static size_t count_runes(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0, w; i < n; i += w, k++)
		rune_at(s, n, i, &w);
	return k;
}

/* strings.Replace(s, old, new, n). */
static const kp_value *replace(kp_jp_call *c, const kp_value *s, const kp_value *old,
			       const kp_value *rep, long n)
{
	const char *p = s->u.s.ptr, *o = old->u.s.ptr;
	size_t len = s->u.s.len, olen = old->u.s.len;
	size_t m = 0;
	if (olen == 0) {
		m = count_runes(p, len) + 1;
	} else {
		for (const char *q = p; (q = memmem(q, len - (size_t)(q - p), o, olen)); q += olen)
			m++;
	}
	if (n == 0 || m == 0 || (olen == rep->u.s.len && memcmp(o, rep->u.s.ptr, olen) == 0))
		return s;
	if (n < 0 || m < (size_t)n)
		n = (long)m;
	kp_buf b;
	kp_buf_init(&b, c->arena);
	size_t start = 0;
	for (long i = 0; i < n; i++) {
		size_t j = start;
		if (olen == 0) {
			if (i > 0) {
				size_t w;
				rune_at(p, len, start, &w);
				j += w;
			}
		} else {
			j = (size_t)((const char *)memmem(p + start, len - start, o, olen) - p);
		}
		kp_buf_add(&b, p + start, j - start);
		kp_buf_add(&b, rep->u.s.ptr, rep->u.s.len);
		start = j + olen;
	}
	kp_buf_add(&b, p + start, len - start);
	return ky_buf_str(c, &b);
}

/* Go's int(float64): truncation toward zero (saturated here; Go's result
 * for out-of-range values is unspecified). */
static long go_int(double d)
{
	if (d != d)
		return 0;
	if (d >= 9.2e18)
		return INT64_MAX;
	if (d <= -9.2e18)
		return INT64_MIN;
	return (long)d;
}

KY_FN(ky_replace)
{
	*out = replace(c, ARG(0), ARG(1), ARG(2), go_int(kp_jp_num(ARG(3))));
	return 0;
}

KY_FN(ky_replace_all)
{
	*out = replace(c, ARG(0), ARG(1), ARG(2), -1);
	return 0;
}

static bool in_cutset(const kp_value *set, uint32_t r)
{
	for (size_t i = 0, w; i < set->u.s.len; i += w)
		if (rune_at(set->u.s.ptr, set->u.s.len, i, &w) == r)
			return true;
	return false;
}

/* strings.Trim(s, cutset). */
KY_FN(ky_trim)
{
	const kp_value *s = ARG(0), *set = ARG(1);
	const char *p = s->u.s.ptr;
	size_t len = s->u.s.len, start = 0, end = len, w;
	while (start < end && in_cutset(set, rune_at(p, end, start, &w)))
		start += w;
	while (end > start) {
		size_t k = end - 1; /* back to the start of the last rune */
		while (k > start && end - k < 4 && ((unsigned char)p[k] & 0xC0) == 0x80)
			k--;
		uint32_t r = rune_at(p, end, k, &w);
		if (k + w != end) { /* not one rune: the last byte on its own */
			k = end - 1;
			r = 0xFFFD;
		}
		if (!in_cutset(set, r))
			break;
		end = k;
	}
	*out = start == 0 && end == len ? s : ky_str(c, p + start, end - start);
	return 0;
}

KY_FN(ky_trim_prefix)
{
	const kp_value *s = ARG(0), *pre = ARG(1);
	if (pre->u.s.len <= s->u.s.len && memcmp(s->u.s.ptr, pre->u.s.ptr, pre->u.s.len) == 0)
		*out = ky_str(c, s->u.s.ptr + pre->u.s.len, s->u.s.len - pre->u.s.len);
	else
		*out = s;
	return 0;
}

/* strings.Split(s, sep): an empty sep splits into runes. */
KY_FN(ky_split)
{
	const kp_value *s = ARG(0), *sep = ARG(1);
	const char *p = s->u.s.ptr;
	size_t len = s->u.s.len;
	kp_value *res = kp_jp_new_array(c->arena, 4);
	if (sep->u.s.len == 0) {
		for (size_t i = 0, w; i < len; i += w) {
			rune_at(p, len, i, &w);
			kp_jp_array_push(c->arena, res, ky_str(c, p + i, w));
		}
	} else {
		size_t start = 0;
		const char *q;
		while ((q = memmem(p + start, len - start, sep->u.s.ptr, sep->u.s.len))) {
			kp_jp_array_push(c->arena, res, ky_str(c, p + start, (size_t)(q - p) - start));
			start = (size_t)(q - p) + sep->u.s.len;
		}
		kp_jp_array_push(c->arena, res, ky_str(c, p + start, len - start));
	}
	*out = res;
	return 0;
}

/* The first `len` runes (len truncated to an integer; negative = 0). */
KY_FN(ky_truncate)
{
	const kp_value *s = ARG(0);
	long keep = go_int(kp_jp_num(ARG(1)));
	size_t i = 0, w;
	for (long k = 0; k < keep && i < s->u.s.len; k++, i += w)
		rune_at(s->u.s.ptr, s->u.s.len, i, &w);
	*out = i == s->u.s.len ? s : ky_str(c, s->u.s.ptr, i);
	return 0;
}

KY_FN(ky_pattern_match)
{
	size_t tl;
	const char *t = ky_to_text(c, ARG(1), &tl);
	if (!t)
		return ky_type_error(c, 2, "String or Real");
	*out = kp_jp_bool(kp_wildcard_match(ARG(0)->u.s.ptr, ARG(0)->u.s.len, t, tl));
	return 0;
}

/* Every key of the selector is in labels with an equal value. */
KY_FN(ky_label_match)
{
	const kp_value *sel = ARG(0), *labels = ARG(1);
	bool ok = true;
	for (size_t i = 0; ok && i < sel->u.map.n; i++) {
		const kp_value *k = sel->u.map.pairs[i].key;
		const kp_value *v = kp_jp_get(labels, k->u.s.ptr, k->u.s.len);
		ok = v && kp_jp_equal(v, sel->u.map.pairs[i].value);
	}
	*out = kp_jp_bool(ok);
	return 0;
}

KY_FN(ky_to_boolean)
{
	const kp_value *s = ARG(0);
	char low[6] = "";
	if (s->u.s.len == 4 || s->u.s.len == 5)
		for (size_t i = 0; i < s->u.s.len; i++)
			low[i] = (char)map_case((unsigned char)s->u.s.ptr[i], false);
	if (!strcmp(low, "true") || !strcmp(low, "false")) {
		*out = kp_jp_bool(low[0] == 't');
		return 0;
	}
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "lowercase argument must be 'true' or 'false' (provided: '%.*s')",
			  (int)(s->u.s.len > 200 ? 200 : s->u.s.len), s->u.s.ptr);
}

/* Go's path.Clean (filepath.Join with one element on Unix; "" stays ""). */
KY_FN(ky_path_canonicalize)
{
	const kp_value *s = ARG(0);
	const char *p = s->u.s.ptr;
	size_t pn = s->u.s.len;
	if (pn == 0) {
		*out = s;
		return 0;
	}
	bool rooted = p[0] == '/';
	char *o = kp_arena_alloc(c->arena, pn + 2);
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		o[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < pn) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == pn || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == pn || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && o[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					o[w++] = '/';
				o[w++] = '.';
				o[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				o[w++] = '/';
			for (; r < pn && p[r] != '/'; r++)
				o[w++] = p[r];
		}
	}
	if (w == 0)
		o[w++] = '.';
	o[w] = 0;
	kp_value *v = kp_value_new(c->arena, KP_STRING, NULL, 0, 0);
	v->u.s.ptr = o;
	v->u.s.len = w;
	*out = v;
	return 0;
}
