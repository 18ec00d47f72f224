/* cel/cel_parser.c - recursive-descent parser for the whole CEL grammar
 * (cel-spec langdef "Syntax", cel-go's CEL.g4) into an arena AST.
 * Operators become calls named as cel-go names them (`_+_`, `_[_]`, ...);
 * &&, || and ?: get their own node kinds (they are not strict). */
#include "cel/cel_lex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_DEPTH 250

typedef struct parser {
	kp_arena *a;
	const char *src;
	size_t len;
	cel_lexer lx;
	cel_tok t;          /* current token */
	cel_lexer peek_lx;  /* state after the current token */
	bool macros;
	int depth;
	kp_error *err;
	bool failed;
} parser;

cel_node *cel_node_new(kp_arena *a, cel_node_kind k, uint32_t pos)
{
	cel_node *n = kp_arena_alloc(a, sizeof *n);
	n->kind = (uint8_t)k;
	n->pos = pos;
	n->slot = -1;
	return n;
}

static unsigned col_of(const char *src, size_t off)
{
	unsigned col = 1;
	for (size_t i = 0; i < off; i++) {
		if (src[i] == '\n')
			col = 1;
		else if (((unsigned char)src[i] & 0xC0) != 0x80)
			col++;
	}
	return col;
}

static unsigned line_of(const char *src, size_t off)
{
	unsigned line = 1;
	for (size_t i = 0; i < off; i++)
		if (src[i] == '\n')
			line++;
	return line;
}

static cel_node *fail(parser *p, size_t off, const char *fmt, const char *arg)
{
	if (!p->failed) {
		p->failed = true;
		char msg[256];
		snprintf(msg, sizeof msg, fmt, arg ? arg : "");
		kp_errorf(p->err, KP_E_POLICY, NULL, line_of(p->src, off),
			  col_of(p->src, off), "Syntax error: %s", msg);
	}
	return NULL;
}

static const char *tok_text(parser *p, const cel_tok *t)
{
	if (t->kind == T_EOF)
		return "<EOF>";
	size_t n = t->end - t->start;
	if (n > 40)
		n = 40;
	return kp_arena_printf(p->a, "'%.*s'", (int)n, p->src + t->start);
}

static void advance(parser *p)
{
	p->t = cel_lex_next(&p->lx);
	if (p->t.kind == T_ERROR)
		fail(p, p->t.start, "%s", p->t.msg);
}

static bool accept(parser *p, cel_tok_kind k)
{
	if (p->t.kind != k)
		return false;
	advance(p);
	return true;
}

static bool expect(parser *p, cel_tok_kind k, const char *what)
{
	if (p->t.kind == k) {
		advance(p);
		return true;
	}
	if (!p->failed) {
		char m[160];
		snprintf(m, sizeof m, "mismatched input %s expecting %s",
			 tok_text(p, &p->t), what);
		fail(p, p->t.start, "%s", m);
	}
	return false;
}

static char *tok_str(parser *p, const cel_tok *t)
{
	return kp_arena_strndup(p->a, p->src + t->start, t->end - t->start);
}

static cel_node *call(parser *p, const char *fn, uint32_t pos, size_t n,
		      cel_node *a0, cel_node *a1)
{
	cel_node *c = cel_node_new(p->a, N_CALL, pos);
	c->name = fn;
	c->name_len = strlen(fn);
	c->nargs = n;
	c->args = kp_arena_alloc(p->a, n * sizeof(cel_node *));
	c->args[0] = a0;
	if (n > 1)
		c->args[1] = a1;
	return c;
}

static cel_node *expr(parser *p);

/* Macro expansion; its errors carry a byte offset in col, made a
 * line and column here. */
static cel_node *expand(parser *p, cel_node *c)
{
	kp_error tmp;
	cel_node *n = cel_expand_macro(p->a, c, &tmp);
	if (!n && !p->failed) {
		size_t off = tmp.col ? tmp.col - 1 : 0;
		p->failed = true;
		kp_errorf(p->err, KP_E_POLICY, NULL, line_of(p->src, off),
			  col_of(p->src, off), "%s", tmp.msg);
	}
	return n;
}

