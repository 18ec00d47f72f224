/* test_json_loader.c - the JSON fast path (input/load_json.c): the trees,
 * positions, typing and errors libyaml gives for the same text, the silent
 * fallback to YAML, JSON Lines. */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

/* libyaml, counting the chunks handed to it (the fallback). */
static int fallbacks;
static void *spy_open(const char *buf, size_t len, unsigned line0)
{
	fallbacks++;
	return kp_loader_libyaml.open(buf, len, line0);
}
static const kp_loader_ops spy_yaml = {"spy", spy_open, NULL, NULL};

typedef struct {
	int n;
	kp_error last;
} warnings;

static void on_warn(void *ud, const kp_error *w)
{
	warnings *ws = ud;
	ws->n++;
	ws->last = *w;
}

#define MAX_DOCS 8
typedef struct {
	kp_arena *a;
	kp_value *root[MAX_DOCS];
	int n;          /* documents built */
	int rc;         /* last return: 0 (end) or -1 */
	kp_error err;
	warnings ws;
} loaded;

/* All documents of chunk `s` read by `ops` (kp_loader_json with the spy
 * behind it, or libyaml alone), Kubernetes typing. */
static void load(loaded *l, const char *s, bool json)
{
	kp_loader_ops spy = spy_yaml;
	spy.next = kp_loader_libyaml.next;
	spy.close = kp_loader_libyaml.close;
	memset(l, 0, sizeof *l);
	l->a = kp_arena_new();
	kp_read_opts o = {.typing = KP_TYPING_KUBERNETES, .warn = on_warn, .warn_ud = &l->ws};
	const kp_loader_ops *ops = json ? &kp_loader_json : &kp_loader_libyaml;
	void *ses = json ? kp_json_open(s, strlen(s), 0, &spy) : ops->open(s, strlen(s), 0);
	for (;;) {
		kp_builder b;
		kp_builder_init(&b, l->a, "t.json", &o, &l->err);
		int rc = ops->next(ses, &b, &l->err);
		kp_value *root = kp_build_root(&b);
		kp_builder_fini(&b);
		if (rc <= 0) {
			l->rc = rc;
			break;
		}
		cr_assert_lt(l->n, MAX_DOCS);
		l->root[l->n++] = root;
	}
	ops->close(ses);
}

static void unload(loaded *l)
{
	kp_arena_free(l->a);
}

/* Reads `s` with the fast path; asserts whether it fell back to YAML. */
static void load_json(loaded *l, const char *s, bool expect_fallback)
{
	fallbacks = 0;
	load(l, s, true);
	cr_assert_eq(fallbacks > 0, expect_fallback, "%s: fallback %d, expected %d", s,
		     fallbacks, expect_fallback);
}

static void assert_at(const kp_value *v, unsigned line, unsigned col)
{
	cr_assert(v);
	cr_assert(v->line == line && v->col == col, "node at %u:%u, expected %u:%u", v->line,
		  v->col, line, col);
}

/* Same tree (types, scalars, positions) as libyaml builds. */
static void assert_same(const kp_value *a, const kp_value *b)
{
	cr_assert(a && b);
	cr_assert_eq(a->type, b->type, "type at %u:%u", a->line, a->col);
	cr_assert(a->line == b->line && a->col == b->col, "json %u:%u, libyaml %u:%u", a->line,
		  a->col, b->line, b->col);
	cr_assert_eq(a->style, b->style);
	switch (a->type) {
	case KP_BOOL: cr_assert_eq(a->u.b, b->u.b); break;
	case KP_INT: cr_assert_eq(a->u.i, b->u.i); break;
	case KP_FLOAT: cr_assert(a->u.f == b->u.f || (a->u.f != a->u.f && b->u.f != b->u.f)); break;
	case KP_STRING:
		cr_assert(a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len));
		break;
	case KP_SEQ:
		cr_assert_eq(a->u.seq.n, b->u.seq.n);
		for (size_t i = 0; i < a->u.seq.n; i++)
			assert_same(a->u.seq.items[i], b->u.seq.items[i]);
		break;
	case KP_MAP:
		cr_assert_eq(a->u.map.n, b->u.map.n);
		for (size_t i = 0; i < a->u.map.n; i++) {
			assert_same(a->u.map.pairs[i].key, b->u.map.pairs[i].key);
			assert_same(a->u.map.pairs[i].value, b->u.map.pairs[i].value);
		}
		break;
	default: break;
	}
}

