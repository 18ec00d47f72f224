/* testfile.h - a Kyverno CLI test file (kyverno-test.yaml) as data, and the
 * test-case selector of `kpolicy test -t`.
 *
 * Both schemas are read: the current one (`apiVersion` + `kind: Test`,
 * `results[].resources`, `result`) and the older one (top-level `name`,
 * `results[].resource` singular, `namespace`, `status`), which Kyverno
 * removed but which suites in the wild still use. */
#ifndef KPC_TESTFILE_H
#define KPC_TESTFILE_H

#include "kpolicy.h"

/* One resource a result row names: `name`, `ns/name`, or a resourceSpec. */
typedef struct kpc_test_ref {
	const char *text;        /* as written ("ns/name", "name"), for display */
	const char *name;
	const char *namespace;   /* NULL: any namespace */
	const char *kind;        /* NULL: any kind (row without `kind`) */
	const char *api_version; /* NULL: any; resourceSpecs give group/version */
} kpc_test_ref;

/* One entry of `results`.  Strings are owned by the kpc_testfile. */
typedef struct kpc_test_result {
	const char *policy;      /* "name" or "ns/name" */
	const char *rule;        /* NULL: every rule of the policy */
	const char *kind;        /* NULL when absent */
	kpc_test_ref *refs;       /* resources, then resourceSpecs */
	size_t n_refs;
	kp_status expected;      /* `result` (or old `status`) */
	const char *operation;   /* `operation`, NULL when absent */
	/* Why kpolicy cannot check this row ("patchedResources", ...), or NULL. */
	const char *unsupported;
	unsigned line, col;      /* of the row in the test file */
} kpc_test_result;

typedef struct kpc_testfile {
	const char *path;        /* the test file as found */
	const char *dir;         /* its directory: base of relative paths */
	const char *name;        /* metadata.name, or old top-level name */
	bool old_schema;
	const char **policies;   /* paths resolved against dir */
	size_t n_policies;
	const char **resources;
	size_t n_resources;
	const char **exceptions; /* PolicyException files (`exceptions`) */
	size_t n_exceptions;
	const char **param_resources; /* `paramResources` files (resolved) */
	size_t n_param_resources;
	/* context data sources: `clusterResources` files (resolved),
	 * `apiCallResponses` and `globalContextEntries` lists as written
	 * (NULL when absent) */
	const char **cluster_resources;
	size_t n_cluster_resources;
	bool has_cluster_resources;
	const kp_value *api_responses, *global_entries;
	const char *variables;   /* values file path, NULL when none */
	const char *userinfo;    /* userinfo file path, NULL when none */
	const char *context;     /* `context` file (kind Context), NULL: none */
	const kp_value *values;  /* inline `values` mapping, NULL when none */
	/* A test-level input kpolicy does not use yet ("exceptions",
	 * "clusterResources", ...): every row is unsupported.  NULL if none. */
	const char *unsupported;
	kpc_test_result *results;
	size_t n_results;
	struct kpc_testfile_priv *priv; /* arena and document */
} kpc_testfile;

/* Read and check the test file at `path` (its first YAML document).
 * NULL on error: err has KP_E_IO, KP_E_YAML or KP_E_DOC with file:line:col
 * (a missing `policies`, an unknown `result` value, a result row without
 * `policy`, or a URL as a policy path, which kpolicy does not fetch). */
kpc_testfile *kpc_testfile_load(const char *path, kp_error *err);
/* The same from a buffer; `path` names it and sets the base directory. */
kpc_testfile *kpc_testfile_parse(const char *path, const char *buf, size_t len,
				 kp_error *err);
void kpc_testfile_free(kpc_testfile *t);

/* Parse "pass", "fail", "warn", "error", "skip" (Kyverno compares these
 * lower-case strings exactly).  Returns false for anything else. */
bool kpc_status_parse(const char *s, kp_status *out);

/* `-t policy=P,rule=R,resource=N`: each part a wildcard (`*`, `?`) as
 * Kyverno's wildcard.Match; a missing part is `*`. */
typedef struct kpc_test_selector {
	char *policy, *rule, *resource;   /* malloc'd */
} kpc_test_selector;

/* Parse `spec`; -1 with KP_E_USAGE for an unknown key or a part without
 * '='.  Free with kpc_test_selector_fini. */
int kpc_test_selector_parse(kpc_test_selector *sel, const char *spec, kp_error *err);
void kpc_test_selector_fini(kpc_test_selector *sel);
/* True when the case (policy, rule, resource as written) is selected.
 * A NULL rule matches only the pattern "*". */
bool kpc_test_selector_match(const kpc_test_selector *sel, const char *policy,
			     const char *rule, const char *resource);

#endif
