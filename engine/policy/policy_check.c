/* policy_check.c - strict checking of a policy document (kp_policy_check):
 * Kyverno's CRD schema (schema/) and the part of Kyverno's own policy
 * validation that holds offline (pkg/validation/policy/validate.go and the
 * API types' Validate methods, as the CLI runs them with a mock client). */
#include "policy/policy.h"
#include "pss/pss.h"
#include "schema/schema.h"

#include <string.h>
#include <strings.h>

typedef struct {
	kp_check_cb cb;
	void *ud;
	kp_check_level worst;
	kp_arena *arena;
	const char **schema_paths;   /* paths of the schema problems so far */
	size_t n_schema, cap_schema;
} check_ctx;

const char *kp_check_level_name(kp_check_level l)
{
	switch (l) {
	case KP_CHECK_WARN: return "warning";
	case KP_CHECK_SUSPECT: return "suspect";
	case KP_CHECK_INVALID: return "invalid";
	case KP_CHECK_DROP: return "schema";
	case KP_CHECK_ABORT: return "unknown field";
	default: return "clean";
	}
}

static void emit(check_ctx *c, kp_check_level l, const kp_error *e)
{
	if (l > c->worst)
		c->worst = l;
	if (c->cb)
		c->cb(c->ud, l, e);
}

static void problem(check_ctx *c, kp_check_level l, const kp_value *at, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(check_ctx *c, kp_check_level l, const kp_value *at, const char *path,
		    const char *fmt, ...)
{
	kp_error e;
	va_list ap;
	va_start(ap, fmt);
	kp_schema_errorv(&e, at, path, fmt, ap);
	va_end(ap);
	emit(c, l, &e);
}

static void on_schema(void *ud, kp_schema_severity sev, const kp_error *e)
{
	check_ctx *c = ud;
	if (c->n_schema == c->cap_schema) {
		c->cap_schema = c->cap_schema ? c->cap_schema * 2 : 8;
		const char **grown = kp_arena_alloc(c->arena, c->cap_schema * sizeof *grown);
		if (c->n_schema)
			memcpy(grown, c->schema_paths, c->n_schema * sizeof *grown);
		c->schema_paths = grown;
	}
	c->schema_paths[c->n_schema++] = kp_arena_strdup(c->arena, e->path);
	emit(c, sev == KP_SCHEMA_ABORT ? KP_CHECK_ABORT : KP_CHECK_DROP, e);
}

/* True if the schema already reported a problem at or below `path`. */
static bool schema_problem_below(const check_ctx *c, const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < c->n_schema; i++)
		if (!strncmp(c->schema_paths[i], path, n) &&
		    (c->schema_paths[i][n] == 0 || c->schema_paths[i][n] == '/'))
			return true;
	return false;
}

/* Levenshtein distance of two short strings, capped at 3. */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 63 || m > 63 || (n > m ? n - m : m - n) > 2)
		return 3;
	size_t row[64];
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[m] > 3 ? 3 : row[m];
}

/* A known kind one typo away from `kind` (or equal but for case), else NULL. */
static const char *near_kind(const char *kind)
{
	if (strlen(kind) < 3)
		return NULL;
	for (size_t i = 0; i < kp_schema_n_known_kinds; i++)
		if (!strcasecmp(kind, kp_schema_known_kinds[i]))
			return kp_schema_known_kinds[i];
	for (size_t i = 0; i < kp_schema_n_known_kinds; i++)
		if (distance(kind, kp_schema_known_kinds[i]) <= (strlen(kind) > 5 ? 2u : 1u))
			return kp_schema_known_kinds[i];
	return NULL;
}

/* One entry of `kinds`, split as Kyverno splits it.  Kyverno's CLI does
 * not check kinds (validKinds runs only against a cluster), so this is at
 * most SUSPECT. */
static void check_kind(check_ctx *c, const kp_value *k, const char *path)
{
	if (kp_value_type(k) != KP_STRING)
		return;
	kp_arena *a = kp_arena_new();
	kp_kind_sel sel;
	kp_kind_sel_parse(a, k->u.s.ptr, &sel);
	const char *kind = sel.kind;
	if (kind && *kind && !strpbrk(kind, "*?") && !kp_schema_kind_known(kind)) {
		const char *near = near_kind(kind);
		if (near)
			problem(c, KP_CHECK_SUSPECT, k, path,
				"unknown kind \"%s\" (did you mean \"%s\"?): the rule matches nothing, and a cluster rejects the policy",
				kind, near);
		else
			problem(c, KP_CHECK_WARN, k, path,
				"kind \"%s\" is not in the Kyverno CLI's built-in discovery data (a custom resource?)",
				kind);
	}
	kp_arena_free(a);
}

