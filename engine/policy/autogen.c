/* autogen.c - pod-controller rule generation, Kyverno's autogen v1
 * (pkg/autogen/v1/autogen.go, rule.go, internal/gvk.go) done on kp_value
 * trees: generated rules are new trees in the policy arena that share
 * nothing mutable with the rules they come from. */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

static const char *const all_controllers =
	"DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController,CronJob";

/* ------------------------------------------------------------------------
 * Small tree helpers
 * ---------------------------------------------------------------------- */

static bool present(const kp_value *v) { return kp_value_type(v) != KP_NULL; }

/* omitempty view: present and not an empty string / list / map */
static bool given(const kp_value *v)
{
	switch (kp_value_type(v)) {
	case KP_NULL:
		return false;
	case KP_STRING:
		return v->u.s.len > 0;
	case KP_SEQ:
	case KP_MAP:
		return kp_value_len(v) > 0;
	default:
		return true;
	}
}

static kp_value *mk(kp_arena *a, kp_type t, const kp_value *at)
{
	return kp_value_new(a, t, kp_value_file(at), kp_value_line(at), kp_value_col(at));
}

static kp_value *mk_str(kp_arena *a, const char *s, const kp_value *at)
{
	return kp_value_new_str(a, s, strlen(s), kp_value_file(at), kp_value_line(at),
				kp_value_col(at));
}

/* A new map with the same pairs (values shared). */
static kp_value *map_dup(kp_arena *a, const kp_value *m)
{
	kp_value *c = mk(a, KP_MAP, m);
	c->u.map.n = m->u.map.n;
	c->u.map.pairs = kp_arena_alloc(a, sizeof(kp_pair) * (m->u.map.n + 1));
	memcpy(c->u.map.pairs, m->u.map.pairs, sizeof(kp_pair) * m->u.map.n);
	return c;
}

static void copy_key(kp_arena *a, kp_value *dst, const kp_value *src, const char *key)
{
	const kp_value *v = kp_value_get(src, key);
	if (given(v) || kp_value_type(v) == KP_BOOL)
		kp_map_set(a, dst, key, (kp_value *)v);
}

/* {spec: {<tpl>: p}} */
static kp_value *wrap(kp_arena *a, const kp_value *p, const char *tpl)
{
	kp_value *inner = mk(a, KP_MAP, p);
	kp_map_set(a, inner, tpl, (kp_value *)p);
	kp_value *outer = mk(a, KP_MAP, p);
	kp_map_set(a, outer, "spec", inner);
	return outer;
}

/* ------------------------------------------------------------------------
 * Names and kinds
 * ---------------------------------------------------------------------- */

char *kp_autogen_rule_name(kp_arena *a, const char *prefix, const char *rule)
{
	char *s = kp_arena_printf(a, "%s-%s", prefix, rule);
	if (strlen(s) > 63)
		s[63] = 0;
	return s;
}

bool kp_autogen_is_name(const char *name)
{
	return strncmp(name, "autogen-", 8) == 0;
}

