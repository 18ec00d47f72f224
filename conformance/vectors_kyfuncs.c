/* vectors_kyfuncs.c - Kyverno's custom JMESPath functions
 * (../shared/conformance/kyverno-jmespath/functions.yaml): each case has
 * `expression`, `input` (the document) and `result` or `error`
 * (`invalid-type`: an argument type error; `error`: any failure, upstream
 * only asserts that one happens).  Evaluated in KP_JP_KYVERNO mode; results
 * compare as JSON values (1 == 1.0). */
#include "vectors.h"
#include "jmespath/jmespath.h"

#include <string.h>

int kp_vec_kyfunc(const kp_value *c, char *why, size_t wn)
{
	const kp_value *expr = kp_jp_get(c, "expression", 10);
	const kp_value *input = kp_jp_get(c, "input", 5);
	const kp_value *result = kp_jp_get(c, "result", 6);
	const kp_value *error = kp_jp_get(c, "error", 5);
	if (!expr || expr->type != KP_STRING || (!result && !error)) {
		snprintf(why, wn, "a case needs expression and result or error");
		return -1;
	}
	kp_arena *a = kp_arena_new();
	kp_error err;
	kp_error_clear(&err);
	kp_jp_kind kind = KP_JP_OK;
	const kp_value *out = NULL;
	kp_jp *e = kp_jp_compile(expr->u.s.ptr, expr->u.s.len, KP_JP_KYVERNO, a, &kind, &err);
	if (e) {
		int rc = kp_jp_eval(e, input, a, &out, &err);
		kind = rc < 0 ? (kp_jp_kind)-rc : KP_JP_OK;
	}
	int pass;
	if (error) {
		const char *want = error->type == KP_STRING ? error->u.s.ptr : "?";
		pass = kind != KP_JP_OK &&
		       (strcmp(want, "error") == 0 || strcmp(kp_jp_kind_name(kind), want) == 0);
		if (!pass && kind == KP_JP_OK)
			snprintf(why, wn, "%s: expected %s, got %s", expr->u.s.ptr, want,
				 kp_jp_to_json(a, out, false, NULL));
		else if (!pass)
			snprintf(why, wn, "%s: expected %s, got: %s", expr->u.s.ptr, want, err.msg);
	} else if (kind != KP_JP_OK) {
		pass = 0;
		snprintf(why, wn, "%s: %s", expr->u.s.ptr, err.msg);
	} else {
		pass = kp_jp_equal(out, result);
		if (!pass)
			snprintf(why, wn, "%s: expected %s, got %s", expr->u.s.ptr,
				 kp_jp_to_json(a, result, false, NULL), kp_jp_to_json(a, out, false, NULL));
	}
	kp_arena_free(a);
	return pass;
}
