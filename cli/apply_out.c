/* apply_out.c - text (kyverno apply style) and JSON rendering of rows. */
#include "apply_out.h"

#include <string.h>

static void text_row(kp_buf *out, const kpc_res_id *id, const kp_result *r,
		     size_t index, int *header_done)
{
	/* kyverno prints failures (and, here, errors such as unsupported
	 * features); passes, skips and scored=false warnings stay silent */
	if (r->status != KP_STATUS_FAIL && r->status != KP_STATUS_ERROR)
		return;
	if (!*header_done) {
		kp_buf_puts(out, "\npolicy ");
		kp_buf_puts(out, r->policy);
		kp_buf_puts(out, " -> resource ");
		kp_buf_puts(out, id->namespace);
		kp_buf_puts(out, "/");
		kp_buf_puts(out, id->kind);
		kp_buf_puts(out, "/");
		kp_buf_puts(out, id->name);
		kp_buf_puts(out, " failed: \n");
		*header_done = 1;
	}
	kp_buf_printf(out, "%zu. ", index);
	kp_buf_puts(out, r->rule);
	kp_buf_puts(out, ": ");
	kp_buf_puts(out, r->message);
	kp_buf_puts(out, " \n");
}

static void json_row(kp_buf *out, const kpc_res_id *id, const kp_result *r,
		     size_t rows_before)
{
	if (rows_before)
		kp_buf_puts(out, ",\n");
	kp_buf_puts(out, "{\"policy\": ");
	if (r->policy_namespace) {
		kp_buf pn = {0};
		kp_buf_printf(&pn, "%s/%s", r->policy_namespace, r->policy);
		kp_buf_json_str(out, pn.data, pn.len);
		kp_buf_free(&pn);
	} else {
		kp_buf_json_cstr(out, r->policy);
	}
	kp_buf_puts(out, ", \"rule\": ");
	kp_buf_json_cstr(out, r->rule);
	kp_buf_puts(out, ", \"resource\": {\"apiVersion\": ");
	kp_buf_json_cstr(out, id->api_version);
	kp_buf_puts(out, ", \"kind\": ");
	kp_buf_json_cstr(out, id->kind);
	kp_buf_puts(out, ", \"namespace\": ");
	kp_buf_json_cstr(out, id->namespace);
	kp_buf_puts(out, ", \"name\": ");
	kp_buf_json_cstr(out, id->name);
	kp_buf_printf(out, "}, \"result\": \"%s\", \"message\": ", kp_status_name(r->status));
	kp_buf_json_cstr(out, r->message);
	kp_buf_puts(out, ", \"path\": ");
	kp_buf_json_cstr(out, r->path);
	kp_buf_puts(out, ", \"source\": {\"file\": ");
	kp_buf_json_cstr(out, r->file ? r->file : id->file);
	kp_buf_printf(out, ", \"line\": %u, \"column\": %u}}", r->file ? r->line : id->line,
		     r->file ? r->col : id->col);
}

void kpc_out_row(kpc_out_format fmt, kp_buf *out, const kpc_res_id *id,
		 const kp_result *r, size_t index, int *header_done,
		 size_t rows_before, kpc_counts *c)
{
	switch (r->status) {
	case KP_STATUS_PASS: c->pass++; break;
	case KP_STATUS_FAIL: c->fail++; break;
	case KP_STATUS_WARN: c->warn++; break;
	case KP_STATUS_ERROR: c->error++; break;
	case KP_STATUS_SKIP: c->skip++; break;
	}
	if (fmt == KPC_OUT_TEXT)
		text_row(out, id, r, index, header_done);
	else
		json_row(out, id, r, rows_before);
}

void kpc_out_begin(kpc_out_format fmt, FILE *f)
{
	if (fmt == KPC_OUT_JSON)
		fputs("{\"results\": [\n", f);
}

void kpc_out_end(kpc_out_format fmt, FILE *f, size_t rules, size_t resources,
		 const kpc_counts *c, void (*write_rows)(void *ud, FILE *f), void *ud)
{
	if (fmt == KPC_OUT_JSON) {
		fprintf(f, "\n], \"summary\": {\"pass\": %zu, \"fail\": %zu, \"warn\": %zu, "
			   "\"error\": %zu, \"skip\": %zu}}\n",
			c->pass, c->fail, c->warn, c->error, c->skip);
		return;
	}
	fprintf(f, "\nApplying %zu policy rule(s) to %zu resource(s)...\n", rules, resources);
	write_rows(ud, f);
	fprintf(f, "\npass: %zu, fail: %zu, warn: %zu, error: %zu, skip: %zu \n",
		c->pass, c->fail, c->warn, c->error, c->skip);
}
