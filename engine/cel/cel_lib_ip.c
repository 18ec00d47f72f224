/* cel/cel_lib_ip.c - Kubernetes' IP and CIDR libraries (kubernetes/
 * apiserver pkg/cel/library/ip.go, cidr.go, K8s 1.30), on Go netip
 * semantics: ip(s) isIP(s) ip.isCanonical(s) string(ip) family()
 * isUnspecified() isLoopback() isLinkLocalMulticast() isLinkLocalUnicast()
 * isGlobalUnicast(); cidr(s) isCIDR(s) containsIP(ip|s) containsCIDR(c|s)
 * ip() prefixLength() masked() string(cidr).  IPv4-mapped IPv6 addresses
 * and zones are rejected, as Kubernetes does. */
#include "cel/cel_int.h"

#include <arpa/inet.h>
#include <stdio.h>

typedef struct ipval { cel_opaque h; uint8_t a[16]; int family; } ipval;
typedef struct cidrval { cel_opaque h; uint8_t a[16]; int family; int bits; } cidrval;

static size_t alen(int family) { return family == 4 ? 4 : 16; }

static cel_val ip_str_of(cel_ctx *c, const uint8_t *a, int family)
{
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf);
	return cel_str(kp_arena_strdup(c->a, buf), strlen(buf));
}

static bool ip_equal(const cel_opaque *x, const cel_opaque *y)
{
	const ipval *a = (const ipval *)x, *b = (const ipval *)y;
	return a->family == b->family && !memcmp(a->a, b->a, alen(a->family));
}

static cel_val ip_str(cel_ctx *c, const cel_opaque *v)
{
	const ipval *p = (const ipval *)v;
	return ip_str_of(c, p->a, p->family);
}

static const cel_opaque_type ip_type = {"net.IP", ip_equal, ip_str, NULL};

static bool cidr_equal(const cel_opaque *x, const cel_opaque *y)
{
	const cidrval *a = (const cidrval *)x, *b = (const cidrval *)y;
	return a->family == b->family && a->bits == b->bits &&
	       !memcmp(a->a, b->a, alen(a->family));
}

static cel_val cidr_str(cel_ctx *c, const cel_opaque *v)
{
	const cidrval *p = (const cidrval *)v;
	cel_val s = ip_str_of(c, p->a, p->family);
	char *o = kp_arena_printf(c->a, "%.*s/%d", (int)s.u.s.n, s.u.s.p, p->bits);
	return cel_str(o, strlen(o));
}

static const cel_opaque_type cidr_type = {"net.CIDR", cidr_equal, cidr_str, NULL};

/* Parse an address as netip.ParseAddr, minus what Kubernetes rejects.
 * NULL on success, else the reason. */
static const char *parse_addr(const char *s, size_t n, uint8_t *a, int *family)
{
	char buf[64];
	if (n == 0 || n >= sizeof buf)
		return "invalid IP address";
	memcpy(buf, s, n);
	buf[n] = 0;
	if (memchr(buf, '%', n))
		return "IP address with zone value is not allowed";
	if (inet_pton(AF_INET, buf, a) == 1) {
		*family = 4;
		return NULL;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(a, mapped, 12))
			return "IPv4-mapped IPv6 address is not allowed";
		*family = 6;
		return NULL;
	}
	return "invalid IP address";
}

static cel_val mkip(cel_ctx *c, const uint8_t *a, int family)
{
	ipval *p = kp_arena_alloc(c->a, sizeof *p);
	p->h.t = &ip_type;
	memcpy(p->a, a, 16);
	p->family = family;
	return cel_opaque_val(&p->h);
}

static cel_val fn_ip(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "ip");
	uint8_t ad[16] = {0};
	int fam;
	const char *why = parse_addr(a[0].u.s.p, a[0].u.s.n, ad, &fam);
	if (why)
		return cel_err(c, "IP Address '%.*s' parse error during conversion from string: %s",
			       (int)a[0].u.s.n, a[0].u.s.p, why);
	return mkip(c, ad, fam);
}

