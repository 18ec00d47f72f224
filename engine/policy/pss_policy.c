/* pss_policy.c - kp_policy_set_add_pss: the policy `--pss LEVEL[:VERSION]`
 * stands for, written as a document and added through the normal path (so
 * autogen, matching and results are those of any podSecurity policy). */
#include "policy/policy.h"

#include <stdio.h>
#include <string.h>

int kp_policy_set_add_pss(kp_policy_set *ps, const char *spec, kp_error *err)
{
	static const char *const versions[] = {
		"v1.19", "v1.20", "v1.21", "v1.22", "v1.23", "v1.24", "v1.25", "v1.26",
		"v1.27", "v1.28", "v1.29", "v1.30", "v1.31", "v1.32", "latest", NULL};
	char level[16];
	const char *colon = strchr(spec, ':');
	const char *version = colon ? colon + 1 : "latest";
	size_t ln = colon ? (size_t)(colon - spec) : strlen(spec);
	if (ln >= sizeof level)
		ln = sizeof level - 1;
	memcpy(level, spec, ln);
	level[ln] = 0;
	if (strcmp(level, "baseline") && strcmp(level, "restricted"))
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0,
				 "--pss: unknown level '%s' (baseline or restricted)", level);
	bool known = false;
	for (const char *const *v = versions; *v && !known; v++)
		known = !strcmp(*v, version);
	if (!known)
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0,
				 "--pss: unknown version '%s' (v1.19 ... v1.32 or latest)", version);
	char doc[1024];
	int n = snprintf(doc, sizeof doc,
		"apiVersion: kyverno.io/v1\n"
		"kind: ClusterPolicy\n"
		"metadata:\n"
		"  name: pod-security-%s\n"
		"spec:\n"
		"  background: true\n"
		"  validationFailureAction: Audit\n"
		"  rules:\n"
		"  - name: pod-security-%s\n"
		"    match:\n"
		"      any:\n"
		"      - resources:\n"
		"          kinds:\n"
		"          - Pod\n"
		"    validate:\n"
		"      podSecurity:\n"
		"        level: %s\n"
		"        version: %s\n", level, level, level, version);
	char name[64];
	snprintf(name, sizeof name, "--pss %s:%s", level, version);
	kp_reader *r = kp_reader_open_mem(name, doc, (size_t)n, NULL, err);
	if (!r)
		return -1;
	kp_doc *d = NULL;
	int rc = kp_reader_next(r, &d, err);
	if (rc == 1)
		rc = kp_policy_set_add(ps, d, err) == 1 ? 0 : -1;
	else
		rc = -1;
	kp_doc_free(d);
	kp_reader_close(r);
	return rc;
}
