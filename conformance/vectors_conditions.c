/* vectors_conditions.c - condition-operator cases: engine-vectors
 * conditions.yaml (`expect`) and kyverno-conditions operators.yaml
 * (`expected`): `key <operator> value` after substitution. */
#include "vectors.h"

#include "policy/policy.h"

#include <stdio.h>
#include <string.h>

int kp_vec_condition(const kp_value *c, char *why, size_t n)
{
	const char *opname = kp_value_path_str(c, "operator");
	const kp_value *expect = kp_value_get(c, "expect");
	if (!expect)
		expect = kp_value_get(c, "expected");
	if (!opname || kp_value_type(expect) != KP_BOOL)
		return -1;
	kp_arena *a = kp_arena_new();
	int got = kp_cond_eval(kp_cond_op_parse(opname), kp_value_get(c, "key"),
			       kp_value_get(c, "value"), a);
	kp_arena_free(a);
	snprintf(why, n, "got %s", got < 0 ? "an error" : got ? "true" : "false");
	return got >= 0 && (got == 1) == kp_value_bool(expect);
}