/* Grow a node pointer array (arena; doubling). */
static void push(parser *p, cel_node ***arr, size_t *n, size_t *cap,
		 cel_node *x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		cel_node **na = kp_arena_alloc(p->a, nc * sizeof *na);
		if (*n)
			memcpy(na, *arr, *n * sizeof *na);
		*arr = na;
		*cap = nc;
	}
	(*arr)[(*n)++] = x;
}

/* `?` flags parallel to list elements / map entries / fields, grown by
 * doubling like the node arrays. */
static void push_opt(parser *p, uint8_t **arr, size_t n, size_t *cap, bool v)
{
	if (n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		uint8_t *na = kp_arena_alloc(p->a, nc);
		if (n)
			memcpy(na, *arr, n);
		*arr = na;
		*cap = nc;
	}
	(*arr)[n] = v;
}

/* Arguments after '(' up to ')'. */
static bool args(parser *p, cel_node *c, size_t first)
{
	size_t cap = c->nargs;
	while (p->t.kind != T_RPAREN) {
		cel_node *e = expr(p);
		if (!e)
			return false;
		push(p, &c->args, &c->nargs, &cap, e);
		if (!accept(p, T_COMMA))
			break;
	}
	(void)first;
	return expect(p, T_RPAREN, "')'");
}

static cel_node *literal_number(parser *p, const cel_tok *t, bool neg)
{
	cel_node *n = cel_node_new(p->a, N_LIT, t->start);
	const char *s = p->src + t->start;
	size_t len = t->end - t->start;
	char buf[128];
	if (len + 2 > sizeof buf)
		return fail(p, t->start, "invalid number literal", NULL);
	size_t o = 0;
	if (neg)
		buf[o++] = '-';
	memcpy(buf + o, s, len);
	o += len;
	buf[o] = 0;
	char *end;
	errno = 0;
	if (t->kind == T_DOUBLE) {
		n->lit = cel_double(kp_strtod_c(buf, &end));
		return n;
	}
	if (t->kind == T_UINT) {
		buf[o - 1] = 0;
		unsigned long long u = strtoull(buf, &end, 0);
		if (errno || *end)
			return fail(p, t->start, "invalid uint literal", NULL);
		n->lit = cel_uint(u);
		return n;
	}
	long long i = strtoll(buf, &end, 0);
	if (errno || *end) {
		/* hex with a sign: strtoll handles "-0x10" */
		return fail(p, t->start, "invalid int literal", NULL);
	}
	n->lit = cel_int(i);
	return n;
}

static bool is_ident_tok(const cel_tok *t)
{
	return t->kind == T_IDENT;
}

/* A field name after '.', in has(), or in a message field initializer:
 * identifiers (reserved words allowed), keywords, or `quoted`. */
static char *field_name(parser *p, const cel_tok *t)
{
	switch (t->kind) {
	case T_IDENT: case T_TRUE: case T_FALSE: case T_NULL: case T_IN:
		return tok_str(p, t);
	case T_ESC_IDENT:
		return kp_arena_strndup(p->a, p->src + t->start + 1,
					t->end - t->start - 2);
	default:
		return NULL;
	}
}

/* Qualified name of an ident/select chain (for message construction). */
static char *chain_name(parser *p, const cel_node *n)
{
	if (n->kind == N_IDENT)
		return kp_arena_printf(p->a, "%s%s", (n->flags & NF_ROOT) ? "." : "",
				       n->name);
	if (n->kind == N_SELECT && !(n->flags & (NF_OPTIONAL | NF_TEST_ONLY)) &&
	    n->args[0]->kind <= N_SELECT && n->args[0]->kind != N_LIT) {
		char *base = chain_name(p, n->args[0]);
		return base ? kp_arena_printf(p->a, "%s.%s", base, n->name) : NULL;
	}
	return NULL;
}

