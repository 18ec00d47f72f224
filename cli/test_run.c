/* test_run.c - one test file: load, evaluate as `kpolicy apply` does, check. */
#include "test_run.h"
#include "inputs.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct run_ctx {
	const kpc_test_run_opts *o;
	kpc_testfile *t;
	kp_arena *arena;           /* strings of policies, outcomes, errors */
	kp_policy_set *ps;
	kp_error err;              /* first load error */
	bool failed;
	kpc_test_policy *policies;
	size_t n_policies, cap_policies;
	kp_doc **docs;
	size_t n_docs, cap_docs;
	kpc_test_subject *subjects;
	size_t n_subjects, cap_subjects;
	kpc_test_outcome *outcomes;
	size_t n_outcomes, cap_outcomes;
	kp_values *values;
	const kp_value *values_root;
	kp_userinfo *userinfo;
	kp_doc *values_doc, *userinfo_doc;
	kp_context_sources *sources; /* apiCallResponses, globalContextEntries,
	                                clusterResources; NULL: none */
	const char *global_name;     /* the entry resourceFiles are read for */
} run_ctx;

#define GROW(v, n, cap) ((v) = kpc_xgrow((v), &(cap), (n) + 1, sizeof(*(v))))

void kpc_test_report_fini(kpc_test_report *r)
{
	free(r->path);
	free(r->name);
	free(r->error);
	kpc_test_rows_fini(&r->rows);
	memset(r, 0, sizeof(*r));
}

/* Keep the first load error; a test stops at it. */
static int load_failed(run_ctx *c, const kp_error *e)
{
	if (!c->failed) {
		c->err = *e;
		c->failed = true;
	}
	return 1;
}

static void walk_error(void *ud, const kp_error *e)
{
	load_failed(ud, e);
}

static void note_policy(run_ctx *c, const kp_doc *d, const char *unsupported)
{
	GROW(c->policies, c->n_policies, c->cap_policies);
	kpc_test_policy *p = &c->policies[c->n_policies++];
	const char *ns = kp_doc_namespace(d);
	p->name = kp_arena_strdup(c->arena, kp_doc_name(d));
	p->namespace = NULL;
	if (strcmp(kp_doc_kind(d), "ClusterPolicy"))
		p->namespace = kp_arena_strdup(c->arena, *ns ? ns : "default");
	p->unsupported = unsupported ? kp_arena_strdup(c->arena, unsupported) : NULL;
	/* every kind but ClusterPolicy and Policy has no named rules */
	p->ruleless = strcmp(kp_doc_kind(d), "ClusterPolicy") && strcmp(kp_doc_kind(d), "Policy");
}

/* Take one policy document into the set, noting unsupported kinds. */
static void take_policy(run_ctx *c, kp_doc *d)
{
	kp_error e;
	kp_error_clear(&e);
	const char *kind = kp_doc_kind(d);
	size_t before = kp_policy_set_count(c->ps);
	int rc = kp_policy_set_add(c->ps, d, &e);
	if (rc > 0 && kp_policy_set_count(c->ps) == before) {
		/* a ValidatingAdmissionPolicyBinding: joins its policy */
		kp_doc_free(d);
		return;
	}
	const char *why = rc > 0 && kp_policy_set_count(c->ps) > before
		? kp_policy_unsupported(kp_policy_set_at(c->ps, before)) : NULL;
	if (rc > 0 && why)   /* a kind kpolicy does not run: its name is the reason */
		note_policy(c, d, kp_arena_printf(c->arena, "unsupported: %s%s",
						  !strcmp(why, kind) ? "kind " : "", why));
	else if (rc > 0)
		note_policy(c, d, NULL);
	else if (rc == 0 && kp_policy_kind_unsupported(kind))
		note_policy(c, d, kp_arena_printf(c->arena, "unsupported: kind %s", kind));
	else if (rc < 0 && strstr(e.msg, "unsupported"))
		note_policy(c, d, e.msg);   /* a feature not written yet */
	else if (rc < 0)
		load_failed(c, &e);
	/* rc == 0: not a policy (Kyverno ignores such documents too) */
	kp_doc_free(d);
}

/* Take one PolicyException document (the test file's `exceptions`):
 * kyverno.io v2/v2beta1 or policies.kyverno.io (the CEL kinds'); any
 * other kind fails the test, as Kyverno's "policy exception type not
 * supported". */
static void take_exception(run_ctx *c, kp_doc *d)
{
	kp_error e;
	kp_error_clear(&e);
	if (kp_policy_set_add_exception(c->ps, d, &e) <= 0)
		load_failed(c, &e);
	kp_doc_free(d);
}

