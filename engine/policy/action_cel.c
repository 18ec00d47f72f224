/* action_cel.c - validate.cel in ClusterPolicy/Policy: the Kubernetes
 * validator run as Kyverno's validate_cel.go runs it offline
 * (../shared/docs/kyverno-cel.md §11, §12, §15): every expression is
 * evaluated, the first one that denies decides; a runtime error denies
 * too (failure policy Fail), so it is a `fail` row. */
#include "policy/policy.h"
#include "policy/vap.h"

#include <stdlib.h>
#include <string.h>

/* Activation slots, in declaration order. */
enum { V_OBJECT, V_OLD, V_REQUEST, V_NSOBJ, V_PARAMS, V_AUTHZ, V_N };
static const char *const var_names[V_N] = {
	"object", "oldObject", "request", "namespaceObject", "params", "authorizer",
};

typedef struct cel_check {
	const kp_cel_prog *prog;
	const char *expr;            /* trimmed, for messages */
	const char *message;         /* trimmed, NULL when empty */
	const kp_cel_prog *msg_prog; /* messageExpression, or NULL */
	const char *problem;         /* did not compile: denies with this */
} cel_check;

typedef struct cel_rule {
	const kp_cel_prog **pre;     /* celPreconditions */
	size_t n_pre;
	cel_check *checks;
	size_t n;
	const char *compile_error;   /* every resource fails with this */
	const kp_cel_env *env;       /* of the variables and expressions */
	const char *pass_message;
	bool has_param;              /* paramKind and paramRef given */
	kp_param_ref param;
} cel_rule;

kp_cel_env *kp_policy_cel_env(kp_arena *a, const char *const *names, size_t n)
{
	kp_cel_env *env = kp_cel_env_new(a);
	for (size_t i = 0; i < n; i++)
		kp_cel_env_declare(env, names[i]);
	kp_cel_env_numbers_as_double(env, true);
	kp_cel_env_orvalue_compat(env, true);
	return env;
}

const char *kp_policy_cel_trim(kp_arena *a, const char *s, size_t n)
{
	while (n && strchr(" \t\r\n\v\f", *s))
		s++, n--;
	while (n && strchr(" \t\r\n\v\f", s[n - 1]))
		n--;
	return kp_arena_strndup(a, s, n);
}

/* cel-go's Error.ToDisplayString: "ERROR: <input>:L:C: MSG", then the
 * source line (tabs as spaces) and a caret under column C, a dot for each
 * code point before it (full-width dot and caret for wide ones). */
static const char *cel_display_error(kp_arena *a, const char *src, size_t len, const kp_error *e)
{
	kp_buf b;
	kp_buf_init(&b, a);
	kp_buf_printf(&b, "ERROR: <input>:%u:%u: %s", e->line, e->col, e->msg);
	size_t start = 0;
	for (unsigned line = 1; line < e->line && start < len; start++)
		if (src[start] == '\n')
			line++;
	if (e->line < 1 || start > len || (start == len && e->line > 1))
		return kp_buf_str(&b);
	size_t end = start;
	while (end < len && src[end] != '\n')
		end++;
	kp_buf_puts(&b, "\n | ");
	for (size_t i = start; i < end; i++)
		kp_buf_add(&b, src[i] == '\t' ? " " : &src[i], 1);
	kp_buf_puts(&b, "\n | ");
	size_t i = start;
	for (unsigned col = 1; col <= e->col; col++) {
		size_t sz = 1;
		while (i + sz < end && ((unsigned char)src[i + sz] & 0xC0) == 0x80)
			sz++;
		bool wide = i < end && sz > 1;
		if (col == e->col)
			kp_buf_puts(&b, wide ? "\xef\xbc\xbe" : "^");
		else
			kp_buf_puts(&b, wide ? "\xef\xbc\x8e" : ".");
		if (i < end)
			i += sz;
	}
	return kp_buf_str(&b);
}

