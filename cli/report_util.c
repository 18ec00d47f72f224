/* report_util.c - the format registry and helpers the formats share. */
#include "report.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const kpc_report_ops *const formats[] = {
	&kpc_report_text, &kpc_report_json, &kpc_report_yaml, &kpc_report_sarif,
	&kpc_report_junit, &kpc_report_policyreport, &kpc_report_github, &kpc_report_table,
};

const kpc_report_ops *kpc_report_find(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

const char *kpc_report_names(void)
{
	return "text, json, yaml, sarif, junit, policyreport, github, table";
}

void kpc_resource_path(kp_buf *sb, const kpc_row *row)
{
	kpc_puts(sb, row->namespace);
	KPC_PUT_LIT(sb, "/");
	kpc_puts(sb, row->kind);
	KPC_PUT_LIT(sb, "/");
	kpc_puts(sb, row->name);
}

void kpc_buf_uint(kp_buf *sb, size_t v)
{
	kpc_buf_done(sb, kpc_put_uint(kp_buf_room(sb, 20), v));
}

void kpc_buf_cat(kp_buf *b, ...)
{
	va_list ap;
	va_start(ap, b);
	for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
		kpc_puts(b, s);
	va_end(ap);
}

void kpc_policy_display(kp_buf *sb, const kpc_policy_info *pi)
{
	if (pi->ns) {
		kpc_puts(sb, pi->ns);
		KPC_PUT_LIT(sb, "/");
	}
	kpc_puts(sb, pi->name);
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (!n)
		return 0;
	unsigned c = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

void kpc_xml_escape(kp_buf *sb, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	/* at most 6 bytes out per byte in ("&quot;") */
	char *w = kp_buf_room(sb, 6 * strlen((const char *)p));
	while (*p) {
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"') {
			*w++ = (char)c;   /* printable ASCII that needs nothing */
			p++;
			continue;
		}
		unsigned cp;
		size_t n = utf8_len(p, &cp);
		if (!n || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0xfffe || cp == 0xffff) {
			w = memcpy(w, "\xef\xbf\xbd", 3) + 3;   /* U+FFFD */
			p += n ? n : 1;
			continue;
		}
		const char *e;
		switch (cp) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = attr ? "&quot;" : "\""; break;
		case '\n': e = attr ? "&#10;" : "\n"; break;
		case '\r': e = "&#13;"; break;
		case '\t': e = attr ? "&#9;" : "\t"; break;
		default: e = NULL; break;
		}
		if (e) {
			size_t k = strlen(e);
			w = memcpy(w, e, k) + k;
		} else {
			w = memcpy(w, p, n) + n;
		}
		p += n;
	}
	kpc_buf_done(sb, w);
}

/* The length of s when it can be written plain (letters, digits and
 * "._/-", starting with a letter or '/', not a YAML 1.1 boolean or null),
 * else 0. */
static size_t yaml_plain_len(const char *s)
{
	static const char *const special[] = {"true", "false", "yes", "no", "on", "off",
					       "null", "y", "n", "~"};
	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '/'))
		return 0;
	const char *c = s;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '/' || *c == '-'))
			return 0;
	size_t n = (size_t)(c - s);
	if (n <= 5)   /* the longest special */
		for (size_t i = 0; i < sizeof special / sizeof *special; i++)
			if (!strcasecmp(s, special[i]))
				return 0;
	return n;
}

void kpc_yaml_scalar(kp_buf *sb, const char *s)
{
	size_t n;
	if (!s)
		KPC_PUT_LIT(sb, "null");
	else if ((n = yaml_plain_len(s)) != 0)
		kpc_put(sb, s, n);
	else
		kp_buf_json_cstr(sb, s);   /* a JSON string is a YAML double-quoted scalar */
}

#define KPC_POOL_BLOCK ((size_t)64 << 10)

const char *kpc_pool_str(kpc_pool *p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	if (!p->n || p->used + n > p->cap) {
		size_t cap = n > KPC_POOL_BLOCK ? n : KPC_POOL_BLOCK;
		p->blocks = kpc_xrealloc(p->blocks, (p->n + 1) * sizeof *p->blocks);
		p->blocks[p->n++] = kpc_xmalloc(cap);
		p->used = 0;
		p->cap = cap;
	}
	char *dst = p->blocks[p->n - 1] + p->used;
	memcpy(dst, s, n);
	p->used += n;
	return dst;
}

void kpc_pool_free(kpc_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->blocks[i]);
	free(p->blocks);
	memset(p, 0, sizeof *p);
}

const char *kpc_status_title(kp_status s)
{
	static const char *const t[] = {"Pass", "Fail", "Warn", "Error", "Skip"};
	return s <= KP_STATUS_SKIP ? t[s] : "?";
}

const char *kpc_color(const kpc_report *r, const char *seq)
{
	return r->opt.color ? seq : "";
}

void kpc_errlist_add(kpc_errlist *l, const kp_error *e)
{
	l->v = kpc_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	kp_buf m = {0};
	kp_buf_puts(&m, e->msg);
	if (e->path[0])
		kp_buf_printf(&m, " (at %s)", e->path);
	l->v[l->n++] = (kpc_input_error){
		.file = kpc_pool_str(&l->pool, e->file), .message = kpc_pool_str(&l->pool, m.data ? m.data : ""),
		.line = e->line, .col = e->col,
	};
	kp_buf_free(&m);
}

void kpc_errlist_free(kpc_errlist *l)
{
	free(l->v);
	kpc_pool_free(&l->pool);
	memset(l, 0, sizeof *l);
}

void kpc_applying(kp_buf *b, const kpc_summary *s)
{
	kp_buf_printf(b, "\nApplying %zu policy rule(s) to %zu resource(s)", s->rules, s->resources);
	if (s->exceptions)
		kp_buf_printf(b, " with %zu exception(s)", s->exceptions);
	KPC_PUT_LIT(b, "...\n");
}

void kpc_print_applying(FILE *f, const kpc_summary *s)
{
	kp_buf b = {0};
	kpc_applying(&b, s);
	fwrite(b.data, 1, b.len, f);
	kp_buf_free(&b);
}