/* The fast path (without fallback) and libyaml agree on one document. */
static void assert_like_libyaml(const char *s)
{
	loaded j, y;
	load_json(&j, s, false);
	load(&y, s, false);
	cr_assert_eq(j.n, 1, "%s: %d documents (%s)", s, j.n, j.err.msg);
	cr_assert_eq(y.n, 1);
	assert_same(j.root[0], y.root[0]);
	unload(&j);
	unload(&y);
}

Test(json_loader, positions_in_code_points)
{
	const char *s = "{\n  \"é\": [1, \"ü€\", {\"b\": null}],\n\t\"x\" :\t\"y\"\n}\n";
	loaded l;
	load_json(&l, s, false);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.rc, 0);
	const kp_value *r = l.root[0];
	assert_at(r, 1, 1);
	cr_assert_eq(r->u.map.n, 2);
	assert_at(r->u.map.pairs[0].key, 2, 3);
	const kp_value *seq = r->u.map.pairs[0].value;
	assert_at(seq, 2, 8);
	assert_at(seq->u.seq.items[0], 2, 9);
	assert_at(seq->u.seq.items[1], 2, 12);
	assert_at(seq->u.seq.items[2], 2, 18);          /* after "ü€": 2 code points */
	assert_at(seq->u.seq.items[2]->u.map.pairs[0].value, 2, 24);
	assert_at(r->u.map.pairs[1].key, 3, 2);          /* a tab is one column */
	assert_at(r->u.map.pairs[1].value, 3, 8);
	cr_assert_eq(r->u.map.pairs[1].value->style, KP_STYLE_DOUBLE);
	unload(&l);
	assert_like_libyaml(s);
	/* lines after a document marker and CRLF line ends */
	assert_like_libyaml("--- {\"a\":\r\n  [1,\r\n  2]}\r\n");
	assert_like_libyaml("\xEF\xBB\xBF{\"bom\": 1}");
}

Test(json_loader, escapes)
{
	const char *s = "[\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u0000x\\u20AC\"]";
	loaded l;
	load_json(&l, s, false);
	cr_assert_eq(l.n, 1);
	const kp_value *a = l.root[0]->u.seq.items[0], *b = l.root[0]->u.seq.items[1];
	cr_assert_eq(a->u.s.len, 11);
	cr_assert(!memcmp(a->u.s.ptr, "q\"b\\s/\b\f\n\r\t", 11));
	cr_assert_eq(b->u.s.len, 7);
	cr_assert(!memcmp(b->u.s.ptr, "\xC3\xA9\0x\xE2\x82\xAC", 7));
	assert_at(b, 1, 25);
	unload(&l);
	assert_like_libyaml(s);
}

/* A \u surrogate, even a valid JSON pair, is libyaml's error: the chunk
 * goes to YAML, which reports it at the string. */
Test(json_loader, surrogate_escapes_keep_the_yaml_error)
{
	const char *cases[] = {"[\"\\ud83d\\ude00\"]", "{\"a\": \"\\udc00\"}"};
	for (size_t i = 0; i < 2; i++) {
		loaded l, y;
		load_json(&l, cases[i], true);
		load(&y, cases[i], false);
		cr_assert_eq(l.rc, -1);
		cr_assert_eq(l.n, 0);
		cr_assert_eq(l.err.code, KP_E_YAML);
		cr_assert(l.err.line == y.err.line && l.err.col == y.err.col);
		cr_assert_str_eq(l.err.msg, y.err.msg);
		cr_assert(strstr(l.err.msg, "invalid Unicode character escape code"), "%s", l.err.msg);
		unload(&l);
		unload(&y);
	}
}