/* The deepest node of p's document on path ("/spec/validations/0/x"):
 * where an absent field is reported. */
static const kp_value *nearest_node(const kp_policy *p, const char *path)
{
	const kp_value *at = p->root;
	char key[256];
	while (path && *path == '/') {
		const char *end = strchr(path + 1, '/');
		size_t n = end ? (size_t)(end - path - 1) : strlen(path + 1);
		if (n >= sizeof key)
			break;
		memcpy(key, path + 1, n);
		key[n] = 0;
		const kp_value *next = kp_value_type(at) == KP_SEQ
					       ? kp_value_at(at, strtoul(key, NULL, 10))
					       : kp_value_get(at, key);
		if (!next)
			break;
		at = next;
		path = end;
	}
	return at;
}

const kp_cel_prog *kp_policy_cel_compile(kp_policy *p, const kp_cel_env *env,
					 const kp_value *node, const char *path,
					 const char *want, const char **problem,
					 kp_error *err)
{
	size_t len;
	const char *src = kp_value_str(node, &len);
	*problem = NULL;
	if (!src) {
		if (node)
			kp_error_at(err, KP_E_POLICY, node, path, "expression must be a string");
		else
			kp_error_at(err, KP_E_POLICY, nearest_node(p, path), path, "expression is missing");
		return NULL;
	}
	kp_error e = {0};
	kp_cel_prog *prog = kp_cel_compile(env, src, len, p->arena, &e);
	if (!prog) {
		if (e.code == KP_E_UNSUPPORTED) {
			kp_error_unsupported(err, node, path, e.feature);
			return NULL;
		}
		/* the byte offset of line:col (code points) inside the expression */
		size_t off = 0;
		unsigned line = 1, col = 1;
		while (off < len && (line < e.line || (line == e.line && col < e.col))) {
			if (src[off++] == '\n') {
				line++, col = 1;
				continue;
			}
			while (off < len && ((unsigned char)src[off] & 0xC0) == 0x80)
				off++;
			col++;
		}
		*problem = kp_arena_printf(p->arena, "compilation failed: %s",
					   cel_display_error(p->arena, src, len, &e));
		if (p->diag.code == KP_OK)
			kp_error_in_expr(&p->diag, KP_E_EXPR, node, off, path, "%s", e.msg);
		return NULL;
	}
	if (p->n_cel_progs == p->cap_cel_progs) {
		size_t cap = p->cap_cel_progs ? p->cap_cel_progs * 2 : 8;
		p->cel_progs = kp_xrealloc(p->cel_progs, cap * sizeof *p->cel_progs);
		p->cap_cel_progs = cap;
	}
	p->cel_progs[p->n_cel_progs++] = prog;
	const char *t = kp_cel_prog_type(prog);
	/* kpolicy's checker types some string expressions cel-go types as
	 * string as dyn (library functions it has no result type for, such
	 * as `image(x).registry()`): a message must be a string, which
	 * evaluation checks too, so dyn is let through there (a bare
	 * `object.metadata.name`, which cel-go refuses, too) */
	if (want && strcmp(t, want) && !(!strcmp(want, "string") && !strcmp(t, "dyn"))) {
		*problem = kp_arena_printf(p->arena, "must evaluate to %s but got %s", want, t);
		if (p->diag.code == KP_OK)
			kp_error_in_expr(&p->diag, KP_E_EXPR, node, 0, path, "%s", *problem);
		return NULL;
	}
	return prog;
}

void kp_policy_cel_release(kp_policy *p)
{
	for (size_t i = 0; i < p->n_cel_progs; i++)
		kp_cel_prog_free(p->cel_progs[i]);
	free(p->cel_progs);
	p->cel_progs = NULL;
	p->n_cel_progs = p->cap_cel_progs = 0;
}

