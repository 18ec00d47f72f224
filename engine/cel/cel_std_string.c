/* cel/cel_std_string.c - string functions of the standard library
 * (contains startsWith endsWith matches) and cel-go's strings extension
 * (ext/strings.go: charAt indexOf lastIndexOf lowerAscii upperAscii
 * replace split substring trim join reverse strings.quote).  Indexes count
 * code points. */
#include "cel/cel_int.h"

#include <stdio.h>

#define ISSTR(v) ((v).kind == CEL_STRING)

/* Byte offset of code point `cp` (cp may equal the length). */
static size_t cp_off(const char *s, size_t n, size_t cp)
{
	size_t i = 0;
	while (cp && i < n) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cp--;
	}
	return i;
}

static cel_val mkstr(cel_ctx *c, const char *p, size_t n)
{
	return cel_str(p, n);
	(void)c;
}

static const char *find_bytes(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == nd[0] && !memcmp(h + i, nd, nn))
			return h + i;
	return NULL;
}

static cel_val fn_contains(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!ISSTR(a[0]) || !ISSTR(a[1]))
		return cel_no_overload(c, "contains");
	return cel_bool(find_bytes(a[0].u.s.p, a[0].u.s.n, a[1].u.s.p, a[1].u.s.n) != NULL);
}

static cel_val fn_starts(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!ISSTR(a[0]) || !ISSTR(a[1]))
		return cel_no_overload(c, "startsWith");
	return cel_bool(a[1].u.s.n <= a[0].u.s.n &&
			!memcmp(a[0].u.s.p, a[1].u.s.p, a[1].u.s.n));
}

static cel_val fn_ends(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!ISSTR(a[0]) || !ISSTR(a[1]))
		return cel_no_overload(c, "endsWith");
	return cel_bool(a[1].u.s.n <= a[0].u.s.n &&
			!memcmp(a[0].u.s.p + a[0].u.s.n - a[1].u.s.n, a[1].u.s.p, a[1].u.s.n));
}

static cel_val fn_char_at(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!ISSTR(a[0]) || a[1].kind != CEL_INT)
		return cel_no_overload(c, "charAt");
	size_t len = cel_utf8_len(a[0].u.s.p, a[0].u.s.n);
	if (a[1].u.i < 0 || (uint64_t)a[1].u.i > len)
		return cel_err(c, "index out of range: %lld", (long long)a[1].u.i);
	size_t o = cp_off(a[0].u.s.p, a[0].u.s.n, (size_t)a[1].u.i);
	size_t e = cp_off(a[0].u.s.p, a[0].u.s.n, (size_t)a[1].u.i + 1);
	return mkstr(c, a[0].u.s.p + o, e - o);
}

static cel_val fn_index_of(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind == CEL_LIST && n == 2)
		return cel_list_index_of(c, a, false);
	if (!ISSTR(a[0]) || !ISSTR(a[1]) || (n == 3 && a[2].kind != CEL_INT))
		return cel_no_overload(c, "indexOf");
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n;
	size_t len = cel_utf8_len(s, sn);
	int64_t off = n == 3 ? a[2].u.i : 0;
	if (off < 0 || (uint64_t)off > len)
		return cel_err(c, "index out of range: %lld", (long long)off);
	if (a[1].u.s.n == 0)
		return cel_int(off);
	size_t bo = cp_off(s, sn, (size_t)off);
	const char *f = find_bytes(s + bo, sn - bo, a[1].u.s.p, a[1].u.s.n);
	if (!f)
		return cel_int(-1);
	return cel_int(off + (int64_t)cel_utf8_len(s + bo, (size_t)(f - (s + bo))));
}

static cel_val fn_last_index_of(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind == CEL_LIST && n == 2)
		return cel_list_index_of(c, a, true);
	if (!ISSTR(a[0]) || !ISSTR(a[1]) || (n == 3 && a[2].kind != CEL_INT))
		return cel_no_overload(c, "lastIndexOf");
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n;
	int64_t len = (int64_t)cel_utf8_len(s, sn);
	int64_t off = n == 3 ? a[2].u.i : len;
	if (off < 0 || off > len)
		return cel_err(c, "index out of range: %lld", (long long)off);
	if (a[1].u.s.n == 0)
		return cel_int(off);
	/* last match starting at a code point <= off */
	size_t limit = cp_off(s, sn, (size_t)off);
	int64_t best = -1;
	size_t cp = 0;
	for (size_t i = 0; i <= limit && i < sn; ) {
		if (i + a[1].u.s.n <= sn && !memcmp(s + i, a[1].u.s.p, a[1].u.s.n))
			best = (int64_t)cp;
		i++;
		while (i < sn && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cp++;
	}
	return cel_int(best);
}

