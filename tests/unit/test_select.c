/* Unit tests: match / exclude selection (select.c, select_compile.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy.h"

typedef struct sel_fixture {
	kp_policy_set *ps;
	kp_doc *docs[256];
	size_t n_docs;
} sel_fixture;

static sel_fixture fx;

static void fx_fini(void)
{
	kp_policy_set_free(fx.ps);
	for (size_t i = 0; i < fx.n_docs; i++)
		kp_doc_free(fx.docs[i]);
	memset(&fx, 0, sizeof fx);
}

static kp_doc *doc(const char *yaml)
{
	kp_error err;
	kp_read_opts ro = {.raw = true};
	kp_reader *r = kp_reader_open_mem("t.yaml", yaml, strlen(yaml), &ro, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	kp_reader_close(r);
	cr_assert_lt(fx.n_docs, 256);
	fx.docs[fx.n_docs++] = d;
	return d;
}

static const kp_value *res(const char *yaml) { return kp_doc_root(doc(yaml)); }

/* A ClusterPolicy (or `kind`) with one rule whose match/exclude part is `sel`. */
static const kp_policy *policy_kind(const char *kind, const char *ns, const char *sel)
{
	char buf[4096];
	snprintf(buf, sizeof buf,
		 "apiVersion: kyverno.io/v1\nkind: %s\nmetadata: {name: p%s%s}\n"
		 "spec:\n  rules:\n  - name: r\n%s"
		 "    validate: {pattern: {metadata: {name: '*'}}}\n",
		 kind, ns ? ", namespace: " : "", ns ? ns : "", sel);
	if (!fx.ps)
		fx.ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(kp_policy_set_add(fx.ps, doc(buf), &err), 1, "%s\n%s", err.msg, buf);
	return kp_policy_set_at(fx.ps, kp_policy_set_count(fx.ps) - 1);
}

static const kp_policy *policy(const char *sel) { return policy_kind("ClusterPolicy", NULL, sel); }

static bool selects(const kp_policy *p, const kp_value *r, const kp_eval_opts *o)
{
	return kp_rule_selects(&p->rules[0], p, r, o);
}

static const char *const pod =
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: prod\n"
	"  labels: {app: web, tier: front}\n  annotations: {team.io/owner: alice}\n";

TestSuite(select, .fini = fx_fini);

