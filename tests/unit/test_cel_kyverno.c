/* Unit tests: Kyverno's pure CEL libraries (engine/cel/cel_lib_kyverno_*.c)
 * in ValidatingPolicy's environment: values from kyverno/sdk's own tests
 * (extensions/cel/libs/<lib>/ tests) and Go's behaviour, the error
 * texts, and the compile-time type checks cel-go makes. */
#include <criterion/criterion.h>

#include "cel_util.h"

/* In ValidatingPolicy's environment (checked, resource numbers as double,
 * Kyverno's libraries), `object` bound to `obj_yaml` (may be NULL). */
static char *ky(const char *expr, const char *obj_yaml)
{
	return cel_run_env(expr, obj_yaml, true, true, true);
}

#define KY_EQ(expr, want) cr_assert_str_eq(ky(expr, NULL), want, "%s", expr)
#define KY_HAS(expr, prefix)                                                      \
	cr_assert(strncmp(ky(expr, NULL), prefix, strlen(prefix)) == 0, "%s gave %s, want %s...", \
		  expr, ky(expr, NULL), prefix)

#define DIGEST "sha256:6aefddb645ee6963afd681b1845c661d0ea4c3b20ab9db86d9e753b203d385f2"

/* Kyverno's test certificate (kyverno/sdk libs/x509/impl_test.go) */
static const char *const test_cert =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIC7TCCAdWgAwIBAgIBADANBgkqhkiG9w0BAQsFADAYMRYwFAYDVQQDDA0qLmt5\n"
	"dmVybm8uc3ZjMB4XDTIyMTAxMDExNDYzMloXDTIzMTAxMDEyNDYzMlowGDEWMBQG\n"
	"A1UEAwwNKi5reXZlcm5vLnN2YzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC\n"
	"ggEBAOKF+2P0Ufp855hpdsGD4lYkd6oU7HZAOWm1XskAMwrdsqWwTNNAinyHRoPQ\n"
	"IbNbGDQ+r6Cggc2mlxHJ90PnC2weHj5otaD17Z+ARZpJZ4HMWkEfFt8sxwo9vuQJ\n"
	"RWihqNwFheowjswoSB1DHnPufrZHfztkMoRx278ZfHaIMdlSTg50ektkNDoHA3OJ\n"
	"sxxw54X3HR1iq6SZwN8xNT0TI6B6BbfAYWMNmKCiZ2iV6kW//XnTEqGd2WcmhuP0\n"
	"SjwO4tCJbj9oV6+Bj/uhFr7J4foErMaodYDBtQs/ul2tcAwSBHfnC2KcLbiZTZsC\n"
	"0Rs0WPJ4YwF/cOsD7Z/RmLs4FHsCAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgKkMA8G\n"
	"A1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFJaK+3Wfnf7rVkYBzMCLSaV56NMqMA0G\n"
	"CSqGSIb3DQEBCwUAA4IBAQDY7F6b+t9BX7098JyGk6zeT39MoLdSv+8IaKXn+m8G\n"
	"yOKn3CZkruko57ycvPd4taC0gggtmUYynFhwPMQr+boNrrK9rat8Jw3yPPsBq/8D\n"
	"/s6tvwxSNXBfPUI5OvNIB/hA5XpJpdHQaCkYm+FWkcJsolkkbSOfVjUjImW26JHB\n"
	"nnPPtR4Y7dx0SVoPS19IC0T5RmdvgqlXj4XbhTnX3QOujVHn8u+wQ8po7EngHDQs\n"
	"+onfkp8ipe0QpEJL1ZdW2LhyDXGKrZ2y8UPZ9wYNzxHWaj1Thu4B9YFdsPUwWqSx\n"
	"n9e+FygpoktlD8YgT7jwgiVKX7Koz++zyvMIdhvRrtgS\n"
	"-----END CERTIFICATE-----\n";

