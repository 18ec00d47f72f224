/*
 * jmespath/jmespath.h - our JMESPath engine (private).
 *
 * Compile once (kp_jp_compile: lexer, Pratt parser with the spec's binding
 * powers, function calls resolved to their kp_jp_func rows, identifiers
 * pre-measured), evaluate many times (kp_jp_eval: a tree walk over the
 * document, no parsing, results only in the caller's scratch arena).
 *
 * Dialects (the `mode` argument, see jp_func.h):
 *   KP_JP_PLAIN    the JMESPath specification (jmespath.test passes).
 *   KP_JP_KYVERNO  kyverno/go-jmespath as Kyverno uses it
 *                  (docs/kyverno-jmespath.md section 1): a field missing
 *                  from an object is a NotFoundError, not null; it goes up
 *                  through sub-expressions and index expressions and is
 *                  turned into null by comparators, function arguments, the
 *                  left side of || and &&, !, pipes, projections and
 *                  multiselects.  to_string renders as Go's encoding/json
 *                  (sorted keys).  Kyverno's custom functions are visible.
 *
 * Thread-safety: a compiled kp_jp is read-only after kp_jp_compile; threads
 * may evaluate it at once, each with its own scratch arena.
 */
#ifndef KP_JMESPATH_H
#define KP_JMESPATH_H

#include "jmespath/jp_func.h"

typedef struct kp_jp kp_jp;

/* Compile `expr` (len bytes, UTF-8; need not be NUL-terminated) for `mode`.
 * Everything compiled lives in arena `a`.  NULL on error: *kind (if not
 * NULL) is KP_JP_E_SYNTAX, _UNKNOWN_FUNCTION or _INVALID_ARITY, err->code
 * KP_E_EXPR, err->col the 1-based column (code points, counted from the
 * start of expr) of the offending token, err->expr_line / expr_col the
 * line of expr holding it and the column in that line, and err->msg says
 * "syntax error at column N: ...". */
kp_jp *kp_jp_compile(const char *expr, size_t len, int mode, kp_arena *a,
		     kp_jp_kind *kind, kp_error *err);

/* Evaluate e against `data` (the root and the first current node; may be
 * NULL, meaning null).  Results and temporaries go to `scratch` (reset it
 * between evaluations as you like); *out may also point into `data` or the
 * compiled expression, so it is valid while all three live.  Returns 0, or
 * -kind with err filled (code KP_E_EXPR, msg "<kind> error ...", or
 * Kyverno's wording for a missing key or a custom function's failure;
 * col / expr_line / expr_col at the failing node when known). */
int kp_jp_eval(const kp_jp *e, const kp_value *data, kp_arena *scratch,
	       const kp_value **out, kp_error *err);

/* The source text and mode of a compiled expression. */
const char *kp_jp_source(const kp_jp *e);
int kp_jp_mode(const kp_jp *e);

/* Append the AST of e to *sb as go-jmespath's ASTNode.PrettyPrint writes
 * it (what `kyverno jp parse` prints): "ASTField {", "  value: \"foo\"",
 * "  children: {" (never closed, as upstream), "}"; two spaces per level.
 * Our tree is the reference parser's, so a few shapes differ from Go's
 * (a slice's value prints its numbers, not Go pointers). */
void kp_jp_dump(const kp_jp *e, kp_buf *sb);

#endif /* KP_JMESPATH_H */
