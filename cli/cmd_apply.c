/* cmd_apply.c - `kpolicy apply`: policies x resources -> rows, like
 * `kyverno apply` offline. */
#include "cmd_apply.h"
#include "doc_count.h"

#include "inputs.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char apply_usage[] =
	"usage: kpolicy apply [-p] POLICY... -r RESOURCE... [options]\n"
	"\n"
	"Applies Kyverno policies (ClusterPolicy/Policy files or directories) to\n"
	"resources (YAML or JSON files, directories, - for stdin) and reports\n"
	"pass/fail/warn/error/skip per rule per resource, like `kyverno apply`.\n"
	"\n"
	"  -p, --policy PATH         policy file or directory (repeatable, comma lists)\n"
	"      --pss LEVEL[:VERSION] also apply a Pod Security Standards level (baseline,\n"
	"                            restricted; v1.19 ... v1.32, latest) with no policy file\n"
	"  -r, --resource PATH       resource file, directory or - (repeatable)\n"
	"  -e, --exception PATH      PolicyException file or directory (repeatable,\n"
	"                            comma lists)\n"
	"      --exclude GLOB        leave out files and folders matching GLOB\n"
	"                            (repeatable; see kpolicy(1))\n"
	"      --files-are-resources the positional arguments are resources, not\n"
	"                            policies (for pre-commit, which appends files)\n"
	"  -o, --output-format FMT   text (default), json, yaml, sarif, junit,\n"
	"                            policyreport, github or table\n"
	"  -t, --table               a table of every row (as -o table)\n"
	"      --detailed-results    table: add the MESSAGE column\n"
	"      --policy-report       print (Cluster)PolicyReports (YAML; JSON with -o json)\n"
	"      --report-api API      wgpolicyk8s.io/v1alpha2 (default) or openreports.io/v1alpha1\n"
	"      --timestamp SECONDS   PolicyReport result time (default: now)\n"
	"      --audit-warn          count failures of Audit policies as warnings\n"
	"      --warn-exit-code N    exit N when there are warnings but no failure or error\n"
	"      --warn-no-pass        exit with the warn exit code when nothing passed\n"
	"      --unsupported MODE    rules using features kpolicy lacks: error (default),\n"
	"                            warn (counted as warn) or skip (listed at the end)\n"
	"      --remove-color        no colours (also NO_COLOR, or output not a terminal)\n"
	"  -f, --values-file FILE    values file (kind: Values): globalValues, per policy\n"
	"                            resource and rule values, namespaceSelector labels,\n"
	"                            subresources\n"
	"      --context-file FILE   context (kind: Context) for ValidatingPolicy CEL\n"
	"                            libraries: spec.resources (resource.Get/List) and\n"
	"                            spec.images (image.GetMetadata)\n"
	"  -s, --set K=V,...         variables, written over global and resource values\n"
	"                            (repeatable; strings; keys with request.object.\n"
	"                            are ignored; the first of a repeated key wins)\n"
	"  -u, --userinfo FILE       request user info (roles, clusterRoles, subjects)\n"
	"      --parameter-resource FILE\n"
	"                            parameter resources for ValidatingAdmissionPolicy\n"
	"                            bindings' and validate.cel's paramRef (repeatable)\n"
	"      --yaml-parser NAME    libyaml (default) or libfyaml\n"
	"  -j, --jobs N              evaluate with N threads (output order unchanged)\n"
	"      --max-depth N         nesting limit per document (default 1000, at most 4000)\n"
	"      --max-aliases N       nodes reachable through YAML aliases per document\n"
	"                            (default 1000000)\n"
	"      --max-doc-bytes N     size limit per document (default 268435456)\n"
	"  -h, --help                this text\n"
	"\n"
	"Exit status: 2 unusable input (bad YAML, invalid policy, missing file) or\n"
	"usage; else 1 a rule failed or errored; else N (--warn-exit-code) when a\n"
	"rule warned, or when nothing passed with --warn-no-pass; else 0.\n";

typedef struct strlist {
	char **v;
	size_t n;
} strlist;

static void strlist_add_csv(strlist *l, const char *arg)
{
	const char *p = arg;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n) {
			l->v = kpc_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
			l->v[l->n++] = kpc_xstrndup(p, n);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
}

