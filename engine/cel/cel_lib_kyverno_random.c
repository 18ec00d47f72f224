/* cel/cel_lib_kyverno_random.c - Kyverno's random library (kyverno/sdk
 * extensions/cel/libs/random): random() and, since library 1.18,
 * random.random(): eight characters drawn uniformly from [0-9a-z], what
 * goregen generates for Kyverno's default pattern "[0-9a-z]{8}" (from the
 * system's random source; the result is not reproducible, as in Kyverno).
 *
 * random(pattern) is reported unsupported (cel_lib_kyverno_sigs.c): it
 * generates a string for any Go regular expression with goregen's own
 * choices (repetition bounds, character sets), which kpolicy does not
 * reproduce. */
#include "cel/cel_int.h"

#include <sys/random.h>

static cel_val fn_random(cel_ctx *c, cel_val *a, size_t n)
{
	(void)a, (void)n;
	static const char set[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char *out = kp_arena_alloc(c->a, 9);
	for (int i = 0; i < 8; i++) {
		unsigned char r;
		do {   /* rejection sampling: 252 = 7 * 36 keeps it uniform */
			if (getrandom(&r, 1, 0) != 1)
				return cel_err(c, "random: no random source");
		} while (r >= 252);
		out[i] = set[r % 36];
	}
	return cel_str(out, 8);
}

const cel_builtin cel_lib_kyverno_random[] = {
	{"random", 1 | CEL_FN_KYVERNO, 0, 0, fn_random},
	{"random.random", 1 | CEL_FN_KYVERNO, 0, 0, fn_random},
	{NULL, 0, 0, 0, NULL}
};
