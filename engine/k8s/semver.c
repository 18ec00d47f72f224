/* semver.c - strict Semantic Versioning 2.0.0, as blang/semver's Parse
 * (Kyverno's condition operators and semver_compare): MAJOR.MINOR.PATCH,
 * optional -prerelease and +build, no leading zeros, no `v` prefix. */
#include "k8s/k8s.h"

#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A numeric part: digits, no leading zero, fits uint64. */
static bool num(const char *s, size_t n, uint64_t *out)
{
	if (!n || (n > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]) || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Dot-separated identifiers [0-9A-Za-z-]+; numeric ones without leading
 * zeros when `numeric_strict` (pre-release; build metadata allows them). */
static bool idents(const char *s, size_t n, bool numeric_strict)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_ident_char(s[i]))
				return false;
			continue;
		}
		size_t len = i - start;
		if (!len)
			return false;
		bool all_digits = true;
		for (size_t k = start; k < i; k++)
			all_digits = all_digits && is_digit(s[k]);
		if (numeric_strict && all_digits && len > 1 && s[start] == '0')
			return false;
		start = i + 1;
	}
	return true;
}

bool kp_semver_parse(const char *s, size_t n, kp_semver *v)
{
	memset(v, 0, sizeof *v);
	const char *end = s + n;
	const char *plus = memchr(s, '+', n);
	const char *core_end = plus ? plus : end;
	const char *dash = memchr(s, '-', (size_t)(core_end - s));
	const char *num_end = dash ? dash : core_end;
	const char *p = s;
	uint64_t parts[3];
	for (int i = 0; i < 3; i++) {
		const char *dot = i < 2 ? memchr(p, '.', (size_t)(num_end - p)) : num_end;
		if (!dot || !num(p, (size_t)(dot - p), &parts[i]))
			return false;
		p = dot + 1;
	}
	v->major = parts[0];
	v->minor = parts[1];
	v->patch = parts[2];
	if (dash) {
		v->pre = dash + 1;
		v->pre_len = (size_t)(core_end - v->pre);
		if (!idents(v->pre, v->pre_len, true))
			return false;
	}
	if (plus && !idents(plus + 1, (size_t)(end - plus - 1), false))
		return false;
	return true;
}

/* Pre-release precedence (SemVer 11.4): identifiers left to right, numeric
 * ones numerically and below alphanumeric ones, a shorter list first. */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	if (!an || !bn)
		return an ? -1 : bn ? 1 : 0;   /* no pre-release ranks higher */
	size_t i = 0, j = 0;
	while (i < an && j < bn) {
		size_t ie = i, je = j;
		while (ie < an && a[ie] != '.') ie++;
		while (je < bn && b[je] != '.') je++;
		uint64_t x, y;
		bool xn = num(a + i, ie - i, &x), yn = num(b + j, je - j, &y);
		int c;
		if (xn && yn)
			c = x < y ? -1 : x > y;
		else if (xn || yn)
			c = xn ? -1 : 1;
		else
			c = kp_bytes_cmp(a + i, ie - i, b + j, je - j);
		if (c)
			return c < 0 ? -1 : 1;
		i = ie + 1;
		j = je + 1;
	}
	bool a_more = i < an, b_more = j < bn;
	return a_more ? 1 : b_more ? -1 : 0;
}

int kp_semver_cmp(const kp_semver *a, const kp_semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return pre_cmp(a->pre, a->pre_len, b->pre, b->pre_len);
}
