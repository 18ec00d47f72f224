/* cel/cel_check.c - a light type checker, run at compile time when the
 * environment checks (kp_cel_env_check): it infers static types where
 * they are known (literals, operators, builtin results, composited
 * variables; declared variables and fields of documents are `dyn`) and
 * rejects what cel-go's checker with
 * Kubernetes' options rejects (../shared/docs/kyverno-cel.md sections 8
 * and 22.6): mixed list/map literals (HomogeneousAggregateLiterals),
 * operators with no overload for their operands (a dyn operand admits
 * any; the overloads the other one admits decide the result type, as in
 * cel-go's overload resolution), standard string functions and size()
 * applied to kinds they have no overload for, and literal
 * durations, timestamps and regexes that cannot be parsed.  It is
 * deliberately lenient where it cannot be sure: unknown is `dyn`. */
#include "cel/cel_int.h"

#include <stdio.h>

typedef enum ty_kind {
	TY_DYN, TY_NULL, TY_BOOL, TY_INT, TY_UINT, TY_DOUBLE, TY_STRING,
	TY_BYTES, TY_LIST, TY_MAP, TY_TIMESTAMP, TY_DURATION, TY_TYPE, TY_OPT
} ty_kind;

/* `free`: a type parameter not bound yet (the element type of `[]`, the
 * value type of optional.none()); it takes the type it meets. */
struct cel_ty { ty_kind k; const cel_ty *p[2]; bool free; };

#define TY(name, kind, fr) static const cel_ty name = {.k = kind, .free = fr}
TY(T_FREE_, TY_DYN, true);
TY(T_DYN_, TY_DYN, false);
TY(T_NULL_, TY_NULL, false);
TY(T_BOOL_, TY_BOOL, false);
TY(T_INT_, TY_INT, false);
TY(T_UINT_, TY_UINT, false);
TY(T_DOUBLE_, TY_DOUBLE, false);
TY(T_STRING_, TY_STRING, false);
TY(T_BYTES_, TY_BYTES, false);
TY(T_TS_, TY_TIMESTAMP, false);
TY(T_DUR_, TY_DURATION, false);
TY(T_TYPE_, TY_TYPE, false);
#define DYN (&T_DYN_)

typedef struct checker {
	kp_arena *a;
	bool homogeneous;
	kp_error *err;
	const kp_cel_env *env;
	const cel_ty *locals[64];
	bool failed;
} checker;

static const cel_ty *mk(checker *c, ty_kind k, const cel_ty *p0, const cel_ty *p1)
{
	cel_ty *t = kp_arena_alloc(c->a, sizeof *t);
	t->k = k;
	t->p[0] = p0;
	t->p[1] = p1;
	return t;
}

static void ty_name(const cel_ty *t, char *buf, size_t n)
{
	static const char *const names[] = {"dyn", "null_type", "bool", "int",
		"uint", "double", "string", "bytes", "list", "map",
		"google.protobuf.Timestamp", "google.protobuf.Duration", "type",
		"optional_type"};
	char a[128], b[128];
	switch (t->k) {
	case TY_LIST: case TY_OPT:
		ty_name(t->p[0], a, sizeof a);
		snprintf(buf, n, "%s(%s)", names[t->k], a);
		return;
	case TY_MAP:
		ty_name(t->p[0], a, sizeof a);
		ty_name(t->p[1], b, sizeof b);
		snprintf(buf, n, "map(%s, %s)", a, b);
		return;
	default:
		snprintf(buf, n, "%s", names[t->k]);
	}
}

static const cel_ty *fail(checker *c, const cel_node *n, const char *msg)
{
	if (!c->failed) {
		c->failed = true;
		kp_errorf(c->err, KP_E_POLICY, NULL, 0, n->pos + 1, "%s", msg);
	}
	return NULL;
}

/* cel-go isAssignable, simplified: equal kinds with assignable
 * parameters, or either side dyn. */
