/* report_sarif.c - `-o sarif`: SARIF 2.1.0 as GitHub code scanning reads
 * it (../shared/docs/reports.md section a).  One run; a reportingDescriptor
 * per policy rule (autogen rules share their base rule's), from the
 * policies.kyverno.io/{title,description,category,severity} annotations;
 * a result per fail, warn and error row (errors under a rule id of their
 * own, `<id>:error`), located at the offending node, with the path as it
 * was given.  primaryLocationLineHash is left to upload-sarif; our own
 * stable key is partialFingerprints["kpolicy/v1"], a hash of policy, rule,
 * resource identity and failure path.  Rows are held until the end. */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KPC_SARIF_MAX_RESULTS 25000   /* GitHub: results (and rules) per run */
#define KPC_SARIF_MAX_TEXT 1024       /* GitHub: description lengths */

typedef struct sres {
	size_t policy, rule;              /* rule: index of the base rule */
	const char *rule_name, *res, *message, *path, *file;
	const char *api_version, *kind, *namespace, *name;
	unsigned line, col;
	kp_status status;
} sres;

typedef struct sarif_state {
	sres *v;
	size_t n, cap;
	kpc_pool pool;
	kp_buf b;
	kpc_errlist errors;           /* unusable inputs: tool notifications */
} sarif_state;

static void sarif_begin(kpc_report *r)
{
	r->state = kpc_xcalloc(1, sizeof(sarif_state));
}

/* The index of the rule autogen rule `i` was generated from. */
static size_t base_rule(const kp_policy *p, size_t i)
{
	const char *base = kp_policy_rule_base(p, i);
	for (size_t k = 0; k < kp_policy_rule_count(p); k++)
		if (!strcmp(kp_policy_rule_name(p, k), base))
			return k;
	return i;
}

static void sarif_row(kpc_report *r, const kpc_row *row)
{
	if (row->status != KP_STATUS_FAIL && row->status != KP_STATUS_WARN &&
	    row->status != KP_STATUS_ERROR)
		return;
	sarif_state *s = r->state;
	s->v = kpc_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	kpc_pool *pl = &s->pool;
	kp_buf res = {0};
	kpc_resource_path(&res, row);
	s->v[s->n++] = (sres){
		.policy = row->policy_index, .rule = base_rule(row->pol->p, row->rule_index),
		.rule_name = kpc_pool_str(pl, row->rule), .res = kpc_pool_str(pl, res.data),
		.message = kpc_pool_str(pl, row->message), .path = kpc_pool_str(pl, row->path),
		.file = kpc_pool_str(pl, row->file), .api_version = kpc_pool_str(pl, row->api_version),
		.kind = kpc_pool_str(pl, row->kind), .namespace = kpc_pool_str(pl, row->namespace),
		.name = kpc_pool_str(pl, row->name), .line = row->line, .col = row->col,
		.status = row->status,
	};
	kp_buf_free(&res);
}

/* Not a finding: a toolExecutionNotification of the invocation (GitHub
 * ignores them; the exit status is 2). */
static void sarif_input_error(kpc_report *r, const kp_error *e)
{
	sarif_state *s = r->state;
	kpc_errlist_add(&s->errors, e);
}

static void rule_id(kp_buf *b, const kpc_report *r, size_t policy, size_t rule)
{
	const kpc_policy_info *pi = &r->policies[policy];
	kpc_policy_display(b, pi);
	KPC_PUT_LIT(b, "/");
	kpc_puts(b, kp_policy_rule_name(pi->p, rule));
}

/* A JSON string of at most max bytes (cut at a UTF-8 boundary). */
static void json_text(kp_buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	kp_buf_json_str(b, s, n);
}

/* Trivy's mapping of severities to GitHub's security-severity. */
static const char *security_severity(const char *sev)
{
	if (!sev)
		return NULL;
	if (!strcmp(sev, "critical")) return "9.5";
	if (!strcmp(sev, "high")) return "8.0";
	if (!strcmp(sev, "medium")) return "5.5";
	if (!strcmp(sev, "low")) return "2.0";
	return NULL;
}

static const char *fail_level(const char *sev)
{
	if (!sev || !strcmp(sev, "critical") || !strcmp(sev, "high"))
		return "error";
	if (!strcmp(sev, "medium"))
		return "warning";
	return "note";
}

