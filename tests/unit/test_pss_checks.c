/* Unit tests: every Pod Security Standards check at the levels and
 * versions where Kyverno (with its pod-security-admission fork) fails it
 * and passes it, version boundaries included (pod-security.md section 3). */
#include "test_pss_util.h"

TestSuite(pss_checks, .fini = pss_fini);

/* A pod that passes every check at every level and version. */
#define GOOD_POD_SC "\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}"
#define GOOD_CTR_SC "\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}"
#define GOOD "{\"metadata\":{\"name\":\"p\"},\"spec\":{" GOOD_POD_SC ",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"," GOOD_CTR_SC "}]}}"
/* the good pod with extra pod-spec fields (before containers) */
#define POD(extra) "{\"metadata\":{\"name\":\"p\"},\"spec\":{" extra "," GOOD_POD_SC ",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"," GOOD_CTR_SC "}]}}"
/* the good pod with a container whose securityContext is `sc` */
#define CTR_SC(sc) "{\"metadata\":{\"name\":\"p\"},\"spec\":{" GOOD_POD_SC ",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}," sc "}}]}}"
/* the good pod with extra container fields */
#define CTR(extra) "{\"metadata\":{\"name\":\"p\"},\"spec\":{" GOOD_POD_SC ",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"," GOOD_CTR_SC "," extra "}]}}"
#define MINIMAL "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}"
#define RESTRICTED_FOUR "allowPrivilegeEscalation,capabilities_restricted,runAsNonRoot,seccompProfile_restricted"

typedef struct pss_case {
	const char *level, *version, *pod, *want;
} pss_case;

static void run_cases(const pss_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const pss_case *c = &cases[i];
		const char *got = pss_ids_at(c->level, c->version, c->pod);
		cr_expect_str_eq(got, c->want, "case %zu (%s %s): %s", i, c->level, c->version, c->pod);
	}
}
#define RUN(cases) run_cases(cases, sizeof cases / sizeof *cases)

Test(pss_checks, good_and_minimal_pods)
{
	static const pss_case cases[] = {
		{"baseline", "", GOOD, ""}, {"restricted", "", GOOD, ""},
		{"restricted", "v1.19", GOOD, ""}, {"restricted", "latest", GOOD, ""},
		{"baseline", "v1.19", MINIMAL, ""}, {"baseline", "latest", MINIMAL, ""},
		{"restricted", "latest", MINIMAL, RESTRICTED_FOUR},
		/* newer checks still run at older versions, with their first version */
		{"restricted", "v1.19", MINIMAL, RESTRICTED_FOUR},
		/* privileged behaves like restricted */
		{"privileged", "latest", MINIMAL, RESTRICTED_FOUR},
	};
	RUN(cases);
}

Test(pss_checks, allow_privilege_escalation)
{
	static const pss_case cases[] = {
		{"restricted", "latest", CTR_SC("\"allowPrivilegeEscalation\":true"), "allowPrivilegeEscalation"},
		{"baseline", "latest", CTR_SC("\"allowPrivilegeEscalation\":true"), ""},
		{"restricted", "v1.19", CTR_SC("\"allowPrivilegeEscalation\":true"), "allowPrivilegeEscalation"},
	};
	RUN(cases);
}

Test(pss_checks, windows_exemptions_from_1_25)
{
	const char *win = "{\"spec\":{\"os\":{\"name\":\"windows\"},\"containers\":[{\"name\":\"c\"}]}}";
	static const char *const all4 = RESTRICTED_FOUR;
	cr_expect_str_eq(pss_ids_at("restricted", "v1.24", win), all4);
	cr_expect_str_eq(pss_ids_at("restricted", "v1.25", win), "runAsNonRoot");
	cr_expect_str_eq(pss_ids_at("restricted", "latest", win), "runAsNonRoot");
	const char *linux = "{\"spec\":{\"os\":{\"name\":\"linux\"},\"containers\":[{\"name\":\"c\"}]}}";
	cr_expect_str_eq(pss_ids_at("restricted", "v1.25", linux), all4);
}