static bool assignable(const cel_ty *a, const cel_ty *b)
{
	if (a->k == TY_DYN || b->k == TY_DYN)
		return true;
	if ((a->k == TY_NULL && b->k == TY_OPT) || (a->k == TY_OPT && b->k == TY_NULL))
		return true;
	if (a->k != b->k)
		return false;
	if (a->k == TY_LIST || a->k == TY_OPT)
		return assignable(a->p[0], b->p[0]);
	if (a->k == TY_MAP)
		return assignable(a->p[0], b->p[0]) && assignable(a->p[1], b->p[1]);
	return true;
}

/* cel-go's mostGeneral over assignable types: explicit dyn wins, free
 * parameters take the other side, parameters join recursively. */
static const cel_ty *join(checker *c, const cel_ty *a, const cel_ty *b)
{
	if (!a)
		return b;
	if (a->k == TY_DYN && a->free)
		return b;
	if (b->k == TY_DYN && b->free)
		return a;
	if (a->k == TY_DYN || b->k == TY_DYN)
		return a->k == TY_DYN ? a : b;
	if (a->k == TY_NULL || b->k == TY_NULL)
		return a->k == TY_NULL ? b : a;
	if (a->k != b->k)
		return a;
	if (a->k == TY_LIST || a->k == TY_OPT)
		return mk(c, a->k, join(c, a->p[0], b->p[0]), NULL);
	if (a->k == TY_MAP)
		return mk(c, TY_MAP, join(c, a->p[0], b->p[0]), join(c, a->p[1], b->p[1]));
	return a;
}

static const cel_ty *check(checker *c, const cel_node *n);

/* The type a composited variable (`variables.<name>`) is declared with:
 * its expression's type as Kubernetes' CompositionEnv.AddField converts
 * it (convertCelTypeToDeclType: optionals and types become dyn, list and
 * map parameters recursively); Kyverno's ValidatingPolicy keeps
 * optionals, which this treats as dyn too (accepting what either
 * accepts).  Unbound type parameters (`[]`) end as dyn, as cel-go
 * substitutes them. */
static const cel_ty *declared_type(checker *c, const cel_ty *t)
{
	switch (t->k) {
	case TY_OPT: case TY_TYPE: case TY_DYN: return DYN;
	case TY_LIST: return mk(c, TY_LIST, declared_type(c, t->p[0]), NULL);
	case TY_MAP: return mk(c, TY_MAP, declared_type(c, t->p[0]), declared_type(c, t->p[1]));
	default: return t;
	}
}

static const cel_ty *lit_type(const cel_val v)
{
	switch (v.kind) {
	case CEL_NULL: return &T_NULL_;
	case CEL_BOOL: return &T_BOOL_;
	case CEL_INT: return &T_INT_;
	case CEL_UINT: return &T_UINT_;
	case CEL_DOUBLE: return &T_DOUBLE_;
	case CEL_STRING: return &T_STRING_;
	case CEL_BYTES: return &T_BYTES_;
	case CEL_TYPE: return &T_TYPE_;
	default: return DYN;
	}
}

static bool numeric(ty_kind k) { return k == TY_INT || k == TY_UINT || k == TY_DOUBLE; }

/* cel-go's "found no matching overload" naming the argument types t[0..n). */
static const cel_ty *no_overload_n(checker *c, const cel_node *n, const char *fn,
				   const cel_ty *const *t, size_t nt)
{
	char m[640], x[160];
	size_t o = (size_t)snprintf(m, sizeof m, "found no matching overload for '%s' applied to '(", fn);
	for (size_t i = 0; i < nt && o < sizeof m; i++) {
		ty_name(t[i], x, sizeof x);
		o += (size_t)snprintf(m + o, sizeof m - o, "%s%s", i ? ", " : "", x);
	}
	if (o < sizeof m)
		snprintf(m + o, sizeof m - o, ")'");
	return fail(c, n, m);
}

