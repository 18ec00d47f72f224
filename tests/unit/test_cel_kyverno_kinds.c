/* Unit tests: Kyverno's CEL libraries by policy kind - declared for
 * ValidatingPolicy, absent from validate.cel (Kubernetes' environment),
 * and what kpolicy does not reproduce reported unsupported, at compile
 * time or per row (engine/policy/vpol.c, engine/cel/cel_lib_kyverno_*.c). */
#include <criterion/criterion.h>

#include "doc_util.h"
#include "policy/policy_cel.h"
#include "rows_util.h"

static const char *const pod =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: team-a}\n"
	"spec:\n  containers: [{name: c, image: 'nginx:1.25'}]\n";

/* A ValidatingPolicy (vpol) or a validate.cel ClusterPolicy with one
 * expression, evaluated on the pod: its rows, or none and
 * unsupported[0] the policy's reason when kpolicy refuses it. */
static rows run(bool vpol, const char *expr, const char *extra_resource_yaml)
{
	char policy[4096];
	if (vpol)
		snprintf(policy, sizeof policy,
			 "apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: p}\nspec:\n"
			 "  matchConstraints:\n    resourceRules:\n"
			 "    - {apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE]}\n"
			 "  validations:\n  - expression: \"%s\"\n", expr);
	else
		snprintf(policy, sizeof policy,
			 "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n"
			 "  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"
			 "    validate:\n      cel:\n        expressions:\n        - expression: \"%s\"\n", expr);
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);
	kp_error err;
	kp_doc *pd = doc_of(policy);
	int added = kp_policy_set_add(ps, pd, &err);
	kp_doc_free(pd);
	rows w = {0};
	cr_assert_eq(added, 1, "%s", err.msg);
	const char *why = kp_policy_unsupported(kp_policy_set_at(ps, 0));
	if (why) {
		snprintf(w.unsupported[0], sizeof w.unsupported[0], "%s", why);
		kp_policy_set_free(ps);
		return w;
	}
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(extra_resource_yaml ? extra_resource_yaml : pod);
	kp_doc_normalize_resource(d);
	cr_assert_geq(kp_evaluate(NULL, ps, d, NULL, collect, &w, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	kp_policy_set_free(ps);
	return w;
}

Test(cel_kyverno_kinds, validating_policy_has_the_libraries)
{
	rows w = run(true, "parseImageReference(object.spec.containers[0].image).repository() == 'library/nginx'", NULL);
	cr_assert_eq(w.n, 1);
	cr_assert_eq(w.status[0], KP_STATUS_PASS, "%s", w.message[0]);
	w = run(true, "sha256(object.metadata.name) == 'x'", NULL);
	cr_assert_eq(w.status[0], KP_STATUS_FAIL, "%s", w.message[0]);
	/* a library's run-time error is an error row, as any */
	w = run(true, "parseImageReference('ghcr.io/A/b').tag() == 'latest'", NULL);
	cr_assert_eq(w.status[0], KP_STATUS_ERROR);
	cr_assert_str_eq(w.message[0], "error: could not parse reference: ghcr.io/A/b");
}

Test(cel_kyverno_kinds, validate_cel_does_not)
{
	/* Kubernetes' environment: an undeclared function, a compile error
	 * that fails every resource */
	rows w = run(false, "sha256(object.metadata.name) != ''", NULL);
	cr_assert_eq(w.n, 1);
	cr_assert_eq(w.status[0], KP_STATUS_FAIL);
	cr_assert(strstr(w.message[0], "undeclared reference to 'sha256'"), "%s", w.message[0]);
}

Test(cel_kyverno_kinds, unsupported_functions)
{
	rows w = run(true, "size(gzip.compress(object.metadata.name)) > 0", NULL);
	cr_assert_eq(w.n, 0);
	cr_assert_str_eq(w.unsupported[0], "cel function gzip.compress");
	w = run(true, "random('[a-z]{3}') != ''", NULL);
	cr_assert_str_eq(w.unsupported[0], "cel function random");
}

/* made with openssl req -x509 -addext nameConstraints=critical,permitted;DNS:example.com */
static const char *const constrained_pod =
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: team-a\n  annotations:\n    cert: |\n"
	"      -----BEGIN CERTIFICATE-----\n"
	"      MIICFTCCAX6gAwIBAgIUGPx05Xt9fQ+DNIugNa2JBBSh2y8wDQYJKoZIhvcNAQEL\n"
	"      BQAwDTELMAkGA1UEAwwCbmMwHhcNMjYxMjAyMDAxMzI4WhcNMjYxMjAzMDAxMzI4\n"
	"      WjANMQswCQYDVQQDDAJuYzCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEA0nlQ\n"
	"      nL/GkCBE+K6QqJOPPuou8ho2FZij2pNRgB8+5DWjgMFNa6beCBsxAaShSc/akqrH\n"
	"      /+DrDir/Dib3c8LQvGXkrmG6M/7FX1Tx1Fm04p1Fvm/OPJmkDbPQGj0c7xpj7hMB\n"
	"      LXBjge3mfnwPPVyHXlr7PcmaP7sJChGzmw0Ybj0CAwEAAaNyMHAwHQYDVR0OBBYE\n"
	"      FAaHrif9HiLEjV3uN0neIf4DYdXcMB8GA1UdIwQYMBaAFAaHrif9HiLEjV3uN0ne\n"
	"      If4DYdXcMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0eAQH/BBMwEaAPMA2CC2V4YW1w\n"
	"      bGUuY29tMA0GCSqGSIb3DQEBCwUAA4GBAD/H1WLKGFb5oE5S0/k6GsfKNCDiGnMC\n"
	"      hvibvaUWxzppoMdFMSUt8PUm8OmGuJ7fV6t6+aFjImCYycwttb8AddONApuBJKHr\n"
	"      zSU0x36e60eHTzLQ7P2jeYsU3VXpMmL6ROhGw2sblqHjX4exT1qJZf2yS4X/5URM\n"
	"      IrRNK+U2JxxP\n"
	"      -----END CERTIFICATE-----\n"
	"spec:\n  containers: [{name: c, image: 'nginx:1.25'}]\n";

Test(cel_kyverno_kinds, what_a_library_does_not_reproduce_is_an_unsupported_row)
{
	rows w = run(true, "x509.decode(object.metadata.annotations.cert).IsCA == true", constrained_pod);
	cr_assert_eq(w.n, 1);
	cr_assert_str_eq(w.unsupported[0], "cel function x509.decode (name constraints)");
	/* absorbed by || like any error: the row does not depend on it */
	w = run(true, "true || x509.decode(object.metadata.annotations.cert).IsCA == true", constrained_pod);
	cr_assert_eq(w.status[0], KP_STATUS_PASS);
	cr_assert_str_eq(w.unsupported[0], "");
}
