/* cel/cel_lib_kyverno_x509.c - Kyverno's x509 library (kyverno/sdk
 * extensions/cel/libs/x509): x509.decode(pem) -> dyn, the first PEM block
 * (a certificate or certificate request, RSA keys only) as Kyverno's
 * decoder returns it, through the decoder JMESPath's x509_decode uses
 * (k8s/x509.c).  A field kpolicy does not reproduce (name constraints)
 * gives an "unsupported: " error value, which kp_cel_eval reports as
 * KP_E_UNSUPPORTED. */
#include "cel/cel_int.h"
#include "k8s/k8s.h"

static cel_val fn_decode(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "x509.decode");
	const kp_value *out;
	const char *why, *unsupported;
	if (kp_x509_decode(c->a, a[0].u.s.p, a[0].u.s.n, true, &out, &why, &unsupported) == 0)
		return cel_from_doc(out, true);
	if (unsupported)
		return cel_err(c, "unsupported: cel function x509.decode (%s)", unsupported);
	return cel_err(c, "%s", why);
}

const cel_builtin cel_lib_kyverno_x509[] = {
	{"x509.decode", 1 | CEL_FN_KYVERNO, 1, 1, fn_decode},
	{NULL, 0, 0, 0, NULL}
};
