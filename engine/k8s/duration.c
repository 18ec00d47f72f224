/* duration.c - Go's time.ParseDuration, for duration comparisons in
 * patterns ("<1h30m", ">=300ms"). */
#include "k8s/k8s.h"

#include <string.h>

#define KP_DUR_LIMIT ((uint64_t)1 << 63)

static uint64_t unit_ns(const char *u, size_t n)
{
	static const struct { const char *name; uint64_t ns; } units[] = {
		{"ns", 1ULL},
		{"us", 1000ULL},
		{"\xC2\xB5s", 1000ULL},          /* U+00B5 micro sign */
		{"\xCE\xBCs", 1000ULL},          /* U+03BC Greek mu */
		{"ms", 1000000ULL},
		{"s", 1000000000ULL},
		{"m", 60000000000ULL},
		{"h", 3600000000000ULL},
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
			return units[i].ns;
	return 0;
}

bool kp_duration_parse(const char *s, size_t len, int64_t *ns)
{
	size_t i = 0;
	bool neg = false;
	uint64_t d = 0;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (len - i == 1 && s[i] == '0') {
		*ns = 0;
		return true;
	}
	if (i == len)
		return false;
	while (i < len) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
			return false;
		size_t start = i;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (v > KP_DUR_LIMIT / 10)
				return false;
			v = v * 10 + (uint64_t)(s[i] - '0');
			if (v > KP_DUR_LIMIT)
				return false;
		}
		bool pre = i != start, post = false;
		if (i < len && s[i] == '.') {
			i++;
			size_t fs = i;
			bool overflow = false;
			for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
				if (overflow)
					continue;
				if (f > (KP_DUR_LIMIT - 1) / 10) {
					overflow = true;
					continue;
				}
				uint64_t y = f * 10 + (uint64_t)(s[i] - '0');
				if (y > KP_DUR_LIMIT) {
					overflow = true;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = i != fs;
		}
		if (!pre && !post)
			return false;
		size_t us = i;
		while (i < len && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'))
			i++;
		if (i == us)
			return false;
		uint64_t unit = unit_ns(s + us, i - us);
		if (!unit)
			return false;
		if (v > KP_DUR_LIMIT / unit)
			return false;
		v *= unit;
		if (f > 0) {
			/* float64 as Go does, to stay bit-identical */
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > KP_DUR_LIMIT)
				return false;
		}
		d += v;
		if (d > KP_DUR_LIMIT)
			return false;
	}
	if (neg) {
		*ns = d == KP_DUR_LIMIT ? INT64_MIN : -(int64_t)d;
		return true;
	}
	if (d > KP_DUR_LIMIT - 1)
		return false;
	*ns = (int64_t)d;
	return true;
}
