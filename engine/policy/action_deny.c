/* action_deny.c - validate.deny: the rule fails when its conditions hold
 * (../shared/docs/kyverno-rules.md §2; validate_resource.go validateDeny,
 * getDenyMessage). */
#include "policy/policy.h"

#include <string.h>

typedef struct deny_rule {
	kp_conds *conds;
	const char *pass_message;
} deny_rule;

/* The deny body of a rule or of a foreach entry. */
void *kp_deny_compile(kp_policy *p, const kp_value *deny, const char *path, const char *rule,
		      kp_error *err)
{
	deny_rule *d = kp_arena_alloc(p->arena, sizeof *d);
	d->conds = kp_conds_compile(p->arena, kp_value_get(deny, "conditions"),
				    kp_arena_printf(p->arena, "%s/conditions", path), true, err, &p->diag);
	if (!d->conds)
		return NULL;
	d->pass_message = kp_arena_printf(p->arena, "validation rule '%s' passed.", rule);
	return d;
}

/* The fail message: validate.message and the true conditions' messages,
 * joined and substituted as a whole; no "validation error:" prefix. */
static const char *fail_message(const kp_rule *r, const kp_env *env, const char *cond_msgs)
{
	kp_arena *a = env->vars.scratch;
	const char *m = r->message;
	if ((!m || !*m) && (!cond_msgs || !*cond_msgs))
		return kp_arena_printf(a, "validation error: rule %s failed", r->name);
	bool conds = cond_msgs && *cond_msgs;
	const char *joined = m && *m && conds ? kp_arena_printf(a, "%s; %s", m, cond_msgs)
					      : (m && *m ? m : cond_msgs);
	/* validate.message alone was compiled with the rule; only a message
	 * joined with condition messages is compiled here */
	kp_tmpl *t = r->message_t;
	if (conds) {
		kp_value node = {.type = KP_STRING, .u.s = {joined, strlen(joined)}};
		t = kp_tmpl_compile(a, &node, NULL);
	}
	if (!t)
		return joined;
	const kp_value *out;
	kp_error e;
	if (kp_tmpl_eval(t, &env->vars, "", &out, &e) < 0)
		return cond_msgs ? cond_msgs : "";
	if (kp_value_type(out) != KP_STRING)
		return "the produced message didn't resolve to a string, check your policy definition.";
	return out->u.s.ptr;
}

void kp_deny_eval(const void *data, const kp_rule *r, kp_env *env, kp_rule_outcome *out)
{
	const deny_rule *d = data;
	kp_error e;
	const char *true_msgs;
	int rc = kp_conds_eval(d->conds, &env->vars, &true_msgs, NULL, &e);
	if (rc < 0) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(env->vars.scratch, "failed to check deny conditions: %s", e.msg);
		if (e.code == KP_E_UNSUPPORTED)
			out->unsupported = kp_arena_strdup(env->vars.scratch, e.feature);
		return;
	}
	if (!rc) {
		out->status = KP_STATUS_PASS;
		out->message = d->pass_message;
		return;
	}
	out->status = KP_STATUS_FAIL;
	out->message = fail_message(r, env, true_msgs);
}

static int compile(kp_policy *p, kp_rule *r, const kp_value *rule, const char *path,
		   kp_error *err)
{
	r->uses_vars = true;
	r->action_data = kp_deny_compile(p, kp_value_path(rule, "validate/deny"),
					 kp_arena_printf(p->arena, "%s/validate/deny", path), r->name, err);
	return r->action_data ? 0 : -1;
}

static void eval(const kp_rule_run *run, kp_rule_outcome *out)
{
	kp_deny_eval(run->rule->action_data, run->rule, run->env, out);
}

const kp_action_ops kp_action_deny = {.name = "validate.deny", .compile = compile, .eval = eval};
