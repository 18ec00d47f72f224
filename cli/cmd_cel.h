/* cmd_cel.h - `kpolicy cel eval`: evaluate one CEL expression. */
#ifndef KP_CLI_CMD_CEL_H
#define KP_CLI_CMD_CEL_H

/* Exit status: 0 a value was printed, 1 the expression evaluated to an
 * error, 2 usage, unreadable input or an expression that does not compile. */
int kp_cmd_cel(int argc, char **argv);

#endif