/* made with openssl req -x509 -addext nameConstraints=critical,permitted;DNS:example.com */
static const char *const name_constrained =
	"-----BEGIN CERTIFICATE-----\n"
	"MIICFTCCAX6gAwIBAgIUGPx05Xt9fQ+DNIugNa2JBBSh2y8wDQYJKoZIhvcNAQEL\n"
	"BQAwDTELMAkGA1UEAwwCbmMwHhcNMjYxMjAyMDAxMzI4WhcNMjYxMjAzMDAxMzI4\n"
	"WjANMQswCQYDVQQDDAJuYzCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEA0nlQ\n"
	"nL/GkCBE+K6QqJOPPuou8ho2FZij2pNRgB8+5DWjgMFNa6beCBsxAaShSc/akqrH\n"
	"/+DrDir/Dib3c8LQvGXkrmG6M/7FX1Tx1Fm04p1Fvm/OPJmkDbPQGj0c7xpj7hMB\n"
	"LXBjge3mfnwPPVyHXlr7PcmaP7sJChGzmw0Ybj0CAwEAAaNyMHAwHQYDVR0OBBYE\n"
	"FAaHrif9HiLEjV3uN0neIf4DYdXcMB8GA1UdIwQYMBaAFAaHrif9HiLEjV3uN0ne\n"
	"If4DYdXcMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0eAQH/BBMwEaAPMA2CC2V4YW1w\n"
	"bGUuY29tMA0GCSqGSIb3DQEBCwUAA4GBAD/H1WLKGFb5oE5S0/k6GsfKNCDiGnMC\n"
	"hvibvaUWxzppoMdFMSUt8PUm8OmGuJ7fV6t6+aFjImCYycwttb8AddONApuBJKHr\n"
	"zSU0x36e60eHTzLQ7P2jeYsU3VXpMmL6ROhGw2sblqHjX4exT1qJZf2yS4X/5URM\n"
	"IrRNK+U2JxxP\n"
	"-----END CERTIFICATE-----\n";

/* made with openssl req -x509 -addext subjectAltName=URI:https://example.com/x,DNS:a.example */
static const char *const uri_san =
	"-----BEGIN CERTIFICATE-----\n"
	"MIICIjCCAYugAwIBAgIUBeh0qRCmrabmkmGUKKB0rFhQYcwwDQYJKoZIhvcNAQEL\n"
	"BQAwDDEKMAgGA1UEAwwBdTAeFw0yNjEyMDIwMDEzMjhaFw0yNjEyMDMwMDEzMjha\n"
	"MAwxCjAIBgNVBAMMAXUwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBALJuk/qR\n"
	"oUoDR1tu3WkixSloMy6f1UxYtF0RIg6luAUfOq0vVBd69BKe1lY1S5JLvlstn8xV\n"
	"1XUWyqjCK+ufeu+6oVGQWCpj5H29K9Yq+My4kt0GuXMd/TYBzfeAyTGbscpI7EjH\n"
	"gA92RBoDtK988DuA/AdPfEPHmVS+mH7hQbr7AgMBAAGjgYAwfjAdBgNVHQ4EFgQU\n"
	"Cd2PgBoUqanVLjjoJj12TKxsQrswHwYDVR0jBBgwFoAUCd2PgBoUqanVLjjoJj12\n"
	"TKxsQrswDwYDVR0TAQH/BAUwAwEB/zArBgNVHREEJDAihhVodHRwczovL2V4YW1w\n"
	"bGUuY29tL3iCCWEuZXhhbXBsZTANBgkqhkiG9w0BAQsFAAOBgQCubDaIpR34O+so\n"
	"ORu1/gfYGhCEABP/alr/lQA/nzE1fnViMzLP+3uvxpDWBZGwMUVkule5tOsF+nTX\n"
	"752uxvER3tpFagHNPfiAOWa+dN8pbVsnlRQMgwKh8APu3PQvg6KYLJTzL6vch3LP\n"
	"/RtKHeCKyMN/kC17SIfGPl3FDz4f3w==\n"
	"-----END CERTIFICATE-----\n";

