/* Unit tests: Go RE2 regular expressions on PCRE2 (engine/regex/).
 * Expected values are Go's (regexp package) answers. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "regex/regex.h"

static kp_regex *rx(const char *pat)
{
	kp_error e;
	kp_error_clear(&e);
	kp_regex *re = kp_regex_compile(pat, strlen(pat), &e);
	cr_assert(re, "pattern %s rejected: %s", pat, e.msg);
	return re;
}

/* Go's MatchString. */
static bool m(const char *pat, const char *s)
{
	kp_regex *re = rx(pat);
	kp_error e;
	int rc = kp_regex_search(re, s, strlen(s), NULL, &e);
	cr_assert(rc >= 0, "%s on %s: %s", pat, s, e.msg);
	kp_regex_free(re);
	return rc == 1;
}

/* Compile error: message and column. */
static void bad(const char *pat, const char *msg, unsigned col)
{
	kp_error e;
	kp_error_clear(&e);
	kp_regex *re = kp_regex_compile(pat, strlen(pat), &e);
	cr_assert_null(re, "pattern %s accepted as %s", pat, re ? kp_regex_pcre_source(re) : "");
	cr_assert_eq(e.code, KP_E_PATTERN);
	if (msg)
		cr_assert_str_eq(e.msg, msg, "pattern %s", pat);
	if (col)
		cr_assert_eq(e.col, col, "pattern %s: col %u, want %u", pat, e.col, col);
}

/* Go's FindStringSubmatch group k as text ("<nil>" when unset, "<none>"
 * without a match). */
static char found[256];
static const char *find(const char *pat, const char *s, size_t k)
{
	kp_regex *re = rx(pat);
	size_t caps[32];
	kp_error e;
	int rc = kp_regex_find(re, s, strlen(s), 0, caps, 32, NULL, &e);
	cr_assert(rc >= 0, "%s: %s", pat, e.msg);
	kp_regex_free(re);
	if (rc == 0)
		return "<none>";
	if (caps[2 * k] == SIZE_MAX)
		return "<nil>";
	snprintf(found, sizeof found, "%.*s", (int)(caps[2 * k + 1] - caps[2 * k]), s + caps[2 * k]);
	return found;
}

static char replaced[4096];
static const char *rep(const char *pat, const char *s, const char *r, bool literal)
{
	kp_regex *re = rx(pat);
	kp_arena *a = kp_arena_new();
	kp_error e;
	size_t n = 0;
	char *out = kp_regex_replace(re, s, strlen(s), r, strlen(r), literal, a, &n, NULL, &e);
	cr_assert(out, "%s: %s", pat, e.msg);
	cr_assert_eq(strlen(out), n);
	snprintf(replaced, sizeof replaced, "%s", out);
	kp_arena_free(a);
	kp_regex_free(re);
	return replaced;
}

Test(regex, literals_and_operators)
{
	cr_assert(m("abc", "xxabcxx"));
	cr_assert_not(m("abc", "ab"));
	cr_assert(m("^abc$", "abc"));
	cr_assert(m("a|b", "b"));
	cr_assert(m("^(foo|bar)+$", "foobarfoo"));
	cr_assert(m("^a{2,3}$", "aaa"));
	cr_assert_not(m("^a{2,3}$", "aaaa"));
	cr_assert(m("^a{2}$", "aa"));
	cr_assert(m("^a{2,}$", "aaaaa"));
	cr_assert(m("^x{0}$", ""));
	cr_assert(m("a{,2}", "a{,2}"));     /* not a repeat: literal */
	cr_assert(m("^a{01}$", "a{01}"));   /* leading zero: literal */
	cr_assert(m("^\\{\\}$", "{}"));
	cr_assert(m("^}$", "}"));
	cr_assert(m("^]$", "]"));
	cr_assert(m("^$", ""));
	cr_assert(m("", "anything"));
	cr_assert(m("^(?:)$", ""));
	cr_assert(m("^()$", ""));
	cr_assert(m("^a|$", ""));
	cr_assert(m("(?)a", "a"));
}

Test(regex, anchors_and_multiline)
{
	cr_assert_not(m("a$", "a\n"));        /* $ is end of text, unlike PCRE */
	cr_assert(m("(?m)a$", "a\nb"));
	cr_assert(m("(?m)^b", "a\nb"));
	cr_assert_not(m("^b", "a\nb"));
	cr_assert(m("(?m)^$", "a\n"));        /* ^ after the final newline */
	cr_assert(m("\\Aab\\z", "ab"));
	cr_assert_not(m("ab\\z", "ab\n"));
	cr_assert(m("^*a", "a"));             /* Go allows repeating ^ */
	cr_assert(m("(?m)(?:^)+b", "a\nb"));
	cr_assert(m("\\bfoo\\b", "a foo."));
	cr_assert_not(m("\\bfoo\\b", "afoo"));
	cr_assert(m("\\Boo\\B", "foox"));
	/* \b is ASCII in Go: é is not a word character */
	cr_assert(m("\\bx", "\xC3\xA9x"));
}

