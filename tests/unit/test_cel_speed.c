/* test_cel_speed.c - what lets callers skip work per resource: the
 * variables a program reads (kp_cel_prog_uses) and composited variables
 * computed once per activation (kp_cel_memo). */
#include <criterion/criterion.h>

#include "cel/cel.h"
#include "doc_util.h"

static kp_cel_prog *compile(kp_cel_env *env, kp_arena *a, const char *src)
{
	kp_error err;
	kp_cel_prog *p = kp_cel_compile(env, src, strlen(src), a, &err);
	cr_assert_not_null(p, "%s: %s", src, err.msg);
	return p;
}

Test(cel_speed, uses_direct_and_through_variables)
{
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	int obj = kp_cel_env_declare(env, "object");
	int req = kp_cel_env_declare(env, "request");
	int nso = kp_cel_env_declare(env, "namespaceObject");
	kp_cel_prog *p = compile(env, a, "object.spec.x == 1");
	cr_assert(kp_cel_prog_uses(p, (size_t)obj));
	cr_assert_not(kp_cel_prog_uses(p, (size_t)req));
	cr_assert_not(kp_cel_prog_uses(p, (size_t)nso));
	/* a comprehension variable named like nothing declared reads nothing */
	p = compile(env, a, "[1, 2].all(request, request > 0)");
	cr_assert_not(kp_cel_prog_uses(p, (size_t)req));
	kp_cel_env_variable(env, "op", compile(env, a, "request.operation"));
	p = compile(env, a, "variables.op == 'CREATE' && object.kind == 'Pod'");
	cr_assert(kp_cel_prog_uses(p, (size_t)req), "through variables.op");
	cr_assert(kp_cel_prog_uses(p, (size_t)obj));
	cr_assert_not(kp_cel_prog_uses(p, (size_t)nso));
	kp_arena_free(a);
}

/* Bound but unused variables are not converted; an unbound one that is
 * not read is no error. */
Test(cel_speed, unused_unbound_variable_is_no_error)
{
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_declare(env, "object");
	kp_cel_env_declare(env, "authorizer");
	kp_cel_prog *p = compile(env, a, "object.a == 1");
	kp_doc *d = doc_of("a: 1\n");
	const kp_value *vals[2] = {kp_doc_root(d), NULL};
	kp_cel_activation act = {vals, 2, NULL, NULL};
	bool ok = false;
	kp_error err;
	cr_assert_eq(kp_cel_eval_bool(p, &act, a, &ok, &err), 0, "%s", err.msg);
	cr_assert(ok);
	p = compile(env, a, "authorizer == null");
	cr_assert_eq(kp_cel_eval_bool(p, &act, a, &ok, &err), -1);
	cr_assert_str_eq(err.msg, "no such attribute: authorizer");
	kp_doc_free(d);
	kp_arena_free(a);
}

/* With a memo, a variable is computed by the first program that reads it
 * and reused by the next (here the activation changes in between, which
 * shows the reuse); without one, each evaluation computes it afresh. */
Test(cel_speed, memo_computes_variables_once)
{
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_declare(env, "object");
	kp_cel_env_variable(env, "v", compile(env, a, "object.a"));
	kp_cel_prog *p = compile(env, a, "variables.v == 1");
	kp_cel_prog *q = compile(env, a, "variables.v + 1 == 2");
	kp_doc *one = doc_of("a: 1\n"), *two = doc_of("a: 2\n");
	const kp_value *vals[1] = {kp_doc_root(one)};
	kp_cel_activation act = {vals, 1, NULL, kp_cel_memo_new(env, a)};
	bool ok = false;
	kp_error err;
	cr_assert_eq(kp_cel_eval_bool(p, &act, a, &ok, &err), 0, "%s", err.msg);
	cr_assert(ok);
	vals[0] = kp_doc_root(two);
	cr_assert_eq(kp_cel_eval_bool(q, &act, a, &ok, &err), 0, "%s", err.msg);
	cr_assert(ok, "variables.v kept from the first evaluation");
	act.memo = NULL;
	cr_assert_eq(kp_cel_eval_bool(q, &act, a, &ok, &err), 0, "%s", err.msg);
	cr_assert_not(ok, "computed afresh without a memo");
	/* a memo of another environment is ignored */
	kp_cel_env *other = kp_cel_env_new(a);
	act.memo = kp_cel_memo_new(other, a);
	cr_assert_eq(kp_cel_eval_bool(q, &act, a, &ok, &err), 0, "%s", err.msg);
	cr_assert_not(ok);
	kp_doc_free(one);
	kp_doc_free(two);
	kp_arena_free(a);
}
