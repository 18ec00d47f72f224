/* ky_encoding.c - base64_encode/base64_decode (Go's base64.StdEncoding),
 * sha256/sha1/md5 (lowercase hex, OpenSSL's libcrypto), parse_json
 * (json.Unmarshal), parse_yaml (sigs.k8s.io/yaml: the first document,
 * Kubernetes typing) and x509_decode. */
#include "jmespath/ky_internal.h"
#include "input/input.h"

#include <openssl/evp.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

KY_FN(ky_base64_encode)
{
	const unsigned char *s = (const unsigned char *)ARG(0)->u.s.ptr;
	size_t len = ARG(0)->u.s.len;
	char *o = kp_arena_alloc(c->arena, (len + 2) / 3 * 4 + 1);
	size_t w = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0) |
			     (i + 2 < len ? s[i + 2] : 0);
		o[w++] = b64[v >> 18];
		o[w++] = b64[(v >> 12) & 63];
		o[w++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		o[w++] = i + 2 < len ? b64[v & 63] : '=';
	}
	o[w] = 0;
	kp_value *v = kp_value_new(c->arena, KP_STRING, NULL, 0, 0);
	v->u.s.ptr = o;
	v->u.s.len = w;
	*out = v;
	return 0;
}

static int b64_val(unsigned char ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* Go's StdEncoding.DecodeString: padding required, \r and \n skipped,
 * anything else (or data after the padding) is "illegal base64 data at
 * input byte N". */
KY_FN(ky_base64_decode)
{
	const unsigned char *s = (const unsigned char *)ARG(0)->u.s.ptr;
	size_t len = ARG(0)->u.s.len;
	char *o = kp_arena_alloc(c->arena, len / 4 * 3 + 4);
	size_t w = 0, i = 0;
	int quad[4];
	size_t q = 0, pad = 0, bad = SIZE_MAX;
	for (; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (pad) {
			if (s[i] == '=' && q + pad < 4) {
				pad++;
				continue;
			}
			bad = i;
			break;
		}
		if (s[i] == '=') {
			if (q < 2) {
				bad = i;
				break;
			}
			pad = 1;
			continue;
		}
		int v = b64_val(s[i]);
		if (v < 0) {
			bad = i;
			break;
		}
		quad[q++] = v;
		if (q == 4) {
			uint32_t x = (uint32_t)quad[0] << 18 | (uint32_t)quad[1] << 12 |
				     (uint32_t)quad[2] << 6 | (uint32_t)quad[3];
			o[w++] = (char)(x >> 16);
			o[w++] = (char)(x >> 8);
			o[w++] = (char)x;
			q = 0;
		}
	}
	if (bad == SIZE_MAX && (pad ? q + pad != 4 : q != 0))
		bad = len;   /* missing padding */
	if (bad != SIZE_MAX)
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "illegal base64 data at input byte %zu", bad);
	if (pad) {
		uint32_t x = (uint32_t)quad[0] << 18 | (uint32_t)quad[1] << 12 |
			     (q == 3 ? (uint32_t)quad[2] << 6 : 0);
		o[w++] = (char)(x >> 16);
		if (q == 3)
			o[w++] = (char)(x >> 8);
	}
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
	kp_read_opts ro = {.typing = KP_TYPING_KUBERNETES, .raw = true};
	kp_error e;
	kp_error_clear(&e);
	kp_reader *r = kp_reader_open_mem("parse_yaml", ARG(0)->u.s.ptr, ARG(0)->u.s.len, &ro, &e);
	kp_doc *d = NULL;
	int rc = r ? kp_reader_next(r, &d, &e) : -1;
	if (rc < 0) {
		if (r)
			kp_reader_close(r);
		return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", e.msg);
	}
	*out = rc == 1 ? kp_value_copy(c->arena, kp_doc_root(d)) : kp_jp_null();
	kp_doc_free(d);
	kp_reader_close(r);
	return 0;
}

/* Go's x509.Certificate serialised as JSON is not reproduced yet. */
KY_FN(ky_x509_decode)
{
	return ky_unsupported(c, "x509_decode is not implemented yet");
}
