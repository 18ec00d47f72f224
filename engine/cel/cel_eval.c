/* cel/cel_eval.c - tree-walking evaluation of a resolved AST with CEL's
 * error-as-value rules (cel-go interpreter/interpretable.go): functions
 * are strict, && || ?: and the comprehension macros absorb errors as the
 * langdef says, lookups that fail give error values, never a crash. */
#include "cel/cel_int.h"

#include <stdlib.h>

#define MAX_EVAL_DEPTH 512

static bool valid_key(cel_val k)
{
	return k.kind == CEL_INT || k.kind == CEL_UINT || k.kind == CEL_BOOL ||
	       k.kind == CEL_STRING;
}

/* Select field `name` of `v` (a map); opt: optional result. */
static cel_val select_field(cel_ctx *c, cel_val v, const cel_node *n, bool opt)
{
	if (v.kind == CEL_MAP) {
		cel_val out;
		cel_val key = cel_str(n->name, n->name_len);
		if (cel_map_find(v, key, &out))
			return opt ? cel_optional(c, &out) : out;
		if (opt)
			return cel_optional(c, NULL);
		return cel_err(c, "no such key: %s", n->name);
	}
	/* cel-go refQualify: an explicit `.?f` (a presence-testing qualifier)
	 * on a value that is not a map is absent, e.g. on `metadata: null`;
	 * a plain `.f` chained after one is still an error (conformance
	 * optionals/map_null_entry_no_such_key) */
	cel_val out;
	bool set;
	if (v.kind == CEL_OPAQUE && cel_struct_field(v, n->name, n->name_len, &out, &set)) {
		if (opt && (n->flags & NF_OPTIONAL) && !set)
			return cel_optional(c, NULL);   /* `.?f` tests presence */
		return opt ? cel_optional(c, &out) : out;
	}
	if (opt && (n->flags & NF_OPTIONAL))
		return cel_optional(c, NULL);
	return cel_err(c, "type '%s' does not support field selection",
		       cel_type_name(v));
}

static cel_val eval_select(cel_ctx *c, const cel_node *n)
{
	cel_val v = cel_eval_node(c, n->args[0]);
	if (cel_is_err(v))
		return v;
	if (n->flags & NF_TEST_ONLY) {
		if (v.kind == CEL_OPTIONAL) {
			if (!v.u.opt)
				return cel_bool(false);
			v = *v.u.opt;
		}
		cel_val out;
		bool set;
		if (v.kind == CEL_MAP)
			return cel_bool(cel_map_find(v, cel_str(n->name, n->name_len), &out));
		if (v.kind == CEL_OPAQUE && cel_struct_field(v, n->name, n->name_len, &out, &set))
			return cel_bool(set);
		return cel_err(c, "invalid type for field selection.");
	}
	if (v.kind == CEL_OPTIONAL) {
		if (!v.u.opt)
			return v;
		return select_field(c, *v.u.opt, n, true);
	}
	return select_field(c, v, n, n->flags & NF_OPTIONAL);
}

static cel_val eval_logic(cel_ctx *c, const cel_node *n)
{
	bool is_and = n->kind == N_AND;
	cel_val l = cel_eval_node(c, n->args[0]);
	if (l.kind == CEL_BOOL && l.u.b != is_and)
		return l;
	cel_val r = cel_eval_node(c, n->args[1]);
	if (r.kind == CEL_BOOL && r.u.b != is_and)
		return r;
	if (l.kind == CEL_BOOL && r.kind == CEL_BOOL)
		return l;
	if (cel_is_err(l))
		return l;
	if (cel_is_err(r))
		return r;
	return cel_no_overload(c, is_and ? "_&&_" : "_||_");
}

__attribute__((noinline)) static cel_val eval_list(cel_ctx *c, const cel_node *n)
{
	cel_vec b = {0};
	if (n->nargs) {
		b.v = kp_arena_alloc(c->a, n->nargs * sizeof(cel_val));
		b.cap = n->nargs;
	}
	for (size_t i = 0; i < n->nargs; i++) {
		cel_val e = cel_eval_node(c, n->args[i]);
		if (cel_is_err(e))
			return e;
		if (n->opt && n->opt[i]) {
			if (e.kind != CEL_OPTIONAL)
				return cel_err(c, "no such overload: optional list element of type '%s'",
					       cel_type_name(e));
			if (!e.u.opt)
				continue;
			e = *e.u.opt;
		}
		b.v[b.n++] = e;
	}
	return cel_vec_list(c, &b);
}

