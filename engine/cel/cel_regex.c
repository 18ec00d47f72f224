/* cel/cel_regex.c - regular expressions in CEL: literal patterns are
 * compiled once with the program (Kubernetes validates them at compile
 * time too), others per call; plus Kubernetes' regex library (s.find,
 * s.findAll) and cel-go's regex extension (regex.replace, regex.extract,
 * regex.extractAll).  RE2 syntax through regex/regex.h. */
#include "cel/cel_int.h"
#include "regex/regex.h"

#include <stdint.h>

/* Functions whose second argument (receiver included) is a pattern. */
static bool pattern_fn(const char *name)
{
	return !strcmp(name, "matches") || !strcmp(name, "find") ||
	       !strcmp(name, "findAll") || !strcmp(name, "regex.replace") ||
	       !strcmp(name, "regex.extract") || !strcmp(name, "regex.extractAll");
}

static int walk(kp_cel_prog *p, kp_arena *a, const cel_node *n, size_t *cap,
		kp_error *err)
{
	if (n->kind == N_CALL && n->fn && n->nargs >= 2 && pattern_fn(n->name) &&
	    n->args[1]->kind == N_LIT && n->args[1]->lit.kind == CEL_STRING) {
		cel_val pat = n->args[1]->lit;
		kp_error e;
		kp_regex *re = kp_regex_compile(pat.u.s.p, pat.u.s.n, &e);
		if (!re)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, n->args[1]->pos + 1, "%s", e.msg);
		if (p->nrx == *cap) {
			size_t nc = *cap ? *cap * 2 : 4;
			cel_rx *nr = kp_arena_alloc(a, nc * sizeof *nr);
			if (p->nrx)
				memcpy(nr, p->rx, p->nrx * sizeof *nr);
			p->rx = nr;
			*cap = nc;
		}
		p->rx[p->nrx].pat = pat.u.s.p;
		p->rx[p->nrx++].re = re;
	}
	for (size_t i = 0; i < n->nargs; i++)
		if (walk(p, a, n->args[i], cap, err))
			return -1;
	return 0;
}

int cel_regex_precompile(kp_cel_prog *p, kp_arena *a, kp_error *err)
{
	size_t cap = 0;
	if (walk(p, a, p->root, &cap, err)) {
		kp_cel_prog_free(p);
		return -1;
	}
	return 0;
}

kp_regex *cel_regex_get(cel_ctx *c, cel_val re, bool *owned, cel_val *err_out)
{
	if (c->prog)
		for (size_t i = 0; i < c->prog->nrx; i++)
			if (c->prog->rx[i].pat == re.u.s.p) {
				*owned = false;
				return c->prog->rx[i].re;
			}
	kp_error e;
	kp_regex *rx = kp_regex_compile(re.u.s.p, re.u.s.n, &e);
	if (!rx) {
		*err_out = cel_err(c, "%s", e.msg);
		return NULL;
	}
	*owned = true;
	return rx;
}

/* All matches (at most `limit`, < 0 no limit) of rx in s, as Go's
 * FindAllStringSubmatchIndex: an empty match right after a previous match
 * is skipped.  Calls `each` with the offsets of group 0 and group 1. */
typedef cel_val (*match_fn)(cel_ctx *c, void *ud, const size_t *caps, size_t ncaps);

static cel_val each_match(cel_ctx *c, kp_regex *rx, cel_val s, int64_t limit,
			  match_fn fn, void *ud)
{
	size_t caps[4];
	size_t start = 0, prev_end = SIZE_MAX;
	int64_t found = 0;
	kp_error e;
	while (start <= s.u.s.n && (limit < 0 || found < limit)) {
		int r = kp_regex_find(rx, s.u.s.p, s.u.s.n, start, caps, 4, c->rx, &e);
		if (r < 0)
			return cel_err(c, "%s", e.msg);
		if (r == 0)
			break;
		if (caps[1] == caps[0] && caps[0] == prev_end) {
			/* empty match adjacent to the previous one: advance a rune */
			start = caps[0] + 1;
			while (start < s.u.s.n && ((unsigned char)s.u.s.p[start] & 0xC0) == 0x80)
				start++;
			continue;
		}
		cel_val v = fn(c, ud, caps, 4);
		if (cel_is_err(v))
			return v;
		found++;
		prev_end = caps[1];
		if (caps[1] > caps[0])
			start = caps[1];
		else {
			start = caps[1] + 1;
			while (start < s.u.s.n && ((unsigned char)s.u.s.p[start] & 0xC0) == 0x80)
				start++;
		}
	}
	return cel_null();
}