/* A YAML document `cert: <pem>` for `object`. */
static const char *cert_doc(const char *pem)
{
	static char buf[8192];
	size_t k = (size_t)snprintf(buf, sizeof buf, "cert: |\n");
	for (const char *p = pem; *p && k < sizeof buf - 4;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		k += (size_t)snprintf(buf + k, sizeof buf - k, "  %.*s", (int)n, p);
		p += n;
	}
	return buf;
}

Test(cel_kyverno, only_in_the_validating_policy_environment)
{
	/* validate.cel and ValidatingAdmissionPolicy: plain Kubernetes CEL */
	cr_assert_str_eq(cel_run_with("sha256('a')", NULL, true, true),
			 "compile: 1:7: undeclared reference to 'sha256' (in container '')");
	cr_assert_str_eq(cel_run_with("parseImageReference('nginx').tag()", NULL, true, true),
			 "compile: 1:20: undeclared reference to 'parseImageReference' (in container '')");
	cr_assert_str_eq(cel_run_with("'x'.tag()", NULL, true, true),
			 "compile: 1:8: undeclared reference to 'tag' (in container '')");
	KY_EQ("sha256('a') != ''", "true");
}

Test(cel_kyverno, hash)
{
	KY_EQ("sha1('abc')", "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
	KY_EQ("sha256('abc')", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
	KY_EQ("md5('abc')", "\"900150983cd24fb0d6963f7d28e17f72\"");
	KY_EQ("md5('')", "\"d41d8cd98f00b204e9800998ecf8427e\"");
	/* library 1.18's prefixed names */
	KY_EQ("hash.sha1('abc') == sha1('abc') && hash.sha256('') == sha256('') && hash.md5('x') == md5('x')",
	      "true");
	KY_EQ("sha256('héllo') == sha256(string(b'h\\xc3\\xa9llo'))", "true");
	KY_EQ("sha256('a').size()", "64");
	KY_HAS("sha256(1)", "compile: 1:7: found no matching overload for 'sha256' applied to '(int)'");
	KY_HAS("hash.md5(b'x')", "compile: 1:9: found no matching overload for 'hash.md5' applied to '(bytes)'");
	KY_EQ("sha1(dyn(1))", "error: no such overload: sha1");
}

Test(cel_kyverno, image_parts)
{
	/* kyverno/sdk libs/image/lib_test.go */
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').registry()", "\"registry.k8s.io\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').repository()",
	      "\"kube-apiserver-arm64\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').registry().matches('(registry.k8s.io|ghcr.io)')",
	      "true");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:testtag').identifier()", "\"testtag\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').identifier()", "\"latest\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').tag()", "\"latest\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64@" DIGEST "').identifier()",
	      "\"" DIGEST "\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64@" DIGEST "').tag()", "\"\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64@" DIGEST "').digest()", "\"" DIGEST "\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:testtag').digest()", "\"\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').digest()", "\"\"");
	/* tag and digest: a digest reference; the tag read back from the
	 * text (impl.go tagFromTaggedDigestReference, identifierFromReference;
	 * older library versions gave the digest alone) */
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:latest@" DIGEST "').identifier()",
	      "\"latest@" DIGEST "\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:latest@" DIGEST "').tag()", "\"latest\"");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:latest@" DIGEST "').digest()",
	      "\"" DIGEST "\"");
	KY_EQ("parseImageReference('registry.example:5000/repo@" DIGEST "').tag()", "\"\"");
	KY_EQ("parseImageReference('registry.example:5000/repo@" DIGEST "').registry()", "\"registry.example:5000\"");
	/* containsDigest */
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64').containsDigest()", "false");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:latest').containsDigest()", "false");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64@" DIGEST "').containsDigest()", "true");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:latest@" DIGEST "').containsDigest()", "true");
}

