/* cmd_cel.h - `kpolicy cel eval`: evaluate one CEL expression. */
#ifndef KPC_CMD_CEL_H
#define KPC_CMD_CEL_H

/* Exit status: 0 a value was printed, 1 the expression evaluated to an
 * error, 2 usage, unreadable input or an expression that does not compile. */
int kpc_cmd_cel(int argc, char **argv);

#endif
