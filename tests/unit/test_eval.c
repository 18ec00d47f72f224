/* Unit tests: kp_evaluate with its evaluation context, sealed policy sets,
 * the warning channel, rule actions and unsupported rows. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy.h"
#include "doc_util.h"

static int add_yaml(kp_policy_set *ps, const char *yaml, kp_error *err)
{
	kp_doc *d = doc_of(yaml);
	int rc = kp_policy_set_add(ps, d, err);
	kp_doc_free(d);
	return rc;
}

typedef struct rows {
	size_t n;
	kp_status status[8];
	char message[8][512];
	char unsupported[8][64];
	unsigned line[8];
} rows;

static void collect(void *ud, const kp_result *r)
{
	rows *rs = ud;
	cr_assert_lt(rs->n, 8);
	rs->status[rs->n] = r->status;
	snprintf(rs->message[rs->n], sizeof rs->message[0], "%s", r->message);
	snprintf(rs->unsupported[rs->n], sizeof rs->unsupported[0], "%s",
		 r->unsupported ? r->unsupported : "");
	rs->line[rs->n] = r->line;
	rs->n++;
}

static const char *const label_policy =
	"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\n"
	"spec:\n  rules:\n"
	"  - name: team\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
	"    validate:\n      pattern: {metadata: {labels: {team: '?*'}}}\n"
	"  - name: denied\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
	"    validate:\n      deny: {conditions: {any: [{key: a, operator: Equals, value: a}]}}\n";

static const char *const configmap =
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n"
	"  labels: {app: x}\n";

Test(eval, unsealed_set_is_refused_and_sealed_set_takes_no_more)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, label_policy, &err), 1, "%s", err.msg);
	kp_doc *d = doc_of(configmap);
	rows rs = {0};
	cr_assert_eq(kp_evaluate(NULL, ps, d, NULL, collect, &rs, &err), -1);
	cr_assert_eq(err.code, KP_E_USAGE);
	cr_assert(strstr(err.msg, "not sealed"), "%s", err.msg);
	kp_policy_set_seal(ps);
	kp_policy_set_seal(ps); /* idempotent */
	cr_assert_eq(add_yaml(ps, label_policy, &err), -1);
	cr_assert_eq(err.code, KP_E_USAGE);
	cr_assert_eq(kp_policy_set_count(ps), 1);
	kp_doc_free(d);
	kp_policy_set_free(ps);
}

Test(eval, rows_with_a_context_and_without_one_agree)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, label_policy, &err), 1, "%s", err.msg);
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(configmap);
	kp_doc_normalize_resource(d);
	kp_eval_ctx *ctx = kp_eval_ctx_new(NULL);
	rows a = {0}, b = {0};
	cr_assert_eq(kp_evaluate(ctx, ps, d, NULL, collect, &a, &err), 2);
	cr_assert_eq(kp_evaluate(NULL, ps, d, NULL, collect, &b, &err), 2);
	cr_assert_eq(a.status[0], KP_STATUS_FAIL);
	cr_assert_str_eq(a.message[0], "validation error: rule team failed at path /metadata/labels/team/");
	cr_assert_eq(a.line[0], 6, "the labels map, where team is missing");
	/* the deny rule: its condition holds, so it fails */
	cr_assert_eq(a.status[1], KP_STATUS_FAIL);
	cr_assert_str_eq(a.unsupported[1], "");
	cr_assert_str_eq(a.message[1], "validation error: rule denied failed");
	cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
	kp_eval_ctx_free(ctx);
	kp_doc_free(d);
	kp_policy_set_free(ps);
}

