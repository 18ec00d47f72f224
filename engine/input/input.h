/*
 * input/input.h - reading documents: the reader and the two YAML loaders
 * (private).
 */
#ifndef KP_INPUT_H
#define KP_INPUT_H

#include "value/value.h"

/* ------------------------------------------------------------------------
 * Loaders.  The reader cuts a stream into chunks at `---` lines at column 0
 * (a YAML document marker always starts a new document), so a syntax error
 * costs only its own chunk.  A loader parses one chunk, which may still
 * hold several documents (after `...`), into builder calls.
 * ---------------------------------------------------------------------- */
typedef struct kp_loader_ops {
	const char *name;
	/* Start parsing `len` bytes at `buf` (not NUL-terminated; the buffer
	 * outlives the session).  `line0` is the 0-based line of buf[0] in the
	 * file, added to every reported line.  Never NULL (OOM policy). */
	void *(*open)(const char *buf, size_t len, unsigned line0);
	/* Build the next document of the chunk into b.
	 *   1: a document was built (kp_build_root may be NULL or KP_NULL for an
	 *      empty one);  0: end of chunk;
	 *  -1: syntax or builder error, err filled with 1-based line/col; the
	 *      rest of the chunk is abandoned. */
	int (*next)(void *session, kp_builder *b, kp_error *err);
	void (*close)(void *session);
} kp_loader_ops;

/* The indentation of a block scalar's content (its first non-blank line),
 * from the byte offset of anything on its header line (`|`, `>`, or the
 * properties before them).  0 when there is no content. */
unsigned kp_block_indent(const char *buf, size_t len, size_t header_pos);

extern const kp_loader_ops kp_loader_libyaml;
extern const kp_loader_ops kp_loader_libfyaml;


#endif /* KP_INPUT_H */
