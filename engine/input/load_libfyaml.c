/* load_libfyaml.c - libfyaml (0.7.12) events -> document builder.
 *
 * The builder calls are the same as load_libyaml.c makes, and so are the
 * positions: libyaml's event marks are the reference.  libfyaml marks some
 * nodes elsewhere, so this loader moves them to where libyaml puts them:
 *   - a node with an anchor or a tag starts at its first property (libfyaml:
 *     at the content; its anchor mark is after the `&`);
 *   - a quoted scalar starts at its opening quote (libfyaml: after it);
 *   - a literal or folded scalar starts at its `|` / `>` indicator
 *     (libfyaml: at the first content line);
 *   - an empty (null) scalar has no token in libfyaml; libyaml puts it just
 *     after the `:` / `-` / `?` indicator in block context, or at the next
 *     token in flow context (and at a `:` for an empty block key);
 *   - an alias starts at its `*` (libfyaml: after it).
 * Values are made to agree too (libfyaml 0.7.12 bugs or differences):
 *   - single-quoted scalars with `''` escapes are decoded from the input
 *     (libfyaml garbles runs of them);
 *   - a block scalar cut by the end of input gets no final line break;
 *   - \u / \U escapes of surrogates are errors, as in libyaml and go-yaml;
 *   - characters YAML 1.1 does not allow in a stream (C0 controls but tab and
 *     line breaks, DEL, C1 controls but NEL, U+FFFE, U+FFFF; a NUL byte
 *     among them) are errors, as libyaml's and go-yaml's readers make them
 *     (libfyaml passes them into scalars).  The chunk is checked when it is
 *     opened, so such a chunk yields no document, as with libyaml.
 * Marks are 0-based with columns in code points (a tab counts one column), as
 * in libyaml; diagnostics are 1-based.  Other syntax errors keep libfyaml's
 * own position and message, which can differ from libyaml's.  Nothing here recurses on the input:
 * open collections are tracked in a heap array. */
#include "input/input.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

/* A byte offset in the chunk with its 0-based line and column. */
typedef struct {
	size_t pos;
	int line, col;
} fy_where;

/* One open collection: mapping or sequence, flow or block, and for a
 * mapping whether the next node is a key (even count) or a value. */
typedef struct {
	bool map, flow;
	size_t count;
} fy_open_coll;

typedef struct {
	struct fy_diag *diag;
	struct fy_parser *parser;
	const char *buf;
	size_t len;
	unsigned line0;
	fy_where last;          /* end of the last real token seen */
	fy_open_coll *open;
	size_t depth, cap;
	char *scratch;          /* decoded single-quoted text */
	size_t scratch_cap;
	size_t bad_char;        /* offset of a character YAML forbids, or len */
	bool done;
	bool checked;           /* fy_unsafe_input has run */
} fy_session;

/* Offset of the first character that libyaml's reader rejects with
 * "control characters are not allowed", or len.  Invalid UTF-8 is left to
 * libfyaml, which rejects it itself. */
static size_t forbidden_char(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c == 0x7F)
			return i;
		if (c == 0xC2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F &&
		    u[i + 1] != 0x85)
			return i;
		if (c == 0xEF && i + 2 < len && u[i + 1] == 0xBF && u[i + 2] >= 0xBE)
			return i;
	}
	return len;
}

static void *fy_open(const char *buf, size_t len, unsigned line0)
{
	fy_session *s = kp_xcalloc(1, sizeof(*s));
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;          /* collect, print nothing */
	dcfg.output_fn = NULL;
	dcfg.colorize = false;
	s->diag = fy_diag_create(&dcfg);
	if (!s->diag)
		kp_oom(sizeof(*s));
	fy_diag_set_collect_errors(s->diag, true);
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_JSON_NONE | FYPCF_DISABLE_DEPTH_LIMIT,
		.diag = s->diag,
	};
	s->parser = fy_parser_create(&cfg);
	/* both fail only when memory is short */
	if (!s->parser || fy_parser_set_string(s->parser, buf, len) != 0)
		kp_oom(len);
	s->buf = buf;
	s->len = len;
	s->line0 = line0;
	s->bad_char = forbidden_char(buf, len);
	/* a byte-order mark occupies no column */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		s->last.pos = 3;
	return s;
}

