/*
 * k8s/k8s.h - Kubernetes and Go knowledge shared by the evaluators
 * (private): wildcards, durations, quantities, Go number and value
 * formatting.
 */
#ifndef KP_K8S_H
#define KP_K8S_H

#include "value/value.h"

/* ------------------------------------------------------------------------
 * Wildcards (ext/wildcard = IGLOU-EU/go-wildcard v1.0.3)
 * ---------------------------------------------------------------------- */

/* True if s contains `*` or `?` (Kyverno's wildcard.ContainsWildcard). */
bool kp_wildcard_has(const char *s, size_t len);

/* ------------------------------------------------------------------------
 * Go time.ParseDuration
 * ---------------------------------------------------------------------- */

/* Parse s (len bytes) as Go's time.ParseDuration does ("300ms", "1.5h",
 * "2h45m", "-1m", "0"; units ns us µs μs ms s m h, a unit is required
 * except for a bare 0).  Stores nanoseconds in *ns.  False if Go would
 * return an error (syntax, unknown unit, overflow). */
bool kp_duration_parse(const char *s, size_t len, int64_t *ns);

/* ------------------------------------------------------------------------
 * Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource)
 * ---------------------------------------------------------------------- */

/* An exact decimal value coef * 10^exp with sign; coef has no trailing
 * zeros (0 is coef 0, sign 0).  Large enough for every value
 * resource.ParseQuantity produces, including its int64 fast path. */
typedef struct kp_quantity {
	int sign;                 /* -1, 0, 1 */
	unsigned __int128 coef;
	int64_t exp;
	/* What Go keeps besides the value (set by kp_quantity_parse): the
	 * Format (KP_QF_*, from the suffix) and the scale of AsDec() (decimal
	 * places of Go's internal form: 9 on Go's slow path). */
	int format;
	int32_t scale;
	/* Decimal values past 38 significant digits (Go keeps them exactly):
	 * coef holds the first 38, tail is non-zero and identifies the rest. */
	uint64_t tail;
} kp_quantity;

/* resource.Format */
enum { KP_QF_DECIMAL_SI = 0, KP_QF_BINARY_SI, KP_QF_DECIMAL_EXPONENT };

/* Parse as resource.ParseQuantity: [+-] digits [. digits] then a suffix:
 * Ki Mi Gi Ti Pi Ei, n u m "" k M G T P E, or e/E followed by a signed
 * integer.  Values that Go rounds (more precision than nano) are rounded
 * up to 1n, and binary (Ki..Ei) values past 2^63-1 are capped there, as Go
 * does on its slow path (apimachinery caps BinarySI only: a decimal value
 * of any size stays exact).  False when Go returns an error. */
bool kp_quantity_parse(const char *s, size_t len, kp_quantity *q);
/* Move trailing zeros of coef into exp (zero: sign 0, exp 0). */
void kp_quantity_normalize(kp_quantity *q);
/* Decimal digits of v into buf (>= 40 bytes), no NUL; returns the count. */
size_t kp_u128_digits(unsigned __int128 v, char *buf);
/* -1, 0, 1 as Quantity.Cmp. */
int kp_quantity_cmp(const kp_quantity *a, const kp_quantity *b);
/* Quantity.String() of value q in q->format (quantity_format.c): the
 * canonical form, e.g. "25Ki", "12301", "1500k", "-900m", "1e3", "0".
 * Writes at most 64 bytes plus a NUL into buf; returns the length. */
size_t kp_quantity_string(const kp_quantity *q, char *buf);
/* Go's AsApproximateFloat64. */
double kp_quantity_float(const kp_quantity *q);

/* Go's Duration.String(): "1h0m0s", "1m40s", "1.5s", "500ms", "0s", "-1s"
 * (duration_format.c).  buf >= 32 bytes; returns the length. */
size_t kp_duration_string(int64_t ns, char *buf);

/* ------------------------------------------------------------------------
 * Go formatting (gofmt.c)
 * ---------------------------------------------------------------------- */

/* strconv.FormatFloat(f, 'E', -1, 64): shortest round-trip digits,
 * "1E+00", "1.5E+00", "8.08E+03".  Returns the length written (buf >= 32). */
size_t kp_go_float_E(double f, char *buf, size_t n);
/* fmt.Sprintf("%f", f): "3.100000". */
size_t kp_go_float_f(double f, char *buf, size_t n);
/* fmt's %v for a float64 (%g with shortest digits): "8", "1e+06", "0.5". */
size_t kp_go_float_v(double f, char *buf, size_t n);

