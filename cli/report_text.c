/* report_text.c - `kpolicy apply` default output, as `kyverno apply`
 * prints it: the "Applying ..." header (it needs the resource count, so
 * the failure blocks are held until the end: in memory up to 256 KiB, then
 * on stdout behind a gap left for the header when stdout is a regular
 * file, else in a temporary file), one block per (policy, resource) with
 * failed rules numbered `1 - rule message`, each followed by
 * ` (FILE:LINE:COL)`, then the counts.  kpolicy adds a block for errored
 * rules, and a per-policy table before the counts when the run has more
 * than one policy. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define KPC_TEXT_SPILL ((size_t)256 << 10)

typedef struct text_state {
	const kpc_report *r;
	kp_buf held;               /* blocks not yet written out */
	int fd;                    /* where blocks go past KPC_TEXT_SPILL: stdout
	                              (direct) or the spill file; -1 before */
	bool direct_tried;
	bool direct;               /* fd is stdout's: see start_direct */
	int read_fd;               /* direct: stdout opened again for reading
	                              (`>` opens it write-only) */
	off_t base;                /* direct: where the header goes */
	size_t gap;                /* direct: room left for it */
	bool stuck;                /* direct: a write to stdout failed (a full
	                              disk); the blocks after it go to spill */
	off_t out_end;             /* stuck: where stdout's text ends */
	FILE *spill;
	kpc_text_groups g;         /* rows not rendered by a worker */
	kp_buf block;              /* finished blocks, reused */
} text_state;

/* write(2) all of s, or pwrite(2) it at `at` when at >= 0; the bytes
 * written: fewer than n on an error (errno set). */
static size_t write_all(int fd, const char *s, size_t n, off_t at)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = at < 0 ? write(fd, s + done, n - done) : pwrite(fd, s + done, n - done, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
		at += at < 0 ? 0 : w;
	}
	return done;
}

/* fd (the regular file `st`) opened again for reading, or -1. */
static int open_for_reading(int fd, const struct stat *st)
{
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	int rfd = open(self, O_RDONLY | O_CLOEXEC);
	struct stat back;
	if (rfd >= 0 && (fstat(rfd, &back) != 0 || back.st_dev != st->st_dev || back.st_ino != st->st_ino)) {
		close(rfd);
		rfd = -1;
	}
	return rfd;
}

/* A run killed while the blocks go to stdout (Ctrl-C, a CI timeout's
 * SIGTERM, `ulimit -f`'s SIGXFSZ, an abort or a crash) leaves stdout as
 * it was before the report, as the temporary file's way does, not a gap
 * of NUL bytes and blocks with no header: its end is cut back to `base`.
 * Only signals left at their default action are caught (ignored ones and
 * a sanitizer's stay as they are); SIGKILL still leaves the gap. */
static const int kill_signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGXFSZ,
				   SIGXCPU, SIGALRM, SIGUSR1, SIGUSR2, SIGABRT,
				   SIGSEGV, SIGBUS,  SIGFPE,  SIGILL};
#define KPC_N_KILL_SIGNALS (sizeof kill_signals / sizeof kill_signals[0])
static struct sigaction kill_saved[KPC_N_KILL_SIGNALS];
static volatile sig_atomic_t undo_fd = -1;
static volatile off_t undo_base;

static void undo_direct(int sig)
{
	if (undo_fd >= 0)
		(void)!ftruncate(undo_fd, undo_base);
	signal(sig, SIG_DFL);
	raise(sig);   /* delivered, with the default action, on return */
}

/* arm: catch kill_signals and cut fd back to base on them; else put the
 * actions back as they were. */
static void guard_direct(bool arm, int fd, off_t base)
{
	if (arm) {
		undo_base = base;
		undo_fd = fd;
	}
	for (size_t i = 0; i < KPC_N_KILL_SIGNALS; i++) {
		if (arm) {
			struct sigaction sa = {.sa_handler = undo_direct};
			sigfillset(&sa.sa_mask);
			if (sigaction(kill_signals[i], NULL, &kill_saved[i]) == 0 &&
			    kill_saved[i].sa_handler == SIG_DFL && !(kill_saved[i].sa_flags & SA_SIGINFO))
				sigaction(kill_signals[i], &sa, NULL);
		} else if (kill_saved[i].sa_handler == SIG_DFL && !(kill_saved[i].sa_flags & SA_SIGINFO)) {
			sigaction(kill_signals[i], &kill_saved[i], NULL);
		}
	}
	if (!arm)
		undo_fd = -1;
}

