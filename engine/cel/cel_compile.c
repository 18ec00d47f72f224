/* cel/cel_compile.c - name resolution once per expression: comprehension
 * variables to slots, declared variables (with the container's qualified
 * names, cel-go checker/scopes and containers) to activation indexes,
 * type names to type values, calls to builtins.  With env->check, what
 * cel-go's checker rejects as undeclared is a compile error. */
#include "cel/cel_int.h"

#include <stdio.h>

#define MAX_SCOPE 64

typedef struct resolver {
	const kp_cel_env *env;
	kp_arena *a;
	kp_error *err;
	const char *names[MAX_SCOPE];
	int slots[MAX_SCOPE];
	int depth;
	int max;
	bool failed;
} resolver;

static const char *const type_names[] = {
	"int", "uint", "double", "bool", "string", "bytes", "list", "map",
	"null_type", "type", "google.protobuf.Timestamp",
	"google.protobuf.Duration", "optional_type", "dyn", "net.IP", "net.CIDR",
	"kubernetes.Quantity", "kubernetes.URL", "kubernetes.Semver", NULL
};

static int fail(resolver *r, const cel_node *n, const char *fmt, const char *a1)
{
	if (!r->failed) {
		r->failed = true;
		kp_errorf(r->err, KP_E_POLICY, NULL, 0, n->pos + 1, fmt, a1);
	}
	return -1;
}

/* cel-go's undeclaredReference. */
static int undeclared(resolver *r, const cel_node *n, const char *name)
{
	if (!r->failed) {
		r->failed = true;
		kp_errorf(r->err, KP_E_POLICY, NULL, 0, n->pos + 1,
			  "undeclared reference to '%s' (in container '%s')", name, r->env->container);
	}
	return -1;
}

static int local_slot(const resolver *r, const char *name)
{
	for (int i = r->depth - 1; i >= 0; i--)
		if (!strcmp(r->names[i], name))
			return r->slots[i];
	return -1;
}

static int var_index(const kp_cel_env *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->names[i], name))
			return (int)i;
	return -1;
}

/* Resolve a (possibly qualified) name against the container:
 * "a.b" in container "x.y" tries x.y.a.b, x.a.b, a.b.  Leading '.': root. */
static int qualified_var(const kp_cel_env *env, const char *name, bool root)
{
	if (root)
		return var_index(env, name);
	char buf[1024];
	size_t cl = strlen(env->container);
	for (;;) {
		if (cl) {
			snprintf(buf, sizeof buf, "%.*s.%s", (int)cl, env->container, name);
			int i = var_index(env, buf);
			if (i >= 0)
				return i;
			while (cl > 0 && env->container[cl - 1] != '.')
				cl--;
			if (cl)
				cl--;
			continue;
		}
		return var_index(env, name);
	}
}

static const char *type_name(const char *name)
{
	for (int i = 0; type_names[i]; i++)
		if (!strcmp(type_names[i], name))
			return type_names[i];
	return NULL;
}

/* "a.b.c" for a chain of plain selects ending in an identifier. */
static char *chain(resolver *r, const cel_node *n, bool *root)
{
	if (n->kind == N_IDENT) {
		*root = n->flags & NF_ROOT;
		return (char *)n->name;
	}
	if (n->kind != N_SELECT || (n->flags & (NF_OPTIONAL | NF_TEST_ONLY)))
		return NULL;
	char *base = chain(r, n->args[0], root);
	return base ? kp_arena_printf(r->a, "%s.%s", base, n->name) : NULL;
}

/* Root identifier of a chain is a comprehension variable. */
static bool chain_is_local(const resolver *r, const cel_node *n)
{
	while (n->kind == N_SELECT)
		n = n->args[0];
	return n->kind == N_IDENT && !(n->flags & NF_ROOT) &&
	       local_slot(r, n->name) >= 0;
}

/* Try to turn a whole chain into a variable or type value. */
static bool resolve_chain(resolver *r, cel_node *n)
{
	bool root = false;
	if (chain_is_local(r, n) && n->kind != N_IDENT)
		return false;
	char *name = chain(r, n, &root);
	if (!name)
		return false;
	int i = qualified_var(r->env, name, root);
	if (i >= 0) {
		n->kind = N_VAR;
		n->slot = i;
		return true;
	}
	const char *t = type_name(name);
	if (t) {
		n->kind = N_LIT;
		n->lit = cel_type(strcmp(t, "dyn") ? t : "dyn");
		return true;
	}
	return false;
}

static int resolve(resolver *r, cel_node *n);