/* Go's encoding/json text (gojson.c): a float64 (shortest digits, plain
 * for 1e-6 <= |f| < 1e21, else "1e+21"; NaN and infinities, which Go
 * refuses, as null), and a quoted string (`go`: also Go's HTML-safe
 * escapes of < > & and U+2028/U+2029). */
void kp_go_json_float(kp_buf *sb, double f);
void kp_go_json_string(kp_buf *sb, const char *s, size_t n, bool go);
/* The error Go's json.Unmarshal gives for the text s[0..n) that is not
 * JSON, its scanner's ("invalid character 'x' looking for beginning of
 * value", "unexpected end of JSON input"), into msg (mn bytes). */
void kp_go_json_syntax_error(const char *s, size_t n, char *msg, size_t mn);

/* Go's base64.StdEncoding (gobase64.c): encoding with padding into a
 * (NUL-terminated, *out_len bytes); decoding with padding required, \r and
 * \n skipped, false with *bad_at the offending input byte otherwise. */
char *kp_go_base64_encode(kp_arena *a, const unsigned char *s, size_t len, size_t *out_len);
bool kp_go_base64_decode(kp_arena *a, const char *str, size_t len, char **out,
			 size_t *out_len, size_t *bad_at);

/* Kyverno's x509 decoding of PEM text pem[0..n) (x509.c): JMESPath's
 * x509_decode (cel false) or CEL's x509.decode (cel true) as a document in
 * a (numbers as Go's JSON decoding gives them).  0 with *out; -1 with *why
 * Kyverno's message, or *unsupported naming a field kpolicy does not
 * reproduce (*why NULL then). */
int kp_x509_decode(kp_arena *a, const char *pem, size_t n, bool cel, const kp_value **out,
		   const char **why, const char **unsupported);

/* Append Go's fmt %v rendering of a decoded JSON value to *sb: nil "<nil>",
 * maps "map[k:v ...]" with sorted keys, lists "[a b]", numbers as int64 /
 * float64.  `as_pattern` renders integers as float64, as Kyverno's patterns
 * hold only floats.  Output is cut after `limit` bytes (with "..."), as
 * messages are for humans. */
void kp_go_format_value(kp_buf *sb, const kp_value *v, bool as_pattern,
			size_t limit);
/* Go's %T of a decoded JSON value: "map[string]interface {}",
 * "[]interface {}", "string", "int64", "float64", "bool", "<nil>". */
const char *kp_go_type_name(const kp_value *v, bool as_pattern);

/* ------------------------------------------------------------------------
 * Semantic versions (semver.c), strict as blang/semver's Parse
 * ---------------------------------------------------------------------- */
typedef struct kp_semver {
	uint64_t major, minor, patch;
	const char *pre;             /* pre-release (borrowed), or NULL */
	size_t pre_len;
} kp_semver;
/* False for anything Parse rejects ("v1.2.3", "1.2", "01.2.3", ...). */
bool kp_semver_parse(const char *s, size_t n, kp_semver *v);
/* -1, 0, 1 by SemVer precedence (build metadata ignored). */
int kp_semver_cmp(const kp_semver *a, const kp_semver *b);

/* ------------------------------------------------------------------------
 * Container image references (image_ref.c)
 * ---------------------------------------------------------------------- */

/* The parts of an image reference as Kyverno's image.GetImageInfo gives
 * them (pkg/utils/image; docs/kyverno-rules.md §4.7): pointers into the
 * parsed text or into the arena (registry is NULL when there is none),
 * not NUL-terminated.  tag is "latest" when neither tag nor digest. */
typedef struct kp_image_ref {
	const char *registry, *path, *name, *tag, *digest;
	size_t registry_len, path_len, name_len, tag_len, digest_len;
} kp_image_ref;

/* Parse s (n bytes).  `default_registry` ("docker.io") is prefixed as
 * Kyverno's addDefaultRegistry does (mutation on).  Allocates in a only
 * when it prefixes.  False for what distribution/reference rejects, with
 * *why its message ("invalid reference format", ...). */
bool kp_image_ref_parse(const char *s, size_t n, const char *default_registry,
			kp_arena *a, kp_image_ref *out, const char **why);

#endif /* KP_K8S_H */
