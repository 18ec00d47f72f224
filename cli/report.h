/* report.h - the report interface of `kpolicy apply`: one vtable per
 * output format (report_<format>.c), driven as begin / row... / end.
 *
 * Every call happens on the main thread, in input order: workers evaluate
 * resources and pack their rows; cmd_apply.c unpacks them in order and
 * hands them to the format.  Rows are final: --audit-warn, scored=false and
 * --unsupported have already been applied to `status`.
 *
 * Memory: text, json, yaml and github stream (past 256 KiB text writes its
 * held blocks to stdout behind a gap for its header, or to a temporary
 * file); sarif, junit, policyreport and table keep what they print until
 * `end` (sarif: failing rows only). */
#ifndef KPC_REPORT_H
#define KPC_REPORT_H

#include "kpolicy.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct kpc_counts {
	size_t pass, fail, warn, error, skip;
} kpc_counts;

/* What the reports need of one policy, gathered once before the run
 * (strings borrowed from the policy set). */
typedef struct kpc_policy_info {
	const kp_policy *p;
	const char *name, *ns, *kind;      /* ns: NULL for a ClusterPolicy */
	const char *title, *category, *severity, *description; /* annotations or NULL */
	bool scored;                       /* policies.kyverno.io/scored != "false" */
	bool vap;                          /* kind ValidatingAdmissionPolicy */
	bool dup_name;                     /* another policy has the same name and ns */
	bool dup_rules;                    /* two of its rules have the same name */
	const char **rules;                /* kp_policy_rule_name of each rule */
	size_t n_rules;
	kpc_counts counts;                 /* this policy's rows so far */
} kpc_policy_info;

/* One row: one (policy, rule) that selected a resource.  Borrowed for the
 * duration of the `row` call. */
typedef struct kpc_row {
	const kpc_policy_info *pol;
	size_t policy_index;               /* into kpc_report.policies */
	size_t rule_index;                 /* into the policy's rules */
	const char *rule;                  /* as evaluated: autogen- names kept */
	size_t resource_seq;               /* 0-based resource number, input order */
	const char *api_version, *kind, *namespace, *name;
	const char *uid, *resource_version; /* metadata.uid / resourceVersion or "" */
	kp_status status;                  /* as reported */
	bool engine_fail;                  /* the rule failed (shown as fail or, by
	                                      scored=false / --audit-warn, as warn) */
	bool audit_warning;                /* turned into warn by --audit-warn */
	bool unsupported;
	const char *message;
	const char *path;                  /* failure path or NULL */
	const char *file;                  /* offending node (or document root) */
	unsigned line, col;
	/* "ns/Kind/name" when the caller has it (the workers' text rows:
	 * built once per resource), else NULL */
	const char *resource_path;
	size_t resource_path_len;
	/* "policy P -> resource " when the caller has it with resource_path
	 * (the workers' text rows: built once per policy), else NULL */
	const char *head;
	size_t head_len;
	/* strlen of rule, message and file: every producer of rows sets
	 * them (the text report copies those strings for each failed row) */
	size_t rule_len, message_len, file_len;
} kpc_row;

typedef enum kpc_unsupported_mode {
	KPC_UNSUPPORTED_ERROR = 0, KPC_UNSUPPORTED_WARN, KPC_UNSUPPORTED_SKIP
} kpc_unsupported_mode;

typedef struct kpc_report_opts {
	bool color;                 /* ANSI colours (text and table) */
	bool detailed;              /* table: MESSAGE column */
	bool json;                  /* policyreport: JSON instead of YAML */
	bool openreports;           /* policyreport: openreports.io/v1alpha1 */
	long long timestamp;        /* policyreport: seconds; <0: now */
} kpc_report_opts;

typedef struct kpc_summary {
	size_t rules, resources;
	size_t exceptions;      /* PolicyExceptions loaded (-e) */
	kpc_counts total;
} kpc_summary;

typedef struct kpc_report kpc_report;

