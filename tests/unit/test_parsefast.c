/* Unit tests: the builder's shortcuts give the trees the plain path gave -
 * plain-scalar typing decided by the first byte and the length (every
 * spelling of every null and bool word, under both typings, and the
 * near-misses), duplicate keys found past the key bloom, null maps still
 * normalised, and kp_build_text building what kp_build_scalar builds. */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

static kp_type type_of(const char *s, kp_typing t, bool *b)
{
	kp_value v;
	memset(&v, 0, sizeof v);
	kp_resolve_plain(&v, s, strlen(s), t);
	if (b)
		*b = v.u.b;
	return v.type;
}

Test(parsefast, null_and_bool_words_under_both_typings)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	static const char *const true12[] = {"true", "True", "TRUE"};
	static const char *const false12[] = {"false", "False", "FALSE"};
	static const char *const true11[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"};
	static const char *const false11[] = {"n", "N", "no", "No", "NO", "off", "Off", "OFF"};
	bool b;
	for (int t = 0; t < 2; t++) {
		kp_typing ty = t ? KP_TYPING_YAML12 : KP_TYPING_KUBERNETES;
		for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
			cr_expect_eq(type_of(nulls[i], ty, NULL), KP_NULL, "%s", nulls[i]);
		for (size_t i = 0; i < 3; i++) {
			cr_expect_eq(type_of(true12[i], ty, &b), KP_BOOL, "%s", true12[i]);
			cr_expect(b, "%s", true12[i]);
			cr_expect_eq(type_of(false12[i], ty, &b), KP_BOOL, "%s", false12[i]);
			cr_expect(!b, "%s", false12[i]);
		}
		for (size_t i = 0; i < sizeof true11 / sizeof *true11; i++) {
			kp_type want = ty == KP_TYPING_KUBERNETES ? KP_BOOL : KP_STRING;
			cr_expect_eq(type_of(true11[i], ty, &b), want, "%s", true11[i]);
			if (want == KP_BOOL)
				cr_expect(b, "%s", true11[i]);
			cr_expect_eq(type_of(false11[i], ty, &b), want, "%s", false11[i]);
			if (want == KP_BOOL)
				cr_expect(!b, "%s", false11[i]);
		}
	}
}

Test(parsefast, near_misses_stay_strings)
{
	static const char *const strs[] = {"nulL", "nUll", "tRue", "TRUe", "fALSE", "yES", "oN",
					   "oFF", "~~", "nn", "yess", "nulls", "truee", "falsey",
					   "name", "type", "nginx", "o", "t", "f", "F", "T",
					   "offline", "nodeSelector", "Never", "image"};
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
			cr_expect_eq(type_of(strs[i], t ? KP_TYPING_YAML12 : KP_TYPING_KUBERNETES, NULL),
				     KP_STRING, "%s", strs[i]);
}

static kp_doc *read_one(const char *s, kp_yaml_parser p)
{
	kp_read_opts o = {.parser = p};
	kp_reader *r = kp_reader_open_mem("t.yaml", s, strlen(s), &o, NULL);
	kp_doc *d = NULL;
	kp_error e;
	cr_assert_eq(kp_reader_next(r, &d, &e), 1, "%s", e.msg);
	kp_reader_close(r);
	return d;
}

/* Keys of one map that share their bloom bit (same length, first and
 * last bytes) are still found as duplicates, and so are keys past the
 * point where the map gets a hash index. */
Test(parsefast, duplicates_found_past_the_key_bloom)
{
	for (int p = 0; p < 2; p++) {
		kp_doc *d = read_one("kind: X\nabc: 1\naxc: 2\nabc: 3\n", (kp_yaml_parser)p);
		const kp_value *root = kp_doc_root(d);
		cr_expect_eq(kp_value_len(root), 3);
		cr_expect_eq(kp_value_int(kp_value_get(root, "abc")), 3);
		cr_expect_eq(kp_value_int(kp_value_get(root, "axc")), 2);
		cr_expect_str_eq(kp_value_str(kp_value_key_at(root, 1), NULL), "abc",
				 "the duplicate keeps the first key's place");
		kp_doc_free(d);

		char big[8192] = "kind: X\n";
		for (int i = 0; i < 100; i++)
			sprintf(big + strlen(big), "k%d: %d\n", i, i);
		strcat(big, "k7: last\nk99: again\n");
		d = read_one(big, (kp_yaml_parser)p);
		root = kp_doc_root(d);
		cr_expect_eq(kp_value_len(root), 101);
		cr_expect_str_eq(kp_value_str(kp_value_get(root, "k7"), NULL), "last");
		cr_expect_str_eq(kp_value_str(kp_value_get(root, "k99"), NULL), "again");
		kp_doc_free(d);
	}
}

/* A null that came in through a duplicate key's later value or a merge
 * still reaches the normalisation, which turns null label maps into {}. */
