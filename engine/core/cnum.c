/* cnum.c - reading and writing numbers in the C locale whatever locale
 * the host program set: JSON, YAML, Go formatting and Kyverno messages
 * always use a decimal dot, while strtod and printf follow LC_NUMERIC (a
 * comma in de_DE, fr_FR, ...). */
#include "core/core.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!c_locale)
		kp_oom(0);   /* "C" always exists: only memory can be missing */
}

static locale_t get_c_locale(void)
{
	pthread_once(&c_locale_once, make_c_locale);
	return c_locale;
}

double kp_strtod_c(const char *s, char **end)
{
	return strtod_l(s, end, get_c_locale());
}

float kp_strtof_c(const char *s, char **end)
{
	return strtof_l(s, end, get_c_locale());
}

int kp_vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap)
{
	/* uselocale changes the calling thread's locale only */
	locale_t old = uselocale(get_c_locale());
	int r = vsnprintf(buf, n, fmt, ap);
	uselocale(old);
	return r;
}

int kp_snprintf_c(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kp_vsnprintf_c(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
