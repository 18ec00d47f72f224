/* test_run.h - running one kyverno-test.yaml: loading its policies,
 * resources, values and userinfo, evaluating, and checking its rows. */
#ifndef KPC_TEST_RUN_H
#define KPC_TEST_RUN_H

#include "test_check.h"

#include <stdio.h>

/* What one test file gave.  Release with kpc_test_report_fini. */
typedef struct kpc_test_report {
	char *path;            /* the test file */
	char *name;            /* its metadata.name ("" when unknown) */
	/* The test could not run: "file:line:col: msg"; NULL when it ran.
	 * Kyverno counts such a test as failed. */
	char *error;
	kpc_test_rows rows;
	size_t n_policies, n_resources;
} kpc_test_report;

void kpc_test_report_fini(kpc_test_report *r);

typedef struct kpc_test_run_opts {
	bool strict_excluded;
	const kpc_test_selector *selector;   /* NULL: all cases */
	/* Progress lines ("Loading test ...") as `kyverno test` prints them;
	 * NULL prints none. */
	FILE *log;
	/* Diagnostics (warnings, load errors); NULL prints none. */
	FILE *diag;
} kpc_test_run_opts;

/* Run the test file at `path` into *out (always filled; out->error set
 * when it could not load).  Returns 0 when it ran, -1 when it could not. */
int kpc_test_run(const char *path, const kpc_test_run_opts *o, kpc_test_report *out);

#endif