Test(cel_kyverno, image_go_containerregistry_rules)
{
	/* Docker Hub: index.docker.io, one-part names under library/ */
	KY_EQ("parseImageReference('nginx').registry()", "\"index.docker.io\"");
	KY_EQ("parseImageReference('nginx').repository()", "\"library/nginx\"");
	KY_EQ("parseImageReference('docker.io/nginx:1.25').registry()", "\"index.docker.io\"");
	KY_EQ("parseImageReference('docker.io/bitnami/nginx').repository()", "\"bitnami/nginx\"");
	/* the registry needs '.' or ':' (localhost alone is a repository part,
	 * unlike Kyverno's JMESPath image parsing) */
	KY_EQ("parseImageReference('localhost/foo').registry()", "\"index.docker.io\"");
	KY_EQ("parseImageReference('localhost/foo').repository()", "\"localhost/foo\"");
	KY_EQ("parseImageReference('localhost:5000/foo/bar:v1').registry()", "\"localhost:5000\"");
	KY_EQ("parseImageReference('localhost:5000/foo/bar:v1').repository()", "\"foo/bar\"");
	/* tags may hold upper case; repositories not; repositories of one
	 * character are refused (2..255) */
	KY_EQ("parseImageReference('ghcr.io/org/app:V1.0_rc').tag()", "\"V1.0_rc\"");
	KY_EQ("isImage('ghcr.io/Org/app')", "false");
	KY_EQ("isImage('a')", "false");
	KY_EQ("isImage('ab')", "true");
	KY_EQ("isImage('registry.k8s.io/kube-apiserver-arm64:latest')", "true");
	KY_EQ("isImage('registry.k8s.io/kube-apiserver-arm64:@')", "false");
	KY_EQ("isImage('nginx@sha256:abc')", "false");
	/* go-containerregistry's weak digest check: 71 of "sh:0-9a-f" */
	KY_EQ("isImage('nginx@sha512:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')", "true");
	KY_EQ("isImage('')", "false");
	KY_EQ("image('ghcr.io/a/b:v1').tag()", "\"v1\"");
	KY_EQ("parseImageReference('nginx') == image('nginx')", "true");
	KY_EQ("parseImageReference('nginx') == parseImageReference('nginx:latest')", "false");
	KY_EQ("type(image('nginx')) == type(image('ghcr.io/x/y'))", "true");
	/* no string form (Kyverno: a type conversion error); printed by type */
	KY_EQ("[image('nginx')]", "[kyverno.image{...}]");
	KY_EQ("string(dyn(image('nginx')))", "error: type conversion error from 'kyverno.image' to 'string'");
	KY_HAS("string(image('nginx'))", "compile: 1:7: found no matching overload for 'string' applied to '(kyverno.image)'");
	KY_HAS("size(parseServiceAccount('x'))", "compile: 1:5: found no matching overload for 'size' applied to '(user.ServiceAccount)'");
	KY_EQ("parseImageReference('registry.k8s.io/kube-apiserver-arm64:@')",
	      "error: could not parse reference: registry.k8s.io/kube-apiserver-arm64:@");
	KY_HAS("parseImageReference('https://ghcr.io/a/b')",
	       "error: image reference must not contain a URL scheme (http:// or https://): https://ghcr.io/a/b");
}

Test(cel_kyverno, image_types_checked)
{
	KY_HAS("isImage(0)", "compile: 1:8: found no matching overload for 'isImage' applied to '(int)'");
	KY_HAS("'nginx'.registry()", "compile: 1:17: found no matching overload for 'registry' applied to 'string.()'");
	KY_HAS("image('nginx') == 'nginx'", "compile:");
	KY_EQ("parseImageReference('nginx').tag() + '!'", "\"latest!\"");
	/* a dyn receiver type-checks; at run time it must be an image */
	KY_EQ("dyn('nginx').tag()", "error: no such overload: tag");
}

