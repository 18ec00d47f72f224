/* leaf.c - scalar patterns: Kyverno's pkg/engine/pattern (Validate and the
 * string pattern language: `|` alternatives, `&` conjunctions, operators,
 * ranges, durations, quantities, wildcards) and pkg/engine/operator. */
#include "pattern/pattern.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* kp_value_type without the call into the value library: a leaf match
 * asks it once or twice per resource scalar. */
static inline kp_type vtype(const kp_value *v)
{
	return v ? v->type : KP_NULL;
}

const char *kp_op_token(kp_op op)
{
	switch (op) {
	case KP_OP_EQUAL: return "";
	case KP_OP_MORE_EQUAL: return ">=";
	case KP_OP_LESS_EQUAL: return "<=";
	case KP_OP_NOT_EQUAL: return "!";
	case KP_OP_MORE: return ">";
	case KP_OP_LESS: return "<";
	case KP_OP_IN_RANGE: return "-";
	case KP_OP_NOT_IN_RANGE: return "!-";
	}
	return "";
}

/* N = [-|+]?\d+(\.\d+)?[A-Za-z]* at s[i]; returns the end or (size_t)-1. */
static size_t range_endpoint(const char *s, size_t len, size_t i)
{
	if (i < len && (s[i] == '-' || s[i] == '|' || s[i] == '+'))
		i++;
	size_t d = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d)
		return (size_t)-1;
	if (i + 1 < len && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	while (i < len && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
		i++;
	return i;
}

/* ^N<sep>N$ */
static bool range_split(const char *s, size_t len, const char *sep,
			const char **lo, size_t *lo_len, const char **hi,
			size_t *hi_len)
{
	size_t sl = strlen(sep);
	size_t e1 = range_endpoint(s, len, 0);
	if (e1 == (size_t)-1 || e1 + sl > len || memcmp(s + e1, sep, sl) != 0)
		return false;
	size_t e2 = range_endpoint(s, len, e1 + sl);
	if (e2 != len)
		return false;
	if (lo) {
		*lo = s;
		*lo_len = e1;
	}
	if (hi) {
		*hi = s + e1 + sl;
		*hi_len = len - e1 - sl;
	}
	return true;
}

kp_op kp_op_parse(const char *s, size_t len, const char **lo, size_t *lo_len,
		  const char **hi, size_t *hi_len)
{
	if (len < 2)
		return KP_OP_EQUAL;
	if (s[0] == '>' && s[1] == '=')
		return KP_OP_MORE_EQUAL;
	if (s[0] == '<' && s[1] == '=')
		return KP_OP_LESS_EQUAL;
	if (s[0] == '>')
		return KP_OP_MORE;
	if (s[0] == '<')
		return KP_OP_LESS;
	if (s[0] == '!')
		return KP_OP_NOT_EQUAL;
	if (range_split(s, len, "!-", lo, lo_len, hi, hi_len))
		return KP_OP_NOT_IN_RANGE;
	if (range_split(s, len, "-", lo, lo_len, hi, hi_len))
		return KP_OP_IN_RANGE;
	return KP_OP_EQUAL;
}

/* Go's strings.TrimSpace for the ASCII white space and U+0085, U+00A0. */
static bool space_at_start(const char *s, size_t len, size_t *w)
{
	unsigned char c = (unsigned char)s[0];
	if (c == ' ' || (c >= '\t' && c <= '\r')) {
		*w = 1;
		return true;
	}
	if (len >= 2 && c == 0xC2 && ((unsigned char)s[1] == 0x85 || (unsigned char)s[1] == 0xA0)) {
		*w = 2;
		return true;
	}
	return false;
}

static bool space_at_end(const char *s, size_t len, size_t *w)
{
	unsigned char c = (unsigned char)s[len - 1];
	if (c == ' ' || (c >= '\t' && c <= '\r')) {
		*w = 1;
		return true;
	}
	if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 && (c == 0x85 || c == 0xA0)) {
		*w = 2;
		return true;
	}
	return false;
}

static void trim_space(const char **s, size_t *len)
{
	size_t w;
	while (*len > 0 && space_at_start(*s, *len, &w)) {
		*s += w;
		*len -= w;
	}
	while (*len > 0 && space_at_end(*s, *len, &w))
		*len -= w;
}

