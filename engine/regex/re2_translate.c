/*
 * re2_translate.c - Go regexp syntax (RE2, regexp.Compile's Perl flags)
 * to an equivalent PCRE2 pattern.
 *
 * The parser follows Go's regexp/syntax/parse.go step by step, so that it
 * accepts and rejects the same patterns with the same messages.  Instead
 * of a tree it writes PCRE2 source, spelling every Go flag out so that the
 * result means the same under PCRE2_UTF alone:
 *   ^ $ (with and without (?m))  ->  \A \z / (?<![^\n]) (?![^\n])
 *   .  (with and without (?s))   ->  (?s:.) / [^\n]
 *   (?U) and lazy suffixes       ->  explicit greedy or lazy quantifiers
 *   (?i)                         ->  (?i) / (?-i) toggles before the atoms
 *                                    whose case matters
 *   \d \s \w, [[:alpha:]] ...    ->  explicit ASCII ranges (Go's are ASCII;
 *                                    PCRE2's \s also has \v)
 *   named groups                 ->  plain groups (names kept aside; Go
 *                                    allows duplicates, PCRE2 does not)
 * Quantified assertions and re-quantified atoms (Go's `a*(?i)*`) are
 * wrapped in (?:...), which PCRE2 requires.
 */
#include "regex/re2_parse.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- UTF-8 */

size_t kp_re_encode(uint32_t r, unsigned char u[4])
{
	return kp_utf8_put((char *)u, r);
}

int32_t kp_re_decode(const unsigned char *s, size_t n, size_t *size)
{
	if (!n) {
		*size = 0;
		return -1;
	}
	unsigned c = s[0];
	*size = 1;
	if (c < 0x80)
		return (int32_t)c;
	unsigned need, lo = 0x80, hi = 0xBF;
	uint32_t r;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		r = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		r = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		r = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return -1;
	}
	if (n < need + 1 || s[1] < lo || s[1] > hi)
		return -1;
	for (unsigned i = 1; i <= need; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
			return -1;
		r = r << 6 | (s[i] & 0x3F);
	}
	*size = need + 1;
	return (int32_t)r;
}

/* ---------------------------------------------------------------- errors */

/* Go's message: "error parsing regexp: CODE: `EXPR`", col the 1-based
 * offset of EXPR (or `col_at` when EXPR is the whole pattern). */
int kp_re2_fail_at(kp_re2_parser *t, const char *code, size_t off, size_t n, size_t col_at)
{
	if (off > t->len)
		off = t->len;
	if (n > t->len - off)
		n = t->len - off;
	char expr[768];
	size_t w = 0;
	for (size_t i = 0; i < n && w + 8 < sizeof expr;) {
		size_t sz;
		int32_t r = kp_re_decode(t->pat + off + i, n - i, &sz);
		if (r < 0) {
			w += (size_t)snprintf(expr + w, sizeof expr - w, "\\x%02x", t->pat[off + i]);
			i++;
		} else {
			memcpy(expr + w, t->pat + off + i, sz);
			w += sz;
			i += sz;
		}
		if (w + 8 >= sizeof expr && i < n) {
			memcpy(expr + w, "...", 3);
			w += 3;
			break;
		}
	}
	expr[w] = 0;
	kp_errorf(t->err, KP_E_PATTERN, NULL, 0, (unsigned)(col_at + 1),
		  "error parsing regexp: %s: `%s`", code, expr);
	return -1;
}

int kp_re2_fail(kp_re2_parser *t, const char *code, size_t off, size_t end)
{
	return kp_re2_fail_at(t, code, off, end - off, off);
}

/* Go's nextRune: the rune at *pos, advancing; -2 (with the error filled)
 * on invalid UTF-8, -1 at the end. */
int32_t kp_re2_next(kp_re2_parser *t, size_t *pos)
{
	size_t sz;
	int32_t r = kp_re_decode(t->pat + *pos, t->len - *pos, &sz);
	if (r < 0 && sz == 1) {
		kp_re2_fail(t, E_UTF8, *pos, t->len);
		return -2;
	}
	*pos += sz;
	return r;
}

/* ---------------------------------------------------------------- output */

