/* gobase64.c - Go's base64.StdEncoding, shared by JMESPath's base64
 * functions and the x509 decoder (k8s/x509.c). */
#include "k8s/k8s.h"

#include <stdint.h>
#include <string.h>

char *kp_go_base64_encode(kp_arena *a, const unsigned char *s, size_t len, size_t *out_len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = kp_arena_alloc(a, (len + 2) / 3 * 4 + 1);
	size_t w = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0) |
			     (i + 2 < len ? s[i + 2] : 0);
		o[w++] = tab[v >> 18];
		o[w++] = tab[(v >> 12) & 63];
		o[w++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		o[w++] = i + 2 < len ? tab[v & 63] : '=';
	}
	o[w] = 0;
	*out_len = w;
	return o;
}

static int b64_val(unsigned char ch)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(tab, ch) : NULL;
	return p ? (int)(p - tab) : -1;
}

bool kp_go_base64_decode(kp_arena *a, const char *str, size_t len, char **out,
			 size_t *out_len, size_t *bad_at)
{
	const unsigned char *s = (const unsigned char *)str;
	char *o = kp_arena_alloc(a, len / 4 * 3 + 4);
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
	if (bad != SIZE_MAX) {
		*bad_at = bad;
		return false;
	}
	if (pad) {
		uint32_t x = (uint32_t)quad[0] << 18 | (uint32_t)quad[1] << 12 |
			     (q == 3 ? (uint32_t)quad[2] << 6 : 0);
		o[w++] = (char)(x >> 16);
		if (q == 3)
			o[w++] = (char)(x >> 8);
	}
	*out = o;
	*out_len = w;
	return true;
}
