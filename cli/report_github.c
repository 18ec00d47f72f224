/* report_github.c - `-o github`: GitHub Actions workflow commands, one
 * `::error file=F,line=L,col=C,title=T::message` per fail and error and
 * `::warning ...` per warn, escaped as actions/toolkit's command.ts does
 * (message: % CR LF; parameters also : and ,), then the counts line. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

typedef struct gh_state {
	size_t errors, warnings;
	kp_buf b;
} gh_state;

static void esc(kp_buf *b, const char *s, bool param)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%': kp_buf_puts(b, "%25"); break;
		case '\r': kp_buf_puts(b, "%0D"); break;
		case '\n': kp_buf_puts(b, "%0A"); break;
		case ':': kp_buf_puts(b, param ? "%3A" : ":"); break;
		case ',': kp_buf_puts(b, param ? "%2C" : ","); break;
		default: kp_buf_add(b, s, 1); break;
		}
	}
}

static void command(kpc_report *r, const char *level, const char *file, unsigned line,
		    unsigned col, const char *title, const char *message)
{
	gh_state *g = r->state;
	kp_buf *b = &g->b;
	kp_buf_printf(b, "::%s ", level);
	const char *sep = "";
	if (file && *file) {
		kp_buf_puts(b, "file=");
		esc(b, file, true);
		sep = ",";
	}
	if (line) {
		kp_buf_printf(b, "%sline=%u", sep, line);
		sep = ",";
	}
	if (line && col) {
		kp_buf_printf(b, "%scol=%u", sep, col);
		sep = ",";
	}
	kp_buf_printf(b, "%stitle=", sep);
	esc(b, title, true);
	kp_buf_puts(b, "::");
	esc(b, message, false);
	kp_buf_puts(b, "\n");
	kp_buf_flush(b, r->out);
}

static void gh_begin(kpc_report *r)
{
	r->state = kpc_xcalloc(1, sizeof(gh_state));
}

static void gh_row(kpc_report *r, const kpc_row *row)
{
	gh_state *g = r->state;
	const char *level;
	if (row->status == KP_STATUS_FAIL || row->status == KP_STATUS_ERROR)
		level = "error", g->errors++;
	else if (row->status == KP_STATUS_WARN)
		level = "warning", g->warnings++;
	else
		return;
	kp_buf title = {0}, msg = {0};
	kpc_policy_display(&title, row->pol);
	kp_buf_printf(&title, "/%s", row->rule);
	kpc_resource_path(&msg, row);
	kp_buf_printf(&msg, ": %s", row->message);
	command(r, level, row->file, row->line, row->col, title.data, msg.data);
	kp_buf_free(&title);
	kp_buf_free(&msg);
}

static void gh_input_error(kpc_report *r, const kp_error *e)
{
	gh_state *g = r->state;
	g->errors++;
	kp_buf msg = {0};
	kp_buf_puts(&msg, e->msg);
	if (e->path[0])
		kp_buf_printf(&msg, " (at %s)", e->path);
	command(r, "error", e->file, e->line, e->col, "kpolicy: unusable input", msg.data);
	kp_buf_free(&msg);
}

static void gh_end(kpc_report *r, const kpc_summary *s)
{
	gh_state *g = r->state;
	/* GitHub shows 10 error and 10 warning annotations per step */
	if (g->errors > 10 || g->warnings > 10)
		fprintf(r->out, "::notice title=kpolicy::%zu error and %zu warning annotations; "
				"GitHub shows at most 10 of each per step, the log has them all\n",
			g->errors, g->warnings);
	const kpc_counts *c = &s->total;
	fprintf(r->out, "pass: %zu, fail: %zu, warn: %zu, error: %zu, skip: %zu \n",
		c->pass, c->fail, c->warn, c->error, c->skip);
	kp_buf_free(&g->b);
	free(g);
	r->state = NULL;
}

const kpc_report_ops kpc_report_github = {
	"github", gh_begin, gh_row, gh_input_error, gh_end,
};
