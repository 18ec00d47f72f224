/* cmd_match.h - `kpolicy match`: one bare pattern against one resource. */
#ifndef KP_CLI_CMD_MATCH_H
#define KP_CLI_CMD_MATCH_H

/* Exit status: 0 pass or skip, 1 fail or error, 2 unusable input or usage. */
int kp_cmd_match(int argc, char **argv);

#endif