void kp_re2_out(kp_re2_parser *t, const char *s)
{
	kp_buf_puts(&t->out, s);
}

/* Emit (?i) / (?-i) so that PCRE2's caseless state is Go's FoldCase. */
void kp_re2_sync_fold(kp_re2_parser *t)
{
	bool want = t->flags & F_FOLD;
	if (want != t->pcre_fold) {
		kp_re2_out(t, want ? "(?i)" : "(?-i)");
		t->pcre_fold = want;
	}
}

/* The atom can no longer be repeated: add it to the current branch. */
static void atom_commit(kp_re2_parser *t)
{
	if (!t->have_atom)
		return;
	kp_re2_level *l = &t->lvl;
	l->br_size += t->atom_size;
	bool fold = t->atom_fold;
	if (!(t->atom_lit && l->br_last_lit && l->br_last_fold == fold)) {
		if (t->atom_height > l->br_height)
			l->br_height = t->atom_height;
		l->br_count++;
	}
	l->br_last_lit = t->atom_lit;
	l->br_last_fold = fold;
	if (t->atom_prod > l->prod)
		l->prod = t->atom_prod;
	t->have_atom = false;
}

/* End of a branch (at '|', ')' and the end). */
static void branch_end(kp_re2_parser *t)
{
	atom_commit(t);
	kp_re2_level *l = &t->lvl;
	uint64_t size = l->br_count ? l->br_size : 1;
	unsigned height = l->br_count > 1 ? l->br_height + 1 : l->br_count ? l->br_height : 1;
	l->alt_size += size;
	if (height > l->alt_height)
		l->alt_height = height;
	l->nbranch++;
	l->br_size = l->br_height = l->br_count = 0;
	l->br_last_lit = false;
}

/* Go's checkLimits on a node of that size and height. */
static int check_limits(kp_re2_parser *t, uint64_t size, unsigned height, size_t at)
{
	if (size > MAX_SIZE)
		return kp_re2_fail_at(t, "expression too large", 0, t->len, at);
	if (height > MAX_HEIGHT)
		return kp_re2_fail_at(t, E_NESTING, 0, t->len, at);
	return 0;
}

/* The atom a level makes when it closes (size, height), checked. */
static int level_end(kp_re2_parser *t, uint64_t *size, unsigned *height, size_t at)
{
	branch_end(t);
	kp_re2_level *l = &t->lvl;
	*size = l->alt_size;
	*height = l->alt_height;
	if (l->nbranch > 1) {
		*size += l->nbranch - 1;
		*height += 1;
	}
	return check_limits(t, *size, *height, at);
}

void kp_re2_atom_begin(kp_re2_parser *t, bool assertion)
{
	atom_commit(t);
	t->have_atom = true;
	t->atom_rep = false;
	t->atom_assert = assertion;
	t->atom_start = t->out.len;
	t->atom_prod = 1;
	t->atom_size = 1;
	t->atom_height = 1;
	t->atom_lit = false;
	t->atom_fold = t->flags & F_FOLD;
}

static bool is_surrogate(uint32_t r)
{
	return r >= 0xD800 && r <= 0xDFFF;
}

/* One code point outside a class. */
static void emit_literal(kp_re2_parser *t, uint32_t r)
{
	bool cased = r >= 0x80 || (r | 0x20) - 'a' < 26;
	if (cased)
		kp_re2_sync_fold(t);
	if (is_surrogate(r)) {
		/* Go accepts \x{D800}, which no UTF-8 text contains */
		kp_re2_atom_begin(t, true);
		t->atom_lit = true;
		kp_re2_out(t, "(?!)");
		return;
	}
	kp_re2_atom_begin(t, false);
	t->atom_lit = true;
	if (r < 0x80 && ((r | 0x20) - 'a' < 26 || r - '0' < 10))
		kp_buf_add(&t->out, (char[]){(char)r}, 1);
	else if (r > 0x20 && r < 0x7F)
		kp_buf_add(&t->out, (char[]){'\\', (char)r}, 2);
	else if (r < 0x80)
		kp_buf_printf(&t->out, "\\x{%x}", (unsigned)r);
	else {
		unsigned char u[4];
		kp_buf_add(&t->out, (const char *)u, kp_re_encode(r, u));
	}
}

