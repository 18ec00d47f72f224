/* pss/checks.c - the Pod Security Standards checks of Kyverno's
 * pod-security-admission fork (policy/check_*.go), each with its versions,
 * forbidden reason and field errors (../shared/docs/pod-security.md
 * section 3).  Fields that differ only by path and allowed values are
 * table rows (simple_fields); the rest are small functions. */
#include "pss/pss.h"

#include <stdlib.h>
#include <string.h>

const char *const kp_pss_ctr_kinds[3] = {"initContainers", "containers", "ephemeralContainers"};

/* ---- evaluation context: the field errors of one check ---- */

typedef struct cx {
	kp_arena *a;
	unsigned ver;                 /* index into the check's versions */
	kp_pss_ferr *errs;
	size_t n, cap;
	const kp_value *node;         /* first offending node */
	const char *decode;           /* first decoding error */
	bool hit;                     /* failing without field errors */
} cx;

static kp_pss_ferr *add(cx *c, bool required, const char *field,
			const kp_pss_ctr *ctr, const kp_value *node)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 4;
		kp_pss_ferr *ne = kp_arena_alloc(c->a, nc * sizeof(*ne));
		if (c->n)
			memcpy(ne, c->errs, c->n * sizeof(*ne));
		c->errs = ne;
		c->cap = nc;
	}
	kp_pss_ferr *e = &c->errs[c->n++];
	memset(e, 0, sizeof *e);
	e->required = required;
	e->field = field;
	e->container = ctr ? ctr->name : NULL;
	e->node = node;
	if (!c->node)
		c->node = node;
	return e;
}

static void bad_str(kp_pss_ferr *e, const kp_value *v)
{
	const char *s = kp_value_str(v, NULL);
	if (s && *s) {
		e->bad = KP_PSS_BAD_STRING;
		e->str = s;
	}
}

static void bad_text(kp_pss_ferr *e, const char *s)
{
	if (s && *s) {
		e->bad = KP_PSS_BAD_STRING;
		e->str = s;
	}
}

static const char *json_type(const kp_value *v)
{
	switch (kp_value_type(v)) {
	case KP_BOOL: return "bool";
	case KP_INT: case KP_FLOAT: return "number";
	case KP_STRING: return "string";
	case KP_SEQ: return "array";
	case KP_MAP: return "object";
	default: return "null";
	}
}

static const char *go_type(kp_type t)
{
	switch (t) {
	case KP_BOOL: return "bool";
	case KP_INT: return "int";
	case KP_STRING: return "string";
	case KP_SEQ: return "slice";
	default: return "struct";
	}
}

/* The value of key k of map m when present and not null, checked against
 * the type the Kubernetes struct field has; a mismatch is a decoding error
 * (as json.Unmarshal into corev1.Pod) and reads as absent. */
static const kp_value *get(cx *c, const kp_value *m, const char *k, kp_type t,
			   const char *field)
{
	const kp_value *v = kp_value_get(m, k);
	if (kp_value_type(v) == KP_NULL)
		return NULL;
	if (v->type != t) {
		if (!c->decode)
			c->decode = kp_arena_printf(c->a,
				"json: cannot unmarshal %s into Go struct field %s of type %s",
				json_type(v), field, go_type(t));
		return NULL;
	}
	return v;
}

static const char *cpath(cx *c, const kp_pss_ctr *ctr, const char *rest)
{
	return kp_arena_printf(c->a, "spec.%s[%zu].%s", kp_pss_ctr_kinds[ctr->kind],
			       ctr->index, rest);
}

static const kp_value *ctr_sc(cx *c, const kp_pss_ctr *ctr)
{
	return ctr->c ? get(c, ctr->c, "securityContext", KP_MAP,
			    cpath(c, ctr, "securityContext")) : NULL;
}

static const kp_value *pod_sc(cx *c, const kp_pss_pod *p)
{
	return get(c, p->spec, "securityContext", KP_MAP, "spec.securityContext");
}

static bool in_set(const char *s, const char *const *set)
{
	for (; set && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* spec.os.name == windows: the restricted checks' Linux-only exemption (1.25) */
static bool windows_pod(cx *c, const kp_pss_pod *p)
{
	const kp_value *os = get(c, p->spec, "os", KP_MAP, "spec.os");
	const kp_value *n = get(c, os, "name", KP_STRING, "spec.os.name");
	return n && kp_value_str_eq(n, "windows");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* sorted, without duplicates (a Go sets.String's List()) */
static size_t sort_unique(const char **v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_str);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i], v[k - 1]))
			v[k++] = v[i];
	return k;
}

