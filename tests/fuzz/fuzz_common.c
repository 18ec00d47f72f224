/* fuzz_common.c - what the fuzz targets share: reading every document of
 * an input, walking trees through the public accessors, and the checks of
 * the promises kpolicy.h makes. */
#include "fuzz.h"

#include <string.h>

void kp_fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
	abort();
}

/* Below this many pairs every key is looked up again (kp_value_get may be
 * linear: keep each input linear overall). */
#define KP_FUZZ_LOOKUPS 64

void kp_fuzz_walk(const kp_value *v)
{
	kp_type t = kp_value_type(v);
	KP_FUZZ_CHECK(t >= KP_NULL && t <= KP_MAP);
	KP_FUZZ_CHECK(kp_value_file(v) != NULL);
	size_t len;
	const char *s;
	switch (t) {
	case KP_NULL: case KP_BOOL: case KP_INT: case KP_FLOAT:
		(void)kp_value_float(v);
		KP_FUZZ_CHECK(kp_value_str(v, NULL) == NULL);
		KP_FUZZ_CHECK(kp_value_len(v) == 0);
		break;
	case KP_STRING:
		s = kp_value_str(v, &len);
		KP_FUZZ_CHECK(s != NULL);
		KP_FUZZ_CHECK(s[len] == 0);
		break;
	case KP_SEQ:
		len = kp_value_len(v);
		for (size_t i = 0; i < len; i++) {
			KP_FUZZ_CHECK(kp_value_at(v, i) != NULL);
			kp_fuzz_walk(kp_value_at(v, i));
		}
		KP_FUZZ_CHECK(kp_value_at(v, len) == NULL);
		break;
	case KP_MAP:
		len = kp_value_len(v);
		for (size_t i = 0; i < len; i++) {
			const kp_value *k = kp_value_key_at(v, i), *val = kp_value_val_at(v, i);
			KP_FUZZ_CHECK(kp_value_type(k) == KP_STRING);
			KP_FUZZ_CHECK(val != NULL);
			kp_fuzz_walk(k);
			kp_fuzz_walk(val);
			size_t kl;
			const char *ks = kp_value_str(k, &kl);
			/* keys are unique (the last duplicate wins) */
			if (i < KP_FUZZ_LOOKUPS && strlen(ks) == kl)
				KP_FUZZ_CHECK(kp_value_get(v, ks) == val);
		}
		KP_FUZZ_CHECK(kp_value_key_at(v, len) == NULL);
		break;
	}
}

void kp_fuzz_check_error(const kp_error *e)
{
	KP_FUZZ_CHECK(e->code != KP_OK);
	KP_FUZZ_CHECK(memchr(e->msg, 0, sizeof e->msg) != NULL);
	KP_FUZZ_CHECK(memchr(e->file, 0, sizeof e->file) != NULL);
	KP_FUZZ_CHECK(memchr(e->path, 0, sizeof e->path) != NULL);
	KP_FUZZ_CHECK(e->msg[0] != 0);
	char buf[256];
	kp_error_format(e, buf, sizeof buf);
	KP_FUZZ_CHECK(strlen(buf) < sizeof buf);
}

void kp_fuzz_warn(void *ud, const kp_error *w)
{
	(void)ud;
	kp_fuzz_check_error(w);
	KP_FUZZ_CHECK(w->code == KP_W_DUPKEY);
}

size_t kp_fuzz_read_all(const uint8_t *data, size_t size, const kp_read_opts *opts,
			void (*fn)(void *ud, kp_doc *doc), void *ud)
{
	kp_error e;
	kp_reader *r = kp_reader_open_mem("fuzz.yaml", (const char *)data, size, opts, &e);
	KP_FUZZ_CHECK(r != NULL);
	size_t docs = 0, calls = 0;
	for (;;) {
		kp_doc *d = NULL;
		kp_error_clear(&e);
		int rc = kp_reader_next(r, &d, &e);
		/* every call consumes input: a chunk, a document (at least a
		 * few bytes) or a List item */
		KP_FUZZ_CHECK(++calls <= size + 2);
		if (rc == 0) {
			KP_FUZZ_CHECK(d == NULL);
			break;
		}
		if (rc < 0) {
			KP_FUZZ_CHECK(d == NULL);
			kp_fuzz_check_error(&e);
			continue;
		}
		KP_FUZZ_CHECK(rc == 1 && d != NULL);
		docs++;
		fn(ud, d);
	}
	kp_reader_close(r);
	return docs;
}

/* ------------------------------------------------------------ loaders */

static void check_doc(void *ud, kp_doc *d)
{
	const kp_read_opts *o = ud;
	const kp_value *root = kp_doc_root(d);
	KP_FUZZ_CHECK(root != NULL && kp_value_type(root) != KP_NULL);
	KP_FUZZ_CHECK(kp_doc_file(d) != NULL);
	kp_fuzz_walk(root);
	(void)kp_value_path(root, "spec/containers/0/image");
	(void)kp_value_path_str(root, "metadata/name");
	if (!o->raw) {
		KP_FUZZ_CHECK(kp_value_type(root) == KP_MAP);
		KP_FUZZ_CHECK(kp_doc_kind(d)[0] != 0);
		(void)kp_kind_is_cluster_scoped(kp_doc_api_version(d), kp_doc_kind(d));
		kp_doc_normalize_resource(d);
		kp_fuzz_walk(kp_doc_root(d));
		KP_FUZZ_CHECK(kp_doc_name(d) && kp_doc_namespace(d) && kp_doc_api_version(d));
	}
	kp_doc_free(d);
}

int kp_fuzz_loader(kp_yaml_parser parser, const uint8_t *data, size_t size)
{
	/* resources, Kubernetes typing, default limits */
	kp_read_opts o = {.parser = parser, .typing = KP_TYPING_KUBERNETES, .warn = kp_fuzz_warn};
	kp_fuzz_read_all(data, size, &o, check_doc, &o);
	/* raw documents, YAML 1.2 typing, small limits (so that they are hit) */
	o.typing = KP_TYPING_YAML12;
	o.raw = true;
	o.max_depth = 24;
	o.max_alias_nodes = 2000;
	o.max_doc_bytes = 4096;
	kp_fuzz_read_all(data, size, &o, check_doc, &o);
	return 0;
}
