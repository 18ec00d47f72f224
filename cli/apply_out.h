/* apply_out.h - the two output formats of `kpolicy apply`.
 *
 * Each resource's rows are rendered into a per-resource buffer as soon as
 * it is evaluated (so evaluation can run on worker threads and the buffers
 * be written in input order); the text format keeps its failure blocks
 * until the end because kyverno apply prints its "Applying ..." header,
 * which needs the resource count, first. */
#ifndef KPC_APPLY_OUT_H
#define KPC_APPLY_OUT_H

#include "kpolicy.h"

#include <stdio.h>

typedef enum kpc_out_format { KPC_OUT_TEXT, KPC_OUT_JSON } kpc_out_format;

typedef struct kpc_counts {
	size_t pass, fail, warn, error, skip;
} kpc_counts;

/* Identity of the resource being reported (strings borrowed). */
typedef struct kpc_res_id {
	const char *api_version, *kind, *namespace, *name;
	const char *file;
	unsigned line, col;
} kpc_res_id;

/* Render one result row of resource `id` into `out` in format `fmt`.
 * `index` is the 1-based position of the row among the rows of this
 * (policy, resource), which kyverno apply prints as the rule number;
 * `first_of_policy` says whether a failure header is still due for this
 * (policy, resource) (text only; updated).  Counts are tallied in c. */
void kpc_out_row(kpc_out_format fmt, kp_buf *out, const kpc_res_id *id,
		 const kp_result *r, size_t index, int *header_done,
		 size_t rows_before, kpc_counts *c);

/* Write the report around the rows.  JSON: the rows were streamed between
 * kpc_out_begin and kpc_out_end.  Text: kpc_out_end prints the header, then
 * calls write_rows(ud, f) to copy the failure blocks held so far, then the
 * summary. */
void kpc_out_begin(kpc_out_format fmt, FILE *f);
void kpc_out_end(kpc_out_format fmt, FILE *f, size_t rules, size_t resources,
		 const kpc_counts *c, void (*write_rows)(void *ud, FILE *f), void *ud);

#endif
