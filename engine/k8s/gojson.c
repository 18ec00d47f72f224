/* gojson.c - the pieces of Go's encoding/json output shared by JMESPath's
 * to_string/JSON text (jmespath/jp_value.c) and CEL's json.marshal
 * (cel/cel_lib_kyverno_json.c): float64 numbers and strings. */
#include "k8s/k8s.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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