static const cel_ty *no_overload(checker *c, const cel_node *n, const cel_ty *a,
				 const cel_ty *b)
{
	const cel_ty *t[2] = {a, b};
	return no_overload_n(c, n, n->name ? n->name : "_?_:_", t, 2);
}

static bool boolish(const cel_ty *t) { return t->k == TY_BOOL || t->k == TY_DYN; }

/* The arithmetic overloads of cel-go's standard library: operator,
 * operand kinds, result kind (TY_LIST: list(A) + list(A) -> list(A)). */
typedef struct arith { char op; ty_kind a, b, r; } arith;
static const arith ariths[] = {
	{'+', TY_INT, TY_INT, TY_INT}, {'+', TY_UINT, TY_UINT, TY_UINT},
	{'+', TY_DOUBLE, TY_DOUBLE, TY_DOUBLE}, {'+', TY_STRING, TY_STRING, TY_STRING},
	{'+', TY_BYTES, TY_BYTES, TY_BYTES}, {'+', TY_LIST, TY_LIST, TY_LIST},
	{'+', TY_TIMESTAMP, TY_DURATION, TY_TIMESTAMP}, {'+', TY_DURATION, TY_TIMESTAMP, TY_TIMESTAMP},
	{'+', TY_DURATION, TY_DURATION, TY_DURATION},
	{'-', TY_INT, TY_INT, TY_INT}, {'-', TY_UINT, TY_UINT, TY_UINT},
	{'-', TY_DOUBLE, TY_DOUBLE, TY_DOUBLE}, {'-', TY_TIMESTAMP, TY_TIMESTAMP, TY_DURATION},
	{'-', TY_TIMESTAMP, TY_DURATION, TY_TIMESTAMP}, {'-', TY_DURATION, TY_DURATION, TY_DURATION},
	{'*', TY_INT, TY_INT, TY_INT}, {'*', TY_UINT, TY_UINT, TY_UINT},
	{'*', TY_DOUBLE, TY_DOUBLE, TY_DOUBLE},
	{'/', TY_INT, TY_INT, TY_INT}, {'/', TY_UINT, TY_UINT, TY_UINT},
	{'/', TY_DOUBLE, TY_DOUBLE, TY_DOUBLE},
	{'%', TY_INT, TY_INT, TY_INT}, {'%', TY_UINT, TY_UINT, TY_UINT},
};

static const cel_ty *kind_type(ty_kind k)
{
	static const cel_ty *const of[] = {
		[TY_BOOL] = &T_BOOL_, [TY_INT] = &T_INT_, [TY_UINT] = &T_UINT_, [TY_DOUBLE] = &T_DOUBLE_,
		[TY_STRING] = &T_STRING_, [TY_BYTES] = &T_BYTES_, [TY_TIMESTAMP] = &T_TS_,
		[TY_DURATION] = &T_DUR_,
	};
	return of[k] ? of[k] : DYN;
}

/* cel-go's overload resolution for an arithmetic operator: the overloads
 * whose operand kinds accept a and b (dyn accepts any); one result type
 * when they agree, dyn when they do not, an error when none applies. */
static const cel_ty *arithmetic(checker *c, const cel_node *n, const cel_ty *a, const cel_ty *b)
{
	const cel_ty *r = NULL;
	bool mixed = false;
	for (size_t i = 0; i < sizeof ariths / sizeof *ariths; i++) {
		const arith *o = &ariths[i];
		if (o->op != n->name[1] || (a->k != TY_DYN && a->k != o->a) || (b->k != TY_DYN && b->k != o->b))
			continue;
		const cel_ty *t;
		if (o->r == TY_LIST) {
			if (a->k == TY_LIST && b->k == TY_LIST && !assignable(a, b))
				continue;
			t = a->k == TY_LIST && b->k == TY_LIST ? join(c, a, b) : a->k == TY_LIST ? a : b;
		} else {
			t = kind_type(o->r);
		}
		if (r && (r->k != t->k || t->k == TY_LIST))
			mixed = true;
		r = t;
	}
	if (!r)
		return no_overload(c, n, a, b);
	return mixed ? DYN : r;
}

