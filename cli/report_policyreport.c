/* report_policyreport.c - `-o policyreport` / `--policy-report`: the
 * reports `kyverno apply --policy-report` prints (report/report.go): the
 * results of cluster-wide policies merged into one ClusterPolicyReport
 * (openreports: ClusterReport) named `merged`, then one PolicyReport per
 * namespaced policy, each after a `---` line.  YAML with keys sorted, as
 * sigs.k8s.io/yaml writes it; JSON (-o json) one compact line per report
 * in Go field order.  Unlike kyverno: reports and results in policy order
 * then input order (not Go map order), and --timestamp pins the time.
 * Result resources carry uid and resourceVersion when the manifest has
 * them, as Kyverno's ObjectReference does.  Every row is held until the end. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct prow {
	size_t policy;
	kp_status status;
	const char *rule, *message, *api_version, *kind, *namespace, *name;
	const char *uid, *resource_version;
} prow;

typedef struct pr_state {
	prow *v;
	size_t n, cap;
	kpc_pool pool;
	kp_buf b;
	long long now;
} pr_state;

static void pr_begin(kpc_report *r)
{
	pr_state *s = kpc_xcalloc(1, sizeof *s);
	s->now = r->opt.timestamp >= 0 ? r->opt.timestamp : (long long)time(NULL);
	r->state = s;
}

static void pr_row(kpc_report *r, const kpc_row *row)
{
	pr_state *s = r->state;
	s->v = kpc_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	kpc_pool *pl = &s->pool;
	s->v[s->n++] = (prow){
		.policy = row->policy_index, .status = row->status,
		.rule = kpc_pool_str(pl, row->rule), .message = kpc_pool_str(pl, row->message),
		.api_version = kpc_pool_str(pl, row->api_version), .kind = kpc_pool_str(pl, row->kind),
		.namespace = kpc_pool_str(pl, row->namespace), .name = kpc_pool_str(pl, row->name),
		.uid = kpc_pool_str(pl, row->uid),
		.resource_version = kpc_pool_str(pl, row->resource_version),
	};
}

static void pr_input_error(kpc_report *r, const kp_error *e)
{
	(void)r, (void)e;   /* printed on stderr, exit 2 */
}

/* The result's source (kyverno pkg/utils/report: SourceKyverno,
 * SourceValidatingAdmissionPolicy). */
static const char *source_of(const kpc_policy_info *pi)
{
	return pi->kind && !strcmp(pi->kind, "ValidatingAdmissionPolicy") ? "ValidatingAdmissionPolicy"
									   : "kyverno";
}

static bool valid_severity(const char *s)
{
	static const char *const ok[] = {"critical", "high", "medium", "low", "info"};
	for (size_t i = 0; s && i < sizeof ok / sizeof *ok; i++)
		if (!strcmp(s, ok[i]))
			return true;
	return false;
}

