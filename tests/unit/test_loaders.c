/* Unit tests: reading documents, run against BOTH YAML loaders (libyaml and
 * libfyaml), which must give the same values, positions and errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

static const kp_yaml_parser parsers[] = {KP_PARSER_LIBYAML, KP_PARSER_LIBFYAML};
static const char *const parser_names[] = {"libyaml", "libfyaml"};
#define FOR_EACH_PARSER(p) for (size_t p = 0; p < 2; p++)

/* Collected warnings. */
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

static kp_reader *open_with(size_t p, const char *s, size_t len, bool raw, warnings *ws)
{
	kp_read_opts o = {.parser = parsers[p], .typing = KP_TYPING_KUBERNETES, .raw = raw};
	if (ws) {
		o.warn = on_warn;
		o.warn_ud = ws;
	}
	kp_reader *r = kp_reader_open_mem("t.yaml", s, len, &o, NULL);
	cr_assert(r);
	return r;
}

/* The one document of `s` (raw mode); fails the test otherwise. */
static kp_doc *one_doc(size_t p, const char *s)
{
	kp_reader *r = open_with(p, s, strlen(s), true, NULL);
	kp_doc *d = NULL;
	kp_error e;
	int rc = kp_reader_next(r, &d, &e);
	cr_assert_eq(rc, 1, "%s: expected a document, got %d (%s at %u:%u)", parser_names[p], rc,
		     rc < 0 ? e.msg : "", e.line, e.col);
	kp_doc *extra = NULL;
	cr_assert_eq(kp_reader_next(r, &extra, &e), 0, "%s: more than one document", parser_names[p]);
	kp_reader_close(r);
	return d;
}

static void assert_at(size_t p, const kp_value *v, unsigned line, unsigned col, const char *what)
{
	cr_assert(v, "%s: %s missing", parser_names[p], what);
	cr_assert(kp_value_line(v) == line && kp_value_col(v) == col,
		  "%s: %s at %u:%u, expected %u:%u", parser_names[p], what, kp_value_line(v),
		  kp_value_col(v), line, col);
}

static void assert_str(size_t p, const kp_value *v, const char *s, const char *what)
{
	cr_assert_eq(kp_value_type(v), KP_STRING, "%s: %s is not a string (type %d)",
		     parser_names[p], what, kp_value_type(v));
	size_t n;
	const char *got = kp_value_str(v, &n);
	cr_assert(n == strlen(s) && memcmp(got, s, n) == 0, "%s: %s is \"%.*s\", expected \"%s\"",
		  parser_names[p], what, (int)n, got, s);
}

/* ---------------------------------------------------------------- typing */

Test(loaders, yaml11_booleans)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: Yes\nh: OFF\n"
				       "i: NO\nj: True\nk: 'yes'\nl: yess\n");
		const kp_value *r = kp_doc_root(d);
		const char *t = "acegj", *f = "bdfhi";
		for (const char *k = t; *k; k++) {
			char key[2] = {*k, 0};
			cr_assert_eq(kp_value_type(kp_value_get(r, key)), KP_BOOL, "%s: %s", parser_names[p], key);
			cr_assert(kp_value_bool(kp_value_get(r, key)));
		}
		for (const char *k = f; *k; k++) {
			char key[2] = {*k, 0};
			cr_assert_eq(kp_value_type(kp_value_get(r, key)), KP_BOOL, "%s: %s", parser_names[p], key);
			cr_assert_not(kp_value_bool(kp_value_get(r, key)));
		}
		assert_str(p, kp_value_get(r, "k"), "yes", "quoted yes");
		assert_str(p, kp_value_get(r, "l"), "yess", "yess");
		kp_doc_free(d);
	}
}