__attribute__((noinline)) static cel_val eval_map(cel_ctx *c, const cel_node *n)
{
	size_t entries = n->nargs / 2;
	cel_val m = cel_map_new(c, entries);
	cel_map *mm = (cel_map *)m.u.m;
	for (size_t i = 0; i < entries; i++) {
		cel_val k = cel_eval_node(c, n->args[2 * i]);
		if (cel_is_err(k))
			return k;
		cel_val v = cel_eval_node(c, n->args[2 * i + 1]);
		if (cel_is_err(v))
			return v;
		if (!valid_key(k))
			return cel_err(c, "unsupported key type: %s", cel_type_name(k));
		if (n->opt && n->opt[i]) {
			if (v.kind != CEL_OPTIONAL)
				return cel_err(c, "no such overload: optional map entry of type '%s'",
					       cel_type_name(v));
			if (!v.u.opt)
				continue;
			v = *v.u.opt;
		}
		cel_val old;
		if (cel_map_find(m, k, &old))
			return cel_err(c, "Failed with repeated key");
		mm->keys[mm->n] = k;
		mm->vals[mm->n++] = v;
	}
	return m;
}

/* A composited variable: evaluated on first use with the same activation
 * and its own comprehension slots, then remembered (errors too). */
__attribute__((noinline)) static cel_val eval_lazy(cel_ctx *c, int i)
{
	const kp_cel_env *env = c->prog->env;
	cel_lazy *l = &c->lazy[i];
	if (l->state == 2)
		return l->v;
	if (l->state == 1)
		return cel_err(c, "variable %s refers to itself", env->lazy_names[i]);
	l->state = 1;
	const kp_cel_prog *p = env->lazy_progs[i];
	cel_ctx sub = *c;
	sub.prog = p;
	sub.locals = p->nlocals ? kp_arena_alloc(c->a, (size_t)p->nlocals * sizeof(cel_val)) : NULL;
	l->v = cel_eval_node(&sub, p->root);
	l->state = 2;
	return l->v;
}

/* Object{f: v, ?g: opt} / JSONPatch{...}: a map of the fields set. */
__attribute__((noinline)) static cel_val eval_struct(cel_ctx *c, const cel_node *n)
{
	size_t fields = n->nargs / 2;
	cel_val m = cel_map_new(c, fields);
	cel_map *mm = (cel_map *)m.u.m;
	for (size_t i = 0; i < fields; i++) {
		cel_val v = cel_eval_node(c, n->args[2 * i + 1]);
		if (cel_is_err(v))
			return v;
		if (n->opt && n->opt[i]) {
			if (v.kind != CEL_OPTIONAL)
				return cel_no_overload(c, "optional field");
			if (!v.u.opt)
				continue;
			v = *v.u.opt;
		}
		mm->keys[mm->n] = n->args[2 * i]->lit;
		mm->vals[mm->n++] = v;
	}
	return m;
}

/* Range of a comprehension: count and the i-th (v1, v2) pair. */
static bool range_ok(cel_val r)
{
	return r.kind == CEL_LIST || r.kind == CEL_MAP;
}

static void range_at(cel_ctx *c, const cel_node *n, cel_val r, size_t i)
{
	if (r.kind == CEL_LIST) {
		if (n->v2) {
			c->locals[n->s1] = cel_int((int64_t)i);
			c->locals[n->s2] = cel_list_at(r, i);
		} else
			c->locals[n->s1] = cel_list_at(r, i);
	} else {
		c->locals[n->s1] = cel_map_key_at(r, i);
		if (n->v2)
			c->locals[n->s2] = cel_map_val_at(r, i);
	}
}

static size_t range_len(cel_val r)
{
	return r.kind == CEL_LIST ? cel_list_len(r) : cel_map_len(r);
}

static cel_val not_bool(cel_ctx *c, cel_val v)
{
	return cel_is_err(v) ? v : cel_no_overload(c, "_?_:_");
}



