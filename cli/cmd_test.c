/* cmd_test.c - `kpolicy test`: options, finding test files, exit status. */
#include "cmd_test.h"
#include "inputs.h"
#include "xalloc.h"
#include "test_report.h"
#include "testfile.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: kpolicy test PATH... [-f NAME] [-t policy=P,rule=R,resource=N]\n"
	"         [-o table|json|yaml|junit] [--fail-only] [--detailed-results]\n"
	"         [--remove-color] [--strict-excluded] [--require-tests]\n"
	"\n"
	"Runs Kyverno CLI test suites, like `kyverno test`: every test file named\n"
	"NAME below each PATH (or PATH itself when it is a file).\n"
	"\n"
	"  -f, --file-name NAME        test file name (default kyverno-test.yaml)\n"
	"  -t, --test-case-selector S  run only the cases S selects: a comma list of\n"
	"                              policy=, rule=, resource= wildcards (spaces\n"
	"                              around keys and values are ignored); a test\n"
	"                              with no selected case is not run or printed\n"
	"  -o, --output-format FMT     table (default), json, yaml or junit\n"
	"      --fail-only             print only failed cases; summary \"Y out of N\"\n"
	"      --detailed-results      add the MESSAGE column\n"
	"      --remove-color          no colours (also with NO_COLOR set, or when\n"
	"                              stdout is not a terminal)\n"
	"      --strict-excluded       a case whose resource the rule does not select\n"
	"                              fails (kyverno counts it as a pass, `Excluded`)\n"
	"      --require-tests         exit 1 when no test file is found\n"
	"  -h, --help                  this text\n"
	"\n"
	"Exit status: 0 every case as expected; 1 a case failed or a test could\n"
	"not be loaded; 2 usage.\n";

typedef struct found_tests {
	const char *file_name;
	char **paths;
	size_t n, cap;
	int status;
} found_tests;

static void add_path(found_tests *f, const char *path)
{
	f->paths = kpc_xgrow(f->paths, &f->cap, f->n + 1, sizeof(*f->paths));
	f->paths[f->n++] = kpc_xstrdup(path);
}

static void on_walk_error(void *ud, const kp_error *e)
{
	found_tests *f = ud;
	kpc_diag(stderr, "error", e);
	f->status = 1;
}

static int on_file(void *ud, const char *file, const kp_error *problem)
{
	if (problem) {
		on_walk_error(ud, problem);
		return 0;
	}
	found_tests *f = ud;
	const char *base = strrchr(file, '/');
	if (!strcmp(base ? base + 1 : file, f->file_name))
		add_path(f, file);
	return 0;
}

static void find_tests(found_tests *f, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		add_path(f, path);   /* a file named on the command line is a test file */
		return;
	}
	kp_error e;
	kp_error_clear(&e);
	if (kp_walk_inputs(path, on_file, f, &e) < 0)
		on_walk_error(f, &e);
}

/* Kyverno skips a test file when the selector keeps none of its cases
 * (test/command.go: `if len(filteredResults) == 0 { continue }`): it is
 * neither run nor printed.  A file that does not load is run (and fails). */
static bool filtered_out(const char *path, const kpc_test_selector *sel)
{
	kp_error e;
	kpc_testfile *t = kpc_testfile_load(path, &e);
	if (!t)
		return false;
	bool any = false;
	for (size_t i = 0; i < t->n_results && !any; i++) {
		const kpc_test_result *res = &t->results[i];
		if (!res->n_refs)
			any = kpc_test_selector_match(sel, res->policy, res->rule, NULL);
		for (size_t j = 0; j < res->n_refs && !any; j++)
			any = kpc_test_selector_match(sel, res->policy, res->rule, res->refs[j].text);
	}
	kpc_testfile_free(t);
	return !any;
}

