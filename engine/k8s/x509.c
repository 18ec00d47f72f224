/* x509.c - Kyverno's x509 decoders, JMESPath's x509_decode
 * (jmespath/ky_x509.c) and CEL's x509.decode (cel/cel_lib_kyverno_x509.c):
 * the first PEM block of the argument, a CERTIFICATE or CERTIFICATE
 * REQUEST, as Kyverno returns it: Go's
 * x509.Certificate (CertificateRequest) marshalled to JSON and read back
 * (byte slices base64, times RFC 3339 in UTC, big numbers as float64), with
 * PublicKey replaced by {N: "<decimal>", E: e}; the fields of Go 1.21's
 * structs.  RSA keys only, as Kyverno.  OpenSSL's parser checks the DER;
 * the fields are read from the DER here.  Not reproduced (an `unsupported`
 * error): URI names (Go's url.URL struct; CEL's output has no URIs) and
 * name constraints.  CEL's certificate is Kyverno's CertificateOutput, a
 * subset of the fields (cel_output). */
#include "k8s/k8s.h"

#include <arpa/inet.h>
#include <math.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct der {
	const unsigned char *p;
	size_t n;
} der;

/* Next TLV of *in: tag, content, and the whole element. */
static bool der_next(der *in, int *tag, der *content, der *whole)
{
	if (in->n < 2)
		return false;
	const unsigned char *s = in->p;
	size_t h = 2, len = s[1];
	if ((s[0] & 0x1F) == 0x1F)
		return false;   /* high tag numbers do not occur here */
	if (len & 0x80) {
		size_t k = len & 0x7F;
		if (k == 0 || k > 4 || in->n < 2 + k)
			return false;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | s[2 + i];
		h += k;
	}
	if (len > in->n - h)
		return false;
	*tag = s[0];
	if (content)
		*content = (der){s + h, len};
	if (whole)
		*whole = (der){s, h + len};
	in->p += h + len;
	in->n -= h + len;
	return true;
}

static bool der_expect(der *in, int want, der *content, der *whole)
{
	int tag;
	der save = *in;
	if (der_next(in, &tag, content, whole) && tag == want)
		return true;
	*in = save;
	return false;
}

typedef struct x5 {
	kp_arena *a;
	bool cel;                  /* Kyverno's CEL x509.decode, not JMESPath's */
	bool drop_uris;            /* CEL's certificate output has no URIs */
	const char *err;           /* why decoding failed */
	const char *unsupported;   /* set when a field we do not reproduce occurs */
} x5;

static const kp_value *str(x5 *x, const char *s, size_t n)
{
	return kp_value_new_str(x->a, s, n, NULL, 0, 0);
}

static const kp_value *b64(x5 *x, der d)
{
	size_t n;
	const char *s = kp_go_base64_encode(x->a, d.p, d.n, &n);
	return str(x, s, n);
}

/* A JSON number as Go decodes it: integral values as KP_INT. */
static const kp_value *num(x5 *x, double d)
{
	kp_value *v;
	if (d == floor(d) && fabs(d) <= 9007199254740992.0 && !(d == 0 && signbit(d))) {
		v = kp_value_new(x->a, KP_INT, NULL, 0, 0);
		v->u.i = (int64_t)d;
	} else {
		v = kp_value_new(x->a, KP_FLOAT, NULL, 0, 0);
		v->u.f = d;
	}
	return v;
}

static const kp_value *boolean(x5 *x, bool b)
{
	kp_value *v = kp_value_new(x->a, KP_BOOL, NULL, 0, 0);
	v->u.b = b;
	return v;
}

static kp_value *arr(x5 *x) { return kp_value_new(x->a, KP_SEQ, NULL, 0, 0); }
static kp_value *obj(x5 *x) { return kp_value_new(x->a, KP_MAP, NULL, 0, 0); }
static void push(x5 *x, kp_value *a, const kp_value *v) { kp_seq_push(x->a, a, (kp_value *)v); }

static void set(x5 *x, kp_value *o, const char *k, const kp_value *v)
{
	kp_map_set(x->a, o, k, (kp_value *)(v ? v : kp_value_new(x->a, KP_NULL, NULL, 0, 0)));
}

static int fail(x5 *x, const char *why)
{
	x->err = why;
	return -1;
}

