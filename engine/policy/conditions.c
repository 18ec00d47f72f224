/* conditions.c - preconditions and deny conditions: the plain-list and
 * {any, all} shapes, per-condition substitution, Kyverno's evaluation
 * order and the messages it keeps (../shared/docs/kyverno-rules.md §1-2,
 * kyverno-jmespath.md §4). */
#include "policy/policy.h"

#include <string.h>

typedef struct kp_condition {
	kp_cond_op op;
	const char *op_name;
	const kp_value *key, *value;       /* as written */
	kp_ttree *key_t, *value_t;         /* with variables, else NULL */
	const char *message;               /* `message:`, not substituted */
} kp_condition;

struct kp_conds {
	bool list;                         /* the plain-list shape */
	kp_condition *any, *all;
	size_t n_any, n_all;
	bool has_any;                      /* `any` given (an empty one is false) */
};

static int compile_cond(kp_arena *a, const kp_value *c, const char *path, kp_condition *out,
			kp_error *err, kp_error *diag)
{
	if (kp_value_type(c) != KP_MAP)
		return kp_error_at(err, KP_E_POLICY, c, path, "a condition must be a mapping");
	const kp_value *op = kp_value_get(c, "operator");
	out->op_name = kp_value_type(op) == KP_STRING ? op->u.s.ptr : "";
	out->op = kp_cond_op_parse(out->op_name);
	out->key = kp_value_get(c, "key");
	out->value = kp_value_get(c, "value");
	out->key_t = kp_ttree_compile(a, out->key, "", diag);
	out->value_t = kp_ttree_compile(a, out->value, "", diag);
	const kp_value *m = kp_value_get(c, "message");
	out->message = kp_value_type(m) == KP_STRING ? m->u.s.ptr : NULL;
	return 0;
}

static int compile_list(kp_arena *a, const kp_value *l, const char *path, kp_condition **out,
			size_t *n, kp_error *err, kp_error *diag)
{
	*n = kp_value_len(l);
	*out = kp_arena_alloc(a, (*n + 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		char *sub = kp_arena_printf(a, "%s/%zu", path, i);
		if (compile_cond(a, l->u.seq.items[i], sub, &(*out)[i], err, diag) < 0)
			return -1;
	}
	return 0;
}

kp_conds *kp_conds_compile(kp_arena *a, const kp_value *v, const char *path, bool allow_list,
			   kp_error *err, kp_error *diag)
{
	kp_conds *c = kp_arena_alloc(a, sizeof *c);
	if (kp_value_type(v) == KP_NULL)
		return c;                  /* no conditions: true */
	if (kp_value_type(v) == KP_SEQ && allow_list) {
		c->list = true;
		return compile_list(a, v, path, &c->all, &c->n_all, err, diag) < 0 ? NULL : c;
	}
	if (kp_value_type(v) != KP_MAP) {
		kp_error_at(err, KP_E_POLICY, v, path, "conditions must be a list or {any, all}");
		return NULL;
	}
	const kp_value *any = kp_value_get(v, "any"), *all = kp_value_get(v, "all");
	c->has_any = kp_value_type(any) == KP_SEQ;
	if ((kp_value_type(any) != KP_NULL && !c->has_any) ||
	    (kp_value_type(all) != KP_NULL && kp_value_type(all) != KP_SEQ)) {
		kp_error_at(err, KP_E_POLICY, v, path, "any and all must be lists of conditions");
		return NULL;
	}
	char *pa = kp_arena_printf(a, "%s/any", path), *pl = kp_arena_printf(a, "%s/all", path);
	if (compile_list(a, any, pa, &c->any, &c->n_any, err, diag) < 0 ||
	    compile_list(a, all, pl, &c->all, &c->n_all, err, diag) < 0)
		return NULL;
	return c;
}

/* msg = prefix + the first 960 bytes of text (snprintf "%s%.960s" into a
 * kp_error's msg, without printf: conditions fail per resource). */
static void prefixed(kp_error *err, const char *prefix, const char *text)
{
	size_t pl = strlen(prefix), tl = strnlen(text, 960);
	if (pl + tl > sizeof err->msg - 1)
		tl = sizeof err->msg - 1 - pl;
	memmove(err->msg + pl, text, tl);
	memcpy(err->msg, prefix, pl);
	err->msg[pl + tl] = 0;
}

/* One condition: 1 true, 0 false, -1 error (err: Kyverno's text without
 * the caller's prefix). */
static int eval_cond(const kp_condition *c, const kp_vars *vs, kp_error *err)
{
	const kp_value *key = c->key, *value = c->value;
	if (c->key_t) {
		kp_error e;
		if (kp_ttree_eval(c->key_t, vs, &key, &e) < 0) {
			*err = e;
			prefixed(err, "failed to substitute variables in condition key: ", e.msg);
			return -1;
		}
	}
	if (c->value_t) {
		kp_error e;
		if (kp_ttree_eval(c->value_t, vs, &value, &e) < 0) {
			*err = e;
			prefixed(err, "failed to substitute variables in condition value: ", e.msg);
			return -1;
		}
	}
	int r = kp_cond_eval(c->op, key, value, vs->scratch);
	if (r < 0) {
		if (c->op == KP_COND_UNKNOWN)
			return kp_errorf(err, KP_E_POLICY, NULL, 0, 0,
					 "failed to create handler for condition operator %s: %%!w(<nil>)",
					 c->op_name);
		return kp_errorf(err, KP_E_POLICY, NULL, 0, 0,
				 "failed to evaluate condition operator %s: an element of the key is not a string",
				 c->op_name);
	}
	return r;
}

static void add_msg(kp_buf *b, const char *m, const char *sep)
{
	if (!m || !*m)
		return;
	if (b->len)
		kp_buf_puts(b, sep);
	kp_buf_puts(b, m);
}

int kp_conds_eval(const kp_conds *c, const kp_vars *vs, const char **true_msgs,
		  const char **false_msgs, kp_error *err)
{
	kp_buf tm, fm;
	kp_buf_init(&tm, vs->scratch);
	kp_buf_init(&fm, vs->scratch);
	bool result;
	if (c->list) {
		/* an AND that stops at the first false condition */
		result = true;
		for (size_t i = 0; i < c->n_all && result; i++) {
			int r = eval_cond(&c->all[i], vs, err);
			if (r < 0)
				return -1;
			if (r) {
				add_msg(&tm, c->all[i].message, ";");
			} else {
				result = false;
				add_msg(&fm, c->all[i].message, "; ");
			}
		}
	} else {
		bool any_ok = !c->has_any, all_ok = true;
		for (size_t i = 0; i < c->n_any; i++) {
			int r = eval_cond(&c->any[i], vs, err);
			if (r < 0)
				return -1;
			if (r) {
				any_ok = true;
				add_msg(&tm, c->any[i].message, "; ");
				break;
			}
			add_msg(&fm, c->any[i].message, "; ");
		}
		for (size_t i = 0; i < c->n_all; i++) {
			int r = eval_cond(&c->all[i], vs, err);
			if (r < 0)
				return -1;
			if (!r) {
				all_ok = false;
				add_msg(&fm, c->all[i].message, "; ");
				break;
			}
			add_msg(&tm, c->all[i].message, "; ");
		}
		result = any_ok && all_ok;
	}
	if (true_msgs)
		*true_msgs = kp_buf_str(&tm);
	if (false_msgs)
		*false_msgs = kp_buf_str(&fm);
	return result;
}

bool kp_conds_empty(const kp_conds *c)
{
	return !c || (!c->n_any && !c->n_all && !c->has_any);
}
