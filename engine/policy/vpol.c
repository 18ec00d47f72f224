/* vpol.c - ValidatingPolicy (policies.kyverno.io) as the Kyverno CLI runs
 * it (../shared/docs/kyverno-cel.md §12-14, §17, §19): one policy-level
 * rule (name "") per autogen variant; matchConstraints, matchConditions,
 * variables, validations in order stopping at the first that is not
 * true; a runtime error is an `error` row. */
#include "policy/policy_cel.h"

#include <string.h>

enum { V_OBJECT, V_OLD, V_REQUEST, V_NSOBJ, V_EXCEPTIONS, V_N };
static const char *const var_names[V_N] = {
	"object", "oldObject", "request", "namespaceObject", "exceptions",
};

typedef struct vpol_check {
	const kp_cel_prog *prog, *msg_prog;
	const char *message;         /* as written, NULL when absent/empty */
} vpol_check;

typedef struct vpol {
	kp_match_resources mc;       /* absent: matches nothing */
	const kp_cel_prog **conds;
	size_t n_conds;
	bool ignore_failures;        /* failurePolicy: Ignore */
	vpol_check *checks;
	size_t n_checks;
	const kp_cel_env *env;       /* of the variables and validations */
	bool uses[V_N];              /* some program reads the variable */
} vpol;

/* ---- compile ---- */

kp_cel_env *kp_vpol_env(kp_arena *a)
{
	kp_cel_env *env = kp_policy_cel_env(a, var_names, V_N);
	kp_cel_env_kyverno_libs(env, true);
	return env;
}

/* A compile problem: a Kyverno library kpolicy lacks makes the policy
 * unsupported; anything else is an error at its place (Kyverno aborts the
 * run: "failed to compile policy"). */
static int compile_problem(kp_policy *p, const char *problem, kp_error *err)
{
	/* the handles and functions of Kyverno's CEL libraries (kyverno-cel.md
	 * §9), which kpolicy does not declare yet */
	static const char *const libs[] = {
		"image", "imageData", "generator",
	};
	const char *u = strstr(problem, "undeclared reference to '");
	if (u) {
		u += strlen("undeclared reference to '");
		size_t n = strcspn(u, "'.");
		for (size_t i = 0; i < sizeof libs / sizeof *libs; i++)
			if (strlen(libs[i]) == n && !strncmp(u, libs[i], n)) {
				p->unsupported = kp_arena_printf(p->arena, "cel library %.*s", (int)n, u);
				p->diag.code = KP_OK;
				return 0;
			}
	}
	*err = p->diag;
	snprintf(err->msg, sizeof err->msg, "failed to compile policy %.200s: %.700s", p->name, p->diag.msg);
	return -1;
}

/* A compile failure without a problem text: a Kyverno library function
 * kpolicy recognises but does not evaluate ("cel function gzip.compress")
 * makes the policy unsupported; anything else fails. */
static int compile_failed(kp_policy *p, kp_error *err)
{
	if (err->code != KP_E_UNSUPPORTED || strncmp(err->feature, "cel function ", 13))
		return -1;
	p->unsupported = kp_arena_strdup(p->arena, err->feature);
	kp_error_clear(err);
	return 0;
}

#define COMPILE(dst, node, path, want)                                                  \
	do {                                                                            \
		const char *problem_;                                                   \
		(dst) = kp_policy_cel_compile(p, env, (node), (path), (want), &problem_, err); \
		if (!(dst))                                                             \
			return problem_ ? compile_problem(p, problem_, err) : compile_failed(p, err); \
	} while (0)

