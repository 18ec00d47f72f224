/* Helpers for the Pod Security Standards unit tests (see test_pss_util.h). */
#include "test_pss_util.h"

#include <stdio.h>

kp_arena *pss_arena;

void pss_fini(void)
{
	kp_arena_free(pss_arena);
	pss_arena = NULL;
}

kp_arena *pss_scratch(void)
{
	if (!pss_arena)
		pss_arena = kp_arena_new();
	return pss_arena;
}

const kp_value *pss_doc(const char *text)
{
	kp_error err;
	kp_read_opts o = {.raw = true};
	kp_reader *r = kp_reader_open_mem("pod.yaml", text, strlen(text), &o, &err);
	cr_assert(r, "%s", err.msg);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	const kp_value *v = kp_value_copy(pss_scratch(), kp_doc_root(d));
	kp_doc_free(d);
	kp_reader_close(r);
	return v;
}

kp_pss_rule *pss_rule(const char *text, kp_error *err)
{
	kp_error_clear(err);
	return kp_pss_compile(pss_scratch(), pss_doc(text), "/podSecurity", err);
}

static int eval(const kp_pss_rule *r, const char *pod, kp_pss_finding **f, const char **dec)
{
	const kp_value *p = pss_doc(pod);
	return kp_pss_eval(r, kp_value_get(p, "metadata"), kp_value_get(p, "spec"), pss_scratch(), f, dec);
}

const char *pss_ids(const kp_pss_rule *r, const char *pod)
{
	kp_pss_finding *f;
	const char *dec = NULL;
	int n = eval(r, pod, &f, &dec);
	if (n < 0)
		return kp_arena_printf(pss_scratch(), "ERROR: %s", dec);
	char *s = kp_arena_strdup(pss_scratch(), "");
	for (int i = 0; i < n; i++)
		s = kp_arena_printf(pss_scratch(), "%s%s%s", s, i ? "," : "", kp_pss_check_id(f[i].check));
	return s;
}

const char *pss_ids_at(const char *level, const char *version, const char *pod)
{
	kp_error err;
	char text[200];
	snprintf(text, sizeof text, "{level: %s%s%s}", level, *version ? ", version: " : "", version);
	kp_pss_rule *r = pss_rule(text, &err);
	cr_assert(r, "%s: %s", text, err.msg);
	return pss_ids(r, pod);
}

const char *pss_msg(const kp_pss_rule *r, const char *name, const char *kind, const char *pod)
{
	kp_pss_finding *f;
	const char *dec = NULL;
	int n = eval(r, pod, &f, &dec);
	cr_assert_geq(n, 0, "%s", dec);
	return n ? kp_pss_message(pss_scratch(), name, r, kind, f, (size_t)n) : "";
}
