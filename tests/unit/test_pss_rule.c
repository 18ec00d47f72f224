/* Unit tests: podSecurity rules - validation of level/version/exclude,
 * Kyverno's messages, and exclusions (pod-security.md sections 1, 4, 5). */
#include "test_pss_util.h"

TestSuite(pss_rule, .fini = pss_fini);

static kp_pss_rule *rule(const char *text)
{
	kp_error err;
	kp_pss_rule *r = pss_rule(text, &err);
	cr_assert(r, "%s: %s", text, err.msg);
	return r;
}

static void invalid(const char *text, const char *msg_part)
{
	kp_error err;
	cr_expect_null(pss_rule(text, &err), "%s", text);
	cr_expect(strstr(err.msg, msg_part), "%s: %s", text, err.msg);
	cr_expect_eq(err.code, KP_E_POLICY);
	cr_expect_gt(err.line, 0);
}

Test(pss_rule, validation)
{
	invalid("{level: strict}", "unsupported level");
	invalid("{level: baseline, version: v1.33}", "unsupported version");
	invalid("{level: baseline, version: v1.18}", "unsupported version");
	invalid("{level: baseline, version: '1.25'}", "unsupported version");
	invalid("{level: restricted, exclude: [{controlName: Bogus}]}", "unsupported controlName");
	invalid("{level: restricted, exclude: [{images: ['*']}]}", "controlName");
	invalid("{level: restricted, exclude: [{controlName: Capabilities}]}", "images must be specified");
	invalid("{level: baseline, exclude: [{controlName: Host Namespaces, images: ['*']}]}",
		"images must not be specified");
	invalid("{level: baseline, exclude: [{controlName: Seccomp, restrictedField: spec.securityContext.seccompProfile.type}]}",
		"values must be specified");
	invalid("{level: baseline, exclude: [{controlName: Seccomp, values: [Unconfined]}]}",
		"restrictedField must be specified");
	invalid("{level: baseline, exclude: [{controlName: Volume Types}]}", "Invalid control name");
	invalid("{level: baseline, exclude: [{controlName: Running as Non-root user}]}", "Invalid control name");
	/* accepted */
	rule("{level: baseline, exclude: [{controlName: Seccomp}, {controlName: Capabilities, images: ['*']}]}");
	rule("{level: restricted, version: v1.19, exclude: [{controlName: Volume Types}]}");
	rule("{level: privileged, version: v1.32}");
	rule("{level: restricted}");
}

Test(pss_rule, message_required_drop)
{
	/* kyverno-policies pod-security/subrule/restricted-latest badpod01 */
	const char *pod = "{\"metadata\":{\"name\":\"badpod01\"},\"spec\":{\"containers\":[{\"name\":\"container01\","
		"\"image\":\"busybox:1.28\",\"securityContext\":{\"allowPrivilegeEscalation\":false,"
		"\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}}]}}";
	cr_expect_str_eq(pss_msg(rule("{level: restricted, version: latest}"), "restricted", "Pod", pod),
		"Validation rule 'restricted' failed. It violates PodSecurity \"restricted:latest\": "
		"(Forbidden reason: unrestricted capabilities, field error list: "
		"[spec.containers[0].securityContext.capabilities.drop: Required value])");
	/* version absent: the raw empty string */
	cr_expect_str_eq(pss_msg(rule("{level: restricted}"), "r", "Pod", pod),
		"Validation rule 'r' failed. It violates PodSecurity \"restricted:\": "
		"(Forbidden reason: unrestricted capabilities, field error list: "
		"[spec.containers[0].securityContext.capabilities.drop: Required value])");
}

