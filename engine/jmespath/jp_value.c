/* jp_value.c - values as JMESPath sees them: shared constants, arena
 * constructors, truthiness, deep equality, JSON text, error records. */
#include "jmespath/jp_ast.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const kp_value jp_null = {.type = KP_NULL, .file = KP_JP_NOFILE};
static const kp_value jp_true = {.type = KP_BOOL, .file = KP_JP_NOFILE, .u.b = true};
static const kp_value jp_false = {.type = KP_BOOL, .file = KP_JP_NOFILE, .u.b = false};

const kp_value *kp_jp_null(void) { return &jp_null; }
const kp_value *kp_jp_bool(bool b) { return b ? &jp_true : &jp_false; }

kp_value *kp_jp_new_int(kp_arena *a, int64_t i)
{
	kp_value *v = kp_value_new(a, KP_INT, KP_JP_NOFILE, 0, 0);
	v->u.i = i;
	return v;
}

kp_value *kp_jp_new_number(kp_arena *a, double d)
{
	if (d == floor(d) && fabs(d) <= 9007199254740992.0 && !(d == 0 && signbit(d)))
		return kp_jp_new_int(a, (int64_t)d);
	kp_value *v = kp_value_new(a, KP_FLOAT, KP_JP_NOFILE, 0, 0);
	v->u.f = d;
	return v;
}

kp_value *kp_jp_new_str(kp_arena *a, const char *s, size_t len)
{
	return kp_value_new_str(a, s, len, KP_JP_NOFILE, 0, 0);
}

/* Arrays and objects made here keep their capacity in a hidden slot in
 * front of the items, so pushing is amortised O(1) without a field for it
 * in kp_value. */
static size_t round_cap(size_t cap)
{
	size_t c = 4;
	while (c < cap)
		c *= 2;
	return c;
}

kp_value *kp_jp_new_array(kp_arena *a, size_t cap)
{
	kp_value *v = kp_value_new(a, KP_SEQ, KP_JP_NOFILE, 0, 0);
	cap = round_cap(cap);
	kp_value **slots = kp_arena_alloc(a, (cap + 1) * sizeof(*slots));
	slots[0] = (kp_value *)(uintptr_t)cap;
	v->u.seq.items = slots + 1;
	return v;
}

void kp_jp_array_push(kp_arena *a, kp_value *arr, const kp_value *item)
{
	size_t cap = (size_t)(uintptr_t)arr->u.seq.items[-1];
	if (arr->u.seq.n == cap) {
		kp_value **slots = kp_arena_alloc(a, (2 * cap + 1) * sizeof(*slots));
		slots[0] = (kp_value *)(uintptr_t)(2 * cap);
		memcpy(slots + 1, arr->u.seq.items, cap * sizeof(*slots));
		arr->u.seq.items = slots + 1;
	}
	arr->u.seq.items[arr->u.seq.n++] = (kp_value *)item;
}

kp_value *kp_jp_new_object(kp_arena *a, size_t cap)
{
	kp_value *v = kp_value_new(a, KP_MAP, KP_JP_NOFILE, 0, 0);
	cap = round_cap(cap);
	kp_pair *slots = kp_arena_alloc(a, (cap + 1) * sizeof(*slots));
	slots[0].key = (kp_value *)(uintptr_t)cap;
	v->u.map.pairs = slots + 1;
	return v;
}

void kp_jp_object_set(kp_arena *a, kp_value *obj, const kp_value *key,
		      const kp_value *val)
{
	for (size_t i = 0; i < obj->u.map.n; i++) {
		const kp_value *k = obj->u.map.pairs[i].key;
		if (k->u.s.len == key->u.s.len && memcmp(k->u.s.ptr, key->u.s.ptr, k->u.s.len) == 0) {
			obj->u.map.pairs[i].value = (kp_value *)val;
			return;
		}
	}
	size_t cap = (size_t)(uintptr_t)obj->u.map.pairs[-1].key;
	if (obj->u.map.n == cap) {
		kp_pair *slots = kp_arena_alloc(a, (2 * cap + 1) * sizeof(*slots));
		slots[0].key = (kp_value *)(uintptr_t)(2 * cap);
		memcpy(slots + 1, obj->u.map.pairs, cap * sizeof(*slots));
		obj->u.map.pairs = slots + 1;
	}
	obj->u.map.pairs[obj->u.map.n].key = (kp_value *)key;
	obj->u.map.pairs[obj->u.map.n++].value = (kp_value *)val;
}

bool kp_jp_is_number(const kp_value *v)
{
	return v && (v->type == KP_INT || v->type == KP_FLOAT);
}

double kp_jp_num(const kp_value *v)
{
	if (!v)
		return 0;
	return v->type == KP_INT ? (double)v->u.i : v->type == KP_FLOAT ? v->u.f : 0;
}

bool kp_jp_truthy(const kp_value *v)
{
	if (!v)
		return false;
	switch (v->type) {
	case KP_NULL: return false;
	case KP_BOOL: return v->u.b;
	case KP_STRING: return v->u.s.len > 0;
	case KP_SEQ: return v->u.seq.n > 0;
	case KP_MAP: return v->u.map.n > 0;
	default: return true;
	}
}

