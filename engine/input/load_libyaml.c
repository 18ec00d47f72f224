/* load_libyaml.c - libyaml (0.2.x) events -> document builder. */
#include "input/input.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
	yaml_parser_t parser;
	unsigned line0;
	const unsigned char *buf;
	size_t len;
	bool done;
} ly_session;

/* A session whose parser read its stream to the end cleanly, kept for the
 * next chunk: a parser costs eight allocations (64 KB of buffers among
 * them) and as many frees, once per document otherwise.  Shared by all
 * threads; still reachable at exit. */
static _Atomic(ly_session *) spare_session;

/* Bring a parser that produced STREAM-END without error back to the state
 * yaml_parser_initialize leaves, keeping its memory.  Every field of
 * yaml_parser_t is public (yaml.h); the ones holding memory are kept with
 * their contents dropped, all others are zero after initialisation. */
static void parser_rewind(yaml_parser_t *p)
{
	while (p->tokens.head != p->tokens.tail)
		yaml_token_delete(p->tokens.head++);
	while (p->tag_directives.top != p->tag_directives.start) {
		yaml_tag_directive_t *td = --p->tag_directives.top;
		free(td->handle);
		free(td->prefix);
	}
	yaml_parser_t keep = *p;
	memset(p, 0, sizeof(*p));
	p->raw_buffer.start = p->raw_buffer.pointer = p->raw_buffer.last = keep.raw_buffer.start;
	p->raw_buffer.end = keep.raw_buffer.end;
	p->buffer.start = p->buffer.pointer = p->buffer.last = keep.buffer.start;
	p->buffer.end = keep.buffer.end;
	p->tokens.start = p->tokens.head = p->tokens.tail = keep.tokens.start;
	p->tokens.end = keep.tokens.end;
	p->indents.start = p->indents.top = keep.indents.start;
	p->indents.end = keep.indents.end;
	p->simple_keys.start = p->simple_keys.top = keep.simple_keys.start;
	p->simple_keys.end = keep.simple_keys.end;
	p->states.start = p->states.top = keep.states.start;
	p->states.end = keep.states.end;
	p->marks.start = p->marks.top = keep.marks.start;
	p->marks.end = keep.marks.end;
	p->tag_directives.start = p->tag_directives.top = keep.tag_directives.start;
	p->tag_directives.end = keep.tag_directives.end;
}

static void *ly_open(const char *buf, size_t len, unsigned line0)
{
	/* every field is set below (yaml_parser_initialize clears the parser) */
	ly_session *s = atomic_exchange(&spare_session, NULL);
	if (!s) {
		s = kp_xmalloc(sizeof(*s));
		if (!yaml_parser_initialize(&s->parser))
			kp_oom(sizeof(*s));
	}
	s->done = false;
	/* the encoding is fixed to UTF-8, which turns off libyaml's BOM
	 * detection: skip a byte-order mark here (it occupies no column) */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		buf += 3, len -= 3;
	s->buf = (const unsigned char *)buf;
	s->len = len;
	s->line0 = line0;
	yaml_parser_set_input_string(&s->parser, s->buf, len);
	yaml_parser_set_encoding(&s->parser, YAML_UTF8_ENCODING);
	return s;
}

static void ly_close(void *p)
{
	ly_session *s = p;
	if (!s)
		return;
	if (s->parser.stream_end_produced && s->parser.error == YAML_NO_ERROR &&
	    !s->parser.aliases.start && !s->parser.document) {
		parser_rewind(&s->parser);
		ly_session *none = NULL;
		if (atomic_compare_exchange_strong(&spare_session, &none, s))
			return;
	}
	yaml_parser_delete(&s->parser);
	free(s);
}

/* Line and column (1-based, code points) of byte offset `off` in the chunk. */
static void offset_pos(const ly_session *s, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 0, c = 0;
	if (off > s->len)
		off = s->len;
	for (size_t i = 0; i < off; i++) {
		if (s->buf[i] == '\n')
			l++, c = 0;
		else if ((s->buf[i] & 0xC0) != 0x80)
			c++;
	}
	*line = s->line0 + l + 1;
	*col = c + 1;
}

static int ly_error(ly_session *s, kp_builder *b, kp_error *err)
{
	yaml_parser_t *p = &s->parser;
	unsigned line, col;
	if (p->error == YAML_READER_ERROR) {
		offset_pos(s, p->problem_offset, &line, &col);
		return kp_errorf(err, KP_E_YAML, b->file, line, col, "%s",
				 p->problem ? p->problem : "invalid input");
	}
	if (p->error == YAML_MEMORY_ERROR)
		kp_oom(0);
	line = s->line0 + (unsigned)p->problem_mark.line + 1;
	col = (unsigned)p->problem_mark.column + 1;
	if (p->context)
		return kp_errorf(err, KP_E_YAML, b->file, line, col, "%s %s (line %u, column %u)",
				 p->problem ? p->problem : "syntax error", p->context,
				 s->line0 + (unsigned)p->context_mark.line + 1,
				 (unsigned)p->context_mark.column + 1);
	return kp_errorf(err, KP_E_YAML, b->file, line, col, "%s",
			 p->problem ? p->problem : "syntax error");
}

