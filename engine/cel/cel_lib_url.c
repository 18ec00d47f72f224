/* cel/cel_lib_url.c - Kubernetes' URL library (kubernetes/apiserver
 * pkg/cel/library/urls.go): url(s) and isURL(s) as Go's
 * url.ParseRequestURI (an absolute URI or an absolute path), u.getScheme()
 * getHost() getHostname() getPort() getEscapedPath() getQuery(). */
#include "cel/cel_int.h"

#include <ctype.h>
#include <stdlib.h>

typedef struct urlval {
	cel_opaque h;
	cel_val scheme, host, path, query, text;
} urlval;

static bool url_equal(const cel_opaque *a, const cel_opaque *b)
{
	return cel_equal(((const urlval *)a)->text, ((const urlval *)b)->text);
}

static cel_val url_str(cel_ctx *c, const cel_opaque *v)
{
	(void)c;
	return ((const urlval *)v)->text;
}

static const cel_opaque_type url_type = {"kubernetes.URL", url_equal, url_str, NULL};

static bool bad_escapes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '%' && (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
				    !isxdigit((unsigned char)s[i + 2])))
			return true;
	return false;
}

/* NULL on success, else why. */
static const char *parse(const char *s, size_t n, urlval *u)
{
	size_t p = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "invalid control character in URL";
	if (n == 0)
		return "empty url";
	u->scheme = cel_str("", 0);
	u->host = cel_str("", 0);
	u->query = cel_str("", 0);
	if (isalpha((unsigned char)s[0])) {
		size_t i = 1;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
			i++;
		if (i < n && s[i] == ':') {
			u->scheme = cel_str(s, i);
			p = i + 1;
		}
	}
	if (!u->scheme.u.s.n && s[0] != '/')
		return "invalid URI for request";
	size_t qpos = p;
	while (qpos < n && s[qpos] != '?')
		qpos++;
	if (qpos < n)
		u->query = cel_str(s + qpos + 1, n - qpos - 1);
	size_t end = qpos;
	if (p + 1 < end && s[p] == '/' && s[p + 1] == '/') {
		size_t h = p + 2, he = h;
		while (he < end && s[he] != '/')
			he++;
		const char *at = NULL;
		for (size_t i = h; i < he; i++)
			if (s[i] == '@')
				at = s + i;
		if (at)
			h = (size_t)(at - s) + 1;
		for (size_t i = h; i < he; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (!(isalnum(ch) || strchr("-._~!$&'()*+,;=:[]%", ch)))
				return "invalid character in host name";
		}
		u->host = cel_str(s + h, he - h);
		p = he;
	} else if (u->scheme.u.s.n && (p >= end || s[p] != '/')) {
		/* opaque URI ("mailto:x"): no path in ParseRequestURI terms */
	}
	u->path = cel_str(s + p, end - p);
	if (bad_escapes(s + p, end - p) || bad_escapes(u->query.u.s.p, u->query.u.s.n))
		return "invalid URL escape";
	u->text = cel_str(s, n);
	return NULL;
}

static cel_val fn_url(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "url");
	urlval *u = kp_arena_alloc(c->a, sizeof *u);
	u->h.t = &url_type;
	const char *why = parse(a[0].u.s.p, a[0].u.s.n, u);
	if (why)
		return cel_err(c, "URL parse error during conversion from string: parse \"%.*s\": %s",
			       (int)a[0].u.s.n, a[0].u.s.p, why);
	return cel_opaque_val(&u->h);
}

const char *cel_url_check(const char *s, size_t n)
{
	urlval u;
	return parse(s, n, &u);
}

static cel_val fn_is_url(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "isURL");
	urlval u;
	return cel_bool(parse(a[0].u.s.p, a[0].u.s.n, &u) == NULL);
}

#define URECV(fn) \
	if (!cel_is_opaque(a[0], &url_type)) \
		return cel_no_overload(c, fn); \
	const urlval *u = (const urlval *)a[0].u.op

