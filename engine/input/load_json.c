/* load_json.c - the JSON fast path: strict JSON text -> document builder,
 * skipping the YAML scanner.  It builds exactly what libyaml builds from the
 * same text (a JSON document is a YAML flow collection): the same builder
 * calls in the same order, nodes at the same line and column (1-based,
 * columns in code points), numbers, true/false/null as plain scalars (so
 * they get YAML typing), strings as double-quoted scalars.
 *
 * Anything this reader is not sure libyaml reads the same way (not strict
 * JSON, comments, tabs outside a collection, characters libyaml rejects or
 * takes as line breaks, keys libyaml cannot take as simple keys, a
 * \u surrogate escape) makes it hand the chunk to the YAML loader instead,
 * silently: the result is then exactly what it was without this file.
 *
 * Beyond libyaml: several top-level values, each starting on its own line
 * (JSON Lines), are several documents (libyaml stops at the second one with
 * "did not find expected <document start>"). */
#include "input/input.h"

#include <stdlib.h>
#include <string.h>

/* libyaml forgets a simple key more than 1024 characters before its `:`;
 * stay well inside that (bytes >= characters). */
#define KP_JSON_MAX_KEY_SPAN 1000

typedef struct {
	const char *chunk;          /* as given to open (for the fallback) */
	size_t chunk_len;
	unsigned line0;
	const char *p, *end;        /* parse position, end of chunk */
	const char *ls;             /* start of the current line */
	size_t cont;                /* UTF-8 continuation bytes in [ls, p) */
	unsigned line;              /* 0-based line of p in the chunk */
	unsigned docs;              /* documents handed out */
	bool done;
	bool not_json;              /* known before parsing: use YAML */
	const kp_loader_ops *yaml;  /* fallback loader and its session */
	void *ys;
	char *tmp;                  /* unescaped string */
	size_t tmp_len, tmp_cap;
	char *stack;                /* open collections: '{' or '[' */
	size_t stack_cap;
	kp_error *warns;            /* warnings of the document being built */
	size_t n_warns, warns_cap;
	kp_warn_cb warn;            /* the caller's warning callback */
	void *warn_ud;
} js_session;

/* The parse stopped: not JSON as this reader takes it (use YAML). */
#define JS_NOT_JSON 0
/* A builder error (limits): YAML reads the chunk and reports it. */
#define JS_FAIL (-1)

static unsigned js_col(const js_session *s, const char *at)
{
	return (unsigned)(at - s->ls - s->cont) + 1;
}

static void js_newline(js_session *s, const char *next)
{
	s->line++;
	s->ls = next;
	s->cont = 0;
}

/* Whitespace inside a collection: what JSON allows, which libyaml skips
 * there too (`\r\n` and a lone `\r` are one line break each for both). */
static void js_ws(js_session *s)
{
	const char *p = s->p, *e = s->end;
	while (p < e) {
		char c = *p;
		if (c == ' ' || c == '\t') {
			p++;
		} else if (c == '\n') {
			js_newline(s, ++p);
		} else if (c == '\r') {
			p++;
			if (p < e && *p == '\n')
				p++;
			js_newline(s, p);
		} else {
			break;
		}
	}
	s->p = p;
}

/* Whitespace outside any collection: no tabs (libyaml refuses a tab where
 * it could start a block-context token). */
static bool js_ws_top(js_session *s)
{
	const char *before = s->p;
	js_ws(s);
	return !memchr(before, '\t', (size_t)(s->p - before));
}

/* ASCII bytes a string may hold as they are. */
static bool plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

static void tmp_add(js_session *s, const char *p, size_t n)
{
	s->tmp = kp_xgrow(s->tmp, &s->tmp_cap, s->tmp_len + n + 1, 1);
	memcpy(s->tmp + s->tmp_len, p, n);
	s->tmp_len += n;
}

