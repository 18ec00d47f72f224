/* ky_encoding.c - base64_encode/base64_decode (Go's base64.StdEncoding),
 * sha256/sha1/md5 (lowercase hex, OpenSSL's libcrypto), parse_json
 * (json.Unmarshal), parse_yaml (sigs.k8s.io/yaml: the first document,
 * Kubernetes typing).  x509_decode is in ky_x509.c. */
#include "jmespath/ky_internal.h"
#include "input/input.h"

#include <openssl/evp.h>
#include <string.h>

KY_FN(ky_base64_encode)
{
	*out = ky_base64(c, (const unsigned char *)ARG(0)->u.s.ptr, ARG(0)->u.s.len);
	return 0;
}

/* Go's StdEncoding.DecodeString: padding required, \r and \n skipped,
 * anything else (or data after the padding) is "illegal base64 data at
 * input byte N". */
KY_FN(ky_base64_decode)
{
	char *o;
	size_t w, bad;
	if (!ky_unbase64(c, ARG(0)->u.s.ptr, ARG(0)->u.s.len, &o, &w, &bad))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "illegal base64 data at input byte %zu", bad);
	*out = ky_str(c, o, w);
	return 0;
}

static int digest(kp_jp_call *c, const kp_value *s, const EVP_MD *md, const kp_value **out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (!EVP_Digest(s->u.s.ptr, s->u.s.len, d, &dl, md, NULL))
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "digest failed");
	char hex[2 * EVP_MAX_MD_SIZE];
	for (unsigned i = 0; i < dl; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	*out = ky_str(c, hex, 2 * (size_t)dl);
	return 0;
}

KY_FN(ky_sha256) { return digest(c, ARG(0), EVP_sha256(), out); }
KY_FN(ky_sha1) { return digest(c, ARG(0), EVP_sha1(), out); }
KY_FN(ky_md5) { return digest(c, ARG(0), EVP_md5(), out); }

KY_FN(ky_parse_json)
{
	const kp_value *v = kp_json_parse(c->arena, ARG(0)->u.s.ptr, ARG(0)->u.s.len);
	if (!v)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", "invalid JSON");
	*out = v;
	return 0;
}

/* yaml.Unmarshal decodes the first document only; an empty one is null. */
KY_FN(ky_parse_yaml)
{
	kp_error e;
	const kp_value *v = kp_yaml_first(c->arena, "parse_yaml", ARG(0)->u.s.ptr, ARG(0)->u.s.len, &e);
	if (!v)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	*out = v->type == KP_NULL ? kp_jp_null() : v;
	return 0;
}

