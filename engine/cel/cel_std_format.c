/* cel/cel_std_format.c - `s.format(list)` of cel-go's strings extension
 * (ext/formatting.go): %s %d %f %e %b %o %x %X and %%, an optional
 * precision `.N` for %f and %e; maps print with keys sorted by their
 * printed form. */
#include "cel/cel_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Output goes to a kp_buf in the evaluation's arena. */
typedef struct fbuf { cel_ctx *c; kp_buf kb; } fbuf;

static void put(fbuf *b, const char *s, size_t n) { kp_buf_add(&b->kb, s, n); }
static void puts_(fbuf *b, const char *s) { kp_buf_puts(&b->kb, s); }

static bool special_double(fbuf *b, double d)
{
	if (isnan(d))
		puts_(b, "NaN");
	else if (isinf(d))
		puts_(b, d > 0 ? "Infinity" : "-Infinity");
	else
		return false;
	return true;
}

static cel_val fmt_string(fbuf *b, cel_val v, int depth);

typedef struct entry { char *k; size_t kn; cel_val v; } entry;

static int entry_cmp(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	return kp_bytes_cmp(a->k, a->kn, b->k, b->kn);
}

static cel_val fmt_string(fbuf *b, cel_val v, int depth)
{
	char tmp[64];
	if (depth > 64)
		return cel_err(b->c, "error during formatting: value nested too deeply");
	switch (v.kind) {
	case CEL_DOUBLE:
		if (!special_double(b, v.u.d))
			put(b, tmp, cel_fmt_double(tmp, v.u.d));
		return cel_null();
	case CEL_LIST:
		puts_(b, "[");
		for (size_t i = 0; i < cel_list_len(v); i++) {
			if (i)
				puts_(b, ", ");
			cel_val r = fmt_string(b, cel_list_at(v, i), depth + 1);
			if (cel_is_err(r))
				return r;
		}
		puts_(b, "]");
		return cel_null();
	case CEL_MAP: {
		size_t n = cel_map_len(v);
		entry *e = kp_arena_alloc(b->c->a, (n + 1) * sizeof *e);
		for (size_t i = 0; i < n; i++) {
			fbuf kb = {.c = b->c};
			kp_buf_init(&kb.kb, b->c->a);
			cel_val r = fmt_string(&kb, cel_map_key_at(v, i), depth + 1);
			if (cel_is_err(r))
				return r;
			e[i].k = (char *)kp_buf_str(&kb.kb);
			e[i].kn = kb.kb.len;
			e[i].v = cel_map_val_at(v, i);
		}
		qsort(e, n, sizeof *e, entry_cmp);
		puts_(b, "{");
		for (size_t i = 0; i < n; i++) {
			if (i)
				puts_(b, ", ");
			put(b, e[i].k, e[i].kn);
			puts_(b, ": ");
			cel_val r = fmt_string(b, e[i].v, depth + 1);
			if (cel_is_err(r))
				return r;
		}
		puts_(b, "}");
		return cel_null();
	}
	case CEL_BYTES:
		put(b, v.u.s.p, v.u.s.n);
		return cel_null();
	case CEL_OPTIONAL: case CEL_ERROR:
		return cel_err(b->c, "error during formatting: no string representation for %s",
			       cel_type_name(v));
	default: {
		cel_val s = cel_to_string(b->c, v);
		if (cel_is_err(s))
			return s;
		put(b, s.u.s.p, s.u.s.n);
		return cel_null();
	}
	}
}

static void put_radix(fbuf *b, uint64_t u, bool neg, unsigned radix, bool upper)
{
	char tmp[72];
	int i = sizeof tmp;
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		tmp[--i] = dig[u % radix];
		u /= radix;
	} while (u);
	if (neg)
		tmp[--i] = '-';
	put(b, tmp + i, sizeof tmp - (size_t)i);
}

static bool int_parts(cel_val v, uint64_t *u, bool *neg)
{
	if (v.kind == CEL_INT) {
		*neg = v.u.i < 0;
		*u = *neg ? (uint64_t)0 - (uint64_t)v.u.i : (uint64_t)v.u.i;
		return true;
	}
	if (v.kind == CEL_UINT) {
		*neg = false;
		*u = v.u.u;
		return true;
	}
	return false;
}

