/* run-vectors - runs Kyverno engine conformance vectors
 * (the files of ../shared/conformance/engine-vectors) against libkpolicy.
 *
 *   run-vectors [--known FILE] [-v] FILE...
 *
 * The schema is picked by each file's base name.  Values are read with
 * plain YAML 1.2 typing (`8` an int, `8.0` a float), as the vectors' README
 * asks.  Prints "FILE: N passed, N failed" per file (cases listed in the
 * known-failures file are reported as "known" and do not count as failed)
 * and exits 1 if any case failed that is not listed, 2 on usage errors. */
#include "vectors.h"

#include <stdlib.h>
#include <string.h>

static const kp_vector_schema schemas[] = {
	{"validate-pattern.yaml", kp_vec_validate_pattern},
	{"value-pattern.yaml", kp_vec_value_pattern},
	{"wildcard.yaml", kp_vec_wildcard},
	{"operator-parse.yaml", kp_vec_operator_parse},
	{"match.yaml", kp_vec_match},
	{"autogen.yaml", kp_vec_autogen},
	{"conditions.yaml", kp_vec_condition},
	{"operators.yaml", kp_vec_condition},
	{"functions.yaml", kp_vec_kyfunc},
};

/* known failures: lines "case name :: why"; '#' starts a comment line */
static char **known;
static size_t n_known;

static void load_known(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *sep = strstr(line, " :: ");
		if (!sep)
			continue;
		*sep = 0;
		known = realloc(known, (n_known + 1) * sizeof(*known));
		known[n_known++] = strdup(line);
	}
	fclose(f);
}

static bool is_known(const char *name)
{
	for (size_t i = 0; i < n_known; i++)
		if (strcmp(known[i], name) == 0)
			return true;
	return false;
}

void kp_vec_count(kp_vec_tally *t, const char *name, int rc, const char *why)
{
	if (rc == 1) {
		t->passed++;
		if (t->verbose)
			printf("ok      %s\n", name);
	} else if (is_known(name)) {
		t->known++;
		printf("known   %s: %s\n", name, why);
	} else {
		t->failed++;
		printf("FAIL    %s: %s%s\n", name, rc < 0 ? "malformed case: " : "", why);
	}
}

void kp_vec_summary(const char *base, const kp_vec_tally *t, size_t *unexpected)
{
	printf("%s: %zu passed, %zu failed", base, t->passed, t->failed);
	if (t->known)
		printf(" (%zu known, see vectors-known.txt)", t->known);
	printf("\n");
	*unexpected += t->failed;
}

static int run_file(const char *path, bool verbose, size_t *unexpected)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (kp_vec_jmespath_owns(base))
		return kp_vec_jmespath_file(path, base, verbose, unexpected);
	const kp_vector_schema *schema = NULL;
	for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++)
		if (strcmp(schemas[i].file, base) == 0)
			schema = &schemas[i];
	kp_read_opts ro = {.typing = KP_TYPING_YAML12, .raw = true};
	kp_error err;
	kp_reader *r = kp_reader_open_file(path, &ro, &err);
	char eb[2048];
	if (!r) {
		fprintf(stderr, "run-vectors: %s\n", kp_error_format(&err, eb, sizeof eb));
		return 2;
	}
	kp_doc *d = NULL;
	const char *cases_key = NULL;
	/* a list of cases, or a mapping holding them under `cases:` */
	int got = kp_reader_next(r, &d, &err);
	if (got == 1 && kp_value_get(kp_doc_root(d), "sections")) {  /* cel-spec */
		kp_vec_cel_file(kp_doc_root(d), base, verbose, unexpected);
		kp_doc_free(d);
		kp_reader_close(r);
		return 0;
	}
	if (!schema) {
		fprintf(stderr, "run-vectors: %s: no schema for a file of this name\n", path);
		kp_doc_free(d);
		kp_reader_close(r);
		return 2;
	}
	if (got == 1 && kp_value_type(kp_value_get(kp_doc_root(d), "cases")) == KP_SEQ)
		cases_key = "cases";
	if (!d || (!cases_key && kp_value_type(kp_doc_root(d)) != KP_SEQ)) {
		fprintf(stderr, "run-vectors: %s: expected a YAML list of cases\n", path);
		kp_doc_free(d);
		kp_reader_close(r);
		return 2;
	}
	const kp_value *cases = cases_key ? kp_value_get(kp_doc_root(d), cases_key) : kp_doc_root(d);
	kp_vec_tally t = {.verbose = verbose};
	for (size_t i = 0; i < kp_value_len(cases); i++) {
		const kp_value *c = kp_value_at(cases, i);
		const char *name = kp_value_path_str(c, "name");
		char unnamed[600];
		if (!name) {
			/* FILE:SECTION:INDEX */
			snprintf(unnamed, sizeof unnamed, "%s:%s:%zu", base, cases_key ? cases_key : "", i);
			name = unnamed;
		}
		char why[2048] = "";
		kp_vec_count(&t, name, schema->run(c, why, sizeof why), why);
	}
	kp_vec_summary(base, &t, unexpected);
	kp_doc_free(d);
	kp_reader_close(r);
	return 0;
}

int main(int argc, char **argv)
{
	bool verbose = false;
	const char *known_path = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!strcmp(argv[i], "--known") && i + 1 < argc)
			known_path = argv[++i];
		else {
			fprintf(stderr, "usage: run-vectors [--known FILE] [-v] FILE...\n");
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: run-vectors [--known FILE] [-v] FILE...\n");
		return 2;
	}
	char def[4096];
	if (!known_path) {
		const char *src = getenv("KP_SRCDIR");
		snprintf(def, sizeof def, "%s/conformance/vectors-known.txt", src ? src : KP_SRCDIR);
		known_path = def;
	}
	load_known(known_path);
	size_t unexpected = 0;
	int status = 0;
	for (; i < argc; i++)
		if (run_file(argv[i], verbose, &unexpected))
			status = 2;
	if (status)
		return status;
	return unexpected ? 1 : 0;
}
