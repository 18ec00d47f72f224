/*
 * policy.h - compiled Kyverno policies (private to engine/).
 *
 * A kp_policy owns one arena holding a copy of everything it needs from
 * the policy document (it never borrows from the kp_doc), the rule list
 * after pod-controller autogen, and each rule's compiled match/exclude
 * selectors and patterns.  The evaluator walks p->rules in order.
 *
 * Files: policy_load.c (documents -> kp_policy), autogen.c (autogen v1 on
 * kp_value trees), select.c (match/exclude), userinfo.c (UserInfo and
 * Values documents).
 */
#ifndef KP_POLICY_H
#define KP_POLICY_H

#include "pattern/pattern.h"

/* ------------------------------------------------------------------------
 * Selectors: one match/exclude block (ResourceFilter = ResourceDescription
 * + UserInfo) compiled from its kp_value form.
 * ---------------------------------------------------------------------- */

/* A kind selector split as kyverno's kube.ParseKindSelector splits it:
 * "Pod" -> (*,*,Pod,""), "v1/Pod" -> (*,v1,Pod,""), "Pod/exec" ->
 * (*,*,Pod,exec), "apps/v1/Deployment", "g/v/K/sub"; more than four parts
 * give all "" (matches nothing).  Every part is a wildcard pattern. */
typedef enum kp_part_test {
	KP_PART_WILD = 0,            /* a wildcard pattern: kp_wildcard_match */
	KP_PART_ANY,                 /* "*": matches anything */
	KP_PART_EXACT                /* no wildcard: matches itself only */
} kp_part_test;

typedef struct kp_kind_sel {
	const char *text;            /* as written */
	const char *group, *version, *kind, *sub;
	/* byte tests made by kp_kind_sel_parse, per part (group, version,
	 * kind, sub): its length and how it matches */
	size_t len[4];
	unsigned char test[4];       /* kp_part_test */
} kp_kind_sel;

typedef struct kp_strpair {
	const char *key, *value;
} kp_strpair;

typedef enum kp_label_op {
	KP_LABEL_IN, KP_LABEL_NOTIN, KP_LABEL_EXISTS, KP_LABEL_DOESNOTEXIST
} kp_label_op;

typedef struct kp_label_req {
	const char *key;
	kp_label_op op;
	const char **values;
	size_t n_values;
} kp_label_req;

/* A metav1.LabelSelector.  `present` false: not given.  `invalid`: it
 * would not convert with LabelSelectorAsSelector (bad key/value, unknown
 * operator, values with Exists...), so the block never matches, as in
 * Kyverno ("failed to parse selector").  Validation of matchLabels entries
 * that hold wildcards happens after their substitution, at match time. */
typedef struct kp_label_selector {
	bool present;
	bool invalid;
	kp_strpair *labels;          /* matchLabels, in document order */
	size_t n_labels;
	kp_label_req *exprs;         /* matchExpressions */
	size_t n_exprs;
} kp_label_selector;

typedef enum kp_subject_kind {
	KP_SUBJECT_USER, KP_SUBJECT_GROUP, KP_SUBJECT_SERVICEACCOUNT,
	KP_SUBJECT_OTHER              /* never matches */
} kp_subject_kind;

typedef struct kp_subject {
	kp_subject_kind kind;
	const char *name, *ns;
} kp_subject;

typedef struct kp_block {
	/* ResourceDescription */
	kp_kind_sel *kinds;
	size_t n_kinds;
	const char *name;            /* `name` (NULL when absent or "") */
	const char **names;
	size_t n_names;
	const char **namespaces;
	size_t n_namespaces;
	kp_strpair *annotations;
	size_t n_annotations;
	bool has_annotations;        /* key present (autogen eligibility) */
	kp_label_selector selector;
	kp_label_selector ns_selector;
	const char **operations;
	size_t n_operations;
	/* UserInfo */
	const char **roles;
	size_t n_roles;
	const char **cluster_roles;
	size_t n_cluster_roles;
	kp_subject *subjects;
	size_t n_subjects;
	/* Kyverno compares the structs with DeepEqual: a block whose
	 * description and user info are both empty never matches. */
	bool rd_empty, ui_empty;
	/* the same number for blocks alike in all of the above, across the
	 * rules and policies of a sealed set (kp_blocks_share); 0: none */
	size_t share_id;
} kp_block;

typedef enum kp_sel_mode {
	KP_SEL_NONE,   /* no match/exclude given */
	KP_SEL_PLAIN,  /* match.resources + inline user info: one block */
	KP_SEL_ANY,
	KP_SEL_ALL,
	KP_SEL_ALWAYS  /* a policy-level rule of the CEL kinds: selects every
	                  resource, its action matches by itself */
} kp_sel_mode;

