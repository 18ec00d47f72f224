/* gojson.c - the pieces of Go's encoding/json output shared by JMESPath's
 * to_string/JSON text (jmespath/jp_value.c) and CEL's json.marshal
 * (cel/cel_lib_kyverno_json.c): float64 numbers and strings; the syntax
 * error json.Unmarshal reports. */
#include "k8s/k8s.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

/* Go's encoding/json for a float64: shortest digits, plain notation for
 * 1e-6 <= |f| < 1e21, else exponent form with at least one exponent digit
 * ("1e+21", "1e-7"). */
void kp_go_json_float(kp_buf *sb, double f)
{
	if (isnan(f) || isinf(f)) {
		kp_buf_puts(sb, "null");
		return;
	}
	if (f == 0) {
		kp_buf_puts(sb, "0");
		return;
	}
	char e[64];
	kp_go_float_E(f, e, sizeof e); /* "-1.2345E+02" */
	const char *p = e;
	bool neg = *p == '-';
	if (neg)
		p++;
	char digits[32] = {0};
	int nd = 0;
	for (; *p && *p != 'E'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	int exp = atoi(p + 1);
	double af = fabs(f);
	char out[400];
	size_t k = 0;
	if (neg)
		out[k++] = '-';
	if (af < 1e-6 || af >= 1e21) {
		out[k++] = digits[0];
		if (nd > 1) {
			out[k++] = '.';
			for (int i = 1; i < nd; i++)
				out[k++] = digits[i];
		}
		k += (size_t)snprintf(out + k, sizeof out - k, "e%c%d", exp < 0 ? '-' : '+',
				      exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		out[k++] = '0';
		out[k++] = '.';
		for (int i = -1; i > exp; i--)
			out[k++] = '0';
		for (int i = 0; i < nd; i++)
			out[k++] = digits[i];
	} else {
		for (int i = 0; i <= exp || i < nd; i++) {
			if (i == exp + 1)
				out[k++] = '.';
			out[k++] = i < nd ? digits[i] : '0';
		}
	}
	kp_buf_add(sb, out, k);
}

void kp_go_json_string(kp_buf *sb, const char *s, size_t n, bool go)
{
	static const char hex[] = "0123456789abcdef";
	kp_buf_add(sb, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c < 0x20 || (go && (c == '<' || c == '>' || c == '&'))) {
			u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0';
			u[4] = hex[c >> 4], u[5] = hex[c & 15], u[6] = 0;
			esc = u;
		} else if (go && c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
			esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			kp_buf_add(sb, s + i - run, run);
			run = 0;
			kp_buf_puts(sb, esc);
			i += 2;
			continue;
		}
		if (esc) {
			kp_buf_add(sb, s + i - run, run);
			run = 0;
			kp_buf_puts(sb, esc);
		} else {
			run++;
		}
	}
	kp_buf_add(sb, s + n - run, run);
	kp_buf_add(sb, "\"", 1);
}


/* ---- the syntax error Go's json.Unmarshal reports (scanner.go) ---- */

typedef struct jscan {
	const unsigned char *s;
	size_t n, i;
	char *msg;
	size_t mn;
	bool failed;
} jscan;

/* quoteChar: the byte as Go quotes it in scanner errors. */
static void quote_char(unsigned char c, char *out, size_t n)
{
	static const char esc[] = "\a\b\f\n\r\t\v", name[] = "abfnrtv";
	const char *e = c ? strchr(esc, c) : NULL;
	if (c == '\'')
		snprintf(out, n, "'\\''");
	else if (c == '"')
		snprintf(out, n, "'\"'");
	else if (e)
		snprintf(out, n, "'\\%c'", name[e - esc]);
	else if (c < 0x20 || c == 0x7f)
		snprintf(out, n, "'\\x%02x'", c);
	else if (c < 0x80)
		snprintf(out, n, "'%c'", c);
	else if (c < 0xA0 || c == 0xAD)   /* Latin-1 rune U+00XX, not printable */
		snprintf(out, n, "'\\u00%02x'", c);
	else                              /* printable: its UTF-8 */
		snprintf(out, n, "'%c%c'", 0xC0 | c >> 6, 0x80 | (c & 0x3F));
}

static bool js_fail(jscan *j, const char *context)
{
	if (!j->failed) {
		j->failed = true;
		if (j->i >= j->n) {
			snprintf(j->msg, j->mn, "unexpected end of JSON input");
		} else {
			char q[16];
			quote_char(j->s[j->i], q, sizeof q);
			snprintf(j->msg, j->mn, "invalid character %s %s", q, context);
		}
	}
	return false;
}

static void js_ws(jscan *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->s[j->i]) && j->s[j->i])
		j->i++;
}

