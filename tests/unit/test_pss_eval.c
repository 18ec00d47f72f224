/* Unit tests: validate.podSecurity through policies and kp_evaluate (Pods,
 * autogen rules on controllers, CronJob metadata, rows), and the policy
 * kp_policy_set_add_pss stands for (`kpolicy apply --pss`). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kpolicy.h"

typedef struct row {
	char rule[128];
	kp_status status;
	char message[2048];
	unsigned line, col;
} row;

typedef struct rows {
	row r[16];
	size_t n;
} rows;

static void collect(void *ud, const kp_result *res)
{
	rows *rs = ud;
	cr_assert_lt(rs->n, 16);
	row *w = &rs->r[rs->n++];
	snprintf(w->rule, sizeof w->rule, "%s", res->rule);
	snprintf(w->message, sizeof w->message, "%s", res->message ? res->message : "");
	w->status = res->status;
	w->line = res->line;
	w->col = res->col;
}

static const char *const policy_doc =
	"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: psa\n"
	"spec:\n  rules:\n  - name: baseline\n    match:\n      any:\n      - resources:\n"
	"          kinds: [Pod]\n    validate:\n      message: ignored\n"
	"      podSecurity: {level: baseline, version: v1.29}\n";

static kp_policy_set *set_from(const char *doc, const char *pss)
{
	kp_error err;
	kp_policy_set *ps = kp_policy_set_new();
	if (doc) {
		kp_reader *r = kp_reader_open_mem("policy.yaml", doc, strlen(doc), NULL, &err);
		kp_doc *d = NULL;
		cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
		cr_assert_eq(kp_policy_set_add(ps, d, &err), 1, "%s", err.msg);
		kp_doc_free(d);
		kp_reader_close(r);
	}
	if (pss)
		cr_assert_eq(kp_policy_set_add_pss(ps, pss, &err), 0, "%s", err.msg);
	kp_policy_set_seal(ps);
	return ps;
}

static rows eval(const kp_policy_set *ps, const char *res)
{
	kp_error err;
	rows rs = {0};
	kp_reader *r = kp_reader_open_mem("res.yaml", res, strlen(res), NULL, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	kp_doc_normalize_resource(d);
	cr_assert_geq(kp_evaluate(NULL, ps, d, NULL, collect, &rs, &err), 0, "%s", err.msg);
	kp_doc_free(d);
	kp_reader_close(r);
	return rs;
}

Test(pss_eval, pod_pass_and_fail_rows)
{
	kp_policy_set *ps = set_from(policy_doc, NULL);
	cr_expect_eq(kp_policy_set_rule_count(ps), 3);
	rows rs = eval(ps, "apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec:\n  containers:\n  - name: c\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_eq(rs.r[0].status, KP_STATUS_PASS);
	cr_expect_str_eq(rs.r[0].message, "Validation rule 'baseline' passed.");
	rs = eval(ps, "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  hostNetwork: true\n"
		  "  containers:\n  - name: c\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_eq(rs.r[0].status, KP_STATUS_FAIL);
	cr_expect_str_eq(rs.r[0].message, "Validation rule 'baseline' failed. It violates PodSecurity "
			 "\"baseline:v1.29\": (Forbidden reason: host namespaces, field error list: "
			 "[spec.hostNetwork is forbidden, forbidden values found: true])");
	cr_expect_eq(rs.r[0].line, 5);
	cr_expect_eq(rs.r[0].col, 16);
	kp_policy_set_free(ps);
}

Test(pss_eval, controllers_through_autogen)
{
	kp_policy_set *ps = set_from(policy_doc, NULL);
	rows rs = eval(ps, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
		       "    spec:\n      containers:\n      - name: c\n        ports: [{hostPort: 80}]\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_str_eq(rs.r[0].rule, "autogen-baseline");
	cr_expect_eq(rs.r[0].status, KP_STATUS_FAIL);
	cr_expect_str_eq(rs.r[0].message, "Validation rule 'autogen-baseline' failed. It violates PodSecurity "
			 "\"baseline:v1.29\": (Forbidden reason: hostPort, field error list: "
			 "[spec.template.spec.containers[0].ports[0].hostPort is forbidden, forbidden values found: 80])");
	/* CronJob: annotations come from spec.jobTemplate.metadata */
	rs = eval(ps, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  schedule: '* * * * *'\n"
		  "  jobTemplate:\n    metadata:\n      annotations:\n"
		  "        container.apparmor.security.beta.kubernetes.io/c: unconfined\n"
		  "    spec:\n      template:\n        metadata:\n          annotations: {}\n"
		  "        spec:\n          containers:\n          - name: c\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_str_eq(rs.r[0].rule, "autogen-cronjob-baseline");
	cr_expect_eq(rs.r[0].status, KP_STATUS_FAIL);
	cr_expect(strstr(rs.r[0].message, "[spec.template.metadata.annotations[container.apparmor.security.beta."
			 "kubernetes.io/c] is forbidden, forbidden values found: unconfined]"), "%s", rs.r[0].message);
	/* the pod template's own annotations are not read for a CronJob */
	rs = eval(ps, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n"
		  "    spec:\n      template:\n        metadata:\n          annotations:\n"
		  "            container.apparmor.security.beta.kubernetes.io/c: unconfined\n"
		  "        spec:\n          containers:\n          - name: c\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_eq(rs.r[0].status, KP_STATUS_PASS);
	kp_policy_set_free(ps);
}

Test(pss_eval, errors_for_other_kinds_and_bad_types)
{
	kp_policy_set *ps = set_from(
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: psa\n"
		"spec:\n  rules:\n  - name: r\n    match:\n      any:\n      - resources:\n"
		"          kinds: [Pod, Service]\n    validate:\n      podSecurity: {level: restricted}\n", NULL);
	rows rs = eval(ps, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_eq(rs.r[0].status, KP_STATUS_ERROR);
	cr_expect_str_eq(rs.r[0].message, "Error while getting new resource: could not find correct resource type");
	rs = eval(ps, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: 'yes'\n  containers: []\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_eq(rs.r[0].status, KP_STATUS_ERROR);
	cr_expect(strstr(rs.r[0].message, "cannot unmarshal string"), "%s", rs.r[0].message);
	kp_policy_set_free(ps);
}

Test(pss_eval, invalid_rule_is_an_invalid_policy)
{
	kp_error err;
	const char *doc =
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: psa\n"
		"spec:\n  rules:\n  - name: r\n    match:\n      any:\n      - resources:\n"
		"          kinds: [Pod]\n    validate:\n      podSecurity:\n        level: baseline\n"
		"        version: v1.33\n";
	kp_policy_set *ps = kp_policy_set_new();
	kp_reader *r = kp_reader_open_mem("policy.yaml", doc, strlen(doc), NULL, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1);
	cr_expect_eq(kp_policy_set_add(ps, d, &err), -1);
	cr_expect_eq(err.line, 15);
	cr_expect(strstr(err.msg, "v1.33"), "%s", err.msg);
	kp_doc_free(d);
	kp_reader_close(r);
	kp_policy_set_free(ps);
}

Test(pss_eval, pss_option_policy)
{
	kp_error err;
	kp_policy_set *bad = kp_policy_set_new();
	cr_expect_eq(kp_policy_set_add_pss(bad, "strict", &err), -1);
	cr_expect_eq(err.code, KP_E_USAGE);
	cr_expect_eq(kp_policy_set_add_pss(bad, "baseline:v1.33", &err), -1);
	cr_expect_eq(kp_policy_set_add_pss(bad, "restricted:1.25", &err), -1);
	kp_policy_set_free(bad);

	kp_policy_set *ps = set_from(NULL, "restricted:v1.24");
	cr_assert_eq(kp_policy_set_count(ps), 1);
	const kp_policy *p = kp_policy_set_at(ps, 0);
	cr_expect_str_eq(kp_policy_name(p), "pod-security-restricted");
	cr_expect_eq(kp_policy_rule_count(p), 3);
	cr_expect_str_eq(kp_policy_rule_name(p, 0), "pod-security-restricted");
	cr_expect_str_eq(kp_policy_rule_name(p, 1), "autogen-pod-security-restricted");
	cr_expect_str_eq(kp_policy_rule_name(p, 2), "autogen-cronjob-pod-security-restricted");
	/* a Windows pod at v1.24 still needs the Linux-only restricted fields */
	rows rs = eval(ps, "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n"
		       "  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: c\n");
	cr_assert_eq(rs.n, 1);
	cr_expect_eq(rs.r[0].status, KP_STATUS_FAIL);
	cr_expect(strstr(rs.r[0].message, "PodSecurity \"restricted:v1.24\": (Forbidden reason: "
			 "allowPrivilegeEscalation != false"), "%s", rs.r[0].message);
	kp_policy_set_free(ps);

	/* combined with a policy file: both policies, file first */
	ps = set_from(policy_doc, "baseline");
	cr_assert_eq(kp_policy_set_count(ps), 2);
	cr_expect_str_eq(kp_policy_name(kp_policy_set_at(ps, 1)), "pod-security-baseline");
	rs = eval(ps, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
		  "    securityContext: {privileged: true}\n");
	cr_assert_eq(rs.n, 2);
	cr_expect_str_eq(rs.r[1].message, "Validation rule 'pod-security-baseline' failed. It violates PodSecurity "
			 "\"baseline:latest\": (Forbidden reason: privileged, field error list: "
			 "[spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])");
	kp_policy_set_free(ps);
}
