/* cel/cel_lexer.c - CEL tokens and literal decoding (cel-spec langdef
 * "Syntax", cel-go's CEL.g4 lexer rules). */
#include "cel/cel_lex.h"

#include <ctype.h>

void cel_lex_init(cel_lexer *lx, const char *src, size_t len)
{
	lx->src = src;
	lx->len = len;
	lx->pos = 0;
}

static const char *const reserved[] = {
	"as", "break", "const", "continue", "else", "for", "function", "if",
	"import", "let", "loop", "package", "namespace", "return", "var",
	"void", "while", NULL
};

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static cel_tok tok(cel_tok_kind k, size_t s, size_t e)
{
	cel_tok t = {.kind = k, .start = (uint32_t)s, .end = (uint32_t)e};
	return t;
}

static cel_tok err_tok(size_t s, size_t e, const char *msg)
{
	cel_tok t = tok(T_ERROR, s, e);
	t.msg = msg;
	return t;
}

/* A string literal starting at p (after any r/b prefixes). */
static cel_tok lex_string(cel_lexer *lx, size_t start, size_t p, bool raw,
			  bool bytes)
{
	const char *s = lx->src;
	size_t n = lx->len;
	char q = s[p];
	bool triple = p + 2 < n && s[p + 1] == q && s[p + 2] == q;
	p += triple ? 3 : 1;
	while (p < n) {
		if (s[p] == '\\' && !raw) {
			p += 2;
			continue;
		}
		if (s[p] == '\\' && raw) {
			/* raw strings still cannot end with \q: the quote is kept */
			p += (p + 1 < n && s[p + 1] == q) ? 2 : 1;
			continue;
		}
		if (!triple && (s[p] == '\n' || s[p] == '\r'))
			return err_tok(start, p, "newline in string literal");
		if (s[p] == q) {
			if (!triple) {
				lx->pos = p + 1;
				return tok(bytes ? T_BYTES : T_STRING, start, p + 1);
			}
			if (p + 2 < n && s[p + 1] == q && s[p + 2] == q) {
				lx->pos = p + 3;
				return tok(bytes ? T_BYTES : T_STRING, start, p + 3);
			}
		}
		p++;
	}
	lx->pos = n;
	return err_tok(start, n, "unterminated string literal");
}

static cel_tok lex_number(cel_lexer *lx, size_t start)
{
	const char *s = lx->src;
	size_t n = lx->len, p = start;
	if (s[p] == '0' && p + 1 < n && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
		p += 2;
		size_t d = p;
		while (p < n && isxdigit((unsigned char)s[p]))
			p++;
		if (p == d)
			return err_tok(start, p, "invalid hex literal");
		if (p < n && (s[p] == 'u' || s[p] == 'U')) {
			lx->pos = p + 1;
			return tok(T_UINT, start, p + 1);
		}
		lx->pos = p;
		return tok(T_INT, start, p);
	}
	bool dbl = false;
	while (p < n && isdigit((unsigned char)s[p]))
		p++;
	if (p + 1 < n && s[p] == '.' && isdigit((unsigned char)s[p + 1])) {
		dbl = true;
		p++;
		while (p < n && isdigit((unsigned char)s[p]))
			p++;
	}
	if (p < n && (s[p] == 'e' || s[p] == 'E')) {
		size_t q = p + 1;
		if (q < n && (s[q] == '+' || s[q] == '-'))
			q++;
		if (q < n && isdigit((unsigned char)s[q])) {
			dbl = true;
			p = q;
			while (p < n && isdigit((unsigned char)s[p]))
				p++;
		}
	}
	if (!dbl && p < n && (s[p] == 'u' || s[p] == 'U')) {
		lx->pos = p + 1;
		return tok(T_UINT, start, p + 1);
	}
	lx->pos = p;
	return tok(dbl ? T_DOUBLE : T_INT, start, p);
}

