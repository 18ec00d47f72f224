/* evaluate.c - kp_evaluate: every rule of every policy that selects a
 * resource, its pattern or anyPattern outcome, and the result row Kyverno
 * would report (pkg/engine/handlers/validation/validate_resource.go and the
 * CLI's result counting). */
#include "pattern/pattern.h"
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

/* ---- kind index: a resource visits only rules that can select its kind ---- */

/* What the loop over candidate rules and the common pass path read of one
 * rule, side by side in one cache line per rule: the policy and rule
 * structs are large and cold again by the time the next resource comes. */
enum {
	SLOT_VIEW = 1 << 0,          /* variables or exceptions: the policy view */
	SLOT_NS_SELECTOR = 1 << 1,   /* p->uses_ns_selector */
	SLOT_LAZY_MSG = 1 << 2,      /* only validate.message has variables */
	SLOT_SCORED_FALSE = 1 << 3,  /* p->scored_false */
	SLOT_UNSUPPORTED = 1 << 4,   /* p->unsupported or r->unsupported */
	SLOT_ONE_BLOCK = 1 << 5,     /* selection is one shared match block:
	                                no policy namespace, no exclude */
	SLOT_RD_EMPTY = 1 << 6,      /* that block's rd_empty, ui_empty */
	SLOT_UI_EMPTY = 1 << 7,
};

typedef struct kp_rule_slot {
	const kp_policy *p;
	const kp_rule *r;
	const kp_pat_root *pattern;  /* kp_patbody_static of the rule's body */
	const char *pass_message;    /* with `pattern` */
	const char *policy, *policy_ns, *rule;   /* as rows give them */
	uint32_t memo;               /* SLOT_ONE_BLOCK: the block's memo index */
	uint8_t flags;
	uint8_t prefix;              /* the number of pattern's prefix in the
	                                index (kp_prefix), 0: none */
	uint16_t depth;              /* pattern->depth */
} kp_rule_slot;

#define SLOT_ALIGN 64
_Static_assert(sizeof(void *) != 8 || sizeof(kp_rule_slot) == SLOT_ALIGN,
	       "a rule slot fills one cache line");

typedef struct kp_kind_entry {
	const char *kind;
	size_t len;
	kp_rule_slot *slots;
	size_t n;
} kp_kind_entry;

/* A pattern prefix (kp_pat_root.prefix) numbered in the index, shorter
 * ones first: its last step, and the number of the prefix one step
 * shorter (0: the root).  Rules by many policies share a few prefixes
 * (spec -> template -> spec, metadata -> labels): each is looked up once
 * per resource, one step below its shorter one, not once per rule. */
typedef struct kp_prefix {
	kp_pat_step step;            /* a copy: resolving reads no pattern */
	uint32_t up;
} kp_prefix;

/* Distinct prefixes (and their shorter ones) a set numbers: a resource
 * keeps the node of each in a small array.  Patterns past it walk theirs. */
#define KP_PREFIXES_MAX 64

struct kp_kind_index {
	kp_kind_entry *kinds;         /* kinds named literally by some rule */
	size_t n_kinds;
	kp_rule_slot *other;          /* rules with wildcard kinds or none */
	size_t n_other;
	kp_prefix prefixes[KP_PREFIXES_MAX];
	size_t n_prefixes;
};

/* The number of pat's prefix cut to len steps, numbered if new; 0 when
 * the table is full. */
static uint32_t prefix_number(kp_kind_index *ix, const kp_pat_root *pat, uint32_t len)
{
	uint32_t up = len > 1 ? prefix_number(ix, pat, len - 1) : 0;
	if (len > 1 && !up)
		return 0;
	const kp_pat_step *st = &pat->prefix[len - 1];
	for (size_t k = 0; k < ix->n_prefixes; k++) {
		const kp_prefix *e = &ix->prefixes[k];
		if (e->up == up && e->step.len == st->len && !memcmp(e->step.key, st->key, st->len))
			return (uint32_t)k + 1;
	}
	if (ix->n_prefixes == KP_PREFIXES_MAX)
		return 0;
	ix->prefixes[ix->n_prefixes++] = (kp_prefix){*st, up};
	return (uint32_t)ix->n_prefixes;
}

