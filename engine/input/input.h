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

/* The JSON fast path (load_json.c).  kp_json_sniff: the chunk's first
 * token (past a byte-order mark and a `---` marker) is `{` or `[`, so it is
 * worth trying as JSON.  kp_json_open: a session that reads the chunk as
 * JSON (JSON Lines: one document per top-level value) and hands it to the
 * `yaml` loader whenever it is not JSON that libyaml reads the same way;
 * use it with kp_loader_json.next/close.  kp_loader_json.open falls back to
 * libyaml. */
bool kp_json_sniff(const char *buf, size_t len);
void *kp_json_open(const char *buf, size_t len, unsigned line0, const kp_loader_ops *yaml);
extern const kp_loader_ops kp_loader_json;

/* The first document of the YAML text s[0..n) as sigs.k8s.io/yaml's
 * Unmarshal reads it (Kubernetes typing; an empty text is null), copied
 * into a (positions name `name`); NULL with err on a syntax error
 * (yaml_first.c). */
const kp_value *kp_yaml_first(kp_arena *a, const char *name, const char *s, size_t n,
			      kp_error *err);

#endif /* KP_INPUT_H */
