/* Unit tests: the Kyverno CLI's resource normalisation
 * (kyverno-semantics.md section 15). */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

static kp_doc *read_one(const char *s)
{
	kp_reader *r = kp_reader_open_mem("r.yaml", s, strlen(s), NULL, NULL);
	kp_doc *d = NULL;
	kp_error e;
	cr_assert_eq(kp_reader_next(r, &d, &e), 1);
	kp_reader_close(r);
	kp_doc_normalize_resource(d);
	return d;
}

Test(normalize, cluster_scoped_kinds_by_group)
{
	cr_assert(kp_kind_is_cluster_scoped("v1", "Namespace"));
	cr_assert(kp_kind_is_cluster_scoped("v1", "Node"));
	cr_assert(kp_kind_is_cluster_scoped("v1", "PersistentVolume"));
	cr_assert(kp_kind_is_cluster_scoped("rbac.authorization.k8s.io/v1", "ClusterRole"));
	cr_assert(kp_kind_is_cluster_scoped("storage.k8s.io/v1", "StorageClass"));
	cr_assert(kp_kind_is_cluster_scoped("apiextensions.k8s.io/v1", "CustomResourceDefinition"));
	cr_assert(kp_kind_is_cluster_scoped("admissionregistration.k8s.io/v1beta1",
					    "ValidatingAdmissionPolicy"));
	/* the group must match */
	cr_assert_not(kp_kind_is_cluster_scoped("example.com/v1", "Node"));
	cr_assert_not(kp_kind_is_cluster_scoped("v1", "ClusterRole"));
	cr_assert_not(kp_kind_is_cluster_scoped("rbac.authorization.k8s.io/v1", "Role"));
	cr_assert_not(kp_kind_is_cluster_scoped("v1", "Pod"));
	/* no apiVersion parses as the empty (core) group, as
	 * schema.ParseGroupVersion("") does */
	cr_assert(kp_kind_is_cluster_scoped("", "Namespace"));
	cr_assert(kp_kind_is_cluster_scoped(NULL, "Namespace"));
	cr_assert_not(kp_kind_is_cluster_scoped(NULL, NULL));
	cr_assert_not(kp_kind_is_cluster_scoped("v1", "namespace"), "kinds are case-sensitive");
}

Test(normalize, namespaced_kind_gets_default_namespace)
{
	kp_doc *d = read_one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n");
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	const kp_value *ns = kp_value_path(kp_doc_root(d), "metadata/namespace");
	const kp_value *meta = kp_value_get(kp_doc_root(d), "metadata");
	cr_assert_eq(kp_value_line(ns), kp_value_line(meta), "added nodes take their parent's position");
	cr_assert_eq(kp_value_col(ns), kp_value_col(meta));
	kp_doc_free(d);
}

Test(normalize, existing_namespace_is_kept)
{
	kp_doc *d = read_one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: prod\n");
	cr_assert_str_eq(kp_doc_namespace(d), "prod");
	kp_doc_free(d);
}

/* GetNamespace() is "" for an empty, null or non-string namespace, so the
 * CLI overwrites it. */
Test(normalize, empty_or_null_namespace_is_replaced)
{
	kp_doc *d = read_one("kind: Pod\nmetadata:\n  namespace: ''\n");
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	kp_doc_free(d);
	d = read_one("kind: Pod\nmetadata:\n  namespace:\n");
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	kp_doc_free(d);
	d = read_one("kind: Pod\nmetadata:\n  namespace: 5\n");
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	kp_doc_free(d);
}

Test(normalize, cluster_scoped_kind_gets_no_namespace)
{
	kp_doc *d = read_one("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n");
	cr_assert_null(kp_value_path(kp_doc_root(d), "metadata/namespace"));
	cr_assert_str_eq(kp_doc_namespace(d), "");
	kp_doc_free(d);
	d = read_one("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\n");
	cr_assert_str_eq(kp_doc_namespace(d), "");
	kp_doc_free(d);
}

Test(normalize, unknown_kinds_count_as_namespaced)
{
	kp_doc *d = read_one("apiVersion: example.com/v1\nkind: Node\nmetadata: {name: x}\n");
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	kp_doc_free(d);
	d = read_one("apiVersion: acme.io/v1\nkind: Widget\n");
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	kp_doc_free(d);
}

/* SetNamespace creates an absent metadata map (SetNestedField), placed
 * where the root is; a metadata that is not a map is left alone (the
 * setter fails silently). */
