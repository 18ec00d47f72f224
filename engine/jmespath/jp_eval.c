/* jp_eval.c - the JMESPath interpreter: a walk over the compiled AST.
 * Values of the document are returned as they are (no copies); new values
 * go to the scratch arena.  In Kyverno mode a missing key is the internal
 * status NOT_FOUND, which the nodes listed in jmespath.h turn into null
 * and the top level turns into an error. */
#include "jmespath/jp_ast.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NOT_FOUND 1

typedef struct interp {
	kp_arena *a;
	kp_error *err;
	int mode;
	const kp_jp *e;
	const char *nf_key;        /* the key of the last NOT_FOUND */
	size_t nf_len;
} interp;

static int ev(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out);

/* Evaluation where a NotFoundError counts as null. */
static int ev_soft(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	int rc = ev(in, n, cur, out);
	if (rc == NOT_FOUND) {
		*out = kp_jp_null();
		rc = 0;
	}
	return rc;
}

static int fail(interp *in, kp_jp_kind kind, const kp_jp_node *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(interp *in, kp_jp_kind kind, const kp_jp_node *n, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return kp_jp_syntax_errorf(in->err, kind, n ? n->col : 0, "%s", msg);
}

static bool is_null(const kp_value *v)
{
	return !v || v->type == KP_NULL;
}

static int ev_field(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	if (cur && cur->type == KP_MAP) {
		const kp_value *v = kp_jp_get(cur, n->name, n->len);
		if (v) {
			*out = v;
			return 0;
		}
		if (in->mode == KP_JP_KYVERNO) {
			in->nf_key = n->name;
			in->nf_len = n->len;
			return NOT_FOUND;
		}
	}
	*out = kp_jp_null();
	return 0;
}

static int ev_index(const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	*out = kp_jp_null();
	if (!cur || cur->type != KP_SEQ)
		return 0;
	int64_t len = (int64_t)cur->u.seq.n, i = n->index;
	if (i < 0)
		i += len;
	if (i >= 0 && i < len)
		*out = cur->u.seq.items[i];
	return 0;
}

static int64_t slice_end(int64_t v, int64_t len, int64_t step)
{
	if (v < 0) {
		v += len;
		if (v < 0)
			v = step < 0 ? -1 : 0;
	} else if (v >= len) {
		v = step < 0 ? len - 1 : len;
	}
	return v;
}

static int ev_slice(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	int64_t step = n->has_step ? n->step : 1;
	if (step == 0)
		return fail(in, KP_JP_E_INVALID_VALUE, n, "slice step cannot be 0");
	*out = kp_jp_null();
	if (!cur || cur->type != KP_SEQ)
		return 0;
	int64_t len = (int64_t)cur->u.seq.n;
	/* a step longer than the list selects at most one item either way */
	if (step > len + 1)
		step = len + 1;
	if (step < -len - 1)
		step = -len - 1;
	int64_t start = n->has_start ? slice_end(n->start, len, step) : step < 0 ? len - 1 : 0;
	int64_t stop = n->has_stop ? slice_end(n->stop, len, step) : step < 0 ? -1 : len;
	kp_value *res = kp_jp_new_array(in->a, 0);
	if (step > 0)
		for (int64_t i = start; i < stop; i += step)
			kp_jp_array_push(in->a, res, cur->u.seq.items[i]);
	else
		for (int64_t i = start; i > stop; i += step)
			kp_jp_array_push(in->a, res, cur->u.seq.items[i]);
	*out = res;
	return 0;
}

/* Apply n->r to each item, keeping the non-null results. */
static int project(interp *in, const kp_jp_node *rhs, kp_value *const *items, size_t count,
		   const kp_jp_node *cond, const kp_value **out)
{
	kp_value *res = kp_jp_new_array(in->a, count);
	for (size_t i = 0; i < count; i++) {
		const kp_value *v;
		int rc;
		if (cond) {
			if ((rc = ev_soft(in, cond, items[i], &v)))
				return rc;
			if (!kp_jp_truthy(v))
				continue;
		}
		if ((rc = ev_soft(in, rhs, items[i], &v)))
			return rc;
		if (!is_null(v))
			kp_jp_array_push(in->a, res, v);
	}
	*out = res;
	return 0;
}

static int ev_flatten(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	const kp_value *base;
	int rc = ev_soft(in, n->l, cur, &base);
	if (rc)
		return rc;
	if (!base || base->type != KP_SEQ) {
		*out = kp_jp_null();
		return 0;
	}
	kp_value *res = kp_jp_new_array(in->a, base->u.seq.n);
	for (size_t i = 0; i < base->u.seq.n; i++) {
		const kp_value *it = base->u.seq.items[i];
		if (it->type == KP_SEQ)
			for (size_t j = 0; j < it->u.seq.n; j++)
				kp_jp_array_push(in->a, res, it->u.seq.items[j]);
		else
			kp_jp_array_push(in->a, res, it);
	}
	*out = res;
	return 0;
}

static int ev_cmp(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	const kp_value *l, *r;
	int rc;
	if ((rc = ev_soft(in, n->l, cur, &l)) || (rc = ev_soft(in, n->r, cur, &r)))
		return rc;
	if (n->cmp == JT_EQ || n->cmp == JT_NE) {
		bool eq = kp_jp_equal(l, r);
		*out = kp_jp_bool(n->cmp == JT_EQ ? eq : !eq);
		return 0;
	}
	if (!kp_jp_is_number(l) || !kp_jp_is_number(r)) {
		*out = kp_jp_null();
		return 0;
	}
	bool b;
	if (l->type == KP_INT && r->type == KP_INT) {
		int64_t x = l->u.i, y = r->u.i;
		b = n->cmp == JT_LT ? x < y : n->cmp == JT_LE ? x <= y : n->cmp == JT_GT ? x > y : x >= y;
	} else {
		double x = kp_jp_num(l), y = kp_jp_num(r);
		b = n->cmp == JT_LT ? x < y : n->cmp == JT_LE ? x <= y : n->cmp == JT_GT ? x > y : x >= y;
	}
	*out = kp_jp_bool(b);
	return 0;
}

static bool all_items(const kp_value *v, bool numbers)
{
	for (size_t i = 0; i < v->u.seq.n; i++) {
		const kp_value *it = v->u.seq.items[i];
		if (numbers ? !kp_jp_is_number(it) : it->type != KP_STRING)
			return false;
	}
	return true;
}

static bool type_ok(unsigned mask, const kp_value *v)
{
	switch (v ? v->type : KP_NULL) {
	case KP_NULL: return mask & KP_JP_T_NULL;
	case KP_BOOL: return mask & KP_JP_T_BOOL;
	case KP_INT:
	case KP_FLOAT: return mask & KP_JP_T_NUMBER;
	case KP_STRING: return mask & KP_JP_T_STRING;
	case KP_MAP: return mask & KP_JP_T_OBJECT;
	case KP_SEQ:
		if (mask & KP_JP_T_ARRAY)
			return true;
		if ((mask & KP_JP_T_ARRAY_NUMBER) && all_items(v, true))
			return true;
		return (mask & KP_JP_T_ARRAY_STRING) && all_items(v, false);
	}
	return false;
}

static unsigned param_mask(const kp_jp_func *f, size_t i)
{
	size_t declared = f->max_args == KP_JP_VARIADIC ? 0 : f->max_args;
	if (f->max_args == KP_JP_VARIADIC)
		while (declared < KP_JP_MAX_PARAMS && f->params[declared])
			declared++;
	if (declared == 0)
		return KP_JP_T_ANY;
	return f->params[i < declared ? i : declared - 1];
}

static int ev_function(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	const kp_jp_func *f = n->fn;
	kp_jp_arg stack_args[8];
	kp_jp_arg *args = n->n <= 8 ? stack_args : kp_arena_alloc(in->a, n->n * sizeof(*args));
	for (size_t i = 0; i < n->n; i++) {
		const kp_jp_node *k = n->kids[i];
		unsigned mask = param_mask(f, i);
		char want[128];
		if (k->op == JP_EXPREF) {
			if (!(mask & KP_JP_T_EXPREF))
				return fail(in, KP_JP_E_INVALID_TYPE, k,
					    "%s() argument %zu: expected %s, got an expression reference",
					    f->name, i + 1, kp_jp_type_names(mask, want, sizeof want));
			args[i].v = NULL;
			args[i].ref = k->l;
			continue;
		}
		int rc = ev_soft(in, k, cur, &args[i].v);
		if (rc)
			return rc;
		args[i].ref = NULL;
		if (!type_ok(mask, args[i].v))
			return fail(in, KP_JP_E_INVALID_TYPE, k, "%s() argument %zu: expected %s, got %s",
				    f->name, i + 1, kp_jp_type_names(mask, want, sizeof want),
				    kp_jp_type_of(args[i].v));
	}
	kp_jp_call c = {.arena = in->a, .err = in->err, .mode = in->mode, .fn = f, .interp = in};
	*out = NULL;
	int rc = f->impl(&c, args, n->n, out);
	if (rc == 0 && !*out)
		*out = kp_jp_null();
	if (rc > 0)
		rc = -KP_JP_E_FUNCTION;
	if (rc < 0 && in->err && in->err->col == 0)
		in->err->col = n->col;
	return rc;
}

int kp_jp_call_ref(kp_jp_call *c, const kp_jp_node *ref, const kp_value *v, const kp_value **out)
{
	return ev_soft(c->interp, ref, v, out);
}

static int ev(interp *in, const kp_jp_node *n, const kp_value *cur, const kp_value **out)
{
	const kp_value *l, *r;
	int rc;
	switch (n->op) {
	case JP_FIELD:
		return ev_field(in, n, cur, out);
	case JP_CURRENT:
		*out = cur ? cur : kp_jp_null();
		return 0;
	case JP_LITERAL:
		*out = n->lit;
		return 0;
	case JP_SUBEXPR:
		if ((rc = ev(in, n->l, cur, &l)))
			return rc;
		if (is_null(l)) {
			*out = kp_jp_null();
			return 0;
		}
		return ev(in, n->r, l, out);
	case JP_INDEX_EXPR:
		if ((rc = ev(in, n->l, cur, &l)))
			return rc;
		return ev(in, n->r, l, out);
	case JP_INDEX:
		return ev_index(n, cur, out);
	case JP_SLICE:
		return ev_slice(in, n, cur, out);
	case JP_PROJECTION:
	case JP_FILTER:
		if ((rc = ev_soft(in, n->l, cur, &l)))
			return rc;
		if (!l || l->type != KP_SEQ) {
			*out = kp_jp_null();
			return 0;
		}
		return project(in, n->r, l->u.seq.items, l->u.seq.n, n->cond, out);
	case JP_VALUE_PROJ: {
		if ((rc = ev_soft(in, n->l, cur, &l)))
			return rc;
		if (!l || l->type != KP_MAP) {
			*out = kp_jp_null();
			return 0;
		}
		size_t cnt = l->u.map.n;
		kp_value **vals = kp_arena_alloc(in->a, (cnt ? cnt : 1) * sizeof(*vals));
		for (size_t i = 0; i < cnt; i++)
			vals[i] = l->u.map.pairs[i].value;
		return project(in, n->r, vals, cnt, NULL, out);
	}
	case JP_FLATTEN:
		return ev_flatten(in, n, cur, out);
	case JP_MULTI_LIST: {
		if (is_null(cur)) {
			*out = kp_jp_null();
			return 0;
		}
		kp_value *res = kp_jp_new_array(in->a, n->n);
		for (size_t i = 0; i < n->n; i++) {
			if ((rc = ev_soft(in, n->kids[i], cur, &l)))
				return rc;
			kp_jp_array_push(in->a, res, l);
		}
		*out = res;
		return 0;
	}
	case JP_MULTI_HASH: {
		if (is_null(cur)) {
			*out = kp_jp_null();
			return 0;
		}
		kp_value *res = kp_jp_new_object(in->a, n->n);
		for (size_t i = 0; i < n->n; i++) {
			if ((rc = ev_soft(in, n->kids[i], cur, &l)))
				return rc;
			kp_jp_object_set(in->a, res, n->keys[i], l);
		}
		*out = res;
		return 0;
	}
	case JP_PIPE:
		if ((rc = ev_soft(in, n->l, cur, &l)))
			return rc;
		return ev_soft(in, n->r, l, out);
	case JP_OR:
		if ((rc = ev_soft(in, n->l, cur, &l)))
			return rc;
		if (kp_jp_truthy(l)) {
			*out = l;
			return 0;
		}
		/* Kyverno: the default side may be missing too (`x || ""`, a
		 * quoted empty key, gives null: kyverno-cli/test/
		 * deny-modify-platform-label-2 expects skip) */
		return ev_soft(in, n->r, cur, out);
	case JP_AND:
		if ((rc = ev_soft(in, n->l, cur, &l)))
			return rc;
		if (!kp_jp_truthy(l)) {
			*out = l;
			return 0;
		}
		return ev(in, n->r, cur, out);
	case JP_NOT:
		if ((rc = ev_soft(in, n->l, cur, &l)))
			return rc;
		*out = kp_jp_bool(!kp_jp_truthy(l));
		return 0;
	case JP_CMP:
		return ev_cmp(in, n, cur, out);
	case JP_FUNCTION:
		return ev_function(in, n, cur, out);
	case JP_EXPREF:
		/* only meaningful as a function argument (handled there) */
		(void)r;
		*out = kp_jp_null();
		return 0;
	}
	return fail(in, KP_JP_E_SYNTAX, n, "unknown node");
}

/* err->col (code points from the start of src, 1-based) as the line of
 * src that holds it and the column in that line (kpolicy.h: expr_line,
 * expr_col). */
static void locate(kp_error *err, const char *src, size_t len)
{
	if (!err || err->col == 0)
		return;
	size_t off = 0;
	unsigned seen = 0;
	for (; off < len; off++)
		if (((unsigned char)src[off] & 0xC0) != 0x80 && ++seen == err->col)
			break;
	size_t start = off, end = off;
	while (start > 0 && src[start - 1] != '\n')
		start--;
	while (end < len && src[end] != '\n')
		end++;
	size_t shown = end - start < sizeof err->expr_line ? end - start : sizeof err->expr_line - 1;
	memcpy(err->expr_line, src + start, shown);
	err->expr_line[shown] = 0;
	err->expr_col = (unsigned)kp_jp_utf8_len(src + start, off - start) + 1;
}

kp_jp *kp_jp_compile(const char *expr, size_t len, int mode, kp_arena *a, kp_jp_kind *kind,
		     kp_error *err)
{
	if (kind)
		*kind = KP_JP_OK;
	if (mode != KP_JP_PLAIN && mode != KP_JP_KYVERNO) {
		kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "jmespath: unknown mode %d", mode);
		if (kind)
			*kind = KP_JP_E_SYNTAX;
		return NULL;
	}
	jp_token *toks;
	size_t n;
	if (kp_jp_lex(expr, len, a, &toks, &n, err)) {
		if (kind)
			*kind = KP_JP_E_SYNTAX;
		locate(err, expr, len);
		return NULL;
	}
	kp_jp_node *root = kp_jp_parse(toks, n, mode, a, kind, err);
	if (!root) {
		locate(err, expr, len);
		return NULL;
	}
	kp_jp *e = kp_arena_alloc(a, sizeof(*e));
	e->root = root;
	e->src = kp_arena_strndup(a, expr, len);
	e->len = len;
	e->mode = mode;
	return e;
}

int kp_jp_eval(const kp_jp *e, const kp_value *data, kp_arena *scratch, const kp_value **out,
	       kp_error *err)
{
	interp in = {.a = scratch, .err = err, .mode = e->mode, .e = e};
	const kp_value *v = NULL;
	int rc = ev(&in, e->root, data ? data : kp_jp_null(), &v);
	if (rc == NOT_FOUND) {
		kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "Unknown key \"%.*s\" in path",
			  (int)(in.nf_len < 200 ? in.nf_len : 200), in.nf_key);
		rc = -KP_JP_E_NOT_FOUND;
	}
	if (rc)
		locate(err, e->src, e->len);
	*out = rc ? NULL : v;
	return rc;
}

const char *kp_jp_source(const kp_jp *e) { return e->src; }
int kp_jp_mode(const kp_jp *e) { return e->mode; }
