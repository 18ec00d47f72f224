/* report_text.c - `kpolicy apply` default output, as `kyverno apply`
 * prints it: the "Applying ..." header (it needs the resource count, so
 * the failure blocks are held until the end: in memory up to 256 KiB, then
 * in a temporary file), one block per (policy, resource) with failed rules
 * numbered `1 - rule message`, each followed by ` (FILE:LINE:COL)`, then
 * the counts.  kpolicy adds a block for errored rules, and a per-policy
 * table before the counts when the run has more than one policy. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#define KPC_TEXT_SPILL ((size_t)256 << 10)

typedef struct text_state {
	kp_buf held;               /* blocks not yet spilled */
	FILE *spill;
	kpc_text_groups g;         /* rows not rendered by a worker */
	kp_buf block;              /* finished blocks, reused */
} text_state;

static void hold(text_state *t, const char *s, size_t n)
{
	/* past KPC_TEXT_SPILL bytes the blocks go to a temporary file, in
	 * batches of about that size */
	if (t->held.len + n > KPC_TEXT_SPILL) {
		if (!t->spill)
			t->spill = tmpfile();   /* NULL: stay in memory */
		if (t->spill)
			kp_buf_flush(&t->held, t->spill);
	}
	kp_buf_add(&t->held, s, n);
}

/* Built for every failed row (on the workers for `apply -j`): strings are
 * copied, not run through printf, whose set-up costs more than a short line. */
static void put_head(const kpc_report *r, const kpc_text_groups *t, kp_buf *b, const char *color,
		     const char *label)
{
	kp_buf_add(b, t->head.data, t->head.len);
	kp_buf_add(b, " ", 1);
	kp_buf_puts(b, kpc_color(r, color));
	kp_buf_puts(b, label);
	kp_buf_puts(b, kpc_color(r, KPC_RESET));
	kp_buf_add(b, "\n", 1);
}

void kpc_text_groups_flush(const kpc_report *r, kpc_text_groups *t, kp_buf *b)
{
	if (!t->in_group)
		return;
	if (t->n_fails) {
		put_head(r, t, b, t->audit_warning ? KPC_YELLOW : KPC_RED,
			 t->audit_warning ? "failed as audit warning:" : "failed:");
		kp_buf_add(b, t->fails.data, t->fails.len);
		kp_buf_add(b, "\n", 1);
	}
	if (t->n_errors) {
		put_head(r, t, b, KPC_RED, "error:");
		kp_buf_add(b, t->errors.data, t->errors.len);
		kp_buf_add(b, "\n", 1);
	}
	kp_buf_reset(&t->fails);
	kp_buf_reset(&t->errors);
	t->n_fails = t->n_errors = 0;
	t->in_group = false;
}

static void text_begin(kpc_report *r)
{
	r->state = kpc_xcalloc(1, sizeof(text_state));
}

void kpc_text_groups_free(kpc_text_groups *g)
{
	kp_buf_free(&g->fails);
	kp_buf_free(&g->errors);
	kp_buf_free(&g->head);
}

void kpc_text_hold(kpc_report *r, const char *s, size_t n)
{
	if (n)
		hold(r->state, s, n);
}

static void text_row(kpc_report *r, const kpc_row *row)
{
	if (row->text_done)
		return;
	text_state *t = r->state;
	kp_buf_reset(&t->block);
	kpc_text_groups_row(r, &t->g, row, &t->block);
	if (t->block.len)
		hold(t, t->block.data, t->block.len);
}

