/* cel/cel_lex.h - CEL tokens (cel_lexer.c), shared by the parser. */
#ifndef KP_CEL_LEX_H
#define KP_CEL_LEX_H

#include "cel/cel_int.h"

typedef enum cel_tok_kind {
	T_EOF, T_ERROR, T_INT, T_UINT, T_DOUBLE, T_STRING, T_BYTES, T_IDENT,
	T_ESC_IDENT,  /* `backtick quoted` field name */
	T_TRUE, T_FALSE, T_NULL, T_IN,
	T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_LBRACE, T_RBRACE,
	T_DOT, T_COMMA, T_COLON, T_QUESTION,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_NOT,
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT
} cel_tok_kind;

typedef struct cel_tok {
	cel_tok_kind kind;
	uint32_t start, end;   /* byte offsets in the source */
	bool reserved;         /* T_IDENT that is a reserved word */
	const char *msg;       /* T_ERROR: what is wrong */
} cel_tok;

typedef struct cel_lexer {
	const char *src;
	size_t len, pos;
} cel_lexer;

void cel_lex_init(cel_lexer *lx, const char *src, size_t len);
cel_tok cel_lex_next(cel_lexer *lx);

/* Decode a string or bytes literal token's text (prefixes, quotes,
 * escapes) into the arena.  NULL with *msg and *at (byte offset) on a bad
 * escape or, for strings, invalid UTF-8. */
char *cel_lex_decode(kp_arena *a, const char *src, const cel_tok *t,
		     size_t *out_len, const char **msg, size_t *at);

#endif