Test(loaders, integers_hex_octal_underscores)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: 0x1F\nb: 010\nc: 1_000\nd: -42\ne: 0o17\nf: +7\n"
				       "g: 9223372036854775807\nh: 0b101\ni: 08\n");
		const kp_value *r = kp_doc_root(d);
		cr_assert_eq(kp_value_int(kp_value_get(r, "a")), 31);
		cr_assert_eq(kp_value_int(kp_value_get(r, "b")), 8, "YAML 1.1 leading-zero octal");
		cr_assert_eq(kp_value_int(kp_value_get(r, "c")), 1000);
		cr_assert_eq(kp_value_int(kp_value_get(r, "d")), -42);
		cr_assert_eq(kp_value_int(kp_value_get(r, "e")), 15);
		cr_assert_eq(kp_value_int(kp_value_get(r, "f")), 7);
		cr_assert_eq(kp_value_int(kp_value_get(r, "g")), INT64_MAX);
		cr_assert_eq(kp_value_int(kp_value_get(r, "h")), 5);
		/* not octal, but a float form: 8 after the JSON round trip */
		cr_assert_eq(kp_value_type(kp_value_get(r, "i")), KP_INT);
		cr_assert_eq(kp_value_int(kp_value_get(r, "i")), 8);
		kp_doc_free(d);
	}
}

Test(loaders, floats_integral_become_ints)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: 1.0\nb: 1.5\nc: 1e3\nd: .5\ne: -2.50\nf: .inf\ng: 1e400\n");
		const kp_value *r = kp_doc_root(d);
		cr_assert_eq(kp_value_type(kp_value_get(r, "a")), KP_INT);
		cr_assert_eq(kp_value_int(kp_value_get(r, "a")), 1);
		cr_assert_eq(kp_value_type(kp_value_get(r, "b")), KP_FLOAT);
		cr_assert_float_eq(kp_value_float(kp_value_get(r, "b")), 1.5, 1e-12);
		cr_assert_eq(kp_value_type(kp_value_get(r, "c")), KP_INT);
		cr_assert_eq(kp_value_int(kp_value_get(r, "c")), 1000);
		cr_assert_float_eq(kp_value_float(kp_value_get(r, "d")), 0.5, 1e-12);
		cr_assert_float_eq(kp_value_float(kp_value_get(r, "e")), -2.5, 1e-12);
		cr_assert_eq(kp_value_type(kp_value_get(r, "f")), KP_FLOAT);
		cr_assert_eq(kp_value_type(kp_value_get(r, "g")), KP_FLOAT);
		kp_doc_free(d);
	}
}

Test(loaders, strings_stay_strings)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: 2024-01-01\nb: \"1\"\nc: '1.5'\nd: |\n  10\ne: 1.2.3\n"
				       "f: 12:30\ng: \"null\"\nh: ~\ni:\nj: null\n");
		const kp_value *r = kp_doc_root(d);
		assert_str(p, kp_value_get(r, "a"), "2024-01-01", "timestamp");
		assert_str(p, kp_value_get(r, "b"), "1", "double-quoted number");
		assert_str(p, kp_value_get(r, "c"), "1.5", "single-quoted number");
		assert_str(p, kp_value_get(r, "d"), "10\n", "literal number");
		assert_str(p, kp_value_get(r, "e"), "1.2.3", "version");
		assert_str(p, kp_value_get(r, "g"), "null", "quoted null");
		cr_assert_eq(kp_value_type(kp_value_get(r, "h")), KP_NULL);
		cr_assert_eq(kp_value_type(kp_value_get(r, "i")), KP_NULL);
		cr_assert_eq(kp_value_type(kp_value_get(r, "j")), KP_NULL);
		kp_doc_free(d);
	}
}

/* go-yaml v2 resolves only untagged plain scalars and the standard scalar
 * tags; `!` and unknown local tags leave the text a string. */
Test(loaders, tags)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: !!str 1\nb: !!int \"12\"\nc: ! yes\nd: !local 5\n"
				       "e: !!str true\nf: !!float '2'\ng: !<tag:yaml.org,2002:str> 3\n");
		const kp_value *r = kp_doc_root(d);
		assert_str(p, kp_value_get(r, "a"), "1", "!!str 1");
		cr_assert_eq(kp_value_type(kp_value_get(r, "b")), KP_INT);
		cr_assert_eq(kp_value_int(kp_value_get(r, "b")), 12);
		assert_str(p, kp_value_get(r, "c"), "yes", "! yes");
		assert_str(p, kp_value_get(r, "d"), "5", "!local 5");
		assert_str(p, kp_value_get(r, "e"), "true", "!!str true");
		cr_assert_eq(kp_value_type(kp_value_get(r, "f")), KP_INT);
		assert_str(p, kp_value_get(r, "g"), "3", "verbatim str tag");
		kp_doc_free(d);
	}
}

