/* jp_lex.c - the JMESPath lexer: source text to tokens, with backtick
 * JSON literals and raw strings decoded here (once, at compile time). */
#include "jmespath/jp_ast.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const tok_names[JT_COUNT] = {
	[JT_EOF] = "end of expression", [JT_IDENT] = "identifier",
	[JT_QIDENT] = "quoted identifier", [JT_LITERAL] = "literal",
	[JT_NUMBER] = "number", [JT_DOT] = "'.'", [JT_STAR] = "'*'",
	[JT_LBRACKET] = "'['", [JT_RBRACKET] = "']'", [JT_FILTER] = "'[?'",
	[JT_FLATTEN] = "'[]'", [JT_LBRACE] = "'{'", [JT_RBRACE] = "'}'",
	[JT_LPAREN] = "'('", [JT_RPAREN] = "')'", [JT_COMMA] = "','",
	[JT_COLON] = "':'", [JT_PIPE] = "'|'", [JT_OR] = "'||'", [JT_AND] = "'&&'",
	[JT_NOT] = "'!'", [JT_EXPREF] = "'&'", [JT_CURRENT] = "'@'",
	[JT_EQ] = "'=='", [JT_NE] = "'!='", [JT_LT] = "'<'", [JT_LE] = "'<='",
	[JT_GT] = "'>'", [JT_GE] = "'>='",
};

const char *kp_jp_tok_name(jp_tok t)
{
	return t < JT_COUNT ? tok_names[t] : "?";
}

typedef struct lexer {
	const char *src, *p, *end;
	kp_arena *a;
	kp_error *err;
	jp_token *toks;
	size_t n, cap;
	const char *col_at;        /* columns are counted incrementally: */
	unsigned col;              /* col_at is at 1-based column col */
} lexer;

/* Tokens come in source order, so counting on from the last position
 * keeps the lexer linear. */
static unsigned col_of(lexer *lx, const char *at)
{
	if (!lx->col_at || at < lx->col_at) {
		lx->col_at = lx->src;
		lx->col = 1;
	}
	lx->col += (unsigned)kp_jp_utf8_len(lx->col_at, (size_t)(at - lx->col_at));
	lx->col_at = at;
	return lx->col;
}

static jp_token *push(lexer *lx, jp_tok t, const char *at)
{
	if (lx->n == lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 16;
		jp_token *nt = kp_arena_alloc(lx->a, cap * sizeof(*nt));
		if (lx->n)
			memcpy(nt, lx->toks, lx->n * sizeof(*nt));
		lx->toks = nt;
		lx->cap = cap;
	}
	jp_token *tk = &lx->toks[lx->n++];
	memset(tk, 0, sizeof(*tk));
	tk->type = t;
	tk->col = col_of(lx, at);
	return tk;
}

static int fail(lexer *lx, const char *at, const char *fmt, const char *what)
{
	return kp_jp_syntax_errorf(lx->err, KP_JP_E_SYNTAX, col_of(lx, at), fmt, what);
}

/* Scan to the closing `delim` (a backslash escapes the next byte). */
static const char *until(lexer *lx, const char *p, char delim)
{
	while (p < lx->end && *p != delim) {
		if (*p == '\\' && p + 1 < lx->end)
			p++;
		p++;
	}
	return p < lx->end ? p : NULL;
}

/* "..." : a JSON string naming a key. */
static int quoted_ident(lexer *lx)
{
	const char *b = lx->p;
	const char *e = until(lx, b + 1, '"');
	if (!e)
		return fail(lx, b, "%s", "unterminated quoted identifier");
	kp_value *v = kp_json_parse(lx->a, b, (size_t)(e + 1 - b));
	if (!v || v->type != KP_STRING)
		return fail(lx, b, "%s", "invalid quoted identifier");
	jp_token *t = push(lx, JT_QIDENT, b);
	t->s = v->u.s.ptr;
	t->len = v->u.s.len;
	t->lit = v;
	lx->p = e + 1;
	return 0;
}

/* '...' : a raw string; only \' is an escape (for a quote). */
static int raw_string(lexer *lx)
{
	const char *b = lx->p;
	const char *e = until(lx, b + 1, '\'');
	if (!e)
		return fail(lx, b, "%s", "unterminated raw string literal");
	char *buf = kp_arena_alloc(lx->a, (size_t)(e - b));
	size_t n = 0;
	for (const char *p = b + 1; p < e; p++) {
		if (*p == '\\' && p + 1 < e && p[1] == '\'')
			p++;
		buf[n++] = *p;
	}
	jp_token *t = push(lx, JT_LITERAL, b);
	t->lit = kp_jp_new_str(lx->a, buf, n);
	lx->p = e + 1;
	return 0;
}

/* `...` : JSON with \` for a backtick; text that is not JSON is taken as
 * the contents of a JSON string (the spec's deprecated legacy form). */
