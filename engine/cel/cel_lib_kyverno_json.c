/* cel/cel_lib_kyverno_json.c - Kyverno's json and yaml libraries
 * (kyverno/sdk extensions/cel/libs/json, libs/yaml): json.unmarshal(s)
 * (Go's json.Unmarshal into any: numbers are doubles), json.marshal(v)
 * (Go's json.Marshal of the value's native form: sorted keys, HTML-safe
 * strings, bytes as base64, timestamps RFC 3339, durations in
 * nanoseconds), yaml.parse(s) (sigs.k8s.io/yaml: the first document, as
 * JSON would hold it).  In Kyverno `json` and `yaml` are variables of
 * opaque handle types and these are their member functions; kpolicy
 * resolves the qualified calls.  Malformed JSON gives Go's scanner error;
 * malformed YAML kpolicy's loader's. */
#include "cel/cel_int.h"
#include "input/input.h"
#include "k8s/k8s.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static cel_val fn_unmarshal(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_err(c, "type conversion error from '%s' to 'string'", cel_type_name(a[0]));
	const kp_value *v = kp_json_parse(c->a, a[0].u.s.p, a[0].u.s.n);
	if (!v) {
		char msg[160];
		kp_go_json_syntax_error(a[0].u.s.p, a[0].u.s.n, msg, sizeof msg);
		return cel_err(c, "%s", msg);
	}
	return cel_from_doc(v, true);
}

typedef struct entry { cel_val k, v; } entry;

static int entry_cmp(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	size_t m = a->k.u.s.n < b->k.u.s.n ? a->k.u.s.n : b->k.u.s.n;
	int r = memcmp(a->k.u.s.p, b->k.u.s.p, m);
	return r ? r : (a->k.u.s.n > b->k.u.s.n) - (a->k.u.s.n < b->k.u.s.n);
}

/* Go's json.Marshal of toJsonNative(v); NULL on success, else the error. */
static const char *marshal(cel_ctx *c, kp_buf *b, cel_val v, int depth)
{
	char num[32];
	if (depth > KP_MAX_EVAL_DEPTH)
		return "json: unsupported value: nesting too deep";
	switch (v.kind) {
	case CEL_NULL: kp_buf_puts(b, "null"); return NULL;
	case CEL_BOOL: kp_buf_puts(b, v.u.b ? "true" : "false"); return NULL;
	case CEL_INT:
		snprintf(num, sizeof num, "%lld", (long long)v.u.i);
		kp_buf_puts(b, num);
		return NULL;
	case CEL_UINT:
		snprintf(num, sizeof num, "%llu", (unsigned long long)v.u.u);
		kp_buf_puts(b, num);
		return NULL;
	case CEL_DOUBLE:
		if (isnan(v.u.d))
			return "json: unsupported value: NaN";
		if (isinf(v.u.d))
			return v.u.d > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf";
		kp_go_json_float(b, v.u.d);
		return NULL;
	case CEL_STRING:
		kp_go_json_string(b, v.u.s.p, v.u.s.n, true);
		return NULL;
	case CEL_BYTES: {
		const cel_builtin *enc = cel_lookup_fn("base64.encode", false, 1);
		cel_val s = enc->fn(c, &v, 1);
		kp_go_json_string(b, s.u.s.p, s.u.s.n, true);
		return NULL;
	}
	case CEL_TIMESTAMP: {
		cel_val s = cel_fmt_timestamp(c, v);
		if (cel_is_err(s))
			return "json: error calling MarshalJSON for type time.Time";
		kp_go_json_string(b, s.u.s.p, s.u.s.n, true);
		return NULL;
	}
	case CEL_DURATION:
		snprintf(num, sizeof num, "%lld", (long long)v.u.i);
		kp_buf_puts(b, num);
		return NULL;
	case CEL_LIST:
		kp_buf_add(b, "[", 1);
		for (size_t i = 0; i < cel_list_len(v); i++) {
			if (i)
				kp_buf_add(b, ",", 1);
			const char *e = marshal(c, b, cel_list_at(v, i), depth + 1);
			if (e)
				return e;
		}
		kp_buf_add(b, "]", 1);
		return NULL;
	case CEL_MAP: {
		size_t n = cel_map_len(v);
		entry *es = kp_arena_alloc(c->a, (n + 1) * sizeof *es);
		for (size_t i = 0; i < n; i++) {
			es[i].k = cel_map_key_at(v, i);
			es[i].v = cel_map_val_at(v, i);
			if (es[i].k.kind != CEL_STRING)
				return kp_arena_printf(c->a, "json: failed to convert CEL map to native map: "
						       "type conversion error from '%s' to 'string'",
						       cel_type_name(es[i].k));
		}
		qsort(es, n, sizeof *es, entry_cmp);   /* Go sorts map keys */
		kp_buf_add(b, "{", 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				kp_buf_add(b, ",", 1);
			kp_go_json_string(b, es[i].k.u.s.p, es[i].k.u.s.n, true);
			kp_buf_add(b, ":", 1);
			const char *e = marshal(c, b, es[i].v, depth + 1);
			if (e)
				return e;
		}
		kp_buf_add(b, "}", 1);
		return NULL;
	}
	case CEL_OPAQUE: {
		/* user.ServiceAccount: its Go JSON tags, omitempty */
		static const char *const fields[2][2] = {{"Name", "name"}, {"Namespace", "namespace"}};
		cel_val f;
		bool set, any = false;
		if (!cel_struct_field(v, "Name", 4, &f, &set))
			break;
		kp_buf_add(b, "{", 1);
		for (int i = 0; i < 2; i++) {
			cel_struct_field(v, fields[i][0], strlen(fields[i][0]), &f, &set);
			if (!set)
				continue;
			if (any)
				kp_buf_add(b, ",", 1);
			any = true;
			kp_go_json_string(b, fields[i][1], strlen(fields[i][1]), true);
			kp_buf_add(b, ":", 1);
			kp_go_json_string(b, f.u.s.p, f.u.s.n, true);
		}
		kp_buf_add(b, "}", 1);
		return NULL;
	}
	default:
		break;
	}
	/* other library values and optionals: what Go's reflection makes of
	 * them is not reproduced */
	return kp_arena_printf(c->a, "unsupported: cel function json.marshal (a %s value)",
			       cel_type_name(v));
}

static cel_val fn_marshal(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	kp_buf b;
	kp_buf_init(&b, c->a);
	const char *e = marshal(c, &b, a[0], 0);
	if (e)
		return cel_err(c, "%s", e);
	return cel_str(kp_buf_str(&b), b.len);
}

static cel_val fn_yaml_parse(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "parse");
	kp_error e;
	const kp_value *v = kp_yaml_first(c->a, "yaml.parse", a[0].u.s.p, a[0].u.s.n, &e);
	if (!v)
		return cel_err(c, "error converting YAML to JSON: %s", e.msg);
	return cel_from_doc(v, true);
}

const cel_builtin cel_lib_kyverno_json[] = {
	{"json.unmarshal", 1 | CEL_FN_KYVERNO, 1, 1, fn_unmarshal},
	{"json.marshal", 1 | CEL_FN_KYVERNO, 1, 1, fn_marshal},
	{"yaml.parse", 1 | CEL_FN_KYVERNO, 1, 1, fn_yaml_parse},
	{NULL, 0, 0, 0, NULL}
};
