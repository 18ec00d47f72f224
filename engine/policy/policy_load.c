/* policy_load.c - Kyverno policy documents -> kp_policy (kp_policy_set_*
 * and kp_policy_* of kpolicy.h). */
#include "pattern/pattern.h"
#include "policy/vap.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Kyverno policy kinds that kpolicy does not run (CEL-based policies of
 * policies.kyverno.io, but for ValidatingPolicy of a known version, and the
 * Kubernetes admission policies the Kyverno CLI also applies, but for
 * ValidatingAdmissionPolicy and its binding of a known version).  They are Kyverno policies: they are added, flagged
 * unsupported, with no rules, so that callers can say so.  The bindings of
 * admission policies are listed for kp_policy_kind_unsupported only: they
 * are not policies of their own. */
static const struct {
	const char *kind;
	bool binding;
} unsupported_kinds[] = {
	{"ValidatingPolicy", false}, {"NamespacedValidatingPolicy", false},
	{"MutatingPolicy", false}, {"NamespacedMutatingPolicy", false},
	{"GeneratingPolicy", false}, {"NamespacedGeneratingPolicy", false},
	{"DeletingPolicy", false}, {"NamespacedDeletingPolicy", false},
	{"ImageValidatingPolicy", false}, {"NamespacedImageValidatingPolicy", false},
	{"ValidatingAdmissionPolicy", false}, {"MutatingAdmissionPolicy", false},
	{"ValidatingAdmissionPolicyBinding", true}, {"MutatingAdmissionPolicyBinding", true},
};

bool kp_policy_kind_unsupported(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof unsupported_kinds / sizeof *unsupported_kinds; i++)
		if (!strcmp(kind, unsupported_kinds[i].kind))
			return true;
	return false;
}

static const char *opt_string(kp_arena *a, const kp_value *map, const char *key,
			      const char *path, kp_error *err, int *rc)
{
	const kp_value *v = kp_value_get(map, key);
	if (kp_value_type(v) == KP_NULL)
		return NULL;
	if (v->type != KP_STRING) {
		*rc = kp_error_at(err, KP_E_POLICY, v, path, "%s must be a string", key);
		return NULL;
	}
	return kp_arena_strndup(a, v->u.s.ptr, v->u.s.len);
}

/* True if a string (or key) of the tree v contains `word`. */
static bool mentions(const kp_value *v, const char *word)
{
	switch (kp_value_type(v)) {
	case KP_STRING: {
		/* most strings are short and hold no word[0]: memchr first (a
		 * memmem call costs more than these strings) */
		size_t wl = strlen(word);
		const char *s = v->u.s.ptr, *e = s + v->u.s.len;
		while (e - s >= (ptrdiff_t)wl && (s = memchr(s, word[0], (size_t)(e - s - wl + 1)))) {
			if (!memcmp(s, word, wl))
				return true;
			s++;
		}
		return false;
	}
	case KP_SEQ:
		for (size_t i = 0; i < v->u.seq.n; i++)
			if (mentions(v->u.seq.items[i], word))
				return true;
		return false;
	case KP_MAP:
		for (size_t i = 0; i < v->u.map.n; i++)
			if (mentions(v->u.map.pairs[i].key, word) || mentions(v->u.map.pairs[i].value, word))
				return true;
		return false;
	default:
		return false;
	}
}

