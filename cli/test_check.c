/* test_check.c - matching test result rows against engine outcomes. */
#include "test_check.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void kpc_test_rows_fini(kpc_test_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		kpc_test_row *r = &rows->v[i];
		free(r->policy);
		free(r->rule);
		free(r->resource);
		free(r->reason);
		free(r->message);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

kpc_test_row *kpc_test_rows_add(kpc_test_rows *rows, const char *policy, const char *rule,
				const char *resource, kp_status expected)
{
	rows->v = kpc_xgrow(rows->v, &rows->cap, rows->n + 1, sizeof(*rows->v));
	kpc_test_row *r = &rows->v[rows->n++];
	memset(r, 0, sizeof(*r));
	r->policy = kpc_xstrdup(policy);
	r->rule = kpc_xstrdup(rule);
	r->resource = kpc_xstrdup(resource);
	r->expected = kp_status_name(expected);
	return r;
}

bool kpc_test_rule_matches(const char *want, const char *got)
{
	if (!want)
		return true;
	if (!strcmp(want, got))
		return true;
	if (!strncmp(got, "autogen-cronjob-", 16) && !strcmp(got + 16, want))
		return true;
	return !strncmp(got, "autogen-", 8) && !strcmp(got + 8, want);
}

bool kpc_test_policy_matches(const char *want, const char *name, const char *ns)
{
	const char *slash = strchr(want, '/');
	if (!slash)
		return !strcmp(want, name);
	size_t nslen = (size_t)(slash - want);
	return ns && strlen(ns) == nslen && !strncmp(want, ns, nslen) && !strcmp(slash + 1, name);
}

bool kpc_test_ref_matches(const kpc_test_ref *r, const kpc_test_subject *s)
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
static char *subject_label(const kpc_test_subject *s)
{
	if (*s->namespace)
		return kpc_xprintf("%s/%s/%s/%s", s->api_version, s->kind, s->namespace, s->name);
	return kpc_xprintf("%s/%s/%s", s->api_version, s->kind, s->name);
}

/* RESOURCE column for a resource that is not there: Kind/ns/name as written. */
static char *ref_label(const kpc_test_result *res, const kpc_test_ref *r)
{
	const char *kind = r->kind ? r->kind : res->kind;
	const char *text = r->text ? r->text : "*";
	return kind ? kpc_xprintf("%s/%s", kind, text) : kpc_xstrdup(text);
}

static const kpc_test_policy *find_policy(const kpc_test_evidence *ev, const char *want)
{
	const kpc_test_policy *unsupported = NULL;
	for (size_t i = 0; i < ev->n_policies; i++) {
		const kpc_test_policy *p = &ev->policies[i];
		if (!kpc_test_policy_matches(want, p->name, p->namespace))
			continue;
		if (!p->unsupported)
			return p;
		if (!unsupported)
			unsupported = p;
	}
	return unsupported;
}

static kpc_test_row *add_row(kpc_test_rows *out, const kpc_test_result *res, size_t case_no,
			     char *label)
{
	kpc_test_row *row = kpc_test_rows_add(out, res->policy, res->rule, "", res->expected);
	free(row->resource);
	row->resource = label;
	row->case_no = case_no;
	return row;
}

static void set_unsupported(kpc_test_row *row, const char *feature)
{
	row->state = KPC_ROW_UNSUPPORTED;
	row->reason = !strncmp(feature, "unsupported", 11) ? kpc_xstrdup(feature)
							   : kpc_xprintf("unsupported: %s", feature);
	row->message = kpc_xstrdup(row->reason);
}

static void set_not_found(kpc_test_row *row)
{
	row->state = KPC_ROW_WRONG;
	row->reason = kpc_xstrdup("Not found");
	row->message = kpc_xstrdup("Not found");
}

