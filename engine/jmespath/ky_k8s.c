/* ky_k8s.c - semver_compare (blang/semver v4 ranges), image_normalize
 * (k8s/image_ref.c) and is_external_url (IP literals only: host names need
 * DNS, which we do not do). */
#include "jmespath/ky_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- semver ranges ---------------------------------------------------- */

typedef struct sv_part { const char *s; size_t n; } sv_part;

/* blang's splitAndTrim: split at spaces not preceded by > < =, drop items
 * of one byte or less, remove the remaining spaces. */
static size_t split_trim(kp_jp_call *c, const char *s, size_t n, sv_part *out, size_t max)
{
	size_t k = 0, last = 0;
	char lastc = 0;
	for (size_t i = 0; i <= n && k < max; i++) {
		bool end = i == n;
		if (!end && s[i] == ' ' && !(lastc == '>' || lastc == '<' || lastc == '=')) {
			if (last + 1 < i)
				out[k++] = (sv_part){s + last, i - last};
			last = i + 1;
		} else if (!end && s[i] != ' ') {
			lastc = s[i];
		}
		if (end && last + 1 < n)
			out[k++] = (sv_part){s + last, n - last};
	}
	for (size_t i = 0; i < k; i++) {
		char *t = kp_arena_alloc(c->arena, out[i].n + 1);
		size_t w = 0;
		for (size_t j = 0; j < out[i].n; j++)
			if (out[i].s[j] != ' ')
				t[w++] = out[i].s[j];
		out[i] = (sv_part){t, w};
	}
	return k;
}

static size_t op_len(const char *s, size_t n)
{
	static const char *ops[] = {">=", "<=", "!=", "==", ">", "<", "=", "!"};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		size_t l = strlen(ops[i]);
		if (n >= l && !memcmp(s, ops[i], l))
			return l;
	}
	return 0;
}

/* One comparator "<op><version>" against v; -1 on an invalid version. */
static int comparator(const sv_part *p, const kp_semver *v)
{
	size_t ol = op_len(p->s, p->n);
	kp_semver r;
	if (!kp_semver_parse(p->s + ol, p->n - ol, &r))
		return -1;
	int cmp = kp_semver_cmp(v, &r);
	const char *o = p->s;
	if (ol == 0 || (ol == 1 && o[0] == '=') || (ol == 2 && o[0] == '='))
		return cmp == 0;
	if (o[0] == '!')
		return cmp != 0;
	if (o[0] == '>')
		return ol == 2 ? cmp >= 0 : cmp > 0;
	return ol == 2 ? cmp <= 0 : cmp < 0;
}

/* expandWildcardVersion for one comparator holding an 'x': up to two
 * comparators written to out. */
static int expand_x(kp_jp_call *c, const sv_part *p, sv_part *out)
{
	size_t ol = op_len(p->s, p->n);
	const char *vs = p->s + ol;
	size_t vn = p->n - ol;
	long parts[3] = {0, 0, 0};
	int np = 0, first_x = -1;
	for (size_t i = 0; i <= vn && np < 4;) {
		size_t j = i;
		while (j < vn && vs[j] != '.')
			j++;
		if (np == 3)
			return -1;
		if (j - i == 1 && vs[i] == 'x') {
			if (first_x < 0)
				first_x = np;
		} else {
			long x = 0;
			if (j == i)
				return -1;
			for (size_t k = i; k < j; k++) {
				if (vs[k] < '0' || vs[k] > '9')
					return -1;
				x = x * 10 + (vs[k] - '0');
			}
			parts[np] = x;
		}
		np++;
		i = j + 1;
	}
	if (first_x < 0)
		return -1;
	char flat[80], inc[80];
	snprintf(flat, sizeof flat, "%ld.%ld.%ld", first_x > 0 ? parts[0] : 0,
		 first_x > 1 ? parts[1] : 0, 0L);
	/* majorWildcard cannot be incremented: an empty version (an error) */
	if (first_x == 2)
		snprintf(inc, sizeof inc, "%ld.%ld.0", parts[0], parts[1] + 1);
	else if (first_x == 1)
		snprintf(inc, sizeof inc, "%ld.0.0", parts[0] + 1);
	else
		inc[0] = 0;
	const char *o = p->s;
	int k = 0;
	const char *op;
	bool incr = false;
	if (ol == 1 && o[0] == '>') {
		op = ">=";
		incr = true;
	} else if (ol == 2 && o[0] == '>') {
		op = ">=";
	} else if (ol == 1 && o[0] == '<') {
		op = "<";
	} else if (ol == 2 && o[0] == '<') {
		op = "<";
		incr = true;
	} else if (o[0] == '!') {
		out[k++] = (sv_part){kp_arena_printf(c->arena, "<%s", flat), 0};
		op = ">=";
		incr = true;
	} else {
		out[k++] = (sv_part){kp_arena_printf(c->arena, ">=%s", flat), 0};
		op = "<";
		incr = true;
	}
	out[k++] = (sv_part){kp_arena_printf(c->arena, "%s%s", op, incr ? inc : flat), 0};
	for (int i = 0; i < k; i++)
		out[i].n = strlen(out[i].s);
	return k;
}