int kp_rule_compile(kp_policy *p, const kp_value *rule, const char *path,
		    kp_rule *out, kp_error *err)
{
	kp_arena *a = p->arena;
	char sub[1100];
	memset(out, 0, sizeof *out);
	out->raw = rule;
	if (kp_value_type(rule) != KP_MAP)
		return kp_error_at(err, KP_E_POLICY, rule, path, "a rule must be a mapping");
	const kp_value *name = kp_value_get(rule, "name");
	snprintf(sub, sizeof sub, "%s/name", path);
	if (kp_value_type(name) != KP_STRING || name->u.s.len == 0)
		return kp_error_at(err, KP_E_POLICY, name ? name : rule, sub,
			    "a rule needs a non-empty name");
	out->name = kp_arena_strndup(a, name->u.s.ptr, name->u.s.len);

	const kp_value *match = kp_value_get(rule, "match");
	snprintf(sub, sizeof sub, "%s/match", path);
	if (kp_value_type(match) == KP_NULL)
		return kp_error_at(err, KP_E_POLICY, rule, sub, "rule %s has no match", out->name);
	if (kp_selector_compile(a, match, sub, &out->match, err))
		return -1;
	if (out->match.mode == KP_SEL_NONE)
		return kp_error_at(err, KP_E_POLICY, match, sub,
			    "match of rule %s has neither resources, any nor all", out->name);
	snprintf(sub, sizeof sub, "%s/exclude", path);
	if (kp_selector_compile(a, kp_value_get(rule, "exclude"), sub, &out->exclude, err))
		return -1;

	const kp_value *val = kp_value_get(rule, "validate");
	int rc = 0;
	if (kp_value_type(val) != KP_NULL && kp_value_type(val) != KP_MAP) {
		snprintf(sub, sizeof sub, "%s/validate", path);
		return kp_error_at(err, KP_E_POLICY, val, sub, "validate must be a mapping");
	}
	snprintf(sub, sizeof sub, "%s/validate/message", path);
	out->message = opt_string(a, val, "message", sub, err, &rc);
	snprintf(sub, sizeof sub, "%s/validate/failureAction", path);
	out->failure_action = opt_string(a, val, "failureAction", sub, err, &rc);
	if (rc)
		return rc;
	const kp_value *anyp = kp_value_get(val, "anyPattern");
	if (kp_value_type(anyp) != KP_NULL && anyp->type != KP_SEQ) {
		snprintf(sub, sizeof sub, "%s/validate/anyPattern", path);
		return kp_error_at(err, KP_E_POLICY, anyp, sub, "anyPattern must be a list");
	}
	out->action = kp_action_find(rule, &out->unsupported);
	if (!out->action)
		return 0;
	/* the common part's variables: context, preconditions, message */
	snprintf(sub, sizeof sub, "%s/context", path);
	if (kp_ctx_entries_compile(a, kp_value_get(rule, "context"), sub, &out->context,
				   &out->n_context, err, &p->diag) < 0)
		return -1;
	const kp_value *pre = kp_value_get(rule, "preconditions");
	snprintf(sub, sizeof sub, "%s/preconditions", path);
	if (pre && !(out->preconditions = kp_conds_compile(a, pre, sub, true, err, &p->diag)))
		return -1;
	out->message_t = kp_tmpl_compile(a, kp_value_get(val, "message"), &p->diag);
	/* only a rule that names `images` somewhere pays the check per query */
	out->may_use_images = mentions(rule, "images");
	/* a message alone is substituted lazily, for fail and error rows */
	out->uses_vars = out->n_context || out->preconditions;
	return out->action->compile(p, out, rule, path, err);
}

void kp_policy_free(kp_policy *p)
{
	if (!p)
		return;
	kp_policy_cel_release(p);
	kp_arena_free(p->arena);
	free(p);
}

bool kp_rule_enforce(const kp_rule *r, const kp_policy *p)
{
	const char *fa = r->failure_action ? r->failure_action : p->failure_action;
	return fa && strcasecmp(fa, "Enforce") == 0;
}

static bool block_has_ns_selector(const kp_selector *s)
{
	for (size_t i = 0; i < s->n_blocks; i++)
		if (s->blocks[i].ns_selector.present)
			return true;
	return false;
}

/* What kind of document this is: 1 a ClusterPolicy/Policy we run, 2 a
 * Kyverno policy kind we do not run, 3 a (Namespaced)ValidatingPolicy we
 * run (vpol.c), 4 a ValidatingAdmissionPolicy we run (vap.c), 5 its
 * binding, 0 something else. */
