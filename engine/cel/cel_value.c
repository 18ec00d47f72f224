/* cel/cel_value.c - CEL run-time values: constructors, document views,
 * equality and ordering (cel-go common/types), printing. */
#include "cel/cel_int.h"
#include "k8s/k8s.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

cel_val cel_err(cel_ctx *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = kp_vsnprintf_c(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	return cel_strn(CEL_ERROR, kp_arena_strndup(c->a, buf, (size_t)n), (size_t)n);
}

cel_val cel_no_overload(cel_ctx *c, const char *fn)
{
	return cel_err(c, "no such overload: %s", fn);
}

cel_val cel_list_new(cel_ctx *c, size_t n)
{
	cel_list *l = kp_arena_alloc(c->a, sizeof *l);
	l->n = n;
	l->items = n ? kp_arena_alloc(c->a, n * sizeof(cel_val)) : NULL;
	cel_val v = {.kind = CEL_LIST};
	v.u.l = l;
	return v;
}

cel_val cel_map_new(cel_ctx *c, size_t n)
{
	cel_map *m = kp_arena_alloc(c->a, sizeof *m);
	m->n = 0;
	m->keys = n ? kp_arena_alloc(c->a, n * sizeof(cel_val)) : NULL;
	m->vals = n ? kp_arena_alloc(c->a, n * sizeof(cel_val)) : NULL;
	cel_val v = {.kind = CEL_MAP};
	v.u.m = m;
	return v;
}

void cel_vec_push(cel_ctx *c, cel_vec *b, cel_val x)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 8;
		cel_val *nv = kp_arena_alloc(c->a, nc * sizeof *nv);
		if (b->n)
			memcpy(nv, b->v, b->n * sizeof *nv);
		b->v = nv;
		b->cap = nc;
	}
	b->v[b->n++] = x;
}

cel_val cel_vec_list(cel_ctx *c, const cel_vec *b)
{
	cel_list *l = kp_arena_alloc(c->a, sizeof *l);
	l->n = b->n;
	l->items = b->v;
	cel_val v = {.kind = CEL_LIST};
	v.u.l = l;
	return v;
}

cel_val cel_optional(cel_ctx *c, const cel_val *x)
{
	cel_val v = {.kind = CEL_OPTIONAL};
	if (x) {
		cel_val *p = kp_arena_alloc(c->a, sizeof *p);
		*p = *x;
		v.u.opt = p;
	}
	return v;
}

/* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z in Unix seconds */
#define TS_MIN (-62135596800LL)
#define TS_MAX (253402300799LL)

cel_val cel_timestamp(cel_ctx *c, int64_t sec, int32_t nsec)
{
	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	if (sec < TS_MIN || sec > TS_MAX)
		return cel_err(c, "timestamp overflow");
	cel_val v = {.kind = CEL_TIMESTAMP, .nsec = nsec};
	v.u.i = sec;
	return v;
}

cel_val cel_duration(cel_ctx *c, int64_t ns)
{
	(void)c;
	cel_val v = {.kind = CEL_DURATION};
	v.u.i = ns;
	return v;
}

cel_val cel_from_doc(const kp_value *d, bool dfloat)
{
	cel_val v = {.kind = CEL_NULL};
	if (!d)
		return v;
	switch (d->type) {
	case KP_NULL: return v;
	case KP_BOOL: return cel_bool(d->u.b);
	case KP_INT: return dfloat ? cel_double((double)d->u.i) : cel_int(d->u.i);
	case KP_FLOAT: return cel_double(d->u.f);
	case KP_STRING: return cel_str(d->u.s.ptr, d->u.s.len);
	case KP_SEQ: v.kind = CEL_LIST; break;
	case KP_MAP: v.kind = CEL_MAP; break;
	}
	v.doc = 1;
	v.dfloat = dfloat;
	v.u.dv = d;
	return v;
}

size_t cel_list_len(cel_val l)
{
	return l.doc ? l.u.dv->u.seq.n : l.u.l->n;
}

cel_val cel_list_at(cel_val l, size_t i)
{
	return l.doc ? cel_from_doc(l.u.dv->u.seq.items[i], l.dfloat) : l.u.l->items[i];
}

size_t cel_map_len(cel_val m)
{
	return m.doc ? m.u.dv->u.map.n : m.u.m->n;
}