static cel_val clause(fbuf *b, char verb, int prec, cel_val v)
{
	cel_ctx *c = b->c;
	char tmp[512];
	uint64_t u;
	bool neg;
	switch (verb) {
	case 's':
		return fmt_string(b, v, 0);
	case 'd':
		if (int_parts(v, &u, &neg)) {
			put_radix(b, u, neg, 10, false);
			return cel_null();
		}
		if (v.kind == CEL_DOUBLE && special_double(b, v.u.d))
			return cel_null();
		return cel_err(c, "error during formatting: decimal clause can only be used on integers, was given %s",
			       cel_type_name(v));
	case 'f': case 'e': {
		double d;
		if (v.kind == CEL_DOUBLE)
			d = v.u.d;
		else if (v.kind == CEL_INT)
			d = (double)v.u.i;
		else if (v.kind == CEL_UINT)
			d = (double)v.u.u;
		else
			return cel_err(c, "error during formatting: %s clause can only be used on doubles, was given %s",
				       verb == 'f' ? "fixed-point" : "scientific", cel_type_name(v));
		if (special_double(b, d))
			return cel_null();
		int n = kp_snprintf_c(tmp, sizeof tmp, verb == 'f' ? "%.*f" : "%.*e",
				      prec < 0 ? 6 : prec, d);
		if (n < 0 || (size_t)n >= sizeof tmp)
			return cel_err(c, "error during formatting: number too long");
		put(b, tmp, (size_t)n);
		return cel_null();
	}
	case 'b':
		if (v.kind == CEL_BOOL) {
			puts_(b, v.u.b ? "1" : "0");
			return cel_null();
		}
		if (int_parts(v, &u, &neg)) {
			put_radix(b, u, neg, 2, false);
			return cel_null();
		}
		return cel_err(c, "error during formatting: only integers and bools can be formatted as binary, was given %s",
			       cel_type_name(v));
	case 'o':
		if (int_parts(v, &u, &neg)) {
			put_radix(b, u, neg, 8, false);
			return cel_null();
		}
		return cel_err(c, "error during formatting: octal clause can only be used on integers, was given %s",
			       cel_type_name(v));
	case 'x': case 'X':
		if (int_parts(v, &u, &neg)) {
			put_radix(b, u, neg, 16, verb == 'X');
			return cel_null();
		}
		if (v.kind == CEL_STRING || v.kind == CEL_BYTES) {
			const char *dig = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
			for (size_t i = 0; i < v.u.s.n; i++) {
				unsigned char ch = (unsigned char)v.u.s.p[i];
				char h[2] = {dig[ch >> 4], dig[ch & 15]};
				put(b, h, 2);
			}
			return cel_null();
		}
		return cel_err(c, "error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given %s",
			       cel_type_name(v));
	default:
		return cel_err(c, "could not parse formatting clause: unrecognized formatting clause \"%c\"", verb);
	}
}

static cel_val fn_format(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_LIST)
		return cel_no_overload(c, "format");
	const char *s = a[0].u.s.p;
	size_t sn = a[0].u.s.n, argi = 0, nargs = cel_list_len(a[1]);
	fbuf b = {.c = c};
	kp_buf_init(&b.kb, c->a);
	for (size_t i = 0; i < sn; i++) {
		if (s[i] != '%') {
			put(&b, s + i, 1);
			continue;
		}
		if (++i >= sn)
			return cel_err(c, "could not parse formatting clause: unexpected end of string");
		if (s[i] == '%') {
			put(&b, "%", 1);
			continue;
		}
		int prec = -1;
		if (s[i] == '.') {
			prec = 0;
			i++;
			while (i < sn && s[i] >= '0' && s[i] <= '9') {
				if (prec < 1000)
					prec = prec * 10 + (s[i] - '0');
				i++;
			}
			if (i >= sn)
				return cel_err(c, "could not parse formatting clause: unexpected end of string");
		}
		if (!strchr("sdfebxXo", s[i]) || s[i] == 0)
			return cel_err(c, "could not parse formatting clause: unrecognized formatting clause \"%c\"", s[i]);
		if (argi >= nargs)
			return cel_err(c, "index %zu out of range", argi);
		cel_val r = clause(&b, s[i], prec, cel_list_at(a[1], argi++));
		if (cel_is_err(r))
			return r;
		if (b.kb.len > CEL_MAX_SIZE)
			return cel_err(c, "string of %zu bytes exceeds the size limit", b.kb.len);
	}
	return cel_str(kp_buf_str(&b.kb), b.kb.len);
}

const cel_builtin cel_std_format[] = {
	{"format", 2, 2, 2, fn_format},
	{NULL, 0, 0, 0, NULL}
};
