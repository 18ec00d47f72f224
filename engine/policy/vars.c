/* vars.c - `{{ }}` substitution in policy strings (Kyverno's
 * pkg/engine/variables/vars.go; ../shared/docs/kyverno-jmespath.md §3):
 * variables found as RegexVariables finds them, bodies compiled once as
 * JMESPath (Kyverno's dialect) when the policy loads, evaluated per
 * resource against the JSON context; whole-string variables keep their
 * JSON type, embedded ones become text; results are scanned again, so a
 * result can form a new variable (compiled then, the rare case). */
#include "policy/policy.h"
#include "jmespath/jmespath.h"

#include <string.h>

#define KP_MAX_PASSES 64

/* One variable occurrence: bytes [start, end) of the string, the `{{`
 * at `open` (start + 1 when a prefix character was consumed). */
typedef struct var_match {
	size_t start, open, end;
} var_match;

/* The body of a `{{` at s[i]: (?:\{[^{}]*\}|[^{}])* then `}}`.  Returns
 * the index after `}}`, or 0 when there is no match here. */
static size_t match_body(const char *s, size_t n, size_t i)
{
	size_t p = i + 2;
	while (p < n) {
		if (s[p] == '}')
			return p + 1 < n && s[p + 1] == '}' ? p + 2 : 0;
		if (s[p] == '{') {
			size_t q = p + 1;
			while (q < n && s[q] != '{' && s[q] != '}')
				q++;
			if (q >= n || s[q] != '}')
				return 0;
			p = q + 1;
			continue;
		}
		p++;
	}
	return 0;
}

/* The next match of (?:^|[^\\])(\{\{...\}\}) at or after `from`, as Go's
 * FindAll walks (a match's prefix character is consumed with it). */
static bool next_var(const char *s, size_t n, size_t from, var_match *m)
{
	for (size_t j = from; j + 1 < n; j++) {
		if (s[j] != '{' || s[j + 1] != '{')
			continue;
		bool at_start = j == 0;
		if (!at_start && (j - 1 < from || s[j - 1] == '\\'))
			continue;
		size_t end = match_body(s, n, j);
		if (!end)
			continue;
		*m = (var_match){.start = at_start ? j : j - 1, .open = j, .end = end};
		return true;
	}
	return false;
}

bool kp_has_variables(const char *s, size_t n)
{
	var_match m;
	return next_var(s, n, 0, &m) || (memmem(s, n, "\\{{", 3) != NULL);
}

/* A compiled variable body: the JMESPath, and on DELETE requests the same
 * with request.object read as request.oldObject. */
typedef struct tvar {
	const char *text;            /* the body, trimmed, `-` removed */
	size_t len;
	size_t offset;               /* of the body in the string */
	bool shallow;                /* {{- ...}} */
	const kp_jp *jp, *jp_delete; /* NULL: did not compile (err kept) */
	const char *unsupported;     /* a Kyverno function kpolicy lacks */
	const char *compile_error;
} tvar;

struct kp_tmpl {
	const char *src;
	size_t len;
	const kp_value *node;        /* the scalar, for positions */
	tvar *vars;                  /* the first pass's variables, in order */
	var_match *at;
	size_t n;
};

static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* replaceBracesAndTrimSpaces, then the shallow marker. */
static void body_of(const char *s, const var_match *m, const char **b, size_t *bl, bool *shallow)
{
	const char *p = s + m->open + 2, *e = s + m->end - 2;
	while (p < e && space(*p))
		p++;
	while (e > p && space(e[-1]))
		e--;
	*shallow = false;
	if (p < e && *p == '-') {
		*shallow = true;
		p++;
		while (p < e && space(*p))
			p++;
	}
	*b = p;
	*bl = (size_t)(e - p);
}

/* Kyverno's custom functions (kyverno-jmespath.md §2): a call of one
 * kpolicy does not offer yet is `unsupported`, not an error of the
 * policy. */