static int variant_compile(kp_policy *p, const kp_value *spec, vpol *vp, kp_error *err)
{
	kp_arena *a = p->arena;
	if (kp_match_resources_compile(a, kp_value_get(spec, "matchConstraints"),
				       "/spec/matchConstraints", &vp->mc, err))
		return -1;
	vp->ignore_failures = kp_value_str_eq(kp_value_get(spec, "failurePolicy"), "Ignore");
	/* their errors would turn results into errors: not evaluated yet */
	if (kp_value_len(kp_value_get(spec, "auditAnnotations"))) {
		p->unsupported = "ValidatingPolicy auditAnnotations";
		return 0;
	}
	const char *mode = kp_value_path_str(spec, "evaluation/mode");
	if (mode && strcmp(mode, "Kubernetes")) {
		p->unsupported = "ValidatingPolicy evaluation.mode JSON";
		return 0;
	}
	kp_cel_env *env = kp_vpol_env(a);
	vp->env = env;
	/* match conditions do not see variables */
	const kp_value *conds = kp_value_get(spec, "matchConditions");
	vp->n_conds = kp_value_len(conds);
	vp->conds = kp_arena_alloc(a, (vp->n_conds + 1) * sizeof *vp->conds);
	for (size_t i = 0; i < vp->n_conds; i++)
		COMPILE(vp->conds[i], kp_value_get(kp_value_at(conds, i), "expression"),
			kp_arena_printf(a, "/spec/matchConditions/%zu/expression", i), "bool");
	const char *problem;
	if (kp_policy_cel_variables(p, env, kp_value_get(spec, "variables"), "/spec/variables",
				    &problem, err) < 0)
		return compile_failed(p, err);
	if (problem)
		return compile_problem(p, problem, err);
	const kp_value *vals = kp_value_get(spec, "validations");
	vp->n_checks = kp_value_len(vals);
	vp->checks = kp_arena_alloc(a, (vp->n_checks + 1) * sizeof *vp->checks);
	for (size_t i = 0; i < vp->n_checks; i++) {
		const kp_value *x = kp_value_at(vals, i);
		vpol_check *c = &vp->checks[i];
		COMPILE(c->prog, kp_value_get(x, "expression"),
			kp_arena_printf(a, "/spec/validations/%zu/expression", i), "bool");
		const kp_value *me = kp_value_get(x, "messageExpression");
		if (kp_value_type(me) == KP_STRING)
			COMPILE(c->msg_prog, me, kp_arena_printf(a, "/spec/validations/%zu/messageExpression", i),
				"string");
		const char *m = kp_value_path_str(x, "message");
		c->message = m && *m ? kp_arena_strdup(a, m) : NULL;
	}
	/* the activation builds only what a program reads */
	for (size_t v = 0; v < V_N; v++) {
		for (size_t i = 0; i < vp->n_conds; i++)
			vp->uses[v] |= kp_cel_prog_uses(vp->conds[i], v);
		for (size_t i = 0; i < vp->n_checks; i++)
			vp->uses[v] |= kp_cel_prog_uses(vp->checks[i].prog, v) ||
				       (vp->checks[i].msg_prog && kp_cel_prog_uses(vp->checks[i].msg_prog, v));
	}
	return 0;
}

/* ---- matching (kyverno pkg/cel/matching over the K8s rule matcher) ---- */

/* matchConstraints with the namespace labels of the values file, else
 * only kubernetes.io/metadata.name (kyverno-cel.md §13). */
static bool constraints_match(const vpol *vp, const kp_rule_run *run, const kp_value *res,
			      const char *op, kp_arena *a)
{
	kp_match_request q;
	if (!vp->mc.present || !kp_match_request_init(&q, a, res, op))
		return false;
	const char *ns = kp_value_path_str(res, "metadata/namespace");
	if (!vp->mc.ns_sel.present)
		return kp_match_resources_match(&vp->mc, &q);
	q.ns_labels = ns && *ns ? kp_values_namespace_labels(run->opts->values, ns) : NULL;
	if (!q.ns_labels) {
		kp_value *m = kp_value_new(a, KP_MAP, NULL, 0, 0);
		const char *n = ns && *ns ? ns : "default";
		kp_map_set(a, m, "kubernetes.io/metadata.name", kp_value_new_str(a, n, strlen(n), NULL, 0, 0));
		q.ns_labels = m;
	}
	return kp_match_resources_match(&vp->mc, &q);
}

/* ---- evaluate ---- */

