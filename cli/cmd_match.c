/* cmd_match.c - `kpolicy match --pattern FILE --resource FILE`: evaluates a
 * bare validate pattern, for policy authors trying a pattern out. */
#include "cmd_match.h"

#include "inputs.h"

#include <getopt.h>
#include <string.h>

static const char match_usage[] =
	"usage: kpolicy match --pattern FILE --resource FILE [--yaml-parser NAME]\n"
	"\n"
	"Evaluates the validate pattern in FILE (the pattern tree itself, as under\n"
	"`validate.pattern`) against the first document of the resource file and\n"
	"prints pass, fail (with Kyverno's path and the resource's file:line:col),\n"
	"skip or error.  Exit status: 0 pass or skip, 1 fail or error, 2 usage or\n"
	"unusable input.\n";

int kpc_cmd_match(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"pattern", required_argument, NULL, 'P'},
		{"resource", required_argument, NULL, 'r'},
		{"yaml-parser", required_argument, NULL, 'Y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *pattern_file = NULL, *resource_file = NULL;
	kp_read_opts ro = {.raw = true, .warn = kpc_warn};
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'P': pattern_file = optarg; break;
		case 'r': resource_file = optarg; break;
		case 'Y': ro.parser = !strcmp(optarg, "libfyaml") ? KP_PARSER_LIBFYAML : KP_PARSER_LIBYAML; break;
		case 'h': fputs(match_usage, stdout); return 0;
		default: fputs(match_usage, stderr); return 2;
		}
	}
	if (!pattern_file || !resource_file || optind != argc) {
		fputs(match_usage, stderr);
		return 2;
	}
	kp_doc *pd = kpc_read_first_doc(pattern_file, "pattern", &ro);
	kp_doc *rd = pd ? kpc_read_first_doc(resource_file, "resource", &ro) : NULL;
	if (!rd) {
		kp_doc_free(pd);
		return 2;
	}
	kp_error e;
	kp_pattern *p = kp_pattern_compile(kp_doc_root(pd), &e);
	if (!p) {
		kpc_diag(stderr, "error", &e);
		kp_doc_free(pd);
		kp_doc_free(rd);
		return 2;
	}
	kp_match m;
	kp_pattern_match(p, kp_doc_root(rd), &m);
	int status = 0;
	switch (m.status) {
	case KP_STATUS_FAIL:
		printf("fail at path %s (%s:%u:%u)\n", m.path, kp_value_file(m.node),
		       kp_value_line(m.node), kp_value_col(m.node));
		status = 1;
		break;
	case KP_STATUS_ERROR:
		printf("error: %s\n", m.message);
		status = 1;
		break;
	default:
		printf("%s\n", kp_status_name(m.status));
		break;
	}
	kp_pattern_free(p);
	kp_doc_free(pd);
	kp_doc_free(rd);
	return status;
}
