/*
 * kpolicy.h - the one public header of libkpolicy, a native evaluator for
 * Kyverno validate policies.
 *
 * Shape of the API (after jq and PCRE2: compile once, run per input):
 *   1. read documents with a kp_reader (YAML or JSON, multi-document);
 *   2. add policy documents to a kp_policy_set (each rule's pattern is
 *      compiled once, pod-controller autogen rules are generated);
 *   3. call kp_evaluate() for each resource document; results arrive through
 *      a callback, one per (policy, rule) that selects the resource.
 *
 * Conventions:
 *   - Every function that can fail takes a `kp_error *err` last; it may be
 *     NULL.  Functions return NULL or -1 on failure and never exit.
 *   - Every *_new / *_open / *_load has a matching *_free / *_close that
 *     accepts NULL.
 *   - A `const T *` result is borrowed: it stays valid while its owner lives
 *     (the owner is named in each comment).  Nothing returned here is to be
 *     passed to free() unless the comment says so.
 *   - Positions are 1-based; columns count Unicode code points.  0 means
 *     unknown.
 */
#ifndef KPOLICY_H
#define KPOLICY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the library's exported interface: the shared library exports these
 * symbols and no others (the engine is built with -fvisibility=hidden). */
#if defined(__GNUC__) && !defined(KP_STATIC_INTERNAL)
#define KP_API __attribute__((visibility("default")))
#else
#define KP_API
#endif

/* ------------------------------------------------------------------------
 * Memory
 *
 * Out-of-memory policy (one for the whole library): an allocation that
 * fails is fatal.  libkpolicy then calls the handler set with
 * kp_set_oom_handler (default: print "kpolicy: out of memory" to stderr
 * and abort()).  A handler must not return (it may longjmp out of the
 * library, leaving every object it was working on unusable, or exit);
 * if it returns, abort() is called.  No function of this header reports
 * out-of-memory through its return value, so no verdict ever depends on
 * how much memory was free.
 * ---------------------------------------------------------------------- */
typedef void (*kp_oom_handler)(size_t bytes_wanted);
/* Set the handler (NULL restores the default).  Process-wide; set it
 * before any other call. */
KP_API void kp_set_oom_handler(kp_oom_handler h);

/* An arena: a bump allocator whose memory is all released at once.  The
 * library keeps documents, compiled policies and evaluation scratch in
 * arenas; it is public so that embedders can keep what they derive from
 * results next to them.  Not thread-safe: one arena, one thread at a time. */
typedef struct kp_arena kp_arena;

KP_API kp_arena *kp_arena_new(void);
KP_API void kp_arena_free(kp_arena *a);             /* accepts NULL */
/* Release everything but keep the first chunk for reuse. */
KP_API void kp_arena_reset(kp_arena *a);
/* Zeroed, 16-byte aligned memory (never NULL: see the OOM policy). */
KP_API void *kp_arena_alloc(kp_arena *a, size_t n);
KP_API char *kp_arena_strndup(kp_arena *a, const char *s, size_t n);
KP_API char *kp_arena_strdup(kp_arena *a, const char *s);
KP_API char *kp_arena_printf(kp_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for limits and benchmarks). */
KP_API size_t kp_arena_used(const kp_arena *a);

/* A growable text buffer, on the heap (arena NULL) or in an arena.  A
 * zeroed kp_buf is an empty heap buffer.  `data` is NUL-terminated once
 * anything was added (kp_buf_str always gives a string).  Not thread-safe. */
typedef struct kp_buf {
	char *data;
	size_t len, cap;
	kp_arena *arena;          /* NULL: heap memory, released by kp_buf_free */
} kp_buf;