/* One (result row, named resource) case. */
static void check_case(const kpc_test_result *res, const kpc_test_ref *ref, size_t case_no,
		       const kpc_test_evidence *ev, const kpc_test_check_opts *o,
		       kpc_test_rows *out)
{
	const char *op = res->operation ? res->operation : o->default_operation;
	const kpc_test_policy *pol = find_policy(ev, res->policy);
	size_t found = 0;
	for (size_t i = 0; i < ev->n_subjects; i++) {
		const kpc_test_subject *s = &ev->subjects[i];
		if (!kpc_test_ref_matches(ref, s) || (op && strcmp(op, s->operation)))
			continue;
		found++;
		if (!pol)
			continue;          /* a missing policy is "Not found" below */
		if (pol->unsupported) {
			set_unsupported(add_row(out, res, case_no, subject_label(s)), pol->unsupported);
			continue;
		}
		if (s->error) {
			kpc_test_row *row = add_row(out, res, case_no, subject_label(s));
			row->state = KPC_ROW_WRONG;
			row->reason = kpc_xstrdup("Resource error");
			row->message = kpc_xstrdup(s->error);
			continue;
		}
		size_t matched = 0;
		for (size_t k = s->first; k < s->first + s->count; k++) {
			const kpc_test_outcome *oc = &ev->outcomes[k];
			if (!kpc_test_policy_matches(res->policy, oc->policy, oc->policy_namespace) ||
			    !kpc_test_rule_matches(pol->ruleless ? NULL : res->rule, oc->rule))
				continue;
			matched++;
			kpc_test_row *row = add_row(out, res, case_no, subject_label(s));
			if (pol->ruleless) {
				/* the response's rule: "" (ValidatingPolicy), the
				 * policy name (ValidatingAdmissionPolicy) */
				free(row->rule);
				row->rule = kpc_xstrdup(oc->rule);
			}
			row->actual = kp_status_name(oc->status);
			if (oc->unsupported) {
				set_unsupported(row, oc->message ? oc->message : "rule");
				continue;
			}
			row->message = kpc_xstrdup(oc->message);
			if (oc->status == res->expected) {
				row->state = KPC_ROW_MATCH;
				row->reason = kpc_xstrdup("Ok");
				row->skip_tally = res->expected == KP_STATUS_SKIP;
			} else {
				row->state = KPC_ROW_WRONG;
				row->reason = kpc_xprintf("Want %s, got %s", kp_status_name(res->expected),
						      row->actual);
			}
		}
		if (!matched) {
			/* Kyverno: no rule response means the resource was excluded,
			 * and the row passes whatever it expected. */
			kpc_test_row *row = add_row(out, res, case_no, subject_label(s));
			row->excluded = true;
			row->reason = kpc_xstrdup("Excluded");
			row->message = kpc_xstrdup("Excluded");
			row->skip_tally = true;
			row->state = o->strict_excluded && res->expected != KP_STATUS_SKIP
					     ? KPC_ROW_WRONG : KPC_ROW_MATCH;
		}
	}
	if (!found || !pol)
		set_not_found(add_row(out, res, case_no, ref_label(res, ref)));
}

void kpc_test_check(const kpc_testfile *t, const kpc_test_evidence *ev,
		    const kpc_test_check_opts *o, kpc_test_rows *out)
{
	size_t first_row = out->n, case_no = 0;
	for (size_t i = 0; i < t->n_results; i++) {
		const kpc_test_result *res = &t->results[i];
		/* A row naming no resource is checked against every resource
		 * (as Kyverno does), as one case. */
		kpc_test_ref any = {.kind = res->kind};
		size_t n = res->n_refs ? res->n_refs : 1;
		for (size_t j = 0; j < n; j++) {
			const kpc_test_ref *ref = res->n_refs ? &res->refs[j] : &any;
			case_no++;
			if (o->selector && !kpc_test_selector_match(o->selector, res->policy,
								    res->rule, ref->text))
				continue;
			const char *why = t->unsupported ? t->unsupported : res->unsupported;
			/* a policy of a kind kpolicy does not run says so first */
			const kpc_test_policy *pol = why ? find_policy(ev, res->policy) : NULL;
			if (pol && pol->unsupported && !strncmp(pol->unsupported, "unsupported: kind ", 18))
				why = pol->unsupported;
			if (why) {
				set_unsupported(add_row(out, res, case_no, ref_label(res, ref)), why);
			} else if (o->load_error) {
				kpc_test_row *row = add_row(out, res, case_no, ref_label(res, ref));
				row->state = KPC_ROW_WRONG;
				row->reason = kpc_xstrdup("Load error");
				row->message = kpc_xstrdup(o->load_error);
			} else
				check_case(res, ref, case_no, ev, o, out);
		}
	}
	for (size_t i = first_row; i < out->n; i++)
		out->v[i].id = i - first_row + 1;
}
