/* compare-loaders - reads files with both YAML loaders (libyaml, libfyaml)
 * and requires the same outcome: per document the same return code, error
 * code and error position, and for documents the same tree (type, value,
 * line and column of every node).  Raw mode, Kubernetes typing.
 *
 *   compare-loaders [--known FILE] PATH...
 *
 * PATHs are files or directories (walked as kp_walk_inputs does).  FILE
 * lists inputs where the two libraries genuinely disagree: one path suffix
 * per line, a reason after `#`; such a file passes when they differ and
 * fails (so the list gets trimmed) when they agree.
 * Every chunk that starts like JSON is also read by the JSON fast path
 * (kp_loader_json) and by libyaml alone, which must agree the same way
 * (no known differences there).
 * Prints each mismatch, then exactly one line `N passed, N failed`
 * (counting files).  Exit status 0 when none failed. */
#include "input/input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char **known;
	size_t n_known;
	unsigned passed, failed;
	bool verbose;
} kp_compare;

static const char *type_name(kp_type t)
{
	static const char *const names[] = {"null", "bool", "int", "float", "string", "seq", "map"};
	return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

static bool same_scalar(const kp_value *a, const kp_value *b)
{
	switch (a->type) {
	case KP_NULL: return true;
	case KP_BOOL: return a->u.b == b->u.b;
	case KP_INT: return a->u.i == b->u.i;
	case KP_FLOAT:
		return (isnan(a->u.f) && isnan(b->u.f)) || a->u.f == b->u.f;
	case KP_STRING:
		return a->u.s.len == b->u.s.len && memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
	case KP_SEQ: return a->u.seq.n == b->u.seq.n;
	case KP_MAP: return a->u.map.n == b->u.map.n;
	}
	return false;
}

/* Compare two trees node by node (an explicit stack, no recursion); prints
 * the first difference.  Returns true when identical. */
static bool same_tree(const char *file, const kp_value *ra, const kp_value *rb,
		      const char *na, const char *nb)
{
	size_t cap = 256, n = 0;
	const kp_value **st = malloc(cap * 2 * sizeof(*st));
	if (!st)
		abort();
	st[0] = ra, st[1] = rb, n = 1;
	bool same = true;
	while (n && same) {
		n--;
		const kp_value *a = st[2 * n], *b = st[2 * n + 1];
		if (!a || !b) {
			same = a == b;
			if (!same)
				printf("%s: one tree has a node the other lacks\n", file);
			break;
		}
		if (a->type != b->type || !same_scalar(a, b) || a->line != b->line || a->col != b->col) {
			printf("%s: %s %s at %u:%u, %s %s at %u:%u", file, na,
			       type_name(a->type), a->line, a->col, nb, type_name(b->type), b->line, b->col);
			if (a->type == KP_STRING)
				printf(" (\"%.*s\")", (int)(a->u.s.len > 60 ? 60 : a->u.s.len), a->u.s.ptr);
			if (b->type == KP_STRING && (a->type != KP_STRING || !same_scalar(a, b)))
				printf(" (%s \"%.*s\")", nb, (int)(b->u.s.len > 60 ? 60 : b->u.s.len), b->u.s.ptr);
			printf("\n");
			same = false;
			break;
		}
		size_t kids = a->type == KP_SEQ ? a->u.seq.n : a->type == KP_MAP ? 2 * a->u.map.n : 0;
		if (n + kids > cap) {
			while (n + kids > cap)
				cap *= 2;
			st = realloc(st, cap * 2 * sizeof(*st));
			if (!st)
				abort();
		}
		for (size_t i = kids; i-- > 0;) {
			if (a->type == KP_SEQ) {
				st[2 * n] = a->u.seq.items[i], st[2 * n + 1] = b->u.seq.items[i];
			} else {
				const kp_pair *pa = &a->u.map.pairs[i / 2], *pb = &b->u.map.pairs[i / 2];
				st[2 * n] = i % 2 ? pa->value : pa->key;
				st[2 * n + 1] = i % 2 ? pb->value : pb->key;
			}
			n++;
		}
	}
	free(st);
	return same;
}

/* Read `file` with both loaders in lockstep; true when they agree. */
static bool compare_file(const char *file)
{
	kp_read_opts oa = {.parser = KP_PARSER_LIBYAML, .typing = KP_TYPING_KUBERNETES, .raw = true};
	kp_read_opts ob = oa;
	ob.parser = KP_PARSER_LIBFYAML;
	kp_error ea, eb;
	kp_reader *ra = kp_reader_open_file(file, &oa, &ea);
	kp_reader *rb = kp_reader_open_file(file, &ob, &eb);
	bool same = true;
	if (!ra || !rb) {
		printf("%s: cannot open: %s\n", file, !ra ? ea.msg : eb.msg);
		same = false;
	}
	for (unsigned doc = 1; same; doc++) {
		kp_doc *da = NULL, *db = NULL;
		kp_error_clear(&ea);
		kp_error_clear(&eb);
		int a = kp_reader_next(ra, &da, &ea);
		int b = kp_reader_next(rb, &db, &eb);
		if (a != b) {
			printf("%s: document %u: libyaml returns %d, libfyaml %d", file, doc, a, b);
			if (a < 0)
				printf(" (libyaml %u:%u: %s)", ea.line, ea.col, ea.msg);
			if (b < 0)
				printf(" (libfyaml %u:%u: %s)", eb.line, eb.col, eb.msg);
			printf("\n");
			same = false;
		} else if (a < 0 && (ea.code != eb.code || ea.line != eb.line || ea.col != eb.col)) {
			printf("%s: document %u: errors differ: libyaml %u:%u: %s / libfyaml %u:%u: %s\n",
			       file, doc, ea.line, ea.col, ea.msg, eb.line, eb.col, eb.msg);
			same = false;
		} else if (a == 1) {
			same = same_tree(file, kp_doc_root(da), kp_doc_root(db), "libyaml", "libfyaml");
		}
		kp_doc_free(da);
		kp_doc_free(db);
		if (a == 0)
			break;
	}
	kp_reader_close(ra);
	kp_reader_close(rb);
	return same;
}

/* Documents the JSON fast path built itself (no fallback to YAML). */
static unsigned json_docs, json_fallbacks;
static void *count_fallback(const char *buf, size_t len, unsigned line0)
{
	json_fallbacks++;
	return kp_loader_libyaml.open(buf, len, line0);
}

/* The JSON fast path against libyaml alone, chunk by chunk; true when
 * they agree on every chunk that starts like JSON. */
static bool compare_json(const char *file)
{
	kp_loader_ops fallback = kp_loader_libyaml;
	fallback.open = count_fallback;
	kp_read_opts o = {.parser = KP_PARSER_LIBYAML, .typing = KP_TYPING_KUBERNETES, .raw = true};
	kp_error err;
	kp_reader *r = kp_reader_open_file(file, &o, &err);
	if (!r)
		return false;
	bool same = true;
	const char *data;
	size_t len;
	unsigned first;
	while (same && kp_reader_next_chunk(r, &data, &len, &first, &err) > 0) {
		if (!kp_json_sniff(data, len))
			continue;
		void *sa = kp_loader_libyaml.open(data, len, first - 1);
		unsigned fell = json_fallbacks;
		void *sb = kp_json_open(data, len, first - 1, &fallback);
		for (unsigned doc = 1; same; doc++) {
			kp_arena *aa = kp_arena_new(), *ab = kp_arena_new();
			kp_builder ba, bb;
			kp_error ea, eb;
			kp_error_clear(&ea);
			kp_error_clear(&eb);
			kp_builder_init(&ba, aa, file, &o, &ea);
			kp_builder_init(&bb, ab, file, &o, &eb);
			int a = kp_loader_libyaml.next(sa, &ba, &ea);
			int b = kp_loader_json.next(sb, &bb, &eb);
			if (a != b) {
				printf("%s:%u: JSON document %u: libyaml returns %d, json %d (%s / %s)\n",
				       file, first, doc, a, b, ea.msg, eb.msg);
				same = false;
			} else if (a < 0 && (ea.code != eb.code || ea.line != eb.line || ea.col != eb.col)) {
				printf("%s: JSON document %u: errors differ: libyaml %u:%u: %s / json %u:%u: %s\n",
				       file, doc, ea.line, ea.col, ea.msg, eb.line, eb.col, eb.msg);
				same = false;
			} else if (a == 1) {
				same = same_tree(file, kp_build_root(&ba), kp_build_root(&bb), "libyaml", "json");
				if (fell == json_fallbacks)
					json_docs++;
			}
			kp_builder_fini(&ba);
			kp_builder_fini(&bb);
			kp_arena_free(aa);
			kp_arena_free(ab);
			if (a <= 0)
				break;
		}
		kp_loader_libyaml.close(sa);
		kp_loader_json.close(sb);
	}
	kp_reader_close(r);
	return same;
}

static bool is_known(const kp_compare *c, const char *file)
{
	size_t fl = strlen(file);
	for (size_t i = 0; i < c->n_known; i++) {
		size_t kl = strlen(c->known[i]);
		if (kl <= fl && !strcmp(file + fl - kl, c->known[i]) &&
		    (kl == fl || file[fl - kl - 1] == '/'))
			return true;
	}
	return false;
}

static int on_file(void *ud, const char *file, const kp_error *problem)
{
	kp_compare *c = ud;
	if (problem) {
		printf("%s: %s\n", file, problem->msg);
		c->failed++;
		return 0;
	}
	bool same = compare_file(file);
	if (is_known(c, file)) {
		if (same)
			printf("%s: listed as a known difference, but the loaders agree\n", file);
		else
			printf("%s: known difference (see the list)\n", file);
		same = !same;
	}
	if (!compare_json(file))
		same = false;
	if (same)
		c->passed++;
	else
		c->failed++;
	return 0;
}

static void load_known(kp_compare *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "compare-loaders: cannot open %s\n", path);
		exit(2);
	}
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = line, *e;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
			*--e = 0;
		if (!*s)
			continue;
		c->known = realloc(c->known, (c->n_known + 1) * sizeof(*c->known));
		if (!c->known || !(c->known[c->n_known] = strdup(s)))
			abort();
		c->n_known++;
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	kp_compare c = {0};
	int i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--known")) {
		load_known(&c, argv[i + 1]);
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: compare-loaders [--known FILE] PATH...\n");
		return 2;
	}
	for (; i < argc; i++) {
		kp_error err;
		if (kp_walk_inputs(argv[i], on_file, &c, &err) < 0) {
			printf("%s: %s\n", argv[i], err.msg);
			c.failed++;
		}
	}
	fprintf(stderr, "compare-loaders: %u documents read by the JSON fast path, %u chunks fell back to YAML\n",
		json_docs, json_fallbacks);
	printf("%u passed, %u failed\n", c.passed, c.failed);
	for (size_t k = 0; k < c.n_known; k++)
		free(c.known[k]);
	free(c.known);
	return c.failed ? 1 : 0;
}
