/* Unit tests: the per-row writers of `kpolicy apply`'s reports
 * (cli/report.h) and kp_buf's JSON escaper: they must write what the
 * calls they replace wrote, byte for byte. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "cli/report.h"

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

Test(report_writers, json_str_examples)
{
	kp_buf b = {0};
	kp_buf_json_str(&b, "a\"b\\c\n\r\t\x01\x1f\x7f" "\xc3\xa9", 13);
	cr_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9\"");
	kp_buf_reset(&b);
	kp_buf_json_str(&b, "a\0b", 3);
	cr_assert_eq(b.len, 10);
	cr_assert(!memcmp(b.data, "\"a\\u0000b\"", 10));
	kp_buf_reset(&b);
	kp_buf_json_cstr(&b, NULL);
	kp_buf_json_cstr(&b, "");
	cr_assert_str_eq(b.data, "null\"\"");
	kp_buf_free(&b);
}

/* The escaper as a byte loop: what kp_buf_json_str wrote before it took
 * 8 bytes at a time. */
static void json_str_bytewise(kp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	kp_buf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char u[6] = {'\\', (char)c};
		size_t k = 2;
		switch (c) {
		case '"': case '\\': break;
		case '\n': u[1] = 'n'; break;
		case '\r': u[1] = 'r'; break;
		case '\t': u[1] = 't'; break;
		default:
			if (c >= 0x20) {
				u[0] = (char)c, k = 1;
			} else {
				memcpy(u + 1, "u00", 3);
				u[4] = hex[c >> 4], u[5] = hex[c & 15], k = 6;
			}
		}
		kp_buf_add(b, u, k);
	}
	kp_buf_add(b, "\"", 1);
}

/* Random strings (escapes, control bytes, UTF-8 and plain runs), into
 * empty and partly filled buffers, on the heap and in an arena. */
Test(report_writers, json_str_agrees_with_a_byte_loop)
{
	static const char pick[] = "\"\\\n\r\t\x01\x1f\x7f\xc3\xa9 az";
	uint32_t seed = 12345;
	kp_arena *a = kp_arena_new();
	for (int it = 0; it < 20000; it++) {
		char s[300];
		size_t n = next(&seed) % (it % 50 ? 40 : 300);
		for (size_t i = 0; i < n; i++)
			s[i] = next(&seed) % 3 ? pick[next(&seed) % (sizeof pick - 1)]
					       : (char)(next(&seed) & 0xff);
		kp_buf want = {0}, got;
		kp_buf_init(&got, it % 2 ? a : NULL);
		for (int k = it % 4; k > 0; k--) {
			kp_buf_add(&want, "prefix", 6);
			kpc_put(&got, "prefix", 6);
		}
		json_str_bytewise(&want, s, n);
		kp_buf_json_str(&got, s, n);
		cr_assert_eq(got.len, want.len, "iteration %d", it);
		cr_assert(!memcmp(got.data, want.data, want.len), "iteration %d", it);
		cr_assert_eq(got.data[got.len], 0);
		kp_buf_free(&want);
		kp_buf_free(&got);
	}
	kp_arena_free(a);
}

Test(report_writers, yaml_scalar)
{
	static const struct { const char *in, *out; } cases[] = {
		{"abc", "abc"}, {"/a.b-c_d/e9", "/a.b-c_d/e9"}, {"true", "\"true\""},
		{"TRUE", "\"TRUE\""}, {"Yes", "\"Yes\""}, {"n", "\"n\""}, {"N", "\"N\""},
		{"off", "\"off\""}, {"offx", "offx"}, {"Null", "\"Null\""}, {"y2", "y2"},
		{"", "\"\""}, {"9a", "\"9a\""}, {"a b", "\"a b\""}, {"a:b", "\"a:b\""},
		{"~", "\"~\""}, {"falsey", "falsey"}, {"a\"b", "\"a\\\"b\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		kp_buf b = {0};
		kpc_yaml_scalar(&b, cases[i].in);
		cr_assert_str_eq(b.data, cases[i].out, "input '%s'", cases[i].in);
		kp_buf_free(&b);
	}
	kp_buf b = {0};
	kpc_yaml_scalar(&b, NULL);
	cr_assert_str_eq(b.data, "null");
	kp_buf_free(&b);
}

Test(report_writers, uint_and_room)
{
	kp_buf b = {0};
	kpc_buf_uint(&b, 0);
	KPC_PUT_LIT(&b, " ");
	kpc_buf_uint(&b, 9);
	KPC_PUT_LIT(&b, " ");
	kpc_buf_uint(&b, 10);
	KPC_PUT_LIT(&b, " ");
	kpc_buf_uint(&b, SIZE_MAX);
	cr_assert_str_eq(b.data, "0 9 10 18446744073709551615");
	/* every digit count, each side of its powers of ten, as printf writes it */
	for (size_t p = 1; p <= 1000000000000000000u; p *= 10) {
		size_t vals[] = {p - 1, p, p + 1, 2 * p - 1, 5 * p + 3, 10 * p - 1};
		for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
			char want[32], got[32] = {0};
			snprintf(want, sizeof want, "%zu", vals[i]);
			*kpc_put_uint(got, vals[i]) = 0;
			cr_assert_str_eq(got, want);
		}
	}
	for (size_t v = 0; v < 200000; v += 7) {   /* line numbers */
		char want[32], got[32] = {0};
		snprintf(want, sizeof want, "%zu", v);
		*kpc_put_uint(got, v) = 0;
		cr_assert_str_eq(got, want);
	}
	/* room past the capacity grows the buffer and keeps what it held */
	char *w = kp_buf_room(&b, 100000);
	memset(w, 'x', 100000);
	kpc_buf_done(&b, w + 100000);
	cr_assert_eq(b.len, 27 + 100000);
	cr_assert(b.cap > b.len);
	cr_assert_eq(b.data[b.len], 0);
	cr_assert(!memcmp(b.data, "0 9 10 1844", 11));
	kp_buf_free(&b);
}

