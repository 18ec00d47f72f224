/* cel/cel_tz.c - a small reader of the system's IANA time zone files
 * (TZif, RFC 8536; /usr/share/zoneinfo) for the timestamp getters' zone
 * argument.  Zones are read once and kept for the life of the process
 * (a lock guards the table; lookups after that take it briefly).  After
 * the last transition the file's footer applies: a POSIX TZ rule
 * ("NST3:30NDT,M3.2.0,M11.1.0"); the Mm.w.d form of rule dates is read,
 * the rarer Jn and n forms fall back to the last transition's offset. */
#include "cel/cel_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct tz_zone {
	char name[128];
	size_t n;             /* transitions */
	int64_t *at;          /* transition times (Unix seconds), ascending */
	int32_t *off;         /* UTC offset in force from at[i] */
	int32_t first_off;    /* before the first transition */
	/* footer rule: std offset, and when dst_on, the DST offset and the
	 * month/week/day/time of its start and end (local time) */
	bool rule, dst_on;
	int32_t std_off, dst_off;
	int m[2], w[2], d[2];
	int32_t secs[2];
	struct tz_zone *next;
} tz_zone;

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *zones;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* POSIX TZ offset "[+-]hh[:mm[:ss]]" (west positive) -> seconds east. */
static const char *posix_off(const char *p, int32_t *east)
{
	int sign = 1;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return NULL;
	int32_t v = 0;
	for (int part = 0; part < 3; part++) {
		int x = 0;
		while (isdigit((unsigned char)*p))
			x = x * 10 + (*p++ - '0');
		v += x * (part == 0 ? 3600 : part == 1 ? 60 : 1);
		if (*p != ':')
			break;
		p++;
	}
	*east = -sign * v;
	return p;
}

static const char *posix_name(const char *p)
{
	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		return *p ? p + 1 : NULL;
	}
	const char *s = p;
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* "Mm.w.d[/time]" */
static const char *posix_date(const char *p, int *m, int *w, int *d, int32_t *secs)
{
	if (*p++ != 'M')
		return NULL;
	if (sscanf(p, "%d.%d.%d", m, w, d) != 3)
		return NULL;
	while (*p && *p != '/' && *p != ',')
		p++;
	*secs = 7200;
	if (*p == '/') {
		int32_t east;
		p = posix_off(p + 1, &east);
		if (!p)
			return NULL;
		*secs = -east;
	}
	return p;
}

static void parse_footer(tz_zone *z, const char *f)
{
	const char *p = posix_name(f);
	if (!p || !(p = posix_off(p, &z->std_off)))
		return;
	if (!*p) {
		z->rule = true;
		return;
	}
	if (!(p = posix_name(p)))
		return;
	z->dst_off = z->std_off + 3600;
	if (*p && *p != ',' && !(p = posix_off(p, &z->dst_off)))
		return;
	for (int k = 0; k < 2; k++) {
		if (*p++ != ',' || !(p = posix_date(p, &z->m[k], &z->w[k], &z->d[k], &z->secs[k])))
			return;
	}
	z->rule = z->dst_on = true;
}

/* Unix day of the w-th (5 = last) weekday d of month m in year y. */
static int64_t nth_weekday(int64_t y, int m, int w, int d)
{
	int64_t first = cel_days_from_civil(y, (unsigned)m, 1);
	int wd0 = (int)(((first % 7) + 11) % 7);   /* 0 = Sunday */
	int64_t day = first + ((d - wd0 + 7) % 7) + 7 * (w - 1);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int len = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
	while (day >= first + len)
		day -= 7;
	return day;
}

static int32_t rule_offset(const tz_zone *z, int64_t t)
{
	if (!z->dst_on)
		return z->std_off;
	int64_t y;
	unsigned mo, dd;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	cel_civil_from_days(days, &y, &mo, &dd);
	/* start is in standard local time, end in daylight local time */
	int64_t start = nth_weekday(y, z->m[0], z->w[0], z->d[0]) * 86400 + z->secs[0] - z->std_off;
	int64_t end = nth_weekday(y, z->m[1], z->w[1], z->d[1]) * 86400 + z->secs[1] - z->dst_off;
	bool dst = start < end ? (t >= start && t < end) : (t >= start || t < end);
	return dst ? z->dst_off : z->std_off;
}