Test(cel_kyverno, parse_service_account)
{
	/* kyverno/sdk libs/user/impl_test.go */
	KY_EQ("parseServiceAccount('system:serviceaccount:foo:bar') == user.parseServiceAccount('system:serviceaccount:foo:bar')",
	      "true");
	KY_EQ("parseServiceAccount('system:serviceaccount:foo:bar')", "user.ServiceAccount{...}");
	KY_EQ("parseServiceAccount('system:serviceaccount:foo:bar').Namespace", "\"foo\"");
	KY_EQ("parseServiceAccount('system:serviceaccount:foo:bar:baz').Name", "\"bar:baz\"");
	KY_EQ("parseServiceAccount('something-else:123').Name", "\"\"");
	KY_EQ("parseServiceAccount('system:serviceaccount:foo').Namespace", "\"\"");
	KY_EQ("user.parseServiceAccount('system:serviceaccount:ns:sa').Namespace", "\"ns\"");
	/* the Go struct's fields, typed: others are compile errors */
	KY_EQ("parseServiceAccount('system:serviceaccount:a:b').Namespace + '/' + parseServiceAccount('system:serviceaccount:a:b').Name",
	      "\"a/b\"");
	KY_HAS("parseServiceAccount('x').name", "compile: 1:25: undefined field 'name'");
	KY_HAS("parseServiceAccount(false)", "compile: 1:20: found no matching overload for 'parseServiceAccount' applied to '(bool)'");
	KY_HAS("parseServiceAccount('x').Name == 1", "compile:");
	/* cel-go on a native struct: has() and .? test for a non-zero field */
	KY_EQ("has(parseServiceAccount('x').Name)", "false");
	KY_EQ("has(parseServiceAccount('system:serviceaccount:a:b').Name)", "true");
	KY_EQ("parseServiceAccount('x').?Name", "optional.none()");
	KY_EQ("parseServiceAccount('system:serviceaccount:a:b').?Name", "optional.of(\"b\")");
	KY_EQ("parseServiceAccount('x') == parseServiceAccount('y')", "true");
	/* json.marshal writes the struct's JSON tags, omitempty */
	KY_EQ("json.marshal(parseServiceAccount('system:serviceaccount:a:b'))",
	      "\"{\\\"name\\\":\\\"b\\\",\\\"namespace\\\":\\\"a\\\"}\"");
	KY_EQ("json.marshal(parseServiceAccount('x'))", "\"{}\"");
}

Test(cel_kyverno, math_round)
{
	KY_EQ("math.round(3.14159, 2)", "3.14");
	KY_EQ("math.round(1.005, 2)", "1.0");       /* 100.49999999999999: as Go */
	KY_EQ("math.round(2.675, 2)", "2.68");
	KY_EQ("math.round(-2.5, 0)", "-3.0");       /* half away from zero */
	KY_EQ("math.round(1234.5, -2)", "1200.0");
	KY_EQ("math.round(2.5)", "3.0");            /* cel-go's one-argument form stays */
	KY_HAS("math.round(1, 2)", "compile: 1:11: found no matching overload for 'math.round' applied to '(int, int)'");
	KY_EQ("math.round(dyn(1), 2)", "error: no such overload: math.round");
}

Test(cel_kyverno, time)
{
	KY_EQ("time.toCron(timestamp('2024-03-05T07:08:09Z'))", "\"8 7 5 3 2\"");
	KY_EQ("time.toCron(timestamp('2023-01-01T00:00:00Z'))", "\"0 0 1 1 0\"");
	KY_EQ("time.truncate(timestamp('2024-03-05T07:08:09.5Z'), duration('1h'))", "timestamp(\"2024-03-05T07:00:00Z\")");
	/* Go counts from year 1 (a Monday): a week truncates to a Monday */
	KY_EQ("time.truncate(timestamp('2024-03-05T07:08:09Z'), duration('168h'))", "timestamp(\"2024-03-04T00:00:00Z\")");
	KY_EQ("time.truncate(timestamp('2024-03-05T07:08:09Z'), duration('-1h'))", "timestamp(\"2024-03-05T07:08:09Z\")");
	KY_EQ("time.now() > timestamp('2024-01-01T00:00:00Z') && type(time.now()) == google.protobuf.Timestamp", "true");
	KY_EQ("time.now() - duration('4380h') < time.now()", "true");
	KY_HAS("time.truncate(timestamp('2024-03-05T07:08:09Z'), 1)", "compile: 1:14: found no matching overload for 'time.truncate'");
	KY_HAS("time.toCron('2024')", "compile:");
}

