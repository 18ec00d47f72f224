/* cmd_jp.c - `kpolicy jp`, after `kyverno jp`: query a JSON/YAML document
 * with an expression (Kyverno's dialect unless --plain), list the
 * functions, print an expression's syntax tree. */
#include "cmd_jp.h"

#include "inputs.h"
#include "xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char jp_usage[] =
	"usage: kpolicy jp query [-i FILE] [-q FILE]... [-c] [-u] [--plain] [EXPR]...\n"
	"       kpolicy jp function [--plain] [NAME]...\n"
	"       kpolicy jp parse [-f FILE]... [--plain] [EXPR]...\n"
	"\n"
	"query     evaluate each expression (from the arguments, then each -q file)\n"
	"          against the first document of -i FILE (JSON or YAML; default\n"
	"          stdin) and print each result as JSON (-c compact, -u a string\n"
	"          without quotes)\n"
	"function  list the functions (or the NAMEd ones) with their signatures\n"
	"parse     print each expression's syntax tree\n"
	"--plain   the JMESPath specification instead of Kyverno's dialect\n"
	"          (where a missing key is an error unless || or a function\n"
	"          argument turns it into null)\n";

/* The text of a file (malloc'd, trailing newlines dropped), or NULL. */
static char *read_text(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	char *buf = kpc_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			buf = kpc_xrealloc(buf, cap *= 2);
	}
	if (f != stdin)
		fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = 0;
	return buf;
}

/* Expressions from the arguments and then from the files (owned texts in
 * owned[], freed by the caller). */
typedef struct exprs {
	const char **v;
	char **owned;
	size_t n, n_owned;
} exprs;

static int add_file_expr(exprs *x, const char *path)
{
	char *t = read_text(path);
	if (!t) {
		fprintf(stderr, "kpolicy: error: %s: cannot read\n", path);
		return -1;
	}
	x->owned[x->n_owned++] = t;
	x->v[x->n++] = t;
	return 0;
}

static void free_exprs(exprs *x)
{
	for (size_t i = 0; i < x->n_owned; i++)
		free(x->owned[i]);
	free(x->owned);
	free(x->v);
}

static void expr_error(const char *expr, const kp_error *e)
{
	fprintf(stderr, "kpolicy: error: %s\n", e->msg);
	if (e->expr_col > 0)
		fprintf(stderr, "  %s\n  %*s^\n", e->expr_line, (int)e->expr_col - 1, "");
	else
		fprintf(stderr, "  %s\n", expr);
}

static int query(int mode, const char *input, exprs *x, bool compact, bool unquoted)
{
	kp_read_opts ro = {.raw = true, .warn = kpc_warn};
	kp_doc *d = kpc_read_first_doc(input ? input : "-", "input", &ro);
	if (!d)
		return 2;
	int status = 0;
	for (size_t i = 0; i < x->n; i++) {
		kp_error e;
		kp_error_clear(&e);
		kp_jmespath *jp = kp_jmespath_compile(x->v[i], mode, &e);
		const kp_value *v = jp ? kp_jmespath_eval(jp, kp_doc_root(d), &e) : NULL;
		if (!v) {
			expr_error(x->v[i], &e);
			status = 1;
		} else if (unquoted && kp_value_type(v) == KP_STRING) {
			size_t len;
			const char *s = kp_value_str(v, &len);
			fwrite(s, 1, len, stdout);
			putchar('\n');
		} else {
			char *json = kp_jmespath_json(v, compact ? 0 : 2, true);
			puts(json ? json : "null");
			free(json);
		}
		kp_jmespath_free(jp);
	}
	kp_doc_free(d);
	return status;
}

static int parse(int mode, exprs *x)
{
	int status = 0;
	for (size_t i = 0; i < x->n; i++) {
		kp_error e;
		kp_error_clear(&e);
		kp_jmespath *jp = kp_jmespath_compile(x->v[i], mode, &e);
		if (!jp) {
			expr_error(x->v[i], &e);
			status = 1;
			continue;
		}
		char *ast = kp_jmespath_ast(jp);
		printf("# %s\n%s\n", x->v[i], ast ? ast : ""); /* as Go's Fprintln */
		free(ast);
		kp_jmespath_free(jp);
	}
	return status;
}

typedef struct fn_filter {
	char **names;
	int n;
	int shown;
} fn_filter;

static void print_function(void *ud, const char *name, const char *sig, const char *note)
{
	fn_filter *f = ud;
	bool want = f->n == 0;
	for (int i = 0; i < f->n && !want; i++)
		want = !strcmp(f->names[i], name);
	if (!want)
		return;
	f->shown++;
	printf("Name: %s\n  Signature: %s\n", name, sig);
	if (note[0])
		printf("  Note:      %s\n", note);
	putchar('\n');
}

int kpc_cmd_jp(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(jp_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	static const struct option longopts[] = {
		{"input", required_argument, NULL, 'i'},
		{"query", required_argument, NULL, 'q'},
		{"file", required_argument, NULL, 'f'},
		{"compact", no_argument, NULL, 'c'},
		{"unquoted", no_argument, NULL, 'u'},
		{"plain", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int mode = KP_JMESPATH_KYVERNO;
	const char *input = NULL;
	bool compact = false, unquoted = false;
	exprs x = {0};
	x.v = kpc_xcalloc((size_t)argc + 1, sizeof(*x.v));
	x.owned = kpc_xcalloc((size_t)argc + 1, sizeof(*x.owned));
	const char **files = kpc_xcalloc((size_t)argc + 1, sizeof(*files));
	size_t n_files = 0;
	int status = 0, opt;
	optind = 2;
	while ((opt = getopt_long(argc, argv, "i:q:f:cuh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': input = optarg; break;
		case 'q':
		case 'f': files[n_files++] = optarg; break;
		case 'c': compact = true; break;
		case 'u': unquoted = true; break;
		case 'P': mode = KP_JMESPATH_PLAIN; break;
		case 'h': fputs(jp_usage, stdout); goto done;
		default: fputs(jp_usage, stderr); status = 2; goto done;
		}
	}
	if (!strcmp(sub, "function")) {
		fn_filter f = {argv + optind, argc - optind, 0};
		kp_jmespath_functions(mode, print_function, &f);
		if (f.n && f.shown == 0) {
			fprintf(stderr, "kpolicy: error: no such function\n");
			status = 1;
		}
		goto done;
	}
	for (int i = optind; i < argc; i++)
		x.v[x.n++] = argv[i];
	for (size_t i = 0; i < n_files; i++)
		if (add_file_expr(&x, files[i])) {
			status = 2;
			goto done;
		}
	if (x.n == 0 || (strcmp(sub, "query") && strcmp(sub, "parse"))) {
		fputs(jp_usage, stderr);
		status = 2;
		goto done;
	}
	status = !strcmp(sub, "query") ? query(mode, input, &x, compact, unquoted) : parse(mode, &x);
done:
	free_exprs(&x);
	free(files);
	return status;
}
