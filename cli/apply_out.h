/* apply_out.h - the two output formats of `kpolicy apply`.
 *
 * Each resource's rows are rendered into a per-resource buffer as soon as
 * it is evaluated (so evaluation can run on worker threads and the buffers
 * be written in input order); the text format keeps its failure blocks
 * until the end because kyverno apply prints its "Applying ..." header,
 * which needs the resource count, first. */
#ifndef KP_CLI_APPLY_OUT_H
#define KP_CLI_APPLY_OUT_H

#include "kpolicy.h"

#include <stdio.h>

typedef enum kp_out_format { KP_OUT_TEXT, KP_OUT_JSON } kp_out_format;

typedef struct kp_counts {
	size_t pass, fail, warn, error, skip;
} kp_counts;

/* Identity of the resource being reported (strings borrowed). */
typedef struct kp_res_id {
	const char *api_version, *kind, *namespace, *name;
	const char *file;
	unsigned line, col;
} kp_res_id;

/* Render one result row of resource `id` into `out` in format `fmt`.
 * `index` is the 1-based position of the row among the rows of this
 * (policy, resource), which kyverno apply prints as the rule number;
 * `first_of_policy` says whether a failure header is still due for this
 * (policy, resource) (text only; updated).  Counts are tallied in c. */
void kp_out_row(kp_out_format fmt, kp_buf *out, const kp_res_id *id,
		const kp_result *r, size_t index, int *header_done,
		size_t rows_before, kp_counts *c);

/* Write the report around the rows.  JSON: the rows were streamed between
 * kp_out_begin and kp_out_end.  Text: kp_out_end prints the header, then
 * calls write_rows(ud, f) to copy the failure blocks held so far, then the
 * summary. */
void kp_out_begin(kp_out_format fmt, FILE *f);
void kp_out_end(kp_out_format fmt, FILE *f, size_t rules, size_t resources,
		const kp_counts *c, void (*write_rows)(void *ud, FILE *f), void *ud);

#endif
