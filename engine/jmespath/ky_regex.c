/* ky_regex.c - regex_match, regex_replace_all, regex_replace_all_literal
 * (Go regexp through engine/regex: RE2 syntax, unanchored search, Go's
 * template expansion) and random (unsupported).  The pattern is compiled on
 * every call, as Kyverno does; the compiled form is freed before return. */
#include "jmespath/ky_internal.h"
#include "regex/regex.h"

static kp_regex *compile(kp_jp_call *c, const kp_value *pat)
{
	kp_error e;
	kp_error_clear(&e);
	kp_regex *re = kp_regex_compile(pat->u.s.ptr, pat->u.s.len, &e);
	if (!re)
		kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	return re;
}

KY_FN(ky_regex_match)
{
	size_t sl;
	const char *s = ky_to_text(c, ARG(1), &sl);
	if (!s)
		return ky_type_error(c, 2, "String or Real");
	kp_regex *re = compile(c, ARG(0));
	if (!re)
		return -KP_JP_E_FUNCTION;
	kp_error e;
	kp_error_clear(&e);
	int m = kp_regex_search(re, s, sl, NULL, &e);
	kp_regex_free(re);
	if (m < 0)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	*out = kp_jp_bool(m == 1);
	return 0;
}

static int replace_all(kp_jp_call *c, const kp_jp_arg *args, bool literal, const kp_value **out)
{
	size_t sl, rl;
	const char *s = ky_to_text(c, ARG(1), &sl);
	if (!s)
		return ky_type_error(c, 2, "String or Real");
	const char *r = ky_to_text(c, ARG(2), &rl);
	if (!r)
		return ky_type_error(c, 3, "String or Real");
	kp_regex *re = compile(c, ARG(0));
	if (!re)
		return -KP_JP_E_FUNCTION;
	kp_error e;
	kp_error_clear(&e);
	size_t ol;
	char *res = kp_regex_replace(re, s, sl, r, rl, literal, c->arena, &ol, NULL, &e);
	kp_regex_free(re);
	if (!res)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	kp_value *v = kp_value_new(c->arena, KP_STRING, NULL, 0, 0);
	v->u.s.ptr = res;
	v->u.s.len = ol;
	*out = v;
	return 0;
}

KY_FN(ky_regex_replace_all)
{
	return replace_all(c, args, false, out);
}

KY_FN(ky_regex_replace_all_literal)
{
	return replace_all(c, args, true, out);
}

/* goregen's random strings are not reproducible; a policy that depends on
 * one cannot give a stable verdict. */
KY_FN(ky_random)
{
	return ky_unsupported(c, "generates a non-deterministic string");
}