static bool strlist_has(const strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static void strlist_free(strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

typedef struct apply_ctx {
	kp_policy_set *ps;
	kp_eval_opts eval;
	kp_read_opts ro;
	kp_walk_opts wo;
	bool audit_warn;
	kpc_unsupported_mode unsupported;
	kpc_report report;
	/* the format shows pass rows' messages (text, github and sarif list
	 * only what did not pass: passes cost no text then) */
	bool pass_messages;
	/* the format reads only the status, policy and resource of rows that
	 * pass or skip (text): those go as bare 'c' records */
	bool bare_passes;
	/* text without --unsupported=skip: the workers write the blocks and
	 * every row goes as a bare record */
	bool text_groups;
	/* what a row needs of its policy, in a small array of its own (the
	 * evaluation between two rows leaves little of the report's policy
	 * table in the cache) */
	struct pol_key {
		const char *name, *ns;
		bool by_address;     /* no other policy has its name and ns */
		bool scored, vap;
	} *pol_keys;
	/* policies found by the address of their name (the string results
	 * carry), in an open-addressed table: a row's policy in one probe
	 * instead of a walk over the policies that did not select it */
	struct pol_addr {
		_Alignas(32) struct pol_key key;   /* key.name NULL: empty */
		uint32_t index;      /* UINT32_MAX: the address is not unique */
	} *pol_addr;
	size_t pol_addr_mask;
	unsigned pol_addr_shift;
	uint64_t pol_addr_mult;   /* the multiplier with the fewest collisions */
	/* text_groups: each policy's "policy P -> resource " (kpc_row.head),
	 * built once in pol_head_text: a group's head line is two copies of
	 * known lengths */
	struct pol_head {
		size_t at, len;
	} *pol_heads;
	kp_buf pol_head_text;
} apply_ctx;

/* A piece of work: a batch of whole documents of one input (or only a
 * diagnostic to print at its place), evaluated by a worker thread and
 * written by the main thread in input order. */
typedef struct unit {
	const char *file;     /* borrowed: the input's name */
	char *data;           /* the batch (kept with its capacity in the pool) */
	size_t len, cap;
	kp_chunk_mark *marks; /* the chunks of data, as the main thread cut them */
	size_t n_marks;       /* 0: a diagnostic-only unit */
	size_t marks_cap;
	struct unit *next_free; /* in the pipeline's pool */
	unsigned first_line;  /* lines of the input before data[0] */
	kp_buf recs;       /* packed records (see below), read in order */
	kp_buf text;       /* text_groups: the unit's finished blocks */
	kp_buf diag;       /* stderr lines */
	kp_buf res_path;   /* text_groups: the resource's "ns/Kind/name" */
	/* text_groups: the unit's rows are counted, not packed */
	size_t resources;
	/* per policy, by kp_status (pass, fail, warn, error, skip): a row
	 * counts without a branch on its status, in half the lines of
	 * kpc_counts (the walk between two rows leaves few of them cached) */
	uint32_t (*counts)[5];
	/* text_groups: per resource kind, what the rows at each place of a
	 * resource's rows found (see row_memo); kept with the unit in the pool */
	struct kind_memo *kinds;
	size_t n_kinds, kinds_cap;
	kpc_text_groups groups;
	int status;           /* 2 when some input was unusable */
	int done;
} unit;

/* Records a worker packs for the main thread: a type byte, a rec_fixed,
 * then NUL-terminated strings.
 *   'R' a resource: apiVersion, kind, namespace, name, uid, resourceVersion;
 *   'r' a row of the last resource: rule, message, path (if has_path), file;
 *   'c' a row of the last resource, no strings: a pass or skip whose
 *       strings the format ignores (bare_passes);
 *   'E' an unusable input: a kp_error, raw.
 * With text_groups only 'E' records are packed: the worker counts the rows
 * and writes the failure blocks itself. */
typedef struct rec_fixed {
	uint32_t policy, rule, line, col;   /* rule: index in the policy */
	uint32_t len[4];                    /* 'r': strlen of rule, message, path, file */
	uint8_t status, unsupported, has_path;
} rec_fixed;

static void rec_str(kp_buf *b, const char *s)
{
	kp_buf_add(b, s ? s : "", strlen(s ? s : "") + 1);
}

/* text_groups: resources of one kind give rows of the same policies in
 * the same order, so the row at place k of a resource is looked up where
 * the row at place k of the last resource of its kind was found; the
 * entry counts its pass and skip rows (added to unit.counts when the
 * entry changes or the unit is written).  A pass row then reads and
 * writes a line next to the one the row before it used, where the policy
 * table and the counts (cold after a pattern walk) missed the cache more
 * than once a row. */
typedef struct row_memo {
	const char *name, *ns;   /* the row's strings; name NULL: never matches
	                            (the policy was not found by the address of
	                            its own strings, which only a search by name
	                            that depends on the rows before can find) */
	uint32_t policy;
	uint32_t n[2];           /* pass, skip rows of `policy` not yet counted */
} row_memo;

typedef struct kind_memo {
	char *kind;              /* the resources' kind (a copy) */
	size_t len;
	row_memo *rows;          /* by place in a resource's rows */
	size_t n, cap;
} kind_memo;

typedef struct row_ctx {
	const apply_ctx *c;
	unit *u;
	const kp_doc *doc;
	const char *res_file;
	unsigned res_line, res_col;
	size_t policy;          /* where the last lookup found its policy */
	const char *found_name, *found_ns;  /* the strings it was found by */
	size_t rule;            /* where the last lookup found its rule */
	const struct pol_key *key;  /* what it found of the policy */
	/* the resource's kind, namespace and name ("" when absent), looked
	 * up by resource_names when a row needs them (text_groups: the kind
	 * by process_doc, for the kind's memo) */
	const char *kind, *ns, *name;
	/* text_groups: "ns/Kind/name" in the unit's res_path, built by
	 * resource_path for the resource's first failed or errored row */
	bool has_path;
	kind_memo *memo;        /* text_groups: the resource kind's memo */
	size_t row;             /* the next row's place in the resource's rows */
	/* text_groups: the failed or errored row for kpc_text_groups_row,
	 * zeroed once per resource (not per row); resource_path sets the
	 * resource's fields, text_result the row's.  Its file and file_len
	 * stay from the last row: most rows of a resource name its file. */
	kpc_row text_row;
} row_ctx;

static void resource_names(row_ctx *rc)
{
	if (rc->ns)
		return;
	if (!rc->kind) {   /* text_groups: process_doc has it already */
		const char *k = kp_doc_kind(rc->doc);
		rc->kind = k ? k : "";
	}
	const char *ns = kp_doc_namespace(rc->doc), *n = kp_doc_name(rc->doc);
	rc->ns = ns ? ns : "";
	rc->name = n ? n : "";
}

static inline size_t pol_addr_slot(const apply_ctx *c, const char *name)
{
	return (size_t)(((uint64_t)(uintptr_t)name * c->pol_addr_mult) >> c->pol_addr_shift);
}

/* The table of apply_ctx.pol_addr, for the policies no other shares a
 * name and namespace with. */
static void pol_addr_fill(apply_ctx *c)
{
	memset(c->pol_addr, 0, (c->pol_addr_mask + 1) * sizeof *c->pol_addr);
	for (size_t i = 0; i < c->report.n_policies; i++) {
		const struct pol_key *k = &c->pol_keys[i];
		size_t h = pol_addr_slot(c, k->name);
		while (c->pol_addr[h].key.name && c->pol_addr[h].key.name != k->name)
			h = (h + 1) & c->pol_addr_mask;
		if (c->pol_addr[h].key.name)
			c->pol_addr[h].index = UINT32_MAX;   /* two policies, one string */
		else
			c->pol_addr[h] = (struct pol_addr){*k, k->by_address ? (uint32_t)i : UINT32_MAX};
	}
}

/* Probes past the first slot that finding every policy takes. */
static size_t pol_addr_extra(const apply_ctx *c)
{
	size_t extra = 0;
	for (size_t i = 0; i < c->report.n_policies; i++)
		for (size_t h = pol_addr_slot(c, c->pol_keys[i].name);
		     c->pol_addr[h].key.name != c->pol_keys[i].name; h = (h + 1) & c->pol_addr_mask)
			extra++;
	return extra;
}

static void pol_addr_build(apply_ctx *c)
{
	size_t n = c->report.n_policies, cap = 16;
	unsigned bits = 4;
	for (; cap < 2 * n; bits++)
		cap *= 2;
	c->pol_addr = kpc_xcalloc(cap, sizeof *c->pol_addr);
	c->pol_addr_mask = cap - 1;
	c->pol_addr_shift = 64 - bits;
	/* a few odd multipliers tried: a collision costs a probe and a
	 * mispredicted branch per row */
	uint64_t mult = 0x9E3779B97F4A7C15ull, best = mult;
	size_t best_extra = SIZE_MAX;
	for (int t = 0; t < 32 && best_extra; t++, mult += 0x5851F42D4C957F2Eull) {
		c->pol_addr_mult = mult | 1;
		pol_addr_fill(c);
		size_t extra = pol_addr_extra(c);
		if (extra < best_extra)
			best_extra = extra, best = mult | 1;
	}
	c->pol_addr_mult = best;
	pol_addr_fill(c);
}

/* text_groups: what the text rows need of the resource, built once. */
static void resource_path(row_ctx *rc)
{
	if (rc->has_path)
		return;
	resource_names(rc);
	size_t ns_len = strlen(rc->ns), kind_len = strlen(rc->kind), name_len = strlen(rc->name);
	kp_buf *b = &rc->u->res_path;
	kpc_buf_clear(b);
	char *w = kp_buf_room(b, ns_len + kind_len + name_len + 2);
	w = memcpy(w, rc->ns, ns_len) + ns_len;
	*w++ = '/';
	w = memcpy(w, rc->kind, kind_len) + kind_len;
	*w++ = '/';
	w = memcpy(w, rc->name, name_len) + name_len;
	kpc_buf_done(b, w);
	rc->has_path = true;
	kpc_row *row = &rc->text_row;
	row->kind = rc->kind;
	row->namespace = rc->ns;
	row->name = rc->name;
	row->resource_path = b->data;
	row->resource_path_len = b->len;
}

/* The index of the policy a result names: results come in policy order,
 * so the search by name starts where the last one ended. */
static size_t find_policy(row_ctx *rc, const kp_result *r)
{
	const kpc_report *rep = &rc->c->report;
	if (r->policy == rc->found_name && r->policy_namespace == rc->found_ns)
		return rc->policy;   /* the same strings as the last row's */
	size_t n = rep->n_policies;
	/* results carry the policy's own strings: look the address up first
	 * (a policy whose name another shares takes the search by name below,
	 * which finds the nearest of them, as it always did) */
	const apply_ctx *c = rc->c;
	for (size_t h = pol_addr_slot(c, r->policy); c->pol_addr[h].key.name;
	     h = (h + 1) & c->pol_addr_mask) {
		const struct pol_addr *e = &c->pol_addr[h];
		if (e->key.name != r->policy)
			continue;
		if (e->index != UINT32_MAX && e->key.ns == r->policy_namespace) {
			rc->found_name = r->policy;
			rc->found_ns = r->policy_namespace;
			rc->key = &e->key;
			return rc->policy = e->index;
		}
		break;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = (rc->policy + k) % n;
		const kpc_policy_info *pi = &rep->policies[i];
		if ((pi->name == r->policy || !strcmp(pi->name, r->policy)) &&
		    (pi->ns ? r->policy_namespace && !strcmp(pi->ns, r->policy_namespace)
			    : !r->policy_namespace)) {
			rc->found_name = r->policy;
			rc->found_ns = r->policy_namespace;
			rc->key = &c->pol_keys[i];
			return rc->policy = i;
		}
	}
	rc->key = &c->pol_keys[0];
	rc->found_name = NULL;
	return 0;
}

/* The index of the first rule named `rule` in the policy (0 when none is:
 * a row of rule `evaluation` and the like), looked up on the worker.
 * Results carry the rule's own name and come in rule order. */
static size_t rule_index(row_ctx *rc, const kpc_policy_info *pi, const char *rule)
{
	size_t n = pi->n_rules;
	if (!pi->dup_rules)
		for (size_t k = 0, i = rc->rule < n ? rc->rule : 0; k < n; k++, i = i + 1 < n ? i + 1 : 0)
			if (pi->rules[i] == rule)
				return rc->rule = i;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pi->rules[i], rule))
			return rc->rule = i;
	return 0;
}