cel_val cel_map_key_at(cel_val m, size_t i)
{
	if (m.doc) {
		const kp_value *k = m.u.dv->u.map.pairs[i].key;
		return cel_str(k->u.s.ptr, k->u.s.len);
	}
	return m.u.m->keys[i];
}

cel_val cel_map_val_at(cel_val m, size_t i)
{
	return m.doc ? cel_from_doc(m.u.dv->u.map.pairs[i].value, m.dfloat)
		     : m.u.m->vals[i];
}

static bool key_equal(cel_val a, cel_val b)
{
	if (a.kind == CEL_STRING && b.kind == CEL_STRING)
		return a.u.s.n == b.u.s.n && memcmp(a.u.s.p, b.u.s.p, a.u.s.n) == 0;
	return cel_equal(a, b);
}

bool cel_map_find(cel_val m, cel_val key, cel_val *out)
{
	if (m.doc) {
		if (key.kind != CEL_STRING)
			return false;
		const kp_value *d = m.u.dv;
		for (size_t i = 0; i < d->u.map.n; i++) {
			const kp_value *k = d->u.map.pairs[i].key;
			if (k->u.s.len == key.u.s.n &&
			    memcmp(k->u.s.ptr, key.u.s.p, key.u.s.n) == 0) {
				*out = cel_from_doc(d->u.map.pairs[i].value, m.dfloat);
				return true;
			}
		}
		return false;
	}
	const cel_map *mm = m.u.m;
	for (size_t i = 0; i < mm->n; i++)
		if (mm->keys[i].kind == key.kind || (key.kind <= CEL_DOUBLE &&
		    mm->keys[i].kind <= CEL_DOUBLE)) {
			if (key_equal(mm->keys[i], key)) {
				*out = mm->vals[i];
				return true;
			}
		}
	return false;
}

/* Numbers of any kind compared by value: -1 0 1, 2 when NaN is involved. */
static int num_cmp(cel_val a, cel_val b)
{
	if (a.kind == CEL_DOUBLE || b.kind == CEL_DOUBLE) {
		double x = a.kind == CEL_DOUBLE ? a.u.d : 0, y = b.kind == CEL_DOUBLE ? b.u.d : 0;
		if (a.kind != CEL_DOUBLE || b.kind != CEL_DOUBLE) {
			/* mixed int/uint vs double: compare exactly */
			double d = a.kind == CEL_DOUBLE ? a.u.d : b.u.d;
			cel_val o = a.kind == CEL_DOUBLE ? b : a;
			int sign = a.kind == CEL_DOUBLE ? 1 : -1;
			if (isnan(d))
				return 2;
			/* cel-go compare.go: range checks, then a (lossy) double
			 * comparison: dyn(9223372036854775807) >= 9223372036854775808.0 */
			int r;
			double od = o.kind == CEL_INT ? (double)o.u.i : (double)o.u.u;
			if (o.kind == CEL_INT && d < -9223372036854775808.0)
				r = -1;
			else if (o.kind == CEL_INT && d > 9223372036854775807.0)
				r = 1;
			else if (o.kind == CEL_UINT && d < 0)
				r = -1;
			else if (o.kind == CEL_UINT && d > 18446744073709551615.0)
				r = 1;
			else
				r = d < od ? -1 : d > od ? 1 : 0;
			return r * sign;
		}
		if (isnan(x) || isnan(y))
			return 2;
		return x < y ? -1 : x > y ? 1 : 0;
	}
	if (a.kind == b.kind) {
		if (a.kind == CEL_INT)
			return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
		return a.u.u < b.u.u ? -1 : a.u.u > b.u.u;
	}
	if (a.kind == CEL_INT) {
		if (a.u.i < 0)
			return -1;
		uint64_t x = (uint64_t)a.u.i;
		return x < b.u.u ? -1 : x > b.u.u;
	}
	if (b.u.i < 0)
		return 1;
	uint64_t y = (uint64_t)b.u.i;
	return a.u.u < y ? -1 : a.u.u > y;
}

static bool is_num(cel_val v)
{
	return v.kind == CEL_INT || v.kind == CEL_UINT || v.kind == CEL_DOUBLE;
}