Test(regex, dot_and_flags)
{
	cr_assert_not(m("^.$", "\n"));
	cr_assert(m("(?s)^.$", "\n"));
	cr_assert(m("^.$", "\xC3\xA9"));     /* one code point */
	cr_assert(m("(?i)abc", "ABC"));
	cr_assert(m("(?i:a)b", "Ab"));
	cr_assert_not(m("(?i:a)b", "AB"));
	cr_assert(m("a(?i)b", "aB"));
	cr_assert_not(m("a(?i)b", "AB"));
	cr_assert(m("(?i)a(?-i)b", "Ab"));
	cr_assert_not(m("(?i)a(?-i)b", "AB"));
	cr_assert(m("(a(?i)b)c", "aBc"));
	cr_assert_not(m("(a(?i)b)c", "aBC"));   /* the flag ends with its group */
	cr_assert(m("a(?i)b|c", "C"));          /* ... but not at | */
	cr_assert(m("(?i)k", "\xE2\x84\xAA"));  /* Kelvin sign folds to k */
	cr_assert(m("(?i)\xCE\xB4", "\xCE\x94")); /* δ Δ */
	cr_assert(m("(?i)[a-c]+$", "AbC"));
	cr_assert(m("(?i)[^k]", "x"));
	cr_assert_not(m("(?i)^[^k]$", "K"));
	cr_assert(m("(?ims)^A.$", "x\na\n"));
	cr_assert(m("(?i-s)^A.$", "a\xC3\xA9"));
	cr_assert_str_eq(find("(?U)a+", "aaa", 0), "a");
	cr_assert_str_eq(find("(?U)a+?", "aaa", 0), "aaa");
	cr_assert_str_eq(find("a+?", "aaa", 0), "a");
	cr_assert_str_eq(find("(?U:a+)a*", "aaa", 0), "aaa");
	cr_assert_str_eq(find("a{2,3}?", "aaaa", 0), "aa");
}

Test(regex, perl_classes_are_ascii)
{
	cr_assert(m("^\\d+$", "0123456789"));
	cr_assert_not(m("\\d", "\xD9\xA3"));           /* Arabic-Indic 3 */
	cr_assert_not(m("\\w", "\xC3\xA9"));           /* é */
	cr_assert(m("^\\W$", "\xC3\xA9"));
	cr_assert(m("^\\s+$", " \t\n\f\r"));
	cr_assert_not(m("\\s", "\v"));                  /* Go's \s has no \v */
	cr_assert(m("^\\S$", "\v"));
	cr_assert_not(m("\\s", "\xC2\xA0"));           /* NBSP */
	cr_assert(m("^[\\d\\s]+$", "1 2"));
	cr_assert(m("^[^\\d]+$", "abc"));
	cr_assert(m("^[\\D]+$", "abc"));
	cr_assert_not(m("[\\D]", "5"));
	cr_assert(m("^[\\d-z]+$", "1-z"));             /* '-' after \d is literal */
	cr_assert(m("^\\w+$", "ab_9"));
	/* under (?i) \w matches ſ and K (they fold into it), \W does not */
	cr_assert(m("(?i)^\\w$", "\xC5\xBF"));
	cr_assert_not(m("(?i)\\W", "\xC5\xBF"));
	cr_assert(m("^\\W$", "\xC5\xBF"));
	cr_assert_not(m("(?i)\\W", "S"));
}