typedef struct kpc_report_ops {
	const char *name;
	void (*begin)(kpc_report *r);
	void (*row)(kpc_report *r, const kpc_row *row);
	/* an input that could not be used (syntax error, invalid policy, ...) */
	void (*input_error)(kpc_report *r, const kp_error *e);
	void (*end)(kpc_report *r, const kpc_summary *s);
} kpc_report_ops;

struct kpc_report {
	const kpc_report_ops *ops;
	FILE *out;
	kpc_report_opts opt;
	kpc_policy_info *policies;
	size_t n_policies;
	void *state;                /* the format's own; freed by its end */
	/* Known before the run (text, for writing a large report straight to
	 * a regular-file stdout): the summary's rules and exceptions, and an
	 * estimate of the resources it will count.  estimate_worth: whether
	 * reading the inputs again pays when the report has `text_bytes` of
	 * text (at most once, on the main thread); count_resources: the
	 * estimate, SIZE_MAX when unknown or an input is the file open on
	 * `out_fd` (where the text would go); thread-safe: with count_async
	 * (the run has workers) it runs in a thread of its own while the
	 * main thread goes on.  NULL: not offered. */
	kpc_summary planned;
	bool (*estimate_worth)(void *ud, size_t text_bytes);
	size_t (*count_resources)(void *ud, int out_fd);
	bool count_async;
	void *estimate_ud;
};

extern const kpc_report_ops kpc_report_text, kpc_report_json, kpc_report_yaml,
	kpc_report_sarif, kpc_report_junit, kpc_report_policyreport,
	kpc_report_github, kpc_report_table;

/* The format called `name` (-o), or NULL. */
const kpc_report_ops *kpc_report_find(const char *name);
/* "text, json, yaml, ..." for messages. */
const char *kpc_report_names(void);

/* ---- helpers shared by the formats (report_util.c) ---- */

/* Append n bytes of s: the per-row writers' kp_buf_add, inline when the
 * buffer has room (a heap kp_buf keeps its NUL). */
static inline void kpc_put(kp_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len > n) {
		memcpy(b->data + b->len, s, n);
		b->data[b->len += n] = 0;
	} else {
		kp_buf_add(b, s, n);
	}
}
#define KPC_PUT_LIT(b, lit) kpc_put((b), (lit), sizeof(lit) - 1)
/* After writing into kp_buf_room's room: the end, and the NUL. */
static inline void kpc_buf_done(kp_buf *b, char *end)
{
	*end = 0;
	b->len = (size_t)(end - b->data);
}
/* Append each string up to a NULL (no NULL among them). */
void kpc_buf_cat(kp_buf *b, ...) __attribute__((sentinel));
/* v in decimal at w (at most 20 bytes); returns the end.  Two digits a
 * step (line and column numbers: most rows write three). */
static inline char *kpc_put_uint(char *w, size_t v)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	if (v < 10) {   /* a failed row's number, most columns */
		*w = (char)('0' + v);
		return w + 1;
	}
	unsigned n = 1;
	size_t top = v;
	for (; top >= 10000; top /= 10000)
		n += 4;
	n += (top >= 10) + (top >= 100) + (top >= 1000);
	char *end = w + n;
	w = end;
	while (v >= 100) {
		size_t q = v / 100;
		w -= 2;
		memcpy(w, pairs + 2 * (v - q * 100), 2);
		v = q;
	}
	if (v >= 10) {
		w -= 2;
		memcpy(w, pairs + 2 * v, 2);
	} else {
		*--w = (char)('0' + v);
	}
	return end;
}
static inline void kpc_puts(kp_buf *b, const char *s)
{
	kpc_put(b, s, strlen(s));
}


/* "ns/Kind/name" as kyverno apply prints a resource. */
void kpc_resource_path(kp_buf *sb, const kpc_row *row);
/* Decimal digits of v, as printf's %zu writes them (the per-row writers use
 * it instead of printf). */
void kpc_buf_uint(kp_buf *sb, size_t v);
/* "policy" or "ns/policy". */
void kpc_policy_display(kp_buf *sb, const kpc_policy_info *pi);
/* Append s as XML text (attr: also quotes, tab and newlines as character
 * references); characters XML 1.0 forbids become U+FFFD. */