typedef struct kp_selector {
	kp_sel_mode mode;
	kp_block *blocks;
	size_t n_blocks;
} kp_selector;

/* ------------------------------------------------------------------------
 * Rules and policies
 * ---------------------------------------------------------------------- */

typedef enum kp_autogen_kind {
	KP_AUTOGEN_NONE = 0,         /* a rule as written in the policy */
	KP_AUTOGEN_CONTROLLERS,      /* autogen-<rule>: Deployment, Job, ... */
	KP_AUTOGEN_CRONJOB           /* autogen-cronjob-<rule> */
} kp_autogen_kind;

typedef struct kp_rule kp_rule;
typedef struct kp_env kp_env;
typedef struct kp_base_ctx kp_base_ctx;
typedef struct kp_conds kp_conds;
typedef struct kp_ctx_entry kp_ctx_entry;
typedef struct kp_tmpl kp_tmpl;
typedef struct kp_ttree kp_ttree;
typedef struct kp_exception kp_exception;
typedef struct kp_cel_exception kp_cel_exception;
typedef struct kp_sel_ctx kp_sel_ctx;
typedef struct kp_ctx_source kp_ctx_source;

/* ------------------------------------------------------------------------
 * Rule actions (action.c): a rule is a common part (name, match/exclude,
 * message, failure action; soon preconditions and context) plus one
 * action, found in one table by the keys the rule has, compiled by its
 * `compile` and run by its `eval` for each resource the rule selects.
 * ---------------------------------------------------------------------- */

/* What an action sees of one evaluation. */
typedef struct kp_rule_run {
	const kp_policy *policy;
	const kp_rule *rule;
	const kp_value *resource;    /* the normalised resource root */
	const kp_eval_opts *opts;    /* never NULL */
	kp_eval_ctx *ctx;            /* limits; ctx->scratch is reset after
	                                the rule */
	const kp_base_ctx *base;     /* the policy x resource context */
	kp_env *env;                 /* the rule's variables (NULL when the
	                                rule uses none) */
	/* For a rule whose only variables are in its message: makes `env`
	 * (and `base`) when a fail or error message needs it, so that passing
	 * resources pay nothing.  May be NULL. */
	kp_env *(*lazy_env)(const struct kp_rule_run *run);
	void *lazy_ud;
	const kp_sel_ctx *sel;       /* the resource as selection saw it */
	/* PolicyExceptions that matched (a podSecurity rule whose matching
	 * exceptions all carry podSecurity exclusions: the action applies
	 * them); NULL/0 otherwise */
	const kp_exception *const *exceptions;
	size_t n_exceptions;
} kp_rule_run;

/* An action's verdict for one resource (strings in ctx->scratch or the
 * policy arena). */
typedef struct kp_rule_outcome {
	kp_status status;
	const char *message;
	const char *path;            /* fail rows: the failure path; else NULL */
	const kp_value *node;        /* where in the resource; NULL: its root */
	const char *unsupported;     /* an error row for a feature kpolicy lacks */
	bool no_response;            /* Kyverno gives no row at all */
	const char *rule;            /* non-NULL: the row's rule name instead of
	                                the rule's ("evaluation" in a
	                                ValidatingPolicy) */
	/* strlen(counted) where the action built the message and knew it;
	 * kp_result.message_len takes it while message is still `counted` */
	const char *counted;
	size_t counted_len;
} kp_rule_outcome;

typedef struct kp_action_ops {
	const char *name;            /* the feature, "validate.pattern" */
	/* Compile the action of `rule` (in p->arena, where everything it
	 * keeps lives) into r->action_data.  `path` is the rule's JSON
	 * pointer.  May set r->unsupported instead.  0, or -1 with err. */
	int (*compile)(kp_policy *p, kp_rule *r, const kp_value *rule,
		       const char *path, kp_error *err);
	void (*eval)(const kp_rule_run *run, kp_rule_outcome *out);
} kp_action_ops;

/* The action of a rule tree, or NULL with *unsupported set to the name
 * of a feature kpolicy lacks ("validate.deny", "mutate", "rule without
 * validate", ...), checked in Kyverno's precedence of rule types. */
const kp_action_ops *kp_action_find(const kp_value *rule, const char **unsupported);

/* The actions kpolicy runs (action_pattern.c). */
extern const kp_action_ops kp_action_pattern;      /* validate.pattern */
extern const kp_action_ops kp_action_any_pattern;  /* validate.anyPattern */
extern const kp_action_ops kp_action_pod_security; /* validate.podSecurity (action_pss.c) */