/* strings.Trim(s, " ") */
static void trim_blanks(const char **s, size_t *len)
{
	while (*len > 0 && (*s)[0] == ' ') {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && (*s)[*len - 1] == ' ')
		(*len)--;
}

/* KP_WILD_* for operand s: the shapes a byte test decides exactly.  With
 * an ASCII operand and no `?`, rune and byte matching agree (ASCII bytes
 * are whole runes in any text), so A*B is prefix A + suffix B and *A* is
 * A anywhere. */
static unsigned char wild_mode(const char *s, size_t len)
{
	if (len == 2 && s[0] == '?' && s[1] == '*')
		return KP_WILD_SOME;   /* the usual "must be set" pattern */
	size_t stars = 0, first = 0, last = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '?' || ch >= 0x80)
			return kp_wildcard_has(s, len) ? KP_WILD_GENERAL : KP_WILD_NONE;
		if (ch == '*') {
			if (!stars++)
				first = i;
			last = i;
		}
	}
	if (stars == 0)
		return KP_WILD_NONE;
	if (stars == 1)
		return KP_WILD_AFFIX;
	if (stars == 2 && first == 0 && last == len - 1)
		return KP_WILD_INFIX;
	return KP_WILD_GENERAL;
}

/* A byte test for an operand of mode KP_WILD_AFFIX or KP_WILD_INFIX. */
static bool wild_bytes(const kp_cond *c, const char *t, size_t tn)
{
	const char *p = c->operand;
	size_t pn = c->operand_len;
	if (c->wild == KP_WILD_INFIX) {
		if (pn == 2)
			return true;
		return tn >= pn - 2 && memmem(t, tn, p + 1, pn - 2) != NULL;
	}
	const char *star = memchr(p, '*', pn);
	size_t a = (size_t)(star - p), b = pn - a - 1;
	return tn >= a + b && memcmp(t, p, a) == 0 && memcmp(t + tn - b, star + 1, b) == 0;
}

static void cond_compile(kp_arena *a, kp_cond *c, kp_op op, const char *s, size_t len)
{
	trim_space(&s, &len);
	c->op = op;
	c->operand = kp_arena_strndup(a, s, len);
	c->operand_len = len;
	c->wild = wild_mode(s, len);
	c->is_duration = kp_duration_parse(s, len, &c->duration);
	c->is_quantity = kp_quantity_parse(s, len, &c->quantity);
}

static void term_compile(kp_arena *a, kp_term *t, const char *s, size_t len)
{
	const char *lo, *hi;
	size_t lo_len, hi_len;
	kp_op op = kp_op_parse(s, len, &lo, &lo_len, &hi, &hi_len);
	if (op == KP_OP_IN_RANGE) {
		cond_compile(a, &t->a, KP_OP_MORE_EQUAL, lo, lo_len);
		cond_compile(a, &t->b, KP_OP_LESS_EQUAL, hi, hi_len);
		t->kind = 1;
	} else if (op == KP_OP_NOT_IN_RANGE) {
		cond_compile(a, &t->a, KP_OP_LESS, lo, lo_len);
		cond_compile(a, &t->b, KP_OP_MORE, hi, hi_len);
		t->kind = 2;
	} else {
		size_t skip = strlen(kp_op_token(op));
		cond_compile(a, &t->a, op, s + skip, len - skip);
		t->kind = 0;
	}
}

static size_t count_char(const char *s, size_t len, char c)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == c)
			n++;
	return n;
}

static void alt_compile(kp_arena *a, kp_alt *alt, const char *s, size_t len)
{
	alt->n = count_char(s, len, '&');
	alt->terms = kp_arena_alloc(a, alt->n * sizeof *alt->terms);
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '&') {
			const char *p = s + start;
			size_t pl = i - start;
			trim_blanks(&p, &pl);
			term_compile(a, &alt->terms[k++], p, pl);
			start = i + 1;
		}
	}
}

