/* fuzz_policy - the policy loader and the evaluator.  Every document of the
 * input (a resource stream, as `kpolicy apply -p` reads it) goes to
 * kp_policy_set_add; the documents that are not policies become, in turn,
 * a user info (kp_userinfo_from_value), a values file (kp_values_from_value)
 * or extra resources (also parameter resources of ValidatingAdmissionPolicy
 * bindings, beside the fixed ones).  The set is then evaluated against a
 * fixed handful of resources plus those extras, without options and with
 * user info, values and an UPDATE operation. */
#include "fuzz.h"

#include <string.h>

#define KP_FUZZ_MAX_EXTRA 4

static const char fixed_yaml[] =
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: prod\n"
	"  labels: {app: web, tier: frontend}\n  annotations: {team: a}\n"
	"spec:\n  hostNetwork: false\n  securityContext:\n    runAsNonRoot: true\n"
	"    seccompProfile: {type: RuntimeDefault}\n"
	"  containers:\n  - name: nginx\n    image: nginx:1.25\n"
	"    resources: {limits: {memory: 128Mi, cpu: 500m}}\n"
	"    ports: [{containerPort: 80, hostPort: 8080}]\n"
	"    securityContext: {privileged: true, allowPrivilegeEscalation: false}\n"
	"  - name: side\n    image: busybox\n  volumes: [{name: h, hostPath: {path: /var}}]\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
	"spec:\n  replicas: 3\n  selector: {matchLabels: {app: api}}\n  template:\n"
	"    metadata: {labels: {app: api}}\n    spec:\n      containers:\n"
	"      - name: api\n        image: ghcr.io/x/api:latest\n"
	"        securityContext: {runAsUser: 0}\n"
	"---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: ops}\n"
	"spec:\n  schedule: '0 1 * * *'\n  jobTemplate:\n    spec:\n      template:\n"
	"        spec:\n          containers: [{name: j, image: 'alpine:3'}]\n"
	"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: prod}}\n"
	"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n"
	"data: {key: value, n: '1'}\n";

static const char userinfo_yaml[] =
	"kind: UserInfo\nroles: [prod:dev]\nclusterRoles: [cluster-admin]\n"
	"userInfo: {username: alice, groups: [system:masters, dev]}\n";

static const char values_yaml[] =
	"kind: Values\nnamespaceSelector:\n- name: prod\n  labels: {env: prod}\n"
	"- name: ops\n  labels: {env: ops, team: sre}\n";

typedef struct {
	kp_doc *docs[16];
	size_t n;
} fuzz_docs;

static void keep_doc(void *ud, kp_doc *d)
{
	fuzz_docs *fd = ud;
	if (fd->n < sizeof fd->docs / sizeof *fd->docs)
		fd->docs[fd->n++] = d;
	else
		kp_doc_free(d);
}

static fuzz_docs fixed;
static kp_userinfo *fixed_userinfo;
static kp_values *fixed_values;

/* Loaded once per process; reachable until exit (not a leak). */
static void load_fixed(void)
{
	if (fixed.n)
		return;
	kp_read_opts o = {0};
	kp_fuzz_read_all((const uint8_t *)fixed_yaml, strlen(fixed_yaml), &o, keep_doc, &fixed);
	KP_FUZZ_CHECK(fixed.n == 5);
	for (size_t i = 0; i < fixed.n; i++)
		kp_doc_normalize_resource(fixed.docs[i]);
	fuzz_docs one = {0};
	kp_fuzz_read_all((const uint8_t *)userinfo_yaml, strlen(userinfo_yaml), &o, keep_doc, &one);
	kp_fuzz_read_all((const uint8_t *)values_yaml, strlen(values_yaml), &o, keep_doc, &one);
	KP_FUZZ_CHECK(one.n == 2);
	fixed_userinfo = kp_userinfo_from_value(kp_doc_root(one.docs[0]), NULL);
	fixed_values = kp_values_from_value(kp_doc_root(one.docs[1]), NULL);
	KP_FUZZ_CHECK(fixed_userinfo && fixed_values);
	kp_doc_free(one.docs[0]);
	kp_doc_free(one.docs[1]);
}

static void check_result(void *ud, const kp_result *r)
{
	size_t *n = ud;
	(*n)++;
	KP_FUZZ_CHECK(r->policy && r->rule && r->message);
	KP_FUZZ_CHECK(r->status >= KP_STATUS_PASS && r->status <= KP_STATUS_SKIP);
	KP_FUZZ_CHECK(strlen(r->policy) + strlen(r->rule) + strlen(r->message) < (size_t)-1);
	/* pattern failures carry Kyverno's path; deny, foreach and CEL
	 * failures have none */
	if (r->path)
		KP_FUZZ_CHECK(r->path[0] == '/' || r->path[0] == 0);
	if (r->path)
		(void)strlen(r->path);
	if (r->file)
		(void)strlen(r->file);
	if (r->policy_namespace)
		(void)strlen(r->policy_namespace);
}