/* One UTF-8 character at p (first byte >= 0x80) that libyaml reads as an
 * ordinary printable character: its length, else 0 (invalid UTF-8,
 * C1 controls, U+FFFE/U+FFFF, and NEL, LS, PS, which YAML folds as line
 * breaks inside a quoted scalar). */
static size_t yaml_char_len(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0];
	if (c >= 0xC2 && c <= 0xDF) {
		if (e - p < 2 || (p[1] & 0xC0) != 0x80)
			return 0;
		return (((c & 0x1F) << 6) | (p[1] & 0x3F)) >= 0xA0 ? 2 : 0;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		unsigned cp = ((c & 0x0F) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		if (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000) || cp == 0x2028 || cp == 0x2029 ||
		    cp == 0xFFFE || cp == 0xFFFF)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		unsigned cp = ((c & 0x07) << 18) | ((p[1] & 0x3Fu) << 12) |
			      ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
		return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
	}
	return 0;
}

/* A JSON escape at p (after the backslash) into s->tmp; the bytes read, or
 * 0 when libyaml would not read it the same way. */
static size_t js_escape(js_session *s, const char *p)
{
	const char *e = s->end;
	if (p >= e)
		return 0;
	char c;
	switch (*p) {
	case '"': c = '"'; break;
	case '\\': c = '\\'; break;
	case '/': c = '/'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'n': c = '\n'; break;
	case 'r': c = '\r'; break;
	case 't': c = '\t'; break;
	case 'u': {
		int cp = e - p >= 5 ? kp_json_hex4(p + 1) : -1;
		/* a surrogate escape, even a valid JSON pair: libyaml (and the
		 * Go YAML parser Kyverno reads resources with) refuses it, and
		 * that error stands */
		if (cp < 0 || (cp >= 0xD800 && cp < 0xE000))
			return 0;
		char u[4];
		tmp_add(s, u, kp_utf8_put(u, (unsigned)cp));
		return 5;
	}
	default:
		return 0;
	}
	tmp_add(s, &c, 1);
	return 1;
}

/* The string at s->p (its opening quote): *out, *len the decoded text (in
 * the chunk when it has no escape, else in s->tmp).  false: not JSON. */
static bool js_string(js_session *s, const char **out, size_t *len)
{
	const char *p = s->p + 1, *e = s->end, *run = p;
	size_t cont = 0;
	bool escaped = false;
	for (;;) {
		while (p < e && plain_ascii((unsigned char)*p))
			p++;
		if (p >= e)
			return false;
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c == '\\') {
			if (!escaped)
				s->tmp_len = 0, escaped = true;
			tmp_add(s, run, (size_t)(p - run));
			size_t n = js_escape(s, p + 1);
			if (!n)
				return false;
			p += 1 + n;
			run = p;
		} else if (c >= 0x80) {
			size_t n = yaml_char_len((const unsigned char *)p, (const unsigned char *)e);
			if (!n)
				return false;
			p += n;
			cont += n - 1;
		} else {
			return false;  /* control characters, DEL */
		}
	}
	if (escaped) {
		tmp_add(s, run, (size_t)(p - run));
		*out = s->tmp;
		*len = s->tmp_len;
	} else {
		*out = run;
		*len = (size_t)(p - run);
	}
	s->cont += cont;
	s->p = p + 1;
	return true;
}

/* A number, true, false or null at s->p: its length, 0 if none. */
static size_t js_plain_len(const js_session *s)
{
	const char *p = s->p;
	size_t rest = (size_t)(s->end - p);
	switch (*p) {
	case 't': return rest >= 4 && !memcmp(p, "true", 4) ? 4 : 0;
	case 'f': return rest >= 5 && !memcmp(p, "false", 5) ? 5 : 0;
	case 'n': return rest >= 4 && !memcmp(p, "null", 4) ? 4 : 0;
	default: {
		bool integral;
		return kp_json_number_len(p, s->end, &integral);
	}
	}
}