/* Binary operators. */
static const cel_ty *binary(checker *c, const cel_node *n, const cel_ty *a, const cel_ty *b)
{
	const char *f = n->name;
	bool anydyn = a->k == TY_DYN || b->k == TY_DYN;
	if (!strcmp(f, "_==_") || !strcmp(f, "_!=_")) {
		if (!anydyn && a->k != TY_NULL && b->k != TY_NULL && !assignable(a, b))
			return no_overload(c, n, a, b);
		return &T_BOOL_;
	}
	if (!strcmp(f, "_<_") || !strcmp(f, "_<=_") || !strcmp(f, "_>_") || !strcmp(f, "_>=_")) {
		/* the ordered kinds, numbers across kinds; dyn meets any of them */
		const cel_ty *known = a->k == TY_DYN ? b : a;
		bool ordered = known->k == TY_DYN || numeric(known->k) || known->k == TY_STRING ||
			       known->k == TY_BYTES || known->k == TY_BOOL || known->k == TY_TIMESTAMP ||
			       known->k == TY_DURATION;
		bool ok = anydyn ? ordered
				 : (numeric(a->k) && numeric(b->k)) || (a->k == b->k && ordered);
		return ok ? &T_BOOL_ : no_overload(c, n, a, b);
	}
	if (!strcmp(f, "@in")) {
		/* (A, list(A)), (A, map(A, B)) */
		if (b->k != TY_DYN && b->k != TY_LIST && b->k != TY_MAP)
			return no_overload(c, n, a, b);
		if (b->k != TY_DYN && !assignable(a, b->p[0]))
			return no_overload(c, n, a, b);
		return &T_BOOL_;
	}
	if (!strcmp(f, "_[_]") || !strcmp(f, "_[?_]")) {
		bool opt = f[2] == '?';
		const cel_ty *r = DYN;
		if (a->k == TY_LIST)
			r = a->p[0];
		else if (a->k == TY_MAP)
			r = a->p[1];
		else if (a->k != TY_DYN && a->k != TY_OPT)
			return no_overload(c, n, a, b);
		return opt ? mk(c, TY_OPT, r, NULL) : r;
	}
	return arithmetic(c, n, a, b);
}

/* Literal arguments that Kubernetes validates at compile time. */
static bool literal_ok(checker *c, const cel_node *n)
{
	const char *f = n->name;
	size_t first = (n->flags & NF_MEMBER) ? 1 : 0;
	if ((!strcmp(f, "duration") || !strcmp(f, "timestamp")) && n->nargs == 1 &&
	    n->args[0]->kind == N_LIT && n->args[0]->lit.kind == CEL_STRING) {
		cel_ctx ctx = {.a = c->a};
		cel_val s = n->args[0]->lit;
		cel_val r = f[0] == 'd' ? cel_parse_duration(&ctx, s.u.s.p, s.u.s.n)
					: cel_parse_timestamp(&ctx, s.u.s.p, s.u.s.n);
		if (cel_is_err(r)) {
			fail(c, n->args[0], r.u.s.p);
			return false;
		}
	}
	(void)first;
	return true;
}

typedef struct result_rule { const char *name; const cel_ty *t; } result_rule;

