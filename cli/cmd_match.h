/* cmd_match.h - `kpolicy match`: one bare pattern against one resource. */
#ifndef KPC_CMD_MATCH_H
#define KPC_CMD_MATCH_H

/* Exit status: 0 pass or skip, 1 fail or error, 2 unusable input or usage. */
int kpc_cmd_match(int argc, char **argv);

#endif
