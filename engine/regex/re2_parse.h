/*
 * regex/re2_parse.h - the state of the Go-syntax parser, shared by
 * re2_translate.c (the main loop: literals, escapes, repeats, groups,
 * limits) and re2_classes.c (character classes).  Private to engine/regex/.
 */
#ifndef KP_RE2_PARSE_H
#define KP_RE2_PARSE_H

#include "regex/re_internal.h"

enum {
	F_FOLD = 1,      /* (?i) */
	F_MULTI = 2,     /* (?m): ^ $ at line boundaries */
	F_DOTNL = 4,     /* (?s) */
	F_UNGREEDY = 8,  /* (?U) */
};

#define MAX_REPEAT 1000  /* Go's maxRepeat */
#define MAX_HEIGHT 1000  /* Go's maxHeight: parse tree height */
#define MAX_SIZE (128u * 1024 * 1024 / 40) /* Go's maxSize: program instructions */
#define NO_POS ((size_t)-1)

/* What Go's parser would build at one level (inside a group, or the
 * whole pattern): its limits (size, height, repeat product) are computed
 * on the fly, as Go computes them on its parse tree. */
typedef struct kp_re2_level {
	uint64_t alt_size;     /* completed branches: summed sizes */
	unsigned alt_height;   /* ... and largest height */
	unsigned nbranch;
	uint64_t br_size;      /* the current branch's committed atoms */
	unsigned br_height;
	unsigned br_count;
	bool br_last_lit;      /* its last atom a literal (Go merges those) */
	bool br_last_fold;
	unsigned long prod;    /* largest repeat product inside */
} kp_re2_level;

typedef struct kp_re2_group {
	unsigned flags;     /* Go flags to restore at ')' */
	bool pcre_fold;     /* emitted (?i) state to restore at ')' */
	bool capture;
	size_t out_open;    /* output offset of the '(' */
	size_t pat_open;    /* pattern offset of the '(' */
	kp_re2_level outer;     /* the enclosing level */
} kp_re2_group;

typedef struct kp_re2_parser {
	const unsigned char *pat;
	size_t len;
	kp_error *err;
	kp_buf out;
	unsigned flags;
	bool pcre_fold;

	/* the atom a quantifier would apply to (Go's stack top) */
	bool have_atom;
	bool atom_rep;       /* already quantified: wrap before quantifying */
	bool atom_assert;    /* an assertion: wrap before quantifying */
	size_t atom_start;   /* output offset */
	unsigned long atom_prod; /* largest product of counted repeats inside */
	uint64_t atom_size;      /* Go's program size of the atom */
	unsigned atom_height;    /* Go's parse tree height of the atom */
	bool atom_lit;           /* an unrepeated literal */
	bool atom_fold;
	kp_re2_level lvl;

	size_t last_repeat;  /* pattern offset of the previous token if it was
	                        a quantifier, else NO_POS */

	kp_re2_group *groups;
	size_t ngroups, capgroups;

	size_t ncap, capnames;
	size_t (*names)[2];  /* per capture: name offset + 1 (0 unnamed), length */
} kp_re2_parser;

/* Go's error codes (regexp/syntax ErrorCode) */
#define E_CHAR_RANGE "invalid character class range"
#define E_ESCAPE "invalid escape sequence"
#define E_NAMED_CAPTURE "invalid named capture"
#define E_PERL_OP "invalid or unsupported Perl syntax"
#define E_REPEAT_OP "invalid nested repetition operator"
#define E_REPEAT_SIZE "invalid repeat count"
#define E_UTF8 "invalid UTF-8"
#define E_MISSING_BRACKET "missing closing ]"
#define E_MISSING_PAREN "missing closing )"
#define E_REPEAT_ARG "missing argument to repetition operator"
#define E_TRAILING_BACKSLASH "trailing backslash at end of expression"
#define E_UNEXPECTED_PAREN "unexpected )"
#define E_NESTING "expression nests too deeply"

/* Fail with Go's message "error parsing regexp: CODE: `EXPR`", EXPR the
 * pattern bytes [off, off + n), col the 1-based offset col_at + 1.  -1. */
int kp_re2_fail_at(kp_re2_parser *t, const char *code, size_t off, size_t n, size_t col_at);
/* The same with EXPR [off, end) and col at off. */
int kp_re2_fail(kp_re2_parser *t, const char *code, size_t off, size_t end);
/* Go's nextRune: the rune at *pos, advancing; -2 (with the error filled)
 * on invalid UTF-8, -1 at the end. */
int32_t kp_re2_next(kp_re2_parser *t, size_t *pos);
void kp_re2_out(kp_re2_parser *t, const char *s);
/* Emit (?i) / (?-i) so that PCRE2's caseless state is Go's FoldCase. */
void kp_re2_sync_fold(kp_re2_parser *t);
/* Start a new atom (what a quantifier applies to) at the output's end. */
void kp_re2_atom_begin(kp_re2_parser *t, bool assertion);
/* Go's parseEscape at *pos (a backslash): the code point, or -1 (err). */
int32_t kp_re2_escape(kp_re2_parser *t, size_t *pos);

/* Go's parseClass at *pos ('['): emits a PCRE2 class; -1 on error. */
int kp_re2_class(kp_re2_parser *t, size_t *pos);
/* A class escape standing alone (\d, \pL) at *pos, emitted as [...]:
 * 1 done, 0 not one (an ordinary escape), -1 error. */
int kp_re2_class_escape(kp_re2_parser *t, size_t *pos);

#endif /* KP_RE2_PARSE_H */
