/* Unit tests: `{{ }}` substitution (policy/vars.c, vars_tree.c), the JSON
 * context with values layering (env.c), and the deny, preconditions and
 * foreach rules built on them. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/policy.h"
#include "doc_util.h"

static kp_arena *a;
static kp_value *ctx_root;
static kp_vars vs;

static kp_doc *context_doc;

static void setup(void)
{
	a = kp_arena_new();
	context_doc = doc_of("request:\n  operation: CREATE\n  object:\n    metadata:\n"
			      "      name: web\n      labels: {app: nginx, tier: '3'}\n"
			      "    spec: {replicas: 3}\n  oldObject:\n    metadata: {name: old}\n"
			      "who: metadata\nlist: [a, b]\nbraces: '{{ request.object.metadata.name }}'\n");
	ctx_root = (kp_value *)kp_doc_root(context_doc);
	vs = (kp_vars){.root = ctx_root, .scratch = a};
}

static void teardown(void)
{
	kp_doc_free(context_doc);
	kp_arena_free(a);
}

TestSuite(vars, .init = setup, .fini = teardown);

/* Substitute `text` (a string scalar) and return the result. */
static const kp_value *subst(const char *text, kp_error *err)
{
	kp_value *node = kp_value_new_str(a, text, strlen(text), "p.yaml", 3, 7);
	kp_tmpl *t = kp_tmpl_compile(a, node, NULL);
	if (!t)
		return node;
	const kp_value *out = NULL;
	if (kp_tmpl_eval(t, &vs, "/x", &out, err) < 0)
		return NULL;
	return out;
}

static const char *subst_str(const char *text)
{
	kp_error err;
	const kp_value *v = subst(text, &err);
	cr_assert_not_null(v, "%s: %s", text, err.msg);
	cr_assert_eq(kp_value_type(v), KP_STRING, "%s", text);
	return kp_value_str(v, NULL);
}

Test(vars, whole_string_keeps_the_json_type)
{
	kp_error err;
	const kp_value *v = subst("{{ request.object.spec.replicas }}", &err);
	cr_assert_eq(kp_value_type(v), KP_INT);
	cr_assert_eq(kp_value_int(v), 3);
	v = subst("{{request.object.metadata.labels}}", &err);
	cr_assert_eq(kp_value_type(v), KP_MAP);
	cr_assert_eq(kp_value_type(subst("{{ list }}", &err)), KP_SEQ);
}

Test(vars, embedded_results_become_text_and_json)
{
	cr_assert_str_eq(subst_str("name={{ request.object.metadata.name }}!"), "name=web!");
	cr_assert_str_eq(subst_str("n {{ request.object.spec.replicas }}"), "n 3");
	cr_assert_str_eq(subst_str("l {{ list }}"), "l [\"a\",\"b\"]");
	cr_assert_str_eq(subst_str("m {{ request.object.metadata.labels }}"),
			 "m {\"app\":\"nginx\",\"tier\":\"3\"}");
	cr_assert_str_eq(subst_str("{{a || 'x'}}{{ 'y' }}"), "xy", "adjacent variables");
}

Test(vars, escapes_nesting_and_results_scanned_again)
{
	cr_assert_str_eq(subst_str("keep \\{{ request.object }} as is"), "keep {{ request.object }} as is");
	cr_assert_str_eq(subst_str("{{ request.object.{{ who }}.name }}"), "web", "inner first");
	/* a result holding a variable is substituted in the next pass */
	cr_assert_str_eq(subst_str("x {{ braces }}"), "x web");
	/* shallow: the result's {{ is escaped and left alone */
	cr_assert_str_eq(subst_str("x {{- braces }}"), "x {{ request.object.metadata.name }}");
	cr_assert_str_eq(subst_str("no variables {here}"), "no variables {here}");
}

Test(vars, missing_keys_are_kyvernos_error)
{
	kp_error err;
	cr_assert_null(subst("{{ request.object.metadata.labels.team }}", &err));
	cr_assert_str_eq(err.msg, "failed to resolve request.object.metadata.labels.team at path /x: "
			 "JMESPath query failed: Unknown key \"team\" in path");
	cr_assert_str_eq(subst_str("{{ request.object.metadata.labels.team || 'none' }}"), "none");
	/* DELETE reads request.object as request.oldObject */
	vs.is_delete = true;
	cr_assert_str_eq(subst_str("{{ request.object.metadata.name }}"), "old");
}

