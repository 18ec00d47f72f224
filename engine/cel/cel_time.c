/* cel/cel_time.c - timestamps and durations: RFC 3339 parsing and
 * printing (Go time.RFC3339 / RFC3339Nano), Go time.ParseDuration, the
 * getters with time zones (cel-go common/types/timestamp.go).  IANA zones
 * come from the system tzdata (cel_tz.c). */
#include "cel/cel_int.h"
#include "k8s/k8s.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#define NS_PER_S 1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int64_t cel_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void cel_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static int digits(const char *s, size_t n, size_t at, int count)
{
	if (at + (size_t)count > n)
		return -1;
	int v = 0;
	for (int i = 0; i < count; i++) {
		if (!isdigit((unsigned char)s[at + (size_t)i]))
			return -1;
		v = v * 10 + (s[at + (size_t)i] - '0');
	}
	return v;
}

cel_val cel_parse_timestamp(cel_ctx *c, const char *s, size_t n)
{
	/* YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|+hh:mm|-hh:mm) */
	int Y = digits(s, n, 0, 4), M = digits(s, n, 5, 2), D = digits(s, n, 8, 2);
	int h = digits(s, n, 11, 2), mi = digits(s, n, 14, 2), se = digits(s, n, 17, 2);
	if (Y < 0 || M < 1 || M > 12 || D < 1 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 59 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		goto bad;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	if (D > mdays[M - 1] + (M == 2 && leap))
		goto bad;
	size_t p = 19;
	int32_t ns = 0;
	if (p < n && s[p] == '.') {
		p++;
		int nd = 0;
		while (p < n && isdigit((unsigned char)s[p])) {
			if (nd < 9) {
				ns = ns * 10 + (s[p] - '0');
				nd++;
			}
			p++;
		}
		if (nd == 0)
			goto bad;
		for (; nd < 9; nd++)
			ns *= 10;
	}
	int64_t off = 0;
	if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p < n && (s[p] == '+' || s[p] == '-')) {
		int oh = digits(s, n, p + 1, 2), om = digits(s, n, p + 4, 2);
		if (oh < 0 || om < 0 || s[p + 3] != ':' || oh > 23 || om > 59)
			goto bad;
		off = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
		p += 6;
	} else
		goto bad;
	if (p != n)
		goto bad;
	int64_t sec = cel_days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 +
		      h * 3600 + mi * 60 + se - off;
	return cel_timestamp(c, sec, ns);
bad:
	return cel_err(c, "timestamp conversion error: parsing time \"%.*s\" as RFC 3339",
		       (int)(n > 64 ? 64 : n), s);
}

cel_val cel_fmt_timestamp(cel_ctx *c, cel_val ts)
{
	int64_t days = ts.u.i >= 0 ? ts.u.i / 86400 : -((-ts.u.i + 86399) / 86400);
	int64_t rem = ts.u.i - days * 86400;
	int64_t y;
	unsigned m, d;
	cel_civil_from_days(days, &y, &m, &d);
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d",
			 (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
			 (int)(rem % 60));
	if (ts.nsec) {
		char f[16];
		snprintf(f, sizeof f, "%09d", ts.nsec);
		int fl = 9;
		while (fl > 0 && f[fl - 1] == '0')
			fl--;
		n += snprintf(buf + n, sizeof buf - (size_t)n, ".%.*s", fl, f);
	}
	buf[n++] = 'Z';
	return cel_str(kp_arena_strndup(c->a, buf, (size_t)n), (size_t)n);
}

/* Go time.ParseDuration (k8s/k8s.h). */
cel_val cel_parse_duration(cel_ctx *c, const char *s, size_t n)
{
	int64_t ns;
	if (!kp_duration_parse(s, n, &ns))
		return cel_err(c, "time: invalid duration \"%.*s\"", (int)(n > 64 ? 64 : n), s);
	return cel_duration(c, ns);
}

cel_val cel_fmt_duration(cel_ctx *c, cel_val d)
{
	char buf[64];
	int64_t ns = d.u.i;
	bool neg = ns < 0;
	uint64_t a = neg ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	int n = snprintf(buf, sizeof buf, "%s%llu", neg ? "-" : "",
			 (unsigned long long)(a / NS_PER_S));
	uint64_t f = a % NS_PER_S;
	if (f) {
		char fb[16];
		snprintf(fb, sizeof fb, "%09llu", (unsigned long long)f);
		int fl = 9;
		while (fl > 0 && fb[fl - 1] == '0')
			fl--;
		n += snprintf(buf + n, sizeof buf - (size_t)n, ".%.*s", fl, fb);
	}
	buf[n++] = 's';
	return cel_str(kp_arena_strndup(c->a, buf, (size_t)n), (size_t)n);
}

/* ---- time zones ---- */

/* Offset in seconds east of UTC of zone `tz` at Unix time t; false when
 * the zone is unknown. */
