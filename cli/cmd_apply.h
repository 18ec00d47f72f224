/* cmd_apply.h - `kpolicy apply`. */
#ifndef KPC_CMD_APPLY_H
#define KPC_CMD_APPLY_H

/* Runs `kpolicy apply` (argv[0] == "apply").  Exit status: 0 nothing failed
 * or errored, 1 a rule failed or errored, 2 unusable input or usage (2 wins). */
int kpc_cmd_apply(int argc, char **argv);

#endif