__attribute__((noinline)) static cel_val eval_comp(cel_ctx *c, const cel_node *n)
{
	cel_comp_kind k = (cel_comp_kind)n->comp;
	if (k == COMP_BIND) {
		cel_val init = cel_eval_node(c, n->args[0]);
		c->locals[n->s1] = init;
		return cel_eval_node(c, n->args[1]);
	}
	cel_val r = cel_eval_node(c, n->args[0]);
	if (cel_is_err(r))
		return r;
	if (k == COMP_OPT_MAP || k == COMP_OPT_FLAT_MAP) {
		if (r.kind != CEL_OPTIONAL)
			return cel_no_overload(c, k == COMP_OPT_MAP ? "optMap" : "optFlatMap");
		if (!r.u.opt)
			return r;
		c->locals[n->s1] = *r.u.opt;
		cel_val t = cel_eval_node(c, n->args[1]);
		if (cel_is_err(t) || k == COMP_OPT_FLAT_MAP) {
			if (!cel_is_err(t) && t.kind != CEL_OPTIONAL)
				return cel_no_overload(c, "optFlatMap");
			return t;
		}
		return cel_optional(c, &t);
	}
	if (!range_ok(r))
		return cel_err(c, "expression of type '%s' cannot be range of a comprehension (must be list, map, or dynamic)",
			       cel_type_name(r));
	size_t len = range_len(r);
	cel_vec out = {0};
	cel_val err = {.kind = CEL_NULL};
	bool have_err = false;
	int64_t count = 0;
	cel_val m = {.kind = CEL_NULL};
	if (k == COMP_TRANSFORM_MAP || k == COMP_TRANSFORM_MAP_FILTER ||
	    k == COMP_TRANSFORM_MAP_ENTRY || k == COMP_TRANSFORM_MAP_ENTRY_FILTER)
		m = cel_map_new(c, len);
	for (size_t i = 0; i < len; i++) {
		if (++c->steps > CEL_MAX_STEPS)
			return cel_err(c, "operation cancelled: actual cost limit exceeded");
		range_at(c, n, r, i);
		cel_val p = cel_eval_node(c, n->args[1]);
		switch (k) {
		case COMP_ALL: case COMP_EXISTS: {
			bool decide = k == COMP_EXISTS;
			if (p.kind == CEL_BOOL) {
				if (p.u.b == decide)
					return p;
			} else if (!have_err) {
				err = cel_is_err(p) ? p : cel_no_overload(c, decide ? "_||_" : "_&&_");
				have_err = true;
			}
			break;
		}
		case COMP_EXISTS_ONE:
			if (p.kind != CEL_BOOL)
				return not_bool(c, p);
			count += p.u.b;
			break;
		case COMP_MAP: case COMP_TRANSFORM_LIST:
			if (cel_is_err(p))
				return p;
			cel_vec_push(c, &out, p);
			break;
		case COMP_FILTER:
			if (p.kind != CEL_BOOL)
				return not_bool(c, p);
			if (p.u.b)
				cel_vec_push(c, &out, c->locals[n->v2 ? n->s2 : n->s1]);
			break;
		case COMP_MAP_FILTER: case COMP_TRANSFORM_LIST_FILTER: {
			if (p.kind != CEL_BOOL)
				return not_bool(c, p);
			if (!p.u.b)
				break;
			cel_val t = cel_eval_node(c, n->args[2]);
			if (cel_is_err(t))
				return t;
			cel_vec_push(c, &out, t);
			break;
		}
		case COMP_TRANSFORM_MAP: case COMP_TRANSFORM_MAP_FILTER:
		case COMP_TRANSFORM_MAP_ENTRY: case COMP_TRANSFORM_MAP_ENTRY_FILTER: {
			bool filt = k == COMP_TRANSFORM_MAP_FILTER ||
				    k == COMP_TRANSFORM_MAP_ENTRY_FILTER;
			cel_val t = p;
			if (filt) {
				if (p.kind != CEL_BOOL)
					return not_bool(c, p);
				if (!p.u.b)
					break;
				t = cel_eval_node(c, n->args[2]);
			}
			if (cel_is_err(t))
				return t;
			cel_map *mm = (cel_map *)m.u.m;
			if (k == COMP_TRANSFORM_MAP || k == COMP_TRANSFORM_MAP_FILTER) {
				mm->keys[mm->n] = c->locals[n->s1];
				mm->vals[mm->n++] = t;
				break;
			}
			if (t.kind != CEL_MAP)
				return cel_no_overload(c, "transformMapEntry");
			for (size_t e = 0; e < cel_map_len(t); e++) {
				cel_val ek = cel_map_key_at(t, e), old;
				if (cel_map_find(m, ek, &old))
					return cel_err(c, "insert failed: key %s already exists",
						       cel_val_repr(c->a, ek));
				if (mm->n == len) {
					/* entries may add more than one key each */
					cel_val bigger = cel_map_new(c, 2 * len + cel_map_len(t));
					cel_map *bm = (cel_map *)bigger.u.m;
					memcpy(bm->keys, mm->keys, mm->n * sizeof(cel_val));
					memcpy(bm->vals, mm->vals, mm->n * sizeof(cel_val));
					bm->n = mm->n;
					len = 2 * len + cel_map_len(t);
					m = bigger;
					mm = bm;
				}
				mm->keys[mm->n] = ek;
				mm->vals[mm->n++] = cel_map_val_at(t, e);
			}
			break;
		}
		case COMP_SORT_BY:
			if (cel_is_err(p))
				return p;
			cel_vec_push(c, &out, p);
			break;
		default:
			return cel_err(c, "internal: bad comprehension");
		}
	}
	switch (k) {
	case COMP_ALL: case COMP_EXISTS:
		return have_err ? err : cel_bool(k == COMP_ALL);
	case COMP_EXISTS_ONE:
		return cel_bool(count == 1);
	case COMP_SORT_BY:
		return cel_sort_by(c, r, cel_vec_list(c, &out));
	case COMP_TRANSFORM_MAP: case COMP_TRANSFORM_MAP_FILTER:
	case COMP_TRANSFORM_MAP_ENTRY: case COMP_TRANSFORM_MAP_ENTRY_FILTER:
		return m;
	default:
		return cel_vec_list(c, &out);
	}
}