void kp_leaf_compile(kp_arena *a, const kp_value *v, kp_leaf *leaf)
{
	memset(leaf, 0, sizeof *leaf);
	switch (vtype(v)) {
	case KP_NULL:
		leaf->kind = KP_LEAF_NULL;
		return;
	case KP_BOOL:
		leaf->kind = KP_LEAF_BOOL;
		leaf->b = v->u.b;
		return;
	case KP_INT:
		leaf->kind = KP_LEAF_NUMBER;
		leaf->num = (double)v->u.i;   /* JSON decoding gives float64 */
		return;
	case KP_FLOAT:
		leaf->kind = KP_LEAF_NUMBER;
		leaf->num = v->u.f;
		return;
	case KP_MAP:
	case KP_SEQ:
		leaf->kind = KP_LEAF_MAP;
		return;
	case KP_STRING:
		break;
	}
	const char *s = v->u.s.ptr;
	size_t len = v->u.s.len;
	leaf->kind = KP_LEAF_STRING;
	leaf->str = s;
	leaf->str_len = len;
	leaf->n_alts = count_char(s, len, '|');
	leaf->alts = kp_arena_alloc(a, leaf->n_alts * sizeof *leaf->alts);
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '|') {
			const char *p = s + start;
			size_t pl = i - start;
			trim_blanks(&p, &pl);
			alt_compile(a, &leaf->alts[k++], p, pl);
			start = i + 1;
		}
	}
}

/* ------------------------------------------------------------------------
 * matching
 * ---------------------------------------------------------------------- */

