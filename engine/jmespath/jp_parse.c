/* jp_parse.c - Pratt parser from tokens to the AST, with the binding
 * powers of the JMESPath reference parser (jmespath.py), so that
 * projections stop where the spec says they stop.  Function names are
 * resolved and their argument counts checked here. */
#include "jmespath/jp_ast.h"

#include <string.h>

#define JP_MAX_DEPTH 512

static const int bp[JT_COUNT] = {
	[JT_PIPE] = 1, [JT_OR] = 2, [JT_AND] = 3,
	[JT_EQ] = 5, [JT_NE] = 5, [JT_LT] = 5, [JT_LE] = 5, [JT_GT] = 5, [JT_GE] = 5,
	[JT_FLATTEN] = 9, [JT_STAR] = 20, [JT_FILTER] = 21, [JT_DOT] = 40,
	[JT_NOT] = 45, [JT_LBRACE] = 50, [JT_LBRACKET] = 55, [JT_LPAREN] = 60,
};
#define PROJECTION_STOP 10

typedef struct parser {
	const jp_token *t;
	size_t n, i;
	int mode;
	int depth;
	kp_arena *a;
	kp_error *err;
	kp_jp_kind kind;
} parser;

static const jp_token *cur(const parser *p) { return &p->t[p->i]; }
static jp_tok cur_type(const parser *p) { return p->t[p->i].type; }
static jp_tok peek_type(const parser *p, size_t k)
{
	return p->i + k < p->n ? p->t[p->i + k].type : JT_EOF;
}
static void advance(parser *p)
{
	if (p->i + 1 < p->n)
		p->i++;
}

static kp_jp_node *failp(parser *p, kp_jp_kind kind, const jp_token *at, const char *fmt,
			 const char *a1)
{
	if (p->kind == KP_JP_OK) {
		p->kind = kind;
		kp_jp_syntax_errorf(p->err, kind, at->col, fmt, a1);
	}
	return NULL;
}

static kp_jp_node *unexpected(parser *p)
{
	const jp_token *t = cur(p);
	return failp(p, KP_JP_E_SYNTAX, t,
		     t->type == JT_EOF ? "unexpected %s" : "unexpected token %s",
		     kp_jp_tok_name(t->type));
}

static bool match(parser *p, jp_tok t)
{
	if (cur_type(p) == t) {
		advance(p);
		return true;
	}
	const jp_token *at = cur(p);
	char want[64];
	snprintf(want, sizeof want, "%s", kp_jp_tok_name(t));
	if (p->kind == KP_JP_OK) {
		p->kind = KP_JP_E_SYNTAX;
		kp_jp_syntax_errorf(p->err, KP_JP_E_SYNTAX, at->col, "expected %s, got %s", want,
				    kp_jp_tok_name(at->type));
	}
	return false;
}

static kp_jp_node *node(parser *p, jp_op op, unsigned col)
{
	kp_jp_node *n = kp_arena_alloc(p->a, sizeof(*n));
	n->op = op;
	n->col = col;
	return n;
}

static kp_jp_node *node2(parser *p, jp_op op, unsigned col, kp_jp_node *l, kp_jp_node *r)
{
	kp_jp_node *n = node(p, op, col);
	n->l = l;
	n->r = r;
	return n;
}

static kp_jp_node *expression(parser *p, int rbp);

/* growable list of nodes in the arena */
typedef struct nodelist {
	kp_jp_node **v;
	size_t n, cap;
} nodelist;

static void nl_push(parser *p, nodelist *l, kp_jp_node *x)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		kp_jp_node **nv = kp_arena_alloc(p->a, cap * sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = x;
}

static kp_jp_node *field(parser *p, const jp_token *t)
{
	kp_jp_node *n = node(p, JP_FIELD, t->col);
	n->name = t->s;
	n->len = t->len;
	n->lit = t->lit ? t->lit : kp_jp_new_str(p->a, t->s, t->len);
	return n;
}

static kp_jp_node *current(parser *p, unsigned col)
{
	return node(p, JP_CURRENT, col);
}

static kp_jp_node *multi_list(parser *p, unsigned col)
{
	nodelist l = {0};
	for (;;) {
		kp_jp_node *e = expression(p, 0);
		if (!e)
			return NULL;
		nl_push(p, &l, e);
		if (cur_type(p) == JT_RBRACKET)
			break;
		if (!match(p, JT_COMMA))
			return NULL;
	}
	advance(p);
	kp_jp_node *n = node(p, JP_MULTI_LIST, col);
	n->kids = l.v;
	n->n = l.n;
	return n;
}