cel_tok cel_lex_next(cel_lexer *lx)
{
	const char *s = lx->src;
	size_t n = lx->len;
	size_t p = lx->pos;
	for (;;) {
		while (p < n && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' ||
				 s[p] == '\r' || s[p] == '\f'))
			p++;
		if (p + 1 < n && s[p] == '/' && s[p + 1] == '/') {
			while (p < n && s[p] != '\n')
				p++;
			continue;
		}
		break;
	}
	lx->pos = p;
	if (p >= n)
		return tok(T_EOF, p, p);
	char ch = s[p];
	size_t start = p;
	/* string prefixes: r, b, rb, br in either case */
	if (ch == 'r' || ch == 'R' || ch == 'b' || ch == 'B') {
		bool raw = false, bytes = false;
		size_t q = p;
		for (int k = 0; k < 2 && q < n; k++) {
			if ((s[q] == 'r' || s[q] == 'R') && !raw)
				raw = true;
			else if ((s[q] == 'b' || s[q] == 'B') && !bytes)
				bytes = true;
			else
				break;
			q++;
			if (q < n && (s[q] == '"' || s[q] == '\''))
				return lex_string(lx, start, q, raw, bytes);
		}
	}
	if (isalpha((unsigned char)ch) || ch == '_') {
		while (p < n && (isalnum((unsigned char)s[p]) || s[p] == '_'))
			p++;
		lx->pos = p;
		size_t len = p - start;
		if (word_is(s + start, len, "true"))
			return tok(T_TRUE, start, p);
		if (word_is(s + start, len, "false"))
			return tok(T_FALSE, start, p);
		if (word_is(s + start, len, "null"))
			return tok(T_NULL, start, p);
		if (word_is(s + start, len, "in"))
			return tok(T_IN, start, p);
		cel_tok t = tok(T_IDENT, start, p);
		for (int i = 0; reserved[i]; i++)
			if (word_is(s + start, len, reserved[i]))
				t.reserved = true;
		return t;
	}
	if (isdigit((unsigned char)ch) ||
	    (ch == '.' && p + 1 < n && isdigit((unsigned char)s[p + 1])))
		return lex_number(lx, start);
	if (ch == '"' || ch == '\'')
		return lex_string(lx, start, p, false, false);
	if (ch == '`') {
		p++;
		while (p < n && s[p] != '`' && s[p] != '\n')
			p++;
		if (p >= n || s[p] != '`' || p == start + 1) {
			lx->pos = p < n ? p + 1 : n;
			return err_tok(start, p, "invalid quoted field name");
		}
		lx->pos = p + 1;
		return tok(T_ESC_IDENT, start, p + 1);
	}
	char nx = p + 1 < n ? s[p + 1] : 0;
	lx->pos = p + 1;
	switch (ch) {
	case '(': return tok(T_LPAREN, start, p + 1);
	case ')': return tok(T_RPAREN, start, p + 1);
	case '[': return tok(T_LBRACKET, start, p + 1);
	case ']': return tok(T_RBRACKET, start, p + 1);
	case '{': return tok(T_LBRACE, start, p + 1);
	case '}': return tok(T_RBRACE, start, p + 1);
	case '.': return tok(T_DOT, start, p + 1);
	case ',': return tok(T_COMMA, start, p + 1);
	case ':': return tok(T_COLON, start, p + 1);
	case '?': return tok(T_QUESTION, start, p + 1);
	case '+': return tok(T_PLUS, start, p + 1);
	case '-': return tok(T_MINUS, start, p + 1);
	case '*': return tok(T_STAR, start, p + 1);
	case '/': return tok(T_SLASH, start, p + 1);
	case '%': return tok(T_PERCENT, start, p + 1);
	case '=':
		if (nx == '=') {
			lx->pos = p + 2;
			return tok(T_EQ, start, p + 2);
		}
		break;
	case '!':
		if (nx == '=') {
			lx->pos = p + 2;
			return tok(T_NE, start, p + 2);
		}
		return tok(T_NOT, start, p + 1);
	case '<':
		if (nx == '=') {
			lx->pos = p + 2;
			return tok(T_LE, start, p + 2);
		}
		return tok(T_LT, start, p + 1);
	case '>':
		if (nx == '=') {
			lx->pos = p + 2;
			return tok(T_GE, start, p + 2);
		}
		return tok(T_GT, start, p + 1);
	case '&':
		if (nx == '&') {
			lx->pos = p + 2;
			return tok(T_AND, start, p + 2);
		}
		break;
	case '|':
		if (nx == '|') {
			lx->pos = p + 2;
			return tok(T_OR, start, p + 2);
		}
		break;
	}
	return err_tok(start, p + 1, "token recognition error");
}