int kpc_cmd_test(int argc, char **argv)
{
	enum { OPT_FAIL_ONLY = 256, OPT_DETAILED, OPT_NO_COLOR, OPT_STRICT_EXCLUDED,
	       OPT_REQUIRE_TESTS };
	static const struct option longopts[] = {
		{"file-name", required_argument, NULL, 'f'},
		{"test-case-selector", required_argument, NULL, 't'},
		{"output-format", required_argument, NULL, 'o'},
		{"fail-only", no_argument, NULL, OPT_FAIL_ONLY},
		{"detailed-results", no_argument, NULL, OPT_DETAILED},
		{"remove-color", no_argument, NULL, OPT_NO_COLOR},
		{"strict-excluded", no_argument, NULL, OPT_STRICT_EXCLUDED},
		{"require-tests", no_argument, NULL, OPT_REQUIRE_TESTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *file_name = "kyverno-test.yaml", *selector_spec = NULL;
	kpc_test_format format = KPC_TEST_TABLE;
	const char *no_color = getenv("NO_COLOR");   /* https://no-color.org */
	kpc_test_print_opts po = {.color = isatty(STDOUT_FILENO) && !(no_color && *no_color)};
	bool strict_excluded = false, require_tests = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:t:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': file_name = optarg; break;
		case 't': selector_spec = optarg; break;
		case 'o':
			if (!kpc_test_format_parse(optarg, &format)) {
				fprintf(stderr, "kpolicy: error: unknown output format \"%s\"\n%s",
					optarg, usage);
				return 2;
			}
			break;
		case OPT_FAIL_ONLY: po.fail_only = true; break;
		case OPT_DETAILED: po.detailed = true; break;
		case OPT_NO_COLOR: po.color = false; break;
		case OPT_STRICT_EXCLUDED: strict_excluded = true; break;
		case OPT_REQUIRE_TESTS: require_tests = true; break;
		case 'h': fputs(usage, stdout); return 0;
		case ':':
			fprintf(stderr, "kpolicy: error: option %s needs a value\n%s",
				argv[optind - 1], usage);
			return 2;
		default:
			fprintf(stderr, "kpolicy: error: unknown option %s\n%s", argv[optind - 1],
				usage);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "kpolicy: error: test needs a PATH\n%s", usage);
		return 2;
	}
	if (format != KPC_TEST_TABLE)
		po.color = false;
	kpc_test_selector sel = {0};
	if (selector_spec) {
		kp_error e;
		if (kpc_test_selector_parse(&sel, selector_spec, &e) < 0) {
			kpc_diag(stderr, "error", &e);
			return 2;
		}
	}

	found_tests f = {.file_name = file_name};
	for (int i = optind; i < argc; i++)
		find_tests(&f, argv[i]);
	int status = f.status;
	if (!f.n) {
		if (format == KPC_TEST_TABLE)
			printf("\nNo test yamls available\n");
		if (require_tests) {
			fprintf(stderr, "kpolicy: error: no test files named %s found\n", file_name);
			status = 1;
		}
	}

	kpc_test_report *reports = kpc_xcalloc(f.n + 1, sizeof(*reports));
	kpc_test_run_opts ro = {
		.strict_excluded = strict_excluded, .selector = selector_spec ? &sel : NULL,
		.log = format == KPC_TEST_TABLE ? stdout : NULL, .diag = stderr,
	};
	size_t n_run = 0;
	for (size_t i = 0; i < f.n; i++) {
		if (selector_spec && filtered_out(f.paths[i], &sel))
			continue;
		kpc_test_run(f.paths[i], &ro, &reports[n_run]);
		if (format == KPC_TEST_TABLE)
			kpc_test_print_table(stdout, &reports[n_run], &po);
		n_run++;
	}
	kpc_test_totals t = {0};
	for (size_t i = 0; i < n_run; i++)
		kpc_test_totals_add(&t, &reports[i]);
	if (t.failed)
		status = 1;
	switch (format) {
	case KPC_TEST_TABLE:
		if (f.n)
			kpc_test_print_summary(stdout, reports, n_run, &po);
		break;
	case KPC_TEST_JSON: kpc_test_print_json(stdout, reports, n_run); break;
	case KPC_TEST_YAML: kpc_test_print_yaml(stdout, reports, n_run); break;
	case KPC_TEST_JUNIT: kpc_test_print_junit(stdout, reports, n_run); break;
	}
	for (size_t i = 0; i < n_run; i++)
		kpc_test_report_fini(&reports[i]);
	for (size_t i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(reports);
	free(f.paths);
	kpc_test_selector_fini(&sel);
	fflush(stdout);
	return status;
}