static kp_jp_node *multi_hash(parser *p, unsigned col)
{
	nodelist l = {0};
	const kp_value **keys = NULL;
	size_t cap = 0;
	for (;;) {
		const jp_token *k = cur(p);
		if (k->type != JT_IDENT && k->type != JT_QIDENT)
			return failp(p, KP_JP_E_SYNTAX, k, "expected a key name, got %s",
				     kp_jp_tok_name(k->type));
		advance(p);
		if (!match(p, JT_COLON))
			return NULL;
		kp_jp_node *e = expression(p, 0);
		if (!e)
			return NULL;
		if (l.n == cap) {
			cap = cap ? cap * 2 : 4;
			const kp_value **nk = kp_arena_alloc(p->a, cap * sizeof(*nk));
			if (l.n)
				memcpy(nk, keys, l.n * sizeof(*nk));
			keys = nk;
		}
		keys[l.n] = k->lit ? k->lit : kp_jp_new_str(p->a, k->s, k->len);
		nl_push(p, &l, e);
		if (cur_type(p) == JT_COMMA) {
			advance(p);
			continue;
		}
		if (!match(p, JT_RBRACE))
			return NULL;
		break;
	}
	kp_jp_node *n = node(p, JP_MULTI_HASH, col);
	n->kids = l.v;
	n->keys = keys;
	n->n = l.n;
	return n;
}

static kp_jp_node *dot_rhs(parser *p, int rbp)
{
	jp_tok t = cur_type(p);
	unsigned col = cur(p)->col;
	if (t == JT_IDENT || t == JT_QIDENT || t == JT_STAR)
		return expression(p, rbp);
	if (t == JT_LBRACKET) {
		advance(p);
		return multi_list(p, col);
	}
	if (t == JT_LBRACE) {
		advance(p);
		return multi_hash(p, col);
	}
	return unexpected(p);
}

static kp_jp_node *identity(parser *p)
{
	kp_jp_node *n = current(p, cur(p)->col);
	n->identity = true;
	return n;
}

static kp_jp_node *projection_rhs(parser *p, int rbp)
{
	jp_tok t = cur_type(p);
	if (bp[t] < PROJECTION_STOP)
		return identity(p);
	if (t == JT_LBRACKET || t == JT_FILTER)
		return expression(p, rbp);
	if (t == JT_DOT) {
		advance(p);
		return dot_rhs(p, rbp);
	}
	return unexpected(p);
}

/* After '[' when a number or ':' follows: an index or a slice. */
static kp_jp_node *index_expr(parser *p)
{
	const jp_token *start = cur(p);
	if (cur_type(p) == JT_COLON || peek_type(p, 1) == JT_COLON) {
		kp_jp_node *s = node(p, JP_SLICE, start->col);
		int part = 0;
		while (cur_type(p) != JT_RBRACKET) {
			const jp_token *t = cur(p);
			if (t->type == JT_COLON) {
				if (++part == 3)
					return failp(p, KP_JP_E_SYNTAX, t, "%s",
						     "too many ':' in a slice");
				advance(p);
			} else if (t->type == JT_NUMBER) {
				if (part == 0)
					s->start = t->num, s->has_start = true;
				else if (part == 1)
					s->stop = t->num, s->has_stop = true;
				else
					s->step = t->num, s->has_step = true;
				advance(p);
				if (cur_type(p) != JT_COLON && cur_type(p) != JT_RBRACKET)
					return unexpected(p);
			} else {
				return unexpected(p);
			}
		}
		advance(p);
		return s;
	}
	kp_jp_node *ix = node(p, JP_INDEX, start->col);
	ix->index = start->num;
	advance(p);
	if (!match(p, JT_RBRACKET))
		return NULL;
	return ix;
}

/* left[index] or, for a slice, a projection over left[slice]. */
static kp_jp_node *project_if_slice(parser *p, kp_jp_node *left, kp_jp_node *right)
{
	kp_jp_node *ie = node2(p, JP_INDEX_EXPR, right->col, left, right);
	if (right->op != JP_SLICE)
		return ie;
	kp_jp_node *rhs = projection_rhs(p, bp[JT_STAR]);
	if (!rhs)
		return NULL;
	return node2(p, JP_PROJECTION, right->col, ie, rhs);
}

static kp_jp_node *filter(parser *p, kp_jp_node *left, unsigned col)
{
	kp_jp_node *cond = expression(p, 0);
	if (!cond || !match(p, JT_RBRACKET))
		return NULL;
	kp_jp_node *right;
	if (cur_type(p) == JT_FLATTEN)
		right = identity(p);
	else if (!(right = projection_rhs(p, bp[JT_FILTER])))
		return NULL;
	kp_jp_node *n = node2(p, JP_FILTER, col, left, right);
	n->cond = cond;
	return n;
}