static bool is_version(const char *s, size_t n)
{
	char buf[64];
	if (n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (!strcmp(buf, "*"))
		return true;
	const char *p = buf;
	if (*p++ != 'v' || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (!*p)
		return true;
	if (!strncmp(p, "alpha", 5))
		p += 5;
	else if (!strncmp(p, "beta", 4))
		p += 4;
	else
		return false;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p;
}

/* kube.ContainsKind's view of one entry: GetKindFromGVK, then
 * SplitSubresource; equals `kind`? */
static bool kind_entry_is(const char *e, const char *kind)
{
	const char *parts[5];
	size_t lens[5], n = 0;
	const char *p = e;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (n < 5) {
			parts[n] = p;
			lens[n] = slash ? (size_t)(slash - p) : strlen(p);
		}
		n++;
		if (!slash)
			break;
		p = slash + 1;
	}
	char k[512];
	switch (n) {
	case 1: /* formatSubresource: first '.' becomes '/' */
		snprintf(k, sizeof k, "%s", e);
		if (strchr(k, '.'))
			*strchr(k, '.') = '/';
		break;
	case 2:
		if (lens[0] == 1 && parts[0][0] == '*' && lens[1] == 1 && parts[1][0] == '*')
			snprintf(k, sizeof k, "*/*");
		else if (is_version(parts[0], lens[0])) {
			snprintf(k, sizeof k, "%.*s", (int)lens[1], parts[1]);
			if (strchr(k, '.'))
				*strchr(k, '.') = '/';
		} else
			snprintf(k, sizeof k, "%s", e);
		break;
	case 3:
		if (is_version(parts[0], lens[0]))
			snprintf(k, sizeof k, "%.*s/%.*s", (int)lens[1], parts[1], (int)lens[2], parts[2]);
		else {
			snprintf(k, sizeof k, "%.*s", (int)lens[2], parts[2]);
			if (strchr(k, '.'))
				*strchr(k, '.') = '/';
		}
		break;
	case 4:
		snprintf(k, sizeof k, "%.*s/%.*s", (int)lens[2], parts[2], (int)lens[3], parts[3]);
		break;
	default:
		k[0] = 0;
		break;
	}
	/* SplitSubresource: exactly two '/' parts -> the first */
	char *slash = strchr(k, '/');
	if (slash && !strchr(slash + 1, '/'))
		*slash = 0;
	return !strcmp(k, kind);
}

/* kinds: a list value (or NULL) */
static bool contains_kind(const kp_value *kinds, const char *kind)
{
	for (size_t i = 0; i < kp_value_len(kinds); i++) {
		const char *e = kp_value_str(kp_value_at(kinds, i), NULL);
		if (e && kind_entry_is(e, kind))
			return true;
	}
	return false;
}

/* MatchResources.GetKinds: plain, then all, then any blocks' kinds. */
static kp_value *get_kinds(kp_arena *a, const kp_value *m)
{
	kp_value *out = mk(a, KP_SEQ, m);
	const kp_value *k = kp_value_path(m, "resources/kinds");
	for (size_t i = 0; i < kp_value_len(k); i++)
		kp_seq_push(a, out, (kp_value *)kp_value_at(k, i));
	static const char *const lists[] = {"all", "any"};
	for (size_t l = 0; l < 2; l++) {
		const kp_value *blocks = kp_value_get(m, lists[l]);
		for (size_t b = 0; b < kp_value_len(blocks); b++) {
			k = kp_value_path(kp_value_at(blocks, b), "resources/kinds");
			for (size_t i = 0; i < kp_value_len(k); i++)
				kp_seq_push(a, out, (kp_value *)kp_value_at(k, i));
		}
	}
	return out;
}

/* internal.ConvertKindsToGVK */
static const char *kind_gvk(const char *k)
{
	static const char *const map[][2] = {
		{"DaemonSet", "apps/v1/DaemonSet"}, {"Deployment", "apps/v1/Deployment"},
		{"Job", "batch/v1/Job"}, {"StatefulSet", "apps/v1/StatefulSet"},
		{"ReplicaSet", "apps/v1/ReplicaSet"},
		{"ReplicationController", "v1/ReplicationController"},
		{"CronJob", "batch/v1/CronJob"}, {"Pod", "v1/Pod"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(k, map[i][0]))
			return map[i][1];
	return k;
}

static kp_value *gvk_list(kp_arena *a, const char *const *kinds, size_t n, const kp_value *at)
{
	kp_value *seq = mk(a, KP_SEQ, at);
	for (size_t i = 0; i < n; i++)
		kp_seq_push(a, seq, mk_str(a, kind_gvk(kinds[i]), at));
	return seq;
}

/* ------------------------------------------------------------------------
 * Eligibility (CanAutoGen)
 * ---------------------------------------------------------------------- */

static bool is_pod_or_controller(const char *k)
{
	static const char *const set[] = {
		"Pod", "DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet",
		"ReplicationController", "CronJob",
	};
	for (size_t i = 0; i < sizeof set / sizeof *set; i++)
		if (!strcmp(k, set[i]))
			return true;
	return false;
}

/* checkAutogenSupport for one ResourceDescription */
static bool rd_supported(const kp_value *rd, bool *needed)
{
	const kp_value *kinds = kp_value_get(rd, "kinds");
	if (given(kp_value_get(rd, "name")) || given(kp_value_get(rd, "names")) ||
	    present(kp_value_get(rd, "selector")) || present(kp_value_get(rd, "annotations")) ||
	    (kp_value_len(kinds) > 1 && contains_kind(kinds, "Pod")))
		return false;
	for (size_t i = 0; i < kp_value_len(kinds); i++) {
		const char *k = kp_value_str(kp_value_at(kinds, i), NULL);
		if (k && is_pod_or_controller(k))
			*needed = true;
	}
	return true;
}

static bool filters_supported(const kp_value *m, bool *needed)
{
	if (!rd_supported(kp_value_get(m, "resources"), needed))
		return false;
	static const char *const lists[] = {"any", "all"};
	for (size_t l = 0; l < 2; l++) {
		const kp_value *blocks = kp_value_get(m, lists[l]);
		for (size_t b = 0; b < kp_value_len(blocks); b++)
			if (!rd_supported(kp_value_get(kp_value_at(blocks, b), "resources"), needed))
				return false;
	}
	return true;
}

bool kp_autogen_can(const kp_value *rules)
{
	bool needed = false;
	for (size_t i = 0; i < kp_value_len(rules); i++) {
		const kp_value *r = kp_value_at(rules, i);
		if (given(kp_value_get(r, "generate")))
			return false;
		const kp_value *mut = kp_value_get(r, "mutate");
		if (given(kp_value_get(mut, "patchesJson6902")))
			return false;
		const kp_value *fe = kp_value_get(mut, "foreach");
		for (size_t j = 0; j < kp_value_len(fe); j++)
			if (given(kp_value_get(kp_value_at(fe, j), "patchesJson6902")))
				return false;
		if (!filters_supported(kp_value_get(r, "match"), &needed))
			return false;
		const kp_value *ex = kp_value_get(r, "exclude");
		if (present(ex) && !filters_supported(ex, &needed))
			return false;
	}
	return needed;
}

/* ------------------------------------------------------------------------
 * Text rewrites
 * ---------------------------------------------------------------------- */

static char *replace_all(kp_arena *a, const char *s, size_t n, const char *from,
			 const char *to, size_t *out_n)
{
	size_t fl = strlen(from), tl = strlen(to), count = 0;
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), from, fl)); p += fl)
		count++;
	if (!count) {
		*out_n = n;
		return (char *)s;
	}
	size_t len = n + count * (tl - fl);
	char *out = kp_arena_alloc(a, len + 1), *w = out;
	const char *p = s, *end = s + n;
	for (const char *hit; (hit = memmem(p, (size_t)(end - p), from, fl)); p = hit + fl) {
		memcpy(w, p, (size_t)(hit - p));
		w += hit - p;
		memcpy(w, to, tl);
		w += tl;
	}
	memcpy(w, p, (size_t)(end - p));
	w += end - p;
	*w = 0;
	*out_n = len;
	return out;
}