/* ---- table-driven fields ---- */

typedef enum ftest {
	F_TRUE,          /* bool field: true is forbidden */
	F_NOT_IN,        /* string field: a value outside `allowed` is forbidden */
	F_NONEMPTY,      /* string field: any non-empty value is forbidden */
	F_ZERO           /* integer field: 0 is forbidden */
} ftest;

/* One restricted field: under `parent` (securityContext-relative keys, ""
 * for securityContext itself), key `leaf`.  `leaf_ptr`: an absent leaf is
 * allowed (a Go pointer field); otherwise an absent leaf reads as its zero
 * value when the parent is present. */
typedef struct simple_field {
	bool container;
	const char *parent;         /* "seLinuxOptions", "" */
	const char *leaf;
	ftest test;
	bool leaf_ptr;
	const char *const *allowed[4]; /* per version of the check */
} simple_field;

static const char *const seccomp_ok[] = {"RuntimeDefault", "Localhost", NULL};
static const char *const apparmor_ok[] = {"RuntimeDefault", "Localhost", NULL};
static const char *const procmount_ok[] = {"Default", NULL};
static const char *const selinux_1_0[] = {"", "container_t", "container_init_t",
					  "container_kvm_t", NULL};
static const char *const selinux_1_31[] = {"", "container_t", "container_init_t",
					   "container_kvm_t", "container_engine_t", NULL};

#define SEL(ctr, leaf) {ctr, "seLinuxOptions", leaf, F_NONEMPTY, false, {0}}
static const simple_field selinux_fields[] = {
	{false, "seLinuxOptions", "type", F_NOT_IN, false, {selinux_1_0, selinux_1_31}},
	SEL(false, "user"), SEL(false, "role"),
	{true, "seLinuxOptions", "type", F_NOT_IN, false, {selinux_1_0, selinux_1_31}},
	SEL(true, "user"), SEL(true, "role"),
	{0},
};
static const simple_field hostprocess_fields[] = {
	{false, "windowsOptions", "hostProcess", F_TRUE, true, {0}},
	{true, "windowsOptions", "hostProcess", F_TRUE, true, {0}},
	{0},
};
static const simple_field privileged_fields[] = {
	{true, "", "privileged", F_TRUE, true, {0}},
	{0},
};
static const simple_field procmount_fields[] = {
	{true, "", "procMount", F_NOT_IN, true, {procmount_ok}},
	{0},
};
static const simple_field runasuser_fields[] = {
	{false, "", "runAsUser", F_ZERO, true, {0}},
	{true, "", "runAsUser", F_ZERO, true, {0}},
	{0},
};
/* seccompProfile_baseline from 1.19 (version index 1) */
static const simple_field seccomp_fields[] = {
	{false, "seccompProfile", "type", F_NOT_IN, false, {NULL, seccomp_ok}},
	{true, "seccompProfile", "type", F_NOT_IN, false, {NULL, seccomp_ok}},
	{0},
};
static const simple_field apparmor_fields[] = {
	{false, "appArmorProfile", "type", F_NOT_IN, false, {apparmor_ok}},
	{true, "appArmorProfile", "type", F_NOT_IN, false, {apparmor_ok}},
	{0},
};

static const char *const *allowed_at(const simple_field *f, unsigned ver)
{
	while (ver > 0 && !f->allowed[ver])
		ver--;
	return f->allowed[ver];
}