/* --audit-warn turns this fail into a warning (the CLI leaves a
 * ValidatingAdmissionPolicy's results alone: processor/result.go). */
static inline bool audit_warns(const apply_ctx *c, const kpc_policy_info *pol, kp_status st,
			       const char *ns)
{
	return st == KP_STATUS_FAIL && c->audit_warn && !pol->vap && kp_policy_audit(pol->p, ns);
}

/* text_groups: the row is counted as emit_row counts it, and a failed or
 * errored row's line goes into the unit's blocks now. */
__attribute__((noinline))
static void text_result(row_ctx *rc, const kp_result *r, size_t policy)
{
	const apply_ctx *c = rc->c;
	unit *u = rc->u;
	const struct pol_key *key = rc->key;
	kp_status st = r->status;
	bool engine_fail = st == KP_STATUS_FAIL || (st == KP_STATUS_WARN && !key->scored);
	bool audit_warning = false;
	if (st == KP_STATUS_FAIL && c->audit_warn) {
		resource_names(rc);
		audit_warning = audit_warns(c, &c->report.policies[policy], st, rc->ns);
	}
	if (audit_warning || (r->unsupported && c->unsupported == KPC_UNSUPPORTED_WARN))
		st = KP_STATUS_WARN;
	u->counts[policy][st]++;   /* the unit's total: summed in write_unit */
	if (!engine_fail && st != KP_STATUS_ERROR) {
		/* a row of another policy ends the group, as it would in
		 * kpc_text_groups_row */
		if (u->groups.in_group && u->groups.policy != policy)
			kpc_text_groups_flush(&c->report, &u->groups, &u->text);
		return;
	}
	resource_path(rc);
	kpc_row *row = &rc->text_row;
	const char *file = r->file ? r->file : (rc->res_file ? rc->res_file : "");
	if (file != row->file) {
		row->file = file;
		row->file_len = strlen(file);
	}
	const char *rule = r->rule ? r->rule : "", *msg = r->message ? r->message : "";
	row->pol = &c->report.policies[policy];
	row->policy_index = policy;
	row->rule = rule;
	row->rule_len = strlen(rule);
	row->message = msg;
	row->message_len = r->message_len ? r->message_len : strlen(msg);
	row->line = r->file ? r->line : rc->res_line;
	row->col = r->file ? r->col : rc->res_col;
	row->head = c->pol_head_text.data + c->pol_heads[policy].at;
	row->head_len = c->pol_heads[policy].len;
	row->status = st;
	row->engine_fail = engine_fail;
	row->audit_warning = audit_warning;
	kpc_text_groups_row(&c->report, &u->groups, row, &u->text);
}

/* A row packed for the main thread (formats other than text). */
__attribute__((noinline))
static void record_row(row_ctx *rc, const kp_result *r, size_t policy)
{
	kp_buf *b = &rc->u->recs;
	rec_fixed f = {
		.policy = (uint32_t)policy, .rule = (uint32_t)rule_index(rc, &rc->c->report.policies[policy], r->rule),
		.status = (uint8_t)r->status,
		.unsupported = r->unsupported != NULL, .has_path = r->path != NULL,
		.line = r->file ? r->line : rc->res_line, .col = r->file ? r->col : rc->res_col,
	};
	if (rc->c->bare_passes && !r->unsupported &&
	    (r->status == KP_STATUS_PASS || r->status == KP_STATUS_SKIP)) {
		char rec[1 + sizeof f];
		rec[0] = 'c';
		memcpy(rec + 1, &f, sizeof f);
		kp_buf_add(b, rec, sizeof rec);
		return;
	}
	/* one room check per row: the record is written in place */
	const char *str[4] = {r->rule, r->status == KP_STATUS_PASS && !rc->c->pass_messages ? "" : r->message,
			      r->file ? r->file : rc->res_file, r->path};
	size_t n_str = r->path ? 4 : 3, len[4], total = 1 + sizeof f;
	for (size_t i = 0; i < n_str; i++)
		total += (len[i] = str[i] ? strlen(str[i]) : 0) + 1;
	static const size_t order[2][4] = {{0, 1, 2}, {0, 1, 3, 2}};
	f.len[0] = (uint32_t)len[0];
	f.len[1] = (uint32_t)len[1];
	f.len[2] = r->path ? (uint32_t)len[3] : 0;
	f.len[3] = (uint32_t)len[2];
	char *w = kp_buf_room(b, total);
	*w++ = 'r';
	memcpy(w, &f, sizeof f);
	w += sizeof f;
	for (size_t k = 0; k < n_str; k++) {
		size_t i = order[r->path != NULL][k];
		if (len[i])
			memcpy(w, str[i], len[i]);
		w += len[i];
		*w++ = 0;
	}
	kpc_buf_done(b, w);
}

static void memo_fold(unit *u, row_memo *m)
{
	u->counts[m->policy][KP_STATUS_PASS] += m->n[0];
	u->counts[m->policy][KP_STATUS_SKIP] += m->n[1];
	m->n[0] = m->n[1] = 0;
}

/* The memo of the resource's kind (made on its first resource). */
static kind_memo *kind_memo_of(unit *u, const char *kind)
{
	size_t len = strlen(kind);
	for (size_t i = 0; i < u->n_kinds; i++)
		if (u->kinds[i].len == len && !memcmp(u->kinds[i].kind, kind, len))
			return &u->kinds[i];
	if (u->n_kinds == u->kinds_cap) {
		u->kinds_cap = u->kinds_cap ? 2 * u->kinds_cap : 16;
		u->kinds = kpc_xrealloc(u->kinds, u->kinds_cap * sizeof *u->kinds);
	}
	kind_memo *k = &u->kinds[u->n_kinds++];
	*k = (kind_memo){.kind = kpc_xstrdup(kind), .len = len};
	return k;
}

/* The memo entry for the row at place k, looked up anew: the counts of
 * the entry's last policy go to the unit first. */
__attribute__((noinline))
static row_memo *memo_miss(row_ctx *rc, const kp_result *r, size_t k)
{
	kind_memo *km = rc->memo;
	if (k == km->n) {
		if (km->n == km->cap) {
			km->cap = km->cap ? 2 * km->cap : 32;
			km->rows = kpc_xrealloc(km->rows, km->cap * sizeof *km->rows);
		}
		km->rows[km->n++] = (row_memo){0};
	}
	row_memo *m = &km->rows[k];
	memo_fold(rc->u, m);
	size_t policy = find_policy(rc, r);
	const struct pol_key *key = &rc->c->pol_keys[policy];
	bool own = r->policy && key->by_address && key->name == r->policy &&
		   key->ns == r->policy_namespace;
	*m = (row_memo){.name = own ? r->policy : NULL, .ns = r->policy_namespace,
			.policy = (uint32_t)policy};
	return m;
}

