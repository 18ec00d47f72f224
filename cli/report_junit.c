/* report_junit.c - `-o junit`: JUnit XML that the Jenkins xUnit schema
 * accepts (../shared/conformance/schemas/junit/jenkins-xunit-junit-10.xsd),
 * plus testcase `file`/`line` (read by GitLab and GitHub reporters; the
 * only extension).  One testsuite per policy in policy order, one testcase
 * per row in input order: classname the policy, name "rule resource";
 * fail -> <failure>, error -> <error>, skip -> <skipped>, warn -> a passing
 * case with the message in <system-out>.  Rows are held until the end. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

typedef struct jcase {
	size_t policy;
	const char *name, *message, *detail, *file;
	unsigned line;
	kp_status status;
} jcase;

typedef struct junit_state {
	jcase *v;
	size_t n, cap;
	kpc_pool pool;
	kp_buf b;
	kp_buf name, detail;          /* a row's, reused */
	kpc_errlist errors;           /* unusable inputs: a suite of their own */
} junit_state;

static void junit_begin(kpc_report *r)
{
	r->state = kpc_xcalloc(1, sizeof(junit_state));
}

static void junit_row(kpc_report *r, const kpc_row *row)
{
	junit_state *j = r->state;
	j->v = kpc_xgrow(j->v, &j->cap, j->n + 1, sizeof *j->v);
	kp_buf *name = &j->name, *detail = &j->detail;
	kp_buf_reset(name);
	kp_buf_reset(detail);
	kpc_buf_cat(name, row->rule, " ", NULL);
	kpc_resource_path(name, row);
	KPC_PUT_LIT(detail, "Policy: ");
	kpc_policy_display(detail, row->pol);
	kpc_buf_cat(detail, "\nRule: ", row->rule, "\nResource: ", row->api_version, "/", row->kind, "/",
		    NULL);
	if (*row->namespace)
		kpc_buf_cat(detail, row->namespace, "/", NULL);
	kpc_buf_cat(detail, row->name, "\nResult: ", kp_status_name(row->status), "\nMessage: ",
		    row->message, "\nSource: ", row->file, ":", NULL);
	kpc_buf_uint(detail, row->line);
	KPC_PUT_LIT(detail, ":");
	kpc_buf_uint(detail, row->col);
	KPC_PUT_LIT(detail, "\n");
	if (row->path)
		kpc_buf_cat(detail, "Path: ", row->path, "\n", NULL);
	j->v[j->n++] = (jcase){
		.policy = row->policy_index, .name = kpc_pool_str(&j->pool, name->data),
		.message = kpc_pool_str(&j->pool, row->message),
		.detail = kpc_pool_str(&j->pool, detail->data), .file = kpc_pool_str(&j->pool, row->file),
		.line = row->line, .status = row->status,
	};
}

/* Unusable inputs become <error> cases of a last suite, "kpolicy", so a
 * CI view of the report shows why the run failed. */
static void junit_input_error(kpc_report *r, const kp_error *e)
{
	junit_state *j = r->state;
	kpc_errlist_add(&j->errors, e);
}

static void attr(kp_buf *b, const char *name, const char *val)
{
	KPC_PUT_LIT(b, " ");
	kpc_puts(b, name);
	KPC_PUT_LIT(b, "=\"");
	kpc_xml_escape(b, val, true);
	KPC_PUT_LIT(b, "\"");
}