Test(regex, posix_and_unicode_classes)
{
	cr_assert(m("^[[:alpha:]]+$", "abcXYZ"));
	cr_assert_not(m("[[:alpha:]]", "\xC3\xA9"));
	cr_assert(m("^[[:^alpha:]]$", "1"));
	cr_assert(m("^[[:space:]]$", "\v"));            /* POSIX space has \v */
	cr_assert(m("^[[:punct:]]+$", "!-/[]{}"));
	cr_assert(m("^[[:xdigit:]]+$", "09afAF"));
	cr_assert(m("^[[:word:][:space:]]+$", "a b_"));
	cr_assert(m("^[[:cntrl:]]$", "\x01"));
	cr_assert(m("(?i)^[[:upper:]]$", "a"));
	cr_assert_not(m("(?i)[[:^upper:]]", "a"));
	cr_assert(m("^[[:^upper:]]$", "a"));
	cr_assert(m("^[[:ascii:]]$", "\x7f"));
	cr_assert(m("^\\pL+$", "h\xC3\xA9llo"));
	cr_assert(m("^\\p{L}$", "\xCE\x94"));
	cr_assert(m("^\\p{Greek}+$", "\xCE\xB1\xCE\xB2"));
	cr_assert_not(m("\\p{Greek}", "a"));
	cr_assert(m("^\\PL$", "1"));
	cr_assert(m("^\\p{^L}$", "1"));
	cr_assert(m("^\\P{^L}$", "a"));
	cr_assert(m("^[\\p{Lu}\\d]+$", "A1B"));
	cr_assert(m("^\\p{Lu}$", "A"));
	cr_assert_not(m("\\p{Lu}", "a"));
	cr_assert(m("(?i)^\\p{Lu}$", "a"));
	cr_assert(m("^\\pN$", "\xD9\xA3"));
	cr_assert(m("^\\p{Any}$", "\n"));
	cr_assert(m("^\\p{Han}$", "\xE4\xB8\xAD"));
	cr_assert(m("^\\pC$", "\x01"));
	cr_assert_not(m("\\pC", "a"));
	cr_assert(m("^[\\PC]$", "a"));
	cr_assert(m("^[^\\n]$", "x"));
	cr_assert(m("^[^a]$", "\n"));                   /* [^a] matches \n in Go */
	cr_assert(m("^[]a]+$", "]a"));
	cr_assert(m("^[^]a]$", "b"));
	cr_assert(m("^[a-]+$", "a-"));
	cr_assert(m("^[\\]\\-\\\\]+$", "]-\\"));
}

Test(regex, escapes)
{
	cr_assert(m("^\\x41$", "A"));
	cr_assert(m("^\\x{1F600}$", "\xF0\x9F\x98\x80"));
	cr_assert(m("^\\x{10FFFF}$", "\xF4\x8F\xBF\xBF"));
	cr_assert(m("^\\101$", "A"));                  /* octal */
	cr_assert(m("^\\12$", "\n"));                  /* octal, not a backreference */
	cr_assert(m("^\\0$", "\0x") == false);
	cr_assert(m("^\\08$", "\x00" "8") == false);   /* strlen stops at NUL */
	cr_assert(m("^\\a\\f\\t\\v\\r\\n$", "\a\f\t\v\r\n"));
	cr_assert(m("^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$", ".*+?()[]{}|^$\\"));
	cr_assert(m("^\\_$", "_"));
	cr_assert(m("^\\Qa.b*\\E+$", "a.b***"));  /* + repeats the last literal */
	cr_assert_not(m("^\\Qa.b\\E$", "axb"));
	cr_assert(m("^\\Q(a\\E", "(a"));
	cr_assert(m("^\\Qab", "ab"));                  /* \Q to the end */
	cr_assert(m("^a\\Q\\E*$", "aaa"));
	cr_assert(m("^[\\x{61}-\\x{63}]+$", "abc"));
	cr_assert_not(m("\\x{D800}", "a"));            /* Go accepts, never matches */
	cr_assert(m("^[\\x{D000}-\\x{E000}]$", "\xEE\x80\x80"));
}

Test(regex, captures_and_names)
{
	kp_regex *re = rx("(?P<first>a)(b)(?<third>c)?");
	cr_assert_eq(kp_regex_groups(re), 3);
	cr_assert_str_eq(kp_regex_group_name(re, 1), "first");
	cr_assert_null(kp_regex_group_name(re, 2));
	cr_assert_str_eq(kp_regex_group_name(re, 3), "third");
	cr_assert_null(kp_regex_group_name(re, 4));
	cr_assert_eq(kp_regex_group_index(re, "third"), 3);
	cr_assert_eq(kp_regex_group_index(re, "nope"), -1);
	size_t caps[8];
	kp_error e;
	cr_assert_eq(kp_regex_find(re, "xxab", 4, 0, caps, 8, NULL, &e), 1);
	cr_assert_eq(caps[0], 2);
	cr_assert_eq(caps[1], 4);
	cr_assert_eq(caps[2], 2);
	cr_assert_eq(caps[4], 3);
	cr_assert_eq(caps[6], SIZE_MAX);
	cr_assert_eq(caps[7], SIZE_MAX);
	/* start offset: leftmost at or after it; ^ still only at 0 */
	cr_assert_eq(kp_regex_find(re, "abab", 4, 1, caps, 2, NULL, &e), 1);
	cr_assert_eq(caps[0], 2);
	kp_regex_free(re);
	re = rx("^a");
	cr_assert_eq(kp_regex_find(re, "aa", 2, 1, caps, 2, NULL, &e), 0);
	kp_regex_free(re);
	/* duplicate names are allowed (Go): SubexpIndex is the first */
	re = rx("(?P<x>a)|(?P<x>b)");
	cr_assert_eq(kp_regex_group_index(re, "x"), 1);
	kp_regex_free(re);
	/* leftmost-first, not leftmost-longest */
	cr_assert_str_eq(find("a|ab", "ab", 0), "a");
	cr_assert_str_eq(find("(a*)+", "b", 1), "");
	cr_assert_str_eq(find("(a|(b))+", "ba", 2), "b");
	cr_assert_str_eq(find("x(y)?", "x", 1), "<nil>");
	cr_assert_str_eq(find("q", "x", 0), "<none>");
	cr_assert_str_eq(find("(\\w+)@(\\w+)\\.com", "mail bob@example.com now", 2), "example");
}