char *kp_autogen_rewrite_text(kp_arena *a, const char *s, size_t len,
			      bool for_cronjob, bool cel, size_t *out_len)
{
	static const char *const objs[] = {"object", "oldObject"};
	const char *tpl = for_cronjob ? "spec.jobTemplate.spec.template" : "spec.template";
	const char *pre = cel ? "" : "request.";
	char from[64], to[128];
	char *cur = (char *)s;
	size_t n = len;
	/* order as upstream: object.spec, oldObject.spec, object.metadata,
	 * oldObject.metadata */
	static const char *const fields[] = {"spec", "metadata"};
	for (size_t f = 0; f < 2; f++)
		for (size_t o = 0; o < 2; o++) {
			snprintf(from, sizeof from, "%s%s.%s", pre, objs[o], fields[f]);
			snprintf(to, sizeof to, "%s%s.%s.%s", pre, objs[o], tpl, fields[f]);
			cur = replace_all(a, cur, n, from, to, &n);
		}
	if (cur == s)
		cur = kp_arena_strndup(a, s, len);
	if (out_len)
		*out_len = n;
	return cur;
}

static void rewrite_tree(kp_arena *a, kp_value *v, bool cron, bool cel)
{
	switch (v ? v->type : KP_NULL) {
	case KP_STRING:
		if (memmem(v->u.s.ptr, v->u.s.len, "bject.", 6))
			v->u.s.ptr = kp_autogen_rewrite_text(a, v->u.s.ptr, v->u.s.len, cron, cel,
							     &v->u.s.len);
		break;
	case KP_SEQ:
		for (size_t i = 0; i < v->u.seq.n; i++)
			rewrite_tree(a, v->u.seq.items[i], cron, cel);
		break;
	case KP_MAP:
		for (size_t i = 0; i < v->u.map.n; i++) {
			rewrite_tree(a, v->u.map.pairs[i].key, cron, cel);
			rewrite_tree(a, v->u.map.pairs[i].value, cron, cel);
		}
		break;
	default:
		break;
	}
}