static int unhex(int32_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_alnum(int32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Go's parseEscape at *pos (a backslash): the rune, or -1 with err. */
int32_t kp_re2_escape(kp_re2_parser *t, size_t *pos)
{
	size_t s = *pos, p = s + 1;
	if (p >= t->len) {
		kp_re2_fail_at(t, E_TRAILING_BACKSLASH, s, 0, s);
		return -1;
	}
	int32_t c = kp_re2_next(t, &p);
	if (c == -2)
		return -1;
	int32_t r = 0;
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		/* a lone non-zero digit is a backreference: unsupported */
		if (p >= t->len || t->pat[p] < '0' || t->pat[p] > '7')
			break;
		/* fallthrough */
	case '0':
		r = c - '0';
		for (int i = 1; i < 3 && p < t->len && t->pat[p] >= '0' && t->pat[p] <= '7'; i++)
			r = r * 8 + (t->pat[p++] - '0');
		*pos = p;
		return r;
	case 'x': {
		if (p >= t->len)
			break;
		c = kp_re2_next(t, &p);
		if (c == -2)
			return -1;
		if (c == '{') {
			int nhex = 0;
			for (;;) {
				if (p >= t->len)
					goto bad;
				c = kp_re2_next(t, &p);
				if (c == -2)
					return -1;
				if (c == '}')
					break;
				int v = unhex(c);
				if (v < 0)
					goto bad;
				r = r * 16 + v;
				if (r > 0x10FFFF)
					goto bad;
				nhex++;
			}
			if (!nhex)
				break;
			*pos = p;
			return r;
		}
		int x = unhex(c);
		c = kp_re2_next(t, &p);
		if (c == -2)
			return -1;
		int y = unhex(c);
		if (x < 0 || y < 0)
			break;
		*pos = p;
		return x * 16 + y;
	}
	case 'a': r = '\a'; goto ok;
	case 'f': r = '\f'; goto ok;
	case 'n': r = '\n'; goto ok;
	case 'r': r = '\r'; goto ok;
	case 't': r = '\t'; goto ok;
	case 'v': r = '\v'; goto ok;
	default:
		if (c < 0x80 && !is_alnum(c)) {
			r = c;
			goto ok;
		}
		break;
	}
bad:
	kp_re2_fail(t, E_ESCAPE, s, p);
	return -1;
ok:
	*pos = p;
	return r;
}

/* ---------------------------------------------------------------- repeats */

/* Go's parseRepeat at pos ('{'): {n}, {n,}, {n,m}; false when not of that
 * form (then '{' is a literal).  *min = -1 when a number is too big. */
static bool parse_repeat(kp_re2_parser *t, size_t pos, long *min, long *max, size_t *end)
{
	size_t p = pos + 1;
	long *dst[2] = {min, max};
	for (int k = 0; k < 2; k++) {
		if (k == 1) {
			if (p >= t->len)
				return false;
			if (t->pat[p] != ',') {
				*max = *min;
				break;
			}
			p++;
			if (p >= t->len)
				return false;
			if (t->pat[p] == '}') {
				*max = -1;
				break;
			}
		}
		if (p >= t->len || t->pat[p] < '0' || t->pat[p] > '9')
			return false;
		if (t->pat[p] == '0' && p + 1 < t->len && t->pat[p + 1] >= '0' && t->pat[p + 1] <= '9')
			return false;
		long n = 0;
		for (; p < t->len && t->pat[p] >= '0' && t->pat[p] <= '9'; p++)
			if (n >= 0)
				n = n >= 100000000 ? -1 : n * 10 + (t->pat[p] - '0');
		*dst[k] = n;
		if (k == 1 && n < 0)
			*min = -1;
	}
	if (p >= t->len || t->pat[p] != '}')
		return false;
	*end = p + 1;
	return true;
}

/* Go's repeat(): applies a quantifier (pattern [op, *pos)) to the atom.
 * brace: {min,max} (max -1 unbounded); otherwise op is * + ?. */
static int apply_repeat(kp_re2_parser *t, size_t op, size_t *pos, bool brace, long min, long max)
{
	bool lazy = t->flags & F_UNGREEDY;
	size_t p = *pos;
	if (p < t->len && t->pat[p] == '?') {
		p++;
		lazy = !lazy;
	}
	if (t->last_repeat != NO_POS)
		return kp_re2_fail(t, E_REPEAT_OP, t->last_repeat, p);
	if (!t->have_atom)
		return kp_re2_fail(t, E_REPEAT_ARG, op, p);
	/* Go's calcSize and calcHeight of the new node */
	uint64_t sub = t->atom_size, size;
	if (!brace)
		size = (t->pat[op] == '*' ? 2 : 1) + sub;
	else if (max < 0)
		size = min == 0 ? 2 + sub : 1 + (uint64_t)min * sub;
	else
		size = (uint64_t)max * sub + (uint64_t)(max - min);
	t->atom_size = size ? size : 1;
	t->atom_height++;
	t->atom_lit = false;
	if (check_limits(t, t->atom_size, t->atom_height, op) < 0)
		return -1;
	if (brace) {
		if (max == 0) {
			t->atom_prod = 1; /* Go's repeatIsValid stops at x{0} */
		} else {
			unsigned long m = (unsigned long)(max < 0 ? min : max);
			unsigned long prod = t->atom_prod * (m ? m : 1);
			if ((min >= 2 || max >= 2) && prod > MAX_REPEAT)
				return kp_re2_fail(t, E_REPEAT_SIZE, op, p);
			t->atom_prod = prod > MAX_REPEAT ? MAX_REPEAT + 1 : prod;
		}
	}
	if (t->atom_rep || t->atom_assert) {
		size_t n = t->out.len - t->atom_start;
		kp_buf_add(&t->out, "...", 3);
		memmove(t->out.data + t->atom_start + 3, t->out.data + t->atom_start, n);
		memcpy(t->out.data + t->atom_start, "(?:", 3);
		kp_re2_out(t, ")");
	}
	if (!brace) {
		kp_buf_add(&t->out, (const char *)t->pat + op, 1);
	} else if (max == min) {
		kp_buf_printf(&t->out, "{%ld}", min);
	} else if (max < 0) {
		kp_buf_printf(&t->out, "{%ld,}", min);
	} else {
		kp_buf_printf(&t->out, "{%ld,%ld}", min, max);
	}
	if (lazy)
		kp_re2_out(t, "?");
	t->atom_rep = true;
	t->atom_assert = false;
	*pos = p;
	return 0;
}

/* ---------------------------------------------------------------- groups */

static void push_group(kp_re2_parser *t, size_t pat_open, unsigned saved_flags, bool capture,
		       const char *open)
{
	atom_commit(t);
	t->groups = kp_xgrow(t->groups, &t->capgroups, t->ngroups + 1, sizeof *t->groups);
	t->groups[t->ngroups++] = (kp_re2_group){
		.flags = saved_flags,
		.pcre_fold = t->pcre_fold,
		.out_open = t->out.len,
		.pat_open = pat_open,
		.capture = capture,
		.outer = t->lvl,
	};
	kp_re2_out(t, open);
	t->lvl = (kp_re2_level){.prod = 1};
}

static void add_capture(kp_re2_parser *t, size_t name_off, size_t name_len)
{
	t->names = kp_xgrow(t->names, &t->capnames, t->ncap + 1, sizeof *t->names);
	t->names[t->ncap][0] = name_len ? name_off + 1 : 0;
	t->names[t->ncap][1] = name_len;
	t->ncap++;
}

static int close_group(kp_re2_parser *t, size_t pos)
{
	if (!t->ngroups)
		return kp_re2_fail_at(t, E_UNEXPECTED_PAREN, 0, t->len, pos);
	kp_re2_group g = t->groups[--t->ngroups];
	uint64_t size;
	unsigned height;
	if (level_end(t, &size, &height, pos) < 0)
		return -1;
	if (g.capture) {
		size += 2;
		height++;
		if (check_limits(t, size, height, pos) < 0)
			return -1;
	}
	unsigned long inner = t->lvl.prod;
	kp_re2_out(t, ")");
	t->flags = g.flags;
	t->pcre_fold = g.pcre_fold;
	t->lvl = g.outer;
	t->have_atom = true;
	t->atom_rep = false;
	t->atom_assert = false;
	t->atom_start = g.out_open;
	t->atom_prod = inner;
	t->atom_size = size;
	t->atom_height = height;
	t->atom_lit = false;
	return 0;
}

/* Go's parsePerlFlags at pos ("(?"): named groups, flag settings,
 * non-capturing groups. */
static int parse_perl_flags(kp_re2_parser *t, size_t *pos)
{
	size_t s = *pos, rest = t->len - s;
	bool with_p = rest > 4 && t->pat[s + 2] == 'P' && t->pat[s + 3] == '<';
	bool with_name = rest > 3 && t->pat[s + 2] == '<';
	if (with_p || with_name) {
		size_t name_off = s + (with_p ? 4 : 3);
		const unsigned char *gt = memchr(t->pat + s, '>', rest);
		if (!gt) {
			for (size_t q = s; q < t->len;)
				if (kp_re2_next(t, &q) == -2)
					return -1;
			return kp_re2_fail(t, E_NAMED_CAPTURE, s, t->len);
		}
		size_t end = (size_t)(gt - t->pat);
		for (size_t q = name_off; q < end;) {
			size_t sz;
			if (kp_re_decode(t->pat + q, end - q, &sz) < 0 && sz == 1)
				return kp_re2_fail(t, E_UTF8, q, end);
			q += sz;
		}
		bool ok = end > name_off;
		for (size_t q = name_off; q < end; q++)
			if (t->pat[q] != '_' && !is_alnum(t->pat[q]))
				ok = false;
		if (!ok)
			return kp_re2_fail(t, E_NAMED_CAPTURE, s, end + 1);
		add_capture(t, name_off, end - name_off);
		push_group(t, s, t->flags, true, "(");
		*pos = end + 1;
		return 0;
	}
	size_t p = s + 2;
	unsigned flags = t->flags;
	bool neg = false, saw = false;
	while (p < t->len) {
		int32_t c = kp_re2_next(t, &p);
		if (c == -2)
			return -1;
		unsigned bit = 0;
		switch (c) {
		case 'i': bit = F_FOLD; break;
		case 'm': bit = F_MULTI; break;
		case 's': bit = F_DOTNL; break;
		case 'U': bit = F_UNGREEDY; break;
		case '-':
			if (neg)
				goto bad;
			neg = true;
			saw = false;
			continue;
		case ':':
		case ')':
			if (neg && !saw)
				goto bad;
			if (c == ':')
				push_group(t, s, t->flags, false, "(?:");
			t->flags = flags;
			*pos = p;
			return 0;
		default:
			goto bad;
		}
		flags = neg ? flags & ~bit : flags | bit;
		saw = true;
	}
bad:
	return kp_re2_fail(t, E_PERL_OP, s, p);
}

/* ---------------------------------------------------------------- main loop */

static int translate(kp_re2_parser *t)
{
	size_t pos = 0;
	while (pos < t->len) {
		size_t tok = pos, repeat = NO_POS;
		unsigned char c = t->pat[pos];
		switch (c) {
		case '(':
			if (t->len - pos >= 2 && t->pat[pos + 1] == '?') {
				if (parse_perl_flags(t, &pos) < 0)
					return -1;
				break;
			}
			add_capture(t, 0, 0);
			push_group(t, pos, t->flags, true, "(");
			pos++;
			break;
		case '|':
			branch_end(t);
			kp_re2_out(t, "|");
			pos++;
			break;
		case ')':
			if (close_group(t, pos) < 0)
				return -1;
			pos++;
			break;
		case '^':
			kp_re2_atom_begin(t, true);
			kp_re2_out(t, t->flags & F_MULTI ? "(?<![^\\n])" : "\\A");
			pos++;
			break;
		case '$':
			kp_re2_atom_begin(t, true);
			kp_re2_out(t, t->flags & F_MULTI ? "(?![^\\n])" : "\\z");
			pos++;
			break;
		case '.':
			kp_re2_atom_begin(t, false);
			kp_re2_out(t, t->flags & F_DOTNL ? "(?s:.)" : "[^\\n]");
			pos++;
			break;
		case '[':
			if (kp_re2_class(t, &pos) < 0)
				return -1;
			break;
		case '*':
		case '+':
		case '?':
			pos++;
			if (apply_repeat(t, tok, &pos, false, 0, 0) < 0)
				return -1;
			repeat = tok;
			break;
		case '{': {
			long min = 0, max = 0;
			size_t end;
			if (!parse_repeat(t, pos, &min, &max, &end)) {
				emit_literal(t, '{');
				pos++;
				break;
			}
			if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max))
				return kp_re2_fail(t, E_REPEAT_SIZE, tok, end);
			pos = end;
			if (apply_repeat(t, tok, &pos, true, min, max) < 0)
				return -1;
			repeat = tok;
			break;
		}
		case '\\': {
			if (t->len - pos >= 2) {
				unsigned char e = t->pat[pos + 1];
				const char *assert = NULL;
				switch (e) {
				case 'A': assert = "\\A"; break;
				case 'b': assert = "\\b"; break;
				case 'B': assert = "\\B"; break;
				case 'z': assert = "\\z"; break;
				case 'C':
					return kp_re2_fail(t, E_ESCAPE, pos, pos + 2);
				case 'Q': {
					size_t lit = pos + 2, end = t->len, next = t->len;
					for (size_t i = lit; i + 1 < t->len; i++)
						if (t->pat[i] == '\\' && t->pat[i + 1] == 'E') {
							end = i;
							next = i + 2;
							break;
						}
					while (lit < end) {
						size_t sz;
						int32_t r = kp_re_decode(t->pat + lit, end - lit, &sz);
						if (r < 0)
							return kp_re2_fail(t, E_UTF8, lit, end);
						emit_literal(t, (uint32_t)r);
						lit += sz;
					}
					pos = next;
					goto next_token;
				}
				}
				if (assert) {
					kp_re2_atom_begin(t, true);
					kp_re2_out(t, assert);
					pos += 2;
					break;
				}
			}
			int rc = kp_re2_class_escape(t, &pos);
			if (rc < 0)
				return -1;
			if (rc)
				break;
			int32_t r = kp_re2_escape(t, &pos);
			if (r < 0)
				return -1;
			emit_literal(t, (uint32_t)r);
			break;
		}
		default: {
			int32_t r = kp_re2_next(t, &pos);
			if (r == -2)
				return -1;
			emit_literal(t, (uint32_t)r);
			break;
		}
		}
	next_token:
		t->last_repeat = repeat;
	}
	uint64_t size;
	unsigned height;
	if (level_end(t, &size, &height, t->len) < 0)
		return -1;
	if (t->ngroups)
		return kp_re2_fail_at(t, E_MISSING_PAREN, 0, t->len, t->groups[t->ngroups - 1].pat_open);
	return 0;
}

