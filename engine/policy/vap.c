/* vap.c - ValidatingAdmissionPolicy (admissionregistration.k8s.io v1,
 * v1beta1, v1alpha1) as `kyverno apply` / `kyverno test` run it offline
 * (kyverno pkg/admissionpolicy/validate.go over the Kubernetes validator;
 * ../shared/docs/kyverno-cel.md §11-§13, §16, §19):
 *   - one rule named after the policy; operation always CREATE, oldObject
 *     null, namespaceObject a Namespace named after the object's namespace
 *     with the values file's namespaceSelector labels;
 *   - no bindings: the policy's matchConstraints decide (absent: every
 *     resource); with bindings only the bindings' matchResources count,
 *     each applying binding is evaluated and the last one's row is kept;
 *     nothing applies: no row;
 *   - matchConditions (first false: skip "match conditions aren't met";
 *     else an error is an error row, unless failurePolicy Ignore);
 *   - every validation is a decision; the first error (compile or
 *     runtime) or deny in order decides: `error` / `fail`; else `pass`.
 * Audit annotations never change a row (their results are not read). */
#include "policy/vap.h"

#include <string.h>

enum { V_OBJECT, V_OLD, V_REQUEST, V_NSOBJ, V_PARAMS, V_N };
static const char *const var_names[V_N] = {
	"object", "oldObject", "request", "namespaceObject", "params",
};

typedef struct vap_check {
	const kp_cel_prog *prog, *msg_prog;
	const char *expr;            /* as written, for error messages */
	const char *trimmed;         /* for "failed expression: " */
	const char *message;         /* trimmed, NULL when empty */
	const char *problem;         /* did not compile: an error decision */
} vap_check;

typedef struct kp_vap {
	kp_match_resources mc;       /* absent: every resource */
	const kp_cel_prog **conds;   /* the match conditions that compiled */
	size_t n_conds;
	const char *cond_problem;    /* one did not compile: an error */
	bool ignore_failures;        /* failurePolicy: Ignore */
	vap_check *checks;
	size_t n_checks;
	bool decides;                /* validations or audit annotations given */
	/* set at seal (vap_binding.c) */
	const kp_vap_binding *const *bindings;
	size_t n_bindings;
} kp_vap;

/* ---- compile ---- */

/* NULL when it compiled; else the decision message of a problem, or
 * ERR_OUT (err set: not a string, or a feature kpolicy lacks). */
static const char err_out[] = "";
#define ERR_OUT err_out

static const char *compile(kp_policy *p, const kp_cel_env *env, const kp_value *node,
			   const char *path, const char *want, const kp_cel_prog **dst, kp_error *err)
{
	const char *problem;
	*dst = kp_policy_cel_compile(p, env, node, path, want, &problem, err);
	if (*dst)
		return NULL;
	if (!problem)
		return ERR_OUT;
	/* the validator has no authorizer offline (HasAuthorizer: false) */
	if (strstr(problem, "undeclared reference to 'authorizer'")) {
		p->unsupported = "ValidatingAdmissionPolicy authorizer";
		p->diag.code = KP_OK;
		return ERR_OUT;
	}
	return kp_arena_printf(p->arena, "compilation error: %s", problem);
}

/* 0, or -1 with err; p->unsupported set: stop quietly. */
static int failed(kp_policy *p, kp_error *err)
{
	if (p->unsupported)
		return 0;
	if (err->code == KP_E_UNSUPPORTED) {
		p->unsupported = kp_arena_strdup(p->arena, err->feature);
		return 0;
	}
	return -1;
}

