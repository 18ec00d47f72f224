/* Unit tests: Kubernetes resource.Quantity parsing and comparison. */
#include <criterion/criterion.h>
#include <string.h>

#include "pattern/pattern.h"

static kp_quantity q(const char *s)
{
	kp_quantity v;
	cr_assert(kp_quantity_parse(s, strlen(s), &v), "%s should parse", s);
	return v;
}

static int cmp(const char *a, const char *b)
{
	kp_quantity x = q(a), y = q(b);
	return kp_quantity_cmp(&x, &y);
}

static bool parses(const char *s)
{
	kp_quantity v;
	return kp_quantity_parse(s, strlen(s), &v);
}

Test(quantity, binary_and_decimal_suffixes)
{
	cr_assert_eq(cmp("1Gi", "1024Mi"), 0);
	cr_assert_eq(cmp("1G", "1Gi"), -1);
	cr_assert_eq(cmp("1Gi", "1073741824"), 0);
	cr_assert_eq(cmp("1k", "1000"), 0);
	cr_assert_eq(cmp("1Ki", "1024"), 0);
	cr_assert_eq(cmp("1.5Gi", "1536Mi"), 0);
	cr_assert_eq(cmp("2Ei", "1Ei"), 1);
	cr_assert_eq(cmp("1E", "1000P"), 0);
}

Test(quantity, fractions_milli_and_exponents)
{
	cr_assert_eq(cmp("500m", "0.5"), 0);
	cr_assert_eq(cmp(".5", "500m"), 0);
	cr_assert_eq(cmp("0.2", "200m"), 0);
	cr_assert_eq(cmp("1e3", "1k"), 0);
	cr_assert_eq(cmp("1E3", "1000"), 0);
	cr_assert_eq(cmp("1e-3", "1m"), 0);
	cr_assert_eq(cmp("100u", "100000n"), 0);
	cr_assert_eq(cmp("8", "8.0"), 0);
	cr_assert_eq(cmp("-1", "1"), -1);
	cr_assert_eq(cmp("-2", "-1"), -1);
	cr_assert_eq(cmp("1.", "1"), 0);
}

Test(quantity, zero_forms)
{
	cr_assert_eq(cmp("0", "0m"), 0);
	cr_assert_eq(cmp("-0", "0"), 0);
	cr_assert_eq(cmp("000", "0"), 0);
	cr_assert_eq(cmp("-", "0"), 0);      /* a bare sign parses as 0 in Go */
	cr_assert_eq(cmp(".", "0"), 0);
}

Test(quantity, rounding_and_cap_as_go)
{
	cr_assert_eq(cmp("1e-10", "1n"), 0); /* rounded up to the nano unit */
	cr_assert_eq(cmp("0.0000000001", "1n"), 0);
	/* apimachinery caps BinarySI only (decimal values stay exact) */
	cr_assert_eq(cmp("99999999999999999999999", "9223372036854775807"), 1);
	cr_assert_eq(cmp("99999999999999999999999Ki", "9223372036854775807"), 0);
	/* the int64 fast path is exact and not capped */
	cr_assert_eq(cmp("999999999999999999k", "9223372036854775807"), 1);
}

Test(quantity, rejected_forms)
{
	cr_assert_not(parses(""));
	cr_assert_not(parses("1 Gi"));
	cr_assert_not(parses("1ki"));
	cr_assert_not(parses("1K"));
	cr_assert_not(parses("abc"));
	cr_assert_not(parses("1e"));
	cr_assert_not(parses("1.5.5"));
	cr_assert_not(parses("10Mib"));
	cr_assert_not(parses("1h"));
	cr_assert(parses("3.100000"));
}
