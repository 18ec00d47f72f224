/* test_check.h - checking the `results` rows of a test against what the
 * engine reported, as `kyverno test` does (commands/test/output.go):
 *
 *   for each row, for each resource it names:
 *     resource absent, or policy absent        -> Fail, reason "Not found"
 *     resource present, no result of that rule -> Pass, reason "Excluded"
 *                                                  (tallied as a skip)
 *     one row per matching result: Pass "Ok" when the status is the
 *     expected one, else Fail "Want <expected>, got <actual>".
 *
 * Kept apart from evaluation so that it can be unit-tested with synthetic
 * results. */
#ifndef KPC_TEST_CHECK_H
#define KPC_TEST_CHECK_H

#include "testfile.h"

/* A policy document of the test, loaded or not. */
typedef struct kpc_test_policy {
	const char *name;
	const char *namespace;     /* NULL for a ClusterPolicy */
	/* NULL when it is in the policy set; else why not ("kind:ValidatingPolicy",
	 * or the engine's "unsupported: ..." message). */
	const char *unsupported;
	/* a "ruleless" kind (ValidatingPolicy, ...): a result's `rule:` is
	 * ignored and every response compared (isRulelessPolicyKind) */
	bool ruleless;
} kpc_test_policy;

/* One result of kp_evaluate, copied. */
typedef struct kpc_test_outcome {
	const char *policy, *policy_namespace, *rule;
	kp_status status;
	const char *message;
	bool unsupported;
} kpc_test_outcome;

/* One resource document evaluated under one operation. */
typedef struct kpc_test_subject {
	const char *api_version, *kind, *name, *namespace;  /* "" when absent */
	const char *operation;     /* as evaluated ("CREATE", ...) */
	const char *error;         /* kp_evaluate failed: why; else NULL */
	size_t first, count;       /* its outcomes */
} kpc_test_subject;

/* Everything one test produced. */
typedef struct kpc_test_evidence {
	const kpc_test_policy *policies;
	size_t n_policies;
	const kpc_test_subject *subjects;
	size_t n_subjects;
	const kpc_test_outcome *outcomes;
	size_t n_outcomes;
} kpc_test_evidence;

typedef enum kpc_row_state {
	KPC_ROW_MATCH,         /* the row agrees with the expectation */
	KPC_ROW_WRONG,         /* a wrong verdict (or Not found) */
	KPC_ROW_UNSUPPORTED    /* kpolicy cannot decide it yet */
} kpc_row_state;

/* One line of the report table.  Strings are malloc'd (kpc_test_rows_fini). */
typedef struct kpc_test_row {
	size_t id;             /* 1-based within the test */
	size_t case_no;        /* 1-based (result row, named resource) pair */
	char *policy, *rule;   /* as the test names them ("" for no rule) */
	char *resource;        /* apiVersion/Kind/ns/name, or Kind/ns/name as written */
	const char *expected;  /* status name */
	const char *actual;    /* status name, NULL when there is no result */
	kpc_row_state state;
	bool excluded;         /* resource not selected by the rule */
	bool skip_tally;       /* counted as a skip in the summary */
	char *reason;          /* Ok, Want X, got Y, Excluded, Not found, unsupported: F */
	char *message;         /* the engine's message, or the reason */
} kpc_test_row;

typedef struct kpc_test_rows {
	kpc_test_row *v;
	size_t n, cap;
} kpc_test_rows;

void kpc_test_rows_fini(kpc_test_rows *rows);
/* Append a row with copies of the strings; returns it. */
kpc_test_row *kpc_test_rows_add(kpc_test_rows *rows, const char *policy, const char *rule,
				const char *resource, kp_status expected);

typedef struct kpc_test_check_opts {
	/* --strict-excluded: an Excluded row fails unless it expected skip. */
	bool strict_excluded;
	/* The operation of rows that name none (values' request.operation, else CREATE). */
	const char *default_operation;
	const kpc_test_selector *selector;  /* NULL: every case */
	/* The test could not load: every case that is not unsupported anyway
	 * becomes a failed row with reason "Load error" and this message. */
	const char *load_error;
} kpc_test_check_opts;

/* True if engine rule name `got` answers the test's rule `want`:
 * equal, or autogen-<want>, or autogen-cronjob-<want>; NULL `want` is any. */
bool kpc_test_rule_matches(const char *want, const char *got);
/* True if the test's policy ("name" or "ns/name") names (name, ns). */
bool kpc_test_policy_matches(const char *want, const char *name, const char *ns);
/* True if resource reference r names the subject s (a NULL name: any). */
bool kpc_test_ref_matches(const kpc_test_ref *r, const kpc_test_subject *s);

/* Check every row of t against ev, appending table rows to out (ids and
 * case numbers from 1 within the test).  A case is one resource a result row
 * names (a row naming none is one case over every resource).  A test-level
 * or row-level unsupported input gives one unsupported row per case. */
void kpc_test_check(const kpc_testfile *t, const kpc_test_evidence *ev,
		    const kpc_test_check_opts *o, kpc_test_rows *out);

#endif