static int classify(const char *api_version, const char *kind)
{
	if (!api_version || !kind)
		return 0;
	if (!strcmp(kind, "ClusterPolicy") || !strcmp(kind, "Policy"))
		return !strcmp(api_version, "kyverno.io/v1") ||
		       !strcmp(api_version, "kyverno.io/v2beta1") ? 1 : 0;
	const char *slash = strchr(api_version, '/');
	size_t glen = slash ? (size_t)(slash - api_version) : 0;
	static const char kyverno[] = "policies.kyverno.io", k8s[] = "admissionregistration.k8s.io";
	bool kyverno_group = glen == sizeof kyverno - 1 && !strncmp(api_version, kyverno, glen);
	bool k8s_group = glen == sizeof k8s - 1 && !strncmp(api_version, k8s, glen);
	/* ValidatingPolicy is run (vpol.c) */
	if (kyverno_group && (!strcmp(kind, "ValidatingPolicy") ||
			      !strcmp(kind, "NamespacedValidatingPolicy")) &&
	    (!strcmp(slash + 1, "v1alpha1") || !strcmp(slash + 1, "v1beta1") || !strcmp(slash + 1, "v1")))
		return 3;
	/* the versions the Kyverno CLI reads (v1beta1/v1alpha1 converted) */
	if (k8s_group && (!strcmp(slash + 1, "v1") || !strcmp(slash + 1, "v1beta1") ||
			  !strcmp(slash + 1, "v1alpha1"))) {
		if (!strcmp(kind, "ValidatingAdmissionPolicy"))
			return 4;
		if (!strcmp(kind, "ValidatingAdmissionPolicyBinding"))
			return 5;
	}
	for (size_t i = 0; i < sizeof unsupported_kinds / sizeof *unsupported_kinds; i++)
		if (!unsupported_kinds[i].binding && !strcmp(kind, unsupported_kinds[i].kind))
			return (kyverno_group || (k8s_group && strstr(kind, "Admission"))) ? 2 : 0;
	return 0;
}

static int load_policy(kp_policy *p, const kp_value *root, kp_error *err)
{
	kp_arena *a = p->arena;
	const kp_value *meta = kp_value_get(root, "metadata");
	const kp_value *name = kp_value_get(meta, "name");
	if (kp_value_type(name) != KP_STRING || name->u.s.len == 0)
		return kp_error_at(err, KP_E_POLICY, name ? name : meta ? meta : root,
			    "/metadata/name", "a policy needs metadata.name");
	p->name = kp_arena_strndup(a, name->u.s.ptr, name->u.s.len);
	if (!strcmp(p->kind, "Policy") || !strncmp(p->kind, "Namespaced", 10)) {
		const char *ns = kp_value_path_str(meta, "namespace");
		p->namespace = ns && *ns ? ns : "default";
	}
	const kp_value *ann = kp_value_get(meta, "annotations");
	/* these keys contain '/', so no kp_value_path here */
	const kp_value *sv = kp_value_get(ann, "policies.kyverno.io/scored");
	p->scored_false = kp_value_str_eq(sv, "false");
	const kp_value *ac = kp_value_get(ann, "pod-policies.kyverno.io/autogen-controllers");
	if (kp_value_type(ac) == KP_STRING)
		p->autogen_controllers = ac->u.s.ptr;
	if (p->unsupported)
		return 0;

	const kp_value *spec = kp_value_get(root, "spec");
	if (kp_value_type(spec) != KP_MAP)
		return kp_error_at(err, KP_E_POLICY, spec ? spec : root, "/spec",
			    "policy %s has no spec mapping", p->name);
	if (strstr(p->kind, "ValidatingPolicy"))
		return kp_vpol_load(p, spec, err);
	if (!strcmp(p->kind, "ValidatingAdmissionPolicy"))
		return kp_vap_load(p, spec, err);
	const kp_value *vfa = kp_value_get(spec, "validationFailureAction");
	if (kp_value_type(vfa) == KP_STRING)
		p->failure_action = vfa->u.s.ptr;
	const kp_value *rules = kp_value_get(spec, "rules");
	if (kp_value_type(rules) != KP_NULL && rules->type != KP_SEQ)
		return kp_error_at(err, KP_E_POLICY, rules, "/spec/rules", "spec.rules must be a list");

	/* the rules as written first: their errors point at the document */
	size_t n0 = kp_value_len(rules);
	kp_rule *orig = kp_arena_alloc(a, sizeof(kp_rule) * (n0 + 1));
	char path[64];
	for (size_t i = 0; i < n0; i++) {
		snprintf(path, sizeof path, "/spec/rules/%zu", i);
		int rc = kp_rule_compile(p, rules->u.seq.items[i], path, &orig[i], err);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(orig[j].name, orig[i].name)) {
				snprintf(path, sizeof path, "/spec/rules/%zu/name", i);
				return kp_error_at(err, KP_E_POLICY, kp_value_get(rules->u.seq.items[i], "name"),
					    path, "duplicate rule name %s", orig[i].name);
			}
	}

	kp_autogen_item *items = NULL;
	size_t n = kp_autogen_compute(a, rules, p->autogen_controllers, &items);
	p->rules = kp_arena_alloc(a, sizeof(kp_rule) * (n + 1));
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		/* rules kept as written reuse their compiled form */
		size_t k = 0;
		while (k < n0 && rules->u.seq.items[k] != items[i].rule)
			k++;
		if (k < n0) {
			p->rules[i] = orig[k];
		} else if (!rc) {
			snprintf(path, sizeof path, "/spec/rules/%zu", i);
			rc = kp_rule_compile(p, items[i].rule, path, &p->rules[i], err);
		}
		p->rules[i].autogen = items[i].kind;
		p->rules[i].autogen_base = items[i].base;
		p->n_rules = i + 1;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < p->n_rules; i++)
		if (block_has_ns_selector(&p->rules[i].match) ||
		    block_has_ns_selector(&p->rules[i].exclude))
			p->uses_ns_selector = true;
	return 0;
}