/* Numbers the prefixes of the slots' patterns: equal keys, one number. */
static void number_prefixes(kp_kind_index *ix, kp_rule_slot *v, size_t n)
{
	_Static_assert(KP_PREFIXES_MAX <= UINT8_MAX, "a slot's prefix is a byte");
	for (size_t i = 0; i < n; i++) {
		const kp_pat_root *pat = v[i].pattern;
		if (pat && pat->n_prefix)
			v[i].prefix = (uint8_t)prefix_number(ix, pat, pat->n_prefix);
	}
}

/* The map below prefix id of the resource root (the node kp_pat_step_map
 * leads to, step by step, each prefix's shorter ones first), or
 * &no_prefix_node; nodes[] keeps what was found for the resource. */
static const kp_value no_prefix_node;

static const kp_value *prefix_node(const kp_kind_index *ix, const kp_value **nodes,
				   uint32_t id, const kp_value *root)
{
	const kp_value **pn = &nodes[id - 1];
	if (*pn)
		return *pn;
	const kp_prefix *e = &ix->prefixes[id - 1];
	const kp_value *up = e->up ? prefix_node(ix, nodes, e->up, root) : root;
	const kp_value *v = up != &no_prefix_node ? kp_pat_step_map(up, &e->step) : NULL;
	return *pn = v ? v : &no_prefix_node;
}

static bool has_wild(const char *s)
{
	return !s || kp_wildcard_has(s, strlen(s));
}

/* Whether a rule can select kinds it does not name literally. */
static bool rule_is_wild(const kp_rule *r)
{
	if (r->match.mode == KP_SEL_NONE || !r->match.n_blocks)
		return true;
	for (size_t b = 0; b < r->match.n_blocks; b++) {
		const kp_block *blk = &r->match.blocks[b];
		if (!blk->n_kinds)
			return true;
		for (size_t k = 0; k < blk->n_kinds; k++)
			if (has_wild(blk->kinds[k].kind))
				return true;
	}
	return false;
}

/* The slot of rule r of policy p: what the loop would otherwise read from
 * p, r, r's match block and r's pattern body for every row. */
static kp_rule_slot slot_make(const kp_policy *p, const kp_rule *r)
{
	kp_rule_slot s = {.p = p, .r = r, .policy = p->name, .policy_ns = p->namespace,
			  .rule = r->name};
	s.flags = (uint8_t)((r->uses_vars || r->n_exceptions ? SLOT_VIEW : 0) |
		  (p->uses_ns_selector ? SLOT_NS_SELECTOR : 0) |
		  (r->message_t && !r->uses_vars ? SLOT_LAZY_MSG : 0) |
		  (p->scored_false ? SLOT_SCORED_FALSE : 0) |
		  (p->unsupported || r->unsupported ? SLOT_UNSUPPORTED : 0));
	const kp_selector *m = &r->match, *x = &r->exclude;
	bool one = (m->mode == KP_SEL_PLAIN || m->mode == KP_SEL_ANY || m->mode == KP_SEL_ALL) &&
		   m->n_blocks == 1 && m->blocks[0].share_id &&
		   m->blocks[0].share_id <= UINT32_MAX / 2 &&
		   !x->n_blocks && x->mode != KP_SEL_ALL && !p->namespace;
	if (one) {
		s.flags |= SLOT_ONE_BLOCK | (m->blocks[0].rd_empty ? SLOT_RD_EMPTY : 0) |
			   (m->blocks[0].ui_empty ? SLOT_UI_EMPTY : 0);
		s.memo = (uint32_t)(m->blocks[0].share_id - 1) * 2;
	}
	const kp_pattern_rule *pr = kp_rule_patterns(r);
	const kp_pat_root *body = kp_patbody_static(pr);
	if (!(s.flags & SLOT_UNSUPPORTED) && body && body->depth <= UINT16_MAX) {
		s.pattern = body;
		s.pass_message = pr->pass_message;
		s.depth = (uint16_t)body->depth;
	}
	return s;
}

static void slots_push(kp_rule_slot **v, size_t *n, const kp_policy *p, const kp_rule *r)
{
	*v = kp_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = slot_make(p, r);
}