static const cel_ty *known_result(const char *f)
{
	static const result_rule rules[] = {
		{"!_", &T_BOOL_}, {"contains", &T_BOOL_}, {"startsWith", &T_BOOL_},
		{"endsWith", &T_BOOL_}, {"matches", &T_BOOL_}, {"hasValue", &T_BOOL_},
		{"isSorted", &T_BOOL_}, {"sets.contains", &T_BOOL_},
		{"sets.equivalent", &T_BOOL_}, {"sets.intersects", &T_BOOL_},
		{"math.isInf", &T_BOOL_}, {"math.isNaN", &T_BOOL_},
		{"math.isFinite", &T_BOOL_}, {"bool", &T_BOOL_},
		{"size", &T_INT_}, {"int", &T_INT_}, {"getFullYear", &T_INT_},
		{"getMonth", &T_INT_}, {"getDate", &T_INT_}, {"getDayOfMonth", &T_INT_},
		{"getDayOfWeek", &T_INT_}, {"getDayOfYear", &T_INT_}, {"getHours", &T_INT_},
		{"getMinutes", &T_INT_}, {"getSeconds", &T_INT_},
		{"getMilliseconds", &T_INT_}, {"uint", &T_UINT_}, {"double", &T_DOUBLE_},
		{"math.ceil", &T_DOUBLE_}, {"math.floor", &T_DOUBLE_},
		{"math.round", &T_DOUBLE_}, {"math.trunc", &T_DOUBLE_},
		{"math.sqrt", &T_DOUBLE_}, {"string", &T_STRING_}, {"charAt", &T_STRING_},
		{"lowerAscii", &T_STRING_}, {"upperAscii", &T_STRING_},
		{"replace", &T_STRING_}, {"substring", &T_STRING_}, {"trim", &T_STRING_},
		{"join", &T_STRING_}, {"format", &T_STRING_}, {"strings.quote", &T_STRING_},
		{"base64.encode", &T_STRING_}, {"bytes", &T_BYTES_},
		{"base64.decode", &T_BYTES_}, {"timestamp", &T_TS_},
		{"duration", &T_DUR_}, {"type", &T_TYPE_}, {NULL, NULL}
	};
	for (const result_rule *r = rules; r->name; r++)
		if (!strcmp(r->name, f))
			return r->t;
	return NULL;
}

/* Standard functions whose overloads all take fixed kinds (cel-go's
 * stdlib and ext.Strings; no Kubernetes or Kyverno library adds an
 * overload of these names): the receiver (member calls; TY_DYN: a
 * global call) and argument kinds ("s" string, "i" int, "c" string, bytes,
 * list or map, "x" string or list (indexOf), "?" not checked). */
typedef struct fn_sig { const char *name; bool member; const char *recv, *args; } fn_sig;
static const fn_sig fn_sigs[] = {
	{"contains", true, "s", "s"}, {"startsWith", true, "s", "s"}, {"endsWith", true, "s", "s"},
	{"matches", true, "s", "s"}, {"matches", false, NULL, "ss"},
	{"size", false, NULL, "c"}, {"size", true, "c", ""},
	{"lowerAscii", true, "s", ""}, {"upperAscii", true, "s", ""}, {"trim", true, "s", ""},
	{"charAt", true, "s", "i"}, {"split", true, "s", "si"}, {"substring", true, "s", "ii"},
	{"replace", true, "s", "ssi"}, {"indexOf", true, "x", "??"}, {"lastIndexOf", true, "x", "??"},
};

static bool kind_fits(char want, const cel_ty *t)
{
	switch (want) {
	case 's': return t->k == TY_STRING;
	case 'i': return t->k == TY_INT;
	case 'c': return t->k == TY_STRING || t->k == TY_BYTES || t->k == TY_LIST || t->k == TY_MAP;
	case 'x': return t->k == TY_STRING || t->k == TY_LIST;
	default: return true;
	}
}

/* false when n's known receiver and argument kinds fit a signature of
 * its name (or it has none here), else true after cel-go's
 * no-matching-overload error. */