Test(cel_kyverno, list_obj_to_map)
{
	KY_EQ("listObjToMap([{'name': 'a'}, {'name': 'b'}], [{'v': 1}, {'v': 2}], 'name', 'v')", "{\"a\": 1, \"b\": 2}");
	KY_EQ("transform.listObjToMap([{'k': 'x'}, {'k': 'x'}], [{'v': 'first'}, {'v': 'last'}], 'k', 'v')",
	      "{\"x\": \"last\"}");
	KY_EQ("listObjToMap([{'k': 'x'}], [{'other': 1}], 'k', 'v')", "{\"x\": null}");
	KY_EQ("listObjToMap([], [], 'k', 'v')", "{}");
	KY_EQ("listObjToMap([{'k': 'x'}], [], 'k', 'v')",
	      "error: listObjToMap must take lists of equal length. list1: 1, list2: 0");
	KY_EQ("listObjToMap([{'k': 1}], [{'v': 1}], 'k', 'v')",
	      "error: the passed key name cannot be handled as a string in the key object list");
	KY_EQ("listObjToMap([dyn('s')], [{'v': 1}], 'k', 'v')", "error: object cannot be handled as a map, string");
	KY_EQ("listObjToMap([{'k': 'x'}], [dyn(1)], 'k', 'v')",
	      "error: object cannot be handled as a map string to any in the value object list");
	KY_HAS("listObjToMap([], [], 1, 'v')", "compile: 1:13: found no matching overload for 'listObjToMap'");
}