Test(pss_rule, message_lists_and_pairs)
{
	cr_expect_str_eq(pss_msg(rule("{level: baseline, version: v1.29}"), "baseline", "Pod",
		"{\"spec\":{\"containers\":[{\"name\":\"c\"}],\"initContainers\":[{\"name\":\"i\","
		"\"securityContext\":{\"capabilities\":{\"add\":[\"NET_RAW\",\"CHOWN\",\"NET_ADMIN\"]}}}]}}"),
		"Validation rule 'baseline' failed. It violates PodSecurity \"baseline:v1.29\": "
		"(Forbidden reason: non-default capabilities, field error list: "
		"[spec.initContainers[0].securityContext.capabilities.add is forbidden, forbidden values found: "
		"[NET_ADMIN NET_RAW]])");
	/* a hostPath volume fails twice at restricted */
	const char *m = pss_msg(rule("{level: restricted}"), "r", "Pod",
		"{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},"
		"\"volumes\":[{\"name\":\"a\",\"emptyDir\":{}},{\"name\":\"b\",\"hostPath\":{\"path\":\"/lib/modules\"}}],"
		"\"containers\":[{\"name\":\"c\",\"securityContext\":{\"allowPrivilegeEscalation\":false,"
		"\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}");
	cr_expect_str_eq(m, "Validation rule 'r' failed. It violates PodSecurity \"restricted:\": "
		"(Forbidden reason: hostPath volumes, field error list: [spec.volumes[1].hostPath is forbidden, "
		"forbidden values found: /lib/modules])"
		"(Forbidden reason: restricted volume types, field error list: [spec.volumes[1].hostPath: Forbidden])");
}

Test(pss_rule, message_values_and_order)
{
	const char *m = pss_msg(rule("{level: restricted, version: latest}"), "r", "Pod",
		"{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"a\",\"securityContext\":{}},"
		"{\"name\":\"b\",\"ports\":[{\"hostPort\":8080}],\"securityContext\":{\"runAsNonRoot\":false,"
		"\"allowPrivilegeEscalation\":true,\"privileged\":true}}]}}");
	cr_expect_str_eq(m, "Validation rule 'r' failed. It violates PodSecurity \"restricted:latest\": "
		"(Forbidden reason: allowPrivilegeEscalation != false, field error list: ["
		"spec.containers[0].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil, "
		"spec.containers[1].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: true])"
		"(Forbidden reason: unrestricted capabilities, field error list: ["
		"spec.containers[0].securityContext.capabilities.drop: Required value, "
		"spec.containers[1].securityContext.capabilities.drop: Required value])"
		"(Forbidden reason: host namespaces, field error list: [spec.hostNetwork is forbidden, forbidden values found: true])"
		"(Forbidden reason: hostPort, field error list: [spec.containers[1].ports[0].hostPort is forbidden, "
		"forbidden values found: 8080])"
		"(Forbidden reason: privileged, field error list: [spec.containers[1].securityContext.privileged is forbidden, "
		"forbidden values found: true])"
		"(Forbidden reason: runAsNonRoot != true, field error list: ["
		"spec.containers[1].securityContext.runAsNonRoot is forbidden, forbidden values found: false, "
		"spec.containers[0].securityContext.runAsNonRoot: Required value])"
		"(Forbidden reason: seccompProfile, field error list: ["
		"spec.containers[0].securityContext.seccompProfile.type: Required value, "
		"spec.containers[1].securityContext.seccompProfile.type: Required value])");
}

Test(pss_rule, message_probe_host_has_no_field_errors)
{
	cr_expect_str_eq(pss_msg(rule("{level: baseline, version: latest}"), "b", "Pod",
		"{\"spec\":{\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"httpGet\":{\"host\":\"h\",\"port\":1}}}]}}"),
		"Validation rule 'b' failed. It violates PodSecurity \"baseline:latest\": "
		"(Forbidden reason: probe or lifecycle host, field error list: [])");
}

Test(pss_rule, message_controllers_rewrite_fields)
{
	kp_pss_rule *r = rule("{level: baseline, version: latest}");
	const char *pod = "{\"metadata\":{\"annotations\":{\"container.apparmor.security.beta.kubernetes.io/c\":\"unconfined\"}},"
		"\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}}";
	const char *tail_pod =
		"(Forbidden reason: forbidden AppArmor profile, field error list: [spec.template.metadata.annotations"
		"[container.apparmor.security.beta.kubernetes.io/c] is forbidden, forbidden values found: unconfined])"
		"(Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged "
		"is forbidden, forbidden values found: true])";
	cr_expect_str_eq(pss_msg(r, "b", "Pod", pod),
		kp_arena_printf(pss_scratch(), "Validation rule 'b' failed. It violates PodSecurity \"baseline:latest\": %s", tail_pod));
	const char *m = pss_msg(r, "autogen-b", "Deployment", pod);
	cr_expect(strstr(m, "[spec.template.spec.containers[0].securityContext.privileged is forbidden"), "%s", m);
	cr_expect(strstr(m, "[spec.template.metadata.annotations[container.apparmor"), "%s", m);
	m = pss_msg(r, "autogen-cronjob-b", "CronJob", pod);
	cr_expect(strstr(m, "[spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged is"), "%s", m);
}