Test(json_loader, numbers_and_words_get_yaml_typing)
{
	const char *s = "[0, -1, 1.5, 1e3, -0, 2.0E-2, 9223372036854775807, 9223372036854775808, "
			"true, false, null, \"1\", \"true\", 0.1]";
	loaded l;
	load_json(&l, s, false);
	kp_value **it = l.root[0]->u.seq.items;
	cr_assert_eq(it[0]->type, KP_INT);
	cr_assert_eq(it[0]->u.i, 0);
	cr_assert_eq(it[1]->type, KP_INT);
	cr_assert_eq(it[1]->u.i, -1);
	cr_assert_eq(it[2]->type, KP_FLOAT);
	cr_assert_eq(it[2]->u.f, 1.5);
	cr_assert_eq(it[6]->type, KP_INT);
	cr_assert_eq(it[6]->u.i, INT64_MAX);
	cr_assert_eq(it[8]->type, KP_BOOL);
	cr_assert(it[8]->u.b);
	cr_assert_eq(it[9]->type, KP_BOOL);
	cr_assert_eq(it[10]->type, KP_NULL);
	cr_assert_eq(it[11]->type, KP_STRING);
	cr_assert_eq(it[12]->type, KP_STRING);
	cr_assert_eq(it[13]->type, KP_FLOAT);
	unload(&l);
	/* 1e3, -0, 2.0E-2 and the int64 overflow: whatever plain YAML says */
	assert_like_libyaml(s);
}

Test(json_loader, duplicate_keys_last_wins_one_warning)
{
	loaded l;
	load_json(&l, "{\"a\": 1,\n \"b\": 2, \"a\": 3}", false);
	cr_assert_eq(l.n, 1);
	const kp_value *r = l.root[0];
	cr_assert_eq(r->u.map.n, 2);
	cr_assert_str_eq(r->u.map.pairs[0].key->u.s.ptr, "a");
	cr_assert_eq(r->u.map.pairs[0].value->u.i, 3);
	cr_assert_eq(l.ws.n, 1);
	cr_assert_eq(l.ws.last.code, KP_W_DUPKEY);
	cr_assert(l.ws.last.line == 2 && l.ws.last.col == 10, "%u:%u", l.ws.last.line,
		  l.ws.last.col);
	unload(&l);
	/* not JSON (trailing comma): the warning comes once, from YAML */
	load_json(&l, "{\"a\": 1, \"a\": 2,}", true);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.root[0]->u.map.pairs[0].value->u.i, 2);
	cr_assert_eq(l.ws.n, 1);
	unload(&l);
}

Test(json_loader, depth_limit_as_yaml)
{
	/* within the limit: the fast path */
	char ok[2 * 900 + 1];
	memset(ok, '[', 900);
	memset(ok + 900, ']', 900);
	ok[1800] = 0;
	assert_like_libyaml(ok);
	char s[2 * 1100 + 1];
	memset(s, '[', 1100);
	memset(s + 1100, ']', 1100);
	s[2200] = 0;
	loaded l, y;
	load_json(&l, s, true);  /* the error comes from the YAML path */
	load(&y, s, false);
	cr_assert_eq(l.rc, -1);
	cr_assert_eq(l.err.code, KP_E_LIMIT);
	cr_assert_eq(l.err.code, y.err.code);
	cr_assert(l.err.line == y.err.line && l.err.col == y.err.col, "%u:%u vs %u:%u", l.err.line,
		  l.err.col, y.err.line, y.err.col);
	cr_assert_eq(l.err.col, 1001);
	cr_assert_str_eq(l.err.msg, y.err.msg);
	unload(&l);
	unload(&y);
}

/* Broken JSON is YAML's to report: the same error, line and column. */
Test(json_loader, errors_with_line_and_column)
{
	const char *cases[] = {"{\"a\": 1,\n \"b\": }", "[1, 2\n", "{\"a\" 1}", "[\"a\tb\"]",
			       "{\"a\": [1, 2}", "[\"x\" \"y\"]"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		loaded l, y;
		load_json(&l, cases[i], true);
		load(&y, cases[i], false);
		cr_assert_eq(l.rc, y.rc, "%s", cases[i]);
		cr_assert_eq(l.n, y.n, "%s", cases[i]);
		if (y.rc < 0) {
			cr_assert(l.err.line == y.err.line && l.err.col == y.err.col, "%s", cases[i]);
			cr_assert_str_eq(l.err.msg, y.err.msg);
		}
		unload(&l);
		unload(&y);
	}
	loaded l;
	load_json(&l, "{\"a\": 1,\n \"b\": ]}", true);
	cr_assert_eq(l.rc, -1);
	cr_assert_eq(l.err.line, 2);
	unload(&l);
}

