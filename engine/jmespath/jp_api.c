/* jp_api.c - the public JMESPath handle of kpolicy.h (kp_jmespath_*):
 * an expression with its own arenas, for the CLI. */
#include "jmespath/jp_ast.h"

#include <stdlib.h>
#include <string.h>

struct kp_jmespath {
	kp_arena *arena;     /* the compiled expression */
	kp_arena *scratch;   /* the last result */
	kp_jp *e;
};

kp_jmespath *kp_jmespath_compile(const char *expr, int mode, kp_error *err)
{
	kp_arena *a = kp_arena_new();
	kp_jp *e = kp_jp_compile(expr, strlen(expr), mode, a, NULL, err);
	if (!e) {
		kp_arena_free(a);
		return NULL;
	}
	kp_jmespath *h = calloc(1, sizeof(*h));
	if (!h) {
		kp_arena_free(a);
		kp_errorf(err, KP_E_NOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	h->arena = a;
	h->scratch = kp_arena_new();
	h->e = e;
	return h;
}

void kp_jmespath_free(kp_jmespath *h)
{
	if (!h)
		return;
	kp_arena_free(h->arena);
	kp_arena_free(h->scratch);
	free(h);
}

const kp_value *kp_jmespath_eval(kp_jmespath *h, const kp_value *data, kp_error *err)
{
	kp_arena_reset(h->scratch);
	const kp_value *out;
	return kp_jp_eval(h->e, data, h->scratch, &out, err) ? NULL : out;
}

static char *dup_text(const char *s, size_t len)
{
	char *r = malloc(len + 1);
	if (r) {
		memcpy(r, s, len);
		r[len] = 0;
	}
	return r;
}

char *kp_jmespath_json(const kp_value *v, int indent, bool go)
{
	kp_arena *a = kp_arena_new();
	size_t len;
	const char *s = kp_jp_to_json_indent(a, v, go, indent, &len);
	char *r = dup_text(s, len);
	kp_arena_free(a);
	return r;
}

char *kp_jmespath_ast(const kp_jmespath *h)
{
	kp_arena *a = kp_arena_new();
	kp_buf sb;
	kp_buf_init(&sb, a);
	kp_jp_dump(h->e, &sb);
	char *r = dup_text(kp_buf_str(&sb), sb.len);
	kp_arena_free(a);
	return r;
}

/* ---- function listing */

typedef struct fn_row {
	const char *name;
	char sig[256];
	const char *note;
} fn_row;

typedef struct fn_rows {
	fn_row *v;
	size_t n, cap;
} fn_rows;

static void add_row(void *ud, const kp_jp_func *f)
{
	fn_rows *rows = ud;
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 64;
		fn_row *nv = realloc(rows->v, cap * sizeof(*nv));
		if (!nv)
			return;
		rows->v = nv;
		rows->cap = cap;
	}
	fn_row *r = &rows->v[rows->n++];
	r->name = f->name;
	r->note = f->note ? f->note : "";
	size_t k = (size_t)snprintf(r->sig, sizeof r->sig, "%s(", f->name);
	size_t nparams = f->max_args == KP_JP_VARIADIC ? f->min_args : f->max_args;
	if (f->max_args == KP_JP_VARIADIC && nparams == 0)
		nparams = 1;
	for (size_t i = 0; i < nparams && i < KP_JP_MAX_PARAMS && k < sizeof r->sig; i++) {
		char types[96];
		kp_jp_type_names(f->params[i] ? f->params[i] : KP_JP_T_ANY, types, sizeof types);
		k += (size_t)snprintf(r->sig + k, sizeof r->sig - k, "%s%s%s%s", i ? ", " : "",
				      i >= f->min_args ? "[" : "", types,
				      i >= f->min_args ? "]" : "");
	}
	if (k < sizeof r->sig && f->max_args == KP_JP_VARIADIC)
		k += (size_t)snprintf(r->sig + k, sizeof r->sig - k, "...");
	if (k < sizeof r->sig) {
		char ret[96];
		snprintf(r->sig + k, sizeof r->sig - k, ") %s",
			 kp_jp_type_names(f->returns ? f->returns : KP_JP_T_ANY, ret, sizeof ret));
	}
}

static int row_cmp(const void *x, const void *y)
{
	return strcmp(((const fn_row *)x)->sig, ((const fn_row *)y)->sig);
}

void kp_jmespath_functions(int mode,
			   void (*fn)(void *ud, const char *name, const char *signature,
				      const char *note),
			   void *ud)
{
	fn_rows rows = {0};
	kp_jp_func_each(mode, add_row, &rows);
	if (rows.n)
		qsort(rows.v, rows.n, sizeof *rows.v, row_cmp);
	for (size_t i = 0; i < rows.n; i++)
		fn(ud, rows.v[i].name, rows.v[i].sig, rows.v[i].note);
	free(rows.v);
}