Test(report_writers, xml_escape)
{
	kp_buf b = {0};
	kpc_xml_escape(&b, "a&<>\"\n\r\t\x01\xc3\xa9\xef\xbf\xbe\xff\xf0\x9f\x98\x80z", true);
	cr_assert_str_eq(b.data, "a&amp;&lt;&gt;&quot;&#10;&#13;&#9;\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd"
				 "\xef\xbf\xbd\xf0\x9f\x98\x80z");
	kp_buf_reset(&b);
	kpc_xml_escape(&b, "\"\n\t\xc3", false);
	cr_assert_str_eq(b.data, "\"\n\t\xef\xbf\xbd");
	kp_buf_reset(&b);
	kpc_xml_escape(&b, NULL, false);
	cr_assert_eq(b.len, 0);
	kp_buf_free(&b);
}

/* The text blocks written straight into the unit text (stream, the
 * workers' way) are the blocks gathered and copied at the flush: fails
 * before errors, a label that a later row turns to "failed as audit
 * warning:", groups ended by a row of another policy. */
static void groups_rows(bool stream, bool color, kp_buf *out)
{
	kpc_report rep = {0};
	rep.opt.color = color;
	kpc_policy_info pols[2] = {{.name = "pol-a"}, {.name = "pol-b"}};
	kpc_text_groups g = {.stream = stream};
	struct { size_t pol; kp_status st; bool fail, audit; const char *rule, *msg; } rows[] = {
		{0, KP_STATUS_FAIL, true, false, "r1", "validation error: one"},
		{0, KP_STATUS_ERROR, false, false, "r2", "boom"},
		{0, KP_STATUS_WARN, true, true, "r3", "validation error: three"},
		{0, KP_STATUS_PASS, false, false, "r4", ""},
		{1, KP_STATUS_ERROR, false, false, "r5", "only an error"},
		{0, KP_STATUS_FAIL, true, false, "r6", "after another policy"},
		{1, KP_STATUS_FAIL, true, false, "r7", "x"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		kpc_row row = {
			.pol = &pols[rows[i].pol], .policy_index = rows[i].pol,
			.rule = rows[i].rule, .rule_len = strlen(rows[i].rule),
			.message = rows[i].msg, .message_len = strlen(rows[i].msg),
			.file = "f.yaml", .file_len = 6, .line = 3, .col = 10 * (unsigned)i,
			.resource_path = "ns/Pod/p", .resource_path_len = 8,
			.status = rows[i].st, .engine_fail = rows[i].fail, .audit_warning = rows[i].audit,
		};
		kpc_text_groups_row(&rep, &g, &row, out);
	}
	kpc_text_groups_flush(&rep, &g, out);
	kpc_text_groups_free(&g);
}

Test(report_writers, text_groups_stream)
{
	for (int color = 0; color < 2; color++) {
		kp_buf a = {0}, b = {0};
		groups_rows(false, color, &a);
		groups_rows(true, color, &b);
		cr_assert_str_eq(b.data, a.data);
		if (!color)
			cr_assert_str_eq(a.data,
				"policy pol-a -> resource ns/Pod/p failed as audit warning:\n"
				"1 - r1 validation error: one (f.yaml:3:0)\n"
				"2 - r3 validation error: three (f.yaml:3:20)\n\n"
				"policy pol-a -> resource ns/Pod/p error:\n"
				"1 - r2 boom (f.yaml:3:10)\n\n"
				"policy pol-b -> resource ns/Pod/p error:\n"
				"1 - r5 only an error (f.yaml:3:40)\n\n"
				"policy pol-a -> resource ns/Pod/p failed:\n"
				"1 - r6 after another policy (f.yaml:3:50)\n\n"
				"policy pol-b -> resource ns/Pod/p failed:\n"
				"1 - r7 x (f.yaml:3:60)\n\n");
		kp_buf_free(&a);
		kp_buf_free(&b);
	}
}