Test(parsefast, nulls_from_duplicates_and_merges_are_normalised)
{
	static const char *const docs[] = {
		"kind: Pod\nmetadata:\n  labels: {a: b}\n  labels:\n",
		"kind: Pod\nbase: &b {labels: null}\nmetadata:\n  <<: *b\n",
	};
	for (int p = 0; p < 2; p++)
		for (size_t i = 0; i < 2; i++) {
			kp_doc *d = read_one(docs[i], (kp_yaml_parser)p);
			kp_doc_normalize_resource(d);
			const kp_value *l = kp_value_path(kp_doc_root(d), "metadata/labels");
			cr_expect_eq(kp_value_type(l), KP_MAP, "doc %zu parser %d", i, p);
			kp_doc_free(d);
		}
}

/* One sequence and one map of scalars built through `text` (the libyaml
 * loader's kp_build_text) or the general kp_build_scalar. */
static kp_value *build_both(kp_arena *a, bool text, const char *const *s, size_t n,
			    kp_scalar_style st)
{
	kp_builder b;
	kp_error err;
	kp_builder_init(&b, a, "t.yaml", NULL, &err);
	cr_assert_eq(kp_build_seq_start(&b, NULL, NULL, 1, 1), 0);
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: items of the sequence; pass 1: keys and values of a
		 * map in it, each text a key and then a value */
		if (pass)
			cr_assert_eq(kp_build_map_start(&b, NULL, NULL, 2, 1), 0);
		for (size_t i = 0; i < n; i++)
			for (int kv = 0; kv <= pass; kv++) {
				size_t len = strlen(s[i]);
				unsigned line = 3 + (unsigned)i, col = 1 + (unsigned)kv;
				int rc = text ? kp_build_text(&b, s[i], len, st, line, col)
					      : kp_build_scalar(&b, s[i], len, st, 0, NULL, NULL, line, col);
				cr_assert_eq(rc, 0, "%s", s[i]);
			}
		if (pass)
			cr_assert_eq(kp_build_map_end(&b), 0);
	}
	cr_assert_eq(kp_build_seq_end(&b), 0);
	kp_value *root = kp_build_root(&b);
	kp_builder_fini(&b);
	return root;
}

/* kp_build_text's shortcut (no anchor, no tag; typing, copies of every
 * length, keys and values told apart by arithmetic) builds the nodes the
 * general path builds: same types, values, styles and places, the same
 * duplicate keys dropped and the same `<<` merges. */
Test(parsefast, text_scalars_build_what_the_general_path_builds)
{
	static const char *const s[] = {
		"", "~", "null", "true", "No", "0", "1", "0123", "-7", "123456789012345678",
		"1234567890123456789", "99999999999999999999", "1.5", "1e3", ".inf", "0x1F",
		"nginx", "n", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghijklmnop",
		"abcdefghijklmnopq", "docker.io/library/busybox:1.36-with-a-longer-tag",
		"<<", "<", "k1", "k1", "", "abc"};
	size_t n = sizeof s / sizeof *s;
	for (int st = KP_STYLE_PLAIN; st <= KP_STYLE_DOUBLE; st++) {
		kp_arena *a = kp_arena_new();
		kp_value *x = build_both(a, true, s, n, (kp_scalar_style)st);
		kp_value *y = build_both(a, false, s, n, (kp_scalar_style)st);
		cr_assert(kp_value_equal(x, y), "style %d", st);
		cr_assert_eq(x->u.seq.n, n + 1);
		for (size_t i = 0; i < n; i++) {
			const kp_value *p = x->u.seq.items[i], *q = y->u.seq.items[i];
			cr_expect_eq(p->type, q->type, "%s", s[i]);
			cr_expect_eq(p->style, q->style, "%s", s[i]);
			cr_expect_eq(p->line, q->line, "%s", s[i]);
			cr_expect_eq(p->col, q->col, "%s", s[i]);
		}
		const kp_value *mx = x->u.seq.items[n], *my = y->u.seq.items[n];
		cr_assert_eq(mx->u.map.n, my->u.map.n, "style %d", st);
		for (size_t i = 0; i < mx->u.map.n; i++) {
			const kp_pair *p = &mx->u.map.pairs[i], *q = &my->u.map.pairs[i];
			cr_expect(kp_value_equal(p->key, q->key), "pair %zu", i);
			cr_expect(kp_value_equal(p->value, q->value), "pair %zu", i);
			cr_expect_eq(p->value->line, q->value->line, "pair %zu", i);
			cr_expect_eq(p->value->col, q->value->col, "pair %zu", i);
		}
		/* the repeated keys k1, "" and abc kept one place each; plain,
		 * "", ~ and null are all the key "null", No and n "false" */
		cr_expect_eq(mx->u.map.n, n - (st == KP_STYLE_PLAIN ? 6 : 3), "style %d", st);
		kp_arena_free(a);
	}
}
