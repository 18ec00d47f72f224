/* reader.c - a stream of documents from a file, stdin or memory.
 * Reads the input a block at a time, cuts it into chunks at document
 * markers (a `---` line at column 0), parses each chunk with the chosen
 * loader and yields one document at a time.  Only the chunk being parsed
 * (and what was read ahead of it) is held, so memory follows the largest
 * document, not the size of the stream. */
#include "input/input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KP_READ_BLOCK ((size_t)64 << 10)
#define KP_NONE ((size_t)-1)

struct kp_reader {
	char *name;
	FILE *f;                  /* NULL: all input is in buf already */
	bool close_f, eof;
	char *buf;
	size_t cap;
	bool borrowed;            /* buf is the caller's: never written or freed */
	const kp_chunk_mark *marks; /* the chunks of buf, cut already (borrowed) */
	size_t n_marks, next_mark;
	size_t beg, end;          /* unconsumed input: buf[beg, end) */
	unsigned beg_line;        /* 0-based line of buf[beg] in the input */
	size_t scan;              /* next line start to test for a marker */
	size_t dirs;              /* start of a run of `%` directive lines */
	unsigned scan_lines;      /* line breaks in buf[beg, scan) ... */
	unsigned dirs_lines;      /* ... and in buf[beg, dirs): counted by the
	                             scan, not again when the chunk is done */
	bool ended;               /* the last content line was `...` */
	bool skipping;            /* an oversized document is being dropped */
	size_t chunk_len;         /* the chunk handed out last (at buf[beg]) */
	kp_read_opts opts;
	const kp_loader_ops *ops;
	const kp_loader_ops *cur; /* ops or kp_loader_json: the session's */
	void *session;            /* loader session over the current chunk */
	kp_builder builder;       /* kept from one document to the next */
	bool have_builder;
	kp_arena *spare;          /* emptied arena of an attempt that built no
	                             document (the end of each chunk) */
	/* items of a `kind: List` still to hand out */
	kp_doc *list;
	size_t list_next;
};

/* A comment-only or blank line (n bytes, without its line break). */
static bool is_filler_line(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == n || p[i] == '#' || p[i] == '\r';
}

/* A document end marker line `...` (n bytes, without its line break). */
static bool is_end_line(const char *p, size_t n)
{
	if (n < 3 || p[0] != '.' || p[1] != '.' || p[2] != '.')
		return false;
	return n == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\r' || p[3] == '#';
}

static bool is_marker_line(const char *p, size_t rest)
{
	if (rest < 3 || p[0] != '-' || p[1] != '-' || p[2] != '-')
		return false;
	return rest == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\n' || p[3] == '\r';
}

static unsigned count_lines(const char *buf, size_t n)
{
	unsigned lines = 0;
	for (const char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		lines++;
	return lines;
}

static kp_reader *reader_new(const char *name, const kp_read_opts *opts)
{
	kp_reader *r = kp_xcalloc(1, sizeof(*r));
	r->name = kp_xstrdup(name);
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_doc_bytes)
		r->opts.max_doc_bytes = KP_DEFAULT_MAX_DOC_BYTES;
	r->ops = r->opts.parser == KP_PARSER_LIBFYAML ? &kp_loader_libfyaml
						       : &kp_loader_libyaml;
	r->beg_line = r->opts.first_line;
	r->scan = KP_NONE;
	r->dirs = KP_NONE;
	return r;
}

kp_reader *kp_reader_open_mem(const char *name, const char *buf, size_t len,
			      const kp_read_opts *opts, kp_error *err)
{
	(void)err;
	kp_reader *r = reader_new(name, opts);
	r->buf = kp_xmalloc(len + 1);
	memcpy(r->buf, buf, len);
	r->buf[len] = 0;
	r->cap = len + 1;
	r->end = len;
	r->eof = true;
	return r;
}

kp_reader *kp_reader_open_borrowed(const char *name, const char *buf, size_t len,
				   const kp_chunk_mark *marks, size_t n_marks,
				   const kp_read_opts *opts, kp_error *err)
{
	(void)err;
	kp_reader *r = reader_new(name, opts);
	/* all input is here (eof): fill() never runs, nothing writes buf */
	r->buf = (char *)buf;
	r->borrowed = true;
	r->marks = marks;
	r->n_marks = n_marks;
	r->cap = len;
	r->end = len;
	r->eof = true;
	return r;
}