/* action_data of both: the trees (policy arena) and their compiled forms. */
typedef struct kp_pattern_rule {
	const kp_value *pattern;     /* validate.pattern, or NULL */
	const kp_pat_root *compiled;
	const kp_value **any;        /* validate.anyPattern items */
	const kp_pat_root **any_compiled;
	size_t n_any;
	const char *pass_message;    /* made at compile time */
	/* A fail row's message is fail_prefix + the failure path when the
	 * message shown is fail_message (the static validate.message this
	 * body was compiled with, pointer-equal; NULL for none) */
	const char *fail_message;
	const char *fail_prefix;     /* NULL: build the message in full */
	size_t fail_prefix_len;
	bool fail_static;            /* a rule's body whose validate.message has
	                                no variables: fail_message is shown */
	/* patterns with variables: substituted and compiled per resource */
	bool dynamic;
	kp_ttree *pattern_t, *any_t;
	const char *ref_error;       /* a `$(...)` reference did not resolve */
} kp_pattern_rule;

/* `$(...)` references of a pattern resolved against the pattern itself
 * (pattern_refs.c): a new tree in a, or NULL with *err Kyverno's text. */
const kp_value *kp_pattern_refs(kp_arena *a, const kp_value *pattern, const char **err);

/* A pattern/anyPattern body of a rule or foreach entry (action_pattern.c).
 * NULL with *unsupported set, or NULL with err. */
kp_pattern_rule *kp_patbody_compile(kp_policy *p, const kp_value *pattern, const kp_value *any,
				    const char *path, const char *rule, const char *message,
				    const char **unsupported, kp_error *err);
/* Match `target` (env may be NULL for a body without variables). */
void kp_patbody_eval(const kp_pattern_rule *pr, const kp_rule *r, kp_env *env, kp_eval_ctx *ctx,
		     const kp_value *target, const kp_rule_run *run, kp_rule_outcome *out);
/* The single pattern of a body that kp_patbody_eval matches as it is (no
 * variables, no unresolved reference), else NULL: the evaluator may match
 * it itself and hand the result to kp_patbody_outcome. */
const kp_pat_root *kp_patbody_static(const kp_pattern_rule *pr);
/* The outcome of a single-pattern body from its match result `res`, as
 * kp_patbody_eval gives it (the pass message, or the fail / error message
 * with validate.message substituted). */
void kp_patbody_outcome(const kp_pattern_rule *pr, const kp_rule *r, kp_env *env, kp_eval_ctx *ctx,
			const kp_rule_run *run, const kp_pat_result *res, kp_rule_outcome *out);
/* The deny body of a rule or foreach entry (action_deny.c). */
void *kp_deny_compile(kp_policy *p, const kp_value *deny, const char *path, const char *rule,
		      kp_error *err);
void kp_deny_eval(const void *data, const kp_rule *r, kp_env *env, kp_rule_outcome *out);
extern const kp_action_ops kp_action_deny;
extern const kp_action_ops kp_action_foreach;
/* r's kp_pattern_rule when its action is one of these two, else NULL. */
const kp_pattern_rule *kp_rule_patterns(const kp_rule *r);

struct kp_rule {
	/* ---- common part ---- */
	const char *name;            /* "" for a policy-level rule (the CEL
	                                policy kinds) */
	const kp_value *raw;         /* the rule (for generated rules: as
	                                generated), in the policy arena */
	kp_selector match, exclude;
	/* validate.message as written ({{ }} kept), NULL when absent. */
	const char *message;
	/* validate.failureAction (rule level), NULL when absent. */
	const char *failure_action;
	kp_autogen_kind autogen;
	const char *autogen_base;    /* the base rule's name, for autogen rules */
	/* context entries and preconditions; `uses_vars` when anything of the
	 * rule reads variables, so that its context is built */
	kp_ctx_entry **context;
	size_t n_context;
	kp_conds *preconditions;     /* NULL: none */
	kp_tmpl *message_t;          /* validate.message with variables */
	bool uses_vars;
	bool may_use_images;         /* some string of the rule says "images" */
	/* Non-NULL: the rule uses a feature kpolicy does not implement
	 * ("validate.deny", "context", "variables in pattern", "mutate", ...);
	 * the evaluator reports `error` with "unsupported: <this>" for each
	 * resource the rule selects, and `action` is NULL. */
	const char *unsupported;
	/* PolicyExceptions naming this rule (bound by kp_policy_set_seal;
	 * in the set's exception arena) */
	const kp_exception **exceptions;
	size_t n_exceptions;
	/* ---- the action ---- */
	const kp_action_ops *action;
	void *action_data;           /* the action's compiled form */
};

