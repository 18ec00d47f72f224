/* Unit tests: loading Kyverno policies (policy_load.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

/* Adds the first document of `yaml` to ps; returns kp_policy_set_add's code. */
static int add_yaml(kp_policy_set *ps, const char *yaml, kp_error *err)
{
	kp_reader *r = kp_reader_open_mem("p.yaml", yaml, strlen(yaml), NULL, err);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, err), 1, "%s", err->msg);
	int rc = kp_policy_set_add(ps, d, err);
	kp_doc_free(d);
	kp_reader_close(r);
	return rc;
}

static const char *const two_rules =
	"apiVersion: kyverno.io/v1\n"
	"kind: ClusterPolicy\n"
	"metadata:\n"
	"  name: require-labels\n"
	"  annotations:\n"
	"    policies.kyverno.io/scored: \"false\"\n"
	"spec:\n"
	"  validationFailureAction: Enforce\n"
	"  rules:\n"
	"  - name: check-team\n"
	"    match:\n"
	"      any:\n"
	"      - resources:\n"
	"          kinds: [Service]\n"
	"    validate:\n"
	"      message: \"label {{ request.object.metadata.name }} needed\"\n"
	"      pattern:\n"
	"        metadata:\n"
	"          labels:\n"
	"            team: \"?*\"\n"
	"  - name: check-owner\n"
	"    match:\n"
	"      resources:\n"
	"        kinds: [ConfigMap]\n"
	"    validate:\n"
	"      failureAction: Audit\n"
	"      anyPattern:\n"
	"      - metadata: {labels: {owner: \"?*\"}}\n"
	"      - metadata: {annotations: {owner: \"?*\"}}\n";

Test(policy, loads_a_cluster_policy_with_its_rules)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, two_rules, &err), 1, "%s", err.msg);
	cr_assert_eq(err.code, KP_OK);
	cr_assert_eq(kp_policy_set_count(ps), 1);
	const kp_policy *p = kp_policy_set_at(ps, 0);
	cr_assert_str_eq(kp_policy_name(p), "require-labels");
	cr_assert_null(kp_policy_namespace(p));
	cr_assert_eq(kp_policy_rule_count(p), 2);
	cr_assert_eq(kp_policy_set_rule_count(ps), 2);
	cr_assert_str_eq(kp_policy_rule_name(p, 0), "check-team");
	cr_assert_str_eq(kp_policy_rule_name(p, 1), "check-owner");
	cr_assert_null(kp_policy_rule_name(p, 2));
	cr_assert(p->scored_false);
	cr_assert_str_eq(p->file, "p.yaml");
	cr_assert_eq(p->line, 1);

	const kp_rule *r0 = &p->rules[0], *r1 = &p->rules[1];
	/* {{ }} in a message is kept as written and does not make the rule unsupported */
	cr_assert_str_eq(r0->message, "label {{ request.object.metadata.name }} needed");
	cr_assert_null(r0->unsupported);
	cr_assert_not_null(kp_rule_patterns(r0)->compiled);
	cr_assert_str_eq(kp_value_path_str(kp_rule_patterns(r0)->pattern, "metadata/labels/team"), "?*");
	cr_assert_eq(kp_value_line(kp_value_path(kp_rule_patterns(r0)->pattern, "metadata/labels/team")), 20);
	cr_assert_eq(r0->match.mode, KP_SEL_ANY);
	cr_assert_eq(r0->match.n_blocks, 1);
	cr_assert_str_eq(r0->match.blocks[0].kinds[0].kind, "Service");
	cr_assert_eq(r0->exclude.mode, KP_SEL_NONE);
	cr_assert(kp_rule_enforce(r0, p));

	cr_assert_eq(r1->match.mode, KP_SEL_PLAIN);
	cr_assert_null(r1->message);
	cr_assert_null(kp_rule_patterns(r1)->pattern);
	cr_assert_eq(kp_rule_patterns(r1)->n_any, 2);
	cr_assert_not_null(kp_rule_patterns(r1)->any_compiled[1]);
	cr_assert_not_null(kp_value_path(kp_rule_patterns(r1)->any[1], "metadata/annotations/owner"));
	/* the rule's failureAction wins over spec.validationFailureAction */
	cr_assert_not(kp_rule_enforce(r1, p));
	kp_policy_set_free(ps);
}