int kp_policy_cel_variables(kp_policy *p, kp_cel_env *env, const kp_value *vars,
			    const char *path, const char **problem, kp_error *err)
{
	*problem = NULL;
	for (size_t i = 0; i < kp_value_len(vars); i++) {
		const kp_value *v = kp_value_at(vars, i);
		const char *vp = kp_arena_printf(p->arena, "%s/%zu/expression", path, i);
		const char *name = kp_value_path_str(v, "name");
		if (!name)
			return kp_error_at(err, KP_E_POLICY, v, vp, "variable without a name");
		const kp_cel_prog *prog = kp_policy_cel_compile(p, env, kp_value_get(v, "expression"),
								vp, NULL, problem, err);
		if (!prog)
			return *problem ? 0 : -1;
		kp_cel_env_variable(env, name, prog);
	}
	return 0;
}

/* ---- the activation ---- */

static kp_value *str_node(kp_arena *a, const char *s)
{
	return kp_value_new_str(a, s ? s : "", s ? strlen(s) : 0, NULL, 0, 0);
}

static kp_value *map_node(kp_arena *a)
{
	return kp_value_new(a, KP_MAP, NULL, 0, 0);
}

/* meta.UnsafeGuessKindToResource, as the CLI guesses offline. */
const char *kp_policy_guess_resource(kp_arena *a, const char *kind)
{
	size_t n = strlen(kind);
	char *s = kp_arena_alloc(a, n + 4);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)((kind[i] >= 'A' && kind[i] <= 'Z') ? kind[i] + 32 : kind[i]);
	s[n] = 0;
	if (!n || (n >= 9 && !strcmp(s + n - 9, "endpoints")))
		return s;
	if (s[n - 1] == 's')
		strcpy(s + n, "es");
	else if (s[n - 1] == 'y')
		strcpy(s + n - 1, "ies");
	else
		strcpy(s + n, "s");
	return s;
}

const kp_value *kp_policy_cel_request(kp_arena *a, const kp_rule_run *run,
				      const kp_value *object, const kp_value *old)
{
	const kp_value *res = object && kp_value_type(object) == KP_MAP ? object : old;
	kp_value *req = map_node(a);
	const char *api = kp_value_path_str(res, "apiVersion");
	const char *slash = api ? strchr(api, '/') : NULL;
	kp_value *kind = map_node(a);
	kp_map_set(a, kind, "group", slash ? kp_value_new_str(a, api, (size_t)(slash - api), NULL, 0, 0)
					   : str_node(a, ""));
	kp_map_set(a, kind, "version", str_node(a, slash ? slash + 1 : api));
	kp_map_set(a, kind, "kind", str_node(a, kp_value_path_str(res, "kind")));
	kp_map_set(a, req, "kind", kind);
	kp_value *resource = map_node(a);
	const char *k = kp_value_path_str(res, "kind");
	kp_map_set(a, resource, "group", kp_value_get(kind, "group") ? (kp_value *)kp_value_get(kind, "group")
								      : str_node(a, ""));
	kp_map_set(a, resource, "version", (kp_value *)kp_value_get(kind, "version"));
	kp_map_set(a, resource, "resource", str_node(a, k ? kp_policy_guess_resource(a, k) : ""));
	kp_map_set(a, req, "resource", resource);
	kp_map_set(a, req, "name", str_node(a, kp_value_path_str(res, "metadata/name")));
	kp_map_set(a, req, "namespace", str_node(a, kp_value_path_str(res, "metadata/namespace")));
	const char *op = run->base ? run->base->operation : run->opts->operation;
	kp_map_set(a, req, "operation", str_node(a, op ? op : "CREATE"));
	kp_value *ui = map_node(a);
	const kp_userinfo *u = run->opts->userinfo;
	kp_map_set(a, ui, "username", str_node(a, u ? u->username : ""));
	kp_value *groups = kp_value_new(a, KP_SEQ, NULL, 0, 0);
	for (size_t i = 0; u && i < u->n_groups; i++)
		kp_seq_push(a, groups, str_node(a, u->groups[i]));
	kp_map_set(a, ui, "groups", groups);
	kp_map_set(a, req, "userInfo", ui);
	kp_value *dry = kp_value_new(a, KP_BOOL, NULL, 0, 0);
	dry->u.b = false;
	kp_map_set(a, req, "dryRun", dry);
	return req;
}

