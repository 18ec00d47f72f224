/* Unit tests: pod-controller autogen (autogen.c) as seen through loading. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy.h"

static kp_policy_set *ag_ps;

static void ag_fini(void)
{
	kp_policy_set_free(ag_ps);
	ag_ps = NULL;
}

TestSuite(autogen, .fini = ag_fini);

static const kp_policy *load(const char *yaml)
{
	kp_error err;
	kp_reader *r = kp_reader_open_mem("ag.yaml", yaml, strlen(yaml), NULL, &err);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	if (!ag_ps)
		ag_ps = kp_policy_set_new();
	cr_assert_eq(kp_policy_set_add(ag_ps, d, &err), 1, "%s", err.msg);
	kp_doc_free(d);
	kp_reader_close(r);
	return kp_policy_set_at(ag_ps, kp_policy_set_count(ag_ps) - 1);
}

static const char *kind_at(const kp_value *rule, const char *path, size_t i)
{
	return kp_value_str(kp_value_at(kp_value_path(rule, path), i), NULL);
}

static const char *const pod_policy =
	"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n"
	"metadata:\n  name: disallow-latest\n%s"
	"spec:\n  rules:\n"
	"  - name: autogen-stale\n"
	"    match: {resources: {kinds: [Deployment]}}\n"
	"    validate: {pattern: {spec: {x: 1}}}\n"
	"  - name: require-tag\n"
	"    match:\n      any:\n      - resources:\n          kinds: [Pod]\n"
	"      - resources:\n          kinds: [Service]\n"
	"    exclude:\n      resources:\n        kinds: [Pod]\n        namespaces: [kube-system]\n"
	"    validate:\n"
	"      message: \"tag needed; see $(pattern/spec/containers)\"\n"
	"      pattern:\n        spec:\n          containers:\n          - image: '!*:latest'\n";

static const kp_policy *pod_policy_with(const char *annotations)
{
	char buf[2048];
	snprintf(buf, sizeof buf, pod_policy, annotations);
	return load(buf);
}

Test(autogen, generates_controller_and_cronjob_rules)
{
	const kp_policy *p = pod_policy_with("");
	/* the pre-existing autogen-stale rule is dropped, generated rules follow */
	cr_assert_eq(kp_policy_rule_count(p), 3);
	cr_assert_eq(kp_policy_set_rule_count(ag_ps), 3);
	cr_assert_str_eq(kp_policy_rule_name(p, 0), "require-tag");
	cr_assert_str_eq(kp_policy_rule_name(p, 1), "autogen-require-tag");
	cr_assert_str_eq(kp_policy_rule_name(p, 2), "autogen-cronjob-require-tag");
	const kp_rule *base = &p->rules[0], *ctl = &p->rules[1], *cron = &p->rules[2];
	cr_assert_eq(base->autogen, KP_AUTOGEN_NONE);
	cr_assert_eq(ctl->autogen, KP_AUTOGEN_CONTROLLERS);
	cr_assert_eq(cron->autogen, KP_AUTOGEN_CRONJOB);
	cr_assert_str_eq(ctl->autogen_base, "require-tag");
	cr_assert_str_eq(cron->autogen_base, "require-tag");

	/* match.any: only the block naming Pod is rewritten (sorted kinds) */
	static const char *const ctl_kinds[] = {
		"apps/v1/DaemonSet", "apps/v1/Deployment", "batch/v1/Job", "apps/v1/ReplicaSet",
		"v1/ReplicationController", "apps/v1/StatefulSet",
	};
	for (size_t i = 0; i < 6; i++)
		cr_assert_str_eq(kind_at(ctl->raw, "match/any/0/resources/kinds", i), ctl_kinds[i]);
	cr_assert_str_eq(kind_at(ctl->raw, "match/any/1/resources/kinds", 0), "Service");
	cr_assert_str_eq(kind_at(ctl->raw, "exclude/resources/kinds", 5), "apps/v1/StatefulSet");
	cr_assert_str_eq(kind_at(ctl->raw, "exclude/resources/namespaces", 0), "kube-system");
	/* CronJob: every block gets batch/v1/CronJob */
	cr_assert_str_eq(kind_at(cron->raw, "match/any/0/resources/kinds", 0), "batch/v1/CronJob");
	cr_assert_str_eq(kind_at(cron->raw, "match/any/1/resources/kinds", 0), "batch/v1/CronJob");
	cr_assert_eq(kp_value_len(kp_value_path(cron->raw, "match/any/0/resources/kinds")), 1);
	cr_assert_str_eq(kind_at(cron->raw, "exclude/resources/kinds", 0), "batch/v1/CronJob");

	/* wrapped patterns, positions kept from the original pattern */
	const kp_value *img = kp_value_path(kp_rule_patterns(ctl)->pattern, "spec/template/spec/containers/0/image");
	cr_assert_str_eq(kp_value_str(img, NULL), "!*:latest");
	cr_assert_eq(kp_value_line(img), kp_value_line(kp_value_path(kp_rule_patterns(base)->pattern, "spec/containers/0/image")));
	cr_assert_str_eq(kp_value_path_str(kp_rule_patterns(cron)->pattern,
		"spec/jobTemplate/spec/template/spec/containers/0/image"), "!*:latest");
	cr_assert_not_null(kp_rule_patterns(ctl)->compiled);
	cr_assert_not_null(kp_rule_patterns(cron)->compiled);
	/* message references are shifted */
	cr_assert_str_eq(ctl->message, "tag needed; see $(pattern/spec/template/spec/containers)");
	cr_assert_str_eq(cron->message,
			 "tag needed; see $(pattern/spec/jobTemplate/spec/template/spec/template/spec/containers)");
	/* the base rule is untouched */
	cr_assert_str_eq(kind_at(base->raw, "match/any/0/resources/kinds", 0), "Pod");
	cr_assert_str_eq(base->message, "tag needed; see $(pattern/spec/containers)");
}

