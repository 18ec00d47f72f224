/* cel/cel_lib_semver.c - Kubernetes' semver library (kubernetes/apiserver
 * pkg/cel/library/semverlib.go, K8s 1.33; parsing as blang/semver/v4):
 * semver(s[, normalize]) isSemver(s[, normalize]) v.major() minor()
 * patch(); isLessThan/isGreaterThan/compareTo through the shared ordered
 * comparisons.  normalize accepts a leading "v", missing minor/patch and
 * leading zeros, as Kubernetes' normalizeAndParse does. */
#include "cel/cel_int.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct semver {
	cel_opaque h;
	uint64_t v[3];
	const char *pre;     /* pre-release identifiers, dot-separated ("" none) */
	size_t pre_n;
	const char *text;    /* canonical text */
} semver;

static bool numeric_id(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool ident_chars(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || ch == '-'))
			return false;
	}
	return true;
}

/* Compare dot-separated pre-release lists (semver 2.0 precedence). */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	if (!an || !bn)
		return an == bn ? 0 : an ? -1 : 1;  /* a release ranks above */
	size_t i = 0, j = 0;
	while (i < an && j < bn) {
		size_t ie = i, je = j;
		while (ie < an && a[ie] != '.')
			ie++;
		while (je < bn && b[je] != '.')
			je++;
		bool na = numeric_id(a + i, ie - i), nb = numeric_id(b + j, je - j);
		int r;
		if (na && nb) {
			size_t la = ie - i, lb = je - j;
			r = la != lb ? (la < lb ? -1 : 1) : memcmp(a + i, b + j, la);
		} else if (na || nb) {
			r = na ? -1 : 1;
		} else {
			r = kp_bytes_cmp(a + i, ie - i, b + j, je - j);
		}
		if (r)
			return r < 0 ? -1 : 1;
		i = ie + 1;
		j = je + 1;
	}
	bool amore = i < an, bmore = j < bn;
	return amore == bmore ? 0 : amore ? 1 : -1;
}

static int sv_compare(const cel_opaque *x, const cel_opaque *y)
{
	const semver *a = (const semver *)x, *b = (const semver *)y;
	for (int k = 0; k < 3; k++)
		if (a->v[k] != b->v[k])
			return a->v[k] < b->v[k] ? -1 : 1;
	return pre_cmp(a->pre, a->pre_n, b->pre, b->pre_n);
}

static bool sv_equal(const cel_opaque *x, const cel_opaque *y) { return sv_compare(x, y) == 0; }

static cel_val sv_str(cel_ctx *c, const cel_opaque *v)
{
	(void)c;
	const semver *s = (const semver *)v;
	return cel_str(s->text, strlen(s->text));
}

static const cel_opaque_type semver_type = {"kubernetes.Semver", sv_equal, sv_str, sv_compare};

/* Parse into *out (arena strings); NULL on success, else the reason. */
static const char *parse(cel_ctx *c, const char *s, size_t n, bool normalize, semver *out)
{
	char buf[512];
	if (n >= sizeof buf)
		return "version too long";
	memcpy(buf, s, n);
	buf[n] = 0;
	char *p = buf;
	if (normalize && *p == 'v')
		p++;
	char *meta = p + strcspn(p, "-+");
	char tail[512];
	snprintf(tail, sizeof tail, "%s", meta);
	*meta = 0;
	/* core: MAJOR.MINOR.PATCH */
	char *parts[3] = {NULL, NULL, NULL};
	int np = 0;
	for (char *q = p; np < 3; np++) {
		parts[np] = q;
		char *dot = strchr(q, '.');
		if (!dot) {
			np++;
			break;
		}
		*dot = 0;
		q = dot + 1;
		if (np == 2)
			return "too many dots";
	}
	if (np < 3 && !normalize)
		return "No Major.Minor.Patch elements found";
	for (int k = 0; k < 3; k++) {
		const char *t = k < np ? parts[k] : "0";
		size_t tl = strlen(t);
		if (!numeric_id(t, tl))
			return "Invalid character(s) found in version number";
		if (normalize)
			while (tl > 1 && *t == '0') {
				t++;
				tl--;
			}
		if (tl > 1 && t[0] == '0')
			return "Version number must not contain leading zeroes";
		if (tl > 19)
			return "version number out of range";
		out->v[k] = strtoull(t, NULL, 10);
	}
	/* pre-release and build */
	char *build = strchr(tail, '+');
	if (build)
		*build++ = 0;
	const char *pre = tail[0] == '-' ? tail + 1 : "";
	if (tail[0] == '-' && !*pre)
		return "Prerelease is empty";
	for (const char *q = pre; *pre;) {
		size_t l = strcspn(q, ".");
		if (!ident_chars(q, l))
			return "Invalid character(s) found in prerelease";
		if (numeric_id(q, l) && l > 1 && q[0] == '0')
			return "Prerelease version must not contain leading zeroes";
		if (!q[l])
			break;
		q += l + 1;
	}
	if (build) {
		for (const char *q = build;;) {
			size_t l = strcspn(q, ".");
			if (!ident_chars(q, l))
				return "Invalid character(s) found in build metadata";
			if (!q[l])
				break;
			q += l + 1;
		}
	}
	out->pre = kp_arena_strdup(c->a, pre);
	out->pre_n = strlen(pre);
	out->text = kp_arena_printf(c->a, "%llu.%llu.%llu%s%s%s%s",
				    (unsigned long long)out->v[0], (unsigned long long)out->v[1],
				    (unsigned long long)out->v[2], *pre ? "-" : "", pre,
				    build ? "+" : "", build ? build : "");
	return NULL;
}

static cel_val fn_semver(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || (n == 2 && a[1].kind != CEL_BOOL))
		return cel_no_overload(c, "semver");
	semver *v = kp_arena_alloc(c->a, sizeof *v);
	v->h.t = &semver_type;
	const char *why = parse(c, a[0].u.s.p, a[0].u.s.n, n == 2 && a[1].u.b, v);
	if (why)
		return cel_err(c, "string '%.*s' cannot be converted to Semver: %s",
			       (int)a[0].u.s.n, a[0].u.s.p, why);
	return cel_opaque_val(&v->h);
}

static cel_val fn_is_semver(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || (n == 2 && a[1].kind != CEL_BOOL))
		return cel_no_overload(c, "isSemver");
	semver v;
	return cel_bool(parse(c, a[0].u.s.p, a[0].u.s.n, n == 2 && a[1].u.b, &v) == NULL);
}

static cel_val part(cel_ctx *c, cel_val *a, int k, const char *fn)
{
	if (!cel_is_opaque(a[0], &semver_type))
		return cel_no_overload(c, fn);
	uint64_t v = ((const semver *)a[0].u.op)->v[k];
	if (v > INT64_MAX)
		return cel_err(c, "%s out of range", fn);
	return cel_int((int64_t)v);
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
