/* test_report.h - printing `kpolicy test` results: the per-test table and
 * summary of `kyverno test`, and JSON, YAML and JUnit reports. */
#ifndef KPC_TEST_REPORT_H
#define KPC_TEST_REPORT_H

#include "test_run.h"

#include <stdio.h>

typedef enum kpc_test_format {
	KPC_TEST_TABLE = 0, KPC_TEST_JSON, KPC_TEST_YAML, KPC_TEST_JUNIT
} kpc_test_format;

typedef struct kpc_test_print_opts {
	bool detailed;    /* --detailed-results: MESSAGE column */
	bool fail_only;   /* --fail-only: failed rows only, "Y out of N" summary */
	bool color;       /* ANSI colours in the table */
} kpc_test_print_opts;

/* Totals over all reports, as the summary counts them: skips (and
 * Excluded rows) count as passes; unsupported rows count as failed and
 * are also counted apart; a test that could not load and has no row
 * counts as one failed test. */
typedef struct kpc_test_totals {
	size_t rows, passed, failed, unsupported, skipped, load_errors;
} kpc_test_totals;

void kpc_test_totals_add(kpc_test_totals *t, const kpc_test_report *r);

/* `-o` value to format; false for an unknown name ("table" is accepted). */
bool kpc_test_format_parse(const char *s, kpc_test_format *out);

/* The result table of one test (after its "Loading test" lines). */
void kpc_test_print_table(FILE *out, const kpc_test_report *r, const kpc_test_print_opts *o);
/* The closing lines: with fail_only, "Aggregated Failed Test Cases : " and
 * their table first; then "Test Summary: X tests passed and Y tests failed"
 * (" (N unsupported)" added when there are any), or with fail_only
 * "Test Summary: Y out of N tests failed". */
void kpc_test_print_summary(FILE *out, const kpc_test_report *reports, size_t n,
			    const kpc_test_print_opts *o);

/* Whole-run reports.  JSON: {"summary": {...}, "tests": [{path, name,
 * error, policies, resources, rows: [...]}]}, one test header and one row
 * per line (so line tools can read it); each row has "state": "match",
 * "wrong" or "unsupported" and "case" (the resource-of-a-result-row it
 * checks).  YAML: the same tree.  JUnit: one <testsuite> per policy in byte
 * order of names, <testcase classname=RULE name=RESOURCE> in run order,
 * escaped attribute and text values, every element closed. */
void kpc_test_print_json(FILE *out, const kpc_test_report *reports, size_t n);
void kpc_test_print_yaml(FILE *out, const kpc_test_report *reports, size_t n);
void kpc_test_print_junit(FILE *out, const kpc_test_report *reports, size_t n);

/* Write s as a JSON string (quotes included); also a valid YAML
 * double-quoted scalar.  NULL writes null. */
void kpc_json_string(FILE *out, const char *s);

#endif
