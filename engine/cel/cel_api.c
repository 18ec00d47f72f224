/* cel/cel_api.c - environments, compilation, evaluation entry points and
 * the builtin function lookup. */
#include "cel/cel_int.h"
#include "cel/cel_api_int.h"
#include "regex/regex.h"

#include <stdio.h>

static const cel_builtin *const tables[] = {
	cel_std_ops, cel_std_conv, cel_std_time, cel_std_string, cel_std_list,
	cel_std_math, cel_std_optional, cel_std_misc, cel_std_format, cel_std_regex, cel_lib_quantity, cel_lib_ip,
	cel_lib_semver, cel_lib_url, cel_lib_format,
	cel_lib_kyverno_image, cel_lib_kyverno_user, cel_lib_kyverno_hash,
	cel_lib_kyverno_math, cel_lib_kyverno_time, cel_lib_kyverno_transform,
	cel_lib_kyverno_gzip, cel_lib_kyverno_json, cel_lib_kyverno_x509,
	cel_lib_kyverno_random, NULL
};

const cel_builtin *cel_lookup_fn(const char *name, bool member, size_t nargs)
{
	return cel_lookup_fn_in(name, member, nargs, false);
}

const cel_builtin *cel_lookup_fn_in(const char *name, bool member, size_t nargs,
				    bool kyverno)
{
	for (int t = 0; tables[t]; t++)
		for (const cel_builtin *b = tables[t]; b->name; b++) {
			if (strcmp(b->name, name))
				continue;
			if (!(b->style & (member ? 2 : 1)))
				continue;
			if ((b->style & CEL_FN_KYVERNO) && !kyverno)
				continue;
			if ((int)nargs < b->min || (int)nargs > b->max)
				continue;
			return b;
		}
	return NULL;
}

kp_cel_env *kp_cel_env_new(kp_arena *a)
{
	kp_cel_env *e = kp_arena_alloc(a, sizeof *e);
	e->a = a;
	e->check = true;
	return e;
}

int kp_cel_env_declare(kp_cel_env *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->names[i], name))
			return (int)i;
	if (env->n == env->cap) {
		size_t nc = env->cap ? env->cap * 2 : 8;
		const char **nn = kp_arena_alloc(env->a, nc * sizeof *nn);
		if (env->n)
			memcpy(nn, env->names, env->n * sizeof *nn);
		env->names = nn;
		env->cap = nc;
	}
	env->names[env->n] = kp_arena_strdup(env->a, name);
	return (int)env->n++;
}

int kp_cel_env_variable(kp_cel_env *env, const char *name, const kp_cel_prog *prog)
{
	if (prog->env != env)
		return -1;
	if (env->nlazy == env->lazy_cap) {
		size_t nc = env->lazy_cap ? env->lazy_cap * 2 : 8;
		const char **nn = kp_arena_alloc(env->a, nc * sizeof *nn);
		const kp_cel_prog **np = kp_arena_alloc(env->a, nc * sizeof *np);
		if (env->nlazy) {
			memcpy(nn, env->lazy_names, env->nlazy * sizeof *nn);
			memcpy(np, env->lazy_progs, env->nlazy * sizeof *np);
		}
		env->lazy_names = nn;
		env->lazy_progs = np;
		env->lazy_cap = nc;
	}
	env->lazy_names[env->nlazy] = kp_arena_strdup(env->a, name);
	env->lazy_progs[env->nlazy] = prog;
	return (int)env->nlazy++;
}

void kp_cel_env_container(kp_cel_env *env, const char *container)
{
	snprintf(env->container, sizeof env->container, "%s", container ? container : "");
}

void kp_cel_env_numbers_as_double(kp_cel_env *env, bool on) { env->dfloat = on; }
void kp_cel_env_check(kp_cel_env *env, bool on) { env->check = on; }
void kp_cel_env_homogeneous_literals(kp_cel_env *env, bool on) { env->mixed_literals = !on; }
void kp_cel_env_orvalue_compat(kp_cel_env *env, bool on) { env->orvalue_compat = on; }
void kp_cel_env_kyverno_libs(kp_cel_env *env, bool on) { env->kyverno_libs = on; }

const char *kp_cel_prog_type(const kp_cel_prog *p) { return p->type; }

static uint64_t var_bit(size_t index)
{
	return (uint64_t)1 << (index < 63 ? index : 63);
}

bool kp_cel_prog_uses(const kp_cel_prog *p, size_t index)
{
	return p->uses & var_bit(index);
}

/* The variables a resolved tree reads (kp_cel_prog.uses). */
static uint64_t tree_uses(const kp_cel_env *env, const cel_node *n)
{
	if (!n)
		return 0;
	if (n->kind == N_VAR)
		return var_bit((size_t)n->slot);
	if (n->kind == N_LAZY)
		return env->lazy_progs[n->slot]->uses;
	uint64_t u = 0;
	for (size_t i = 0; i < n->nargs; i++)
		u |= tree_uses(env, n->args[i]);
	return u;
}