static void descriptor(kp_buf *b, const kpc_report *r, size_t policy, size_t rule, bool error)
{
	const kpc_policy_info *pi = &r->policies[policy];
	kp_buf id = {0};
	rule_id(&id, r, policy, rule);
	if (error)
		kp_buf_puts(&id, ":error");
	kp_buf_puts(b, "        {\"id\": ");
	kp_buf_json_str(b, id.data, id.len);
	kp_buf_puts(b, ", \"name\": ");
	json_text(b, id.data, 255);
	const char *title = pi->title ? pi->title : id.data;
	kp_buf_puts(b, ",\n         \"shortDescription\": {\"text\": ");
	if (error) {
		kp_buf t = {0};
		kp_buf_printf(&t, "%s: the rule could not be evaluated", title);
		json_text(b, t.data, KPC_SARIF_MAX_TEXT);
		kp_buf_free(&t);
	} else {
		json_text(b, title, KPC_SARIF_MAX_TEXT);
	}
	kp_buf_puts(b, "},\n         \"fullDescription\": {\"text\": ");
	json_text(b, pi->description ? pi->description : title, KPC_SARIF_MAX_TEXT);
	const char *msg = kp_policy_rule_message(pi->p, rule);
	kp_buf_puts(b, "},\n         \"help\": {\"text\": ");
	kp_buf_json_cstr(b, msg ? msg : pi->description ? pi->description : title);
	kp_buf_printf(b, "},\n         \"defaultConfiguration\": {\"level\": \"%s\"},\n",
		     error ? "error" : fail_level(pi->severity));
	kp_buf_puts(b, "         \"properties\": {\"tags\": [\"kyverno\"");
	if (pi->category) {
		/* "Pod Security Standards (Baseline), EKS Best Practices" */
		const char *c = pi->category;
		for (int k = 0; *c && k < 18; k++) {
			const char *comma = strchr(c, ',');
			size_t n = comma ? (size_t)(comma - c) : strlen(c);
			while (n && c[n - 1] == ' ')
				n--;
			if (n) {
				kp_buf_puts(b, ", ");
				kp_buf_json_str(b, c, n);
			}
			if (!comma)
				break;
			c = comma + 1;
			while (*c == ' ')
				c++;
		}
	}
	kp_buf_puts(b, "]");
	const char *ss = security_severity(pi->severity);
	if (ss && !error)
		kp_buf_printf(b, ", \"security-severity\": \"%s\"", ss);
	if (pi->severity) {
		kp_buf_puts(b, ", \"severity\": ");
		kp_buf_json_cstr(b, pi->severity);
	}
	kp_buf_puts(b, "}}");
	kp_buf_free(&id);
}

/* A relative URI reference: unreserved characters and '/' kept, the rest
 * percent-encoded; "./" dropped; an absolute path becomes file://. */
static void uri(kp_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t n = strlen(path);
	char *w = kp_buf_room(b, 3 * n + 7);
	if (path[0] == '/')
		w = memcpy(w, "file://", 7) + 7;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	kpc_buf_done(b, w);
}

/* What printf's %s writes for s. */
static const char *printf_str(const char *s)
{
	return s ? s : "(null)";
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); ; p++) {
		h = (h ^ *p) * 0x100000001b3ULL;   /* the NUL too: fields stay apart */
		if (!*p)
			return h;
	}
}