static cel_node *message(parser *p, cel_node *type, uint32_t pos)
{
	char *name = chain_name(p, type);
	if (!name)
		return fail(p, pos, "mismatched input '{' expecting <EOF>", NULL);
	const cel_node *first = type;
	while (first->kind == N_SELECT)
		first = first->args[0];
	cel_node *m = cel_node_new(p->a, N_STRUCT, first->pos);
	m->name = name;
	m->name_len = strlen(name);
	size_t cap = 0, ocap = 0;
	while (p->t.kind != T_RBRACE) {
		bool opt = accept(p, T_QUESTION);
		char *f = field_name(p, &p->t);
		if (!f)
			return fail(p, p->t.start, "mismatched input %s expecting IDENTIFIER",
				    tok_text(p, &p->t));
		cel_node *fn = cel_node_new(p->a, N_LIT, p->t.start);
		fn->lit = cel_str(f, strlen(f));
		advance(p);
		if (!expect(p, T_COLON, "':'"))
			return NULL;
		cel_node *v = expr(p);
		if (!v)
			return NULL;
		size_t nk = m->nargs;
		push(p, &m->args, &m->nargs, &cap, fn);
		push(p, &m->args, &m->nargs, &cap, v);
		push_opt(p, &m->opt, nk / 2, &ocap, opt);
		if (!accept(p, T_COMMA))
			break;
	}
	if (!expect(p, T_RBRACE, "'}'"))
		return NULL;
	return m;
}

static cel_node *primary(parser *p)
{
	cel_tok t = p->t;
	cel_node *n;
	switch (t.kind) {
	case T_INT: case T_UINT: case T_DOUBLE:
		advance(p);
		return literal_number(p, &t, false);
	case T_STRING: case T_BYTES: {
		advance(p);
		size_t len, at;
		const char *msg;
		char *s = cel_lex_decode(p->a, p->src, &t, &len, &msg, &at);
		if (!s)
			return fail(p, at, "%s", msg);
		n = cel_node_new(p->a, N_LIT, t.start);
		n->lit = cel_strn(t.kind == T_STRING ? CEL_STRING : CEL_BYTES, s, len);
		return n;
	}
	case T_TRUE: case T_FALSE:
		advance(p);
		n = cel_node_new(p->a, N_LIT, t.start);
		n->lit = cel_bool(t.kind == T_TRUE);
		return n;
	case T_NULL:
		advance(p);
		n = cel_node_new(p->a, N_LIT, t.start);
		n->lit = cel_null();
		return n;
	case T_LPAREN:
		advance(p);
		n = expr(p);
		if (!n || !expect(p, T_RPAREN, "')'"))
			return NULL;
		return n;
	case T_LBRACKET: {
		advance(p);
		n = cel_node_new(p->a, N_LIST, t.start);
		size_t cap = 0, ocap = 0;
		while (p->t.kind != T_RBRACKET) {
			bool opt = accept(p, T_QUESTION);
			cel_node *e = expr(p);
			if (!e)
				return NULL;
			push_opt(p, &n->opt, n->nargs, &ocap, opt);
			push(p, &n->args, &n->nargs, &cap, e);
			if (!accept(p, T_COMMA))
				break;
		}
		if (!expect(p, T_RBRACKET, "']'"))
			return NULL;
		return n;
	}
	case T_LBRACE: {
		advance(p);
		n = cel_node_new(p->a, N_MAP, t.start);
		size_t cap = 0, ocap = 0;
		while (p->t.kind != T_RBRACE) {
			bool opt = accept(p, T_QUESTION);
			cel_node *k = expr(p);
			if (!k || !expect(p, T_COLON, "':'"))
				return NULL;
			cel_node *v = expr(p);
			if (!v)
				return NULL;
			push_opt(p, &n->opt, n->nargs / 2, &ocap, opt);
			push(p, &n->args, &n->nargs, &cap, k);
			push(p, &n->args, &n->nargs, &cap, v);
			if (!accept(p, T_COMMA))
				break;
		}
		if (!expect(p, T_RBRACE, "'}'"))
			return NULL;
		return n;
	}
	case T_DOT:
	case T_IDENT: {
		bool root = false;
		if (t.kind == T_DOT) {
			advance(p);
			root = true;
			t = p->t;
			if (!is_ident_tok(&t))
				return fail(p, t.start, "mismatched input %s expecting IDENTIFIER",
					    tok_text(p, &t));
		}
		if (t.reserved)
			return fail(p, t.start, "reserved identifier: %s", tok_str(p, &t));
		advance(p);
		if (p->t.kind == T_LPAREN) {
			/* a call is located at its '(' (cel-go) */
			cel_node *c = cel_node_new(p->a, N_CALL, p->t.start);
			advance(p);
			c->name = root ? kp_arena_printf(p->a, ".%s", tok_str(p, &t))
				       : tok_str(p, &t);
			c->name_len = strlen(c->name);
			if (!args(p, c, 0))
				return NULL;
			return p->macros ? expand(p, c) : c;
		}
		n = cel_node_new(p->a, N_IDENT, t.start);
		n->name = tok_str(p, &t);
		n->name_len = t.end - t.start;
		if (root)
			n->flags |= NF_ROOT;
		return n;
	}
	case T_EOF:
		return fail(p, t.start, "mismatched input <EOF> expecting expression", NULL);
	default:
		return fail(p, t.start, "extraneous input %s", tok_text(p, &t));
	}
}