/* The list moved to memory aligned to a cache line. */
static kp_rule_slot *slots_align(kp_rule_slot *v, size_t n)
{
	size_t bytes = (n * sizeof *v + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
	kp_rule_slot *a = aligned_alloc(SLOT_ALIGN, bytes ? bytes : SLOT_ALIGN);
	if (!a)
		kp_oom(bytes);
	if (n)
		memcpy(a, v, n * sizeof *v);
	free(v);
	return a;
}

static bool index_has_kind(const kp_kind_index *ix, const char *kind)
{
	for (size_t i = 0; i < ix->n_kinds; i++)
		if (!strcmp(ix->kinds[i].kind, kind))
			return true;
	return false;
}

kp_kind_index *kp_kind_index_build(const kp_policy_set *ps)
{
	kp_kind_index *ix = kp_xcalloc(1, sizeof(*ix));
	/* distinct literal kinds */
	for (size_t i = 0; i < ps->n; i++) {
		const kp_policy *p = ps->items[i];
		for (size_t j = 0; j < p->n_rules; j++) {
			const kp_rule *r = &p->rules[j];
			for (size_t b = 0; b < r->match.n_blocks; b++)
				for (size_t k = 0; k < r->match.blocks[b].n_kinds; k++) {
					const char *kind = r->match.blocks[b].kinds[k].kind;
					if (has_wild(kind) || index_has_kind(ix, kind))
						continue;
					ix->kinds = kp_xrealloc(ix->kinds, (ix->n_kinds + 1) * sizeof(*ix->kinds));
					ix->kinds[ix->n_kinds++] = (kp_kind_entry){kind, strlen(kind), NULL, 0};
				}
		}
	}
	/* per kind, the rules that may select it, in policy and rule order */
	for (size_t i = 0; i < ps->n; i++) {
		const kp_policy *p = ps->items[i];
		for (size_t j = 0; j < p->n_rules; j++) {
			const kp_rule *r = &p->rules[j];
			if (rule_is_wild(r))
				slots_push(&ix->other, &ix->n_other, p, r);
			for (size_t k = 0; k < ix->n_kinds; k++)
				if (kp_rule_may_match_kind(r, ix->kinds[k].kind))
					slots_push(&ix->kinds[k].slots, &ix->kinds[k].n, p, r);
		}
	}
	for (size_t k = 0; k < ix->n_kinds; k++)
		ix->kinds[k].slots = slots_align(ix->kinds[k].slots, ix->kinds[k].n);
	ix->other = slots_align(ix->other, ix->n_other);
	for (size_t k = 0; k < ix->n_kinds; k++)
		number_prefixes(ix, ix->kinds[k].slots, ix->kinds[k].n);
	number_prefixes(ix, ix->other, ix->n_other);
	return ix;
}

void kp_kind_index_free(kp_kind_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n_kinds; i++)
		free(ix->kinds[i].slots);
	free(ix->kinds);
	free(ix->other);
	free(ix);
}

/* kp_rule_selects_prepared for a slot: a rule selected by one shared block
 * already decided for this resource is answered from the memo. */
static inline bool slot_selects(const kp_rule_slot *sl, const kp_sel_ctx *s, const kp_sel_ctx *shared)
{
	if ((sl->flags & SLOT_ONE_BLOCK) && s == shared) {
		bool use_ui = s->ui != NULL;
		/* match_helper: an empty block never matches */
		if ((sl->flags & SLOT_RD_EMPTY) && ((sl->flags & SLOT_UI_EMPTY) || !use_ui))
			return false;
		unsigned char m = s->memo[sl->memo + use_ui];
		if (m)
			return m == 2;
	}
	return kp_rule_selects_prepared(sl->r, sl->p, s);
}

/* ---- one rule ---- */

/* The rule's variables and preconditions (kyverno-rules.md §0 steps 5-6):
 * false when they decided the row (*out filled). */
