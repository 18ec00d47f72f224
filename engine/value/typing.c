/* typing.c - the type of a plain (unquoted) scalar.
 *
 * KP_TYPING_KUBERNETES mirrors sigs.k8s.io/yaml: go-yaml v2's YAML 1.1
 * resolver (resolve.go) followed by a JSON round trip, after which an
 * integral number is an int64 and anything else a float64.
 * KP_TYPING_YAML12 is the YAML 1.2 core schema with no round trip. */
#include "value/value.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Word lists with their lengths, so that a scalar is compared only with
 * words of its own length (this runs for every short plain scalar). */
typedef struct kp_word {
	size_t n;
	const char *s;
} kp_word;
#define W(x) {sizeof(x) - 1, x}

static bool is_one_of(const char *s, size_t n, const kp_word *list) /* n > 0 */
{
	for (; list->s; list++)
		if (list->n == n && list->s[0] == s[0] && memcmp(list->s, s, n) == 0)
			return true;
	return false;
}

static const kp_word inf_pos[] = {W(".inf"), W(".Inf"), W(".INF"), W("+.inf"), W("+.Inf"), W("+.INF"), {0, NULL}};
static const kp_word inf_neg[] = {W("-.inf"), W("-.Inf"), W("-.INF"), {0, NULL}};
static const kp_word nan_words[] = {W(".nan"), W(".NaN"), W(".NAN"), {0, NULL}};

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?  (go-yaml's yamlStyleFloat,
 * also the YAML 1.2 core float form) */
static bool is_float_form(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t d0 = i;
	if (i < n && s[i] == '.') {
		i++;
		size_t f0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f0)
			return false;
	} else {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d0)
			return false;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e0)
			return false;
	}
	return i == n;
}

/* Go's strconv.ParseInt(s, 0, 64): optional sign, then 0x/0X hex, 0o/0O
 * octal, 0b/0B binary, a leading 0 octal, or decimal.  Underscores were
 * already removed by the caller (go-yaml strips them before parsing). */