static void on_result(void *ud, const kp_result *r)
{
	row_ctx *rc = ud;
	if (!rc->c->text_groups) {
		record_row(rc, r, find_policy(rc, r));
		return;
	}
	size_t k = rc->row++;
	row_memo *m;
	size_t policy;
	if (k < rc->memo->n && (m = &rc->memo->rows[k])->name && m->name == r->policy &&
	    m->ns == r->policy_namespace) {
		policy = m->policy;
		/* as find_policy leaves them */
		rc->found_name = r->policy;
		rc->found_ns = r->policy_namespace;
		rc->policy = policy;
	} else {
		m = memo_miss(rc, r, k);
		policy = m->policy;
	}
	unit *u = rc->u;
	if (!r->unsupported && (r->status == KP_STATUS_PASS || r->status == KP_STATUS_SKIP)) {
		/* most rows: counted, and a row of another policy ends the
		 * group (text_result does the same for them, in more steps) */
		m->n[r->status == KP_STATUS_SKIP]++;
		if (u->groups.in_group && u->groups.policy != policy)
			kpc_text_groups_flush(&rc->c->report, &u->groups, &u->text);
	} else {
		rc->key = &rc->c->pol_keys[policy];
		text_result(rc, r, policy);
	}
}

static void unit_diag(unit *u, const char *level, const kp_error *e)
{
	char buf[2600];
	kp_buf_printf(&u->diag, "kpolicy: %s: %s\n", level, kp_error_format(e, buf, sizeof buf));
	if (!strcmp(level, "error")) {
		kp_buf_add(&u->recs, "E", 1);
		kp_buf_add(&u->recs, (const char *)e, sizeof *e);
	}
}

static void unit_warn(void *ud, const kp_error *w)
{
	unit_diag(ud, "warning", w);
}

static void process_doc(const apply_ctx *c, kp_eval_ctx *ctx, unit *u, kp_doc *d)
{
	kp_doc_normalize_resource(d);
	const kp_value *root = kp_doc_root(d);
	row_ctx rc = {.c = c, .u = u, .doc = d, .res_file = kp_doc_file(d),
		      .res_line = kp_value_line(root), .res_col = kp_value_col(root)};
	if (c->text_groups) {
		u->resources++;
		u->groups.stream = true;   /* u->text is kept whole until written */
		const char *kind = kp_doc_kind(d);
		rc.kind = kind ? kind : "";
		rc.memo = kind_memo_of(u, rc.kind);
	} else {
		kp_buf *b = &u->recs;
		kp_buf_add(b, "R", 1);
		rec_str(b, kp_doc_api_version(d));
		rec_str(b, kp_doc_kind(d));
		rec_str(b, kp_doc_namespace(d));
		rec_str(b, kp_doc_name(d));
		rec_str(b, kp_value_path_str(root, "metadata/uid"));
		rec_str(b, kp_value_path_str(root, "metadata/resourceVersion"));
	}
	kp_error e;
	if (kp_evaluate(ctx, c->ps, d, &c->eval, on_result, &rc, &e) < 0) {
		unit_diag(u, "error", &e);
		u->status = 2;
	}
	if (c->text_groups)
		kpc_text_groups_flush(&c->report, &u->groups, &u->text);
}

static void process_unit(const apply_ctx *c, kp_eval_ctx *ctx, unit *u)
{
	if (!u->n_marks)
		return;
	kp_read_opts ro = c->ro;
	ro.warn = unit_warn;
	ro.warn_ud = u;
	ro.first_line = u->first_line;
	kp_error e;
	kp_reader *r = kp_reader_open_borrowed(u->file, u->data, u->len, u->marks, u->n_marks,
					       &ro, &e);
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &e)) != 0) {
		if (rc < 0 && e.code == KP_W_NOTRESOURCE) {
			char buf[2600];
			kp_buf_printf(&u->diag, "kpolicy: note: %s; skipped\n",
				     kp_error_format(&e, buf, sizeof buf));
			continue;
		}
		if (rc < 0) {
			unit_diag(u, "error", &e);
			u->status = 2;
			continue;
		}
		process_doc(c, ctx, u, d);
		kp_doc_free(d);
	}
	kp_reader_close(r);
}

/* ---- the pipeline: the main thread cuts inputs into units, workers
 * evaluate them, the main thread writes them in order ---- */

#define KPC_UNIT_BYTES ((size_t)256 << 10)   /* batch size handed to a worker */

typedef struct pipeline {
	const apply_ctx *c;
	size_t nthreads;             /* 0: evaluate on the main thread */
	unit **q;                    /* ring of units in input order */
	size_t q_cap, q_head, q_tail; /* head: next to write; tail: next free */
	size_t q_next;               /* next unit for a worker */
	bool closing;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t *threads;
	/* totals, kept by the main thread */
	kpc_counts total;
	size_t resources;
	uint64_t input_written;      /* input bytes of the units written */
	int status;
	/* --unsupported=skip: the (policy, rule, message) skipped, once each */
	char **skipped;
	size_t n_skipped;
	kp_eval_ctx *main_ctx;       /* for units evaluated on the main thread */
	char **names;                /* input names the units point to */
	size_t n_names;
	/* written units with their buffers, for the next units: memory that
	 * is mapped and warm already, and no heap trimmed and grown again per
	 * unit (main thread only; at most as many as were ever in flight) */
	unit *pool;
} pipeline;

static void *worker(void *arg)
{
	pipeline *p = arg;
	kp_eval_ctx *ctx = kp_eval_ctx_new(NULL);   /* one per thread */
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->q_next == p->q_tail && !p->closing)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->q_next == p->q_tail)
			break;
		unit *u = p->q[p->q_next++ % p->q_cap];
		pthread_mutex_unlock(&p->mu);
		process_unit(p->c, ctx, u);
		pthread_mutex_lock(&p->mu);
		u->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	kp_eval_ctx_free(ctx);
	return NULL;
}

/* --unsupported=skip: remember "policy/rule: message" once. */
static void note_skipped(pipeline *p, const kpc_row *row)
{
	kp_buf k = {0};
	kpc_policy_display(&k, row->pol);
	kp_buf_printf(&k, "/%s: %s", row->rule, row->message);
	for (size_t i = 0; i < p->n_skipped; i++)
		if (!strcmp(p->skipped[i], k.data)) {
			kp_buf_free(&k);
			return;
		}
	p->skipped = kpc_xrealloc(p->skipped, (p->n_skipped + 1) * sizeof *p->skipped);
	p->skipped[p->n_skipped++] = k.data;
}

/* A row as the reports see it: --audit-warn and --unsupported applied. */
static void emit_row(pipeline *p, kpc_row *row, const rec_fixed *f)
{
	const apply_ctx *c = p->c;
	kpc_report *rep = (kpc_report *)&c->report;
	row->status = (kp_status)f->status;
	row->unsupported = f->unsupported;
	row->engine_fail = row->status == KP_STATUS_FAIL ||
			   (row->status == KP_STATUS_WARN && !row->pol->scored);
	row->audit_warning = false;
	/* the CLI counts a ValidatingAdmissionPolicy's pass, fail and error
	 * only, without --audit-warn (processor/result.go) */
	bool vap = row->pol->vap;
	if (audit_warns(c, row->pol, row->status, row->namespace)) {
		row->status = KP_STATUS_WARN;
		row->audit_warning = true;
	}
	if (row->unsupported && c->unsupported == KPC_UNSUPPORTED_SKIP) {
		note_skipped(p, row);
		return;
	}
	if (row->unsupported && c->unsupported == KPC_UNSUPPORTED_WARN)
		row->status = KP_STATUS_WARN;
	if (!vap || row->status != KP_STATUS_SKIP)
		kpc_count(&p->total, row->status);
	kpc_count(&rep->policies[row->policy_index].counts, row->status);
	rep->ops->row(rep, row);
}