static int vap_compile(kp_policy *p, const kp_value *spec, kp_vap *v, kp_error *err)
{
	kp_arena *a = p->arena;
	if (kp_match_resources_compile(a, kp_value_get(spec, "matchConstraints"),
				       "/spec/matchConstraints", &v->mc, err))
		return -1;
	v->ignore_failures = kp_value_str_eq(kp_value_get(spec, "failurePolicy"), "Ignore");
	/* `params` is declared only with a paramKind (OptionalVariableDeclarations) */
	size_t n_names = kp_value_type(kp_value_get(spec, "paramKind")) == KP_MAP ? V_N : V_PARAMS;
	const char *problem;
	/* match conditions see no variables */
	kp_cel_env *cenv = kp_policy_cel_env(a, var_names, n_names);
	const kp_value *conds = kp_value_get(spec, "matchConditions");
	v->conds = kp_arena_alloc(a, (kp_value_len(conds) + 1) * sizeof *v->conds);
	for (size_t i = 0; i < kp_value_len(conds); i++) {
		const kp_cel_prog *prog;
		problem = compile(p, cenv, kp_value_get(kp_value_at(conds, i), "expression"),
				  kp_arena_printf(a, "/spec/matchConditions/%zu/expression", i), "bool",
				  &prog, err);
		if (problem == ERR_OUT)
			return failed(p, err);
		if (problem && !v->cond_problem)
			v->cond_problem = problem;
		if (prog)
			v->conds[v->n_conds++] = prog;
	}
	kp_cel_env *env = kp_policy_cel_env(a, var_names, n_names);
	const char *var_problem = NULL;
	if (kp_policy_cel_variables(p, env, kp_value_get(spec, "variables"), "/spec/variables",
				    &var_problem, err) < 0)
		return failed(p, err);
	if (var_problem && strstr(var_problem, "undeclared reference to 'authorizer'")) {
		p->unsupported = "ValidatingAdmissionPolicy authorizer";
		return 0;
	}
	const kp_value *vals = kp_value_get(spec, "validations");
	v->n_checks = kp_value_len(vals);
	v->checks = kp_arena_alloc(a, (v->n_checks + 1) * sizeof *v->checks);
	for (size_t i = 0; i < v->n_checks; i++) {
		const kp_value *x = kp_value_at(vals, i);
		vap_check *c = &v->checks[i];
		memset(c, 0, sizeof *c);
		const kp_value *ex = kp_value_get(x, "expression");
		size_t n;
		const char *s = kp_value_str(ex, &n);
		c->expr = s ? kp_arena_strndup(a, s, n) : "";
		c->trimmed = kp_policy_cel_trim(a, c->expr, strlen(c->expr));
		s = kp_value_str(kp_value_get(x, "message"), &n);
		c->message = s ? kp_policy_cel_trim(a, s, n) : NULL;
		if (c->message && !*c->message)
			c->message = NULL;
		if (var_problem) {
			/* a variable that does not compile (kpolicy: every
			 * validation errors, used or not) */
			c->problem = kp_arena_printf(a, "compilation error: %s", var_problem);
			continue;
		}
		c->problem = compile(p, env, ex, kp_arena_printf(a, "/spec/validations/%zu/expression", i),
				     "bool", &c->prog, err);
		if (c->problem == ERR_OUT)
			return failed(p, err);
		const kp_value *me = kp_value_get(x, "messageExpression");
		if (!c->problem && kp_value_type(me) == KP_STRING) {
			/* a messageExpression that does not compile: message is used */
			const char *mp = compile(p, env, me,
						 kp_arena_printf(a, "/spec/validations/%zu/messageExpression", i),
						 "string", &c->msg_prog, err);
			if (mp == ERR_OUT)
				return failed(p, err);
		}
	}
	/* audit annotations: compiled for their diagnostics only */
	const kp_value *ann = kp_value_get(spec, "auditAnnotations");
	for (size_t i = 0; i < kp_value_len(ann) && !var_problem; i++) {
		const kp_cel_prog *prog;
		if (compile(p, env, kp_value_get(kp_value_at(ann, i), "valueExpression"),
			    kp_arena_printf(a, "/spec/auditAnnotations/%zu/valueExpression", i), NULL,
			    &prog, err) == ERR_OUT)
			return failed(p, err);
	}
	v->decides = v->n_checks || kp_value_len(ann);
	return 0;
}

/* ---- evaluate ---- */

static kp_value *str_node(kp_arena *a, const char *s)
{
	return kp_value_new_str(a, s, strlen(s), NULL, 0, 0);
}

static kp_value *map_node(kp_arena *a)
{
	return kp_value_new(a, KP_MAP, NULL, 0, 0);
}

/* The Namespace the CLI makes (createNamespaceObject of its name and the
 * values file's namespaceSelector labels), as CEL sees it. */
static const kp_value *namespace_object(kp_arena *a, const char *name, const kp_value *labels)
{
	kp_value *ns = map_node(a), *md = map_node(a);
	kp_map_set(a, md, "name", str_node(a, name));
	kp_map_set(a, md, "creationTimestamp", kp_value_new(a, KP_NULL, NULL, 0, 0));
	if (kp_value_len(labels))
		kp_map_set(a, md, "labels", (kp_value *)labels);
	kp_map_set(a, ns, "metadata", md);
	kp_map_set(a, ns, "spec", map_node(a));
	kp_map_set(a, ns, "status", map_node(a));
	return ns;
}

/* request as the CLI's admission attributes give it: CREATE, and the
 * user info's empty fields left out (omitempty). */
static const kp_value *vap_request(const kp_rule_run *run, kp_arena *a, const kp_value *object,
				   const kp_value *old)
{
	kp_value *req = (kp_value *)kp_policy_cel_request(a, run, object, old);
	kp_map_set(a, req, "operation", str_node(a, "CREATE"));
	kp_value *ui = map_node(a);
	const kp_value *from = kp_value_get(req, "userInfo");
	const char *user = kp_value_path_str(from, "username");
	if (user && *user)
		kp_map_set(a, ui, "username", (kp_value *)kp_value_get(from, "username"));
	if (kp_value_len(kp_value_get(from, "groups")))
		kp_map_set(a, ui, "groups", (kp_value *)kp_value_get(from, "groups"));
	kp_map_set(a, req, "userInfo", ui);
	return req;
}