/* ---- literal decoding ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *cel_lex_decode(kp_arena *a, const char *src, const cel_tok *t,
		     size_t *out_len, const char **msg, size_t *at)
{
	const char *s = src + t->start;
	size_t n = t->end - t->start;
	bool raw = false, bytes = false;
	while (*s != '"' && *s != '\'') {
		if (*s == 'r' || *s == 'R')
			raw = true;
		else
			bytes = true;
		s++;
		n--;
	}
	size_t ql = (n >= 6 && s[1] == s[0] && s[2] == s[0]) ? 3 : 1;
	const char *p = s + ql, *e = s + n - ql;
	char *out = kp_arena_alloc(a, (size_t)(e - p) + 1);
	size_t o = 0;
	while (p < e) {
		if (*p != '\\' || raw) {
			if (*p == '\r' && !raw) {
				/* CR and CRLF in (triple-quoted) literals read as LF */
				out[o++] = '\n';
				p += (p + 1 < e && p[1] == '\n') ? 2 : 1;
				continue;
			}
			out[o++] = *p++;
			continue;
		}
		const char *esc = p;
		p++;
		if (p >= e)
			goto bad;
		char c = *p++;
		uint32_t cp = 0;
		int digits = 0;
		bool byte = false;
		switch (c) {
		case 'a': out[o++] = '\a'; continue;
		case 'b': out[o++] = '\b'; continue;
		case 'f': out[o++] = '\f'; continue;
		case 'n': out[o++] = '\n'; continue;
		case 'r': out[o++] = '\r'; continue;
		case 't': out[o++] = '\t'; continue;
		case 'v': out[o++] = '\v'; continue;
		case '\\': case '?': case '"': case '\'': case '`':
			out[o++] = c;
			continue;
		case 'x': case 'X': digits = 2; byte = true; break;
		case 'u': digits = 4; break;
		case 'U': digits = 8; break;
		default:
			if (c >= '0' && c <= '3') {
				if (e - p < 2 || p[0] < '0' || p[0] > '7' ||
				    p[1] < '0' || p[1] > '7')
					goto bad;
				cp = (uint32_t)((c - '0') * 64 + (p[0] - '0') * 8 + (p[1] - '0'));
				p += 2;
				byte = true;
				goto emit;
			}
			goto bad;
		}
		if (bytes && !byte)
			goto bad;   /* \u and \U are not allowed in bytes */
		if (e - p < digits)
			goto bad;
		for (int k = 0; k < digits; k++) {
			int h = hexval(p[k]);
			if (h < 0)
				goto bad;
			cp = cp * 16 + (uint32_t)h;
		}
		p += digits;
emit:
		if (bytes && byte) {
			out[o++] = (char)cp;
			continue;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
			p = esc;
			goto bad;
		}
		/* \x and octal escapes give code points in strings: the buffer has
		 * room, an escape is at least as long as its UTF-8 encoding */
		o += kp_utf8_put(out + o, cp);
		continue;
bad:
		*msg = "invalid escape sequence";
		*at = (size_t)(esc - src);
		return NULL;
	}
	out[o] = 0;
	if (!bytes && !cel_utf8_valid(out, o)) {
		*msg = "invalid UTF-8 in string literal";
		*at = t->start;
		return NULL;
	}
	*out_len = o;
	return out;
}