Test(autogen, annotation_selects_controllers)
{
	const kp_policy *none = pod_policy_with(
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: none}\n");
	/* no generation: rules stay as written, autogen-* rules included */
	cr_assert_eq(kp_policy_rule_count(none), 2);
	cr_assert_str_eq(kp_policy_rule_name(none, 0), "autogen-stale");

	const kp_policy *dep = pod_policy_with(
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: 'StatefulSet,Deployment'}\n");
	cr_assert_eq(kp_policy_rule_count(dep), 2);
	const kp_rule *r = &dep->rules[1];
	cr_assert_str_eq(r->name, "autogen-require-tag");
	cr_assert_eq(kp_value_len(kp_value_path(r->raw, "match/any/0/resources/kinds")), 2);
	cr_assert_str_eq(kind_at(r->raw, "match/any/0/resources/kinds", 0), "apps/v1/Deployment");
	cr_assert_str_eq(kind_at(r->raw, "match/any/0/resources/kinds", 1), "apps/v1/StatefulSet");

	const kp_policy *cj = pod_policy_with(
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: CronJob}\n");
	cr_assert_eq(kp_policy_rule_count(cj), 2);
	cr_assert_str_eq(kp_policy_rule_name(cj, 1), "autogen-cronjob-require-tag");

	const kp_policy *all = pod_policy_with(
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: all}\n");
	cr_assert_eq(kp_policy_rule_count(all), 3);
	cr_assert_eq(kp_value_len(kp_value_path(all->rules[1].raw, "match/any/0/resources/kinds")), 6);
}

Test(autogen, ineligible_policies_generate_nothing)
{
	/* mixed Pod + controller kinds */
	const kp_policy *p = load("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: a}\n"
		"spec:\n  rules:\n  - name: r\n    match: {resources: {kinds: [Pod, Deployment]}}\n"
		"    validate: {pattern: {metadata: {name: '*'}}}\n");
	cr_assert_eq(kp_policy_rule_count(p), 1);
	/* a selector */
	p = load("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: b}\n"
		"spec:\n  rules:\n  - name: r\n    match: {resources: {kinds: [Pod], selector: {}}}\n"
		"    validate: {pattern: {metadata: {name: '*'}}}\n");
	cr_assert_eq(kp_policy_rule_count(p), 1);
	/* a rule not on Pod in an eligible policy gets no variants */
	p = load("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: c}\n"
		"spec:\n  rules:\n  - name: pods\n    match: {resources: {kinds: [Pod]}}\n"
		"    validate: {pattern: {metadata: {name: '*'}}}\n"
		"  - name: services\n    match: {resources: {kinds: [Service]}}\n"
		"    validate: {pattern: {metadata: {name: '*'}}}\n"
		"  - name: pods-but-exclude-service\n    match: {resources: {kinds: [Pod]}}\n"
		"    exclude: {resources: {kinds: [Service]}}\n"
		"    validate: {pattern: {metadata: {name: '*'}}}\n");
	cr_assert_eq(kp_policy_rule_count(p), 5);
	cr_assert_str_eq(kp_policy_rule_name(p, 3), "autogen-pods");
	cr_assert_str_eq(kp_policy_rule_name(p, 4), "autogen-cronjob-pods");
	/* a generate rule anywhere disables autogen */
	p = load("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: d}\n"
		"spec:\n  rules:\n  - name: pods\n    match: {resources: {kinds: [Pod]}}\n"
		"    validate: {pattern: {metadata: {name: '*'}}}\n"
		"  - name: gen\n    match: {resources: {kinds: [Namespace]}}\n"
		"    generate: {kind: ConfigMap, name: x, data: {}}\n");
	cr_assert_eq(kp_policy_rule_count(p), 2);
}

