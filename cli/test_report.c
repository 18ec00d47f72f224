/* test_report.c - table, summary, JSON, YAML and JUnit output of `kpolicy test`. */
#include "test_report.h"
#include "report.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"match", "wrong", "unsupported"};

void kpc_test_totals_add(kpc_test_totals *t, const kpc_test_report *r)
{
	for (size_t i = 0; i < r->rows.n; i++) {
		const kpc_test_row *row = &r->rows.v[i];
		t->rows++;
		if (row->state == KPC_ROW_MATCH) {
			t->passed++;
			t->skipped += row->skip_tally;
		} else {
			t->failed++;
			t->unsupported += row->state == KPC_ROW_UNSUPPORTED;
		}
	}
	if (r->error) {
		t->load_errors++;
		if (!r->rows.n)
			t->failed++;
	}
}

bool kpc_test_format_parse(const char *s, kpc_test_format *out)
{
	static const char *const names[] = {"table", "json", "yaml", "junit"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (kpc_test_format)i;
			return true;
		}
	return false;
}

/* ---------------------------------------------------------------- table */

enum { COL_ID, COL_POLICY, COL_RULE, COL_RESOURCE, COL_RESULT, COL_REASON, COL_MESSAGE, NCOL };
static const char *const headers[NCOL] = {"ID", "POLICY", "RULE", "RESOURCE", "RESULT",
					  "REASON", "MESSAGE"};

static void cells(const kpc_test_row *row, size_t id, char idbuf[32], const char *c[NCOL])
{
	snprintf(idbuf, 32, "%zu", id);
	c[COL_ID] = idbuf;
	c[COL_POLICY] = row->policy;
	c[COL_RULE] = row->rule;
	c[COL_RESOURCE] = row->resource;
	c[COL_RESULT] = row->state == KPC_ROW_MATCH ? "Pass" : "Fail";
	c[COL_REASON] = row->reason;
	c[COL_MESSAGE] = row->message;
}

/* Print rows (only failed ones when fail_only), renumbered when renumber. */
static void print_rows(FILE *out, const kpc_test_row *const *rows, size_t n,
		       const kpc_test_print_opts *o, bool renumber)
{
	int ncol = o->detailed ? NCOL : NCOL - 1;
	size_t w[NCOL];
	for (int k = 0; k < NCOL; k++)
		w[k] = strlen(headers[k]);
	char idbuf[32];
	const char *c[NCOL];
	for (size_t i = 0; i < n; i++) {
		cells(rows[i], renumber ? i + 1 : rows[i]->id, idbuf, c);
		for (int k = 0; k < ncol; k++)
			if (strlen(c[k]) > w[k])
				w[k] = strlen(c[k]);
	}
	for (int k = 0; k < ncol; k++)
		fprintf(out, "%s %-*s ", k ? "|" : "", (int)w[k], headers[k]);
	fputc('\n', out);
	for (int k = 0; k < ncol; k++) {
		fputs(k ? "|" : "", out);
		for (size_t j = 0; j < w[k] + 2; j++)
			fputc('-', out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		cells(rows[i], renumber ? i + 1 : rows[i]->id, idbuf, c);
		for (int k = 0; k < ncol; k++) {
			const char *color = NULL;
			if (o->color && k == COL_RESULT)
				color = rows[i]->state == KPC_ROW_MATCH ? "\033[32m"
					: rows[i]->state == KPC_ROW_UNSUPPORTED ? "\033[33m" : "\033[31m";
			fprintf(out, "%s %s%-*s%s ", k ? "|" : "", color ? color : "", (int)w[k], c[k],
				color ? "\033[0m" : "");
		}
		fputc('\n', out);
	}
}

static const kpc_test_row **select_rows(const kpc_test_report *r, bool fail_only, size_t *n)
{
	const kpc_test_row **v = kpc_xcalloc(r->rows.n + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < r->rows.n; i++)
		if (!fail_only || r->rows.v[i].state != KPC_ROW_MATCH)
			v[(*n)++] = &r->rows.v[i];
	return v;
}

void kpc_test_print_table(FILE *out, const kpc_test_report *r, const kpc_test_print_opts *o)
{
	size_t n;
	const kpc_test_row **rows = select_rows(r, o->fail_only, &n);
	fputc('\n', out);
	if (n)
		print_rows(out, rows, n, o, false);
	fputc('\n', out);
	free(rows);
}

void kpc_test_print_summary(FILE *out, const kpc_test_report *reports, size_t n,
			    const kpc_test_print_opts *o)
{
	kpc_test_totals t = {0};
	for (size_t i = 0; i < n; i++)
		kpc_test_totals_add(&t, &reports[i]);
	if (o->fail_only) {
		size_t nf = 0, cap = t.rows + 1;
		const kpc_test_row **all = kpc_xcalloc(cap, sizeof(*all));
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < reports[i].rows.n; j++)
				if (reports[i].rows.v[j].state != KPC_ROW_MATCH)
					all[nf++] = &reports[i].rows.v[j];
		if (nf) {
			fprintf(out, "Aggregated Failed Test Cases : \n");
			print_rows(out, all, nf, o, true);
		}
		free(all);
		fprintf(out, "Test Summary: %zu out of %zu tests failed", t.failed,
			t.passed + t.failed);
	} else {
		fprintf(out, "Test Summary: %zu tests passed and %zu tests failed", t.passed,
			t.failed);
	}
	if (t.unsupported)
		fprintf(out, " (%zu unsupported)", t.unsupported);
	fputc('\n', out);
}

