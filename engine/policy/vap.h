/*
 * policy/vap.h - ValidatingAdmissionPolicy and its bindings (vap.c,
 * vap_binding.c), as the Kyverno CLI runs them offline
 * (../shared/docs/kyverno-cel.md §11-§16, §19).
 */
#ifndef KP_POLICY_VAP_H
#define KP_POLICY_VAP_H

#include "policy/policy_cel.h"

/* One ValidatingAdmissionPolicyBinding (in the set's vap arena). */
typedef struct kp_vap_binding {
	const char *name, *policy_name;
	kp_match_resources match;    /* match.present false: every resource */
	bool has_param_ref;
	const char *param_name;      /* paramRef.name, "" when absent */
	kp_label_selector param_sel; /* paramRef.selector (present: by labels) */
} kp_vap_binding;

/* The params a binding gives (processVAPWithoutClient): no paramRef ->
 * null; no selector -> the first parameter resource named paramRef.name;
 * a selector -> {items: [...]} of those whose labels match, null when
 * none.  paramRef.namespace and parameterNotFoundAction play no part
 * offline, as in the Kyverno CLI.  Result in a (or one of params[]). */
const kp_value *kp_vap_binding_params(const kp_vap_binding *b, const kp_value *const *params,
				      size_t n_params, kp_arena *a);

/* validate.cel's paramKind + paramRef (kyverno admissionpolicy
 * CollectParamsForPolicy, over the test's fake cluster: here the parameter
 * resources).  The parameter namespace: a namespaced kind uses the
 * policy's namespace (a Policy; paramRef.namespace must then agree), else
 * paramRef.namespace, else the resource's; a cluster-scoped kind takes no
 * namespace.  paramRef.name gets that one object (absent: an error, as
 * the API's NotFound); else paramRef.selector lists the matching ones;
 * none found with parameterNotFoundAction Deny is an error.  0 with
 * out[0..*n) (in a), or -1 with *error (Kyverno's text, in a). */
typedef struct kp_param_ref {
	const char *api_version, *kind;  /* paramKind */
	const char *name, *namespace;    /* paramRef ("" when absent) */
	kp_label_selector selector;      /* present: list by labels */
	bool deny;                       /* parameterNotFoundAction: Deny */
} kp_param_ref;
int kp_param_ref_compile(kp_arena *a, const kp_value *param_kind, const kp_value *ref,
			 const char *path, kp_param_ref *out, kp_error *err);
int kp_param_ref_collect(const kp_param_ref *r, const kp_value *const *params, size_t n_params,
			 const char *resource_ns, const char *policy_ns, kp_arena *a,
			 const kp_value ***out, size_t *n, const char **error);

/* ---- called by policy_load.c ---- */
/* Compile the spec of a ValidatingAdmissionPolicy into p (one rule named
 * after the policy).  0 (p->unsupported may be set), or -1 with err. */
int kp_vap_load(kp_policy *p, const kp_value *spec, kp_error *err);
/* Compile a binding document (root) into the set.  1, or -1 with err. */
int kp_vap_binding_add(kp_policy_set *ps, const kp_value *root, kp_error *err);
/* 0, or -1 with err located at the first field of a ValidatingAdmission-
 * Policy spec (binding false) or binding spec whose type the Kubernetes
 * API does not allow (vap_shape.c); scratch paths in a. */
int kp_vap_shape_check(kp_arena *a, const kp_value *spec, bool binding, kp_error *err);
/* At seal: give each ValidatingAdmissionPolicy its bindings (by
 * spec.policyName, in the order added), and every policy the set's
 * parameter resources (p->params, for validate.cel). */
void kp_vap_bind(kp_policy_set *ps);
void kp_vap_set_free(kp_policy_set *ps);
/* vap.c: give p (a ValidatingAdmissionPolicy; others are left alone) its
 * bindings (in the set's arena, outliving p's evaluations). */
void kp_vap_attach(kp_policy *p, const kp_vap_binding *const *bindings, size_t n);

#endif /* KP_POLICY_VAP_H */