Test(regex, rejected_syntax)
{
	bad("a\\1", "error parsing regexp: invalid escape sequence: `\\1`", 2);
	bad("(a)\\18", "error parsing regexp: invalid escape sequence: `\\1`", 4);
	bad("\\8", "error parsing regexp: invalid escape sequence: `\\8`", 1);
	bad("a(?=b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`", 2);
	bad("a(?!b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`", 2);
	bad("(?<=a)b", "error parsing regexp: invalid named capture: `(?<=a)b`", 1);
	bad("(?<!a)b", "error parsing regexp: invalid named capture: `(?<!a)b`", 1);
	bad("(?>a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?>`", 1);
	bad("(?#c)", "error parsing regexp: invalid or unsupported Perl syntax: `(?#`", 1);
	bad("(?P=n)", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`", 1);
	bad("(?(1)a|b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?(`", 1);
	bad("(?R)", "error parsing regexp: invalid or unsupported Perl syntax: `(?R`", 1);
	bad("(?1)", "error parsing regexp: invalid or unsupported Perl syntax: `(?1`", 1);
	bad("(?i", "error parsing regexp: invalid or unsupported Perl syntax: `(?i`", 1);
	bad("(?-)", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`", 1);
	bad("(?i-)", "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`", 1);
	bad("(?i--s)", "error parsing regexp: invalid or unsupported Perl syntax: `(?i--`", 1);
	bad("(?x)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`", 1);
	bad("a++", "error parsing regexp: invalid nested repetition operator: `++`", 2);
	bad("a**", "error parsing regexp: invalid nested repetition operator: `**`", 2);
	bad("a*?+", "error parsing regexp: invalid nested repetition operator: `*?+`", 2);
	bad("a{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`", 2);
	bad("a?+", "error parsing regexp: invalid nested repetition operator: `?+`", 2);
	bad("*a", "error parsing regexp: missing argument to repetition operator: `*`", 1);
	bad("a|*", "error parsing regexp: missing argument to repetition operator: `*`", 3);
	bad("(*)", "error parsing regexp: missing argument to repetition operator: `*`", 2);
	bad("(?i)*", "error parsing regexp: missing argument to repetition operator: `*`", 5);
	bad("x(?i:+)", "error parsing regexp: missing argument to repetition operator: `+`", 6);
	bad("{2}", "error parsing regexp: missing argument to repetition operator: `{2}`", 1);
	bad("??", "error parsing regexp: missing argument to repetition operator: `??`", 1);
	bad("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`", 2);
	bad("a{2,1}", "error parsing regexp: invalid repeat count: `{2,1}`", 2);
	bad("a{1,1001}", "error parsing regexp: invalid repeat count: `{1,1001}`", 2);
	bad("a{99999999999}", "error parsing regexp: invalid repeat count: `{99999999999}`", 2);
	bad("(a{500}){3}", "error parsing regexp: invalid repeat count: `{3}`", 9);
	bad("((a{10}){10}){11}", "error parsing regexp: invalid repeat count: `{11}`", 14);
	bad("(a(", "error parsing regexp: missing closing ): `(a(`", 3);
	bad("(a", "error parsing regexp: missing closing ): `(a`", 1);
	bad("a)", "error parsing regexp: unexpected ): `a)`", 2);
	bad("[a", "error parsing regexp: missing closing ]: `[a`", 1);
	bad("x[]", "error parsing regexp: missing closing ]: `[]`", 2);
	bad("[^", "error parsing regexp: missing closing ]: `[^`", 1);
	bad("[z-a]", "error parsing regexp: invalid character class range: `z-a`", 2);
	bad("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`", 2);
	bad("\\p{Foo}", "error parsing regexp: invalid character class range: `\\p{Foo}`", 1);
	bad("\\pX", "error parsing regexp: invalid character class range: `\\pX`", 1);
	bad("\\p{greek}", "error parsing regexp: invalid character class range: `\\p{greek}`", 1);
	bad("\\p{L", "error parsing regexp: invalid character class range: `\\p{L`", 1);
	bad("\\p", "error parsing regexp: invalid character class range: `\\p`", 1);
	bad("a\\", "error parsing regexp: trailing backslash at end of expression: ``", 2);
	bad("\\Z", "error parsing regexp: invalid escape sequence: `\\Z`", 1);
	bad("\\G", "error parsing regexp: invalid escape sequence: `\\G`", 1);
	bad("\\K", "error parsing regexp: invalid escape sequence: `\\K`", 1);
	bad("\\R", "error parsing regexp: invalid escape sequence: `\\R`", 1);
	bad("\\h", "error parsing regexp: invalid escape sequence: `\\h`", 1);
	bad("\\X", "error parsing regexp: invalid escape sequence: `\\X`", 1);
	bad("\\C", "error parsing regexp: invalid escape sequence: `\\C`", 1);
	bad("\\e", "error parsing regexp: invalid escape sequence: `\\e`", 1);
	bad("\\x", "error parsing regexp: invalid escape sequence: `\\x`", 1);
	bad("\\xZ1", "error parsing regexp: invalid escape sequence: `\\xZ1`", 1);
	bad("\\x{}", "error parsing regexp: invalid escape sequence: `\\x{}`", 1);
	bad("\\x{110000}", "error parsing regexp: invalid escape sequence: `\\x{110000`", 1);
	bad("\\x{12", "error parsing regexp: invalid escape sequence: `\\x{12`", 1);
	bad("[\\b]", "error parsing regexp: invalid escape sequence: `\\b`", 2);
	bad("[\\Q]", "error parsing regexp: invalid escape sequence: `\\Q`", 2);
	bad("\\\xC3\xA9", "error parsing regexp: invalid escape sequence: `\\\xC3\xA9`", 1);
	bad("(?P<n", "error parsing regexp: invalid named capture: `(?P<n`", 1);
	bad("(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`", 1);
	bad("(?P<a-b>x)", "error parsing regexp: invalid named capture: `(?P<a-b>`", 1);
	bad("(?<>a)", "error parsing regexp: invalid named capture: `(?<>`", 1);
	bad("a\xFF", "error parsing regexp: invalid UTF-8: `\\xff`", 2);
	bad("[\xC3]", "error parsing regexp: invalid UTF-8: `\\xc3]`", 2);
	/* Go knows Unicode 15 scripts, PCRE2 10.42 only 14: reported, not guessed */
	bad("\\p{Kawi}", NULL, 1);
}

Test(regex, nesting_limits)
{
	/* 500 nested groups are fine (PCRE2's default limit is 250) */
	char pat[4096];
	size_t n = 0;
	for (int i = 0; i < 500; i++)
		pat[n++] = '(';
	pat[n++] = 'a';
	for (int i = 0; i < 500; i++)
		pat[n++] = ')';
	pat[n] = 0;
	cr_assert(m(pat, "a"));
	/* Go's height limit: 1000 nested captures are one level too many */
	kp_error e;
	char *deep = malloc(8192);
	for (int depth = 999; depth <= 1000; depth++) {
		n = 0;
		for (int i = 0; i < depth; i++)
			deep[n++] = '(';
		for (int i = 0; i < depth; i++)
			deep[n++] = ')';
		kp_regex *re = kp_regex_compile(deep, n, &e);
		cr_assert_eq(re != NULL, depth == 999);
		kp_regex_free(re);
	}
	cr_assert(!strncmp(e.msg, "error parsing regexp: expression nests too deeply: `((((", 56), "%s", e.msg);
	/* ... and so are 1000 nested stars */
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(deep + n, "(?:");
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(deep + n, ")*");
	cr_assert_null(kp_regex_compile(deep, n, &e));
	cr_assert(!strncmp(e.msg, "error parsing regexp: expression nests too deeply", 49), "%s", e.msg);
	/* Go's program size limit (3.3M instructions) */
	n = (size_t)sprintf(deep, "(");
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(deep + n, "(xx?)");
	n += (size_t)sprintf(deep + n, "){1000}");
	cr_assert_null(kp_regex_compile(deep, n, &e));
	cr_assert(!strncmp(e.msg, "error parsing regexp: expression too large: `((xx?)", 50), "%s", e.msg);
	free(deep);
	/* a repeat product of exactly 1000 is allowed */
	char *thousand = malloc(1001);
	memset(thousand, 'a', 1000);
	thousand[1000] = 0;
	cr_assert(m("^((a{10}){10}){10}$", thousand));
	thousand[999] = 0;
	cr_assert_not(m("^((a{10}){10}){10}$", thousand));
	free(thousand);
	cr_assert(m("^(a{1000}){0}b", "b"));   /* x{0} stops the product */
	cr_assert(m("^(a{1000}){0,1}b", "b")); /* {0,1} is not checked */
	/* a quantifier on a quantified atom after a flag group is Go's (x*)* */
	cr_assert(m("^a*(?i)*$", "aaa"));
	cr_assert(m("^a{2}(?i)?$", ""));
}

Test(regex, replace_templates)
{
	cr_assert_str_eq(rep("a(x*)b", "-ab-axxb-", "${1}W", false), "-W-xxW-");
	cr_assert_str_eq(rep("a(x*)b", "-ab-axxb-", "$1W", false), "---");  /* group "1W" */
	cr_assert_str_eq(rep("a(x*)b", "-ab-axxb-", "$1", false), "--xx-");
	cr_assert_str_eq(rep("a(?P<mid>x*)b", "-axxb-", "[$mid]", false), "-[xx]-");
	cr_assert_str_eq(rep("a(?P<mid>x*)b", "-axxb-", "[${mid}]", false), "-[xx]-");
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$$1", false), "-$1-");
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$", false), "-$-");
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "${1", false), "-${1-");
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$-", false), "-$--");
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$2", false), "--");     /* no group 2 */
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$01", false), "--");    /* name "01" */
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$0", false), "-axb-");
	cr_assert_str_eq(rep("(a)|(b)", "ab", "[$2]", false), "[][b]");
	cr_assert_str_eq(rep("(?P<x>a)|(?P<x>b)", "ab", "[$x]", false), "[a][b]");
	cr_assert_str_eq(rep("a", "a", "$\xC3\xA9", false), "");          /* é is a letter */
	cr_assert_str_eq(rep("a(x*)b", "-axb-", "$1", true), "-$1-");
	cr_assert_str_eq(rep("(\\w+)@(\\w+)", "bob@host", "$2 at $1", false), "host at bob");
	cr_assert_str_eq(rep("nomatch", "text", "x", false), "text");
	cr_assert_str_eq(rep("", "", "x", false), "x");
}

