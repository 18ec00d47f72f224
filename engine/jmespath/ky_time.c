/* ky_time.c - Kyverno's time functions (time.go) over Go's time package:
 * time.Parse with Go reference layouts (RFC 3339 by default, fractional
 * seconds accepted), output in RFC 3339 without fractions, keeping the
 * input's offset.  A time is an instant (Unix seconds + nanoseconds) and
 * the offset of its zone. */
#include "jmespath/ky_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct gtime {
	int64_t sec;     /* Unix seconds */
	int32_t nsec;
	int32_t off;     /* zone offset, seconds east of UTC */
} gtime;

static const char RFC3339[] = "2006-01-02T15:04:05Z07:00";

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static bool leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static int days_in(int64_t y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : dm[m - 1];
}

static const char *months[] = {"January", "February", "March", "April", "May", "June", "July",
			       "August", "September", "October", "November", "December"};
static const char *days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
			     "Saturday"};

/* Layout elements (Go's std chunks). */
enum {
	L_NONE, L_LONGMONTH, L_MONTH, L_NUMMONTH, L_ZEROMONTH, L_LONGWEEKDAY, L_WEEKDAY,
	L_DAY, L_UNDERDAY, L_ZERODAY, L_YDAY, L_HOUR, L_HOUR12, L_ZEROHOUR12, L_MINUTE,
	L_ZEROMINUTE, L_SECOND, L_ZEROSECOND, L_LONGYEAR, L_YEAR, L_PM, L_pm, L_TZ,
	L_ISO_TZ, L_ISO_SHORT_TZ, L_ISO_COLON_TZ, L_ISO_SECS_TZ, L_ISO_COLON_SECS_TZ,
	L_NUM_TZ, L_NUM_SHORT_TZ, L_NUM_COLON_TZ, L_NUM_SECS_TZ, L_NUM_COLON_SECS_TZ,
	L_FRAC0, L_FRAC9
};

static bool starts(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);
	return n >= l && memcmp(s, p, l) == 0;
}

/* Go's nextStdChunk: the first element in layout[0..n) at or after 0;
 * *pre the literal bytes before it, *len its length, *digits for
 * fractions. */
