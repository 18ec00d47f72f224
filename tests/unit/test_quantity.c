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

/* The plain forms (digits, then no suffix, one decimal letter or Ki..Ei)
 * take a 64-bit path of their own: every field as the general parser
 * (Go's int64 fast path) gives it, and the forms next to them that the
 * general parser decides. */
Test(quantity, plain_forms_exact_fields)
{
	kp_quantity v = q("500m");
	cr_assert(v.sign == 1 && v.coef == 5 && v.exp == -1 && v.scale == 3 &&
		  v.format == KP_QF_DECIMAL_SI && v.tail == 0);
	v = q("128Mi");
	cr_assert(v.sign == 1 && v.coef == 134217728 && v.exp == 0 && v.scale == 0 &&
		  v.format == KP_QF_BINARY_SI);
	v = q("1200");
	cr_assert(v.coef == 12 && v.exp == 2 && v.scale == 0 && v.format == KP_QF_DECIMAL_SI);
	v = q("3E");
	cr_assert(v.coef == 3 && v.exp == 18 && v.scale == -18 && v.format == KP_QF_DECIMAL_SI);
	v = q("7Ei");   /* past 2^63-1: Go's slow path caps it */
	cr_assert(v.format == KP_QF_BINARY_SI && v.scale == 9);
	v = q("999999999999999");
	cr_assert(v.coef == 999999999999999u && v.exp == 0);
	v = q("1234567890123456");   /* 16 digits: the general parser */
	cr_assert(v.coef == 1234567890123456u && v.exp == 0);
	cr_assert(cmp("0100m", "100m") == 0 && cmp("+2Ki", "2048") == 0);
	cr_assert(!parses("1K") && !parses("1e") && !parses("1KI") && !parses("1mi"));
}