static void simple_one(cx *c, const simple_field *f, const kp_value *sc,
		       const char *base, const kp_pss_ctr *ctr)
{
	const kp_value *parent = sc;
	const char *pfield = base;
	if (*f->parent) {
		pfield = kp_arena_printf(c->a, "%s.%s", base, f->parent);
		parent = get(c, sc, f->parent, KP_MAP, pfield);
	}
	if (!parent)
		return;
	const char *field = kp_arena_printf(c->a, "%s.%s", pfield, f->leaf);
	kp_type t = f->test == F_TRUE ? KP_BOOL : f->test == F_ZERO ? KP_INT : KP_STRING;
	const kp_value *v = get(c, parent, f->leaf, t, field);
	if (!v && f->leaf_ptr)
		return;
	kp_pss_ferr *e;
	switch (f->test) {
	case F_TRUE:
		if (!kp_value_bool(v))
			return;
		e = add(c, false, field, ctr, v);
		e->bad = KP_PSS_BAD_BOOL;
		e->b = true;
		return;
	case F_ZERO:
		if (kp_value_int(v) != 0)
			return;
		e = add(c, false, field, ctr, v);
		e->bad = KP_PSS_BAD_INT;
		e->i = 0;
		return;
	case F_NONEMPTY:
		if (!v || !*kp_value_str(v, NULL))
			return;
		bad_str(add(c, false, field, ctr, v), v);
		return;
	case F_NOT_IN: {
		const char *s = v ? kp_value_str(v, NULL) : "";
		if (in_set(s, allowed_at(f, c->ver)))
			return;
		bad_str(add(c, false, field, ctr, v ? v : parent), v);
		return;
	}
	}
}

/* Pod-level rows first, then each container (in visit order) with its rows. */
static void simple_fields(cx *c, const kp_pss_pod *p, const simple_field *rows)
{
	const kp_value *psc = pod_sc(c, p);
	for (const simple_field *f = rows; f->leaf; f++)
		if (!f->container && psc)
			simple_one(c, f, psc, "spec.securityContext", NULL);
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *sc = ctr_sc(c, ctr);
		if (!sc)
			continue;
		const char *base = cpath(c, ctr, "securityContext");
		for (const simple_field *f = rows; f->leaf; f++)
			if (f->container)
				simple_one(c, f, sc, base, ctr);
	}
}

/* ---- checks ---- */

static void chk_allow_priv_esc(cx *c, const kp_pss_pod *p)
{
	if (c->ver >= 1 && windows_pod(c, p))
		return;
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *sc = ctr_sc(c, ctr);
		const char *field = cpath(c, ctr, "securityContext.allowPrivilegeEscalation");
		if (!sc) {
			add(c, true, field, ctr, ctr->c);
			continue;
		}
		const kp_value *v = get(c, sc, "allowPrivilegeEscalation", KP_BOOL, field);
		if (!v) {
			bad_text(add(c, false, field, ctr, sc), "nil");
		} else if (kp_value_bool(v)) {
			kp_pss_ferr *e = add(c, false, field, ctr, v);
			e->bad = KP_PSS_BAD_BOOL;
			e->b = true;
		}
	}
}

static bool apparmor_annotation_ok(const char *v)
{
	return !*v || !strcmp(v, "runtime/default") || !strncmp(v, "localhost/", 10);
}

/* annotations whose key starts with `prefix` and whose value fails ok(),
 * sorted by key, as Forbidden metadata.annotations[<key>] errors */
static void bad_annotations(cx *c, const kp_pss_pod *p, const char *prefix,
			    bool (*ok)(const char *))
{
	const kp_value *ann = get(c, p->meta, "annotations", KP_MAP, "metadata.annotations");
	size_t n = kp_value_len(ann), k = 0;
	const char **keys = kp_arena_alloc(c->a, (n + 1) * sizeof(*keys));
	for (size_t i = 0; i < n; i++) {
		const char *key = kp_value_str(kp_value_key_at(ann, i), NULL);
		const kp_value *v = kp_value_val_at(ann, i);
		if (strncmp(key, prefix, strlen(prefix)))
			continue;
		const char *f = kp_arena_printf(c->a, "metadata.annotations[%s]", key);
		if (kp_value_type(v) != KP_STRING) {
			if (kp_value_type(v) != KP_NULL && !c->decode)
				c->decode = kp_arena_printf(c->a,
					"json: cannot unmarshal %s into Go struct field %s of type string",
					json_type(v), f);
			continue;
		}
		if (!ok(kp_value_str(v, NULL)))
			keys[k++] = key;
	}
	qsort(keys, k, sizeof *keys, cmp_str);
	for (size_t i = 0; i < k; i++) {
		const kp_value *v = kp_value_get(ann, keys[i]);
		kp_pss_ferr *e = add(c, false,
				     kp_arena_printf(c->a, "metadata.annotations[%s]", keys[i]),
				     NULL, v);
		bad_str(e, v);
	}
}

