/* pss/rule.c - a compiled `validate.podSecurity` (level, version, exclude)
 * and its evaluation with Kyverno's exclusions and message
 * (kyverno/kyverno pkg/pss/evaluate.go, pod-security.md sections 1, 4, 5). */
#include "pss/pss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pss_exclude {
	const char *control;
	kp_pss_check checks[2];       /* the control's check IDs (mapping.go) */
	size_t n_checks;
	const char **images;
	size_t n_images;
	const char *field;            /* restrictedField, NULL when absent */
	const char **values;
	size_t n_values;
} pss_exclude;

struct kp_pss_rule {
	const char *level_raw, *version_raw;
	kp_pss_level level;
	unsigned version;             /* minor, or KP_PSS_LATEST */
	pss_exclude *ex;
	size_t n_ex;
};

/* ---- compiling ---- */

static int bad(kp_error *err, const kp_value *at, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(kp_error *err, const kp_value *at, const char *path, const char *fmt, ...)
{
	if (!err)
		return -1;
	char msg[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kp_errorf(err, KP_E_POLICY, kp_value_file(at), kp_value_line(at), kp_value_col(at),
		  "%s", msg);
	snprintf(err->path, sizeof err->path, "%s", path ? path : "");
	return -1;
}

/* An optional string field; -1 when present with another type. */
static int opt_str(kp_arena *a, const kp_value *m, const char *key, const char **out,
		   const char *path, kp_error *err)
{
	const kp_value *v = kp_value_get(m, key);
	*out = NULL;
	if (kp_value_type(v) == KP_NULL)
		return 0;
	if (v->type != KP_STRING)
		return bad(err, v, path, "podSecurity: %s must be a string", key);
	*out = kp_arena_strndup(a, v->u.s.ptr, v->u.s.len);
	return 0;
}

static int str_list(kp_arena *a, const kp_value *m, const char *key, const char ***out,
		    size_t *n, const char *path, kp_error *err)
{
	const kp_value *v = kp_value_get(m, key);
	*out = NULL;
	*n = 0;
	if (kp_value_type(v) == KP_NULL)
		return 0;
	if (v->type != KP_SEQ)
		return bad(err, v, path, "podSecurity: %s must be a list of strings", key);
	*out = kp_arena_alloc(a, (v->u.seq.n + 1) * sizeof(**out));
	for (size_t i = 0; i < v->u.seq.n; i++) {
		const kp_value *it = v->u.seq.items[i];
		if (kp_value_type(it) != KP_STRING)
			return bad(err, it ? it : v, path, "podSecurity: %s must be a list of strings", key);
		(*out)[(*n)++] = kp_arena_strndup(a, it->u.s.ptr, it->u.s.len);
	}
	return 0;
}

/* "", "latest" -> latest; v1.19 .. v1.32 (the CRD enum) -> minor; else -1 */
static int parse_version(const char *s, unsigned *out)
{
	if (!s || !*s || !strcmp(s, "latest")) {
		*out = KP_PSS_LATEST;
		return 0;
	}
	unsigned minor;
	char tail;
	if (sscanf(s, "v1.%u%c", &minor, &tail) != 1 || minor < 19 || minor > 32 ||
	    strlen(s) != (minor < 100 ? 5 : 6))
		return -1;
	*out = minor;
	return 0;
}

static int parse_level(const char *s, kp_pss_level *out)
{
	if (!s || !*s || !strcmp(s, "restricted"))
		*out = KP_PSS_RESTRICTED;
	else if (!strcmp(s, "baseline"))
		*out = KP_PSS_BASELINE;
	else if (!strcmp(s, "privileged"))
		*out = KP_PSS_PRIVILEGED_LEVEL;
	else
		return -1;
	return 0;
}

/* what ValidatePSaControlNames / PodSecurityStandard.Validate demand of a name */
typedef enum { NEEDS_NONE, NEEDS_IMAGES, FORBIDS_IMAGES } images_rule;

static images_rule control_images(const char *name)
{
	static const char *const need[] = {"Capabilities", "Privileged Containers", "Host Ports",
					   "/proc Mount Type", "Privilege Escalation", NULL};
	static const char *const forbid[] = {"Host Namespaces", "HostPath Volumes", "Sysctls",
					     "Volume Types", NULL};
	for (const char *const *p = need; *p; p++)
		if (!strcmp(*p, name))
			return NEEDS_IMAGES;
	for (const char *const *p = forbid; *p; p++)
		if (!strcmp(*p, name))
			return FORBIDS_IMAGES;
	return NEEDS_NONE;
}

static bool restricted_only_control(const char *name)
{
	return !strcmp(name, "Volume Types") || !strcmp(name, "Privilege Escalation") ||
	       !strcmp(name, "Running as Non-root") || !strcmp(name, "Running as Non-root user");
}

static int compile_exclude(kp_arena *a, const kp_value *e, kp_pss_level level,
			   const char *level_raw, const char *path, pss_exclude *out,
			   kp_error *err)
{
	if (kp_value_type(e) != KP_MAP)
		return bad(err, e, path, "podSecurity: an exclude entry must be a mapping");
	if (opt_str(a, e, "controlName", &out->control, path, err) ||
	    opt_str(a, e, "restrictedField", &out->field, path, err) ||
	    str_list(a, e, "images", &out->images, &out->n_images, path, err) ||
	    str_list(a, e, "values", &out->values, &out->n_values, path, err))
		return -1;
	if (!out->control)
		return bad(err, e, path, "podSecurity: exclude entry needs controlName");
	const kp_value *cn = kp_value_get(e, "controlName");
	for (unsigned c = 0; c < KP_PSS_N_CHECKS; c++)
		if (*kp_pss_control_name(c) && !strcmp(kp_pss_control_name(c), out->control))
			out->checks[out->n_checks++] = (kp_pss_check)c;
	if (!out->n_checks)
		return bad(err, cn, path, "podSecurity: unsupported controlName \"%s\" "
			   "(failed to validate resource against the ClusterPolicy schema)",
			   out->control);
	if (level == KP_PSS_BASELINE && restricted_only_control(out->control))
		return bad(err, cn, path, "Invalid control name defined at the given level: "
			   "%s is not a control of level %s", out->control, level_raw);
	images_rule ir = control_images(out->control);
	if (ir == NEEDS_IMAGES && !out->n_images)
		return bad(err, e, path, "exclude.images must be specified for the "
			   "container level control %s", out->control);
	if (ir == FORBIDS_IMAGES && out->n_images)
		return bad(err, e, path, "exclude.images must not be specified for the "
			   "pod level control %s", out->control);
	if (out->field && !*out->field)
		out->field = NULL;
	if (!out->field != !out->n_values)
		return bad(err, e, path, out->field
			   ? "exclude.values must be specified with exclude.restrictedField"
			   : "exclude.restrictedField must be specified with exclude.values");
	return 0;
}

kp_pss_rule *kp_pss_compile(kp_arena *a, const kp_value *ps, const char *path,
			    kp_error *err)
{
	if (kp_value_type(ps) != KP_MAP) {
		bad(err, ps, path, "podSecurity must be a mapping");
		return NULL;
	}
	kp_pss_rule *r = kp_arena_alloc(a, sizeof *r);
	if (opt_str(a, ps, "level", &r->level_raw, path, err) ||
	    opt_str(a, ps, "version", &r->version_raw, path, err))
		return NULL;
	if (parse_level(r->level_raw, &r->level)) {
		bad(err, kp_value_get(ps, "level"), path, "podSecurity: unsupported level \"%s\" "
		    "(privileged, baseline or restricted)", r->level_raw);
		return NULL;
	}
	if (parse_version(r->version_raw, &r->version)) {
		bad(err, kp_value_get(ps, "version"), path, "podSecurity: unsupported version \"%s\" "
		    "(v1.19 ... v1.32 or latest)", r->version_raw);
		return NULL;
	}
	if (!r->level_raw)
		r->level_raw = "";
	if (!r->version_raw)
		r->version_raw = "";
	const kp_value *ex = kp_value_get(ps, "exclude");
	if (kp_value_type(ex) != KP_NULL && ex->type != KP_SEQ) {
		bad(err, ex, path, "podSecurity: exclude must be a list");
		return NULL;
	}
	r->n_ex = kp_value_len(ex);
	r->ex = kp_arena_alloc(a, (r->n_ex + 1) * sizeof(*r->ex));
	for (size_t i = 0; i < r->n_ex; i++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/exclude/%zu", path ? path : "", i);
		if (compile_exclude(a, kp_value_at(ex, i), r->level, r->level_raw, sub, &r->ex[i], err))
			return NULL;
	}
	return r;
}

/* ---- the pods the checks see ---- */

static int pod_view(kp_arena *a, const kp_value *meta, const kp_value *spec,
		    kp_pss_pod *out, const char **decode)
{
	out->meta = meta;
	out->spec = spec;
	size_t total = 0;
	for (unsigned k = 0; k < 3; k++) {
		const kp_value *l = kp_value_get(spec, kp_pss_ctr_kinds[k]);
		if (kp_value_type(l) == KP_NULL)
			continue;
		if (l->type != KP_SEQ) {
			*decode = kp_arena_printf(a, "json: cannot unmarshal %s into Go struct field "
						  "spec.%s of type []v1.Container",
						  l->type == KP_MAP ? "object" : "value", kp_pss_ctr_kinds[k]);
			return -1;
		}
		total += l->u.seq.n;
	}
	out->ctrs = kp_arena_alloc(a, (total + 1) * sizeof(*out->ctrs));
	out->n = 0;
	for (unsigned k = 0; k < 3; k++) {
		const kp_value *l = kp_value_get(spec, kp_pss_ctr_kinds[k]);
		for (size_t i = 0; i < kp_value_len(l); i++) {
			const kp_value *c = kp_value_at(l, i);
			if (kp_value_type(c) == KP_NULL)
				c = NULL;
			else if (c->type != KP_MAP) {
				*decode = kp_arena_printf(a, "json: cannot unmarshal value into Go struct "
							  "field spec.%s of type v1.Container",
							  kp_pss_ctr_kinds[k]);
				return -1;
			}
			const kp_value *n = kp_value_get(c, "name");
			const kp_value *img = kp_value_get(c, "image");
			if ((kp_value_type(n) != KP_NULL && n->type != KP_STRING) ||
			    (kp_value_type(img) != KP_NULL && img->type != KP_STRING)) {
				*decode = kp_arena_printf(a, "json: cannot unmarshal value into Go struct "
							  "field spec.%s.%s of type string", kp_pss_ctr_kinds[k],
							  kp_value_type(n) != KP_NULL && n->type != KP_STRING
							  ? "name" : "image");
				return -1;
			}
			/* a null item is a zero Container: named "", nothing set */
			out->ctrs[out->n++] = (kp_pss_ctr){
				.c = c ? c : NULL, .name = n ? kp_value_str(n, NULL) : "",
				.kind = k, .index = i};
		}
	}
	return 0;
}

static bool any_match(const char **pats, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (kp_wildcard_match(pats[i], strlen(pats[i]), s, len))
			return true;
	return false;
}

/* The pod an exclusion evaluates (GetPodWithMatchingContainers): without
 * images, the pod with one container named `fake`; with images, only the
 * containers whose raw image matches, and nothing at pod level. */
static void exclusion_view(kp_arena *a, const kp_pss_pod *real, const pss_exclude *e,
			   kp_pss_pod *out)
{
	if (!e->n_images) {
		*out = *real;
		out->ctrs = kp_arena_alloc(a, sizeof(*out->ctrs));
		out->ctrs[0] = (kp_pss_ctr){.c = NULL, .name = "fake", .kind = 1, .index = 0};
		out->n = 1;
		return;
	}
	*out = (kp_pss_pod){0};
	out->ctrs = kp_arena_alloc(a, (real->n + 1) * sizeof(*out->ctrs));
	size_t per_kind[3] = {0};
	for (size_t i = 0; i < real->n; i++) {
		const kp_pss_ctr *c = &real->ctrs[i];
		size_t len = 0;
		const kp_value *img = kp_value_get(c->c, "image");
		const char *s = kp_value_type(img) == KP_STRING ? kp_value_str(img, &len) : "";
		if (!any_match(e->images, e->n_images, s, len))
			continue;
		kp_pss_ctr m = *c;
		m.index = per_kind[c->kind]++;
		out->ctrs[out->n++] = m;
	}
}

/* ---- exclusions (exemptExclusions) ---- */

/* every digit run replaced by `*` */
static char *normalise(kp_arena *a, const char *f)
{
	char *o = kp_arena_alloc(a, strlen(f) + 1), *w = o;
	while (*f) {
		if (*f >= '0' && *f <= '9') {
			while (*f >= '0' && *f <= '9')
				f++;
			*w++ = '*';
		} else
			*w++ = *f++;
	}
	*w = 0;
	return o;
}

/* The second run of letters names a container list (parseField). */
static bool container_field(const char *f)
{
	int run = 0;
	while (*f) {
		while (*f && !((*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z')))
			f++;
		if (!*f)
			break;
		const char *s = f;
		while ((*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z'))
			f++;
		if (++run == 2) {
			size_t n = (size_t)(f - s);
			return (n == 10 && !strncmp(s, "containers", 10)) ||
			       (n == 14 && !strncmp(s, "initContainers", 14)) ||
			       (n == 19 && !strncmp(s, "ephemeralContainers", 19));
		}
	}
	return false;
}

/* extractBadValues: every bad value must match one of the patterns */
static bool values_allow(kp_arena *a, const pss_exclude *e, const kp_pss_ferr *x)
{
	if (!e->n_values)
		return true;
	const char *one = NULL;
	switch (x->bad) {
	case KP_PSS_BAD_NONE:
		return true;
	case KP_PSS_BAD_STRING:
		one = x->str;
		break;
	case KP_PSS_BAD_BOOL:
		one = x->b ? "true" : "false";
		break;
	case KP_PSS_BAD_INT:
		one = kp_arena_printf(a, "%lld", (long long)x->i);
		break;
	case KP_PSS_BAD_LIST:
		for (size_t i = 0; i < x->n_list; i++)
			if (!any_match(e->values, e->n_values, x->list[i], strlen(x->list[i])))
				return false;
		return true;
	}
	return any_match(e->values, e->n_values, one, strlen(one));
}

static bool control_has(const pss_exclude *e, unsigned c)
{
	for (size_t i = 0; i < e->n_checks; i++)
		if (e->checks[i] == c)
			return true;
	return false;
}

static void exempt(kp_arena *a, const pss_exclude *e, bool container_level,
		   kp_pss_finding *found, bool *failed,
		   const kp_pss_finding *exf, const bool *exfailed)
{
	for (unsigned c = 0; c < KP_PSS_N_CHECKS; c++) {
		if (!exfailed[c] || !control_has(e, c))
			continue;
		for (size_t k = 0; k < exf[c].n_errs; k++) {
			const kp_pss_ferr *x = &exf[c].errs[k];
			const char *xf = normalise(a, x->field);
			bool x_ctr = container_level && container_field(x->field);
			const char *x_name = x_ctr ? x->container : "";
			if (e->field && strcmp(xf, e->field))
				continue;
			if (!values_allow(a, e, x) || !failed[c])
				continue;
			kp_pss_finding *f = &found[c];
			for (size_t d = 0; d < f->n_errs; d++) {
				const kp_pss_ferr *y = &f->errs[d];
				bool hit = !strcmp(xf, normalise(a, y->field));
				if (hit && container_level && container_field(y->field))
					hit = !strcmp(x_name, y->container ? y->container : "");
				if (hit) {
					/* Go's remove(): the last error takes its place */
					f->errs[d] = f->errs[f->n_errs - 1];
					f->n_errs--;
					break;
				}
			}
			if (!f->n_errs)
				failed[c] = false;
		}
	}
}

int kp_pss_eval(const kp_pss_rule *r, const kp_value *metadata,
		const kp_value *spec, kp_arena *scratch,
		kp_pss_finding **out, const char **decode_error)
{
	kp_pss_pod pod;
	kp_pss_finding found[KP_PSS_N_CHECKS];
	bool failed[KP_PSS_N_CHECKS];
	const char *dec = NULL;
	*out = NULL;
	if (kp_value_type(metadata) != KP_NULL && metadata->type != KP_MAP)
		dec = "json: cannot unmarshal value into Go struct field Pod.metadata of type v1.ObjectMeta";
	else if (kp_value_type(spec) != KP_NULL && spec->type != KP_MAP)
		dec = "json: cannot unmarshal value into Go struct field Pod.spec of type v1.PodSpec";
	if (dec || pod_view(scratch, metadata, spec, &pod, &dec) ||
	    kp_pss_run(&pod, r->level, r->version, scratch, found, failed, &dec)) {
		if (decode_error)
			*decode_error = dec;
		return -1;
	}
	for (size_t i = 0; i < r->n_ex; i++) {
		const pss_exclude *e = &r->ex[i];
		kp_pss_pod xp;
		kp_pss_finding exf[KP_PSS_N_CHECKS];
		bool exfailed[KP_PSS_N_CHECKS];
		exclusion_view(scratch, &pod, e, &xp);
		if (kp_pss_run(&xp, r->level, r->version, scratch, exf, exfailed, &dec))
			continue;
		/* the real errors are edited in place: give them their own arrays */
		for (unsigned c = 0; c < KP_PSS_N_CHECKS; c++)
			if (failed[c] && control_has(e, c) && found[c].n_errs) {
				kp_pss_ferr *copy = kp_arena_alloc(scratch, found[c].n_errs * sizeof(*copy));
				memcpy(copy, found[c].errs, found[c].n_errs * sizeof(*copy));
				found[c].errs = copy;
			}
		exempt(scratch, e, e->n_images > 0, found, failed, exf, exfailed);
	}
	int n = 0;
	for (unsigned c = 0; c < KP_PSS_N_CHECKS; c++)
		n += failed[c];
	kp_pss_finding *res = kp_arena_alloc(scratch, (size_t)(n + 1) * sizeof(*res));
	n = 0;
	for (unsigned c = 0; c < KP_PSS_N_CHECKS; c++)
		if (failed[c]) {
			res[n] = found[c];
			/* the first offending node of what is left */
			if (res[n].n_errs && res[n].errs[0].node)
				res[n].node = res[n].errs[0].node;
			n++;
		}
	*out = res;
	return n;
}

bool kp_pss_pod_of(const kp_value *res, const char *kind,
		   const kp_value **metadata, const kp_value **spec)
{
	static const char *const ctrls[] = {"DaemonSet", "Deployment", "Job", "StatefulSet",
					    "ReplicaSet", "ReplicationController", NULL};
	*metadata = *spec = NULL;
	if (!kind)
		return false;
	if (!strcmp(kind, "Pod")) {
		*metadata = kp_value_get(res, "metadata");
		*spec = kp_value_get(res, "spec");
		return true;
	}
	if (!strcmp(kind, "CronJob")) {
		const kp_value *jt = kp_value_path(res, "spec/jobTemplate");
		*metadata = kp_value_get(jt, "metadata");
		*spec = kp_value_path(jt, "spec/template/spec");
		return true;
	}
	for (const char *const *k = ctrls; *k; k++)
		if (!strcmp(kind, *k)) {
			const kp_value *t = kp_value_path(res, "spec/template");
			*metadata = kp_value_get(t, "metadata");
			*spec = kp_value_get(t, "spec");
			return true;
		}
	return false;
}

/* ---- the message ---- */

/* strings.ReplaceAll(s, from, to) */
static void buf_replace(kp_buf *b, const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	const char *hit;
	while ((hit = strstr(s, from))) {
		kp_buf_add(b, s, (size_t)(hit - s));
		kp_buf_puts(b, to);
		s = hit + fl;
	}
	kp_buf_puts(b, s);
}

/* convertChecks: spec -> the controller's pod spec, then metadata ->
 * spec.template.metadata for every kind (plain substring replacements). */
static void field_text(kp_buf *b, const char *field, const char *kind)
{
	static const char *const ctrls[] = {"DaemonSet", "Deployment", "Job", "StatefulSet",
					    "ReplicaSet", "ReplicationController", NULL};
	const char *spec_to = NULL;
	for (const char *const *k = ctrls; *k; k++)
		if (kind && !strcmp(kind, *k))
			spec_to = "spec.template.spec";
	if (kind && !strcmp(kind, "CronJob"))
		spec_to = "spec.jobTemplate.spec.template.spec";
	kp_buf t = {0};
	if (spec_to)
		buf_replace(&t, field, "spec", spec_to);
	else
		kp_buf_puts(&t, field);
	buf_replace(b, kp_buf_str(&t), "metadata", "spec.template.metadata");
	kp_buf_free(&t);
}

static void ferr_text(kp_buf *b, const kp_pss_ferr *e, const char *kind)
{
	field_text(b, e->field, kind);
	if (e->required) {
		kp_buf_puts(b, ": Required value");
		return;
	}
	switch (e->bad) {
	case KP_PSS_BAD_NONE:
		kp_buf_puts(b, ": Forbidden");
		return;
	case KP_PSS_BAD_STRING:
		kp_buf_puts(b, " is forbidden, forbidden values found: ");
		kp_buf_puts(b, e->str);
		return;
	case KP_PSS_BAD_BOOL:
		kp_buf_puts(b, " is forbidden, forbidden values found: ");
		kp_buf_puts(b, e->b ? "true" : "false");
		return;
	case KP_PSS_BAD_INT:
		kp_buf_printf(b, " is forbidden, forbidden values found: %lld", (long long)e->i);
		return;
	case KP_PSS_BAD_LIST:
		kp_buf_puts(b, " is forbidden, forbidden values found: [");
		for (size_t i = 0; i < e->n_list; i++) {
			if (i)
				kp_buf_puts(b, " ");
			kp_buf_puts(b, e->list[i]);
		}
		kp_buf_puts(b, "]");
		return;
	}
}

/* Where the pod lives in a resource of `kind`: its spec and metadata as
 * JSON pointers (getSpec). */
static void pod_prefixes(const char *kind, const char **spec, const char **meta)
{
	*spec = "/spec";
	*meta = "/metadata";
	if (!kind || !strcmp(kind, "Pod"))
		return;
	if (!strcmp(kind, "CronJob")) {
		*spec = "/spec/jobTemplate/spec/template/spec";
		*meta = "/spec/jobTemplate/metadata";
		return;
	}
	*spec = "/spec/template/spec";
	*meta = "/spec/template/metadata";
}

/* JSON pointer escaping of one reference token */
static void pointer_token(kp_buf *b, const char *s, size_t n)
{
	kp_buf_puts(b, "/");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~')
			kp_buf_puts(b, "~0");
		else if (s[i] == '/')
			kp_buf_puts(b, "~1");
		else
			kp_buf_add(b, s + i, 1);
	}
}

char *kp_pss_pointer(kp_arena *a, const char *field, const char *kind)
{
	const char *spec, *meta;
	pod_prefixes(kind, &spec, &meta);
	kp_buf b;
	kp_buf_init(&b, a);
	const char *f = field ? field : "spec";
	if (!strncmp(f, "spec", 4) && (f[4] == '.' || !f[4])) {
		kp_buf_puts(&b, spec);
		f += 4;
	} else if (!strncmp(f, "metadata", 8) && (f[8] == '.' || !f[8])) {
		kp_buf_puts(&b, meta);
		f += 8;
	}
	while (*f) {
		if (*f == '.') {
			f++;
			continue;
		}
		if (*f == '[') {
			const char *end = strchr(f, ']');
			if (!end)
				end = f + strlen(f);
			pointer_token(&b, f + 1, (size_t)(end - f - 1));
			f = *end ? end + 1 : end;
			continue;
		}
		size_t n = strcspn(f, ".[");
		pointer_token(&b, f, n);
		f += n;
	}
	return (char *)kp_buf_str(&b);
}

char *kp_pss_message(kp_arena *a, const char *rule, const kp_pss_rule *r,
		     const char *kind, const kp_pss_finding *f, size_t n)
{
	kp_buf b;
	kp_buf_init(&b, a);
	kp_buf_puts(&b, "Validation rule '");
	kp_buf_puts(&b, rule);
	kp_buf_puts(&b, "' failed. It violates PodSecurity \"");
	kp_buf_puts(&b, r->level_raw);
	kp_buf_puts(&b, ":");
	kp_buf_puts(&b, r->version_raw);
	kp_buf_puts(&b, "\": ");
	for (size_t i = 0; i < n; i++) {
		kp_buf_puts(&b, "(Forbidden reason: ");
		kp_buf_puts(&b, f[i].reason);
		kp_buf_puts(&b, ", field error list: [");
		for (size_t k = 0; k < f[i].n_errs; k++) {
			if (k)
				kp_buf_puts(&b, ", ");
			ferr_text(&b, &f[i].errs[k], kind);
		}
		kp_buf_puts(&b, "])");
	}
	return (char *)kp_buf_str(&b);
}