static int next_chunk(const char *l, size_t n, size_t *pre, size_t *len, int *digits)
{
	static const struct { const char *s; int code; } tab[] = {
		{"January", L_LONGMONTH}, {"Jan", L_MONTH}, {"Monday", L_LONGWEEKDAY},
		{"Mon", L_WEEKDAY}, {"MST", L_TZ}, {"01", L_ZEROMONTH}, {"02", L_ZERODAY},
		{"03", L_ZEROHOUR12}, {"04", L_ZEROMINUTE}, {"05", L_ZEROSECOND}, {"06", L_YEAR},
		{"002", L_YDAY}, {"15", L_HOUR}, {"1", L_NUMMONTH}, {"2006", L_LONGYEAR},
		{"2", L_DAY}, {"__2", L_YDAY}, {"_2006", L_NONE}, {"_2", L_UNDERDAY},
		{"3", L_HOUR12}, {"4", L_MINUTE}, {"5", L_SECOND}, {"PM", L_PM}, {"pm", L_pm},
		{"-07:00:00", L_NUM_COLON_SECS_TZ}, {"-070000", L_NUM_SECS_TZ},
		{"-0700", L_NUM_TZ}, {"-07:00", L_NUM_COLON_TZ}, {"-07", L_NUM_SHORT_TZ},
		{"Z07:00:00", L_ISO_COLON_SECS_TZ}, {"Z070000", L_ISO_SECS_TZ},
		{"Z0700", L_ISO_TZ}, {"Z07:00", L_ISO_COLON_TZ}, {"Z07", L_ISO_SHORT_TZ},
	};
	for (size_t i = 0; i < n; i++) {
		const char *s = l + i;
		size_t left = n - i;
		/* "Mon" must not match "Month"; "Jan" not "Janet"? Go matches
		 * Jan anywhere; Monday/Mon only when not followed by a lower case
		 * letter. */
		for (size_t t = 0; t < sizeof tab / sizeof *tab; t++) {
			if (!starts(s, left, tab[t].s))
				continue;
			size_t tl = strlen(tab[t].s);
			if ((tab[t].code == L_WEEKDAY || tab[t].code == L_LONGWEEKDAY) && left > tl &&
			    s[tl] >= 'a' && s[tl] <= 'z')
				continue;
			if (tab[t].code == L_NONE) { /* "_2006": "_" then "2006" */
				*pre = i + 1;
				*len = 4;
				return L_LONGYEAR;
			}
			if (tab[t].code == L_ZERODAY && !starts(s, left, "02"))
				continue;
			*pre = i;
			*len = tl;
			return tab[t].code;
		}
		if ((s[0] == '.' || s[0] == ',') && left > 1 && (s[1] == '0' || s[1] == '9')) {
			char ch = s[1];
			size_t j = 1;
			while (j < left && s[j] == ch)
				j++;
			if (!(j < left && s[j] >= '0' && s[j] <= '9')) {
				*pre = i;
				*len = j;
				*digits = (int)j - 1;
				return ch == '0' ? L_FRAC0 : L_FRAC9;
			}
		}
	}
	*pre = n;
	*len = 0;
	return L_NONE;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Go's getnum: one or two digits (exactly two if fixed). */
static bool getnum(const char **v, size_t *n, bool fixed, int *out)
{
	if (*n < 1 || !is_digit((*v)[0]))
		return false;
	if (*n < 2 || !is_digit((*v)[1])) {
		if (fixed)
			return false;
		*out = (*v)[0] - '0';
		(*v)++;
		(*n)--;
		return true;
	}
	*out = ((*v)[0] - '0') * 10 + (*v)[1] - '0';
	*v += 2;
	*n -= 2;
	return true;
}

static int lookup_name(const char **v, size_t *n, const char **names, size_t count, size_t cut)
{
	for (size_t i = 0; i < count; i++) {
		size_t l = cut ? cut : strlen(names[i]);
		if (*n >= l && strncasecmp(*v, names[i], l) == 0) {
			*v += l;
			*n -= l;
			return (int)i;
		}
	}
	return -1;
}

/* Go's time.Parse(layout, value).  False on any error. */
static bool go_parse(const char *layout, size_t ln, const char *v, size_t vn, gtime *t)
{
	int64_t year = 0;   /* Go: an omitted year is 0 */
	int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
	bool pm = false, am = false, utc = false;
	int zoff = 0;
	bool have_off = false;
	while (1) {
		size_t pre, len;
		int digits = 0;
		int code = next_chunk(layout, ln, &pre, &len, &digits);
		/* literal prefix, with Go's rule for spaces */
		const char *p = layout;
		size_t pn = pre;
		while (pn > 0) {
			if (p[0] == ' ') {
				if (vn > 0 && v[0] != ' ')
					return false;
				while (pn > 0 && p[0] == ' ') {
					p++;
					pn--;
				}
				while (vn > 0 && v[0] == ' ') {
					v++;
					vn--;
				}
				continue;
			}
			if (vn == 0 || v[0] != p[0])
				return false;
			p++;
			pn--;
			v++;
			vn--;
		}
		if (code == L_NONE) {
			if (vn != 0)
				return false;   /* extra text */
			break;
		}
		layout += pre + len;
		ln -= pre + len;
		int x;
		switch (code) {
		case L_LONGYEAR: {
			if (vn < 4 || !is_digit(v[0]) || !is_digit(v[1]) || !is_digit(v[2]) || !is_digit(v[3]))
				return false;
			year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + v[3] - '0';
			v += 4;
			vn -= 4;
			break;
		}
		case L_YEAR:
			if (!getnum(&v, &vn, true, &x))
				return false;
			year = x >= 69 ? 1900 + x : 2000 + x;
			break;
		case L_LONGMONTH:
			if ((month = lookup_name(&v, &vn, months, 12, 0)) < 0)
				return false;
			month++;
			break;
		case L_MONTH:
			if ((month = lookup_name(&v, &vn, months, 12, 3)) < 0)
				return false;
			month++;
			break;
		case L_NUMMONTH:
		case L_ZEROMONTH:
			if (!getnum(&v, &vn, code == L_ZEROMONTH, &month) || month < 1 || month > 12)
				return false;
			break;
		case L_LONGWEEKDAY:
			if (lookup_name(&v, &vn, days, 7, 0) < 0)
				return false;
			break;
		case L_WEEKDAY:
			if (lookup_name(&v, &vn, days, 7, 3) < 0)
				return false;
			break;
		case L_DAY:
		case L_UNDERDAY:
		case L_ZERODAY:
			if (code == L_UNDERDAY && vn > 0 && v[0] == ' ') {
				v++;
				vn--;
			}
			if (!getnum(&v, &vn, code == L_ZERODAY, &day))
				return false;
			break;
		case L_YDAY:
			if (vn < 3 || !is_digit(v[0]) || !is_digit(v[1]) || !is_digit(v[2]))
				return false;
			yday = (v[0] - '0') * 100 + (v[1] - '0') * 10 + v[2] - '0';
			v += 3;
			vn -= 3;
			if (yday < 1 || yday > 366)
				return false;
			break;
		case L_HOUR:
			if (!getnum(&v, &vn, false, &hour) || hour > 23)
				return false;
			break;
		case L_HOUR12:
		case L_ZEROHOUR12:
			if (!getnum(&v, &vn, code == L_ZEROHOUR12, &hour) || hour > 12)
				return false;
			break;
		case L_MINUTE:
		case L_ZEROMINUTE:
			if (!getnum(&v, &vn, code == L_ZEROMINUTE, &min) || min > 59)
				return false;
			break;
		case L_SECOND:
		case L_ZEROSECOND: {
			if (!getnum(&v, &vn, code == L_ZEROSECOND, &sec) || sec > 59)
				return false;
			/* a fraction in the value that the layout does not name */
			if (vn >= 2 && (v[0] == '.' || v[0] == ',') && is_digit(v[1])) {
				size_t p2, l2;
				int d2;
				int next = next_chunk(layout, ln, &p2, &l2, &d2);
				if ((next == L_FRAC0 || next == L_FRAC9) && p2 == 0)
					break;
				size_t k = 1;
				int scale = 100000000;
				nsec = 0;
				for (; k < vn && is_digit(v[k]); k++, scale /= 10)
					nsec += (v[k] - '0') * scale;
				v += k;
				vn -= k;
			}
			break;
		}
		case L_PM:
		case L_pm:
			if (vn < 2)
				return false;
			if ((code == L_PM && !strncmp(v, "PM", 2)) || (code == L_pm && !strncmp(v, "pm", 2)))
				pm = true;
			else if ((code == L_PM && !strncmp(v, "AM", 2)) || (code == L_pm && !strncmp(v, "am", 2)))
				am = true;
			else
				return false;
			v += 2;
			vn -= 2;
			break;
		case L_ISO_TZ: case L_ISO_SHORT_TZ: case L_ISO_COLON_TZ: case L_ISO_SECS_TZ:
		case L_ISO_COLON_SECS_TZ:
			if (vn >= 1 && v[0] == 'Z') {
				v++;
				vn--;
				utc = true;
				break;
			}
			/* fall through */
		case L_NUM_TZ: case L_NUM_SHORT_TZ: case L_NUM_COLON_TZ: case L_NUM_SECS_TZ:
		case L_NUM_COLON_SECS_TZ: {
			bool colon = code == L_ISO_COLON_TZ || code == L_NUM_COLON_TZ ||
				     code == L_ISO_COLON_SECS_TZ || code == L_NUM_COLON_SECS_TZ;
			bool shortz = code == L_ISO_SHORT_TZ || code == L_NUM_SHORT_TZ;
			bool secs = code == L_ISO_SECS_TZ || code == L_NUM_SECS_TZ ||
				    code == L_ISO_COLON_SECS_TZ || code == L_NUM_COLON_SECS_TZ;
			size_t need = 3 + (shortz ? 0 : 2 + colon) + (secs ? 2 + colon : 0);
			if (vn < need || (v[0] != '+' && v[0] != '-'))
				return false;
			int hh, mm = 0, ss = 0;
			const char *q = v + 1;
			size_t qn = vn - 1;
			if (!getnum(&q, &qn, true, &hh))
				return false;
			if (!shortz) {
				if (colon && (qn < 1 || *q++ != ':'))
					return false;
				if (colon)
					qn--;
				if (!getnum(&q, &qn, true, &mm))
					return false;
			}
			if (secs) {
				if (colon && (qn < 1 || *q++ != ':'))
					return false;
				if (colon)
					qn--;
				if (!getnum(&q, &qn, true, &ss))
					return false;
			}
			if (hh > 24 || mm > 60 || ss > 60)
				return false;
			zoff = (hh * 60 + mm) * 60 + ss;
			if (v[0] == '-')
				zoff = -zoff;
			have_off = true;
			vn -= (size_t)(q - v);
			v = q;
			break;
		}
		case L_TZ: {
			if (vn >= 3 && !strncmp(v, "UTC", 3)) {
				v += 3;
				vn -= 3;
				utc = true;
				break;
			}
			/* an abbreviation: 3 to 5 upper-case letters; offset 0 as Go
			 * fabricates for a name it does not know */
			size_t k = 0;
			while (k < vn && k < 5 && v[k] >= 'A' && v[k] <= 'Z')
				k++;
			if (k < 3)
				return false;
			v += k;
			vn -= k;
			break;
		}
		case L_FRAC0: {
			size_t nd = (size_t)digits;
			if (vn < nd + 1 || v[0] != '.')
				return false;
			int scale = 100000000;
			nsec = 0;
			for (size_t k = 1; k <= nd; k++, scale /= 10) {
				if (!is_digit(v[k]))
					return false;
				nsec += (v[k] - '0') * scale;
			}
			v += nd + 1;
			vn -= nd + 1;
			break;
		}
		case L_FRAC9: {
			if (vn < 2 || (v[0] != '.' && v[0] != ',') || !is_digit(v[1]))
				break;
			size_t k = 1;
			int scale = 100000000;
			nsec = 0;
			for (; k < vn && k <= 9 && is_digit(v[k]); k++, scale /= 10)
				nsec += (v[k] - '0') * scale;
			v += k;
			vn -= k;
			break;
		}
		}
	}
	if (pm && hour < 12)
		hour += 12;
	else if (am && hour == 12)
		hour = 0;
	if (yday >= 0) {
		int m = 1, d = yday;
		if (d > (leap(year) ? 366 : 365))
			return false;
		while (d > days_in(year, m)) {
			d -= days_in(year, m);
			m++;
		}
		if ((month >= 0 && month != m) || (day >= 0 && day != d))
			return false;
		month = m;
		day = d;
	}
	if (month < 0)
		month = 1;
	if (day < 0)
		day = 1;
	if (day < 1 || day > days_in(year, month))
		return false;
	int64_t local = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
	t->off = utc || !have_off ? 0 : zoff;
	t->sec = local - t->off;
	t->nsec = nsec;
	return true;
}

/* Time.Format(time.RFC3339). */
static const kp_value *rfc3339(kp_jp_call *c, const gtime *t)
{
	int64_t local = t->sec + t->off;
	int64_t dd = floor_div(local, 86400), s = local - dd * 86400, y;
	int m, d;
	civil_from_days(dd, &y, &m, &d);
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
			 (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	if (t->off == 0) {
		buf[n++] = 'Z';
	} else {
		int o = t->off < 0 ? -t->off : t->off;
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%c%02d:%02d", t->off < 0 ? '-' : '+',
			      o / 3600, o / 60 % 60);
	}
	return ky_str(c, buf, (size_t)n);
}

static int parse_arg(kp_jp_call *c, const kp_value *v, const char *layout, size_t ln, gtime *t)
{
	if (!go_parse(layout, ln, v->u.s.ptr, v->u.s.len, t))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "parsing time \"%.*s\" as \"%.*s\": cannot parse",
				  (int)(v->u.s.len > 200 ? 200 : v->u.s.len), v->u.s.ptr, (int)ln, layout);
	return 0;
}

