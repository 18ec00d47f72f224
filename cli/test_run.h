/* test_run.h - running one kyverno-test.yaml: loading its policies,
 * resources, values and userinfo, evaluating, and checking its rows. */
#ifndef KP_CLI_TEST_RUN_H
#define KP_CLI_TEST_RUN_H

#include "test_check.h"

#include <stdio.h>

/* What one test file gave.  Release with kp_test_report_fini. */
typedef struct kp_test_report {
	char *path;            /* the test file */
	char *name;            /* its metadata.name ("" when unknown) */
	/* The test could not run: "file:line:col: msg"; NULL when it ran.
	 * Kyverno counts such a test as failed. */
	char *error;
	kp_test_rows rows;
	size_t n_policies, n_resources;
} kp_test_report;

void kp_test_report_fini(kp_test_report *r);

typedef struct kp_test_run_opts {
	bool strict_excluded;
	const kp_test_selector *selector;   /* NULL: all cases */
	/* Progress lines ("Loading test ...") as `kyverno test` prints them;
	 * NULL prints none. */
	FILE *log;
	/* Diagnostics (warnings, load errors); NULL prints none. */
	FILE *diag;
} kp_test_run_opts;

/* Run the test file at `path` into *out (always filled; out->error set
 * when it could not load).  Returns 0 when it ran, -1 when it could not. */
int kp_test_run(const char *path, const kp_test_run_opts *o, kp_test_report *out);

#endif
