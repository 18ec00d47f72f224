/* cmd_jp.h - `kpolicy jp`: Kyverno's JMESPath from the command line. */
#ifndef KP_CLI_CMD_JP_H
#define KP_CLI_CMD_JP_H

/* `kpolicy jp query|function|parse ...` (like `kyverno jp`).  Exit status:
 * 0 done, 1 an expression failed to compile or evaluate, 2 usage or
 * unreadable input. */
int kp_cmd_jp(int argc, char **argv);

#endif
