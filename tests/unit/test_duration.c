/* Unit tests: Go time.ParseDuration. */
#include <criterion/criterion.h>
#include <string.h>

#include "pattern/pattern.h"

static bool dur(const char *s, int64_t *ns)
{
	return kp_duration_parse(s, strlen(s), ns);
}

Test(duration, valid_forms)
{
	int64_t ns;
	cr_assert(dur("1h30m", &ns));
	cr_assert_eq(ns, 5400000000000LL);
	cr_assert(dur("300ms", &ns));
	cr_assert_eq(ns, 300000000LL);
	cr_assert(dur("0", &ns));
	cr_assert_eq(ns, 0);
	cr_assert(dur("-0", &ns));
	cr_assert_eq(ns, 0);
	cr_assert(dur("1.5h", &ns));
	cr_assert_eq(ns, 5400000000000LL);
	cr_assert(dur("-2m", &ns));
	cr_assert_eq(ns, -120000000000LL);
	cr_assert(dur("+5s", &ns));
	cr_assert_eq(ns, 5000000000LL);
	cr_assert(dur("2h45m10.5s", &ns));
	cr_assert_eq(ns, 9910500000000LL);
	cr_assert(dur("1us", &ns));
	cr_assert_eq(ns, 1000);
	cr_assert(dur("1\xC2\xB5s", &ns));   /* micro sign */
	cr_assert_eq(ns, 1000);
	cr_assert(dur("1\xCE\xBCs", &ns));   /* Greek mu */
	cr_assert_eq(ns, 1000);
	cr_assert(dur(".5s", &ns));
	cr_assert_eq(ns, 500000000);
	cr_assert(dur("1.s", &ns));
	cr_assert_eq(ns, 1000000000);
	cr_assert(dur("2562047h", &ns));
	cr_assert_eq(ns, 2562047LL * 3600000000000LL);
}

Test(duration, rejected_forms)
{
	int64_t ns;
	cr_assert_not(dur("", &ns));
	cr_assert_not(dur("-", &ns));
	cr_assert_not(dur("1", &ns));        /* unit required except for 0 */
	cr_assert_not(dur("00", &ns));
	cr_assert_not(dur("1x", &ns));
	cr_assert_not(dur(".s", &ns));
	cr_assert_not(dur("1 h", &ns));
	cr_assert_not(dur("1Gi", &ns));
	cr_assert_not(dur("1.000000", &ns)); /* a float value's %f form */
	cr_assert_not(dur("2562048h", &ns)); /* overflow */
	cr_assert_not(dur("1d", &ns));
}
