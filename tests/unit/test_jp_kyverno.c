/* Unit tests: Kyverno's custom JMESPath functions (KP_JP_KYVERNO mode),
 * docs/kyverno-jmespath.md §2. */
#include "jmespath_util.h"

static const char *ky_json(const char *expr, const char *data)
{
	jp_run r = jp_mode(KP_JP_KYVERNO, expr, data);
	cr_assert(r.kind == KP_JP_OK, "%s: unexpected error: %s", expr, r.err.msg);
	return r.json;
}

#define KY(expr, want) \
	do { \
		const char *got_ = ky_json(expr, NULL); \
		cr_assert_str_eq(got_, want, "%s: got %s", expr, got_); \
	} while (0)
#define KY_ON(expr, data, want) \
	do { \
		const char *got_ = ky_json(expr, data); \
		cr_assert_str_eq(got_, want, "%s: got %s", expr, got_); \
	} while (0)
/* An error of `kind`, whose message contains `part`. */
#define KY_ERR(expr, want_kind, part) \
	do { \
		jp_run r_ = jp_mode(KP_JP_KYVERNO, expr, NULL); \
		cr_assert_eq(r_.kind, want_kind, "%s: kind %d (%s)", expr, r_.kind, \
			     r_.kind ? r_.err.msg : r_.json); \
		cr_assert(strstr(r_.err.msg, part), "%s: message %s", expr, r_.err.msg); \
	} while (0)
#define KY_FAIL(expr, part) KY_ERR(expr, KP_JP_E_FUNCTION, part)
#define KY_TYPE(expr) KY_ERR(expr, KP_JP_E_INVALID_TYPE, "")

Test(jp_kyverno, only_in_kyverno_mode_and_sum_is_overridden)
{
	cr_assert_eq(jp_kind("compare('a', 'b')", NULL), KP_JP_E_UNKNOWN_FUNCTION);
	assert_jp("sum(`[]`)", NULL, "0");         /* the spec's sum in plain mode */
	KY_FAIL("sum(`[]`)", "at least one element");
	KY("sum(`[1, 2.5]`)", "3.5");
	KY("to_string(`{\"b\": 1, \"a\": \"<\"}`)", "\"{\\\"a\\\":\\\"\\\\u003c\\\",\\\"b\\\":1}\"");
}

Test(jp_kyverno, compare_equal_fold_case)
{
	KY("compare('a', 'b')", "-1");
	KY("compare('b', 'a')", "1");
	KY("compare('A', 'a')", "-1");
	KY("compare('x', 'x')", "0");
	KY("equal_fold('Go', 'GO')", "true");
	KY("equal_fold('ǅ', 'ǆ')", "true");
	KY("equal_fold('straße', 'STRASSE')", "false");
	KY("to_upper('héllo ß')", "\"HÉLLO ß\"");
	KY("to_lower('ÀB-Ç')", "\"àb-ç\"");
	KY_TYPE("compare(`1`, 'a')");
	KY_TYPE("to_upper(`null`)");
}

Test(jp_kyverno, replace_trim_split_truncate)
{
	KY("replace('aaa', 'a', 'b', `2`)", "\"bba\"");
	KY("replace('aaa', 'a', 'b', `-1`)", "\"bbb\"");
	KY("replace('aaa', 'a', 'b', `0`)", "\"aaa\"");
	KY("replace('abc', '', '-', `-1`)", "\"-a-b-c-\"");
	KY("replace('abc', '', '-', `2`)", "\"-a-bc\"");
	KY("replace('aaa', 'a', 'b', `1.9`)", "\"baa\"");
	KY("replace_all('a.b.c', '.', '/')", "\"a/b/c\"");
	KY("trim('xxhixyx', 'xy')", "\"hi\"");
	KY("trim('¡¡hi!!', '!¡')", "\"hi\"");
	KY("trim('aaa', 'a')", "\"\"");
	KY("trim_prefix('prefix-x', 'prefix-')", "\"x\"");
	KY("trim_prefix('x', 'prefix-')", "\"x\"");
	KY("split('a,b,,c', ',')", "[\"a\",\"b\",\"\",\"c\"]");
	KY("split('', ',')", "[\"\"]");
	KY("split('héj', '')", "[\"h\",\"é\",\"j\"]");
	KY("split('', '')", "[]");
	KY("truncate('héllo', `2`)", "\"hé\"");
	KY("truncate('hello', `2.6`)", "\"he\"");
	KY("truncate('hello', `-3`)", "\"\"");
	KY("truncate('hi', `10`)", "\"hi\"");
	KY_TYPE("replace('a', 'a', 'b', '1')");
	KY_TYPE("split(`1`, ',')");
	KY_TYPE("truncate('a', 'b')");
}

