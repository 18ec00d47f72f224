/* cmd_jp.h - `kpolicy jp`: Kyverno's JMESPath from the command line. */
#ifndef KPC_CMD_JP_H
#define KPC_CMD_JP_H

/* `kpolicy jp query|function|parse ...` (like `kyverno jp`).  Exit status:
 * 0 done, 1 an expression failed to compile or evaluate, 2 usage or
 * unreadable input. */
int kpc_cmd_jp(int argc, char **argv);

#endif
