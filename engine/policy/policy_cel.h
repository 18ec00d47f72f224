/*
 * policy/policy_cel.h - what the CEL rule kinds share (action_cel.c for
 * validate.cel, vpol.c for ValidatingPolicy): environments, compilation
 * with errors located in the policy file, the activation.
 */
#ifndef KP_POLICY_CEL_H
#define KP_POLICY_CEL_H

#include "policy/policy.h"
#include "cel/cel.h"

/* An environment in arena a declaring names[0..n) as activation slots
 * 0..n), with Kyverno's switches: resource numbers as double (the CLI),
 * the orValue shim. */
kp_cel_env *kp_policy_cel_env(kp_arena *a, const char *const *names, size_t n);

/* Compile the string node `node` in env (into p->arena).  `want` the
 * required static type ("bool", "string") or NULL.  NULL on failure:
 * *problem set (Kyverno's row message, "compilation failed: ..." or "must
 * evaluate to bool but got dyn") and the first such problem recorded in
 * p->diag with the file's line/column and a caret; or *problem NULL and
 * err set (a non-string node; KP_E_UNSUPPORTED for a CEL feature kpolicy
 * lacks). */
const kp_cel_prog *kp_policy_cel_compile(kp_policy *p, const kp_cel_env *env,
					 const kp_value *node, const char *path,
					 const char *want, const char **problem,
					 kp_error *err);

/* `variables[]{name, expression}` in order, each added to env as a
 * composited variable.  0 (with *problem when one did not compile) or -1
 * with err. */
int kp_policy_cel_variables(kp_policy *p, kp_cel_env *env, const kp_value *vars,
			    const char *path, const char **problem, kp_error *err);

/* s[0..n) without leading/trailing white space, in a. */
const char *kp_policy_cel_trim(kp_arena *a, const char *s, size_t n);

/* object / oldObject of one evaluation by operation (CREATE: old null;
 * UPDATE: both the resource; DELETE: object null). */
void kp_policy_cel_objects(const kp_rule_run *run, kp_arena *a, const kp_value **object,
			   const kp_value **old);
/* The plural resource of a kind as the CLI guesses it offline
 * (meta.UnsafeGuessKindToResource: "NetworkPolicy" -> "networkpolicies",
 * "Ingress" -> "ingresses", "Endpoints" stays), in a. */
const char *kp_policy_guess_resource(kp_arena *a, const char *kind);

/* The admission request as CEL's `request` sees it (kind, resource, name,
 * namespace, operation, userInfo, dryRun), in a. */
const kp_value *kp_policy_cel_request(kp_arena *a, const kp_rule_run *run,
				      const kp_value *object, const kp_value *old);

/* The message of a validation that denied: messageExpression's trimmed
 * string result when usable, else message, else "failed expression: E". */
const char *kp_policy_cel_deny_message(const kp_cel_prog *msg_prog, const char *message,
				       const char *expr, const kp_cel_activation *act, kp_arena *a);

/* Match conditions in order (K8s matcher): 0 at the first false (earlier
 * errors notwithstanding), else -1 with *error the first error, else 1. */
int kp_policy_cel_match(const kp_cel_prog *const *conds, size_t n, const kp_cel_activation *act,
			kp_arena *a, const char **error);

/* The Kyverno CEL host libraries of one evaluation (cel_host.c), served
 * from run->opts->sources: the test's clusterResources and resources, its
 * context file, globalContextEntries and apiCallResponses.  No sources:
 * every call is unsupported. */
void kp_policy_cel_host(const kp_rule_run *run, kp_cel_host *host);
/* ---- admissionregistration MatchResources (cel_match.c), shared by
 * ValidatingPolicy and ValidatingAdmissionPolicy and its bindings ---- */

/* A list of strings; "*" in it matches anything (kp_strs_has). */
typedef struct kp_strs {
	const char **v;
	size_t n;
} kp_strs;
kp_strs kp_strs_of(kp_arena *a, const kp_value *list);
bool kp_strs_has(const kp_strs *s, const char *x);

typedef struct kp_match_rule kp_match_rule;
/* matchConstraints / matchResources compiled (present: given as a map). */
typedef struct kp_match_resources {
	bool present;
	kp_match_rule *rules, *excludes;
	size_t n_rules, n_excludes;
	kp_label_selector ns_sel, obj_sel;
} kp_match_resources;
/* Compile mr (NULL: absent) into out, in a; path names it for errors.
 * 0, or -1 with err (a malformed label selector). */
int kp_match_resources_compile(kp_arena *a, const kp_value *mr, const char *path,
			       kp_match_resources *out, kp_error *err);

/* The request attributes the matcher sees (the GVR guessed offline as the
 * CLI does).  ns_labels: the labels of the object's namespace, set by the
 * caller for namespaced objects (each kind finds them its own way). */
typedef struct kp_match_request {
	const char *group, *version, *resource, *kind, *op, *name;
	bool cluster;
	const kp_value *labels, *ns_labels;
} kp_match_request;
/* false when the resource has no apiVersion or kind (matches nothing). */
bool kp_match_request_init(kp_match_request *q, kp_arena *a, const kp_value *res, const char *op);
/* namespaceSelector (cluster-scoped objects pass, a Namespace uses its own
 * labels), objectSelector, excludeResourceRules (any excludes), then
 * resourceRules (none: everything). */
bool kp_match_resources_match(const kp_match_resources *m, const kp_match_request *q);

/* Release what p's compiled CEL programs hold outside the arena. */
void kp_policy_cel_release(kp_policy *p);

extern const kp_action_ops kp_action_cel;

/* The ValidatingPolicy environment (vpol.c), in a: what its match
 * conditions see. */
kp_cel_env *kp_vpol_env(kp_arena *a);

/* ---- CEL PolicyException (policies.kyverno.io; exception_cel.c) ---- */

/* A policies.kyverno.io/v1alpha1, v1beta1 or v1 PolicyException. */
bool kp_cel_exception_doc(const kp_value *root);
/* Compile one (its matchConditions in the ValidatingPolicy environment)
 * into ps: 1, or -1 with err at the offending node (a condition that does
 * not compile: its file:line:col and column inside the expression). */
int kp_cel_exception_add(kp_policy_set *ps, const kp_value *root, kp_error *err);
/* At seal: give each policy the exceptions whose policyRefs name it (name
 * and kind), allocated in a. */
void kp_cel_exceptions_bind(kp_policy_set *ps, kp_arena *a);
void kp_cel_exceptions_free(kp_policy_set *ps);
/* Step 2 of a ValidatingPolicy evaluation, before its matchConditions:
 * the bound exceptions' conditions in act (whose `exceptions` slot is
 * unbound).  true when they decided the row (*out: rule `exception`, skip
 * or pass; or rule `evaluation`, error); false otherwise, with the images
 * and allowedValues of partially matching exceptions appended to the
 * lists of exceptions_var ({allowedImages, allowedValues}). */
bool kp_cel_exceptions_apply(const kp_rule_run *run, const kp_cel_activation *act, bool ignore_failures,
			     kp_value *exceptions_var, kp_rule_outcome *out);

#endif /* KP_POLICY_CEL_H */