Test(select, kind_forms)
{
	const kp_value *p = res(pod);
	const kp_value *dep = res("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n");
	static const struct { const char *kind; bool pod, dep; } cases[] = {
		{"Pod", true, false}, {"v1/Pod", true, false}, {"*/Pod", true, false},
		{"apps/v1/Deployment", false, true}, {"apps/v1beta1/Deployment", false, false},
		{"apps/*/Deployment", false, true}, {"*", true, true}, {"*/*", true, true},
		{"Pod/exec", false, false}, {"Pod/*", true, false}, {"pod", false, false},
		{"D*", false, true}, {"v1/*", true, true}, {"batch/*/*", false, false}, {"Deployment.apps", false, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char sel[256];
		snprintf(sel, sizeof sel, "    match: {resources: {kinds: ['%s']}}\n", cases[i].kind);
		const kp_policy *pol = policy(sel);
		cr_assert_eq(selects(pol, p, NULL), cases[i].pod, "%s on Pod", cases[i].kind);
		cr_assert_eq(selects(pol, dep, NULL), cases[i].dep, "%s on Deployment", cases[i].kind);
	}
}

Test(select, kind_selector_parsing)
{
	kp_arena *a = kp_arena_new();
	kp_kind_sel k;
	kp_kind_sel_parse(a, "networking.k8s.io/v1/Ingress", &k);
	cr_assert_str_eq(k.group, "networking.k8s.io");
	cr_assert_str_eq(k.version, "v1");
	cr_assert_str_eq(k.kind, "Ingress");
	cr_assert_str_eq(k.sub, "");
	kp_kind_sel_parse(a, "v2beta1/Foo/status", &k);
	cr_assert_str_eq(k.group, "*");
	cr_assert_str_eq(k.version, "v2beta1");
	cr_assert_str_eq(k.sub, "status");
	kp_kind_sel_parse(a, "*/scale", &k);
	cr_assert_str_eq(k.kind, "*");
	cr_assert_str_eq(k.sub, "scale");
	kp_kind_sel_parse(a, "a/b/c/d/e", &k);
	cr_assert_str_eq(k.kind, "");
	kp_arena_free(a);
}

/* The byte tests check_kind uses in place of kp_wildcard_match. */
Test(select, kind_selector_byte_tests)
{
	kp_arena *a = kp_arena_new();
	kp_kind_sel k;
	kp_kind_sel_parse(a, "Pod", &k);
	cr_assert_eq(k.test[0], KP_PART_ANY);
	cr_assert_eq(k.test[1], KP_PART_ANY);
	cr_assert_eq(k.test[2], KP_PART_EXACT);
	cr_assert_eq(k.len[2], 3);
	cr_assert_eq(k.test[3], KP_PART_EXACT);
	cr_assert_eq(k.len[3], 0);
	kp_kind_sel_parse(a, "apps/v?/Deploy*", &k);
	cr_assert_eq(k.test[0], KP_PART_EXACT);
	cr_assert_eq(k.len[0], 4);
	cr_assert_eq(k.test[1], KP_PART_WILD);
	cr_assert_eq(k.test[2], KP_PART_WILD);
	cr_assert_eq(k.len[2], 7);
	kp_arena_free(a);
	/* "*" matches a resource without a kind; a literal only itself */
	const kp_value *kindless = res("apiVersion: v1\nmetadata: {name: x}\n");
	cr_assert(selects(policy("    match: {resources: {kinds: ['*']}}\n"), kindless, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: ['Po']}}\n"), res(pod), NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: ['Podx']}}\n"), res(pod), NULL));
}

Test(select, names_name_and_generate_name)
{
	const kp_value *p = res(pod);
	const kp_value *gen = res("apiVersion: v1\nkind: Pod\nmetadata: {generateName: job-}\n");
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod], name: 'web-?'}}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod], name: 'web'}}\n"), p, NULL));
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod], names: [api, 'web*']}}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod], names: [api]}}\n"), p, NULL));
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod], names: ['job-']}}\n"), gen, NULL));
}

Test(select, namespaces_and_namespace_objects)
{
	const kp_value *p = res(pod);
	const kp_value *ns = res("apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n");
	const kp_value *cr = res("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
				 "metadata: {name: admin}\n");
	const kp_policy *pol = policy("    match: {resources: {kinds: ['*'], namespaces: ['pro?']}}\n");
	cr_assert(selects(pol, p, NULL));
	cr_assert(selects(pol, ns, NULL)); /* a Namespace is matched by its own name */
	cr_assert_not(selects(pol, cr, NULL));
	/* cluster-scoped objects have namespace "", matched by '*' */
	cr_assert(selects(policy("    match: {resources: {kinds: ['*'], namespaces: ['*']}}\n"), cr, NULL));
	const char *pats[] = {"staging", "*-system"};
	cr_assert(kp_namespaces_match(pats, 2, res("kind: Pod\nmetadata: {namespace: kube-system}\n")));
	cr_assert_not(kp_namespaces_match(pats, 2, p));
	cr_assert_not(kp_namespaces_match(pats, 0, p));
}

Test(select, annotations_wildcards)
{
	const kp_value *p = res(pod);
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod], annotations: {'team.io/*': 'a*'}}}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod], annotations: {'team.io/*': bob}}}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod], annotations: {x: '*'}}}\n"),
			      res("kind: Pod\nmetadata: {name: a}\n"), NULL));
}

