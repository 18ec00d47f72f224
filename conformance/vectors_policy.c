/* vectors_policy.c - match.yaml and autogen.yaml vector schemas. */
#include "vectors.h"
#include "policy/policy.h"

#include <string.h>

static int expect_bool(const kp_value *c, bool *out)
{
	const kp_value *e = kp_value_get(c, "expect");
	if (kp_value_type(e) != KP_BOOL)
		return -1;
	*out = kp_value_bool(e);
	return 0;
}

/* A policy set holding the `policy` tree of a case. */
static kp_policy_set *load_policy(const kp_value *policy, char *why, size_t n)
{
	kp_arena *a = kp_arena_new();
	kp_doc *doc = kp_doc_new(a, kp_value_copy(a, policy), "vector");
	kp_policy_set *ps = kp_policy_set_new();
	kp_policy_set_strict(ps, false);   /* Go unit-test policies skip Kyverno's loader */
	kp_error err;
	int rc = kp_policy_set_add(ps, doc, &err);
	kp_doc_free(doc);
	if (rc != 1 || kp_policy_set_count(ps) != 1) {
		char eb[2048];
		snprintf(why, n, "policy not loaded: %s", kp_error_format(&err, eb, sizeof eb));
		kp_policy_set_free(ps);
		return NULL;
	}
	return ps;
}

/* admission_info {roles, clusterRoles, username, groups} -> kp_userinfo
 * (NULL for {}: no admission info). */
static kp_userinfo *admission(const kp_value *ai)
{
	if (kp_value_len(ai) == 0)
		return NULL;
	kp_arena *a = kp_arena_new();
	kp_value *doc = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_value *info = kp_value_new(a, KP_MAP, NULL, 0, 0);
	for (size_t i = 0; i < kp_value_len(ai); i++) {
		const char *k = kp_value_str(kp_value_key_at(ai, i), NULL);
		kp_value *v = (kp_value *)kp_value_val_at(ai, i);
		if (!strcmp(k, "username") || !strcmp(k, "groups"))
			kp_map_set(a, info, k, v);
		else
			kp_map_set(a, doc, k, v);
	}
	if (kp_value_len(info))
		kp_map_set(a, doc, "userInfo", info);
	kp_userinfo *u = kp_userinfo_from_value(doc, NULL);
	kp_arena_free(a);
	return u;
}

int kp_vec_match(const kp_value *c, char *why, size_t n)
{
	const char *kind = kp_value_path_str(c, "kind");
	bool expect;
	if (!kind || expect_bool(c, &expect))
		return -1;
	const kp_value *resource = kp_value_get(c, "resource");
	bool got;
	if (!strcmp(kind, "namespaces")) {
		const kp_value *list = kp_value_get(c, "namespaces");
		size_t k = kp_value_len(list);
		const char *pats[64];
		if (k > 64)
			return -1;
		for (size_t i = 0; i < k; i++)
			if (!(pats[i] = kp_value_str(kp_value_at(list, i), NULL)))
				return -1;
		got = kp_namespaces_match(pats, k, resource);
	} else if (!strcmp(kind, "rule-match")) {
		kp_policy_set *ps = load_policy(kp_value_get(c, "policy"), why, n);
		if (!ps)
			return 0;
		const kp_policy *p = kp_policy_set_at(ps, 0);
		kp_userinfo *ui = admission(kp_value_get(c, "admission_info"));
		kp_eval_opts opts = {.operation = kp_value_path_str(c, "operation"), .userinfo = ui};
		got = p->n_rules > 0;
		char list[1024] = "";
		for (size_t i = 0; i < p->n_rules; i++) {
			bool sel = kp_rule_selects(&p->rules[i], p, resource, &opts);
			got = got && sel;
			size_t l = strlen(list);
			snprintf(list + l, sizeof list - l, "%s%s=%s", i ? ", " : "",
				 p->rules[i].name, sel ? "match" : "no");
		}
		snprintf(why, n, "got %s (%s)", got ? "true" : "false", list);
		kp_userinfo_free(ui);
		kp_policy_set_free(ps);
		return got == expect;
	} else {
		return -1;
	}
	snprintf(why, n, "got %s", got ? "true" : "false");
	return got == expect;
}

/* can-autogen: the sorted controller list, or [none] */
static int can_autogen(const kp_value *c, char *why, size_t n)
{
	const kp_value *rules = kp_value_path(c, "policy/spec/rules");
	const kp_value *expect = kp_value_get(c, "expect");
	if (kp_value_type(expect) != KP_SEQ)
		return -1;
	static const char *const sorted[] = {
		"CronJob", "DaemonSet", "Deployment", "Job", "ReplicaSet",
		"ReplicationController", "StatefulSet",
	};
	static const char *const none[] = {"none"};
	bool can = kp_autogen_can(rules);
	const char *const *got = can ? sorted : none;
	size_t ng = can ? 7 : 1;
	snprintf(why, n, "got %s", can ? "all controllers" : "[none]");
	if (kp_value_len(expect) != ng)
		return 0;
	for (size_t i = 0; i < ng; i++)
		if (!kp_value_str_eq(kp_value_at(expect, i), got[i]))
			return 0;
	return 1;
}

int kp_vec_autogen(const kp_value *c, char *why, size_t n)
{
	const char *kind = kp_value_path_str(c, "kind");
	if (!kind)
		return -1;
	kp_arena *a = kp_arena_new();
	int rc = -1;
	if (!strcmp(kind, "rule-name")) {
		const char *prefix = kp_value_path_str(c, "prefix");
		const char *rule = kp_value_path_str(c, "rule");
		const char *expect = kp_value_path_str(c, "expect");
		if (prefix && rule && expect) {
			const char *got = kp_autogen_rule_name(a, prefix, rule);
			snprintf(why, n, "got %s", got);
			rc = !strcmp(got, expect);
		}
	} else if (!strcmp(kind, "is-autogen-name")) {
		const char *rule = kp_value_path_str(c, "rule");
		bool expect;
		if (rule && !expect_bool(c, &expect)) {
			bool got = kp_autogen_is_name(rule);
			snprintf(why, n, "got %s", got ? "true" : "false");
			rc = got == expect;
		}
	} else if (!strcmp(kind, "can-autogen")) {
		rc = can_autogen(c, why, n);
	} else if (!strcmp(kind, "rewrite-references")) {
		const char *input = kp_value_path_str(c, "input");
		const char *target = kp_value_path_str(c, "target");
		const char *expect = kp_value_path_str(c, "expect");
		if (input && target && expect) {
			bool cron = !strcmp(target, "CronJob");
			bool cel = kp_value_bool(kp_value_get(c, "cel"));
			const char *got = kp_autogen_rewrite_text(a, input, strlen(input), cron, cel, NULL);
			snprintf(why, n, "got %s", got);
			rc = !strcmp(got, expect);
		}
	}
	kp_arena_free(a);
	return rc;
}
