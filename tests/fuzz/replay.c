/* replay - runs fuzz targets over files, outside libFuzzer (built with the
 * normal library by `make check`; tests/fuzz/regressions.test replays the
 * committed crash reproducers with it).
 *
 *   replay TARGET FILE...
 *
 * TARGET is a target's name (load_libyaml, load_libfyaml, loaders_diff,
 * pattern, policy, regex, jmespath).  Prints `ok FILE` per file; a finding aborts, as under
 * libFuzzer.  Exit status 2 for usage errors. */
#include "fuzz.h"

#include <string.h>

static const struct {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
} targets[] = {
	{"load_libyaml", kp_fuzz_load_libyaml},
	{"load_libfyaml", kp_fuzz_load_libfyaml},
	{"loaders_diff", kp_fuzz_loaders_diff},
	{"pattern", kp_fuzz_pattern},
	{"policy", kp_fuzz_policy},
	{"regex", kp_fuzz_regex},
	{"jmespath", kp_fuzz_jmespath},
	{"cel", kp_fuzz_cel},
};

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	int (*fn)(const uint8_t *, size_t) = NULL;
	for (size_t i = 0; argc > 1 && i < sizeof targets / sizeof *targets; i++)
		if (!strcmp(argv[1], targets[i].name) ||
		    (!strncmp(argv[1], "fuzz_", 5) && !strcmp(argv[1] + 5, targets[i].name)))
			fn = targets[i].fn;
	if (!fn) {
		fprintf(stderr, "usage: replay TARGET FILE...\n");
		return 2;
	}
	int status = 0;
	for (int i = 2; i < argc; i++) {
		size_t len = 0;
		uint8_t *buf = slurp(argv[i], &len);
		if (!buf) {
			fprintf(stderr, "replay: cannot read %s\n", argv[i]);
			status = 2;
			continue;
		}
		fn(buf, len);
		free(buf);
		printf("ok %s\n", argv[i]);
		fflush(stdout);
	}
	return status;
}