/* Hand a unit's records to the report, in order. */
static void replay(pipeline *p, const kp_buf *recs)
{
	kpc_report *rep = (kpc_report *)&p->c->report;
	const char *s = recs->data, *end = recs->data + recs->len;
	kpc_row row = {0};
	while (s < end) {
		char type = *s++;
		if (type == 'E') {
			kp_error e;
			memcpy(&e, s, sizeof e);
			s += sizeof e;
			rep->ops->input_error(rep, &e);
			continue;
		}
		if (type == 'R') {
			row.resource_seq = p->resources++;
			row.api_version = s, s += strlen(s) + 1;
			row.kind = s, s += strlen(s) + 1;
			row.namespace = s, s += strlen(s) + 1;
			row.name = s, s += strlen(s) + 1;
			row.uid = s, s += strlen(s) + 1;
			row.resource_version = s, s += strlen(s) + 1;
			continue;
		}
		rec_fixed f;
		memcpy(&f, s, sizeof f);
		s += sizeof f;
		row.policy_index = f.policy;
		row.pol = &rep->policies[f.policy];
		row.line = f.line;
		row.col = f.col;
		row.rule_index = f.rule;
		row.path = NULL;
		if (type == 'c') {
			row.rule = row.message = row.file = "";
			row.rule_len = row.message_len = row.file_len = 0;
		} else {
			row.rule = s, s += (row.rule_len = f.len[0]) + 1;
			row.message = s, s += (row.message_len = f.len[1]) + 1;
			if (f.has_path)
				row.path = s, s += f.len[2] + 1;
			row.file = s, s += (row.file_len = f.len[3]) + 1;
		}
		emit_row(p, &row, &f);
	}
}

/* Write one finished unit and release it. */
static void write_unit(pipeline *p, unit *u)
{
	p->input_written += u->len;
	fflush(stdout);
	kp_buf_flush(&u->diag, stderr);
	replay(p, &u->recs);
	if (p->c->text_groups) {
		kpc_report *rep = (kpc_report *)&p->c->report;
		p->resources += u->resources;
		for (size_t i = 0; i < u->n_kinds; i++)
			for (size_t k = 0; k < u->kinds[i].n; k++)
				memo_fold(u, &u->kinds[i].rows[k]);
		for (size_t i = 0; i < rep->n_policies; i++) {
			const uint32_t *n = u->counts[i];
			kpc_counts k = {n[KP_STATUS_PASS], n[KP_STATUS_FAIL], n[KP_STATUS_WARN],
					n[KP_STATUS_ERROR], n[KP_STATUS_SKIP]};
			kpc_counts_add(&rep->policies[i].counts, &k);
			if (p->c->pol_keys[i].vap)
				k.skip = 0;   /* as emit_row counts the total */
			kpc_counts_add(&p->total, &k);
		}
		kpc_text_hold(rep, u->text.data, u->text.len);
	}
	if (u->status)
		p->status = 2;
	u->next_free = p->pool;
	p->pool = u;
}

static void pool_free(pipeline *p)
{
	while (p->pool) {
		unit *u = p->pool;
		p->pool = u->next_free;
		kp_buf_free(&u->text);
		kp_buf_free(&u->recs);
		kp_buf_free(&u->diag);
		kp_buf_free(&u->res_path);
		kpc_text_groups_free(&u->groups);
		free(u->counts);
		for (size_t i = 0; i < u->n_kinds; i++) {
			free(u->kinds[i].kind);
			free(u->kinds[i].rows);
		}
		free(u->kinds);
		free(u->data);
		free(u->marks);
		free(u);
	}
}

/* Write finished units from the head of the queue, in order.  wait_all:
 * block until every queued unit is written; else write only those done. */
