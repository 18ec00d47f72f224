/* ky_util.c - helpers shared by Kyverno's custom functions. */
#include "jmespath/ky_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strconv.FormatFloat(x, 'f', -1, 32): the shortest digits that read back
 * as the same float32, written without an exponent. */
static const char *float32_text(kp_arena *a, double x, size_t *len)
{
	float f = (float)x;
	char e[64];
	if (f != f || f == (float)INFINITY || f == -(float)INFINITY) {
		const char *s = f != f ? "NaN" : f > 0 ? "+Inf" : "-Inf";
		*len = strlen(s);
		return s;
	}
	int p = 1;
	for (; p < 9; p++) {
		kp_snprintf_c(e, sizeof e, "%.*e", p - 1, (double)f);
		if (kp_strtof_c(e, NULL) == f)
			break;
	}
	kp_snprintf_c(e, sizeof e, "%.*e", p - 1, (double)f);
	/* e: [-]d[.ddd]e[+-]XX -> digits and decimal exponent */
	char digits[16];
	size_t nd = 0;
	bool neg = e[0] == '-';
	const char *q = e + neg;
	for (; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9')
			digits[nd++] = *q;
	int ex = atoi(q + 1) + 1;   /* value = 0.digits * 10^ex */
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	kp_buf b;
	kp_buf_init(&b, a);
	if (neg && !(nd == 1 && digits[0] == '0'))
		kp_buf_add(&b, "-", 1);
	if (nd == 1 && digits[0] == '0') {
		kp_buf_add(&b, "0", 1);
	} else if (ex <= 0) {
		kp_buf_add(&b, "0.", 2);
		for (int i = 0; i < -ex; i++)
			kp_buf_add(&b, "0", 1);
		kp_buf_add(&b, digits, nd);
	} else if ((size_t)ex >= nd) {
		kp_buf_add(&b, digits, nd);
		for (size_t i = nd; i < (size_t)ex; i++)
			kp_buf_add(&b, "0", 1);
	} else {
		kp_buf_add(&b, digits, (size_t)ex);
		kp_buf_add(&b, ".", 1);
		kp_buf_add(&b, digits + ex, nd - (size_t)ex);
	}
	*len = b.len;
	return kp_buf_str(&b);
}

const char *ky_to_text(kp_jp_call *c, const kp_value *v, size_t *len)
{
	switch (v->type) {
	case KP_STRING:
		*len = v->u.s.len;
		return v->u.s.ptr;
	case KP_INT:
	case KP_FLOAT:
		return float32_text(c->arena, kp_jp_num(v), len);
	case KP_BOOL:
		*len = v->u.b ? 4 : 5;
		return v->u.b ? "true" : "false";
	default:
		return NULL;
	}
}

const kp_value *ky_str(kp_jp_call *c, const char *s, size_t len)
{
	return kp_jp_new_str(c->arena, s, len);
}

const kp_value *ky_buf_str(kp_jp_call *c, kp_buf *b)
{
	kp_value *v = kp_value_new(c->arena, KP_STRING, NULL, 0, 0);
	v->u.s.ptr = kp_buf_str(b);
	v->u.s.len = b->len;
	return v;
}

int ky_type_error(kp_jp_call *c, int argno, const char *type)
{
	return kp_jp_fail(c, KP_JP_E_INVALID_TYPE, "argument #%d is not of type %s", argno, type);
}

int ky_unsupported(kp_jp_call *c, const char *why)
{
	int rc = kp_jp_fail(c, KP_JP_E_FUNCTION, "unsupported: %s (%s)", c->fn->name, why);
	/* so that callers can report the rule as unsupported, not failed */
	c->err->code = KP_E_UNSUPPORTED;
	snprintf(c->err->feature, sizeof c->err->feature, "%s", c->fn->name);
	return rc;
}

const kp_value *ky_base64(kp_jp_call *c, const unsigned char *s, size_t len)
{
	size_t w;
	const char *o = kp_go_base64_encode(c->arena, s, len, &w);
	kp_value *v = kp_value_new(c->arena, KP_STRING, NULL, 0, 0);
	v->u.s.ptr = o;
	v->u.s.len = w;
	return v;
}

bool ky_unbase64(kp_jp_call *c, const char *str, size_t len, char **out, size_t *out_len,
		 size_t *bad_at)
{
	return kp_go_base64_decode(c->arena, str, len, out, out_len, bad_at);
}
