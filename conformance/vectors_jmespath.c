/* vectors_jmespath.c - the JMESPath compliance format (any .json file):
 *   [ {"given": JSON, "cases": [ {"expression": str,
 *        "result": JSON | "error": kind | "bench": str}, ... ]}, ... ]
 * evaluated in plain JMESPath mode (Kyverno's custom-function cases are
 * vectors_kyfuncs.c's).  A `result` case passes when the value
 * is equal as JSON (1 == 1.0, object key order ignored); an `error` case
 * when compiling or evaluating fails with that kind; a `bench` case when it
 * evaluates without error.  Cases are named FILE:SECTION:INDEX (0-based). */
#include "vectors.h"
#include "jmespath/jp_ast.h"

#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Runs expr on data in `mode` and checks it against one of result, error
 * (a kind name; "error" is any failure) or bench (no error).  1 pass,
 * 0 fail (why filled), -1 malformed. */
static int check(const kp_value *expr, int mode, const kp_value *data, const kp_value *result,
		 const kp_value *error, const kp_value *bench, kp_arena *scratch, char *why,
		 size_t wn)
{
	if (!expr || expr->type != KP_STRING || (!result && !error && !bench)) {
		snprintf(why, wn, "a case needs expression and result, error or bench");
		return -1;
	}
	kp_error err;
	kp_error_clear(&err);
	kp_jp_kind kind = KP_JP_OK;
	const kp_value *out = NULL;
	kp_jp *e = kp_jp_compile(expr->u.s.ptr, expr->u.s.len, mode, scratch, &kind, &err);
	if (e) {
		int rc = kp_jp_eval(e, data, scratch, &out, &err);
		kind = rc < 0 ? (kp_jp_kind)-rc : KP_JP_OK;
	}
	if (error) {
		const char *want = error->type == KP_STRING ? error->u.s.ptr : "?";
		if (kind != KP_JP_OK &&
		    (!strcmp(want, "error") || !strcmp(kp_jp_kind_name(kind), want)))
			return 1;
		if (kind == KP_JP_OK)
			snprintf(why, wn, "%s: expected a %s error, got %s", expr->u.s.ptr, want,
				 kp_jp_to_json(scratch, out, false, NULL));
		else
			snprintf(why, wn, "%s: expected a %s error, got: %s", expr->u.s.ptr, want,
				 err.msg);
		return 0;
	}
	if (kind != KP_JP_OK) {
		snprintf(why, wn, "%s: %s", expr->u.s.ptr, err.msg);
		return 0;
	}
	if (bench || kp_jp_equal(out, result))
		return 1;
	snprintf(why, wn, "%s: expected %s, got %s", expr->u.s.ptr,
		 kp_jp_to_json(scratch, result, false, NULL), kp_jp_to_json(scratch, out, false, NULL));
	return 0;
}

bool kp_vec_jmespath_owns(const char *base)
{
	size_t n = strlen(base);
	return n > 5 && !strcmp(base + n - 5, ".json");
}

int kp_vec_jmespath_file(const char *path, const char *base, bool verbose,
			 size_t *unexpected)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "run-vectors: %s: cannot read\n", path);
		return 2;
	}
	kp_arena *a = kp_arena_new(), *scratch = kp_arena_new();
	kp_value *doc = kp_json_parse(a, text, len);
	free(text);
	if (!doc || doc->type != KP_SEQ) {
		fprintf(stderr, "run-vectors: %s: expected a JSON list of suites\n", path);
		kp_arena_free(a);
		kp_arena_free(scratch);
		return 2;
	}
	kp_vec_tally t = {.verbose = verbose};
	for (size_t s = 0; s < doc->u.seq.n; s++) {
		const kp_value *suite = doc->u.seq.items[s];
		const kp_value *given = kp_jp_get(suite, "given", 5);
		const kp_value *cases = kp_jp_get(suite, "cases", 5);
		for (size_t i = 0; cases && cases->type == KP_SEQ && i < cases->u.seq.n; i++) {
			char name[512], why[2048] = "";
			snprintf(name, sizeof name, "%s:%zu:%zu", base, s, i);
			kp_arena_reset(scratch);
			const kp_value *c = cases->u.seq.items[i];
			int rc = check(kp_jp_get(c, "expression", 10), KP_JP_PLAIN, given,
				       kp_jp_get(c, "result", 6), kp_jp_get(c, "error", 5),
				       kp_jp_get(c, "bench", 5), scratch, why, sizeof why);
			kp_vec_count(&t, name, rc, why);
		}
	}
	kp_vec_summary(base, &t, unexpected);
	kp_arena_free(a);
	kp_arena_free(scratch);
	return 0;
}
