/* report_json.c - `-o json`: {"results": [row...], "errors": [...],
 * "summary": {...}}, rows streamed one per line as they come. */
#include "report.h"

#include <stdlib.h>

typedef struct json_state {
	size_t rows;
	kpc_errlist errors;
	kp_buf line;
} json_state;

static void json_begin(kpc_report *r)
{
	json_state *j = kpc_xcalloc(1, sizeof *j);
	r->state = j;
	fputs("{\"results\": [\n", r->out);
}

/* `lit` (a key and its punctuation), then val as a JSON string */
#define json_field(b, lit, val) (KPC_PUT_LIT((b), lit), kp_buf_json_cstr((b), (val)))

static void json_row(kpc_report *r, const kpc_row *row)
{
	json_state *j = r->state;
	kp_buf *b = &j->line;
	if (j->rows++)
		KPC_PUT_LIT(b, ",\n");
	KPC_PUT_LIT(b, "{\"policy\": ");
	if (!row->pol->ns) {
		kp_buf_json_cstr(b, row->pol->name);   /* no display copy per row */
	} else {
		kp_buf pn = {0};
		kpc_policy_display(&pn, row->pol);
		kp_buf_json_str(b, pn.data, pn.len);
		kp_buf_free(&pn);
	}
	json_field(b, ", \"rule\": ", row->rule);
	json_field(b, ", \"resource\": {\"apiVersion\": ", row->api_version);
	json_field(b, ", \"kind\": ", row->kind);
	json_field(b, ", \"namespace\": ", row->namespace);
	json_field(b, ", \"name\": ", row->name);
	KPC_PUT_LIT(b, "}, \"result\": \"");
	kpc_puts(b, kp_status_name(row->status));
	json_field(b, "\", \"message\": ", row->message);
	json_field(b, ", \"path\": ", row->path);
	json_field(b, ", \"source\": {\"file\": ", row->file);
	KPC_PUT_LIT(b, ", \"line\": ");
	kpc_buf_uint(b, row->line);
	KPC_PUT_LIT(b, ", \"column\": ");
	kpc_buf_uint(b, row->col);
	KPC_PUT_LIT(b, "}}");
	kp_buf_flush(b, r->out);
}

static void json_input_error(kpc_report *r, const kp_error *e)
{
	json_state *j = r->state;
	kpc_errlist_add(&j->errors, e);
}

static void json_end(kpc_report *r, const kpc_summary *s)
{
	json_state *j = r->state;
	kp_buf *b = &j->line;
	kp_buf_puts(b, "\n], \"errors\": [");
	for (size_t i = 0; i < j->errors.n; i++) {
		const kpc_input_error *e = &j->errors.v[i];
		kp_buf_puts(b, i ? ",\n" : "\n");
		kp_buf_puts(b, "{\"file\": ");
		kp_buf_json_cstr(b, e->file);
		kp_buf_printf(b, ", \"line\": %u, \"column\": %u, \"message\": ", e->line, e->col);
		kp_buf_json_cstr(b, e->message);
		kp_buf_puts(b, "}");
	}
	const kpc_counts *c = &s->total;
	kp_buf_printf(b, "%s], \"summary\": {\"pass\": %zu, \"fail\": %zu, \"warn\": %zu, "
		     "\"error\": %zu, \"skip\": %zu}}\n",
		     j->errors.n ? "\n" : "", c->pass, c->fail, c->warn, c->error, c->skip);
	kp_buf_flush(b, r->out);
	kp_buf_free(b);
	kpc_errlist_free(&j->errors);
	free(j);
	r->state = NULL;
}

const kpc_report_ops kpc_report_json = {
	"json", json_begin, json_row, json_input_error, json_end,
};