Test(loaders, non_string_keys_become_strings)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "on: 1\n2: b\n1.5: c\n~: d\n");
		const kp_value *r = kp_doc_root(d);
		cr_assert_eq(kp_value_int(kp_value_get(r, "true")), 1);
		assert_str(p, kp_value_get(r, "2"), "b", "int key");
		assert_str(p, kp_value_get(r, "1.5"), "c", "float key");
		assert_str(p, kp_value_get(r, "null"), "d", "null key");
		kp_doc_free(d);
	}
}

/* ------------------------------------------------------------- positions */

Test(loaders, positions_of_every_node_kind)
{
	const char *y =
		"kind: X\n"                     /* 1 */
		"meta: &a\n"                    /* 2 */
		"  nn: !!str 1\n"               /* 3 */
		"  l: [1, {a: 'b'}]\n"          /* 4 */
		"ref: *a\n"                     /* 5 */
		"s:\n"                          /* 6 */
		"- a\n"                         /* 7 */
		"- b: c\n"                      /* 8 */
		"  d: \"e\"\n"                  /* 9 */
		"t: |  # comment\n"             /* 10 */
		"  lit\n"                       /* 11 */
		"\xc3\xa9t\xc3\xa9: \"\xc3\xa9\"\n" /* 12 */
		"empty:\n"                      /* 13 */
		"u: >-\n"                       /* 14 */
		"\n"                            /* 15 */
		"  folded\n"                    /* 16 */
		"v:\t\"tab\"\n"                 /* 17 */
		"w: &x\n"                       /* 18 */
		"- 1\n";                        /* 19 */
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, y);
		const kp_value *r = kp_doc_root(d);
		assert_at(p, r, 1, 1, "root");
		assert_at(p, kp_value_key_at(r, 0), 1, 1, "key kind");
		assert_at(p, kp_value_get(r, "kind"), 1, 7, "kind");
		assert_at(p, kp_value_get(r, "meta"), 2, 7, "anchored map (at its anchor)");
		assert_at(p, kp_value_path(r, "meta/nn"), 3, 7, "tagged scalar (at its tag)");
		assert_at(p, kp_value_path(r, "meta/l"), 4, 6, "flow seq");
		assert_at(p, kp_value_path(r, "meta/l/0"), 4, 7, "flow item");
		assert_at(p, kp_value_path(r, "meta/l/1"), 4, 10, "flow map");
		assert_at(p, kp_value_path(r, "meta/l/1/a"), 4, 14, "single-quoted (at its quote)");
		assert_at(p, kp_value_get(r, "ref"), 2, 7, "alias (the anchored node)");
		assert_at(p, kp_value_path(r, "ref/nn"), 3, 7, "below an alias");
		assert_at(p, kp_value_get(r, "s"), 7, 1, "block seq (its first dash)");
		assert_at(p, kp_value_path(r, "s/0"), 7, 3, "seq item");
		assert_at(p, kp_value_path(r, "s/1"), 8, 3, "block map in seq");
		assert_at(p, kp_value_path(r, "s/1/d"), 9, 6, "double-quoted");
		assert_at(p, kp_value_get(r, "t"), 10, 4, "literal (its indicator)");
		assert_str(p, kp_value_get(r, "t"), "lit\n", "literal");
		assert_at(p, kp_value_get(r, "\xc3\xa9t\xc3\xa9"), 12, 6, "column in code points");
		assert_at(p, kp_value_get(r, "empty"), 13, 7, "empty value (after the colon)");
		assert_at(p, kp_value_get(r, "u"), 14, 4, "folded (its indicator)");
		assert_str(p, kp_value_get(r, "u"), "\nfolded", "folded");
		assert_at(p, kp_value_get(r, "v"), 17, 4, "after a tab (one column)");
		assert_at(p, kp_value_get(r, "w"), 18, 4, "anchored block seq");
		kp_doc_free(d);
	}
}

