/* Unit tests: the k8s/ helpers Kyverno's functions rest on: image
 * references (Kyverno's pkg/utils/image cases), Quantity.String() and
 * Duration.String(). */
#include <criterion/criterion.h>
#include <string.h>

#include "k8s/k8s.h"

static void check_image(const char *img, const char *registry, const char *path,
			const char *name, const char *tag, const char *digest)
{
	kp_arena *a = kp_arena_new();
	kp_image_ref r;
	const char *why;
	cr_assert(kp_image_ref_parse(img, strlen(img), "docker.io", a, &r, &why), "%s: %s", img, why);
#define PART(f, want) \
	cr_assert_eq(r.f##_len, want ? strlen(want) : 0, "%s: " #f " %.*s", img, (int)r.f##_len, \
		     r.f ? r.f : ""); \
	if (want) \
		cr_assert(!memcmp(r.f, want, r.f##_len), "%s: " #f " %.*s", img, (int)r.f##_len, r.f)
	PART(registry, registry);
	PART(path, path);
	PART(name, name);
	PART(tag, tag);
	PART(digest, digest);
#undef PART
	kp_arena_free(a);
}

#define DIGEST "sha256:dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f"

Test(k8s_image_ref, parts_as_kyverno_gets_them)
{
	check_image("nginx", "docker.io", "nginx", "nginx", "latest", NULL);
	check_image("nginx:v10.3", "docker.io", "nginx", "nginx", "v10.3", NULL);
	check_image("docker.io/test/nginx:v10.3", "docker.io", "test/nginx", "nginx", "v10.3", NULL);
	check_image("test/nginx", "docker.io", "test/nginx", "nginx", "latest", NULL);
	check_image("localhost:4443/test/nginx", "localhost:4443", "test/nginx", "nginx", "latest", NULL);
	check_image("localhost/netd:v0.4.4-gke.0", "localhost", "netd", "netd", "v0.4.4-gke.0", NULL);
	check_image("docker.io/test/centos@" DIGEST, "docker.io", "test/centos", "centos", NULL, DIGEST);
	check_image("a/b:t@" DIGEST, "docker.io", "a/b", "b", "t", DIGEST);
	check_image("Registry/x", "Registry", "x", "x", "latest", NULL);   /* upper case: a host */
	check_image("my_reg/a__b-c--d.e", "docker.io", "my_reg/a__b-c--d.e", "a__b-c--d.e", "latest", NULL);
}

Test(k8s_image_ref, rejects_what_distribution_rejects)
{
	static const char *bad[] = {"", "++", "nginx:", ":tag", "a//b", "a/B", "a/b@sha256:12",
				    "a/b@sha256:" "DEAD07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f",
				    "a/-b", "a/b_", "a/b___c", "reg.io:/x", "a/b:-t"};
	kp_arena *a = kp_arena_new();
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		kp_image_ref r;
		const char *why = NULL;
		cr_assert(!kp_image_ref_parse(bad[i], strlen(bad[i]), "docker.io", a, &r, &why), "%s", bad[i]);
		cr_assert(why && why[0]);
	}
	kp_arena_free(a);
}

static const char *qstr(const char *in, char *buf)
{
	kp_quantity q;
	cr_assert(kp_quantity_parse(in, strlen(in), &q), "%s", in);
	kp_quantity_string(&q, buf);
	return buf;
}

Test(k8s_quantity, canonical_strings)
{
	static const char *cases[][2] = {
		{"0", "0"}, {"12Ki", "12Ki"}, {"1024", "1024"}, {"1000", "1k"}, {"1500m", "1500m"},
		{"0.5", "500m"}, {"1.5Gi", "1536Mi"}, {"1e3", "1e3"}, {"1.5e3", "1500"}, {"-1Ki", "-1Ki"},
		{"100Mi", "100Mi"}, {"1023Ki", "1023Ki"}, {"1025", "1025"}, {"0.5Ki", "512"},
		{"1n", "1n"}, {"1E", "1E"}, {"2048Ki", "2Mi"}, {"12e-3", "12e-3"},
	};
	char buf[80];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_assert_str_eq(qstr(cases[i][0], buf), cases[i][1], "%s", cases[i][0]);
}

Test(k8s_duration, go_strings)
{
	static const struct { int64_t ns; const char *s; } cases[] = {
		{0, "0s"}, {1, "1ns"}, {1500, "1.5µs"}, {1000000, "1ms"}, {1500000000, "1.5s"},
		{60000000000, "1m0s"}, {3600000000000, "1h0m0s"}, {-1000000000, "-1s"},
		{100000000000, "1m40s"}, {INT64_MIN, "-2562047h47m16.854775808s"},
		{INT64_MAX, "2562047h47m16.854775807s"},
	};
	char buf[40];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		kp_duration_string(cases[i].ns, buf);
		cr_assert_str_eq(buf, cases[i].s);
	}
}

static kp_quantity q_of(const char *s)
{
	kp_quantity q;
	cr_assert(kp_quantity_parse(s, strlen(s), &q), "%s", s);
	return q;
}

/* apimachinery caps only BinarySI values at 2^63-1; decimal ones stay exact
 * (Kyverno's custom-functions test compares two RSA moduli as quantities). */
Test(k8s_quantity, only_binary_values_are_capped)
{
	kp_quantity max = q_of("9223372036854775807");
	kp_quantity a = q_of("10000000000000000000"), b = q_of("99999999999999999999");
	cr_assert_gt(kp_quantity_cmp(&a, &max), 0);
	cr_assert_gt(kp_quantity_cmp(&b, &a), 0);
	kp_quantity big = q_of("100000000Ei");
	cr_assert_eq(kp_quantity_cmp(&big, &max), 0);
	/* past 38 digits: equal texts equal, different ones differ */
	const char *n1 = "2649656209477949107655321180942209802194995248351570328151081380849095312666";
	const char *n2 = "2649656209477949107655321180942209802194995248351570328151081380849095312667";
	kp_quantity x = q_of(n1), y = q_of(n1), z = q_of(n2);
	cr_assert_eq(kp_quantity_cmp(&x, &y), 0);
	cr_assert_neq(kp_quantity_cmp(&x, &z), 0);
	cr_assert_eq(kp_quantity_cmp(&x, &z), -kp_quantity_cmp(&z, &x));
	kp_quantity f = q_of("12345678901234567890.0000000001");   /* rounded up to 1n */
	kp_quantity g = q_of("12345678901234567890.000000001");
	cr_assert_eq(kp_quantity_cmp(&f, &g), 0);
}