static void evaluate(kp_eval_ctx *ctx, const kp_policy_set *ps, const kp_doc *d,
		     const kp_eval_opts *opts)
{
	kp_error e;
	kp_error_clear(&e);
	size_t n = 0;
	int rc = kp_evaluate(ctx, ps, d, opts, check_result, &n, &e);
	if (rc < 0)
		kp_fuzz_check_error(&e);
	else
		KP_FUZZ_CHECK((size_t)rc == n);
}

int kp_fuzz_policy(const uint8_t *data, size_t size)
{
	load_fixed();
	kp_read_opts o = {.warn = kp_fuzz_warn, .max_alias_nodes = 20000};
	fuzz_docs in = {0};
	kp_fuzz_read_all(data, size, &o, keep_doc, &in);

	kp_policy_set *ps = kp_policy_set_new();
	kp_doc *extra[KP_FUZZ_MAX_EXTRA];
	size_t n_extra = 0;
	kp_userinfo *ui = NULL;
	kp_values *vals = NULL;
	for (size_t i = 0; i < in.n; i++) {
		kp_error e;
		kp_error_clear(&e);
		int rc = kp_policy_set_add(ps, in.docs[i], &e);
		KP_FUZZ_CHECK(rc >= -1 && rc <= 1);
		if (rc != 1)
			kp_fuzz_check_error(&e);
		if (rc == 0) {
			const kp_value *root = kp_doc_root(in.docs[i]);
			kp_userinfo *u = kp_userinfo_from_value(root, &e);
			if (u && !ui)
				ui = u;
			else
				kp_userinfo_free(u);
			kp_values *v = kp_values_from_value(root, &e);
			if (v && !vals)
				vals = v;
			else
				kp_values_free(v);
			if (n_extra < KP_FUZZ_MAX_EXTRA) {
				kp_doc_normalize_resource(in.docs[i]);
				KP_FUZZ_CHECK(kp_policy_set_add_param(ps, in.docs[i], &e) == 0);
				extra[n_extra++] = in.docs[i];
				in.docs[i] = NULL;
			}
		}
		kp_doc_free(in.docs[i]);
	}

	size_t rules = 0;
	for (size_t i = 0; i < kp_policy_set_count(ps); i++) {
		const kp_policy *p = kp_policy_set_at(ps, i);
		KP_FUZZ_CHECK(kp_policy_name(p) != NULL);
		if (kp_policy_namespace(p))
			(void)strlen(kp_policy_namespace(p));
		if (kp_policy_unsupported(p))
			KP_FUZZ_CHECK(kp_policy_rule_count(p) == 0);
		for (size_t j = 0; j < kp_policy_rule_count(p); j++)
			KP_FUZZ_CHECK(kp_policy_rule_name(p, j) != NULL);
		bool classic = !strcmp(kp_policy_kind(p), "ClusterPolicy") ||
			       !strcmp(kp_policy_kind(p), "Policy");
		rules += classic ? kp_policy_rule_count(p) : 1;
	}
	KP_FUZZ_CHECK(rules == kp_policy_set_rule_count(ps));
	for (size_t i = 0; i < fixed.n; i++)
		KP_FUZZ_CHECK(kp_policy_set_add_param(ps, fixed.docs[i], NULL) == 0);

	kp_policy_set_seal(ps);
	/* a low depth limit, so that deep patterns meet it too */
	kp_eval_ctx *ctx = kp_eval_ctx_new(&(kp_eval_limits){.max_depth = 64});
	kp_eval_opts plain = {0};
	kp_eval_opts full = {.operation = "UPDATE", .userinfo = ui ? ui : fixed_userinfo,
			     .values = vals ? vals : fixed_values};
	for (size_t i = 0; i < fixed.n + n_extra; i++) {
		const kp_doc *d = i < fixed.n ? fixed.docs[i] : extra[i - fixed.n];
		evaluate(ctx, ps, d, &plain);
		evaluate(ctx, ps, d, &full);
	}
	kp_eval_ctx_free(ctx);

	for (size_t i = 0; i < n_extra; i++)
		kp_doc_free(extra[i]);
	kp_userinfo_free(ui);
	kp_values_free(vals);
	kp_policy_set_free(ps);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_policy)
