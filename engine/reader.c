/* reader.c - a stream of documents from a file, stdin or memory.
 * Reads the input whole, cuts it into chunks at document markers, parses
 * each chunk with the chosen loader and yields one document at a time. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KP_DEFAULT_MAX_DOC_BYTES ((size_t)256 << 20)

struct kp_reader {
	char *name;
	char *buf;
	size_t len;
	size_t pos;               /* start of the next chunk */
	unsigned pos_line;        /* 0-based line of buf[pos] */
	kp_read_opts opts;
	const kp_loader_ops *ops;
	void *session;            /* loader session over the current chunk */
	/* items of a `kind: List` still to hand out */
	kp_doc *list;
	size_t list_next;
};

static bool is_marker_line(const char *p, size_t rest)
{
	if (rest < 3 || p[0] != '-' || p[1] != '-' || p[2] != '-')
		return false;
	return rest == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\n' || p[3] == '\r';
}

size_t kp_chunk_end(const char *buf, size_t len, size_t start)
{
	/* skip the first line: the chunk may begin with its own marker */
	const char *nl = memchr(buf + start, '\n', len - start);
	size_t prev_line = start;   /* start of the run of `%` lines, if any */
	bool in_directives = false;
	while (nl) {
		size_t line = (size_t)(nl - buf) + 1;
		if (line >= len)
			break;
		if (is_marker_line(buf + line, len - line))
			return in_directives ? prev_line : line;
		if (buf[line] == '%') {
			if (!in_directives)
				prev_line = line;
			in_directives = true;
		} else {
			in_directives = false;
		}
		nl = memchr(buf + line, '\n', len - line);
	}
	return len;
}

static unsigned count_lines(const char *buf, size_t upto)
{
	unsigned n = 0;
	for (const char *p = buf, *end = buf + upto; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

static kp_reader *reader_new(const char *name, char *buf, size_t len,
			     const kp_read_opts *opts)
{
	kp_reader *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->name = strdup(name);
	r->buf = buf;
	r->len = len;
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_doc_bytes)
		r->opts.max_doc_bytes = KP_DEFAULT_MAX_DOC_BYTES;
	r->ops = r->opts.parser == KP_PARSER_LIBFYAML ? &kp_loader_libfyaml
						       : &kp_loader_libyaml;
	return r;
}

kp_reader *kp_reader_open_mem(const char *name, const char *buf, size_t len,
			      const kp_read_opts *opts, kp_error *err)
{
	(void)err;
	char *copy = malloc(len + 1);
	if (!copy)
		abort();
	memcpy(copy, buf, len);
	copy[len] = 0;
	return reader_new(name, copy, len, opts);
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
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		abort();
	size_t n;
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
	}
	bool failed = ferror(f);
	int saved = errno;
	if (!is_stdin)
		fclose(f);
	if (failed) {
		free(buf);
		kp_errorf(err, KP_E_IO, is_stdin ? "<stdin>" : path, 0, 0,
			  "cannot read: %s", strerror(saved));
		return NULL;
	}
	buf[len] = 0;
	return reader_new(is_stdin ? "<stdin>" : path, buf, len, opts);
}

void kp_reader_close(kp_reader *r)
{
	if (!r)
		return;
	if (r->session)
		r->ops->close(r->session);
	kp_doc_free(r->list);
	free(r->buf);
	free(r->name);
	free(r);
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
		kp_errorf(err, KP_E_DOC, d->file, root->line, root->col,
			  "document has no kind");
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
			if (r->pos >= r->len)
				return 0;
			size_t start = r->pos, end = kp_chunk_end(r->buf, r->len, start);
			/* lines are counted as we go: counting from the top for
			 * every chunk would make long streams quadratic */
			unsigned line0 = r->pos_line;
			r->pos = end;
			r->pos_line += count_lines(r->buf + start, end - start);
			if (end - start > r->opts.max_doc_bytes)
				return kp_errorf(err, KP_E_LIMIT, r->name, line0 + 1, 1,
						 "document of %zu bytes exceeds the limit of %zu bytes",
						 end - start, r->opts.max_doc_bytes);
			r->session = r->ops->open(r->buf + start, end - start, line0);
			if (!r->session)
				return kp_errorf(err, KP_E_NOMEM, r->name, 0, 0, "out of memory");
		}
		kp_arena *a = kp_arena_new();
		kp_builder b;
		kp_builder_init(&b, a, r->name, &r->opts, err);
		int rc = r->ops->next(r->session, &b, err);
		kp_value *root = kp_build_root(&b);
		kp_builder_fini(&b);
		if (rc <= 0) {
			kp_arena_free(a);
			r->ops->close(r->session);
			r->session = NULL;
			if (rc < 0)
				return -1;
			continue;
		}
		kp_doc *d = kp_doc_new(a, root, root ? root->file : kp_arena_strdup(a, r->name));
		rc = accept_doc(r, d, out, err);
		if (rc == 1 || rc == -1)
			return rc;
	}
}
