/*
 * yaml-events - libyaml's bare event parse, the floor of kpolicy's
 * parse-only run in `make bench`.
 *
 * Parses each file named on the command line with one libyaml parser
 * (yaml_parser_set_input_file, UTF-8) and deletes every event: no tree, no
 * typing, nothing kept.  Prints the number of documents and events, so the
 * run is checked to have read everything; exit 2 with libyaml's message at
 * the first syntax error.
 *
 *   bench/yaml-events FILE...
 */
#include <stdio.h>
#include <yaml.h>

static int parse_file(const char *path, unsigned long *docs, unsigned long *events)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		fclose(f);
		fprintf(stderr, "yaml-events: out of memory\n");
		return -1;
	}
	yaml_parser_set_input_file(&p, f);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	int rc = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "%s:%lu:%lu: %s\n", path,
				(unsigned long)p.problem_mark.line + 1,
				(unsigned long)p.problem_mark.column + 1,
				p.problem ? p.problem : "syntax error");
			rc = -1;
			break;
		}
		yaml_event_type_t t = ev.type;
		(*events)++;
		if (t == YAML_DOCUMENT_START_EVENT)
			(*docs)++;
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: yaml-events FILE...\n");
		return 2;
	}
	unsigned long docs = 0, events = 0;
	for (int i = 1; i < argc; i++)
		if (parse_file(argv[i], &docs, &events) < 0)
			return 2;
	printf("documents: %lu, events: %lu\n", docs, events);
	return 0;
}
