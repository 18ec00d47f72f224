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
	kp_buf title, msg;   /* a row's, reused */
} gh_state;

static void esc(kp_buf *b, const char *s, bool param)
{
	if (!s)
		return;
	char *w = kp_buf_room(b, 3 * strlen(s));
	for (; *s; s++) {
		const char *e;
		switch (*s) {
		case '%': e = "%25"; break;
		case '\r': e = "%0D"; break;
		case '\n': e = "%0A"; break;
		case ':': e = param ? "%3A" : NULL; break;
		case ',': e = param ? "%2C" : NULL; break;
		default: e = NULL; break;
		}
		if (e)
			w = memcpy(w, e, 3) + 3;
		else
			*w++ = *s;
	}
	kpc_buf_done(b, w);
}

static void command(kpc_report *r, const char *level, const char *file, unsigned line,
		    unsigned col, const char *title, const char *message)
{
	gh_state *g = r->state;
	kp_buf *b = &g->b;
	KPC_PUT_LIT(b, "::");
	kpc_puts(b, level);
	KPC_PUT_LIT(b, " ");
	bool sep = false;
	if (file && *file) {
		KPC_PUT_LIT(b, "file=");
		esc(b, file, true);
		sep = true;
	}
	if (line) {
		if (sep)
			KPC_PUT_LIT(b, ",");
		KPC_PUT_LIT(b, "line=");
		kpc_buf_uint(b, line);
		sep = true;
	}
	if (line && col) {
		KPC_PUT_LIT(b, ",col=");
		kpc_buf_uint(b, col);
	}
	if (sep)
		KPC_PUT_LIT(b, ",");
	KPC_PUT_LIT(b, "title=");
	esc(b, title, true);
	KPC_PUT_LIT(b, "::");
	esc(b, message, false);
	KPC_PUT_LIT(b, "\n");
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
	kp_buf *title = &g->title, *msg = &g->msg;
	kp_buf_reset(title);
	kp_buf_reset(msg);
	kpc_policy_display(title, row->pol);
	KPC_PUT_LIT(title, "/");
	kpc_puts(title, row->rule ? row->rule : "(null)");   /* as printf's %s */
	kpc_resource_path(msg, row);
	KPC_PUT_LIT(msg, ": ");
	kpc_puts(msg, row->message ? row->message : "(null)");
	command(r, level, row->file, row->line, row->col, title->data, msg->data);
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
	kp_buf_free(&g->title);
	kp_buf_free(&g->msg);
	free(g);
	r->state = NULL;
}

const kpc_report_ops kpc_report_github = {
	"github", gh_begin, gh_row, gh_input_error, gh_end,
};