static cel_val fn_is_ip(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "isIP");
	uint8_t ad[16];
	int fam;
	return cel_bool(parse_addr(a[0].u.s.p, a[0].u.s.n, ad, &fam) == NULL);
}

static cel_val fn_is_canonical(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "ip.isCanonical");
	uint8_t ad[16] = {0};
	int fam;
	const char *why = parse_addr(a[0].u.s.p, a[0].u.s.n, ad, &fam);
	if (why)
		return cel_err(c, "IP Address '%.*s' parse error during conversion from string: %s",
			       (int)a[0].u.s.n, a[0].u.s.p, why);
	cel_val s = ip_str_of(c, ad, fam);
	return cel_bool(s.u.s.n == a[0].u.s.n && !memcmp(s.u.s.p, a[0].u.s.p, s.u.s.n));
}

#define IPRECV(fn) \
	if (!cel_is_opaque(a[0], &ip_type)) \
		return cel_no_overload(c, fn); \
	const ipval *ip = (const ipval *)a[0].u.op; \
	const uint8_t *b = ip->a

static bool is_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static cel_val fn_family(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	IPRECV("family");
	(void)b;
	return cel_int(ip->family);
}

static cel_val fn_unspecified(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	IPRECV("isUnspecified");
	return cel_bool(is_zero(b, alen(ip->family)));
}

static bool loopback(const ipval *ip)
{
	static const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	return ip->family == 4 ? ip->a[0] == 127 : !memcmp(ip->a, one, 16);
}

static bool ll_multicast(const ipval *ip)
{
	return ip->family == 4 ? (ip->a[0] == 224 && ip->a[1] == 0 && ip->a[2] == 0)
			       : (ip->a[0] == 0xff && (ip->a[1] & 0x0f) == 0x02);
}

static bool ll_unicast(const ipval *ip)
{
	return ip->family == 4 ? (ip->a[0] == 169 && ip->a[1] == 254)
			       : (ip->a[0] == 0xfe && (ip->a[1] & 0xc0) == 0x80);
}

static cel_val fn_loopback(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	IPRECV("isLoopback");
	(void)b;
	return cel_bool(loopback(ip));
}

static cel_val fn_ll_multicast(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	IPRECV("isLinkLocalMulticast");
	(void)b;
	return cel_bool(ll_multicast(ip));
}

static cel_val fn_ll_unicast(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	IPRECV("isLinkLocalUnicast");
	(void)b;
	return cel_bool(ll_unicast(ip));
}

/* Go netip IsGlobalUnicast: not unspecified, loopback, multicast,
 * link-local unicast, nor the IPv4 broadcast address. */
static cel_val fn_global_unicast(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	IPRECV("isGlobalUnicast");
	bool multicast = ip->family == 4 ? (b[0] & 0xf0) == 0xe0 : b[0] == 0xff;
	bool bcast = ip->family == 4 && b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255;
	return cel_bool(!is_zero(b, alen(ip->family)) && !loopback(ip) && !multicast &&
			!ll_unicast(ip) && !bcast);
}

/* ---- CIDR ---- */

static const char *parse_prefix(const char *s, size_t n, cidrval *out)
{
	const char *slash = memchr(s, '/', n);
	if (!slash)
		return "no '/'";
	const char *why = parse_addr(s, (size_t)(slash - s), out->a, &out->family);
	if (why)
		return why;
	const char *d = slash + 1;
	size_t dn = n - (size_t)(d - s);
	if (dn == 0 || dn > 3 || (dn > 1 && d[0] == '0'))
		return "bad bits";
	int bits = 0;
	for (size_t i = 0; i < dn; i++) {
		if (d[i] < '0' || d[i] > '9')
			return "bad bits";
		bits = bits * 10 + (d[i] - '0');
	}
	if (bits > (out->family == 4 ? 32 : 128))
		return "prefix length out of range";
	out->bits = bits;
	return NULL;
}

static cel_val mkcidr(cel_ctx *c, const cidrval *v)
{
	cidrval *p = kp_arena_alloc(c->a, sizeof *p);
	*p = *v;
	p->h.t = &cidr_type;
	return cel_opaque_val(&p->h);
}

