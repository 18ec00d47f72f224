/* jp_json.c - a strict JSON reader into kp_value trees, for backtick
 * literals (compiled once) and for the compliance vectors. */
#include "jmespath/jp_ast.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 1000

typedef struct jr {
	kp_arena *a;
	const char *s, *end, *p;
	int depth;
} jr;

static void ws(jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hex4(const char *p, const char *end)
{
	if (end - p < 4)
		return -1;
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* r->p at the opening quote.  Decoded bytes (NUL-terminated) in the arena. */
static kp_value *string(jr *r)
{
	const char *q = ++r->p;
	/* the decoded text is never longer than the source */
	const char *close = q;
	while (close < r->end && *close != '"') {
		if (*close == '\\')
			close++;
		close++;
	}
	if (close >= r->end)
		return NULL;
	char *buf = kp_arena_alloc(r->a, (size_t)(close - q) + 1);
	size_t n = 0;
	while (r->p < close) {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20)
			return NULL;
		if (c != '\\') {
			buf[n++] = (char)c;
			r->p++;
			continue;
		}
		r->p++;
		switch (*r->p) {
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case '/': buf[n++] = '/'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u': {
			int cp = hex4(r->p + 1, close);
			if (cp < 0)
				return NULL;
			r->p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && close - r->p >= 7 &&
			    r->p[1] == '\\' && r->p[2] == 'u') {
				int lo = hex4(r->p + 3, close);
				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					r->p += 6;
				}
			}
			if (cp >= 0xD800 && cp < 0xE000)
				cp = 0xFFFD; /* a lone surrogate */
			n += put_utf8(buf + n, (unsigned)cp);
			break;
		}
		default:
			return NULL;
		}
		r->p++;
	}
	r->p = close + 1;
	kp_value *v = kp_value_new(r->a, KP_STRING, NULL, 0, 0);
	buf[n] = 0;
	v->u.s.ptr = buf;
	v->u.s.len = n;
	return v;
}

static bool digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static kp_value *number(jr *r)
{
	const char *b = r->p, *p = r->p;
	bool is_float = false;
	if (p < r->end && *p == '-')
		p++;
	if (!digit(p, r->end))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (digit(p, r->end))
			p++;
	if (p < r->end && *p == '.') {
		p++;
		if (!digit(p, r->end))
			return NULL;
		while (digit(p, r->end))
			p++;
		is_float = true;
	}
	if (p < r->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < r->end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, r->end))
			return NULL;
		while (digit(p, r->end))
			p++;
		is_float = true;
	}
	char tmp[512];
	size_t n = (size_t)(p - b);
	char *txt = n < sizeof tmp ? tmp : kp_arena_alloc(r->a, n + 1);
	memcpy(txt, b, n);
	txt[n] = 0;
	r->p = p;
	if (!is_float) {
		errno = 0;
		long long i = strtoll(txt, NULL, 10);
		if (errno == 0)
			return kp_jp_new_int(r->a, i);
	}
	kp_value *v = kp_value_new(r->a, KP_FLOAT, NULL, 0, 0);
	v->u.f = kp_strtod_c(txt, NULL);
	return v;
}

static bool word(jr *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return false;
	r->p += n;
	return true;
}

static kp_value *value(jr *r);

/* Skip blanks, then take `c` if it is next. */
static bool eat(jr *r, char c)
{
	ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

/* After an item: 1 when `,` follows (more items), 0 at `close` (done),
 * -1 otherwise. */
static int item_sep(jr *r, char close)
{
	return eat(r, ',') ? 1 : eat(r, close) ? 0 : -1;
}

static kp_value *array(jr *r)
{
	r->p++;
	kp_value *v = kp_jp_new_array(r->a, 4);
	if (eat(r, ']'))
		return v;
	for (;;) {
		kp_value *item = value(r);
		if (!item)
			return NULL;
		kp_jp_array_push(r->a, v, item);
		int more = item_sep(r, ']');
		if (more <= 0)
			return more ? NULL : v;
	}
}

static kp_value *object(jr *r)
{
	r->p++;
	kp_value *v = kp_jp_new_object(r->a, 4);
	if (eat(r, '}'))
		return v;
	for (;;) {
		ws(r);
		if (r->p >= r->end || *r->p != '"')
			return NULL;
		kp_value *k = string(r);
		if (!k)
			return NULL;
		if (!eat(r, ':'))
			return NULL;
		kp_value *item = value(r);
		if (!item)
			return NULL;
		kp_jp_object_set(r->a, v, k, item);
		int more = item_sep(r, '}');
		if (more <= 0)
			return more ? NULL : v;
	}
}

static kp_value *value(jr *r)
{
	ws(r);
	if (r->p >= r->end)
		return NULL;
	if (++r->depth > JSON_MAX_DEPTH)
		return NULL;
	kp_value *v = NULL;
	switch (*r->p) {
	case '{': v = object(r); break;
	case '[': v = array(r); break;
	case '"': v = string(r); break;
	case 't':
		if (word(r, "true")) {
			v = kp_value_new(r->a, KP_BOOL, NULL, 0, 0);
			v->u.b = true;
		}
		break;
	case 'f':
		if (word(r, "false"))
			v = kp_value_new(r->a, KP_BOOL, NULL, 0, 0);
		break;
	case 'n':
		if (word(r, "null"))
			v = kp_value_new(r->a, KP_NULL, NULL, 0, 0);
		break;
	default: v = number(r); break;
	}
	r->depth--;
	return v;
}

kp_value *kp_jp_parse_json(kp_arena *a, const char *s, size_t len, size_t *errpos)
{
	jr r = {.a = a, .s = s, .end = s + len, .p = s};
	kp_value *v = value(&r);
	if (v) {
		ws(&r);
		if (r.p == r.end)
			return v;
	}
	if (errpos)
		*errpos = (size_t)(r.p - s);
	return NULL;
}