Test(loaders, positions_of_empty_values)
{
	const char *y = "a:\nb: # c\n  \nc: [x, ]\nd: {k: , l}\ne:\n  - \n  - y\n? f\ng: !!null\n";
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, y);
		const kp_value *r = kp_doc_root(d);
		assert_at(p, kp_value_get(r, "a"), 1, 3, "a");
		assert_at(p, kp_value_get(r, "b"), 2, 3, "b");
		assert_at(p, kp_value_path(r, "d/k"), 5, 8, "flow value (the next token)");
		assert_at(p, kp_value_path(r, "d/l"), 5, 11, "flow key without value");
		assert_at(p, kp_value_path(r, "e/0"), 7, 4, "empty item (after the dash)");
		assert_at(p, kp_value_get(r, "f"), 10, 1, "explicit key without value");
		assert_at(p, kp_value_get(r, "g"), 10, 4, "tagged empty");
		cr_assert_eq(kp_value_type(kp_value_get(r, "g")), KP_NULL);
		kp_doc_free(d);
	}
}

Test(loaders, positions_of_implicit_flow_pairs)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "x: [a: b, 'c' : d, &e f: g]\n");
		const kp_value *s = kp_value_get(kp_doc_root(d), "x");
		assert_at(p, kp_value_at(s, 0), 1, 5, "pair");
		assert_at(p, kp_value_at(s, 1), 1, 11, "pair with quoted key");
		assert_at(p, kp_value_at(s, 2), 1, 20, "pair with anchored key");
		kp_doc_free(d);
	}
}

/* ------------------------------------------------------------- streams */

Test(loaders, multi_document_streams)
{
	const char *y = "kind: A\n---\nkind: B\n...\n---\n# comment only\n---\n\n--- \nkind: C\n...\n---\nkind: D\n";
	FOR_EACH_PARSER(p) {
		kp_reader *r = open_with(p, y, strlen(y), false, NULL);
		const char *kinds[] = {"A", "B", "C", "D"};
		unsigned lines[] = {1, 3, 10, 13};
		for (int i = 0; i < 4; i++) {
			kp_doc *d;
			kp_error e;
			cr_assert_eq(kp_reader_next(r, &d, &e), 1, "%s: doc %d: %s", parser_names[p], i, e.msg);
			cr_assert_str_eq(kp_doc_kind(d), kinds[i]);
			assert_at(p, kp_value_get(kp_doc_root(d), "kind"), lines[i], 7, "kind");
			kp_doc_free(d);
		}
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 0);
		kp_reader_close(r);
	}
}

Test(loaders, resync_after_syntax_error)
{
	const char *y = "kind: A\n---\nkind: B\nx: [1, 2\ny: 3\n---\nkind: C\n  bad: indent\n--- # c\nkind: D\n";
	FOR_EACH_PARSER(p) {
		kp_reader *r = open_with(p, y, strlen(y), false, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d), "A");
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_YAML);
		cr_assert(e.line >= 4 && e.line <= 6, "%s: error line %u", parser_names[p], e.line);
		cr_assert_str_eq(e.file, "t.yaml");
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_YAML);
		/* each parser reports where it detects the error: libyaml at the
		 * `:` (line 8), libfyaml at the start of the multi-line key (7) */
		cr_assert_eq(e.line, p == 0 ? 8 : 7, "%s: error line %u", parser_names[p], e.line);
		cr_assert_gt(e.col, 0);
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d), "D");
		assert_at(p, kp_value_get(kp_doc_root(d), "kind"), 10, 7, "kind after errors");
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, &e), 0);
		kp_reader_close(r);
	}
}

/* Both parsers report this error at the same place (the compare-loaders
 * test checks the conformance inputs the same way). */
Test(loaders, syntax_error_position_agrees)
{
	FOR_EACH_PARSER(p) {
		const char *y = "kind: X\nl: - a\n";
		kp_reader *r = open_with(p, y, strlen(y), true, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_YAML);
		cr_assert_eq(e.line, 2, "%s", parser_names[p]);
		cr_assert_eq(e.col, 4, "%s: col %u", parser_names[p], e.col);
		cr_assert_neq(e.msg[0], 0);
		kp_reader_close(r);
	}
}

