/* test_check.c - matching test result rows against engine outcomes. */
#include "test_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xstrdup(const char *s)
{
	char *c = strdup(s ? s : "");
	if (!c)
		abort();
	return c;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void kp_test_rows_fini(kp_test_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		kp_test_row *r = &rows->v[i];
		free(r->policy);
		free(r->rule);
		free(r->resource);
		free(r->reason);
		free(r->message);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

kp_test_row *kp_test_rows_add(kp_test_rows *rows, const char *policy, const char *rule,
			      const char *resource, kp_status expected)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 16;
		rows->v = realloc(rows->v, rows->cap * sizeof(*rows->v));
		if (!rows->v)
			abort();
	}
	kp_test_row *r = &rows->v[rows->n++];
	memset(r, 0, sizeof(*r));
	r->policy = xstrdup(policy);
	r->rule = xstrdup(rule);
	r->resource = xstrdup(resource);
	r->expected = kp_status_name(expected);
	return r;
}

bool kp_test_rule_matches(const char *want, const char *got)
{
	if (!want)
		return true;
	if (!strcmp(want, got))
		return true;
	if (!strncmp(got, "autogen-cronjob-", 16) && !strcmp(got + 16, want))
		return true;
	return !strncmp(got, "autogen-", 8) && !strcmp(got + 8, want);
}

bool kp_test_policy_matches(const char *want, const char *name, const char *ns)
{
	const char *slash = strchr(want, '/');
	if (!slash)
		return !strcmp(want, name);
	size_t nslen = (size_t)(slash - want);
	return ns && strlen(ns) == nslen && !strncmp(want, ns, nslen) && !strcmp(slash + 1, name);
}

bool kp_test_ref_matches(const kp_test_ref *r, const kp_test_subject *s)
{
	if (r->name && strcmp(r->name, s->name))
		return false;
	if (r->namespace && strcmp(r->namespace, s->namespace))
		return false;
	if (r->kind && strcmp(r->kind, s->kind))
		return false;
	return !r->api_version || !strcmp(r->api_version, s->api_version);
}

/* RESOURCE column for a found resource: apiVersion/Kind/ns/name, the
 * namespace left out for cluster-scoped ones (as Kyverno's output.go). */
static char *subject_label(const kp_test_subject *s)
{
	if (*s->namespace)
		return xprintf("%s/%s/%s/%s", s->api_version, s->kind, s->namespace, s->name);
	return xprintf("%s/%s/%s", s->api_version, s->kind, s->name);
}

/* RESOURCE column for a resource that is not there: Kind/ns/name as written. */
static char *ref_label(const kp_test_result *res, const kp_test_ref *r)
{
	const char *kind = r->kind ? r->kind : res->kind;
	const char *text = r->text ? r->text : "*";
	return kind ? xprintf("%s/%s", kind, text) : xstrdup(text);
}

static const kp_test_policy *find_policy(const kp_test_evidence *ev, const char *want)
{
	const kp_test_policy *unsupported = NULL;
	for (size_t i = 0; i < ev->n_policies; i++) {
		const kp_test_policy *p = &ev->policies[i];
		if (!kp_test_policy_matches(want, p->name, p->namespace))
			continue;
		if (!p->unsupported)
			return p;
		if (!unsupported)
			unsupported = p;
	}
	return unsupported;
}

static kp_test_row *add_row(kp_test_rows *out, const kp_test_result *res, size_t case_no,
			    char *label)
{
	kp_test_row *row = kp_test_rows_add(out, res->policy, res->rule, "", res->expected);
	free(row->resource);
	row->resource = label;
	row->case_no = case_no;
	return row;
}

static void set_unsupported(kp_test_row *row, const char *feature)
{
	row->state = KP_ROW_UNSUPPORTED;
	row->reason = !strncmp(feature, "unsupported", 11) ? xstrdup(feature)
							   : xprintf("unsupported: %s", feature);
	row->message = xstrdup(row->reason);
}

static void set_not_found(kp_test_row *row)
{
	row->state = KP_ROW_WRONG;
	row->reason = xstrdup("Not found");
	row->message = xstrdup("Not found");
}

