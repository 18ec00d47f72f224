/* kpolicy - command line (placeholder until apply lands). */
#include "kpolicy.h"
#include "cmd_test.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "test"))
		return kp_cmd_test(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "version")) {
		printf("kpolicy %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: kpolicy COMMAND ...\n");
	return 2;
}