static const char *const kyverno_functions[] = {
	"compare", "equal_fold", "replace", "replace_all", "to_upper", "to_lower", "trim",
	"trim_prefix", "split", "truncate", "regex_match", "regex_replace_all",
	"regex_replace_all_literal", "pattern_match", "label_match", "to_boolean",
	"base64_decode", "base64_encode", "sha256", "sha1", "md5", "path_canonicalize",
	"semver_compare", "parse_json", "parse_yaml", "is_external_url", "image_normalize",
	"x509_decode", "random", "lookup", "items", "object_from_lists", "add", "subtract",
	"multiply", "divide", "modulo", "round", "sum", "time_add", "time_after", "time_before",
	"time_between", "time_diff", "time_now", "time_now_utc", "time_parse", "time_since",
	"time_to_cron", "time_truncate", "time_utc",
};

const char *kp_missing_function(const char *msg)
{
	const char *p = strstr(msg, "unknown function ");
	if (!p)
		return NULL;
	p += 17;
	size_t n = strcspn(p, "(");
	for (size_t i = 0; i < sizeof kyverno_functions / sizeof *kyverno_functions; i++)
		if (strlen(kyverno_functions[i]) == n && !memcmp(kyverno_functions[i], p, n))
			return kyverno_functions[i];
	return NULL;
}

static const kp_jp *compile_jp(kp_arena *a, const char *text, size_t len, kp_error *err)
{
	return kp_jp_compile(text, len, KP_JP_KYVERNO, a, NULL, err);
}

/* The body with every request.object as request.oldObject (DELETE). */
static const char *delete_text(kp_arena *a, const char *t, size_t n, size_t *out_len)
{
	kp_buf b;
	kp_buf_init(&b, a);
	static const char from[] = "request.object", to[] = "request.oldObject";
	size_t i = 0;
	while (i < n) {
		const char *hit = memmem(t + i, n - i, from, sizeof from - 1);
		if (!hit) {
			kp_buf_add(&b, t + i, n - i);
			break;
		}
		kp_buf_add(&b, t + i, (size_t)(hit - (t + i)));
		kp_buf_add(&b, to, sizeof to - 1);
		i = (size_t)(hit - t) + sizeof from - 1;
	}
	*out_len = b.len;
	return kp_buf_str(&b);
}

static void compile_var(kp_arena *a, const char *s, const var_match *m, tvar *v,
			kp_error *diag)
{
	body_of(s, m, &v->text, &v->len, &v->shallow);
	v->offset = (size_t)(v->text - s);
	v->text = kp_arena_strndup(a, v->text, v->len);
	if (v->len == 1 && v->text[0] == '@')
		return;  /* a path, made per use */
	kp_error e;
	kp_error_clear(&e);
	v->jp = v->len ? compile_jp(a, v->text, v->len, &e) : NULL;
	if (!v->jp) {
		const char *fn = kp_missing_function(e.msg);
		if (fn) {
			v->unsupported = kp_arena_printf(a, "function %s", fn);
			return;
		}
		v->compile_error = v->len
			? kp_arena_printf(a, "incorrect query %.*s: %s", (int)v->len, v->text, e.msg)
			: "invalid query (nil)";
		if (diag && v->len && diag->code == KP_OK) {
			*diag = e;
			diag->code = KP_E_EXPR;
		}
		return;
	}
	if (memmem(v->text, v->len, "request.object", 14)) {
		size_t dl;
		const char *dt = delete_text(a, v->text, v->len, &dl);
		v->jp_delete = compile_jp(a, dt, dl, &e);
	} else {
		v->jp_delete = v->jp;
	}
}

