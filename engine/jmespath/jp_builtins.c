/* jp_builtins.c - the built-in functions of the JMESPath specification.
 * Argument types are checked by the interpreter against the table at the
 * end before a callback runs. */
#include "jmespath/jp_ast.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARG(i) (args[i].v)

static int fn_abs(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *v = ARG(0);
	if (v->type == KP_INT && v->u.i != INT64_MIN)
		*out = v->u.i < 0 ? kp_jp_new_int(c->arena, -v->u.i) : v;
	else
		*out = kp_jp_new_number(c->arena, fabs(kp_jp_num(v)));
	return 0;
}

static double sum_of(const kp_value *arr)
{
	double s = 0;
	for (size_t i = 0; i < arr->u.seq.n; i++)
		s += kp_jp_num(arr->u.seq.items[i]);
	return s;
}

static int fn_avg(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *a = ARG(0);
	*out = a->u.seq.n ? kp_jp_new_number(c->arena, sum_of(a) / (double)a->u.seq.n)
			  : kp_jp_null();
	return 0;
}

static int fn_sum(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = kp_jp_new_number(c->arena, sum_of(ARG(0)));
	return 0;
}

static int fn_ceil(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = ARG(0)->type == KP_INT ? ARG(0) : kp_jp_new_number(c->arena, ceil(ARG(0)->u.f));
	return 0;
}

static int fn_floor(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = ARG(0)->type == KP_INT ? ARG(0) : kp_jp_new_number(c->arena, floor(ARG(0)->u.f));
	return 0;
}

static bool has_substr(const kp_value *s, const kp_value *sub)
{
	if (sub->u.s.len == 0)
		return true;
	return memmem(s->u.s.ptr, s->u.s.len, sub->u.s.ptr, sub->u.s.len) != NULL;
}

static int fn_contains(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *subj = ARG(0), *search = ARG(1);
	bool found = false;
	if (subj->type == KP_STRING) {
		found = search->type == KP_STRING && has_substr(subj, search);
	} else {
		for (size_t i = 0; i < subj->u.seq.n && !found; i++)
			found = kp_jp_equal(subj->u.seq.items[i], search);
	}
	*out = kp_jp_bool(found);
	return 0;
}

static int fn_starts_with(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *s = ARG(0), *p = ARG(1);
	*out = kp_jp_bool(p->u.s.len <= s->u.s.len &&
			  memcmp(s->u.s.ptr, p->u.s.ptr, p->u.s.len) == 0);
	return 0;
}

static int fn_ends_with(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *s = ARG(0), *p = ARG(1);
	*out = kp_jp_bool(p->u.s.len <= s->u.s.len &&
			  memcmp(s->u.s.ptr + s->u.s.len - p->u.s.len, p->u.s.ptr, p->u.s.len) == 0);
	return 0;
}

static int fn_join(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *glue = ARG(0), *arr = ARG(1);
	kp_buf sb;
	kp_buf_init(&sb, c->arena);
	for (size_t i = 0; i < arr->u.seq.n; i++) {
		if (i)
			kp_buf_add(&sb, glue->u.s.ptr, glue->u.s.len);
		kp_buf_add(&sb, arr->u.seq.items[i]->u.s.ptr, arr->u.seq.items[i]->u.s.len);
	}
	kp_value *v = kp_value_new(c->arena, KP_STRING, KP_JP_NOFILE, 0, 0);
	v->u.s.ptr = kp_buf_str(&sb);
	v->u.s.len = sb.len;
	*out = v;
	return 0;
}

static const kp_value *keys_or_values(kp_jp_call *c, const kp_value *o, bool keys)
{
	kp_value *res = kp_jp_new_array(c->arena, o->u.map.n);
	for (size_t i = 0; i < o->u.map.n; i++)
		kp_jp_array_push(c->arena, res, keys ? o->u.map.pairs[i].key : o->u.map.pairs[i].value);
	return res;
}

static int fn_keys(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = keys_or_values(c, ARG(0), true);
	return 0;
}

static int fn_values(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = keys_or_values(c, ARG(0), false);
	return 0;
}

