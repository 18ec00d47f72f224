/* fuzz_loaders_diff - differential: libyaml and libfyaml must build the
 * same tree (type, value, line, column of every node) for every document
 * both accept.  Inputs one of them rejects are not findings: libyaml 0.2.5
 * and libfyaml 0.7.12 legitimately differ on some invalid or exotic input
 * (tests/compare-loaders-known.txt); the comparison stops at the first
 * document where their return codes differ, since the streams may be out
 * of step after it.  Raw documents, Kubernetes typing, as
 * tests/compare-loaders does.
 *
 * Not run by default (tests/fuzz/run names it only on request): among the
 * yaml-test-suite seeds the loaders still build different trees for valid
 * but exotic YAML, where libyaml (so go-yaml and Kubernetes) departs from
 * YAML 1.2 and libfyaml follows it:
 *   `[?x]`, `{ ?foo: bar }`  libyaml reads `?` as a key indicator in flow
 *                            context even without a following blank;
 *   `key: &an:chor value`    libyaml ends an anchor name at `:`;
 *   `--- >` + lines at column 0   libyaml gives "" for a top-level block
 *                            scalar whose lines are not indented.
 * Until the libfyaml loader mirrors these, the target finds them first. */
#include "fuzz.h"

#include <math.h>
#include <string.h>

static bool same_scalar(const kp_value *a, const kp_value *b)
{
	switch (a->type) {
	case KP_NULL: return true;
	case KP_BOOL: return a->u.b == b->u.b;
	case KP_INT: return a->u.i == b->u.i;
	case KP_FLOAT: return (isnan(a->u.f) && isnan(b->u.f)) || a->u.f == b->u.f;
	case KP_STRING:
		return a->u.s.len == b->u.s.len && memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
	case KP_SEQ: return a->u.seq.n == b->u.seq.n;
	case KP_MAP: return a->u.map.n == b->u.map.n;
	}
	return false;
}

static void same_tree(const kp_value *a, const kp_value *b)
{
	KP_FUZZ_CHECK(a && b);
	if (a->type != b->type || !same_scalar(a, b) || a->line != b->line || a->col != b->col) {
		fprintf(stderr, "libyaml %d at %u:%u, libfyaml %d at %u:%u\n", a->type, a->line,
			a->col, b->type, b->line, b->col);
		if (a->type == KP_STRING && b->type == KP_STRING)
			fprintf(stderr, "libyaml \"%.*s\" libfyaml \"%.*s\"\n", (int)a->u.s.len,
				a->u.s.ptr, (int)b->u.s.len, b->u.s.ptr);
		KP_FUZZ_CHECK(!"the loaders build different trees");
	}
	if (a->type == KP_SEQ)
		for (size_t i = 0; i < a->u.seq.n; i++)
			same_tree(a->u.seq.items[i], b->u.seq.items[i]);
	else if (a->type == KP_MAP)
		for (size_t i = 0; i < a->u.map.n; i++) {
			same_tree(a->u.map.pairs[i].key, b->u.map.pairs[i].key);
			same_tree(a->u.map.pairs[i].value, b->u.map.pairs[i].value);
		}
}

int kp_fuzz_loaders_diff(const uint8_t *data, size_t size)
{
	kp_read_opts oa = {.parser = KP_PARSER_LIBYAML, .raw = true, .max_alias_nodes = 20000};
	kp_read_opts ob = oa;
	ob.parser = KP_PARSER_LIBFYAML;
	kp_reader *ra = kp_reader_open_mem("fuzz.yaml", (const char *)data, size, &oa, NULL);
	kp_reader *rb = kp_reader_open_mem("fuzz.yaml", (const char *)data, size, &ob, NULL);
	KP_FUZZ_CHECK(ra && rb);
	for (size_t calls = 0;; calls++) {
		KP_FUZZ_CHECK(calls <= size + 2);
		kp_doc *da = NULL, *db = NULL;
		kp_error ea, eb;
		int a = kp_reader_next(ra, &da, &ea);
		int b = kp_reader_next(rb, &db, &eb);
		if (a == 1 && b == 1)
			same_tree(kp_doc_root(da), kp_doc_root(db));
		kp_doc_free(da);
		kp_doc_free(db);
		if (a != b || a == 0)
			break;
	}
	kp_reader_close(ra);
	kp_reader_close(rb);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_loaders_diff)
