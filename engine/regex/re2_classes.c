/*
 * re2_classes.c - Go's character classes in PCRE2 terms: [...] (with
 * ranges, POSIX [:name:] and Perl \d \s \w, all ASCII in Go), and
 * \p{Name} / \P{Name} with Go's names (categories, scripts, Any).
 * Every class is emitted as explicit ranges or \p items inside [...].
 */
#include "regex/re2_parse.h"

#include <string.h>

/* A range inside [...] (surrogates cut out: PCRE2 rejects them in UTF mode). */
static void emit_range(kp_re2_parser *t, uint32_t lo, uint32_t hi)
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
static void emit_group(kp_re2_parser *t, const ascii_group *g, bool neg)
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
static void emit_prop(kp_re2_parser *t, const unsigned char *name, size_t n, bool neg)
{
	const char *p = neg ? "\\P" : "\\p";
	if (n == 1 && name[0] == 'C') {
		kp_re2_out(t, neg ? "\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{Cn}"
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
	kp_re2_out(t, "}");
}

/* Go's parseUnicodeClass at *pos (a backslash): 0 not \p/\P, 1 emitted
 * (class items), -1 error. */
static int parse_unicode_class(kp_re2_parser *t, size_t *pos)
{
	size_t s = *pos;
	if (t->len - s < 2 || t->pat[s] != '\\' || (t->pat[s + 1] != 'p' && t->pat[s + 1] != 'P'))
		return 0;
	bool neg = t->pat[s + 1] == 'P';
	size_t p = s + 2;
	int32_t c = kp_re2_next(t, &p);
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
				if (kp_re2_next(t, &q) == -2)
					return -1;
			return kp_re2_fail(t, E_CHAR_RANGE, s, t->len);
		}
		size_t end = (size_t)(e - t->pat);
		seq_end = end + 1;
		name_off = s + 3;
		name_len = end - name_off;
		for (size_t q = name_off; q < end;) {
			size_t sz;
			if (kp_re_decode(t->pat + q, end - q, &sz) < 0 && sz == 1)
				return kp_re2_fail(t, E_UTF8, q, end);
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
		kp_re2_out(t, neg ? "\\P{Any}" : "\\p{Any}");
	} else if (name_in(go_categories, sizeof go_categories / sizeof *go_categories, name, name_len) ||
		   name_in(go_scripts, sizeof go_scripts / sizeof *go_scripts, name, name_len)) {
		emit_prop(t, name, name_len, neg);
	} else {
		return kp_re2_fail(t, E_CHAR_RANGE, s, seq_end);
	}
	*pos = seq_end;
	return 1;
}

/* \d \D \s \S \w \W at *pos: 1 emitted (class items), 0 not one. */
static int parse_perl_class(kp_re2_parser *t, size_t *pos)
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

/* Go's parseClassChar: one (possibly escaped) code point of a class. */
static int32_t parse_class_char(kp_re2_parser *t, size_t *pos, size_t class_start)
{
	if (*pos >= t->len) {
		kp_re2_fail(t, E_MISSING_BRACKET, class_start, t->len);
		return -1;
	}
	if (t->pat[*pos] == '\\')
		return kp_re2_escape(t, pos);
	int32_t c = kp_re2_next(t, pos);
	return c == -2 ? -1 : c;
}

/* Go's parseNamedClass: [:alpha:] inside a class. 1 emitted, 0 not one,
 * -1 error. */
static int parse_named_class(kp_re2_parser *t, size_t *pos)
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
	return kp_re2_fail(t, E_CHAR_RANGE, s, end);
}

/* Go's parseClass at *pos ('['): emits a PCRE2 class. */
int kp_re2_class(kp_re2_parser *t, size_t *pos)
{
	size_t s = *pos, p = s + 1;
	kp_re2_sync_fold(t);
	kp_re2_atom_begin(t, false);
	kp_re2_out(t, "[");
	if (p < t->len && t->pat[p] == '^') {
		kp_re2_out(t, "^");
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
				return kp_re2_fail(t, E_CHAR_RANGE, rng, p);
		}
		emit_range(t, (uint32_t)lo, (uint32_t)hi);
	}
	kp_re2_out(t, "]");
	*pos = p + 1;
	return 0;
}

/* A class escape standing alone (\d, \pL) at *pos, wrapped in [...]:
 * 1 emitted, 0 not one (an ordinary escape), -1 error. */
int kp_re2_class_escape(kp_re2_parser *t, size_t *pos)
{
	if (t->len - *pos < 2 || !t->pat[*pos + 1] || !strchr("pPdDsSwW", t->pat[*pos + 1]))
		return 0;
	kp_re2_sync_fold(t);
	kp_re2_atom_begin(t, false);
	kp_re2_out(t, "[");
	int rc = parse_unicode_class(t, pos);
	if (rc == 0)
		rc = parse_perl_class(t, pos);
	if (rc < 0)
		return -1;
	kp_re2_out(t, "]");
	return 1;
}

