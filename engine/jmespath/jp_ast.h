/*
 * jmespath/jp_ast.h - tokens, AST and JSON reading shared by the lexer,
 * parser, interpreter and functions of engine/jmespath (private to it).
 */
#ifndef KP_JP_AST_H
#define KP_JP_AST_H

#include "jmespath/jmespath.h"

/* ------------------------------------------------------------------------
 * Tokens (jp_lex.c)
 * ---------------------------------------------------------------------- */
typedef enum jp_tok {
	JT_EOF, JT_IDENT, JT_QIDENT, JT_LITERAL, JT_NUMBER, JT_DOT, JT_STAR,
	JT_LBRACKET, JT_RBRACKET, JT_FILTER, JT_FLATTEN, JT_LBRACE, JT_RBRACE,
	JT_LPAREN, JT_RPAREN, JT_COMMA, JT_COLON, JT_PIPE, JT_OR, JT_AND,
	JT_NOT, JT_EXPREF, JT_CURRENT, JT_EQ, JT_NE, JT_LT, JT_LE, JT_GT, JT_GE,
	JT_COUNT
} jp_tok;

typedef struct jp_token {
	jp_tok type;
	unsigned col;          /* 1-based column (code points) in the source */
	const char *s;         /* identifier bytes (decoded for QIDENT) */
	size_t len;
	int64_t num;           /* JT_NUMBER */
	const kp_value *lit;   /* JT_LITERAL (backtick JSON or raw string) */
} jp_token;

/* Split src into tokens (in arena a, ending with JT_EOF).  -1 with err
 * filled (syntax error and its column) on a lexical error. */
int kp_jp_lex(const char *src, size_t len, kp_arena *a, jp_token **toks,
	      size_t *n, kp_error *err);
/* The token's name for messages ("']'", "identifier", ...). */
const char *kp_jp_tok_name(jp_tok t);

/* ------------------------------------------------------------------------
 * AST (jp_parse.c builds it, jp_eval.c walks it)
 * ---------------------------------------------------------------------- */
typedef enum jp_op {
	JP_FIELD,        /* name/len; key: the name as a value (for hashes) */
	JP_CURRENT,      /* @, and the implicit right side of projections */
	JP_LITERAL,      /* lit */
	JP_SUBEXPR,      /* l . r */
	JP_INDEX_EXPR,   /* l [index or slice r] */
	JP_INDEX,        /* index */
	JP_SLICE,        /* start/stop/step with has_* */
	JP_PROJECTION,   /* l[*] r: r over each item of the list l */
	JP_VALUE_PROJ,   /* l.* r: r over each value of the object l */
	JP_FLATTEN,      /* l[] (one level) */
	JP_FILTER,       /* l[? cond] r */
	JP_MULTI_LIST,   /* [kids...] */
	JP_MULTI_HASH,   /* {keys[i]: kids[i]} */
	JP_PIPE,         /* l | r */
	JP_OR, JP_AND,   /* l || r, l && r */
	JP_NOT,          /* ! l */
	JP_CMP,          /* l cmp r */
	JP_FUNCTION,     /* fn(kids...) */
	JP_EXPREF        /* & l */
} jp_op;

struct kp_jp_node {
	jp_op op;
	jp_tok cmp;                /* JP_CMP: JT_EQ ... JT_GE */
	unsigned col;              /* 1-based column of the node's token */
	const char *name;          /* JP_FIELD */
	size_t len;
	const kp_value *lit;       /* JP_LITERAL */
	kp_jp_node *l, *r, *cond;
	kp_jp_node **kids;         /* multiselect items, function arguments */
	const kp_value **keys;     /* JP_MULTI_HASH keys (KP_STRING) */
	size_t n;
	int64_t index;             /* JP_INDEX */
	int64_t start, stop, step; /* JP_SLICE */
	bool has_start, has_stop, has_step;
	bool identity;             /* JP_CURRENT standing for a projection's
	                              missing right side (Go's ASTIdentity) */
	const kp_jp_func *fn;      /* JP_FUNCTION */
	unsigned depth;            /* height of the subtree (bounded by the
	                              parser, so evaluation recursion is) */
};

struct kp_jp {
	kp_jp_node *root;
	const char *src;
	size_t len;
	int mode;
};

/* Parse tokens into the AST (in a).  NULL with err filled and *kind set. */
kp_jp_node *kp_jp_parse(const jp_token *toks, size_t n, int mode, kp_arena *a,
			kp_jp_kind *kind, kp_error *err);

/* ------------------------------------------------------------------------
 * Errors (jp_value.c)
 * ---------------------------------------------------------------------- */
/* Fill err: code KP_E_EXPR, col, msg "<kind> error at column N: ...".
 * Returns -kind. */
int kp_jp_syntax_errorf(kp_error *err, kp_jp_kind kind, unsigned col,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Code points in s[0..n). */
size_t kp_jp_utf8_len(const char *s, size_t n);

#endif /* KP_JP_AST_H */