/* ---------------------------------------------------------------- JSON / YAML */

void kpc_json_string(FILE *out, const char *s)
{
	kp_buf b = {0};
	kp_buf_json_cstr(&b, s);
	kp_buf_flush(&b, out);
	kp_buf_free(&b);
}

static void json_row(FILE *out, const kpc_test_row *r)
{
	fprintf(out, "{\"id\": %zu, \"case\": %zu, \"policy\": ", r->id, r->case_no);
	kpc_json_string(out, r->policy);
	fputs(", \"rule\": ", out);
	kpc_json_string(out, r->rule);
	fputs(", \"resource\": ", out);
	kpc_json_string(out, r->resource);
	fprintf(out, ", \"expected\": \"%s\", \"actual\": ", r->expected);
	kpc_json_string(out, r->actual);
	fprintf(out, ", \"result\": \"%s\", \"state\": \"%s\", \"excluded\": %s, \"reason\": ",
		r->state == KPC_ROW_MATCH ? "Pass" : "Fail", state_names[r->state],
		r->excluded ? "true" : "false");
	kpc_json_string(out, r->reason);
	fputs(", \"message\": ", out);
	kpc_json_string(out, r->message);
	fputc('}', out);
}

void kpc_test_print_json(FILE *out, const kpc_test_report *reports, size_t n)
{
	kpc_test_totals t = {0};
	for (size_t i = 0; i < n; i++)
		kpc_test_totals_add(&t, &reports[i]);
	fprintf(out, "{\"summary\": {\"tests\": %zu, \"rows\": %zu, \"passed\": %zu, "
		"\"failed\": %zu, \"unsupported\": %zu, \"skipped\": %zu, \"load_errors\": %zu},\n"
		"\"tests\": [\n", n, t.rows, t.passed, t.failed, t.unsupported, t.skipped,
		t.load_errors);
	for (size_t i = 0; i < n; i++) {
		const kpc_test_report *r = &reports[i];
		fputs("{\"path\": ", out);
		kpc_json_string(out, r->path);
		fputs(", \"name\": ", out);
		kpc_json_string(out, r->name);
		fputs(", \"error\": ", out);
		kpc_json_string(out, r->error);
		fprintf(out, ", \"policies\": %zu, \"resources\": %zu, \"rows\": [\n", r->n_policies,
			r->n_resources);
		for (size_t j = 0; j < r->rows.n; j++) {
			json_row(out, &r->rows.v[j]);
			fputs(j + 1 < r->rows.n ? ",\n" : "\n", out);
		}
		fputs(i + 1 < n ? "]},\n" : "]}\n", out);
	}
	fputs("]}\n", out);
}