kp_reader *kp_reader_open_file(const char *path, const kp_read_opts *opts,
			       kp_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		kp_errorf(err, KP_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	kp_reader *r = reader_new(is_stdin ? "<stdin>" : path, opts);
	r->cap = KP_READ_BLOCK;
	r->buf = kp_xmalloc(r->cap);
	r->f = f;
	r->close_f = !is_stdin;
	return r;
}

void kp_reader_close(kp_reader *r)
{
	if (!r)
		return;
	if (r->session)
		r->cur->close(r->session);
	kp_doc_free(r->list);
	if (r->have_builder)
		kp_builder_fini(&r->builder);
	kp_arena_free(r->spare);
	if (r->close_f)
		fclose(r->f);
	if (!r->borrowed)
		free(r->buf);
	free(r->name);
	free(r);
}

/* Read more input behind buf[end], moving the unconsumed part to the front
 * first.  0, or -1 on a read error (err filled); sets eof at the end. */
static int fill(kp_reader *r, kp_error *err)
{
	if (r->beg) {
		size_t n = r->end - r->beg;
		memmove(r->buf, r->buf + r->beg, n);
		if (r->scan != KP_NONE)
			r->scan -= r->beg;
		if (r->dirs != KP_NONE)
			r->dirs -= r->beg;
		r->end = n;
		r->beg = 0;
	}
	if (r->cap - r->end < KP_READ_BLOCK / 2) {
		size_t cap = r->cap ? r->cap * 2 : KP_READ_BLOCK;
		while (cap - r->end < KP_READ_BLOCK / 2)
			cap *= 2;
		r->buf = kp_xrealloc(r->buf, cap);
		r->cap = cap;
	}
	size_t n = fread(r->buf + r->end, 1, r->cap - r->end - 1, r->f);
	r->end += n;
	r->buf[r->end] = 0;
	if (n == 0) {
		r->eof = true;
		if (ferror(r->f))
			return kp_errorf(err, KP_E_IO, r->name, 0, 0,
					 "cannot read: %s", strerror(errno));
	}
	return 0;
}

/* Drop buf[beg, upto), counting its lines (those the scan passed are
 * counted already). */
static void consume(kp_reader *r, size_t upto)
{
	if (r->scan != KP_NONE && upto >= r->scan)
		r->beg_line += r->scan_lines + count_lines(r->buf + r->scan, upto - r->scan);
	else if (r->dirs != KP_NONE && upto >= r->dirs)
		r->beg_line += r->dirs_lines + count_lines(r->buf + r->dirs, upto - r->dirs);
	else
		r->beg_line += count_lines(r->buf + r->beg, upto - r->beg);
	r->beg = upto;
	r->scan = KP_NONE;
	r->dirs = KP_NONE;
	r->ended = false;
}

/* Find the end of the chunk starting at buf[beg]: the next marker line
 * (with `%` directive lines just above it), reading more input as needed.
 * Returns the end offset, or KP_NONE at the end of input with nothing left.
 * A chunk longer than max_doc_bytes gives -1 once (err filled) and is then
 * dropped up to the next marker. */
static int find_chunk(kp_reader *r, size_t *chunk_end, kp_error *err)
{
	for (;;) {
		if (r->scan == KP_NONE) {
			/* the chunk's first line may be its own marker, or `%`
			 * directives (with comments or blank lines among them)
			 * followed by its marker: skip them */
			size_t line = r->beg;
			unsigned lines = 0;
			bool complete = false;
			for (;;) {
				const char *nl = memchr(r->buf + line, '\n', r->end - line);
				if (!nl)
					break;
				bool directive = r->buf[line] == '%' ||
						 is_filler_line(r->buf + line, (size_t)(nl - r->buf) - line);
				line = (size_t)(nl - r->buf) + 1;
				lines++;
				if (!directive) {
					complete = true;
					break;
				}
			}
			if (complete || (r->eof && line > r->beg)) {
				r->scan = line;
				r->scan_lines = lines;
			}
		}
		while (r->scan != KP_NONE && r->scan < r->end) {
			if (r->dirs == KP_NONE && !r->ended) {
				/* a run of lines that change nothing (none starts
				 * with `-`, `%` or `.`): only count them */
				const char *buf = r->buf, *p = buf + r->scan, *end = buf + r->end;
				unsigned lines = r->scan_lines;
				while (end - p >= 4 && *p != '-' && *p != '%' && *p != '.') {
					const char *nl = memchr(p, '\n', (size_t)(end - p));
					if (!nl)
						break;
					p = nl + 1;
					lines++;
				}
				r->scan = (size_t)(p - buf);
				r->scan_lines = lines;
				if (r->scan >= r->end)
					break;
			}
			size_t line = r->scan, rest = r->end - line;
			if (rest < 4 && !r->eof)
				break;  /* cannot tell yet whether this is a marker */
			if (is_marker_line(r->buf + line, rest)) {
				size_t cut = r->dirs != KP_NONE ? r->dirs : line;
				if (r->skipping) {
					r->skipping = false;
					consume(r, cut);
					goto again;
				}
				*chunk_end = cut;
				return 1;
			}
			const char *nl = memchr(r->buf + line, '\n', rest);
			size_t line_len = nl ? (size_t)(nl - r->buf) - line : rest;
			if (r->buf[line] == '%') {
				/* directives belong to the next document only after a
				 * `...` (or at the start of the stream); elsewhere the
				 * line stays where it is and the parser judges it */
				if (r->dirs == KP_NONE && r->ended) {
					r->dirs = line;
					r->dirs_lines = r->scan_lines;
				}
			} else if (r->buf[line] == '.' || r->dirs != KP_NONE || r->ended) {
				/* (with no directives pending and no `...` before, a
				 * line other than these changes nothing: most lines
				 * need no further look) */
				if (!is_filler_line(r->buf + line, line_len)) {
					r->dirs = KP_NONE;
					r->ended = is_end_line(r->buf + line, line_len);
				}
			}
			if (!nl) {
				if (r->eof)
					r->scan = r->end;
				break;
			}
			r->scan = (size_t)(nl - r->buf) + 1;
			r->scan_lines++;
		}
		if (r->eof && (r->scan == KP_NONE || r->scan >= r->end || r->end - r->scan < 4)) {
			if (r->skipping || r->beg >= r->end) {
				consume(r, r->end);
				r->skipping = false;
				return 0;
			}
			*chunk_end = r->end;
			return 1;
		}
		if (!r->skipping && r->end - r->beg > r->opts.max_doc_bytes) {
			r->skipping = true;
			return kp_errorf(err, KP_E_LIMIT, r->name, r->beg_line + 1, 1,
					 "document of more than %zu bytes exceeds the limit of %zu bytes; skipped to the next `---`",
					 r->opts.max_doc_bytes, r->opts.max_doc_bytes);
		}
		if (r->skipping && r->scan != KP_NONE && r->scan > r->beg) {
			/* drop what was scanned already, keep the partial line */
			size_t keep = r->dirs != KP_NONE ? r->dirs : r->scan;
			r->beg_line += r->dirs != KP_NONE ? r->dirs_lines : r->scan_lines;
			r->beg = keep;
			r->scan = keep;
			r->scan_lines = r->dirs_lines = 0;
		}
		if (fill(r, err) < 0)
			return -1;
		continue;
again:;
	}
}

int kp_reader_next_chunk(kp_reader *r, const char **data, size_t *len,
			 unsigned *first_line, kp_error *err)
{
	if (r->marks) {
		if (r->next_mark == r->n_marks)
			return 0;
		const kp_chunk_mark *m = &r->marks[r->next_mark++];
		*data = r->buf + m->off;
		*len = m->len;
		*first_line = m->first_line;
		return 1;
	}
	if (r->chunk_len) {
		consume(r, r->beg + r->chunk_len);
		r->chunk_len = 0;
	}
	size_t end = 0;
	int rc = find_chunk(r, &end, err);
	if (rc <= 0)
		return rc;
	if (end - r->beg > r->opts.max_doc_bytes) {
		unsigned line = r->beg_line + 1;
		size_t n = end - r->beg;
		consume(r, end);
		return kp_errorf(err, KP_E_LIMIT, r->name, line, 1,
				 "document of %zu bytes exceeds the limit of %zu bytes", n,
				 r->opts.max_doc_bytes);
	}
	r->chunk_len = end - r->beg;
	*data = r->buf + r->beg;
	*len = r->chunk_len;
	*first_line = r->beg_line + 1;
	return 1;
}

/* Next item of a pending `kind: List`, or NULL when done. */
static int next_list_item(kp_reader *r, kp_doc **out, kp_error *err)
{
	const kp_value *items = kp_value_get(r->list->root, "items");
	while (r->list_next < kp_value_len(items)) {
		kp_value *it = items->u.seq.items[r->list_next++];
		if (it->type == KP_NULL)
			continue;
		if (it->type != KP_MAP || !kp_value_get(it, "kind"))
			return kp_errorf(err, KP_E_DOC, r->list->file, it->line, it->col,
					 "List item %zu is not a resource (%s)", r->list_next - 1,
					 it->type != KP_MAP ? "not a mapping" : "no kind");
		*out = kp_doc_new_shared(r->list, it);
		return 1;
	}
	kp_doc_free(r->list);
	r->list = NULL;
	return 0;
}

/* Check a freshly built document; returns 1 (yield *out), 0 (skip), -1. */
static int accept_doc(kp_reader *r, kp_doc *d, kp_doc **out, kp_error *err)
{
	kp_value *root = d->root;
	if (!root || root->type == KP_NULL) {
		kp_doc_free(d);
		return 0;
	}
	if (r->opts.raw) {
		*out = d;
		return 1;
	}
	if (root->type != KP_MAP) {
		kp_errorf(err, KP_E_DOC, d->file, root->line, root->col,
			  "document is not a mapping (a resource needs apiVersion, kind, metadata)");
		kp_doc_free(d);
		return -1;
	}
	const kp_value *kind = kp_value_get(root, "kind");
	if (!kind || kind->type != KP_STRING || kind->u.s.len == 0) {
		kp_errorf(err, kind && kind->type != KP_NULL ? KP_E_DOC : KP_W_NOTRESOURCE,
			  d->file, root->line, root->col, "document has no kind");
		kp_doc_free(d);
		return -1;
	}
	if (kp_value_str_eq(kind, "List") && kp_value_type(kp_value_get(root, "items")) == KP_SEQ) {
		r->list = d;
		r->list_next = 0;
		return 2;
	}
	*out = d;
	return 1;
}

int kp_reader_next(kp_reader *r, kp_doc **out, kp_error *err)
{
	*out = NULL;
	for (;;) {
		if (r->list) {
			int rc = next_list_item(r, out, err);
			if (rc)
				return rc;
		}
		if (!r->session) {
			const char *data;
			size_t len;
			unsigned first;
			int rc = kp_reader_next_chunk(r, &data, &len, &first, err);
			if (rc <= 0)
				return rc;
			/* a chunk that starts like JSON takes the JSON fast path */
			r->cur = kp_json_sniff(data, len) ? &kp_loader_json : r->ops;
			r->session = r->cur == r->ops ? r->ops->open(data, len, first - 1)
						      : kp_json_open(data, len, first - 1, r->ops);
		}
		kp_arena *a = r->spare ? r->spare : kp_arena_new();
		r->spare = NULL;
		kp_builder *b = &r->builder;
		if (r->have_builder) {
			kp_builder_reuse(b, a, r->name);
		} else {
			kp_builder_init(b, a, r->name, &r->opts, err);
			r->have_builder = true;
		}
		b->err = err;
		int rc = r->cur->next(r->session, b, err);
		kp_value *root = kp_build_root(b);
		if (rc <= 0) {
			kp_arena_reset(a);
			r->spare = a;
			r->cur->close(r->session);
			r->session = NULL;
			if (rc < 0)
				return -1;
			continue;
		}
		kp_doc *d = kp_doc_new(a, root, root ? root->file : kp_arena_strdup(a, r->name));
		d->no_null_values = b->null_values == 0;
		rc = accept_doc(r, d, out, err);
		if (rc == 1 || rc == -1)
			return rc;
	}
}