struct kp_policy {
	/* first, in one cache line: what the report asks per row
	 * (kp_policy_rule_count, kp_policy_rule_name) */
	size_t n_rules;
	/* the rules' names, copied side by side at seal (rules[i].name points
	 * at rule_names[i]); NULL before */
	const char **rule_names;
	kp_arena *arena;
	const char *kind;            /* "ClusterPolicy", "Policy", or the
	                                unsupported kind */
	const char *api_version;
	const char *name;
	const char *namespace;       /* Policy: metadata.namespace or
	                                "default"; ClusterPolicy: NULL */
	const char *file;
	unsigned line, col;          /* of the document root */
	/* Non-NULL: a Kyverno policy kind kpolicy cannot run (ValidatingPolicy,
	 * ImageValidatingPolicy, ...): no rules were compiled. */
	const char *unsupported;
	/* annotation policies.kyverno.io/scored: "false" (fail -> warn) */
	bool scored_false;
	/* annotation pod-policies.kyverno.io/autogen-controllers, or NULL */
	const char *autogen_controllers;
	/* spec.validationFailureAction as written, or NULL */
	const char *failure_action;
	/* the first expression that did not compile (KP_OK: none), given to
	 * the set's warning channel when the policy is added */
	kp_error diag;
	/* true when any rule (after autogen) has a namespaceSelector: the CLI
	 * then needs namespace labels (see kp_policy_lacks_namespace_labels). */
	bool uses_ns_selector;
	/* the policy document as read (policy arena): annotations and spec
	 * for the report accessors (policy_info.c) */
	const kp_value *root;
	kp_rule *rules;              /* after autogen; n_rules above */
	/* the set's parameter resources (validate.cel paramRef), given at
	 * seal (vap_binding.c); owned by the set */
	const kp_value *const *params;
	size_t n_params;
	/* compiled CEL programs (policy_cel.h), released by kp_policy_free */
	struct kp_cel_prog **cel_progs;
	size_t n_cel_progs, cap_cel_progs;
	/* CEL PolicyExceptions naming this policy, one entry per naming
	 * policyRef (bound at seal, exception_cel.c; in the set's exception
	 * arena) */
	const kp_cel_exception **cel_exceptions;
	size_t n_cel_exceptions;
};

/* Rules grouped by the kinds they can select (evaluate.c), so that a
 * resource visits only rules that can match it. */
typedef struct kp_kind_index kp_kind_index;
void kp_kind_index_free(kp_kind_index *ix);

struct kp_policy_set {
	kp_policy **items;
	size_t n, cap;
	kp_kind_index *index;        /* built by kp_policy_set_seal; NULL
	                                while loading */
	size_t n_shared_blocks;      /* kp_blocks_share at seal */
	kp_warn_cb warn;             /* kp_policy_set_on_warning */
	void *warn_ud;
	bool lenient;                /* kp_policy_set_strict(ps, false) */
	/* PolicyExceptions (exception.c), in one arena */
	kp_arena *exc_arena;
	kp_exception **exc;
	size_t n_exc;
	/* ValidatingAdmissionPolicyBindings and parameter resources
	 * (vap_binding.c), in one arena */
	kp_arena *vap_arena;
	struct kp_vap_binding **vap_bindings;
	size_t n_vap_bindings, cap_vap_bindings;
	const kp_value **params;
	size_t n_params, cap_params;
	/* CEL PolicyExceptions (policies.kyverno.io, exception_cel.c) */
	kp_cel_exception **cexc;
	size_t n_cexc;
};

/* ------------------------------------------------------------------------
 * PolicyException (exception.c), ../shared/docs/kyverno-rules.md section 6
 * ---------------------------------------------------------------------- */

/* At seal: give every rule the exceptions whose spec.exceptions[] name its
 * policy's key and, by wildcard, its name. */
void kp_exceptions_bind(kp_policy_set *ps);
/* The strict load check of kp_policy_set_add for another document kind
 * with a Kyverno CRD (PolicyException): -1 with err when the set is strict
 * and Kyverno rejects it, else 0 (policy_load.c). */
int kp_policy_doc_rejected(const kp_policy_set *ps, const kp_value *root, kp_error *err);
void kp_exceptions_free(kp_policy_set *ps);
/* Section 0 step 8, after the preconditions: true when the exceptions of
 * run->rule decided the row (*out: skip, or no response); false when the
 * rule goes on (no exception matched, or a podSecurity rule's exceptions
 * all carry exclusions: then run->exceptions holds them).  env may be
 * NULL when nothing of the rule needed variables. */
bool kp_exceptions_apply(kp_rule_run *run, kp_env *env, kp_rule_outcome *out);
/* The key Kyverno names an exception by: "<namespace>/<name>" or "<name>". */
const char *kp_exception_key(const kp_exception *e);
/* Its spec.podSecurity exclusions (a kp_pss_excludes *), NULL when none. */
const void *kp_exception_pss(const kp_exception *e);

