/*
 * regex_replace.c - Go's ReplaceAllString / ReplaceAllLiteralString, with
 * regexp.Expand's templates ($1, ${1}, $name, ${name}, $$).
 */
#include "regex/re_internal.h"

#include <stdlib.h>
#include <string.h>

/* One piece of a parsed template: text, a group number, or a group name. */
typedef struct tpl_part {
	enum { TPL_TEXT, TPL_NUM, TPL_NAME } kind;
	const char *s; /* TEXT and NAME: into the template */
	size_t n;      /* TEXT and NAME: length; NUM: the group */
} tpl_part;

/* Go's extract(): a name after '$' ({name} or the longest run of letters,
 * digits and '_'); false when there is none (the '$' is then text). */
static bool tpl_extract(const char *s, size_t len, size_t *name_off, size_t *name_len,
			size_t *used, long *num)
{
	size_t i = 0;
	bool brace = len && s[0] == '{';
	if (brace)
		i = 1;
	size_t start = i;
	while (i < len) {
		size_t sz;
		int32_t r = kp_re_decode((const unsigned char *)s + i, len - i, &sz);
		if (r < 0 || (r != '_' && !kp_re_is_letter_or_digit((uint32_t)r)))
			break;
		i += sz;
	}
	if (i == start)
		return false;
	*name_off = start;
	*name_len = i - start;
	if (brace) {
		if (i >= len || s[i] != '}')
			return false;
		i++;
	}
	*used = i;
	/* a number: ASCII digits, no leading zero, below 1e8 */
	long v = 0;
	for (size_t k = start; k < start + *name_len; k++) {
		if (s[k] < '0' || s[k] > '9' || v >= 100000000) {
			v = -1;
			break;
		}
		v = v * 10 + (s[k] - '0');
	}
	if (s[start] == '0' && *name_len > 1)
		v = -1;
	*num = v;
	return true;
}

static tpl_part *tpl_parse(const char *t, size_t len, size_t *nparts)
{
	size_t cap = 0, n = 0;
	tpl_part *parts = NULL;
#define TPL_PUSH(...)                                                         \
	do {                                                                  \
		parts = kp_xgrow(parts, &cap, n + 1, sizeof *parts);         \
		parts[n++] = (tpl_part){__VA_ARGS__};                         \
	} while (0)
	size_t i = 0;
	while (i < len) {
		const char *d = memchr(t + i, '$', len - i);
		if (!d)
			break;
		size_t at = (size_t)(d - t);
		if (at > i)
			TPL_PUSH(TPL_TEXT, t + i, at - i);
		i = at + 1;
		if (i < len && t[i] == '$') {
			TPL_PUSH(TPL_TEXT, "$", 1);
			i++;
			continue;
		}
		size_t off, nlen, used;
		long num;
		if (!tpl_extract(t + i, len - i, &off, &nlen, &used, &num)) {
			TPL_PUSH(TPL_TEXT, "$", 1);
			continue;
		}
		if (num >= 0)
			TPL_PUSH(TPL_NUM, NULL, (size_t)num);
		else
			TPL_PUSH(TPL_NAME, t + i + off, nlen);
		i += used;
	}
	if (i < len)
		TPL_PUSH(TPL_TEXT, t + i, len - i);
#undef TPL_PUSH
	*nparts = n;
	return parts;
}

/* Go's expand() for one match (ov: subject offsets). */
static void tpl_expand(const kp_regex *re, const tpl_part *parts, size_t nparts,
		       const kp_re_subject *sub, const char *orig, const size_t *ov,
		       kp_buf *out)
{
	size_t groups = kp_regex_groups(re);
	for (size_t i = 0; i < nparts; i++) {
		const tpl_part *p = &parts[i];
		size_t g = SIZE_MAX;
		if (p->kind == TPL_TEXT) {
			kp_buf_add(out, p->s, p->n);
			continue;
		}
		if (p->kind == TPL_NUM) {
			if (p->n <= groups && ov[2 * p->n] != SIZE_MAX)
				g = p->n;
		} else {
			/* the first group of that name that took part */
			for (size_t k = 1; k <= groups && g == SIZE_MAX; k++) {
				const char *name = kp_regex_group_name(re, k);
				if (name && strlen(name) == p->n && !memcmp(name, p->s, p->n) &&
				    ov[2 * k] != SIZE_MAX)
					g = k;
			}
		}
		if (g != SIZE_MAX) {
			size_t a = kp_re_to_orig(sub, ov[2 * g]), b = kp_re_to_orig(sub, ov[2 * g + 1]);
			kp_buf_add(out, orig + a, b - a);
		}
	}
}

char *kp_regex_replace(const kp_regex *re, const char *s, size_t len,
		       const char *repl, size_t rlen, bool literal,
		       kp_arena *a, size_t *out_len, kp_regex_scratch *scratch,
		       kp_error *err)
{
	if (!s)
		s = "";
	if (!repl)
		repl = "";
	kp_regex_scratch *sc = kp_re_scratch_use(scratch);
	kp_re_subject sub;
	kp_re_subject_init(&sub, s, len, sc);
	size_t nparts = 0;
	tpl_part *parts = literal ? NULL : tpl_parse(repl, rlen, &nparts);
	/* built in a scratch arena: only the result goes to the caller's */
	kp_arena *tmp = kp_arena_new();
	kp_buf out;
	kp_buf_init(&out, tmp);
	bool failed = false;
	/* Go's replaceAll, in subject offsets */
	size_t last_end = 0, search = 0;
	while (search <= sub.len) {
		int rc = kp_re_exec(re, &sub, search, sc, err);
		if (rc < 0) {
			failed = true;
			break;
		}
		if (rc == 0)
			break;
		const size_t *ov = kp_re_ovector(sc);
		size_t m0 = ov[0], m1 = ov[1];
		size_t o_last = kp_re_to_orig(&sub, last_end), o0 = kp_re_to_orig(&sub, m0);
		kp_buf_add(&out, s + o_last, o0 - o_last);
		/* no replacement for an empty match right after a match */
		if (m1 > last_end || m0 == 0) {
			if (literal)
				kp_buf_add(&out, repl, rlen);
			else
				tpl_expand(re, parts, nparts, &sub, s, ov, &out);
		}
		last_end = m1;
		size_t width;
		kp_re_decode((const unsigned char *)sub.s + search, sub.len - search, &width);
		if (search + width > m1)
			search += width;
		else if (search + 1 > m1)
			search++;
		else
			search = m1;
	}
	char *res = NULL;
	if (!failed) {
		size_t o_last = kp_re_to_orig(&sub, last_end);
		kp_buf_add(&out, s + o_last, len - o_last);
		res = kp_arena_strndup(a, kp_buf_str(&out), out.len);
		if (out_len)
			*out_len = out.len;
	}
	kp_arena_free(tmp);
	free(parts);
	kp_re_scratch_done(scratch, sc);
	return res;
}