static void chk_apparmor(cx *c, const kp_pss_pod *p)
{
	simple_fields(c, p, apparmor_fields);
	bad_annotations(c, p, "container.apparmor.security.beta.kubernetes.io/",
			apparmor_annotation_ok);
}

/* the capability names of caps (a list of strings) for which keep() is false */
static size_t caps_outside(cx *c, const kp_value *caps, const char *field,
			   bool (*keep)(const char *), const char ***out)
{
	size_t n = kp_value_len(caps), k = 0;
	const char **v = kp_arena_alloc(c->a, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const kp_value *it = kp_value_at(caps, i);
		if (kp_value_type(it) != KP_STRING) {
			if (!c->decode)
				c->decode = kp_arena_printf(c->a,
					"json: cannot unmarshal %s into Go struct field %s of type string",
					json_type(it), field);
			continue;
		}
		if (!keep(kp_value_str(it, NULL)))
			v[k++] = kp_value_str(it, NULL);
	}
	*out = v;
	return sort_unique(v, k);
}

static bool cap_baseline_ok(const char *s)
{
	static const char *const ok[] = {
		"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
		"MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP",
		"SETUID", "SYS_CHROOT", NULL};
	return in_set(s, ok);
}

static bool cap_restricted_ok(const char *s)
{
	return !strcmp(s, "NET_BIND_SERVICE");
}

static bool is_all(const char *s)
{
	return !strcmp(s, "ALL");
}

static const kp_value *ctr_caps(cx *c, const kp_pss_ctr *ctr, const kp_value *sc)
{
	return get(c, sc, "capabilities", KP_MAP,
		   cpath(c, ctr, "securityContext.capabilities"));
}

static void bad_caps(cx *c, const kp_pss_ctr *ctr, const kp_value *caps,
		     const char *which, bool (*keep)(const char *))
{
	const char *field = cpath(c, ctr, kp_arena_printf(c->a,
				  "securityContext.capabilities.%s", which));
	const kp_value *list = get(c, caps, which, KP_SEQ, field);
	const char **bad;
	size_t nb = caps_outside(c, list, field, keep, &bad);
	if (!nb)
		return;
	kp_pss_ferr *e = add(c, false, field, ctr, list);
	e->bad = KP_PSS_BAD_LIST;
	e->list = bad;
	e->n_list = nb;
}

static void chk_caps_baseline(cx *c, const kp_pss_pod *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *caps = ctr_caps(c, ctr, ctr_sc(c, ctr));
		if (caps)
			bad_caps(c, ctr, caps, "add", cap_baseline_ok);
	}
}

/* drop errors for every container first, then add errors */
static void chk_caps_restricted(cx *c, const kp_pss_pod *p)
{
	if (c->ver >= 1 && windows_pod(c, p))
		return;
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *sc = ctr_sc(c, ctr);
		const kp_value *caps = ctr_caps(c, ctr, sc);
		const char *field = cpath(c, ctr, "securityContext.capabilities.drop");
		const kp_value *drop = get(c, caps, "drop", KP_SEQ, field);
		if (!kp_value_len(drop)) {
			add(c, true, field, ctr, caps ? caps : sc ? sc : ctr->c);
			continue;
		}
		bool has_all = false;
		for (size_t k = 0; k < kp_value_len(drop); k++)
			has_all |= kp_value_str_eq(kp_value_at(drop, k), "ALL");
		if (has_all)
			continue;
		/* no ALL: the error lists the sorted drop list */
		const char **all;
		size_t na = caps_outside(c, drop, field, is_all, &all);
		kp_pss_ferr *e = add(c, false, field, ctr, drop);
		e->bad = KP_PSS_BAD_LIST;
		e->list = all;
		e->n_list = na;
	}
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *caps = ctr_caps(c, ctr, ctr_sc(c, ctr));
		if (caps)
			bad_caps(c, ctr, caps, "add", cap_restricted_ok);
	}
}

static void chk_host_namespaces(cx *c, const kp_pss_pod *p)
{
	static const char *const keys[] = {"hostNetwork", "hostPID", "hostIPC"};
	for (size_t i = 0; i < 3; i++) {
		const char *field = kp_arena_printf(c->a, "spec.%s", keys[i]);
		const kp_value *v = get(c, p->spec, keys[i], KP_BOOL, field);
		if (kp_value_bool(v)) {
			kp_pss_ferr *e = add(c, false, field, NULL, v);
			e->bad = KP_PSS_BAD_BOOL;
			e->b = true;
		}
	}
}