static bool bad_args(checker *c, const cel_node *n, const cel_ty *const *at)
{
	bool member = n->flags & NF_MEMBER, known = false, fits = false;
	for (size_t i = 0; i < sizeof fn_sigs / sizeof *fn_sigs; i++) {
		const fn_sig *g = &fn_sigs[i];
		if (g->member != member || strcmp(g->name, n->name))
			continue;
		known = true;
		size_t first = member ? 1 : 0, na = n->nargs - first;
		if (na > strlen(g->args) || (member && at[0]->k != TY_DYN && !kind_fits(g->recv[0], at[0])))
			continue;
		bool ok = true;
		for (size_t k = 0; k < na && k + first < 8 && ok; k++)
			ok = at[k + first]->k == TY_DYN || kind_fits(g->args[k], at[k + first]);
		fits |= ok;
	}
	if (!known || fits)
		return false;
	char m[640], x[160];
	size_t o = (size_t)snprintf(m, sizeof m, "found no matching overload for '%s' applied to '", n->name);
	size_t first = member ? 1 : 0;
	if (member) {
		ty_name(at[0], x, sizeof x);
		o += (size_t)snprintf(m + o, sizeof m - o, "%s.", x);
	}
	o += (size_t)snprintf(m + o, sizeof m - o, "(");
	for (size_t k = first; k < n->nargs && k < 8 && o < sizeof m; k++) {
		ty_name(at[k], x, sizeof x);
		o += (size_t)snprintf(m + o, sizeof m - o, "%s%s", k > first ? ", " : "", x);
	}
	if (o < sizeof m)
		snprintf(m + o, sizeof m - o, ")'");
	fail(c, n, m);
	return true;
}

static const cel_ty *check_call(checker *c, const cel_node *n)
{
	const cel_ty *at[8] = {0};
	for (size_t i = 0; i < n->nargs; i++) {
		const cel_ty *t = check(c, n->args[i]);
		if (!t)
			return NULL;
		if (i < 8)
			at[i] = t;
	}
	if (!literal_ok(c, n) || bad_args(c, n, at))
		return NULL;
	if ((n->nargs == 2 && n->name[0] == '_') || !strcmp(n->name, "@in"))
		return binary(c, n, at[0], at[1]);
	if (!strcmp(n->name, "-_"))
		return (at[0]->k == TY_DYN || at[0]->k == TY_INT || at[0]->k == TY_DOUBLE ||
			at[0]->k == TY_DURATION) ? at[0] : no_overload_n(c, n, "-_", at, 1);
	if (!strcmp(n->name, "!_") && n->nargs == 1)
		return boolish(at[0]) ? &T_BOOL_ : no_overload_n(c, n, "!_", at, 1);
	if (!strcmp(n->name, "dyn"))
		return DYN;
	if ((!strcmp(n->name, "indexOf") || !strcmp(n->name, "lastIndexOf")))
		return &T_INT_;
	if (!strcmp(n->name, "split"))
		return mk(c, TY_LIST, &T_STRING_, NULL);
	if (!strcmp(n->name, "optional.none"))
		return mk(c, TY_OPT, &T_FREE_, NULL);
	if (!strcmp(n->name, "optional.of") || !strcmp(n->name, "optional.ofNonZeroValue"))
		return mk(c, TY_OPT, at[0], NULL);
	if (!strcmp(n->name, "value") && n->nargs == 1 && at[0]->k == TY_OPT)
		return at[0]->p[0];
	if (!strcmp(n->name, "orValue") && n->nargs == 2 && at[0]->k == TY_OPT)
		return assignable(at[0]->p[0], at[1]) ? join(c, at[0]->p[0], at[1]) : DYN;
	const cel_ty *r = known_result(n->name);
	return r ? r : DYN;
}

static const cel_ty *elem_type(checker *c, const cel_ty *range, bool key, int pos)
{
	(void)c;
	if (range->k == TY_LIST)
		return pos == 0 && !key ? &T_INT_ : range->p[0];
	if (range->k == TY_MAP)
		return key ? range->p[0] : range->p[1];
	return DYN;
}

