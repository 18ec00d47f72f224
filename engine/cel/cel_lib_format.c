/* cel/cel_lib_format.c - Kubernetes' format library (kubernetes/apiserver
 * pkg/cel/library/format.go, K8s 1.31): format.named(name) ->
 * optional(Format), format.dns1123Label() and the other named formats,
 * f.validate(s) -> optional(list(string)) (none when valid).  Messages are
 * those of k8s.io/apimachinery/pkg/util/validation. */
#include "cel/cel_int.h"

#include <ctype.h>
#include <stdio.h>

typedef struct fmtdef {
	const char *name;        /* CEL name: format.<name>() */
	int (*check)(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix);
	bool prefix;             /* the *Prefix variants: a trailing '-' is fine */
} fmtdef;

typedef struct fmtval { cel_opaque h; const fmtdef *def; } fmtval;

static bool fmt_equal(const cel_opaque *a, const cel_opaque *b)
{
	return ((const fmtval *)a)->def == ((const fmtval *)b)->def;
}

static const cel_opaque_type format_type = {"kubernetes.NamedFormat", fmt_equal, NULL, NULL};

static void add(cel_ctx *c, cel_vec *errs, const char *msg)
{
	cel_vec_push(c, errs, cel_str(msg, strlen(msg)));
}

/* apimachinery RegexError: msg (e.g. 'a',  or 'b', regex used for
 * validation is 'fmt') - the double space is Kubernetes'. */
static const char *regex_error(cel_ctx *c, const char *msg, const char *fmt,
			       const char *const *ex)
{
	kp_buf b;
	kp_buf_init(&b, c->a);
	kp_buf_puts(&b, msg);
	kp_buf_puts(&b, " (e.g. ");
	for (int i = 0; ex[i]; i++) {
		if (i)
			kp_buf_puts(&b, " or ");
		kp_buf_printf(&b, "'%s', ", ex[i]);
	}
	kp_buf_printf(&b, "regex used for validation is '%s')", fmt);
	return kp_buf_str(&b);
}

static bool alnum_lower(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); }