static kp_jp_node *flatten(parser *p, kp_jp_node *left, unsigned col)
{
	kp_jp_node *f = node2(p, JP_FLATTEN, col, left, NULL);
	kp_jp_node *rhs = projection_rhs(p, bp[JT_FLATTEN]);
	if (!rhs)
		return NULL;
	return node2(p, JP_PROJECTION, col, f, rhs);
}

static kp_jp_node *nud(parser *p)
{
	const jp_token *t = cur(p);
	unsigned col = t->col;
	advance(p);
	switch (t->type) {
	case JT_LITERAL: {
		kp_jp_node *n = node(p, JP_LITERAL, col);
		n->lit = t->lit;
		return n;
	}
	case JT_IDENT:
		return field(p, t);
	case JT_QIDENT:
		if (cur_type(p) == JT_LPAREN)
			return failp(p, KP_JP_E_SYNTAX, t, "%s",
				     "a quoted identifier cannot name a function");
		return field(p, t);
	case JT_STAR: {
		kp_jp_node *rhs = projection_rhs(p, bp[JT_STAR]);
		return rhs ? node2(p, JP_VALUE_PROJ, col, current(p, col), rhs) : NULL;
	}
	case JT_FILTER:
		return filter(p, current(p, col), col);
	case JT_LBRACE:
		return multi_hash(p, col);
	case JT_LPAREN: {
		kp_jp_node *e = expression(p, 0);
		if (!e || !match(p, JT_RPAREN))
			return NULL;
		return e;
	}
	case JT_FLATTEN:
		return flatten(p, current(p, col), col);
	case JT_NOT: {
		kp_jp_node *e = expression(p, bp[JT_NOT]);
		return e ? node2(p, JP_NOT, col, e, NULL) : NULL;
	}
	case JT_LBRACKET:
		if (cur_type(p) == JT_NUMBER || cur_type(p) == JT_COLON) {
			kp_jp_node *r = index_expr(p);
			return r ? project_if_slice(p, current(p, col), r) : NULL;
		}
		if (cur_type(p) == JT_STAR && peek_type(p, 1) == JT_RBRACKET) {
			advance(p);
			advance(p);
			kp_jp_node *rhs = projection_rhs(p, bp[JT_STAR]);
			return rhs ? node2(p, JP_PROJECTION, col, current(p, col), rhs) : NULL;
		}
		return multi_list(p, col);
	case JT_CURRENT:
		return current(p, col);
	case JT_EXPREF: {
		kp_jp_node *e = expression(p, 0);
		return e ? node2(p, JP_EXPREF, col, e, NULL) : NULL;
	}
	default:
		return failp(p, KP_JP_E_SYNTAX, t,
			     t->type == JT_EOF ? "unexpected %s" : "unexpected token %s",
			     kp_jp_tok_name(t->type));
	}
}

static kp_jp_node *function_call(parser *p, kp_jp_node *left, const jp_token *lparen)
{
	if (left->op != JP_FIELD)
		return failp(p, KP_JP_E_SYNTAX, lparen, "%s",
			     "only an unquoted name can be called as a function");
	nodelist args = {0};
	while (cur_type(p) != JT_RPAREN) {
		kp_jp_node *e = expression(p, 0);
		if (!e)
			return NULL;
		if (cur_type(p) == JT_COMMA)
			advance(p);
		nl_push(p, &args, e);
	}
	advance(p);
	const kp_jp_func *fn = kp_jp_func_find(left->name, left->len, p->mode);
	jp_token at = {.col = left->col};
	bool arity_ok = fn && args.n >= fn->min_args &&
		(fn->max_args == KP_JP_VARIADIC || args.n <= fn->max_args);
	if (!arity_ok) {
		/* only for the messages: expressions are also compiled per
		 * resource (variables holding variables) */
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(left->len < 100 ? left->len : 100), left->name);
		if (!fn)
			return failp(p, KP_JP_E_UNKNOWN_FUNCTION, &at, "unknown function %s()", name);
		char msg[256];
		if (fn->max_args == KP_JP_VARIADIC)
			snprintf(msg, sizeof msg, "%s() takes at least %u arguments, got %zu", name,
				 fn->min_args, args.n);
		else if (fn->min_args == fn->max_args)
			snprintf(msg, sizeof msg, "%s() takes %u arguments, got %zu", name,
				 fn->min_args, args.n);
		else
			snprintf(msg, sizeof msg, "%s() takes %u to %u arguments, got %zu", name,
				 fn->min_args, fn->max_args, args.n);
		return failp(p, KP_JP_E_INVALID_ARITY, &at, "%s", msg);
	}
	kp_jp_node *n = node(p, JP_FUNCTION, left->col);
	n->name = left->name;
	n->len = left->len;
	n->fn = fn;
	n->kids = args.v;
	n->n = args.n;
	return n;
}