static int parse3339(kp_jp_call *c, const kp_value *v, gtime *t)
{
	return parse_arg(c, v, RFC3339, sizeof RFC3339 - 1, t);
}

static int dur_arg(kp_jp_call *c, const kp_value *v, int64_t *ns)
{
	if (!kp_duration_parse(v->u.s.ptr, v->u.s.len, ns))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "time: invalid duration \"%.*s\"",
				  (int)(v->u.s.len > 200 ? 200 : v->u.s.len), v->u.s.ptr);
	return 0;
}

/* t2 - t1 as Go's Time.Sub (saturating), formatted as a Duration. */
static const kp_value *sub(kp_jp_call *c, const gtime *t2, const gtime *t1)
{
	__int128 d = ((__int128)t2->sec - t1->sec) * 1000000000 + (t2->nsec - t1->nsec);
	int64_t ns = d > INT64_MAX ? INT64_MAX : d < INT64_MIN ? INT64_MIN : (int64_t)d;
	char buf[40];
	size_t n = kp_duration_string(ns, buf);
	return ky_str(c, buf, n);
}

static int cmp(const gtime *a, const gtime *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	return a->nsec < b->nsec ? -1 : a->nsec > b->nsec;
}

static gtime now(bool utc)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	gtime t = {.sec = ts.tv_sec, .nsec = (int32_t)ts.tv_nsec};
	if (!utc) {
		struct tm tm;
		time_t tt = ts.tv_sec;
		if (localtime_r(&tt, &tm))
			t.off = (int32_t)tm.tm_gmtoff;
	}
	return t;
}

