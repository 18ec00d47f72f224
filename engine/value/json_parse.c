/* json_parse.c - strict JSON text (RFC 8259, as Go's encoding/json
 * accepts it) into a document tree: for the places where Kyverno calls
 * json.Unmarshal on a string (condition values, parse_json, literals). */
#include "value/value.h"

#include <stdlib.h>
#include <string.h>

typedef struct jp {
	const char *s, *end;
	kp_arena *a;
	unsigned depth;
} jp;

#define KP_JSON_MAX_DEPTH 10000   /* Go's decoder allows 10000 levels */

static void ws(jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static kp_value *value(jp *p);

int kp_json_hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= c - '0';
		else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
		else return -1;
	}
	return v;
}

static void put_utf8(kp_buf *b, unsigned cp)
{
	char u[4];
	kp_buf_add(b, u, kp_utf8_put(u, cp));
}

size_t kp_json_number_len(const char *s, const char *end, bool *integral)
{
	const char *p = s;
	*integral = true;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return 0;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (p < end && *p == '.') {
		*integral = false;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return 0;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*integral = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return 0;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return (size_t)(p - s);
}

static kp_value *string(jp *p)
{
	p->s++; /* the quote */
	kp_buf b;
	kp_buf_init(&b, p->a);
	const char *run = p->s;
	while (p->s < p->end && *p->s != '"') {
		unsigned char c = (unsigned char)*p->s;
		if (c < 0x20)
			return NULL;
		if (c != '\\') {
			p->s++;
			continue;
		}
		kp_buf_add(&b, run, (size_t)(p->s - run));
		if (p->end - p->s < 2)
			return NULL;
		char e = p->s[1];
		p->s += 2;
		switch (e) {
		case '"': kp_buf_add(&b, "\"", 1); break;
		case '\\': kp_buf_add(&b, "\\", 1); break;
		case '/': kp_buf_add(&b, "/", 1); break;
		case 'b': kp_buf_add(&b, "\b", 1); break;
		case 'f': kp_buf_add(&b, "\f", 1); break;
		case 'n': kp_buf_add(&b, "\n", 1); break;
		case 'r': kp_buf_add(&b, "\r", 1); break;
		case 't': kp_buf_add(&b, "\t", 1); break;
		case 'u': {
			int cp = p->end - p->s >= 4 ? kp_json_hex4(p->s) : -1;
			if (cp < 0)
				return NULL;
			p->s += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' &&
			    p->s[1] == 'u') {
				int lo = kp_json_hex4(p->s + 2);
				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p->s += 6;
				}
			}
			if (cp >= 0xD800 && cp < 0xE000)
				cp = 0xFFFD;  /* a lone surrogate, as Go decodes it */
			put_utf8(&b, (unsigned)cp);
			break;
		}
		default:
			return NULL;
		}
		run = p->s;
	}
	if (p->s >= p->end)
		return NULL;
	kp_buf_add(&b, run, (size_t)(p->s - run));
	p->s++;
	kp_value *v = kp_value_new(p->a, KP_STRING, NULL, 0, 0);
	v->style = KP_STYLE_DOUBLE;
	v->u.s.ptr = kp_buf_str(&b);
	v->u.s.len = b.len;
	return v;
}

static kp_value *number(jp *p)
{
	const char *st = p->s;
	bool integral;
	size_t n = kp_json_number_len(p->s, p->end, &integral);
	if (!n)
		return NULL;
	p->s += n;
	kp_value *v = kp_value_new(p->a, KP_STRING, NULL, 0, 0);
	/* the same typing as a plain YAML scalar: int64 when integral and in
	 * range, else float64 */
	kp_resolve_plain(v, st, (size_t)(p->s - st), KP_TYPING_YAML12);
	if (v->type != KP_INT && v->type != KP_FLOAT)
		return NULL;
	if (!integral && v->type == KP_INT) {
		v->u.f = (double)v->u.i;
		v->type = KP_FLOAT;
	}
	return v;
}

static bool word(jp *p, const char *w, size_t n)
{
	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
		return false;
	p->s += n;
	return true;
}