static const kp_value *volumes(cx *c, const kp_pss_pod *p)
{
	return get(c, p->spec, "volumes", KP_SEQ, "spec.volumes");
}

/* Item i of a list of structs; anything but a mapping (or null) does not
 * decode. */
static const kp_value *item_at(cx *c, const kp_value *list, size_t i, const char *field)
{
	const kp_value *v = kp_value_at(list, i);
	if (kp_value_type(v) != KP_MAP) {
		if (kp_value_type(v) != KP_NULL && !c->decode)
			c->decode = kp_arena_printf(c->a,
				"json: cannot unmarshal %s into Go struct field %s of type struct",
				json_type(v), field);
		return NULL;
	}
	return v;
}

static void chk_hostpath(cx *c, const kp_pss_pod *p)
{
	const kp_value *vols = volumes(c, p);
	for (size_t i = 0; i < kp_value_len(vols); i++) {
		const kp_value *v = item_at(c, vols, i, "spec.volumes");
		const char *field = kp_arena_printf(c->a, "spec.volumes[%zu].hostPath", i);
		const kp_value *hp = get(c, v, "hostPath", KP_MAP, field);
		if (!hp)
			continue;
		const kp_value *path = get(c, hp, "path", KP_STRING,
					   kp_arena_printf(c->a, "%s.path", field));
		bad_str(add(c, false, field, NULL, hp), path);
	}
}

static void chk_host_ports(cx *c, const kp_pss_pod *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *ports = ctr->c ? get(c, ctr->c, "ports", KP_SEQ,
						     cpath(c, ctr, "ports")) : NULL;
		for (size_t j = 0; j < kp_value_len(ports); j++) {
			const char *field = cpath(c, ctr, kp_arena_printf(c->a, "ports[%zu].hostPort", j));
			const kp_value *port = item_at(c, ports, j, cpath(c, ctr, "ports"));
			const kp_value *hp = get(c, port, "hostPort", KP_INT, field);
			if (!kp_value_int(hp))
				continue;
			kp_pss_ferr *e = add(c, false, field, ctr, hp);
			e->bad = KP_PSS_BAD_INT;
			e->i = kp_value_int(hp);
		}
	}
}

/* a probe / lifecycle handler with httpGet.host or tcpSocket.host set */
static void probe_hosts(cx *c, const kp_pss_ctr *ctr, const kp_value *h, const char *where)
{
	static const char *const kinds[] = {"httpGet", "tcpSocket"};
	for (size_t k = 0; k < 2; k++) {
		const char *f = cpath(c, ctr, kp_arena_printf(c->a, "%s.%s", where, kinds[k]));
		const kp_value *m = get(c, h, kinds[k], KP_MAP, f);
		const kp_value *host = get(c, m, "host", KP_STRING,
					   kp_arena_printf(c->a, "%s.host", f));
		if (host && *kp_value_str(host, NULL)) {
			c->hit = true;
			if (!c->node)
				c->node = host;
		}
	}
}

/* no field errors: the fork reports none for this check */
static void chk_host_probes(cx *c, const kp_pss_pod *p)
{
	static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		if (!ctr->c)
			continue;
		for (size_t k = 0; k < 3; k++)
			probe_hosts(c, ctr, get(c, ctr->c, probes[k], KP_MAP,
						cpath(c, ctr, probes[k])), probes[k]);
		const kp_value *lc = get(c, ctr->c, "lifecycle", KP_MAP, cpath(c, ctr, "lifecycle"));
		probe_hosts(c, ctr, get(c, lc, "postStart", KP_MAP,
					cpath(c, ctr, "lifecycle.postStart")), "lifecycle.postStart");
		probe_hosts(c, ctr, get(c, lc, "preStop", KP_MAP,
					cpath(c, ctr, "lifecycle.preStop")), "lifecycle.preStop");
	}
}

static void chk_privileged(cx *c, const kp_pss_pod *p)
{
	simple_fields(c, p, privileged_fields);
}