Test(policy, copies_what_it_needs_from_the_document)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	kp_reader *r = kp_reader_open_mem("copy.yaml", two_rules, strlen(two_rules), NULL, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1);
	cr_assert_eq(kp_policy_set_add(ps, d, &err), 1);
	/* scribble over and free the document: the policy must not notice */
	kp_value *root = d->root;
	root->u.map.n = 0;
	kp_doc_free(d);
	kp_reader_close(r);
	const kp_policy *p = kp_policy_set_at(ps, 0);
	cr_assert_str_eq(kp_policy_name(p), "require-labels");
	cr_assert_str_eq(kp_value_file(kp_rule_patterns(&p->rules[0])->pattern), "copy.yaml");
	cr_assert_str_eq(kp_value_path_str(kp_rule_patterns(&p->rules[0])->pattern, "metadata/labels/team"), "?*");
	kp_policy_set_free(ps);
}

Test(policy, namespaced_policy_takes_its_namespace_or_default)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps,
		"apiVersion: kyverno.io/v2beta1\nkind: Policy\n"
		"metadata: {name: a, namespace: team-a}\n"
		"spec:\n  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
		"    validate: {pattern: {data: {x: '*'}}}\n", &err), 1, "%s", err.msg);
	cr_assert_eq(add_yaml(ps,
		"apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: b}\n"
		"spec:\n  rules:\n  - name: r\n    match: {resources: {kinds: [ConfigMap]}}\n"
		"    validate: {pattern: {data: {x: '*'}}}\n", &err), 1, "%s", err.msg);
	cr_assert_str_eq(kp_policy_namespace(kp_policy_set_at(ps, 0)), "team-a");
	cr_assert_str_eq(kp_policy_namespace(kp_policy_set_at(ps, 1)), "default");
	cr_assert_eq(kp_policy_set_rule_count(ps), 2);
	kp_policy_set_free(ps);
}

Test(policy, other_documents_are_not_policies)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, "# a deployment\napiVersion: apps/v1\nkind: Deployment\n"
			      "metadata: {name: web}\n", &err), 0);
	cr_assert_eq(err.code, KP_W_NOTPOLICY);
	cr_assert_str_eq(err.file, "p.yaml");
	cr_assert_eq(err.line, 2);
	cr_assert_eq(err.col, 1);
	cr_assert(strstr(err.msg, "Deployment"));
	/* ClusterPolicy of an API version that does not exist */
	cr_assert_eq(add_yaml(ps, "apiVersion: kyverno.io/v9\nkind: ClusterPolicy\n"
			      "metadata: {name: x}\n", &err), 0);
	cr_assert_eq(err.code, KP_W_NOTPOLICY);
	cr_assert_eq(kp_policy_set_count(ps), 0);
	kp_policy_set_free(ps);
}

/* Choice: CEL policy kinds kpolicy cannot run (all but ValidatingPolicy,
 * vpol.c) are Kyverno policies all the same.  They
 * are added (1) flagged unsupported with no rules, and err carries a
 * KP_W_POLICY warning naming them, so they do not silently vanish. */
Test(policy, cel_policy_kinds_are_added_as_unsupported)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, "apiVersion: policies.kyverno.io/v1alpha1\n"
			      "kind: GeneratingPolicy\nmetadata: {name: gpol}\n"
			      "spec:\n  generate:\n  - expression: 'true'\n", &err), 1);
	cr_assert_eq(err.code, KP_W_POLICY);
	cr_assert(strstr(err.msg, "GeneratingPolicy gpol"), "%s", err.msg);
	cr_assert_eq(err.line, 1);
	const kp_policy *p = kp_policy_set_at(ps, 0);
	cr_assert_str_eq(p->unsupported, "GeneratingPolicy");
	cr_assert_str_eq(kp_policy_name(p), "gpol");
	cr_assert_eq(kp_policy_rule_count(p), 0);
	cr_assert_eq(add_yaml(ps, "apiVersion: admissionregistration.k8s.io/v1alpha1\n"
			      "kind: MutatingAdmissionPolicy\nmetadata: {name: map}\n", &err), 1);
	cr_assert_str_eq(kp_policy_set_at(ps, 1)->unsupported, "MutatingAdmissionPolicy");
	kp_policy_set_free(ps);
}