static bool before_action(kp_rule_run *run, kp_env *env, kp_rule_outcome *out)
{
	const kp_rule *r = run->rule;
	kp_arena *a = run->ctx->scratch;
	kp_error err;
	if (kp_env_init(env, run, &err) < 0) {
		out->status = KP_STATUS_ERROR;
		out->message = kp_arena_printf(a, "failed to load context: %s", err.msg);
		return false;
	}
	run->env = env;
	if (!r->preconditions)
		return !(r->n_exceptions && kp_exceptions_apply(run, env, out));
	const char *false_msgs;
	int rc = kp_conds_eval(r->preconditions, &env->vars, NULL, &false_msgs, &err);
	if (rc < 0) {
		out->status = KP_STATUS_ERROR;
		if (err.code == KP_E_UNSUPPORTED) {
			out->unsupported = kp_arena_strdup(a, err.feature);
			out->message = kp_arena_printf(a, "unsupported: %s", err.feature);
		} else {
			out->message = kp_arena_printf(a, "failed to evaluate preconditions: %s", err.msg);
		}
		return false;
	}
	if (!rc) {
		out->status = KP_STATUS_SKIP;
		out->message = *false_msgs ? kp_arena_printf(a, "preconditions not met; %s", false_msgs)
					   : "preconditions not met";
		return false;
	}
	return !(r->n_exceptions && kp_exceptions_apply(run, env, out));
}

/* The row of an outcome; false when Kyverno gives none. */
static bool report(const kp_rule_slot *sl, kp_eval_ctx *ctx, const kp_doc *doc,
		   kp_rule_outcome *out, kp_result_cb cb, void *ud)
{
	if (out->no_response)
		return false;
	if (out->unsupported && out->status == KP_STATUS_ERROR)
		out->message = kp_arena_printf(ctx->scratch, "unsupported: %s", out->unsupported);
	const kp_value *at = out->node && out->node->file ? out->node : doc->root;
	kp_result res = {
		.policy = sl->policy, .policy_namespace = sl->policy_ns,
		.rule = out->rule ? out->rule : sl->rule,
		.status = out->status, .message = out->message, .path = out->path,
		.unsupported = out->unsupported,
		.file = at->file, .line = at->line, .col = at->col,
		.message_len = out->message && out->message == out->counted ? out->counted_len : 0,
	};
	/* policies.kyverno.io/scored: "false" turns a fail into a warn */
	if (res.status == KP_STATUS_FAIL && (sl->flags & SLOT_SCORED_FALSE))
		res.status = KP_STATUS_WARN;
	cb(ud, &res);
	return true;
}

/* One rule's row; false when Kyverno gives none. */
static bool eval_rule(const kp_rule_slot *sl, kp_rule_run *run, const kp_doc *doc,
		      kp_result_cb cb, void *ud)
{
	const kp_policy *p = run->policy;
	const kp_rule *r = run->rule;
	kp_rule_outcome out = {0};
	kp_env env;
	const char *unsupported = p->unsupported ? p->unsupported : r->unsupported;
	if (unsupported) {
		out.status = KP_STATUS_ERROR;
		out.unsupported = unsupported;
		out.message = kp_arena_printf(run->ctx->scratch, "unsupported: %s", unsupported);
	} else if ((!r->uses_vars && !r->n_exceptions) || before_action(run, &env, &out)) {
		r->action->eval(run, &out);
	}
	return report(sl, run->ctx, doc, &out, cb, ud);
}

/* What one policy sees of the resource: built when the policy has rules
 * with variables or values are given (they may rewrite the resource). */
typedef struct policy_view {
	const kp_policy *p;
	bool built;
	kp_base_ctx base;
	kp_sel_ctx sel;              /* selection of the rewritten resource */
	bool own_sel;
	kp_eval_opts opts;
	int error;                   /* the values could not be applied */
	kp_error err;
	bool common;                 /* base, sel, opts and error hold the
	                                context of every policy (no values
	                                file: nothing in it names a policy) */
} policy_view;

static void view_build(policy_view *v, kp_eval_ctx *ctx, const kp_doc *doc,
		       const kp_eval_opts *opts, const kp_sel_ctx *sel)
{
	v->built = true;
	if (v->common)
		return;
	v->common = !opts->values;
	kp_arena_reset(ctx->policy_scratch);
	v->error = kp_base_ctx_build(&v->base, ctx->policy_scratch, doc->root, opts, v->p->name, &v->err);
	if (v->error)
		return;
	v->opts = *opts;
	v->opts.operation = v->base.engine_op;
	v->own_sel = v->base.changed || strcmp(v->base.engine_op, sel->op);
	if (v->own_sel)
		kp_sel_prepare(&v->sel, v->base.object ? v->base.object : doc->root, &v->opts);
}