KP_API void kp_buf_init(kp_buf *b, kp_arena *arena);
KP_API void kp_buf_add(kp_buf *b, const char *s, size_t n);
KP_API void kp_buf_puts(kp_buf *b, const char *s);
KP_API void kp_buf_printf(kp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
KP_API void kp_buf_vprintf(kp_buf *b, const char *fmt, va_list ap);
/* Room for n more bytes and the NUL: where to write them.  A writer that
 * knows its bound writes straight there, then sets `len` to its end and
 * stores the NUL (kp_buf_room is the inline form that grows only when the
 * room is short). */
KP_API char *kp_buf_reserve(kp_buf *b, size_t n);
static inline char *kp_buf_room(kp_buf *b, size_t n)
{
	return b->cap - b->len > n ? b->data + b->len : kp_buf_reserve(b, n);
}
/* s (n bytes) as a JSON string literal, quotes included; NULL gives null.
 * Escapes `"`, `\` and bytes below 0x20 (NUL too); copies the rest. */
KP_API void kp_buf_json_str(kp_buf *b, const char *s, size_t n);
KP_API void kp_buf_json_cstr(kp_buf *b, const char *s);
KP_API const char *kp_buf_str(kp_buf *b);
KP_API void kp_buf_reset(kp_buf *b);       /* empty, capacity kept */
KP_API void kp_buf_free(kp_buf *b);        /* heap memory released */
/* Write the contents to f and empty the buffer. */
KP_API void kp_buf_flush(kp_buf *b, FILE *f);

/* ------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------- */

/* What kind of failure a kp_error describes. */
typedef enum kp_code {
	KP_OK = 0,
	KP_E_IO,      /* a file or directory could not be read */
	KP_E_YAML,    /* YAML/JSON syntax error */
	KP_E_DOC,     /* a well-formed document that is not a usable resource
	                 (not a mapping, no kind) */
	KP_E_POLICY,  /* a policy document that is invalid */
	KP_E_PATTERN, /* a pattern that cannot be compiled */
	KP_E_LIMIT,   /* a configured limit (depth, alias expansion, size) */
	KP_E_USAGE,   /* bad arguments to a call or the command line */
	KP_E_NOMEM,   /* unused: out-of-memory is fatal (see "Memory") */
	KP_E_UNSUPPORTED, /* a feature kpolicy does not implement yet:
	                     `feature` names it ("validate.deny", ...) */
	KP_E_EXPR,    /* an expression (JMESPath, CEL) that does not compile:
	                 expr_line / expr_col locate it inside the expression */
	KP_W_DUPKEY,  /* warning: duplicate mapping key (last value wins) */
	KP_W_NOTPOLICY, /* warning: a document given as policy is not one */
	KP_W_POLICY,  /* warning about a policy (a kind kpolicy cannot run, ...) */
	KP_W_NOTRESOURCE, /* a mapping document without `kind` (a CI workflow,
	                    a chart's metadata...): not a Kubernetes resource;
	                    `kpolicy apply` skips it with a note */
	KP_W_SUSPECT     /* warning: a policy Kyverno accepts that is almost
	                    certainly a mistake (KP_CHECK_SUSPECT) */
} kp_code;

/* A caller-provided error record (no allocation on error paths, after
 * jansson's json_error_t).  `file`, `line`, `col` locate the problem in the
 * input; `path` is where in the document it is, as a JSON-pointer-like
 * string ("/spec/rules/0/validate/pattern") or "" when not known. */
typedef struct kp_error {
	kp_code code;
	unsigned line, col;
	char file[512];
	char path[512];
	char msg[1024];
	/* KP_E_UNSUPPORTED: the feature's name; else "". */
	char feature[64];
	/* An error inside an expression (KP_E_EXPR and runtime errors of one):
	 * the line of the expression holding the offending character and its
	 * 1-based column in that line (code points); "" and 0 otherwise.
	 * line/col above then give the same character's place in the file,
	 * mapped through a block scalar's indentation. */
	char expr_line[256];
	unsigned expr_col;
} kp_error;

/* Fill `err` (if not NULL) with code, position and a printf-style message.
 * `file` may be NULL.  Always returns -1 so callers can `return kp_errorf(...)`. */
KP_API int kp_errorf(kp_error *err, kp_code code, const char *file, unsigned line,
	      unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Clear `err` to KP_OK with empty strings. */
KP_API void kp_error_clear(kp_error *err);

/* Format as "file:line:col: msg (at path)" (parts that are unknown are
 * left out) into buf (size n, always NUL-terminated), followed, for an
 * error inside an expression, by the expression line and a caret under the
 * column, as jq shows compile errors:
 *     file:3:14: unknown function: foo() (at /spec/rules/0/...)
 *         foo(request.object)
 *         ^
 * Returns buf. */
KP_API char *kp_error_format(const kp_error *err, char *buf, size_t n);

/* ------------------------------------------------------------------------
 * Values: the document tree
 * ---------------------------------------------------------------------- */

/* A node of a document tree.  Owned by the document (or policy, pattern)
 * that produced it; read-only for callers.  Every node knows the file, line
 * and column it was read from (a node reached through a YAML alias carries
 * the position of the anchored node). */
typedef struct kp_value kp_value;

typedef enum kp_type {
	KP_NULL, KP_BOOL, KP_INT, KP_FLOAT, KP_STRING, KP_SEQ, KP_MAP
} kp_type;

KP_API kp_type kp_value_type(const kp_value *v);        /* KP_NULL for v == NULL */
KP_API bool kp_value_bool(const kp_value *v);           /* false unless KP_BOOL true */
KP_API int64_t kp_value_int(const kp_value *v);         /* 0 unless KP_INT */
KP_API double kp_value_float(const kp_value *v);        /* KP_FLOAT or KP_INT as double, else 0 */
/* String bytes (not NUL-terminated in general; a NUL follows the last byte
 * for strings built by the loaders).  NULL unless KP_STRING.  `len` may be NULL. */
KP_API const char *kp_value_str(const kp_value *v, size_t *len);
KP_API size_t kp_value_len(const kp_value *v);          /* items of a seq / pairs of a map, else 0 */
KP_API const kp_value *kp_value_at(const kp_value *seq, size_t i);      /* NULL if out of range */
KP_API const kp_value *kp_value_key_at(const kp_value *map, size_t i);  /* a KP_STRING key */
KP_API const kp_value *kp_value_val_at(const kp_value *map, size_t i);
/* Lookup of a key in a map; NULL when v is not a map or has no such key
 * (a present key with a null value gives a KP_NULL node, not NULL). */
KP_API const kp_value *kp_value_get(const kp_value *map, const char *key);
/* Follows a '/'-separated path of map keys and sequence indices
 * ("metadata/name", "spec/containers/0/image"). NULL when absent. */
KP_API const kp_value *kp_value_path(const kp_value *v, const char *path);
/* The string at `path` below v, NUL-terminated, or NULL if absent or not a string. */
KP_API const char *kp_value_path_str(const kp_value *v, const char *path);
KP_API const char *kp_value_file(const kp_value *v);
KP_API unsigned kp_value_line(const kp_value *v);
KP_API unsigned kp_value_col(const kp_value *v);

/* ------------------------------------------------------------------------
 * Reading documents
 * ---------------------------------------------------------------------- */

typedef enum kp_yaml_parser {
	KP_PARSER_LIBYAML = 0, /* default: measured fastest */
	KP_PARSER_LIBFYAML
} kp_yaml_parser;

/* How plain (unquoted) scalars become typed values. */
typedef enum kp_typing {
	/* As Kubernetes reads YAML (sigs.k8s.io/yaml: go-yaml v2, YAML 1.1
	 * rules, then a JSON round trip): yes/no/on/off are booleans, integral
	 * numbers are int64, others float64, non-string keys become strings. */
	KP_TYPING_KUBERNETES = 0,
	/* Plain YAML 1.2 core schema: true/false, null/~, ints, floats. Used for
	 * test-vector files, whose README asks for `8` int and `8.0` float. */
	KP_TYPING_YAML12
} kp_typing;

/* Options for reading.  Zero-initialise and set what you need; zero fields
 * take the documented defaults. */
/* The one warning channel: called with a KP_W_* record, valid only
 * during the call. */
typedef void (*kp_warn_cb)(void *ud, const kp_error *w);

typedef struct kp_read_opts {
	kp_yaml_parser parser;
	kp_typing typing;
	/* true: yield every non-empty document as it is (no kind check, no
	 * `kind: List` expansion). Used for test files, values files, vectors. */
	bool raw;
	size_t max_depth;        /* nesting limit, default 1000 */
	size_t max_alias_nodes;  /* nodes reachable through aliases per document, default 1,000,000 */
	size_t max_doc_bytes;    /* default 256 MiB */
	/* Lines before the input (for a piece cut out of a larger file, e.g.
	 * by kp_reader_next_chunk): added to every reported line. */
	unsigned first_line;
	/* Called for warnings (duplicate keys, ...); NULL prints nothing. */
	kp_warn_cb warn;
	void *warn_ud;
} kp_read_opts;

/* One document: its tree and the arena that holds it. */
typedef struct kp_doc kp_doc;

/* A stream of documents from one file, stdin ("-") or a memory buffer. */
typedef struct kp_reader kp_reader;

/* Open `path` ("-" reads standard input).  `opts` may be NULL (defaults).
 * The input is read a block at a time as documents are taken, so memory
 * follows the largest document.  NULL on error (KP_E_IO). */
KP_API kp_reader *kp_reader_open_file(const char *path, const kp_read_opts *opts,
			       kp_error *err);
/* Read from `buf` (len bytes), reported under `name`.  The buffer is copied. */
KP_API kp_reader *kp_reader_open_mem(const char *name, const char *buf, size_t len,
			      const kp_read_opts *opts, kp_error *err);
/* A chunk (see kp_reader_next_chunk) inside a batch of chunks: buf[off,
 * off + len), first_line as kp_reader_next_chunk gave it. */
typedef struct kp_chunk_mark {
	size_t off, len;
	unsigned first_line;
} kp_chunk_mark;
/* Like kp_reader_open_mem, without the copy: `buf` (len bytes, need not be
 * NUL-terminated) is only read, and must stay valid and unchanged until
 * kp_reader_close.  `marks` (n_marks, borrowed likewise; NULL: none) are
 * the chunks kp_reader_next_chunk cut the batch into, in order: given,
 * the input is not scanned again and opts.first_line is not used. */
KP_API kp_reader *kp_reader_open_borrowed(const char *name, const char *buf, size_t len,
				   const kp_chunk_mark *marks, size_t n_marks,
				   const kp_read_opts *opts, kp_error *err);
/* Next document of the stream.
 *   1: *out is a new document, to be released with kp_doc_free();
 *   0: end of the stream;
 *  -1: one document (or stretch of input) was unusable; err says where and
 *      why.  Call again: reading resumes after a syntax error at the next
 *      `---` line at column 0, and the documents before it are kept.
 * Empty, null and comment-only documents are skipped silently.  Unless
 * opts.raw, a document that is not a mapping or lacks `kind` gives -1
 * (KP_E_DOC), and a `kind: List` yields each of its items in turn.
 * The items of one `kind: List` share memory (the List's arena): each is a
 * kp_doc of its own, freed with kp_doc_free in any order (the memory goes
 * with the last one), but the sharing is not thread-safe: free, normalise
 * (kp_doc_normalize_resource allocates in that arena) and otherwise change
 * the items of one List from one thread at a time.  Evaluating them in
 * several threads at once is fine.
 * Duplicate keys: the last value wins, a KP_W_DUPKEY warning names both. */
KP_API int kp_reader_next(kp_reader *r, kp_doc **out, kp_error *err);
KP_API void kp_reader_close(kp_reader *r);

/* Raw access, for parsing pieces of one stream in parallel: the next chunk
 * of the input, cut before the next `---` line at column 0 (such a line
 * always starts a new YAML document).  *data (len bytes, not
 * NUL-terminated) stays valid until the next call; *first_line is the
 * 1-based line of its first byte.  Parse it with kp_reader_open_mem and
 * opts.first_line = *first_line - 1.  1: a chunk; 0: end of input; -1: an
 * error (read error, or a chunk over max_doc_bytes, which is skipped): call
 * again to go on.  Do not mix with kp_reader_next on the same reader. */
KP_API int kp_reader_next_chunk(kp_reader *r, const char **data, size_t *len,
			 unsigned *first_line, kp_error *err);

KP_API const kp_value *kp_doc_root(const kp_doc *d);     /* borrowed from d */
KP_API const char *kp_doc_file(const kp_doc *d);         /* the reader's name for the input */
/* Identity of a resource document: "" when absent (never NULL). */
KP_API const char *kp_doc_api_version(const kp_doc *d);
KP_API const char *kp_doc_kind(const kp_doc *d);
KP_API const char *kp_doc_name(const kp_doc *d);
KP_API const char *kp_doc_namespace(const kp_doc *d);
/* Release d (NULL accepted).  Items of one `kind: List` share memory: see
 * kp_reader_next. */
KP_API void kp_doc_free(kp_doc *d);

/* Apply the Kyverno CLI's normalisation of resources before evaluation:
 * `metadata.namespace: default` for namespaced or unknown kinds without one,
 * null labels/annotations/matchLabels/nodeSelector/data/stringData become {}.
 * Mirrors kyverno cmd/cli/kubectl-kyverno/resource/resource.go. */
KP_API void kp_doc_normalize_resource(kp_doc *d);

/* True if (apiVersion's group, kind) is cluster-scoped in the Kyverno CLI's
 * built-in discovery data. */
KP_API bool kp_kind_is_cluster_scoped(const char *api_version, const char *kind);

/* Calls cb(ud, file, NULL) for `path` itself when it is a file (any name)
 * or "-", or for every *.yaml, *.yml, *.json below it when it is a
 * directory, recursively, in byte-sorted order (strcmp of entry names, a
 * directory's entries in place of its name), following symbolic links but
 * not loops (a directory already open on the current path).
 * Entries that cannot be read (a directory that cannot be opened, a
 * dangling link named like an input, a loop) do not stop the walk: they
 * reach cb in their place in the order as cb(ud, entry_path, problem) with
 * problem->code KP_E_IO and a message; `problem` is only valid during the
 * call.  A nonzero return from cb stops the walk and is returned.
 * Returns 0 when done, -1 with err (KP_E_IO) if `path` itself cannot be
 * read. */
KP_API int kp_walk_inputs(const char *path,
		   int (*cb)(void *ud, const char *file, const kp_error *problem),
		   void *ud, kp_error *err);

/* How `kpolicy apply` walks its inputs (kp_walk_inputs_opts). */
typedef struct kp_walk_opts {
	/* Entries found below a directory whose name starts with '.' (files
	 * and whole folders: .git/, .github/, .kyverno-test/, .chainsaw-test/)
	 * are not read, as Kyverno's policy loader (fsLoad) skips them.  A
	 * path named by the caller is read whatever its name. */
	bool skip_hidden;
	/* fnmatch(3) globs (flags 0: `*` also matches '/').  An entry is left
	 * out (a directory is not entered) when a glob matches its name, or,
	 * for a glob holding a '/', its path relative to the named directory;
	 * a named path is left out when a glob matches its base name or the
	 * path as given.  Borrowed for the call. */
	const char *const *exclude;
	size_t n_exclude;
} kp_walk_opts;

/* kp_walk_inputs with options; `o` NULL is kp_walk_inputs. */
KP_API int kp_walk_inputs_opts(const char *path, const kp_walk_opts *o,
			int (*cb)(void *ud, const char *file, const kp_error *problem),
			void *ud, kp_error *err);

/* Kyverno's wildcard match (ext/wildcard, as used for values, names,
 * namespaces, kinds and selectors): `*` any run of characters (also none),
 * `?` exactly one character (a UTF-8 code point; an invalid byte counts as
 * one), everything else literal and case-sensitive, whole string.  An empty
 * pattern matches only "".  Linear-time per star: O(plen * tlen) at worst. */
KP_API bool kp_wildcard_match(const char *pat, size_t plen, const char *text,
		       size_t tlen);

/* ------------------------------------------------------------------------
 * Patterns (validate.pattern), usable on their own
 * ---------------------------------------------------------------------- */

typedef enum kp_status {
	KP_STATUS_PASS = 0, KP_STATUS_FAIL, KP_STATUS_WARN, KP_STATUS_ERROR,
	KP_STATUS_SKIP
} kp_status;

/* "pass", "fail", "warn", "error", "skip". */
KP_API const char *kp_status_name(kp_status s);

/* A compiled pattern: anchors, operators, wildcards and alternations are
 * resolved once.  Does not borrow from the value it was compiled from. */
typedef struct kp_pattern kp_pattern;

/* The outcome of matching one pattern against one resource tree, as
 * Kyverno's validate.MatchPattern + validatePatterns decide it
 * (kyverno-semantics.md sections 1-9):
 *   PASS; FAIL with `path` ("/spec/containers/0/image/"); SKIP (conditional
 *   or global anchor not satisfied); ERROR (failure with an empty path,
 *   e.g. an unmet conditional anchor key) with `message`.
 * `node` is the deepest resource node that exists along `path` (or the root). */
typedef struct kp_match {
	kp_status status;
	const kp_value *node;
	char path[1024];
	char message[1024];
} kp_match;

KP_API kp_pattern *kp_pattern_compile(const kp_value *pattern, kp_error *err);
KP_API void kp_pattern_match(const kp_pattern *p, const kp_value *resource,
		      kp_match *out);
KP_API void kp_pattern_free(kp_pattern *p);

/* ------------------------------------------------------------------------
 * Policies
 * ---------------------------------------------------------------------- */

/* A set of compiled Kyverno policies (ClusterPolicy and Policy,
 * kyverno.io/v1 and v2beta1), with pod-controller autogen rules added
 * exactly as Kyverno's autogen v1 does. */
typedef struct kp_policy_set kp_policy_set;
typedef struct kp_policy kp_policy;

KP_API kp_policy_set *kp_policy_set_new(void);
KP_API void kp_policy_set_free(kp_policy_set *ps);
/* Compile the policy in `doc` and add it.  The set does not borrow from doc.
 * The document is first checked as kp_policy_check does; a problem for which
 * Kyverno rejects the policy (KP_CHECK_INVALID and worse) fails the call.
 *   1: added (warnings, as kp_policy_set_on_warning says: KP_W_POLICY for
 *      a kind kpolicy does not run, KP_W_SUSPECT for the first
 *      KP_CHECK_SUSPECT problem);
 *   0: the document is not a Kyverno policy (err carries a KP_W_NOTPOLICY
 *      warning naming file:line:col);
 *  -1: an invalid policy (KP_E_POLICY / KP_E_PATTERN with file:line:col).
 * A ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io v1,
 * v1beta1, v1alpha1) is taken too (1) but adds no policy: at
 * kp_policy_set_seal it joins the ValidatingAdmissionPolicy its
 * spec.policyName names, in the order bindings were added. */
KP_API int kp_policy_set_add(kp_policy_set *ps, const kp_doc *doc, kp_error *err);
/* A parameter resource for ValidatingAdmissionPolicy bindings' paramRef
 * (`kyverno apply --parameter-resource`, the test file's
 * `paramResources`), copied; before kp_policy_set_seal.  Every policy sees
 * every parameter resource, as in the Kyverno CLI (a paramRef picks by
 * metadata.name, or by its label selector; kind and namespace play no
 * part).  0, or -1 with err (KP_E_USAGE: no document, or a sealed set).
 * Not thread-safe (loading). */
KP_API int kp_policy_set_add_param(kp_policy_set *ps, const kp_doc *doc, kp_error *err);
/* Ends loading: builds the rule index (rules by the kinds they can select)
 * so that kp_evaluate takes no lock.  Idempotent.  After it,
 * kp_policy_set_add gives -1 (KP_E_USAGE). */
KP_API void kp_policy_set_seal(kp_policy_set *ps);
/* Where warnings about policies go (a kind kpolicy cannot run, ...): cb is
 * called during kp_policy_set_add with a KP_W_* record valid for the call.
 * Without a callback the warning is left in kp_policy_set_add's err. */
KP_API void kp_policy_set_on_warning(kp_policy_set *ps, kp_warn_cb cb, void *ud);
/* Strict checking on add (the default, as the Kyverno CLI's loader), or not
 * (strict false: as Kyverno's engine takes policies built in Go, e.g. by its
 * unit tests; kp_policy_set_add then only fails on what kpolicy cannot
 * compile). */
KP_API void kp_policy_set_strict(kp_policy_set *ps, bool strict);
KP_API size_t kp_policy_set_count(const kp_policy_set *ps);
KP_API const kp_policy *kp_policy_set_at(const kp_policy_set *ps, size_t i);
/* Rules counted as `kyverno apply` counts them in "Applying N policy
 * rule(s)": every rule of every ClusterPolicy/Policy, autogen rules
 * included, and one for each policy of a CEL kind (ValidatingPolicy,
 * ValidatingAdmissionPolicy, ...; supported or not). */
KP_API size_t kp_policy_set_rule_count(const kp_policy_set *ps);

KP_API const char *kp_policy_name(const kp_policy *p);
/* The namespace of a namespaced Policy ("default" when it names none);
 * NULL for a ClusterPolicy. */
KP_API const char *kp_policy_namespace(const kp_policy *p);
KP_API size_t kp_policy_rule_count(const kp_policy *p);       /* autogen rules included */
/* Non-NULL when p is a Kyverno policy kind kpolicy cannot evaluate yet
 * (ValidatingPolicy and the other CEL kinds, ValidatingAdmissionPolicy,
 * ...): the kind name.  Such a policy has no rules and gives no results;
 * kp_policy_set_add still returns 1 for it, with a warning in err. */
KP_API const char *kp_policy_unsupported(const kp_policy *p);
KP_API const char *kp_policy_rule_name(const kp_policy *p, size_t i);

/* How much a problem found by kp_policy_check weighs, as Kyverno treats it
 * (ordered: a higher level is worse). */
typedef enum kp_check_level {
	KP_CHECK_CLEAN = 0,
	/* Kyverno accepts it; worth a look (deprecated lowercase audit/enforce,
	 * a kind the CLI's discovery data lacks, e.g. a custom resource). */
	KP_CHECK_WARN,
	/* Kyverno's CLI accepts it, but it is almost certainly a mistake
	 * (no rules; a kind one typo away from a known one, which a cluster
	 * rejects): `kpolicy lint` fails, apply and test warn. */
	KP_CHECK_SUSPECT,
	/* Kyverno's policy validation rejects the policy: the CLI skips it
	 * ("Policies Skipped") and goes on with the others. */
	KP_CHECK_INVALID,
	/* Not valid against Kyverno's CRD schema (type, enum, required...):
	 * the CLI's loader drops the document with an error and goes on. */
	KP_CHECK_DROP,
	/* An unknown field: the CLI's loader stops the whole load. */
	KP_CHECK_ABORT
} kp_check_level;

/* "warning", "suspect", "invalid", "schema", "unknown field". */
KP_API const char *kp_check_level_name(kp_check_level l);

/* Strict checking of one document, as `kpolicy lint` runs it and as
 * kp_policy_set_add runs it before loading: Kyverno's CRD schema of the
 * document's apiVersion and kind (every field, type and enum, from tables
 * generated from Kyverno's CRDs) and Kyverno's own policy validation
 * (podSecurity control names; plus the checks of KP_CHECK_SUSPECT/WARN).
 * cb(ud, level, problem) is called for each problem, `problem` naming
 * file:line:col, the field path and a message (valid during the call).
 * Returns the highest level seen (KP_CHECK_CLEAN when none, and for
 * documents that are not Kyverno policies or have no Kyverno schema).
 * Thread-safe; reads the document only. */
typedef void (*kp_check_cb)(void *ud, kp_check_level level, const kp_error *problem);
KP_API kp_check_level kp_policy_check(const kp_doc *doc, kp_check_cb cb, void *ud);

/* ------------------------------------------------------------------------
 * Evaluation
 * ---------------------------------------------------------------------- */

/* Who sends the request (match/exclude roles, clusterRoles, subjects).
 * Built from a `kind: UserInfo` / RequestInfo document:
 *   {roles: [...], clusterRoles: [...], userInfo: {username, groups: [...]}} */
typedef struct kp_userinfo kp_userinfo;
KP_API kp_userinfo *kp_userinfo_from_value(const kp_value *v, kp_error *err);
KP_API void kp_userinfo_free(kp_userinfo *u);

/* A Kyverno CLI values file (`kind: Values`): globalValues,
 * policies[].resources[].values and rules[].values / foreachValues become
 * variables as the Kyverno CLI layers them (kyverno-rules.md §7);
 * namespaceSelector gives namespace labels for match.namespaceSelector,
 * subresources map kinds to parent/subresource. */
typedef struct kp_values kp_values;
KP_API kp_values *kp_values_from_value(const kp_value *v, kp_error *err);
/* `kyverno apply --set k=v,k2=v2`: string values split on `,`; an item
 * without exactly one `=` or with an empty side is ignored, as are keys
 * holding "request.object."; the first of a repeated key wins.  Never NULL. */
KP_API kp_values *kp_values_from_set(const char *kv);
KP_API void kp_values_free(kp_values *vals);

/* Limits of one evaluation, after PCRE2's match context: zero fields take
 * the defaults. */
typedef struct kp_eval_limits {
	/* Nesting of patterns and expressions evaluated (the evaluators
	 * recurse on the C stack); default and maximum 4000.  A deeper
	 * pattern gives an `error` row. */
	size_t max_depth;
	/* Steps of expression evaluation (JMESPath, CEL) per rule; default
	 * 10,000,000. */
	uint64_t max_steps;
	/* PCRE2 match and depth limits for regular expressions; defaults
	 * 10,000,000 and 10,000. */
	uint32_t regex_match_limit, regex_depth_limit;
} kp_eval_limits;

/* Per-thread evaluation state: reusable scratch memory, the limits and,
 * later, variable bindings.  Create one per thread and pass it to every
 * kp_evaluate of that thread; never share one between threads at once. */
typedef struct kp_eval_ctx kp_eval_ctx;

/* `limits` may be NULL (defaults).  Never NULL (OOM policy). */
KP_API kp_eval_ctx *kp_eval_ctx_new(const kp_eval_limits *limits);
KP_API void kp_eval_ctx_free(kp_eval_ctx *ctx);          /* accepts NULL */
/* The limits in force, defaults filled in. */
KP_API const kp_eval_limits *kp_eval_ctx_limits(const kp_eval_ctx *ctx);

typedef struct kp_context_sources kp_context_sources;

typedef struct kp_eval_opts {
	const char *operation;          /* NULL: "CREATE", as kyverno apply */
	const kp_userinfo *userinfo;    /* NULL: no user info at all */
	const kp_values *values;        /* NULL: none */
	/* `kyverno apply --set k=v,...` (kp_values_from_set), written over
	 * the global and resource values; NULL: none */
	const kp_values *set;
	/* Data sources for configMap / apiCall / globalReference context
	 * entries (kp_context_sources_new); NULL: none, such entries are
	 * disabled (values may give their names). */
	const kp_context_sources *sources;
} kp_eval_opts;

/* One row of the report: one (policy, rule) that selected the resource.
 * All pointers are valid only during the callback. */
typedef struct kp_result {
	const char *policy;
	const char *policy_namespace;  /* NULL for a ClusterPolicy */
	const char *rule;              /* autogen rules keep their autogen- names */
	kp_status status;
	/* Kyverno's message ("validation error: ... rule R failed at path P",
	 * "validation rule 'R' passed.", "unsupported: deny", ...). */
	const char *message;
	/* The failure path for fail rows and warn rows that come from a fail;
	 * NULL otherwise.  anyPattern: the path of its first failing pattern. */
	const char *path;
	/* The deepest node of the resource along `path`, else the document root. */
	const char *file;
	unsigned line, col;
	/* Non-NULL when the rule uses a feature kpolicy lacks: its name
	 * ("validate.deny"); the row is then `error` with message
	 * "unsupported: <feature>". */
	const char *unsupported;
	/* strlen(message) when not 0; 0 when the engine did not count it
	 * (message may then be non-empty: call strlen).  Set for the failed
	 * rows of validate.pattern rules, where the engine builds the message
	 * and knows its length: a report writer that copies the message need
	 * not count it again.  (Last, so that the fields before it keep their
	 * places.) */
	size_t message_len;
} kp_result;

typedef void (*kp_result_cb)(void *ud, const kp_result *r);

/* Evaluate every policy of the sealed set `ps` against the resource `doc`
 * (normalise it first with kp_doc_normalize_resource to mirror the CLI),
 * using the per-thread context `ctx` (NULL: a temporary one, slower).  Rules whose
 * match/exclude do not select the resource give no result, as in Kyverno.
 * Results come in policy order, then rule order (autogen rules after the
 * rules of their policy).  Takes no lock: several threads may evaluate one
 * sealed set at once, each with its own ctx.  An unsealed set gives -1
 * (KP_E_USAGE).  Returns the number of results, or -1
 * when some policy could not be applied (err says why; as the Kyverno CLI,
 * a policy using namespaceSelector needs the resource namespace's labels
 * from a values file unless the namespace is "default"); the results of
 * the other policies were still delivered. */
KP_API int kp_evaluate(kp_eval_ctx *ctx, const kp_policy_set *ps, const kp_doc *doc,
		const kp_eval_opts *opts, kp_result_cb cb, void *ud,
		kp_error *err);

/* ------------------------------------------------------------------------
 * Pod Security Standards without a policy file (branch pss)
 * ---------------------------------------------------------------------- */

/* Add to ps the policy `kpolicy apply --pss LEVEL[:VERSION]` stands for:
 * a ClusterPolicy `pod-security-LEVEL` (Audit, background) with one rule
 * `pod-security-LEVEL` matching Pods whose `validate.podSecurity` is
 * {level: LEVEL, version: VERSION}, plus its autogen rules, so that the
 * rows are those Kyverno gives for that policy.  `spec` is "baseline" or
 * "restricted", optionally followed by ":v1.19" ... ":v1.32" or ":latest"
 * (the versions Kyverno's schema allows; none = latest).  0, or -1 with
 * err (KP_E_USAGE) for an unknown level or version. */
KP_API int kp_policy_set_add_pss(kp_policy_set *ps, const char *spec, kp_error *err);

/* ------------------------------------------------------------------------
 * Policy metadata for reports (branch reports; engine/policy/policy_info.c)
 * ---------------------------------------------------------------------- */

/* The string value of metadata.annotations[key] ("policies.kyverno.io/title",
 * ".../category", ".../severity", ".../description", ".../scored"), NUL-
 * terminated, borrowed from p; NULL when absent or not a string. */
KP_API const char *kp_policy_annotation(const kp_policy *p, const char *key);
/* "ClusterPolicy", "Policy" or the unsupported kind's name. */
KP_API const char *kp_policy_kind(const kp_policy *p);
/* The policy's file and the position of its document (borrowed from p). */
KP_API const char *kp_policy_file(const kp_policy *p);
KP_API unsigned kp_policy_line(const kp_policy *p);
/* spec.background (Kyverno's default: true). */
KP_API bool kp_policy_background(const kp_policy *p);
/* validate.message of rule i as written ({{ }} kept), NULL when absent. */
KP_API const char *kp_policy_rule_message(const kp_policy *p, size_t i);
/* For an autogen rule, the name of the rule it was generated from; else
 * the rule's own name. */
KP_API const char *kp_policy_rule_base(const kp_policy *p, size_t i);
/* True when Kyverno's EngineResponse.GetValidationFailureAction() for a
 * resource in namespace `ns` is Audit (anything but "Enforce"/"enforce"):
 * the first rule of spec.rules with an explicit action decides (a matching
 * validate.failureActionOverrides entry, else validate.failureAction), then
 * a matching spec.validationFailureActionOverrides entry, then
 * spec.validationFailureAction (default Audit).  An override matches when
 * its action is valid and one of its `namespaces` wildcards matches `ns`;
 * entries that carry a namespaceSelector are not matched (kpolicy has no
 * namespace labels for them).  This is what --audit-warn consults. */
KP_API bool kp_policy_audit(const kp_policy *p, const char *ns);
/* ---- end of report metadata ---- */

/* ------------------------------------------------------------------------
 * JMESPath (engine/jmespath; section of branch jmespath)
 *
 * Kyverno's expression language, compiled once and evaluated many times
 * (`kpolicy jp`).  Two dialects:
 *   KP_JMESPATH_PLAIN    the JMESPath specification;
 *   KP_JMESPATH_KYVERNO  as Kyverno runs it (kyverno/go-jmespath): a key
 *                        missing from an object is an error ("Unknown key
 *                        \"x\" in path") unless ||, &&, !, a comparison, a
 *                        function argument, a pipe, a projection or a
 *                        multiselect turns it into null; to_string writes
 *                        Go's encoding/json; Kyverno's functions are known.
 * ---------------------------------------------------------------------- */
typedef struct kp_jmespath kp_jmespath;

enum { KP_JMESPATH_PLAIN = 1, KP_JMESPATH_KYVERNO = 2 };

/* Compile `expr` (NUL-terminated).  NULL on error: err->code KP_E_EXPR,
 * err->col and err->expr_col the 1-based column in expr, err->msg
 * "syntax error at column N: ..." (or unknown-function, invalid-arity).
 * Free with kp_jmespath_free. */
KP_API kp_jmespath *kp_jmespath_compile(const char *expr, int mode, kp_error *err);
KP_API void kp_jmespath_free(kp_jmespath *e);

/* Evaluate e against `data` (NULL means null).  The result is owned by e and
 * valid until the next kp_jmespath_eval on e or kp_jmespath_free (it may
 * also point into data); NULL on an error (err->msg begins with the
 * spec's kind: "invalid-type error ...", or Kyverno's wording).  One
 * thread at a time per handle. */
KP_API const kp_value *kp_jmespath_eval(kp_jmespath *e, const kp_value *data, kp_error *err);

/* JSON text of v: `indent` spaces per level (0: compact); `go`: as Go's
 * encoding/json (sorted keys, <, >, & escaped), as Kyverno prints.
 * Returns a malloc'd string for free(). */
KP_API char *kp_jmespath_json(const kp_value *v, int indent, bool go);

/* The syntax tree of e as go-jmespath's PrettyPrint (`kyverno jp parse`).
 * malloc'd, for free(). */
KP_API char *kp_jmespath_ast(const kp_jmespath *e);

/* Calls fn for every function known in `mode`, sorted by signature:
 * name, signature ("join(string, array[string]) string") and a one-line
 * note (may be ""). */
KP_API void kp_jmespath_functions(int mode,
				  void (*fn)(void *ud, const char *name, const char *signature,
					     const char *note),
				  void *ud);

/* ---- CEL (engine/cel, branch cel) -------------------------------------
 * Common Expression Language as cel-go evaluates it in Kyverno's
 * environment (optional types, cross-type numeric comparison, strings/
 * lists/sets/math/encoders/bindings extensions, UTC default time zone).
 * The engine compiles each expression once per policy (engine/cel/cel.h);
 * this entry point is for tools that evaluate one expression. */

/* The result of a CEL evaluation. */
typedef struct kp_cel_result {
	/* The value as a document tree (in the caller's arena, or a node of an
	 * input document): null, bool, int (uint too), float, string (bytes,
	 * timestamps, durations and types in their string form), seq, map. */
	const kp_value *value;
	/* CEL's type name of the value ("bool", "int", "list", ...). */
	const char *type;
	/* A printable rendering ("true", "\"a\"", "[1, 2u]"), caller's arena. */
	const char *repr;
} kp_cel_result;

/* Compile `expr` (len bytes) with the variables names[0..n) bound to
 * vals[0..n) (a NULL value: declared but unbound) and evaluate it once,
 * in ValidatingPolicy's environment (Kyverno's CEL libraries declared);
 * everything is allocated in arena `a`.  `numbers_as_double` reads
 * document numbers as double, as the Kyverno CLI does to resources.
 * Returns 0 with *out; -1 on a compile error (err->code KP_E_EXPR,
 * err->line/col inside the expression) or an evaluation error
 * (err->code KP_E_POLICY, err->line 0, err->msg the CEL error).
 * Thread-safe (no shared state). */
KP_API int kp_cel_eval_once(const char *expr, size_t len,
			    const char *const *names, const kp_value *const *vals,
			    size_t n, bool numbers_as_double, kp_arena *a,
			    kp_cel_result *out, kp_error *err);
/* ---- end CEL ------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * PolicyExceptions (branch exceptions; engine/policy/exception.c)
 * ---------------------------------------------------------------------- */

/* Compile the kyverno.io/v2 or kyverno.io/v2beta1 PolicyException in `doc`
 * and add it to ps (before kp_policy_set_seal; policies may come before or
 * after it).  The set does not borrow from doc.  At seal, each rule gets
 * the exceptions whose spec.exceptions[] item names its policy (`name` of
 * a ClusterPolicy, `<namespace>/<name>` of a Policy) and whose ruleNames
 * wildcards match the rule's actual name (autogen rules need their
 * autogen- names listed).  During kp_evaluate, after the rule's
 * preconditions, an exception matches when one of its spec.match any (or
 * all of its all) resource filters selects the resource and its
 * spec.conditions hold in the rule's context; the row is then Kyverno's
 * skip "rule is skipped due to policy exceptions<key>, <key>..."
 * (podSecurity rules: see kyverno-rules.md section 6).  The exception's own
 * namespace only forms its key, as in the Kyverno CLI.
 * A policies.kyverno.io (v1alpha1, v1beta1, v1) PolicyException is the
 * CEL kinds' (exception_cel.c): its matchConditions are compiled here; it
 * applies to each ValidatingPolicy / NamespacedValidatingPolicy its
 * spec.policyRefs name (name and kind), before the policy's
 * matchConditions: the row is then rule `exception`, skip "rule is
 * skipped due to policy exception: <key>, <key>" (pass "rule is passed
 * ..." under reportResult: pass); one with images or allowedValues only
 * fills the policy's `exceptions` variable.
 *   1: added;
 *   0: not a PolicyException (err: KP_W_NOTPOLICY "policy exception type
 *      not supported", file:line:col);
 *  -1: invalid (KP_E_POLICY / KP_E_EXPR at the offending node), or the set
 *      is sealed (KP_E_USAGE).
 * Not thread-safe (loading). */
KP_API int kp_policy_set_add_exception(kp_policy_set *ps, const kp_doc *doc, kp_error *err);
/* Exceptions added (the apply banner's "with N exception(s)"). */
KP_API size_t kp_policy_set_exception_count(const kp_policy_set *ps);
/* ---- end of PolicyExceptions ---- */

/* ------------------------------------------------------------------------
 * Context data sources (branch exceptions; engine/policy/ctx_source.c)
 *
 * What `kyverno test` serves offline to a rule's configMap, apiCall and
 * globalReference context entries (kyverno-rules.md sections 4.3-4.5):
 *   - apiCallResponses mocks: an apiCall whose service.url (else urlPath)
 *     equals a mock's url (or urlPath), under its method (default GET)
 *     or a mock without method, is answered at rule start (eagerly) with
 *     the mock's body, then its jmesPath; a statusCode outside 200-299 is
 *     an error.  `default` is not used.
 *   - globalContextEntries: a globalReference `name[.projection]` reads
 *     the entry's `data` (or its resources), then fieldPath, then
 *     projections; a missing entry is "failed to fetch entry key=NAME".
 *   - resources (clusterResources and the test's resources): with any,
 *     configMap entries read ConfigMaps from them, and unmocked apiCall
 *     urlPath GETs get or list them as the Kubernetes API would
 *     (/api/v1/..., /apis/G/V/..., namespaced or not).
 * With a sources object, an entry it does not serve is disabled as
 * `kyverno test` disables it: not registered, so its name is what values
 * gave or undefined (configMap and unmocked urlPath apiCall without
 * resources, globalReference without entries).  What would need the
 * network stays unsupported unless values give the name: an unmocked
 * service call, a non-GET call, imageRegistry.  With kp_eval_opts.sources
 * NULL every such entry is unsupported unless values give its name.
 * The same data answer the CEL libraries of ValidatingPolicies
 * (engine/policy/cel_host.c): resource.Get/List read the objects
 * above when there are any (clusterResources), else the context file
 * (kp_context_sources_add_context); globalContext.Get the entries (a
 * missing one is null); http.Get/Post the mocks' whole `response`;
 * image.GetMetadata the context file's images.  Objects are indexed when
 * added, so an evaluation parses and scans nothing.
 * Build the object before evaluating; it is read-only during kp_evaluate
 * (several threads may share it).  Values are copied. */
KP_API kp_context_sources *kp_context_sources_new(void);
KP_API void kp_context_sources_free(kp_context_sources *s);   /* accepts NULL */
/* One apiCallResponses entry {url | urlPath, method?, response:
 * {statusCode, body}}.  0, or -1 with err (KP_E_DOC at the node). */
KP_API int kp_context_sources_add_api_response(kp_context_sources *s, const kp_value *entry,
					       kp_error *err);
/* One globalContextEntries entry {name, data | resources, fieldPath?,
 * projections?: [{name, path}]} (resourceFiles: add their documents with
 * kp_context_sources_add_global_resource).  0, or -1 with err. */
KP_API int kp_context_sources_add_global_entry(kp_context_sources *s, const kp_value *entry,
					       kp_error *err);
KP_API int kp_context_sources_add_global_resource(kp_context_sources *s, const char *name,
						  const kp_value *resource, kp_error *err);
/* An object of the fake cluster (enables configMap and apiCall GET); a
 * `kind: ClusterResource` document (cli.kyverno.io) adds its
 * spec.resources. */
KP_API void kp_context_sources_add_resource(kp_context_sources *s, const kp_value *resource);
/* A test's `context` file or apply's --context-file (kind Context,
 * cli.kyverno.io): spec.resources, which a ValidatingPolicy's
 * resource.Get/List read when the test has no clusterResources, and
 * spec.images [{image, resolvedImage, registry, repository, tag, digest,
 * imageIndex, manifest, config}], which image.GetMetadata(image) returns.
 * Copied.  0, or -1 with err (KP_E_DOC at the node). */
KP_API int kp_context_sources_add_context(kp_context_sources *s, const kp_value *doc,
					  kp_error *err);
/* The fake cluster exists even with no object (an empty clusterResources). */
KP_API void kp_context_sources_enable_cluster(kp_context_sources *s);
/* For `kyverno apply`, which queries its input resources for apiCalls and
 * builds global context entries from GlobalContextEntry inputs (kpolicy
 * does neither yet): unmocked apiCall and globalReference entries (without
 * added global entries) stay unsupported instead of disabled, while
 * configMap entries are disabled as apply disables them (no resolver). */
KP_API void kp_context_sources_unserved_api_calls(kp_context_sources *s);
/* ---- end of context data sources ---- */

/* ------------------------------------------------------------------------
 * Policy kinds for the kpolicy program (begin: branch libkp)
 * ---------------------------------------------------------------------- */

/* True when `kind` names a policy kind of Kyverno (policies.kyverno.io:
 * ValidatingPolicy, MutatingPolicy, ... and their Namespaced forms) or of
 * Kubernetes admission control (ValidatingAdmissionPolicy,
 * MutatingAdmissionPolicy and their Bindings) that kpolicy does not
 * evaluate under every apiVersion: ValidatingPolicy (policies.kyverno.io
 * v1alpha1, v1beta1, v1) and ValidatingAdmissionPolicy with its binding
 * (admissionregistration.k8s.io v1, v1beta1, v1alpha1) are run, any other
 * version is not.  The one list of them lives in the library;
 * kp_policy_set_add adds those it recognises by apiVersion as unsupported
 * policies (see kp_policy_unsupported). */
KP_API bool kp_policy_kind_unsupported(const char *kind);

/* (end: branch libkp) */

#ifdef __cplusplus
}
#endif

#endif /* KPOLICY_H */