static bool tz_offset(const char *tz, size_t n, int64_t t, int64_t *off)
{
	if (n == 3 && !memcmp(tz, "UTC", 3)) {
		*off = 0;
		return true;
	}
	/* fixed offsets: [+-]HH:MM (cel-go also takes HH:MM) */
	size_t p = 0;
	int sign = 1;
	if (n && (tz[0] == '+' || tz[0] == '-')) {
		sign = tz[0] == '-' ? -1 : 1;
		p = 1;
	}
	if (n - p == 5 && tz[p + 2] == ':') {
		int h = digits(tz, n, p, 2), m = digits(tz, n, p + 3, 2);
		if (h < 0 || m < 0)
			return false;
		*off = sign * (h * 3600 + m * 60);
		return true;
	}
	return cel_tz_offset_named(tz, n, t, off);
}

typedef struct civil {
	int64_t year;
	unsigned month, day;   /* 1-based */
	int hour, min, sec;
	int wday, yday;        /* 0 = Sunday; 0-based day of year */
} civil;

static void to_civil(int64_t t, civil *cv)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	cel_civil_from_days(days, &cv->year, &cv->month, &cv->day);
	cv->hour = (int)(rem / 3600);
	cv->min = (int)(rem / 60 % 60);
	cv->sec = (int)(rem % 60);
	cv->wday = (int)(((days % 7) + 11) % 7);   /* 1970-01-01 was a Thursday */
	cv->yday = (int)(days - cel_days_from_civil(cv->year, 1, 1));
}

typedef enum getter {
	G_YEAR, G_MONTH, G_DATE, G_DAY_OF_MONTH, G_DAY_OF_WEEK, G_DAY_OF_YEAR,
	G_HOURS, G_MINUTES, G_SECONDS, G_MILLIS
} getter;

static cel_val get(cel_ctx *c, cel_val *a, size_t n, getter g, const char *fn)
{
	if (a[0].kind == CEL_DURATION && n == 1) {
		int64_t ns = a[0].u.i;
		switch (g) {
		case G_HOURS: return cel_int(ns / (3600 * NS_PER_S));
		case G_MINUTES: return cel_int(ns / (60 * NS_PER_S));
		case G_SECONDS: return cel_int(ns / NS_PER_S);
		case G_MILLIS: return cel_int(ns % NS_PER_S / 1000000);
		default: return cel_no_overload(c, fn);
		}
	}
	if (a[0].kind != CEL_TIMESTAMP || (n == 2 && a[1].kind != CEL_STRING))
		return cel_no_overload(c, fn);
	int64_t off = 0;
	if (n == 2 && !tz_offset(a[1].u.s.p, a[1].u.s.n, a[0].u.i, &off))
		return cel_err(c, "unknown time zone %.*s", (int)a[1].u.s.n, a[1].u.s.p);
	civil cv;
	to_civil(a[0].u.i + off, &cv);
	switch (g) {
	case G_YEAR: return cel_int(cv.year);
	case G_MONTH: return cel_int(cv.month - 1);
	case G_DATE: return cel_int(cv.day);
	case G_DAY_OF_MONTH: return cel_int(cv.day - 1);
	case G_DAY_OF_WEEK: return cel_int(cv.wday);
	case G_DAY_OF_YEAR: return cel_int(cv.yday);
	case G_HOURS: return cel_int(cv.hour);
	case G_MINUTES: return cel_int(cv.min);
	case G_SECONDS: return cel_int(cv.sec);
	case G_MILLIS: return cel_int(a[0].nsec / 1000000);
	}
	return cel_no_overload(c, fn);
}

#define GETTER(fname, g) \
	static cel_val fn_##g(cel_ctx *c, cel_val *a, size_t n) { return get(c, a, n, g, fname); }
GETTER("getFullYear", G_YEAR)
GETTER("getMonth", G_MONTH)
GETTER("getDate", G_DATE)
GETTER("getDayOfMonth", G_DAY_OF_MONTH)
GETTER("getDayOfWeek", G_DAY_OF_WEEK)
GETTER("getDayOfYear", G_DAY_OF_YEAR)
GETTER("getHours", G_HOURS)
GETTER("getMinutes", G_MINUTES)
GETTER("getSeconds", G_SECONDS)
GETTER("getMilliseconds", G_MILLIS)

const cel_builtin cel_std_time[] = {
	{"getFullYear", 2, 1, 2, fn_G_YEAR},
	{"getMonth", 2, 1, 2, fn_G_MONTH},
	{"getDate", 2, 1, 2, fn_G_DATE},
	{"getDayOfMonth", 2, 1, 2, fn_G_DAY_OF_MONTH},
	{"getDayOfWeek", 2, 1, 2, fn_G_DAY_OF_WEEK},
	{"getDayOfYear", 2, 1, 2, fn_G_DAY_OF_YEAR},
	{"getHours", 2, 1, 2, fn_G_HOURS},
	{"getMinutes", 2, 1, 2, fn_G_MINUTES},
	{"getSeconds", 2, 1, 2, fn_G_SECONDS},
	{"getMilliseconds", 2, 1, 2, fn_G_MILLIS},
	{NULL, 0, 0, 0, NULL}
};