static cel_val eval_call(cel_ctx *c, const cel_node *n)
{
	if (!n->fn)
		return cel_err(c, "no matching overload for '%s'", n->name);
	cel_val stack[8];
	cel_val *args = n->nargs <= 8 ? stack
			: kp_arena_alloc(c->a, n->nargs * sizeof(cel_val));
	if (n->flags & NF_LAZY_OR) {
		/* o.or(p) / o.orValue(v): the argument only when o is none */
		cel_val o = cel_eval_node(c, n->args[0]);
		if (cel_is_err(o))
			return o;
		if (o.kind == CEL_OPTIONAL && o.u.opt)
			return n->name[2] == 0 ? o : *o.u.opt;
		args[0] = o;
		args[1] = cel_eval_node(c, n->args[1]);
		if (cel_is_err(args[1]))
			return args[1];
		return n->fn(c, args, 2);
	}
	for (size_t i = 0; i < n->nargs; i++) {
		args[i] = cel_eval_node(c, n->args[i]);
		if (cel_is_err(args[i]))
			return args[i];
	}
	return n->fn(c, args, n->nargs);
}

cel_val cel_eval_node(cel_ctx *c, const cel_node *n)
{
	if (++c->depth > MAX_EVAL_DEPTH) {
		c->depth--;
		return cel_err(c, "evaluation nesting too deep");
	}
	cel_val v;
	switch (n->kind) {
	case N_LIT: v = n->lit; break;
	case N_VAR: v = c->vars[n->slot]; break;
	case N_LAZY: v = eval_lazy(c, n->slot); break;
	case N_LOCAL: v = c->locals[n->slot]; break;
	case N_IDENT:
		v = cel_err(c, "no such attribute: %s", n->name);
		break;
	case N_SELECT: v = eval_select(c, n); break;
	case N_CALL: v = eval_call(c, n); break;
	case N_AND: case N_OR: v = eval_logic(c, n); break;
	case N_COND: {
		cel_val cond = cel_eval_node(c, n->args[0]);
		if (cond.kind == CEL_BOOL)
			v = cel_eval_node(c, n->args[cond.u.b ? 1 : 2]);
		else
			v = not_bool(c, cond);
		break;
	}
	case N_LIST: v = eval_list(c, n); break;
	case N_MAP: v = eval_map(c, n); break;
	case N_COMP: v = eval_comp(c, n); break;
	case N_STRUCT: v = eval_struct(c, n); break;
	default:
		v = cel_err(c, "unsupported: message construction %s{...}", n->name);
		break;
	}
	c->depth--;
	return v;
}