static void chk_proc_mount(cx *c, const kp_pss_pod *p)
{
	simple_fields(c, p, procmount_fields);
}

static void chk_restricted_volumes(cx *c, const kp_pss_pod *p)
{
	static const char *const allowed[] = {
		"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
		"persistentVolumeClaim", "projected", "secret", NULL};
	/* the order in which the fork names a forbidden source */
	static const char *const named[] = {
		"hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",
		"nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs",
		"flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
		"photonPersistentDisk", "portworxVolume", "scaleIO", "storageos", NULL};
	const kp_value *vols = volumes(c, p);
	for (size_t i = 0; i < kp_value_len(vols); i++) {
		const kp_value *v = item_at(c, vols, i, "spec.volumes");
		if (!v)
			continue;
		const char *vf = kp_arena_printf(c->a, "spec.volumes[%zu]", i);
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = get(c, v, *a, KP_MAP, vf) != NULL;
		if (ok)
			continue;
		const char *src = "unknown";
		const kp_value *node = NULL;
		for (const char *const *n = named; *n; n++)
			if ((node = get(c, v, *n, KP_MAP, vf))) {
				src = *n;
				break;
			}
		if (!node)
			node = v;
		add(c, false, kp_arena_printf(c->a, "spec.volumes[%zu].%s", i, src), NULL, node);
	}
}

/* Errors: pod false, explicit container false, then Required for unset
 * containers when the pod level is not true (check_runAsNonRoot.go). */
static void chk_run_as_non_root(cx *c, const kp_pss_pod *p)
{
	const kp_value *psc = pod_sc(c, p);
	const kp_value *pv = get(c, psc, "runAsNonRoot", KP_BOOL,
				 "spec.securityContext.runAsNonRoot");
	bool pod_true = pv && kp_value_bool(pv);
	if (pv && !pod_true) {
		kp_pss_ferr *e = add(c, false, "spec.securityContext.runAsNonRoot", NULL, pv);
		e->bad = KP_PSS_BAD_BOOL;
	}
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const char *field = cpath(c, ctr, "securityContext.runAsNonRoot");
		const kp_value *v = get(c, ctr_sc(c, ctr), "runAsNonRoot", KP_BOOL, field);
		if (v && !kp_value_bool(v)) {
			kp_pss_ferr *e = add(c, false, field, ctr, v);
			e->bad = KP_PSS_BAD_BOOL;
		}
	}
	if (pod_true)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const char *field = cpath(c, ctr, "securityContext.runAsNonRoot");
		const kp_value *sc = ctr_sc(c, ctr);
		if (!get(c, sc, "runAsNonRoot", KP_BOOL, field))
			add(c, true, field, ctr, sc ? sc : ctr->c);
	}
}

static void chk_run_as_user(cx *c, const kp_pss_pod *p)
{
	simple_fields(c, p, runasuser_fields);
}

static void chk_selinux(cx *c, const kp_pss_pod *p)
{
	simple_fields(c, p, selinux_fields);
}

static bool seccomp_annotation_ok(const char *v)
{
	return !strcmp(v, "runtime/default") || !strcmp(v, "docker/default") ||
	       !strncmp(v, "localhost/", 10);
}

static void chk_seccomp_baseline(cx *c, const kp_pss_pod *p)
{
	if (c->ver >= 1) {
		simple_fields(c, p, seccomp_fields);
		return;
	}
	/* 1.0: the pre-1.19 annotations (pod, then per container name) */
	const kp_value *ann = get(c, p->meta, "annotations", KP_MAP, "metadata.annotations");
	const char *pk = "seccomp.security.alpha.kubernetes.io/pod";
	const kp_value *v = kp_value_get(ann, pk);
	if (kp_value_type(v) == KP_STRING && !seccomp_annotation_ok(kp_value_str(v, NULL)))
		bad_str(add(c, false, kp_arena_printf(c->a, "metadata.annotations[%s]", pk),
			    NULL, v), v);
	for (size_t i = 0; i < p->n; i++) {
		const char *key = kp_arena_printf(c->a, "container.seccomp.security.alpha.kubernetes.io/%s",
						  p->ctrs[i].name);
		v = kp_value_get(ann, key);
		if (kp_value_type(v) == KP_STRING && !seccomp_annotation_ok(kp_value_str(v, NULL)))
			bad_str(add(c, false, kp_arena_printf(c->a, "metadata.annotations[%s]", key),
				    NULL, v), v);
	}
}