kp_policy_set *kp_policy_set_new(void)
{
	return kp_xcalloc(1, sizeof(kp_policy_set));
}

void kp_policy_set_free(kp_policy_set *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		kp_policy_free(ps->items[i]);
	free(ps->items);
	kp_kind_index_free(ps->index);
	kp_exceptions_free(ps);
	kp_vap_set_free(ps);
	free(ps);
}

/* The first problem for which Kyverno rejects a policy, and how many more. */
typedef struct strict_ctx {
	kp_error first, suspect;
	size_t n, more;
} strict_ctx;

static void keep_rejection(void *ud, kp_check_level level, const kp_error *problem)
{
	strict_ctx *sc = ud;
	if (level == KP_CHECK_SUSPECT && sc->suspect.code == KP_OK) {
		sc->suspect = *problem;
		sc->suspect.code = KP_W_SUSPECT;
	}
	if (level < KP_CHECK_INVALID)
		return;
	if (sc->n++)
		sc->more++;
	else
		sc->first = *problem;
}

/* -1 with err (the first problem) when the set is strict and Kyverno
 * rejects the document; sc keeps a suspect problem for a warning. */
static int kp_strict_reject(const kp_policy_set *ps, const kp_value *root, strict_ctx *sc,
			    kp_error *err)
{
	if (ps->lenient || kp_policy_check_value(root, keep_rejection, sc) < KP_CHECK_INVALID)
		return 0;
	if (err) {
		*err = sc->first;
		if (sc->more)
			snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
				 " (and %zu more; `kpolicy lint` lists them)", sc->more);
	}
	return -1;
}

int kp_policy_doc_rejected(const kp_policy_set *ps, const kp_value *root, kp_error *err)
{
	strict_ctx sc = {0};
	return kp_strict_reject(ps, root, &sc, err);
}

int kp_policy_set_add(kp_policy_set *ps, const kp_doc *doc, kp_error *err)
{
	if (err)
		kp_error_clear(err);
	const kp_value *root = kp_doc_root(doc);
	if (!ps || !root)
		return kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "kp_policy_set_add: no set or document");
	if (ps->index)
		return kp_errorf(err, KP_E_USAGE, kp_value_file(root), 0, 0,
				 "kp_policy_set_add: the set is sealed");
	const char *api = kp_value_path_str(root, "apiVersion");
	const char *kind = kp_value_path_str(root, "kind");
	int cls = kp_value_type(root) == KP_MAP ? classify(api, kind) : 0;
	if (cls == 0) {
		kp_errorf(err, KP_W_NOTPOLICY, kp_value_file(root), kp_value_line(root),
			  kp_value_col(root), "not a Kyverno policy (apiVersion %s, kind %s)",
			  api ? api : "none", kind ? kind : "none");
		return 0;
	}
	/* strict checking first: what Kyverno rejects is not loaded */
	strict_ctx sc = {0};
	if (kp_strict_reject(ps, root, &sc, err))
		return -1;
	/* a binding joins its policy at seal; it is no policy of its own */
	if (cls == 5)
		return kp_vap_binding_add(ps, root, err);
	kp_policy *p = kp_xcalloc(1, sizeof *p);
	p->arena = kp_arena_new();
	const char *file = kp_arena_strdup(p->arena, kp_value_file(root) ? kp_value_file(root) : "");
	kp_value *copy = kp_value_copy(p->arena, root);
	p->file = file;
	p->root = copy;
	p->line = root->line;
	p->col = root->col;
	p->kind = kp_arena_strdup(p->arena, kind);
	p->api_version = kp_arena_strdup(p->arena, api);
	if (cls == 2)
		p->unsupported = p->kind;
	if (load_policy(p, copy, err)) {
		kp_policy_free(p);
		return -1;
	}
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		kp_policy **items = kp_xrealloc(ps->items, cap * sizeof *items);
		ps->items = items;
		ps->cap = cap;
	}
	ps->items[ps->n++] = p;
	if (p->diag.code != KP_OK) {
		/* an expression that does not compile: its rows will say so;
		 * the author learns where it is now */
		kp_error w = p->diag;
		w.code = KP_W_POLICY;
		snprintf(w.path, sizeof w.path, "%s", p->diag.path);
		if (ps->warn)
			ps->warn(ps->warn_ud, &w);
		else if (err)
			*err = w;
	}
	if (p->unsupported) {
		kp_error w, *to = ps->warn ? &w : err;
		kp_errorf(to, KP_W_POLICY, p->file, p->line, p->col,
			  "%s %s: policy kind not supported by kpolicy; its rules are not evaluated",
			  p->kind, p->name);
		if (ps->warn) {
			snprintf(w.feature, sizeof w.feature, "%s", p->kind);
			ps->warn(ps->warn_ud, &w);
		}
	} else if (sc.suspect.code != KP_OK) {
		if (ps->warn)
			ps->warn(ps->warn_ud, &sc.suspect);
		else if (err)
			*err = sc.suspect;
	}
	return 1;
}