static bool is_label1123(const char *s, size_t n)
{
	if (!n || !alnum_lower(s[0]) || !alnum_lower(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool is_subdomain(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t e = i;
		while (e < n && s[e] != '.')
			e++;
		if (!is_label1123(s + i, e - i))
			return false;
		if (e == n)
			return true;
		i = e + 1;
	}
}

static bool is_label1035(const char *s, size_t n)
{
	return n && s[0] >= 'a' && s[0] <= 'z' && is_label1123(s, n);
}

static bool qname_char(char ch) { return isalnum((unsigned char)ch); }

static bool is_qname(const char *s, size_t n)
{
	if (!n || !qname_char(s[0]) || !qname_char(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!qname_char(s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

/* The *Prefix formats validate with a trailing '-' masked (maskTrailingDash). */
static const char *masked(cel_ctx *c, const char *s, size_t n, bool prefix)
{
	char *m = kp_arena_strndup(c->a, s, n);
	if (prefix && n > 1 && m[n - 1] == '-')
		m[n - 1] = 'a';
	return m;
}

#define LABEL1123_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"

static int dns1123_label(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	s = masked(c, s, n, prefix);
	static const char *const ex[] = {"my-name", "123-abc", NULL};
	if (n > 63)
		add(c, errs, "must be no more than 63 characters");
	if (!is_label1123(s, n)) {
		if (is_subdomain(s, n))
			add(c, errs, "must not contain dots");
		else
			add(c, errs, regex_error(c, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
						 LABEL1123_FMT, ex));
	}
	return 0;
}

static int dns1123_subdomain(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	s = masked(c, s, n, prefix);
	static const char *const ex[] = {"example.com", NULL};
	if (n > 253)
		add(c, errs, "must be no more than 253 characters");
	if (!is_subdomain(s, n))
		add(c, errs, regex_error(c, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
					 LABEL1123_FMT "(\\." LABEL1123_FMT ")*", ex));
	return 0;
}

static int dns1035_label(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	s = masked(c, s, n, prefix);
	static const char *const ex[] = {"my-name", "abc-123", NULL};
	if (n > 63)
		add(c, errs, "must be no more than 63 characters");
	if (!is_label1035(s, n))
		add(c, errs, regex_error(c, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
					 "[a-z]([-a-z0-9]*[a-z0-9])?", ex));
	return 0;
}

#define QNAME_MSG "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

static int qualified_name(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	static const char *const ex[] = {"MyName", "my.name", "123-abc", NULL};
	const char *slash = memchr(s, '/', n);
	const char *name = s;
	size_t nn = n;
	if (slash) {
		if (memchr(slash + 1, '/', n - (size_t)(slash + 1 - s))) {
			const char *m = kp_arena_printf(c->a, "a qualified name %s with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
							regex_error(c, QNAME_MSG, QNAME_FMT, ex));
			add(c, errs, m);
			return 0;
		}
		size_t pn = (size_t)(slash - s);
		if (pn == 0) {
			add(c, errs, "prefix part must be non-empty");
		} else {
			cel_vec sub = {0};
			dns1123_subdomain(c, &sub, s, pn, false);
			for (size_t i = 0; i < sub.n; i++)
				add(c, errs, kp_arena_printf(c->a, "prefix part %s", sub.v[i].u.s.p));
		}
		name = slash + 1;
		nn = n - pn - 1;
	}
	if (nn == 0)
		add(c, errs, "name part must be non-empty");
	else if (nn > 63)
		add(c, errs, "name part must be no more than 63 characters");
	if (!is_qname(name, nn))
		add(c, errs, kp_arena_printf(c->a, "name part %s", regex_error(c, QNAME_MSG, QNAME_FMT, ex)));
	return 0;
}

static int label_value(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	static const char *const ex[] = {"MyValue", "my_value", "12345", NULL};
	if (n > 63)
		add(c, errs, "must be no more than 63 characters");
	if (n && !is_qname(s, n))
		add(c, errs, regex_error(c, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
					 "(" QNAME_FMT ")?", ex));
	return 0;
}

static int uri(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	const char *why = cel_url_check(s, n);
	if (why)
		add(c, errs, kp_arena_printf(c->a, "parse \"%.*s\": %s", (int)n, s, why));
	return 0;
}

static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int uuid(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	bool ok = (n == 32 && hex_run(s, 32)) ||
		  (n == 36 && hex_run(s, 8) && s[8] == '-' && hex_run(s + 9, 4) && s[13] == '-' &&
		   hex_run(s + 14, 4) && s[18] == '-' && hex_run(s + 19, 4) && s[23] == '-' &&
		   hex_run(s + 24, 12));
	if (!ok)
		add(c, errs, "does not match the UUID format");
	return 0;
}

static int byte_fmt(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	const cel_builtin *dec = cel_lookup_fn("base64.decode", false, 1);
	cel_val arg = cel_str(s, n);
	/* strfmt uses StdEncoding strictly (padding required) */
	if (n % 4 || cel_is_err(dec->fn(c, &arg, 1)))
		add(c, errs, "invalid base64");
	return 0;
}

static int date(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	char buf[40];
	bool ok = n == 10;
	if (ok) {
		snprintf(buf, sizeof buf, "%.10sT00:00:00Z", s);
		ok = !cel_is_err(cel_parse_timestamp(c, buf, strlen(buf)));
	}
	if (!ok)
		add(c, errs, "invalid date");
	return 0;
}

static int datetime(cel_ctx *c, cel_vec *errs, const char *s, size_t n, bool prefix)
{
	(void)prefix;
	if (cel_is_err(cel_parse_timestamp(c, s, n)))
		add(c, errs, "invalid datetime");
	return 0;
}

static const fmtdef formats[] = {
	{"dns1123Label", dns1123_label, false},
	{"dns1123Subdomain", dns1123_subdomain, false},
	{"dns1035Label", dns1035_label, false},
	{"qualifiedName", qualified_name, false},
	{"dns1123LabelPrefix", dns1123_label, true},
	{"dns1123SubdomainPrefix", dns1123_subdomain, true},
	{"dns1035LabelPrefix", dns1035_label, true},
	{"labelValue", label_value, false},
	{"uri", uri, false},
	{"uuid", uuid, false},
	{"byte", byte_fmt, false},
	{"date", date, false},
	{"datetime", datetime, false},
	{NULL, NULL, false}
};

static cel_val mkfmt(cel_ctx *c, const fmtdef *d)
{
	fmtval *f = kp_arena_alloc(c->a, sizeof *f);
	f->h.t = &format_type;
	f->def = d;
	return cel_opaque_val(&f->h);
}

static cel_val fn_named(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "format.named");
	for (const fmtdef *d = formats; d->name; d++)
		if (strlen(d->name) == a[0].u.s.n && !memcmp(d->name, a[0].u.s.p, a[0].u.s.n)) {
			cel_val f = mkfmt(c, d);
			return cel_optional(c, &f);
		}
	return cel_optional(c, NULL);
}

static cel_val fn_validate(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!cel_is_opaque(a[0], &format_type) || a[1].kind != CEL_STRING)
		return cel_no_overload(c, "validate");
	const fmtdef *d = ((const fmtval *)a[0].u.op)->def;
	cel_vec errs = {0};
	d->check(c, &errs, a[1].u.s.p, a[1].u.s.n, d->prefix);
	if (!errs.n)
		return cel_optional(c, NULL);
	cel_val l = cel_vec_list(c, &errs);
	return cel_optional(c, &l);
}

#define CONST_FORMAT(fn, idx) \
	static cel_val fn(cel_ctx *c, cel_val *a, size_t n) { (void)a; (void)n; return mkfmt(c, &formats[idx]); }
CONST_FORMAT(f_label, 0)
CONST_FORMAT(f_subdomain, 1)
CONST_FORMAT(f_label1035, 2)
CONST_FORMAT(f_qname, 3)
CONST_FORMAT(f_label_prefix, 4)
CONST_FORMAT(f_subdomain_prefix, 5)
CONST_FORMAT(f_label1035_prefix, 6)
CONST_FORMAT(f_label_value, 7)
CONST_FORMAT(f_uri, 8)
CONST_FORMAT(f_uuid, 9)
CONST_FORMAT(f_byte, 10)
CONST_FORMAT(f_date, 11)
CONST_FORMAT(f_datetime, 12)

const cel_builtin cel_lib_format[] = {
	{"format.named", 1, 1, 1, fn_named},
	{"validate", 2, 2, 2, fn_validate},
	{"format.dns1123Label", 1, 0, 0, f_label},
	{"format.dns1123Subdomain", 1, 0, 0, f_subdomain},
	{"format.dns1035Label", 1, 0, 0, f_label1035},
	{"format.qualifiedName", 1, 0, 0, f_qname},
	{"format.dns1123LabelPrefix", 1, 0, 0, f_label_prefix},
	{"format.dns1123SubdomainPrefix", 1, 0, 0, f_subdomain_prefix},
	{"format.dns1035LabelPrefix", 1, 0, 0, f_label1035_prefix},
	{"format.labelValue", 1, 0, 0, f_label_value},
	{"format.uri", 1, 0, 0, f_uri},
	{"format.uuid", 1, 0, 0, f_uuid},
	{"format.byte", 1, 0, 0, f_byte},
	{"format.date", 1, 0, 0, f_date},
	{"format.datetime", 1, 0, 0, f_datetime},
	{NULL, 0, 0, 0, NULL}
};
