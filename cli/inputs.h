/* inputs.h - loading what the command line names: policy paths and
 * diagnostics shared by `kpolicy apply` and `kpolicy test`. */
#ifndef KPC_INPUTS_H
#define KPC_INPUTS_H

#include "kpolicy.h"

#include <stdio.h>

/* Print "kpolicy: <level>: file:line:col: msg (at path)" to `out`. */
void kpc_diag(FILE *out, const char *level, const kp_error *e);

/* Print "kpolicy: note: file:line:col: msg; skipped" for a document left
 * out on purpose (not a policy, not a resource). */
void kpc_note_skipped(FILE *out, const kp_error *e);

/* Also pass every "error" that kpc_diag prints to fn(ud, e) (NULL: stop),
 * for reports that list unusable inputs.  Not thread-safe: set it on the
 * main thread, before loading. */
void kpc_set_error_hook(void (*fn)(void *ud, const kp_error *e), void *ud);

/* A kp_read_opts.warn callback printing warnings to stderr. */
void kpc_warn(void *ud, const kp_error *w);

/* The first document of the input `r` reads (opened by the caller with
 * the options it wants, raw for values, user info, test files; closed
 * here), named `name` in errors.  NULL with err filled when r is NULL (err
 * already says why: pass the one given to the open call), on a syntax
 * error, or when the input holds no document (KP_E_DOC "no WHAT
 * document").  Release the document with kp_doc_free. */
kp_doc *kpc_first_doc(kp_reader *r, const char *name, const char *what, kp_error *err);

/* kpc_first_doc of the file `path` ("-" for stdin), printing why to stderr
 * when it gives NULL. */
kp_doc *kpc_read_first_doc(const char *path, const char *what, const kp_read_opts *ro);

/* Load every policy document found under each of `paths` (files,
 * directories walked as kp_walk_inputs_opts does with `wo`, which may be
 * NULL; "-" for stdin) into `ps`.  Documents that are not policies (other
 * kinds, mappings without kind) are skipped with a note on `diag`.
 * Returns 0 when everything loaded; 2 (unusable input) when a path is
 * missing or unreadable, a document has a syntax error, a policy is
 * invalid, or a path holds no policy at all.  Every error is printed to
 * `diag` with file:line:col; the good policies are still added. */
int kpc_load_policies(kp_policy_set *ps, char *const *paths, size_t n,
		      const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag);

/* The same for PolicyException files (`kpolicy apply -e`): every document
 * must be a kyverno.io/v2 or v2beta1 PolicyException (anything else is an
 * error, "policy exception type not supported", as in Kyverno). */
int kpc_load_exceptions(kp_policy_set *ps, char *const *paths, size_t n,
			   const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag);

/* The same for parameter resources of ValidatingAdmissionPolicy bindings
 * (`kpolicy apply --parameter-resource`): every document is one
 * (kp_policy_set_add_param), normalised as resources are. */
int kpc_load_params(kp_policy_set *ps, char *const *paths, size_t n,
		    const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag);

#endif