/* Invalid policy: -1 with the code, file:line:col and path expected. */
static void expect_invalid(const char *yaml, kp_code code, unsigned line, unsigned col,
			   const char *path)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, yaml, &err), -1, "accepted: %s", yaml);
	cr_assert_eq(err.code, code, "code %d: %s", err.code, err.msg);
	cr_assert_str_eq(err.path, path, "%s", err.msg);
	cr_assert_str_eq(err.file, "p.yaml");
	cr_assert_eq(err.line, line, "line %u: %s", err.line, err.msg);
	cr_assert_eq(err.col, col, "col %u: %s", err.col, err.msg);
	cr_assert_eq(kp_policy_set_count(ps), 0);
	kp_policy_set_free(ps);
}

#define HEAD "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n"

Test(policy, invalid_policies_name_the_offending_node)
{
	/* Kyverno's schema first (spec is required), then kpolicy's own checks */
	expect_invalid("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  labels: {}\n",
		       KP_E_POLICY, 1, 1, "/");
	expect_invalid("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  labels: {}\nspec: {}\n",
		       KP_E_POLICY, 4, 3, "/metadata/name");
	expect_invalid(HEAD "  rules:\n    name: r\n", KP_E_POLICY, 7, 5, "/spec/rules");
	expect_invalid(HEAD "  rules:\n  - match: {resources: {kinds: [Pod]}}\n",
		       KP_E_POLICY, 7, 5, "/spec/rules/0");   /* schema: name is required */
	expect_invalid(HEAD "  rules:\n  - name: ''\n    match: {resources: {kinds: [Pod]}}\n",
		       KP_E_POLICY, 7, 11, "/spec/rules/0/name");
	expect_invalid(HEAD "  rules:\n  - name: r\n    validate: {pattern: {a: 1}}\n",
		       KP_E_POLICY, 7, 5, "/spec/rules/0");   /* schema: match is required */
	expect_invalid(HEAD "  rules:\n  - name: r\n    match:\n      any: []\n",
		       KP_E_POLICY, 9, 7, "/spec/rules/0/match");
	expect_invalid(HEAD "  rules:\n  - name: r\n    match:\n      resources:\n        kinds: Pod\n",
		       KP_E_POLICY, 10, 16, "/spec/rules/0/match/resources/kinds");
	expect_invalid(HEAD "  rules:\n  - name: r\n    match:\n      any:\n      - resources:\n"
		       "          kinds: [Pod, 3]\n",
		       KP_E_POLICY, 11, 24, "/spec/rules/0/match/any/0/resources/kinds/1");
	expect_invalid(HEAD "  rules:\n  - name: r\n    match: {resources: {kinds: [Pod]}}\n"
		       "    exclude:\n      all: {resources: {}}\n",
		       KP_E_POLICY, 10, 12, "/spec/rules/0/exclude/all");
	expect_invalid(HEAD "  rules:\n  - name: r\n    match: {resources: {kinds: [Pod]}}\n"
		       "    validate:\n      anyPattern: {a: 1}\n",
		       KP_E_POLICY, 10, 19, "/spec/rules/0/validate/anyPattern");
	expect_invalid(HEAD "  rules:\n  - name: r\n    match: {resources: {kinds: [Pod]}}\n"
		       "  - name: r\n    match: {resources: {kinds: [Pod]}}\n",
		       KP_E_POLICY, 9, 11, "/spec/rules/1/name");
	expect_invalid(HEAD "  rules:\n  - name: r\n    match:\n      resources:\n"
		       "        kinds: [Pod]\n        selector: {matchLabels: {app: [x]}}\n",
		       KP_E_POLICY, 11, 39, "/spec/rules/0/match/resources/selector/matchLabels/app");
}

static const kp_rule *one_rule(kp_policy_set *ps, const char *rule_yaml)
{
	char buf[2048];
	snprintf(buf, sizeof buf, HEAD "  rules:\n%s", rule_yaml);
	kp_error err;
	cr_assert_eq(add_yaml(ps, buf, &err), 1, "%s", err.msg);
	const kp_policy *p = kp_policy_set_at(ps, kp_policy_set_count(ps) - 1);
	return &p->rules[0];
}