typedef struct collect { cel_val s; cel_vec out; bool group; } collect;

static cel_val collect_one(cel_ctx *c, void *ud, const size_t *caps, size_t ncaps)
{
	(void)ncaps;
	collect *col = ud;
	size_t b = caps[0], e = caps[1];
	if (col->group) {
		b = caps[2];
		e = caps[3];
		if (b == SIZE_MAX)
			b = e = 0;
	}
	cel_vec_push(c, &col->out, cel_str(col->s.u.s.p + b, e - b));
	return cel_null();
}

static cel_val find_all(cel_ctx *c, cel_val s, cel_val re, int64_t limit,
			bool group, const char *fn)
{
	bool owned;
	cel_val e;
	kp_regex *rx = cel_regex_get(c, re, &owned, &e);
	if (!rx)
		return e;
	if (group && kp_regex_groups(rx) > 1) {
		if (owned)
			kp_regex_free(rx);
		return cel_err(c, "%s: regular expression has more than one capturing group: %.*s",
			       fn, (int)re.u.s.n, re.u.s.p);
	}
	group = group && kp_regex_groups(rx) == 1;
	collect col = {.s = s, .group = group};
	cel_val r = each_match(c, rx, s, limit, collect_one, &col);
	if (owned)
		kp_regex_free(rx);
	if (cel_is_err(r))
		return r;
	return cel_vec_list(c, &col.out);
}

/* Kubernetes: s.find(re) -> first match or ''; s.findAll(re[, n]). */
static cel_val fn_find(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_STRING)
		return cel_no_overload(c, "find");
	cel_val l = find_all(c, a[0], a[1], 1, false, "find");
	if (cel_is_err(l))
		return l;
	return cel_list_len(l) ? cel_list_at(l, 0) : cel_str("", 0);
}

static cel_val fn_find_all(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_STRING ||
	    (n == 3 && a[2].kind != CEL_INT))
		return cel_no_overload(c, "findAll");
	return find_all(c, a[0], a[1], n == 3 ? a[2].u.i : -1, false, "findAll");
}

/* cel-go ext regex: extract -> optional(first match or its one group). */
static cel_val fn_extract(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_STRING)
		return cel_no_overload(c, "regex.extract");
	cel_val l = find_all(c, a[0], a[1], 1, true, "regex.extract");
	if (cel_is_err(l))
		return l;
	if (!cel_list_len(l))
		return cel_optional(c, NULL);
	cel_val v = cel_list_at(l, 0);
	return cel_optional(c, &v);
}

static cel_val fn_extract_all(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_STRING)
		return cel_no_overload(c, "regex.extractAll");
	return find_all(c, a[0], a[1], -1, true, "regex.extractAll");
}

/* Append the replacement with cel-go's group references: \\N (N a digit)
 * is group N ("" when it did not take part), \\\\ a backslash; any other
 * escape is an error. */
static bool expand(kp_buf *b, cel_val repl, cel_val s, const size_t *caps, size_t ngroups)
{
	const char *r = repl.u.s.p;
	for (size_t i = 0; i < repl.u.s.n; i++) {
		if (r[i] != '\\') {
			kp_buf_add(b, r + i, 1);
			continue;
		}
		if (++i >= repl.u.s.n)
			return false;
		if (r[i] == '\\') {
			kp_buf_add(b, "\\", 1);
		} else if (r[i] >= '0' && r[i] <= '9') {
			size_t g = (size_t)(r[i] - '0');
			if (g > ngroups)
				return false;
			if (caps[2 * g] != SIZE_MAX)
				kp_buf_add(b, s.u.s.p + caps[2 * g], caps[2 * g + 1] - caps[2 * g]);
		} else {
			return false;
		}
	}
	return true;
}