KY_FN(ky_time_now)
{
	gtime t = now(false);
	*out = rfc3339(c, &t);
	return 0;
}

KY_FN(ky_time_now_utc)
{
	gtime t = now(true);
	*out = rfc3339(c, &t);
	return 0;
}

KY_FN(ky_time_since)
{
	const kp_value *lay = ARG(0);
	const char *l = lay->u.s.len ? lay->u.s.ptr : RFC3339;
	size_t ln = lay->u.s.len ? lay->u.s.len : sizeof RFC3339 - 1;
	gtime t1, t2;
	if (parse_arg(c, ARG(1), l, ln, &t1))
		return -KP_JP_E_FUNCTION;
	if (ARG(2)->u.s.len == 0)
		t2 = now(false);
	else if (parse_arg(c, ARG(2), l, ln, &t2))
		return -KP_JP_E_FUNCTION;
	*out = sub(c, &t2, &t1);
	return 0;
}

KY_FN(ky_time_diff)
{
	gtime t1, t2;
	if (parse3339(c, ARG(0), &t1) || parse3339(c, ARG(1), &t2))
		return -KP_JP_E_FUNCTION;
	*out = sub(c, &t2, &t1);
	return 0;
}

KY_FN(ky_time_add)
{
	gtime t;
	int64_t ns;
	if (parse3339(c, ARG(0), &t) || dur_arg(c, ARG(1), &ns))
		return -KP_JP_E_FUNCTION;
	int64_t total = t.nsec + ns % 1000000000;
	t.sec += ns / 1000000000 + floor_div(total, 1000000000);
	t.nsec = (int32_t)(total - floor_div(total, 1000000000) * 1000000000);
	*out = rfc3339(c, &t);
	return 0;
}