/* An OBJECT IDENTIFIER as Go's asn1.ObjectIdentifier marshals: [2,5,4,3]. */
static kp_value *oid_array(x5 *x, der d)
{
	kp_value *a = arr(x);
	uint64_t v = 0;
	bool first = true;
	for (size_t i = 0; i < d.n; i++) {
		v = v << 7 | (d.p[i] & 0x7F);
		if (d.p[i] & 0x80)
			continue;
		if (first) {
			uint64_t a0 = v < 40 ? 0 : v < 80 ? 1 : 2;
			push(x, a, num(x, (double)a0));
			push(x, a, num(x, (double)(v - 40 * a0)));
			first = false;
		} else {
			push(x, a, num(x, (double)v));
		}
		v = 0;
	}
	return a;
}

static bool oid_is(der d, const char *dotted)
{
	char buf[128];
	size_t w = 0;
	uint64_t v = 0;
	bool first = true;
	for (size_t i = 0; i < d.n && w < sizeof buf - 24; i++) {
		v = v << 7 | (d.p[i] & 0x7F);
		if (d.p[i] & 0x80)
			continue;
		if (first) {
			uint64_t a0 = v < 40 ? 0 : v < 80 ? 1 : 2;
			w += (size_t)snprintf(buf + w, sizeof buf - w, "%llu.%llu", (unsigned long long)a0,
					      (unsigned long long)(v - 40 * a0));
			first = false;
		} else {
			w += (size_t)snprintf(buf + w, sizeof buf - w, ".%llu", (unsigned long long)v);
		}
		v = 0;
	}
	buf[w] = 0;
	return strcmp(buf, dotted) == 0;
}

static bool is_string_tag(int tag)
{
	/* UTF8String, NumericString, PrintableString, T61String, IA5String, BMPString */
	return tag == 0x0C || tag == 0x12 || tag == 0x13 || tag == 0x14 || tag == 0x16 || tag == 0x1E;
}

static const kp_value *asn1_string(x5 *x, int tag, der d)
{
	if (tag != 0x1E)
		return str(x, (const char *)d.p, d.n);
	kp_buf b;   /* BMPString: UCS-2 big endian */
	kp_buf_init(&b, x->a);
	for (size_t i = 0; i + 1 < d.n; i += 2) {
		unsigned r = (unsigned)d.p[i] << 8 | d.p[i + 1];
		char o[3];
		size_t k = r < 0x80 ? (o[0] = (char)r, 1)
			   : r < 0x800 ? (o[0] = (char)(0xC0 | r >> 6), o[1] = (char)(0x80 | (r & 0x3F)), 2)
				       : (o[0] = (char)(0xE0 | r >> 12), o[1] = (char)(0x80 | ((r >> 6) & 0x3F)),
					  o[2] = (char)(0x80 | (r & 0x3F)), 3);
		kp_buf_add(&b, o, k);
	}
	return str(x, kp_buf_str(&b), b.len);
}

/* pkix.Name.FillFromRDNSequence. */
static const kp_value *name(x5 *x, der seq)
{
	static const struct { const char *oid, *field; bool list; } attrs[] = {
		{"2.5.4.6", "Country", true}, {"2.5.4.10", "Organization", true},
		{"2.5.4.11", "OrganizationalUnit", true}, {"2.5.4.7", "Locality", true},
		{"2.5.4.8", "Province", true}, {"2.5.4.9", "StreetAddress", true},
		{"2.5.4.17", "PostalCode", true}, {"2.5.4.5", "SerialNumber", false},
		{"2.5.4.3", "CommonName", false},
	};
	enum { NATTR = sizeof attrs / sizeof *attrs };
	const kp_value *vals[NATTR] = {0};
	kp_value *names = arr(x);
	der set_, atv, oid, val;
	int tag;
	while (der_expect(&seq, 0x31, &set_, NULL)) {
		while (der_expect(&set_, 0x30, &atv, NULL)) {
			if (!der_expect(&atv, 0x06, &oid, NULL) || !der_next(&atv, &tag, &val, NULL))
				return NULL;
			if (!is_string_tag(tag))
				return NULL;
			const kp_value *s = asn1_string(x, tag, val);
			kp_value *n = obj(x);
			set(x, n, "Type", oid_array(x, oid));
			set(x, n, "Value", s);
			push(x, names, n);
			for (size_t i = 0; i < NATTR; i++) {
				if (!oid_is(oid, attrs[i].oid))
					continue;
				if (!attrs[i].list) {
					vals[i] = s;
				} else {
					if (!vals[i])
						vals[i] = arr(x);
					push(x, (kp_value *)vals[i], s);
				}
			}
		}
	}
	kp_value *o = obj(x);
	for (size_t i = 0; i < NATTR; i++)
		set(x, o, attrs[i].field, vals[i] ? vals[i] : attrs[i].list ? NULL : str(x, "", 0));
	set(x, o, "Names", names);
	set(x, o, "ExtraNames", NULL);
	return o;
}

