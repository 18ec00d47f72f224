/* vectors_pattern.c - pattern-engine vector schemas: validate-pattern,
 * value-pattern, wildcard, operator-parse (see the engine-vectors README). */
#include "vectors.h"
#include "pattern/pattern.h"

#include <string.h>

/* The case's string field, or NULL. */
static const char *field_str(const kp_value *c, const char *name, size_t *len)
{
	const kp_value *v = kp_value_get(c, name);
	return kp_value_str(v, len);
}

int kp_vec_validate_pattern(const kp_value *c, char *why, size_t n)
{
	const char *expect = kp_value_path_str(c, "expect");
	if (!expect || !kp_value_get(c, "pattern"))
		return -1;
	const char *want_path = kp_value_path_str(c, "path");
	kp_arena *a = kp_arena_new();
	kp_error err;
	kp_pat_root *p = kp_pat_compile(a, kp_value_get(c, "pattern"), 0, "pattern", &err);
	int rc;
	if (!p) {
		char eb[2048];
		snprintf(why, n, "compile error: %s", kp_error_format(&err, eb, sizeof eb));
		kp_arena_free(a);
		return 0;
	}
	kp_pat_result r;
	kp_pat_match(p, kp_value_get(c, "resource"), a, &r);
	const char *got = kp_status_name(r.status);
	rc = strcmp(got, expect) == 0;
	if (rc && r.status == KP_STATUS_FAIL && want_path && strcmp(want_path, r.path) != 0)
		rc = 0;
	if (!rc)
		snprintf(why, n, "got %s path '%s' (error: %s)", got, r.path, r.error);
	kp_arena_free(a);
	return rc;
}

int kp_vec_value_pattern(const kp_value *c, char *why, size_t n)
{
	const char *expect = kp_value_path_str(c, "expect");
	if (!expect)
		return -1;
	kp_arena *a = kp_arena_new();
	/* {"v": pattern} against {"v": value} */
	kp_value *pm = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_value *rm = kp_value_new(a, KP_MAP, NULL, 0, 0);
	const kp_value *pv = kp_value_get(c, "pattern"), *vv = kp_value_get(c, "value");
	kp_map_set(a, pm, "v", pv ? kp_value_copy(a, pv) : kp_value_new(a, KP_NULL, NULL, 0, 0));
	if (vv)
		kp_map_set(a, rm, "v", kp_value_copy(a, vv));
	kp_error err;
	kp_pat_root *p = kp_pat_compile(a, pm, 0, "pattern", &err);
	if (!p) {
		snprintf(why, n, "compile error: %s", err.msg);
		kp_arena_free(a);
		return 0;
	}
	kp_pat_result r;
	kp_pat_match(p, rm, a, &r);
	const char *got = r.status == KP_STATUS_PASS ? "match" : "nomatch";
	int rc = strcmp(got, expect) == 0;
	if (!rc)
		snprintf(why, n, "got %s (%s%s%s)", got, kp_status_name(r.status),
			 r.error[0] ? ": " : "", r.error);
	kp_arena_free(a);
	return rc;
}

int kp_vec_wildcard(const kp_value *c, char *why, size_t n)
{
	size_t pl = 0, tl = 0;
	const char *p = field_str(c, "pattern", &pl), *t = field_str(c, "text", &tl);
	const char *expect = kp_value_path_str(c, "expect");
	if (!p || !t || !expect)
		return -1;
	const char *got = kp_wildcard_match(p, pl, t, tl) ? "match" : "nomatch";
	if (strcmp(got, expect) == 0)
		return 1;
	snprintf(why, n, "got %s", got);
	return 0;
}

int kp_vec_operator_parse(const kp_value *c, char *why, size_t n)
{
	size_t pl = 0;
	const char *p = field_str(c, "pattern", &pl);
	const char *expect = kp_value_path_str(c, "expect");
	if (!p || !expect)
		return -1;
	const char *got = kp_op_token(kp_op_parse(p, pl, NULL, NULL, NULL, NULL));
	if (strcmp(got, expect) == 0)
		return 1;
	snprintf(why, n, "got '%s'", got);
	return 0;
}
