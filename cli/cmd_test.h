/* cmd_test.h - `kpolicy test`: run Kyverno CLI test suites (kyverno-test.yaml). */
#ifndef KPC_CMD_TEST_H
#define KPC_CMD_TEST_H

/* Entry point of `kpolicy test PATH... [flags]`; argv[0] is "test".
 * Finds every test file named kyverno-test.yaml (-f to change) below each
 * PATH (a PATH that is a file is run as a test file), runs it and prints
 * what `kyverno test` prints (or -o json|yaml|junit).
 * Returns the exit status: 0 when every row matches, 1 when a row fails
 * (unsupported rows included), a test cannot load or a PATH is unreadable,
 * or --require-tests finds none; 2 for usage errors. */
int kpc_cmd_test(int argc, char **argv);

#endif