/* UTCTime or GeneralizedTime (Z) as RFC 3339 in UTC. */
static const kp_value *asn1_time(x5 *x, der *in)
{
	der t;
	int tag;
	if (!der_next(in, &tag, &t, NULL) || (tag != 0x17 && tag != 0x18))
		return NULL;
	char s[32];
	if (t.n >= sizeof s)
		return NULL;
	memcpy(s, t.p, t.n);
	s[t.n] = 0;
	int y, mo, d, h, mi, se;
	if (tag == 0x17) {
		if (t.n != 13 || sscanf(s, "%2d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &se) != 6)
			return NULL;
		y += y < 50 ? 2000 : 1900;
	} else if (t.n != 15 || sscanf(s, "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &se) != 6) {
		return NULL;
	}
	char o[32];
	int n = snprintf(o, sizeof o, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, se);
	return str(x, o, (size_t)n);
}

static const kp_value *bn_text(x5 *x, der integer, bool as_number)
{
	BIGNUM *bn = BN_bin2bn(integer.p, (int)integer.n, NULL);
	if (!bn)
		return NULL;
	if (integer.n && (integer.p[0] & 0x80)) {   /* two's complement negative */
		BIGNUM *m = BN_new();
		BN_set_bit(m, (int)integer.n * 8);
		BN_sub(bn, bn, m);
		BN_free(m);
	}
	char *dec = BN_bn2dec(bn);
	BN_free(bn);
	if (!dec)
		return NULL;
	const kp_value *v = as_number ? num(x, kp_strtod_c(dec, NULL)) : str(x, dec, strlen(dec));
	OPENSSL_free(dec);
	return v;
}

static void push_str(x5 *x, kp_value **list, const kp_value *s)
{
	if (!*list)
		*list = arr(x);
	push(x, *list, s);
}

/* Go's x509.SignatureAlgorithm from the AlgorithmIdentifier's content. */
static int sig_alg(der alg)
{
	static const struct { const char *oid; int go; } tab[] = {
		{"1.2.840.113549.1.1.2", 1}, {"1.2.840.113549.1.1.4", 2}, {"1.2.840.113549.1.1.5", 3},
		{"1.2.840.113549.1.1.11", 4}, {"1.2.840.113549.1.1.12", 5}, {"1.2.840.113549.1.1.13", 6},
		{"1.2.840.10040.4.3", 7}, {"2.16.840.1.101.3.4.3.2", 8}, {"1.2.840.10045.4.1", 9},
		{"1.2.840.10045.4.3.2", 10}, {"1.2.840.10045.4.3.3", 11}, {"1.2.840.10045.4.3.4", 12},
		{"1.3.101.112", 16},
	};
	der oid;
	if (!der_expect(&alg, 0x06, &oid, NULL))
		return 0;
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (oid_is(oid, tab[i].oid))
			return tab[i].go;
	if (!oid_is(oid, "1.2.840.113549.1.1.10"))
		return 0;
	/* RSASSA-PSS: SHA256/384/512 by the parameters' hash */
	der params, h0, hseq, hoid;
	if (der_expect(&alg, 0x30, &params, NULL) && der_expect(&params, 0xA0, &h0, NULL) &&
	    der_expect(&h0, 0x30, &hseq, NULL) && der_expect(&hseq, 0x06, &hoid, NULL))
		return oid_is(hoid, "2.16.840.1.101.3.4.2.1")   ? 13
		       : oid_is(hoid, "2.16.840.1.101.3.4.2.2") ? 14
		       : oid_is(hoid, "2.16.840.1.101.3.4.2.3") ? 15 : 0;
	return 0;
}

static int ext_key_usage(der oid)
{
	static const char *eku[] = {
		"2.5.29.37.0", "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.3",
		"1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.5", "1.3.6.1.5.5.7.3.6", "1.3.6.1.5.5.7.3.7",
		"1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9", "1.3.6.1.4.1.311.10.3.3",
		"2.16.840.1.113730.4.1", "1.3.6.1.4.1.311.2.1.22", "1.3.6.1.4.1.311.61.1.1",
	};
	for (size_t i = 0; i < sizeof eku / sizeof *eku; i++)
		if (oid_is(oid, eku[i]))
			return (int)i;
	return -1;
}

/* net.IP.String() of a 16-byte address. */
static bool inet_ntop_16(const unsigned char *a, char *t, size_t n)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
	if (!memcmp(a, mapped, 12)) {
		snprintf(t, n, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return true;
	}
	return inet_ntop(AF_INET6, a, t, (socklen_t)n) != NULL;
}

typedef struct exts {
	int key_usage;
	bool bc_valid, is_ca, path_zero;
	long max_path;
	const kp_value *ski, *aki;
	kp_value *ext_list, *unhandled, *eku, *unknown_eku, *ocsp, *issuing, *dns, *email, *ips,
		*crl, *policies, *uris;
} exts;

static void general_names(x5 *x, der seq, exts *e, kp_value **uris_into)
{
	der gn;
	int tag;
	while (der_next(&seq, &tag, &gn, NULL)) {
		if (tag == 0x81) {
			push_str(x, &e->email, str(x, (const char *)gn.p, gn.n));
		} else if (tag == 0x82) {
			push_str(x, &e->dns, str(x, (const char *)gn.p, gn.n));
		} else if (tag == 0x86) {
			if (uris_into)
				push_str(x, uris_into, str(x, (const char *)gn.p, gn.n));
			else
				x->unsupported = "URI subject alternative names";
		} else if (tag == 0x87) {
			char t[64];
			if (gn.n == 4)
				snprintf(t, sizeof t, "%u.%u.%u.%u", gn.p[0], gn.p[1], gn.p[2], gn.p[3]);
			else if (gn.n != 16 || !inet_ntop_16(gn.p, t, sizeof t))
				continue;
			push_str(x, &e->ips, str(x, t, strlen(t)));
		}
	}
}

static void parse_ext(x5 *x, der oid, bool critical, der val, exts *e)
{
	der in = val, seq, item, sub;
	int tag;
	bool handled = true;
	if (oid_is(oid, "2.5.29.15")) {            /* key usage */
		der bits;
		if (der_expect(&in, 0x03, &bits, NULL) && bits.n >= 2) {
			int ku = 0;
			for (int i = 0; i < 9; i++) {
				size_t byte = 1 + (size_t)i / 8;
				if (byte < bits.n && (bits.p[byte] & (0x80 >> (i % 8))))
					ku |= 1 << i;
			}
			e->key_usage = ku;
		}
	} else if (oid_is(oid, "2.5.29.19")) {     /* basic constraints */
		if (der_expect(&in, 0x30, &seq, NULL)) {
			e->bc_valid = true;
			e->max_path = -1;
			if (der_expect(&seq, 0x01, &item, NULL))
				e->is_ca = item.n == 1 && item.p[0] != 0;
			if (der_expect(&seq, 0x02, &item, NULL) && item.n <= 4) {
				long v = 0;
				for (size_t i = 0; i < item.n; i++)
					v = v << 8 | item.p[i];
				e->max_path = v;
				e->path_zero = v == 0;
			}
		}
	} else if (oid_is(oid, "2.5.29.14")) {     /* subject key id */
		if (der_expect(&in, 0x04, &item, NULL))
			e->ski = b64(x, item);
	} else if (oid_is(oid, "2.5.29.35")) {     /* authority key id */
		if (der_expect(&in, 0x30, &seq, NULL) && der_expect(&seq, 0x80, &item, NULL))
			e->aki = b64(x, item);
	} else if (oid_is(oid, "2.5.29.17")) {     /* subject alternative names */
		if (der_expect(&in, 0x30, &seq, NULL))
			general_names(x, seq, e, x->drop_uris ? &e->uris : NULL);
	} else if (oid_is(oid, "2.5.29.37")) {     /* extended key usage */
		if (der_expect(&in, 0x30, &seq, NULL))
			while (der_expect(&seq, 0x06, &item, NULL)) {
				int k = ext_key_usage(item);
				if (k >= 0)
					push_str(x, &e->eku, num(x, k));
				else
					push_str(x, &e->unknown_eku, oid_array(x, item));
			}
	} else if (oid_is(oid, "1.3.6.1.5.5.7.1.1")) {  /* authority info access */
		if (der_expect(&in, 0x30, &seq, NULL))
			while (der_expect(&seq, 0x30, &item, NULL)) {
				der method, loc;
				if (!der_expect(&item, 0x06, &method, NULL) || !der_expect(&item, 0x86, &loc, NULL))
					continue;
				const kp_value *u = str(x, (const char *)loc.p, loc.n);
				if (oid_is(method, "1.3.6.1.5.5.7.48.1"))
					push_str(x, &e->ocsp, u);
				else if (oid_is(method, "1.3.6.1.5.5.7.48.2"))
					push_str(x, &e->issuing, u);
			}
	} else if (oid_is(oid, "2.5.29.31")) {     /* CRL distribution points */
		if (der_expect(&in, 0x30, &seq, NULL))
			while (der_expect(&seq, 0x30, &item, NULL)) {
				der dp, full;
				if (der_expect(&item, 0xA0, &dp, NULL) && der_expect(&dp, 0xA0, &full, NULL)) {
					der names = full;
					while (der_next(&names, &tag, &sub, NULL))
						if (tag == 0x86)
							push_str(x, &e->crl, str(x, (const char *)sub.p, sub.n));
				}
			}
	} else if (oid_is(oid, "2.5.29.32")) {     /* certificate policies */
		if (der_expect(&in, 0x30, &seq, NULL))
			while (der_expect(&seq, 0x30, &item, NULL))
				if (der_expect(&item, 0x06, &sub, NULL))
					push_str(x, &e->policies, oid_array(x, sub));
	} else if (oid_is(oid, "2.5.29.30")) {     /* name constraints */
		x->unsupported = "name constraints";
	} else {
		handled = false;
	}
	if (critical && !handled)
		push_str(x, &e->unhandled, oid_array(x, oid));
}

static int malformed(x5 *x) { return fail(x, "x509: malformed certificate"); }

/* The RSA key of a SubjectPublicKeyInfo's content as Kyverno's
 * {N: "<decimal>", E: e}; NULL after failing. */
static const kp_value *rsa_key(x5 *x, der spki)
{
	der alg, algoid, keybits, rsa, n_int, e_int;
	if (!der_expect(&spki, 0x30, &alg, NULL) || !der_expect(&alg, 0x06, &algoid, NULL) ||
	    !oid_is(algoid, "1.2.840.113549.1.1.1")) {
		fail(x, "certificate should use rsa algorithm");
		return NULL;
	}
	if (!der_expect(&spki, 0x03, &keybits, NULL) || keybits.n < 1)
		goto bad;
	keybits.p++;
	keybits.n--;
	if (!der_expect(&keybits, 0x30, &rsa, NULL) || !der_expect(&rsa, 0x02, &n_int, NULL) ||
	    !der_expect(&rsa, 0x02, &e_int, NULL) || e_int.n > 4)
		goto bad;
	long e_val = 0;
	for (size_t i = 0; i < e_int.n; i++)
		e_val = e_val << 8 | e_int.p[i];
	const kp_value *n_v = bn_text(x, n_int, false);
	if (!n_v)
		goto bad;
	kp_value *pk = obj(x);
	set(x, pk, "N", n_v);
	set(x, pk, "E", num(x, (double)e_val));
	return pk;
bad:
	fail(x, "failed to parse subject public key info");
	return NULL;
}

/* One extension SEQUENCE's content into the list and the parsed fields. */
static void one_ext(x5 *x, der one, exts *e)
{
	der oid, crit, val;
	bool critical = false;
	if (!der_expect(&one, 0x06, &oid, NULL))
		return;
	if (der_expect(&one, 0x01, &crit, NULL))
		critical = crit.n == 1 && crit.p[0] != 0;
	if (!der_expect(&one, 0x04, &val, NULL))
		return;
	kp_value *eo = obj(x);
	set(x, eo, "Id", oid_array(x, oid));
	set(x, eo, "Critical", boolean(x, critical));
	set(x, eo, "Value", b64(x, val));
	push_str(x, &e->ext_list, eo);
	parse_ext(x, oid, critical, val, e);
}

static void set_san(x5 *x, kp_value *o, const exts *e)
{
	set(x, o, "DNSNames", e->dns);
	set(x, o, "EmailAddresses", e->email);
	set(x, o, "IPAddresses", e->ips);
	if (!x->drop_uris)
		set(x, o, "URIs", NULL);
}

/* big.Int.Int64() of a DER INTEGER, as Kyverno's CEL CertificateOutput
 * holds the serial number: the low 64 bits of the magnitude, signed. */
static const kp_value *serial_int64(x5 *x, der serial)
{
	/* |serial| from the two's complement DER INTEGER, low 64 bits */
	bool neg = serial.n && (serial.p[0] & 0x80);
	uint64_t low = 0, borrow = 1;
	for (size_t i = serial.n; i-- > 0 && serial.n - i <= 8;) {
		unsigned b = serial.p[i];
		if (neg) {   /* magnitude = ~x + 1 */
			b = (~b & 0xFF) + (unsigned)borrow;
			borrow = b >> 8;
			b &= 0xFF;
		}
		low |= (uint64_t)b << (8 * (serial.n - 1 - i));
	}
	int64_t v = neg ? (int64_t)(0 - low) : (int64_t)low;
	return num(x, (double)v);
}

static int decode_cert(x5 *x, const unsigned char *raw, size_t rn, const kp_value **out)
{
	x->drop_uris = x->cel;
	const unsigned char *dp = raw;
	X509 *cert = d2i_X509(NULL, &dp, (long)rn);   /* Go's ParseCertificate checks */
	if (!cert)
		return malformed(x);
	int version = (int)X509_get_version(cert) + 1;
	X509_free(cert);
	der all = {raw, rn}, certseq, tbs, tbs_whole, sigalg, sig;
	if (!der_expect(&all, 0x30, &certseq, NULL) || !der_expect(&certseq, 0x30, &tbs, &tbs_whole) ||
	    !der_expect(&certseq, 0x30, &sigalg, NULL) || !der_expect(&certseq, 0x03, &sig, NULL) ||
	    sig.n < 1)
		return malformed(x);
	der t = tbs, item, serial, issuer_w, subject_w, spki_w, spki, issuer, subject;
	der_expect(&t, 0xA0, &item, NULL);
	if (!der_expect(&t, 0x02, &serial, NULL) || !der_expect(&t, 0x30, &item, NULL) ||
	    !der_expect(&t, 0x30, &issuer, &issuer_w) || !der_expect(&t, 0x30, &item, NULL))
		return malformed(x);
	der validity = item;
	const kp_value *not_before = asn1_time(x, &validity), *not_after = asn1_time(x, &validity);
	if (!not_before || !not_after || !der_expect(&t, 0x30, &subject, &subject_w) ||
	    !der_expect(&t, 0x30, &spki, &spki_w))
		return malformed(x);
	const kp_value *pk = rsa_key(x, spki);
	if (!pk)
		return -1;
	exts e = {0};
	der ext_outer, ext_seq, one;
	int tag;
	while (der_next(&t, &tag, &ext_outer, NULL)) {
		if (tag != 0xA3 || !der_expect(&ext_outer, 0x30, &ext_seq, NULL))
			continue;
		while (der_expect(&ext_seq, 0x30, &one, NULL))
			one_ext(x, one, &e);
	}
	if (x->unsupported)
		return -1;
	const kp_value *iss = name(x, issuer), *sub = name(x, subject);
	const kp_value *serial_v = bn_text(x, serial, true);
	if (!iss || !sub || !serial_v)
		return malformed(x);

	kp_value *o = obj(x);
	set(x, o, "Raw", b64(x, (der){raw, rn}));
	set(x, o, "RawTBSCertificate", b64(x, tbs_whole));
	set(x, o, "RawSubjectPublicKeyInfo", b64(x, spki_w));
	set(x, o, "RawSubject", b64(x, subject_w));
	set(x, o, "RawIssuer", b64(x, issuer_w));
	set(x, o, "Signature", b64(x, (der){sig.p + 1, sig.n - 1}));
	if (!x->cel)
		set(x, o, "SignatureAlgorithm", num(x, sig_alg(sigalg)));
	set(x, o, "PublicKeyAlgorithm", num(x, 1));
	set(x, o, "PublicKey", pk);
	if (!x->cel)
		set(x, o, "Version", num(x, version));
	set(x, o, "SerialNumber", x->cel ? serial_int64(x, serial) : serial_v);
	set(x, o, "Issuer", iss);
	if (!x->cel)
		set(x, o, "Subject", sub);
	set(x, o, "NotBefore", not_before);
	set(x, o, "NotAfter", not_after);
	set(x, o, "KeyUsage", num(x, e.key_usage));
	set(x, o, "Extensions", e.ext_list);
	set(x, o, "ExtraExtensions", NULL);
	if (!x->cel)
		set(x, o, "UnhandledCriticalExtensions", e.unhandled);
	set(x, o, "ExtKeyUsage", e.eku);
	if (!x->cel)
		set(x, o, "UnknownExtKeyUsage", e.unknown_eku);
	set(x, o, "BasicConstraintsValid", boolean(x, e.bc_valid));
	set(x, o, "IsCA", boolean(x, e.is_ca));
	set(x, o, "MaxPathLen", num(x, (double)e.max_path));
	set(x, o, "MaxPathLenZero", boolean(x, e.path_zero));
	if (!x->cel)
		set(x, o, "SubjectKeyId", e.ski);
	set(x, o, "AuthorityKeyId", e.aki);
	set(x, o, "OCSPServer", e.ocsp);
	set(x, o, "IssuingCertificateURL", e.issuing);
	set_san(x, o, &e);
	set(x, o, "PermittedDNSDomainsCritical", boolean(x, false));
	static const char *nc[] = {"PermittedDNSDomains", "ExcludedDNSDomains", "PermittedIPRanges",
				   "ExcludedIPRanges", "PermittedEmailAddresses", "ExcludedEmailAddresses",
				   "PermittedURIDomains", "ExcludedURIDomains"};
	for (size_t i = 0; i < sizeof nc / sizeof *nc; i++)
		set(x, o, nc[i], NULL);
	set(x, o, "CRLDistributionPoints", e.crl);
	set(x, o, "PolicyIdentifiers", e.policies);
	*out = o;
	return 0;
}

/* A value of an attribute as Go's asn1.Unmarshal into interface{} gives
 * it, for the types that occur in requests; NULL for others. */
static const kp_value *asn1_any(x5 *x, int tag, der v)
{
	if (tag == 0x01)
		return boolean(x, v.n == 1 && v.p[0] != 0);
	if (tag == 0x04)
		return b64(x, v);
	if (tag == 0x06)
		return oid_array(x, v);
	if (tag == 0x02)
		return bn_text(x, v, true);
	if (is_string_tag(tag) && tag != 0x1E)
		return asn1_string(x, tag, v);
	return NULL;
}

/* x509.CertificateRequest: attributes that parse as AttributeTypeAndValueSET
 * (others, e.g. challengePassword, are skipped as Go skips them);
 * extensions from the extensionRequest attribute(s). */
static int decode_csr(x5 *x, const unsigned char *raw, size_t rn, const kp_value **out)
{
	const unsigned char *dp = raw;
	X509_REQ *req = d2i_X509_REQ(NULL, &dp, (long)rn);
	if (!req)
		return fail(x, "x509: malformed certificate request");
	X509_REQ_free(req);
	der all = {raw, rn}, seq, info, info_w, sigalg, sig, ver, subject, subject_w, spki, spki_w, attrs;
	if (!der_expect(&all, 0x30, &seq, NULL) || !der_expect(&seq, 0x30, &info, &info_w) ||
	    !der_expect(&seq, 0x30, &sigalg, NULL) || !der_expect(&seq, 0x03, &sig, NULL) || sig.n < 1 ||
	    !der_expect(&info, 0x02, &ver, NULL) || !der_expect(&info, 0x30, &subject, &subject_w) ||
	    !der_expect(&info, 0x30, &spki, &spki_w))
		return fail(x, "x509: malformed certificate request");
	const kp_value *pk = rsa_key(x, spki);
	if (!pk)
		return -1;
	exts e = {0};
	kp_value *attributes = NULL;
	if (der_expect(&info, 0xA0, &attrs, NULL)) {
		der attr, type, values;
		while (der_expect(&attrs, 0x30, &attr, NULL)) {
			if (!der_expect(&attr, 0x06, &type, NULL) || !der_expect(&attr, 0x31, &values, NULL))
				continue;
			bool ext_req = oid_is(type, "1.2.840.113549.1.9.14") ||
				       oid_is(type, "1.3.6.1.4.1.311.2.1.14");
			/* Value [][]AttributeTypeAndValue: every value a SEQUENCE of
			 * SEQUENCEs {OID, value, ...}; else Go skips the attribute */
			kp_value *outer = arr(x);
			bool ok = true;
			der vals = values, one_val;
			int tag;
			while (ok && der_next(&vals, &tag, &one_val, NULL)) {
				der items = one_val, item;
				kp_value *inner = arr(x);
				ok = tag == 0x30;
				while (ok && der_expect(&items, 0x30, &item, NULL)) {
					der item_c = item, aoid, av;
					int atag;
					const kp_value *value;
					ok = der_expect(&item_c, 0x06, &aoid, NULL) && der_next(&item_c, &atag, &av, NULL) &&
					     (value = asn1_any(x, atag, av));
					if (!ok)
						break;
					kp_value *atv = obj(x);
					set(x, atv, "Type", oid_array(x, aoid));
					set(x, atv, "Value", value);
					push(x, inner, atv);
					if (ext_req)
						one_ext(x, item, &e);
				}
				ok = ok && items.n == 0;
				push(x, outer, inner);
			}
			if (ok) {
				kp_value *a = obj(x);
				set(x, a, "Type", oid_array(x, type));
				set(x, a, "Value", outer);
				push_str(x, &attributes, a);
			}
		}
	}
	if (x->unsupported)
		return -1;
	const kp_value *sub = name(x, subject);
	if (!sub)
		return fail(x, "x509: malformed certificate request");
	long version = 0;
	for (size_t i = 0; i < ver.n && i < 4; i++)
		version = version << 8 | ver.p[i];
	kp_value *o = obj(x);
	set(x, o, "Raw", b64(x, (der){raw, rn}));
	set(x, o, "RawTBSCertificateRequest", b64(x, info_w));
	set(x, o, "RawSubjectPublicKeyInfo", b64(x, spki_w));
	set(x, o, "RawSubject", b64(x, subject_w));
	set(x, o, "Version", num(x, (double)version));
	set(x, o, "Signature", b64(x, (der){sig.p + 1, sig.n - 1}));
	set(x, o, "SignatureAlgorithm", num(x, sig_alg(sigalg)));
	set(x, o, "PublicKeyAlgorithm", num(x, 1));
	set(x, o, "PublicKey", pk);
	set(x, o, "Subject", sub);
	set(x, o, "Attributes", attributes);
	set(x, o, "Extensions", e.ext_list);
	set(x, o, "ExtraExtensions", NULL);
	set_san(x, o, &e);
	*out = o;
	return 0;
}

int kp_x509_decode(kp_arena *a, const char *pem, size_t n, bool cel, const kp_value **out,
		   const char **why, const char **unsupported)
{
	x5 x = {.a = a, .cel = cel};
	*unsupported = NULL;
	const char *no_pem = cel ? "failed to decode PEM block" : "invalid certificate";
	/* pem.Decode: the first "-----BEGIN TYPE-----" ... "-----END TYPE-----" */
	const char *s = pem, *end = s + n;
	const char *b = memmem(s, n, "-----BEGIN ", 11);
	*why = no_pem;
	if (!b)
		return -1;
	const char *type = b + 11, *te = memmem(type, (size_t)(end - type), "-----", 5);
	if (!te)
		return -1;
	size_t tl = (size_t)(te - type);
	char endmark[96];
	if (tl > 64)
		return -1;
	int ml = snprintf(endmark, sizeof endmark, "-----END %.*s-----", (int)tl, type);
	const char *body = te + 5, *be = memmem(body, (size_t)(end - body), endmark, (size_t)ml);
	if (!be)
		return -1;
	bool csr = tl == 19 && !memcmp(type, "CERTIFICATE REQUEST", 19);
	if (!csr && (tl != 11 || memcmp(type, "CERTIFICATE", 11))) {
		*why = "PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST";
		return -1;
	}
	/* the body: base64 over lines */
	char *der_bytes;
	size_t rn, bad;
	if (!kp_go_base64_decode(a, body, (size_t)(be - body), &der_bytes, &rn, &bad))
		return -1;
	const unsigned char *raw = (const unsigned char *)der_bytes;
	int rc = csr ? decode_csr(&x, raw, rn, out) : decode_cert(&x, raw, rn, out);
	*why = x.err;
	*unsupported = rc ? x.unsupported : NULL;
	return rc;
}