/* Resolution errors carry a byte offset in col; make it line:col. */
static void fix_position(const char *src, size_t len, kp_error *err)
{
	if (!err || err->line)
		return;
	size_t off = err->col ? err->col - 1 : 0;
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (src[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80)
			col++;
	}
	err->line = line;
	err->col = col;
}

/* A compile error: KP_E_EXPR with the expression's line and column
 * (KP_E_UNSUPPORTED for a feature kpolicy lacks). */
static void finish_error(const char *src, size_t len, kp_error *err)
{
	if (!err)
		return;
	fix_position(src, len, err);
	bool unsupported = !strncmp(err->msg, "unsupported: ", 13);
	err->code = unsupported ? KP_E_UNSUPPORTED : KP_E_EXPR;
	if (unsupported)
		snprintf(err->feature, sizeof err->feature, "%s",
			 strncmp(err->msg + 13, "message construction", 20) ? err->msg + 13
									    : "cel.message-construction");
	size_t start = 0, line = 1;
	for (size_t i = 0; i < len && line < err->line; i++)
		if (src[i] == '\n') {
			line++;
			start = i + 1;
		}
	size_t end = start;
	while (end < len && src[end] != '\n')
		end++;
	snprintf(err->expr_line, sizeof err->expr_line, "%.*s", (int)(end - start), src + start);
	err->expr_col = err->col;
}

kp_cel_prog *cel_compile_opts(const kp_cel_env *env, const char *expr,
			      size_t len, kp_arena *a, bool macros,
			      kp_error *err)
{
	cel_node *root = cel_parse(a, expr, len, macros, err);
	if (!root) {
		finish_error(expr, len, err);
		return NULL;
	}
	kp_cel_prog *p = kp_arena_alloc(a, sizeof *p);
	p->env = env;
	p->root = root;
	p->src = expr;
	p->len = len;
	if (cel_resolve(env, a, root, &p->nlocals, err)) {
		finish_error(expr, len, err);
		return NULL;
	}
	p->uses = tree_uses(env, root);
	if (cel_regex_precompile(p, a, err)) {
		finish_error(expr, len, err);
		return NULL;
	}
	p->type = "dyn";
	if (env->check) {
		const cel_ty *t = cel_check(env, a, root, !env->mixed_literals, err);
		if (!t) {
			finish_error(expr, len, err);
			kp_cel_prog_free(p);   /* its literal regexes */
			return NULL;
		}
		p->type = cel_ty_name(a, t);
		p->sty = t;
	}
	return p;
}

kp_cel_prog *kp_cel_compile(const kp_cel_env *env, const char *expr,
			    size_t len, kp_arena *a, kp_error *err)
{
	return cel_compile_opts(env, expr, len, a, true, err);
}

void kp_cel_prog_free(kp_cel_prog *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrx; i++)
		kp_regex_free(p->rx[i].re);
	p->nrx = 0;
}

kp_cel_memo *kp_cel_memo_new(const kp_cel_env *env, kp_arena *scratch)
{
	kp_cel_memo *m = kp_arena_alloc(scratch, sizeof *m);
	m->env = env;
	m->lazy = NULL;
	if (env->nlazy)
		m->lazy = kp_arena_alloc(scratch, env->nlazy * sizeof(cel_lazy));   /* zeroed */
	return m;
}

static cel_val eval_memo(const kp_cel_prog *p, const cel_val *vars, const kp_cel_host *host,
			 kp_cel_memo *memo, kp_arena *scratch)
{
	cel_ctx c = {.a = scratch, .vars = vars, .prog = p, .host = host};
	if (memo && memo->env == p->env)
		c.lazy = memo->lazy;
	else if (p->env->nlazy)
		c.lazy = kp_arena_alloc(scratch, p->env->nlazy * sizeof(cel_lazy));
	c.locals = p->nlocals ? kp_arena_alloc(scratch, (size_t)p->nlocals * sizeof(cel_val)) : NULL;
	return cel_eval_node(&c, p->root);
}

cel_val cel_eval_vals(const kp_cel_prog *p, const cel_val *vars, kp_arena *scratch)
{
	return eval_memo(p, vars, NULL, NULL, scratch);
}

cel_val cel_eval_vals_host(const kp_cel_prog *p, const cel_val *vars,
			   const kp_cel_host *host, kp_arena *scratch)
{
	return eval_memo(p, vars, host, NULL, scratch);
}

/* The file name of nodes made from CEL values. */
#define CEL_FILE "<cel>"