Test(loaders, empty_documents_skipped_non_resources_rejected)
{
	const char *y = "# only a comment\n---\n---\n~\n---\n- a\n---\nfoo: bar\n---\n\"text\"\n---\nkind: Pod\n";
	FOR_EACH_PARSER(p) {
		kp_reader *r = open_with(p, y, strlen(y), false, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_DOC);
		cr_assert_eq(e.line, 6);
		cr_assert_eq(e.col, 1);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_W_NOTRESOURCE);
		cr_assert_eq(e.line, 8);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.line, 10);
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d), "Pod");
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, &e), 0);
		kp_reader_close(r);
	}
}

Test(loaders, raw_mode_keeps_any_document)
{
	FOR_EACH_PARSER(p) {
		const char *y = "- a\n---\nfoo: bar\n---\n~\n";
		kp_reader *r = open_with(p, y, strlen(y), true, NULL);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		cr_assert_eq(kp_value_type(kp_doc_root(d)), KP_SEQ);
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		cr_assert_eq(kp_value_type(kp_doc_root(d)), KP_MAP);
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, NULL), 0);
		kp_reader_close(r);
	}
}

Test(loaders, list_expansion)
{
	const char *y = "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- ~\n"
			"- kind: Pod\n  metadata: {name: b}\n- 5\n---\nkind: After\n";
	FOR_EACH_PARSER(p) {
		kp_reader *r = open_with(p, y, strlen(y), false, NULL);
		kp_doc *d1, *d2, *d3;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d1, &e), 1);
		cr_assert_eq(kp_reader_next(r, &d2, &e), 1);
		cr_assert_str_eq(kp_doc_name(d1), "a");
		cr_assert_str_eq(kp_doc_name(d2), "b");
		assert_at(p, kp_doc_root(d2), 7, 3, "second item");
		cr_assert_eq(kp_reader_next(r, &d3, &e), -1, "an item that is not a resource");
		cr_assert_eq(e.code, KP_E_DOC);
		cr_assert_eq(e.line, 9);
		cr_assert_eq(kp_reader_next(r, &d3, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d3), "After");
		kp_doc_free(d3);
		kp_doc_free(d1);
		cr_assert_eq(kp_reader_next(r, &d3, &e), 0);
		kp_reader_close(r);
		kp_doc_free(d2); /* items outlive the reader */
	}
}

Test(loaders, duplicate_keys_last_wins_with_warning)
{
	FOR_EACH_PARSER(p) {
		warnings ws = {0};
		const char *y = "kind: X\na: 1\nb: 2\na: 3\n";
		kp_reader *r = open_with(p, y, strlen(y), false, &ws);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		cr_assert_eq(kp_value_int(kp_value_get(kp_doc_root(d), "a")), 3);
		cr_assert_eq(kp_value_len(kp_doc_root(d)), 3);
		cr_assert_eq(ws.n, 1);
		cr_assert_eq(ws.last.code, KP_W_DUPKEY);
		cr_assert_eq(ws.last.line, 4);
		cr_assert_eq(ws.last.col, 1);
		cr_assert(strstr(ws.last.msg, "line 2, column 1"), "%s", ws.last.msg);
		cr_assert(strstr(ws.last.msg, "\"a\""), "%s", ws.last.msg);
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

Test(loaders, merge_keys)
{
	const char *y = "base: &b {p: 1, q: 2}\nmore: &m {r: 5, p: 9}\n"
			"one:\n  <<: *b\n  q: 3\n"
			"list:\n  <<: [*b, *m]\n  s: 4\n"
			"quoted:\n  '<<': *b\n";
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, y);
		const kp_value *r = kp_doc_root(d);
		cr_assert_eq(kp_value_int(kp_value_path(r, "one/p")), 1);
		cr_assert_eq(kp_value_int(kp_value_path(r, "one/q")), 3, "explicit key beats merge");
		cr_assert_eq(kp_value_len(kp_value_get(r, "one")), 2);
		cr_assert_eq(kp_value_int(kp_value_path(r, "list/p")), 1, "earlier map wins");
		cr_assert_eq(kp_value_int(kp_value_path(r, "list/r")), 5);
		cr_assert_eq(kp_value_int(kp_value_path(r, "list/s")), 4);
		cr_assert_eq(kp_value_type(kp_value_path(r, "quoted/<<")), KP_MAP, "quoted << is a key");
		kp_doc_free(d);
	}
}

