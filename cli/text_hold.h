/* text_hold.h - the text report's failure blocks, held until the
 * header can be written (text_hold.c).  Private to the CLI. */
#ifndef KPC_TEXT_HOLD_H
#define KPC_TEXT_HOLD_H

#include "report.h"

#include <sys/types.h>

typedef struct kpc_held_text {
	const kpc_report *r;
	kp_buf held;               /* blocks not yet written out */
	int fd;                    /* where blocks go past KPC_TEXT_SPILL: stdout
	                              (direct) or the spill file; -1 before */
	bool direct_tried;
	bool direct;               /* fd is stdout's: see start_direct */
	int read_fd;               /* direct: stdout opened again for reading
	                              (`>` opens it write-only) */
	off_t base;                /* direct: where the header goes */
	size_t gap;                /* direct: room left for it */
	bool stuck;                /* direct: a write to stdout failed (a full
	                              disk); the blocks after it go to spill */
	off_t out_end;             /* stuck: where stdout's text ends */
	FILE *spill;
	struct kpc_count_job *job; /* the resource count running in its own
	                              thread (count_async), or NULL */
} kpc_held_text;

/* Start empty, for report r (its `out`, `planned` and resource estimate). */
void kpc_held_init(kpc_held_text *t, const kpc_report *r);
/* Append s[0, n): held in memory, or written out past 256 KiB. */
void kpc_held_add(kpc_held_text *t, const char *s, size_t n);
/* Write the header for summary s, then every block, on the report's out;
 * frees what t holds. */
void kpc_held_finish(kpc_held_text *t, const kpc_summary *s);

#endif
