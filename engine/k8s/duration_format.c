/* duration_format.c - Go's time.Duration.String(). */
#include "k8s/k8s.h"

#include <string.h>

/* Digits of v with `prec` fractional digits, trailing zeros (and a bare
 * point) dropped, written backwards ending at buf[w]; returns the new w. */
static size_t fmt_frac(char *buf, size_t w, uint64_t *v, int prec)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(*v % 10);
		print = print || digit != 0;
		if (print)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--w] = '.';
	return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v)
{
	if (v == 0)
		buf[--w] = '0';
	while (v > 0) {
		buf[--w] = (char)('0' + (int)(v % 10));
		v /= 10;
	}
	return w;
}

size_t kp_duration_string(int64_t ns, char *out)
{
	char buf[32];
	size_t w = sizeof buf;
	uint64_t u = (uint64_t)ns;
	bool neg = ns < 0;
	if (neg)
		u = -u;
	if (u < 1000000000ULL) {
		int prec = 0;
		buf[--w] = 's';
		w--;
		if (u == 0) {
			strcpy(out, "0s");
			return 2;
		} else if (u < 1000ULL) {
			prec = 0;
			buf[w] = 'n';
		} else if (u < 1000000ULL) {
			prec = 3;
			w--;   /* U+00B5 MICRO SIGN, as Go writes it */
			memcpy(buf + w, "\xC2\xB5", 2);
		} else {
			prec = 6;
			buf[w] = 'm';
		}
		w = fmt_frac(buf, w, &u, prec);
		w = fmt_int(buf, w, u);
	} else {
		buf[--w] = 's';
		w = fmt_frac(buf, w, &u, 9);
		w = fmt_int(buf, w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			w = fmt_int(buf, w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				w = fmt_int(buf, w, u);
			}
		}
	}
	if (neg)
		buf[--w] = '-';
	size_t n = sizeof buf - w;
	memcpy(out, buf + w, n);
	out[n] = 0;
	return n;
}
