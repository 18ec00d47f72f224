/* cel/cel_lib_kyverno_user.c - Kyverno's user library (kyverno/sdk
 * extensions/cel/libs/user): parseServiceAccount(s) and, since library
 * 1.18, user.parseServiceAccount(s).  "system:serviceaccount:NS:NAME"
 * gives {Namespace: NS, Name: NAME} (NAME keeps any further ':'); any
 * other user name gives both empty.
 *
 * Kyverno returns a Go struct (user.ServiceAccount) through cel-go's
 * native types, whose CEL fields are the Go names `Name` and `Namespace`;
 * the checker types it so (cel_check.c).  kpolicy's value is a map with
 * those two keys: selection and comparison agree; has(sa.Name) is true
 * even when Name is empty (cel-go: false for a zero field) and type(sa)
 * is map. */
#include "cel/cel_int.h"

static cel_val parse_sa(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "parseServiceAccount");
	static const char prefix[] = "system:serviceaccount:";
	const size_t pl = sizeof prefix - 1;
	const char *s = a[0].u.s.p;
	size_t len = a[0].u.s.n;
	cel_val ns = cel_str("", 0), name = cel_str("", 0);
	if (len >= pl && !memcmp(s, prefix, pl)) {
		const char *rest = s + pl, *sep = memchr(rest, ':', len - pl);
		if (sep) {
			ns = cel_str(rest, (size_t)(sep - rest));
			name = cel_str(sep + 1, (size_t)(s + len - sep - 1));
		}
	}
	cel_val m = cel_map_new(c, 2);
	cel_map *mm = (cel_map *)m.u.m;
	mm->keys[0] = cel_str("Name", 4);
	mm->vals[0] = name;
	mm->keys[1] = cel_str("Namespace", 9);
	mm->vals[1] = ns;
	mm->n = 2;
	return m;
}

const cel_builtin cel_lib_kyverno_user[] = {
	{"parseServiceAccount", 1 | CEL_FN_KYVERNO, 1, 1, parse_sa},
	{"user.parseServiceAccount", 1 | CEL_FN_KYVERNO, 1, 1, parse_sa},
	{NULL, 0, 0, 0, NULL}
};