/* regex.replace(s, re, repl[, count]): count < 0 all matches, else the
 * first `count` (cel-go ext/regex.go). */
static cel_val fn_replace(cel_ctx *c, cel_val *a, size_t n)
{
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_STRING || a[2].kind != CEL_STRING ||
	    (n == 4 && a[3].kind != CEL_INT))
		return cel_no_overload(c, "regex.replace");
	int64_t limit = n == 4 ? a[3].u.i : -1;
	bool owned;
	cel_val e;
	kp_regex *rx = cel_regex_get(c, a[1], &owned, &e);
	if (!rx)
		return e;
	size_t ngroups = kp_regex_groups(rx);
	size_t ncaps = 2 * (ngroups + 1);
	size_t *caps = kp_arena_alloc(c->a, ncaps * sizeof *caps);
	cel_val s = a[0];
	kp_buf b;
	kp_buf_init(&b, c->a);
	size_t start = 0, copied = 0, prev_end = SIZE_MAX;
	int64_t done = 0;
	cel_val result = {.kind = CEL_NULL};
	kp_error err;
	while (start <= s.u.s.n && (limit < 0 || done < limit)) {
		int r = kp_regex_find(rx, s.u.s.p, s.u.s.n, start, caps, ncaps, c->rx, &err);
		if (r < 0) {
			result = cel_err(c, "%s", err.msg);
			goto out;
		}
		if (r == 0)
			break;
		bool empty_after = caps[0] == caps[1] && caps[0] == prev_end;
		if (!empty_after) {
			kp_buf_add(&b, s.u.s.p + copied, caps[0] - copied);
			if (!expand(&b, a[2], s, caps, ngroups)) {
				result = cel_err(c, "invalid replacement string: '%.*s'",
						 (int)a[2].u.s.n, a[2].u.s.p);
				goto out;
			}
			copied = caps[1];
			done++;
			if (b.len > CEL_MAX_SIZE) {
				result = cel_err(c, "string of %zu bytes exceeds the size limit", b.len);
				goto out;
			}
		}
		prev_end = caps[1];
		start = caps[1] > caps[0] ? caps[1] : caps[1] + 1;
		while (start < s.u.s.n && ((unsigned char)s.u.s.p[start] & 0xC0) == 0x80)
			start++;
	}
	if (copied < s.u.s.n)
		kp_buf_add(&b, s.u.s.p + copied, s.u.s.n - copied);
	result = cel_str(kp_buf_str(&b), b.len);
out:
	if (owned)
		kp_regex_free(rx);
	return result;
}

static cel_val fn_matches(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING || a[1].kind != CEL_STRING)
		return cel_no_overload(c, "matches");
	bool owned;
	cel_val e;
	kp_regex *rx = cel_regex_get(c, a[1], &owned, &e);
	if (!rx)
		return e;
	kp_error err;
	int r = kp_regex_search(rx, a[0].u.s.p, a[0].u.s.n, c->rx, &err);
	if (owned)
		kp_regex_free(rx);
	if (r < 0)
		return cel_err(c, "%s", err.msg);
	return cel_bool(r == 1);
}

const cel_builtin cel_std_regex[] = {
	{"matches", 3, 2, 2, fn_matches},
	{"find", 2, 2, 2, fn_find},
	{"findAll", 2, 2, 3, fn_find_all},
	{"regex.extract", 1, 2, 2, fn_extract},
	{"regex.extractAll", 1, 2, 2, fn_extract_all},
	{"regex.replace", 1, 3, 4, fn_replace},
	{NULL, 0, 0, 0, NULL}
};