/* object / oldObject by operation (processor/operation.go). */
void kp_policy_cel_objects(const kp_rule_run *run, kp_arena *a, const kp_value **object,
			   const kp_value **old)
{
	static const kp_value null_node = {.type = KP_NULL};
	(void)a;
	if (run->base) {
		*object = run->base->object ? run->base->object : &null_node;
		*old = run->base->old_object ? run->base->old_object : &null_node;
		return;
	}
	const char *op = run->opts->operation;
	if (op && !strcmp(op, "DELETE")) {
		*object = &null_node;
		*old = run->resource;
	} else if (op && !strcmp(op, "UPDATE")) {
		*object = *old = run->resource;
	} else {
		*object = run->resource;
		*old = &null_node;
	}
}

/* ---- compile ---- */

static int cel_compile_rule(kp_policy *p, kp_rule *r, const kp_value *rule, const char *path,
			    kp_error *err)
{
	const kp_value *cel = kp_value_path(rule, "validate/cel");
	const char *cpath = kp_arena_printf(p->arena, "%s/validate/cel", path);
	cel_rule *cr = kp_arena_alloc(p->arena, sizeof *cr);
	memset(cr, 0, sizeof *cr);
	/* CEL.HasParam: both given */
	const kp_value *pk = kp_value_get(cel, "paramKind"), *pr = kp_value_get(cel, "paramRef");
	cr->has_param = kp_value_type(pk) == KP_MAP && kp_value_type(pr) == KP_MAP;
	if (cr->has_param && kp_param_ref_compile(p->arena, pk, pr,
						  kp_arena_printf(p->arena, "%s/paramRef", cpath),
						  &cr->param, err))
		return -1;
	cr->pass_message = kp_arena_printf(p->arena, "Validation rule '%s' passed.", r->name);
	kp_cel_env *env = kp_policy_cel_env(p->arena, var_names, V_N);
	cr->env = env;
	const char *problem;
	kp_error e = {0};
	if (kp_policy_cel_variables(p, env, kp_value_get(cel, "variables"),
				    kp_arena_printf(p->arena, "%s/variables", cpath), &problem, &e) < 0)
		goto failed;
	if (problem) {
		cr->compile_error = problem;
		r->action_data = cr;
		return 0;
	}
	/* celPreconditions: K8s match conditions, in an environment without
	 * the rule's variables (as Kubernetes' matcher) */
	const kp_value *pre = kp_value_get(rule, "celPreconditions");
	cr->n_pre = kp_value_len(pre);
	cr->pre = kp_arena_alloc(p->arena, (cr->n_pre + 1) * sizeof *cr->pre);
	kp_cel_env *penv = cr->n_pre ? kp_policy_cel_env(p->arena, var_names, V_N) : NULL;
	for (size_t i = 0; i < cr->n_pre; i++) {
		const char *pp = kp_arena_printf(p->arena, "%s/celPreconditions/%zu/expression", path, i);
		cr->pre[i] = kp_policy_cel_compile(p, penv, kp_value_get(kp_value_at(pre, i), "expression"),
						   pp, "bool", &problem, &e);
		if (!cr->pre[i] && !problem)
			goto failed;
		if (problem) {
			cr->compile_error = problem;
			r->action_data = cr;
			return 0;
		}
	}
	const kp_value *exprs = kp_value_get(cel, "expressions");
	cr->n = kp_value_len(exprs);
	cr->checks = kp_arena_alloc(p->arena, (cr->n ? cr->n : 1) * sizeof *cr->checks);
	for (size_t i = 0; i < cr->n; i++) {
		const kp_value *x = kp_value_at(exprs, i);
		cel_check *c = &cr->checks[i];
		const kp_value *ex = kp_value_get(x, "expression");
		const char *epath = kp_arena_printf(p->arena, "%s/expressions/%zu", cpath, i);
		c->prog = kp_policy_cel_compile(p, env, ex, kp_arena_printf(p->arena, "%s/expression", epath),
						"bool", &problem, &e);
		if (!c->prog && !problem)
			goto failed;
		if (problem) {
			/* the validator denies at this index; later ones never decide */
			c->problem = problem;
			cr->n = i + 1;
			break;
		}
		size_t n;
		const char *s = kp_value_str(ex, &n);
		c->expr = kp_policy_cel_trim(p->arena, s, n);
		s = kp_value_str(kp_value_get(x, "message"), &n);
		c->message = s ? kp_policy_cel_trim(p->arena, s, n) : NULL;
		if (c->message && !*c->message)
			c->message = NULL;
		const kp_value *me = kp_value_get(x, "messageExpression");
		if (kp_value_type(me) == KP_STRING) {
			c->msg_prog = kp_policy_cel_compile(p, env, me,
							    kp_arena_printf(p->arena, "%s/messageExpression", epath),
							    "string", &problem, &e);
			if (!c->msg_prog && !problem)
				goto failed;
			if (problem) {
				c->problem = problem;
				cr->n = i + 1;
				break;
			}
		}
	}
	/* audit annotations never change the row (the validator reports them
	 * beside its decisions): compiled for their diagnostics only */
	const kp_value *ann = kp_value_get(cel, "auditAnnotations");
	for (size_t i = 0; i < kp_value_len(ann); i++) {
		const char *ap = kp_arena_printf(p->arena, "%s/auditAnnotations/%zu/valueExpression", cpath, i);
		if (!kp_policy_cel_compile(p, env, kp_value_get(kp_value_at(ann, i), "valueExpression"), ap,
					   NULL, &problem, &e) && !problem)
			goto failed;
	}
	r->action_data = cr;
	return 0;
failed:
	if (e.code == KP_E_UNSUPPORTED) {
		r->unsupported = kp_arena_strdup(p->arena, e.feature);
		return 0;
	}
	*err = e;
	return -1;
}