static cel_node *member(parser *p, cel_node *n)
{
	while (n) {
		cel_tok t = p->t;
		if (t.kind == T_DOT) {
			advance(p);
			bool opt = accept(p, T_QUESTION);
			cel_tok f = p->t;
			char *name = field_name(p, &f);
			if (!name)
				return fail(p, f.start, "no viable alternative at input '.%s'",
					    f.kind == T_EOF ? "" : tok_str(p, &f));
			advance(p);
			if (p->t.kind == T_LPAREN && !opt && f.kind != T_ESC_IDENT) {
				cel_node *c = cel_node_new(p->a, N_CALL, p->t.start);
				advance(p);
				c->name = name;
				c->name_len = strlen(name);
				c->flags |= NF_MEMBER;
				size_t cap = 1;
				c->args = kp_arena_alloc(p->a, sizeof(cel_node *));
				c->args[0] = n;
				c->nargs = 1;
				(void)cap;
				if (!args(p, c, 1))
					return NULL;
				n = p->macros ? expand(p, c) : c;
				continue;
			}
			cel_node *s = cel_node_new(p->a, N_SELECT, t.start);
			s->name = name;
			s->name_len = strlen(name);
			s->args = kp_arena_alloc(p->a, sizeof(cel_node *));
			s->args[0] = n;
			s->nargs = 1;
			if (opt)
				s->flags |= NF_OPTIONAL;
			n = s;
		} else if (t.kind == T_LBRACKET) {
			advance(p);
			bool opt = accept(p, T_QUESTION);
			cel_node *i = expr(p);
			if (!i || !expect(p, T_RBRACKET, "']'"))
				return NULL;
			n = call(p, opt ? "_[?_]" : "_[_]", t.start, 2, n, i);
		} else if (t.kind == T_LBRACE &&
			   (n->kind == N_IDENT || n->kind == N_SELECT)) {
			advance(p);
			n = message(p, n, t.start);
		} else {
			break;
		}
	}
	return n;
}

static cel_node *unary(parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return fail(p, p->t.start, "expression nesting exceeds the maximum of %s", "250");
	cel_tok t = p->t;
	cel_node *n;
	if (t.kind == T_NOT) {
		advance(p);
		cel_node *o = unary(p);
		n = o ? call(p, "!_", t.start, 1, o, NULL) : NULL;
	} else if (t.kind == T_MINUS) {
		advance(p);
		cel_tok nt = p->t;
		if (nt.kind == T_INT || nt.kind == T_DOUBLE) {
			advance(p);
			n = member(p, literal_number(p, &nt, true));
		} else {
			cel_node *o = unary(p);
			n = o ? call(p, "-_", t.start, 1, o, NULL) : NULL;
		}
	} else {
		n = member(p, primary(p));
	}
	p->depth--;
	return n;
}