/* YAML flow style, comments, unquoted keys: YAML reads them, silently. */
Test(json_loader, flow_style_falls_back_to_yaml)
{
	const char *cases[] = {"{a: 1, b: [x, y]}", "{\"a\": 1} # note", "{\"a\": 'x'}",
			       "[1, 2,]", "{\"a\": 1}\n...\n", "{\"a\": .5}", "\t{\"a\": 1}",
			       "{\"a\"\n: 1}", "[\"\xC2\x85\"]", "{\"a\": 01}", "{\"a\": &x 1}",
			       " --- {\"k\": 1}", "{\"a\": \"\x7f\"}"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		loaded l, y;
		load_json(&l, cases[i], true);
		load(&y, cases[i], false);
		cr_assert_eq(l.rc, y.rc, "%s", cases[i]);
		cr_assert_eq(l.n, y.n, "%s", cases[i]);
		for (int d = 0; d < l.n; d++)
			assert_same(l.root[d], y.root[d]);
		unload(&l);
		unload(&y);
	}
}

Test(json_loader, json_lines_are_documents)
{
	loaded l;
	load_json(&l, "{\"a\": 1}\n  {\"b\": 2}\n\n[3]\n", false);
	cr_assert_eq(l.rc, 0);
	cr_assert_eq(l.n, 3);
	assert_at(l.root[0], 1, 1);
	assert_at(l.root[1], 2, 3);
	assert_at(l.root[1]->u.map.pairs[0].value, 2, 9);
	assert_at(l.root[2], 4, 1);
	unload(&l);
	/* a later line that is not JSON: YAML reads the rest from its line */
	load_json(&l, "{\"a\": 1}\n{b: 2}\n", true);
	cr_assert_eq(l.rc, 0);
	cr_assert_eq(l.n, 2);
	assert_at(l.root[1], 2, 1);
	assert_at(l.root[1]->u.map.pairs[0].value, 2, 5);
	unload(&l);
	/* two values on one line: libyaml's error, after the first */
	load_json(&l, "{\"a\": 1} {\"b\": 2}\n", true);
	cr_assert_eq(l.rc, -1);
	unload(&l);
}

/* Through the reader: a `---` stream of JSON documents (resources). */
Test(json_loader, sniff)
{
	cr_assert(kp_json_sniff("{}", 2));
	cr_assert(kp_json_sniff("\n  [1]", 6));
	cr_assert(kp_json_sniff("--- {}", 6));
	cr_assert(kp_json_sniff("\xEF\xBB\xBF---\n\n{}", 9));
	cr_assert(!kp_json_sniff(" --- {}", 7));   /* not a marker: content */
	cr_assert(!kp_json_sniff("# c\n{}", 6));
	cr_assert(!kp_json_sniff("a: {}", 5));
	cr_assert(!kp_json_sniff("---\n", 4));
}

Test(json_loader, reader_stream_of_json_documents)
{
	const char *s = "--- {\"kind\": \"A\", \"n\": 1}\n---\n{\"kind\": \"B\"}\n{\"kind\": \"C\"}\n"
			"---\nkind: D\n";
	kp_reader *r = kp_reader_open_mem("s.json", s, strlen(s), NULL, NULL);
	cr_assert(r);
	const char *kinds[] = {"A", "B", "C", "D"};
	unsigned lines[] = {1, 3, 4, 6}, cols[] = {5, 1, 1, 1};
	for (int i = 0; i < 4; i++) {
		kp_doc *d = NULL;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), 1, "doc %d: %s", i, e.msg);
		const kp_value *root = kp_doc_root(d);
		cr_assert(kp_value_str_eq(kp_value_get(root, "kind"), kinds[i]));
		assert_at(root, lines[i], cols[i]);
		kp_doc_free(d);
	}
	kp_doc *d = NULL;
	kp_error e;
	cr_assert_eq(kp_reader_next(r, &d, &e), 0);
	kp_reader_close(r);
}