Test(jp_kyverno, pattern_label_to_boolean_path)
{
	KY("pattern_match('a*c', 'abbbc')", "true");
	KY("pattern_match('a?c', 'abbc')", "false");
	KY("pattern_match('3.14*', `3.14159265`)", "true");
	KY("pattern_match('3.1415927', `3.14159265`)", "true");  /* 32-bit text */
	KY_TYPE("pattern_match('true', `true`)");
	KY("label_match(`{}`, `{\"a\": \"b\"}`)", "true");
	KY("label_match(`{\"a\": 1}`, `{\"a\": 1.0, \"b\": 2}`)", "true");
	KY("label_match(`{\"a\": [1]}`, `{\"a\": [1]}`)", "true");
	KY("label_match(`{\"a\": \"x\"}`, `{}`)", "false");
	KY("to_boolean('TRUE')", "true");
	KY("to_boolean('False')", "false");
	KY_FAIL("to_boolean('yes')", "'true' or 'false'");
	KY_TYPE("to_boolean(`true`)");
	KY_TYPE("label_match('a', `{}`)");
	KY("path_canonicalize('a/./b/../../c/')", "\"c\"");
	KY("path_canonicalize('../a/..')", "\"..\"");
	KY("path_canonicalize('a/..')", "\".\"");
	KY("path_canonicalize('')", "\"\"");
	KY("path_canonicalize('//a//b/./')", "\"/a/b\"");
	KY("path_canonicalize('/../x')", "\"/x\"");
}

Test(jp_kyverno, regex_functions)
{
	KY("regex_match('^[a-z]+$', 'abc')", "true");
	KY("regex_match('b', 'abc')", "true");          /* unanchored */
	KY("regex_match('^1\\.5$', `1.5`)", "true");
	KY("regex_match('^\\d+$', 'a1')", "false");
	KY("regex_replace_all('(\\w+)@(\\w+)', 'me@host', '${2}:$1')", "\"host:me\"");
	KY("regex_replace_all('a(x*)b', '-ab-axxb-', '$1W')", "\"---\"");  /* $1W: the group named 1W */
	KY("regex_replace_all('a(?P<n>x*)b', 'axb', '[${n}]')", "\"[x]\"");
	KY("regex_replace_all('a', `12.5`, `3`)", "\"12.5\"");
	KY("regex_replace_all_literal('a(x)', 'ax', '$1')", "\"$1\"");
	KY_FAIL("regex_match('(?<=a)b', 'ab')", "");
	KY_FAIL("regex_match('a(', 'a')", "");
	KY_FAIL("regex_replace_all('\\1', 'a', 'b')", "");
	KY_TYPE("regex_match(`1`, 'a')");
	KY_TYPE("regex_match('a', `[]`)");
	KY_FAIL("random('[a-z]{4}')", "unsupported: random");
}

Test(jp_kyverno, arithmetic_scalars)
{
	KY("add(`1.5`, `2`)", "3.5");
	KY("subtract(`1`, `3`)", "-2");
	KY("multiply(`3`, `0.5`)", "1.5");
	KY("divide(`7`, `2`)", "3.5");
	KY("modulo(`-7`, `3`)", "-1");
	KY("modulo(`7`, `-3`)", "1");
	KY_FAIL("modulo(`7.5`, `2`)", "Non-integer");
	KY_FAIL("modulo(`7`, `0`)", "Zero divisor");
	KY_FAIL("divide(`7`, `0`)", "Zero divisor");
	KY_FAIL("add(`1`, `true`)", "invalid operands");
	KY_FAIL("add('abc', `1`)", "invalid operands");
	KY_FAIL("add(`1`, '1')", "Types mismatch");
	KY("round(`2.5`, `0`)", "3");
	KY("round(`-2.5`, `0`)", "-3");
	KY("round(`1.005`, `2`)", "1");
	KY("round(`3.14159`, `3`)", "3.142");
	KY_FAIL("round(`1`, `1.5`)", "Non-integer");
	KY_FAIL("round(`1`, `-1`)", "Negative");
}

