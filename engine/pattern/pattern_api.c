/* pattern_api.c - the public kp_pattern_* functions of kpolicy.h, and the
 * rule-level outcome of `pattern` / `anyPattern` rules with Kyverno's
 * messages (pkg/engine/handlers/validation/validate_resource.go). */
#include "pattern/pattern.h"

#include <stdlib.h>
#include <string.h>

struct kp_pattern {
	kp_arena *arena;           /* owns the copied source tree and the AST */
	kp_pat_root *root;
};

kp_pattern *kp_pattern_compile(const kp_value *pattern, kp_error *err)
{
	kp_pattern *p = kp_xcalloc(1, sizeof *p);
	p->arena = kp_arena_new();
	const kp_value *copy = pattern ? kp_value_copy(p->arena, pattern) : NULL;
	p->root = kp_pat_compile(p->arena, copy, KP_PAT_STRICT, "", err);
	if (!p->root) {
		kp_pattern_free(p);
		return NULL;
	}
	return p;
}

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void kp_pattern_match(const kp_pattern *p, const kp_value *resource,
		      kp_match *out)
{
	kp_arena *scratch = kp_arena_new();
	kp_pat_result r;
	kp_pat_match(p->root, resource, scratch, &r);
	out->status = r.status;
	out->node = r.node;
	copy_str(out->path, sizeof out->path, r.path);
	copy_str(out->message, sizeof out->message, r.error);
	kp_arena_free(scratch);
}

const kp_pat_root *kp_pattern_root(const kp_pattern *p)
{
	return p ? p->root : NULL;
}

void kp_pattern_free(kp_pattern *p)
{
	if (!p)
		return;
	kp_arena_free(p->arena);
	free(p);
}

/* The concatenation of parts (at most 8) in one arena block: a rule
 * message is built once per failing row, without printf. */
static const char *concat(kp_arena *a, const char *const *parts, size_t n)
{
	size_t len[8], total = 0;
	for (size_t i = 0; i < n; i++)
		total += len[i] = strlen(parts[i]);
	char *s = kp_arena_alloc(a, total + 1), *w = s;
	for (size_t i = 0; i < n; i++) {
		memcpy(w, parts[i], len[i]);
		w += len[i];
	}
	*w = 0;
	return s;
}

const char *kp_pat_rule_message(kp_arena *a, const char *rule,
				const char *message, const kp_pat_result *r)
{
	bool has_msg = message && message[0];
	const char *parts[8];
	size_t n = 0;
	switch (r->status) {
	case KP_STATUS_PASS:
		parts[n++] = "validation rule '";
		parts[n++] = rule;
		parts[n++] = "' passed.";
		break;
	case KP_STATUS_SKIP:
		parts[n++] = r->error;
		break;
	default:
		parts[n++] = "validation error: ";
		if (has_msg) {
			/* "<M>. " unless M already ends with '.' */
			parts[n++] = message;
			parts[n++] = message[strlen(message) - 1] == '.' ? " " : ". ";
		}
		parts[n++] = "rule ";
		parts[n++] = rule;
		if (r->status == KP_STATUS_FAIL && r->path[0]) {
			parts[n++] = " failed at path ";
			parts[n++] = r->path;
		} else {
			parts[n++] = " execution error: ";
			parts[n++] = r->error;
		}
		break;
	}
	return concat(a, parts, n);
}

/* i in decimal, in num (24 bytes) */
static const char *index_text(size_t i, char *num)
{
	char *w = num + 23;
	*w = 0;
	do
		*--w = (char)('0' + i % 10);
	while (i /= 10);
	return w;
}

/* "rule <rule>[<i>" (what "rule %s[%zu" prints, without printf) */
static void rule_index(kp_buf *b, const char *rule, size_t i, char *num)
{
	kp_buf_puts(b, "rule ");
	kp_buf_puts(b, rule ? rule : "(null)");
	kp_buf_puts(b, "[");
	kp_buf_puts(b, index_text(i, num));
}

void kp_pat_match_any(const kp_pat_root *const *pats, size_t n,
		      const kp_value *res, const char *rule,
		      const char *message, kp_arena *scratch,
		      kp_any_result *out)
{
	memset(out, 0, sizeof *out);
	out->node = res;
	kp_buf failed, skipped;
	kp_buf_init(&failed, scratch);
	kp_buf_init(&skipped, scratch);
	bool any_failed = false, any_skipped = false;
	for (size_t i = 0; i < n; i++) {
		kp_pat_result r;
		kp_pat_match_quick(pats[i], res, scratch, &r);
		char num[24];
		if (r.status == KP_STATUS_PASS) {
			const char *parts[] = {"validation rule '", rule, "' anyPattern[",
					       index_text(i, num), "] passed."};
			out->status = KP_STATUS_PASS;
			out->message = concat(scratch, parts, 5);
			out->path = NULL;
			out->node = res;
			out->passed_index = i;
			return;
		}
		if (r.status == KP_STATUS_SKIP) {
			if (any_skipped)
				kp_buf_puts(&skipped, " ");
			rule_index(&skipped, rule, i, num);
			kp_buf_puts(&skipped, "] skipped: ");
			kp_buf_puts(&skipped, r.error ? r.error : "(null)");
			any_skipped = true;
			continue;
		}
		if (any_failed)
			kp_buf_puts(&failed, " ");
		rule_index(&failed, rule, i, num);
		bool at_path = r.status == KP_STATUS_FAIL && r.path[0];
		kp_buf_puts(&failed, at_path ? "] failed at path " : "] failed: ");
		const char *what = at_path ? r.path : r.error;
		kp_buf_puts(&failed, what ? what : "(null)");
		if (!any_failed) {
			out->path = r.status == KP_STATUS_FAIL ? r.path : "";
			out->node = r.node;
		}
		any_failed = true;
	}
	if (any_failed) {
		kp_buf sb;
		kp_buf_init(&sb, scratch);
		kp_buf_puts(&sb, "validation error: ");
		if (message && message[0]) {
			kp_buf_puts(&sb, message);
			size_t ml = strlen(message);
			kp_buf_puts(&sb, message[ml - 1] == '.' ? " " : ". ");
		}
		kp_buf_add(&sb, failed.data, failed.len);
		out->status = KP_STATUS_FAIL;
		out->message = kp_buf_str(&sb);
		return;
	}
	if (any_skipped) {
		out->status = KP_STATUS_SKIP;
		out->message = kp_buf_str(&skipped);
		out->path = NULL;
		return;
	}
	out->status = KP_STATUS_PASS;
	out->message = kp_arena_strdup(scratch, message ? message : "");
}
