/* inputs.h - loading what the command line names: policy paths and
 * diagnostics shared by `kpolicy apply` and `kpolicy test`. */
#ifndef KP_CLI_INPUTS_H
#define KP_CLI_INPUTS_H

#include "kpolicy.h"

#include <stdio.h>

/* Print "kpolicy: <level>: file:line:col: msg (at path)" to `out`. */
void kp_cli_diag(FILE *out, const char *level, const kp_error *e);

/* Print "kpolicy: note: file:line:col: msg; skipped" for a document left
 * out on purpose (not a policy, not a resource). */
void kp_cli_note_skipped(FILE *out, const kp_error *e);

/* Also pass every "error" that kp_cli_diag prints to fn(ud, e) (NULL: stop),
 * for reports that list unusable inputs.  Not thread-safe: set it on the
 * main thread, before loading. */
void kp_cli_set_error_hook(void (*fn)(void *ud, const kp_error *e), void *ud);

/* A kp_read_opts.warn callback printing warnings to stderr. */
void kp_cli_warn(void *ud, const kp_error *w);

/* Load every policy document found under each of `paths` (files,
 * directories walked as kp_walk_inputs_opts does with `wo`, which may be
 * NULL; "-" for stdin) into `ps`.  Documents that are not policies (other
 * kinds, mappings without kind) are skipped with a note on `diag`.
 * Returns 0 when everything loaded; 2 (unusable input) when a path is
 * missing or unreadable, a document has a syntax error, a policy is
 * invalid, or a path holds no policy at all.  Every error is printed to
 * `diag` with file:line:col; the good policies are still added. */
int kp_cli_load_policies(kp_policy_set *ps, char *const *paths, size_t n,
			 const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag);

/* The first document of `path` ("-" for stdin), or NULL after printing why
 * (unreadable, syntax error, no document) to stderr.  Free with
 * kp_doc_free. */
kp_doc *kp_cli_first_doc(const char *path, const kp_read_opts *ro);

/* The same for PolicyException files (`kpolicy apply -e`): every document
 * must be a kyverno.io/v2 or v2beta1 PolicyException (anything else is an
 * error, "policy exception type not supported", as in Kyverno). */
int kp_cli_load_exceptions(kp_policy_set *ps, char *const *paths, size_t n,
			   const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag);

#endif