void kpc_xml_escape(kp_buf *sb, const char *s, bool attr);
/* Append s as a YAML double-quoted scalar when it needs quoting, else plain. */
void kpc_yaml_scalar(kp_buf *sb, const char *s);
/* Copy s (NULL stays NULL) into a growing pool released by kpc_pool_free. */
typedef struct kpc_pool { char **blocks; size_t n; size_t used, cap; } kpc_pool;
const char *kpc_pool_str(kpc_pool *p, const char *s);
void kpc_pool_free(kpc_pool *p);
/* Inputs that could not be used, kept for formats that list them at the end. */
typedef struct kpc_input_error {
	const char *file, *message;   /* file may be "" */
	unsigned line, col;
} kpc_input_error;
typedef struct kpc_errlist {
	kpc_input_error *v;
	size_t n;
	kpc_pool pool;
} kpc_errlist;
void kpc_errlist_add(kpc_errlist *l, const kp_error *e);
void kpc_errlist_free(kpc_errlist *l);
/* Tally one row of status s. */
static inline void kpc_count(kpc_counts *c, kp_status s)
{
	switch (s) {
	case KP_STATUS_PASS: c->pass++; break;
	case KP_STATUS_FAIL: c->fail++; break;
	case KP_STATUS_WARN: c->warn++; break;
	case KP_STATUS_ERROR: c->error++; break;
	case KP_STATUS_SKIP: c->skip++; break;
	}
}
/* a += b */
static inline void kpc_counts_add(kpc_counts *a, const kpc_counts *b)
{
	a->pass += b->pass, a->fail += b->fail, a->warn += b->warn;
	a->error += b->error, a->skip += b->skip;
}
/* kp_buf_reset, inline: the text rows empty a few buffers per group. */
static inline void kpc_buf_clear(kp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}
/* "\nApplying N policy rule(s) to M resource(s)[ with K exception(s)]...\n",
 * appended to b or printed on f. */
void kpc_applying(kp_buf *b, const kpc_summary *s);
void kpc_print_applying(FILE *f, const kpc_summary *s);
/* Capitalised status for tables: "Pass", "Fail", ... */
const char *kpc_status_title(kp_status s);

/* ANSI sequences (empty strings when colour is off). */
const char *kpc_color(const kpc_report *r, const char *seq);
/* The text report's blocks, one per (policy, resource) group of failed or
 * errored rows, built row by row; a finished block is appended to `out`.
 * Workers use it on their own rows (a resource never spans two units) and
 * hand the text to kpc_text_hold, in input order. */
typedef struct kpc_text_groups {
	bool in_group;
	size_t policy, resource;
	kp_buf fails, errors;
	size_t n_fails, n_errors;
	bool audit_warning;
	kp_buf head;               /* "policy P -> resource R" (not built for
	                              the fails of a streamed group) */
	/* stream: `out` is kept whole until the group is flushed (a worker's
	 * unit text), so a group's failed rows are written straight into it
	 * behind their head line, not gathered in `fails` and copied */
	bool stream;
	bool label_audit;          /* stream: the head line written says
	                              "failed as audit warning:" */
	size_t label_at, label_end; /* stream: the head line's " failed:\n"
	                              in `out`, relabelled at the flush when a
	                              later row turned audit_warning on */
} kpc_text_groups;
void kpc_text_groups_row(const kpc_report *r, kpc_text_groups *g, const kpc_row *row, kp_buf *out);
void kpc_text_groups_flush(const kpc_report *r, kpc_text_groups *g, kp_buf *out);
void kpc_text_groups_free(kpc_text_groups *g);
/* Add finished blocks to the text report's output (main thread). */
void kpc_text_hold(kpc_report *r, const char *s, size_t n);
#define KPC_RED "\033[31m"
#define KPC_GREEN "\033[32m"
#define KPC_YELLOW "\033[33m"
#define KPC_CYAN "\033[36m"
#define KPC_BOLD "\033[1m"
#define KPC_RESET "\033[0m"

#endif
