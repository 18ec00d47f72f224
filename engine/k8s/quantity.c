/* quantity.c - Kubernetes resource.Quantity parsing and comparison
 * (k8s.io/apimachinery/pkg/api/resource: ParseQuantity, Quantity.Cmp), for
 * pattern comparisons such as "<=1Gi" or "0.5-2".  Values are kept exact. */
#include "k8s/k8s.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

#define KP_Q_FRAC_MAX 400   /* fraction digits doubled exactly; beyond: sticky */

static const u128 NANO_CAP = (u128)9223372036854775807ULL * 1000000000ULL;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

void kp_quantity_normalize(kp_quantity *q)
{
	if (q->coef == 0) {
		q->sign = 0;
		q->exp = 0;
		return;
	}
	while (q->coef % 10 == 0) {
		q->coef /= 10;
		q->exp++;
	}
}

/* suffixer.interpret: base (10 or 2) and exponent, false for ErrSuffix. */
static bool interpret_suffix(const char *s, size_t n, int *base, int32_t *exp)
{
	static const struct { const char *sfx; int base; int exp; } tab[] = {
		{"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"", 10, 0},
		{"k", 10, 3}, {"M", 10, 6}, {"G", 10, 9}, {"T", 10, 12},
		{"P", 10, 15}, {"E", 10, 18},
		{"Ki", 2, 10}, {"Mi", 2, 20}, {"Gi", 2, 30}, {"Ti", 2, 40},
		{"Pi", 2, 50}, {"Ei", 2, 60},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (strlen(tab[i].sfx) == n && memcmp(tab[i].sfx, s, n) == 0) {
			*base = tab[i].base;
			*exp = tab[i].exp;
			return true;
		}
	if (n > 1 && (s[0] == 'e' || s[0] == 'E')) {
		/* strconv.ParseInt(s[1:], 10, 64), then int32() truncation */
		size_t i = 1;
		bool neg = false;
		if (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-';
			i++;
		}
		if (i == n)
			return false;
		uint64_t v = 0;
		for (; i < n; i++) {
			if (!is_digit(s[i]))
				return false;
			if (v > (UINT64_MAX - 9) / 10)
				return false;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
		if ((!neg && v > (uint64_t)INT64_MAX) || (neg && v > (uint64_t)INT64_MAX + 1))
			return false;
		uint64_t bits = neg ? (uint64_t)0 - v : v;
		*base = 10;
		*exp = (int32_t)(uint32_t)bits;
		return true;
	}
	return false;
}

/* Go's slow path: exact D * 10^e10 * 2^b, magnitude rounded up to 1e-9 and
 * capped at 2^63-1.  D: significant digits without leading zeros. */
static void slow_value(const char *D, size_t L, int64_t e10, int b, kp_quantity *q)
{
	q->exp = -9;
	int64_t m = (int64_t)L + e10;
	if (m - 1 >= 19) {
		q->coef = NANO_CAP;
		return;
	}
	if (m < -40) {
		q->coef = 1;
		return;
	}
	int64_t shift = e10 + 9;
	u128 k = 0;
	unsigned char frac[KP_Q_FRAC_MAX];
	size_t nf = 0;
	bool sticky = false;
	if (shift >= 0) {
		for (size_t i = 0; i < L; i++)
			k = k * 10 + (u128)(D[i] - '0');
		for (int64_t i = 0; i < shift; i++)
			k *= 10;
	} else {
		int64_t ki = (int64_t)L + shift;   /* integer digits */
		for (int64_t i = 0; i < ki; i++)
			k = k * 10 + (u128)(D[i] - '0');
		for (int64_t i = ki; i < 0 && nf < KP_Q_FRAC_MAX; i++)
			frac[nf++] = 0;
		for (size_t i = ki > 0 ? (size_t)ki : 0; i < L; i++) {
			if (nf < KP_Q_FRAC_MAX)
				frac[nf++] = (unsigned char)(D[i] - '0');
			else if (D[i] != '0')
				sticky = true;
		}
	}
	if (k > NANO_CAP) {
		q->coef = NANO_CAP;
		return;
	}
	for (int step = 0; step < b; step++) {
		unsigned carry = 0;
		for (size_t i = nf; i-- > 0;) {
			unsigned d = frac[i] * 2u + carry;
			frac[i] = (unsigned char)(d % 10);
			carry = d / 10;
		}
		k = k * 2 + carry;
		if (k > NANO_CAP) {
			q->coef = NANO_CAP;
			return;
		}
	}
	for (size_t i = 0; i < nf && !sticky; i++)
		if (frac[i])
			sticky = true;
	if (sticky)
		k++;
	q->coef = k > NANO_CAP ? NANO_CAP : k;
}

/* Go's slow path for decimal formats, which apimachinery does not cap:
 * D * 10^e10 rounded up to 1e-9, exact up to 38 significant digits; past
 * them coef keeps the first 38 and `tail` a hash of the rest (so equal
 * texts compare equal and different ones differ). */
static void decimal_value(const char *D, size_t L, int64_t e10, kp_quantity *q)
{
	int64_t m = (int64_t)L + e10;          /* integer digits (>= 19 here) */
	size_t keep = L;
	bool up = false;
	if (e10 < -9) {                        /* digits past the nano place */
		keep = (size_t)(m + 9);
		for (size_t i = keep; i < L && !up; i++)
			up = D[i] != '0';
	}
	while (keep > 0 && D[keep - 1] == '0' && !up)
		keep--;
	int64_t exp = m - (int64_t)keep;       /* value = D[0..keep) * 10^exp */
	size_t head = keep > 38 ? 38 : keep;
	u128 k = 0;
	for (size_t i = 0; i < head; i++)
		k = k * 10 + (u128)(D[i] - '0');
	uint64_t h = 0;
	for (size_t i = head; i < keep; i++)  /* FNV-1a of the dropped digits */
		h = (h ^ (unsigned char)D[i]) * 0x100000001b3ULL;
	if (keep > head) {
		q->tail = h | 1;                   /* non-zero: digits were dropped */
		exp += (int64_t)(keep - head);
	} else if (up) {
		k++;                               /* Go rounds up to 1n */
	}
	q->coef = k;
	q->exp = exp;
}

/* The forms resources mostly hold ("2", "500m", "128Mi"): digits without
 * sign, fraction or leading zero, then "", one of n u m k M G T P E, or
 * Ki Mi Gi Ti Pi Ei; what Go's int64 fast path makes of them, worked out
 * in 64 bits.  False for anything else (the general parser decides). */
static bool parse_plain(const char *s, size_t len, kp_quantity *q)
{
	size_t L = 0;
	uint64_t v = 0;
	if (!len || s[0] == '0')
		return false;
	while (L < len && is_digit(s[L]))
		v = v * 10 + (uint64_t)(s[L++] - '0');
	if (!L || L > 15)
		return false;
	const char *sfx = s + L;
	int32_t exp;
	switch (len - L) {
	case 0: exp = 0; break;
	case 1:
		switch (sfx[0]) {
		case 'n': exp = -9; break;
		case 'u': exp = -6; break;
		case 'm': exp = -3; break;
		case 'k': exp = 3; break;
		case 'M': exp = 6; break;
		case 'G': exp = 9; break;
		case 'T': exp = 12; break;
		case 'P': exp = 15; break;
		case 'E': exp = 18; break;
		default: return false;
		}
		break;
	case 2: {
		static const char bin[] = "KMGTPE";
		const char *b = sfx[1] == 'i' && sfx[0] ? strchr(bin, sfx[0]) : NULL;
		if (!b)
			return false;
		exp = 10 * (int32_t)(b - bin + 1);
		/* Go's precision test for binary suffixes */
		if (15 - (int32_t)L - (int32_t)((float)exp * 3 / 10) - 1 < 0 ||
		    v > (uint64_t)INT64_MAX >> exp)
			return false;
		v <<= exp;
		*q = (kp_quantity){.sign = 1, .format = KP_QF_BINARY_SI};
		while (v % 10 == 0) {
			v /= 10;
			q->exp++;
		}
		q->coef = v;
		return true;
	}
	default: return false;
	}
	*q = (kp_quantity){.sign = 1, .exp = exp, .scale = -exp, .format = KP_QF_DECIMAL_SI};
	while (v % 10 == 0) {
		v /= 10;
		q->exp++;
	}
	q->coef = v;
	return true;
}

bool kp_quantity_parse(const char *s, size_t len, kp_quantity *q)
{
	if (parse_plain(s, len, q))
		return true;
	memset(q, 0, sizeof *q);
	if (len == 0)
		return false;
	bool positive = true;
	size_t pos = 0, end = len;
	if (s[0] == '-') {
		positive = false;
		pos++;
	} else if (s[0] == '+') {
		pos++;
	}
	while (pos < end && s[pos] == '0')
		pos++;
	if (pos >= end)
		return true;              /* only zeros (or a bare sign): 0 */
	const char *num = s + pos;
	size_t num_len = 0;
	while (pos < end && is_digit(s[pos])) {
		pos++;
		num_len++;
	}
	const char *denom = "";
	size_t denom_len = 0;
	if (pos < end && s[pos] == '.') {
		pos++;
		denom = s + pos;
		while (pos < end && is_digit(s[pos])) {
			pos++;
			denom_len++;
		}
	}
	size_t sfx = pos;
	while (pos < end && strchr("eEinumkKMGTP", s[pos]))
		pos++;
	if (pos < end && (s[pos] == '-' || s[pos] == '+'))
		pos++;
	while (pos < end && is_digit(s[pos]))
		pos++;
	if (pos < end)
		return false;             /* ErrFormatWrong */
	int base;
	int32_t exponent;
	if (!interpret_suffix(s + sfx, end - sfx, &base, &exponent))
		return false;             /* ErrSuffix */

	/* significant digits of num+denom */
	size_t nlen_go = num_len ? num_len : 1;   /* Go sets num = "0" if empty */
	char digits[64];
	const char *D;
	size_t L = num_len + denom_len;
	char *heap = NULL;
	if (L <= sizeof digits) {
		memcpy(digits, num, num_len);
		memcpy(digits + num_len, denom, denom_len);
		D = digits;
	} else {
		heap = kp_xmalloc(L);
		memcpy(heap, num, num_len);
		memcpy(heap + num_len, denom, denom_len);
		D = heap;
	}
	while (L > 0 && D[0] == '0') {
		D++;
		L--;
	}
	q->sign = positive ? 1 : -1;
	q->format = base == 2 ? KP_QF_BINARY_SI
		    : (end - sfx > 1 && (s[sfx] == 'e' || s[sfx] == 'E')) ? KP_QF_DECIMAL_EXPONENT
									  : KP_QF_DECIMAL_SI;

	/* Go's int64 fast path: exact, neither rounded nor capped */
	int32_t precision;
	int64_t scale = 0;
	uint64_t mantissa = 1;
	if (base == 10) {
		scale = exponent;
		precision = 18 - (int32_t)(nlen_go + denom_len);
	} else if (denom_len == 0) {
		mantissa = (uint64_t)1 << exponent;
		precision = 15 - (int32_t)nlen_go - (int32_t)((float)exponent * 3 / 10) - 1;
	} else {
		precision = -1;
	}
	if (precision >= 0) {
		scale -= (int64_t)denom_len;
		if (scale >= -9) {
			uint64_t v = 0;
			for (size_t i = 0; i < L; i++)
				v = v * 10 + (uint64_t)(D[i] - '0');
			if (v == 0 || mantissa == 1 || v <= (uint64_t)INT64_MAX / mantissa) {
				q->coef = (u128)v * mantissa;
				q->exp = scale;
				q->scale = (int32_t)-scale;
				kp_quantity_normalize(q);
				free(heap);
				return true;
			}
		}
	}
	if (L == 0) {
		q->coef = 0;
	} else {
		int64_t e10 = base == 10 ? (int64_t)exponent - (int64_t)denom_len
					 : -(int64_t)denom_len;
		if (base == 10 && (int64_t)L + e10 >= 19)
			decimal_value(D, L, e10, q);   /* past the int64 range */
		else
			slow_value(D, L, e10, base == 2 ? exponent : 0, q);
		q->scale = 9;   /* inf.Dec rounded to nano */
	}
	kp_quantity_normalize(q);
	/* Go: a binary value strictly between 0 and 1 is shown as DecimalSI */
	if (q->format == KP_QF_BINARY_SI && q->sign != 0 && q->exp < 0 &&
	    fabs(kp_quantity_float(q)) < 1)
		q->format = KP_QF_DECIMAL_SI;
	free(heap);
	return true;
}

size_t kp_u128_digits(unsigned __int128 v, char *buf)
{
	char tmp[48];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static int cmp_mag(const kp_quantity *a, const kp_quantity *b)
{
	char da[48], db[48];
	size_t na = kp_u128_digits(a->coef, da), nb = kp_u128_digits(b->coef, db);
	int64_t oa = (int64_t)na + a->exp, ob = (int64_t)nb + b->exp;
	if (oa != ob)
		return oa < ob ? -1 : 1;
	size_t n = na > nb ? na : nb;
	for (size_t i = 0; i < n; i++) {
		char ca = i < na ? da[i] : '0', cb = i < nb ? db[i] : '0';
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return 0;
}

int kp_quantity_cmp(const kp_quantity *a, const kp_quantity *b)
{
	if (a->sign != b->sign)
		return a->sign < b->sign ? -1 : 1;
	if (a->sign == 0)
		return 0;
	int m = cmp_mag(a, b);
	if (m == 0 && a->tail != b->tail)   /* same leading 38 digits */
		m = a->tail < b->tail ? -1 : 1;
	return a->sign > 0 ? m : -m;
}