const kp_value *kp_jp_get(const kp_value *map, const char *key, size_t len)
{
	if (!map || map->type != KP_MAP)
		return NULL;
	for (size_t i = 0; i < map->u.map.n; i++) {
		const kp_value *k = map->u.map.pairs[i].key;
		if (k->u.s.len == len && memcmp(k->u.s.ptr, key, len) == 0)
			return map->u.map.pairs[i].value;
	}
	return NULL;
}

const char *kp_jp_type_of(const kp_value *v)
{
	switch (v ? v->type : KP_NULL) {
	case KP_BOOL: return "boolean";
	case KP_INT:
	case KP_FLOAT: return "number";
	case KP_STRING: return "string";
	case KP_SEQ: return "array";
	case KP_MAP: return "object";
	default: return "null";
	}
}

size_t kp_jp_utf8_len(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* ------------------------------------------------------------------------
 * JSON text
 * ---------------------------------------------------------------------- */

static int key_cmp(const void *x, const void *y)
{
	const kp_pair *a = x, *b = y;
	return kp_bytes_cmp(a->key->u.s.ptr, a->key->u.s.len, b->key->u.s.ptr, b->key->u.s.len);
}

/* Line break and indentation before an item at `level` (pretty mode). */
static void json_newline(kp_buf *sb, int indent, int level)
{
	if (indent <= 0)
		return;
	kp_buf_add(sb, "\n", 1);
	for (int i = 0; i < indent * level; i++)
		kp_buf_add(sb, " ", 1);
}

static void json_value(kp_buf *sb, const kp_value *v, bool go, int indent, int level)
{
	char num[32];
	switch (v ? v->type : KP_NULL) {
	case KP_NULL: kp_buf_puts(sb, "null"); break;
	case KP_BOOL: kp_buf_puts(sb, v->u.b ? "true" : "false"); break;
	case KP_INT:
		/* Go holds every JSON number as a float64: past 2^53 an
		 * integer prints as that float64 does */
		if (go && (v->u.i > 9007199254740992LL || v->u.i < -9007199254740992LL)) {
			kp_go_json_float(sb, (double)v->u.i);
			break;
		}
		snprintf(num, sizeof num, "%lld", (long long)v->u.i);
		kp_buf_puts(sb, num);
		break;
	case KP_FLOAT: kp_go_json_float(sb, v->u.f); break;
	case KP_STRING: kp_go_json_string(sb, v->u.s.ptr, v->u.s.len, go); break;
	case KP_SEQ:
		kp_buf_add(sb, "[", 1);
		for (size_t i = 0; i < v->u.seq.n; i++) {
			if (i)
				kp_buf_add(sb, ",", 1);
			json_newline(sb, indent, level + 1);
			json_value(sb, v->u.seq.items[i], go, indent, level + 1);
		}
		if (v->u.seq.n)
			json_newline(sb, indent, level);
		kp_buf_add(sb, "]", 1);
		break;
	case KP_MAP: {
		const kp_pair *pairs = v->u.map.pairs;
		size_t n = v->u.map.n;
		if (go && n > 1) {
			kp_pair *sorted = kp_arena_alloc(sb->arena, n * sizeof(*sorted));
			memcpy(sorted, pairs, n * sizeof(*sorted));
			qsort(sorted, n, sizeof(*sorted), key_cmp);
			pairs = sorted;
		}
		kp_buf_add(sb, "{", 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				kp_buf_add(sb, ",", 1);
			json_newline(sb, indent, level + 1);
			kp_go_json_string(sb, pairs[i].key->u.s.ptr, pairs[i].key->u.s.len, go);
			kp_buf_add(sb, indent > 0 ? ": " : ":", indent > 0 ? 2 : 1);
			json_value(sb, pairs[i].value, go, indent, level + 1);
		}
		if (n)
			json_newline(sb, indent, level);
		kp_buf_add(sb, "}", 1);
		break;
	}
	}
}

const char *kp_jp_to_json_indent(kp_arena *a, const kp_value *v, bool go, int indent,
				 size_t *len)
{
	kp_buf sb;
	kp_buf_init(&sb, a);
	json_value(&sb, v, go, indent, 0);
	if (len)
		*len = sb.len;
	return kp_buf_str(&sb);
}

const char *kp_jp_to_json(kp_arena *a, const kp_value *v, bool go, size_t *len)
{
	return kp_jp_to_json_indent(a, v, go, 0, len);
}

/* ------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------- */
const char *kp_jp_kind_name(kp_jp_kind k)
{
	switch (k) {
	case KP_JP_OK: return "ok";
	case KP_JP_E_SYNTAX: return "syntax";
	case KP_JP_E_INVALID_TYPE: return "invalid-type";
	case KP_JP_E_INVALID_VALUE: return "invalid-value";
	case KP_JP_E_INVALID_ARITY: return "invalid-arity";
	case KP_JP_E_UNKNOWN_FUNCTION: return "unknown-function";
	case KP_JP_E_NOT_FOUND: return "not-found";
	case KP_JP_E_FUNCTION: return "function";
	}
	return "?";
}

int kp_jp_syntax_errorf(kp_error *err, kp_jp_kind kind, unsigned col, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kp_errorf(err, KP_E_EXPR, NULL, 0, col, "%s error at column %u: %s",
		  kp_jp_kind_name(kind), col, msg);
	return -(int)kind;
}
