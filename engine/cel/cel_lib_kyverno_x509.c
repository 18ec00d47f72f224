/* cel/cel_lib_kyverno_x509.c - Kyverno's x509 library (kyverno/sdk
 * extensions/cel/libs/x509): x509.decode(pem). */
#include "cel/cel_int.h"

const cel_builtin cel_lib_kyverno_x509[] = {
	{NULL, 0, 0, 0, NULL}
};