/* Keep one resource document, normalised as `kpolicy apply` does. */
static void take_resource(run_ctx *c, kp_doc *d)
{
	kp_doc_normalize_resource(d);
	GROW(c->docs, c->n_docs, c->cap_docs);
	c->docs[c->n_docs++] = d;
}

/* Read every document of one walked file into take(c, doc); the first
 * problem fails the test. */
static int load_file(run_ctx *c, const char *file, const kp_error *problem,
		     void (*take)(run_ctx *c, kp_doc *d))
{
	if (problem) {
		walk_error(c, problem);
		return 0;
	}
	kp_read_opts ro = {.warn = c->o->diag ? kpc_warn : NULL};
	kp_error e;
	kp_reader *r = kp_reader_open_file(file, &ro, &e);
	if (!r)
		return load_failed(c, &e);
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &e)) != 0) {
		if (rc < 0) {
			load_failed(c, &e);
			break;
		}
		take(c, d);
	}
	kp_reader_close(r);
	return c->failed;
}

static int load_policy_file(void *ud, const char *file, const kp_error *problem)
{
	return load_file(ud, file, problem, take_policy);
}

static int load_resource_file(void *ud, const char *file, const kp_error *problem)
{
	return load_file(ud, file, problem, take_resource);
}

static int load_exception_file(void *ud, const char *file, const kp_error *problem)
{
	return load_file(ud, file, problem, take_exception);
}

/* One parameter resource of ValidatingAdmissionPolicy bindings. */
static void take_param(run_ctx *c, kp_doc *d)
{
	kp_error e;
	kp_doc_normalize_resource(d);
	if (kp_policy_set_add_param(c->ps, d, &e) < 0)
		load_failed(c, &e);
	kp_doc_free(d);
}

static int load_param_file(void *ud, const char *file, const kp_error *problem)
{
	return load_file(ud, file, problem, take_param);
}

/* ---- context data sources (kyverno-rules.md 4.3-4.5) ---- */

static void take_cluster_resource(run_ctx *c, kp_doc *d)
{
	kp_context_sources_add_resource(c->sources, kp_doc_root(d));
	kp_doc_free(d);
}

static void take_global_resource(run_ctx *c, kp_doc *d)
{
	kp_error e;
	if (kp_context_sources_add_global_resource(c->sources, c->global_name, kp_doc_root(d), &e) < 0)
		load_failed(c, &e);
	kp_doc_free(d);
}

static int load_cluster_file(void *ud, const char *file, const kp_error *problem)
{
	return load_file(ud, file, problem, take_cluster_resource);
}

static int load_global_file(void *ud, const char *file, const kp_error *problem)
{
	return load_file(ud, file, problem, take_global_resource);
}

static void walk(run_ctx *c, const char *path,
		 int (*cb)(void *ud, const char *file, const kp_error *problem))
{
	kp_error e;
	kp_error_clear(&e);
	if (kp_walk_inputs(path, cb, c, &e) < 0)
		load_failed(c, &e);
}

static kp_doc *load_one(run_ctx *c, const char *path, const char *what);

/* Mocks, global context entries and the context file; the cluster's
 * objects come after the resources (load_cluster). */
static void load_sources(run_ctx *c)
{
	kpc_testfile *t = c->t;
	/* always given: what the test file does not provide is disabled, as
	 * kyverno test disables it (not unsupported) */
	c->sources = kp_context_sources_new();
	kp_error e;
	for (size_t i = 0; i < kp_value_len(t->api_responses) && !c->failed; i++)
		if (kp_context_sources_add_api_response(c->sources, kp_value_at(t->api_responses, i), &e) < 0)
			load_failed(c, &e);
	for (size_t i = 0; i < kp_value_len(t->global_entries) && !c->failed; i++) {
		const kp_value *g = kp_value_at(t->global_entries, i);
		if (kp_context_sources_add_global_entry(c->sources, g, &e) < 0) {
			load_failed(c, &e);
			break;
		}
		c->global_name = kp_value_path_str(g, "name");
		const kp_value *files = kp_value_get(g, "resourceFiles");
		for (size_t k = 0; k < kp_value_len(files) && !c->failed; k++) {
			const kp_value *fv = kp_value_at(files, k);
			const char *f = kp_value_type(fv) == KP_STRING ? kp_value_str(fv, NULL) : NULL;
			if (!f || !*f)
				continue;
			walk(c, f[0] == '/' ? f : kp_arena_printf(c->arena, "%s/%s", t->dir, f), load_global_file);
		}
	}
	if (t->context && !c->failed) {
		kp_doc *d = load_one(c, t->context, "context");
		if (d && kp_context_sources_add_context(c->sources, kp_doc_root(d), &e) < 0)
			load_failed(c, &e);
		kp_doc_free(d);
	}
	if (t->has_cluster_resources)
		kp_context_sources_enable_cluster(c->sources);
	for (size_t i = 0; i < t->n_cluster_resources && !c->failed; i++)
		walk(c, t->cluster_resources[i], load_cluster_file);
}

