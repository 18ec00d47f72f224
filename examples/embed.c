/* embed.c - the smallest program built on libkpolicy:
 *     embed POLICY_FILE RESOURCE_FILE
 * loads the policies of POLICY_FILE, evaluates every document of
 * RESOURCE_FILE and prints one line per result:
 *     RESULT POLICY/RULE KIND/NAME      (fail restrict-seccomp/check-seccomp Pod/badpod)
 * Build: cc embed.c $(pkg-config --cflags --libs kpolicy) -o embed */
#include <kpolicy.h>

#include <stdio.h>

static int report(const kp_error *err)
{
	char msg[2048];
	fprintf(stderr, "embed: %s\n", kp_error_format(err, msg, sizeof msg));
	return 2;
}

static void print_result(void *ud, const kp_result *r)
{
	const kp_doc *d = ud;
	printf("%s %s/%s %s/%s\n", kp_status_name(r->status), r->policy, r->rule,
	       kp_doc_kind(d), kp_doc_name(d));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: embed POLICY_FILE RESOURCE_FILE\n");
		return 2;
	}
	kp_error err;
	int rc, status = 0;
	kp_policy_set *ps = kp_policy_set_new();
	kp_eval_ctx *ctx = kp_eval_ctx_new(NULL);   /* one per evaluating thread */
	for (int i = 1; i <= 2; i++) {
		if (i == 2)
			kp_policy_set_seal(ps);   /* loading is over: evaluate */
		kp_reader *r = kp_reader_open_file(argv[i], NULL, &err);
		if (!r)
			status = report(&err);
		kp_doc *d = NULL;
		while (r && (rc = kp_reader_next(r, &d, &err)) != 0) {
			if (rc > 0 && i == 1) {          /* a policy (0: not one, ignored) */
				rc = kp_policy_set_add(ps, d, &err);
			} else if (rc > 0) {             /* a resource */
				kp_doc_normalize_resource(d);    /* as `kyverno apply` does */
				rc = kp_evaluate(ctx, ps, d, NULL, print_result, d, &err);
			}
			if (rc < 0)
				status = report(&err);
			kp_doc_free(d);
			d = NULL;
		}
		kp_reader_close(r);
	}
	kp_eval_ctx_free(ctx);
	kp_policy_set_free(ps);
	return status;
}