/* regex.RegexReferences `^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)` at s+j ("$(" at j):
 * end offset of the match or 0. */
static size_t ref_end(const char *s, size_t n, size_t j)
{
	if (j + 2 >= n || s[j] != '$' || s[j + 1] != '(' || s[j + 2] == '\n')
		return 0;
	unsigned char c = (unsigned char)s[j + 2];
	size_t k = j + 2 + (c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2);
	size_t last = 0;
	for (; k < n && s[k] != ' '; k++)
		if (s[k] == ')')
			last = k + 1;
	return last;
}

char *kp_autogen_shift_refs(kp_arena *a, const char *value, const char *shift,
			    const char *pivot_in)
{
	size_t n = strlen(value);
	/* FindAllString on the original value */
	size_t starts[64], ends[64], m = 0;
	for (size_t i = 0; i < n && m < 64;) {
		size_t e = 0, st = i;
		if (i == 0)
			e = ref_end(value, n, 0);
		if (!e && value[i] != '\\')
			e = ref_end(value, n, i + 1);
		if (e) {
			starts[m] = st;
			ends[m++] = e;
			i = e;
		} else {
			i++;
		}
	}
	char *cur = kp_arena_strdup(a, value);
	char *pivot = kp_arena_strdup(a, pivot_in);
	for (size_t r = 0; r < m; r++) {
		char *old = kp_arena_strndup(a, value + starts[r], ends[r] - starts[r]);
		bool initial = old[0] == '$' && old[1] == '(';
		const char *ref = initial ? old : old + 1;
		if (!strcmp(pivot, "anyPattern")) {
			const char *at = strstr(ref, pivot);
			size_t off = at ? (size_t)(at - ref) + strlen(pivot) + 1 : strlen(pivot);
			if (off <= strlen(ref)) {
				const char *idx = ref + off;
				size_t il = strcspn(idx, "/");
				pivot = kp_arena_printf(a, "%s/%.*s", pivot, (int)il, idx);
			}
		}
		size_t sl;
		char *to = kp_arena_printf(a, "%s/%s", pivot, shift);
		char *shifted = replace_all(a, ref, strlen(ref), pivot, to, &sl);
		char *replacement = kp_arena_printf(a, "%.*s%s", initial ? 0 : 1, old, shifted);
		char *hit = strstr(cur, old);
		if (hit)
			cur = kp_arena_printf(a, "%.*s%s%s", (int)(hit - cur), cur, replacement,
					      hit + strlen(old));
	}
	return cur;
}

/* ------------------------------------------------------------------------
 * Generation
 * ---------------------------------------------------------------------- */

typedef enum { GRF_POD, GRF_CRONJOB } grf_mode;

/* a copy of ResourceFilter `f` with resources.kinds set to `kinds` */
static kp_value *with_kinds(kp_arena *a, const kp_value *f, kp_value *kinds)
{
	kp_value *c = kp_value_type(f) == KP_MAP ? map_dup(a, f) : mk(a, KP_MAP, f);
	const kp_value *rd = kp_value_get(c, "resources");
	kp_value *rc = kp_value_type(rd) == KP_MAP ? map_dup(a, rd) : mk(a, KP_MAP, c);
	kp_map_set(a, rc, "kinds", kinds);
	kp_map_set(a, c, "resources", rc);
	return c;
}

static kp_value *grf(kp_arena *a, const kp_value *blocks, const char *const *kinds, size_t nk,
		     grf_mode mode)
{
	kp_value *out = mk(a, KP_SEQ, blocks);
	for (size_t i = 0; i < blocks->u.seq.n; i++) {
		const kp_value *b = blocks->u.seq.items[i];
		if (mode == GRF_CRONJOB ||
		    contains_kind(kp_value_path(b, "resources/kinds"), "Pod"))
			kp_seq_push(a, out, with_kinds(a, b, gvk_list(a, kinds, nk, b)));
		else
			kp_seq_push(a, out, (kp_value *)b);
	}
	return out;
}