static const cel_ty *check_comp(checker *c, const cel_node *n)
{
	const cel_ty *r = check(c, n->args[0]);
	if (!r)
		return NULL;
	cel_comp_kind k = (cel_comp_kind)n->comp;
	if (k == COMP_BIND) {
		c->locals[n->s1] = r;
		return check(c, n->args[1]);
	}
	if (k == COMP_OPT_MAP || k == COMP_OPT_FLAT_MAP) {
		c->locals[n->s1] = r->k == TY_OPT ? r->p[0] : DYN;
		const cel_ty *t = check(c, n->args[1]);
		if (!t)
			return NULL;
		return k == COMP_OPT_MAP ? mk(c, TY_OPT, t, NULL) : t;
	}
	if (r->k != TY_DYN && r->k != TY_LIST && r->k != TY_MAP) {
		char x[160], m[320];
		ty_name(r, x, sizeof x);
		snprintf(m, sizeof m, "expression of type '%s' cannot be range of a comprehension "
			 "(must be list, map, or dynamic)", x);
		return fail(c, n->args[0], m);
	}
	if (n->v2) {
		/* two variables: index (key) and value */
		c->locals[n->s1] = r->k == TY_LIST ? &T_INT_ : elem_type(c, r, true, 0);
		c->locals[n->s2] = elem_type(c, r, false, 1);
	} else {
		c->locals[n->s1] = elem_type(c, r, r->k == TY_MAP, 1);
	}
	const cel_ty *b1 = check(c, n->args[1]);
	const cel_ty *b2 = n->nargs > 2 ? check(c, n->args[2]) : NULL;
	if (!b1 || (n->nargs > 2 && !b2))
		return NULL;
	switch (k) {
	case COMP_ALL: case COMP_EXISTS: case COMP_EXISTS_ONE:
		if (b1->k != TY_BOOL && b1->k != TY_DYN)
			return fail(c, n->args[1], "found no matching overload for '_&&_': the predicate is not a bool");
		return &T_BOOL_;
	case COMP_MAP: case COMP_TRANSFORM_LIST: return mk(c, TY_LIST, b1, NULL);
	case COMP_MAP_FILTER: case COMP_TRANSFORM_LIST_FILTER: return mk(c, TY_LIST, b2, NULL);
	case COMP_FILTER: case COMP_SORT_BY: return r->k == TY_LIST ? r : mk(c, TY_LIST, c->locals[n->s1], NULL);
	case COMP_TRANSFORM_MAP: return mk(c, TY_MAP, c->locals[n->s1], b1);
	case COMP_TRANSFORM_MAP_FILTER: return mk(c, TY_MAP, c->locals[n->s1], b2);
	default: return DYN;
	}
}