Test(pss_rule, pod_of_resource)
{
	const kp_value *meta, *spec;
	const kp_value *cj = pss_doc("{kind: CronJob, spec: {jobTemplate: {metadata: {annotations: {a: b}}, "
				     "spec: {template: {metadata: {name: x}, spec: {containers: []}}}}}}");
	cr_assert(kp_pss_pod_of(cj, "CronJob", &meta, &spec));
	cr_expect_str_eq(kp_value_path_str(meta, "annotations/a"), "b");
	cr_expect_eq(kp_value_type(kp_value_get(spec, "containers")), KP_SEQ);
	const kp_value *d = pss_doc("{kind: Deployment, spec: {template: {metadata: {name: t}, spec: {hostPID: true}}}}");
	cr_assert(kp_pss_pod_of(d, "Deployment", &meta, &spec));
	cr_expect_str_eq(kp_value_path_str(meta, "name"), "t");
	cr_expect(kp_value_bool(kp_value_get(spec, "hostPID")));
	cr_expect(!kp_pss_pod_of(d, "Service", &meta, &spec));
}

/* ---- exclusions ---- */

#define CAPS_POD(img) "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"container01\"," \
	"\"image\":\"" img "\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"runAsNonRoot\":true," \
	"\"seccompProfile\":{\"type\":\"RuntimeDefault\"},\"capabilities\":{\"add\":[\"SYS_ADMIN\"],\"drop\":[\"ALL\"]}}}]}}"

Test(pss_rule, exclude_capabilities_by_image)
{
	/* kyverno-policies pod-security/subrule/restricted-exclude-capabilities */
	kp_pss_rule *r = rule("{level: restricted, version: latest, exclude: [{controlName: Capabilities, "
			      "images: ['ghcr.io/kyverno/test-nginx*', 'redis*']}]}");
	cr_expect_str_eq(pss_ids(r, CAPS_POD("ghcr.io/kyverno/test-nginx:latest")), "");
	cr_expect_str_eq(pss_ids(r, CAPS_POD("redis")), "");
	cr_expect_str_eq(pss_ids(r, CAPS_POD("busybox:1.28")), "capabilities_baseline,capabilities_restricted");
}

Test(pss_rule, exclude_matches_container_names)
{
	/* two privileged containers, only one excluded: the other's error stays */
	kp_pss_rule *r = rule("{level: baseline, exclude: [{controlName: Privileged Containers, images: ['nginx*']}]}");
	const char *pod = "{\"spec\":{\"containers\":["
		"{\"name\":\"a\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":true}},"
		"{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}]}}";
	cr_expect_str_eq(pss_msg(r, "r", "Pod", pod),
		"Validation rule 'r' failed. It violates PodSecurity \"baseline:\": (Forbidden reason: privileged, "
		"field error list: [spec.containers[1].securityContext.privileged is forbidden, forbidden values found: true])");
	cr_expect_str_eq(pss_ids(rule("{level: baseline, exclude: [{controlName: Privileged Containers, "
				      "images: ['nginx', 'busy*']}]}"), pod), "");
	/* init containers are matched by image too */
	cr_expect_str_eq(pss_ids(r, "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}],"
		"\"initContainers\":[{\"name\":\"a\",\"image\":\"nginx:1\",\"securityContext\":{\"privileged\":true}}]}}"), "");
}

