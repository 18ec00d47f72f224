/* vectors.h - schemas of ../shared/conformance/engine-vectors files, one
 * handler per schema, picked by the file's base name. */
#ifndef KP_VECTORS_H
#define KP_VECTORS_H

#include "input/input.h"

/* Runs one case.  Returns 1 when kpolicy agrees with `expect`, 0 when not
 * (why[] says what kpolicy gave), -1 when the case itself is malformed. */
typedef int (*kp_vector_fn)(const kp_value *c, char *why, size_t why_len);

typedef struct kp_vector_schema {
	const char *file;     /* base name, e.g. "validate-pattern.yaml" */
	kp_vector_fn run;
} kp_vector_schema;

/* Handlers, defined in vectors_*.c. */
int kp_vec_validate_pattern(const kp_value *c, char *why, size_t n);
int kp_vec_value_pattern(const kp_value *c, char *why, size_t n);
int kp_vec_wildcard(const kp_value *c, char *why, size_t n);
int kp_vec_operator_parse(const kp_value *c, char *why, size_t n);
int kp_vec_match(const kp_value *c, char *why, size_t n);
int kp_vec_autogen(const kp_value *c, char *why, size_t n);
int kp_vec_condition(const kp_value *c, char *why, size_t n);
int kp_vec_kyfunc(const kp_value *c, char *why, size_t n);

/* Outcomes of one file's cases (run-vectors.c): kp_vec_count prints a
 * case's line (rc as kp_vector_fn returns it; known failures are looked up
 * by name), kp_vec_summary the "FILE: N passed, N failed" line and adds
 * the unexpected failures to *unexpected. */
typedef struct kp_vec_tally {
	size_t passed, failed, known;
	bool verbose;
} kp_vec_tally;
void kp_vec_count(kp_vec_tally *t, const char *name, int rc, const char *why);
void kp_vec_summary(const char *base, const kp_vec_tally *t, size_t *unexpected);

/* Files vectors_jmespath.c runs whole: the JMESPath compliance format
 * (any .json) and Kyverno's functions.yaml.  kp_vec_jmespath_file returns
 * 0, or 2 when the file cannot be read. */
bool kp_vec_jmespath_owns(const char *base);
int kp_vec_jmespath_file(const char *path, const char *base, bool verbose,
			 size_t *unexpected);

/* cel-spec files (top-level `sections:`), vectors_cel.c. */
int kp_vec_cel_file(const kp_value *root, const char *base, bool verbose,
		    size_t *unexpected);

#endif
