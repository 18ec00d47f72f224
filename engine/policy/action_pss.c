/* action_pss.c - the validate.podSecurity action: level, version and
 * exclude compiled once (pss/), the pod found in the resource by kind and
 * checked per resource (kyverno pkg/engine/handlers/validation/
 * validate_pss.go; pod-security.md section 2). */
#include "policy/policy.h"
#include "pss/pss.h"

#include <stdio.h>

static int pss_compile(kp_policy *p, kp_rule *r, const kp_value *rule,
		       const char *path, kp_error *err)
{
	char where[1100];
	snprintf(where, sizeof where, "%s/validate/podSecurity", path);
	const kp_value *ps = kp_value_path(rule, "validate/podSecurity");
	kp_pss_rule *pr = kp_pss_compile(p->arena, ps, where, err);
	if (!pr)
		return -1;
	r->action_data = pr;
	return 0;
}

static void pss_eval(const kp_rule_run *run, kp_rule_outcome *out)
{
	const kp_pss_rule *pr = run->rule->action_data;
	kp_arena *a = run->ctx->scratch;
	const char *kind = kp_value_path_str(run->resource, "kind");
	const kp_value *meta, *spec;
	if (!kp_pss_pod_of(run->resource, kind, &meta, &spec)) {
		out->status = KP_STATUS_ERROR;
		out->message = "Error while getting new resource: could not find correct resource type";
		return;
	}
	kp_pss_finding *f;
	const char *decode = NULL;
	int n = kp_pss_eval(pr, meta, spec, a, &f, &decode);
	if (n < 0) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a, "Error while getting new resource: %s", decode);
		return;
	}
	if (n == 0) {
		out->status = KP_STATUS_PASS;
		out->message = kp_arena_printf(a, "Validation rule '%s' passed.", run->rule->name);
		return;
	}
	out->status = KP_STATUS_FAIL;
	out->message = kp_pss_message(a, run->rule->name, pr, kind, f, (size_t)n);
	for (int i = 0; i < n && !out->node; i++)
		out->node = f[i].node;
	/* the first field error's place in the resource (no Kyverno
	 * counterpart: podSecurity reports no path) */
	out->path = kp_pss_pointer(a, f[0].n_errs ? f[0].errs[0].field : NULL, kind);
}

const kp_action_ops kp_action_pod_security = {
	.name = "validate.podSecurity",
	.compile = pss_compile,
	.eval = pss_eval,
};