void kpc_text_groups_row(const kpc_report *r, kpc_text_groups *t, const kpc_row *row, kp_buf *out)
{
	if (t->in_group && (t->policy != row->policy_index || t->resource != row->resource_seq))
		kpc_text_groups_flush(r, t, out);
	bool is_fail = row->engine_fail;
	bool is_error = row->status == KP_STATUS_ERROR;
	if (!is_fail && !is_error)
		return;
	if (!t->in_group) {
		t->in_group = true;
		t->policy = row->policy_index;
		t->resource = row->resource_seq;
		t->audit_warning = false;
		kp_buf_reset(&t->head);
		kp_buf_puts(&t->head, "policy ");
		kp_buf_puts(&t->head, row->pol->name);
		kp_buf_puts(&t->head, " -> resource ");
		kpc_resource_path(&t->head, row);
	}
	kp_buf *b = is_fail ? &t->fails : &t->errors;
	size_t n = is_fail ? ++t->n_fails : ++t->n_errors;
	if (row->audit_warning)
		t->audit_warning = true;
	/* N - RULE MESSAGE (FILE:LINE:COL) */
	kpc_buf_uint(b, n);
	kp_buf_add(b, " - ", 3);
	kp_buf_puts(b, kpc_color(r, KPC_BOLD));
	kp_buf_puts(b, row->rule);
	kp_buf_puts(b, kpc_color(r, KPC_RESET));
	kp_buf_add(b, " ", 1);
	kp_buf_puts(b, row->message);
	kp_buf_add(b, " (", 2);
	kp_buf_puts(b, row->file);
	kp_buf_add(b, ":", 1);
	kpc_buf_uint(b, row->line);
	kp_buf_add(b, ":", 1);
	kpc_buf_uint(b, row->col);
	kp_buf_add(b, ")\n", 2);
}

static void text_input_error(kpc_report *r, const kp_error *e)
{
	(void)r, (void)e;   /* printed on stderr where it happened */
}

/* Per-policy counts, for runs with several policies. */
static void policy_table(kpc_report *r)
{
	size_t w = strlen("POLICY");
	kp_buf name = {0};
	for (size_t i = 0; i < r->n_policies; i++) {
		kp_buf_reset(&name);
		kpc_policy_display(&name, &r->policies[i]);
		if (name.len > w)
			w = name.len;
	}
	fprintf(r->out, "\n%-*s %6s %6s %6s %6s %6s\n", (int)w, "POLICY", "PASS", "FAIL", "WARN",
		"ERROR", "SKIP");
	for (size_t i = 0; i < r->n_policies; i++) {
		const kpc_counts *c = &r->policies[i].counts;
		kp_buf_reset(&name);
		kpc_policy_display(&name, &r->policies[i]);
		fprintf(r->out, "%-*s %6zu %s%6zu%s %6zu %s%6zu%s %6zu\n", (int)w, name.data, c->pass,
			kpc_color(r, c->fail ? KPC_RED : ""), c->fail, kpc_color(r, c->fail ? KPC_RESET : ""),
			c->warn, kpc_color(r, c->error ? KPC_RED : ""), c->error,
			kpc_color(r, c->error ? KPC_RESET : ""), c->skip);
	}
	kp_buf_free(&name);
}

static void text_end(kpc_report *r, const kpc_summary *s)
{
	text_state *t = r->state;
	kp_buf_reset(&t->block);
	kpc_text_groups_flush(r, &t->g, &t->block);
	if (t->block.len)
		hold(t, t->block.data, t->block.len);
	FILE *f = r->out;
	kpc_print_applying(f, s);
	if (t->spill) {
		char buf[1 << 16];
		size_t n;
		kp_buf_flush(&t->held, t->spill);
		rewind(t->spill);
		while ((n = fread(buf, 1, sizeof buf, t->spill)) > 0)
			fwrite(buf, 1, n, f);
		fclose(t->spill);
	}
	kp_buf_flush(&t->held, f);
	if (r->n_policies > 1)
		policy_table(r);
	const kpc_counts *c = &s->total;
	fprintf(f, "\npass: %zu, fail: %zu, warn: %zu, error: %zu, skip: %zu \n",
		c->pass, c->fail, c->warn, c->error, c->skip);
	kp_buf_free(&t->held);
	kpc_text_groups_free(&t->g);
	kp_buf_free(&t->block);
	free(t);
	r->state = NULL;
}

const kpc_report_ops kpc_report_text = {
	"text", text_begin, text_row, text_input_error, text_end,
};