static cel_val ascii_case(cel_ctx *c, cel_val *a, bool upper, const char *fn)
{
	if (!ISSTR(a[0]))
		return cel_no_overload(c, fn);
	char *o = kp_arena_alloc(c->a, a[0].u.s.n + 1);
	for (size_t i = 0; i < a[0].u.s.n; i++) {
		char ch = a[0].u.s.p[i];
		if (upper && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!upper && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		o[i] = ch;
	}
	return cel_str(o, a[0].u.s.n);
}

static cel_val fn_lower(cel_ctx *c, cel_val *a, size_t n) { (void)n; return ascii_case(c, a, false, "lowerAscii"); }
static cel_val fn_upper(cel_ctx *c, cel_val *a, size_t n) { (void)n; return ascii_case(c, a, true, "upperAscii"); }

static size_t cp_len_at(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
		j++;
	return j - i;
}

/* Go strings.Replace(s, old, new, n). */
static cel_val fn_replace(cel_ctx *c, cel_val *a, size_t n)
{
	if (!ISSTR(a[0]) || !ISSTR(a[1]) || !ISSTR(a[2]) || (n == 4 && a[3].kind != CEL_INT))
		return cel_no_overload(c, "replace");
	int64_t limit = n == 4 ? a[3].u.i : -1;
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n, on = a[1].u.s.n;
	kp_buf b;
	kp_buf_init(&b, c->a);
	size_t i = 0;
	int64_t done = 0;
	while (i <= sn && (limit < 0 || done < limit)) {
		if (b.len > CEL_MAX_SIZE)
			return cel_err(c, "string of %zu bytes exceeds the size limit", b.len);
		if (on == 0) {
			kp_buf_add(&b, a[2].u.s.p, a[2].u.s.n);
			done++;
			if (i == sn)
				return cel_str(kp_buf_str(&b), b.len);
			size_t l = cp_len_at(s, sn, i);
			kp_buf_add(&b, s + i, l);
			i += l;
			continue;
		}
		const char *f = find_bytes(s + i, sn - i, a[1].u.s.p, on);
		if (!f)
			break;
		kp_buf_add(&b, s + i, (size_t)(f - (s + i)));
		kp_buf_add(&b, a[2].u.s.p, a[2].u.s.n);
		i = (size_t)(f - s) + on;
		done++;
	}
	if (i < sn)
		kp_buf_add(&b, s + i, sn - i);
	return cel_str(kp_buf_str(&b), b.len);
}

/* Go strings.SplitN(s, sep, n). */
static cel_val fn_split(cel_ctx *c, cel_val *a, size_t n)
{
	if (!ISSTR(a[0]) || !ISSTR(a[1]) || (n == 3 && a[2].kind != CEL_INT))
		return cel_no_overload(c, "split");
	int64_t limit = n == 3 ? a[2].u.i : -1;
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n, pn = a[1].u.s.n;
	if (limit == 0)
		return cel_list_new(c, 0);
	size_t cap = pn ? sn / pn + 2 : sn + 1;
	if (limit > 0 && (uint64_t)limit < cap)
		cap = (size_t)limit;
	cel_val l = cel_list_new(c, cap);
	cel_list *ll = (cel_list *)l.u.l;
	ll->n = 0;
	size_t i = 0;
	if (pn == 0) {
		while (i < sn) {
			if (limit > 0 && (int64_t)ll->n == limit - 1) {
				ll->items[ll->n++] = cel_str(s + i, sn - i);
				return l;
			}
			size_t k = cp_len_at(s, sn, i);
			ll->items[ll->n++] = cel_str(s + i, k);
			i += k;
		}
		return l;
	}
	while (limit < 0 || (int64_t)ll->n < limit - 1) {
		const char *f = find_bytes(s + i, sn - i, a[1].u.s.p, pn);
		if (!f)
			break;
		ll->items[ll->n++] = cel_str(s + i, (size_t)(f - (s + i)));
		i = (size_t)(f - s) + pn;
	}
	ll->items[ll->n++] = cel_str(s + i, sn - i);
	return l;
}

static cel_val fn_substring(cel_ctx *c, cel_val *a, size_t n)
{
	if (!ISSTR(a[0]) || a[1].kind != CEL_INT || (n == 3 && a[2].kind != CEL_INT))
		return cel_no_overload(c, "substring");
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n;
	int64_t len = (int64_t)cel_utf8_len(s, sn);
	int64_t st = a[1].u.i, en = n == 3 ? a[2].u.i : len;
	if (st < 0 || st > len)
		return cel_err(c, "index out of range: %lld", (long long)st);
	if (en < 0 || en > len)
		return cel_err(c, "index out of range: %lld", (long long)en);
	if (st > en)
		return cel_err(c, "invalid substring range. start: %lld, end: %lld",
			       (long long)st, (long long)en);
	size_t bo = cp_off(s, sn, (size_t)st), eo = cp_off(s, sn, (size_t)en);
	return cel_str(s + bo, eo - bo);
}

/* Decode one code point (valid UTF-8 assumed). */
static uint32_t decode_cp(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char ch = (unsigned char)s[i];
	*len = cp_len_at(s, n, i);
	if (*len == 1)
		return ch;
	uint32_t cp = ch & (0x7F >> *len);
	for (size_t k = 1; k < *len; k++)
		cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
	return cp;
}

static bool uni_space(uint32_t cp)
{
	switch (cp) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	}
	return cp >= 0x2000 && cp <= 0x200A;
}