void kp_policy_set_strict(kp_policy_set *ps, bool strict)
{
	if (ps)
		ps->lenient = !strict;
}

/* The rule names of p side by side in its arena, so that a report that
 * looks a row's rule up by name reads a few cache lines, not one rule
 * struct per name. */
static void rule_names_pack(kp_policy *p)
{
	if (p->rule_names || !p->n_rules)
		return;
	size_t len = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!p->rules[i].name)
			return;
		len += strlen(p->rules[i].name) + 1;
	}
	const char **names = kp_arena_alloc(p->arena, p->n_rules * sizeof *names);
	char *text = kp_arena_alloc(p->arena, len);
	for (size_t i = 0; i < p->n_rules; i++) {
		size_t n = strlen(p->rules[i].name) + 1;
		memcpy(text, p->rules[i].name, n);
		names[i] = p->rules[i].name = text;
		text += n;
	}
	p->rule_names = names;
}

void kp_policy_set_seal(kp_policy_set *ps)
{
	if (ps && !ps->index) {
		for (size_t i = 0; i < ps->n; i++)
			rule_names_pack(ps->items[i]);
		kp_exceptions_bind(ps);
		kp_vap_bind(ps);
		ps->n_shared_blocks = kp_blocks_share(ps);
		ps->index = kp_kind_index_build(ps);
	}
}

void kp_policy_set_on_warning(kp_policy_set *ps, kp_warn_cb cb, void *ud)
{
	ps->warn = cb;
	ps->warn_ud = ud;
}

size_t kp_policy_set_count(const kp_policy_set *ps) { return ps ? ps->n : 0; }

const kp_policy *kp_policy_set_at(const kp_policy_set *ps, size_t i)
{
	return ps && i < ps->n ? ps->items[i] : NULL;
}

size_t kp_policy_set_rule_count(const kp_policy_set *ps)
{
	size_t n = 0;
	for (size_t i = 0; ps && i < ps->n; i++) {
		const kp_policy *p = ps->items[i];
		/* the CEL kinds count once each, whatever their autogen variants
		 * (`policyRulesCount += len(vps)` and the like) */
		bool rules = !strcmp(p->kind, "ClusterPolicy") || !strcmp(p->kind, "Policy");
		n += rules ? p->n_rules : 1;
	}
	return n;
}

const char *kp_policy_unsupported(const kp_policy *p)
{
	return p ? p->unsupported : NULL;
}

const char *kp_policy_name(const kp_policy *p) { return p ? p->name : NULL; }
const char *kp_policy_namespace(const kp_policy *p) { return p ? p->namespace : NULL; }
size_t kp_policy_rule_count(const kp_policy *p) { return p ? p->n_rules : 0; }

const char *kp_policy_rule_name(const kp_policy *p, size_t i)
{
	if (!p || i >= p->n_rules)
		return NULL;
	return p->rule_names ? p->rule_names[i] : p->rules[i].name;
}