Test(pss_checks, apparmor)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR_SC("\"appArmorProfile\":{\"type\":\"Unconfined\"}"), "appArmorProfile"},
		{"baseline", "v1.19", CTR_SC("\"appArmorProfile\":{\"type\":\"Localhost\"}"), ""},
		{"restricted", "latest", CTR_SC("\"appArmorProfile\":{\"type\":\"RuntimeDefault\"}"), ""},
		{"baseline", "latest",
		 "{\"metadata\":{\"annotations\":{\"container.apparmor.security.beta.kubernetes.io/c\":\"unconfined\"}},"
		 "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}", "appArmorProfile"},
		{"baseline", "latest",
		 "{\"metadata\":{\"annotations\":{\"container.apparmor.security.beta.kubernetes.io/c\":\"localhost/x\","
		 "\"container.apparmor.security.beta.kubernetes.io/d\":\"runtime/default\",\"other\":\"unconfined\"}},"
		 "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}", ""},
	};
	RUN(cases);
}

Test(pss_checks, capabilities)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR_SC("\"capabilities\":{\"add\":[\"SYS_ADMIN\"],\"drop\":[\"ALL\"]}"),
		 "capabilities_baseline"},
		{"restricted", "latest", CTR_SC("\"capabilities\":{\"add\":[\"SYS_ADMIN\"],\"drop\":[\"ALL\"]}"),
		 "capabilities_baseline,capabilities_restricted"},
		{"baseline", "latest", CTR_SC("\"capabilities\":{\"add\":[\"CHOWN\"],\"drop\":[\"ALL\"]}"), ""},
		{"restricted", "latest", CTR_SC("\"capabilities\":{\"add\":[\"CHOWN\"],\"drop\":[\"ALL\"]}"),
		 "capabilities_restricted"},
		{"restricted", "latest", CTR_SC("\"capabilities\":{\"add\":[\"NET_BIND_SERVICE\"],\"drop\":[\"ALL\"]}"), ""},
		{"restricted", "latest", CTR_SC("\"capabilities\":{\"drop\":[\"NET_RAW\"]}"), "capabilities_restricted"},
		/* capabilities_restricted (1.22) still runs at v1.21 */
		{"restricted", "v1.21", CTR_SC("\"capabilities\":{\"drop\":[]}"), "capabilities_restricted"},
	};
	RUN(cases);
}

Test(pss_checks, host_namespaces_paths_ports)
{
	static const pss_case cases[] = {
		{"baseline", "latest", POD("\"hostIPC\":true"), "hostNamespaces"},
		{"baseline", "v1.19", POD("\"hostNetwork\":true"), "hostNamespaces"},
		{"restricted", "latest", POD("\"hostPID\":true"), "hostNamespaces"},
		{"baseline", "latest", POD("\"hostPID\":false"), ""},
		{"baseline", "latest", POD("\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/etc\"}}]"),
		 "hostPathVolumes"},
		{"restricted", "latest", POD("\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/etc\"}}]"),
		 "hostPathVolumes,restrictedVolumes"},
		{"baseline", "latest", CTR("\"ports\":[{\"containerPort\":80,\"hostPort\":8080}]"), "hostPorts"},
		{"baseline", "latest", CTR("\"ports\":[{\"containerPort\":80,\"hostPort\":0}]"), ""},
		{"baseline", "latest", CTR("\"ports\":[{\"containerPort\":80}]"), ""},
	};
	RUN(cases);
}

