/* kpolicy - command-line entry point: dispatches to the commands. */
#include "cmd_apply.h"
#include "cmd_jp.h"
#include "cmd_lint.h"
#include "cmd_cel.h"
#include "cmd_match.h"
#include "cmd_test.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: kpolicy COMMAND [ARGS]\n"
	"\n"
	"A fast, native evaluator for Kyverno policies.\n"
	"\n"
	"Commands:\n"
	"  apply     apply policies to resources and report results (like kyverno apply)\n"
	"  test      run Kyverno test suites (kyverno-test.yaml), like kyverno test\n"
	"  lint      check policies strictly against Kyverno's schemas and validation\n"
	"  match     evaluate one bare validate pattern against one resource\n"
	"  jp        JMESPath: query a document, list functions, parse (like kyverno jp)\n"
	"  cel       evaluate one CEL expression (cel eval EXPR [-i FILE])\n"
	"  version   print the version\n"
	"\n"
	"Run `kpolicy COMMAND --help` for a command's options.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "apply"))
		return kpc_cmd_apply(argc - 1, argv + 1);
	if (!strcmp(cmd, "test"))
		return kpc_cmd_test(argc - 1, argv + 1);
	if (!strcmp(cmd, "lint"))
		return kpc_cmd_lint(argc - 1, argv + 1);
	if (!strcmp(cmd, "cel"))
		return kpc_cmd_cel(argc - 1, argv + 1);
	if (!strcmp(cmd, "match"))
		return kpc_cmd_match(argc - 1, argv + 1);
	if (!strcmp(cmd, "jp"))
		return kpc_cmd_jp(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("kpolicy %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "kpolicy: unknown command '%s'\n\n%s", cmd, usage);
	return 2;
}
