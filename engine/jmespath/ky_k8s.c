/* ky_k8s.c - semver_compare (blang/semver v4 ranges), image_normalize
 * (k8s/image_ref.c) and is_external_url (IP literals only: host names need
 * DNS, which we do not do). */
#include "jmespath/ky_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

static bool split_cv(const sv_part *p, sv_part *op, sv_part *ver);

/* One comparator "<op><version>" against v; -1 when blang rejects it. */
static int comparator(const sv_part *p, const kp_semver *v)
{
	sv_part op, ver;
	kp_semver r;
	if (!split_cv(p, &op, &ver) || (op.n && op_len(op.s, op.n) != op.n) ||
	    !kp_semver_parse(ver.s, ver.n, &r))
		return -1;
	int cmp = kp_semver_cmp(v, &r);
	const char *o = op.s;
	size_t ol = op.n;
	if (ol == 0 || o[0] == '=')
		return cmp == 0;
	if (o[0] == '!')
		return cmp != 0;
	if (o[0] == '>')
		return ol == 2 ? cmp >= 0 : cmp > 0;
	return ol == 2 ? cmp <= 0 : cmp < 0;
}

/* blang's splitComparatorVersion: the operator is everything before the
 * first digit. */
static bool split_cv(const sv_part *p, sv_part *op, sv_part *ver)
{
	size_t i = 0;
	while (i < p->n && !(p->s[i] >= '0' && p->s[i] <= '9'))
		i++;
	if (i == p->n)
		return false;
	*op = (sv_part){p->s, i};
	*ver = (sv_part){p->s + i, p->n - i};
	return true;
}

/* Replace the first `from` in s by `to` (strings.Replace(s, from, to, 1)). */
static char *replace1(kp_jp_call *c, const char *s, const char *from, const char *to)
{
	const char *f = strstr(s, from);
	if (!f)
		return (char *)s;
	return kp_arena_printf(c->arena, "%.*s%s%s", (int)(f - s), s, to, f + strlen(from));
}

/* strconv.Atoi(part k of v) + 1 written back (blang's increment*Version);
 * NULL when the part is not a number. */
static const char *increment(kp_jp_call *c, const char *v, int k)
{
	const char *start = v;
	for (int i = 0; i < k && start; i++) {
		start = strchr(start, '.');
		if (start)
			start++;
	}
	if (!start)
		return NULL;
	const char *end = strchr(start, '.');
	size_t len = end ? (size_t)(end - start) : strlen(start);
	long x = 0;
	if (len == 0 || len > 9)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (start[i] < '0' || start[i] > '9')
			return NULL;
		x = x * 10 + (start[i] - '0');
	}
	return kp_arena_printf(c->arena, "%.*s%ld%s", (int)(start - v), v, x + 1, end ? end : "");
}

/* blang's expandWildcardVersion for one comparator containing an 'x':
 * one or two comparators into out, or -1 when blang fails. */
static int expand_x(kp_jp_call *c, const sv_part *p, sv_part *out)
{
	sv_part op, ver;
	if (!split_cv(p, &op, &ver))
		return -1;
	char *v = kp_arena_printf(c->arena, "%.*s", (int)ver.n, ver.s);
	/* getWildcardType: the last dot-separated part is "x"; 1, 2 or 3 parts
	 * make a major, minor or patch wildcard */
	int nparts = 1;
	for (const char *q = v; *q; q++)
		nparts += *q == '.';
	const char *last = strrchr(v, '.');
	last = last ? last + 1 : v;
	int type = strcmp(last, "x") == 0 && nparts <= 3 ? nparts : 0;
	/* createVersionFromWildcard */
	char *flat = replace1(c, replace1(c, v, ".x.x", ".x"), ".x", ".0");
	int fparts = 1;
	for (const char *q = flat; *q; q++)
		fparts += *q == '.';
	if (fparts == 2)
		flat = kp_arena_printf(c->arena, "%s.0", flat);
	const char *o = op.s;
	size_t ol = op.n;
	const char *res_op = "";
	bool incr = false;
	int k = 0;
	if (ol == 1 && o[0] == '>') {
		res_op = ">=";
		incr = true;
	} else if (ol == 2 && !memcmp(o, ">=", 2)) {
		res_op = ">=";
	} else if (ol == 1 && o[0] == '<') {
		res_op = "<";
	} else if (ol == 2 && !memcmp(o, "<=", 2)) {
		res_op = "<";
		incr = true;
	} else if (ol == 0 || (ol == 1 && o[0] == '=') || (ol == 2 && !memcmp(o, "==", 2))) {
		out[k++] = (sv_part){kp_arena_printf(c->arena, ">=%s", flat), 0};
		res_op = "<";
		incr = true;
	} else if ((ol == 1 && o[0] == '!') || (ol == 2 && !memcmp(o, "!=", 2))) {
		out[k++] = (sv_part){kp_arena_printf(c->arena, "<%s", flat), 0};
		res_op = ">=";
		incr = true;
	} else {
		return -1;   /* blang: no such comparator */
	}
	const char *res = flat;
	if (incr)
		res = type == 3 ? increment(c, flat, 1) : type == 2 ? increment(c, flat, 0) : "";
	if (!res)
		return -1;
	out[k++] = (sv_part){kp_arena_printf(c->arena, "%s%s", res_op, res), 0};
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
	/* Go's resolver answers "localhost" from /etc/hosts: loopback */
	if (strcasecmp(host, "localhost") == 0) {
		*out = kp_jp_bool(false);
		return 0;
	}
	return ky_unsupported(c, "a host name needs a DNS lookup");
}
