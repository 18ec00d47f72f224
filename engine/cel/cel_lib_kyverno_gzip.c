/* cel/cel_lib_kyverno_gzip.c - Kyverno's gzip library (kyverno/sdk
 * extensions/cel/libs/gzip): gzip.decompress(bytes) -> string, as Go's
 * gzip.Reader reads it (zlib): every concatenated member, the CRC and
 * length checked, Go's error texts for a bad header ("gzip: invalid
 * header"), a bad checksum ("gzip: invalid checksum"), truncated data
 * ("unexpected EOF") and corrupt deflate data ("flate: corrupt input").
 * The result is capped at CEL's size bound.
 *
 * gzip.compress is not declared here: Kyverno's bytes come from Go's
 * compress/flate, whose encoder's output differs from zlib's, so kpolicy
 * reports it unsupported (cel_lib_kyverno_sigs.c). */
#include "cel/cel_int.h"

#include <zlib.h>

static cel_val fn_decompress(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_BYTES)
		return cel_no_overload(c, "gzip.decompress");
	const unsigned char *in = (const unsigned char *)a[0].u.s.p;
	size_t len = a[0].u.s.n, pos = 0;
	if (len == 0)
		return cel_err(c, "EOF");
	kp_buf out;
	kp_buf_init(&out, c->a);
	unsigned char chunk[16384];
	while (pos < len) {
		if (len - pos < 10)
			return cel_err(c, "unexpected EOF");
		if (in[pos] != 0x1f || in[pos + 1] != 0x8b || in[pos + 2] != 8)
			return cel_err(c, "gzip: invalid header");
		z_stream s = {0};
		if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
			return cel_err(c, "gzip: out of memory");
		s.next_in = (Bytef *)(in + pos);
		s.avail_in = (uInt)(len - pos > UINT_MAX ? UINT_MAX : len - pos);
		int rc;
		do {
			s.next_out = chunk;
			s.avail_out = sizeof chunk;
			rc = inflate(&s, Z_NO_FLUSH);
			kp_buf_add(&out, (const char *)chunk, sizeof chunk - s.avail_out);
			if (out.len > CEL_MAX_SIZE)
				rc = Z_MEM_ERROR;
		} while (rc == Z_OK && (s.avail_in || !s.avail_out));
		const char *msg = s.msg;
		size_t used = (size_t)(s.next_in - (in + pos));
		inflateEnd(&s);
		if (rc == Z_MEM_ERROR)
			return cel_err(c, "gzip: decompressed data larger than %u bytes", CEL_MAX_SIZE);
		if (rc == Z_DATA_ERROR)
			return cel_err(c, msg && strstr(msg, "check") ? "gzip: invalid checksum"
				       : msg && strstr(msg, "header") ? "gzip: invalid header"
				       : "flate: corrupt input");
		if (rc != Z_STREAM_END)
			return cel_err(c, "unexpected EOF");
		pos += used;
	}
	return cel_str(kp_buf_str(&out), out.len);
}

const cel_builtin cel_lib_kyverno_gzip[] = {
	{"gzip.decompress", 1 | CEL_FN_KYVERNO, 1, 1, fn_decompress},
	{NULL, 0, 0, 0, NULL}
};