static int fn_length(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *v = ARG(0);
	size_t len = v->type == KP_STRING ? kp_jp_utf8_len(v->u.s.ptr, v->u.s.len)
		     : v->type == KP_SEQ  ? v->u.seq.n
					  : v->u.map.n;
	*out = kp_jp_new_int(c->arena, (int64_t)len);
	return 0;
}

static int fn_map(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *arr = ARG(1);
	kp_value *res = kp_jp_new_array(c->arena, arr->u.seq.n);
	for (size_t i = 0; i < arr->u.seq.n; i++) {
		const kp_value *v;
		int rc = kp_jp_call_ref(c, args[0].ref, arr->u.seq.items[i], &v);
		if (rc)
			return rc;
		kp_jp_array_push(c->arena, res, v);
	}
	*out = res;
	return 0;
}

/* Order of two numbers or two strings (the callers ensure the types). */
static int cmp_values(const kp_value *a, const kp_value *b)
{
	if (a->type == KP_STRING)
		return kp_bytes_cmp(a->u.s.ptr, a->u.s.len, b->u.s.ptr, b->u.s.len);
	if (a->type == KP_INT && b->type == KP_INT)
		return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	double x = kp_jp_num(a), y = kp_jp_num(b);
	return x < y ? -1 : x > y;
}

/* Keys computed by an expression reference: all numbers or all strings. */
static int keys_by(kp_jp_call *c, const kp_value *arr, const kp_jp_node *ref,
		   const kp_value ***keys)
{
	const kp_value **k = kp_arena_alloc(c->arena, (arr->u.seq.n + 1) * sizeof(*k));
	for (size_t i = 0; i < arr->u.seq.n; i++) {
		int rc = kp_jp_call_ref(c, ref, arr->u.seq.items[i], &k[i]);
		if (rc)
			return rc;
		bool num = kp_jp_is_number(k[i]), str = k[i]->type == KP_STRING;
		if (!num && !str)
			return kp_jp_fail(c, KP_JP_E_INVALID_TYPE,
					  "the expression must give a number or a string, got %s",
					  kp_jp_type_of(k[i]));
		if (i && (kp_jp_is_number(k[0]) != num))
			return kp_jp_fail(c, KP_JP_E_INVALID_TYPE, "%s",
					  "the expression gives both numbers and strings");
	}
	*keys = k;
	return 0;
}

static int extreme(kp_jp_call *c, const kp_value *arr, const kp_value **keys, int sign,
		   const kp_value **out)
{
	if (arr->u.seq.n == 0) {
		*out = kp_jp_null();
		return 0;
	}
	size_t best = 0;
	for (size_t i = 1; i < arr->u.seq.n; i++)
		if (cmp_values(keys[i], keys[best]) * sign > 0)
			best = i;
	*out = arr->u.seq.items[best];
	return 0;
}

static int fn_max(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *a = ARG(0);
	return extreme(c, a, (const kp_value **)a->u.seq.items, 1, out);
}

static int fn_min(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *a = ARG(0);
	return extreme(c, a, (const kp_value **)a->u.seq.items, -1, out);
}

static int fn_max_by(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value **keys;
	int rc = keys_by(c, ARG(0), args[1].ref, &keys);
	return rc ? rc : extreme(c, ARG(0), keys, 1, out);
}

static int fn_min_by(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value **keys;
	int rc = keys_by(c, ARG(0), args[1].ref, &keys);
	return rc ? rc : extreme(c, ARG(0), keys, -1, out);
}

/* Stable merge sort of idx[0..n) by keys[idx[i]], tmp as scratch. */
static void merge_sort(size_t *idx, size_t *tmp, size_t n, const kp_value **keys)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	merge_sort(idx, tmp, h, keys);
	merge_sort(idx + h, tmp, n - h, keys);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp_values(keys[idx[j]], keys[idx[i]]) < 0 ? idx[j++] : idx[i++];
	while (i < h)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

static const kp_value *sorted(kp_jp_call *c, const kp_value *arr, const kp_value **keys)
{
	size_t cnt = arr->u.seq.n;
	size_t *idx = kp_arena_alloc(c->arena, (2 * cnt + 1) * sizeof(*idx));
	for (size_t i = 0; i < cnt; i++)
		idx[i] = i;
	merge_sort(idx, idx + cnt, cnt, keys);
	kp_value *res = kp_jp_new_array(c->arena, cnt);
	for (size_t i = 0; i < cnt; i++)
		kp_jp_array_push(c->arena, res, arr->u.seq.items[idx[i]]);
	return res;
}

