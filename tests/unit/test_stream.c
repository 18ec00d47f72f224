/* Unit tests: streaming reads (block boundaries, oversized documents,
 * chunks for parallel parsing, line bases). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/input.h"

/* Write n small Pods (each about 60 bytes) to a temporary file. */
static char *write_pods(size_t n, const char *extra_after)
{
	static char path[64];
	strcpy(path, "/tmp/kp-stream-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod%zu\n", i);
		if (extra_after && i == 0)
			fputs(extra_after, f);
	}
	fclose(f);
	return path;
}

Test(stream, many_documents_across_read_blocks_keep_lines)
{
	char *path = write_pods(5000, NULL);   /* ~260 KB: several read blocks */
	for (int parser = 0; parser < 2; parser++) {
		kp_read_opts o = {.parser = parser};
		kp_reader *r = kp_reader_open_file(path, &o, NULL);
		kp_doc *d;
		size_t n = 0;
		while (kp_reader_next(r, &d, NULL) == 1) {
			char want[32];
			snprintf(want, sizeof want, "pod%zu", n);
			cr_assert_str_eq(kp_doc_name(d), want);
			/* name is on the 5th line of each 5-line document */
			cr_assert_eq(kp_value_line(kp_value_path(kp_doc_root(d), "metadata/name")), 5 * n + 5);
			kp_doc_free(d);
			n++;
		}
		cr_assert_eq(n, 5000);
		kp_reader_close(r);
	}
	unlink(path);
}

Test(stream, oversized_document_is_skipped_to_the_next_marker)
{
	/* the first Pod gets a 200 KB annotation: over a 100 KB limit */
	size_t big = 200 * 1024;
	char *extra = malloc(big + 64);
	strcpy(extra, "  annotations:\n    a: ");
	size_t off = strlen(extra);
	memset(extra + off, 'x', big);
	strcpy(extra + off + big, "\n");
	char *path = write_pods(3, extra);
	free(extra);
	kp_read_opts o = {.max_doc_bytes = 100 * 1024};
	kp_reader *r = kp_reader_open_file(path, &o, NULL);
	kp_doc *d;
	kp_error e;
	cr_assert_eq(kp_reader_next(r, &d, &e), -1);
	cr_assert_eq(e.code, KP_E_LIMIT);
	cr_assert_eq(e.line, 1);
	cr_assert_eq(kp_reader_next(r, &d, &e), 1);
	cr_assert_str_eq(kp_doc_name(d), "pod1");
	cr_assert_eq(kp_value_line(kp_value_path(kp_doc_root(d), "metadata/name")), 12);
	kp_doc_free(d);
	cr_assert_eq(kp_reader_next(r, &d, &e), 1);
	cr_assert_str_eq(kp_doc_name(d), "pod2");
	kp_doc_free(d);
	cr_assert_eq(kp_reader_next(r, &d, &e), 0);
	kp_reader_close(r);
	unlink(path);
}

Test(stream, chunks_reparsed_with_a_line_base_give_the_same_positions)
{
	char *path = write_pods(300, NULL);
	kp_reader *r = kp_reader_open_file(path, NULL, NULL);
	const char *data;
	size_t len;
	unsigned first;
	size_t n = 0;
	while (kp_reader_next_chunk(r, &data, &len, &first, NULL) == 1) {
		cr_assert_eq(first, 5 * n + 1);
		kp_read_opts o = {.first_line = first - 1};
		kp_reader *piece = kp_reader_open_mem(path, data, len, &o, NULL);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(piece, &d, NULL), 1);
		cr_assert_eq(kp_value_line(kp_value_get(kp_doc_root(d), "kind")), 5 * n + 3);
		kp_doc_free(d);
		kp_reader_close(piece);
		n++;
	}
	cr_assert_eq(n, 300);
	kp_reader_close(r);
	unlink(path);
}

Test(stream, directives_after_an_end_marker_go_with_the_next_document)
{
	/* a %YAML directive after `...` travels with the document after it */
	const char *s = "kind: A\n...\n%YAML 1.1\n---\nkind: B\n---";
	kp_reader *r = kp_reader_open_mem("m.yaml", s, strlen(s), NULL, NULL);
	kp_doc *d;
	cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
	cr_assert_str_eq(kp_doc_kind(d), "A");
	kp_doc_free(d);
	cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
	cr_assert_str_eq(kp_doc_kind(d), "B");
	cr_assert_eq(kp_value_line(kp_value_get(kp_doc_root(d), "kind")), 5);
	kp_doc_free(d);
	cr_assert_eq(kp_reader_next(r, &d, NULL), 0);
	kp_reader_close(r);
}

Test(stream, a_directive_without_an_end_marker_is_an_error_for_its_document)
{
	/* YAML forbids a directive after a document that was not ended with
	 * `...`: that document fails, the next is still read */
	const char *s = "kind: A\n%YAML 1.1\n---\nkind: B\n";
	kp_reader *r = kp_reader_open_mem("m.yaml", s, strlen(s), NULL, NULL);
	kp_doc *d;
	kp_error e;
	int rc = kp_reader_next(r, &d, &e);
	if (rc == 1) {   /* the parser may yield A before it meets the directive */
		cr_assert_str_eq(kp_doc_kind(d), "A");
		kp_doc_free(d);
		rc = kp_reader_next(r, &d, &e);
	}
	cr_assert_eq(rc, -1);
	cr_assert_eq(e.code, KP_E_YAML);
	cr_assert(e.line == 2 || e.line == 3); /* libfyaml: at the directive; libyaml: where it expected `---` */
	cr_assert_eq(kp_reader_next(r, &d, &e), 1);
	cr_assert_str_eq(kp_doc_kind(d), "B");
	kp_doc_free(d);
	kp_reader_close(r);
}