/* Number the distinct match/exclude blocks of the set's rules
 * (kp_block.share_id, select_share.c); returns how many there are. */
size_t kp_blocks_share(kp_policy_set *ps);

/* The rule index of a sealed set (evaluate.c). */
kp_kind_index *kp_kind_index_build(const kp_policy_set *ps);

/* The effective failure action of rule r of p: the rule's
 * validate.failureAction, else spec.validationFailureAction, else "Audit";
 * true for Enforce (case-insensitive, as Kyverno accepts "enforce"). */
bool kp_rule_enforce(const kp_rule *r, const kp_policy *p);

/* Compile one rule tree (already in p->arena) into *out.  `path` is the
 * JSON-pointer of the rule for error messages ("/spec/rules/2").
 * 0, or -1 with err (KP_E_POLICY / KP_E_PATTERN at the offending node). */
int kp_rule_compile(kp_policy *p, const kp_value *rule, const char *path,
		    kp_rule *out, kp_error *err);

/* Compile a match or exclude value into sel.  0 / -1 with err. */
int kp_selector_compile(kp_arena *a, const kp_value *v, const char *path,
			kp_selector *sel, kp_error *err);

/* A metav1.LabelSelector alone (select_compile.c) and its test against a
 * labels map (select.c; NULL labels: none). */
int kp_label_selector_compile(kp_arena *a, const kp_value *v, const char *path,
			      kp_label_selector *ls, kp_error *err);
bool kp_label_selector_matches(const kp_label_selector *ls, const kp_value *labels);

/* ValidatingPolicy / NamespacedValidatingPolicy `spec` into p->rules: one
 * policy-level rule per autogen variant (vpol.c).  0 (p->unsupported may
 * be set), or -1 with err (a compile error: Kyverno aborts the run). */
int kp_vpol_load(kp_policy *p, const kp_value *spec, kp_error *err);

/* Split a kind selector as kube.ParseKindSelector does (parts in arena a). */
void kp_kind_sel_parse(kp_arena *a, const char *text, kp_kind_sel *k);
/* Kubernetes label key (qualified name) / label value validity. */
bool kp_label_key_valid(const char *s);
bool kp_label_value_valid(const char *s);

/* Release a policy: its arena (compiled actions included) and itself. */
void kp_policy_free(kp_policy *p);

/* kp_policy_check on a document tree (policy_check.c). */
kp_check_level kp_policy_check_value(const kp_value *root, kp_check_cb cb, void *ud);

/* ------------------------------------------------------------------------
 * Autogen (autogen.c), Kyverno pkg/autogen/v1 on kp_value trees.
 * ---------------------------------------------------------------------- */

/* "<prefix>-<rule>" cut to 63 bytes (getAutogenRuleName). */
char *kp_autogen_rule_name(kp_arena *a, const char *prefix, const char *rule);
/* Name starts with "autogen-" (isAutogenRuleName). */
bool kp_autogen_is_name(const char *name);

/* CanAutoGen on spec.rules (a KP_SEQ of rule maps, or NULL).  Returns true
 * when rules may be generated; the controller set is then all of them
 * (DaemonSet, Deployment, Job, StatefulSet, ReplicaSet,
 * ReplicationController, CronJob).  The annotation is not looked at. */
bool kp_autogen_can(const kp_value *rules);

/* The text rewrite of updateFields(): for_cronjob selects the CronJob
 * replacements, cel the ones without the "request." prefix.  Returns a new
 * arena string. */
char *kp_autogen_rewrite_text(kp_arena *a, const char *s, size_t len,
			      bool for_cronjob, bool cel, size_t *out_len);

/* variables.FindAndShiftReferences(message, shift, pivot): shifts $(...)
 * references in a message ("$(pattern/x)" -> "$(pattern/spec/template/x)"). */
char *kp_autogen_shift_refs(kp_arena *a, const char *value, const char *shift,
			    const char *pivot);

/* The rules of a policy as Kyverno's ComputeRules gives them: `rules` (the
 * policy's spec.rules, in arena a) with generated autogen rules appended,
 * pre-existing autogen-* rules dropped when generation happened.
 * `annotation` is the autogen-controllers annotation or NULL.  Fills
 * out[] (allocated in a) with rule trees and, per item, its autogen kind
 * and base rule name.  Returns the number of rules. */
typedef struct kp_autogen_item {
	const kp_value *rule;
	kp_autogen_kind kind;
	const char *base;
} kp_autogen_item;
size_t kp_autogen_compute(kp_arena *a, const kp_value *rules,
			  const char *annotation, kp_autogen_item **out);

/* ------------------------------------------------------------------------
 * Selection (select.c), Kyverno pkg/engine/utils/match.go.
 * ---------------------------------------------------------------------- */