Test(eval, limits_take_defaults_and_cap_the_depth)
{
	kp_eval_ctx *ctx = kp_eval_ctx_new(NULL);
	const kp_eval_limits *l = kp_eval_ctx_limits(ctx);
	cr_assert_eq(l->max_depth, 4000);
	cr_assert_eq(l->max_steps, 10000000);
	cr_assert_eq(l->regex_match_limit, 10000000);
	cr_assert_eq(l->regex_depth_limit, 10000);
	kp_eval_ctx_free(ctx);
	ctx = kp_eval_ctx_new(&(kp_eval_limits){.max_depth = 1000000, .max_steps = 5});
	cr_assert_eq(kp_eval_ctx_limits(ctx)->max_depth, 4000, "never past the C stack's bound");
	cr_assert_eq(kp_eval_ctx_limits(ctx)->max_steps, 5);
	kp_eval_ctx_free(ctx);
}

Test(eval, a_pattern_deeper_than_the_context_allows_is_an_error_row)
{
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, label_policy, &err), 1, "%s", err.msg);
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(configmap);
	/* the team pattern is 4 levels deep: {metadata: {labels: {team: ?*}}} */
	kp_eval_ctx *ctx = kp_eval_ctx_new(&(kp_eval_limits){.max_depth = 3});
	rows rs = {0};
	cr_assert_eq(kp_evaluate(ctx, ps, d, NULL, collect, &rs, &err), 2);
	cr_assert_eq(rs.status[0], KP_STATUS_ERROR);
	cr_assert(strstr(rs.message[0], "pattern nested 4 levels deep, over the evaluation depth limit 3"),
		  "%s", rs.message[0]);
	kp_eval_ctx_free(ctx);
	ctx = kp_eval_ctx_new(&(kp_eval_limits){.max_depth = 4});
	rs = (rows){0};
	kp_evaluate(ctx, ps, d, NULL, collect, &rs, &err);
	cr_assert_eq(rs.status[0], KP_STATUS_FAIL);
	kp_eval_ctx_free(ctx);
	kp_doc_free(d);
	kp_policy_set_free(ps);
}

typedef struct warnings {
	size_t n;
	kp_code code;
	char feature[64];
} warnings;

static void on_warning(void *ud, const kp_error *w)
{
	warnings *ws = ud;
	ws->n++;
	ws->code = w->code;
	snprintf(ws->feature, sizeof ws->feature, "%s", w->feature);
}

Test(eval, policy_warnings_go_to_the_callback)
{
	kp_policy_set *ps = kp_policy_set_new();
	warnings ws = {0};
	kp_policy_set_on_warning(ps, on_warning, &ws);
	kp_error err;
	/* spec is required by Kyverno's CRD schema (strict checking) */
	cr_assert_eq(add_yaml(ps, "apiVersion: policies.kyverno.io/v1\nkind: MutatingPolicy\n"
			      "metadata: {name: v}\nspec: {mutations: [{patchType: JSONPatch,"
			      " jsonPatch: {expression: '[]'}}]}\n",
			      &err), 1);
	cr_assert_eq(err.code, KP_OK, "not left in err when a callback takes it");
	cr_assert_eq(ws.n, 1);
	cr_assert_eq(ws.code, KP_W_POLICY);
	cr_assert_str_eq(ws.feature, "MutatingPolicy");
	kp_policy_set_free(ps);
}

