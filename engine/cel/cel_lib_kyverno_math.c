/* cel/cel_lib_kyverno_math.c - Kyverno's math library (kyverno/sdk
 * extensions/cel/libs/math): math.round(double, int) rounds half away
 * from zero at `digits` decimal places, as Go's
 * math.Round(v * 10^p) / 10^p (exact powers for |p| <= 22, where glibc's
 * pow and Go's math.Pow agree).  It sits beside cel-go's one-argument
 * math.round (cel_std_math.c). */
#include "cel/cel_int.h"

#include <math.h>

static cel_val fn_round(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_DOUBLE || a[1].kind != CEL_INT)
		return cel_no_overload(c, "math.round");
	double shift = pow(10, (double)a[1].u.i);
	return cel_double(round(a[0].u.d * shift) / shift);
}

const cel_builtin cel_lib_kyverno_math[] = {
	{"math.round", 1 | CEL_FN_KYVERNO, 2, 2, fn_round},
	{NULL, 0, 0, 0, NULL}
};