static void check_kinds_in(check_ctx *c, const kp_value *rd, const char *base)
{
	const kp_value *kinds = kp_value_get(rd, "kinds");
	char path[256];
	for (size_t i = 0; i < kp_value_len(kinds); i++) {
		snprintf(path, sizeof path, "%s/kinds/%zu", base, i);
		check_kind(c, kp_value_at(kinds, i), path);
	}
}

/* match or exclude: resources, any[].resources, all[].resources */
static void check_selector_kinds(check_ctx *c, const kp_value *sel, const char *base)
{
	char path[256];
	snprintf(path, sizeof path, "%s/resources", base);
	check_kinds_in(c, kp_value_get(sel, "resources"), path);
	static const char *const blocks[] = {"any", "all"};
	for (size_t b = 0; b < 2; b++) {
		const kp_value *list = kp_value_get(sel, blocks[b]);
		for (size_t i = 0; i < kp_value_len(list); i++) {
			snprintf(path, sizeof path, "%s/%s/%zu/resources", base, blocks[b], i);
			check_kinds_in(c, kp_value_get(kp_value_at(list, i), "resources"), path);
		}
	}
}

/* Kyverno's PodSecurityStandard.Validate / ValidatePSaControlNames, as the
 * podSecurity action compiles them (pss/): a violation makes the policy
 * invalid.  Left to the schema when it already found a problem there (an
 * unknown control name, level or version). */
static void check_pod_security(check_ctx *c, const kp_value *ps, const char *path)
{
	if (schema_problem_below(c, path))
		return;
	kp_arena *a = kp_arena_new();
	kp_error e;
	if (!kp_pss_compile(a, ps, path, &e))
		emit(c, KP_CHECK_INVALID, &e);
	kp_arena_free(a);
}

static void check_failure_action(check_ctx *c, const kp_value *v, const char *path)
{
	if (kp_value_str_eq(v, "audit") || kp_value_str_eq(v, "enforce"))
		problem(c, KP_CHECK_WARN, v, path,
			"Validation failure actions enforce/audit are deprecated, use Enforce/Audit instead.");
}

/* The checks of Kyverno's policy validation for ClusterPolicy / Policy. */
static void check_kyverno_policy(check_ctx *c, const kp_value *root)
{
	const kp_value *spec = kp_value_get(root, "spec");
	if (kp_value_type(spec) != KP_MAP)
		return;
	check_failure_action(c, kp_value_get(spec, "validationFailureAction"),
			     "/spec/validationFailureAction");
	const kp_value *rules = kp_value_get(spec, "rules");
	if (kp_value_type(rules) == KP_NULL || (rules->type == KP_SEQ && rules->u.seq.n == 0))
		problem(c, KP_CHECK_SUSPECT, rules ? rules : spec, "/spec/rules",
			"the policy has no rules: Kyverno loads it and applies nothing");
	if (kp_value_type(rules) != KP_SEQ)
		return;
	char path[192];
	for (size_t i = 0; i < rules->u.seq.n; i++) {
		const kp_value *r = rules->u.seq.items[i];
		snprintf(path, sizeof path, "/spec/rules/%zu/match", i);
		check_selector_kinds(c, kp_value_get(r, "match"), path);
		snprintf(path, sizeof path, "/spec/rules/%zu/exclude", i);
		check_selector_kinds(c, kp_value_get(r, "exclude"), path);
		const kp_value *val = kp_value_get(r, "validate");
		snprintf(path, sizeof path, "/spec/rules/%zu/validate/failureAction", i);
		check_failure_action(c, kp_value_get(val, "failureAction"), path);
		const kp_value *ps = kp_value_get(val, "podSecurity");
		if (kp_value_type(ps) == KP_MAP) {
			snprintf(path, sizeof path, "/spec/rules/%zu/validate/podSecurity", i);
			check_pod_security(c, ps, path);
		}
	}
}

kp_check_level kp_policy_check_value(const kp_value *root, kp_check_cb cb, void *ud)
{
	const char *api = kp_value_path_str(root, "apiVersion");
	const char *kind = kp_value_path_str(root, "kind");
	const kp_schema_root *sr = kp_schema_find(api, kind);
	if (!sr)
		return KP_CHECK_CLEAN;
	check_ctx c = {.cb = cb, .ud = ud, .arena = kp_arena_new()};
	kp_schema_validate(sr, root, on_schema, &c);
	if (!strcmp(sr->group, "kyverno.io") &&
	    (!strcmp(kind, "ClusterPolicy") || !strcmp(kind, "Policy")))
		check_kyverno_policy(&c, root);
	kp_arena_free(c.arena);
	return c.worst;
}

kp_check_level kp_policy_check(const kp_doc *doc, kp_check_cb cb, void *ud)
{
	return doc ? kp_policy_check_value(kp_doc_root(doc), cb, ud) : KP_CHECK_CLEAN;
}
