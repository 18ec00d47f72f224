/* report_text.c - `kpolicy apply` default output, as `kyverno apply`
 * prints it: the "Applying ..." header (it needs the resource count, so
 * the failure blocks are held until the end: in memory up to 256 KiB, then
 * in a temporary file), one block per (policy, resource) with failed rules
 * numbered `1 - rule message`, each followed by ` (FILE:LINE:COL)`, then
 * the counts.  kpolicy adds a block for errored rules, and a per-policy
 * table before the counts when the run has more than one policy. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#define KPC_TEXT_SPILL ((size_t)256 << 10)

typedef struct text_state {
	kp_buf held;               /* blocks not yet spilled */
	FILE *spill;
	kpc_text_groups g;         /* rows not rendered by a worker */
	kp_buf block;              /* finished blocks, reused */
} text_state;

/* write(2) all of s; false on an error (errno set). */
static bool write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

static void hold(text_state *t, const char *s, size_t n)
{
	/* past KPC_TEXT_SPILL bytes the blocks go to a temporary file, by
	 * write(2) on its descriptor (the stdio stream is only its owner):
	 * what is held first, then a large piece (a unit's blocks) as it
	 * is, without copying it into `held` */
	if (t->held.len + n > KPC_TEXT_SPILL) {
		if (!t->spill)
			t->spill = tmpfile();   /* NULL: stay in memory */
		if (t->spill) {
			int fd = fileno(t->spill);
			write_all(fd, t->held.data, t->held.len);
			kp_buf_reset(&t->held);
			if (n > KPC_TEXT_SPILL / 2) {
				write_all(fd, s, n);
				return;
			}
		}
	}
	kp_buf_add(&t->held, s, n);
}

/* Copy the spilled blocks to f: in the kernel with sendfile(2) where the
 * output allows it, else by read(2) and write(2). */
static void copy_spill(text_state *t, FILE *f)
{
	int in = fileno(t->spill), out = fileno(f);
	write_all(in, t->held.data, t->held.len);
	kp_buf_reset(&t->held);
	off_t end = lseek(in, 0, SEEK_CUR);
	if (end <= 0 || lseek(in, 0, SEEK_SET) != 0 || fflush(f) != 0)
		return;
	off_t left = end;
	while (left > 0) {
		ssize_t w = sendfile(out, in, NULL, (size_t)left > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;   /* not possible here (an O_APPEND output, ...): copy */
		left -= w;
	}
	if (left > 0) {
		size_t cap = (size_t)1 << 20;
		char *buf = kpc_xmalloc(cap);
		ssize_t r;
		while ((r = read(in, buf, cap)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 || !write_all(out, buf, (size_t)r))
				break;
		}
		free(buf);
	}
}

/* Built for every failed row (on the workers for `apply -j`): strings are
 * copied, not run through printf, whose set-up costs more than a short line. */
static void put_head(const kpc_report *r, const kpc_text_groups *t, kp_buf *b, const char *color,
		     const char *label, size_t label_len)
{
	kpc_put(b, t->head.data, t->head.len);
	KPC_PUT_LIT(b, " ");
	if (r->opt.color)
		kpc_puts(b, color);
	kpc_put(b, label, label_len);
	if (r->opt.color)
		KPC_PUT_LIT(b, KPC_RESET);
	KPC_PUT_LIT(b, "\n");
}

void kpc_text_groups_flush(const kpc_report *r, kpc_text_groups *t, kp_buf *b)
{
	if (!t->in_group)
		return;
	if (t->n_fails) {
		if (t->audit_warning)
			put_head(r, t, b, KPC_YELLOW, "failed as audit warning:",
				 sizeof "failed as audit warning:" - 1);
		else
			put_head(r, t, b, KPC_RED, "failed:", sizeof "failed:" - 1);
		kpc_put(b, t->fails.data, t->fails.len);
		KPC_PUT_LIT(b, "\n");
	}
	if (t->n_errors) {
		put_head(r, t, b, KPC_RED, "error:", sizeof "error:" - 1);
		kpc_put(b, t->errors.data, t->errors.len);
		KPC_PUT_LIT(b, "\n");
	}
	kpc_buf_clear(&t->fails);
	kpc_buf_clear(&t->errors);
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
		kpc_buf_clear(&t->head);
		KPC_PUT_LIT(&t->head, "policy ");
		kpc_puts(&t->head, row->pol->name);
		KPC_PUT_LIT(&t->head, " -> resource ");
		if (row->resource_path)
			kpc_put(&t->head, row->resource_path, row->resource_path_len);
		else
			kpc_resource_path(&t->head, row);
	}
	kp_buf *b = is_fail ? &t->fails : &t->errors;
	size_t n = is_fail ? ++t->n_fails : ++t->n_errors;
	if (row->audit_warning)
		t->audit_warning = true;
	/* N - RULE MESSAGE (FILE:LINE:COL), room made once */
	size_t rule_len = strlen(row->rule), msg_len = strlen(row->message);
	size_t file_len = strlen(row->file);
	char *w = kp_buf_room(b, 3 * 20 + rule_len + msg_len + file_len + 32);
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
	w = memcpy(w, ")\n", 2) + 2;
	kpc_buf_done(b, w);
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
		copy_spill(t, f);
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
