/* report_text.c - `kpolicy apply` default output, as `kyverno apply`
 * prints it: the "Applying ..." header (it needs the resource count, so
 * the failure blocks are held until the end: text_hold.c), one block per
 * (policy, resource) with failed rules numbered `1 - rule message`, each followed by
 * ` (FILE:LINE:COL)`, then the counts.  kpolicy adds a block for errored
 * rules, and a per-policy table before the counts when the run has more
 * than one policy. */
#include "report.h"
#include "text_hold.h"

#include <stdlib.h>
#include <string.h>

typedef struct text_state {
	kpc_held_text out;         /* the blocks until the header is known */
	kpc_text_groups g;         /* rows not rendered by a worker */
	kp_buf block;              /* finished blocks, reused */
} text_state;

/* The head line's label, after "policy P -> resource R". */
enum head_label { LABEL_FAILED, LABEL_AUDIT, LABEL_ERROR };
#define HEAD_LABEL(color, text) {color, text, sizeof color - 1, sizeof text - 1}
static const struct {
	const char *color, *text;
	size_t color_len, len;
} head_labels[] = {
	[LABEL_FAILED] = HEAD_LABEL(KPC_RED, "failed:"),
	[LABEL_AUDIT] = HEAD_LABEL(KPC_YELLOW, "failed as audit warning:"),
	[LABEL_ERROR] = HEAD_LABEL(KPC_RED, "error:"),
};

/* Built for every group (on the workers for `apply -j`): strings are
 * copied, not run through printf, whose set-up costs more than a short
 * line, into room made once. */
#define LABEL_ROOM 64   /* the longest label, colours and all, with room to spare */
static inline __attribute__((always_inline)) char *label_at(const kpc_report *r, char *w, enum head_label l)
{
	if (l == LABEL_FAILED && !r->opt.color)   /* most groups: copied inline */
		return memcpy(w, " failed:\n", 9) + 9;
	*w++ = ' ';
	if (r->opt.color)
		w = memcpy(w, head_labels[l].color, head_labels[l].color_len) + head_labels[l].color_len;
	w = memcpy(w, head_labels[l].text, head_labels[l].len) + head_labels[l].len;
	if (r->opt.color)
		w = memcpy(w, KPC_RESET, sizeof KPC_RESET - 1) + sizeof KPC_RESET - 1;
	*w++ = '\n';
	return w;
}

static void put_label(const kpc_report *r, kp_buf *b, enum head_label l)
{
	kpc_buf_done(b, label_at(r, kp_buf_room(b, LABEL_ROOM), l));
}

/* "policy P -> resource R" at w, in head_room(row) bytes: the caller's
 * head prefix and resource path when it has both. */
static size_t head_room(const kpc_row *row)
{
	return row->head_len + row->resource_path_len;
}

static char *head_at(char *w, const kpc_row *row)
{
	w = memcpy(w, row->head, row->head_len) + row->head_len;
	return memcpy(w, row->resource_path, row->resource_path_len) + row->resource_path_len;
}

static void put_head_text(kp_buf *b, const kpc_row *row)
{
	if (row->head && row->resource_path) {
		kpc_buf_done(b, head_at(kp_buf_room(b, head_room(row)), row));
		return;
	}
	KPC_PUT_LIT(b, "policy ");
	kpc_puts(b, row->pol->name);
	KPC_PUT_LIT(b, " -> resource ");
	if (row->resource_path)
		kpc_put(b, row->resource_path, row->resource_path_len);
	else
		kpc_resource_path(b, row);
}

static void put_head(const kpc_report *r, const kpc_text_groups *t, kp_buf *b, enum head_label l)
{
	kpc_put(b, t->head.data, t->head.len);
	put_label(r, b, l);
}

/* stream: a later row of the group turned audit_warning on (or off) after
 * its head line was written: the label changes, the rows move (rare: only
 * with --audit-warn, and only if a policy's rows disagree). */
static void relabel(const kpc_report *r, kpc_text_groups *t, kp_buf *out)
{
	size_t rows_len = out->len - t->label_end;
	char *rows = kpc_xmalloc(rows_len + 1);
	memcpy(rows, out->data + t->label_end, rows_len);
	out->len = t->label_at;
	put_label(r, out, t->audit_warning ? LABEL_AUDIT : LABEL_FAILED);
	kpc_put(out, rows, rows_len);
	free(rows);
}