kp_tmpl *kp_tmpl_compile(kp_arena *a, const kp_value *str, kp_error *diag)
{
	if (kp_value_type(str) != KP_STRING)
		return NULL;
	const char *s = str->u.s.ptr;
	size_t n = str->u.s.len;
	if (!kp_has_variables(s, n))
		return NULL;
	kp_tmpl *t = kp_arena_alloc(a, sizeof *t);
	t->src = s;
	t->len = n;
	t->node = str;
	var_match m;
	size_t cap = 0;
	for (size_t from = 0; next_var(s, n, from, &m); from = m.end) {
		if (t->n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			tvar *nv = kp_arena_alloc(a, nc * sizeof *nv);
			var_match *na = kp_arena_alloc(a, nc * sizeof *na);
			if (t->n) {
				memcpy(nv, t->vars, t->n * sizeof *nv);
				memcpy(na, t->at, t->n * sizeof *na);
			}
			t->vars = nv, t->at = na, cap = nc;
		}
		t->at[t->n] = m;
		kp_error e;
		kp_error_clear(&e);
		compile_var(a, s, &m, &t->vars[t->n], &e);
		if (e.code != KP_OK && diag && diag->code == KP_OK) {
			/* the caret points into the scalar: the body's offset plus
			 * the column (code points) inside it */
			const tvar *v = &t->vars[t->n];
			size_t off = v->offset;
			for (unsigned col = 1; col < e.col && off < v->offset + v->len; off++)
				if (((unsigned char)s[off + 1] & 0xC0) != 0x80)
					col++;
			kp_error_in_expr(diag, KP_E_EXPR, str, off, NULL, "%s", e.msg);
		}
		t->n++;
	}
	return t;
}

/* `{{@}}`: the JMESPath of the leaf's own place, from its JSON pointer:
 * past "foreach", two elements skipped, under request.object. */
static const char *at_path(kp_arena *a, const char *pointer)
{
	const char *p = pointer ? pointer : "";
	const char *fe = strstr(p, "/foreach/");
	if (fe)
		p = fe + 8;
	for (int skip = 0; skip < 2 && *p; skip++) {
		p = strchr(p + 1, '/');
		if (!p)
			p = "";
	}
	kp_buf b;
	kp_buf_init(&b, a);
	kp_buf_puts(&b, "request.object");
	while (*p == '/') {
		const char *e = strchr(p + 1, '/');
		size_t l = e ? (size_t)(e - p - 1) : strlen(p + 1);
		bool idx = l > 0;
		for (size_t i = 0; i < l; i++)
			idx = idx && p[1 + i] >= '0' && p[1 + i] <= '9';
		if (idx)
			kp_buf_printf(&b, "[%.*s]", (int)l, p + 1);
		else
			kp_buf_printf(&b, ".%.*s", (int)l, p + 1);
		p += 1 + l;
	}
	return kp_buf_str(&b);
}

/* One query against the context.  0 with *out, or -1 with err holding
 * Kyverno's text. */
static int query(const kp_vars *vs, const tvar *v, const char *path, const kp_value **out,
		 kp_error *err)
{
	const char *text = v->text;
	size_t len = v->len;
	const kp_jp *jp = vs->is_delete ? v->jp_delete : v->jp;
	/* every field cleared as kp_error_clear would leave it, text fields by
	 * their first byte: a query runs per variable per resource, and the
	 * whole record is some 2.4 KB */
	kp_error e;
	e.code = KP_OK;
	e.line = e.col = e.expr_col = 0;
	e.file[0] = e.path[0] = e.msg[0] = e.feature[0] = e.expr_line[0] = 0;
	if (len == 1 && text[0] == '@') {
		text = at_path(vs->scratch, path);
		len = strlen(text);
		jp = compile_jp(vs->scratch, text, len, &e);
	}
	if (v->unsupported)
		return kp_error_unsupported(err, NULL, NULL, v->unsupported);
	if (vs->load && vs->load(vs->load_ud, text, len, err) < 0)
		return -1;
	if (!jp) {
		const char *why = v->compile_error ? v->compile_error
			: kp_arena_printf(vs->scratch, "incorrect query %.*s: %s", (int)len, text, e.msg);
		kp_errorf(err, KP_E_EXPR, NULL, 0, 0, "failed to resolve %.*s at path %s: %s",
			  (int)len, text, path ? path : "", why);
		return -1;
	}
	if (kp_jp_eval(jp, vs->root, vs->scratch, out, &e) < 0) {
		/* a function kpolicy cannot run (offline, or not written yet) */
		if (e.code == KP_E_UNSUPPORTED) {
			char *fn = kp_arena_printf(vs->scratch, "function %s", e.feature);
			return kp_error_unsupported(err, NULL, NULL, fn);
		}
		kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
			  "failed to resolve %.*s at path %s: JMESPath query failed: %s",
			  (int)len, text, path ? path : "", e.msg);
		return -1;
	}
	return 0;
}