static void vpol_eval(const kp_rule_run *run, kp_rule_outcome *out)
{
	const vpol *vp = run->rule->action_data;
	kp_arena *a = run->ctx->scratch;
	static const kp_value null_node = {.type = KP_NULL};
	const kp_value *vals[V_N];
	kp_policy_cel_objects(run, a, &vals[V_OBJECT], &vals[V_OLD]);
	const kp_value *res = kp_value_type(vals[V_OBJECT]) == KP_MAP ? vals[V_OBJECT] : vals[V_OLD];
	const char *op = run->base ? run->base->operation : run->opts->operation;
	if (!op)
		op = "CREATE";
	if (!constraints_match(vp, run, res, op, a)) {
		out->no_response = true;
		return;
	}
	vals[V_REQUEST] = vals[V_NSOBJ] = vals[V_EXCEPTIONS] = &null_node;
	/* CEL PolicyExceptions' programs may read them too */
	bool all = run->policy->n_cel_exceptions != 0;
	if (all || vp->uses[V_REQUEST]) {
		kp_value *req = (kp_value *)kp_policy_cel_request(a, run, vals[V_OBJECT], vals[V_OLD]);
		kp_map_set(a, req, "object", (kp_value *)vals[V_OBJECT]);
		kp_map_set(a, req, "oldObject", (kp_value *)vals[V_OLD]);
		vals[V_REQUEST] = req;
	}
	const char *ns = all || vp->uses[V_NSOBJ] ? kp_value_path_str(res, "metadata/namespace") : NULL;
	const char *kind = kp_value_str(kp_value_get(res, "kind"), NULL);
	/* the values file's Namespace object, else one built from its
	 * namespaceSelector labels, else null (kyverno-cel.md §12) */
	if (ns && *ns && !(kind && !strcmp(kind, "Namespace"))) {
		const kp_values *vf = run->opts->values;
		const kp_value *list = vf ? kp_value_get(vf->root, "namespaces") : NULL;
		for (size_t i = 0; i < kp_value_len(list); i++)
			if (kp_value_str_eq(kp_value_path(kp_value_at(list, i), "metadata/name"), ns))
				vals[V_NSOBJ] = kp_value_at(list, i);
		const kp_value *labels = kp_values_namespace_labels(vf, ns);
		if (vals[V_NSOBJ] == &null_node && labels) {
			kp_value *nso = kp_value_new(a, KP_MAP, NULL, 0, 0), *md = kp_value_new(a, KP_MAP, NULL, 0, 0);
			kp_map_set(a, md, "name", kp_value_new_str(a, ns, strlen(ns), NULL, 0, 0));
			kp_map_set(a, md, "labels", (kp_value *)labels);
			kp_map_set(a, nso, "metadata", md);
			vals[V_NSOBJ] = nso;
		}
	}
	kp_value *exc = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_map_set(a, exc, "allowedImages", kp_value_new(a, KP_SEQ, NULL, 0, 0));
	kp_map_set(a, exc, "allowedValues", kp_value_new(a, KP_SEQ, NULL, 0, 0));
	/* CEL PolicyExceptions first; they do not see `exceptions` */
	vals[V_EXCEPTIONS] = NULL;
	kp_cel_host host;
	kp_policy_cel_host(run, &host);
	/* variables computed once for all validations */
	kp_cel_activation act = {vals, V_N, &host, kp_cel_memo_new(vp->env, a)};
	if (run->policy->n_cel_exceptions &&
	    kp_cel_exceptions_apply(run, &act, vp->ignore_failures, exc, out))
		return;
	vals[V_EXCEPTIONS] = exc;
	kp_error e;
	const char *cond_error;
	int m = kp_policy_cel_match(vp->conds, vp->n_conds, &act, a, &cond_error);
	if (m < 0 && !strncmp(cond_error, "unsupported: ", 13)) {
		out->status = KP_STATUS_ERROR;
		out->unsupported = cond_error + 13;
		return;
	}
	if (m == 0 || (m < 0 && vp->ignore_failures)) {
		out->status = KP_STATUS_SKIP;
		out->message = "skip";
		return;
	}
	if (m < 0) {
		out->rule = "evaluation";
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a, "failed to load context: %s", cond_error);
		return;
	}
	for (size_t i = 0; i < vp->n_checks; i++) {
		const vpol_check *c = &vp->checks[i];
		bool ok;
		if (kp_cel_eval_bool(c->prog, &act, a, &ok, &e) < 0) {
			out->status = KP_STATUS_ERROR;
			if (e.code == KP_E_UNSUPPORTED)
				out->unsupported = kp_arena_strdup(a, e.feature);
			out->message = kp_arena_printf(a, "error: %s", e.msg);
			return;
		}
		if (ok)
			continue;
		out->status = KP_STATUS_FAIL;
		if (c->msg_prog) {
			kp_cel_result r;
			int rc = kp_cel_eval(c->msg_prog, &act, a, &r, &e);
			if (rc < 0 && e.code == KP_E_UNSUPPORTED) {
				out->status = KP_STATUS_ERROR;
				out->unsupported = kp_arena_strdup(a, e.feature);
			} else if (rc < 0)
				out->message = kp_arena_printf(a, "failed to evaluate message expression: %s", e.msg);
			else if (kp_value_type(r.value) != KP_STRING)
				out->message = kp_arena_printf(a, "failed to convert message expression to string: %s",
							       r.repr);
			else
				out->message = kp_value_str(r.value, NULL);
		} else {
			out->message = c->message ? c->message
				: kp_arena_printf(a, "CEL expression validation failed at index %zu", i);
		}
		return;
	}
	out->status = KP_STATUS_PASS;
	out->message = "success";
}

