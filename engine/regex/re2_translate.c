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
#include "regex/re_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- UTF-8 */

size_t kp_re_encode(uint32_t r, unsigned char u[4])
{
	if (r < 0x80) {
		u[0] = (unsigned char)r;
		return 1;
	}
	if (r < 0x800) {
		u[0] = (unsigned char)(0xC0 | r >> 6);
		u[1] = (unsigned char)(0x80 | (r & 0x3F));
		return 2;
	}
	if (r < 0x10000) {
		u[0] = (unsigned char)(0xE0 | r >> 12);
		u[1] = (unsigned char)(0x80 | (r >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (r & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | r >> 18);
	u[1] = (unsigned char)(0x80 | (r >> 12 & 0x3F));
	u[2] = (unsigned char)(0x80 | (r >> 6 & 0x3F));
	u[3] = (unsigned char)(0x80 | (r & 0x3F));
	return 4;
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

/* ---------------------------------------------------------------- state */

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
typedef struct tr_level {
	uint64_t alt_size;     /* completed branches: summed sizes */
	unsigned alt_height;   /* ... and largest height */
	unsigned nbranch;
	uint64_t br_size;      /* the current branch's committed atoms */
	unsigned br_height;
	unsigned br_count;
	bool br_last_lit;      /* its last atom a literal (Go merges those) */
	bool br_last_fold;
	unsigned long prod;    /* largest repeat product inside */
} tr_level;

typedef struct tr_group {
	unsigned flags;     /* Go flags to restore at ')' */
	bool pcre_fold;     /* emitted (?i) state to restore at ')' */
	bool capture;
	size_t out_open;    /* output offset of the '(' */
	size_t pat_open;    /* pattern offset of the '(' */
	tr_level outer;     /* the enclosing level */
} tr_group;

typedef struct tr {
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
	tr_level lvl;

	size_t last_repeat;  /* pattern offset of the previous token if it was
	                        a quantifier, else NO_POS */

	tr_group *groups;
	size_t ngroups, capgroups;

	size_t ncap, capnames;
	size_t (*names)[2];  /* per capture: name offset + 1 (0 unnamed), length */
} tr;

/* ---------------------------------------------------------------- errors */

/* Go's message: "error parsing regexp: CODE: `EXPR`", col the 1-based
 * offset of EXPR (or `col_at` when EXPR is the whole pattern). */
static int tr_fail_at(tr *t, const char *code, size_t off, size_t n, size_t col_at)
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

static int tr_fail(tr *t, const char *code, size_t off, size_t end)
{
	return tr_fail_at(t, code, off, end - off, off);
}

#define E_CHAR_CLASS "invalid character class"
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

/* Go's nextRune: the rune at *pos, advancing; -2 (with the error filled)
 * on invalid UTF-8, -1 at the end. */
static int32_t tr_next(tr *t, size_t *pos)
{
	size_t sz;
	int32_t r = kp_re_decode(t->pat + *pos, t->len - *pos, &sz);
	if (r < 0 && sz == 1) {
		tr_fail(t, E_UTF8, *pos, t->len);
		return -2;
	}
	*pos += sz;
	return r;
}

/* ---------------------------------------------------------------- output */

static void out_str(tr *t, const char *s)
{
	kp_buf_puts(&t->out, s);
}

/* Emit (?i) / (?-i) so that PCRE2's caseless state is Go's FoldCase. */
static void sync_fold(tr *t)
{
	bool want = t->flags & F_FOLD;
	if (want != t->pcre_fold) {
		out_str(t, want ? "(?i)" : "(?-i)");
		t->pcre_fold = want;
	}
}

/* The atom can no longer be repeated: add it to the current branch. */
static void atom_commit(tr *t)
{
	if (!t->have_atom)
		return;
	tr_level *l = &t->lvl;
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
static void branch_end(tr *t)
{
	atom_commit(t);
	tr_level *l = &t->lvl;
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
static int check_limits(tr *t, uint64_t size, unsigned height, size_t at)
{
	if (size > MAX_SIZE)
		return tr_fail_at(t, "expression too large", 0, t->len, at);
	if (height > MAX_HEIGHT)
		return tr_fail_at(t, E_NESTING, 0, t->len, at);
	return 0;
}

/* The atom a level makes when it closes (size, height), checked. */
static int level_end(tr *t, uint64_t *size, unsigned *height, size_t at)
{
	branch_end(t);
	tr_level *l = &t->lvl;
	*size = l->alt_size;
	*height = l->alt_height;
	if (l->nbranch > 1) {
		*size += l->nbranch - 1;
		*height += 1;
	}
	return check_limits(t, *size, *height, at);
}

static void atom_begin(tr *t, bool assertion)
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
static void emit_literal(tr *t, uint32_t r)
{
	bool cased = r >= 0x80 || (r | 0x20) - 'a' < 26;
	if (cased)
		sync_fold(t);
	if (is_surrogate(r)) {
		/* Go accepts \x{D800}, which no UTF-8 text contains */
		atom_begin(t, true);
		t->atom_lit = true;
		out_str(t, "(?!)");
		return;
	}
	atom_begin(t, false);
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

/* A range inside [...] (surrogates cut out: PCRE2 rejects them in UTF mode). */
static void emit_range(tr *t, uint32_t lo, uint32_t hi)
{
	if (lo <= 0xDFFF && hi >= 0xD800) {
		if (lo < 0xD800)
			emit_range(t, lo, 0xD7FF);
		if (hi > 0xDFFF)
			emit_range(t, 0xE000, hi);
		return;
	}
	if (lo == hi)
		kp_buf_printf(&t->out, "\\x{%x}", (unsigned)lo);
	else
		kp_buf_printf(&t->out, "\\x{%x}-\\x{%x}", (unsigned)lo, (unsigned)hi);
}

/* Go's Perl and POSIX groups: ASCII range pairs. */
typedef struct ascii_group {
	const char *name;
	const char *ranges; /* pairs of bytes */
} ascii_group;

static const ascii_group perl_groups[] = {
	{"d", "09"},
	{"s", "\t\n\f\r  "},
	{"w", "09AZ__az"},
};

static const ascii_group posix_groups[] = {
	{"alnum", "09AZaz"},
	{"alpha", "AZaz"},
	{"ascii", "\x01\x7f"}, /* and NUL, below */
	{"blank", "\t\t  "},
	{"cntrl", "\x01\x1f\x7f\x7f"},
	{"digit", "09"},
	{"graph", "!~"},
	{"lower", "az"},
	{"print", " ~"},
	{"punct", "!/:@[`{~"},
	{"space", "\t\r  "},
	{"upper", "AZ"},
	{"word", "09AZ__az"},
	{"xdigit", "09AFaf"},
};

/* Emit the group's ranges as class items: folded under (?i) as Go's
 * appendGroup does (ASCII letters both cases, and U+017F / U+212A, which
 * fold to s and k), negated over all of Unicode when neg. */
static void emit_group(tr *t, const ascii_group *g, bool neg)
{
	bool set[128] = {0};
	for (const char *p = g->ranges; p[0]; p += 2)
		for (unsigned c = (unsigned char)p[0]; c <= (unsigned char)p[1]; c++)
			set[c] = true;
	if (g->ranges[0] == 1) /* the tables cannot hold NUL */
		set[0] = true;
	bool long_s = false, kelvin = false;
	if (t->flags & F_FOLD) {
		for (unsigned c = 'a'; c <= 'z'; c++)
			if (set[c] || set[c - 32])
				set[c] = set[c - 32] = true;
		long_s = set['s'];
		kelvin = set['k'];
	}
	/* the set as sorted ranges */
	uint32_t lo[80], hi[80];
	size_t n = 0;
	for (unsigned c = 0; c < 128; c++) {
		if (!set[c])
			continue;
		if (n && hi[n - 1] + 1 == c) {
			hi[n - 1] = c;
		} else {
			lo[n] = hi[n] = c;
			n++;
		}
	}
	if (long_s) {
		lo[n] = hi[n] = 0x17F;
		n++;
	}
	if (kelvin) {
		lo[n] = hi[n] = 0x212A;
		n++;
	}
	if (!neg) {
		for (size_t i = 0; i < n; i++)
			emit_range(t, lo[i], hi[i]);
		return;
	}
	uint32_t next = 0;
	for (size_t i = 0; i < n; i++) {
		if (lo[i] > next)
			emit_range(t, next, lo[i] - 1);
		next = hi[i] + 1;
	}
	if (next <= 0x10FFFF)
		emit_range(t, next, 0x10FFFF);
}

/* ---------------------------------------------------------------- \p{...} */

static const char *const go_categories[] = {
	"C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu",
	"M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe",
	"Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
};

/* unicode.Scripts of Go (Unicode 15). */
static const char *const go_scripts[] = {
	"Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan",
	"Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki",
	"Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal",
	"Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian",
	"Common", "Coptic", "Cuneiform", "Cypriot", "Cypro_Minoan", "Cyrillic",
	"Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan",
	"Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian",
	"Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati", "Gunjala_Gondi",
	"Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran",
	"Hebrew", "Hiragana", "Imperial_Aramaic", "Inherited",
	"Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi",
	"Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi",
	"Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin",
	"Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian",
	"Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen",
	"Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui",
	"Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian",
	"Mro", "Multani", "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari",
	"New_Tai_Lue", "Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham",
	"Ol_Chiki", "Old_Hungarian", "Old_Italic", "Old_North_Arabian",
	"Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
	"Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong",
	"Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi",
	"Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian",
	"Siddham", "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng", "Soyombo",
	"Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le",
	"Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu",
	"Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic",
	"Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi",
	"Zanabazar_Square",
};

static bool name_in(const char *const *list, size_t n, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !memcmp(list[i], s, len))
			return true;
	return false;
}

/* Class items for Go's \p{name} (neg: \P).  Go's C is Cc|Cf|Co|Cs (PCRE2's
 * also has Cn); under (?i) Go adds case variants to Lu, Ll and Lt, which
 * PCRE2's \p ignores, so those become L& (the cased letters). */
static void emit_prop(tr *t, const unsigned char *name, size_t n, bool neg)
{
	const char *p = neg ? "\\P" : "\\p";
	if (n == 1 && name[0] == 'C') {
		out_str(t, neg ? "\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{Cn}"
			       : "\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}");
		return;
	}
	if ((t->flags & F_FOLD) && n == 2 && name[0] == 'L' &&
	    (name[1] == 'u' || name[1] == 'l' || name[1] == 't')) {
		kp_buf_printf(&t->out, "%s{L&}", p);
		return;
	}
	kp_buf_printf(&t->out, "%s{", p);
	kp_buf_add(&t->out, (const char *)name, n);
	out_str(t, "}");
}

/* Go's parseUnicodeClass at *pos (a backslash): 0 not \p/\P, 1 emitted
 * (class items), -1 error. */
static int parse_unicode_class(tr *t, size_t *pos)
{
	size_t s = *pos;
	if (t->len - s < 2 || t->pat[s] != '\\' || (t->pat[s + 1] != 'p' && t->pat[s + 1] != 'P'))
		return 0;
	bool neg = t->pat[s + 1] == 'P';
	size_t p = s + 2;
	int32_t c = tr_next(t, &p);
	if (c == -2)
		return -1;
	size_t seq_end, name_off, name_len;
	if (c != '{') {
		seq_end = p;
		name_off = s + 2;
		name_len = p - name_off;
	} else {
		const unsigned char *e = memchr(t->pat + s, '}', t->len - s);
		if (!e) {
			for (size_t q = s; q < t->len;)
				if (tr_next(t, &q) == -2)
					return -1;
			return tr_fail(t, E_CHAR_RANGE, s, t->len);
		}
		size_t end = (size_t)(e - t->pat);
		seq_end = end + 1;
		name_off = s + 3;
		name_len = end - name_off;
		for (size_t q = name_off; q < end;) {
			size_t sz;
			if (kp_re_decode(t->pat + q, end - q, &sz) < 0 && sz == 1)
				return tr_fail(t, E_UTF8, q, end);
			q += sz;
		}
	}
	const unsigned char *name = t->pat + name_off;
	if (name_len && name[0] == '^') {
		neg = !neg;
		name++;
		name_len--;
	}
	if (name_len == 3 && !memcmp(name, "Any", 3)) {
		out_str(t, neg ? "\\P{Any}" : "\\p{Any}");
	} else if (name_in(go_categories, sizeof go_categories / sizeof *go_categories, name, name_len) ||
		   name_in(go_scripts, sizeof go_scripts / sizeof *go_scripts, name, name_len)) {
		emit_prop(t, name, name_len, neg);
	} else {
		return tr_fail(t, E_CHAR_RANGE, s, seq_end);
	}
	*pos = seq_end;
	return 1;
}

/* \d \D \s \S \w \W at *pos: 1 emitted (class items), 0 not one. */
static int parse_perl_class(tr *t, size_t *pos)
{
	size_t s = *pos;
	if (t->len - s < 2 || t->pat[s] != '\\')
		return 0;
	unsigned char c = t->pat[s + 1];
	for (size_t i = 0; i < sizeof perl_groups / sizeof *perl_groups; i++) {
		if ((c | 0x20) == (unsigned char)perl_groups[i].name[0]) {
			emit_group(t, &perl_groups[i], c < 'a');
			*pos = s + 2;
			return 1;
		}
	}
	return 0;
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
static int32_t parse_escape(tr *t, size_t *pos)
{
	size_t s = *pos, p = s + 1;
	if (p >= t->len) {
		tr_fail_at(t, E_TRAILING_BACKSLASH, s, 0, s);
		return -1;
	}
	int32_t c = tr_next(t, &p);
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
		c = tr_next(t, &p);
		if (c == -2)
			return -1;
		if (c == '{') {
			int nhex = 0;
			for (;;) {
				if (p >= t->len)
					goto bad;
				c = tr_next(t, &p);
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
		c = tr_next(t, &p);
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
	tr_fail(t, E_ESCAPE, s, p);
	return -1;
ok:
	*pos = p;
	return r;
}

/* Go's parseClassChar: one (possibly escaped) code point of a class. */
static int32_t parse_class_char(tr *t, size_t *pos, size_t class_start)
{
	if (*pos >= t->len) {
		tr_fail(t, E_MISSING_BRACKET, class_start, t->len);
		return -1;
	}
	if (t->pat[*pos] == '\\')
		return parse_escape(t, pos);
	int32_t c = tr_next(t, pos);
	return c == -2 ? -1 : c;
}

/* Go's parseNamedClass: [:alpha:] inside a class. 1 emitted, 0 not one,
 * -1 error. */
static int parse_named_class(tr *t, size_t *pos)
{
	size_t s = *pos;
	if (t->len - s < 2 || t->pat[s] != '[' || t->pat[s + 1] != ':')
		return 0;
	const unsigned char *e = NULL;
	for (size_t i = s + 2; i + 1 < t->len; i++)
		if (t->pat[i] == ':' && t->pat[i + 1] == ']') {
			e = t->pat + i;
			break;
		}
	if (!e)
		return 0;
	size_t end = (size_t)(e - t->pat) + 2;
	const unsigned char *name = t->pat + s + 2;
	size_t n = end - 2 - (s + 2);
	bool neg = n && name[0] == '^';
	if (neg) {
		name++;
		n--;
	}
	for (size_t i = 0; i < sizeof posix_groups / sizeof *posix_groups; i++) {
		if (strlen(posix_groups[i].name) == n && !memcmp(posix_groups[i].name, name, n)) {
			emit_group(t, &posix_groups[i], neg);
			*pos = end;
			return 1;
		}
	}
	return tr_fail(t, E_CHAR_RANGE, s, end);
}

/* Go's parseClass at *pos ('['): emits a PCRE2 class. */
static int parse_class(tr *t, size_t *pos)
{
	size_t s = *pos, p = s + 1;
	sync_fold(t);
	atom_begin(t, false);
	out_str(t, "[");
	if (p < t->len && t->pat[p] == '^') {
		out_str(t, "^");
		p++;
	}
	bool first = true;
	while (p >= t->len || t->pat[p] != ']' || first) {
		first = false;
		if (t->len - p > 2 && t->pat[p] == '[' && t->pat[p + 1] == ':') {
			int rc = parse_named_class(t, &p);
			if (rc < 0)
				return -1;
			if (rc)
				continue;
		}
		int rc = parse_unicode_class(t, &p);
		if (rc < 0)
			return -1;
		if (rc)
			continue;
		if (parse_perl_class(t, &p))
			continue;
		size_t rng = p;
		int32_t lo = parse_class_char(t, &p, s), hi;
		if (lo < 0)
			return -1;
		hi = lo;
		if (t->len - p >= 2 && t->pat[p] == '-' && t->pat[p + 1] != ']') {
			p++;
			hi = parse_class_char(t, &p, s);
			if (hi < 0)
				return -1;
			if (hi < lo)
				return tr_fail(t, E_CHAR_RANGE, rng, p);
		}
		emit_range(t, (uint32_t)lo, (uint32_t)hi);
	}
	out_str(t, "]");
	*pos = p + 1;
	return 0;
}

/* A class escape standing alone (\d, \pL) at *pos, wrapped in [...]:
 * 1 emitted, 0 not one (an ordinary escape), -1 error. */
static int standalone_class(tr *t, size_t *pos)
{
	if (t->len - *pos < 2 || !t->pat[*pos + 1] || !strchr("pPdDsSwW", t->pat[*pos + 1]))
		return 0;
	sync_fold(t);
	atom_begin(t, false);
	out_str(t, "[");
	int rc = parse_unicode_class(t, pos);
	if (rc == 0)
		rc = parse_perl_class(t, pos);
	if (rc < 0)
		return -1;
	out_str(t, "]");
	return 1;
}

/* ---------------------------------------------------------------- repeats */

/* Go's parseRepeat at pos ('{'): {n}, {n,}, {n,m}; false when not of that
 * form (then '{' is a literal).  *min = -1 when a number is too big. */
static bool parse_repeat(tr *t, size_t pos, long *min, long *max, size_t *end)
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
static int apply_repeat(tr *t, size_t op, size_t *pos, bool brace, long min, long max)
{
	bool lazy = t->flags & F_UNGREEDY;
	size_t p = *pos;
	if (p < t->len && t->pat[p] == '?') {
		p++;
		lazy = !lazy;
	}
	if (t->last_repeat != NO_POS)
		return tr_fail(t, E_REPEAT_OP, t->last_repeat, p);
	if (!t->have_atom)
		return tr_fail(t, E_REPEAT_ARG, op, p);
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
				return tr_fail(t, E_REPEAT_SIZE, op, p);
			t->atom_prod = prod > MAX_REPEAT ? MAX_REPEAT + 1 : prod;
		}
	}
	if (t->atom_rep || t->atom_assert) {
		size_t n = t->out.len - t->atom_start;
		kp_buf_add(&t->out, "...", 3);
		memmove(t->out.data + t->atom_start + 3, t->out.data + t->atom_start, n);
		memcpy(t->out.data + t->atom_start, "(?:", 3);
		out_str(t, ")");
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
		out_str(t, "?");
	t->atom_rep = true;
	t->atom_assert = false;
	*pos = p;
	return 0;
}

/* ---------------------------------------------------------------- groups */

static void push_group(tr *t, size_t pat_open, unsigned saved_flags, bool capture,
		       const char *open)
{
	atom_commit(t);
	if (t->ngroups == t->capgroups) {
		t->capgroups = t->capgroups ? t->capgroups * 2 : 8;
		t->groups = realloc(t->groups, t->capgroups * sizeof *t->groups);
		if (!t->groups)
			abort();
	}
	t->groups[t->ngroups++] = (tr_group){
		.flags = saved_flags,
		.pcre_fold = t->pcre_fold,
		.out_open = t->out.len,
		.pat_open = pat_open,
		.capture = capture,
		.outer = t->lvl,
	};
	out_str(t, open);
	t->lvl = (tr_level){.prod = 1};
}

static void add_capture(tr *t, size_t name_off, size_t name_len)
{
	if (t->ncap == t->capnames) {
		t->capnames = t->capnames ? 2 * t->capnames : 8;
		t->names = realloc(t->names, t->capnames * sizeof *t->names);
		if (!t->names)
			abort();
	}
	t->names[t->ncap][0] = name_len ? name_off + 1 : 0;
	t->names[t->ncap][1] = name_len;
	t->ncap++;
}

static int close_group(tr *t, size_t pos)
{
	if (!t->ngroups)
		return tr_fail_at(t, E_UNEXPECTED_PAREN, 0, t->len, pos);
	tr_group g = t->groups[--t->ngroups];
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
	out_str(t, ")");
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
static int parse_perl_flags(tr *t, size_t *pos)
{
	size_t s = *pos, rest = t->len - s;
	bool with_p = rest > 4 && t->pat[s + 2] == 'P' && t->pat[s + 3] == '<';
	bool with_name = rest > 3 && t->pat[s + 2] == '<';
	if (with_p || with_name) {
		size_t name_off = s + (with_p ? 4 : 3);
		const unsigned char *gt = memchr(t->pat + s, '>', rest);
		if (!gt) {
			for (size_t q = s; q < t->len;)
				if (tr_next(t, &q) == -2)
					return -1;
			return tr_fail(t, E_NAMED_CAPTURE, s, t->len);
		}
		size_t end = (size_t)(gt - t->pat);
		for (size_t q = name_off; q < end;) {
			size_t sz;
			if (kp_re_decode(t->pat + q, end - q, &sz) < 0 && sz == 1)
				return tr_fail(t, E_UTF8, q, end);
			q += sz;
		}
		bool ok = end > name_off;
		for (size_t q = name_off; q < end; q++)
			if (t->pat[q] != '_' && !is_alnum(t->pat[q]))
				ok = false;
		if (!ok)
			return tr_fail(t, E_NAMED_CAPTURE, s, end + 1);
		add_capture(t, name_off, end - name_off);
		push_group(t, s, t->flags, true, "(");
		*pos = end + 1;
		return 0;
	}
	size_t p = s + 2;
	unsigned flags = t->flags;
	bool neg = false, saw = false;
	while (p < t->len) {
		int32_t c = tr_next(t, &p);
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
	return tr_fail(t, E_PERL_OP, s, p);
}

/* ---------------------------------------------------------------- main loop */

static int translate(tr *t)
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
			out_str(t, "|");
			pos++;
			break;
		case ')':
			if (close_group(t, pos) < 0)
				return -1;
			pos++;
			break;
		case '^':
			atom_begin(t, true);
			out_str(t, t->flags & F_MULTI ? "(?<![^\\n])" : "\\A");
			pos++;
			break;
		case '$':
			atom_begin(t, true);
			out_str(t, t->flags & F_MULTI ? "(?![^\\n])" : "\\z");
			pos++;
			break;
		case '.':
			atom_begin(t, false);
			out_str(t, t->flags & F_DOTNL ? "(?s:.)" : "[^\\n]");
			pos++;
			break;
		case '[':
			if (parse_class(t, &pos) < 0)
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
				return tr_fail(t, E_REPEAT_SIZE, tok, end);
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
					return tr_fail(t, E_ESCAPE, pos, pos + 2);
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
							return tr_fail(t, E_UTF8, lit, end);
						emit_literal(t, (uint32_t)r);
						lit += sz;
					}
					pos = next;
					goto next_token;
				}
				}
				if (assert) {
					atom_begin(t, true);
					out_str(t, assert);
					pos += 2;
					break;
				}
			}
			int rc = standalone_class(t, &pos);
			if (rc < 0)
				return -1;
			if (rc)
				break;
			int32_t r = parse_escape(t, &pos);
			if (r < 0)
				return -1;
			emit_literal(t, (uint32_t)r);
			break;
		}
		default: {
			int32_t r = tr_next(t, &pos);
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
		return tr_fail_at(t, E_MISSING_PAREN, 0, t->len, t->groups[t->ngroups - 1].pat_open);
	return 0;
}

int kp_re_translate(const char *pat, size_t len, kp_re_prog *out, kp_error *err)
{
	memset(out, 0, sizeof *out);
	kp_arena *arena = kp_arena_new();
	tr t = {
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
		out->pcre = kp_buf_str(&t.out);
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
