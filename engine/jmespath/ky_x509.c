/* ky_x509.c - x509_decode: Kyverno's decoder (k8s/x509.c) as a JMESPath
 * function. */
#include "jmespath/ky_internal.h"

KY_FN(ky_x509_decode)
{
	const kp_value *arg = ARG(0);
	const char *why, *unsupported;
	if (kp_x509_decode(c->arena, arg->u.s.ptr, arg->u.s.len, false, out, &why, &unsupported) == 0)
		return 0;
	if (unsupported)
		return ky_unsupported(c, unsupported);
	return kp_jp_fail(c, KP_JP_E_FUNCTION, "%s", why);
}