static const kp_action_ops kp_action_vpol = {.name = "ValidatingPolicy", .eval = vpol_eval};

/* ---- autogen (vpol/autogen: text rewrite of the whole spec) ---- */

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* object.spec -> object.<tpl>.spec etc. as plain substring replacement; an
 * occurrence followed by ".namespace" (then no identifier character) is
 * left alone. */
static char *rewrite(kp_arena *a, const char *s, size_t n, const char *tpl, size_t *out_n)
{
	static const char *const froms[] = {"object.spec", "oldObject.spec", "object.metadata",
					    "oldObject.metadata"};
	char *cur = kp_arena_strndup(a, s, n);
	for (size_t f = 0; f < 4; f++) {
		const char *from = froms[f];
		size_t fl = strlen(from);
		const char *dot = strchr(from, '.');
		kp_buf b;
		kp_buf_init(&b, a);
		size_t i = 0;
		while (i < n) {
			const char *hit = i + fl <= n ? memmem(cur + i, n - i, from, fl) : NULL;
			if (!hit) {
				kp_buf_add(&b, cur + i, n - i);
				break;
			}
			size_t h = (size_t)(hit - cur);
			kp_buf_add(&b, cur + i, h - i);
			size_t after = h + fl;
			bool keep = n - after >= 10 && !strncmp(cur + after, ".namespace", 10) &&
				    (after + 10 == n || !ident_char(cur[after + 10]));
			if (keep) {
				kp_buf_add(&b, from, fl);
			} else {
				kp_buf_add(&b, from, (size_t)(dot - from) + 1);
				kp_buf_printf(&b, "%s.%s", tpl, dot + 1);
			}
			i = after;
		}
		cur = (char *)kp_buf_str(&b);
		n = strlen(cur);
	}
	*out_n = n;
	return cur;
}

static void rewrite_tree(kp_arena *a, kp_value *v, const char *tpl)
{
	switch (v ? v->type : KP_NULL) {
	case KP_STRING:
		if (memmem(v->u.s.ptr, v->u.s.len, "bject.", 6))
			v->u.s.ptr = rewrite(a, v->u.s.ptr, v->u.s.len, tpl, &v->u.s.len);
		break;
	case KP_SEQ:
		for (size_t i = 0; i < v->u.seq.n; i++)
			rewrite_tree(a, v->u.seq.items[i], tpl);
		break;
	case KP_MAP:
		for (size_t i = 0; i < v->u.map.n; i++)
			rewrite_tree(a, v->u.map.pairs[i].value, tpl);
		break;
	default:
		break;
	}
}

/* support.go CanAutoGen */
static bool can_autogen(const kp_value *mc)
{
	const kp_value *rr = kp_value_get(mc, "resourceRules");
	if (kp_value_len(rr) != 1 || kp_value_len(kp_value_get(mc, "excludeResourceRules")))
		return false;
	if (kp_value_len(kp_value_path(mc, "objectSelector/matchLabels")) ||
	    kp_value_len(kp_value_path(mc, "objectSelector/matchExpressions")))
		return false;
	const kp_value *r = kp_value_at(rr, 0);
	const kp_value *g = kp_value_get(r, "apiGroups"), *v = kp_value_get(r, "apiVersions"),
		       *res = kp_value_get(r, "resources");
	return kp_value_len(g) == 1 && kp_value_str_eq(kp_value_at(g, 0), "") &&
	       kp_value_len(v) == 1 && kp_value_str_eq(kp_value_at(v, 0), "v1") &&
	       kp_value_len(res) == 1 && kp_value_str_eq(kp_value_at(res, 0), "pods") &&
	       !kp_value_len(kp_value_get(r, "resourceNames"));
}