static void fy_close(void *p)
{
	fy_session *s = p;
	if (!s)
		return;
	fy_parser_destroy(s->parser);
	fy_diag_destroy(s->diag);
	free(s->open);
	free(s->scratch);
	free(s);
}

static fy_where where_of(const struct fy_mark *m)
{
	fy_where w = {m->input_pos, m->line, m->column};
	return w;
}

static fy_where token_start(struct fy_token *t)
{
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
	fy_where w = {(size_t)-1, -1, -1};
	return m ? where_of(m) : w;
}

/* Move w forward by one byte of the chunk (line breaks: LF, CRLF, CR). */
static void step(const fy_session *s, fy_where *w)
{
	unsigned char c = (unsigned char)s->buf[w->pos++];
	if (c == '\n' || (c == '\r' && (w->pos >= s->len || s->buf[w->pos] != '\n'))) {
		w->line++;
		w->col = 0;
	} else if (c != '\r' && (c & 0xC0) != 0x80) {
		w->col++;
	}
}

/* Skip blanks, line breaks and comments. */
static void skip_space(const fy_session *s, fy_where *w, size_t limit)
{
	while (w->pos < limit) {
		char c = s->buf[w->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			step(s, w);
		} else if (c == '#') {
			while (w->pos < limit && s->buf[w->pos] != '\n' && s->buf[w->pos] != '\r')
				step(s, w);
		} else {
			break;
		}
	}
}