static bool js_is(jscan *j, char c) { return j->i < j->n && j->s[j->i] == (unsigned char)c; }
static bool js_digit(jscan *j) { return j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9'; }

static bool js_string(jscan *j)
{
	j->i++;   /* the opening quote */
	for (;;) {
		if (j->i >= j->n)
			return js_fail(j, "");
		unsigned char c = j->s[j->i];
		if (c == '"') {
			j->i++;
			return true;
		}
		if (c < 0x20)
			return js_fail(j, "in string literal");
		j->i++;
		if (c != '\\')
			continue;
		if (j->i >= j->n || !strchr("\"\\/bfnrtu", j->s[j->i]) || !j->s[j->i])
			return js_fail(j, "in string escape code");
		if (j->s[j->i++] != 'u')
			continue;
		for (int k = 0; k < 4; k++, j->i++)
			if (j->i >= j->n || !isxdigit(j->s[j->i]))
				return js_fail(j, "in \\u hexadecimal character escape");
	}
}

static bool js_number(jscan *j)
{
	if (js_is(j, '-')) {
		j->i++;
		if (!js_digit(j))
			return js_fail(j, "in numeric literal");
	}
	if (js_is(j, '0'))
		j->i++;
	else
		while (js_digit(j))
			j->i++;
	if (js_is(j, '.')) {
		j->i++;
		if (!js_digit(j))
			return js_fail(j, "after decimal point in numeric literal");
		while (js_digit(j))
			j->i++;
	}
	if (js_is(j, 'e') || js_is(j, 'E')) {
		j->i++;
		if (js_is(j, '+') || js_is(j, '-'))
			j->i++;
		if (!js_digit(j))
			return js_fail(j, "in exponent of numeric literal");
		while (js_digit(j))
			j->i++;
	}
	return true;
}

static bool js_value(jscan *j, int depth);

static bool js_container(jscan *j, bool object, int depth)
{
	j->i++;
	js_ws(j);
	if (js_is(j, object ? '}' : ']')) {
		j->i++;
		return true;
	}
	for (;;) {
		if (object) {
			if (!js_is(j, '"'))
				return js_fail(j, "looking for beginning of object key string");
			if (!js_string(j))
				return false;
			js_ws(j);
			if (!js_is(j, ':'))
				return js_fail(j, "after object key");
			j->i++;
		}
		if (!js_value(j, depth + 1))
			return false;
		js_ws(j);
		if (js_is(j, object ? '}' : ']')) {
			j->i++;
			return true;
		}
		if (!js_is(j, ','))
			return js_fail(j, object ? "after object key:value pair" : "after array element");
		j->i++;
		js_ws(j);
	}
}

static bool js_value(jscan *j, int depth)
{
	js_ws(j);
	if (j->i >= j->n)
		return js_fail(j, "");
	if (depth > 10000)
		return js_fail(j, "exceeded max depth");
	unsigned char c = j->s[j->i];
	if (c == '{' || c == '[')
		return js_container(j, c == '{', depth);
	if (c == '"')
		return js_string(j);
	if (c == '-' || (c >= '0' && c <= '9'))
		return js_number(j);
	static const char *const lits[] = {"true", "false", "null"};
	for (int k = 0; k < 3; k++) {
		if (c != (unsigned char)lits[k][0])
			continue;
		j->i++;
		for (const char *p = lits[k] + 1; *p; p++, j->i++)
			if (!js_is(j, *p)) {
				char ctx[48];
				snprintf(ctx, sizeof ctx, "in literal %s (expecting '%c')", lits[k], *p);
				return js_fail(j, ctx);
			}
		return true;
	}
	return js_fail(j, "looking for beginning of value");
}

void kp_go_json_syntax_error(const char *s, size_t n, char *msg, size_t mn)
{
	jscan j = {(const unsigned char *)s, n, 0, msg, mn, false};
	if (js_value(&j, 0)) {
		js_ws(&j);
		if (j.i < j.n)
			js_fail(&j, "after top-level value");
	}
	if (!j.failed)
		snprintf(msg, mn, "invalid JSON");
}