/* A layout that is an integer means: the value is Unix seconds. */
KY_FN(ky_time_parse)
{
	const kp_value *lay = ARG(0), *val = ARG(1);
	char *end;
	errno = 0;
	if (lay->u.s.len > 0 && (strtoll(lay->u.s.ptr, &end, 10), errno == 0) &&
	    end == lay->u.s.ptr + lay->u.s.len && lay->u.s.ptr[0] != ' ' && lay->u.s.ptr[0] != '\t') {
		errno = 0;
		long long secs = val->u.s.len ? strtoll(val->u.s.ptr, &end, 10) : 0;
		if (val->u.s.len == 0 || errno || end != val->u.s.ptr + val->u.s.len ||
		    val->u.s.ptr[0] == ' ' || val->u.s.ptr[0] == '\t')
			return kp_jp_fail(c, KP_JP_E_FUNCTION, "strconv.ParseInt: parsing \"%.*s\": invalid syntax",
					  (int)(val->u.s.len > 200 ? 200 : val->u.s.len), val->u.s.ptr);
		gtime t = {.sec = secs};
		*out = rfc3339(c, &t);
		return 0;
	}
	gtime t;
	if (parse_arg(c, val, lay->u.s.ptr, lay->u.s.len, &t))
		return -KP_JP_E_FUNCTION;
	*out = rfc3339(c, &t);
	return 0;
}