Test(select, label_selector)
{
	const kp_value *p = res(pod);
	static const struct { const char *sel; bool want; } cases[] = {
		{"{matchLabels: {app: web}}", true},
		{"{matchLabels: {app: api}}", false},
		{"{matchLabels: {app: web, tier: front}}", true},
		/* wildcard entries are replaced by a matching resource label */
		{"{matchLabels: {'ap*': 'w?b'}}", true},
		{"{matchLabels: {'*': front}}", true},
		/* or by '0's when none matches: then nothing matches */
		{"{matchLabels: {'x*': '*'}}", false},
		{"{matchExpressions: [{key: app, operator: In, values: [api, web]}]}", true},
		{"{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}", false},
		{"{matchExpressions: [{key: missing, operator: NotIn, values: [web]}]}", true},
		{"{matchExpressions: [{key: tier, operator: Exists}]}", true},
		{"{matchExpressions: [{key: tier, operator: DoesNotExist}]}", false},
		{"{}", true},
		/* selectors that do not convert never match */
		{"{matchExpressions: [{key: app, operator: In, values: []}]}", false},
		{"{matchExpressions: [{key: app, operator: Exists, values: [web]}]}", false},
		{"{matchExpressions: [{key: app, operator: Equals, values: [web]}]}", false},
		{"{matchLabels: {app: 'not valid'}}", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char sel[512];
		snprintf(sel, sizeof sel, "    match: {resources: {kinds: [Pod], selector: %s}}\n",
			 cases[i].sel);
		cr_assert_eq(selects(policy(sel), p, NULL), cases[i].want, "%s", cases[i].sel);
	}
	/* labels with a non-string value read as no labels (unstructured) */
	const kp_value *odd = res("kind: Pod\napiVersion: v1\nmetadata: {name: a, labels: {app: web, n: 1}}\n");
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod], selector: {matchLabels: {app: web}}}}\n"),
			      odd, NULL));
}

Test(select, operations_default_to_create)
{
	const kp_value *p = res(pod);
	const kp_policy *pol = policy("    match: {resources: {kinds: [Pod], operations: [UPDATE]}}\n");
	cr_assert_not(selects(pol, p, NULL));
	kp_eval_opts upd = {.operation = "UPDATE"};
	cr_assert(selects(pol, p, &upd));
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod], operations: [CREATE, UPDATE]}}\n"), p, NULL));
}

static kp_userinfo *userinfo(const char *yaml)
{
	kp_error err;
	kp_userinfo *u = kp_userinfo_from_value(res(yaml), &err);
	cr_assert_not_null(u, "%s", err.msg);
	return u;
}

Test(select, user_info_criteria)
{
	const kp_value *p = res(pod);
	kp_userinfo *dev = userinfo("kind: UserInfo\nroles: [ns:dev]\nclusterRoles: [view]\n"
				    "userInfo: {username: 'system:serviceaccount:ci:builder', groups: [devs]}\n");
	kp_eval_opts o = {.userinfo = dev};
	cr_assert(selects(policy("    match:\n      resources: {kinds: [Pod]}\n      roles: [ns:dev]\n"), p, &o));
	cr_assert_not(selects(policy("    match:\n      resources: {kinds: [Pod]}\n      roles: [admin]\n"), p, &o));
	cr_assert(selects(policy("    match:\n      resources: {kinds: [Pod]}\n      clusterRoles: [view, edit]\n"), p, &o));
	cr_assert(selects(policy("    match:\n      resources: {kinds: [Pod]}\n"
				 "      subjects: [{kind: ServiceAccount, name: builder, namespace: ci}]\n"), p, &o));
	cr_assert(selects(policy("    match:\n      resources: {kinds: [Pod]}\n"
				 "      subjects: [{kind: Group, name: 'dev*'}]\n"), p, &o));
	cr_assert(selects(policy("    match:\n      resources: {kinds: [Pod]}\n"
				 "      subjects: [{kind: User, name: 'system:serviceaccount:ci:*'}]\n"), p, &o));
	cr_assert_not(selects(policy("    match:\n      resources: {kinds: [Pod]}\n"
				     "      subjects: [{kind: User, name: alice}]\n"), p, &o));
	cr_assert_not(selects(policy("    match:\n      resources: {kinds: [Pod]}\n"
				     "      subjects: [{kind: Robot, name: '*'}]\n"), p, &o));
	/* the same criteria in an exclude block */
	const kp_policy *ex = policy("    match: {resources: {kinds: [Pod]}}\n"
				     "    exclude:\n      clusterRoles: [view]\n");
	cr_assert_not(selects(ex, p, &o));
	/* Without user info (engine-vectors match.yaml "Should not fail if in
	 * sync mode..."): match blocks ignore user-info criteria, exclude
	 * blocks that have them cannot match. */
	cr_assert(selects(policy("    match:\n      resources: {kinds: [Pod]}\n      roles: [admin]\n"), p, NULL));
	cr_assert(selects(ex, p, NULL));
	kp_userinfo *none = userinfo("kind: UserInfo\n");
	cr_assert(none->empty);
	kp_eval_opts o2 = {.userinfo = none};
	cr_assert(selects(ex, p, &o2));
	/* a match block with only user info is empty without user info */
	cr_assert_not(selects(policy("    match:\n      clusterRoles: [view]\n"), p, NULL));
	cr_assert(selects(policy("    match:\n      clusterRoles: [view]\n"), p, &o));
	kp_userinfo_free(dev);
	kp_userinfo_free(none);
}