Test(regex, replace_empty_matches)
{
	cr_assert_str_eq(rep("x*", "abc", "-", false), "-a-b-c-");
	cr_assert_str_eq(rep("b*", "abc", "-", false), "-a-c-");
	cr_assert_str_eq(rep("a*", "baaac", "-", false), "-b-c-");
	cr_assert_str_eq(rep("", "\xC3\xA9t\xC3\xA9", "-", false), "-\xC3\xA9-t-\xC3\xA9-");
	cr_assert_str_eq(rep("a|b", "abc", "", false), "c");
	cr_assert_str_eq(rep("(?m)^", "a\nb\n", ">", false), ">a\n>b\n>");
	cr_assert_str_eq(rep("(?m)$", "a\nb", "<", false), "a<\nb<");
	cr_assert_str_eq(rep("\\b", "ab cd", "|", false), "|ab| |cd|");
}

typedef struct {
	size_t n;
	size_t at[16][2];
} all_res;

static int collect(void *ud, const size_t *caps, size_t ncaps)
{
	all_res *r = ud;
	(void)ncaps;
	if (r->n < 16) {
		r->at[r->n][0] = caps[0];
		r->at[r->n][1] = caps[1];
	}
	r->n++;
	return 0;
}

Test(regex, find_all)
{
	kp_regex *re = rx("a*");
	all_res r = {0};
	kp_error e;
	/* Go: FindAllStringIndex("baaab", -1) = [[0 0] [1 4] [5 5]] */
	cr_assert_eq(kp_regex_find_all(re, "baaab", 5, SIZE_MAX, collect, &r, NULL, &e), 3);
	cr_assert_eq(r.at[0][0], 0);
	cr_assert_eq(r.at[0][1], 0);
	cr_assert_eq(r.at[1][0], 1);
	cr_assert_eq(r.at[1][1], 4);
	cr_assert_eq(r.at[2][0], 5);
	cr_assert_eq(r.at[2][1], 5);
	memset(&r, 0, sizeof r);
	cr_assert_eq(kp_regex_find_all(re, "baaab", 5, 2, collect, &r, NULL, &e), 2);
	kp_regex_free(re);
	re = rx("\\d+");
	memset(&r, 0, sizeof r);
	cr_assert_eq(kp_regex_find_all(re, "a1b22c333", 9, SIZE_MAX, collect, &r, NULL, &e), 3);
	cr_assert_eq(r.at[2][0], 6);
	cr_assert_eq(r.at[2][1], 9);
	kp_regex_free(re);
}

