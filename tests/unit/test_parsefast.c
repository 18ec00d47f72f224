/* Unit tests: the builder's shortcuts give the trees the plain path gave -
 * plain-scalar typing decided by the first byte and the length (every
 * spelling of every null and bool word, under both typings, and the
 * near-misses), duplicate keys found past the key bloom, null maps still
 * normalised. */
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
