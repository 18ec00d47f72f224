/* test_doc_count.c - the text report's estimate of the resources
 * (cli/doc_count.c): the count of documents in regular files, the same
 * wherever the file's reads cut a `---` or `{` line, and unknown for
 * inputs that are not regular files or are the output. */
#include <criterion/criterion.h>

#include "../../cli/doc_count.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK ((size_t)256 << 10)   /* doc_count.c's read(2) size */

static char dir[] = "/tmp/kp-doc-count-XXXXXX";

static void make_dir(void)
{
	cr_assert(mkdtemp(dir) != NULL);
}

static void remove_dir(void)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert(system(cmd) == 0);
}

/* s[0, n) as the file `name` in dir; its path (static). */
static const char *put_file(const char *name, const char *s, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	cr_assert(f != NULL);
	cr_assert(fwrite(s, 1, n, f) == n);
	cr_assert(fclose(f) == 0);
	return path;
}

static size_t count_path(const char *path)
{
	char *in[] = {(char *)path};
	return kpc_count_documents(in, 1, NULL, -1);
}

static size_t count_bytes(const char *s, size_t n)
{
	return count_path(put_file("f.yaml", s, n));
}

static size_t count_str(const char *s)
{
	return count_bytes(s, strlen(s));
}

/* The rules, read byte by byte: the text behind a "\n"; JSON (first byte
 * '{'): its "\n{" places; else 1 (0 when the file starts with "---")
 * plus its "\n---" places. */
static size_t naive_count(const char *s, size_t n)
{
	if (!n)
		return 0;
	char *v = malloc(n + 1);
	v[0] = '\n';
	memcpy(v + 1, s, n);
	bool json = s[0] == '{';
	const char *needle = json ? "\n{" : "\n---";
	size_t len = strlen(needle), docs = json || (n >= 3 && !memcmp(s, "---", 3)) ? 0 : 1;
	for (size_t i = 0; i + len <= n + 1; i++)
		docs += !memcmp(v + i, needle, len);
	free(v);
	return docs;
}

TestSuite(doc_count, .init = make_dir, .fini = remove_dir);

Test(doc_count, yaml_rules)
{
	cr_expect_eq(count_str(""), 0);
	cr_expect_eq(count_str("---"), 1);
	cr_expect_eq(count_str("---\n"), 1);
	cr_expect_eq(count_str("---\n---\n"), 2);
	cr_expect_eq(count_str("---\n---"), 2, "no newline after the last ---");
	cr_expect_eq(count_str("a: 1"), 1, "no newline at the end");
	cr_expect_eq(count_str("a: 1\n---\nb: 2"), 2);
	cr_expect_eq(count_str("a: 1\n---\nb: 2\n---\n"), 3, "an empty last document counts");
	cr_expect_eq(count_str("---\na: 1\n---\nb: 2\n"), 2);
	cr_expect_eq(count_str("a\n---text\n"), 2, "a `---text` line counts too");
	cr_expect_eq(count_str("a\n  ---\nb: |\n  ---\n"), 1, "indented --- is not a cut");
	cr_expect_eq(count_str("a\r\n---\r\nb\r\n"), 2, "CRLF");
	cr_expect_eq(count_str("\n"), 1);
	cr_expect_eq(count_str("--"), 1);
	cr_expect_eq(count_str("-"), 1);
}

Test(doc_count, json_rules)
{
	cr_expect_eq(count_str("{\"a\":1}\n{\"b\":2}\n"), 2, "JSON Lines");
	cr_expect_eq(count_str("{\"a\":1}\n{\"b\":2}"), 2, "no newline at the end");
	cr_expect_eq(count_str("{\n  \"a\": 1\n}\n"), 1, "pretty-printed");
	cr_expect_eq(count_str("{\n  \"a\": {\n}\n}\n{\n}\n"), 2);
	cr_expect_eq(count_str("{}\n---\n{}\n---\n"), 2, "--- lines do not count in JSON");
	cr_expect_eq(count_str("{"), 1);
	cr_expect_eq(count_str(" {\"a\":1}\n{\"b\":2}\n"), 1, "not JSON: no --- lines");
	cr_expect_eq(count_str("a: 1\n{b: 2}\n"), 1);
}

