/* Helpers for the Pod Security Standards unit tests: compile a
 * podSecurity mapping, evaluate a pod given as YAML/JSON text. */
#ifndef TEST_PSS_UTIL_H
#define TEST_PSS_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "pss/pss.h"

/* Everything of one test lives in this arena (freed by the suite's fini). */
extern kp_arena *pss_arena;
void pss_fini(void);
/* pss_arena, made on first use */
kp_arena *pss_scratch(void);

/* The first document of `text` (raw: no kind needed), kept in pss_arena. */
const kp_value *pss_doc(const char *text);
/* Compile a podSecurity mapping; NULL with *err filled when invalid. */
kp_pss_rule *pss_rule(const char *text, kp_error *err);
/* The failing check IDs, comma-joined ("" = passes, "ERROR: ..." on a
 * decoding error) of the pod document under the rule. */
const char *pss_ids(const kp_pss_rule *r, const char *pod);
/* Shorthand: level and version ("" = absent) without excludes. */
const char *pss_ids_at(const char *level, const char *version, const char *pod);
/* Kyverno's message for rule `name` on the pod (as `kind`), "" when it passes. */
const char *pss_msg(const kp_pss_rule *r, const char *name, const char *kind, const char *pod);

#endif