/* Sort order of key indices: by key bytes, then by position. */
static int key_order(const void *x, const void *y, void *pairs_)
{
	const kp_pair *pairs = pairs_;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	const kp_value *ka = pairs[a].key, *kb = pairs[b].key;
	int c = kp_bytes_cmp(ka->u.s.ptr, ka->u.s.len, kb->u.s.ptr, kb->u.s.len);
	return c ? c : (a < b ? -1 : 1);
}

/* Go keeps the last value of a duplicate key; the key stays where it was
 * first seen.  O(n log n), so a hostile object cannot make it quadratic. */
static size_t dedupe(kp_pair *pairs, size_t n)
{
	if (n < 2)
		return n;
	size_t *ix = kp_xmalloc(n * sizeof *ix);
	bool *drop = kp_xcalloc(n, sizeof *drop);
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof *ix, key_order, pairs);
	for (size_t i = 0; i + 1 < n; i++) {
		const kp_value *a = pairs[ix[i]].key, *b = pairs[ix[i + 1]].key;
		if (a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len)) {
			/* ix[i] came first: it takes the later value */
			pairs[ix[i]].value = pairs[ix[i + 1]].value;
			drop[ix[i + 1]] = true;
			ix[i + 1] = ix[i];
		}
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!drop[i])
			pairs[m++] = pairs[i];
	free(ix);
	free(drop);
	return m;
}

static kp_value *collection(jp *p, bool map)
{
	if (++p->depth > KP_JSON_MAX_DEPTH)
		return NULL;
	p->s++;
	kp_value *v = kp_value_new(p->a, map ? KP_MAP : KP_SEQ, NULL, 0, 0);
	char close = map ? '}' : ']';
	kp_pair *pairs = NULL;      /* heap while growing, then one arena copy */
	size_t n = 0, cap = 0;
	ws(p);
	bool ok = p->s < p->end && *p->s == close;
	if (ok)
		p->s++;
	while (!ok) {
		ws(p);
		kp_pair item = {0};
		if (map) {
			if (p->s >= p->end || *p->s != '"' || !(item.key = string(p)))
				break;
			ws(p);
			if (p->s >= p->end || *p->s != ':')
				break;
			p->s++;
		}
		if (!(item.value = value(p)))
			break;
		pairs = kp_xgrow(pairs, &cap, n + 1, sizeof *pairs);
		pairs[n++] = item;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			ok = true;
		}
		break;
	}
	if (ok) {
		p->depth--;
		if (map) {
			n = dedupe(pairs, n);
			v->u.map.pairs = kp_arena_alloc(p->a, (n + 1) * sizeof(kp_pair));
			if (n) /* pairs is NULL for {} */
				memcpy(v->u.map.pairs, pairs, n * sizeof(kp_pair));
			v->u.map.n = n;
		} else {
			v->u.seq.items = kp_arena_alloc(p->a, (n + 1) * sizeof(kp_value *));
			for (size_t i = 0; i < n; i++)
				v->u.seq.items[i] = pairs[i].value;
			v->u.seq.n = n;
		}
	}
	free(pairs);
	return ok ? v : NULL;
}

static kp_value *boolean(jp *p, bool b)
{
	kp_value *v = kp_value_new(p->a, KP_BOOL, NULL, 0, 0);
	v->u.b = b;
	return v;
}

static kp_value *value(jp *p)
{
	ws(p);
	if (p->s >= p->end)
		return NULL;
	switch (*p->s) {
	case '{': return collection(p, true);
	case '[': return collection(p, false);
	case '"': return string(p);
	case 't': return word(p, "true", 4) ? boolean(p, true) : NULL;
	case 'f': return word(p, "false", 5) ? boolean(p, false) : NULL;
	case 'n': return word(p, "null", 4) ? kp_value_new(p->a, KP_NULL, NULL, 0, 0) : NULL;
	default: return number(p);
	}
}

kp_value *kp_json_parse(kp_arena *a, const char *s, size_t len)
{
	jp p = {.s = s, .end = s + len, .a = a};
	kp_value *v = value(&p);
	if (!v)
		return NULL;
	ws(&p);
	return p.s == p.end ? v : NULL;
}