KY_FN(ky_semver_compare)
{
	const kp_value *vv = ARG(0), *rv = ARG(1);
	kp_semver v;
	if (!kp_semver_parse(vv->u.s.ptr, vv->u.s.len, &v))
		v = (kp_semver){0, 0, 0, NULL, 0};   /* Kyverno ignores the parse error */
	sv_part parts[64];
	size_t np = split_trim(c, rv->u.s.ptr, rv->u.s.len, parts, 64);
	if (np == 0 || (np && parts[0].n == 2 && !memcmp(parts[0].s, "||", 2)) ||
	    (parts[np - 1].n == 2 && !memcmp(parts[np - 1].s, "||", 2)))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "Could not get version from string: \"%.*s\"",
				  (int)rv->u.s.len, rv->u.s.ptr);
	bool any = false, all = true;
	for (size_t i = 0; i <= np; i++) {
		if (i == np || (parts[i].n == 2 && !memcmp(parts[i].s, "||", 2))) {
			any = any || all;
			all = true;
			continue;
		}
		sv_part ex[2] = {parts[i]};
		int ne = 1;
		if (memchr(parts[i].s, 'x', parts[i].n) && (ne = expand_x(c, &parts[i], ex)) < 0)
			ne = -1;
		for (int k = 0; k < ne; k++) {
			int r = comparator(&ex[k], &v);
			if (r < 0) {
				ne = -1;
				break;
			}
			all = all && r;
		}
		if (ne < 0)
			return kp_jp_fail(c, KP_JP_E_FUNCTION, "Could not parse Range \"%.*s\"",
					  (int)rv->u.s.len, rv->u.s.ptr);
	}
	*out = kp_jp_bool(any);
	return 0;
}

/* ---- images ----------------------------------------------------------- */

KY_FN(ky_image_normalize)
{
	const kp_value *s = ARG(0);
	kp_image_ref r;
	const char *why;
	if (!kp_image_ref_parse(s->u.s.ptr, s->u.s.len, "docker.io", c->arena, &r, &why))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "bad image: %.*s: %s", (int)s->u.s.len,
				  s->u.s.ptr, why);
	kp_buf b;
	kp_buf_init(&b, c->arena);
	if (r.registry) {
		kp_buf_add(&b, r.registry, r.registry_len);
		kp_buf_add(&b, "/", 1);
	}
	kp_buf_add(&b, r.path, r.path_len);
	if (r.digest) {
		kp_buf_add(&b, "@", 1);
		kp_buf_add(&b, r.digest, r.digest_len);
	} else {
		kp_buf_add(&b, ":", 1);
		kp_buf_add(&b, r.tag, r.tag_len);
	}
	*out = ky_buf_str(c, &b);
	return 0;
}

/* ---- URLs ------------------------------------------------------------- */

static bool v4_internal(const unsigned char *a)
{
	return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
	       (a[0] == 192 && a[1] == 168);
}

/* The host of an absolute URL (after userinfo, without port or brackets). */
static bool url_host(const char *s, size_t n, char *host, size_t hn)
{
	const char *p = memmem(s, n, "://", 3);
	if (!p)
		return false;
	const char *a = p + 3, *end = s + n;
	const char *e = a;
	while (e < end && *e != '/' && *e != '?' && *e != '#')
		e++;
	for (const char *q = a; q < e; q++)
		if (*q == '@')
			a = q + 1;
	const char *h = a, *he;
	if (h < e && *h == '[') {
		he = memchr(h, ']', (size_t)(e - h));
		if (!he)
			return false;
		h++;
	} else {
		he = memchr(h, ':', (size_t)(e - h));
		if (!he)
			he = e;
	}
	if ((size_t)(he - h) >= hn)
		return false;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = 0;
	return true;
}

KY_FN(ky_is_external_url)
{
	const kp_value *s = ARG(0);
	char host[256];
	if (!url_host(s->u.s.ptr, s->u.s.len, host, sizeof host) || !host[0])
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "cannot find a host in \"%.*s\"",
				  (int)(s->u.s.len > 200 ? 200 : s->u.s.len), s->u.s.ptr);
	unsigned char a[16];
	if (inet_pton(AF_INET, host, a) == 1) {
		*out = kp_jp_bool(!v4_internal(a));
		return 0;
	}
	if (inet_pton(AF_INET6, host, a) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
		static const unsigned char loop6[16] = {[15] = 1};
		bool internal = !memcmp(a, mapped, 12) ? v4_internal(a + 12)
				: !memcmp(a, loop6, 16) || (a[0] & 0xFE) == 0xFC;
		*out = kp_jp_bool(!internal);
		return 0;
	}
	return ky_unsupported(c, "a host name needs a DNS lookup");
}