Test(loaders, anchors_and_aliases_share_position)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: &x hello\nb: *x\nc: &y\n  k: v\nd: [*y, *x]\n");
		const kp_value *r = kp_doc_root(d);
		assert_str(p, kp_value_get(r, "b"), "hello", "alias");
		assert_at(p, kp_value_get(r, "b"), 1, 4, "alias to a scalar");
		assert_at(p, kp_value_path(r, "d/0"), 3, 4, "alias to a map");
		assert_at(p, kp_value_path(r, "d/0/k"), 4, 6, "inside an aliased map");
		assert_at(p, kp_value_path(r, "d/1"), 1, 4, "alias in a flow seq");
		kp_doc_free(d);
	}
}

Test(loaders, unknown_alias_is_an_error)
{
	FOR_EACH_PARSER(p) {
		const char *y = "a: *nope\n";
		kp_reader *r = open_with(p, y, strlen(y), true, NULL);
		kp_doc *d;
		kp_error e;
		int rc = kp_reader_next(r, &d, &e);
		cr_assert_eq(rc, -1, "%s", parser_names[p]);
		cr_assert_eq(e.code, KP_E_YAML);
		cr_assert_eq(e.line, 1);
		kp_reader_close(r);
	}
}

Test(loaders, depth_limit)
{
	char y[4096];
	size_t n = 0;
	for (int i = 0; i < 60; i++)
		y[n++] = '[';
	for (int i = 0; i < 60; i++)
		y[n++] = ']';
	y[n] = 0;
	FOR_EACH_PARSER(p) {
		kp_read_opts o = {.parser = parsers[p], .raw = true, .max_depth = 50};
		kp_reader *r = kp_reader_open_mem("deep.yaml", y, n, &o, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_LIMIT, "%s: %s", parser_names[p], e.msg);
		cr_assert_eq(e.line, 1);
		cr_assert_eq(e.col, 51);
		kp_reader_close(r);
		o.max_depth = 60;
		r = kp_reader_open_mem("deep.yaml", y, n, &o, NULL);
		cr_assert_eq(kp_reader_next(r, &d, &e), 1, "%s: exactly at the limit", parser_names[p]);
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

Test(loaders, alias_expansion_limit)
{
	/* a billion-laughs shape: 10 * 10 * 10 ... */
	const char *y = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
	FOR_EACH_PARSER(p) {
		kp_read_opts o = {.parser = parsers[p], .raw = true, .max_alias_nodes = 5000};
		kp_reader *r = kp_reader_open_mem("lol.yaml", y, strlen(y), &o, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_LIMIT, "%s: %s", parser_names[p], e.msg);
		cr_assert_eq(e.line, 4);
		kp_reader_close(r);
		o.max_alias_nodes = 0; /* default: a million */
		r = kp_reader_open_mem("lol.yaml", y, strlen(y), &o, NULL);
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_eq(kp_value_len(kp_value_path(kp_doc_root(d), "d/9/9")), 10);
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

/* ------------------------------------------------------------- encodings */

Test(loaders, json_inputs)
{
	const char *compact = "{\"kind\":\"Pod\",\"a\":1,\"b\":[true,null,1.5],\"c\":{\"d\":\"e\"}}";
	const char *tabs = "{\n\t\"kind\":\t\"Pod\",\n\t\"a\": [1,\t2],\n\t\t\"b\":{\"c\":\"d\"}\n}\n";
	const char *stream = "{\"kind\":\"A\"}\n---\n{\"kind\":\"B\",\n \"x\": 2}\n";
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, compact);
		const kp_value *r = kp_doc_root(d);
		cr_assert_str_eq(kp_doc_kind(d), "Pod");
		cr_assert_eq(kp_value_int(kp_value_get(r, "a")), 1);
		cr_assert_eq(kp_value_type(kp_value_path(r, "b/0")), KP_BOOL);
		cr_assert_eq(kp_value_type(kp_value_path(r, "b/1")), KP_NULL);
		assert_str(p, kp_value_path(r, "c/d"), "e", "c/d");
		assert_at(p, kp_value_get(r, "a"), 1, 19, "a");
		assert_at(p, kp_value_path(r, "c/d"), 1, 50, "c/d");
		kp_doc_free(d);

		d = one_doc(p, tabs);
		r = kp_doc_root(d);
		assert_at(p, kp_value_key_at(r, 0), 2, 2, "kind key after a tab");
		assert_at(p, kp_value_get(r, "kind"), 2, 10, "kind");
		assert_at(p, kp_value_path(r, "a/1"), 3, 11, "a/1");
		assert_at(p, kp_value_path(r, "b/c"), 4, 12, "b/c");
		kp_doc_free(d);

		kp_reader *rd = open_with(p, stream, strlen(stream), false, NULL);
		cr_assert_eq(kp_reader_next(rd, &d, NULL), 1);
		cr_assert_str_eq(kp_doc_kind(d), "A");
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(rd, &d, NULL), 1);
		cr_assert_str_eq(kp_doc_kind(d), "B");
		assert_at(p, kp_value_get(kp_doc_root(d), "x"), 4, 7, "x");
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(rd, &d, NULL), 0);
		kp_reader_close(rd);
	}
}