static void drain(pipeline *p, bool wait_all)
{
	pthread_mutex_lock(&p->mu);
	while (p->q_head != p->q_tail) {
		unit *u = p->q[p->q_head % p->q_cap];
		if (!u->done) {
			if (!wait_all)
				break;
			pthread_cond_wait(&p->done, &p->mu);
			continue;
		}
		p->q_head++;
		pthread_mutex_unlock(&p->mu);
		write_unit(p, u);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Block until the unit at the head is written (frees a queue slot). */
static void drain_one(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	unit *u = p->q[p->q_head % p->q_cap];
	while (!u->done)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	drain(p, false);
}

static void submit(pipeline *p, unit *u)
{
	if (!p->nthreads) {
		process_unit(p->c, p->main_ctx, u);
		write_unit(p, u);
		return;
	}
	/* keep at most q_cap units in flight: memory stays bounded */
	for (;;) {
		pthread_mutex_lock(&p->mu);
		bool full = p->q_tail - p->q_head >= p->q_cap;
		pthread_mutex_unlock(&p->mu);
		if (!full)
			break;
		drain_one(p);
	}
	pthread_mutex_lock(&p->mu);
	p->q[p->q_tail++ % p->q_cap] = u;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	drain(p, false);
}

/* A unit from the pool (buffers emptied, capacities kept) or a new one. */
static unit *unit_new(pipeline *p, const char *file)
{
	unit *u = p->pool;
	if (u) {
		p->pool = u->next_free;
		u->len = u->n_marks = 0;
		u->first_line = 0;
		u->status = u->done = 0;
		kp_buf_reset(&u->recs);
		kp_buf_reset(&u->text);
		kp_buf_reset(&u->diag);
	} else {
		u = kpc_xcalloc(1, sizeof(*u));
	}
	if (p->c->text_groups) {
		size_t n = p->c->report.n_policies;
		u->resources = 0;
		if (u->counts)
			memset(u->counts, 0, n * sizeof *u->counts);
		else
			u->counts = kpc_xcalloc(n ? n : 1, sizeof *u->counts);
	}
	u->file = file;
	return u;
}

static void submit_diag(pipeline *p, const char *file, const kp_error *e)
{
	unit *u = unit_new(p, file);
	unit_diag(u, "error", e);
	u->status = 2;
	u->done = 1;
	submit(p, u);
}

/* Cut one input into units of whole chunks. */
static int feed_file(void *ud, const char *file, const kp_error *problem)
{
	pipeline *p = ud;
	if (problem) {
		submit_diag(p, NULL, problem);
		return 0;
	}
	kp_error e;
	kp_reader *r = kp_reader_open_file(file, &p->c->ro, &e);
	if (!r) {
		submit_diag(p, NULL, &e);
		return 0;
	}
	/* the unit's file name must outlive the reader: keep one copy per
	 * input, released with the pipeline */
	p->names = kpc_xrealloc(p->names, (p->n_names + 1) * sizeof(*p->names));
	const char *name = p->names[p->n_names++] = kpc_xstrdup(strcmp(file, "-") ? file : "<stdin>");
	unit *u = NULL;
	const char *data;
	size_t len;
	unsigned first;
	int rc;
	while ((rc = kp_reader_next_chunk(r, &data, &len, &first, &e)) != 0) {
		if (rc < 0) {
			if (u) {
				submit(p, u);
				u = NULL;
			}
			submit_diag(p, name, &e);
			continue;
		}
		if (!u) {
			u = unit_new(p, name);
			u->first_line = first - 1;
			/* room for a whole unit: no copying as it grows */
			if (!u->data) {
				u->cap = KPC_UNIT_BYTES + ((size_t)64 << 10);
				u->data = kpc_xmalloc(u->cap);
			}
		}
		if (u->n_marks == u->marks_cap)
			u->marks = kpc_xrealloc(u->marks, (u->marks_cap = u->marks_cap ? 2 * u->marks_cap : 64) *
							      sizeof(*u->marks));
		u->marks[u->n_marks++] = (kp_chunk_mark){u->len, len, first};
		if (u->len + len > u->cap) {
			u->cap = 2 * (u->len + len);
			u->data = kpc_xrealloc(u->data, u->cap);
		}
		memcpy(u->data + u->len, data, len);
		u->len += len;
		if (u->len >= KPC_UNIT_BYTES) {
			submit(p, u);
			u = NULL;
		}
	}
	if (u)
		submit(p, u);
	kp_reader_close(r);
	return 0;
}

/* The inputs, for the text report's estimate of the resources. */
typedef struct resource_inputs {
	char *const *paths;
	size_t n;
	const kp_walk_opts *wo;
	const pipeline *p;
} resource_inputs;

static bool estimate_worth(void *ud, size_t text_bytes)
{
	const resource_inputs *in = ud;
	/* counting reads the inputs once more (about 0.2 ms a MB here),
	 * the temporary file costs about 0.6 ms a MB of report: worth it,
	 * with a margin, for a report that grows at least half as fast as
	 * the input is read */
	return text_bytes >= in->p->input_written / 2;
}

static size_t count_resources(void *ud, int out_fd)
{
	const resource_inputs *in = ud;
	return kpc_count_documents(in->paths, in->n, in->wo, out_fd);
}

static kp_values *load_values(const char *path, const char *what, const kp_read_opts *base,
			      kp_userinfo **ui)
{
	kp_read_opts ro = *base;
	ro.raw = true;
	kp_doc *d = kpc_read_first_doc(path, what, &ro);
	if (!d)
		return NULL;
	kp_error e;
	kp_values *v = NULL;
	if (ui)
		*ui = kp_userinfo_from_value(kp_doc_root(d), &e);
	else
		v = kp_values_from_value(kp_doc_root(d), &e);
	if (ui ? !*ui : !v)
		kpc_diag(stderr, "error", &e);
	kp_doc_free(d);
	return v;
}

/* --context-file: a Context (spec.resources, spec.images) for the CEL
 * libraries of ValidatingPolicies. */
static int load_context(const char *path, const kp_read_opts *base, kp_context_sources *sources)
{
	kp_read_opts ro = *base;
	ro.raw = true;
	kp_doc *d = kpc_read_first_doc(path, "context", &ro);
	if (!d)
		return -1;
	kp_error e;
	int rc = kp_context_sources_add_context(sources, kp_doc_root(d), &e);
	if (rc < 0)
		kpc_diag(stderr, "error", &e);
	kp_doc_free(d);
	return rc;
}

/* The largest --max-depth: patterns are compiled and matched recursively,
 * some 400 bytes of C stack per level (over 1 KiB under AddressSanitizer);
 * 4000 levels stay inside a 2 MiB thread stack, glibc's default for -j
 * threads under `ulimit -s unlimited` (20000 overflow even 8 MiB). */
#define KPC_MAX_DEPTH_CEILING 4000

/* --max-depth / --max-aliases / --max-doc-bytes: a positive count into ro. */
static int parse_limit(int opt, const char *arg, kp_read_opts *ro)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(arg, &end, 10);
	const char *name = opt == 'D' ? "--max-depth" : opt == 'A' ? "--max-aliases" : "--max-doc-bytes";
	if (!*arg || *end || *arg == '-' || errno || n == 0 || n > SIZE_MAX / 4) {
		fprintf(stderr, "kpolicy apply: %s takes a positive number\n", name);
		return -1;
	}
	if (opt == 'D' && n > KPC_MAX_DEPTH_CEILING) {
		fprintf(stderr, "kpolicy apply: --max-depth is at most %d\n", KPC_MAX_DEPTH_CEILING);
		return -1;
	}
	if (opt == 'D')
		ro->max_depth = (size_t)n;
	else if (opt == 'A')
		ro->max_alias_nodes = (size_t)n;
	else
		ro->max_doc_bytes = (size_t)n;
	return 0;
}

/* Parse a whole decimal number in [lo, hi]. */
static int parse_num(const char *arg, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(arg, &end, 10);
	if (!*arg || *end || errno || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Policy load errors come before the report exists: kept until it begins. */
typedef struct early_errors {
	kp_error *v;
	size_t n;
} early_errors;

static void keep_error(void *ud, const kp_error *e)
{
	early_errors *l = ud;
	l->v = kpc_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = *e;
}

static kpc_policy_info *policy_infos(const kp_policy_set *ps)
{
	size_t n = kp_policy_set_count(ps);
	kpc_policy_info *v = kpc_xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const kp_policy *p = kp_policy_set_at(ps, i);
		const char *scored = kp_policy_annotation(p, "policies.kyverno.io/scored");
		v[i] = (kpc_policy_info){
			.p = p, .name = kp_policy_name(p), .ns = kp_policy_namespace(p),
			.kind = kp_policy_kind(p),
			.title = kp_policy_annotation(p, "policies.kyverno.io/title"),
			.category = kp_policy_annotation(p, "policies.kyverno.io/category"),
			.severity = kp_policy_annotation(p, "policies.kyverno.io/severity"),
			.description = kp_policy_annotation(p, "policies.kyverno.io/description"),
			.scored = !(scored && !strcmp(scored, "false")),
			.n_rules = kp_policy_rule_count(p),
		};
		v[i].vap = v[i].kind && !strcmp(v[i].kind, "ValidatingAdmissionPolicy");
		v[i].rules = kpc_xcalloc(v[i].n_rules ? v[i].n_rules : 1, sizeof *v[i].rules);
		for (size_t k = 0; k < v[i].n_rules; k++) {
			v[i].rules[k] = kp_policy_rule_name(p, k);
			for (size_t j = 0; j < k; j++)
				if (!strcmp(v[i].rules[j], v[i].rules[k]))
					v[i].dup_rules = true;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j].name, v[i].name) &&
			    (v[j].ns ? v[i].ns && !strcmp(v[j].ns, v[i].ns) : !v[i].ns))
				v[i].dup_name = v[j].dup_name = true;
	}
	return v;
}

enum {
	OPT_DETAILED = 256, OPT_POLICY_REPORT, OPT_REPORT_API, OPT_TIMESTAMP, OPT_AUDIT_WARN,
	OPT_WARN_EXIT, OPT_WARN_NO_PASS, OPT_UNSUPPORTED, OPT_REMOVE_COLOR, OPT_CONTEXT_FILE,
	OPT_PARAM,
};

