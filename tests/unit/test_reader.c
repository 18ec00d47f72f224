/* Unit tests: reading documents (typing, positions, streams), each run with
 * both YAML loaders. */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

static kp_yaml_parser parser; /* set by FOR_BOTH */
#define FOR_BOTH for (int p_ = 0; p_ < 2 && ((parser = (kp_yaml_parser)p_), 1); p_++)

static kp_reader *open_str(const char *s, kp_typing t, bool raw)
{
	kp_read_opts o = {.parser = parser, .typing = t, .raw = raw};
	return kp_reader_open_mem("t.yaml", s, strlen(s), &o, NULL);
}

Test(reader, kubernetes_typing_of_plain_scalars)
{
	FOR_BOTH {
		kp_reader *r = open_str("kind: X\na: yes\nb: 'yes'\nc: 1.0\nd: 1.5\ne: 0x1F\nf: ~\ng: 2024-01-01\nh: 010\n",
					KP_TYPING_KUBERNETES, false);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		const kp_value *root = kp_doc_root(d);
		cr_assert_eq(kp_value_type(kp_value_get(root, "a")), KP_BOOL);
		cr_assert_eq(kp_value_type(kp_value_get(root, "b")), KP_STRING);
		cr_assert_eq(kp_value_type(kp_value_get(root, "c")), KP_INT);
		cr_assert_eq(kp_value_type(kp_value_get(root, "d")), KP_FLOAT);
		cr_assert_eq(kp_value_int(kp_value_get(root, "e")), 31);
		cr_assert_eq(kp_value_type(kp_value_get(root, "f")), KP_NULL);
		cr_assert_eq(kp_value_type(kp_value_get(root, "g")), KP_STRING);
		cr_assert_eq(kp_value_int(kp_value_get(root, "h")), 8);
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, NULL), 0);
		kp_reader_close(r);
	}
}

Test(reader, yaml12_typing_keeps_floats_and_yes)
{
	FOR_BOTH {
		kp_reader *r = open_str("a: yes\nc: 8.0\nd: 8\n", KP_TYPING_YAML12, true);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		const kp_value *root = kp_doc_root(d);
		cr_assert_eq(kp_value_type(kp_value_get(root, "a")), KP_STRING);
		cr_assert_eq(kp_value_type(kp_value_get(root, "c")), KP_FLOAT);
		cr_assert_eq(kp_value_type(kp_value_get(root, "d")), KP_INT);
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

Test(reader, positions_are_one_based_code_points)
{
	FOR_BOTH {
		kp_reader *r = open_str("kind: X\nmetadata:\n  name: \xc3\xa9t\xc3\xa9\n  labels: {a: b}\n",
					KP_TYPING_KUBERNETES, false);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		const kp_value *lab = kp_value_path(kp_doc_root(d), "metadata/labels/a");
		cr_assert_eq(kp_value_line(lab), 4);
		cr_assert_eq(kp_value_col(lab), 15);
		const kp_value *name = kp_value_path(kp_doc_root(d), "metadata/name");
		cr_assert_eq(kp_value_col(name), 9);
		kp_doc_free(d);
		kp_reader_close(r);
	}
}

Test(reader, syntax_error_resumes_at_next_document_marker)
{
	FOR_BOTH {
		kp_reader *r = open_str("kind: A\n---\nkind: B\n  bad: [\n---\nkind: C\n",
					KP_TYPING_KUBERNETES, false);
		kp_doc *d;
		kp_error e;
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d), "A");
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, &e), -1);
		cr_assert_eq(e.code, KP_E_YAML);
		cr_assert_geq(e.line, 3);
		cr_assert_eq(kp_reader_next(r, &d, &e), 1);
		cr_assert_str_eq(kp_doc_kind(d), "C");
		cr_assert_eq(kp_value_line(kp_value_get(kp_doc_root(d), "kind")), 6);
		kp_doc_free(d);
		cr_assert_eq(kp_reader_next(r, &d, &e), 0);
		kp_reader_close(r);
	}
}

Test(reader, list_items_are_expanded)
{
	FOR_BOTH {
		kp_reader *r = open_str("apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata: {name: b}\n",
					KP_TYPING_KUBERNETES, false);
		kp_doc *d1, *d2, *d3;
		cr_assert_eq(kp_reader_next(r, &d1, NULL), 1);
		cr_assert_eq(kp_reader_next(r, &d2, NULL), 1);
		cr_assert_eq(kp_reader_next(r, &d3, NULL), 0);
		cr_assert_str_eq(kp_doc_name(d1), "a");
		cr_assert_str_eq(kp_doc_name(d2), "b");
		kp_doc_free(d1);
		kp_reader_close(r);
		kp_doc_free(d2);
	}
}

Test(reader, duplicate_keys_last_wins_and_merge_keys)
{
	FOR_BOTH {
		kp_reader *r = open_str("kind: X\nbase: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\na: 1\na: 2\n",
					KP_TYPING_KUBERNETES, false);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
		const kp_value *root = kp_doc_root(d);
		cr_assert_eq(kp_value_int(kp_value_get(root, "a")), 2);
		cr_assert_eq(kp_value_int(kp_value_path(root, "m/p")), 1);
		cr_assert_eq(kp_value_int(kp_value_path(root, "m/q")), 3);
		kp_doc_free(d);
		kp_reader_close(r);
	}
}