static kp_value *rewrite_filters(kp_arena *a, const kp_value *m, const char *const *kinds,
				 size_t nk, grf_mode mode, bool is_exclude)
{
	kp_value *c = kp_value_type(m) == KP_MAP ? map_dup(a, m) : mk(a, KP_MAP, m);
	const kp_value *any = kp_value_get(c, "any"), *all = kp_value_get(c, "all");
	if (kp_value_len(any) > 0 && any->type == KP_SEQ)
		kp_map_set(a, c, "any", grf(a, any, kinds, nk, mode));
	else if (kp_value_len(all) > 0 && all->type == KP_SEQ)
		kp_map_set(a, c, "all", grf(a, all, kinds, nk, mode));
	else if (!is_exclude || kp_value_len(kp_value_path(c, "resources/kinds")) != 0)
		c = with_kinds(a, c, gvk_list(a, kinds, nk, m));
	return c;
}

static kp_value *shifted_message(kp_arena *a, const kp_value *val, const char *shift,
				 const char *pivot)
{
	const char *msg = kp_value_str(kp_value_get(val, "message"), NULL);
	if (!msg || !*msg)
		return NULL;
	return mk_str(a, kp_autogen_shift_refs(a, msg, shift, pivot), kp_value_get(val, "message"));
}

/* a new validate map with message shifted and the failure-action fields */
static kp_value *new_validate(kp_arena *a, const kp_value *val, const char *shift,
			      const char *pivot)
{
	kp_value *nv = mk(a, KP_MAP, val);
	kp_value *msg = shifted_message(a, val, shift, pivot);
	if (msg)
		kp_map_set(a, nv, "message", msg);
	copy_key(a, nv, val, "failureAction");
	copy_key(a, nv, val, "failureActionOverrides");
	if (present(kp_value_get(val, "allowExistingViolations")))
		kp_map_set(a, nv, "allowExistingViolations",
			   (kp_value *)kp_value_get(val, "allowExistingViolations"));
	return nv;
}

/* generateRule(): NULL when the rule has nothing autogen can carry over */
static kp_value *generate_rule(kp_arena *a, const char *name, const kp_value *rule,
			       const char *tpl, const char *shift, const char *const *kinds,
			       size_t nk, grf_mode mode)
{
	if (!rule)
		return NULL;
	kp_value *r = map_dup(a, rule);
	kp_map_set(a, r, "name", mk_str(a, name, kp_value_get(rule, "name")));
	kp_map_set(a, r, "match", rewrite_filters(a, kp_value_get(rule, "match"), kinds, nk,
						  mode, false));
	const kp_value *ex = kp_value_get(rule, "exclude");
	if (present(ex))
		kp_map_set(a, r, "exclude", rewrite_filters(a, ex, kinds, nk, mode, true));

	const kp_value *mut = kp_value_get(rule, "mutate");
	if (present(mut)) {
		const kp_value *psm = kp_value_get(mut, "patchStrategicMerge");
		const kp_value *fe = kp_value_get(mut, "foreach");
		if (present(psm)) {
			kp_value *nm = mk(a, KP_MAP, mut);
			kp_map_set(a, nm, "patchStrategicMerge", wrap(a, psm, tpl));
			kp_map_set(a, r, "mutate", nm);
			return r;
		}
		if (kp_value_len(fe) > 0 && fe->type == KP_SEQ) {
			kp_value *list = mk(a, KP_SEQ, fe);
			for (size_t i = 0; i < fe->u.seq.n; i++) {
				const kp_value *f = fe->u.seq.items[i];
				kp_value *nf = mk(a, KP_MAP, f);
				copy_key(a, nf, f, "list");
				copy_key(a, nf, f, "context");
				copy_key(a, nf, f, "preconditions");
				kp_value *null = mk(a, KP_NULL, f);
				const kp_value *fp = kp_value_get(f, "patchStrategicMerge");
				kp_map_set(a, nf, "patchStrategicMerge", wrap(a, fp ? fp : null, tpl));
				kp_seq_push(a, list, nf);
			}
			kp_value *nm = mk(a, KP_MAP, mut);
			kp_map_set(a, nm, "foreach", list);
			kp_map_set(a, r, "mutate", nm);
			return r;
		}
	}
	const kp_value *val = kp_value_get(rule, "validate");
	if (present(val)) {
		const kp_value *pat = kp_value_get(val, "pattern");
		const kp_value *anyp = kp_value_get(val, "anyPattern");
		const kp_value *ps = kp_value_get(val, "podSecurity");
		const kp_value *fe = kp_value_get(val, "foreach");
		if (present(pat)) {
			kp_value *nv = new_validate(a, val, shift, "pattern");
			kp_map_set(a, nv, "pattern", wrap(a, pat, tpl));
			kp_map_set(a, r, "validate", nv);
			return r;
		}
		if (present(kp_value_get(val, "deny"))) {
			kp_value *nv = new_validate(a, val, shift, "deny");
			kp_map_set(a, nv, "deny", (kp_value *)kp_value_get(val, "deny"));
			kp_map_set(a, r, "validate", nv);
			return r;
		}
		if (present(ps)) {
			kp_value *nv = new_validate(a, val, shift, "podSecurity");
			kp_value *nps = mk(a, KP_MAP, ps);
			copy_key(a, nps, ps, "level");
			copy_key(a, nps, ps, "version");
			copy_key(a, nps, ps, "exclude");
			kp_map_set(a, nv, "podSecurity", nps);
			kp_map_set(a, r, "validate", nv);
			return r;
		}
		if (present(anyp)) {
			kp_value *nv = new_validate(a, val, shift, "anyPattern");
			kp_value *list = mk(a, KP_SEQ, anyp);
			for (size_t i = 0; anyp->type == KP_SEQ && i < anyp->u.seq.n; i++)
				kp_seq_push(a, list, wrap(a, anyp->u.seq.items[i], tpl));
			kp_map_set(a, nv, "anyPattern", list);
			kp_map_set(a, r, "validate", nv);
			return r;
		}
		if (kp_value_len(fe) > 0) {
			kp_value *nv = new_validate(a, val, shift, "pattern");
			kp_map_set(a, nv, "foreach", (kp_value *)fe);
			kp_map_set(a, r, "validate", nv);
			return r;
		}
		if (present(kp_value_get(val, "cel")))
			return r;
		const kp_value *as = kp_value_get(val, "assert");
		if (present(as)) {
			kp_value *nv = map_dup(a, val);
			kp_value *na = kp_value_type(as) == KP_MAP ? map_dup(a, as) : (kp_value *)as;
			static const char *const nodes[] = {"object", "oldObject"};
			for (size_t i = 0; i < 2 && na->type == KP_MAP; i++) {
				const kp_value *o = kp_value_get(as, nodes[i]);
				if (kp_value_type(o) == KP_MAP)
					kp_map_set(a, na, nodes[i], wrap(a, o, tpl));
			}
			kp_map_set(a, nv, "assert", na);
			kp_map_set(a, r, "validate", nv);
			return r;
		}
	}
	if (present(kp_value_get(rule, "verifyImages")))
		return r;
	return NULL;
}

