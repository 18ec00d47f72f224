/* cmd_lint.h - `kpolicy lint`: strict checking of policy files. */
#ifndef KPC_CMD_LINT_H
#define KPC_CMD_LINT_H

/* Exit status: 0 every policy is clean (warnings allowed), 1 a policy has
 * problems, 2 usage or unreadable input (missing file, YAML syntax). */
int kpc_cmd_lint(int argc, char **argv);

#endif
