/* doc_count.h - how many documents `kpolicy apply`'s inputs hold, by a
 * fast scan (doc_count.c). */
#ifndef KPC_DOC_COUNT_H
#define KPC_DOC_COUNT_H

#include "kpolicy.h"

#include <stddef.h>

/* About how many resources the inputs (walked as `apply` walks them)
 * hold: their documents, counted by `---` lines or by lines that start a
 * JSON object (empty documents, non-resources and `kind: List` items make
 * it differ from the real count).  SIZE_MAX when an input is not a
 * regular file (stdin, a pipe): it would have to be read twice; or when
 * an input is the file open on out_fd (-1: none): text written there
 * during the run would be read back as input. */
size_t kpc_count_documents(char *const *inputs, size_t n, const kp_walk_opts *wo, int out_fd);

#endif
