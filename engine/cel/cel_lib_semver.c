/* cel/cel_lib_semver.c - Kubernetes' semver library (kubernetes/apiserver
 * pkg/cel/library/semverlib.go, K8s 1.33; parsing as blang/semver/v4):
 * semver(s[, normalize]) isSemver(s[, normalize]) v.major() minor()
 * patch(); isLessThan/isGreaterThan/compareTo through the shared ordered
 * comparisons.  normalize accepts a leading "v", missing minor/patch and
 * leading zeros, as Kubernetes' normalizeAndParse does.  Parsing and
 * precedence are the engine's (k8s/k8s.h kp_semver). */
#include "cel/cel_int.h"
#include "k8s/k8s.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct semver {
	cel_opaque h;
	kp_semver v;          /* pre points into text */
	const char *text;     /* the (normalized) version text */
} semver;

static int sv_compare(const cel_opaque *x, const cel_opaque *y)
{
	return kp_semver_cmp(&((const semver *)x)->v, &((const semver *)y)->v);
}

static bool sv_equal(const cel_opaque *x, const cel_opaque *y) { return sv_compare(x, y) == 0; }

static cel_val sv_str(cel_ctx *c, const cel_opaque *v)
{
	(void)c;
	const semver *s = (const semver *)v;
	return cel_str(s->text, strlen(s->text));
}

static const cel_opaque_type semver_type = {"kubernetes.Semver", sv_equal, sv_str, sv_compare};

/* Kubernetes' normalizeAndParse: a leading "v" dropped, missing minor and
 * patch added as 0, leading zeros of the three numbers dropped. */
static char *normalized(cel_ctx *c, const char *s, size_t n)
{
	if (n && s[0] == 'v') {
		s++;
		n--;
	}
	size_t core = 0;
	while (core < n && s[core] != '-' && s[core] != '+')
		core++;
	kp_buf b;
	kp_buf_init(&b, c->a);
	size_t i = 0, e = 0;
	int parts = 0;
	while (parts < 3) {
		e = i;
		while (e < core && s[e] != '.')
			e++;
		size_t st = i;
		while (e - st > 1 && s[st] == '0')
			st++;
		if (parts)
			kp_buf_add(&b, ".", 1);
		kp_buf_add(&b, s + st, e - st);
		parts++;
		if (e >= core)
			break;
		i = e + 1;
	}
	if (e < core)   /* more than three numbers: kept for Parse to reject */
		kp_buf_add(&b, s + e, core - e);
	for (; parts < 3; parts++)
		kp_buf_add(&b, ".0", 2);
	kp_buf_add(&b, s + core, n - core);
	return (char *)kp_buf_str(&b);
}

/* Parse into *out; false as blang/semver rejects. */
static bool parse(cel_ctx *c, const char *s, size_t n, bool normalize, semver *out)
{
	char *t = normalize ? normalized(c, s, n) : kp_arena_strndup(c->a, s, n);
	out->text = t;
	return kp_semver_parse(t, strlen(t), &out->v);
}

static cel_val fn_semver(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || (n == 2 && a[1].kind != CEL_BOOL))
		return cel_no_overload(c, "semver");
	semver *v = kp_arena_alloc(c->a, sizeof *v);
	v->h.t = &semver_type;
	if (!parse(c, a[0].u.s.p, a[0].u.s.n, n == 2 && a[1].u.b, v))
		return cel_err(c, "string '%.*s' cannot be converted to Semver",
			       (int)a[0].u.s.n, a[0].u.s.p);
	return cel_opaque_val(&v->h);
}

static cel_val fn_is_semver(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || (n == 2 && a[1].kind != CEL_BOOL))
		return cel_no_overload(c, "isSemver");
	semver v;
	return cel_bool(parse(c, a[0].u.s.p, a[0].u.s.n, n == 2 && a[1].u.b, &v));
}

static cel_val part(cel_ctx *c, cel_val *a, int k, const char *fn)
{
	if (!cel_is_opaque(a[0], &semver_type))
		return cel_no_overload(c, fn);
	const kp_semver *v = &((const semver *)a[0].u.op)->v;
	uint64_t x = k == 0 ? v->major : k == 1 ? v->minor : v->patch;
	if (x > INT64_MAX)
		return cel_err(c, "%s out of range", fn);
	return cel_int((int64_t)x);
}
static cel_val fn_major(cel_ctx *c, cel_val *a, size_t n) { (void)n; return part(c, a, 0, "major"); }
static cel_val fn_minor(cel_ctx *c, cel_val *a, size_t n) { (void)n; return part(c, a, 1, "minor"); }
static cel_val fn_patch(cel_ctx *c, cel_val *a, size_t n) { (void)n; return part(c, a, 2, "patch"); }

const cel_builtin cel_lib_semver[] = {
	{"semver", 1, 1, 2, fn_semver},
	{"isSemver", 1, 1, 2, fn_is_semver},
	{"major", 2, 1, 1, fn_major},
	{"minor", 2, 1, 1, fn_minor},
	{"patch", 2, 1, 1, fn_patch},
	{NULL, 0, 0, 0, NULL}
};
