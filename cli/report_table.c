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
	kp_status status;
} trow;

typedef struct table_state {
	trow *rows;
	size_t n, cap;
	kpc_pool pool;
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

/* s cut to KPC_TABLE_CELL_MAX code points, newlines as spaces. */
static const char *cell(table_state *t, const char *s)
{
	kp_buf b = {0};
	size_t w = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80 && ++w > KPC_TABLE_CELL_MAX)
			break;
		kp_buf_add(&b, *s == '\n' || *s == '\r' || *s == '\t' ? " " : s, 1);
	}
	const char *c = kpc_pool_str(&t->pool, b.data ? b.data : "");
	kp_buf_free(&b);
	return c;
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
	kp_buf b = {0};
	kp_buf_printf(&b, "%zu", t->n);
	tr->cell[0] = cell(t, b.data);
	kp_buf_reset(&b);
	kpc_policy_display(&b, row->pol);
	tr->cell[1] = cell(t, b.data);
	tr->cell[2] = cell(t, row->rule);
	kp_buf_reset(&b);
	if (*row->namespace)
		kp_buf_printf(&b, "%s/", row->namespace);
	kp_buf_printf(&b, "%s/%s", row->kind, row->name);
	tr->cell[3] = cell(t, b.data);
	tr->cell[4] = kpc_status_title(row->status);
	tr->cell[5] = "";
	tr->cell[6] = cell(t, row->message);
	tr->status = row->status;
	kp_buf_free(&b);
}

static void table_input_error(kpc_report *r, const kp_error *e)
{
	(void)r, (void)e;   /* printed on stderr */
}

static void rule_line(FILE *f, const size_t *w, int ncols)
{
	for (int c = 0; c < ncols; c++) {
		fputs("│", f);
		for (size_t i = 0; i < w[c] + 2; i++)
			fputs("─", f);
	}
	fputs("│\n", f);
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
			if (width(t->rows[i].cell[c]) > w[c])
				w[c] = width(t->rows[i].cell[c]);
	rule_line(f, w, ncols);
	for (int c = 0; c < ncols; c++)
		fprintf(f, "│ %s%s%s%*s ", kpc_color(r, KPC_GREEN), head[c], kpc_color(r, KPC_RESET),
			(int)(w[c] - width(head[c])), "");
	fputs("│\n", f);
	rule_line(f, w, ncols);
	static const char *const status_color[] = {KPC_GREEN, KPC_RED, KPC_YELLOW, KPC_RED, KPC_CYAN};
	for (size_t i = 0; i < t->n; i++) {
		const trow *tr = &t->rows[i];
		for (int c = 0; c < ncols; c++) {
			const char *on = c == 4 ? status_color[tr->status]
				       : (c >= 1 && c <= 3) ? KPC_BOLD KPC_CYAN : "";
			fprintf(f, "│ %s%s%s%*s ", kpc_color(r, on), tr->cell[c],
				kpc_color(r, *on ? KPC_RESET : ""), (int)(w[c] - width(tr->cell[c])), "");
		}
		fputs("│\n", f);
		rule_line(f, w, ncols);
	}
	free(t->rows);
	kpc_pool_free(&t->pool);
	free(t);
	r->state = NULL;
}

const kpc_report_ops kpc_report_table = {
	"table", table_begin, table_row, table_input_error, table_end,
};
