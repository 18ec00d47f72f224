/* cel/cel_std_misc.c - cel-go's encoders extension (ext/encoders.go:
 * base64.encode(bytes) -> string, base64.decode(string) -> bytes),
 * jsonpatch.escapeKey, and the comparisons shared by the ordered library
 * types. */
#include "cel/cel_int.h"
#include "k8s/k8s.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static cel_val fn_b64_encode(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_BYTES)
		return cel_no_overload(c, "base64.encode");
	size_t len;
	const char *out = kp_go_base64_encode(c->a, (const unsigned char *)a[0].u.s.p, a[0].u.s.n, &len);
	return cel_str(out, len);
}

static int b64val(char ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* Go's base64.StdEncoding, falling back to RawStdEncoding (no padding)
 * as cel-go does. */
static cel_val fn_b64_decode(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "base64.decode");
	const char *s = a[0].u.s.p;
	size_t len = a[0].u.s.n;
	size_t pad = 0;
	while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
		pad++;
	if (pad && len % 4)
		goto bad;
	size_t data = len - pad;
	if (data % 4 == 1)
		goto bad;
	unsigned char *out = kp_arena_alloc(c->a, data * 3 / 4 + 3);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < data; i++) {
		int v = b64val(s[i]);
		if (v < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return cel_strn(CEL_BYTES, (const char *)out, o);
bad:
	return cel_err(c, "illegal base64 data");
}

/* jsonpatch.escapeKey (Kubernetes MutatingAdmissionPolicy library):
 * `~` -> `~0`, `/` -> `~1` (RFC 6901). */
static cel_val fn_escape_key(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "jsonpatch.escapeKey");
	kp_buf b;
	kp_buf_init(&b, c->a);
	for (size_t i = 0; i < a[0].u.s.n; i++) {
		char ch = a[0].u.s.p[i];
		if (ch == '~')
			kp_buf_add(&b, "~0", 2);
		else if (ch == '/')
			kp_buf_add(&b, "~1", 2);
		else
			kp_buf_add(&b, &ch, 1);
	}
	return cel_str(kp_buf_str(&b), b.len);
}

/* isLessThan / isGreaterThan / compareTo of the ordered library types
 * (Quantity, Semver): both of one type. */
static cel_val ordered(cel_ctx *c, cel_val *a, const char *fn, int mode)
{
	if (a[0].kind != CEL_OPAQUE || !a[0].u.op->t->compare ||
	    !cel_is_opaque(a[1], a[0].u.op->t))
		return cel_no_overload(c, fn);
	int r = a[0].u.op->t->compare(a[0].u.op, a[1].u.op);
	return mode == 0 ? cel_int(r) : cel_bool(r == mode);
}

static cel_val fn_lt(cel_ctx *c, cel_val *a, size_t n) { (void)n; return ordered(c, a, "isLessThan", -1); }
static cel_val fn_gt(cel_ctx *c, cel_val *a, size_t n) { (void)n; return ordered(c, a, "isGreaterThan", 1); }
static cel_val fn_cmp(cel_ctx *c, cel_val *a, size_t n) { (void)n; return ordered(c, a, "compareTo", 0); }

const cel_builtin cel_std_misc[] = {
	{"jsonpatch.escapeKey", 1, 1, 1, fn_escape_key},
	{"isLessThan", 2, 2, 2, fn_lt},
	{"isGreaterThan", 2, 2, 2, fn_gt},
	{"compareTo", 2, 2, 2, fn_cmp},
	{"base64.encode", 1, 1, 1, fn_b64_encode},
	{"base64.decode", 1, 1, 1, fn_b64_decode},
	{NULL, 0, 0, 0, NULL}
};