/* CEL value to a document tree (copies only what is not a document). */
static kp_value *to_doc(kp_arena *a, cel_val v)
{
	if ((v.kind == CEL_LIST || v.kind == CEL_MAP) && v.doc)
		return (kp_value *)v.u.dv;
	cel_ctx c = {.a = a};
	kp_value *d;
	switch (v.kind) {
	case CEL_NULL: return kp_value_new(a, KP_NULL, CEL_FILE, 0, 0);
	case CEL_BOOL:
		d = kp_value_new(a, KP_BOOL, CEL_FILE, 0, 0);
		d->u.b = v.u.b;
		return d;
	case CEL_INT: case CEL_UINT:
		d = kp_value_new(a, KP_INT, CEL_FILE, 0, 0);
		d->u.i = v.u.i;
		return d;
	case CEL_DOUBLE:
		d = kp_value_new(a, KP_FLOAT, CEL_FILE, 0, 0);
		d->u.f = v.u.d;
		return d;
	case CEL_LIST:
		d = kp_value_new(a, KP_SEQ, CEL_FILE, 0, 0);
		for (size_t i = 0; i < cel_list_len(v); i++)
			kp_seq_push(a, d, to_doc(a, cel_list_at(v, i)));
		return d;
	case CEL_MAP:
		d = kp_value_new(a, KP_MAP, CEL_FILE, 0, 0);
		for (size_t i = 0; i < cel_map_len(v); i++) {
			cel_val k = cel_to_string(&c, cel_map_key_at(v, i));
			char *ks = kp_arena_strndup(a, k.u.s.p, k.u.s.n);
			kp_map_set(a, d, ks, to_doc(a, cel_map_val_at(v, i)));
		}
		return d;
	case CEL_OPTIONAL:
		return v.u.opt ? to_doc(a, *v.u.opt) : kp_value_new(a, KP_NULL, CEL_FILE, 0, 0);
	default: {
		cel_val s = cel_to_string(&c, v);
		if (s.kind != CEL_STRING)
			s = cel_str("", 0);
		return kp_value_new_str(a, s.u.s.p, s.u.s.n, CEL_FILE, 0, 0);
	}
	}
}

/* Bind the activation and evaluate; the result may be an error value. */
static cel_val eval_act(const kp_cel_prog *prog, const kp_cel_activation *act,
			kp_arena *scratch)
{
	const kp_cel_env *env = prog->env;
	cel_val *vars = env->n ? kp_arena_alloc(scratch, env->n * sizeof(cel_val)) : NULL;
	for (size_t i = 0; i < env->n; i++) {
		if (!kp_cel_prog_uses(prog, i)) {
			vars[i] = cel_null();   /* never read */
			continue;
		}
		const kp_value *v = act && i < act->n ? act->vals[i] : NULL;
		if (v) {
			vars[i] = cel_from_doc(v, env->dfloat);
		} else {
			const char *m = kp_arena_printf(scratch, "no such attribute: %s", env->names[i]);
			vars[i] = cel_strn(CEL_ERROR, m, strlen(m));
		}
	}
	return eval_memo(prog, vars, act ? act->host : NULL, act ? act->memo : NULL, scratch);
}

/* An evaluation error; "unsupported: F" (a Kyverno host library call
 * kpolicy cannot serve offline) is KP_E_UNSUPPORTED with feature F. */
static int eval_error(kp_error *err, cel_val r)
{
	kp_errorf(err, KP_E_POLICY, NULL, 0, 0, "%.*s", (int)r.u.s.n, r.u.s.p);
	if (err && r.u.s.n > 13 && !memcmp(r.u.s.p, "unsupported: ", 13)) {
		err->code = KP_E_UNSUPPORTED;
		snprintf(err->feature, sizeof err->feature, "%.*s", (int)(r.u.s.n - 13), r.u.s.p + 13);
	}
	return -1;
}

int kp_cel_eval(const kp_cel_prog *prog, const kp_cel_activation *act,
		kp_arena *scratch, kp_cel_result *out, kp_error *err)
{
	cel_val r = eval_act(prog, act, scratch);
	if (r.kind == CEL_ERROR)
		return eval_error(err, r);
	out->value = to_doc(scratch, r);
	out->type = cel_type_name(r);
	out->repr = cel_val_repr(scratch, r);
	return 0;
}

int kp_cel_eval_bool(const kp_cel_prog *prog, const kp_cel_activation *act,
		     kp_arena *scratch, bool *out, kp_error *err)
{
	cel_val r = eval_act(prog, act, scratch);
	if (r.kind == CEL_ERROR)
		return eval_error(err, r);
	if (r.kind != CEL_BOOL)
		return kp_errorf(err, KP_E_POLICY, NULL, 0, 0,
				 "expression must evaluate to bool but got %s", cel_type_name(r));
	*out = r.u.b;
	return 0;
}

int kp_cel_eval_once(const char *expr, size_t len, const char *const *names,
		     const kp_value *const *vals, size_t n, bool numbers_as_double,
		     kp_arena *a, kp_cel_result *out, kp_error *err)
{
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_numbers_as_double(env, numbers_as_double);
	kp_cel_env_orvalue_compat(env, true);
	kp_cel_env_kyverno_libs(env, true);
	const kp_value **bound = kp_arena_alloc(a, (n + 1) * sizeof *bound);
	for (size_t i = 0; i < n; i++)
		bound[kp_cel_env_declare(env, names[i])] = vals[i];
	kp_cel_prog *p = kp_cel_compile(env, expr, len, a, err);
	if (!p)
		return -1;
	kp_cel_activation act = {bound, env->n, NULL, NULL};
	int rc = kp_cel_eval(p, &act, a, out, err);
	kp_cel_prog_free(p);
	return rc;
}
