/* cmd_lint.c - `kpolicy lint POLICY...`: every policy document checked
 * against Kyverno's CRD schemas and Kyverno's policy validation
 * (kp_policy_check), then compiled as `kpolicy apply` would; one line per
 * problem, "FILE:LINE:COL: error: MESSAGE (at PATH) [WHAT KYVERNO DOES]",
 * the form editors and pre-commit show. */
#include "cmd_lint.h"
#include "inputs.h"
#include "xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: kpolicy lint [options] POLICY...\n"
	"\n"
	"Checks Kyverno policies (files or directories; - for stdin) strictly:\n"
	"against Kyverno's CRD schemas (unknown fields, types, enums, required\n"
	"fields), Kyverno's policy validation, and kpolicy's own compilation.\n"
	"Documents that are not Kyverno policies are skipped.\n"
	"\n"
	"      --exclude GLOB        leave out files and folders matching GLOB (repeatable)\n"
	"  -v, --verbose             also note each skipped document\n"
	"  -h, --help                this text\n"
	"\n"
	"Exit status: 0 no problems (warnings allowed); 1 a policy has problems;\n"
	"2 usage or unreadable input (missing file, YAML syntax error).\n";

typedef struct lint_ctx {
	bool verbose;
	size_t policies, errors, warnings;
	int unreadable;
} lint_ctx;

static const char *consequence(kp_check_level l)
{
	switch (l) {
	case KP_CHECK_ABORT: return "unknown field: the Kyverno CLI stops loading policies";
	case KP_CHECK_DROP: return "schema: the Kyverno CLI drops this policy";
	case KP_CHECK_INVALID: return "invalid: the Kyverno CLI skips this policy";
	case KP_CHECK_SUSPECT: return "the Kyverno CLI accepts this; apply and test warn";
	default: return NULL;
	}
}

static void print_problem(lint_ctx *c, const char *level, const kp_error *e, const char *what)
{
	printf("%s:%u:%u: %s: %s", e->file[0] ? e->file : "<stdin>", e->line, e->col, level, e->msg);
	if (e->path[0])
		printf(" (at %s)", e->path);
	if (what)
		printf(" [%s]", what);
	putchar('\n');
}

static void on_problem(void *ud, kp_check_level level, const kp_error *e)
{
	lint_ctx *c = ud;
	bool error = level >= KP_CHECK_SUSPECT;
	if (error)
		c->errors++;
	else
		c->warnings++;
	print_problem(c, error ? "error" : "warning", e, consequence(level));
}

static void lint_doc(lint_ctx *c, const kp_doc *d)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error e;
	kp_error_clear(&e);
	size_t before = c->errors;
	kp_check_level worst = kp_policy_check(d, on_problem, c);
	/* what Kyverno accepts must also compile for kpolicy */
	int rc = worst >= KP_CHECK_INVALID ? 1 : kp_policy_set_add(ps, d, &e);
	/* a PolicyException compiles too (its conditions, CEL matchConditions) */
	if (rc == 0 && kp_doc_kind(d) && !strcmp(kp_doc_kind(d), "PolicyException")) {
		kp_error_clear(&e);
		rc = kp_policy_set_add_exception(ps, d, &e);
	}
	if (rc == 0) {
		if (c->verbose)
			kpc_note_skipped(stderr, &e);
	} else {
		c->policies++;
		if (rc > 0 && e.code == KP_W_POLICY && e.expr_col) {
			/* loaded, but an expression does not compile: its rows
			 * will say so (validate.cel, ValidatingAdmissionPolicy) */
			c->warnings++;
			print_problem(c, "warning", &e, "the rows it decides fail or error");
		} else if (rc < 0 && c->errors == before && e.code == KP_E_UNSUPPORTED) {
			c->warnings++;   /* kpolicy's gap, not the policy's */
			print_problem(c, "warning", &e, "kpolicy does not support this yet");
		} else if (rc < 0 && c->errors == before) {
			c->errors++;
			print_problem(c, "error", &e, "kpolicy cannot load this policy");
		}
	}
	kp_policy_set_free(ps);
}

static int lint_file(void *ud, const char *file, const kp_error *problem)
{
	lint_ctx *c = ud;
	if (problem) {
		kpc_diag(stderr, "error", problem);
		c->unreadable = 1;
		return 0;
	}
	kp_read_opts ro = {.warn = kpc_warn};
	kp_error e;
	kp_reader *r = kp_reader_open_file(file, &ro, &e);
	if (!r) {
		kpc_diag(stderr, "error", &e);
		c->unreadable = 1;
		return 0;
	}
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &e)) != 0) {
		if (rc < 0 && e.code == KP_W_NOTRESOURCE) {
			if (c->verbose)
				kpc_note_skipped(stderr, &e);
		} else if (rc < 0 && e.code == KP_E_DOC) {
			if (c->verbose)
				kpc_note_skipped(stderr, &e);   /* not a mapping: not a policy */
		} else if (rc < 0) {
			kpc_diag(stderr, "error", &e);
			c->unreadable = 1;
		} else {
			lint_doc(c, d);
			kp_doc_free(d);
		}
	}
	kp_reader_close(r);
	return 0;
}

int kpc_cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"exclude", required_argument, NULL, 'X'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char **exclude = NULL;
	size_t n_exclude = 0;
	lint_ctx c = {0};
	int opt, status = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'X':
			exclude = kpc_xrealloc(exclude, (n_exclude + 1) * sizeof(*exclude));
			exclude[n_exclude++] = optarg;
			break;
		case 'v': c.verbose = true; break;
		case 'h':
			fputs(usage, stdout);
			free(exclude);
			return 0;
		default: status = 2; break;
		}
	}
	if (!status && optind == argc) {
		fprintf(stderr, "kpolicy lint: no policy given\n");
		status = 2;
	}
	if (status) {
		fputs(usage, stderr);
		free(exclude);
		return 2;
	}
	kp_walk_opts wo = {.skip_hidden = true, .exclude = exclude, .n_exclude = n_exclude};
	for (int i = optind; i < argc; i++) {
		kp_error e;
		if (kp_walk_inputs_opts(argv[i], &wo, lint_file, &c, &e) < 0) {
			kpc_diag(stderr, "error", &e);
			c.unreadable = 1;
		}
	}
	free(exclude);
	fflush(stdout);
	if (c.unreadable)
		return 2;
	return c.errors ? 1 : 0;
}