Test(policy, rules_using_missing_features_are_marked_unsupported)
{
	kp_policy_set *ps = kp_policy_set_new();
	static const struct { const char *rule, *reason; } cases[] = {
		{"  - name: r\n    match: {resources: {kinds: [ConfigMap]}}\n"
		 "    validate: {manifests: {attestors: []}, message: m, pattern: {a: 1}}\n",
		 "validate.manifests"},
		{"  - name: r\n    match: {resources: {kinds: [ConfigMap]}}\n"
		 "    mutate: {patchStrategicMerge: {metadata: {labels: {a: b}}}}\n", "mutate"},
		{"  - name: r\n    match: {resources: {kinds: [Namespace]}}\n"
		 "    generate: {kind: ConfigMap, name: x, data: {}}\n", "generate"},
		{"  - name: r\n    match: {resources: {kinds: [Pod]}}\n"
		 "    verifyImages: [{imageReferences: ['*']}]\n", "verifyImages"},
		{"  - name: r\n    match: {resources: {kinds: [ConfigMap]}}\n"
		 "    validate: {message: only a message}\n", "validate without pattern"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const kp_rule *r = one_rule(ps, cases[i].rule);
		cr_assert_not_null(r->unsupported, "case %zu", i);
		cr_assert_str_eq(r->unsupported, cases[i].reason, "case %zu", i);
		cr_assert_null(kp_rule_patterns(r));
	}
	/* escaped \{{ is not a variable, but substitution drops the backslash */
	const kp_rule *r = one_rule(ps, "  - name: r\n    match: {resources: {kinds: [ConfigMap]}}\n"
				    "    validate: {pattern: {data: {x: '\\{{ y }}'}}}\n");
	cr_assert_null(r->unsupported);
	cr_assert(kp_rule_patterns(r)->dynamic);
	/* variables and preconditions are supported: compiled, not flagged */
	r = one_rule(ps, "  - name: r\n    match: {resources: {kinds: [ConfigMap]}}\n"
		     "    preconditions: {all: [{key: a, operator: Equals, value: a}]}\n"
		     "    validate: {pattern: {data: {x: '{{ request.object.metadata.name }}'}}}\n");
	cr_assert_null(r->unsupported);
	cr_assert_not_null(r->preconditions);
	cr_assert(r->uses_vars);
	kp_policy_set_free(ps);
}

/* ---- every tier-i policy of the conformance corpus loads ---- */

static const char *shared_dir(void)
{
	static char buf[4096];
	const char *env = getenv("KP_SHARED");
	if (env)
		return env;
	const char *src = getenv("KP_SRCDIR");
	snprintf(buf, sizeof buf, "%s/../shared", src ? src : KP_SRCDIR);
	return buf;
}

static size_t corpus_added;

static void load_policy_file(kp_policy_set *ps, const char *path)
{
	kp_error err;
	kp_reader *r = kp_reader_open_file(path, NULL, &err);
	cr_assert_not_null(r, "%s: %s", path, err.msg);
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &err)) != 0) {
		cr_assert_eq(rc, 1, "%s: %s", path, err.msg);
		int ar = kp_policy_set_add(ps, d, &err);
		char eb[2048];
		cr_assert_neq(ar, -1, "%s", kp_error_format(&err, eb, sizeof eb));
		corpus_added += ar == 1;
		kp_doc_free(d);
	}
	kp_reader_close(r);
}

Test(policy, every_tier_i_policy_of_the_corpus_loads)
{
	char path[8192];
	const char *shared = shared_dir();
	snprintf(path, sizeof path, "%s/conformance/census.tsv", shared);
	FILE *census = fopen(path, "r");
	if (!census) {
		cr_skip_test("%s absent: corpus not checked", path);
		return;
	}
	char line[1024];
	size_t dirs = 0;
	kp_policy_set *ps = kp_policy_set_new();
	kp_read_opts raw = {.raw = true};
	while (fgets(line, sizeof line, census)) {
		char *tab = strchr(line, '\t');
		if (!tab || strncmp(tab, "\ti\t", 3))
			continue;
		*tab = 0;
		char dir[6000];
		snprintf(dir, sizeof dir, "%s/conformance/%s", shared, line);
		snprintf(path, sizeof path, "%s/kyverno-test.yaml", dir);
		kp_error err;
		kp_reader *r = kp_reader_open_file(path, &raw, &err);
		cr_assert_not_null(r, "%s", path);
		kp_doc *d;
		cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", path);
		const kp_value *pols = kp_value_get(kp_doc_root(d), "policies");
		for (size_t i = 0; i < kp_value_len(pols); i++) {
			snprintf(path, sizeof path, "%s/%s", dir, kp_value_str(kp_value_at(pols, i), NULL));
			load_policy_file(ps, path);
		}
		kp_doc_free(d);
		kp_reader_close(r);
		dirs++;
	}
	fclose(census);
	cr_assert_eq(dirs, 78);
	cr_assert_geq(corpus_added, dirs);
	/* autogen rules are counted */
	cr_assert_gt(kp_policy_set_rule_count(ps), corpus_added);
	kp_policy_set_free(ps);
}