/* Files of a page or of read(2) blocks exactly, and the needles placed
 * across a block's end at every offset. */
Test(doc_count, sizes_and_block_ends)
{
	size_t cap = 3 * BLOCK + 64;
	char *s = malloc(cap);
	for (size_t size = 4096; size <= 3 * BLOCK; size *= 2) {
		memset(s, 'x', size);
		for (size_t at = 100; at + 6 < size; at += 1000)
			memcpy(s + at, "\n---\n", 5);
		s[size - 1] = '\n';
		cr_expect_eq(count_bytes(s, size), naive_count(s, size), "size %zu", size);
	}
	for (size_t blocks = 1; blocks <= 2; blocks++) {
		size_t end = blocks * BLOCK;
		for (size_t back = 0; back <= 5; back++) {
			/* YAML: "\n---" starting `back` bytes before the block end */
			memset(s, 'y', end + 8);
			memcpy(s + end - back, "\n---\n", 5);
			cr_expect_eq(count_bytes(s, end + 8), 2, "YAML, block %zu, %zu back", blocks, back);
			cr_expect_eq(count_bytes(s, end - back + 4), 2, "YAML ending in ---");
			cr_expect_eq(count_bytes(s, end - back + 3), 1, "YAML ending in --");
			/* JSON: "\n{" there */
			memset(s, ' ', end + 8);
			s[0] = '{';
			memcpy(s + end - back, "\n{}\n", 4);
			cr_expect_eq(count_bytes(s, end + 8), 2, "JSON, block %zu, %zu back", blocks, back);
		}
	}
	free(s);
}

/* Random text of `\n`, `-`, `{` and a letter, of sizes around the block
 * size: the count is the byte-by-byte one. */
Test(doc_count, random_text)
{
	static const char alphabet[] = "\n\n---{a";
	size_t cap = BLOCK + 64;
	char *s = malloc(cap);
	unsigned seed = 12;
	for (int round = 0; round < 24; round++) {
		size_t n = round < 12 ? (size_t)round * 7 : BLOCK - 16 + (size_t)(rand_r(&seed) % 48);
		for (size_t i = 0; i < n; i++)
			s[i] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
		if (round % 3 == 0 && n)
			s[0] = '{';
		cr_expect_eq(count_bytes(s, n), naive_count(s, n), "round %d, %zu bytes", round, n);
	}
	free(s);
}

Test(doc_count, several_inputs_and_unknown)
{
	put_file("a.yaml", "a: 1\n---\nb: 2\n", 14);
	put_file("b.json", "{}\n{}\n{}\n", 9);
	put_file("c.yaml", "", 0);
	char *in[] = {dir};
	cr_expect_eq(kpc_count_documents(in, 1, NULL, -1), 5, "a directory: its files");
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/a.yaml", dir);
	snprintf(b, sizeof b, "%s/b.json", dir);
	char *two[] = {a, b};
	cr_expect_eq(kpc_count_documents(two, 2, NULL, -1), 5);
	char *dash[] = {a, "-"};
	cr_expect_eq(kpc_count_documents(dash, 2, NULL, -1), SIZE_MAX, "stdin: unknown");
	char fifo[128];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	cr_assert(mkfifo(fifo, 0600) == 0);
	char *with_fifo[] = {a, fifo};
	cr_expect_eq(kpc_count_documents(with_fifo, 2, NULL, -1), SIZE_MAX, "a FIFO: unknown, not opened");
	unlink(fifo);
	int out = open(b, O_WRONLY);
	cr_assert(out >= 0);
	cr_expect_eq(kpc_count_documents(two, 2, NULL, out), SIZE_MAX, "an input is the output: unknown");
	close(out);
}