static bool seccomp_type_ok(const kp_value *prof, const kp_value **type)
{
	*type = kp_value_get(prof, "type");
	return in_set(kp_value_type(*type) == KP_STRING ? kp_value_str(*type, NULL) : "",
		      seccomp_ok);
}

/* Bad types are reported first and alone; otherwise Required for every
 * container without a profile while the pod has no valid one. */
static void chk_seccomp_restricted(cx *c, const kp_pss_pod *p)
{
	if (c->ver >= 1 && windows_pod(c, p))
		return;
	const kp_value *psc = pod_sc(c, p), *t;
	const kp_value *pprof = get(c, psc, "seccompProfile", KP_MAP,
				    "spec.securityContext.seccompProfile");
	bool pod_ok = false;
	if (pprof) {
		get(c, pprof, "type", KP_STRING, "spec.securityContext.seccompProfile.type");
		if (seccomp_type_ok(pprof, &t))
			pod_ok = true;
		else
			bad_str(add(c, false, "spec.securityContext.seccompProfile.type", NULL,
				    t ? t : pprof), t);
	}
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const char *field = cpath(c, ctr, "securityContext.seccompProfile");
		const kp_value *prof = get(c, ctr_sc(c, ctr), "seccompProfile", KP_MAP, field);
		if (!prof)
			continue;
		field = cpath(c, ctr, "securityContext.seccompProfile.type");
		get(c, prof, "type", KP_STRING, field);
		if (!seccomp_type_ok(prof, &t))
			bad_str(add(c, false, field, ctr, t ? t : prof), t);
	}
	if (c->n || pod_ok)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const kp_pss_ctr *ctr = &p->ctrs[i];
		const kp_value *sc = ctr_sc(c, ctr);
		if (kp_value_type(kp_value_get(sc, "seccompProfile")) != KP_MAP)
			add(c, true, cpath(c, ctr, "securityContext.seccompProfile.type"), ctr,
			    sc ? sc : ctr->c);
	}
}