Test(loaders, crlf_line_ends)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "kind: A\r\nb: \"x\"\r\nc: |\r\n  t\r\n  u\r\nd:\r\n- 1\r\n");
		const kp_value *r = kp_doc_root(d);
		assert_str(p, kp_value_get(r, "kind"), "A", "kind");
		assert_at(p, kp_value_get(r, "b"), 2, 4, "b");
		assert_str(p, kp_value_get(r, "c"), "t\nu\n", "literal with CRLF");
		assert_at(p, kp_value_path(r, "d/0"), 7, 3, "d/0");
		kp_doc_free(d);
	}
	/* a CRLF `---` still separates documents */
	FOR_EACH_PARSER(p) {
		const char *y = "kind: A\r\n---\r\nkind: B\r\n";
		kp_reader *r = open_with(p, y, strlen(y), false, NULL);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		cr_assert_str_eq(kp_doc_kind(d), "B");
		assert_at(p, kp_value_get(kp_doc_root(d), "kind"), 3, 7, "kind");
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

Test(loaders, utf8_bom)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "\xef\xbb\xbfkind: A\nb: c\n");
		const kp_value *r = kp_doc_root(d);
		cr_assert_str_eq(kp_doc_kind(d), "A");
		assert_at(p, kp_value_key_at(r, 0), 1, 1, "first key after the BOM");
		assert_at(p, kp_value_get(r, "kind"), 1, 7, "kind");
		kp_doc_free(d);
	}
}

Test(loaders, invalid_utf8_is_an_error_and_the_next_document_is_read)
{
	const char *y = "kind: A\n---\nkind: B\nx: \"\xff\xfe\"\n---\nkind: C\n";
	FOR_EACH_PARSER(p) {
		kp_reader *r = open_with(p, y, strlen(y), false, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1, "%s", parser_names[p]);
		cr_assert_eq(e.code, KP_E_YAML);
		cr_assert(e.line == 3 || e.line == 4, "%s: line %u", parser_names[p], e.line);
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d), "C");
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

/* ------------------------------------------------------------- scalars */

/* libfyaml 0.7.12 garbles runs of escaped single quotes; the loader decodes
 * those scalars itself. */