Test(pss_checks, host_probes_and_lifecycle)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR("\"livenessProbe\":{\"httpGet\":{\"host\":\"10.0.0.1\",\"port\":80}}"),
		 "hostProbesAndHostLifecycle"},
		/* introduced in 1.34 but run at every version */
		{"baseline", "v1.19", CTR("\"readinessProbe\":{\"tcpSocket\":{\"host\":\"x\",\"port\":80}}"),
		 "hostProbesAndHostLifecycle"},
		{"restricted", "v1.32", CTR("\"lifecycle\":{\"preStop\":{\"httpGet\":{\"host\":\"x\",\"port\":80}}}"),
		 "hostProbesAndHostLifecycle"},
		{"baseline", "latest", CTR("\"startupProbe\":{\"httpGet\":{\"host\":\"\",\"port\":80}}"), ""},
		{"baseline", "latest", CTR("\"livenessProbe\":{\"httpGet\":{\"port\":80}}"), ""},
	};
	RUN(cases);
}

Test(pss_checks, privileged_procmount)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR_SC("\"privileged\":true"), "privileged"},
		{"baseline", "latest", CTR_SC("\"privileged\":false"), ""},
		{"baseline", "latest", CTR_SC("\"procMount\":\"Unmasked\""), "procMount"},
		{"restricted", "v1.19", CTR_SC("\"procMount\":\"Unmasked\""), "procMount"},
		{"baseline", "latest", CTR_SC("\"procMount\":\"Default\""), ""},
	};
	RUN(cases);
}

Test(pss_checks, volume_types)
{
	static const pss_case cases[] = {
		{"restricted", "latest", POD("\"volumes\":[{\"name\":\"v\",\"nfs\":{\"server\":\"s\",\"path\":\"/\"}}]"),
		 "restrictedVolumes"},
		{"baseline", "latest", POD("\"volumes\":[{\"name\":\"v\",\"nfs\":{\"server\":\"s\",\"path\":\"/\"}}]"), ""},
		{"restricted", "latest", POD("\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}},{\"name\":\"w\",\"configMap\":{\"name\":\"x\"}},"
					     "{\"name\":\"i\",\"image\":{\"reference\":\"r\"}}]"), ""},
		{"restricted", "latest", POD("\"volumes\":[{\"name\":\"v\"}]"), "restrictedVolumes"},
	};
	RUN(cases);
}

Test(pss_checks, run_as_non_root_and_user)
{
	static const pss_case cases[] = {
		{"restricted", "latest", CTR_SC("\"runAsNonRoot\":false"), "runAsNonRoot"},
		{"restricted", "latest", CTR_SC("\"runAsNonRoot\":true"), ""},
		{"baseline", "latest", CTR_SC("\"runAsNonRoot\":false"), ""},
		{"restricted", "latest", CTR_SC("\"runAsUser\":0"), "runAsUser"},
		{"restricted", "latest", CTR_SC("\"runAsUser\":1000"), ""},
		/* runAsUser (1.23) still runs at v1.22 */
		{"restricted", "v1.22", "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":0,"
		 "\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},\"containers\":[{\"name\":\"c\"," GOOD_CTR_SC "}]}}",
		 "runAsUser"},
		{"baseline", "latest", CTR_SC("\"runAsUser\":0"), ""},
	};
	RUN(cases);
}

Test(pss_checks, selinux_versions)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR_SC("\"seLinuxOptions\":{\"type\":\"spc_t\"}"), "seLinuxOptions"},
		{"baseline", "latest", CTR_SC("\"seLinuxOptions\":{\"type\":\"container_t\"}"), ""},
		{"baseline", "latest", CTR_SC("\"seLinuxOptions\":{\"user\":\"u\"}"), "seLinuxOptions"},
		{"baseline", "latest", CTR_SC("\"seLinuxOptions\":{\"role\":\"r\"}"), "seLinuxOptions"},
		{"baseline", "latest", CTR_SC("\"seLinuxOptions\":{\"level\":\"s0\"}"), ""},
		{"baseline", "v1.30", CTR_SC("\"seLinuxOptions\":{\"type\":\"container_engine_t\"}"), "seLinuxOptions"},
		{"baseline", "v1.31", CTR_SC("\"seLinuxOptions\":{\"type\":\"container_engine_t\"}"), ""},
		{"baseline", "latest", CTR_SC("\"seLinuxOptions\":{\"type\":\"container_engine_t\"}"), ""},
	};
	RUN(cases);
}

