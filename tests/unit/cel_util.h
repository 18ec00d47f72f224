/* cel_util.h - helpers for the CEL unit tests: evaluate an expression and
 * get its printed value ("1", "\"a\"", "[1, 2u]") or "error: MSG" or
 * "compile: LINE:COL: MSG". */
#ifndef KP_TEST_CEL_UTIL_H
#define KP_TEST_CEL_UTIL_H

#include "cel/cel.h"

#include <stdio.h>
#include <string.h>

/* `object` is bound to the YAML document `object_yaml` (NULL: unbound);
 * `kyverno`: Kyverno's libraries declared (ValidatingPolicy's env). */
static inline char *cel_run_env(const char *expr, const char *object_yaml,
				bool as_double, bool check, bool kyverno)
{
	static char out[4096];
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_check(env, check);
	kp_cel_env_kyverno_libs(env, kyverno);
	kp_cel_env_numbers_as_double(env, as_double);
	kp_cel_env_declare(env, "object");
	kp_error err;
	kp_error_clear(&err);
	kp_doc *d = NULL;
	kp_reader *r = NULL;
	if (object_yaml) {
		kp_read_opts ro = {.typing = KP_TYPING_KUBERNETES, .raw = true};
		r = kp_reader_open_mem("obj", object_yaml, strlen(object_yaml), &ro, &err);
		kp_reader_next(r, &d, &err);
	}
	kp_cel_prog *p = kp_cel_compile(env, expr, strlen(expr), a, &err);
	if (!p) {
		snprintf(out, sizeof out, "compile: %u:%u: %s", err.line, err.col, err.msg);
	} else {
		const kp_value *vals[1] = {d ? kp_doc_root(d) : NULL};
		kp_cel_activation act = {vals, 1, NULL, NULL};
		kp_cel_result res;
		if (kp_cel_eval(p, &act, a, &res, &err) == 0)
			snprintf(out, sizeof out, "%s", res.repr);
		else
			snprintf(out, sizeof out, "error: %s", err.msg);
		kp_cel_prog_free(p);
	}
	kp_doc_free(d);
	kp_reader_close(r);
	kp_arena_free(a);
	return out;
}

static inline char *cel_run_with(const char *expr, const char *object_yaml,
				 bool as_double, bool check)
{
	return cel_run_env(expr, object_yaml, as_double, check, false);
}

static inline char *cel_run(const char *expr)
{
	return cel_run_with(expr, NULL, false, false);
}

#define CEL_EQ(expr, want) cr_assert_str_eq(cel_run(expr), want, "%s", expr)
#define CEL_ERR(expr, prefix) \
	cr_assert(strncmp(cel_run(expr), prefix, strlen(prefix)) == 0, \
		  "%s gave %s, want %s...", expr, cel_run(expr), prefix)

#endif