static kp_jp_node *led(parser *p, kp_jp_node *left)
{
	const jp_token *t = cur(p);
	unsigned col = t->col;
	advance(p);
	switch (t->type) {
	case JT_DOT:
		if (cur_type(p) == JT_STAR) {
			advance(p);
			kp_jp_node *rhs = projection_rhs(p, bp[JT_DOT]);
			return rhs ? node2(p, JP_VALUE_PROJ, col, left, rhs) : NULL;
		} else {
			kp_jp_node *rhs = dot_rhs(p, bp[JT_DOT]);
			return rhs ? node2(p, JP_SUBEXPR, col, left, rhs) : NULL;
		}
	case JT_PIPE: {
		kp_jp_node *r = expression(p, bp[JT_PIPE]);
		return r ? node2(p, JP_PIPE, col, left, r) : NULL;
	}
	case JT_OR: {
		kp_jp_node *r = expression(p, bp[JT_OR]);
		return r ? node2(p, JP_OR, col, left, r) : NULL;
	}
	case JT_AND: {
		kp_jp_node *r = expression(p, bp[JT_AND]);
		return r ? node2(p, JP_AND, col, left, r) : NULL;
	}
	case JT_LPAREN:
		return function_call(p, left, t);
	case JT_FILTER:
		return filter(p, left, col);
	case JT_FLATTEN:
		return flatten(p, left, col);
	case JT_EQ: case JT_NE: case JT_LT: case JT_LE: case JT_GT: case JT_GE: {
		kp_jp_node *r = expression(p, bp[t->type]);
		if (!r)
			return NULL;
		kp_jp_node *n = node2(p, JP_CMP, col, left, r);
		n->cmp = t->type;
		return n;
	}
	case JT_LBRACKET:
		if (cur_type(p) == JT_NUMBER || cur_type(p) == JT_COLON) {
			kp_jp_node *r = index_expr(p);
			return r ? project_if_slice(p, left, r) : NULL;
		}
		if (!match(p, JT_STAR) || !match(p, JT_RBRACKET))
			return NULL;
		{
			kp_jp_node *rhs = projection_rhs(p, bp[JT_STAR]);
			return rhs ? node2(p, JP_PROJECTION, col, left, rhs) : NULL;
		}
	default:
		p->i--;
		return unexpected(p);
	}
}

#define JP_MAX_HEIGHT 1000

/* Height of a new subtree; nodes already measured keep theirs, so each
 * node is measured once. */
static unsigned height(kp_jp_node *n)
{
	if (!n)
		return 0;
	if (n->depth)
		return n->depth;
	unsigned h = height(n->l);
	unsigned r = height(n->r), c = height(n->cond);
	if (r > h)
		h = r;
	if (c > h)
		h = c;
	for (size_t i = 0; i < n->n && n->kids; i++) {
		unsigned k = height(n->kids[i]);
		if (k > h)
			h = k;
	}
	return n->depth = h + 1;
}

static kp_jp_node *expression(parser *p, int rbp)
{
	if (++p->depth > JP_MAX_DEPTH) {
		return failp(p, KP_JP_E_SYNTAX, cur(p), "%s",
			     "expression nested too deeply");
	}
	kp_jp_node *left = nud(p);
	while (left && rbp < bp[cur_type(p)]) {
		left = led(p, left);
		if (left && height(left) > JP_MAX_HEIGHT)
			return failp(p, KP_JP_E_SYNTAX, cur(p), "%s",
				     "expression nested too deeply");
	}
	p->depth--;
	return left;
}

kp_jp_node *kp_jp_parse(const jp_token *toks, size_t n, int mode, kp_arena *a,
			kp_jp_kind *kind, kp_error *err)
{
	parser p = {.t = toks, .n = n, .mode = mode, .a = a, .err = err};
	kp_jp_node *root = expression(&p, 0);
	if (root && cur_type(&p) != JT_EOF)
		root = unexpected(&p);
	if (!root && kind)
		*kind = p.kind ? p.kind : KP_JP_E_SYNTAX;
	return root;
}