Test(pss_rule, exclude_restricted_field_and_values)
{
	kp_pss_rule *r = rule("{level: baseline, exclude: [{controlName: Capabilities, images: ['*'], "
			      "restrictedField: 'spec.containers[*].securityContext.capabilities.add', values: ['SYS_*']}]}");
	const char *one = "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"securityContext\":"
		"{\"capabilities\":{\"add\":[\"SYS_ADMIN\",\"SYS_TIME\"]}}}]}}";
	const char *two = "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"securityContext\":"
		"{\"capabilities\":{\"add\":[\"SYS_ADMIN\",\"NET_RAW\"]}}}]}}";
	cr_expect_str_eq(pss_ids(r, one), "");
	cr_expect_str_eq(pss_ids(r, two), "capabilities_baseline");
	/* restrictedField for another list leaves the error */
	kp_pss_rule *init = rule("{level: baseline, exclude: [{controlName: Capabilities, images: ['*'], "
				 "restrictedField: 'spec.initContainers[*].securityContext.capabilities.add', values: ['*']}]}");
	cr_expect_str_eq(pss_ids(init, one), "capabilities_baseline");
	/* pod-level control, bool value */
	kp_pss_rule *ipc = rule("{level: baseline, exclude: [{controlName: Host Namespaces, "
				"restrictedField: spec.hostIPC, values: ['true']}]}");
	cr_expect_str_eq(pss_ids(ipc, "{\"spec\":{\"hostIPC\":true,\"containers\":[{\"name\":\"c\"}]}}"), "");
	cr_expect_str_eq(pss_ids(ipc, "{\"spec\":{\"hostIPC\":true,\"hostPID\":true,\"containers\":[{\"name\":\"c\"}]}}"),
			 "hostNamespaces");
	/* int value (host ports) */
	kp_pss_rule *port = rule("{level: baseline, exclude: [{controlName: Host Ports, images: ['*'], "
				 "restrictedField: 'spec.containers[*].ports[*].hostPort', values: ['80?\?']}]}");
	cr_expect_str_eq(pss_ids(port, "{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"hostPort\":8080}]}]}}"), "");
	cr_expect_str_eq(pss_ids(port, "{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"hostPort\":9090}]}]}}"),
			 "hostPorts");
}

Test(pss_rule, exclude_pod_level_removes_one_error_per_exclusion_error)
{
	/* restricted, Seccomp without images: the `fake` container yields one
	 * Required error, which removes only one of the pod's */
	kp_pss_rule *r = rule("{level: restricted, exclude: [{controlName: Seccomp}]}");
	const char *two = "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true},\"containers\":["
		"{\"name\":\"a\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}},"
		"{\"name\":\"b\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}";
	const char *one = "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true},\"containers\":["
		"{\"name\":\"a\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}";
	cr_expect_str_eq(pss_ids(r, one), "");
	cr_expect_str_eq(pss_ids(r, two), "seccompProfile_restricted");
	kp_pss_rule *both = rule("{level: restricted, exclude: [{controlName: Seccomp}, "
				 "{controlName: Seccomp, images: ['*']}]}");
	cr_expect_str_eq(pss_ids(both, two), "");
}

Test(pss_rule, exclude_does_not_touch_other_controls_or_probe_hosts)
{
	kp_pss_rule *r = rule("{level: baseline, exclude: [{controlName: Privileged Containers, images: ['*']}, "
			      "{controlName: Host Ports, images: ['*']}]}");
	cr_expect_str_eq(pss_ids(r, "{\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"c\",\"securityContext\":"
				    "{\"privileged\":true},\"livenessProbe\":{\"tcpSocket\":{\"host\":\"h\",\"port\":1}}}]}}"),
			 "hostNamespaces,hostProbesAndHostLifecycle");
}

Test(pss_rule, finding_points_at_the_node)
{
	kp_pss_finding *f;
	const char *dec;
	const kp_value *p = pss_doc("spec:\n  containers:\n  - name: c\n    securityContext:\n      privileged: true\n");
	int n = kp_pss_eval(rule("{level: baseline}"), NULL, kp_value_get(p, "spec"), pss_scratch(), &f, &dec);
	cr_assert_eq(n, 1);
	cr_expect_eq(kp_value_line(f[0].node), 5);
	cr_expect_eq(kp_value_col(f[0].node), 19);
	cr_expect_str_eq(f[0].errs[0].container, "c");
}

Test(pss_rule, pointers_into_resources)
{
	cr_expect_str_eq(kp_pss_pointer(pss_scratch(), "spec.containers[0].ports[1].hostPort", "Pod"),
			 "/spec/containers/0/ports/1/hostPort");
	cr_expect_str_eq(kp_pss_pointer(pss_scratch(), "spec.containers[0].securityContext.privileged", "Deployment"),
			 "/spec/template/spec/containers/0/securityContext/privileged");
	cr_expect_str_eq(kp_pss_pointer(pss_scratch(), "spec.hostIPC", "CronJob"),
			 "/spec/jobTemplate/spec/template/spec/hostIPC");
	cr_expect_str_eq(kp_pss_pointer(pss_scratch(), "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]",
					"CronJob"),
			 "/spec/jobTemplate/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1c");
	cr_expect_str_eq(kp_pss_pointer(pss_scratch(), NULL, "Job"), "/spec/template/spec");
}