static int fn_sort(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = sorted(c, ARG(0), (const kp_value **)ARG(0)->u.seq.items);
	return 0;
}

static int fn_sort_by(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value **keys;
	int rc = keys_by(c, ARG(0), args[1].ref, &keys);
	if (rc)
		return rc;
	*out = sorted(c, ARG(0), keys);
	return 0;
}

static int fn_merge(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	if (n == 1) {
		*out = ARG(0);
		return 0;
	}
	kp_value *res = kp_jp_new_object(c->arena, ARG(0)->u.map.n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ARG(i)->u.map.n; j++)
			kp_jp_object_set(c->arena, res, ARG(i)->u.map.pairs[j].key,
					 ARG(i)->u.map.pairs[j].value);
	*out = res;
	return 0;
}

static int fn_not_null(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	*out = kp_jp_null();
	for (size_t i = 0; i < n; i++)
		if (ARG(i)->type != KP_NULL) {
			*out = ARG(i);
			break;
		}
	return 0;
}

static int fn_reverse(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *v = ARG(0);
	if (v->type == KP_SEQ) {
		kp_value *res = kp_jp_new_array(c->arena, v->u.seq.n);
		for (size_t i = v->u.seq.n; i-- > 0;)
			kp_jp_array_push(c->arena, res, v->u.seq.items[i]);
		*out = res;
		return 0;
	}
	/* a string: reverse the code points, keeping each one's bytes */
	size_t len = v->u.s.len;
	char *buf = kp_arena_alloc(c->arena, len + 1);
	const char *s = v->u.s.ptr;
	size_t o = len;
	for (size_t i = 0; i < len;) {
		size_t j = i + 1;
		while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80)
			j++;
		o -= j - i;
		memcpy(buf + o, s + i, j - i);
		i = j;
	}
	kp_value *res = kp_value_new(c->arena, KP_STRING, KP_JP_NOFILE, 0, 0);
	res->u.s.ptr = buf;
	res->u.s.len = len;
	*out = res;
	return 0;
}

static int fn_to_array(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	if (ARG(0)->type == KP_SEQ) {
		*out = ARG(0);
		return 0;
	}
	kp_value *res = kp_jp_new_array(c->arena, 1);
	kp_jp_array_push(c->arena, res, ARG(0));
	*out = res;
	return 0;
}

static int fn_to_string(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	if (ARG(0)->type == KP_STRING) {
		*out = ARG(0);
		return 0;
	}
	size_t len;
	const char *s = kp_jp_to_json(c->arena, ARG(0), c->mode == KP_JP_KYVERNO, &len);
	kp_value *res = kp_value_new(c->arena, KP_STRING, KP_JP_NOFILE, 0, 0);
	res->u.s.ptr = s;
	res->u.s.len = len;
	*out = res;
	return 0;
}

/* A JSON-style number (with an optional sign); NULL otherwise.  `blanks`:
 * surrounding blanks are allowed (as the reference implementation's int()
 * and float() allow them; Go's strconv.ParseFloat, Kyverno's, does not). */
static const kp_value *parse_number(kp_arena *a, const char *s, size_t len, bool blanks)
{
	char buf[128];
	while (blanks && len && (*s == ' ' || *s == '\t' || *s == '\n'))
		s++, len--;
	while (blanks && len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
		len--;
	if (len == 0 || len >= sizeof buf)
		return NULL;
	bool is_int = true;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if ((ch == '-' || ch == '+') && (i == 0 || s[i - 1] == 'e' || s[i - 1] == 'E'))
			continue;
		if (ch == '.' || ch == 'e' || ch == 'E')
			is_int = false;
		else if (ch < '0' || ch > '9')
			return NULL;
	}
	memcpy(buf, s, len);
	buf[len] = 0;
	char *end;
	errno = 0;
	if (is_int) {
		long long i = strtoll(buf, &end, 10);
		if (errno == 0 && *end == 0)
			return kp_jp_new_int(a, i);
	}
	errno = 0;
	double d = kp_strtod_c(buf, &end);
	if (*end != 0 || end == buf || isinf(d))
		return NULL;
	kp_value *v = kp_value_new(a, KP_FLOAT, KP_JP_NOFILE, 0, 0);
	v->u.f = d;
	return v;
}

