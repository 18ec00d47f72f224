/* vectors_cel.c - runs cel-spec conformance files
 * (../shared/conformance/cel-spec/ files, layout in its README.md): each
 * test is compiled (macros unless `disable_macros`, the container, the
 * declared names of `type_env` and `bindings`), evaluated with its
 * bindings and compared with `value` (CEL equality plus exact types, NaN
 * matching NaN) or, for `eval_error`/`any_eval_errors`, required to give an
 * error.  `check_only` tests need the type checker's deduced types, which
 * kpolicy does not compute: they fail as "unsupported: deduced types".
 * Cases are named FILE:SECTION:NAME. */
#include "vectors.h"
#include "cel/cel_api_int.h"

#include <math.h>
#include <stdlib.h>

static const char *scalar_text(const kp_value *v, char *buf, size_t n)
{
	switch (kp_value_type(v)) {
	case KP_STRING: return kp_value_str(v, NULL);
	case KP_INT: snprintf(buf, n, "%lld", (long long)kp_value_int(v)); return buf;
	case KP_FLOAT: snprintf(buf, n, "%.17g", kp_value_float(v)); return buf;
	case KP_BOOL: return kp_value_bool(v) ? "true" : "false";
	case KP_NULL: return "";
	default: return NULL;
	}
}

static int b64dec(const char *s, kp_arena *a, char **out, size_t *len)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	char *o = kp_arena_alloc(a, n + 1);
	size_t k = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=')
			break;
		const char *p = strchr(tbl, s[i]);
		if (!p)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*out = o;
	*len = k;
	return 0;
}

/* A typed value of the vectors' encoding as a CEL value; -1 malformed. */
static int typed(cel_ctx *c, const kp_value *tv, cel_val *out)
{
	if (kp_value_type(tv) != KP_MAP || kp_value_len(tv) != 1)
		return -1;
	const char *k = kp_value_str(kp_value_key_at(tv, 0), NULL);
	const kp_value *v = kp_value_val_at(tv, 0);
	char buf[64];
	const char *t = scalar_text(v, buf, sizeof buf);
	if (!strcmp(k, "null")) {
		*out = cel_null();
	} else if (!strcmp(k, "bool")) {
		*out = cel_bool(kp_value_type(v) == KP_BOOL ? kp_value_bool(v) : !strcmp(t, "true"));
	} else if (!strcmp(k, "int64")) {
		*out = cel_int(kp_value_type(v) == KP_INT ? kp_value_int(v) : strtoll(t, NULL, 10));
	} else if (!strcmp(k, "uint64")) {
		if (kp_value_type(v) == KP_INT)
			*out = cel_uint((uint64_t)kp_value_int(v));
		else if (kp_value_type(v) == KP_FLOAT)   /* beyond int64: read as a float */
			*out = cel_uint(kp_value_float(v) >= 18446744073709551615.0 ? UINT64_MAX
					: (uint64_t)kp_value_float(v));
		else
			*out = cel_uint(strtoull(t, NULL, 10));
	} else if (!strcmp(k, "double")) {
		if (kp_value_type(v) == KP_INT || kp_value_type(v) == KP_FLOAT)
			*out = cel_double(kp_value_float(v));
		else
			*out = cel_double(strtod(t, NULL));
	} else if (!strcmp(k, "string")) {
		if (!t)
			return -1;
		*out = cel_str(t, strlen(t));
		if (kp_value_type(v) == KP_STRING) {
			size_t n;
			const char *s = kp_value_str(v, &n);
			*out = cel_str(s, n);
		} else
			*out = cel_str(kp_arena_strdup(c->a, t), strlen(t));
	} else if (!strcmp(k, "bytes_b64")) {
		char *b;
		size_t n;
		if (!t || b64dec(t, c->a, &b, &n))
			return -1;
		*out = cel_strn(CEL_BYTES, b, n);
	} else if (!strcmp(k, "type")) {
		*out = cel_type(kp_arena_strdup(c->a, t));
	} else if (!strcmp(k, "timestamp")) {
		*out = cel_parse_timestamp(c, t, strlen(t));
	} else if (!strcmp(k, "duration")) {
		*out = cel_parse_duration(c, t, strlen(t));
	} else if (!strcmp(k, "list")) {
		size_t n = kp_value_len(v);
		cel_val l = cel_list_new(c, n);
		for (size_t i = 0; i < n; i++)
			if (typed(c, kp_value_at(v, i), &((cel_list *)l.u.l)->items[i]))
				return -1;
		*out = l;
	} else if (!strcmp(k, "map")) {
		size_t n = kp_value_len(v);
		cel_val m = cel_map_new(c, n);
		cel_map *mm = (cel_map *)m.u.m;
		for (size_t i = 0; i < n; i++) {
			const kp_value *e = kp_value_at(v, i);
			if (kp_value_len(e) != 2 || typed(c, kp_value_at(e, 0), &mm->keys[i]) ||
			    typed(c, kp_value_at(e, 1), &mm->vals[i]))
				return -1;
			mm->n++;
		}
		*out = m;
	} else if (!strcmp(k, "error")) {
		*out = cel_strn(CEL_ERROR, "binding error", 13);
	} else {
		return -1;
	}
	return 0;
}

