/* quantity_format.c - Kubernetes Quantity.String() (CanonicalizeBytes):
 * BinarySI values that are whole multiples print with Ki..Ei, small or
 * fractional ones fall back to DecimalSI; DecimalSI prints an integer
 * mantissa and an exponent that is a multiple of 3 (n u m "" k M G T P E);
 * DecimalExponent the same with "e<exp>". */
#include "k8s/k8s.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

double kp_quantity_float(const kp_quantity *q)
{
	double d = (double)q->coef * pow(10, (double)q->exp);
	return q->sign < 0 ? -d : d;
}

/* coef * 10^k, false on overflow of 120 bits (outside Go's range anyway). */
static bool scale_up(u128 *c, int64_t k)
{
	for (; k > 0; k--) {
		if (*c > ((u128)1 << 120) / 10)
			return false;
		*c *= 10;
	}
	return true;
}

size_t kp_quantity_string(const kp_quantity *q, char *buf)
{
	if (q->sign == 0 || q->coef == 0) {
		strcpy(buf, "0");
		return 1;
	}
	size_t w = 0;
	if (q->sign < 0)
		buf[w++] = '-';
	int format = q->format;
	if (format == KP_QF_BINARY_SI) {
		double mag = (double)q->coef * pow(10, (double)q->exp);
		u128 v = q->coef;
		if (mag < 1024 || q->exp < 0 || !scale_up(&v, q->exp)) {
			format = KP_QF_DECIMAL_SI;
		} else {
			static const char *bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
			int e = 0;
			while (v % 1024 == 0) {
				v /= 1024;
				e++;
			}
			w += kp_u128_digits(v, buf + w);
			if (e < 7) {   /* Go prints no suffix past Ei */
				strcpy(buf + w, bin[e]);
				w += strlen(bin[e]);
			}
			buf[w] = 0;
			return w;
		}
	}
	u128 m = q->coef;
	int64_t e = q->exp;
	int64_t r = e % 3;
	if (r == 1 || r == -2) {
		scale_up(&m, 1);
		e -= 1;
	} else if (r == 2 || r == -1) {
		scale_up(&m, 2);
		e -= 2;
	}
	w += kp_u128_digits(m, buf + w);
	if (format == KP_QF_DECIMAL_EXPONENT) {
		if (e != 0)
			w += (size_t)snprintf(buf + w, 24, "e%lld", (long long)e);
	} else if (e >= -9 && e <= 18) {
		static const char *dec[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
		const char *s = dec[(e + 9) / 3];
		strcpy(buf + w, s);
		w += strlen(s);
	}
	buf[w] = 0;
	return w;
}