static void yaml_result(kp_buf *b, const kpc_report *r, const prow *x, long long now)
{
	const kpc_policy_info *pi = &r->policies[x->policy];
	const char *dash = "- ";
#define KEY(k) (kp_buf_printf(b, "%s%s: ", dash, k), dash = "  ")
	if (pi->category && *pi->category) {
		KEY("category");
		kpc_yaml_scalar(b, pi->category);
		kp_buf_puts(b, "\n");
	}
	if (x->message && *x->message) {
		KEY("message");
		kpc_yaml_scalar(b, x->message);
		kp_buf_puts(b, "\n");
	}
	KEY("policy");
	kp_buf pn = {0};
	kpc_policy_display(&pn, pi);
	kpc_yaml_scalar(b, pn.data);
	kp_buf_free(&pn);
	kp_buf_puts(b, "\n");
	kp_buf_printf(b, "%sproperties:", dash);
	kp_buf_printf(b, "\n    process: %s\n",
		     kp_policy_background(pi->p) ? "background scan" : "admission review");
	kp_buf_puts(b, "  resources:\n  - apiVersion: ");
	kpc_yaml_scalar(b, x->api_version);
	kp_buf_puts(b, "\n    kind: ");
	kpc_yaml_scalar(b, x->kind);
	kp_buf_puts(b, "\n    name: ");
	kpc_yaml_scalar(b, x->name);
	if (*x->namespace) {
		kp_buf_puts(b, "\n    namespace: ");
		kpc_yaml_scalar(b, x->namespace);
	}
	if (*x->resource_version) {
		kp_buf_puts(b, "\n    resourceVersion: ");
		kpc_yaml_scalar(b, x->resource_version);
	}
	if (*x->uid) {
		kp_buf_puts(b, "\n    uid: ");
		kpc_yaml_scalar(b, x->uid);
	}
	kp_buf_printf(b, "\n  result: %s\n", kp_status_name(x->status));
	if (*x->rule) {
		kp_buf_puts(b, "  rule: ");
		kpc_yaml_scalar(b, x->rule);
		kp_buf_puts(b, "\n");
	}
	if (pi->scored)
		kp_buf_puts(b, "  scored: true\n");
	if (valid_severity(pi->severity))
		kp_buf_printf(b, "  severity: %s\n", pi->severity);
	kp_buf_printf(b, "  source: %s\n  timestamp:\n    nanos: 0\n    seconds: %lld\n", source_of(pi),
		      now);
#undef KEY
}

static void json_result(kp_buf *b, const kpc_report *r, const prow *x, long long now)
{
	const kpc_policy_info *pi = &r->policies[x->policy];
	kp_buf_printf(b, "{\"source\":\"%s\",\"policy\":", source_of(pi));
	kp_buf pn = {0};
	kpc_policy_display(&pn, pi);
	kp_buf_json_str(b, pn.data, pn.len);
	kp_buf_free(&pn);
	if (*x->rule) {
		kp_buf_puts(b, ",\"rule\":");
		kp_buf_json_cstr(b, x->rule);
	}
	if (pi->category && *pi->category) {
		kp_buf_puts(b, ",\"category\":");
		kp_buf_json_cstr(b, pi->category);
	}
	if (valid_severity(pi->severity))
		kp_buf_printf(b, ",\"severity\":\"%s\"", pi->severity);
	kp_buf_printf(b, ",\"timestamp\":{\"seconds\":%lld,\"nanos\":0},\"result\":\"%s\"", now,
		     kp_status_name(x->status));
	if (pi->scored)
		kp_buf_puts(b, ",\"scored\":true");
	kp_buf_puts(b, ",\"resources\":[{\"kind\":");
	kp_buf_json_cstr(b, x->kind);
	if (*x->namespace) {
		kp_buf_puts(b, ",\"namespace\":");
		kp_buf_json_cstr(b, x->namespace);
	}
	kp_buf_puts(b, ",\"name\":");
	kp_buf_json_cstr(b, x->name);
	if (*x->uid) {
		kp_buf_puts(b, ",\"uid\":");
		kp_buf_json_cstr(b, x->uid);
	}
	kp_buf_puts(b, ",\"apiVersion\":");
	kp_buf_json_cstr(b, x->api_version);
	if (*x->resource_version) {
		kp_buf_puts(b, ",\"resourceVersion\":");
		kp_buf_json_cstr(b, x->resource_version);
	}
	kp_buf_puts(b, "}]");
	if (x->message && *x->message) {
		kp_buf_puts(b, ",\"message\":");
		kp_buf_json_cstr(b, x->message);
	}
	kp_buf_printf(b, ",\"properties\":{\"process\":\"%s\"}}",
		     kp_policy_background(pi->p) ? "background scan" : "admission review");
}