Test(regex, invalid_utf8_subject)
{
	/* Go reads each bad byte as U+FFFD, one byte wide */
	cr_assert(m("^.$", "\xFF"));
	cr_assert(m("^a.b$", "a\xFF" "b"));
	cr_assert(m("^..$", "\xE2\x82"));              /* truncated: two bad bytes */
	cr_assert(m("^\\x{FFFD}$", "\xFF"));
	cr_assert(m("^[^a]$", "\xC0"));
	cr_assert_str_eq(find("b+", "\xFF\xFE" "bb\xFF", 0), "bb");
	kp_regex *re = rx("b+");
	size_t caps[2];
	kp_error e;
	cr_assert_eq(kp_regex_find(re, "\xFF\xFE" "bb\xFF" "b", 6, 0, caps, 2, NULL, &e), 1);
	cr_assert_eq(caps[0], 2);
	cr_assert_eq(caps[1], 4);
	cr_assert_eq(kp_regex_find(re, "\xFF\xFE" "bb\xFF" "b", 6, 4, caps, 2, NULL, &e), 1);
	cr_assert_eq(caps[0], 5);
	cr_assert_eq(caps[1], 6);
	kp_regex_free(re);
	cr_assert_str_eq(rep("", "\xFF" "a", "-", false), "-\xFF-a-");
	cr_assert_str_eq(rep(".", "x\xFFy", "[$0]", false), "[x][\xFF][y]");
	cr_assert_str_eq(rep("\\x{FFFD}", "a\xFF" "b", "?", false), "a?b");
}