bool cel_equal(cel_val a, cel_val b)
{
	if (is_num(a) && is_num(b))
		return num_cmp(a, b) == 0;
	if (a.kind != b.kind)
		return false;
	switch (a.kind) {
	case CEL_NULL: return true;
	case CEL_BOOL: return a.u.b == b.u.b;
	case CEL_STRING: case CEL_BYTES: case CEL_TYPE:
		return a.u.s.n == b.u.s.n && memcmp(a.u.s.p, b.u.s.p, a.u.s.n) == 0;
	case CEL_TIMESTAMP: return a.u.i == b.u.i && a.nsec == b.nsec;
	case CEL_DURATION: return a.u.i == b.u.i;
	case CEL_OPAQUE:
		return a.u.op->t == b.u.op->t && a.u.op->t->equal(a.u.op, b.u.op);
	case CEL_OPTIONAL:
		if (!a.u.opt || !b.u.opt)
			return !a.u.opt && !b.u.opt;
		return cel_equal(*a.u.opt, *b.u.opt);
	case CEL_LIST: {
		size_t n = cel_list_len(a);
		if (n != cel_list_len(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!cel_equal(cel_list_at(a, i), cel_list_at(b, i)))
				return false;
		return true;
	}
	case CEL_MAP: {
		size_t n = cel_map_len(a);
		if (n != cel_map_len(b))
			return false;
		for (size_t i = 0; i < n; i++) {
			cel_val bv;
			if (!cel_map_find(b, cel_map_key_at(a, i), &bv) ||
			    !cel_equal(cel_map_val_at(a, i), bv))
				return false;
		}
		return true;
	}
	default: return false;
	}
}

int cel_compare(cel_val a, cel_val b)
{
	if (is_num(a) && is_num(b))
		return num_cmp(a, b);
	if (a.kind != b.kind)
		return -2;
	switch (a.kind) {
	case CEL_BOOL: return a.u.b == b.u.b ? 0 : a.u.b ? 1 : -1;
	case CEL_STRING: case CEL_BYTES: {
		int r = kp_bytes_cmp(a.u.s.p, a.u.s.n, b.u.s.p, b.u.s.n);
		return r < 0 ? -1 : r > 0;
	}
	case CEL_TIMESTAMP:
		if (a.u.i != b.u.i)
			return a.u.i < b.u.i ? -1 : 1;
		return a.nsec < b.nsec ? -1 : a.nsec > b.nsec;
	case CEL_DURATION: return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
	default: return -2;
	}
}

const char *cel_type_name(cel_val v)
{
	switch (v.kind) {
	case CEL_NULL: return "null_type";
	case CEL_BOOL: return "bool";
	case CEL_INT: return "int";
	case CEL_UINT: return "uint";
	case CEL_DOUBLE: return "double";
	case CEL_STRING: return "string";
	case CEL_BYTES: return "bytes";
	case CEL_LIST: return "list";
	case CEL_MAP: return "map";
	case CEL_TIMESTAMP: return "google.protobuf.Timestamp";
	case CEL_DURATION: return "google.protobuf.Duration";
	case CEL_TYPE: return "type";
	case CEL_OPTIONAL: return "optional_type";
	case CEL_OPAQUE: return v.u.op->t->name;
	default: return "error";
	}
}

size_t cel_fmt_double(char *buf, double d)
{
	return kp_go_float_v(d, buf, 32);
}

size_t cel_utf8_len(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

bool cel_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else
			return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp < 0xE000))
			return false;
		i += len;
	}
	return true;
}

cel_val cel_to_string(cel_ctx *c, cel_val v)
{
	char buf[64];
	size_t n;
	switch (v.kind) {
	case CEL_STRING: return v;
	case CEL_BOOL: return v.u.b ? cel_str("true", 4) : cel_str("false", 5);
	case CEL_INT: n = (size_t)sprintf(buf, "%lld", (long long)v.u.i); break;
	case CEL_UINT: n = (size_t)sprintf(buf, "%llu", (unsigned long long)v.u.u); break;
	case CEL_DOUBLE: n = cel_fmt_double(buf, v.u.d); break;
	case CEL_BYTES:
		if (!cel_utf8_valid(v.u.s.p, v.u.s.n))
			return cel_err(c, "invalid UTF-8 in bytes, cannot convert to string");
		return cel_str(v.u.s.p, v.u.s.n);
	case CEL_TIMESTAMP: return cel_fmt_timestamp(c, v);
	case CEL_DURATION: return cel_fmt_duration(c, v);
	case CEL_TYPE: return cel_str(v.u.s.p, v.u.s.n);
	case CEL_NULL: return cel_str("null", 4);
	case CEL_OPAQUE:
		if (v.u.op->t->str)
			return v.u.op->t->str(c, v.u.op);
		/* fall through */
	default:
		return cel_err(c, "type conversion error from '%s' to 'string'",
			       cel_type_name(v));
	}
	return cel_str(kp_arena_strndup(c->a, buf, n), n);
}