/* The fake cluster also holds the test's resources. */
static void load_cluster(run_ctx *c)
{
	if (!c->sources || !c->t->has_cluster_resources)
		return;
	for (size_t i = 0; i < c->n_docs; i++)
		kp_context_sources_add_resource(c->sources, kp_doc_root(c->docs[i]));
}

/* The first document of a values or userinfo file. */
static kp_doc *load_one(run_ctx *c, const char *path, const char *what)
{
	kp_read_opts ro = {.raw = true};
	kp_error e;
	kp_doc *d = kpc_first_doc(kp_reader_open_file(path, &ro, &e), path, what, &e);
	if (!d)
		load_failed(c, &e);
	return d;
}

static void load_values(run_ctx *c)
{
	kpc_testfile *t = c->t;
	if (!t->variables && !t->values)
		return;
	if (c->o->log)
		fprintf(c->o->log, "  Loading values/variables ...\n");
	if (t->variables) {
		c->values_doc = load_one(c, t->variables, "values");
		c->values_root = c->values_doc ? kp_doc_root(c->values_doc) : NULL;
	} else {
		c->values_root = t->values;
	}
	if (!c->values_root)
		return;
	kp_error e;
	kp_error_clear(&e);
	c->values = kp_values_from_value(c->values_root, &e);
	if (!c->values)
		load_failed(c, &e);
}

static void load_userinfo(run_ctx *c)
{
	if (!c->t->userinfo)
		return;
	c->userinfo_doc = load_one(c, c->t->userinfo, "user info");
	if (!c->userinfo_doc)
		return;
	kp_error e;
	kp_error_clear(&e);
	c->userinfo = kp_userinfo_from_value(kp_doc_root(c->userinfo_doc), &e);
	if (!c->userinfo)
		load_failed(c, &e);
}

static void on_result(void *ud, const kp_result *r)
{
	run_ctx *c = ud;
	GROW(c->outcomes, c->n_outcomes, c->cap_outcomes);
	kpc_test_outcome *o = &c->outcomes[c->n_outcomes++];
	o->policy = kp_arena_strdup(c->arena, r->policy);
	o->policy_namespace = r->policy_namespace ? kp_arena_strdup(c->arena, r->policy_namespace)
						  : NULL;
	o->rule = kp_arena_strdup(c->arena, r->rule ? r->rule : "");
	o->status = r->status;
	o->message = kp_arena_strdup(c->arena, r->message ? r->message : "");
	o->unsupported = r->unsupported;
}

static bool seen_op(const char **ops, size_t n, const char *op)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ops[i], op))
			return true;
	return false;
}

/* Evaluate every resource once per operation the rows ask for. */
static void evaluate(run_ctx *c, const char *default_op)
{
	size_t n_ops = 0;
	const char **ops = kpc_xcalloc(c->t->n_results + 1, sizeof(*ops));
	ops[n_ops++] = default_op;
	for (size_t i = 0; i < c->t->n_results; i++) {
		const char *op = c->t->results[i].operation;
		if (op && !seen_op(ops, n_ops, op))
			ops[n_ops++] = op;
	}
	kp_policy_set_seal(c->ps);
	kp_eval_ctx *ctx = kp_eval_ctx_new(NULL);
	for (size_t k = 0; k < n_ops; k++) {
		kp_eval_opts eo = {.operation = ops[k], .userinfo = c->userinfo, .values = c->values,
				   .sources = c->sources};
		for (size_t i = 0; i < c->n_docs; i++) {
			kp_doc *d = c->docs[i];
			GROW(c->subjects, c->n_subjects, c->cap_subjects);
			kpc_test_subject *s = &c->subjects[c->n_subjects++];
			*s = (kpc_test_subject){
				.api_version = kp_doc_api_version(d), .kind = kp_doc_kind(d),
				.name = kp_doc_name(d), .namespace = kp_doc_namespace(d),
				.operation = ops[k], .first = c->n_outcomes,
			};
			kp_error e;
			kp_error_clear(&e);
			if (kp_evaluate(ctx, c->ps, d, &eo, on_result, c, &e) < 0) {
				char buf[2600];
				s->error = kp_arena_strdup(c->arena, kp_error_format(&e, buf, sizeof buf));
			}
			s->count = c->n_outcomes - s->first;
		}
	}
	kp_eval_ctx_free(ctx);
	free(ops);
}

static const char *default_operation(const run_ctx *c)
{
	const char *op = kp_value_path_str(kp_value_get(c->values_root, "globalValues"),
					   "request.operation");
	return op && *op ? op : "CREATE";
}

