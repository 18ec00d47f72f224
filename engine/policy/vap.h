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

/* ---- called by policy_load.c ---- */
/* Compile the spec of a ValidatingAdmissionPolicy into p (one rule named
 * after the policy).  0 (p->unsupported may be set), or -1 with err. */
int kp_vap_load(kp_policy *p, const kp_value *spec, kp_error *err);
/* Compile a binding document (root) into the set.  1, or -1 with err. */
int kp_vap_binding_add(kp_policy_set *ps, const kp_value *root, kp_error *err);
/* At seal: give each ValidatingAdmissionPolicy its bindings (by
 * spec.policyName, in the order added) and the set's parameter
 * resources. */
void kp_vap_bind(kp_policy_set *ps);
void kp_vap_set_free(kp_policy_set *ps);
/* vap.c: give p (a ValidatingAdmissionPolicy; others are left alone) its
 * bindings and the parameter resources (both outlive p's evaluations). */
void kp_vap_attach(kp_policy *p, const kp_vap_binding *const *bindings, size_t n,
		   const kp_value *const *params, size_t n_params);

#endif /* KP_POLICY_VAP_H */