static void sarif_end(kpc_report *r, const kpc_summary *sum)
{
	(void)sum;
	sarif_state *s = r->state;
	kp_buf *b = &s->b;
	FILE *f = r->out;
	if (s->n > KPC_SARIF_MAX_RESULTS)
		fprintf(stderr, "kpolicy: warning: %zu SARIF results; GitHub code scanning rejects a run "
				"with more than %d\n", s->n, KPC_SARIF_MAX_RESULTS);
	/* which policy rules have error results: they get a descriptor of their own */
	size_t total_rules = 0;
	size_t *first = kpc_xcalloc(r->n_policies + 1, sizeof *first);
	for (size_t i = 0; i < r->n_policies; i++) {
		first[i] = total_rules;
		total_rules += kp_policy_rule_count(r->policies[i].p);
	}
	unsigned char *has_error = kpc_xcalloc(total_rules + 1, 1);
	size_t *index = kpc_xcalloc(2 * total_rules + 1, sizeof *index);
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].status == KP_STATUS_ERROR)
			has_error[first[s->v[i].policy] + s->v[i].rule] = 1;

	kp_buf_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		      "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {\n"
		      "      \"name\": \"kpolicy\",\n      \"semanticVersion\": \"" PACKAGE_VERSION "\",\n"
		      "      \"informationUri\": \"https://kyverno.io/policies/\",\n      \"rules\": [");
	size_t n_desc = 0;
	for (size_t pi = 0; pi < r->n_policies; pi++) {
		const kp_policy *p = r->policies[pi].p;
		for (size_t k = 0; k < kp_policy_rule_count(p); k++) {
			if (base_rule(p, k) != k)
				continue;   /* autogen rules report under their base rule */
			for (int err = 0; err < 2; err++) {
				if (err && !has_error[first[pi] + k])
					continue;
				kp_buf_puts(b, n_desc ? ",\n" : "\n");
				descriptor(b, r, pi, k, err);
				index[2 * (first[pi] + k) + err] = n_desc++;
				kp_buf_flush(b, f);
			}
		}
	}
	if (n_desc > KPC_SARIF_MAX_RESULTS)
		fprintf(stderr, "kpolicy: warning: %zu SARIF rules; GitHub code scanning rejects a run "
				"with more than %d\n", n_desc, KPC_SARIF_MAX_RESULTS);
	kp_buf_puts(b, n_desc ? "\n      ]\n    }},\n" : "]\n    }},\n");
	kp_buf_printf(b, "    \"invocations\": [{\"executionSuccessful\": %s, "
			"\"toolExecutionNotifications\": [", s->errors.n ? "false" : "true");
	for (size_t i = 0; i < s->errors.n; i++) {
		const kpc_input_error *e = &s->errors.v[i];
		kp_buf_puts(b, i ? ",\n      " : "\n      ");
		kp_buf_puts(b, "{\"level\": \"error\", \"message\": {\"text\": ");
		kp_buf_json_cstr(b, e->message);
		kp_buf_puts(b, "}");
		if (*e->file) {
			kp_buf_puts(b, ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"");
			uri(b, e->file);
			kp_buf_printf(b, "\"}, \"region\": {\"startLine\": %u, \"startColumn\": %u}}}]",
				     e->line ? e->line : 1, e->col ? e->col : 1);
		}
		kp_buf_puts(b, "}");
	}
	kp_buf_puts(b, s->errors.n ? "\n    ]}],\n" : "]}],\n");
	kp_buf_puts(b, "    \"columnKind\": \"unicodeCodePoints\",\n    \"results\": [");
	kp_buf m = {0}, id = {0}, pn = {0};
	for (size_t i = 0; i < s->n; i++) {
		const sres *x = &s->v[i];
		bool err = x->status == KP_STATUS_ERROR;
		const kpc_policy_info *pi = &r->policies[x->policy];
		kp_buf_reset(&id);
		rule_id(&id, r, x->policy, x->rule);
		if (err)
			KPC_PUT_LIT(&id, ":error");
		const char *level = err ? "error" : x->status == KP_STATUS_WARN ? "warning"
			: fail_level(pi->severity);
		if (i)
			KPC_PUT_LIT(b, ",\n      {\"ruleId\": ");
		else
			KPC_PUT_LIT(b, "\n      {\"ruleId\": ");
		kp_buf_json_str(b, id.data, id.len);
		KPC_PUT_LIT(b, ", \"ruleIndex\": ");
		kpc_buf_uint(b, index[2 * (first[x->policy] + x->rule) + err]);
		KPC_PUT_LIT(b, ", \"level\": \"");
		kpc_puts(b, level);
		KPC_PUT_LIT(b, "\",\n       \"message\": {\"text\": ");
		kp_buf_reset(&m);
		kpc_puts(&m, printf_str(x->res));
		KPC_PUT_LIT(&m, ": ");
		kpc_puts(&m, printf_str(x->message));
		kp_buf_json_str(b, m.data, m.len);
		KPC_PUT_LIT(b, "},\n       \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"");
		uri(b, x->file);   /* percent-encoded: JSON-safe */
		KPC_PUT_LIT(b, "\"}, \"region\": {\"startLine\": ");
		kpc_buf_uint(b, x->line ? x->line : 1);
		KPC_PUT_LIT(b, ", \"startColumn\": ");
		kpc_buf_uint(b, x->col ? x->col : 1);
		KPC_PUT_LIT(b, "}}}],\n");
		uint64_t h = 0xcbf29ce484222325ULL;
		h = fnv(h, pi->ns);
		h = fnv(h, pi->name);
		h = fnv(h, x->rule_name);
		h = fnv(h, x->api_version);
		h = fnv(h, x->kind);
		h = fnv(h, x->namespace);
		h = fnv(h, x->name);
		h = fnv(h, x->path);
		KPC_PUT_LIT(b, "       \"partialFingerprints\": {\"kpolicy/v1\": \"");
		char *w = kp_buf_room(b, 16);
		for (int k = 15; k >= 0; k--, h >>= 4)
			w[k] = "0123456789abcdef"[h & 15];
		kpc_buf_done(b, w + 16);
		KPC_PUT_LIT(b, "\"},\n");
		KPC_PUT_LIT(b, "       \"properties\": {\"policy\": ");
		kp_buf_reset(&pn);
		kpc_policy_display(&pn, pi);
		kp_buf_json_str(b, pn.data, pn.len);
		KPC_PUT_LIT(b, ", \"rule\": ");
		kp_buf_json_cstr(b, x->rule_name);
		KPC_PUT_LIT(b, ", \"resource\": ");
		kp_buf_json_cstr(b, x->res);
		KPC_PUT_LIT(b, ", \"result\": \"");
		kpc_puts(b, printf_str(kp_status_name(x->status)));
		KPC_PUT_LIT(b, "\"");
		if (x->path) {
			KPC_PUT_LIT(b, ", \"path\": ");
			kp_buf_json_cstr(b, x->path);
		}
		KPC_PUT_LIT(b, "}}");
		kp_buf_flush(b, f);
	}
	kp_buf_free(&m);
	kp_buf_free(&id);
	kp_buf_free(&pn);
	kp_buf_puts(b, s->n ? "\n    ]\n  }]\n}\n" : "]\n  }]\n}\n");
	kp_buf_flush(b, f);
	kp_buf_free(b);
	free(first);
	free(has_error);
	free(index);
	free(s->v);
	kpc_pool_free(&s->pool);
	kpc_errlist_free(&s->errors);
	free(s);
	r->state = NULL;
}

const kpc_report_ops kpc_report_sarif = {
	"sarif", sarif_begin, sarif_row, sarif_input_error, sarif_end,
};