Test(jp_kyverno, arithmetic_quantities)
{
	KY("add('12Ki', '13')", "\"12301\"");
	KY("add('1Gi', '1Gi')", "\"2Gi\"");
	KY("add('1', '500m')", "\"1500m\"");
	KY("add('1k', '500')", "\"1500\"");
	KY("add('1M', '500k')", "\"1500k\"");
	KY("subtract('100m', '1')", "\"-900m\"");
	KY("subtract('1Ki', '1Ki')", "\"0\"");
	KY("add('1e3', '1e3')", "\"2e3\"");
	KY("add('0', '1Ki')", "\"1Ki\"");     /* a zero left operand takes the right format */
	KY("add('1.5', '1.5')", "\"3\"");
	KY("add('512', '512')", "\"1024\"");  /* DecimalSI on the left */
	KY("add('1000Ki', '24Ki')", "\"1Mi\"");
	KY("add('1Ki', '0.5')", "\"1024500m\"");
	KY("multiply('12Ki', `0.5`)", "\"6Ki\"");
	KY("multiply('100m', `3`)", "\"300m\"");
	KY("multiply(`1.5`, '2k')", "\"3k\"");
	KY("multiply('1', `1000000`)", "\"1M\"");
	KY("divide('7', `2`)", "\"3\"");
	KY("divide('7', `0.5`)", "\"14\"");
	KY("divide('12Ki', `3`)", "\"4Ki\"");
	KY("divide('1', `3`)", "\"0\"");
	KY("divide('1.0', `3`)", "\"300m\"");
	KY("divide('1Gi', '1Mi')", "1024");
	KY("modulo('5Ki', '2Ki')", "\"1Ki\"");
	KY("modulo('7', '4')", "\"3\"");
	KY_FAIL("modulo('1.5', '1')", "Non-integer");
	KY_FAIL("modulo('5', '0')", "Zero divisor");
	KY_FAIL("multiply('1Ki', '1Ki')", "Types mismatch");
	KY_FAIL("divide(`1`, '1Ki')", "Types mismatch");
	KY("sum(`[\"1Ki\", \"1Ki\", \"2Ki\"]`)", "\"4Ki\"");
}

Test(jp_kyverno, arithmetic_durations)
{
	KY("add('1h', '30m0s')", "\"1h30m0s\"");
	KY_FAIL("add('1h', '30m')", "Types mismatch");   /* '30m' is 30 milli, a quantity */
	KY("subtract('1s', '2s')", "\"-1s\"");
	KY("subtract('1s', '1s')", "\"0s\"");
	KY("add('100ms', '400ms')", "\"500ms\"");
	KY("add('1us', '1ns')", "\"1.001µs\"");
	KY("multiply('1m0s', `1.5`)", "\"1m30s\"");
	KY("multiply('1m', `1.5`)", "\"1500u\"");        /* a quantity: 1.5 milli */
	KY("multiply(`2`, '50s')", "\"1m40s\"");
	KY("divide('1h', '30m0s')", "2");
	KY("divide('3s', `2`)", "\"1.5s\"");
	KY("modulo('70s', '1m0s')", "\"10s\"");
	KY("sum(`[\"1h\", \"1.5h\"]`)", "\"2h30m0s\"");
	KY_FAIL("modulo('1s', '0s')", "Zero divisor");
	KY_FAIL("divide('1s', '0s')", "Zero divisor");
	KY_FAIL("add('1h', '1Ki')", "Types mismatch");
	KY_FAIL("multiply('1h', '1h')", "Types mismatch");
	KY_FAIL("sum(`[\"1h\", 1]`)", "Types mismatch");
	KY_TYPE("sum('1h')");
}

