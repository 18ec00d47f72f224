/* cel/cel_lib_kyverno_time.c - Kyverno's time library (kyverno/sdk
 * extensions/cel/libs/time): time.now() (the clock, as Kyverno's
 * time.Now()), time.truncate(ts, dur) (Go's Time.Truncate: down to a
 * multiple of dur counted from 0001-01-01T00:00:00Z, the timestamp
 * unchanged for dur <= 0), time.toCron(ts) -> "minute hour day month
 * weekday" (weekday 0 = Sunday).  kpolicy's timestamps are instants in
 * UTC: toCron reads the UTC fields (Kyverno reads those of the time's
 * zone, UTC for timestamps computed in CEL and where Kyverno runs in
 * UTC). */
#include "cel/cel_int.h"

#include <stdio.h>
#include <time.h>

/* Seconds from 0001-01-01T00:00:00Z to the Unix epoch. */
#define ZERO_TO_UNIX 62135596800LL

static cel_val fn_now(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return cel_timestamp(c, (int64_t)ts.tv_sec, (int32_t)ts.tv_nsec);
}

static cel_val fn_truncate(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_TIMESTAMP || a[1].kind != CEL_DURATION)
		return cel_no_overload(c, "time.truncate");
	int64_t d = a[1].u.i;
	if (d <= 0)
		return a[0];
	__int128 abs_ns = (__int128)(a[0].u.i + ZERO_TO_UNIX) * 1000000000 + a[0].nsec;
	__int128 r = abs_ns % d;
	__int128 t = (__int128)a[0].u.i * 1000000000 + a[0].nsec - r;
	int64_t sec = (int64_t)(t / 1000000000);
	int32_t ns = (int32_t)(t % 1000000000);
	return cel_timestamp(c, sec, ns);
}

static cel_val fn_to_cron(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_TIMESTAMP)
		return cel_no_overload(c, "time.toCron");
	int64_t s = a[0].u.i;
	int64_t days = s / 86400, rem = s % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	unsigned mo, d;
	cel_civil_from_days(days, &y, &mo, &d);
	int wd = (int)(((days % 7) + 11) % 7);   /* 1970-01-01 was a Thursday (4) */
	char buf[64];
	int len = snprintf(buf, sizeof buf, "%d %d %u %u %d", (int)(rem % 3600 / 60),
			   (int)(rem / 3600), d, mo, wd);
	return cel_str(kp_arena_strndup(c->a, buf, (size_t)len), (size_t)len);
}

const cel_builtin cel_lib_kyverno_time[] = {
	{"time.now", 1 | CEL_FN_KYVERNO, 0, 0, fn_now},
	{"time.truncate", 1 | CEL_FN_KYVERNO, 2, 2, fn_truncate},
	{"time.toCron", 1 | CEL_FN_KYVERNO, 1, 1, fn_to_cron},
	{NULL, 0, 0, 0, NULL}
};