void kpc_text_groups_flush(const kpc_report *r, kpc_text_groups *t, kp_buf *b)
{
	if (!t->in_group)
		return;
	if (t->n_fails) {
		if (t->stream) {
			if (t->audit_warning != t->label_audit)
				relabel(r, t, b);
		} else {
			put_head(r, t, b, t->audit_warning ? LABEL_AUDIT : LABEL_FAILED);
			kpc_put(b, t->fails.data, t->fails.len);
			kpc_buf_clear(&t->fails);
		}
		KPC_PUT_LIT(b, "\n");
	}
	if (t->n_errors) {
		put_head(r, t, b, LABEL_ERROR);
		kpc_put(b, t->errors.data, t->errors.len);
		KPC_PUT_LIT(b, "\n");
		kpc_buf_clear(&t->errors);
	}
	t->n_fails = t->n_errors = 0;
	t->in_group = false;
}

static void text_begin(kpc_report *r)
{
	text_state *t = kpc_xcalloc(1, sizeof(text_state));
	kpc_held_init(&t->out, r);
	r->state = t;
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
		kpc_held_add(&((text_state *)r->state)->out, s, n);
}

static void text_row(kpc_report *r, const kpc_row *row)
{
	text_state *t = r->state;
	kp_buf_reset(&t->block);
	kpc_text_groups_row(r, &t->g, row, &t->block);
	if (t->block.len)
		kpc_held_add(&t->out, t->block.data, t->block.len);
}

/* "N - RULE MESSAGE (FILE:LINE:COL)\n" at w, in row_room bytes. */
static size_t row_room(const kpc_row *row)
{
	/* numbers, the colours and the punctuation fit in the 3 * 20 + 32 */
	return 3 * 20 + row->rule_len + row->message_len + row->file_len + 32;
}

static char *row_at(const kpc_report *r, char *w, size_t n, const kpc_row *row)
{
	size_t rule_len = row->rule_len, msg_len = row->message_len, file_len = row->file_len;
	w = kpc_put_uint(w, n);
	w = memcpy(w, " - ", 3) + 3;
	if (r->opt.color)
		w = memcpy(w, KPC_BOLD, sizeof KPC_BOLD - 1) + sizeof KPC_BOLD - 1;
	w = memcpy(w, row->rule, rule_len) + rule_len;
	if (r->opt.color)
		w = memcpy(w, KPC_RESET, sizeof KPC_RESET - 1) + sizeof KPC_RESET - 1;
	*w++ = ' ';
	w = memcpy(w, row->message, msg_len) + msg_len;
	w = memcpy(w, " (", 2) + 2;
	w = memcpy(w, row->file, file_len) + file_len;
	*w++ = ':';
	w = kpc_put_uint(w, row->line);
	*w++ = ':';
	w = kpc_put_uint(w, row->col);
	return memcpy(w, ")\n", 2) + 2;
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
		kpc_buf_clear(&t->head);
		if (!t->stream)
			put_head_text(&t->head, row);
	}
	if (row->audit_warning)
		t->audit_warning = true;
	kp_buf *b;
	size_t n;
	size_t room = row_room(row);
	char *w = NULL;
	if (is_fail) {
		b = &t->fails;
		n = ++t->n_fails;
		if (t->stream) {
			b = out;
			if (n == 1 && row->head && row->resource_path) {
				/* the head line and the row in one room */
				w = head_at(kp_buf_room(out, head_room(row) + LABEL_ROOM + room), row);
				t->label_at = (size_t)(w - out->data);
				t->label_audit = t->audit_warning;
				w = label_at(r, w, t->label_audit ? LABEL_AUDIT : LABEL_FAILED);
				t->label_end = (size_t)(w - out->data);
			} else if (n == 1) {
				put_head_text(out, row);
				t->label_at = out->len;
				t->label_audit = t->audit_warning;
				put_label(r, out, t->label_audit ? LABEL_AUDIT : LABEL_FAILED);
				t->label_end = out->len;
			}
		}
	} else {
		b = &t->errors;
		n = ++t->n_errors;
		if (t->stream && !t->head.len)
			put_head_text(&t->head, row);
	}
	if (!w)
		w = kp_buf_room(b, room);
	kpc_buf_done(b, row_at(r, w, n, row));
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
		kpc_held_add(&t->out, t->block.data, t->block.len);
	FILE *f = r->out;
	kpc_held_finish(&t->out, s);
	if (r->n_policies > 1)
		policy_table(r);
	const kpc_counts *c = &s->total;
	fprintf(f, "\npass: %zu, fail: %zu, warn: %zu, error: %zu, skip: %zu \n",
		c->pass, c->fail, c->warn, c->error, c->skip);
	kpc_text_groups_free(&t->g);
	kp_buf_free(&t->block);
	free(t);
	r->state = NULL;
}

const kpc_report_ops kpc_report_text = {
	"text", text_begin, text_row, text_input_error, text_end,
};