static int strcmp_ptr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* split on ',' and sort (splitKinds) */
static size_t split_kinds(kp_arena *a, const char *s, const char ***out)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	const char **v = kp_arena_alloc(a, sizeof(char *) * (n + 1));
	size_t i = 0;
	for (const char *p = s;; ) {
		const char *c = strchr(p, ',');
		v[i++] = kp_arena_strndup(a, p, c ? (size_t)(c - p) : strlen(p));
		if (!c)
			break;
		p = c + 1;
	}
	qsort(v, n, sizeof *v, strcmp_ptr);
	*out = v;
	return n;
}

/* stripCronJob */
static const char *strip_cronjob(kp_arena *a, const char *controllers)
{
	const char **k;
	size_t n = split_kinds(a, controllers, &k);
	char *out = kp_arena_strdup(a, "");
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(k[i], "CronJob"))
			continue;
		out = kp_arena_printf(a, "%s%s%s", out, first ? "" : ",", k[i]);
		first = false;
	}
	return out;
}

static const char *rule_name(const kp_value *rule)
{
	const char *n = kp_value_str(kp_value_get(rule, "name"), NULL);
	return n ? n : "";
}

/* generateRuleForControllers */
static kp_value *gen_for_controllers(kp_arena *a, const kp_value *rule,
				     const char *controllers)
{
	if (kp_autogen_is_name(rule_name(rule)) || !*controllers)
		return NULL;
	const kp_value *ex = kp_value_get(rule, "exclude");
	kp_value *mk_kinds = get_kinds(a, kp_value_get(rule, "match"));
	kp_value *ex_kinds = present(ex) ? get_kinds(a, ex) : NULL;
	if (!contains_kind(mk_kinds, "Pod") ||
	    (kp_value_len(ex_kinds) != 0 && !contains_kind(ex_kinds, "Pod")))
		return NULL;
	static const char *const valid[] = {
		"DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet",
		"ReplicationController",
	};
	if (!strcmp(controllers, "all")) {
		controllers = "DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController";
	} else if (strcmp(controllers, "none")) {
		const char **k;
		size_t n = split_kinds(a, controllers, &k);
		char *validated = NULL;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < sizeof valid / sizeof *valid; j++)
				if (!strcmp(k[i], valid[j]))
					validated = validated ? kp_arena_printf(a, "%s,%s", validated, k[i])
							      : kp_arena_strdup(a, k[i]);
		if (validated)
			controllers = validated;
	}
	const char **kinds;
	size_t nk = split_kinds(a, controllers, &kinds);
	return generate_rule(a, kp_autogen_rule_name(a, "autogen", rule_name(rule)), rule,
			     "template", "spec/template", kinds, nk, GRF_POD);
}

