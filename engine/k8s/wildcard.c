/* wildcard.c - Kyverno's `*` / `?` glob (ext/wildcard, which wraps
 * IGLOU-EU/go-wildcard v1.0.3: whole-string, case-sensitive, per code point). */
#include "k8s/k8s.h"

#include <string.h>

/* Decode one UTF-8 code point at s[*i] (len n) and advance; invalid bytes
 * decode as U+FFFD one byte at a time, as Go's []rune(string) does. */
static uint32_t next_rune(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	if (c < 0x80) {
		(*i)++;
		return c;
	}
	size_t need;
	uint32_t cp, min;
	if ((c & 0xE0) == 0xC0) {
		need = 1; cp = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		need = 2; cp = c & 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		need = 3; cp = c & 0x07; min = 0x10000;
	} else {
		(*i)++;
		return 0xFFFD;
	}
	if (*i + need >= n) {
		(*i)++;
		return 0xFFFD;
	}
	for (size_t k = 1; k <= need; k++) {
		unsigned char d = s[*i + k];
		if ((d & 0xC0) != 0x80) {
			(*i)++;
			return 0xFFFD;
		}
		cp = (cp << 6) | (d & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		(*i)++;
		return 0xFFFD;
	}
	*i += need + 1;
	return cp;
}

static bool all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* Greedy matcher over bytes (ASCII fast path). */
static bool match_bytes(const char *p, size_t pn, const char *t, size_t tn)
{
	size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;
	while (ti < tn) {
		if (pi < pn && p[pi] == '*') {
			star_p = pi++;
			star_t = ti;
		} else if (pi < pn && (p[pi] == '?' || p[pi] == t[ti])) {
			pi++;
			ti++;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			ti = ++star_t;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* Same algorithm over code points; positions stay byte offsets. */
static bool match_runes(const char *ps, size_t pn, const char *ts, size_t tn)
{
	const unsigned char *p = (const unsigned char *)ps, *t = (const unsigned char *)ts;
	size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;
	while (ti < tn) {
		size_t pnext = pi, tnext = ti;
		uint32_t pc = pi < pn ? next_rune(p, pn, &pnext) : 0;
		if (pi < pn && pc == '*') {
			star_p = pi;
			pi = pnext;
			star_t = ti;
			continue;
		}
		uint32_t tc = next_rune(t, tn, &tnext);
		if (pi < pn && (pc == '?' || pc == tc)) {
			pi = pnext;
			ti = tnext;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			size_t adv = star_t;
			next_rune(t, tn, &adv);
			star_t = adv;
			ti = adv;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

bool kp_wildcard_match(const char *pat, size_t plen, const char *text,
		       size_t tlen)
{
	if (plen == 0)
		return tlen == 0;
	if (plen == 1 && pat[0] == '*')
		return true;
	/* most patterns (kinds, names, values) hold no wildcard at all */
	if (!memchr(pat, '*', plen) && !memchr(pat, '?', plen))
		return plen == tlen && memcmp(pat, text, plen) == 0;
	if (all_ascii(pat, plen) && all_ascii(text, tlen))
		return match_bytes(pat, plen, text, tlen);
	return match_runes(pat, plen, text, tlen);
}

bool kp_wildcard_has(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?')
			return true;
	return false;
}