/* A rule whose only variables are in its message gets its context only
 * when a fail or error message is built (kp_rule_run.lazy_env). */
typedef struct lazy_state {
	policy_view *view;
	kp_eval_ctx *ctx;
	const kp_doc *doc;
	const kp_eval_opts *opts;
	const kp_sel_ctx *sel;
	kp_rule_run *run;
	kp_env env;
	bool built;
} lazy_state;

static kp_env *lazy_env(const kp_rule_run *run)
{
	lazy_state *l = run->lazy_ud;
	if (l->built)
		return &l->env;
	if (!l->view->built)
		view_build(l->view, l->ctx, l->doc, l->opts, l->sel);
	if (l->view->error)
		return NULL;
	l->run->base = &l->view->base;
	kp_error err;
	if (kp_env_init(&l->env, l->run, &err) < 0)
		return NULL;
	l->built = true;
	return &l->env;
}

int kp_evaluate(kp_eval_ctx *ctx, const kp_policy_set *ps, const kp_doc *doc,
		const kp_eval_opts *opts, kp_result_cb cb, void *ud,
		kp_error *err)
{
	if (!ps || !doc || !doc->root || doc->root->type != KP_MAP)
		return kp_errorf(err, KP_E_USAGE, doc ? doc->file : NULL, 0, 0,
				 "kp_evaluate needs a policy set and a resource mapping");
	const kp_kind_index *ix = ps->index;
	if (!ix)
		return kp_errorf(err, KP_E_USAGE, doc->file, 0, 0,
				 "kp_evaluate: the policy set is not sealed (kp_policy_set_seal)");
	static const kp_eval_opts no_opts;
	if (!opts)
		opts = &no_opts;
	kp_eval_ctx *own = ctx ? NULL : (ctx = kp_eval_ctx_new(NULL));
	kp_sel_ctx sel;
	kp_sel_prepare(&sel, doc->root, opts);
	const char *kind = sel.res.kind;   /* kp_resource_match_kind, worked out once */
	size_t kind_len = strlen(kind);
	const kp_rule_slot *slots = ix->other;
	size_t n = ix->n_other;
	for (size_t i = 0; i < ix->n_kinds; i++)
		if (ix->kinds[i].len == kind_len && !memcmp(ix->kinds[i].kind, kind, kind_len)) {
			slots = ix->kinds[i].slots;
			n = ix->kinds[i].n;
			break;
		}
	/* each distinct match/exclude block is decided once for the resource */
	unsigned char memo_small[512];
	size_t memo_len = ps->n_shared_blocks * 2;
	sel.memo = memo_len <= sizeof memo_small ? memo_small : kp_xmalloc(memo_len);
	sel.n_memo = ps->n_shared_blocks;
	memset(sel.memo, 0, memo_len);
	/* the node below each numbered pattern prefix: NULL not yet looked
	 * up, &no_prefix_node if the resource lacks it */
	const kp_value *prefix_nodes[KP_PREFIXES_MAX];
	memset(prefix_nodes, 0, ix->n_prefixes * sizeof *prefix_nodes);
	/* values may rewrite the resource; DELETE changes what rules see */
	bool values = opts->values || opts->set ||
		      (opts->operation && !strcmp(opts->operation, "DELETE"));
	int rows = 0, status = 0;
	const kp_policy *refused = NULL;
	policy_view view;
	view.p = NULL;
	view.built = false;
	view.common = false;
	for (size_t i = 0; i < n; i++) {
		const kp_rule_slot *sl = &slots[i];
		/* the patterns of the next rules are cold (every other rule and
		 * the parse ran since): fetch them while this one runs */
		if (i + 2 < n && sl[2].pattern)
			__builtin_prefetch(sl[2].pattern);
		if (i + 1 < n && sl[1].pattern) {
			/* where its match starts: below its prefix, mostly (a map
			 * node's walked half starts a line, its entries follow) */
			const kp_pat_root *p1 = sl[1].pattern;
			const char *r1 = (const char *)(sl[1].prefix ? p1->inner : p1->root);
			__builtin_prefetch(r1 + 32);
			__builtin_prefetch(r1 + 96);
		}
		const kp_policy *p = sl->p;
		unsigned flags = sl->flags;
		if (p == refused)
			continue;
		/* another policy: its view is not built (the rest is read only
		 * once built: the view is large, not cleared per rule); without
		 * a branch, as slots of different policies alternate */
		view.built &= p == view.p;
		view.p = p;
		if ((values || (flags & SLOT_VIEW)) && !view.built)
			view_build(&view, ctx, doc, opts, &sel);
		if (view.built && view.error) {
			refused = p;
			status = kp_errorf(err, KP_E_USAGE, doc->file, doc->root->line, doc->root->col,
					   "policy %s, resource %s: %s", p->name, kp_doc_name(doc), view.err.msg);
			continue;
		}
		const kp_sel_ctx *s = view.built && view.own_sel ? &view.sel : &sel;
		if (!slot_selects(sl, s, &sel))
			continue;
		/* as the Kyverno CLI: a namespaceSelector needs the namespace's
		 * labels from a values file */
		if ((flags & SLOT_NS_SELECTOR) &&
		    kp_policy_lacks_namespace_labels(p, doc->root, opts->values)) {
			refused = p;
			status = kp_errorf(err, KP_E_USAGE, doc->file, doc->root->line, doc->root->col,
					   "failed to get namespace labels for resource %s/%s/%s (policy %s); "
					   "use --values-file to pass the namespace labels",
					   kp_doc_namespace(doc), kind, kp_doc_name(doc), p->name);
			continue;
		}
		/* a static pattern without variables on the resource as it is:
		 * matched here, a pass row made from the slot alone */
		kp_pat_result match;
		bool matched = sl->pattern && !view.built && !(flags & SLOT_VIEW) &&
			       sl->depth <= ctx->limits.max_depth;
		if (matched) {
			const kp_pat_root *pat = sl->pattern;
			const kp_value *below = NULL;
			if (sl->prefix && !(below = prefix_nodes[sl->prefix - 1]))
				below = prefix_node(ix, prefix_nodes, sl->prefix, doc->root);
			if (below && below != &no_prefix_node)
				kp_pat_match_quick_at(pat, doc->root, below, ctx->scratch, &match);
			else
				kp_pat_match_quick(pat, doc->root, ctx->scratch, &match);
			if (match.status == KP_STATUS_PASS) {
				/* report() for a pass: nothing of it to decide */
				const kp_value *at = match.node && match.node->file ? match.node : doc->root;
				kp_result res = {
					.policy = sl->policy, .policy_namespace = sl->policy_ns,
					.rule = sl->rule, .status = KP_STATUS_PASS,
					.message = sl->pass_message,
					.file = at->file, .line = at->line, .col = at->col,
				};
				cb(ud, &res);
				rows++;
				kp_eval_ctx_rule_done(ctx);
				continue;
			}
		}
		const kp_rule *r = sl->r;
		kp_rule_run run = {.policy = p, .rule = r, .opts = view.built ? &view.opts : opts,
				   .ctx = ctx, .base = view.built ? &view.base : NULL, .sel = s,
				   .resource = view.built && view.base.object ? view.base.object : doc->root};
		lazy_state lazy;
		if (flags & SLOT_LAZY_MSG) {
			lazy.view = &view;
			lazy.ctx = ctx;
			lazy.doc = doc;
			lazy.opts = opts;
			lazy.sel = &sel;
			lazy.run = &run;
			lazy.built = false;
			run.lazy_env = lazy_env;
			run.lazy_ud = &lazy;
		}
		if (matched) {
			kp_rule_outcome out = {0};
			kp_patbody_outcome(kp_rule_patterns(r), r, NULL, ctx, &run, &match, &out);
			rows += report(sl, ctx, doc, &out, cb, ud);
		} else {
			rows += eval_rule(sl, &run, doc, cb, ud);
		}
		kp_eval_ctx_rule_done(ctx);
	}
	if (sel.memo != memo_small)
		free(sel.memo);
	kp_eval_ctx_free(own);
	return status < 0 ? -1 : rows;
}