/* ---- evaluate ---- */

int kp_policy_cel_match(const kp_cel_prog *const *conds, size_t n, const kp_cel_activation *act,
			kp_arena *a, const char **error)
{
	*error = NULL;
	for (size_t i = 0; i < n; i++) {
		bool ok;
		kp_error e;
		if (kp_cel_eval_bool(conds[i], act, a, &ok, &e) < 0) {
			if (!*error)
				*error = kp_arena_strdup(a, e.msg);
		} else if (!ok) {
			return 0;
		}
	}
	return *error ? -1 : 1;
}

/* The message of a denying validation (K8s validator: the trimmed
 * messageExpression result when it is a usable string, else message,
 * else "failed expression: <expr>"). */
const char *kp_policy_cel_deny_message(const kp_cel_prog *msg_prog, const char *message,
				       const char *expr, const kp_cel_activation *act, kp_arena *a)
{
	if (msg_prog) {
		kp_cel_result res;
		kp_error e;
		if (kp_cel_eval(msg_prog, act, a, &res, &e) == 0 && kp_value_type(res.value) == KP_STRING) {
			size_t n;
			const char *s = kp_value_str(res.value, &n);
			const char *t = kp_policy_cel_trim(a, s, n);
			if (*t && strlen(t) <= 5 * 1024 && !strchr(t, '\n'))
				return t;
		}
	}
	if (message)
		return message;
	return kp_arena_printf(a, "failed expression: %s", expr);
}

/* One run of the validator (with one param, or none): true when a
 * precondition or a validation decided *out. */