/* One report of the rows order[from..to). ns NULL: the merged cluster report. */
static void report(kpc_report *r, const size_t *order, size_t from, size_t to,
		   const kpc_policy_info *owner)
{
	pr_state *s = r->state;
	kp_buf *b = &s->b;
	bool open = r->opt.openreports;
	const char *api = open ? "openreports.io/v1alpha1" : "wgpolicyk8s.io/v1alpha2";
	const char *kind = owner ? "PolicyReport" : open ? "ClusterReport" : "ClusterPolicyReport";
	kpc_counts c = {0};
	for (size_t k = from; k < to; k++)
		kpc_count(&c, s->v[order[k]].status);
	if (owner)
		kp_buf_puts(b, "---\n");
	if (r->opt.json) {
		kp_buf_printf(b, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"name\":", kind, api);
		kp_buf_json_cstr(b, owner ? owner->name : "merged");
		if (owner) {
			kp_buf_puts(b, ",\"namespace\":");
			kp_buf_json_cstr(b, owner->ns);
		}
		kp_buf_puts(b, ",\"creationTimestamp\":null}");
		if (open)
			kp_buf_puts(b, ",\"source\":\"\"");
		kp_buf_printf(b, ",\"summary\":{\"pass\":%zu,\"fail\":%zu,\"warn\":%zu,\"error\":%zu,"
				"\"skip\":%zu},\"results\":[", c.pass, c.fail, c.warn, c.error, c.skip);
		for (size_t k = from; k < to; k++) {
			if (k > from)
				kp_buf_puts(b, ",");
			json_result(b, r, &s->v[order[k]], s->now);
			kp_buf_flush(b, r->out);
		}
		kp_buf_puts(b, "]}\n\n");
	} else {
		kp_buf_printf(b, "apiVersion: %s\nkind: %s\nmetadata:\n  creationTimestamp: null\n  name: ",
			     api, kind);
		kpc_yaml_scalar(b, owner ? owner->name : "merged");
		if (owner) {
			kp_buf_puts(b, "\n  namespace: ");
			kpc_yaml_scalar(b, owner->ns);
		}
		kp_buf_puts(b, "\nresults:\n");
		for (size_t k = from; k < to; k++) {
			yaml_result(b, r, &s->v[order[k]], s->now);
			kp_buf_flush(b, r->out);
		}
		if (open)
			kp_buf_puts(b, "source: \"\"\n");
		kp_buf_printf(b, "summary:\n  error: %zu\n  fail: %zu\n  pass: %zu\n  skip: %zu\n  warn: %zu\n\n",
			     c.error, c.fail, c.pass, c.skip, c.warn);
	}
	kp_buf_flush(b, r->out);
}

static void pr_end(kpc_report *r, const kpc_summary *sum)
{
	(void)sum;
	pr_state *s = r->state;
	size_t np = r->n_policies;
	/* rows of cluster-wide policies first (policy, then input order), then
	 * each namespaced policy's: a counting sort on a group key */
	size_t *key = kpc_xcalloc(np + 1, sizeof *key), *start = kpc_xcalloc(np + 2, sizeof *start);
	size_t *order = kpc_xcalloc(s->n, sizeof *order);
	size_t g = 0;
	for (size_t p = 0; p < np; p++)
		if (!r->policies[p].ns)
			key[p] = g++;
	size_t n_cluster = g;
	for (size_t p = 0; p < np; p++)
		if (r->policies[p].ns)
			key[p] = g++;
	for (size_t i = 0; i < s->n; i++)
		start[key[s->v[i].policy] + 1]++;
	for (size_t k = 0; k < np; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < s->n; i++)
		order[start[key[s->v[i].policy]]++] = i;
	/* start[k] is now the end of group k */
	size_t cluster_end = n_cluster ? start[n_cluster - 1] : 0;
	if (cluster_end)
		report(r, order, 0, cluster_end, NULL);
	size_t from = cluster_end;
	for (size_t p = 0; p < np; p++) {
		if (!r->policies[p].ns)
			continue;
		size_t to = start[key[p]];
		if (to > from)
			report(r, order, from, to, &r->policies[p]);
		from = to;
	}
	kp_buf_free(&s->b);
	free(key);
	free(start);
	free(order);
	free(s->v);
	kpc_pool_free(&s->pool);
	free(s);
	r->state = NULL;
}

const kpc_report_ops kpc_report_policyreport = {
	"policyreport", pr_begin, pr_row, pr_input_error, pr_end,
};