static int fn_to_number(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const kp_value *v = ARG(0);
	if (kp_jp_is_number(v))
		*out = v;
	else if (v->type == KP_STRING)
		*out = parse_number(c->arena, v->u.s.ptr, v->u.s.len, c->mode != KP_JP_KYVERNO);
	else
		*out = NULL;
	if (!*out)
		*out = kp_jp_null();
	return 0;
}

static int fn_type(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
{
	const char *t = kp_jp_type_of(ARG(0));
	*out = kp_jp_new_str(c->arena, t, strlen(t));
	return 0;
}

enum {
	NUM = KP_JP_T_NUMBER, STR = KP_JP_T_STRING, ARR = KP_JP_T_ARRAY,
	OBJ = KP_JP_T_OBJECT, ANY = KP_JP_T_ANY, REF = KP_JP_T_EXPREF,
	ANUM = KP_JP_T_ARRAY_NUMBER, ASTR = KP_JP_T_ARRAY_STRING, BOOL = KP_JP_T_BOOL,
	NUL = KP_JP_T_NULL
};

const kp_jp_func kp_jp_builtins[] = {
	{"abs", 1, 1, {NUM}, NUM, fn_abs, "absolute value"},
	{"avg", 1, 1, {ANUM}, NUM | NUL, fn_avg, "average; null for an empty array"},
	{"ceil", 1, 1, {NUM}, NUM, fn_ceil, "smallest integer not below the argument"},
	{"contains", 2, 2, {ARR | STR, ANY}, BOOL, fn_contains,
	 "array has an equal item, or string has the substring"},
	{"ends_with", 2, 2, {STR, STR}, BOOL, fn_ends_with, "string ends with suffix"},
	{"floor", 1, 1, {NUM}, NUM, fn_floor, "largest integer not above the argument"},
	{"join", 2, 2, {STR, ASTR}, STR, fn_join, "strings joined with the glue"},
	{"keys", 1, 1, {OBJ}, ARR, fn_keys, "keys of the object"},
	{"length", 1, 1, {STR | ARR | OBJ}, NUM, fn_length,
	 "code points of a string, items of an array or object"},
	{"map", 2, 2, {REF, ARR}, ARR, fn_map, "the expression applied to each item"},
	{"max", 1, 1, {ANUM | ASTR}, NUM | STR | NUL, fn_max, "largest item; null if empty"},
	{"max_by", 2, 2, {ARR, REF}, ANY, fn_max_by, "item with the largest key"},
	{"merge", 1, KP_JP_VARIADIC, {OBJ}, OBJ, fn_merge, "objects merged, later keys win"},
	{"min", 1, 1, {ANUM | ASTR}, NUM | STR | NUL, fn_min, "smallest item; null if empty"},
	{"min_by", 2, 2, {ARR, REF}, ANY, fn_min_by, "item with the smallest key"},
	{"not_null", 1, KP_JP_VARIADIC, {ANY}, ANY, fn_not_null, "first argument that is not null"},
	{"reverse", 1, 1, {ARR | STR}, ARR | STR, fn_reverse, "items or code points reversed"},
	{"sort", 1, 1, {ANUM | ASTR}, ARR, fn_sort, "numbers or strings in order"},
	{"sort_by", 2, 2, {ARR, REF}, ARR, fn_sort_by, "items ordered by key (stable)"},
	{"starts_with", 2, 2, {STR, STR}, BOOL, fn_starts_with, "string starts with prefix"},
	{"sum", 1, 1, {ANUM}, NUM, fn_sum, "sum of the numbers"},
	{"to_array", 1, 1, {ANY}, ARR, fn_to_array, "array as is, anything else in an array"},
	{"to_number", 1, 1, {ANY}, NUM | NUL, fn_to_number,
	 "number as is, a numeric string parsed, else null"},
	{"to_string", 1, 1, {ANY}, STR, fn_to_string, "string as is, anything else as JSON"},
	{"type", 1, 1, {ANY}, STR, fn_type, "the type's name"},
	{"values", 1, 1, {OBJ}, ARR, fn_values, "values of the object"},
	{NULL, 0, 0, {0}, 0, NULL, NULL},
};