Test(vars, a_bad_expression_is_located_with_a_caret)
{
	kp_value *node = kp_value_new_str(a, "x {{ foo(( }}", 13, "p.yaml", 3, 7);
	kp_error diag;
	kp_error_clear(&diag);
	kp_tmpl *t = kp_tmpl_compile(a, node, &diag);
	cr_assert_not_null(t);
	cr_assert_eq(diag.code, KP_E_EXPR);
	cr_assert_eq(diag.line, 3);
	cr_assert_gt(diag.col, 7 + 5, "inside the body, past `x {{ `");
	cr_assert_str_eq(diag.expr_line, "x {{ foo(( }}");
	const kp_value *out;
	kp_error err;
	cr_assert_eq(kp_tmpl_eval(t, &vs, "/m", &out, &err), -1, "its use fails as in Kyverno");
	cr_assert(strstr(err.msg, "incorrect query foo(("), "%s", err.msg);
}

Test(vars, trees_substitute_leaves_and_keys)
{
	kp_doc *d = doc_of("a: '{{ request.object.spec.replicas }}'\n'{{ who }}': [x, '{{ list[1] }}']\nz: 1\n");
	kp_ttree *t = kp_ttree_compile(a, kp_doc_root(d), "", NULL);
	cr_assert_not_null(t);
	const kp_value *out;
	kp_error err;
	cr_assert_eq(kp_ttree_eval(t, &vs, &out, &err), 0, "%s", err.msg);
	cr_assert_eq(kp_value_int(kp_value_get(out, "a")), 3);
	cr_assert_str_eq(kp_value_path_str(out, "metadata/1"), "b");
	cr_assert_eq(kp_value_get(out, "z"), kp_value_get(kp_doc_root(d), "z"), "unchanged nodes are shared");
	cr_assert_null(kp_ttree_compile(a, kp_value_get(kp_doc_root(d), "z"), "", NULL));
	kp_doc_free(d);
}

Test(vars, dotted_names_merge_into_the_context)
{
	kp_value *root = kp_value_new(a, KP_MAP, NULL, 0, 0);
	kp_error err;
	kp_value *one = kp_value_new_str(a, "true", 4, NULL, 0, 0);
	const char *name = "request.object.metadata.annotations.\"a.b/c\"";
	cr_assert_eq(kp_ctx_set(a, root, name, strlen(name), one, &err), 0, "%s", err.msg);
	const kp_value *ann = kp_value_get(kp_value_get(kp_value_get(kp_value_get(root, "request"),
									"object"), "metadata"), "annotations");
	cr_assert_str_eq(kp_value_str(kp_value_get(ann, "a.b/c"), NULL), "true");
	cr_assert_eq(kp_ctx_set(a, root, "bad\"quote", 9, one, &err), -1);
}

Test(vars, references_resolve_against_the_pattern_itself)
{
	kp_doc *d = doc_of("spec:\n  =(x): {limit: 2Gi, count: 3}\n  req: '<=$(./../x/limit)'\n"
			    "  abs: '$(/spec/x/limit)'\n  num: '$(>/spec/x/count)'\n  esc: '\\$(a)'\n");
	const char *err = NULL;
	const kp_value *v = kp_pattern_refs(a, kp_doc_root(d), &err);
	cr_assert_not_null(v, "%s", err);
	cr_assert_str_eq(kp_value_path_str(v, "spec/req"), "<=2Gi", "relative, anchors ignored");
	cr_assert_str_eq(kp_value_path_str(v, "spec/abs"), "2Gi");
	cr_assert_str_eq(kp_value_path_str(v, "spec/num"), ">3", "an int with an operator");
	cr_assert_str_eq(kp_value_path_str(v, "spec/esc"), "$(a)", "an escape loses its backslash");
	kp_doc_free(d);
	d = doc_of("a: '$(./missing)'\n");
	cr_assert_null(kp_pattern_refs(a, kp_doc_root(d), &err));
	cr_assert(strstr(err, "got nil resolved variable"), "%s", err);
	kp_doc_free(d);
	d = doc_of("b: 1\na: '$(/b)'\n");
	cr_assert_null(kp_pattern_refs(a, kp_doc_root(d), &err));
	cr_assert(strstr(err, "NotResolvedReferenceErr"), "a number needs an operator: %s", err);
	kp_doc_free(d);
}
