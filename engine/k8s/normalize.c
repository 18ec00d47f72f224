/* normalize.c - the Kyverno CLI's normalisation of a resource before it is
 * evaluated (kyverno-semantics.md section 15): a default namespace for
 * namespaced kinds, and empty maps in place of null label-like maps. */
#include "k8s/k8s.h"

#include <stdlib.h>
#include <string.h>

/* Cluster-scoped kinds of the CLI's built-in discovery data, by API group
 * ("" = the core group), with their lengths: a lookup compares bytes only
 * where the lengths agree. */
static const struct {
	const char *group, *kind;
	unsigned char glen, klen;
} kp_cluster_scoped[] = {
#define E(g, k) {g, k, sizeof(g) - 1, sizeof(k) - 1}
	E("", "ComponentStatus"),
	E("", "Namespace"),
	E("", "Node"),
	E("", "PersistentVolume"),
	E("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
	E("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
	E("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
	E("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
	E("apiextensions.k8s.io", "CustomResourceDefinition"),
	E("apiregistration.k8s.io", "APIService"),
	E("authentication.k8s.io", "SelfSubjectReview"),
	E("authentication.k8s.io", "TokenReview"),
	E("authorization.k8s.io", "SelfSubjectAccessReview"),
	E("authorization.k8s.io", "SelfSubjectRulesReview"),
	E("authorization.k8s.io", "SubjectAccessReview"),
	E("certificates.k8s.io", "CertificateSigningRequest"),
	E("flowcontrol.apiserver.k8s.io", "FlowSchema"),
	E("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
	E("networking.k8s.io", "IPAddress"),
	E("networking.k8s.io", "IngressClass"),
	E("networking.k8s.io", "ServiceCIDR"),
	E("node.k8s.io", "RuntimeClass"),
	E("rbac.authorization.k8s.io", "ClusterRole"),
	E("rbac.authorization.k8s.io", "ClusterRoleBinding"),
	E("resource.k8s.io", "DeviceClass"),
	E("resource.k8s.io", "ResourceSlice"),
	E("scheduling.k8s.io", "PriorityClass"),
	E("storage.k8s.io", "CSIDriver"),
	E("storage.k8s.io", "CSINode"),
	E("storage.k8s.io", "StorageClass"),
	E("storage.k8s.io", "VolumeAttachment"),
	E("storage.k8s.io", "VolumeAttributesClass"),
#undef E
};

bool kp_kind_is_cluster_scoped(const char *api_version, const char *kind)
{
	if (!kind)
		return false;
	const char *av = api_version ? api_version : "";
	/* "group/version", or a bare "version" for the core group */
	const char *slash = strchr(av, '/');
	size_t glen = slash ? (size_t)(slash - av) : 0;
	size_t klen = strlen(kind);
	for (size_t i = 0; i < sizeof kp_cluster_scoped / sizeof *kp_cluster_scoped; i++) {
		if (kp_cluster_scoped[i].klen == klen && kp_cluster_scoped[i].glen == glen &&
		    memcmp(kp_cluster_scoped[i].kind, kind, klen) == 0 &&
		    memcmp(kp_cluster_scoped[i].group, av, glen) == 0)
			return true;
	}
	return false;
}

/* Keys whose null value Kyverno's normalizeNilMaps turns into {}. */
static bool is_nil_map_key(const kp_value *k)
{
	static const char *const keys[] = {"annotations", "labels", "matchLabels",
					   "nodeSelector", "data", "stringData", NULL};
	for (const char *const *p = keys; *p; p++)
		if (kp_value_str_eq(k, *p))
			return true;
	return false;
}

/* Replace null values of the keys above with empty maps, at any depth,
 * through mappings and sequences.  Iterative: a node stack on the heap.
 * A node shared through YAML aliases is visited once per reference, which
 * is harmless (the change is idempotent). */
static void normalize_nil_maps(kp_arena *a, kp_value *root)
{
	size_t cap = 64, n = 0;
	kp_value **stack = kp_xmalloc(cap * sizeof(*stack));
	stack[n++] = root;
	while (n) {
		kp_value *v = stack[--n];
		size_t kids = v->type == KP_MAP ? v->u.map.n : v->type == KP_SEQ ? v->u.seq.n : 0;
		if (n + kids > cap) {
			while (n + kids > cap)
				cap *= 2;
			stack = kp_xrealloc(stack, cap * sizeof(*stack));
		}
		if (v->type == KP_SEQ) {
			for (size_t i = v->u.seq.n; i-- > 0;)
				stack[n++] = v->u.seq.items[i];
		} else if (v->type == KP_MAP) {
			for (size_t i = v->u.map.n; i-- > 0;) {
				kp_pair *p = &v->u.map.pairs[i];
				if (p->value->type == KP_NULL && is_nil_map_key(p->key)) {
					/* a fresh node: the null may be shared through an alias */
					p->value = kp_value_new(a, KP_MAP, p->value->file,
								p->value->line, p->value->col);
				} else {
					stack[n++] = p->value;
				}
			}
		}
	}
	free(stack);
}

void kp_doc_normalize_resource(kp_doc *d)
{
	if (!d || !d->root || d->root->type != KP_MAP)
		return;
	kp_value *root = d->root;
	kp_arena *a = d->arena;
	/* a second walk over the tree only when its builder saw a null */
	if (!d->no_null_values)
		normalize_nil_maps(a, root);

	/* resource.GetNamespace() == "" (absent, empty or not a string) ->
	 * SetNamespace("default"), which creates an absent metadata map
	 * (unstructured.SetNestedField) and silently does nothing when
	 * metadata is there but not a map. */
	const char *kind = kp_value_path_str(root, "kind");
	if (kp_kind_is_cluster_scoped(kp_value_path_str(root, "apiVersion"), kind))
		return;
	const kp_value *ns = kp_value_path(root, "metadata/namespace");
	if (ns && ns->type == KP_STRING && ns->u.s.len > 0)
		return;
	kp_value *meta = kp_map_get_mut(root, "metadata");
	if (!meta) {
		/* new nodes take the position of the node they hang from */
		meta = kp_value_new(a, KP_MAP, root->file, root->line, root->col);
		kp_map_set(a, root, "metadata", meta);
	} else if (meta->type != KP_MAP) {
		return;
	}
	kp_map_set(a, meta, "namespace",
		   kp_value_new_str(a, "default", 7, meta->file, meta->line, meta->col));
}