/* Go's int64(f) on amd64: out-of-range and NaN give INT64_MIN. */
static int64_t go_f2i(double f)
{
	if (!(f > -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

/* strconv.ParseFloat(s, 64) succeeds (value in *out). */
static bool go_parse_float(const char *s, size_t len, double *out)
{
	if (len == 0 || len > 512)
		return false;
	char buf[520];
	memcpy(buf, s, len);
	buf[len] = 0;
	unsigned char c0 = (unsigned char)buf[0];
	if (c0 == ' ' || (c0 >= '\t' && c0 <= '\r'))
		return false;
	const char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	if ((p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) && !strpbrk(p, "pP"))
		return false;     /* Go requires a p exponent in hex floats */
	if (strncasecmp(p, "nan", 3) == 0 && p[3] != 0)
		return false;     /* no "nan(...)" in Go */
	if (strchr(buf, '_'))
		return false;
	char *end;
	errno = 0;
	double v = kp_strtod_c(buf, &end);
	if (*end != 0)
		return false;
	if (errno == ERANGE && isinf(v))
		return false;
	*out = v;
	return true;
}

static bool number_match(double p, const kp_value *v)
{
	switch (vtype(v)) {
	case KP_INT:
		if (p != trunc(p))
			return false;
		return go_f2i(p) == v->u.i;
	case KP_FLOAT:
		return v->u.f == p;
	case KP_STRING: {
		double d;
		return go_parse_float(v->u.s.ptr, v->u.s.len, &d) && d == p;
	}
	default:
		return false;
	}
}

static bool null_match(const kp_value *v)
{
	switch (vtype(v)) {
	case KP_NULL: return true;
	case KP_FLOAT: return v->u.f == 0.0;
	case KP_INT: return v->u.i == 0;
	case KP_STRING: return v->u.s.len == 0;
	case KP_BOOL: return !v->u.b;
	default: return false;
	}
}

/* %lld of i into buf (at least 21 bytes), without printf: leaves compare
 * many integer fields against quantity patterns. */
static size_t int_text(int64_t i, char *buf)
{
	char tmp[24], *w = tmp + sizeof tmp;
	uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
	do
		*--w = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (i < 0)
		*--w = '-';
	size_t n = (size_t)(tmp + sizeof tmp - w);
	memcpy(buf, w, n);
	buf[n] = 0;
	return n;
}

/* convertNumberToString (duration and quantity attempts). */
static bool number_string(const kp_value *v, char *buf, size_t n,
			  const char **s, size_t *len)
{
	switch (vtype(v)) {
	case KP_NULL:
		*s = "0";
		*len = 1;
		return true;
	case KP_STRING:
		*s = v->u.s.ptr;
		*len = v->u.s.len;
		return true;
	case KP_FLOAT:
		*len = kp_go_float_f(v->u.f, buf, n);
		*s = buf;
		return *len < n;
	case KP_INT:
		*len = int_text(v->u.i, buf);
		*s = buf;
		return true;
	default:
		return false;
	}
}

/* compareString's conversion: null, maps and lists give nothing. */
static bool plain_string(const kp_value *v, char *buf, size_t n,
			 const char **s, size_t *len)
{
	switch (vtype(v)) {
	case KP_STRING:
		*s = v->u.s.ptr;
		*len = v->u.s.len;
		return true;
	case KP_FLOAT:
		*len = kp_go_float_E(v->u.f, buf, n);
		*s = buf;
		return true;
	case KP_INT:
		*len = int_text(v->u.i, buf);
		*s = buf;
		return true;
	case KP_BOOL:
		*s = v->u.b ? "true" : "false";
		*len = strlen(*s);
		return true;
	default:
		return false;
	}
}

static bool op_holds(kp_op op, int cmp)
{
	switch (op) {
	case KP_OP_EQUAL: return cmp == 0;
	case KP_OP_NOT_EQUAL: return cmp != 0;
	case KP_OP_MORE: return cmp > 0;
	case KP_OP_LESS: return cmp < 0;
	case KP_OP_MORE_EQUAL: return cmp >= 0;
	case KP_OP_LESS_EQUAL: return cmp <= 0;
	default: return false;
	}
}

static bool cond_match(const kp_cond *c, const kp_value *v)
{
	char buf[400];
	const char *s;
	size_t len;
	if ((c->is_duration || c->is_quantity) && number_string(v, buf, sizeof buf, &s, &len)) {
		if (c->is_duration) {
			int64_t d;
			if (kp_duration_parse(s, len, &d))
				return op_holds(c->op, d < c->duration ? -1 : d > c->duration);
		}
		if (c->is_quantity) {
			kp_quantity q;
			if (kp_quantity_parse(s, len, &q))
				return op_holds(c->op, kp_quantity_cmp(&q, &c->quantity));
		}
	}
	if (c->op != KP_OP_EQUAL && c->op != KP_OP_NOT_EQUAL)
		return false;
	if (!plain_string(v, buf, sizeof buf, &s, &len))
		return false;
	bool m;
	switch (c->wild) {
	case KP_WILD_NONE:
		m = len == c->operand_len && memcmp(c->operand, s, len) == 0;
		break;
	case KP_WILD_AFFIX:
	case KP_WILD_INFIX:
		m = wild_bytes(c, s, len);
		break;
	case KP_WILD_SOME:
		m = len > 0;   /* any byte starts a rune (or a U+FFFD) */
		break;
	default:
		m = kp_wildcard_match(c->operand, c->operand_len, s, len);
		break;
	}
	return c->op == KP_OP_NOT_EQUAL ? !m : m;
}

static bool term_match(const kp_term *t, const kp_value *v)
{
	switch (t->kind) {
	case 0: return cond_match(&t->a, v);
	case 1: return cond_match(&t->a, v) && cond_match(&t->b, v);
	case 2: return cond_match(&t->a, v) || cond_match(&t->b, v);
	default: return false;
	}
}

bool kp_leaf_match(const kp_leaf *leaf, const kp_value *v)
{
	switch (leaf->kind) {
	case KP_LEAF_NULL:
		return null_match(v);
	case KP_LEAF_BOOL:
		return vtype(v) == KP_BOOL && v->u.b == leaf->b;
	case KP_LEAF_NUMBER:
		return number_match(leaf->num, v);
	case KP_LEAF_MAP:
		return vtype(v) == KP_MAP;
	case KP_LEAF_STRING:
		break;
	}
	if (vtype(v) == KP_STRING && v->u.s.len == leaf->str_len &&
	    (leaf->str_len == 0 || memcmp(v->u.s.ptr, leaf->str, leaf->str_len) == 0))
		return true;
	if (leaf->n_alts == 1 && leaf->alts[0].n == 1)   /* one term (most) */
		return term_match(&leaf->alts[0].terms[0], v);
	for (size_t i = 0; i < leaf->n_alts; i++) {
		const kp_alt *alt = &leaf->alts[i];
		bool all = true;
		for (size_t j = 0; j < alt->n && all; j++)
			all = term_match(&alt->terms[j], v);
		if (all)
			return true;
	}
	return false;
}