/* validateResource: the row of one evaluation with params. */
static void validate(const kp_vap *v, const kp_value **vals, kp_arena *a, kp_rule_outcome *out)
{
	kp_cel_activation act = {.vals = vals, .n = V_N};
	const char *cond_error;
	int m = kp_policy_cel_match(v->conds, v->n_conds, &act, a, &cond_error);
	if (m > 0 && v->cond_problem) {
		m = -1;
		cond_error = v->cond_problem;
	}
	if (m == 0 || (m < 0 && v->ignore_failures) || !v->decides) {
		out->status = KP_STATUS_SKIP;
		out->message = "match conditions aren't met";
		return;
	}
	if (m < 0) {
		out->status = KP_STATUS_ERROR;
		out->message = cond_error;
		return;
	}
	for (size_t i = 0; i < v->n_checks; i++) {
		const vap_check *c = &v->checks[i];
		bool ok;
		kp_error e;
		if (c->problem) {
			out->status = KP_STATUS_ERROR;
			out->message = c->problem;
			return;
		}
		if (kp_cel_eval_bool(c->prog, &act, a, &ok, &e) < 0) {
			out->status = KP_STATUS_ERROR;
			out->message = kp_arena_printf(a, "expression '%s' resulted in error: %s", c->expr, e.msg);
			return;
		}
		if (!ok) {
			out->status = KP_STATUS_FAIL;
			out->message = kp_policy_cel_deny_message(c->msg_prog, c->message, c->trimmed, &act, a);
			return;
		}
	}
	out->status = KP_STATUS_PASS;
	out->message = "";
}

static void vap_eval(const kp_rule_run *run, kp_rule_outcome *out)
{
	const kp_vap *v = run->rule->action_data;
	kp_arena *a = run->ctx->scratch;
	static const kp_value null_node = {.type = KP_NULL};
	const kp_value *res = run->resource;
	const kp_value *vals[V_N] = {res, &null_node, NULL, &null_node, &null_node};
	kp_match_request q;
	out->no_response = true;
	if (!kp_match_request_init(&q, a, res, "CREATE"))
		return;
	/* a Namespace has no namespace object */
	const char *ns = kp_value_path_str(res, "metadata/namespace");
	if (!strcmp(q.kind, "Namespace") && !strcmp(q.version, "v1") && !*q.group)
		ns = NULL;
	if (ns && *ns) {
		q.ns_labels = kp_values_namespace_labels(run->opts->values, ns);
		vals[V_NSOBJ] = namespace_object(a, ns, q.ns_labels);
	}
	vals[V_REQUEST] = vap_request(run, a, res, &null_node);
	if (!v->n_bindings) {
		if (v->mc.present && !kp_match_resources_match(&v->mc, &q))
			return;
		out->no_response = false;
		validate(v, vals, a, out);
		return;
	}
	for (size_t i = 0; i < v->n_bindings; i++) {
		const kp_vap_binding *b = v->bindings[i];
		if (b->match.present && !kp_match_resources_match(&b->match, &q))
			continue;
		vals[V_PARAMS] = kp_vap_binding_params(b, run->policy->params, run->policy->n_params, a);
		if (!vals[V_PARAMS])
			vals[V_PARAMS] = &null_node;
		/* the last applying binding's row is kept */
		kp_rule_outcome o = {0};
		validate(v, vals, a, &o);
		*out = o;
	}
}

static const kp_action_ops kp_action_vap = {.name = "ValidatingAdmissionPolicy", .eval = vap_eval};

int kp_vap_load(kp_policy *p, const kp_value *spec, kp_error *err)
{
	if (kp_vap_shape_check(p->arena, spec, false, err))
		return -1;
	kp_vap *v = kp_arena_alloc(p->arena, sizeof *v);
	memset(v, 0, sizeof *v);
	if (vap_compile(p, spec, v, err) < 0)
		return -1;
	if (p->unsupported)
		return 0;
	p->rules = kp_arena_alloc(p->arena, sizeof *p->rules);
	kp_rule *r = &p->rules[0];
	memset(r, 0, sizeof *r);
	r->name = p->name;
	r->raw = spec;
	r->match.mode = KP_SEL_ALWAYS;
	r->action = &kp_action_vap;
	r->action_data = v;
	p->n_rules = 1;
	return 0;
}

void kp_vap_attach(kp_policy *p, const kp_vap_binding *const *bindings, size_t n)
{
	kp_vap *v = p->n_rules == 1 && p->rules[0].action == &kp_action_vap ? p->rules[0].action_data
									    : NULL;
	if (!v)
		return;
	v->bindings = bindings;
	v->n_bindings = n;
}