Test(select, userinfo_document_errors)
{
	kp_error err;
	cr_assert_null(kp_userinfo_from_value(res("kind: UserInfo\nroles: admin\n"), &err));
	cr_assert_str_eq(err.path, "/roles");
	cr_assert_eq(err.line, 2);
	cr_assert_null(kp_userinfo_from_value(res("- a\n"), &err));
}

Test(select, any_all_and_exclude_modes)
{
	const kp_value *p = res(pod);
	cr_assert(selects(policy("    match:\n      any:\n      - resources: {kinds: [Pod], names: [x]}\n"
				 "      - resources: {kinds: [Pod], namespaces: [prod]}\n"), p, NULL));
	cr_assert_not(selects(policy("    match:\n      all:\n      - resources: {kinds: [Pod], names: [x]}\n"
				     "      - resources: {kinds: [Pod], namespaces: [prod]}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod]}}\n    exclude:\n      any:\n"
				     "      - resources: {names: [x]}\n      - resources: {namespaces: [prod]}\n"), p, NULL));
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod]}}\n    exclude:\n      all:\n"
				 "      - resources: {names: [x]}\n      - resources: {namespaces: [prod]}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {kinds: [Pod]}}\n    exclude:\n      all:\n"
				     "      - resources: {names: ['web*']}\n      - resources: {namespaces: [prod]}\n"), p, NULL));
	/* an empty exclude block excludes nothing; an empty match block matches nothing */
	cr_assert(selects(policy("    match: {resources: {kinds: [Pod]}}\n    exclude: {resources: {}}\n"), p, NULL));
	cr_assert_not(selects(policy("    match: {resources: {}}\n"), p, NULL));
	/* `kinds: []` is not an empty description: it matches every kind */
	cr_assert(selects(policy("    match: {resources: {kinds: []}}\n"), p, NULL));
}

Test(select, namespaced_policy_only_sees_its_namespace)
{
	const kp_value *p = res(pod);
	const char *sel = "    match: {resources: {kinds: [Pod]}}\n";
	cr_assert(selects(policy_kind("Policy", "prod", sel), p, NULL));
	cr_assert_not(selects(policy_kind("Policy", "dev", sel), p, NULL));
	cr_assert_not(selects(policy_kind("Policy", NULL, sel), p, NULL)); /* "default" */
}