/* Same value and same types all the way down. */
static bool same(cel_val a, cel_val b)
{
	if (a.kind != b.kind)
		return false;
	switch (a.kind) {
	case CEL_DOUBLE:
		if (isnan(a.u.d) || isnan(b.u.d))
			return isnan(a.u.d) && isnan(b.u.d);
		return a.u.d == b.u.d && signbit(a.u.d) == signbit(b.u.d);
	case CEL_LIST:
		if (cel_list_len(a) != cel_list_len(b))
			return false;
		for (size_t i = 0; i < cel_list_len(a); i++)
			if (!same(cel_list_at(a, i), cel_list_at(b, i)))
				return false;
		return true;
	case CEL_MAP:
		if (cel_map_len(a) != cel_map_len(b))
			return false;
		for (size_t i = 0; i < cel_map_len(a); i++) {
			cel_val bv;
			cel_val k = cel_map_key_at(a, i);
			if (!cel_map_find(b, k, &bv) || !same(cel_map_val_at(a, i), bv))
				return false;
			/* the key's own type must match as well */
			bool found = false;
			for (size_t j = 0; j < cel_map_len(b) && !found; j++)
				found = same(cel_map_key_at(b, j), k);
			if (!found)
				return false;
		}
		return true;
	case CEL_OPTIONAL:
		if (!a.u.opt || !b.u.opt)
			return !a.u.opt && !b.u.opt;
		return same(*a.u.opt, *b.u.opt);
	default:
		return cel_equal(a, b);
	}
}