static void chk_sysctls(cx *c, const kp_pss_pod *p)
{
	static const char *const v1_0[] = {
		"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
		"net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
		"net.ipv4.ip_unprivileged_port_start", NULL};
	static const char *const v1_27[] = {"net.ipv4.ip_local_reserved_ports", NULL};
	static const char *const v1_29[] = {
		"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
		"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", NULL};
	static const char *const v1_32[] = {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", NULL};
	static const char *const *const sets[] = {v1_0, v1_27, v1_29, v1_32};
	const kp_value *sys = get(c, pod_sc(c, p), "sysctls", KP_SEQ,
				  "spec.securityContext.sysctls");
	for (size_t i = 0; i < kp_value_len(sys); i++) {
		const char *field = kp_arena_printf(c->a, "spec.securityContext.sysctls[%zu].name", i);
		const kp_value *n = get(c, item_at(c, sys, i, "spec.securityContext.sysctls"),
					"name", KP_STRING, field);
		const char *name = n ? kp_value_str(n, NULL) : "";
		bool ok = false;
		for (unsigned s = 0; s <= c->ver && !ok; s++)
			ok = in_set(name, sets[s]);
		if (!ok)
			bad_str(add(c, false, field, NULL, n ? n : kp_value_at(sys, i)), n);
	}
}

static void chk_host_process(cx *c, const kp_pss_pod *p)
{
	simple_fields(c, p, hostprocess_fields);
}

/* ---- the registry ---- */

typedef struct check_def {
	const char *id, *control, *reason;
	bool restricted;
	unsigned versions[4];        /* minimum minors, ascending, 0-terminated after the first */
	void (*run)(cx *c, const kp_pss_pod *p);
} check_def;

static const check_def checks[KP_PSS_N_CHECKS] = {
	{"allowPrivilegeEscalation", "Privilege Escalation", "allowPrivilegeEscalation != false",
	 true, {8, 25}, chk_allow_priv_esc},
	{"appArmorProfile", "AppArmor", "forbidden AppArmor profile", false, {0}, chk_apparmor},
	{"capabilities_baseline", "Capabilities", "non-default capabilities", false, {0},
	 chk_caps_baseline},
	{"capabilities_restricted", "Capabilities", "unrestricted capabilities", true, {22, 25},
	 chk_caps_restricted},
	{"hostNamespaces", "Host Namespaces", "host namespaces", false, {0}, chk_host_namespaces},
	{"hostPathVolumes", "HostPath Volumes", "hostPath volumes", false, {0}, chk_hostpath},
	{"hostPorts", "Host Ports", "hostPort", false, {0}, chk_host_ports},
	{"hostProbesAndHostLifecycle", "", "probe or lifecycle host", false, {34},
	 chk_host_probes},
	{"privileged", "Privileged Containers", "privileged", false, {0}, chk_privileged},
	{"procMount", "/proc Mount Type", "procMount", false, {0}, chk_proc_mount},
	{"restrictedVolumes", "Volume Types", "restricted volume types", true, {0},
	 chk_restricted_volumes},
	{"runAsNonRoot", "Running as Non-root", "runAsNonRoot != true", true, {0},
	 chk_run_as_non_root},
	{"runAsUser", "Running as Non-root user", "runAsUser=0", true, {23}, chk_run_as_user},
	{"seLinuxOptions", "SELinux", "seLinuxOptions", false, {0, 31}, chk_selinux},
	{"seccompProfile_baseline", "Seccomp", "seccompProfile", false, {0, 19},
	 chk_seccomp_baseline},
	{"seccompProfile_restricted", "Seccomp", "seccompProfile", true, {19, 25},
	 chk_seccomp_restricted},
	{"sysctls", "Sysctls", "forbidden sysctls", false, {0, 27, 29, 32}, chk_sysctls},
	{"windowsHostProcess", "HostProcess", "hostProcess", false, {0}, chk_host_process},
};

const char *kp_pss_check_id(kp_pss_check c)
{
	return c < KP_PSS_N_CHECKS ? checks[c].id : "";
}

const char *kp_pss_control_name(kp_pss_check c)
{
	return c < KP_PSS_N_CHECKS ? checks[c].control : "";
}

bool kp_pss_check_restricted(kp_pss_check c)
{
	return c < KP_PSS_N_CHECKS && checks[c].restricted;
}

/* The version a check runs at: its first, or a later one whose minimum
 * the requested version reaches (pod-security.md section 2 step 5). */
static unsigned version_index(const check_def *d, unsigned version)
{
	unsigned idx = 0;
	for (unsigned i = 1; i < 4 && d->versions[i]; i++)
		if (version >= d->versions[i])
			idx = i;
	return idx;
}

/* AppArmor's reason is plural when several distinct bad values are named
 * (profile types and annotations). */
static const char *apparmor_reason(const cx *c)
{
	size_t distinct = 0;
	for (size_t i = 0; i < c->n; i++) {
		const kp_pss_ferr *e = &c->errs[i];
		if (!strncmp(e->field, "metadata.", 9)) {
			distinct++;         /* each annotation is named on its own */
			continue;
		}
		const char *v = e->str ? e->str : "";
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strncmp(c->errs[j].field, "metadata.", 9) &&
			      !strcmp(c->errs[j].str ? c->errs[j].str : "", v);
		distinct += !dup;
	}
	return distinct > 1 ? "forbidden AppArmor profiles" : "forbidden AppArmor profile";
}

int kp_pss_run(const kp_pss_pod *pod, kp_pss_level level, unsigned version,
	       kp_arena *a, kp_pss_finding found[KP_PSS_N_CHECKS],
	       bool failed[KP_PSS_N_CHECKS], const char **decode)
{
	for (unsigned i = 0; i < KP_PSS_N_CHECKS; i++) {
		const check_def *d = &checks[i];
		failed[i] = false;
		if (level == KP_PSS_BASELINE && d->restricted)
			continue;
		cx c = {.a = a, .ver = version_index(d, version)};
		d->run(&c, pod);
		if (c.decode) {
			*decode = c.decode;
			return -1;
		}
		if (!c.n && !c.hit)
			continue;
		failed[i] = true;
		found[i] = (kp_pss_finding){
			.check = (kp_pss_check)i,
			.reason = i == KP_PSS_APPARMOR ? apparmor_reason(&c) : d->reason,
			.errs = c.errs, .n_errs = c.n, .node = c.node,
		};
	}
	return 0;
}