static kp_value *str_seq(kp_arena *a, const char *const *v, size_t n)
{
	kp_value *s = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	for (size_t i = 0; i < n; i++)
		kp_seq_push(a, s, kp_value_new_str(a, v[i], strlen(v[i]), NULL, 0, 0));
	return s;
}

/* One variant spec: the rewritten copy with matchConstraints narrowed to
 * the controllers' resources (one rule per group/version). */
static kp_value *variant(kp_arena *a, const kp_value *spec, bool cron, const kp_strs *ctrl)
{
	kp_value *s = kp_value_copy(a, spec);
	rewrite_tree(a, s, cron ? "spec.jobTemplate.spec.template" : "spec.template");
	kp_value *mc = kp_map_get_mut(s, "matchConstraints");
	const kp_value *old = kp_value_at(kp_value_get(kp_value_get(spec, "matchConstraints"), "resourceRules"), 0);
	kp_value *rules = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	static const char *const apps[][2] = {
		{"DaemonSet", "daemonsets"}, {"Deployment", "deployments"},
		{"ReplicaSet", "replicasets"}, {"StatefulSet", "statefulsets"},
	};
	const char *app_res[4], *batch_res[1];
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < 4 && !cron; i++)
		if (kp_strs_has(ctrl, apps[i][0]))
			app_res[na++] = apps[i][1];
	if (!cron && kp_strs_has(ctrl, "Job"))
		batch_res[nb++] = "jobs";
	if (cron && kp_strs_has(ctrl, "CronJob"))
		batch_res[nb++] = "cronjobs";
	const char *const *groups[2] = {app_res, batch_res};
	size_t counts[2] = {na, nb};
	static const char *const gnames[2] = {"apps", "batch"};
	for (int g = 0; g < 2; g++) {
		if (!counts[g])
			continue;
		kp_value *r = kp_value_copy(a, old);
		kp_map_set(a, r, "apiGroups", str_seq(a, &gnames[g], 1));
		static const char *const v1[] = {"v1"};
		kp_map_set(a, r, "apiVersions", str_seq(a, v1, 1));
		kp_map_set(a, r, "resources", str_seq(a, groups[g], counts[g]));
		kp_seq_push(a, rules, r);
	}
	if (!kp_value_len(rules))
		return NULL;
	kp_map_set(a, mc, "resourceRules", rules);
	return s;
}

int kp_vpol_load(kp_policy *p, const kp_value *spec, kp_error *err)
{
	kp_arena *a = p->arena;
	kp_value *specs[3] = {(kp_value *)spec, NULL, NULL};
	const kp_value *mc = kp_value_get(spec, "matchConstraints");
	if (can_autogen(mc)) {
		static const char *const all[] = {"DaemonSet", "Deployment", "ReplicaSet", "StatefulSet",
						  "Job", "CronJob"};
		const kp_value *given = kp_value_path(spec, "autogen/podControllers/controllers");
		kp_strs ctrl = kp_value_type(given) == KP_SEQ ? kp_strs_of(a, given)
							       : (kp_strs){(const char **)all, 6};
		specs[1] = variant(a, spec, false, &ctrl);
		specs[2] = variant(a, spec, true, &ctrl);
	}
	p->rules = kp_arena_alloc(a, 3 * sizeof *p->rules);
	for (int i = 0; i < 3; i++) {
		if (!specs[i])
			continue;
		kp_rule *r = &p->rules[p->n_rules];
		memset(r, 0, sizeof *r);
		r->name = "";
		r->raw = specs[i];
		r->match.mode = KP_SEL_ALWAYS;
		r->action = &kp_action_vpol;
		r->autogen = i == 0 ? KP_AUTOGEN_NONE : i == 1 ? KP_AUTOGEN_CONTROLLERS : KP_AUTOGEN_CRONJOB;
		vpol *vp = kp_arena_alloc(a, sizeof *vp);
		memset(vp, 0, sizeof *vp);
		if (variant_compile(p, specs[i], vp, err) < 0)
			return -1;
		if (p->unsupported) {
			p->n_rules = 0;
			return 0;
		}
		r->action_data = vp;
		p->n_rules++;
	}
	return 0;
}
