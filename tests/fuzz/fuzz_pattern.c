/* fuzz_pattern - the pattern compiler and matcher (kp_pattern_compile,
 * kp_pattern_match).  The input is a YAML stream read raw:
 *   - a first document that is a mapping with `pattern` (the shape of the
 *     engine vectors, and of a rule's validate block): its `pattern` is
 *     matched against its `resource`;
 *   - a first document that is a sequence: the same for each of its items
 *     (an engine-vector file);
 *   - otherwise the first document is the pattern and the second (or the
 *     first again) the resource.
 * The typing follows the input's length (odd: YAML 1.2), so both are
 * covered without doubling the work. */
#include "fuzz.h"

#include <string.h>

#define KP_FUZZ_MAX_CASES 32

static void check_match(const kp_match *m, const kp_value *resource)
{
	KP_FUZZ_CHECK(m->status >= KP_STATUS_PASS && m->status <= KP_STATUS_SKIP);
	KP_FUZZ_CHECK(memchr(m->path, 0, sizeof m->path) != NULL);
	KP_FUZZ_CHECK(memchr(m->message, 0, sizeof m->message) != NULL);
	KP_FUZZ_CHECK(strcmp(kp_status_name(m->status), "") != 0);
	if (m->status == KP_STATUS_FAIL)
		KP_FUZZ_CHECK(m->path[0] == '/');
	if (m->status == KP_STATUS_ERROR)
		KP_FUZZ_CHECK(m->message[0] != 0);
	if (m->node)
		kp_fuzz_walk(m->node);
	(void)resource;
}

static void run_case(const kp_value *pattern, const kp_value *resource)
{
	kp_error e;
	kp_error_clear(&e);
	kp_pattern *p = kp_pattern_compile(pattern, &e);
	if (!p) {
		kp_fuzz_check_error(&e);
		return;
	}
	kp_match m;
	if (resource) {
		kp_pattern_match(p, resource, &m);
		check_match(&m, resource);
	}
	/* a pattern against its own tree: every key exists, values are
	 * pattern strings compared as data */
	if (pattern) {
		kp_pattern_match(p, pattern, &m);
		check_match(&m, pattern);
	}
	kp_pattern_free(p);
}

typedef struct {
	kp_doc *docs[2];
	size_t n;
} fuzz_docs;

static void keep_doc(void *ud, kp_doc *d)
{
	fuzz_docs *fd = ud;
	if (fd->n < 2)
		fd->docs[fd->n++] = d;
	else
		kp_doc_free(d);
}

static bool is_case(const kp_value *v)
{
	return kp_value_type(v) == KP_MAP && kp_value_get(v, "pattern");
}

int kp_fuzz_pattern(const uint8_t *data, size_t size)
{
	kp_read_opts o = {
		.typing = size % 2 ? KP_TYPING_YAML12 : KP_TYPING_KUBERNETES,
		.raw = true,
		.max_alias_nodes = 20000,
	};
	fuzz_docs fd = {0};
	kp_fuzz_read_all(data, size, &o, keep_doc, &fd);
	const kp_value *first = fd.n ? kp_doc_root(fd.docs[0]) : NULL;
	if (is_case(first)) {
		run_case(kp_value_get(first, "pattern"), kp_value_get(first, "resource"));
	} else if (kp_value_type(first) == KP_SEQ) {
		for (size_t i = 0, cases = 0; i < kp_value_len(first) && cases < KP_FUZZ_MAX_CASES; i++) {
			const kp_value *c = kp_value_at(first, i);
			if (is_case(c)) {
				run_case(kp_value_get(c, "pattern"), kp_value_get(c, "resource"));
				cases++;
			}
		}
	} else if (first) {
		run_case(first, fd.n > 1 ? kp_doc_root(fd.docs[1]) : first);
	}
	for (size_t i = 0; i < fd.n; i++)
		kp_doc_free(fd.docs[i]);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_pattern)