int kpc_cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"resource", required_argument, NULL, 'r'},
		{"resources", required_argument, NULL, 'r'},
		{"exception", required_argument, NULL, 'e'},
		{"exceptions", required_argument, NULL, 'e'},
		{"output-format", required_argument, NULL, 'o'},
		{"values-file", required_argument, NULL, 'f'},
		{"set", required_argument, NULL, 's'},
		{"userinfo", required_argument, NULL, 'u'},
		{"yaml-parser", required_argument, NULL, 'Y'},
		{"jobs", required_argument, NULL, 'j'},
		{"max-depth", required_argument, NULL, 'D'},
		{"max-aliases", required_argument, NULL, 'A'},
		{"max-doc-bytes", required_argument, NULL, 'B'},
		{"exclude", required_argument, NULL, 'X'},
		{"files-are-resources", no_argument, NULL, 'F'},
		{"pss", required_argument, NULL, 'S'},
		{"table", no_argument, NULL, 't'},
		{"detailed-results", no_argument, NULL, OPT_DETAILED},
		{"policy-report", no_argument, NULL, OPT_POLICY_REPORT},
		{"report-api", required_argument, NULL, OPT_REPORT_API},
		{"timestamp", required_argument, NULL, OPT_TIMESTAMP},
		{"audit-warn", no_argument, NULL, OPT_AUDIT_WARN},
		{"warn-exit-code", required_argument, NULL, OPT_WARN_EXIT},
		{"warn-no-pass", no_argument, NULL, OPT_WARN_NO_PASS},
		{"unsupported", required_argument, NULL, OPT_UNSUPPORTED},
		{"remove-color", no_argument, NULL, OPT_REMOVE_COLOR},
		{"context-file", required_argument, NULL, OPT_CONTEXT_FILE},
		{"parameter-resource", required_argument, NULL, OPT_PARAM},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	strlist policies = {0}, resources = {0}, exclude = {0}, exceptions = {0}, params = {0};
	kp_buf set_kv;
	kp_buf_init(&set_kv, NULL);
	const char *values_file = NULL, *userinfo_file = NULL, *format = "text", *pss = NULL;
	const char *context_file = NULL;
	apply_ctx c = {.report = {.opt = {.timestamp = -1}}};
	bool table = false, policy_report = false, remove_color = false, warn_no_pass = false;
	long long warn_exit_code = 0;
	long jobs = 1;
	bool files_are_resources = false;
	int opt, status = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:r:e:o:f:s:u:j:th", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': strlist_add_csv(&policies, optarg); break;
		case 'r': strlist_add_csv(&resources, optarg); break;
		case 'e': strlist_add_csv(&exceptions, optarg); break;
		case 'o':
			if (!kpc_report_find(optarg)) {
				fprintf(stderr, "kpolicy apply: unknown output format '%s' (%s)\n", optarg,
					kpc_report_names());
				status = 2;
			}
			format = optarg;
			break;
		case 't': table = true; break;
		case OPT_DETAILED: c.report.opt.detailed = true; break;
		case OPT_POLICY_REPORT: policy_report = true; break;
		case OPT_REPORT_API:
			if (!strcmp(optarg, "openreports.io/v1alpha1")) c.report.opt.openreports = true;
			else if (!strcmp(optarg, "wgpolicyk8s.io/v1alpha2")) c.report.opt.openreports = false;
			else {
				fprintf(stderr, "kpolicy apply: unknown report API '%s' "
					"(wgpolicyk8s.io/v1alpha2, openreports.io/v1alpha1)\n", optarg);
				status = 2;
			}
			break;
		case OPT_TIMESTAMP:
			if (parse_num(optarg, 0, (1LL << 40), &c.report.opt.timestamp) < 0) {
				fprintf(stderr, "kpolicy apply: --timestamp takes seconds since 1970\n");
				status = 2;
			}
			break;
		case OPT_AUDIT_WARN: c.audit_warn = true; break;
		case OPT_WARN_EXIT:
			if (parse_num(optarg, 0, 255, &warn_exit_code) < 0) {
				fprintf(stderr, "kpolicy apply: --warn-exit-code takes a number from 0 to 255\n");
				status = 2;
			}
			break;
		case OPT_WARN_NO_PASS: warn_no_pass = true; break;
		case OPT_UNSUPPORTED:
			if (!strcmp(optarg, "error")) c.unsupported = KPC_UNSUPPORTED_ERROR;
			else if (!strcmp(optarg, "warn")) c.unsupported = KPC_UNSUPPORTED_WARN;
			else if (!strcmp(optarg, "skip")) c.unsupported = KPC_UNSUPPORTED_SKIP;
			else {
				fprintf(stderr, "kpolicy apply: --unsupported takes error, warn or skip\n");
				status = 2;
			}
			break;
		case OPT_REMOVE_COLOR: remove_color = true; break;
		case OPT_CONTEXT_FILE: context_file = optarg; break;
		case OPT_PARAM:
			params.v = kpc_xrealloc(params.v, (params.n + 1) * sizeof(*params.v));
			params.v[params.n++] = kpc_xstrdup(optarg);
			break;
		case 'f': values_file = optarg; break;
		case 's':
			/* kyverno's --set is a string slice: repeated flags add items */
			if (set_kv.len)
				kp_buf_add(&set_kv, ",", 1);
			kp_buf_puts(&set_kv, optarg);
			break;
		case 'F': files_are_resources = true; break;
		case 'X':
			exclude.v = kpc_xrealloc(exclude.v, (exclude.n + 1) * sizeof(*exclude.v));
			exclude.v[exclude.n++] = kpc_xstrdup(optarg);
			break;
		case 'u': userinfo_file = optarg; break;
		case 'S': pss = optarg; break;
		case 'Y':
			if (!strcmp(optarg, "libyaml")) c.ro.parser = KP_PARSER_LIBYAML;
			else if (!strcmp(optarg, "libfyaml")) c.ro.parser = KP_PARSER_LIBFYAML;
			else {
				fprintf(stderr, "kpolicy apply: unknown YAML parser '%s' (libyaml, libfyaml)\n", optarg);
				status = 2;
			}
			break;
		case 'j': {
			char *end;
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr, "kpolicy apply: --jobs takes a number from 1 to 256\n");
				status = 2;
			}
			break;
		}
		case 'D': case 'A': case 'B':
			if (parse_limit(opt, optarg, &c.ro) < 0)
				status = 2;
			break;
		case 'h':
			fputs(apply_usage, stdout);
			strlist_free(&policies);
			strlist_free(&resources);
			strlist_free(&exclude);
			strlist_free(&exceptions);
			strlist_free(&params);
			kp_buf_free(&set_kv);
			return 0;
		default:
			status = 2;
			break;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (!files_are_resources) {
			strlist_add_csv(&policies, argv[i]);
			continue;
		}
		/* file names as pre-commit passes them: no comma splitting */
		resources.v = kpc_xrealloc(resources.v, (resources.n + 1) * sizeof(*resources.v));
		resources.v[resources.n++] = kpc_xstrdup(argv[i]);
	}
	/* --policy-report: YAML, or JSON with -o json (kyverno's --output-format) */
	if (policy_report) {
		if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "yaml") &&
		    strcmp(format, "policyreport")) {
			fprintf(stderr, "kpolicy apply: --policy-report prints YAML or, with -o json, JSON\n");
			status = 2;
		}
		c.report.opt.json = !strcmp(format, "json");
		format = "policyreport";
	}
	if (table) {
		if (policy_report || (strcmp(format, "text") && strcmp(format, "table"))) {
			fprintf(stderr, "kpolicy apply: -t/--table is an output format of its own\n");
			status = 2;
		}
		format = "table";
	}
	if (!status && ((!policies.n && !pss) || !resources.n)) {
		fprintf(stderr, "kpolicy apply: %s\n",
			!policies.n && !pss ? "no policy given" : "no resource given (-r)");
		status = 2;
	}
	if (!status && strlist_has(&policies, "-") && strlist_has(&resources, "-")) {
		/* as kyverno apply: one standard input cannot feed both */
		fprintf(stderr, "kpolicy apply: a stdin pipe can be used for either policies or resources, not both\n");
		status = 2;
	}
	if (status) {
		fputs(apply_usage, stderr);
		strlist_free(&policies);
		strlist_free(&resources);
		strlist_free(&exclude);
		strlist_free(&exceptions);
		strlist_free(&params);
		kp_buf_free(&set_kv);
		return 2;
	}
	c.report.ops = kpc_report_find(format);
	c.pass_messages = c.report.ops != &kpc_report_text && c.report.ops != &kpc_report_github &&
			  c.report.ops != &kpc_report_sarif;
	c.bare_passes = c.report.ops == &kpc_report_text;
	c.text_groups = c.bare_passes && c.unsupported != KPC_UNSUPPORTED_SKIP;
	c.report.out = stdout;
	const char *no_color = getenv("NO_COLOR");
	c.report.opt.color = !remove_color && !(no_color && *no_color) && isatty(STDOUT_FILENO) &&
			     (c.report.ops == &kpc_report_text || c.report.ops == &kpc_report_table);
	c.ro.warn = kpc_warn;
	c.ps = kp_policy_set_new();
	early_errors early = {0};
	kpc_set_error_hook(keep_error, &early);
	/* kyverno reads neither hidden files nor hidden folders of a policy
	 * directory; resources are walked the same way */
	c.wo = (kp_walk_opts){.skip_hidden = true, .exclude = (const char *const *)exclude.v,
			      .n_exclude = exclude.n};
	status = kpc_load_policies(c.ps, policies.v, policies.n, &c.ro, &c.wo, stderr);
	if (kpc_load_exceptions(c.ps, exceptions.v, exceptions.n, &c.ro, &c.wo, stderr))
		status = 2;
	if (kpc_load_params(c.ps, params.v, params.n, &c.ro, &c.wo, stderr))
		status = 2;
	kp_error pss_err;
	if (pss && kp_policy_set_add_pss(c.ps, pss, &pss_err) < 0) {
		fprintf(stderr, "kpolicy apply: %s\n", pss_err.msg);
		fputs(apply_usage, stderr);
		kp_policy_set_free(c.ps);
		strlist_free(&policies);
		strlist_free(&resources);
		strlist_free(&exclude);
		strlist_free(&exceptions);
		strlist_free(&params);
		kp_buf_free(&set_kv);
		return 2;
	}
	kp_policy_set_seal(c.ps);
	kp_values *values = NULL;
	kp_userinfo *ui = NULL;
	if (values_file && !(values = load_values(values_file, "values", &c.ro, NULL)))
		status = 2;
	if (userinfo_file) {
		load_values(userinfo_file, "user info", &c.ro, &ui);
		if (!ui)
			status = 2;
	}
	kpc_set_error_hook(NULL, NULL);
	c.eval.values = values;
	c.eval.userinfo = ui;
	kp_values *set = set_kv.len ? kp_values_from_set(kp_buf_str(&set_kv)) : NULL;
	kp_buf_free(&set_kv);
	c.eval.set = set;
	/* kyverno apply gives configMap entries no source (disabled: values
	 * or nothing give their names); its apiCalls and global context
	 * entries come from the input resources, which kpolicy does not read
	 * for them yet (unsupported) */
	kp_context_sources *sources = kp_context_sources_new();
	kp_context_sources_unserved_api_calls(sources);
	c.eval.sources = sources;
	if (context_file && load_context(context_file, &c.ro, sources) < 0)
		status = 2;
	c.report.policies = policy_infos(c.ps);
	c.report.n_policies = kp_policy_set_count(c.ps);
	c.pol_keys = kpc_xcalloc(c.report.n_policies + 1, sizeof *c.pol_keys);
	for (size_t i = 0; i < c.report.n_policies; i++) {
		const kpc_policy_info *pi = &c.report.policies[i];
		c.pol_keys[i] = (struct pol_key){.name = pi->name, .ns = pi->ns, .by_address = !pi->dup_name,
						 .scored = pi->scored, .vap = pi->vap};
	}
	pol_addr_build(&c);
	c.pol_heads = kpc_xcalloc(c.report.n_policies + 1, sizeof *c.pol_heads);
	for (size_t i = 0; i < c.report.n_policies; i++) {
		size_t at = c.pol_head_text.len;
		kpc_buf_cat(&c.pol_head_text, "policy ", c.report.policies[i].name, " -> resource ", NULL);
		c.pol_heads[i] = (struct pol_head){at, c.pol_head_text.len - at};
	}

	pipeline p = {.c = &c, .mu = PTHREAD_MUTEX_INITIALIZER,
		      .work = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER,
		      .main_ctx = kp_eval_ctx_new(NULL)};
	if (jobs > 1) {
		p.q_cap = (size_t)jobs * 4;
		p.q = kpc_xcalloc(p.q_cap, sizeof(*p.q));
		p.threads = kpc_xcalloc((size_t)jobs, sizeof(*p.threads));
		for (; p.nthreads < (size_t)jobs; p.nthreads++)
			if (pthread_create(&p.threads[p.nthreads], NULL, worker, &p))
				break;
	}
	resource_inputs inputs = {resources.v, resources.n, &c.wo, &p};
	c.report.planned = (kpc_summary){.rules = kp_policy_set_rule_count(c.ps),
					 .exceptions = kp_policy_set_exception_count(c.ps)};
	c.report.estimate_worth = estimate_worth;
	c.report.count_resources = count_resources;
	/* with workers, counting on the main thread would leave them idle
	 * once they have done the units it queued */
	c.report.count_async = p.nthreads > 0;
	c.report.estimate_ud = &inputs;
	c.report.ops->begin(&c.report);
	for (size_t i = 0; i < early.n; i++)
		c.report.ops->input_error(&c.report, &early.v[i]);
	free(early.v);
	for (size_t i = 0; i < resources.n; i++) {
		kp_error e;
		if (kp_walk_inputs_opts(resources.v[i], &c.wo, feed_file, &p, &e) < 0)
			submit_diag(&p, NULL, &e);
	}
	if (p.nthreads) {
		pthread_mutex_lock(&p.mu);
		p.closing = true;
		pthread_cond_broadcast(&p.work);
		pthread_mutex_unlock(&p.mu);
		drain(&p, true);
		for (size_t t = 0; t < p.nthreads; t++)
			pthread_join(p.threads[t], NULL);
	}
	if (p.status)
		status = 2;
	kpc_summary sum = c.report.planned;
	sum.resources = p.resources;
	sum.total = p.total;
	c.report.ops->end(&c.report, &sum);
	fflush(stdout);
	if (p.n_skipped) {
		fprintf(stderr, "kpolicy: skipped %zu rule(s) using features kpolicy lacks "
				"(--unsupported=skip):\n", p.n_skipped);
		for (size_t i = 0; i < p.n_skipped; i++) {
			fprintf(stderr, "  %s\n", p.skipped[i]);
			free(p.skipped[i]);
		}
	}
	free(p.skipped);
	for (size_t i = 0; i < p.n_names; i++)
		free(p.names[i]);
	free(p.names);
	pool_free(&p);
	free(p.q);
	kp_eval_ctx_free(p.main_ctx);
	free(p.threads);
	for (size_t i = 0; i < c.report.n_policies; i++)
		free(c.report.policies[i].rules);
	free(c.report.policies);
	free(c.pol_keys);
	free(c.pol_heads);
	kp_buf_free(&c.pol_head_text);
	free(c.pol_addr);
	kp_values_free(values);
	kp_values_free(set);
	kp_context_sources_free(sources);
	kp_userinfo_free(ui);
	kp_policy_set_free(c.ps);
	strlist_free(&policies);
	strlist_free(&resources);
	strlist_free(&exclude);
	strlist_free(&exceptions);
	strlist_free(&params);
	if (status)
		return 2;
	/* kyverno apply's exit(): fail, then error, then warnings, then no pass */
	if (p.total.fail || p.total.error)
		return 1;
	if (p.total.warn && warn_exit_code) {
		fprintf(stderr, "kpolicy: exit as warnExitCode is %lld\n", warn_exit_code);
		return (int)warn_exit_code;
	}
	if (!p.total.pass && warn_no_pass) {
		fprintf(stderr, "kpolicy: exit as no objects satisfied policy\n");
		return (int)warn_exit_code;
	}
	return 0;
}