/* One (result row, named resource) case. */
static void check_case(const kp_test_result *res, const kp_test_ref *ref, size_t case_no,
		       const kp_test_evidence *ev, const kp_test_check_opts *o,
		       kp_test_rows *out)
{
	const char *op = res->operation ? res->operation : o->default_operation;
	const kp_test_policy *pol = find_policy(ev, res->policy);
	size_t found = 0;
	for (size_t i = 0; i < ev->n_subjects; i++) {
		const kp_test_subject *s = &ev->subjects[i];
		if (!kp_test_ref_matches(ref, s) || (op && strcmp(op, s->operation)))
			continue;
		found++;
		if (!pol)
			continue;          /* a missing policy is "Not found" below */
		if (pol->unsupported) {
			set_unsupported(add_row(out, res, case_no, subject_label(s)), pol->unsupported);
			continue;
		}
		if (s->error) {
			kp_test_row *row = add_row(out, res, case_no, subject_label(s));
			row->state = KP_ROW_WRONG;
			row->reason = xstrdup("Resource error");
			row->message = xstrdup(s->error);
			continue;
		}
		size_t matched = 0;
		for (size_t k = s->first; k < s->first + s->count; k++) {
			const kp_test_outcome *oc = &ev->outcomes[k];
			if (!kp_test_policy_matches(res->policy, oc->policy, oc->policy_namespace) ||
			    !kp_test_rule_matches(pol->ruleless ? NULL : res->rule, oc->rule))
				continue;
			matched++;
			kp_test_row *row = add_row(out, res, case_no, subject_label(s));
			row->actual = kp_status_name(oc->status);
			if (oc->unsupported) {
				set_unsupported(row, oc->message ? oc->message : "rule");
				continue;
			}
			row->message = xstrdup(oc->message);
			if (oc->status == res->expected) {
				row->state = KP_ROW_MATCH;
				row->reason = xstrdup("Ok");
				row->skip_tally = res->expected == KP_STATUS_SKIP;
			} else {
				row->state = KP_ROW_WRONG;
				row->reason = xprintf("Want %s, got %s", kp_status_name(res->expected),
						      row->actual);
			}
		}
		if (!matched) {
			/* Kyverno: no rule response means the resource was excluded,
			 * and the row passes whatever it expected. */
			kp_test_row *row = add_row(out, res, case_no, subject_label(s));
			row->excluded = true;
			row->reason = xstrdup("Excluded");
			row->message = xstrdup("Excluded");
			row->skip_tally = true;
			row->state = o->strict_excluded && res->expected != KP_STATUS_SKIP
					     ? KP_ROW_WRONG : KP_ROW_MATCH;
		}
	}
	if (!found || !pol)
		set_not_found(add_row(out, res, case_no, ref_label(res, ref)));
}

void kp_test_check(const kp_testfile *t, const kp_test_evidence *ev,
		   const kp_test_check_opts *o, kp_test_rows *out)
{
	size_t first_row = out->n, case_no = 0;
	for (size_t i = 0; i < t->n_results; i++) {
		const kp_test_result *res = &t->results[i];
		/* A row naming no resource is checked against every resource
		 * (as Kyverno does), as one case. */
		kp_test_ref any = {.kind = res->kind};
		size_t n = res->n_refs ? res->n_refs : 1;
		for (size_t j = 0; j < n; j++) {
			const kp_test_ref *ref = res->n_refs ? &res->refs[j] : &any;
			case_no++;
			if (o->selector && !kp_test_selector_match(o->selector, res->policy,
								   res->rule, ref->text))
				continue;
			const char *why = t->unsupported ? t->unsupported : res->unsupported;
			if (why) {
				set_unsupported(add_row(out, res, case_no, ref_label(res, ref)), why);
			} else if (o->load_error) {
				kp_test_row *row = add_row(out, res, case_no, ref_label(res, ref));
				row->state = KP_ROW_WRONG;
				row->reason = xstrdup("Load error");
				row->message = xstrdup(o->load_error);
			} else
				check_case(res, ref, case_no, ev, o, out);
		}
	}
	for (size_t i = first_row; i < out->n; i++)
		out->v[i].id = i - first_row + 1;
}