/* The text a result is put in with: a string raw, anything else as Go's
 * json.Marshal writes it; shallow results get `{{` escaped. */
static void put_result(kp_buf *b, kp_arena *a, const kp_value *r, bool shallow)
{
	size_t n;
	const char *s;
	if (kp_value_type(r) == KP_STRING) {
		s = r->u.s.ptr;
		n = r->u.s.len;
	} else {
		s = kp_jp_to_json(a, r, true, &n);
	}
	if (!shallow) {
		kp_buf_add(b, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '{' && i + 1 < n && s[i + 1] == '{')
			kp_buf_add(b, "\\", 1);
		kp_buf_add(b, s + i, 1);
	}
}

/* RegexEscpVariables: `\{{...}}` loses its backslash. */
static void unescape(kp_buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] != '\\' || s[i + 1] != '{' || s[i + 2] != '{')
			continue;
		if (!match_body(s, n, i + 1))
			continue;
		kp_buf_add(out, s + run, i - run);
		run = i + 1;
	}
	kp_buf_add(out, s + run, n - run);
}

int kp_tmpl_eval(const kp_tmpl *t, const kp_vars *vs, const char *path,
		 const kp_value **out, kp_error *err)
{
	const char *s = t->src;
	size_t n = t->len;
	const tvar *vars = t->vars;
	const var_match *at = t->at;
	size_t nv = t->n;
	bool stop = false;
	for (int pass = 0; nv && !stop; pass++) {
		if (pass == KP_MAX_PASSES)
			return kp_errorf(err, KP_E_EXPR, NULL, 0, 0,
					 "failed to resolve variables at path %s: more than %d nested passes",
					 path ? path : "", KP_MAX_PASSES);
		kp_buf b;
		kp_buf_init(&b, vs->scratch);
		size_t copied = 0;
		for (size_t i = 0; i < nv; i++) {
			const kp_value *r;
			if (query(vs, &vars[i], path, &r, err) < 0)
				return -1;
			/* the whole string is exactly this variable: keep the type */
			if (at[i].open == 0 && at[i].end == n) {
				*out = r;
				return 0;
			}
			kp_buf_add(&b, s + copied, at[i].open - copied);
			put_result(&b, vs->scratch, r, vars[i].shallow);
			copied = at[i].end;
			stop = stop || vars[i].shallow;
		}
		kp_buf_add(&b, s + copied, n - copied);
		s = kp_buf_str(&b);
		n = b.len;
		/* scan again: results may hold variables */
		nv = 0;
		var_match m;
		size_t cap = 0;
		tvar *nvars = NULL;
		var_match *nat = NULL;
		for (size_t from = 0; !stop && next_var(s, n, from, &m); from = m.end) {
			if (nv == cap) {
				size_t nc = cap ? cap * 2 : 4;
				tvar *x = kp_arena_alloc(vs->scratch, nc * sizeof *x);
				var_match *y = kp_arena_alloc(vs->scratch, nc * sizeof *y);
				if (nv) {
					memcpy(x, nvars, nv * sizeof *x);
					memcpy(y, nat, nv * sizeof *y);
				}
				nvars = x, nat = y, cap = nc;
			}
			nat[nv] = m;
			memset(&nvars[nv], 0, sizeof nvars[nv]);
			compile_var(vs->scratch, s, &m, &nvars[nv], NULL);
			nv++;
		}
		vars = nvars;
		at = nat;
	}
	kp_buf b;
	kp_buf_init(&b, vs->scratch);
	unescape(&b, s, n);
	kp_value *v = kp_value_new(vs->scratch, KP_STRING, t->node->file, t->node->line, t->node->col);
	v->u.s.ptr = kp_buf_str(&b);
	v->u.s.len = b.len;
	*out = v;
	return 0;
}

const kp_value *kp_tmpl_node(const kp_tmpl *t)
{
	return t->node;
}