/* What selection needs of one resource, worked out once per resource
 * (kinds, names, labels; operation, user info, namespace labels). */
typedef struct kp_res {
	const char *group, *version, *kind;
	size_t group_len, version_len, kind_len, sub_len;
	const char *sub;             /* subresource name, "" for none */
	const char *name, *ns;
	/* metadata.labels / annotations as read (NULL: absent); a map with a
	 * non-string value reads as none (string_map in select.c) */
	const kp_value *labels, *annotations;
} kp_res;

struct kp_sel_ctx {
	kp_res res;
	const kp_value *resource;
	const char *op;
	const kp_userinfo *ui;       /* NULL when there is no admission info */
	const kp_value *ns_labels;
	/* per share_id - 1, two bytes (user info ignored / used): 0 not yet
	 * decided, 1 no match, 2 match; NULL: decide every block afresh
	 * (kp_sel_prepare; the evaluator gives its shared context one) */
	unsigned char *memo;
	size_t n_memo;
};

void kp_sel_prepare(kp_sel_ctx *ctx, const kp_value *resource, const kp_eval_opts *opts);
/* kp_rule_selects with a prepared resource (the evaluator prepares once
 * and asks every rule). */
bool kp_rule_selects_prepared(const kp_rule *r, const kp_policy *p, const kp_sel_ctx *ctx);

/* Whether rule r of policy p selects `resource` (a normalised resource
 * root): the policy-namespace check (a namespaced Policy only applies to
 * resources of its own namespace), then match (any / all / plain), then
 * exclude.  opts may be NULL.  opts->operation NULL means "CREATE";
 * opts->userinfo NULL (or one with nothing in it) means no admission info:
 * user-info criteria of match blocks are then ignored, and exclude blocks
 * that have them cannot match.  Namespace labels for namespaceSelector
 * come from opts->values for the resource's namespace (none: {}). */
bool kp_rule_selects(const kp_rule *r, const kp_policy *p,
		     const kp_value *resource, const kp_eval_opts *opts);

/* A match selector (any / all blocks, as a rule's match) against a
 * prepared resource; KP_SEL_NONE or no block never matches. */
bool kp_selector_matches(const kp_selector *s, const kp_sel_ctx *ctx);

/* Cheap pre-filter: false when no match block of r can select a resource
 * whose kind is `kind` (group and version not considered), so the
 * evaluator may skip the rule.  True does not mean it matches. */
bool kp_rule_may_match_kind(const kp_rule *r, const char *kind);

/* The CLI refuses to apply a policy that uses namespaceSelector (any rule,
 * after autogen) to a resource outside namespace "default" when the values
 * file gives no labels for its namespace ("failed to get namespace labels
 * for resource R. use --values-file flag to pass the namespace labels";
 * kyverno apply then stops).  True in that case. */
bool kp_policy_lacks_namespace_labels(const kp_policy *p,
				      const kp_value *resource,
				      const kp_values *values);

/* One match/exclude block against a resource, as
 * doesResourceMatchConditionBlock (user info included); exposed for tests
 * and vectors. */
bool kp_block_matches(const kp_block *b, const kp_value *resource,
		      const char *operation, const kp_userinfo *ui,
		      const kp_value *ns_labels);

/* checkNameSpace: any pattern wildcard-matches the resource's namespace
 * (for kind Namespace, its name). */
bool kp_namespaces_match(const char **patterns, size_t n,
			 const kp_value *resource);

/* ------------------------------------------------------------------------
 * User info and values (userinfo.c)
 * ---------------------------------------------------------------------- */

struct kp_userinfo {
	kp_arena *arena;
	const kp_value *info;        /* userInfo as written (copied), or NULL */
	const char **roles;
	size_t n_roles;
	const char **cluster_roles;
	size_t n_cluster_roles;
	const char *username;        /* "" when absent */
	const char **groups;
	size_t n_groups;
	/* Nothing given at all: Kyverno's RequestInfo{} (DeepEqual). */
	bool empty;
};

/* A values-file `subresources` entry: resources of the subresource's
 * group/version/kind are matched as the parent kind with that subresource
 * (the Kyverno CLI's policy processor does this before matching). */
typedef struct kp_subresource {
	const char *group, *version, *kind;          /* e.g. autoscaling v1 Scale */
	const char *name;                            /* "scale" of "deployments/scale" */
	const char *parent_group, *parent_version, *parent_kind;
} kp_subresource;

struct kp_values {
	kp_arena *arena;
	kp_value *root;              /* the whole document, copied */
	const kp_value *ns_selector; /* namespaceSelector list or NULL */
	kp_subresource *subresources;
	size_t n_subresources;
};