/* kp_scalar_style by yaml_scalar_style_t (ANY and PLAIN: plain). */
static const unsigned char style_of[] = {
	[YAML_ANY_SCALAR_STYLE] = KP_STYLE_PLAIN,
	[YAML_PLAIN_SCALAR_STYLE] = KP_STYLE_PLAIN,
	[YAML_SINGLE_QUOTED_SCALAR_STYLE] = KP_STYLE_SINGLE,
	[YAML_DOUBLE_QUOTED_SCALAR_STYLE] = KP_STYLE_DOUBLE,
	[YAML_LITERAL_SCALAR_STYLE] = KP_STYLE_LITERAL,
	[YAML_FOLDED_SCALAR_STYLE] = KP_STYLE_FOLDED,
};

/* What yaml_event_delete frees, freed here for the events of a document's
 * body: libyaml allocates with malloc and frees with free (yaml_free), and
 * the event itself is not used again, so the library's switch over the
 * type, its wrapper calls and the clearing of the event are spared for
 * each of them. */
static inline void free_owned(yaml_char_t *a, yaml_char_t *b)
{
	if (__builtin_expect(a != NULL, 0))
		free(a);
	if (__builtin_expect(b != NULL, 0))
		free(b);
}

static int ly_next(void *p, kp_builder *b, kp_error *err)
{
	ly_session *s = p;
	if (s->done)
		return 0;
	bool in_doc = false;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&s->parser, &ev)) {
			s->done = true;
			return ly_error(s, b, err);
		}
		unsigned line = s->line0 + (unsigned)ev.start_mark.line + 1;
		unsigned col = (unsigned)ev.start_mark.column + 1;
		int rc;
		/* tests in order of frequency (scalars are most events), not a
		 * switch: its jump through a table mispredicts more often */
		yaml_event_type_t t = ev.type;
		if (t == YAML_SCALAR_EVENT) {
			kp_scalar_style st = (kp_scalar_style)style_of[ev.data.scalar.style];
			/* libyaml's text is NUL-terminated, as kp_build_text
			 * wants */
			if (__builtin_expect(((uintptr_t)ev.data.scalar.anchor |
					      (uintptr_t)ev.data.scalar.tag) == 0 &&
					     st < KP_STYLE_LITERAL, 1)) {
				rc = kp_build_text(b, (const char *)ev.data.scalar.value,
						   ev.data.scalar.length, st, line, col);
			} else {
				unsigned indent = st >= KP_STYLE_LITERAL
					? kp_block_indent((const char *)s->buf, s->len,
							  ev.start_mark.index) : 0;
				rc = kp_build_scalar(b, (const char *)ev.data.scalar.value,
						     ev.data.scalar.length, st, indent,
						     (const char *)ev.data.scalar.anchor,
						     /* NULL unless the scalar has a
						      * tag; a `!` tag is kept (a
						      * string) */
						     (const char *)ev.data.scalar.tag,
						     line, col);
				free_owned(ev.data.scalar.anchor, ev.data.scalar.tag);
			}
			free(ev.data.scalar.value);
		} else if (t >= YAML_SEQUENCE_START_EVENT) {
			/* collection events: start or end first, then the kind
			 * (mostly mappings); nested tests, which GCC does not turn
			 * into a jump table */
			if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) {
				rc = t == YAML_MAPPING_END_EVENT ? kp_build_map_end(b) : kp_build_seq_end(b);
			} else if (t == YAML_MAPPING_START_EVENT) {
				rc = kp_build_map_start(b, (const char *)ev.data.mapping_start.anchor,
							(const char *)ev.data.mapping_start.tag, line, col);
				free_owned(ev.data.mapping_start.anchor, ev.data.mapping_start.tag);
			} else {
				rc = kp_build_seq_start(b, (const char *)ev.data.sequence_start.anchor,
							(const char *)ev.data.sequence_start.tag, line, col);
				free_owned(ev.data.sequence_start.anchor, ev.data.sequence_start.tag);
			}
		} else if (t == YAML_ALIAS_EVENT) {
			rc = kp_build_alias(b, (const char *)ev.data.alias.anchor, line, col);
			free(ev.data.alias.anchor);
		} else {
			/* stream and document events: rare, yaml_event_delete */
			yaml_event_delete(&ev);
			if (t == YAML_STREAM_END_EVENT) {
				s->done = true;
				return 0;
			}
			if (t == YAML_DOCUMENT_START_EVENT)
				in_doc = true;
			else if (t == YAML_DOCUMENT_END_EVENT && in_doc)
				return 1;
			continue;
		}
		if (rc < 0) {
			s->done = true;
			return -1;
		}
	}
}

const kp_loader_ops kp_loader_libyaml = {"libyaml", ly_open, ly_next, ly_close};
