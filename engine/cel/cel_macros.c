/* cel/cel_macros.c - macro expansion at parse time (cel-go parser/macro.go,
 * ext/comprehensions.go, ext/bindings.go, optional library).  A macro call
 * becomes an N_COMP node: args[0] the range (or init / optional), args[1]
 * and args[2] the bodies, v1/v2 the variable names. */
#include "cel/cel_int.h"

#include <stdio.h>

typedef struct macro {
	const char *name;
	bool member;
	size_t nargs;        /* excluding the receiver */
	int vars;            /* leading simple-name arguments */
	cel_comp_kind kind;
} macro;

static const macro macros[] = {
	{"all", true, 2, 1, COMP_ALL},
	{"exists", true, 2, 1, COMP_EXISTS},
	{"exists_one", true, 2, 1, COMP_EXISTS_ONE},
	{"map", true, 2, 1, COMP_MAP},
	{"map", true, 3, 1, COMP_MAP_FILTER},
	{"filter", true, 2, 1, COMP_FILTER},
	{"all", true, 3, 2, COMP_ALL},
	{"exists", true, 3, 2, COMP_EXISTS},
	{"existsOne", true, 3, 2, COMP_EXISTS_ONE},
	{"exists_one", true, 3, 2, COMP_EXISTS_ONE},
	{"transformList", true, 3, 2, COMP_TRANSFORM_LIST},
	{"transformList", true, 4, 2, COMP_TRANSFORM_LIST_FILTER},
	{"transformMap", true, 3, 2, COMP_TRANSFORM_MAP},
	{"transformMap", true, 4, 2, COMP_TRANSFORM_MAP_FILTER},
	{"transformMapEntry", true, 3, 2, COMP_TRANSFORM_MAP_ENTRY},
	{"transformMapEntry", true, 4, 2, COMP_TRANSFORM_MAP_ENTRY_FILTER},
	{"optMap", true, 2, 1, COMP_OPT_MAP},
	{"optFlatMap", true, 2, 1, COMP_OPT_FLAT_MAP},
	{"sortBy", true, 2, 1, COMP_SORT_BY},
	{NULL, false, 0, 0, 0}
};

static cel_node *macro_error(kp_error *err, const cel_node *at, const char *msg)
{
	/* the column is filled in by cel_parse's caller from pos; keep the
	 * byte offset in err->col for now (fixed by the parser) */
	kp_errorf(err, KP_E_POLICY, NULL, 0, at->pos + 1, "%s", msg);
	return NULL;
}

static bool simple_name(const cel_node *n)
{
	return n->kind == N_IDENT && !(n->flags & NF_ROOT);
}

static bool int_lit(const cel_node *n)
{
	return n->kind == N_LIT && n->lit.kind == CEL_INT && n->lit.u.i >= 0;
}

/* cel-go's block extension (an optimizer's output, outside Kyverno's
 * environment): cel.index(N), cel.iterVar(I, J) and cel.accuVar(I, J)
 * name variables; cel.block([e0, e1, ...], body) binds @index0 = e0, ...
 * in order around body. */
static cel_node *cel_block_macro(kp_arena *a, cel_node *c, cel_node **args,
				 size_t nargs, kp_error *err)
{
	const char *f = c->name;
	if (!strcmp(f, "index") && nargs == 1 && int_lit(args[0])) {
		cel_node *id = cel_node_new(a, N_IDENT, c->pos);
		id->name = kp_arena_printf(a, "@index%lld", (long long)args[0]->lit.u.i);
		id->name_len = strlen(id->name);
		return id;
	}
	if ((!strcmp(f, "iterVar") || !strcmp(f, "accuVar")) && nargs == 2 &&
	    int_lit(args[0]) && int_lit(args[1])) {
		cel_node *id = cel_node_new(a, N_IDENT, c->pos);
		id->name = kp_arena_printf(a, "@%s:%lld:%lld", f[0] == 'i' ? "it" : "ac",
					   (long long)args[0]->lit.u.i, (long long)args[1]->lit.u.i);
		id->name_len = strlen(id->name);
		return id;
	}
	if (!strcmp(f, "block") && nargs == 2) {
		if (args[0]->kind != N_LIST)
			return macro_error(err, args[0], "cel.block requires the list of bindings as its first argument");
		cel_node *body = args[1];
		for (size_t i = args[0]->nargs; i-- > 0;) {
			cel_node *b = cel_node_new(a, N_COMP, c->pos);
			b->comp = COMP_BIND;
			b->v1 = kp_arena_printf(a, "@index%zu", i);
			b->args = kp_arena_alloc(a, 2 * sizeof(cel_node *));
			b->args[0] = args[0]->args[i];
			b->args[1] = body;
			b->nargs = 2;
			body = b;
		}
		return body;
	}
	return c;
}

cel_node *cel_expand_macro(kp_arena *a, cel_node *c, kp_error *err)
{
	bool member = c->flags & NF_MEMBER;
	size_t nargs = c->nargs - (member ? 1 : 0);
	cel_node **args = c->args ? c->args + (member ? 1 : 0) : NULL;  /* f(): none */
	if (!member && c->nargs == 1 && !strcmp(c->name, "has")) {
		cel_node *s = args[0];
		if (s->kind != N_SELECT || (s->flags & NF_OPTIONAL))
			return macro_error(err, s, "invalid argument to has() macro");
		s->flags |= NF_TEST_ONLY;
		return s;
	}
	if (member && nargs == 3 && !strcmp(c->name, "bind") &&
	    c->args[0]->kind == N_IDENT && !strcmp(c->args[0]->name, "cel") &&
	    !(c->args[0]->flags & NF_ROOT)) {
		if (!simple_name(args[0]))
			return macro_error(err, args[0], "cel.bind() variable name must be a simple identifier");
		cel_node *n = cel_node_new(a, N_COMP, c->pos);
		n->comp = COMP_BIND;
		n->v1 = args[0]->name;
		n->args = kp_arena_alloc(a, 2 * sizeof(cel_node *));
		n->args[0] = args[1];
		n->args[1] = args[2];
		n->nargs = 2;
		return n;
	}
	if (member && c->args[0]->kind == N_IDENT && !strcmp(c->args[0]->name, "cel") &&
	    !(c->args[0]->flags & NF_ROOT)) {
		cel_node *n = cel_block_macro(a, c, args, nargs, err);
		if (n != c)
			return n;
	}
	if (!member)
		return c;
	for (const macro *m = macros; m->name; m++) {
		if (m->nargs != nargs || strcmp(m->name, c->name))
			continue;
		for (int v = 0; v < m->vars; v++)
			if (!simple_name(args[v]))
				return macro_error(err, args[v], "argument must be a simple name");
		if (m->vars == 2 && !strcmp(args[0]->name, args[1]->name))
			return macro_error(err, args[1], kp_arena_printf(a,
				"duplicate variable name: %s", args[0]->name));
		cel_node *n = cel_node_new(a, N_COMP, c->pos);
		n->comp = (uint8_t)m->kind;
		n->v1 = args[0]->name;
		n->v2 = m->vars == 2 ? args[1]->name : NULL;
		size_t bodies = nargs - (size_t)m->vars;
		n->nargs = 1 + bodies;
		n->args = kp_arena_alloc(a, n->nargs * sizeof(cel_node *));
		n->args[0] = c->args[0];
		for (size_t b = 0; b < bodies; b++)
			n->args[1 + b] = args[m->vars + (int)b];
		return n;
	}
	return c;
}