/* Parse the version 2+ data block of a TZif file (after the v1 block). */
static tz_zone *parse_tzif(const unsigned char *d, size_t len)
{
	if (len < 44 || memcmp(d, "TZif", 4) || d[4] < '2')
		return NULL;
	/* skip the v1 block: header counts are at offset 20 */
	uint32_t c[6];
	for (int i = 0; i < 6; i++)
		c[i] = be32(d + 20 + 4 * i);   /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
	size_t v1 = 44 + (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
	if (v1 + 44 > len)
		return NULL;
	const unsigned char *h = d + v1;
	if (memcmp(h, "TZif", 4))
		return NULL;
	for (int i = 0; i < 6; i++)
		c[i] = be32(h + 20 + 4 * i);
	size_t timecnt = c[3], typecnt = c[4];
	const unsigned char *p = h + 44;
	if (typecnt == 0 || (size_t)(p - d) + timecnt * 9 + typecnt * 6 > len)
		return NULL;
	tz_zone *z = calloc(1, sizeof *z);
	if (!z)
		return NULL;
	z->n = timecnt;
	z->at = calloc(timecnt + 1, sizeof *z->at);
	z->off = calloc(timecnt + 1, sizeof *z->off);
	if (!z->at || !z->off) {
		free(z->at);
		free(z->off);
		free(z);
		return NULL;
	}
	const unsigned char *idx = p + timecnt * 8, *types = idx + timecnt;
	for (size_t i = 0; i < timecnt; i++) {
		z->at[i] = be64(p + 8 * i);
		uint8_t t = idx[i] < typecnt ? idx[i] : 0;
		z->off[i] = (int32_t)be32(types + 6 * t);
	}
	/* the footer after the v2 data: "\n<POSIX TZ>\n" */
	const unsigned char *end = types + typecnt * 6 + c[5] + (size_t)c[2] * 12 + c[1] + c[0];
	if ((size_t)(end - d) + 2 < len && *end == '\n') {
		char foot[128];
		size_t fl = 0;
		for (const unsigned char *q = end + 1; q < d + len && *q != '\n' && fl < sizeof foot - 1; q++)
			foot[fl++] = (char)*q;
		foot[fl] = 0;
		parse_footer(z, foot);
	}
	/* before the first transition: the first standard-time type */
	z->first_off = (int32_t)be32(types);
	for (size_t t = 0; t < typecnt; t++)
		if (!types[6 * t + 4]) {
			z->first_off = (int32_t)be32(types + 6 * t);
			break;
		}
	return z;
}

static tz_zone *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = malloc(1 << 20);
	size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	tz_zone *z = buf ? parse_tzif(buf, len) : NULL;
	free(buf);
	if (z)
		snprintf(z->name, sizeof z->name, "%s", name);
	return z;
}

bool cel_tz_offset_named(const char *tz, size_t n, int64_t t, int64_t *off)
{
	if (n == 0 || n >= 128 || tz[0] == '/')
		return false;
	char name[128];
	memcpy(name, tz, n);
	name[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)name[i]) || strchr("/_+-", name[i])))
			return false;
	if (strstr(name, "//"))
		return false;
	pthread_mutex_lock(&tz_lock);
	tz_zone *z = zones;
	while (z && strcmp(z->name, name))
		z = z->next;
	if (!z && (z = load(name)) != NULL) {
		z->next = zones;
		zones = z;
	}
	pthread_mutex_unlock(&tz_lock);
	if (!z)
		return false;
	/* zones are never changed once listed: read without the lock */
	if (z->rule && (z->n == 0 || t >= z->at[z->n - 1])) {
		*off = rule_offset(z, t);
		return true;
	}
	size_t lo = 0, hi = z->n;   /* last transition <= t */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*off = lo == 0 ? z->first_off : z->off[lo - 1];
	return true;
}
