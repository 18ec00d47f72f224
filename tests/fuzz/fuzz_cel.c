/* fuzz_cel - the CEL evaluator: parse + resolve (kp_cel_compile) and
 * evaluate (kp_cel_eval) the input as an expression, with `object`,
 * `request` and `variables` bound to a small document.  The input's length
 * picks the options (odd: checked names, numbers as double), so both are
 * covered without doubling the work.  A result must render, an error must
 * carry a message and a position inside the expression. */
#include "fuzz.h"
#include "cel/cel.h"

#include <string.h>

static const char doc_yaml[] =
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: web, tier: '1'}\n"
	"spec:\n  replicas: 3\n  ratio: 0.5\n  containers:\n  - name: c\n    image: nginx:1.2\n"
	"    ports: [{containerPort: 80}, {containerPort: 443}]\n  enabled: true\n  none: null\n";

/* Kyverno's host libraries (odd lengths): Get answers the document,
 * List an error, the rest are unsupported. */
static int fuzz_host(void *user, const kp_cel_host_req *req, kp_arena *a, const kp_value **out,
		     const char **msg)
{
	(void)a;
	*out = user;
	*msg = "fuzz";
	return req->op == KP_CEL_RESOURCE_GET ? 2 : req->op == KP_CEL_RESOURCE_LIST ? -1 : 1;
}

int kp_fuzz_cel(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	kp_read_opts ro = {.typing = KP_TYPING_YAML12, .raw = true};
	kp_error err;
	kp_reader *r = kp_reader_open_mem("doc", doc_yaml, sizeof doc_yaml - 1, &ro, &err);
	kp_doc *d = NULL;
	KP_FUZZ_CHECK(r && kp_reader_next(r, &d, &err) == 1);
	kp_arena *a = kp_arena_new();
	kp_cel_env *env = kp_cel_env_new(a);
	kp_cel_env_check(env, size % 2);
	kp_cel_env_numbers_as_double(env, size % 2);
	kp_cel_env_kyverno_libs(env, size % 2);
	kp_cel_env_declare(env, "object");
	kp_cel_env_declare(env, "request");
	kp_cel_env_declare(env, "variables");
	kp_error_clear(&err);
	kp_cel_prog *p = kp_cel_compile(env, (const char *)data, size, a, &err);
	if (!p) {
		KP_FUZZ_CHECK(err.code != KP_OK && err.msg[0]);
		KP_FUZZ_CHECK(err.line >= 1 && err.col >= 1);
	} else {
		const kp_value *root = kp_doc_root(d);
		const kp_value *vals[3] = {root, kp_value_get(root, "spec"), NULL};
		kp_cel_host host = {fuzz_host, (void *)root, NULL};
		kp_cel_activation act = {vals, 3, &host, NULL};
		kp_arena *scratch = kp_arena_new();
		kp_cel_result res;
		kp_error_clear(&err);
		if (kp_cel_eval(p, &act, scratch, &res, &err) == 0) {
			KP_FUZZ_CHECK(res.repr && res.type && res.value);
			kp_fuzz_walk(res.value);
		} else {
			KP_FUZZ_CHECK(err.msg[0]);
		}
		kp_arena_free(scratch);
		kp_cel_prog_free(p);
	}
	kp_arena_free(a);
	kp_doc_free(d);
	kp_reader_close(r);
	return 0;
}

KP_FUZZ_ENTRY(kp_fuzz_cel)
