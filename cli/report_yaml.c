/* report_yaml.c - `-o yaml`: the object of `-o json` as YAML (results,
 * errors, summary), rows streamed as they come. */
#include "report.h"

#include <stdlib.h>

typedef struct yaml_state {
	size_t rows;
	kpc_errlist errors;
	kp_buf b;
} yaml_state;

static void yaml_begin(kpc_report *r)
{
	r->state = kpc_xcalloc(1, sizeof(yaml_state));
}

static void kv(kp_buf *b, const char *indent, const char *key, const char *val)
{
	kpc_puts(b, indent);
	kpc_puts(b, key);
	KPC_PUT_LIT(b, ": ");
	kpc_yaml_scalar(b, val);
	KPC_PUT_LIT(b, "\n");
}

static void yaml_row(kpc_report *r, const kpc_row *row)
{
	yaml_state *y = r->state;
	kp_buf *b = &y->b;
	if (!y->rows++)
		kp_buf_puts(b, "results:\n");
	kp_buf pn = {0};
	kpc_policy_display(&pn, row->pol);
	kv(b, "- ", "policy", pn.data);
	kp_buf_free(&pn);
	kv(b, "  ", "rule", row->rule);
	kp_buf_puts(b, "  resource:\n");
	kv(b, "    ", "apiVersion", row->api_version);
	kv(b, "    ", "kind", row->kind);
	kv(b, "    ", "namespace", row->namespace);
	kv(b, "    ", "name", row->name);
	kv(b, "  ", "result", kp_status_name(row->status));
	kv(b, "  ", "message", row->message);
	kv(b, "  ", "path", row->path);
	kp_buf_puts(b, "  source:\n");
	kv(b, "    ", "file", row->file);
	KPC_PUT_LIT(b, "    line: ");
	kpc_buf_uint(b, row->line);
	KPC_PUT_LIT(b, "\n    column: ");
	kpc_buf_uint(b, row->col);
	KPC_PUT_LIT(b, "\n");
	kp_buf_flush(b, r->out);
}

static void yaml_input_error(kpc_report *r, const kp_error *e)
{
	yaml_state *y = r->state;
	kpc_errlist_add(&y->errors, e);
}

static void yaml_end(kpc_report *r, const kpc_summary *s)
{
	yaml_state *y = r->state;
	kp_buf *b = &y->b;
	if (!y->rows)
		kp_buf_puts(b, "results: []\n");
	kp_buf_puts(b, y->errors.n ? "errors:\n" : "errors: []\n");
	for (size_t i = 0; i < y->errors.n; i++) {
		const kpc_input_error *e = &y->errors.v[i];
		kv(b, "- ", "file", e->file);
		kp_buf_printf(b, "  line: %u\n  column: %u\n", e->line, e->col);
		kv(b, "  ", "message", e->message);
	}
	const kpc_counts *c = &s->total;
	kp_buf_printf(b, "summary:\n  pass: %zu\n  fail: %zu\n  warn: %zu\n  error: %zu\n  skip: %zu\n",
		     c->pass, c->fail, c->warn, c->error, c->skip);
	kp_buf_flush(b, r->out);
	kp_buf_free(b);
	kpc_errlist_free(&y->errors);
	free(y);
	r->state = NULL;
}

const kpc_report_ops kpc_report_yaml = {
	"yaml", yaml_begin, yaml_row, yaml_input_error, yaml_end,
};