Test(jp_kyverno, time_functions)
{
	KY("time_diff('2021-01-01T00:00:00Z', '2021-01-02T00:00:00Z')", "\"24h0m0s\"");
	KY("time_diff('2021-01-02T00:00:00Z', '2021-01-01T00:00:00Z')", "\"-24h0m0s\"");
	KY("time_diff('2021-01-01T00:00:00.5Z', '2021-01-01T00:00:01Z')", "\"500ms\"");
	KY("time_add('2021-01-01T23:00:00+02:00', '2h')", "\"2021-01-02T01:00:00+02:00\"");
	KY("time_add('2021-01-01T00:00:00Z', '-1s')", "\"2020-12-31T23:59:59Z\"");
	KY("time_utc('2021-01-01T01:30:00+02:00')", "\"2020-12-31T23:30:00Z\"");
	KY("time_parse('1', '0')", "\"1970-01-01T00:00:00Z\"");
	KY("time_parse('2006-01-02', '2024-02-29')", "\"2024-02-29T00:00:00Z\"");
	KY("time_parse('Jan _2 15:04:05.000 2006', 'Feb  3 04:05:06.789 2020')", "\"2020-02-03T04:05:06Z\"");
	KY("time_parse('02 Jan 06 15:04 -0700', '05 Mar 21 10:00 +0130')", "\"2021-03-05T10:00:00+01:30\"");
	KY("time_parse('3:04PM', '1:30PM')", "\"0000-01-01T13:30:00Z\"");
	KY_FAIL("time_parse('2006-01-02', '2023-02-29')", "cannot parse");
	KY_FAIL("time_parse('2006-01-02', '2023-02-01x')", "cannot parse");
	KY("time_to_cron('2023-02-05T09:07:00+01:00')", "\"7 9 5 2 0\"");
	KY("time_before('2021-01-01T00:00:00Z', '2021-01-01T00:00:01Z')", "true");
	KY("time_after('2021-01-01T01:00:00+01:00', '2021-01-01T00:00:00Z')", "false");
	KY("time_between('2021-01-01T00:00:01Z', '2021-01-01T00:00:00Z', '2021-01-01T00:00:02Z')", "true");
	KY("time_between('2021-01-01T00:00:00Z', '2021-01-01T00:00:00Z', '2021-01-01T00:00:02Z')", "false");
	KY("time_truncate('2021-01-01T10:17:45+01:00', '1h')", "\"2021-01-01T10:00:00+01:00\"");
	KY("time_truncate('2021-01-01T10:17:45Z', '15m')", "\"2021-01-01T10:15:00Z\"");
	KY("time_since('', '2021-01-01T00:00:00Z', '2021-01-01T01:01:01Z')", "\"1h1m1s\"");
	KY("time_since('2006-01-02', '2021-01-01', '2021-01-03')", "\"48h0m0s\"");
	KY_FAIL("time_diff('2021-01-01', '2021-01-02T00:00:00Z')", "cannot parse");
	KY_FAIL("time_add('2021-01-01T00:00:00Z', '1x')", "invalid duration");
	KY_TYPE("time_utc(`1`)");
	jp_run r = jp_mode(KP_JP_KYVERNO, "time_now_utc()", NULL);
	cr_assert_eq(r.kind, KP_JP_OK);
	cr_assert_eq(strlen(r.json), 22);  /* "YYYY-MM-DDTHH:MM:SSZ" quoted */
	cr_assert_eq(r.json[20], 'Z');
	r = jp_mode(KP_JP_KYVERNO, "time_since('', time_now(), '')", NULL);
	cr_assert_eq(r.kind, KP_JP_OK, "%s", r.err.msg);
}