static bool parse_go_int(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i >= n)
		return false;
	int base = 10;
	if (s[i] == '0' && i + 1 < n) {
		char c = s[i + 1];
		if (c == 'x' || c == 'X') base = 16, i += 2;
		else if (c == 'o' || c == 'O') base = 8, i += 2;
		else if (c == 'b' || c == 'B') base = 2, i += 2;
		else base = 8, i += 1;
	}
	if (i >= n)
		return false;
	uint64_t v = 0;
	for (; i < n; i++) {
		int d;
		char c = s[i];
		if (c >= '0' && c <= '9') d = c - '0';
		else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
		else return false;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = (int64_t)(0 - v);
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

/* YAML 1.2 core ints: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ */
static bool parse_core_int(const char *s, size_t n, int64_t *out)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
		return parse_go_int(s, n, out);
	size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
	if (i >= n)
		return false;
	for (size_t j = i; j < n; j++)
		if (s[j] < '0' || s[j] > '9')
			return false;
	/* decimal even with leading zeros */
	char buf[64];
	if (n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	char *end;
	long long v = strtoll(buf, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_double(const char *s, size_t n, double *out)
{
	char buf[128];
	if (n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *end;
	*out = kp_strtod_c(buf, &end);
	return *end == 0;
}

/* JSON round trip of a float64: Go prints integral values below 1e21
 * without exponent, and they come back as int64. */
static void set_k8s_float(kp_value *v, double d)
{
	if (isfinite(d) && d == floor(d) && fabs(d) < 1e21 &&
	    d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
		v->type = KP_INT;
		v->u.i = (int64_t)d;
	} else {
		v->type = KP_FLOAT;
		v->u.f = d;
	}
}

/* One of the three spellings of a word of n bytes (memcmp of a constant
 * length compiles to a load and a compare). */
#define ANY3(s, n, a, b, c) \
	(!memcmp(s, a, n) || !memcmp(s, b, n) || !memcmp(s, c, n))

/* The null and bool words: `~`, null, true, false, each also Capitalised
 * and UPPER; with YAML 1.1 (KP_TYPING_KUBERNETES) also y, yes, on for true
 * and n, no, off for false (y/Y, n/N).  By length, then by content. */
static void resolve_word(kp_value *v, const char *s, size_t n, bool k8s)
{
	enum { NONE, NUL, T, F } w = NONE;
	bool y11 = k8s;  /* the YAML 1.1 words count */
	switch (n) {
	case 1:
		w = s[0] == '~' ? NUL
		    : y11 && (s[0] == 'y' || s[0] == 'Y') ? T
		    : y11 && (s[0] == 'n' || s[0] == 'N') ? F : NONE;
		break;
	case 2:
		w = !y11 ? NONE : ANY3(s, 2, "on", "On", "ON") ? T
		    : ANY3(s, 2, "no", "No", "NO") ? F : NONE;
		break;
	case 3:
		w = !y11 ? NONE : ANY3(s, 3, "yes", "Yes", "YES") ? T
		    : ANY3(s, 3, "off", "Off", "OFF") ? F : NONE;
		break;
	case 4:
		w = ANY3(s, 4, "null", "Null", "NULL") ? NUL
		    : ANY3(s, 4, "true", "True", "TRUE") ? T : NONE;
		break;
	case 5:
		w = ANY3(s, 5, "false", "False", "FALSE") ? F : NONE;
		break;
	}
	if (w == NUL) {
		v->type = KP_NULL;
	} else if (w != NONE) {
		v->type = KP_BOOL;
		v->u.b = w == T;
	}
}

const unsigned char kp_plain_typed_first[256] = {
	[0] = 1, /* the NUL of an empty scalar (kp_build_text): null */
	['0'] = 65, ['1'] = 65, ['2'] = 65, ['3'] = 65, ['4'] = 65, ['5'] = 65, ['6'] = 65,
	['7'] = 65, ['8'] = 65, ['9'] = 65, ['-'] = 65, ['+'] = 65, ['.'] = 65,
	['~'] = 6, ['n'] = 6, ['N'] = 6, ['t'] = 6, ['T'] = 6, ['f'] = 6, ['F'] = 6,
	['y'] = 6, ['Y'] = 6, ['o'] = 6, ['O'] = 6,
};

void kp_resolve_plain(kp_value *v, const char *s, size_t n, kp_typing typing)
{
	v->type = KP_STRING;
	if (n == 0) {
		v->type = KP_NULL;
		return;
	}
	/* Decided by the first byte for most scalars (kp_plain_typed_first):
	 * every word (null, bool) starts with one of ~nNtTfFyYoO and has at
	 * most 5 bytes, every number starts with a digit or one of -+. */
	const bool k8s = typing == KP_TYPING_KUBERNETES;
	const char c = s[0];
	const unsigned limit = kp_plain_typed_first[(unsigned char)c];
	if (n >= limit)
		return;
	if (limit != 65) {
		resolve_word(v, s, n, k8s);
		return;
	}
	/* the common number first: decimal digits without a leading zero,
	 * short enough not to overflow, read the same under both typings */
	if (c >= '1' && c <= '9' && n <= 18) {
		int64_t x = 0;
		size_t i = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			x = x * 10 + (s[i++] - '0');
		if (i == n) {
			v->type = KP_INT;
			v->u.i = x;
			return;
		}
	}
	if (is_one_of(s, n, inf_pos) || is_one_of(s, n, inf_neg) || is_one_of(s, n, nan_words)) {
		v->type = KP_FLOAT;
		v->u.f = is_one_of(s, n, nan_words) ? NAN
			 : is_one_of(s, n, inf_neg) ? -INFINITY : INFINITY;
		return;
	}
	int64_t iv;
	double dv;
	if (!k8s) {
		if (parse_core_int(s, n, &iv)) {
			v->type = KP_INT;
			v->u.i = iv;
		} else if (is_float_form(s, n) && parse_double(s, n, &dv)) {
			v->type = KP_FLOAT;
			v->u.f = dv;
		}
		return;
	}
	/* go-yaml v2: '.'-led scalars go straight to ParseFloat */
	if (c == '.') {
		if (is_float_form(s, n) && parse_double(s, n, &dv))
			set_k8s_float(v, dv);
		return;
	}
	char plain[72];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			plain[m++] = s[i];
	if (parse_go_int(plain, m, &iv)) {
		v->type = KP_INT;
		v->u.i = iv;
		return;
	}
	if (is_float_form(plain, m) && parse_double(plain, m, &dv)) {
		set_k8s_float(v, dv);
		return;
	}
	/* uint64 beyond int64: JSON keeps the digits, read back as a float */
	bool digits = m > 0;
	for (size_t i = (plain[0] == '+') ? 1 : 0; i < m; i++)
		if (plain[i] < '0' || plain[i] > '9')
			digits = false;
	if (digits && parse_double(plain, m, &dv))
		set_k8s_float(v, dv);
}