Test(loaders, single_quoted_escapes_and_folding)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: '{{x || ''''}}'\nb: 'it''s'\nc: '''a'''\n"
				       "d: 'one ''two''\n   three  \n\n   four'\ne: ''''''\n");
		const kp_value *r = kp_doc_root(d);
		assert_str(p, kp_value_get(r, "a"), "{{x || ''}}", "a");
		assert_str(p, kp_value_get(r, "b"), "it's", "b");
		assert_str(p, kp_value_get(r, "c"), "'a'", "c");
		assert_str(p, kp_value_get(r, "d"), "one 'two' three\nfour", "d");
		assert_str(p, kp_value_get(r, "e"), "''", "e");
		kp_doc_free(d);
	}
}

Test(loaders, double_quoted_escapes)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: \"x\\u00e9\\t\\\\u0041\"\nb: \"a\\\n  b\"\nc: \"\\\"\\\"\"\n");
		const kp_value *r = kp_doc_root(d);
		assert_str(p, kp_value_get(r, "a"), "x\xc3\xa9\t\\u0041", "a");
		assert_str(p, kp_value_get(r, "b"), "ab", "b");
		assert_str(p, kp_value_get(r, "c"), "\"\"", "c");
		kp_doc_free(d);
	}
}

/* go-yaml (a port of libyaml) rejects surrogate escapes, even JSON pairs. */
Test(loaders, surrogate_escapes_are_errors)
{
	FOR_EACH_PARSER(p) {
		const char *y = "{\"k\": \"\\t4\\ud9da\\udd15\"}\n";
		kp_reader *r = open_with(p, y, strlen(y), true, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), -1, "%s", parser_names[p]);
		cr_assert_eq(e.code, KP_E_YAML);
		cr_assert_eq(e.line, 1);
		cr_assert_eq(e.col, 13, "%s: col %u", parser_names[p], e.col);
		kp_reader_close(r);
		/* a lone surrogate, and beyond U+10FFFF */
		y = "a: \"x\\uD800y\"\n---\nb: \"\\U00110000\"\n";
		r = open_with(p, y, strlen(y), true, NULL);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1, "%s", parser_names[p]);
		cr_assert_eq(e.line, 1);
		cr_assert_eq(e.col, 8, "%s: col %u", parser_names[p], e.col);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1, "%s", parser_names[p]);
		cr_assert_eq(e.line, 3);
		cr_assert_eq(e.col, 7, "%s: col %u", parser_names[p], e.col);
		cr_assert_eq(kp_reader_next(r, &d, &e), 0);
		kp_reader_close(r);
	}
}

Test(loaders, block_scalar_at_end_of_input_without_newline)
{
	FOR_EACH_PARSER(p) {
		kp_doc *d = one_doc(p, "a: |\n  x\n  y");
		assert_str(p, kp_value_get(kp_doc_root(d), "a"), "x\ny", "literal at EOF");
		kp_doc_free(d);
		d = one_doc(p, "a: >\n  x\n  y\n");
		assert_str(p, kp_value_get(kp_doc_root(d), "a"), "x y\n", "folded, clipped");
		kp_doc_free(d);
		d = one_doc(p, "a: |+\n  x\n\n");
		assert_str(p, kp_value_get(kp_doc_root(d), "a"), "x\n\n", "kept");
		kp_doc_free(d);
	}
}

Test(loaders, collection_keys_are_errors)
{
	FOR_EACH_PARSER(p) {
		const char *y = "? [a]\n: b\n";
		kp_reader *r = open_with(p, y, strlen(y), true, NULL);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.line, 1);
		cr_assert_eq(e.col, 3);
		kp_reader_close(r);
	}
}

/* A known disagreement: libfyaml 0.7.12 rejects an empty item in a
 * sequence written at its parent key's indentation; libyaml (and go-yaml,
 * so Kubernetes) accept it.  Indented, both accept it. */
Test(loaders, known_difference_empty_item_in_indentless_sequence)
{
	const char *y = "e:\n-\n- z\n";
	kp_doc *d;
	kp_error e;
	kp_read_opts o = {.parser = KP_PARSER_LIBYAML, .raw = true};
	kp_reader *r = kp_reader_open_mem("t.yaml", y, strlen(y), &o, NULL);
	cr_assert_eq(kp_reader_next(r, &d, &e), 1);
	cr_assert_eq(kp_value_type(kp_value_path(kp_doc_root(d), "e/0")), KP_NULL);
	cr_assert_str_eq(kp_value_path_str(kp_doc_root(d), "e/1"), "z");
	kp_doc_free(d);
	kp_reader_close(r);
	o.parser = KP_PARSER_LIBFYAML;
	r = kp_reader_open_mem("t.yaml", y, strlen(y), &o, NULL);
	cr_assert_eq(kp_reader_next(r, &d, &e), -1);
	cr_assert_eq(e.code, KP_E_YAML);
	cr_assert_eq(e.line, 3);
	kp_reader_close(r);
}