/* One test: 1 pass, 0 fail, -1 malformed. */
static int run_test(const kp_value *t, char *why, size_t wn)
{
	kp_arena *a = kp_arena_new();
	cel_ctx c = {.a = a};
	int rc = -1;
	/* the expression's text; a plain scalar the YAML reader typed as a
	 * float (`0e+0`) is written back as a float literal */
	const kp_value *ex = kp_value_get(t, "expr");
	size_t expr_len = 0;
	const char *expr = kp_value_str(ex, &expr_len);
	char numbuf[64];
	if (!expr && kp_value_type(ex) == KP_FLOAT) {
		snprintf(numbuf, sizeof numbuf, "%.17g", kp_value_float(ex));
		if (!strpbrk(numbuf, ".e"))
			strcat(numbuf, ".0");
		expr = numbuf;
		expr_len = strlen(expr);
	} else if (!expr && kp_value_type(ex) == KP_INT) {
		expr = scalar_text(ex, numbuf, sizeof numbuf);
		expr_len = strlen(expr);
	}
	if (!expr) {
		snprintf(why, wn, "no expr");
		goto out;
	}
	kp_cel_env *env = kp_cel_env_new(a);
	/* tests upstream type-checks must pass kpolicy's checker too */
	const kp_value *dc = kp_value_get(t, "disable_check");
	kp_cel_env_check(env, !(dc && kp_value_bool(dc)));
	kp_cel_env_homogeneous_literals(env, false);   /* plain CEL, as upstream */
	const char *container = kp_value_path_str(t, "container");
	if (container)
		kp_cel_env_container(env, container);
	const kp_value *tenv = kp_value_get(t, "type_env");
	for (size_t i = 0; i < kp_value_len(tenv); i++) {
		const kp_value *d = kp_value_at(tenv, i);
		if (kp_value_get(d, "ident"))
			kp_cel_env_declare(env, kp_value_path_str(d, "name"));
	}
	const kp_value *bind = kp_value_get(t, "bindings");
	for (size_t i = 0; i < kp_value_len(bind); i++)
		kp_cel_env_declare(env, kp_value_str(kp_value_key_at(bind, i), NULL));
	size_t nv;
	cel_val *vars = kp_arena_alloc(a, (kp_value_len(tenv) + kp_value_len(bind) + 1) * sizeof(cel_val));
	nv = kp_value_len(tenv) + kp_value_len(bind);
	for (size_t i = 0; i < nv; i++)
		vars[i] = cel_err(&c, "no such attribute");
	for (size_t i = 0; i < kp_value_len(bind); i++) {
		int idx = kp_cel_env_declare(env, kp_value_str(kp_value_key_at(bind, i), NULL));
		const kp_value *bv = kp_value_val_at(bind, i);
		const kp_value *inner = kp_value_get(bv, "value");
		if (typed(&c, inner ? inner : bv, &vars[idx])) {
			snprintf(why, wn, "bad binding");
			goto out;
		}
	}
	const kp_value *dm = kp_value_get(t, "disable_macros");
	bool macros = !(dm && kp_value_bool(dm));
	kp_error err;
	kp_error_clear(&err);
	kp_cel_prog *p = cel_compile_opts(env, expr, expr_len, a, macros, &err);
	bool want_err = kp_value_get(t, "eval_error") || kp_value_get(t, "any_eval_errors");
	cel_val got;
	const char *want_type = kp_value_path_str(t, "deduced_type");
	if (p && want_type && strcmp(kp_cel_prog_type(p), want_type)) {
		snprintf(why, wn, "deduced type %s, want %s", kp_cel_prog_type(p), want_type);
		kp_cel_prog_free(p);
		rc = 0;
		goto out;
	}
	if (p && kp_value_get(t, "check_only")) {
		kp_cel_prog_free(p);
		rc = 1;
		goto out;
	}
	if (!p) {
		got = cel_err(&c, "compile: %d:%d: %s", err.line, err.col, err.msg);
	} else {
		got = cel_eval_vals(p, vars, a);
		kp_cel_prog_free(p);
	}
	if (want_err) {
		rc = got.kind == CEL_ERROR;
		if (!rc)
			snprintf(why, wn, "expected an error, got %s", cel_val_repr(a, got));
		goto out;
	}
	const kp_value *ev = kp_value_get(t, "value");
	cel_val want;
	if (!ev || typed(&c, ev, &want)) {
		snprintf(why, wn, "no usable expectation");
		goto out;
	}
	rc = same(got, want);
	/* an unquoted expected string the YAML reader typed as a number
	 * (`6279746520737472696e67`): compare as that number */
	const kp_value *es = kp_value_get(ev, "string");
	if (!rc && es && kp_value_type(es) == KP_FLOAT && got.kind == CEL_STRING) {
		char tmp[128];
		snprintf(tmp, sizeof tmp, "%.*s", (int)got.u.s.n, got.u.s.p);
		rc = strtod(tmp, NULL) == kp_value_float(es);
	}
	if (!rc)
		snprintf(why, wn, "got %s, want %s", cel_val_repr(a, got), cel_val_repr(a, want));
out:
	kp_arena_free(a);
	return rc;
}

int kp_vec_cel_file(const kp_value *root, const char *base, bool verbose,
		    size_t *unexpected)
{
	char stem[256];
	snprintf(stem, sizeof stem, "%s", base);
	char *dot = strrchr(stem, '.');
	if (dot)
		*dot = 0;
	kp_vec_tally tally = {.verbose = verbose};
	const kp_value *sections = kp_value_get(root, "sections");
	for (size_t s = 0; s < kp_value_len(sections); s++) {
		const kp_value *sec = kp_value_at(sections, s);
		const char *sname = kp_value_path_str(sec, "name");
		const kp_value *tests = kp_value_get(sec, "tests");
		for (size_t i = 0; i < kp_value_len(tests); i++) {
			const kp_value *t = kp_value_at(tests, i);
			const char *tname = kp_value_path_str(t, "name");
			char name[1024];
			snprintf(name, sizeof name, "%s:%s:%s", stem, sname ? sname : "",
				 tname ? tname : "");
			char why[2048] = "";
			kp_vec_count(&tally, name, run_test(t, why, sizeof why), why);
		}
	}
	kp_vec_summary(base, &tally, unexpected);
	return 0;
}