/* One JSON value (a whole document) at s->p into b. */
static int js_document(js_session *s, kp_builder *b)
{
	size_t depth = 0;
	for (;;) {
		/* a value */
		if (s->p >= s->end)
			return JS_NOT_JSON;
		const char *at = s->p;
		unsigned line = s->line0 + s->line + 1, col = js_col(s, at);
		char c = *at;
		if (c == '{' || c == '[') {
			int rc = c == '{' ? kp_build_map_start(b, NULL, NULL, line, col)
					  : kp_build_seq_start(b, NULL, NULL, line, col);
			if (rc < 0)
				return JS_FAIL;
			s->stack = kp_xgrow(s->stack, &s->stack_cap, depth + 1, 1);
			s->stack[depth++] = c;
			s->p++;
			js_ws(s);
			if (s->p < s->end && *s->p == (c == '{' ? '}' : ']')) {
				s->p++;
				if ((c == '{' ? kp_build_map_end(b) : kp_build_seq_end(b)) < 0)
					return JS_FAIL;
				depth--;
			} else if (c == '{') {
				goto key;
			} else {
				continue;
			}
		} else if (c == '"') {
			const char *str;
			size_t len;
			if (!js_string(s, &str, &len))
				return JS_NOT_JSON;
			if (kp_build_scalar(b, str, len, KP_STYLE_DOUBLE, 0, NULL, NULL, line, col) < 0)
				return JS_FAIL;
		} else {
			size_t n = js_plain_len(s);
			if (!n)
				return JS_NOT_JSON;
			s->p += n;
			if (kp_build_scalar(b, at, n, KP_STYLE_PLAIN, 0, NULL, NULL, line, col) < 0)
				return JS_FAIL;
		}
		/* after a value: `,`, or the end of collections */
		for (;;) {
			if (!depth)
				return 1;
			js_ws(s);
			if (s->p >= s->end)
				return JS_NOT_JSON;
			char open = s->stack[depth - 1], d = *s->p;
			if (d == ',') {
				s->p++;
				js_ws(s);
				if (open == '{')
					goto key;
				break;
			}
			if (d != (open == '{' ? '}' : ']'))
				return JS_NOT_JSON;
			s->p++;
			if ((open == '{' ? kp_build_map_end(b) : kp_build_seq_end(b)) < 0)
				return JS_FAIL;
			depth--;
		}
		continue;
key:
		/* a key, on one line with its `:` close enough for libyaml to
		 * take it as a simple key */
		{
			const char *kat = s->p, *str;
			size_t len;
			unsigned kline = s->line, kcol = js_col(s, kat);
			if (kat >= s->end || *kat != '"' || !js_string(s, &str, &len))
				return JS_NOT_JSON;
			if (kp_build_scalar(b, str, len, KP_STYLE_DOUBLE, 0, NULL, NULL,
					    s->line0 + kline + 1, kcol) < 0)
				return JS_FAIL;
			js_ws(s);
			if (s->p >= s->end || *s->p != ':' || s->line != kline ||
			    s->p - kat > KP_JSON_MAX_KEY_SPAN)
				return JS_NOT_JSON;
			s->p++;
			js_ws(s);
		}
	}
}

/* Past a top-level value: the rest of its line must be blank and what
 * follows either nothing or another `{` / `[` value starting a line. */
static bool js_clean_end(js_session *s)
{
	unsigned line = s->line;
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
	if (!js_ws_top(s))
		return false;
	if (s->p >= s->end)
		return true;
	if (s->line == line || (*s->p != '{' && *s->p != '['))
		return false;
	return true;
}

static void collect_warning(void *ud, const kp_error *w)
{
	js_session *s = ud;
	s->warns = kp_xgrow(s->warns, &s->warns_cap, s->n_warns + 1, sizeof *s->warns);
	s->warns[s->n_warns++] = *w;
}

/* Past a `---` document marker at p, if there is one (only at the start
 * of a line: an indented `---` is content). */