static cel_val fn_trim(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!ISSTR(a[0]))
		return cel_no_overload(c, "trim");
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n, i = 0, e = sn;
	while (i < sn) {
		size_t l;
		if (!uni_space(decode_cp(s, sn, i, &l)))
			break;
		i += l;
	}
	while (e > i) {
		size_t st = e - 1;
		while (st > i && ((unsigned char)s[st] & 0xC0) == 0x80)
			st--;
		size_t l;
		if (!uni_space(decode_cp(s, sn, st, &l)))
			break;
		e = st;
	}
	return cel_str(s + i, e - i);
}

static cel_val fn_join(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_LIST || (n == 2 && !ISSTR(a[1])))
		return cel_no_overload(c, "join");
	kp_buf b;
	kp_buf_init(&b, c->a);
	size_t len = cel_list_len(a[0]);
	for (size_t i = 0; i < len; i++) {
		cel_val e = cel_list_at(a[0], i);
		if (!ISSTR(e))
			return cel_no_overload(c, "join");
		if (i && n == 2)
			kp_buf_add(&b, a[1].u.s.p, a[1].u.s.n);
		kp_buf_add(&b, e.u.s.p, e.u.s.n);
		if (b.len > CEL_MAX_SIZE)
			return cel_err(c, "string of %zu bytes exceeds the size limit", b.len);
	}
	return cel_str(kp_buf_str(&b), b.len);
}

static cel_val fn_reverse(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind == CEL_LIST)
		return cel_list_reverse(c, a[0]);
	if (!ISSTR(a[0]))
		return cel_no_overload(c, "reverse");
	size_t sn = a[0].u.s.n;
	char *o = kp_arena_alloc(c->a, sn + 1);
	size_t i = 0;
	while (i < sn) {
		size_t l = cp_len_at(a[0].u.s.p, sn, i);
		memcpy(o + sn - i - l, a[0].u.s.p + i, l);
		i += l;
	}
	return cel_str(o, sn);
}

/* strings.quote: Go strconv.Quote-like, as cel-go ext/strings.go quote. */
static cel_val fn_quote(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!ISSTR(a[0]))
		return cel_no_overload(c, "strings.quote");
	kp_buf b;
	kp_buf_init(&b, c->a);
	kp_buf_add(&b, "\"", 1);
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n;
	for (size_t i = 0; i < sn; ) {
		unsigned char ch = (unsigned char)s[i];
		const char *esc = NULL;
		switch (ch) {
		case '\a': esc = "\\a"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\v': esc = "\\v"; break;
		case '\\': esc = "\\\\"; break;
		case '"': esc = "\\\""; break;
		}
		if (esc) {
			kp_buf_add(&b, esc, 2);
			i++;
			continue;
		}
		size_t l = cp_len_at(s, sn, i);
		if (ch < 0x80 || cel_utf8_valid(s + i, l)) {
			kp_buf_add(&b, s + i, l);
		} else {
			kp_buf_add(&b, "\xef\xbf\xbd", 3);
			l = 1;
		}
		i += l;
	}
	kp_buf_add(&b, "\"", 1);
	return cel_str(kp_buf_str(&b), b.len);
}

const cel_builtin cel_std_string[] = {
	{"contains", 2, 2, 2, fn_contains},
	{"startsWith", 2, 2, 2, fn_starts},
	{"endsWith", 2, 2, 2, fn_ends},
	{"charAt", 2, 2, 2, fn_char_at},
	{"indexOf", 2, 2, 3, fn_index_of},
	{"lastIndexOf", 2, 2, 3, fn_last_index_of},
	{"lowerAscii", 2, 1, 1, fn_lower},
	{"upperAscii", 2, 1, 1, fn_upper},
	{"replace", 2, 3, 4, fn_replace},
	{"split", 2, 2, 3, fn_split},
	{"substring", 2, 2, 3, fn_substring},
	{"trim", 2, 1, 1, fn_trim},
	{"join", 2, 1, 2, fn_join},
	{"reverse", 2, 1, 1, fn_reverse},
	{"strings.quote", 1, 1, 1, fn_quote},
	{NULL, 0, 0, 0, NULL}
};