Test(select, namespace_selector_uses_values_labels)
{
	const kp_value *p = res(pod);
	const kp_value *def = res("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default}\n");
	const kp_policy *pol = policy("    match:\n      resources:\n        kinds: [Pod]\n"
				      "        namespaceSelector: {matchLabels: {env: prod}}\n");
	kp_error err;
	kp_values *vals = kp_values_from_value(res(
		"apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nnamespaceSelector:\n"
		"- name: prod\n  labels: {env: prod}\n- name: dev\n  labels: {env: dev}\n"
		"policies: [{name: p, resources: [{name: web-1, values: {x: 1}}]}]\n"), &err);
	cr_assert_not_null(vals, "%s", err.msg);
	cr_assert_eq(kp_value_len(kp_values_namespace_labels(vals, "dev")), 1);
	cr_assert_null(kp_values_namespace_labels(vals, "qa"));
	/* the whole tree is kept for later variable work */
	cr_assert_not_null(kp_value_path(vals->root, "policies/0/resources/0/values/x"));
	kp_eval_opts o = {.values = vals};
	cr_assert(pol->uses_ns_selector);
	cr_assert(selects(pol, p, &o));
	cr_assert_not(kp_policy_lacks_namespace_labels(pol, p, vals));
	/* Without labels for its namespace the selector sees {} ... */
	cr_assert_not(selects(pol, def, &o));
	cr_assert_not(selects(pol, p, NULL));
	/* ... and the CLI refuses such a resource outside "default":
	 * "failed to get namespace labels for resource ..." */
	cr_assert_not(kp_policy_lacks_namespace_labels(pol, def, NULL));
	cr_assert(kp_policy_lacks_namespace_labels(pol, p, NULL));
	cr_assert(kp_policy_lacks_namespace_labels(pol, res("kind: Pod\nmetadata: {namespace: qa}\n"), vals));
	/* a Namespace resource never matches a block with namespaceSelector */
	const kp_policy *nsp = policy("    match:\n      resources:\n        kinds: [Namespace]\n"
				      "        namespaceSelector: {}\n");
	cr_assert_not(selects(nsp, res("apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n"), &o));
	/* a policy without namespaceSelector never needs labels */
	cr_assert_not(kp_policy_lacks_namespace_labels(policy("    match: {resources: {kinds: [Pod]}}\n"), p, NULL));
	kp_values_free(vals);
	cr_assert_null(kp_values_from_value(res("kind: Values\nnamespaceSelector: {a: b}\n"), &err));
	cr_assert_str_eq(err.path, "/namespaceSelector");
}

Test(select, may_match_kind_prefilter)
{
	const kp_policy *pol = policy("    match:\n      any:\n      - resources: {kinds: [Pod]}\n"
				      "      - resources: {kinds: ['apps/v1/Deploy*']}\n");
	cr_assert(kp_rule_may_match_kind(&pol->rules[0], "Pod"));
	cr_assert(kp_rule_may_match_kind(&pol->rules[0], "Deployment"));
	cr_assert_not(kp_rule_may_match_kind(&pol->rules[0], "Service"));
	const kp_policy *all = policy("    match:\n      all:\n      - resources: {kinds: [Pod]}\n"
				      "      - resources: {namespaces: [a]}\n");
	cr_assert(kp_rule_may_match_kind(&all->rules[0], "Pod"));
	cr_assert_not(kp_rule_may_match_kind(&all->rules[0], "Service"));
	const kp_policy *nokinds = policy("    match: {resources: {names: [a]}}\n");
	cr_assert(kp_rule_may_match_kind(&nokinds->rules[0], "Anything"));
}

Test(select, wildcard)
{
	cr_assert(kp_wildcard_match("a*c", 3, "abbbc", 5));
	cr_assert(kp_wildcard_match("?", 1, "\xc3\xa9", 2)); /* one code point */
	cr_assert_not(kp_wildcard_match("??", 2, "\xc3\xa9", 2));
	cr_assert(kp_wildcard_match("", 0, "", 0));
	cr_assert_not(kp_wildcard_match("", 0, "a", 1));
	cr_assert(kp_wildcard_match("*", 1, "", 0));
	cr_assert_not(kp_wildcard_match("a.c", 3, "abc", 3));
}
