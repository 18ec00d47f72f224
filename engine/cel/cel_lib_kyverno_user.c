/* cel/cel_lib_kyverno_user.c - Kyverno's user library (kyverno/sdk
 * extensions/cel/libs/user): parseServiceAccount(s) and, since library
 * 1.18, user.parseServiceAccount(s).  "system:serviceaccount:NS:NAME"
 * gives {Namespace: NS, Name: NAME} (NAME keeps any further ':'); any
 * other user name gives both empty.
 *
 * Kyverno returns a Go struct (user.ServiceAccount) through cel-go's
 * native types: a value of type user.ServiceAccount whose CEL fields are
 * the Go names `Name` and `Namespace` (both always selectable; has() true
 * when not empty), equal when both fields are, with no string form; the
 * checker types it so (cel_check.c).  json.marshal writes its JSON tags
 * (cel_lib_kyverno_json.c). */
#include "cel/cel_int.h"

typedef struct service_account {
	cel_opaque h;
	cel_val name, ns;
} service_account;

static bool sa_equal(const cel_opaque *a, const cel_opaque *b)
{
	const service_account *x = (const service_account *)a, *y = (const service_account *)b;
	return cel_equal(x->name, y->name) && cel_equal(x->ns, y->ns);
}

static const cel_opaque_type sa_type = {"user.ServiceAccount", sa_equal, NULL, NULL};

bool cel_struct_field(cel_val v, const char *name, size_t n, cel_val *out, bool *set)
{
	if (!cel_is_opaque(v, &sa_type))
		return false;
	const service_account *sa = (const service_account *)v.u.op;
	if (n == 4 && !memcmp(name, "Name", 4))
		*out = sa->name;
	else if (n == 9 && !memcmp(name, "Namespace", 9))
		*out = sa->ns;
	else
		return false;
	*set = out->u.s.n > 0;
	return true;
}

static cel_val parse_sa(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "parseServiceAccount");
	static const char prefix[] = "system:serviceaccount:";
	const size_t pl = sizeof prefix - 1;
	const char *s = a[0].u.s.p;
	size_t len = a[0].u.s.n;
	service_account *sa = kp_arena_alloc(c->a, sizeof *sa);
	sa->h.t = &sa_type;
	sa->name = sa->ns = cel_str("", 0);
	if (len >= pl && !memcmp(s, prefix, pl)) {
		const char *rest = s + pl, *sep = memchr(rest, ':', len - pl);
		if (sep) {
			sa->ns = cel_str(rest, (size_t)(sep - rest));
			sa->name = cel_str(sep + 1, (size_t)(s + len - sep - 1));
		}
	}
	return cel_opaque_val(&sa->h);
}

const cel_builtin cel_lib_kyverno_user[] = {
	{"parseServiceAccount", 1 | CEL_FN_KYVERNO, 1, 1, parse_sa},
	{"user.parseServiceAccount", 1 | CEL_FN_KYVERNO, 1, 1, parse_sa},
	{NULL, 0, 0, 0, NULL}
};