Test(regex, limits_stop_catastrophic_patterns)
{
	size_t n = 100000;
	char *s = malloc(n + 2);
	memset(s, 'a', n);
	s[n] = 'b';
	s[n + 1] = 0;
	kp_regex *re = rx("(a+)+$");
	kp_error e;
	kp_error_clear(&e);
	clock_t t0 = clock();
	int rc = kp_regex_search(re, s, n + 1, NULL, &e);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert(rc == -1 || rc == 0);
	if (rc == -1)
		cr_assert_eq(e.code, KP_E_LIMIT);
	cr_assert_lt(secs, 10.0, "took %.1fs", secs);
	kp_arena *a = kp_arena_new();
	cr_assert_null(kp_regex_replace(re, s, n + 1, "x", 1, false, a, NULL, NULL, &e) == NULL
		       ? NULL : "matched");
	kp_arena_free(a);
	kp_regex_free(re);
	/* a short subject still gets the right answer */
	cr_assert_not(m("(a+)+$", "aaaaaaaaaaaaaaaaab"));
	cr_assert(m("(a+)+$", "baaaa"));
	free(s);
}

Test(regex, large_subject_is_linear)
{
	size_t n = 1 << 20;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = "abcdefgh k=v, "[i % 14];
	s[n] = 0;
	kp_regex *re = rx("k=(\\w+)");
	kp_arena *a = kp_arena_new();
	kp_error e;
	size_t olen;
	clock_t t0 = clock();
	char *out = kp_regex_replace(re, s, n, "K:$1", 4, false, a, &olen, NULL, &e);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert(out, "%s", e.msg);
	cr_assert_eq(olen, n);
	cr_assert(!memcmp(out, "abcdefgh K:v, abcdefgh K:v, ", 28));
	cr_assert_lt(secs, 5.0, "1 MiB replace took %.2fs", secs);
	all_res r = {0};
	t0 = clock();
	cr_assert_eq(kp_regex_find_all(re, s, n, SIZE_MAX, collect, &r, NULL, &e), (long)(n / 14 + (n % 14 > 10)));
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert_lt(secs, 5.0, "1 MiB find_all took %.2fs", secs);
	kp_arena_free(a);
	kp_regex_free(re);
	free(s);
}

Test(regex, scratch_reuse_and_threads_share_compiled)
{
	kp_regex *re = rx("(\\d+)-(\\d+)");
	kp_regex_scratch *sc = kp_regex_scratch_new();
	size_t caps[6];
	kp_error e;
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(kp_regex_find(re, "x 12-34 y", 9, 0, caps, 6, sc, &e), 1);
		cr_assert_eq(caps[2], 2);
		cr_assert_eq(caps[5], 7);
	}
	/* a scratch grown by one pattern serves another */
	kp_regex *big = rx("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)");
	cr_assert_eq(kp_regex_search(big, "abcdefghij", 10, sc, &e), 1);
	cr_assert_eq(kp_regex_search(re, "1-2", 3, sc, &e), 1);
	kp_regex_scratch_free(sc);
	kp_regex_free(big);
	kp_regex_free(re);
}

