/* fuzz_jmespath - the JMESPath compiler and interpreter (kp_jp_compile,
 * kp_jp_eval).  The input is either
 *   - a file of the JMESPath compliance format (a JSON list of suites with
 *     `given` and `cases`; the seeds are the suite's files): the first 32
 *     expressions are run against their `given`, or
 *   - anything else: the whole input is one expression, run against a
 *     fixed document that has every type, nesting, unicode and the shapes
 *     of a Kubernetes request.
 * Each expression is compiled and evaluated in plain and in Kyverno mode.
 * Checks: a failure has an error kind and message; a result is a
 * well-formed tree (kp_fuzz_walk); the scratch arena is reused. */
#include "fuzz.h"
#include "jmespath/jp_ast.h"

#include <string.h>

#define KP_FUZZ_MAX_CASES 32

static const char fixed_doc[] =
	"{\"a\": {\"b\": {\"c\": [1, 2.5, -3, \"x\", null, true, false, [], {}]}},"
	" \"list\": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], \"strs\": [\"b\", \"a\", \"\xc3\xa9\"],"
	" \"people\": [{\"name\": \"x\", \"age\": 30, \"tags\": [\"t1\"]},"
	"  {\"name\": \"y\", \"age\": 20.5}, {\"name\": null}],"
	" \"nested\": [[1, [2, [3]]], [[4]], 5], \"empty\": [], \"obj\": {},"
	" \"request\": {\"operation\": \"CREATE\", \"object\": {\"metadata\": {\"name\": \"p\","
	"  \"labels\": {\"app\": \"web\"}}, \"spec\": {\"containers\": [{\"name\": \"c\","
	"  \"image\": \"nginx:1.25\"}]}}}, \"foo bar\": \"\\u0000\\u2028<&>\", \"n\": 1e300}";

static kp_arena *scratch;

static void run(const char *expr, size_t len, const kp_value *data, kp_arena *a)
{
	static const int modes[] = {KP_JP_PLAIN, KP_JP_KYVERNO};
	for (size_t m = 0; m < 2; m++) {
		kp_error err;
		kp_error_clear(&err);
		kp_jp_kind kind = KP_JP_OK;
		kp_jp *e = kp_jp_compile(expr, len, modes[m], a, &kind, &err);
		if (!e) {
			KP_FUZZ_CHECK(kind != KP_JP_OK);
			kp_fuzz_check_error(&err);
			continue;
		}
		kp_arena_reset(scratch);
		const kp_value *out = NULL;
		int rc = kp_jp_eval(e, data, scratch, &out, &err);
		if (rc) {
			KP_FUZZ_CHECK(rc < 0 && out == NULL);
			kp_fuzz_check_error(&err);
		} else {
			KP_FUZZ_CHECK(out != NULL);
			/* the JSON text visits every node of the result (which
			 * may hold literal and parsed nodes without a file) */
			size_t n;
			const char *json = kp_jp_to_json(scratch, out, modes[m] == KP_JP_KYVERNO, &n);
			KP_FUZZ_CHECK(json[n] == 0);
		}
	}
}

static bool run_suites(const kp_value *doc, kp_arena *a)
{
	if (!doc || doc->type != KP_SEQ)
		return false;
	size_t cases = 0;
	for (size_t s = 0; s < doc->u.seq.n; s++) {
		const kp_value *suite = doc->u.seq.items[s];
		const kp_value *list = kp_jp_get(suite, "cases", 5);
		if (!list || list->type != KP_SEQ)
			continue;
		for (size_t i = 0; i < list->u.seq.n && cases < KP_FUZZ_MAX_CASES; i++) {
			const kp_value *e = kp_jp_get(list->u.seq.items[i], "expression", 10);
			if (e && e->type == KP_STRING) {
				run(e->u.s.ptr, e->u.s.len, kp_jp_get(suite, "given", 5), a);
				cases++;
			}
		}
	}
	return cases > 0;
}

int kp_fuzz_jmespath(const uint8_t *data, size_t size)
{
	if (!scratch)
		scratch = kp_arena_new();
	kp_arena *a = kp_arena_new();
	const char *text = (const char *)data;
	if (!run_suites(kp_json_parse(a, text, size), a)) {
		kp_value *doc = kp_json_parse(a, fixed_doc, sizeof fixed_doc - 1);
		KP_FUZZ_CHECK(doc != NULL);
		run(text, size, doc, a);
	}
	kp_arena_free(a);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_jmespath)