Test(cel_kyverno, json_and_yaml)
{
	KY_EQ("json.unmarshal('{\"a\": [1, 2.5, null, true]}')", "{\"a\": [1.0, 2.5, null, true]}");
	KY_EQ("json.unmarshal(' \"s\" ')", "\"s\"");
	KY_EQ("json.unmarshal('')", "error: unexpected end of JSON input");
	/* Go's scanner errors */
	KY_EQ("json.unmarshal('{')", "error: unexpected end of JSON input");
	KY_EQ("json.unmarshal('x')", "error: invalid character 'x' looking for beginning of value");
	KY_EQ("json.unmarshal('{\"a\" 1}')", "error: invalid character '1' after object key");
	KY_EQ("json.unmarshal('{1:2}')", "error: invalid character '1' looking for beginning of object key string");
	KY_EQ("json.unmarshal('{\"a\":1 \"b\"}')", "error: invalid character '\"' after object key:value pair");
	KY_EQ("json.unmarshal('[1 2]')", "error: invalid character '2' after array element");
	KY_EQ("json.unmarshal('[1,]')", "error: invalid character ']' looking for beginning of value");
	KY_EQ("json.unmarshal('01')", "error: invalid character '1' after top-level value");
	KY_EQ("json.unmarshal('trux')", "error: invalid character 'x' in literal true (expecting 'e')");
	KY_EQ("json.unmarshal('\"a\\\\x\"')", "error: invalid character 'x' in string escape code");
	KY_EQ("json.unmarshal('1.x')", "error: invalid character 'x' after decimal point in numeric literal");
	KY_EQ("json.unmarshal(\"'\")", "error: invalid character '\\'' looking for beginning of value");
	KY_EQ("json.unmarshal('\\x01')", "error: invalid character '\\x01' looking for beginning of value");
	KY_EQ("json.unmarshal(dyn(1))", "error: type conversion error from 'int' to 'string'");
	/* kyverno/sdk libs/json/impl_test.go TestMarshalCELIntegration */
	KY_EQ("json.marshal({'key': 'value'})", "\"{\\\"key\\\":\\\"value\\\"}\"");
	KY_EQ("json.marshal([1, 2, 3])", "\"[1,2,3]\"");
	KY_EQ("json.marshal('hello')", "\"\\\"hello\\\"\"");
	KY_EQ("json.marshal(null)", "\"null\"");
	KY_EQ("json.marshal(json.unmarshal('{\"a\":\"b\"}'))", "\"{\\\"a\\\":\\\"b\\\"}\"");
	KY_EQ("json.marshal(dyn({'str': dyn('foo'), 'nested': dyn({'arr': dyn([]), 'bol': dyn(true), "
	      "'nil': dyn(null), 'num': dyn(1), 'str': dyn('bar')})}))",
	      "\"{\\\"nested\\\":{\\\"arr\\\":[],\\\"bol\\\":true,\\\"nil\\\":null,\\\"num\\\":1,\\\"str\\\":\\\"bar\\\"},\\\"str\\\":\\\"foo\\\"}\"");
	/* Go's json: HTML-safe strings, floats, bytes as base64 */
	KY_EQ("json.marshal('<a&b>')", "\"\\\"\\\\u003ca\\\\u0026b\\\\u003e\\\"\"");
	KY_EQ("json.marshal([2.5, 1e21, 0.000001, 3.0])", "\"[2.5,1e+21,0.000001,3]\"");
	KY_EQ("json.marshal(b'foo')", "\"\\\"Zm9v\\\"\"");
	KY_EQ("json.marshal(timestamp('2024-01-02T03:04:05.5Z'))", "\"\\\"2024-01-02T03:04:05.5Z\\\"\"");
	KY_EQ("json.marshal(duration('1s'))", "\"1000000000\"");
	KY_EQ("json.marshal(1.0 / 0.0)", "error: json: unsupported value: +Inf");
	KY_HAS("json.marshal({1: 'a'})", "error: json: failed to convert CEL map to native map");
	/* what Go's reflection makes of other library values: not reproduced */
	KY_EQ("json.marshal([image('nginx')])", "error: unsupported: cel function json.marshal (a kyverno.image value)");
	/* yaml.parse: sigs.k8s.io/yaml, the first document, numbers as JSON's */
	KY_EQ("yaml.parse('a: 1\\nb: [x, \"y\"]')", "{\"a\": 1.0, \"b\": [\"x\", \"y\"]}");
	KY_EQ("yaml.parse('a: 1\\n---\\nb: 2')", "{\"a\": 1.0}");
	KY_EQ("yaml.parse('')", "null");
	KY_HAS("yaml.parse('a: [')", "error: error converting YAML to JSON: ");
	KY_HAS("yaml.parse(1)", "compile: 1:11: found no matching overload for 'yaml.parse' applied to '(int)'");
}

Test(cel_kyverno, gzip)
{
	/* printf 'abc' | gzip -n | base64 */
	KY_EQ("gzip.decompress(base64.decode('H4sIAAAAAAAAA0tMSgYAwkEkNQMAAAA='))", "\"abc\"");
	KY_EQ("gzip.decompress(base64.decode('H4sIAAAAAAAAAwMAAAAAAAAAAAA='))", "\"\"");
	/* concatenated members are read on, as Go's multistream reader */
	KY_EQ("gzip.decompress(base64.decode('H4sIAAAAAAAAA0tMAgBtSIOeAgAAAB+LCAAAAAAAAANLTgEA2o/WRQIAAAA='))", "\"abcd\"");
	KY_EQ("gzip.decompress(b'')", "error: EOF");
	KY_EQ("gzip.decompress(b'not gzip at all')", "error: gzip: invalid header");
	KY_EQ("gzip.decompress(base64.decode('H4sIAAAAAAAAA8tIzcnJ'))", "error: unexpected EOF");
	/* a flipped CRC bit */
	KY_EQ("gzip.decompress(base64.decode('H4sIAAAAAAAAA8tIzcnJBwCHphA2BQAAAA=='))", "error: gzip: invalid checksum");
	KY_HAS("gzip.decompress('x')", "compile: 1:16: found no matching overload for 'gzip.decompress' applied to '(string)'");
	/* Go's compress/flate bytes are not zlib's: unsupported, not wrong */
	KY_EQ("gzip.compress('x')", "compile: 1:14: unsupported: cel function gzip.compress");
}