static int resolve_call(resolver *r, cel_node *n)
{
	bool member = n->flags & NF_MEMBER;
	if (member) {
		/* `math.greatest(...)`: a qualified global function name */
		bool root = false;
		cel_node *recv = n->args[0];
		char *q = chain_is_local(r, recv) ? NULL : chain(r, recv, &root);
		if (q && qualified_var(r->env, q, root) < 0) {
			char *full = kp_arena_printf(r->a, "%s.%s", q, n->name);
			if (cel_lookup_fn(full, false, n->nargs - 1) ||
			    cel_lookup_host_fn(r->env, full, false, n->nargs - 1)) {
				n->name = full;
				n->name_len = strlen(full);
				n->flags &= (uint8_t)~NF_MEMBER;
				n->args++;
				n->nargs--;
				member = false;
			}
		}
	}
	for (size_t i = 0; i < n->nargs; i++)
		if (resolve(r, n->args[i]))
			return -1;
	const char *name = n->name;
	if (name[0] == '.')
		name++;
	const cel_builtin *b = cel_lookup_fn(name, member, n->nargs);
	if (!b)
		b = cel_lookup_host_fn(r->env, name, member, n->nargs);
	if (b && member && r->env->orvalue_compat && !strcmp(name, "orValue"))
		b = cel_lookup_fn("__orValueCompat__", true, n->nargs);
	if (!b) {
		if (r->env->check)
			return undeclared(r, n, name);
		return 0;   /* a run-time error, as cel-go without the checker */
	}
	n->fn = b->fn;
	if (member && n->nargs == 2 && (!strcmp(name, "or") || !strcmp(name, "orValue")))
		n->flags |= NF_LAZY_OR;
	return 0;
}

static int push_var(resolver *r, const cel_node *n, const char *name)
{
	if (r->depth >= MAX_SCOPE)
		return fail(r, n, "comprehensions nested too deeply%s", "");
	r->names[r->depth] = name;
	r->slots[r->depth] = r->depth;
	int s = r->depth++;
	if (r->depth > r->max)
		r->max = r->depth;
	return s;
}

static int resolve(resolver *r, cel_node *n)
{
	switch (n->kind) {
	case N_LIT: case N_VAR: case N_LOCAL: case N_LAZY:
		return 0;
	case N_IDENT: {
		if (!(n->flags & NF_ROOT)) {
			int s = local_slot(r, n->name);
			if (s >= 0) {
				n->kind = N_LOCAL;
				n->slot = s;
				return 0;
			}
		}
		if (resolve_chain(r, n))
			return 0;
		if (r->env->check)
			return undeclared(r, n, n->name);
		return 0;
	}
	case N_SELECT:
		if (!(n->flags & (NF_TEST_ONLY | NF_OPTIONAL)) && n->args[0]->kind == N_IDENT &&
		    !(n->args[0]->flags & NF_ROOT) && !strcmp(n->args[0]->name, "variables") &&
		    local_slot(r, "variables") < 0) {
			for (size_t i = 0; i < r->env->nlazy; i++)
				if (!strcmp(r->env->lazy_names[i], n->name)) {
					n->kind = N_LAZY;
					n->slot = (int)i;
					return 0;
				}
			if (r->env->nlazy && var_index(r->env, "variables") < 0)
				return fail(r, n, "undefined field '%s'", n->name);
		}
		if (!(n->flags & NF_TEST_ONLY) && resolve_chain(r, n))
			return 0;
		return resolve(r, n->args[0]);
	case N_CALL:
		return resolve_call(r, n);
	case N_COMP: {
		if (resolve(r, n->args[0]))
			return -1;
		int saved = r->depth;
		n->s1 = push_var(r, n, n->v1);
		if (n->s1 < 0)
			return -1;
		if (n->v2) {
			n->s2 = push_var(r, n, n->v2);
			if (n->s2 < 0)
				return -1;
		}
		for (size_t i = 1; i < n->nargs; i++)
			if (resolve(r, n->args[i]))
				return -1;
		r->depth = saved;
		return 0;
	}
	case N_STRUCT:
		for (size_t i = 1; i < n->nargs; i += 2)
			if (resolve(r, n->args[i]))
				return -1;
		/* Kubernetes' mutation types (MutatingAdmissionPolicy,
		 * Kyverno MutatingPolicy) are untyped objects: built as maps */
		if (!strcmp(n->name, "Object") || !strncmp(n->name, "Object.", 7) ||
		    !strcmp(n->name, "JSONPatch"))
			return 0;
		return fail(r, n, "unsupported: message construction %s{...}", n->name);
	default:
		for (size_t i = 0; i < n->nargs; i++)
			if (resolve(r, n->args[i]))
				return -1;
		return 0;
	}
}

int cel_resolve(const kp_cel_env *env, kp_arena *a, cel_node *root,
		int *nlocals, kp_error *err)
{
	resolver r = {.env = env, .a = a, .err = err};
	int rc = resolve(&r, root);
	*nlocals = r.max;
	return rc;
}