typedef struct binop { cel_tok_kind tk; const char *fn; } binop;

static const char *find_op(const binop *ops, cel_tok_kind k)
{
	for (; ops->fn; ops++)
		if (ops->tk == k)
			return ops->fn;
	return NULL;
}

static const binop mul_ops[] = {{T_STAR, "_*_"}, {T_SLASH, "_/_"}, {T_PERCENT, "_%_"}, {0, NULL}};
static const binop add_ops[] = {{T_PLUS, "_+_"}, {T_MINUS, "_-_"}, {0, NULL}};
static const binop rel_ops[] = {{T_EQ, "_==_"}, {T_NE, "_!=_"}, {T_LT, "_<_"},
	{T_LE, "_<=_"}, {T_GT, "_>_"}, {T_GE, "_>=_"}, {T_IN, "@in"}, {0, NULL}};

static cel_node *binary(parser *p, int level)
{
	static const binop *const levels[] = {rel_ops, add_ops, mul_ops};
	if (level == 3)
		return unary(p);
	cel_node *l = binary(p, level + 1);
	while (l) {
		const char *fn = find_op(levels[level], p->t.kind);
		if (!fn)
			break;
		uint32_t pos = p->t.start;
		advance(p);
		cel_node *r = binary(p, level + 1);
		if (!r)
			return NULL;
		l = call(p, fn, pos, 2, l, r);
	}
	return l;
}

static cel_node *logic(parser *p, cel_tok_kind tk, cel_node_kind nk)
{
	cel_node *l = tk == T_OR ? logic(p, T_AND, N_AND) : binary(p, 0);
	while (l && p->t.kind == tk) {
		uint32_t pos = p->t.start;
		advance(p);
		cel_node *r = tk == T_OR ? logic(p, T_AND, N_AND) : binary(p, 0);
		if (!r)
			return NULL;
		cel_node *n = cel_node_new(p->a, nk, pos);
		n->args = kp_arena_alloc(p->a, 2 * sizeof(cel_node *));
		n->args[0] = l;
		n->args[1] = r;
		n->nargs = 2;
		l = n;
	}
	return l;
}

static cel_node *expr(parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return fail(p, p->t.start, "expression nesting exceeds the maximum of %s", "250");
	cel_node *c = logic(p, T_OR, N_OR);
	if (c && p->t.kind == T_QUESTION) {
		uint32_t pos = p->t.start;
		advance(p);
		cel_node *a = logic(p, T_OR, N_OR);
		if (!a || !expect(p, T_COLON, "':'"))
			return NULL;
		cel_node *b = expr(p);
		if (!b)
			return NULL;
		cel_node *n = cel_node_new(p->a, N_COND, pos);
		n->args = kp_arena_alloc(p->a, 3 * sizeof(cel_node *));
		n->args[0] = c;
		n->args[1] = a;
		n->args[2] = b;
		n->nargs = 3;
		c = n;
	}
	p->depth--;
	return p->failed ? NULL : c;
}

cel_node *cel_parse(kp_arena *a, const char *src, size_t len, bool macros,
		    kp_error *err)
{
	parser p = {.a = a, .src = src, .len = len, .macros = macros, .err = err};
	if (len > 100000) {
		kp_errorf(err, KP_E_LIMIT, NULL, 1, 1,
			  "expression of %zu bytes exceeds the limit of 100000", len);
		return NULL;
	}
	cel_lex_init(&p.lx, src, len);
	advance(&p);
	cel_node *n = expr(&p);
	if (n && p.t.kind != T_EOF)
		n = fail(&p, p.t.start, "extraneous input %s expecting <EOF>",
			 tok_text(&p, &p.t));
	if (p.failed)
		return NULL;
	return n;
}
