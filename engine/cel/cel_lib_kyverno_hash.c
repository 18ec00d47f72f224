/* cel/cel_lib_kyverno_hash.c - Kyverno's hash library (kyverno/sdk
 * extensions/cel/libs/hash): sha1(s), sha256(s), md5(s) and, since library
 * 1.18, hash.sha1/sha256/md5: the digest of the string's bytes as
 * lower-case hex (OpenSSL's libcrypto). */
#include "cel/cel_int.h"

#include <openssl/evp.h>

static cel_val digest(cel_ctx *c, cel_val s, const EVP_MD *md, const char *fn)
{
	if (s.kind != CEL_STRING)
		return cel_no_overload(c, fn);
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (!EVP_Digest(s.u.s.p, s.u.s.n, d, &dl, md, NULL))
		return cel_err(c, "%s: digest failed", fn);
	static const char hex[] = "0123456789abcdef";
	char *out = kp_arena_alloc(c->a, 2 * (size_t)dl + 1);
	for (unsigned i = 0; i < dl; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	return cel_str(out, 2 * (size_t)dl);
}

static cel_val fn_sha1(cel_ctx *c, cel_val *a, size_t n) { return digest(c, a[0], EVP_sha1(), "sha1"); }
static cel_val fn_sha256(cel_ctx *c, cel_val *a, size_t n) { return digest(c, a[0], EVP_sha256(), "sha256"); }
static cel_val fn_md5(cel_ctx *c, cel_val *a, size_t n) { return digest(c, a[0], EVP_md5(), "md5"); }

const cel_builtin cel_lib_kyverno_hash[] = {
	{"sha1", 1 | CEL_FN_KYVERNO, 1, 1, fn_sha1},
	{"sha256", 1 | CEL_FN_KYVERNO, 1, 1, fn_sha256},
	{"md5", 1 | CEL_FN_KYVERNO, 1, 1, fn_md5},
	{"hash.sha1", 1 | CEL_FN_KYVERNO, 1, 1, fn_sha1},
	{"hash.sha256", 1 | CEL_FN_KYVERNO, 1, 1, fn_sha256},
	{"hash.md5", 1 | CEL_FN_KYVERNO, 1, 1, fn_md5},
	{NULL, 0, 0, 0, NULL}
};