static bool cel_validate(const cel_rule *cr, const kp_cel_activation *act, kp_arena *a,
			 kp_rule_outcome *out)
{
	const char *pre_error;
	int m = kp_policy_cel_match(cr->pre, cr->n_pre, act, a, &pre_error);
	if (m == 0) {
		out->status = KP_STATUS_SKIP;
		out->message = "cel preconditions not met";
		return true;
	}
	if (m < 0) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a, "cel preconditions evaluation failed: %s", pre_error);
		return true;
	}
	for (size_t i = 0; i < cr->n; i++) {
		const cel_check *c = &cr->checks[i];
		bool ok;
		kp_error e;
		if (c->problem) {
			out->status = KP_STATUS_FAIL;
			out->message = c->problem;
			return true;
		}
		if (kp_cel_eval_bool(c->prog, act, a, &ok, &e) < 0) {
			out->status = KP_STATUS_FAIL;
			out->message = kp_arena_printf(a, "expression '%s' resulted in error: %s", c->expr, e.msg);
			return true;
		}
		if (!ok) {
			out->status = KP_STATUS_FAIL;
			out->message = kp_policy_cel_deny_message(c->msg_prog, c->message, c->expr, act, a);
			return true;
		}
	}
	return false;
}

static void cel_eval_rule(const kp_rule_run *run, kp_rule_outcome *out)
{
	const cel_rule *cr = run->rule->action_data;
	kp_arena *a = run->ctx->scratch;
	if (cr->compile_error) {
		out->status = KP_STATUS_FAIL;
		out->message = cr->compile_error;
		return;
	}
	const kp_value *vals[V_N];
	static const kp_value null_node = {.type = KP_NULL};
	kp_policy_cel_objects(run, a, &vals[V_OBJECT], &vals[V_OLD]);
	vals[V_REQUEST] = kp_policy_cel_request(a, run, vals[V_OBJECT], vals[V_OLD]);
	const kp_value *res = kp_value_type(vals[V_OBJECT]) == KP_MAP ? vals[V_OBJECT] : vals[V_OLD];
	const char *ns = kp_value_path_str(res, "metadata/namespace");
	const char *kind = kp_value_path_str(res, "kind");
	if (kind && !strcmp(kind, "Namespace"))
		ns = NULL;
	if (ns && *ns) {
		kp_value *nso = map_node(a), *md = map_node(a);
		kp_map_set(a, md, "name", str_node(a, ns));
		kp_map_set(a, nso, "metadata", md);
		vals[V_NSOBJ] = nso;
	} else {
		vals[V_NSOBJ] = &null_node;
	}
	vals[V_PARAMS] = &null_node;
	vals[V_AUTHZ] = NULL;
	/* variables computed once for all expressions (per param) */
	kp_cel_activation act = {vals, V_N, NULL, kp_cel_memo_new(cr->env, a)};
	if (!cr->has_param) {
		if (cel_validate(cr, &act, a, out))
			return;
	} else {
		/* evaluated once per param; the first that decides wins, and
		 * no param at all passes */
		const kp_value **params;
		size_t n;
		const char *error;
		if (kp_param_ref_collect(&cr->param, run->policy->params, run->policy->n_params, ns,
					 run->policy->namespace, a, &params, &n, &error) < 0) {
			out->status = KP_STATUS_ERROR;
			out->message = kp_arena_printf(a, "error in parameterized resource: %s", error);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			vals[V_PARAMS] = params[i];
			act.memo = kp_cel_memo_new(cr->env, a);   /* variables may read params */
			if (cel_validate(cr, &act, a, out))
				return;
		}
	}
	out->status = KP_STATUS_PASS;
	out->message = cr->pass_message;
}

const kp_action_ops kp_action_cel = {
	.name = "validate.cel", .compile = cel_compile_rule, .eval = cel_eval_rule,
};