void kpc_test_print_yaml(FILE *out, const kpc_test_report *reports, size_t n)
{
	kpc_test_totals t = {0};
	for (size_t i = 0; i < n; i++)
		kpc_test_totals_add(&t, &reports[i]);
	fprintf(out, "summary:\n  tests: %zu\n  rows: %zu\n  passed: %zu\n  failed: %zu\n"
		"  unsupported: %zu\n  skipped: %zu\n  load_errors: %zu\ntests:%s\n", n, t.rows,
		t.passed, t.failed, t.unsupported, t.skipped, t.load_errors, n ? "" : " []");
	for (size_t i = 0; i < n; i++) {
		const kpc_test_report *r = &reports[i];
		fputs("- path: ", out);
		kpc_json_string(out, r->path);
		fputs("\n  name: ", out);
		kpc_json_string(out, r->name);
		fputs("\n  error: ", out);
		kpc_json_string(out, r->error);
		fprintf(out, "\n  policies: %zu\n  resources: %zu\n  rows:%s\n", r->n_policies,
			r->n_resources, r->rows.n ? "" : " []");
		for (size_t j = 0; j < r->rows.n; j++) {
			const kpc_test_row *w = &r->rows.v[j];
			fprintf(out, "  - id: %zu\n    case: %zu\n    policy: ", w->id, w->case_no);
			kpc_json_string(out, w->policy);
			fputs("\n    rule: ", out);
			kpc_json_string(out, w->rule);
			fputs("\n    resource: ", out);
			kpc_json_string(out, w->resource);
			fprintf(out, "\n    expected: %s\n    actual: %s\n    result: %s\n"
				"    state: %s\n    excluded: %s\n    reason: ", w->expected,
				w->actual ? w->actual : "null", w->state == KPC_ROW_MATCH ? "Pass" : "Fail",
				state_names[w->state], w->excluded ? "true" : "false");
			kpc_json_string(out, w->reason);
			fputs("\n    message: ", out);
			kpc_json_string(out, w->message);
			fputc('\n', out);
		}
	}
}

/* ---------------------------------------------------------------- JUnit */

/* s escaped for an XML attribute value (report_util.c: forbidden characters
 * and invalid UTF-8 become U+FFFD). */
static void xml_out(FILE *out, const char *s)
{
	kp_buf sb = {0};
	kpc_xml_escape(&sb, s, true);
	if (sb.len)
		fwrite(sb.data, 1, sb.len, out);
	kp_buf_free(&sb);
}

typedef struct junit_case {
	const kpc_test_report *test;
	const kpc_test_row *row;      /* NULL: the test did not load */
	size_t order;
} junit_case;

static const char *case_suite(const junit_case *c)
{
	return c->row ? c->row->policy : c->test->path;
}

static int cmp_cases(const void *a, const void *b)
{
	const junit_case *x = a, *y = b;
	int c = strcmp(case_suite(x), case_suite(y));
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void junit_testcase(FILE *out, const junit_case *c)
{
	const kpc_test_row *r = c->row;
	fputs("    <testcase classname=\"", out);
	xml_out(out, r ? r->rule : "load");
	fputs("\" name=\"", out);
	xml_out(out, r ? r->resource : c->test->path);
	fputs("\" file=\"", out);
	xml_out(out, c->test->path);
	if (r && r->state == KPC_ROW_MATCH) {
		fputs("\"/>\n", out);
		return;
	}
	fputs("\">\n      <", out);
	const char *elem = r ? "failure" : "error";
	fputs(elem, out);
	fputs(" type=\"", out);
	xml_out(out, !r ? "Load error" : r->state == KPC_ROW_UNSUPPORTED ? "unsupported" : "wrong");
	fputs("\" message=\"", out);
	xml_out(out, r ? r->reason : c->test->error);
	fputs("\">", out);
	xml_out(out, r ? r->message : c->test->error);
	fprintf(out, "</%s>\n    </testcase>\n", elem);
}

void kpc_test_print_junit(FILE *out, const kpc_test_report *reports, size_t n)
{
	size_t total = 0, nc = 0;
	for (size_t i = 0; i < n; i++)
		total += reports[i].rows.n + 1;
	junit_case *cases = kpc_xcalloc(total + 1, sizeof(*cases));
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < reports[i].rows.n; j++)
			cases[nc] = (junit_case){&reports[i], &reports[i].rows.v[j], nc}, nc++;
		if (reports[i].error && !reports[i].rows.n)
			cases[nc] = (junit_case){&reports[i], NULL, nc}, nc++;
	}
	qsort(cases, nc, sizeof(*cases), cmp_cases);
	size_t failures = 0, errors = 0;
	for (size_t i = 0; i < nc; i++) {
		errors += !cases[i].row;
		failures += cases[i].row && cases[i].row->state != KPC_ROW_MATCH;
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"kpolicy test\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
		nc, failures, errors);
	for (size_t i = 0; i < nc;) {
		size_t j = i, sf = 0, se = 0;
		while (j < nc && !strcmp(case_suite(&cases[j]), case_suite(&cases[i]))) {
			se += !cases[j].row;
			sf += cases[j].row && cases[j].row->state != KPC_ROW_MATCH;
			j++;
		}
		fputs("  <testsuite name=\"", out);
		xml_out(out, case_suite(&cases[i]));
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", j - i, sf, se);
		for (; i < j; i++)
			junit_testcase(out, &cases[i]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	free(cases);
}