static cel_val fn_cidr(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "cidr");
	cidrval v = {0};
	const char *why = parse_prefix(a[0].u.s.p, a[0].u.s.n, &v);
	if (why)
		return cel_err(c, "network address parse error during conversion from string: netip.ParsePrefix(\"%.*s\"): %s",
			       (int)a[0].u.s.n, a[0].u.s.p, why);
	return mkcidr(c, &v);
}

static cel_val fn_is_cidr(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "isCIDR");
	cidrval v;
	return cel_bool(parse_prefix(a[0].u.s.p, a[0].u.s.n, &v) == NULL);
}

static bool prefix_has(const cidrval *p, const uint8_t *addr, int family)
{
	if (family != p->family)
		return false;
	int bits = p->bits;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		if ((p->a[i] & mask) != (addr[i] & mask))
			return false;
	}
	return true;
}

#define CIDRRECV(fn) \
	if (!cel_is_opaque(a[0], &cidr_type)) \
		return cel_no_overload(c, fn); \
	const cidrval *cv = (const cidrval *)a[0].u.op

static cel_val fn_contains_ip(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	CIDRRECV("containsIP");
	if (a[1].kind == CEL_STRING) {
		cel_val ipv = fn_ip(c, a + 1, 1);
		if (cel_is_err(ipv))
			return ipv;
		a[1] = ipv;
	}
	if (!cel_is_opaque(a[1], &ip_type))
		return cel_no_overload(c, "containsIP");
	const ipval *ip = (const ipval *)a[1].u.op;
	return cel_bool(prefix_has(cv, ip->a, ip->family));
}

static cel_val fn_contains_cidr(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	CIDRRECV("containsCIDR");
	if (a[1].kind == CEL_STRING) {
		cel_val o = fn_cidr(c, a + 1, 1);
		if (cel_is_err(o))
			return o;
		a[1] = o;
	}
	if (!cel_is_opaque(a[1], &cidr_type))
		return cel_no_overload(c, "containsCIDR");
	const cidrval *o = (const cidrval *)a[1].u.op;
	return cel_bool(o->bits >= cv->bits && prefix_has(cv, o->a, o->family));
}

static cel_val fn_cidr_ip(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	CIDRRECV("ip");
	return mkip(c, cv->a, cv->family);
}

static cel_val fn_prefix_length(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	CIDRRECV("prefixLength");
	return cel_int(cv->bits);
}

static cel_val fn_masked(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	CIDRRECV("masked");
	cidrval m = *cv;
	int bits = m.bits;
	for (size_t i = 0; i < 16; i++, bits -= 8)
		m.a[i] &= bits >= 8 ? 0xff : bits > 0 ? (uint8_t)(0xff << (8 - bits)) : 0;
	return mkcidr(c, &m);
}

const cel_builtin cel_lib_ip[] = {
	{"ip", 1, 1, 1, fn_ip},
	{"isIP", 1, 1, 1, fn_is_ip},
	{"ip.isCanonical", 1, 1, 1, fn_is_canonical},
	{"family", 2, 1, 1, fn_family},
	{"isUnspecified", 2, 1, 1, fn_unspecified},
	{"isLoopback", 2, 1, 1, fn_loopback},
	{"isLinkLocalMulticast", 2, 1, 1, fn_ll_multicast},
	{"isLinkLocalUnicast", 2, 1, 1, fn_ll_unicast},
	{"isGlobalUnicast", 2, 1, 1, fn_global_unicast},
	{"cidr", 1, 1, 1, fn_cidr},
	{"isCIDR", 1, 1, 1, fn_is_cidr},
	{"containsIP", 2, 2, 2, fn_contains_ip},
	{"containsCIDR", 2, 2, 2, fn_contains_cidr},
	{"ip", 2, 1, 1, fn_cidr_ip},
	{"prefixLength", 2, 1, 1, fn_prefix_length},
	{"masked", 2, 1, 1, fn_masked},
	{NULL, 0, 0, 0, NULL}
};