Test(pss_checks, seccomp)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR_SC("\"seccompProfile\":{\"type\":\"Unconfined\"}"), "seccompProfile_baseline"},
		{"restricted", "latest", CTR_SC("\"seccompProfile\":{\"type\":\"Unconfined\"}"),
		 "seccompProfile_baseline,seccompProfile_restricted"},
		{"baseline", "v1.19", CTR_SC("\"seccompProfile\":{\"type\":\"Localhost\",\"localhostProfile\":\"p\"}"), ""},
		/* restricted: every container needs one unless the pod has one */
		{"restricted", "latest", "{\"spec\":{\"containers\":[{\"name\":\"c\"," GOOD_CTR_SC "}],"
		 "\"securityContext\":{\"runAsNonRoot\":true}}}", "seccompProfile_restricted"},
		{"baseline", "latest", "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}", ""},
	};
	RUN(cases);
}

Test(pss_checks, sysctls_versions)
{
	static const struct { const char *name, *fails_at, *passes_at; } rows[] = {
		{"net.ipv4.ip_local_reserved_ports", "v1.26", "v1.27"},
		{"net.ipv4.tcp_keepalive_time", "v1.28", "v1.29"},
		{"net.ipv4.tcp_fin_timeout", "v1.28", "v1.29"},
		{"net.ipv4.tcp_rmem", "v1.31", "v1.32"},
		{"net.ipv4.tcp_wmem", "v1.31", "latest"},
		{"kernel.shm_rmid_forced", NULL, "v1.19"},
		{"net.ipv4.ping_group_range", NULL, "v1.19"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		char pod[512];
		snprintf(pod, sizeof pod, "{\"spec\":{\"securityContext\":{\"sysctls\":[{\"name\":\"%s\",\"value\":\"1\"}]},"
			 "\"containers\":[{\"name\":\"c\"}]}}", rows[i].name);
		if (rows[i].fails_at)
			cr_expect_str_eq(pss_ids_at("baseline", rows[i].fails_at, pod), "sysctls", "%s", rows[i].name);
		cr_expect_str_eq(pss_ids_at("baseline", rows[i].passes_at, pod), "", "%s", rows[i].name);
	}
	cr_expect_str_eq(pss_ids_at("baseline", "latest",
		"{\"spec\":{\"securityContext\":{\"sysctls\":[{\"name\":\"kernel.msgmax\"}]},\"containers\":[]}}"), "sysctls");
}

Test(pss_checks, windows_host_process)
{
	static const pss_case cases[] = {
		{"baseline", "latest", CTR_SC("\"windowsOptions\":{\"hostProcess\":true}"), "windowsHostProcess"},
		{"baseline", "latest", "{\"spec\":{\"securityContext\":{\"windowsOptions\":{\"hostProcess\":true}},"
		 "\"containers\":[{\"name\":\"c\"}]}}", "windowsHostProcess"},
		{"baseline", "latest", CTR_SC("\"windowsOptions\":{\"hostProcess\":false}"), ""},
	};
	RUN(cases);
}

Test(pss_checks, init_and_ephemeral_containers_are_visited)
{
	cr_expect_str_eq(pss_ids_at("baseline", "latest",
		"{\"spec\":{\"containers\":[{\"name\":\"c\"}],\"initContainers\":[{\"name\":\"i\","
		"\"securityContext\":{\"privileged\":true}}]}}"), "privileged");
	cr_expect_str_eq(pss_ids_at("baseline", "latest",
		"{\"spec\":{\"containers\":[{\"name\":\"c\"}],\"ephemeralContainers\":[{\"name\":\"e\","
		"\"securityContext\":{\"privileged\":true}}]}}"), "privileged");
}

Test(pss_checks, type_mismatch_is_a_decoding_error)
{
	const char *got = pss_ids_at("baseline", "latest",
		"{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"hostPort\":\"80\"}]}]}}");
	cr_expect(strstr(got, "ERROR: json: cannot unmarshal string") == got, "%s", got);
	cr_expect(strstr(got, "spec.containers[0].ports[0].hostPort"), "%s", got);
}

Test(pss_checks, check_table)
{
	cr_expect_str_eq(kp_pss_check_id(KP_PSS_CAPABILITIES_RESTRICTED), "capabilities_restricted");
	cr_expect_str_eq(kp_pss_control_name(KP_PSS_CAPABILITIES_RESTRICTED), "Capabilities");
	cr_expect_str_eq(kp_pss_control_name(KP_PSS_HOST_PROBES), "");
	cr_expect_str_eq(kp_pss_control_name(KP_PSS_PROC_MOUNT), "/proc Mount Type");
	cr_expect(kp_pss_check_restricted(KP_PSS_RUN_AS_USER));
	cr_expect(!kp_pss_check_restricted(KP_PSS_SYSCTLS));
}

Test(pss_checks, lists_of_structs_must_decode)
{
	static const char *const pods[] = {
		"{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[80]}]}}",
		"{\"spec\":{\"securityContext\":{\"sysctls\":[\"kernel.msgmax\"]},\"containers\":[]}}",
		"{\"spec\":{\"volumes\":[\"v\"],\"containers\":[]}}",
		"{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":5}]}}",
		"{\"spec\":{\"containers\":{\"name\":\"c\"}}}",
		"{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"capabilities\":{\"add\":[1]}}}]}}",
	};
	for (size_t i = 0; i < sizeof pods / sizeof *pods; i++) {
		const char *got = pss_ids_at("restricted", "latest", pods[i]);
		cr_expect(!strncmp(got, "ERROR: json: cannot unmarshal", 29), "%s: %s", pods[i], got);
	}
}