/* The kind a resource is matched as: the parent kind when `values` maps
 * its group/version/kind to a subresource, else its own kind ("" when
 * absent).  *sub (may be NULL) gets the subresource name or "". */
const char *kp_resource_match_kind(const kp_value *resource,
				   const kp_values *values, const char **sub);

/* The labels map given for namespace `ns` in the values file's
 * namespaceSelector list, or NULL. */
const kp_value *kp_values_namespace_labels(const kp_values *v, const char *ns);

/* ------------------------------------------------------------------------
 * `{{ }}` substitution (vars.c), pkg/engine/variables/vars.go
 * ---------------------------------------------------------------------- */

/* kp_tmpl: a policy string holding variables or `\{{` escapes, compiled. */

/* What substitution reads: the JSON context of one evaluation. */
typedef struct kp_vars {
	const kp_value *root;        /* {request: ..., element: ..., <context entries>} */
	bool is_delete;              /* request.object is read as request.oldObject */
	kp_arena *scratch;
	/* Called before each query with its text, so that context entries
	 * named in it are loaded first (may be NULL).  0, or -1 with err. */
	int (*load)(void *ud, const char *query, size_t len, kp_error *err);
	void *load_ud;
} kp_vars;

/* True when s holds a variable (RegexVariables) or a `\{{` escape. */
bool kp_has_variables(const char *s, size_t n);
/* Compile the string node `str` (in arena a); NULL when it has nothing to
 * substitute.  A variable whose JMESPath does not compile stays in the
 * template (its use gives Kyverno's error); the first such problem is put
 * in *diag (KP_E_EXPR, located inside the scalar with a caret) if diag is
 * not NULL and still KP_OK. */
kp_tmpl *kp_tmpl_compile(kp_arena *a, const kp_value *str, kp_error *diag);
/* Substitute: *out is the result (a whole-string variable keeps its JSON
 * type; otherwise a string), in vs->scratch.  `path` is the JSON pointer
 * of the string in the document, for messages.  0, or -1 with err->msg
 * Kyverno's text ("failed to resolve X at path P: JMESPath query failed:
 * Unknown key \"k\" in path"). */
int kp_tmpl_eval(const kp_tmpl *t, const kp_vars *vs, const char *path,
		 const kp_value **out, kp_error *err);
/* For a JMESPath compile error, the Kyverno custom function it names
 * that kpolicy does not offer yet (so: unsupported), or NULL. */
const char *kp_missing_function(const char *compile_error_msg);
/* The node the template was compiled from. */
const kp_value *kp_tmpl_node(const kp_tmpl *t);

/* A tree (pattern, condition key or value, context value) whose strings
 * and map keys may hold variables (vars_tree.c).  NULL from compile when
 * nothing in it substitutes: use the tree as it is.  `path` is the JSON
 * pointer of the tree's root for messages ("" for a root).  Evaluation
 * copies only what changes, into vs->scratch; maps in sorted key order. */
kp_ttree *kp_ttree_compile(kp_arena *a, const kp_value *tree, const char *path, kp_error *diag);
int kp_ttree_eval(const kp_ttree *t, const kp_vars *vs, const kp_value **out, kp_error *err);
const kp_value *kp_ttree_source(const kp_ttree *t);

/* ------------------------------------------------------------------------
 * The JSON context (env.c), ../shared/docs/kyverno-rules.md §4, §7
 * ---------------------------------------------------------------------- */

/* What one policy sees of one resource before any rule runs: request.*,
 * user info, and the values file's global and resource values (and
 * --set), whose request.object / oldObject are read back. */
struct kp_base_ctx {
	kp_value *root;
	const kp_value *object;      /* what patterns see (NULL on DELETE) */
	const kp_value *old_object;
	const char *operation;       /* as request.operation reads */
	const char *engine_op;       /* for match: CONNECT is CREATE */
	bool is_delete;
	bool changed;                /* values rewrote request.object */
};
int kp_base_ctx_build(kp_base_ctx *b, kp_arena *a, const kp_value *resource,
		      const kp_eval_opts *opts, const char *policy, kp_error *err);

/* Set a dotted variable name (CSV-quoted segments) in the scratch map
 * root: objects merge, leaves are replaced, copies made on the way. */
int kp_ctx_set(kp_arena *a, kp_value *root, const char *name, size_t len,
	       const kp_value *v, kp_error *err);

/* A rule's context entry, compiled (a `variable`; the other kinds name a
 * source kpolicy cannot reach offline: `unsupported`). */