Test(cel_kyverno, random)
{
	KY_EQ("random().matches('^[0-9a-z]{8}$') && random.random().size() == 8", "true");
	KY_EQ("random() != random() || random() != random()", "true");
	KY_EQ("random('[a-z]{4}')", "compile: 1:7: unsupported: cel function random");
	KY_EQ("random.random('x')", "compile: 1:14: unsupported: cel function random.random");
}

Test(cel_kyverno, x509_decode)
{
	const char *doc = cert_doc(test_cert);
	/* kyverno/sdk libs/x509/impl_test.go */
	cr_assert_str_eq(ky("[x509.decode(object.cert).IsCA, x509.decode(object.cert).BasicConstraintsValid]", doc),
			 "[true, true]");
	cr_assert_str_eq(ky("x509.decode(object.cert).KeyUsage", doc), "37.0");
	cr_assert_str_eq(ky("x509.decode(object.cert).SerialNumber", doc), "0.0");
	cr_assert_str_eq(ky("x509.decode(object.cert).PublicKeyAlgorithm", doc), "1.0");
	cr_assert_str_eq(ky("x509.decode(object.cert).MaxPathLen", doc), "-1.0");
	cr_assert_str_eq(ky("x509.decode(object.cert).MaxPathLenZero", doc), "false");
	cr_assert_str_eq(ky("x509.decode(object.cert).NotBefore", doc), "\"2022-10-10T11:46:32Z\"");
	cr_assert_str_eq(ky("x509.decode(object.cert).NotAfter", doc), "\"2023-10-10T12:46:32Z\"");
	cr_assert_str_eq(ky("x509.decode(object.cert).Issuer.CommonName", doc), "\"*.kyverno.svc\"");
	cr_assert_str_eq(ky("x509.decode(object.cert).Issuer.SerialNumber", doc), "\"\"");
	cr_assert_str_eq(ky("x509.decode(object.cert).PublicKey.E", doc), "65537.0");
	cr_assert_str_eq(ky("x509.decode(object.cert).PublicKey.N.startsWith('285959259059622234245209')", doc), "true");
	cr_assert_str_eq(ky("size(x509.decode(object.cert).Extensions)", doc), "3");
	cr_assert_str_eq(ky("x509.decode(object.cert).Extensions[0].Critical", doc), "true");
	/* Kyverno's CertificateOutput: 37 fields, no Subject, Version, URIs */
	cr_assert_str_eq(ky("size(x509.decode(object.cert))", doc), "37");
	cr_assert_str_eq(ky("['Subject', 'Version', 'URIs', 'SignatureAlgorithm'].exists(k, k in x509.decode(object.cert))", doc),
			 "false");
	/* URI names: not in CEL's output, so decoded; name constraints: not
	 * reproduced, an unsupported evaluation */
	cr_assert_str_eq(ky("x509.decode(object.cert).DNSNames", cert_doc(uri_san)), "[\"a.example\"]");
	cr_assert_str_eq(ky("x509.decode(object.cert).IsCA", cert_doc(name_constrained)),
			 "error: unsupported: cel function x509.decode (name constraints)");
	KY_EQ("x509.decode('not a valid PEM')", "error: failed to decode PEM block");
	KY_EQ("x509.decode('-----BEGIN KEY-----\\nAA==\\n-----END KEY-----\\n')",
	      "error: PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST");
	KY_HAS("x509.decode(1)", "compile: 1:12: found no matching overload for 'x509.decode' applied to '(int)'");
}