Test(regex, loops_share_a_cpu_budget)
{
	/* every match costs ~2^16 backtracking steps (under the per-match
	 * limit), and there are 5000 of them: FindAll and ReplaceAll stop */
	size_t unit = 17, reps = 5000, n = unit * reps;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = i % unit == unit - 1 ? 'c' : 'a';
	s[n] = 0;
	kp_regex *re = rx("(a+)+$|c");
	kp_error e;
	kp_error_clear(&e);
	clock_t t0 = clock();
	long found = kp_regex_find_all(re, s, n, SIZE_MAX, NULL, NULL, NULL, &e);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert_eq(found, -1);
	cr_assert_eq(e.code, KP_E_LIMIT);
	cr_assert_lt(secs, 3.0, "took %.1fs", secs);
	kp_arena *a = kp_arena_new();
	cr_assert_null(kp_regex_replace(re, s, n, "x", 1, true, a, NULL, NULL, &e));
	cr_assert_eq(e.code, KP_E_LIMIT);
	/* the same on a short subject is answered */
	cr_assert_eq(kp_regex_find_all(re, s, unit * 3, SIZE_MAX, NULL, NULL, NULL, &e), 3);
	kp_arena_free(a);
	kp_regex_free(re);
	free(s);
}

typedef struct {
	const kp_regex *re;
	long found;
} thread_job;

static void *thread_run(void *arg)
{
	thread_job *j = arg;
	kp_regex_scratch *sc = kp_regex_scratch_new();
	const char *text = "a=1 bb=22 ccc=333 \xFF dddd=4444";
	kp_error e;
	j->found = 0;
	for (int i = 0; i < 500; i++)
		j->found += kp_regex_find_all(j->re, text, strlen(text), SIZE_MAX, NULL, NULL, sc, &e);
	kp_regex_scratch_free(sc);
	return NULL;
}

Test(regex, threads_share_one_compiled_regex)
{
	kp_regex *re = rx("(\\w+)=(\\d+)");
	pthread_t th[4];
	thread_job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i].re = re;
		cr_assert_eq(pthread_create(&th[i], NULL, thread_run, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(jobs[i].found, 500 * 4);
	}
	kp_regex_free(re);
}

Test(regex, unicode_case_folding)
{
	cr_assert(m("(?i)^\xCF\x83+$", "\xCE\xA3\xCF\x82\xCF\x83"));  /* σ: Σ ς σ */
	cr_assert(m("(?i)^s$", "\xC5\xBF"));                       /* ſ folds to s */
	cr_assert(m("(?i)^\\x{212A}$", "k"));                      /* Kelvin sign */
	cr_assert(m("(?i)^[\\x{1C4}]$", "\xC7\x85"));             /* Ǆ ǅ ǆ */
	cr_assert_not(m("^\xCF\x83$", "\xCE\xA3"));
	cr_assert(m("(?i)^\\Q\xC3\xA9t\xC3\xA9\\E$", "\xC3\x89T\xC3\x89"));
}

Test(regex, find_start_offsets)
{
	kp_regex *re = rx("\\b\\w");
	size_t caps[2];
	kp_error e;
	/* \b sees the text before start: "ab" from 1 has no word start */
	cr_assert_eq(kp_regex_find(re, "ab cd", 5, 1, caps, 2, NULL, &e), 1);
	cr_assert_eq(caps[0], 3);
	cr_assert_eq(kp_regex_find(re, "ab cd", 5, 6, caps, 2, NULL, &e), 0);
	kp_regex_free(re);
	re = rx(".");
	/* a start inside é moves to the next character */
	cr_assert_eq(kp_regex_find(re, "\xC3\xA9x", 3, 1, caps, 2, NULL, &e), 1);
	cr_assert_eq(caps[0], 2);
	kp_regex_free(re);
	re = rx("(?m)^x");
	cr_assert_eq(kp_regex_find(re, "ax\nx", 4, 1, caps, 2, NULL, &e), 1);
	cr_assert_eq(caps[0], 3);
	kp_regex_free(re);
}

Test(regex, eval_context_scratch_and_limits)
{
	kp_eval_limits lim = {.regex_match_limit = 1000};
	kp_eval_ctx *ctx = kp_eval_ctx_new(&lim);
	kp_regex_scratch *sc = kp_regex_ctx_scratch(ctx);
	cr_assert_not_null(sc);
	cr_assert_eq(kp_regex_ctx_scratch(ctx), sc);   /* made once */
	cr_assert_null(kp_regex_ctx_scratch(NULL));
	kp_regex *re = rx("(a+)+$");
	const char *s = "aaaaaaaaaaaaaaaab";
	kp_error e;
	kp_error_clear(&e);
	/* the context's small limit stops what the default answers */
	cr_assert_eq(kp_regex_search(re, s, strlen(s), sc, &e), -1);
	cr_assert_eq(e.code, KP_E_LIMIT);
	cr_assert_eq(kp_regex_search(re, s, strlen(s), NULL, &e), 0);
	cr_assert_eq(kp_regex_search(re, "xaa", 3, sc, &e), 1);
	kp_regex_free(re);
	kp_eval_ctx_free(ctx);   /* frees the scratch */
}