Test(normalize, metadata_created_when_absent_not_when_not_a_map)
{
	kp_doc *d = read_one("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n");
	const kp_value *meta = kp_value_get(kp_doc_root(d), "metadata");
	cr_assert_eq(kp_value_type(meta), KP_MAP);
	cr_assert_str_eq(kp_doc_namespace(d), "default");
	cr_assert_eq(kp_value_line(meta), 1);
	cr_assert_eq(kp_value_col(meta), 1);
	kp_doc_free(d);
	d = read_one("kind: Pod\nmetadata: nope\n");
	cr_assert_str_eq(kp_value_path_str(kp_doc_root(d), "metadata"), "nope");
	kp_doc_free(d);
	d = read_one("kind: Pod\nmetadata:\n");
	cr_assert_eq(kp_value_type(kp_value_get(kp_doc_root(d), "metadata")), KP_NULL);
	kp_doc_free(d);
}

Test(normalize, null_maps_become_empty_maps)
{
	kp_doc *d = read_one("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n"
			     "  annotations: ~\ndata:\nstringData: null\nother:\n");
	const kp_value *r = kp_doc_root(d);
	const char *paths[] = {"metadata/labels", "metadata/annotations", "data", "stringData"};
	for (int i = 0; i < 4; i++) {
		const kp_value *v = kp_value_path(r, paths[i]);
		cr_assert_eq(kp_value_type(v), KP_MAP, "%s", paths[i]);
		cr_assert_eq(kp_value_len(v), 0);
	}
	/* the new map stands where the null was */
	cr_assert_eq(kp_value_line(kp_value_path(r, "metadata/annotations")), 6);
	cr_assert_eq(kp_value_col(kp_value_path(r, "metadata/annotations")), 16);
	cr_assert_eq(kp_value_type(kp_value_get(r, "other")), KP_NULL, "other keys stay null");
	kp_doc_free(d);
}

/* Kyverno's own test normalises spec.template.metadata.annotations, so the
 * walk goes to any depth.  Our choice, recorded here: it also goes through
 * sequences (selectors inside affinity terms, List items), and a non-null
 * value (a string, a list) is left as it is. */
Test(normalize, null_maps_at_any_depth_through_sequences)
{
	kp_doc *d = read_one(
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
		"spec:\n  selector:\n    matchLabels:\n  template:\n    metadata:\n      annotations:\n"
		"    spec:\n      nodeSelector:\n      affinity:\n        podAffinity:\n"
		"          requiredDuringSchedulingIgnoredDuringExecution:\n"
		"          - labelSelector:\n              matchLabels:\n"
		"      containers:\n      - name: c\n        data: text\n        labels: []\n");
	const kp_value *r = kp_doc_root(d);
	const char *paths[] = {
		"spec/selector/matchLabels", "spec/template/metadata/annotations",
		"spec/template/spec/nodeSelector",
		"spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/0/labelSelector/matchLabels"};
	for (int i = 0; i < 4; i++)
		cr_assert_eq(kp_value_type(kp_value_path(r, paths[i])), KP_MAP, "%s", paths[i]);
	cr_assert_str_eq(kp_value_path_str(r, "spec/template/spec/containers/0/data"), "text");
	cr_assert_eq(kp_value_type(kp_value_path(r, "spec/template/spec/containers/0/labels")), KP_SEQ);
	kp_doc_free(d);
}

Test(normalize, shared_alias_null_is_not_mutated_elsewhere)
{
	kp_doc *d = read_one("kind: Pod\nnothing: &n ~\nmetadata:\n  labels: *n\n");
	const kp_value *r = kp_doc_root(d);
	cr_assert_eq(kp_value_type(kp_value_path(r, "metadata/labels")), KP_MAP);
	cr_assert_eq(kp_value_type(kp_value_get(r, "nothing")), KP_NULL);
	kp_doc_free(d);
}

Test(normalize, non_mapping_and_null_docs_are_left_alone)
{
	kp_doc_normalize_resource(NULL);
	kp_reader *r = kp_reader_open_mem("r.yaml", "- a\n", 4, &(kp_read_opts){.raw = true}, NULL);
	kp_doc *d;
	cr_assert_eq(kp_reader_next(r, &d, NULL), 1);
	kp_doc_normalize_resource(d);
	cr_assert_eq(kp_value_type(kp_doc_root(d)), KP_SEQ);
	kp_doc_free(d);
	kp_reader_close(r);
}