static const cel_ty *check(checker *c, const cel_node *n)
{
	if (c->failed)
		return NULL;
	switch (n->kind) {
	case N_LIT: return lit_type(n->lit);
	case N_VAR: case N_IDENT: return DYN;
	case N_LAZY: {
		/* a composited variable has its expression's type (Kubernetes'
		 * CompositionEnv.AddField, Kyverno's RegisterField) */
		const kp_cel_prog *v = n->slot < (int)c->env->nlazy ? c->env->lazy_progs[n->slot] : NULL;
		return v && v->sty ? declared_type(c, v->sty) : DYN;
	}
	case N_LOCAL: return c->locals[n->slot] ? c->locals[n->slot] : DYN;
	case N_SELECT: {
		const cel_ty *t = check(c, n->args[0]);
		if (!t)
			return NULL;
		if (n->flags & NF_TEST_ONLY)
			return &T_BOOL_;
		const cel_ty *r = DYN;
		if (t->k == TY_MAP)
			r = t->p[1];
		else if (t->k == TY_OPT)
			return mk(c, TY_OPT, DYN, NULL);
		else if (t->k != TY_DYN) {
			char x[160], m[320];
			ty_name(t, x, sizeof x);
			snprintf(m, sizeof m, "type '%s' does not support field selection", x);
			return fail(c, n, m);
		}
		return (n->flags & NF_OPTIONAL) ? mk(c, TY_OPT, r, NULL) : r;
	}
	case N_CALL: return check_call(c, n);
	case N_AND: case N_OR: {
		const cel_ty *t[2];
		for (size_t i = 0; i < 2; i++)
			if (!(t[i] = check(c, n->args[i])))
				return NULL;
		if (!boolish(t[0]) || !boolish(t[1]))
			return no_overload_n(c, n, n->kind == N_AND ? "_&&_" : "_||_", t, 2);
		return &T_BOOL_;
	}
	case N_COND: {
		const cel_ty *t[3];
		for (size_t i = 0; i < 3; i++)
			if (!(t[i] = check(c, n->args[i])))
				return NULL;
		if (!boolish(t[0]) || (!assignable(t[1], t[2]) && t[1]->k != TY_NULL && t[2]->k != TY_NULL))
			return no_overload_n(c, n, "_?_:_", t, 3);
		return join(c, t[1], t[2]);
	}
	case N_LIST: {
		const cel_ty *et = NULL;
		for (size_t i = 0; i < n->nargs; i++) {
			const cel_ty *t = check(c, n->args[i]);
			if (!t)
				return NULL;
			if (n->opt && n->opt[i])
				t = t->k == TY_OPT ? t->p[0] : DYN;
			if (et && !assignable(et, t) && !c->homogeneous) {
				et = DYN;
				continue;
			}
			if (et && !assignable(et, t)) {
				char x[160], y[160], m[400];
				ty_name(et, x, sizeof x);
				ty_name(t, y, sizeof y);
				snprintf(m, sizeof m, "expected type '%s' but found '%s'", x, y);
				return fail(c, n->args[i], m);
			}
			et = join(c, et, t);
		}
		return mk(c, TY_LIST, et ? et : &T_FREE_, NULL);
	}
	case N_MAP: {
		const cel_ty *kt = NULL, *vt = NULL;
		for (size_t i = 0; i + 1 < n->nargs; i += 2) {
			const cel_ty *k = check(c, n->args[i]);
			const cel_ty *v = k ? check(c, n->args[i + 1]) : NULL;
			if (!v)
				return NULL;
			if (n->opt && n->opt[i / 2])
				v = v->k == TY_OPT ? v->p[0] : DYN;
			const cel_ty *pairs[2][2] = {{kt, k}, {vt, v}};
			for (int p = 0; p < 2; p++)
				if (pairs[p][0] && !assignable(pairs[p][0], pairs[p][1])) {
					if (!c->homogeneous) {
						if (p == 0)
							kt = DYN;
						else
							vt = DYN;
						continue;
					}
					char x[160], y[160], m[400];
					ty_name(pairs[p][0], x, sizeof x);
					ty_name(pairs[p][1], y, sizeof y);
					snprintf(m, sizeof m, "expected type '%s' but found '%s'", x, y);
					return fail(c, n->args[i + (size_t)p], m);
				}
			kt = join(c, kt, k);
			vt = join(c, vt, v);
		}
		return mk(c, TY_MAP, kt ? kt : &T_FREE_, vt ? vt : &T_FREE_);
	}
	case N_COMP: return check_comp(c, n);
	default: return DYN;
	}
}

const cel_ty *cel_check(const kp_cel_env *env, kp_arena *a, const cel_node *root,
			 bool homogeneous, kp_error *err)
{
	checker c = {.a = a, .err = err, .homogeneous = homogeneous, .env = env};
	return check(&c, root);
}

char *cel_ty_name(kp_arena *a, const cel_ty *t)
{
	char buf[512];
	ty_name(t, buf, sizeof buf);
	return kp_arena_strdup(a, buf);
}