/* ---- printing (CLI and vector reports) ---- */

typedef kp_buf sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) { kp_buf_add(b, s, n); }
static void sb_puts(sbuf *b, const char *s) { kp_buf_puts(b, s); }

static void sb_quoted(sbuf *b, const char *s, size_t n, char pre)
{
	char tmp[8];
	if (pre)
		sb_put(b, &pre, 1);
	sb_put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)ch;
			sb_put(b, tmp, 2);
		} else if (ch < 0x20 || ch == 0x7f || (pre && ch >= 0x80)) {
			snprintf(tmp, sizeof tmp, "\\x%02x", ch);
			sb_puts(b, tmp);
		} else
			sb_put(b, (const char *)&ch, 1);
	}
	sb_put(b, "\"", 1);
}

static void repr(sbuf *b, cel_val v, int depth)
{
	char buf[64];
	cel_ctx c = {.a = b->arena};
	if (depth > 64) {
		sb_puts(b, "...");
		return;
	}
	switch (v.kind) {
	case CEL_STRING: sb_quoted(b, v.u.s.p, v.u.s.n, 0); return;
	case CEL_BYTES: sb_quoted(b, v.u.s.p, v.u.s.n, 'b'); return;
	case CEL_UINT:
		snprintf(buf, sizeof buf, "%lluu", (unsigned long long)v.u.u);
		sb_puts(b, buf);
		return;
	case CEL_DOUBLE: {
		size_t n = cel_fmt_double(buf, v.u.d);
		sb_put(b, buf, n);
		if (isfinite(v.u.d) && !memchr(buf, '.', n) && !memchr(buf, 'e', n))
			sb_puts(b, ".0");
		return;
	}
	case CEL_TIMESTAMP: case CEL_DURATION: {
		cel_val s = cel_to_string(&c, v);
		sb_puts(b, v.kind == CEL_TIMESTAMP ? "timestamp(" : "duration(");
		sb_quoted(b, s.u.s.p, s.u.s.n, 0);
		sb_puts(b, ")");
		return;
	}
	case CEL_LIST:
		sb_puts(b, "[");
		for (size_t i = 0; i < cel_list_len(v); i++) {
			if (i)
				sb_puts(b, ", ");
			repr(b, cel_list_at(v, i), depth + 1);
		}
		sb_puts(b, "]");
		return;
	case CEL_MAP:
		sb_puts(b, "{");
		for (size_t i = 0; i < cel_map_len(v); i++) {
			if (i)
				sb_puts(b, ", ");
			repr(b, cel_map_key_at(v, i), depth + 1);
			sb_puts(b, ": ");
			repr(b, cel_map_val_at(v, i), depth + 1);
		}
		sb_puts(b, "}");
		return;
	case CEL_OPTIONAL:
		if (!v.u.opt) {
			sb_puts(b, "optional.none()");
			return;
		}
		sb_puts(b, "optional.of(");
		repr(b, *v.u.opt, depth + 1);
		sb_puts(b, ")");
		return;
	case CEL_ERROR:
		sb_puts(b, "error: ");
		sb_put(b, v.u.s.p, v.u.s.n);
		return;
	default: {
		if (v.kind == CEL_OPAQUE && !v.u.op->t->str) {
			/* a library type without a string form (kyverno.image) */
			sb_puts(b, v.u.op->t->name);
			sb_puts(b, "{...}");
			return;
		}
		cel_val s = cel_to_string(&c, v);
		sb_put(b, s.u.s.p, s.u.s.n);
	}
	}
}

char *cel_val_repr(kp_arena *a, cel_val v)
{
	sbuf b;
	kp_buf_init(&b, a);
	repr(&b, v, 0);
	return (char *)kp_buf_str(&b);
}
