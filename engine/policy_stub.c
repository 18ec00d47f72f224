/* policy_stub.c - placeholder for policy loading and evaluation so that the
 * command line links while they are written.  Replaced by the real code. */
#include "internal.h"

#include <stdlib.h>

struct kp_policy_set { size_t n; };
kp_policy_set *kp_policy_set_new(void) { return calloc(1, sizeof(kp_policy_set)); }
void kp_policy_set_free(kp_policy_set *ps) { free(ps); }
int kp_policy_set_add(kp_policy_set *ps, const kp_doc *doc, kp_error *err)
{
	(void)ps;
	return kp_errorf(err, KP_E_POLICY, kp_doc_file(doc), 0, 0, "policies not implemented yet");
}
size_t kp_policy_set_count(const kp_policy_set *ps) { (void)ps; return 0; }
const kp_policy *kp_policy_set_at(const kp_policy_set *ps, size_t i) { (void)ps; (void)i; return NULL; }
size_t kp_policy_set_rule_count(const kp_policy_set *ps) { (void)ps; return 0; }
const char *kp_policy_name(const kp_policy *p) { (void)p; return ""; }
const char *kp_policy_namespace(const kp_policy *p) { (void)p; return NULL; }
size_t kp_policy_rule_count(const kp_policy *p) { (void)p; return 0; }
const char *kp_policy_rule_name(const kp_policy *p, size_t i) { (void)p; (void)i; return ""; }
kp_userinfo *kp_userinfo_from_value(const kp_value *v, kp_error *err) { (void)v; kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "not implemented"); return NULL; }
void kp_userinfo_free(kp_userinfo *u) { (void)u; }
kp_values *kp_values_from_value(const kp_value *v, kp_error *err) { (void)v; kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "not implemented"); return NULL; }
void kp_values_free(kp_values *v) { (void)v; }
int kp_evaluate(const kp_policy_set *ps, const kp_doc *doc, const kp_eval_opts *opts,
		kp_result_cb cb, void *ud, kp_error *err)
{
	(void)ps; (void)doc; (void)opts; (void)cb; (void)ud;
	return kp_errorf(err, KP_E_USAGE, NULL, 0, 0, "evaluation not implemented yet");
}
void kp_doc_normalize_resource(kp_doc *d) { (void)d; }
bool kp_kind_is_cluster_scoped(const char *api_version, const char *kind) { (void)api_version; (void)kind; return false; }
