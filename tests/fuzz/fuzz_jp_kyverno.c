/* fuzz_jp_kyverno - JMESPath in Kyverno mode, so Kyverno's custom functions
 * (engine/jmespath/ky_*.c) get arbitrary arguments.  The input is split at
 * its first NUL: the expression, then a JSON document (a fixed one when
 * absent or not JSON).  Checks: compiling either succeeds or fails with a
 * kind and a message; evaluating gives a value or a kind with a message;
 * results render as JSON; nothing crashes. */
#include "fuzz.h"
#include "jmespath/jmespath.h"

#include <string.h>

static const char doc_text[] =
	"{\"a\": \"12Ki\", \"b\": \"1h30m0s\", \"n\": 2.5, \"t\": \"2021-01-02T15:04:05-07:00\","
	" \"l\": [1, \"x\", null, {\"k\": true}], \"img\": \"ghcr.io/a/b:1\"}";

int kp_fuzz_jp_kyverno(const uint8_t *data, size_t size)
{
	const char *expr = (const char *)data;
	const char *nul = memchr(expr, 0, size);
	size_t elen = nul ? (size_t)(nul - expr) : size;
	kp_arena *a = kp_arena_new();
	const kp_value *doc = nul ? kp_json_parse(a, nul + 1, size - elen - 1) : NULL;
	if (!doc)
		doc = kp_json_parse(a, doc_text, sizeof doc_text - 1);
	KP_FUZZ_CHECK(doc);
	kp_error err;
	kp_error_clear(&err);
	kp_jp_kind kind = KP_JP_OK;
	kp_jp *e = kp_jp_compile(expr, elen, KP_JP_KYVERNO, a, &kind, &err);
	if (!e) {
		KP_FUZZ_CHECK(kind != KP_JP_OK && err.msg[0]);
		kp_fuzz_check_error(&err);
	} else {
		const kp_value *out = NULL;
		int rc = kp_jp_eval(e, doc, a, &out, &err);
		if (rc == 0) {
			KP_FUZZ_CHECK(out != NULL);
			size_t len = 0;
			const char *json = kp_jp_to_json(a, out, true, &len);
			KP_FUZZ_CHECK(json && strlen(json) <= len);
		} else {
			KP_FUZZ_CHECK(rc < 0 && err.msg[0]);
			kp_fuzz_check_error(&err);
		}
	}
	kp_arena_free(a);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_jp_kyverno)