/* Write the blocks straight to stdout, which saves copying them through
 * a temporary file (at 100,000 resources the library writes 200 MB of
 * them), when stdout is a regular file that ends at its offset (bytes
 * behind it would be overwritten where a pipe leaves them), written
 * without O_APPEND, not shared with stderr (whose lines would land among
 * the blocks), that can be read back (`>` opens it write-only: through
 * /proc/self/fd), and every input is a regular file other than stdout
 * (which the run would read its own text back from).  The blocks go behind
 * a gap sized for the header with the resource count estimated from the
 * inputs; finish_direct moves them when the real header is not as long. */
static bool start_direct(text_state *t, size_t text_bytes)
{
	const kpc_report *r = t->r;
	FILE *f = r->out;
	if (!r->estimate_resources || fflush(f) != 0)
		return false;
	int fd = fileno(f), fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);
	struct stat out, err;
	if (fl < 0 || (fl & O_APPEND) || (fl & O_ACCMODE) == O_RDONLY || fstat(fd, &out) != 0 ||
	    !S_ISREG(out.st_mode))
		return false;
	if (fstat(STDERR_FILENO, &err) == 0 && err.st_dev == out.st_dev && err.st_ino == out.st_ino)
		return false;
	off_t base = lseek(fd, 0, SEEK_CUR);
	if (base < 0 || base != out.st_size)
		return false;
	int rfd = open_for_reading(fd, &out);
	if (rfd < 0)
		return false;
	kpc_summary s = r->planned;
	s.resources = r->estimate_resources(r->estimate_ud, text_bytes, fd);
	kp_buf h = {0};
	kpc_applying(&h, &s);
	size_t gap = h.len;
	kp_buf_free(&h);
	if (s.resources == SIZE_MAX || lseek(fd, base + (off_t)gap, SEEK_SET) < 0) {
		close(rfd);
		return false;
	}
	guard_direct(true, fd, base);
	t->fd = fd;
	t->direct = true;
	t->read_fd = rfd;
	t->base = base;
	t->gap = gap;
	return true;
}

/* s to t->fd.  When stdout fails (a full disk: the temporary file's way
 * would copy the blocks up to where it filled, then fail), the rest and
 * the blocks after it go to a temporary file, copied behind the blocks
 * when the header is in (then the text ends where the disk filled, also
 * when the header is shorter than its gap).  Other write errors lose the
 * text, as they do on stdout. */
static void put(text_state *t, const char *s, size_t n)
{
	size_t w = write_all(t->fd, s, n, -1);
	if (w == n || !t->direct || t->stuck)
		return;
	t->stuck = true;
	t->out_end = lseek(t->fd, 0, SEEK_CUR);
	t->spill = tmpfile();
	t->fd = t->spill ? fileno(t->spill) : -1;
	if (t->fd >= 0)
		write_all(t->fd, s + w, n - w, -1);
}

static void hold(text_state *t, const char *s, size_t n)
{
	/* past KPC_TEXT_SPILL bytes the blocks go to stdout or a temporary
	 * file, by write(2) on the descriptor: what is held first, then a
	 * large piece (a unit's blocks) as it is, without copying it into
	 * `held` (see put for write errors). */
	if (t->held.len + n > KPC_TEXT_SPILL) {
		if (t->fd < 0 && !t->direct_tried) {
			t->direct_tried = true;
			start_direct(t, t->held.len + n);
		}
		if (t->fd < 0 && (t->spill = tmpfile()) != NULL)   /* NULL: stay in memory */
			t->fd = fileno(t->spill);
		if (t->fd >= 0) {
			put(t, t->held.data, t->held.len);
			kp_buf_reset(&t->held);
			if (n > KPC_TEXT_SPILL / 2) {
				if (t->fd >= 0)
					put(t, s, n);
				return;
			}
		}
	}
	kp_buf_add(&t->held, s, n);
}

/* Move len bytes of fd at from to to, in pieces, from the end when they
 * move up (the ranges overlap).  A piece that cannot be written (a full
 * disk: the last piece, moved up past the file's end) does not stop the
 * others, which are written over bytes the file has: the text ends where
 * the disk filled, as when the temporary file is copied. */