int kp_re_translate(const char *pat, size_t len, kp_re_prog *out, kp_error *err)
{
	memset(out, 0, sizeof *out);
	kp_arena *arena = kp_arena_new();
	kp_re2_parser t = {
		.pat = (const unsigned char *)(pat ? pat : ""),
		.len = pat ? len : 0,
		.err = err,
		.last_repeat = NO_POS,
		.lvl = {.prod = 1},
	};
	kp_buf_init(&t.out, arena);
	int rc = translate(&t);
	if (rc == 0) {
		out->arena = arena;
		kp_buf_str(&t.out);   /* NUL-terminates, also when empty */
		out->pcre = t.out.data;
		out->pcre_len = t.out.len;
		out->ngroups = t.ncap;
		out->names = kp_arena_alloc(arena, (t.ncap + 1) * sizeof *out->names);
		for (size_t k = 0; k < t.ncap; k++)
			if (t.names[k][0])
				out->names[k + 1] = kp_arena_strndup(arena, (const char *)t.pat + t.names[k][0] - 1,
								     t.names[k][1]);
	} else {
		kp_arena_free(arena);
	}
	free(t.groups);
	free(t.names);
	return rc;
}

void kp_re_prog_free(kp_re_prog *p)
{
	if (!p)
		return;
	kp_arena_free(p->arena);
	memset(p, 0, sizeof *p);
}