Test(autogen, any_pattern_and_plain_kinds_and_variables)
{
	const kp_policy *p = load(
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: e}\n"
		"spec:\n  rules:\n"
		"  - name: a-very-long-rule-name-that-will-certainly-be-cut-somewhere-here\n"
		"    match: {resources: {kinds: [Pod]}}\n"
		"    validate:\n      anyPattern:\n      - spec: {hostNetwork: false}\n"
		"      - metadata: {labels: {ok: 'true'}}\n"
		"  - name: pre\n    match: {resources: {kinds: [Pod]}}\n"
		"    preconditions: {all: [{key: '{{ request.object.metadata.name }}', operator: Equals, value: x}]}\n"
		"    validate: {pattern: {spec: {x: 1}}}\n");
	cr_assert_eq(kp_policy_rule_count(p), 6);
	const kp_rule *r = &p->rules[2];
	cr_assert_str_eq(r->name, "autogen-a-very-long-rule-name-that-will-certainly-be-cut-somewh");
	cr_assert_eq(strlen(r->name), 63);
	cr_assert_str_eq(kp_policy_rule_name(p, 3),
			 "autogen-cronjob-a-very-long-rule-name-that-will-certainly-be-cu");
	cr_assert_eq(kp_rule_patterns(r)->n_any, 2);
	cr_assert(kp_value_bool(kp_value_path(kp_rule_patterns(r)->any[0], "spec/template/spec/hostNetwork")) == false);
	cr_assert_not_null(kp_value_path(kp_rule_patterns(r)->any[1], "spec/template/metadata/labels/ok"));
	cr_assert_str_eq(kind_at(r->raw, "match/resources/kinds", 0), "apps/v1/DaemonSet");
	/* the generated rule's references are rewritten, its preconditions compiled */
	const kp_rule *pre = &p->rules[4], *precron = &p->rules[5];
	cr_assert_null(pre->unsupported);
	cr_assert_not_null(pre->preconditions);
	cr_assert_str_eq(kp_value_path_str(pre->raw, "preconditions/all/0/key"),
			 "{{ request.object.spec.template.metadata.name }}");
	cr_assert_str_eq(kp_value_path_str(precron->raw, "preconditions/all/0/key"),
			 "{{ request.object.spec.jobTemplate.spec.template.metadata.name }}");
	/* the base rule keeps its text */
	cr_assert_str_eq(kp_value_path_str(p->rules[1].raw, "preconditions/all/0/key"),
			 "{{ request.object.metadata.name }}");
}

Test(autogen, text_helpers)
{
	kp_arena *a = kp_arena_new();
	const char *in = "request.object.spec.x and request.oldObject.metadata.y";
	cr_assert_str_eq(kp_autogen_rewrite_text(a, in, strlen(in), false, false, NULL),
			 "request.object.spec.template.spec.x and request.oldObject.spec.template.metadata.y");
	cr_assert_str_eq(kp_autogen_rewrite_text(a, "object.metadata", 15, true, true, NULL),
			 "object.spec.jobTemplate.spec.template.metadata");
	cr_assert_str_eq(kp_autogen_shift_refs(a, "$(anyPattern/0/spec/a) and x$(anyPattern/0/b) \\$(pattern/c)",
					       "spec/template", "anyPattern"),
			 "$(anyPattern/0/spec/template/spec/a) and x$(anyPattern/0/spec/template/b) \\$(pattern/c)");
	cr_assert_str_eq(kp_autogen_shift_refs(a, "no refs", "spec/template", "pattern"), "no refs");
	cr_assert(kp_autogen_is_name("autogen-x"));
	cr_assert_not(kp_autogen_is_name("autogenx"));
	kp_arena_free(a);
}