static void move_bytes(int rfd, int fd, off_t from, off_t to, off_t len)
{
	size_t cap = (size_t)1 << 20;
	char *buf = kpc_xmalloc(cap);
	for (off_t done = 0; done < len;) {
		size_t n = len - done < (off_t)cap ? (size_t)(len - done) : cap;
		off_t at = to > from ? len - done - (off_t)n : done;
		if (pread(rfd, buf, n, from + at) == (ssize_t)n)
			write_all(fd, buf, n, to + at);
		done += (off_t)n;
	}
	free(buf);
}

/* Copy the spilled blocks to f: in the kernel with sendfile(2) where the
 * output allows it, else by read(2) and write(2). */
static void copy_spill(text_state *t, FILE *f)
{
	int in = fileno(t->spill), out = fileno(f);
	write_all(in, t->held.data, t->held.len, -1);
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
			if (r < 0 || write_all(out, buf, (size_t)r, -1) != (size_t)r)
				break;
		}
		free(buf);
	}
}

/* The header into its gap: the blocks move first when it is not as long
 * as the estimate made it; stdout's offset is left at their end, where
 * the blocks a full disk sent to the spill file are copied. */
static void finish_direct(text_state *t, const kpc_summary *s)
{
	int fd = fileno(t->r->out);
	if (t->fd >= 0) {
		put(t, t->held.data, t->held.len);
		kp_buf_reset(&t->held);
	}
	off_t body = t->base + (off_t)t->gap, end = t->stuck ? t->out_end : lseek(fd, 0, SEEK_CUR);
	if (end < body)
		end = body;   /* not possible on a regular file */
	kp_buf h = {0};
	kpc_applying(&h, s);
	off_t head_end = t->base + (off_t)h.len;
	if (h.len != t->gap)
		move_bytes(t->read_fd, fd, body, head_end, end - body);
	write_all(fd, h.data, h.len, t->base);
	end = head_end + (end - body);
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size < end)
		end = st.st_size;   /* a full disk cut the header: no hole after it */
	else if (h.len < t->gap)
		(void)!ftruncate(fd, end);
	lseek(fd, end, SEEK_SET);
	guard_direct(false, fd, 0);
	close(t->read_fd);
	kp_buf_free(&h);
	if (t->spill) {
		copy_spill(t, t->r->out);
		fclose(t->spill);
	}
}

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
static void put_label(const kpc_report *r, kp_buf *b, enum head_label l)
{
	char *w = kp_buf_room(b, 64);
	*w++ = ' ';
	if (r->opt.color)
		w = memcpy(w, head_labels[l].color, head_labels[l].color_len) + head_labels[l].color_len;
	w = memcpy(w, head_labels[l].text, head_labels[l].len) + head_labels[l].len;
	if (r->opt.color)
		w = memcpy(w, KPC_RESET, sizeof KPC_RESET - 1) + sizeof KPC_RESET - 1;
	*w++ = '\n';
	kpc_buf_done(b, w);
}

/* "policy P -> resource R" */
static void put_head_text(kp_buf *b, const kpc_row *row)
{
	if (!row->resource_path) {
		KPC_PUT_LIT(b, "policy ");
		kpc_puts(b, row->pol->name);
		KPC_PUT_LIT(b, " -> resource ");
		kpc_resource_path(b, row);
		return;
	}
	size_t name_len = strlen(row->pol->name), path_len = row->resource_path_len;
	char *w = kp_buf_room(b, name_len + path_len + 32);
	w = memcpy(w, "policy ", 7) + 7;
	w = memcpy(w, row->pol->name, name_len) + name_len;
	w = memcpy(w, " -> resource ", 13) + 13;
	w = memcpy(w, row->resource_path, path_len) + path_len;
	kpc_buf_done(b, w);
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
	t->r = r;
	t->fd = -1;
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
		if (!t->stream)
			put_head_text(&t->head, row);
	}
	if (row->audit_warning)
		t->audit_warning = true;
	kp_buf *b;
	size_t n;
	if (is_fail) {
		b = &t->fails;
		n = ++t->n_fails;
		if (t->stream) {
			b = out;
			if (n == 1) {
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
	/* N - RULE MESSAGE (FILE:LINE:COL), room made once */
	size_t rule_len = row->rule_len, msg_len = row->message_len, file_len = row->file_len;
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
	if (t->direct) {
		finish_direct(t, s);
	} else {
		kpc_print_applying(f, s);
		if (t->spill) {
			copy_spill(t, f);
			fclose(t->spill);
		}
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
