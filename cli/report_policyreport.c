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
	kp_buf pn;                 /* a row's policy name, reused */
	char now[24];              /* the results' timestamp, in decimal */
} pr_state;

static void pr_begin(kpc_report *r)
{
	pr_state *s = kpc_xcalloc(1, sizeof *s);
	snprintf(s->now, sizeof s->now, "%lld",
		 r->opt.timestamp >= 0 ? r->opt.timestamp : (long long)time(NULL));
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

/* The policy's name as the reports show it, in pn. */
static const char *policy_name(kp_buf *pn, const kpc_policy_info *pi)
{
	kp_buf_reset(pn);
	kpc_policy_display(pn, pi);
	return pn->data;
}

static void yaml_result(kp_buf *b, const kpc_report *r, const prow *x, const char *now, kp_buf *pn)
{
	const kpc_policy_info *pi = &r->policies[x->policy];
	const char *dash = "- ";
#define KEY(k) (kpc_puts(b, dash), KPC_PUT_LIT(b, k ": "), dash = "  ")
	if (pi->category && *pi->category) {
		KEY("category");
		kpc_yaml_scalar(b, pi->category);
		KPC_PUT_LIT(b, "\n");
	}
	if (x->message && *x->message) {
		KEY("message");
		kpc_yaml_scalar(b, x->message);
		KPC_PUT_LIT(b, "\n");
	}
	KEY("policy");
	kpc_yaml_scalar(b, policy_name(pn, pi));
	KPC_PUT_LIT(b, "\n");
	kpc_puts(b, dash);
	KPC_PUT_LIT(b, "properties:\n    process: ");
	if (kp_policy_background(pi->p))
		KPC_PUT_LIT(b, "background scan\n");
	else
		KPC_PUT_LIT(b, "admission review\n");
	KPC_PUT_LIT(b, "  resources:\n  - apiVersion: ");
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
	KPC_PUT_LIT(b, "\n  result: ");
	kpc_puts(b, kp_status_name(x->status));
	KPC_PUT_LIT(b, "\n");
	if (*x->rule) {
		KPC_PUT_LIT(b, "  rule: ");
		kpc_yaml_scalar(b, x->rule);
		KPC_PUT_LIT(b, "\n");
	}
	if (pi->scored)
		KPC_PUT_LIT(b, "  scored: true\n");
	if (valid_severity(pi->severity)) {
		KPC_PUT_LIT(b, "  severity: ");
		kpc_puts(b, pi->severity);
		KPC_PUT_LIT(b, "\n");
	}
	KPC_PUT_LIT(b, "  source: ");
	kpc_puts(b, source_of(pi));
	KPC_PUT_LIT(b, "\n  timestamp:\n    nanos: 0\n    seconds: ");
	kpc_puts(b, now);
	KPC_PUT_LIT(b, "\n");
#undef KEY
}

/* `lit` (a key and its punctuation), then val as a JSON string */
#define json_field(b, lit, val) (KPC_PUT_LIT((b), lit), kp_buf_json_cstr((b), (val)))

static void json_result(kp_buf *b, const kpc_report *r, const prow *x, const char *now, kp_buf *pn)
{
	const kpc_policy_info *pi = &r->policies[x->policy];
	KPC_PUT_LIT(b, "{\"source\":\"");
	kpc_puts(b, source_of(pi));
	json_field(b, "\",\"policy\":", policy_name(pn, pi));
	if (*x->rule)
		json_field(b, ",\"rule\":", x->rule);
	if (pi->category && *pi->category)
		json_field(b, ",\"category\":", pi->category);
	if (valid_severity(pi->severity)) {
		KPC_PUT_LIT(b, ",\"severity\":\"");
		kpc_puts(b, pi->severity);
		KPC_PUT_LIT(b, "\"");
	}
	KPC_PUT_LIT(b, ",\"timestamp\":{\"seconds\":");
	kpc_puts(b, now);
	KPC_PUT_LIT(b, ",\"nanos\":0},\"result\":\"");
	kpc_puts(b, kp_status_name(x->status));
	KPC_PUT_LIT(b, "\"");
	if (pi->scored)
		KPC_PUT_LIT(b, ",\"scored\":true");
	json_field(b, ",\"resources\":[{\"kind\":", x->kind);
	if (*x->namespace)
		json_field(b, ",\"namespace\":", x->namespace);
	json_field(b, ",\"name\":", x->name);
	if (*x->uid)
		json_field(b, ",\"uid\":", x->uid);
	json_field(b, ",\"apiVersion\":", x->api_version);
	if (*x->resource_version)
		json_field(b, ",\"resourceVersion\":", x->resource_version);
	KPC_PUT_LIT(b, "}]");
	if (x->message && *x->message)
		json_field(b, ",\"message\":", x->message);
	if (kp_policy_background(pi->p))
		KPC_PUT_LIT(b, ",\"properties\":{\"process\":\"background scan\"}}");
	else
		KPC_PUT_LIT(b, ",\"properties\":{\"process\":\"admission review\"}}");
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
			json_result(b, r, &s->v[order[k]], s->now, &s->pn);
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
			yaml_result(b, r, &s->v[order[k]], s->now, &s->pn);
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
	kp_buf_free(&s->pn);
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
