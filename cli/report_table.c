/* report_table.c - `-t/--table` (`-o table`): kyverno apply's table, one
 * line per row (every status), numbered from 1: ID | POLICY | RULE |
 * RESOURCE | RESULT | REASON, plus MESSAGE with --detailed-results.
 * Column widths need every row, so the rows are held until the end. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#define KPC_TABLE_CELL_MAX 300   /* kyverno's per-cell character limit */
#define NCOLS 7

typedef struct trow {
	const char *cell[NCOLS];
	size_t width[NCOLS];          /* of each cell, as width() counts */
	kp_status status;
} trow;

typedef struct table_state {
	trow *rows;
	size_t n, cap;
	kpc_pool pool;
	kp_buf b, c;                  /* a row's text and a cell's, reused */
} table_state;

/* Display width: UTF-8 code points. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* s cut to KPC_TABLE_CELL_MAX code points, newlines as spaces, as cell k
 * of tr (with its width). */
static void cell(table_state *t, trow *tr, int k, const char *s)
{
	kp_buf *b = &t->c;
	kp_buf_reset(b);
	char *o = kp_buf_room(b, strlen(s));
	size_t w = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80 && ++w > KPC_TABLE_CELL_MAX)
			break;
		*o++ = *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s;
	}
	kpc_buf_done(b, o);
	tr->cell[k] = kpc_pool_str(&t->pool, b->data);
	tr->width[k] = width(tr->cell[k]);   /* a cut may end inside a character */
}

static void table_begin(kpc_report *r)
{
	r->state = kpc_xcalloc(1, sizeof(table_state));
}

static void table_row(kpc_report *r, const kpc_row *row)
{
	table_state *t = r->state;
	t->rows = kpc_xgrow(t->rows, &t->cap, t->n + 1, sizeof *t->rows);
	trow *tr = &t->rows[t->n++];
	kp_buf *b = &t->b;
	kp_buf_reset(b);
	kpc_buf_uint(b, t->n);
	cell(t, tr, 0, b->data);
	kp_buf_reset(b);
	kpc_policy_display(b, row->pol);
	cell(t, tr, 1, b->data);
	cell(t, tr, 2, row->rule);
	kp_buf_reset(b);
	if (*row->namespace) {
		kpc_puts(b, row->namespace);
		KPC_PUT_LIT(b, "/");
	}
	kpc_puts(b, row->kind);
	KPC_PUT_LIT(b, "/");
	kpc_puts(b, row->name);
	cell(t, tr, 3, b->data);
	tr->cell[4] = kpc_status_title(row->status);
	tr->width[4] = width(tr->cell[4]);
	tr->cell[5] = "";
	tr->width[5] = 0;
	cell(t, tr, 6, row->message);
	tr->status = row->status;
}

static void table_input_error(kpc_report *r, const kp_error *e)
{
	(void)r, (void)e;   /* printed on stderr */
}

/* The line between rows, once. */
static void rule_line(kp_buf *b, const size_t *w, int ncols)
{
	for (int c = 0; c < ncols; c++) {
		KPC_PUT_LIT(b, "│");
		for (size_t i = 0; i < w[c] + 2; i++)
			KPC_PUT_LIT(b, "─");
	}
	KPC_PUT_LIT(b, "│\n");
}

/* "│ " colour cell reset, padded to width w, " " */
static void put_cell(kp_buf *b, const char *on, const char *text, size_t tw, size_t w, const char *off)
{
	KPC_PUT_LIT(b, "│ ");
	kpc_puts(b, on);
	kpc_puts(b, text);
	kpc_puts(b, off);
	char *o = kp_buf_room(b, w - tw + 1);
	memset(o, ' ', w - tw + 1);
	kpc_buf_done(b, o + (w - tw + 1));
}

static void table_end(kpc_report *r, const kpc_summary *s)
{
	table_state *t = r->state;
	FILE *f = r->out;
	kpc_print_applying(f, s);
	int ncols = r->opt.detailed ? 7 : 6;
	char id_head[48];
	if (t->n > 10)
		snprintf(id_head, sizeof id_head, "ID (%zu)", t->n);
	else
		snprintf(id_head, sizeof id_head, "ID");
	const char *head[NCOLS] = {id_head, "POLICY", "RULE", "RESOURCE", "RESULT", "REASON", "MESSAGE"};
	size_t w[NCOLS];
	for (int c = 0; c < ncols; c++)
		w[c] = width(head[c]);
	for (size_t i = 0; i < t->n; i++)
		for (int c = 0; c < ncols; c++)
			if (t->rows[i].width[c] > w[c])
				w[c] = t->rows[i].width[c];
	kp_buf line = {0}, *b = &t->b;
	rule_line(&line, w, ncols);
	kp_buf_reset(b);
	kpc_put(b, line.data, line.len);
	for (int c = 0; c < ncols; c++)
		put_cell(b, kpc_color(r, KPC_GREEN), head[c], width(head[c]), w[c], kpc_color(r, KPC_RESET));
	KPC_PUT_LIT(b, "│\n");
	kpc_put(b, line.data, line.len);
	kp_buf_flush(b, f);
	static const char *const status_color[] = {KPC_GREEN, KPC_RED, KPC_YELLOW, KPC_RED, KPC_CYAN};
	for (size_t i = 0; i < t->n; i++) {
		const trow *tr = &t->rows[i];
		for (int c = 0; c < ncols; c++) {
			const char *on = c == 4 ? status_color[tr->status]
				       : (c >= 1 && c <= 3) ? KPC_BOLD KPC_CYAN : "";
			put_cell(b, kpc_color(r, on), tr->cell[c], tr->width[c], w[c],
				 kpc_color(r, *on ? KPC_RESET : ""));
		}
		KPC_PUT_LIT(b, "│\n");
		kpc_put(b, line.data, line.len);
		if (b->len >= ((size_t)64 << 10))
			kp_buf_flush(b, f);
	}
	kp_buf_flush(b, f);
	kp_buf_free(&line);
	kp_buf_free(&t->b);
	kp_buf_free(&t->c);
	free(t->rows);
	kpc_pool_free(&t->pool);
	free(t);
	r->state = NULL;
}

const kpc_report_ops kpc_report_table = {
	"table", table_begin, table_row, table_input_error, table_end,
};