static bool blank_or_end(const fy_session *s, size_t pos)
{
	if (pos >= s->len)
		return true;
	char c = s->buf[pos];
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The `|` or `>` that introduces a block scalar whose content starts at
 * `content` (the first such byte after the previous token). */
static fy_where block_indicator(const fy_session *s, fy_where content)
{
	fy_where w = s->last;
	size_t limit = content.pos <= s->len ? content.pos : s->len;
	for (;;) {
		skip_space(s, &w, limit);
		if (w.pos >= limit)
			return content;
		char c = s->buf[w.pos];
		if (c == '|' || c == '>')
			return w;
		step(s, &w);
	}
}

/* Where libyaml places an empty scalar (see the header comment). */
static fy_where empty_scalar_pos(const fy_session *s)
{
	fy_where w = s->last;
	skip_space(s, &w, s->len);
	if (w.pos >= s->len || !s->depth)
		return w;
	const fy_open_coll *top = &s->open[s->depth - 1];
	bool key = top->map && top->count % 2 == 0;
	char c = s->buf[w.pos];
	if (top->flow) {
		/* at the token after `,` `?` (a key) or after `:` (a value) */
		if (key && c == ',') {
			step(s, &w);
			skip_space(s, &w, s->len);
			c = w.pos < s->len ? s->buf[w.pos] : 0;
		}
		if ((key && c == '?') || (!key && c == ':')) {
			step(s, &w);
			skip_space(s, &w, s->len);
		}
		return w;
	}
	/* just after the `-`, `?` or `:` indicator; else at the next token */
	char ind = !top->map ? '-' : key ? '?' : ':';
	if (c == ind && blank_or_end(s, w.pos + 1))
		step(s, &w);
	return w;
}

/* Where libyaml starts the implicit one-pair mapping of a flow sequence
 * (`[a: b]`): at its key, past a `,` separator. */
static fy_where flow_pair_pos(const fy_session *s)
{
	fy_where w = s->last;
	skip_space(s, &w, s->len);
	if (w.pos < s->len && s->buf[w.pos] == ',') {
		step(s, &w);
		skip_space(s, &w, s->len);
	}
	return w;
}

/* Start of a node's properties (anchor, tag), or pos = -1 when it has none. */
static fy_where properties_start(struct fy_event *ev)
{
	fy_where a = token_start(fy_event_get_anchor_token(ev));
	fy_where t = token_start(fy_event_get_tag_token(ev));
	if (a.pos != (size_t)-1) {
		/* libfyaml marks the anchor name; the `&` is one column before */
		a.pos--;
		a.col--;
	}
	return a.pos < t.pos ? a : t;
}

/* Remember the end of a token: the next empty or block scalar is found by
 * scanning forward from there.  Block ends are not real input tokens. */
static void note_token_end(fy_session *s, struct fy_token *t)
{
	if (!t || fy_token_get_type(t) == FYTT_BLOCK_END)
		return;
	const struct fy_mark *m = fy_token_end_mark(t);
	if (!m || m->input_pos < s->last.pos || m->input_pos > s->len)
		return;
	s->last = where_of(m);
	/* a quoted scalar's token ends before its closing quote */
	if (fy_token_get_type(t) == FYTT_SCALAR && s->last.pos < s->len) {
		enum fy_scalar_style st = fy_token_scalar_style(t);
		if (st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED)
			step(s, &s->last);
	}
}

static void note_event(fy_session *s, struct fy_event *ev)
{
	note_token_end(s, fy_event_get_anchor_token(ev));
	note_token_end(s, fy_event_get_tag_token(ev));
	note_token_end(s, fy_event_get_token(ev));
}

/* A node is complete: its parent mapping moves from key to value or back. */
static void node_done(fy_session *s)
{
	if (s->depth)
		s->open[s->depth - 1].count++;
}

static void push_open(fy_session *s, bool map, bool flow)
{
	if (s->depth == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		fy_open_coll *n = kp_xrealloc(s->open, s->cap * sizeof(*n));
		s->open = n;
	}
	s->open[s->depth++] = (fy_open_coll){map, flow, 0};
}

/* Anchor or tag text as a NUL-terminated string (libfyaml keeps it with
 * the token), or NULL. */
static const char *token_text0(struct fy_token *t)
{
	return t ? fy_token_get_text0(t) : NULL;
}

static bool is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* Make s->scratch hold at least `need` bytes. */
static void scratch_reserve(fy_session *s, size_t need)
{
	if (need <= s->scratch_cap)
		return;
	size_t cap = s->scratch_cap ? s->scratch_cap : 64;
	while (cap < need)
		cap *= 2;
	s->scratch = kp_xrealloc(s->scratch, cap);
	s->scratch_cap = cap;
}

/* A literal or folded scalar's text, gathered from libfyaml's chunk
 * iterator into s->scratch; returns its length.  fy_token_get_text sizes
 * its buffer first and, for some folded scalars, formats more text than
 * it sized: it then returns NULL (the text was lost) and leaks its chunk
 * array (found by tests/fuzz/fuzz_load_libfyaml against an instrumented
 * libfyaml). */
static size_t block_scalar_text(fy_session *s, struct fy_token *val)
{
	struct fy_token_iter *it = fy_token_iter_create(val);
	if (!it)
		kp_oom(0);
	const struct fy_iter_chunk *ic = NULL;
	size_t n = 0;
	int rc = 0;
	while ((ic = fy_token_iter_chunk_next(it, ic, &rc)) != NULL) {
		scratch_reserve(s, n + ic->len + 1);
		memcpy(s->scratch + n, ic->str, ic->len);
		n += ic->len;
	}
	fy_token_iter_destroy(it);
	return n;
}

/* Decode the single-quoted scalar whose text (between the quotes) is
 * buf[from, to): a doubled quote is a quote, line breaks fold (YAML 1.2
 * section 7.3.2).  libfyaml 0.7.12 garbles runs of escaped quotes (four
 * quotes in a row come out as three), so scalars with escapes are decoded
 * here from the input.  Returns the length of s->scratch. */
static size_t decode_single_quoted(fy_session *s, size_t from, size_t to)
{
	scratch_reserve(s, to - from + 1);
	char *out = s->scratch;
	size_t n = 0;
	const char *b = s->buf;
	size_t i = from;
	while (i < to) {
		char c = b[i];
		if (c == '\'' && i + 1 < to && b[i + 1] == '\'') {
			out[n++] = '\'';
			i += 2;
		} else if (is_break(c)) {
			while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
				n--;
			size_t empty = 0;
			for (;;) {
				i += (c == '\r' && i + 1 < to && b[i + 1] == '\n') ? 2 : 1;
				while (i < to && (b[i] == ' ' || b[i] == '\t'))
					i++;
				if (i < to && is_break(b[i])) {
					c = b[i];
					empty++;
					continue;
				}
				break;
			}
			if (!empty)
				out[n++] = ' ';
			while (empty--)
				out[n++] = '\n';
		} else {
			out[n++] = c;
			i++;
		}
	}
	return n;
}

/* The first \u / \U escape of a surrogate or beyond U+10FFFF in the
 * double-quoted text from `from` up to `end` (or up to its closing quote
 * when stop_at_quote); pos -1 when there is none.  The result points at
 * the first hex digit, where libyaml reports the error. */
static fy_where find_bad_escape(const fy_session *s, fy_where from, size_t end, bool stop_at_quote)
{
	fy_where none = {(size_t)-1, -1, -1};
	for (size_t i = from.pos; i + 1 < end; i++) {
		if (stop_at_quote && s->buf[i] == '"')
			break;
		if (s->buf[i] != '\\')
			continue;
		char e = s->buf[i + 1];
		int digits = e == 'u' ? 4 : e == 'U' ? 8 : 0;
		if (!digits) {
			i++; /* an escaped character, maybe a backslash or a quote */
			continue;
		}
		unsigned long code = 0;
		int k;
		for (k = 0; k < digits && i + 2 + (size_t)k < end; k++) {
			char h = s->buf[i + 2 + (size_t)k];
			int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
				: h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
			if (d < 0)
				break;
			code = code * 16 + (unsigned long)d;
		}
		if (k == digits && ((code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF)) {
			while (from.pos < i + 2)
				step(s, &from);
			return from;
		}
		i += 1 + (size_t)k;
	}
	return none;
}

static const char kp_bad_escape_msg[] = "found invalid Unicode character escape code";

/* libyaml (and go-yaml) reject \u / \U escapes of surrogates, even JSON
 * surrogate pairs, which libfyaml combines.  Returns -1 with err. */
static int check_double_quoted(fy_session *s, kp_builder *b, struct fy_token *val)
{
	const struct fy_mark *sm = fy_token_start_mark(val), *em = fy_token_end_mark(val);
	if (!sm || !em || em->input_pos > s->len)
		return 0;
	fy_where w = find_bad_escape(s, where_of(sm), em->input_pos, false);
	if (w.pos == (size_t)-1)
		return 0;
	return kp_errorf(b->err, KP_E_YAML, b->file, s->line0 + (unsigned)w.line + 1,
			 (unsigned)w.col + 1, "%s", kp_bad_escape_msg);
}

static int build_scalar(fy_session *s, kp_builder *b, struct fy_event *ev)
{
	struct fy_token *val = ev->scalar.value;
	enum fy_scalar_style style = val ? fy_token_scalar_style(val) : FYSS_PLAIN;
	fy_where at = properties_start(ev);
	if (at.pos == (size_t)-1) {
		if (!val) {
			/* later empty scalars are found from here */
			at = empty_scalar_pos(s);
			s->last = at;
		} else {
			at = token_start(val);
			if (style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED)
				at.pos--, at.col--;
			else if (style == FYSS_LITERAL || style == FYSS_FOLDED)
				at = block_indicator(s, at);
		}
	}
	size_t len = 0;
	const char *text;
	if (style == FYSS_DOUBLE_QUOTED && check_double_quoted(s, b, val) < 0)
		return -1;
	const struct fy_mark *sm = val ? fy_token_start_mark(val) : NULL;
	const struct fy_mark *em = val ? fy_token_end_mark(val) : NULL;
	/* decoded here without asking libfyaml for the text: besides garbling
	 * it, its fy_token_get_text leaks on five or more `''` escapes (found
	 * by tests/fuzz/fuzz_load_libfyaml) */
	if (style == FYSS_SINGLE_QUOTED && sm && em && em->input_pos <= s->len &&
	    sm->input_pos <= em->input_pos &&
	    memmem(s->buf + sm->input_pos, em->input_pos - sm->input_pos, "''", 2)) {
		len = decode_single_quoted(s, sm->input_pos, em->input_pos);
		text = s->scratch;
	} else if (val && (style == FYSS_LITERAL || style == FYSS_FOLDED)) {
		len = block_scalar_text(s, val);
		text = len ? s->scratch : "";
	} else {
		text = val ? fy_token_get_text(val, &len) : "";
		if (!text)
			text = "", len = 0;
	}
	/* a block scalar cut by the end of the input has no final line break
	 * to keep (libyaml); libfyaml adds one */
	if ((style == FYSS_LITERAL || style == FYSS_FOLDED) && em && em->input_pos >= s->len &&
	    s->len && !is_break(s->buf[s->len - 1]) && len && text[len - 1] == '\n')
		len--;
	kp_scalar_style st = style == FYSS_SINGLE_QUOTED ? KP_STYLE_SINGLE
		: style == FYSS_DOUBLE_QUOTED ? KP_STYLE_DOUBLE
		: style == FYSS_LITERAL ? KP_STYLE_LITERAL
		: style == FYSS_FOLDED ? KP_STYLE_FOLDED : KP_STYLE_PLAIN;
	unsigned indent = (st == KP_STYLE_LITERAL || st == KP_STYLE_FOLDED) && at.pos < s->len
		? kp_block_indent(s->buf, s->len, at.pos) : 0;
	return kp_build_scalar(b, text, len, st, indent,
			       token_text0(ev->scalar.anchor), token_text0(ev->scalar.tag),
			       s->line0 + (unsigned)at.line + 1, (unsigned)at.col + 1);
}

static int fy_syntax_error(fy_session *s, kp_builder *b, kp_error *err)
{
	void *it = NULL;
	struct fy_diag_error *de;
	while ((de = fy_diag_errors_iterate(s->diag, &it)) != NULL) {
		if (de->type != FYET_ERROR)
			continue;
		/* a lone surrogate escape: libfyaml stops at the scalar, libyaml
		 * at the escape; report it where libyaml does */
		if (de->msg && strstr(de->msg, "invalid UTF8 escape") && de->line > 0 && de->column > 0) {
			fy_where w = {0, 0, 0};
			while (w.pos < s->len && (w.line < de->line - 1 ||
						  (w.line == de->line - 1 && w.col < de->column - 1)))
				step(s, &w);
			fy_where bad = find_bad_escape(s, w, s->len, true);
			if (bad.pos != (size_t)-1)
				return kp_errorf(err, KP_E_YAML, b->file,
						 s->line0 + (unsigned)bad.line + 1,
						 (unsigned)bad.col + 1, "%s", kp_bad_escape_msg);
		}
		return kp_errorf(err, KP_E_YAML, b->file,
				 de->line > 0 ? s->line0 + (unsigned)de->line : 0,
				 de->column > 0 ? (unsigned)de->column : 0, "%s",
				 de->msg ? de->msg : "syntax error");
	}
	return kp_errorf(err, KP_E_YAML, b->file, s->line0 + s->last.line + 1,
			 s->last.col + 1, "syntax error");
}

static int build_start(fy_session *s, kp_builder *b, struct fy_event *ev, bool map)
{
	fy_where at = properties_start(ev);
	if (at.pos == (size_t)-1) {
		const struct fy_mark *m = fy_event_start_mark(ev);
		/* libfyaml gives the implicit pair a zero-width `{` at its `:` */
		if (map && s->depth && s->open[s->depth - 1].flow &&
		    (!m || m->input_pos >= s->len || s->buf[m->input_pos] != '{'))
			at = flow_pair_pos(s);
		else
			at = m ? where_of(m) : empty_scalar_pos(s);
	}
	struct fy_token *anchor = fy_event_get_anchor_token(ev);
	struct fy_token *tag = fy_event_get_tag_token(ev);
	bool flow = fy_event_get_node_style(ev) == FYNS_FLOW;
	push_open(s, map, flow);
	unsigned line = s->line0 + (unsigned)at.line + 1, col = (unsigned)at.col + 1;
	return map ? kp_build_map_start(b, token_text0(anchor), token_text0(tag), line, col)
		   : kp_build_seq_start(b, token_text0(anchor), token_text0(tag), line, col);
}

static int build_alias(fy_session *s, kp_builder *b, struct fy_event *ev)
{
	fy_where at = token_start(ev->alias.anchor);
	if (at.pos == (size_t)-1)
		at = s->last;
	else
		at.col--; /* the `*` */
	const char *name = token_text0(ev->alias.anchor);
	return kp_build_alias(b, name ? name : "", s->line0 + (unsigned)at.line + 1,
			      (unsigned)at.col + 1);
}

/* Length of the well-formed UTF-8 sequence at p (no overlong forms, no
 * surrogates, nothing above U+10FFFF, as libyaml requires), 0 if there is
 * none. */
static size_t utf8_len(const unsigned char *p, size_t rest)
{
	if (p[0] < 0x80)
		return 1;
	size_t n = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
		 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
	if (!n || n > rest)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
	    (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
		return 0;
	return n;
}

/* A blank, a line break or the end of the chunk at u[i], as libfyaml's
 * fy_is_blankz_at_offset sees it (NEL, LS and PS break lines in YAML 1.1). */
static bool blankz_at(const unsigned char *u, size_t len, size_t i)
{
	if (i >= len)
		return true;
	unsigned char c = u[i];
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 ||
	       (c == 0xC2 && i + 1 < len && u[i + 1] == 0x85) ||
	       (c == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9));
}

/* If u[i] is a `:` followed by blanks that hold a tab and then `?`, `:`,
 * `|`, `>` or a `-` entry, the offset of that first tab, else (size_t)-1. */
static size_t tab_before_block_indicator(const unsigned char *u, size_t len, size_t i)
{
	if (u[i] != ':')
		return (size_t)-1;
	size_t j = i + 1, tab = (size_t)-1;
	for (; j < len && (u[j] == ' ' || u[j] == '\t'); j++)
		if (u[j] == '\t' && tab == (size_t)-1)
			tab = j;
	if (tab == (size_t)-1 || j >= len)
		return (size_t)-1;
	bool indicator = u[j] == '?' || u[j] == ':' || u[j] == '|' || u[j] == '>' ||
			 (u[j] == '-' && blankz_at(u, len, j + 1));
	return indicator ? tab : (size_t)-1;
}

/* If u[i] starts a `%YAML` directive whose major or minor version number
 * has more than 9 digits, the offset of the 10th digit (where libyaml
 * reports "found extremely long version number"), else (size_t)-1. */
static size_t long_version_number(const unsigned char *u, size_t len, size_t i)
{
	if (len - i < 6 || memcmp(u + i, "%YAML", 5) != 0 || (u[i + 5] != ' ' && u[i + 5] != '\t'))
		return (size_t)-1;
	size_t j = i + 5;
	while (j < len && (u[j] == ' ' || u[j] == '\t'))
		j++;
	for (int part = 0; part < 2; part++) {
		size_t start = j;
		while (j < len && u[j] >= '0' && u[j] <= '9')
			if (++j - start > 9)
				return j - 1;
		if (part == 0 && (j >= len || u[j] != '.'))
			break;
		j++;
	}
	return (size_t)-1;
}

/* Three libfyaml 0.7.12 bugs end the whole run or are undefined behaviour
 * (a sanitizer build reports it), so the chunks that reach them are rejected before libfyaml sees them
 * (all first found by tests/fuzz/fuzz_load_libfyaml):
 *   - a `%YAML` directive's version number overflows an int (signed
 *     overflow in fy_scan_yaml_version, found with libfyaml built with
 *     UBSan): more than 9 digits are rejected, as libyaml rejects them,
 *     wherever `%YAML` and a blank stand (a superset of directives);
 *   - it never returns from a directive line (`%` at column 0, or after a
 *     byte-order mark) that holds invalid UTF-8: rejected as libyaml
 *     rejects it;
 *   - fy_fetch_value frees a simple-key record twice, and fy_parser_destroy
 *     then crashes (fixed in libfyaml 0.8, "Fix double free in case of a bad
 *     key"), when at a block `:` value indicator, a `?` complex key being
 *     open and a simple key having started on the `:`'s line, the blanks
 *     after the `:` hold a tab and end at `?`, `:`, `|`, `>` or a `-` entry
 *     (its check "cannot use tab for indentation of block entry").
 *     Rejected with that message, at that tab.
 * The double-free test is textual and a superset: any `?` followed by a blank
 * earlier in the chunk counts as an open complex key and any non-blank
 * byte before the `:` on its line as a key; quoted and block scalars and
 * comments are not told apart.  A tab after a `:` without any `?` before
 * it passes, as libfyaml reads it fine (YAML suite J3BT), and so does
 * `?`/`-` followed by a tab: libfyaml's own error there is safe.
 * Returns the offset of the problem or (size_t)-1, with *msg. */
static size_t fy_unsafe_input(const char *buf, size_t len, const char **msg)
{
	const unsigned char *u = (const unsigned char *)buf;
	bool complex_key = false;
	for (size_t line = 0; line < len;) {
		size_t i = line;
		bool key = false; /* a non-blank before u[i] on this line */
		if (len - i >= 3 && memcmp(u + i, "\xEF\xBB\xBF", 3) == 0) {
			i += 3; /* a byte-order mark does not hide a directive */
			key = true; /* nor, mid-chunk, a key (the superset side) */
		}
		bool directive = i < len && u[i] == '%';
		while (i < len && u[i] != '\n' && u[i] != '\r') {
			size_t n = directive ? utf8_len(u + i, len - i) : 1;
			if (!n) {
				*msg = "invalid UTF-8 in a directive line";
				return i;
			}
			size_t at = u[i] == '%' ? long_version_number(u, len, i) : (size_t)-1;
			if (at != (size_t)-1) {
				*msg = "found extremely long version number";
				return at;
			}
			if (u[i] == '?' && blankz_at(u, len, i + 1))
				complex_key = true;
			size_t tab = complex_key && key ? tab_before_block_indicator(u, len, i) : (size_t)-1;
			if (tab != (size_t)-1) {
				*msg = "cannot use tab for indentation of block entry";
				return tab;
			}
			key = key || (u[i] != ' ' && u[i] != '\t');
			i += n;
		}
		line = i + 1;
	}
	return (size_t)-1;
}

static int fy_next(void *p, kp_builder *b, kp_error *err)
{
	fy_session *s = p;
	if (s->done)
		return 0;
	if (!s->checked) {
		/* inputs libfyaml 0.7.12 mishandles, and characters libyaml
		 * rejects: the earliest one is the error */
		s->checked = true;
		const char *msg = NULL;
		size_t bad = fy_unsafe_input(s->buf, s->len, &msg);
		if (s->bad_char < s->len && (bad == (size_t)-1 || s->bad_char <= bad)) {
			bad = s->bad_char;
			msg = "control characters are not allowed";
		}
		if (bad != (size_t)-1) {
			fy_where w = s->last;   /* the chunk start (after a BOM) */
			while (w.pos < bad)
				step(s, &w);
			s->done = true;
			return kp_errorf(err, KP_E_YAML, b->file, s->line0 + (unsigned)w.line + 1,
					 (unsigned)w.col + 1, "%s", msg);
		}
	}
	bool in_doc = false;
	for (;;) {
		struct fy_event *ev = fy_parser_parse(s->parser);
		if (!ev) {
			s->done = true;
			if (fy_parser_get_stream_error(s->parser))
				return fy_syntax_error(s, b, err);
			return 0;
		}
		int rc = 0;
		bool doc_end = false;
		switch (ev->type) {
		case FYET_STREAM_END:
			s->done = true;
			fy_parser_event_free(s->parser, ev);
			return 0;
		case FYET_DOCUMENT_START:
			in_doc = true;
			s->depth = 0;
			break;
		case FYET_DOCUMENT_END:
			doc_end = in_doc;
			break;
		case FYET_SCALAR:
			rc = build_scalar(s, b, ev);
			node_done(s);
			break;
		case FYET_ALIAS:
			rc = build_alias(s, b, ev);
			node_done(s);
			break;
		case FYET_SEQUENCE_START:
			rc = build_start(s, b, ev, false);
			break;
		case FYET_MAPPING_START:
			rc = build_start(s, b, ev, true);
			break;
		case FYET_SEQUENCE_END:
		case FYET_MAPPING_END:
			if (s->depth)
				s->depth--;
			node_done(s);
			rc = ev->type == FYET_SEQUENCE_END ? kp_build_seq_end(b) : kp_build_map_end(b);
			break;
		default:
			break;
		}
		note_event(s, ev);
		fy_parser_event_free(s->parser, ev);
		if (rc < 0) {
			s->done = true;
			return -1;
		}
		if (doc_end)
			return 1;
	}
}

const kp_loader_ops kp_loader_libfyaml = {"libfyaml", fy_open, fy_next, fy_close};
