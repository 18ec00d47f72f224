/* gofmt.c - Go-compatible formatting of numbers and decoded JSON values,
 * so that string comparisons and messages read exactly as Kyverno's. */
#include "k8s/k8s.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Shortest digits that round-trip: digits[] (no dot) and decimal exponent
 * of the first digit (value = 0.d1d2... * 10^(dexp+1)).  Returns count. */
static int shortest_digits(double f, char *digits, int *dexp)
{
	char buf[64];
	for (int prec = 0; prec < 17; prec++) {
		kp_snprintf_c(buf, sizeof buf, "%.*e", prec, f);
		if (kp_strtod_c(buf, NULL) == f)
			goto found;
	}
	kp_snprintf_c(buf, sizeof buf, "%.16e", f);
found:;
	const char *p = buf;
	if (*p == '-')
		p++;
	int n = 0;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	*dexp = atoi(p + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = 0;
	return n;
}

static size_t special(double f, char *buf, size_t n)
{
	if (isnan(f))
		return (size_t)snprintf(buf, n, "NaN");
	return (size_t)snprintf(buf, n, f > 0 ? "+Inf" : "-Inf");
}

size_t kp_go_float_E(double f, char *buf, size_t n)
{
	if (isnan(f) || isinf(f))
		return special(f, buf, n);
	char d[32];
	int e;
	int nd = shortest_digits(f, d, &e);
	return (size_t)snprintf(buf, n, "%s%c%s%.*s%c%c%02d", signbit(f) ? "-" : "",
				d[0], nd > 1 ? "." : "", nd - 1, d + 1, 'E',
				e < 0 ? '-' : '+', e < 0 ? -e : e);
}

size_t kp_go_float_f(double f, char *buf, size_t n)
{
	if (isnan(f) || isinf(f))
		return special(f, buf, n);
	return (size_t)kp_snprintf_c(buf, n, "%f", f);
}

size_t kp_go_float_v(double f, char *buf, size_t n)
{
	if (isnan(f) || isinf(f))
		return special(f, buf, n);
	if (f == 0)
		return (size_t)snprintf(buf, n, signbit(f) ? "-0" : "0");
	char d[32];
	int e;
	int nd = shortest_digits(f, d, &e);
	const char *sg = signbit(f) ? "-" : "";
	if (e < -4 || e >= 6)
		return (size_t)snprintf(buf, n, "%s%c%s%.*se%c%02d", sg, d[0],
					nd > 1 ? "." : "", nd - 1, d + 1,
					e < 0 ? '-' : '+', e < 0 ? -e : e);
	/* plain decimal notation */
	char out[64];
	size_t k = 0;
	if (e < 0) {
		out[k++] = '0';
		out[k++] = '.';
		for (int i = -1; i > e; i--)
			out[k++] = '0';
		for (int i = 0; i < nd; i++)
			out[k++] = d[i];
	} else {
		for (int i = 0; i <= e; i++)
			out[k++] = i < nd ? d[i] : '0';
		if (nd > e + 1) {
			out[k++] = '.';
			for (int i = e + 1; i < nd; i++)
				out[k++] = d[i];
		}
	}
	out[k] = 0;
	return (size_t)snprintf(buf, n, "%s%s", sg, out);
}

/* ------------------------------------------------------------------------
 * %v and %T of decoded JSON values
 * ---------------------------------------------------------------------- */
static int pair_cmp(const void *a, const void *b)
{
	const kp_pair *pa = *(const kp_pair *const *)a, *pb = *(const kp_pair *const *)b;
	return kp_bytes_cmp(pa->key->u.s.ptr, pa->key->u.s.len, pb->key->u.s.ptr,
			    pb->key->u.s.len);
}

static void fmt_value(kp_buf *sb, const kp_value *v, bool pat, size_t start,
		      size_t limit)
{
	if (sb->len - start > limit)
		return;
	char num[64];
	switch (kp_value_type(v)) {
	case KP_NULL:
		kp_buf_puts(sb, "<nil>");
		break;
	case KP_BOOL:
		kp_buf_puts(sb, v->u.b ? "true" : "false");
		break;
	case KP_INT:
		if (pat) {
			kp_go_float_v((double)v->u.i, num, sizeof num);
			kp_buf_puts(sb, num);
		} else {
			kp_buf_printf(sb, "%lld", (long long)v->u.i);
		}
		break;
	case KP_FLOAT:
		kp_go_float_v(v->u.f, num, sizeof num);
		kp_buf_puts(sb, num);
		break;
	case KP_STRING:
		kp_buf_add(sb, v->u.s.ptr, v->u.s.len);
		break;
	case KP_SEQ:
		kp_buf_puts(sb, "[");
		for (size_t i = 0; i < v->u.seq.n; i++) {
			if (i)
				kp_buf_puts(sb, " ");
			fmt_value(sb, v->u.seq.items[i], pat, start, limit);
			if (sb->len - start > limit)
				break;
		}
		kp_buf_puts(sb, "]");
		break;
	case KP_MAP: {
		size_t n = v->u.map.n;
		const kp_pair **order = kp_xmalloc((n ? n : 1) * sizeof *order);
		for (size_t i = 0; i < n; i++)
			order[i] = &v->u.map.pairs[i];
		qsort(order, n, sizeof *order, pair_cmp);
		kp_buf_puts(sb, "map[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				kp_buf_puts(sb, " ");
			kp_buf_add(sb, order[i]->key->u.s.ptr, order[i]->key->u.s.len);
			kp_buf_puts(sb, ":");
			fmt_value(sb, order[i]->value, pat, start, limit);
			if (sb->len - start > limit)
				break;
		}
		kp_buf_puts(sb, "]");
		free(order);
		break;
	}
	}
}

void kp_go_format_value(kp_buf *sb, const kp_value *v, bool as_pattern,
			size_t limit)
{
	size_t start = sb->len;
	fmt_value(sb, v, as_pattern, start, limit);
	if (sb->len - start > limit) {
		sb->len = start + limit;
		sb->data[sb->len] = 0;
		kp_buf_puts(sb, "...");
	}
}

const char *kp_go_type_name(const kp_value *v, bool as_pattern)
{
	switch (kp_value_type(v)) {
	case KP_NULL: return "<nil>";
	case KP_BOOL: return "bool";
	case KP_INT: return as_pattern ? "float64" : "int64";
	case KP_FLOAT: return "float64";
	case KP_STRING: return "string";
	case KP_SEQ: return "[]interface {}";
	case KP_MAP: return "map[string]interface {}";
	}
	return "<nil>";
}