Test(jp_kyverno, encoding_and_hashes)
{
	KY("base64_encode('hi')", "\"aGk=\"");
	KY("base64_encode('')", "\"\"");
	KY("base64_decode('aGk=')", "\"hi\"");
	KY_ON("base64_decode(s)", "{\"s\": \"aGVs\\nbG8=\"}", "\"hello\"");  /* newlines skipped */
	KY_FAIL("base64_decode('aGk')", "illegal base64 data at input byte 3");
	KY_FAIL("base64_decode('a?k=')", "illegal base64 data at input byte 1");
	KY_FAIL("base64_decode('aGk=aGk=')", "illegal base64");
	KY("md5('')", "\"d41d8cd98f00b204e9800998ecf8427e\"");
	KY("sha1('abc')", "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
	KY("sha256('abc')", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
	KY_TYPE("md5(`1`)");
	KY("parse_json('{\"a\": [1, 2.5, null]}').a", "[1,2.5,null]");
	KY_FAIL("parse_json('{a: 1}')", "invalid JSON");
	KY_ON("parse_yaml(y)", "{\"y\": \"a: 1\\nb: [x, ~]\\nc: |\\n  t\\n\"}",
	      "{\"a\":1,\"b\":[\"x\",null],\"c\":\"t\\n\"}");
	KY_ON("parse_yaml(y)", "{\"y\": \"\"}", "null");
	KY_ON("parse_yaml(y)", "{\"y\": \"a: 1\\n---\\nb: 2\\n\"}", "{\"a\":1}");
	jp_run r = jp_mode(KP_JP_KYVERNO, "parse_yaml('a: [')", NULL);
	cr_assert_eq(r.kind, KP_JP_E_FUNCTION);
	KY_FAIL("x509_decode('-----BEGIN CERTIFICATE-----')", "unsupported: x509_decode");
}

Test(jp_kyverno, collections)
{
	KY("lookup(`{\"a\": 1}`, 'a')", "1");
	KY("lookup(`{\"a\": 1}`, 'b')", "null");
	KY("lookup(`[1, 2]`, `1`)", "2");
	KY("lookup(`[1, 2]`, `2`)", "null");
	KY("lookup(`[1, 2]`, `-1`)", "null");
	KY_FAIL("lookup(`[1, 2]`, `0.5`)", "expected an integer number but got: 0.5");
	KY_TYPE("lookup(`{}`, `1`)");
	KY_TYPE("lookup(`[]`, 'a')");
	KY_TYPE("lookup('a', 'a')");
	KY("items(`{\"b\": 1, \"a\": 2}`, 'k', 'v')", "[{\"k\":\"a\",\"v\":2},{\"k\":\"b\",\"v\":1}]");
	KY("items(`[\"x\"]`, 'i', 'v')", "[{\"i\":0,\"v\":\"x\"}]");
	KY("object_from_lists(`[\"a\", 1.5, true]`, `[1]`)", "{\"a\":1,\"1.5\":null,\"true\":null}");
	KY("object_from_lists(`[\"a\", \"a\"]`, `[1, 2, 3]`)", "{\"a\":2}");
	KY_FAIL("object_from_lists(`[null]`, `[1]`)", "keys");
}

Test(jp_kyverno, semver_compare)
{
	KY("semver_compare('1.2.3', '1.2.3')", "true");
	KY("semver_compare('1.2.3', '!=1.2.3')", "false");
	KY("semver_compare('1.2.3-beta', '<1.2.3')", "true");
	KY("semver_compare('1.2.3', '>= 1.2.0')", "true");
	KY("semver_compare('1.3.0', '1.2.x')", "false");
	KY("semver_compare('1.2.9', '1.2.x')", "true");
	KY("semver_compare('1.2.9', '<=1.2.x')", "true");
	KY("semver_compare('1.3.0', '<=1.2.x')", "false");
	KY("semver_compare('2.0.0', '>1.x')", "true");
	KY("semver_compare('1.9.0', '>1.x')", "false");
	KY("semver_compare('3.1.0', '<2.0.0 || >=3.0.0')", "true");
	KY("semver_compare('v1.2.3', '=0.0.0')", "true");   /* unparsable: 0.0.0 */
	KY_FAIL("semver_compare('1.2.3', 'abc')", "Range");
	KY_FAIL("semver_compare('1.2.3', '|| >1.0.0')", "");
}

Test(jp_kyverno, image_normalize)
{
	KY("image_normalize('nginx')", "\"docker.io/nginx:latest\"");
	KY("image_normalize('library/nginx:1.2')", "\"docker.io/library/nginx:1.2\"");
	KY("image_normalize('localhost/app')", "\"localhost/app:latest\"");
	KY("image_normalize('localhost:5000/a/b:v1')", "\"localhost:5000/a/b:v1\"");
	KY("image_normalize('ghcr.io/a/b:t@sha256:" "0123456789012345678901234567890123456789012345678901234567890123')",
	   "\"ghcr.io/a/b@sha256:0123456789012345678901234567890123456789012345678901234567890123\"");
	KY_FAIL("image_normalize('')", "bad image");
	KY_FAIL("image_normalize('nginx:')", "bad image");
	KY_FAIL("image_normalize('NGINX')", "bad image");
	KY_FAIL("image_normalize('a/b@sha256:abc')", "bad image");
	KY_FAIL("image_normalize('a/b@md5:0123456789abcdef0123456789abcdef')", "unsupported digest");
	KY_FAIL("image_normalize('ghcr.io/a..b')", "bad image");
}

Test(jp_kyverno, is_external_url)
{
	KY("is_external_url('https://10.1.2.3:8443/x')", "false");
	KY("is_external_url('http://user@192.168.1.3')", "false");
	KY("is_external_url('http://169.254.1.1')", "true");
	KY("is_external_url('http://100.64.0.1')", "true");
	KY("is_external_url('http://172.32.0.1')", "true");
	KY("is_external_url('http://[fc00::1]:80')", "false");
	KY("is_external_url('http://[::ffff:127.0.0.1]')", "false");
	KY("is_external_url('http://8.8.8.8')", "true");
	KY_FAIL("is_external_url('http://example.com')", "unsupported: is_external_url");
	KY_FAIL("is_external_url('not a url')", "host");
	KY_TYPE("is_external_url(`1`)");
}