static const char *skip_marker(const char *start, const char *p, const char *e)
{
	if (e - p >= 3 && !memcmp(p, "---", 3) && (p == start || p[-1] == '\n' || p[-1] == '\r') &&
	    (e - p == 3 || p[3] == ' ' || p[3] == '\n' || p[3] == '\r'))
		return p + 3;
	return p;
}

bool kp_json_sniff(const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	const char *start = p;
	for (int marker = 0; marker < 2; marker++) {
		while (p < e && (*p == ' ' || *p == '\n' || *p == '\r'))
			p++;
		if (marker == 0)
			p = skip_marker(start, p, e);
	}
	return p < e && (*p == '{' || *p == '[');
}

void *kp_json_open(const char *buf, size_t len, unsigned line0, const kp_loader_ops *yaml)
{
	js_session *s = kp_xcalloc(1, sizeof(*s));
	s->chunk = buf;
	s->chunk_len = len;
	s->line0 = line0;
	s->yaml = yaml;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3, len -= 3;  /* a byte-order mark occupies no column */
	s->p = s->ls = buf;
	s->end = buf + len;
	/* the document marker line, if the chunk starts with one */
	if (!js_ws_top(s))
		s->not_json = true;
	else
		s->p = skip_marker(buf, s->p, s->end);
	return s;
}

static void *js_open(const char *buf, size_t len, unsigned line0)
{
	return kp_json_open(buf, len, line0, &kp_loader_libyaml);
}

static void js_close(void *p)
{
	js_session *s = p;
	if (!s)
		return;
	if (s->ys)
		s->yaml->close(s->ys);
	free(s->tmp);
	free(s->stack);
	free(s->warns);
	free(s);
}

static int js_next(void *p, kp_builder *b, kp_error *err)
{
	js_session *s = p;
	if (s->ys)
		return s->yaml->next(s->ys, b, err);
	if (s->done)
		return 0;
	const char *doc_ls = s->ls;        /* for a fallback from here */
	unsigned doc_line = s->line;
	bool top_ok = !s->not_json && js_ws_top(s);
	if (top_ok && s->p >= s->end) {
		s->done = true;
		if (s->docs)
			return 0;
		top_ok = false;  /* nothing but a marker: let YAML say so */
	}
	int rc = JS_NOT_JSON;
	if (top_ok) {
		doc_ls = s->ls, doc_line = s->line;
		/* buffer warnings until the document is known to be JSON */
		s->warn = b->opts.warn, s->warn_ud = b->opts.warn_ud;
		s->n_warns = 0;
		if (s->warn)
			b->opts.warn = collect_warning, b->opts.warn_ud = s;
		rc = js_document(s, b);
		if (rc == 1 && !js_clean_end(s))
			rc = JS_NOT_JSON;
		b->opts.warn = s->warn, b->opts.warn_ud = s->warn_ud;
		if (rc == 1)
			for (size_t i = 0; i < s->n_warns; i++)
				s->warn(s->warn_ud, &s->warns[i]);
	}
	if (rc == 1) {
		s->docs++;
		return 1;
	}
	/* not JSON, or a builder error (a limit): the YAML loader reads the
	 * chunk (or, after JSON Lines documents, the rest of it from this
	 * document's line).  Errors thus always come from the YAML path, which
	 * may see a scanner error in its look-ahead before the limit. */
	s->done = true;
	/* start the builder afresh: what a failed JSON attempt built is
	 * dropped (its nodes stay in the arena until the document is freed) */
	kp_builder_reuse(b, b->arena, b->file);
	if (!s->docs) {
		s->ys = s->yaml->open(s->chunk, s->chunk_len, s->line0);
	} else {
		s->ys = s->yaml->open(doc_ls, (size_t)(s->end - doc_ls), s->line0 + doc_line);
	}
	return s->yaml->next(s->ys, b, err);
}

const kp_loader_ops kp_loader_json = {"json", js_open, js_next, js_close};