static void run_loaded(run_ctx *c, kpc_test_report *out)
{
	kpc_testfile *t = c->t;
	FILE *log = c->o->log;
	load_values(c);
	load_userinfo(c);
	if (log)
		fprintf(log, "  Loading policies ...\n");
	kp_error e;
	for (size_t i = 0; i < t->n_policies && !c->failed; i++) {
		kp_error_clear(&e);
		if (kp_walk_inputs(t->policies[i], load_policy_file, c, &e) < 0)
			load_failed(c, &e);
	}
	if (log && t->n_exceptions)
		fprintf(log, "  Loading exceptions ...\n");
	for (size_t i = 0; i < t->n_exceptions && !c->failed; i++) {
		kp_error_clear(&e);
		if (kp_walk_inputs(t->exceptions[i], load_exception_file, c, &e) < 0)
			load_failed(c, &e);
	}
	for (size_t i = 0; i < t->n_param_resources && !c->failed; i++) {
		kp_error_clear(&e);
		if (kp_walk_inputs(t->param_resources[i], load_param_file, c, &e) < 0)
			load_failed(c, &e);
	}
	if (log)
		fprintf(log, "  Loading resources ...\n");
	for (size_t i = 0; i < t->n_resources && !c->failed; i++) {
		kp_error_clear(&e);
		if (kp_walk_inputs(t->resources[i], load_resource_file, c, &e) < 0)
			load_failed(c, &e);
	}
	load_sources(c);
	load_cluster(c);
	if (c->failed)
		return;
	out->n_policies = kp_policy_set_count(c->ps);
	out->n_resources = c->n_docs;
	size_t n_exc = kp_policy_set_exception_count(c->ps);
	if (log && n_exc)
		fprintf(log, "  Applying %zu polic%s to %zu resource%s with %zu exception%s ...\n",
			out->n_policies, out->n_policies == 1 ? "y" : "ies", c->n_docs,
			c->n_docs == 1 ? "" : "s", n_exc, n_exc == 1 ? "" : "s");
	else if (log)
		fprintf(log, "  Applying %zu polic%s to %zu resource%s ...\n", out->n_policies,
			out->n_policies == 1 ? "y" : "ies", c->n_docs, c->n_docs == 1 ? "" : "s");
	const char *op = default_operation(c);
	evaluate(c, op);
	if (log)
		fprintf(log, "  Checking results ...\n");
	kpc_test_evidence ev = {
		.policies = c->policies, .n_policies = c->n_policies,
		.subjects = c->subjects, .n_subjects = c->n_subjects,
		.outcomes = c->outcomes, .n_outcomes = c->n_outcomes,
	};
	kpc_test_check_opts co = {
		.strict_excluded = c->o->strict_excluded, .default_operation = op,
		.selector = c->o->selector,
	};
	kpc_test_check(t, &ev, &co, &out->rows);
}

int kpc_test_run(const char *path, const kpc_test_run_opts *o, kpc_test_report *out)
{
	memset(out, 0, sizeof(*out));
	out->path = kpc_xstrdup(path);
	run_ctx c = {.o = o, .arena = kp_arena_new(), .ps = kp_policy_set_new()};
	kp_error e;
	kp_error_clear(&e);
	c.t = kpc_testfile_load(path, &e);
	if (!c.t)
		load_failed(&c, &e);
	out->name = kpc_xstrdup(c.t ? c.t->name : "");
	if (o->log)
		fprintf(o->log, "Loading test %s ( %s ) ...\n", out->name, path);
	if (c.t)
		run_loaded(&c, out);
	if (c.failed) {
		char buf[2600];
		out->error = kpc_xstrdup(kp_error_format(&c.err, buf, sizeof buf));
		if (o->diag)
			kpc_diag(o->diag, "error", &c.err);
		if (c.t) {
			/* Keep the rows so that reports and the scoreboard still see
			 * which of them were unsupported anyway. */
			kpc_test_rows_fini(&out->rows);
			kpc_test_evidence none = {0};
			kpc_test_check_opts co = {.selector = o->selector, .load_error = out->error};
			kpc_test_check(c.t, &none, &co, &out->rows);
		}
	}
	for (size_t i = 0; i < c.n_docs; i++)
		kp_doc_free(c.docs[i]);
	free(c.docs);
	free(c.subjects);
	free(c.outcomes);
	free(c.policies);
	kp_values_free(c.values);
	kp_userinfo_free(c.userinfo);
	kp_doc_free(c.values_doc);
	kp_doc_free(c.userinfo_doc);
	kp_policy_set_free(c.ps);
	kp_context_sources_free(c.sources);
	kpc_testfile_free(c.t);
	kp_arena_free(c.arena);
	return c.failed ? -1 : 0;
}
