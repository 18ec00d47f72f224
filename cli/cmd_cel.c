/* cmd_cel.c - `kpolicy cel eval EXPR [-i FILE] [--var NAME=FILE]...`:
 * evaluates one CEL expression in Kyverno's CEL environment, for policy
 * authors trying an expression out.  Prints the value, or the error with a
 * caret under its column. */
#include "cmd_cel.h"

#include "inputs.h"
#include "xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cel_usage[] =
	"usage: kpolicy cel eval EXPR [-i FILE] [--var NAME=FILE]... [--numbers-as-double]\n"
	"\n"
	"Evaluates the CEL expression EXPR and prints its value.  -i binds `object` to\n"
	"the first document of FILE; --var binds NAME (request, oldObject, params,\n"
	"namespaceObject, variables, ...) to the first document of FILE.  The\n"
	"environment is ValidatingPolicy's: Kubernetes' libraries and Kyverno's\n"
	"(parseImageReference, parseServiceAccount, sha256, json, yaml, x509.decode,\n"
	"time, listObjToMap, gzip.decompress, ...).\n"
	"--numbers-as-double reads the documents' numbers as double, as kyverno\n"
	"apply/test do to resources.  Exit status: 0 a value, 1 an evaluation error,\n"
	"2 usage, unreadable input or an expression that does not compile.\n";

#define MAX_VARS 32

/* The expression's line with a caret under column `col`. */
static void caret(FILE *f, const kp_error *e)
{
	if (!e->expr_col)
		return;
	fprintf(f, "  %s\n  ", e->expr_line);
	unsigned col = 1;
	for (const char *p = e->expr_line; *p && col < e->expr_col; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		fputc(*p == '\t' ? '\t' : ' ', f);
		col++;
	}
	fputs("^\n", f);
}

int kpc_cmd_cel(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"input", required_argument, NULL, 'i'},
		{"var", required_argument, NULL, 'v'},
		{"numbers-as-double", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *names[MAX_VARS];
	const char *files[MAX_VARS];
	size_t n = 0;
	bool as_double = false;
	int opt;
	optind = 1;
	if (argc < 2 || strcmp(argv[1], "eval")) {
		fputs(cel_usage, argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc > 1 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "i:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': case 'v': {
			if (n == MAX_VARS) {
				fprintf(stderr, "kpolicy: error: at most %d variables\n", MAX_VARS);
				return 2;
			}
			const char *eq = opt == 'v' ? strchr(optarg, '=') : NULL;
			if (opt == 'v' && (!eq || eq == optarg)) {
				fprintf(stderr, "kpolicy: error: --var wants NAME=FILE, got %s\n", optarg);
				return 2;
			}
			names[n] = opt == 'i' ? "object" : kpc_xstrndup(optarg, (size_t)(eq - optarg));
			files[n++] = opt == 'i' ? optarg : eq + 1;
			break;
		}
		case 'D': as_double = true; break;
		case 'h': fputs(cel_usage, stdout); return 0;
		default: fputs(cel_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(cel_usage, stderr);
		return 2;
	}
	const char *expr = argv[optind];
	kp_doc *docs[MAX_VARS] = {0};
	const kp_value *vals[MAX_VARS];
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		kp_read_opts ro = {.raw = true, .warn = kpc_warn};
		docs[i] = kpc_read_first_doc(files[i], "variable", &ro);
		if (!docs[i]) {
			status = 2;
			goto out;
		}
		vals[i] = kp_doc_root(docs[i]);
	}
	kp_arena *a = kp_arena_new();
	kp_cel_result res;
	kp_error e;
	kp_error_clear(&e);
	if (kp_cel_eval_once(expr, strlen(expr), names, vals, n, as_double, a, &res, &e) == 0) {
		printf("%s\n", res.repr);
	} else if ((e.code == KP_E_EXPR || e.code == KP_E_UNSUPPORTED) && e.line) {
		fprintf(stderr, "kpolicy: error: <expr>:%u:%u: %s\n", e.line, e.col, e.msg);
		caret(stderr, &e);
		status = 2;
	} else {
		fprintf(stderr, "kpolicy: error: %s\n", e.msg);
		status = 1;
	}
	kp_arena_free(a);
out:
	for (size_t i = 0; i < n; i++) {
		kp_doc_free(docs[i]);
		if (strcmp(names[i], "object"))
			free((char *)names[i]);
	}
	return status;
}