static void junit_end(kpc_report *r, const kpc_summary *sum)
{
	(void)sum;
	junit_state *j = r->state;
	kp_buf *b = &j->b;
	FILE *f = r->out;
	/* cases grouped by policy, input order kept (a counting sort) */
	size_t np = r->n_policies;
	size_t *start = kpc_xcalloc(np + 1, sizeof *start);
	size_t *order = kpc_xcalloc(j->n, sizeof *order);
	kpc_counts *cnt = kpc_xcalloc(np + 1, sizeof *cnt);
	kpc_counts all = {0};
	for (size_t i = 0; i < j->n; i++) {
		start[j->v[i].policy + 1]++;
		kpc_count(&cnt[j->v[i].policy], j->v[i].status);
		kpc_count(&all, j->v[i].status);
	}
	for (size_t p = 0; p < np; p++)
		start[p + 1] += start[p];
	for (size_t i = 0; i < j->n; i++)
		order[start[j->v[i].policy]++] = i;
	kp_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<testsuites name=\"kpolicy apply\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
		     j->n + j->errors.n, all.fail, all.error + j->errors.n);
	size_t k = 0;
	for (size_t p = 0; p < np; p++) {
		const kpc_policy_info *pi = &r->policies[p];
		size_t end = start[p];   /* after the shifts: the end of policy p */
		size_t n = end - k;
		kp_buf pn = {0};
		kpc_policy_display(&pn, pi);
		kp_buf_puts(b, "  <testsuite");
		attr(b, "name", pn.data);
		kp_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\"",
			     n, cnt[p].fail, cnt[p].error, cnt[p].skip);
		attr(b, "file", kp_policy_file(pi->p));
		kp_buf_puts(b, n ? ">\n" : "/>\n");
		for (; k < end; k++) {
			const jcase *c = &j->v[order[k]];
			kp_buf_puts(b, "    <testcase");
			attr(b, "classname", pn.data);
			attr(b, "name", c->name);
			attr(b, "file", c->file);
			KPC_PUT_LIT(b, " line=\"");
			kpc_buf_uint(b, c->line);
			KPC_PUT_LIT(b, "\" time=\"0\"");
			const char *el = c->status == KP_STATUS_FAIL ? "failure"
				       : c->status == KP_STATUS_ERROR ? "error"
				       : c->status == KP_STATUS_SKIP ? "skipped"
				       : c->status == KP_STATUS_WARN ? "system-out" : NULL;
			if (!el) {
				kp_buf_puts(b, "/>\n");
			} else {
				KPC_PUT_LIT(b, ">\n      <");
				kpc_puts(b, el);
				if (c->status != KP_STATUS_WARN) {
					attr(b, "message", c->message);
					attr(b, "type", kp_status_name(c->status));
				}
				kp_buf_puts(b, ">");
				kpc_xml_escape(b, c->detail, false);
				KPC_PUT_LIT(b, "</");
				kpc_puts(b, el);
				KPC_PUT_LIT(b, ">\n    </testcase>\n");
			}
			kp_buf_flush(b, f);
		}
		if (n)
			kp_buf_puts(b, "  </testsuite>\n");
		kp_buf_free(&pn);
		kp_buf_flush(b, f);
	}
	if (j->errors.n)
		kp_buf_printf(b, "  <testsuite name=\"kpolicy\" tests=\"%zu\" failures=\"0\" errors=\"%zu\" "
				"skipped=\"0\" time=\"0\">\n", j->errors.n, j->errors.n);
	for (size_t i = 0; i < j->errors.n; i++) {
		const kpc_input_error *e = &j->errors.v[i];
		kp_buf where = {0};
		kp_buf_printf(&where, "%s:%u:%u", e->file, e->line, e->col);
		kp_buf_puts(b, "    <testcase classname=\"kpolicy\"");
		attr(b, "name", where.data);
		attr(b, "file", e->file);
		kp_buf_printf(b, " line=\"%u\" time=\"0\">\n      <error", e->line);
		attr(b, "message", e->message);
		kp_buf_puts(b, " type=\"unusable input\">");
		kpc_xml_escape(b, e->message, false);
		kp_buf_puts(b, "</error>\n    </testcase>\n");
		kp_buf_free(&where);
	}
	if (j->errors.n)
		kp_buf_puts(b, "  </testsuite>\n");
	kp_buf_puts(b, "</testsuites>\n");
	kp_buf_flush(b, f);
	kp_buf_free(b);
	kp_buf_free(&j->name);
	kp_buf_free(&j->detail);
	free(start);
	free(order);
	free(cnt);
	free(j->v);
	kpc_pool_free(&j->pool);
	kpc_errlist_free(&j->errors);
	free(j);
	r->state = NULL;
}

const kpc_report_ops kpc_report_junit = {
	"junit", junit_begin, junit_row, junit_input_error, junit_end,
};