KY_FN(ky_time_utc)
{
	gtime t;
	if (parse3339(c, ARG(0), &t))
		return -KP_JP_E_FUNCTION;
	t.off = 0;
	*out = rfc3339(c, &t);
	return 0;
}

KY_FN(ky_time_to_cron)
{
	gtime t;
	if (parse3339(c, ARG(0), &t))
		return -KP_JP_E_FUNCTION;
	int64_t local = t.sec + t.off;
	int64_t dd = floor_div(local, 86400), s = local - dd * 86400, y;
	int m, d;
	civil_from_days(dd, &y, &m, &d);
	int wday = (int)((dd % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	char buf[64];
	int len = snprintf(buf, sizeof buf, "%d %d %d %d %d", (int)(s / 60 % 60), (int)(s / 3600), d,
			 m, wday);
	*out = ky_str(c, buf, (size_t)len);
	return 0;
}

static int compare2(kp_jp_call *c, const kp_jp_arg *args, int *r)
{
	gtime a, b;
	if (parse3339(c, ARG(0), &a) || parse3339(c, ARG(1), &b))
		return -KP_JP_E_FUNCTION;
	*r = cmp(&a, &b);
	return 0;
}

KY_FN(ky_time_before)
{
	int r;
	if (compare2(c, args, &r))
		return -KP_JP_E_FUNCTION;
	*out = kp_jp_bool(r < 0);
	return 0;
}

KY_FN(ky_time_after)
{
	int r;
	if (compare2(c, args, &r))
		return -KP_JP_E_FUNCTION;
	*out = kp_jp_bool(r > 0);
	return 0;
}

KY_FN(ky_time_between)
{
	gtime t, a, b;
	if (parse3339(c, ARG(0), &t) || parse3339(c, ARG(1), &a) || parse3339(c, ARG(2), &b))
		return -KP_JP_E_FUNCTION;
	*out = kp_jp_bool(cmp(&t, &a) > 0 && cmp(&t, &b) < 0);
	return 0;
}

/* Time.Truncate(d): down to a multiple of d since January 1, year 1 UTC. */
KY_FN(ky_time_truncate)
{
	gtime t;
	int64_t d;
	if (parse3339(c, ARG(0), &t) || dur_arg(c, ARG(1), &d))
		return -KP_JP_E_FUNCTION;
	if (d > 0) {
		__int128 abs_ns = ((__int128)t.sec + 62135596800LL) * 1000000000 + t.nsec;
		__int128 r = abs_ns % d;
		if (r < 0)
			r += d;
		abs_ns -= r;
		__int128 s = abs_ns / 1000000000;
		t.nsec = (int32_t)(abs_ns - s * 1000000000);
		t.sec = (int64_t)(s - 62135596800LL);
	}
	*out = rfc3339(c, &t);
	return 0;
}