struct kp_ctx_entry {
	const char *name;
	const char *unsupported;     /* "context.apiCall", ... or NULL */
	bool has_value, has_jmespath;
	const kp_value *value, *dflt;
	kp_ttree *value_t, *dflt_t;
	kp_tmpl *jmespath_t;         /* jmesPath with variables */
	const struct kp_jp *jp;      /* jmesPath without */
	const char *compile_error;   /* jmesPath did not compile */
	kp_ctx_source *source;       /* configMap / apiCall / globalReference
	                                (ctx_source.c), else NULL */
};
/* Compile rule.context (or foreach[].context) into entries in arena a. */
int kp_ctx_entries_compile(kp_arena *a, const kp_value *list, const char *path,
			   kp_ctx_entry ***out, size_t *n, kp_error *err, kp_error *diag);

/* One rule's (or foreach element's) variables. */
struct kp_env {
	kp_vars vars;                /* what templates evaluate against */
	kp_value *root;
	const kp_rule_run *run;
	const kp_ctx_entry **entries;
	bool *loaded;
	size_t n_entries;
	size_t loading;              /* entry being loaded, SIZE_MAX none */
	bool images_done;            /* the `images` variable was built */
};
int kp_env_init(kp_env *env, const kp_rule_run *run, kp_error *err);
/* A foreach element's environment below parent: element, elementIndex,
 * element<depth>, elementIndex<depth>, the rule values again, and the
 * foreach level's context entries. */
int kp_env_element(kp_env *child, const kp_env *parent, const kp_value *element, size_t index,
		   unsigned depth, const kp_ctx_entry *const *entries, size_t n_entries,
		   kp_error *err);

/* Data-source context entries served from kp_eval_opts.sources
 * (ctx_source.c).  compile: NULL unless the entry is a configMap, apiCall,
 * globalReference or imageRegistry.  load: 0 with *out, -1 with err
 * (Kyverno's text), 1 when kpolicy cannot serve it (no sources given, or
 * a network fetch: service call, imageRegistry; unsupported unless values
 * gave the name),
 * KP_SOURCE_DISABLED when the Kyverno CLI would not register the entry
 * (its name is what values gave, or undefined).  register: the
 * entries env->entries[first..] that apiCallResponses mocks answer are
 * loaded at once (eagerly, as the CLI does); 0 / -1. */
#define KP_SOURCE_DISABLED 2
kp_ctx_source *kp_ctx_source_compile(kp_arena *a, const kp_value *entry, const char *path,
				     kp_error *diag);
int kp_ctx_source_load(kp_env *env, const kp_ctx_entry *e, const kp_value **out, kp_error *err);
int kp_ctx_sources_register(kp_env *env, size_t first, kp_error *err);

/* ------------------------------------------------------------------------
 * Conditions (conditions.c): preconditions and deny
 * ---------------------------------------------------------------------- */
/* Compile a conditions value: a plain list (allow_list) or {any, all};
 * null gives empty conditions (true).  NULL on a malformed shape. */
kp_conds *kp_conds_compile(kp_arena *a, const kp_value *v, const char *path, bool allow_list,
			   kp_error *err, kp_error *diag);
/* 1 true, 0 false, -1 error (err->msg Kyverno's text, e.g. "failed to
 * substitute variables in condition key: ...").  *true_msgs: messages of
 * the conditions that held (deny), *false_msgs of those that did not
 * (preconditions), joined with "; " (either may be NULL). */
int kp_conds_eval(const kp_conds *c, const kp_vars *vs, const char **true_msgs,
		  const char **false_msgs, kp_error *err);
bool kp_conds_empty(const kp_conds *c);

/* ------------------------------------------------------------------------
 * Condition operators (condition_ops.c), pkg/engine/variables/operator
 * ---------------------------------------------------------------------- */
typedef enum kp_cond_op {
	KP_COND_UNKNOWN = 0,
	KP_COND_EQUALS, KP_COND_NOT_EQUALS, KP_COND_IN, KP_COND_NOT_IN,
	KP_COND_ANY_IN, KP_COND_ALL_IN, KP_COND_ANY_NOT_IN, KP_COND_ALL_NOT_IN,
	KP_COND_GT, KP_COND_GTE, KP_COND_LT, KP_COND_LTE,
	KP_COND_DUR_GT, KP_COND_DUR_GTE, KP_COND_DUR_LT, KP_COND_DUR_LTE
} kp_cond_op;

/* An operator name, case-insensitive as CreateOperatorHandler takes it
 * (Equal and NotEqual are aliases); KP_COND_UNKNOWN for any other. */
kp_cond_op kp_cond_op_parse(const char *name);
/* handler.Evaluate(key, value) for substituted key and value: 1 true, 0
 * false, -1 an error (an unknown operator; an In/NotIn array key holding
 * a non-string, where upstream panics).  Scratch in arena a. */
int kp_cond_eval(kp_cond_op op, const kp_value *key, const kp_value *value, kp_arena *a);

#endif /* KP_POLICY_H */