Test(eval, rules_get_their_action_from_the_table)
{
	const char *unsupported;
	kp_doc *d = doc_of("name: r\nvalidate: {pattern: {a: 1}}\n");
	cr_assert_eq(kp_action_find(kp_doc_root(d), &unsupported), &kp_action_pattern);
	kp_doc_free(d);
	d = doc_of("name: r\nvalidate: {anyPattern: [{a: 1}]}\n");
	cr_assert_eq(kp_action_find(kp_doc_root(d), &unsupported), &kp_action_any_pattern);
	kp_doc_free(d);
	d = doc_of("name: r\nvalidate: {deny: {}}\n");
	cr_assert_eq(kp_action_find(kp_doc_root(d), &unsupported), &kp_action_deny,
		     "an empty deny still denies");
	kp_doc_free(d);
	d = doc_of("name: r\nvalidate: {pattern: {a: 1}}\ncelPreconditions: [{name: a, expression: 'true'}]\n");
	cr_assert_null(kp_action_find(kp_doc_root(d), &unsupported));
	cr_assert_str_eq(unsupported, "celPreconditions");
	kp_doc_free(d);
	d = doc_of("name: r\nmutate: {patchStrategicMerge: {a: 1}}\n");
	cr_assert_null(kp_action_find(kp_doc_root(d), &unsupported));
	cr_assert_str_eq(unsupported, "mutate");
	kp_doc_free(d);
	d = doc_of("name: r\nvalidate: {message: m}\n");
	cr_assert_null(kp_action_find(kp_doc_root(d), &unsupported));
	cr_assert_str_eq(unsupported, "validate without pattern");
	kp_doc_free(d);
}

/* Rows of the evaluator's per-rule slots (a pass made from the slot, a
 * fail message from the compile-time prefix) read as before, name their
 * rule with the pointer kp_policy_rule_name gives after seal, and rules
 * the slots cannot decide alone (exclude, a message with variables) still
 * take the full path. */
typedef struct named_rows {
	size_t n;
	const char *rule[8];
	kp_status status[8];
	char message[8][256];
} named_rows;

static void collect_named(void *ud, const kp_result *r)
{
	named_rows *rs = ud;
	cr_assert_lt(rs->n, 8);
	rs->rule[rs->n] = r->rule;
	rs->status[rs->n] = r->status;
	snprintf(rs->message[rs->n], sizeof rs->message[0], "%s", r->message);
	rs->n++;
}

Test(eval, slot_rows_match_the_full_path)
{
	static const char *const pol =
		"apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n"
		"metadata: {name: p, annotations: {policies.kyverno.io/scored: 'false'}}\n"
		"spec:\n  rules:\n"
		"  - name: has-app\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
		"    validate:\n      pattern: {metadata: {labels: {app: '?*'}}}\n"
		"  - name: has-team\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
		"    validate:\n      message: Team label needed\n"
		"      pattern: {metadata: {labels: {team: '?*'}}}\n"
		"  - name: excluded\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
		"    exclude: {any: [{resources: {names: [c]}}]}\n"
		"    validate:\n      pattern: {metadata: {labels: {team: '?*'}}}\n"
		"  - name: named\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
		"    validate:\n      message: '{{request.object.metadata.name}} needs a team.'\n"
		"      pattern: {metadata: {labels: {team: '?*'}}}\n";
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	cr_assert_eq(add_yaml(ps, pol, &err), 1, "%s", err.msg);
	kp_policy_set_seal(ps);
	const kp_policy *p = kp_policy_set_at(ps, 0);
	kp_doc *d = doc_of(configmap);
	kp_doc_normalize_resource(d);
	named_rows rs = {0};
	cr_assert_eq(kp_evaluate(NULL, ps, d, NULL, collect_named, &rs, &err), 3);
	cr_assert_eq(rs.rule[0], kp_policy_rule_name(p, 0));
	cr_assert_eq(rs.status[0], KP_STATUS_PASS);
	cr_assert_str_eq(rs.message[0], "validation rule 'has-app' passed.");
	cr_assert_eq(rs.rule[1], kp_policy_rule_name(p, 1));
	cr_assert_eq(rs.status[1], KP_STATUS_WARN);   /* scored: "false" */
	cr_assert_str_eq(rs.message[1],
			 "validation error: Team label needed. rule has-team failed at path "
			 "/metadata/labels/team/");
	cr_assert_eq(rs.rule[2], kp_policy_rule_name(p, 3));
	cr_assert_str_eq(rs.message[2],
			 "validation error: c needs a team. rule named failed at path "
			 "/metadata/labels/team/");
	kp_doc_free(d);
	kp_policy_set_free(ps);
}