/* Every control's bad pod at every level and every version the schema
 * allows: it fails exactly where upstream fails it. */
typedef struct sweep_row {
	const char *pod;
	const char *want;           /* the failing checks, where it fails */
	bool restricted_only;       /* passes at baseline */
	unsigned fails_from, fails_to; /* minors (19..33, 33 = latest) where it fails */
	const char *want_r;         /* at restricted / privileged, when not `want` */
} sweep_row;

#define WIN_POD "{\"spec\":{\"os\":{\"name\":\"windows\"},\"securityContext\":{\"runAsNonRoot\":true}," \
	"\"containers\":[{\"name\":\"c\"}]}}"

Test(pss_checks, every_control_at_every_level_and_version)
{
	static const sweep_row rows[] = {
		{CTR_SC("\"allowPrivilegeEscalation\":true"), "allowPrivilegeEscalation", true, 19, 33, NULL},
		/* Linux-only restricted fields: a Windows pod passes them from 1.25 */
		{WIN_POD, "allowPrivilegeEscalation,capabilities_restricted,seccompProfile_restricted", true, 19, 24, NULL},
		{CTR_SC("\"appArmorProfile\":{\"type\":\"Unconfined\"}"), "appArmorProfile", false, 19, 33, NULL},
		{CTR_SC("\"capabilities\":{\"add\":[\"SYS_ADMIN\"],\"drop\":[\"ALL\"]}"), "capabilities_baseline", false, 19, 33,
		 "capabilities_baseline,capabilities_restricted"},
		{CTR_SC("\"capabilities\":{\"add\":[\"CHOWN\"],\"drop\":[\"ALL\"]}"), "capabilities_restricted", true, 19, 33, NULL},
		{POD("\"hostIPC\":true"), "hostNamespaces", false, 19, 33, NULL},
		{POD("\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/\"}}]"), "hostPathVolumes", false, 19, 33,
		 "hostPathVolumes,restrictedVolumes"},
		{CTR("\"ports\":[{\"hostPort\":1}]"), "hostPorts", false, 19, 33, NULL},
		{CTR("\"lifecycle\":{\"postStart\":{\"tcpSocket\":{\"host\":\"h\",\"port\":1}}}"),
		 "hostProbesAndHostLifecycle", false, 19, 33, NULL},
		{CTR_SC("\"privileged\":true"), "privileged", false, 19, 33, NULL},
		{CTR_SC("\"procMount\":\"Unmasked\""), "procMount", false, 19, 33, NULL},
		{POD("\"volumes\":[{\"name\":\"v\",\"gitRepo\":{\"repository\":\"r\"}}]"), "restrictedVolumes", true, 19, 33, NULL},
		{CTR_SC("\"runAsNonRoot\":false"), "runAsNonRoot", true, 19, 33, NULL},
		{CTR_SC("\"runAsUser\":0"), "runAsUser", true, 19, 33, NULL},
		{CTR_SC("\"seLinuxOptions\":{\"role\":\"r\"}"), "seLinuxOptions", false, 19, 33, NULL},
		{CTR_SC("\"seLinuxOptions\":{\"type\":\"container_engine_t\"}"), "seLinuxOptions", false, 19, 30, NULL},
		{CTR_SC("\"seccompProfile\":{\"type\":\"Unconfined\"}"), "seccompProfile_baseline", false, 19, 33,
		 "seccompProfile_baseline,seccompProfile_restricted"},
		{"{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true},\"containers\":[{\"name\":\"c\"," GOOD_CTR_SC "}]}}",
		 "seccompProfile_restricted", true, 19, 33, NULL},
		{"{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"},"
		 "\"sysctls\":[{\"name\":\"net.ipv4.ip_local_reserved_ports\"}]},\"containers\":[{\"name\":\"c\"," GOOD_CTR_SC "}]}}",
		 "sysctls", false, 19, 26, NULL},
		{"{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"},"
		 "\"sysctls\":[{\"name\":\"net.ipv4.tcp_keepalive_probes\"}]},\"containers\":[{\"name\":\"c\"," GOOD_CTR_SC "}]}}",
		 "sysctls", false, 19, 28, NULL},
		{"{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"},"
		 "\"sysctls\":[{\"name\":\"net.ipv4.tcp_wmem\"}]},\"containers\":[{\"name\":\"c\"," GOOD_CTR_SC "}]}}",
		 "sysctls", false, 19, 31, NULL},
		{CTR_SC("\"windowsOptions\":{\"hostProcess\":true}"), "windowsHostProcess", false, 19, 33, NULL},
	};
	static const char *const levels[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const sweep_row *r = &rows[i];
		for (unsigned minor = 19; minor <= 33; minor++) {
			char version[16];
			if (minor == 33)
				snprintf(version, sizeof version, "latest");
			else
				snprintf(version, sizeof version, "v1.%u", minor);
			for (size_t l = 0; l < 3; l++) {
				bool fails = minor >= r->fails_from && minor <= r->fails_to &&
					     !(l == 0 && r->restricted_only);
				const char *got = pss_ids_at(levels[l], version, r->pod);
				const char *want = l && r->want_r ? r->want_r : r->want;
				cr_expect_str_eq(got, fails ? want : "", "row %zu (%s) at %s %s", i, r->want, levels[l], version);
			}
		}
	}
}

Test(pss_checks, volume_sources_must_decode)
{
	const char *got = pss_ids_at("restricted", "latest",
		"{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":\"x\"}],\"containers\":[]}}");
	cr_expect(!strncmp(got, "ERROR: json: cannot unmarshal string", 36), "%s", got);
	/* a null source is an absent one */
	cr_expect_str_eq(pss_ids_at("restricted", "latest",
		"{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":null,\"nfs\":{\"server\":\"s\"}}],\"containers\":[]}}"),
		"restrictedVolumes");
}