static int json_literal(lexer *lx)
{
	const char *b = lx->p;
	const char *e = until(lx, b + 1, '`');
	if (!e)
		return fail(lx, b, "%s", "unterminated JSON literal");
	size_t cap = (size_t)(e - b) + 2;
	char *buf = kp_arena_alloc(lx->a, cap + 1);
	size_t n = 0;
	buf[n++] = '"';
	for (const char *p = b + 1; p < e; p++) {
		if (*p == '\\' && p + 1 < e && p[1] == '`')
			p++;
		buf[n++] = *p;
	}
	buf[n++] = '"';
	kp_value *v = kp_json_parse(lx->a, buf + 1, n - 2);
	if (!v) {
		/* legacy: the raw text as a JSON string's contents (leading
		 * spaces dropped, as jmespath.py does) */
		size_t skip = 1;
		while (skip < n - 1 && (buf[skip] == ' ' || buf[skip] == '\t' ||
					buf[skip] == '\n' || buf[skip] == '\r'))
			skip++;
		buf[skip - 1] = '"';
		v = kp_json_parse(lx->a, buf + skip - 1, n - skip + 1);
		if (!v)
			return fail(lx, b, "%s", "invalid JSON literal");
	}
	jp_token *t = push(lx, JT_LITERAL, b);
	t->lit = v;
	lx->p = e + 1;
	return 0;
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int number(lexer *lx)
{
	const char *b = lx->p, *p = b;
	if (*p == '-')
		p++;
	if (p >= lx->end || !is_digit(*p))
		return fail(lx, b, "%s", "'-' must be followed by a digit");
	while (p < lx->end && is_digit(*p))
		p++;
	char tmp[64];
	size_t n = (size_t)(p - b);
	if (n >= sizeof tmp)
		return fail(lx, b, "%s", "number too large");
	memcpy(tmp, b, n);
	tmp[n] = 0;
	errno = 0;
	long long v = strtoll(tmp, NULL, 10);
	if (errno)
		return fail(lx, b, "%s", "number too large");
	jp_token *t = push(lx, JT_NUMBER, b);
	t->num = v;
	lx->p = p;
	return 0;
}

/* one- or two-character operator: `second` after `c` gives t2, else t1 */
static void op2(lexer *lx, char second, jp_tok t2, jp_tok t1)
{
	const char *b = lx->p;
	if (b + 1 < lx->end && b[1] == second) {
		push(lx, t2, b);
		lx->p += 2;
	} else {
		push(lx, t1, b);
		lx->p++;
	}
}

int kp_jp_lex(const char *src, size_t len, kp_arena *a, jp_token **toks, size_t *n,
	      kp_error *err)
{
	lexer lx = {.src = src, .p = src, .end = src + len, .a = a, .err = err};
	while (lx.p < lx.end) {
		char c = *lx.p;
		int rc = 0;
		switch (c) {
		case ' ': case '\t': case '\n': case '\r':
			lx.p++;
			continue;
		case '.': push(&lx, JT_DOT, lx.p++); break;
		case '*': push(&lx, JT_STAR, lx.p++); break;
		case ']': push(&lx, JT_RBRACKET, lx.p++); break;
		case ',': push(&lx, JT_COMMA, lx.p++); break;
		case ':': push(&lx, JT_COLON, lx.p++); break;
		case '@': push(&lx, JT_CURRENT, lx.p++); break;
		case '(': push(&lx, JT_LPAREN, lx.p++); break;
		case ')': push(&lx, JT_RPAREN, lx.p++); break;
		case '{': push(&lx, JT_LBRACE, lx.p++); break;
		case '}': push(&lx, JT_RBRACE, lx.p++); break;
		case '[':
			if (lx.p + 1 < lx.end && lx.p[1] == '?')
				op2(&lx, '?', JT_FILTER, JT_LBRACKET);
			else
				op2(&lx, ']', JT_FLATTEN, JT_LBRACKET);
			break;
		case '|': op2(&lx, '|', JT_OR, JT_PIPE); break;
		case '&': op2(&lx, '&', JT_AND, JT_EXPREF); break;
		case '!': op2(&lx, '=', JT_NE, JT_NOT); break;
		case '<': op2(&lx, '=', JT_LE, JT_LT); break;
		case '>': op2(&lx, '=', JT_GE, JT_GT); break;
		case '=':
			if (lx.p + 1 < lx.end && lx.p[1] == '=') {
				op2(&lx, '=', JT_EQ, JT_EQ);
				break;
			}
			return fail(&lx, lx.p, "%s", "unexpected '=' (did you mean '=='?)");
		case '"': rc = quoted_ident(&lx); break;
		case '\'': rc = raw_string(&lx); break;
		case '`': rc = json_literal(&lx); break;
		default:
			if (is_ident_start(c)) {
				const char *b = lx.p;
				while (lx.p < lx.end && (is_ident_start(*lx.p) || is_digit(*lx.p)))
					lx.p++;
				jp_token *t = push(&lx, JT_IDENT, b);
				t->s = b;
				t->len = (size_t)(lx.p - b);
			} else if (c == '-' || is_digit(c)) {
				rc = number(&lx);
			} else {
				char what[8];
				unsigned char uc = (unsigned char)c;
				if (uc >= 0x20 && uc < 0x7f)
					snprintf(what, sizeof what, "'%c'", c);
				else
					snprintf(what, sizeof what, "0x%02x", uc);
				return fail(&lx, lx.p, "unexpected character %s", what);
			}
		}
		if (rc)
			return rc;
	}
	push(&lx, JT_EOF, lx.end);
	*toks = lx.toks;
	*n = lx.n;
	return 0;
}