static cel_val fn_scheme(cel_ctx *c, cel_val *a, size_t n) { (void)n; URECV("getScheme"); return u->scheme; }
static cel_val fn_host(cel_ctx *c, cel_val *a, size_t n) { (void)n; URECV("getHost"); return u->host; }
static cel_val fn_path(cel_ctx *c, cel_val *a, size_t n) { (void)n; URECV("getEscapedPath"); return u->path; }

/* Host without port; IPv6 literals without brackets (Go Hostname). */
static cel_val fn_hostname(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	URECV("getHostname");
	const char *h = u->host.u.s.p;
	size_t hn = u->host.u.s.n;
	if (hn && h[0] == '[') {
		const char *e = memchr(h, ']', hn);
		return e ? cel_str(h + 1, (size_t)(e - h - 1)) : cel_str(h + 1, hn - 1);
	}
	const char *colon = memchr(h, ':', hn);
	return cel_str(h, colon ? (size_t)(colon - h) : hn);
}

static cel_val fn_port(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	URECV("getPort");
	const char *h = u->host.u.s.p;
	size_t hn = u->host.u.s.n, i = hn;
	while (i > 0 && isdigit((unsigned char)h[i - 1]))
		i--;
	if (i > 0 && h[i - 1] == ':' && (h[0] != '[' || (i >= 2 && h[i - 2] == ']')))
		return cel_str(h + i, hn - i);
	return cel_str("", 0);
}

static char *unescape(cel_ctx *c, const char *s, size_t n, size_t *out)
{
	char *o = kp_arena_alloc(c->a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			o[k++] = ' ';
		else if (s[i] == '%' && i + 2 < n + 0 && isxdigit((unsigned char)s[i + 1]) &&
			 isxdigit((unsigned char)s[i + 2])) {
			char hx[3] = {s[i + 1], s[i + 2], 0};
			o[k++] = (char)strtol(hx, NULL, 16);
			i += 2;
		} else
			o[k++] = s[i];
	}
	*out = k;
	return o;
}

/* getQuery(): map(string, list(string)) as url.Values; pairs with ';'
 * are dropped, as Go's Query() does. */
static cel_val fn_query(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	URECV("getQuery");
	const char *q = u->query.u.s.p;
	size_t qn = u->query.u.s.n;
	cel_val m = cel_map_new(c, qn / 2 + 1);
	cel_map *mm = (cel_map *)m.u.m;
	cel_vec *lists = kp_arena_alloc(c->a, (qn / 2 + 1) * sizeof *lists);
	for (size_t i = 0; i < qn;) {
		size_t e = i;
		while (e < qn && q[e] != '&')
			e++;
		if (e > i && !memchr(q + i, ';', e - i)) {
			const char *eq = memchr(q + i, '=', e - i);
			size_t kl, vl;
			char *k = unescape(c, q + i, eq ? (size_t)(eq - (q + i)) : e - i, &kl);
			char *v = eq ? unescape(c, eq + 1, (size_t)(q + e - eq - 1), &vl) : "";
			if (!eq)
				vl = 0;
			cel_val key = cel_str(k, kl), old;
			size_t slot = mm->n;
			for (size_t j = 0; j < mm->n; j++)
				if (cel_equal(mm->keys[j], key))
					slot = j;
			if (slot == mm->n) {
				mm->keys[mm->n++] = key;
				lists[slot] = (cel_vec){0};
			}
			cel_vec_push(c, &lists[slot], cel_str(v, vl));
			(void)old;
		}
		i = e + 1;
	}
	for (size_t j = 0; j < mm->n; j++)
		mm->vals[j] = cel_vec_list(c, &lists[j]);
	return m;
}

const cel_builtin cel_lib_url[] = {
	{"url", 1, 1, 1, fn_url},
	{"isURL", 1, 1, 1, fn_is_url},
	{"getScheme", 2, 1, 1, fn_scheme},
	{"getHost", 2, 1, 1, fn_host},
	{"getHostname", 2, 1, 1, fn_hostname},
	{"getPort", 2, 1, 1, fn_port},
	{"getEscapedPath", 2, 1, 1, fn_path},
	{"getQuery", 2, 1, 1, fn_query},
	{NULL, 0, 0, 0, NULL}
};