/* createRule + convertRule: keep the fields a generated rule carries, deep
 * copy them and apply the text rewrite. */
static kp_value *finalize(kp_arena *a, const kp_value *g, bool cron)
{
	static const char *const keys[] = {
		"name", "match", "exclude", "context", "celPreconditions", "preconditions",
		"mutate", "validate", "verifyImages", "skipBackgroundRequests",
	};
	kp_value *out = mk(a, KP_MAP, g);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const kp_value *v = kp_value_get(g, keys[i]);
		if (given(v) || (kp_value_type(v) == KP_BOOL))
			kp_map_set(a, out, keys[i], kp_value_copy(a, v));
	}
	bool cel = present(kp_value_path(out, "validate/cel"));
	rewrite_tree(a, out, cron, cel);
	return out;
}

/* the controller string ComputeRules hands to generateRules, or NULL for
 * no generation */
static const char *controllers_for(kp_arena *a, const kp_value *rules, const char *annotation)
{
	if (!kp_autogen_can(rules))
		return NULL;
	if (!annotation)
		return all_controllers;
	/* a set: split on ',', duplicates removed (order does not matter
	 * below: every use sorts or searches it) */
	const char **k;
	size_t n = split_kinds(a, annotation, &k);
	char *out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !strcmp(k[i], k[i - 1]))
			continue;
		out = out ? kp_arena_printf(a, "%s,%s", out, k[i]) : kp_arena_strdup(a, k[i]);
	}
	if (!strcmp(out, "none"))
		return NULL;
	return out;
}

size_t kp_autogen_compute(kp_arena *a, const kp_value *rules, const char *annotation,
			  kp_autogen_item **out)
{
	size_t n0 = kp_value_len(rules);
	const char *controllers = controllers_for(a, rules, annotation);
	kp_autogen_item *gen = kp_arena_alloc(a, sizeof(*gen) * (2 * n0 + 1));
	size_t ng = 0;
	if (controllers) {
		const char *pod_ctrl = strip_cronjob(a, controllers);
		bool cron = strstr(controllers, "CronJob") || strstr(controllers, "all");
		for (size_t i = 0; i < n0; i++) {
			const kp_value *r = kp_value_at(rules, i);
			kp_value *g = gen_for_controllers(a, r, pod_ctrl);
			if (g) {
				gen[ng].rule = finalize(a, g, false);
				gen[ng].kind = KP_AUTOGEN_CONTROLLERS;
				gen[ng++].base = rule_name(r);
			}
			if (!cron)
				continue;
			static const char *const cronjob[] = {"CronJob"};
			kp_value *c = generate_rule(a, kp_autogen_rule_name(a, "autogen-cronjob", rule_name(r)),
						    gen_for_controllers(a, r, controllers), "jobTemplate",
						    "spec/jobTemplate/spec/template", cronjob, 1,
						    GRF_CRONJOB);
			if (c) {
				gen[ng].rule = finalize(a, c, true);
				gen[ng].kind = KP_AUTOGEN_CRONJOB;
				gen[ng++].base = rule_name(r);
			}
		}
	}
	kp_autogen_item *items = kp_arena_alloc(a, sizeof(*items) * (n0 + ng + 1));
	size_t n = 0;
	for (size_t i = 0; i < n0; i++) {
		const kp_value *r = kp_value_at(rules, i);
		if (ng && kp_autogen_is_name(rule_name(r)))
			continue;
		items[n].rule = r;
		items[n].kind = KP_AUTOGEN_NONE;
		items[n++].base = NULL;
	}
	for (size_t i = 0; i < ng; i++)
		items[n++] = gen[i];
	*out = items;
	return n;
}
